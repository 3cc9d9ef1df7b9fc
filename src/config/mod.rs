//! Config discovery and the document model (JSON5 and TOML, with `$include`s).

pub mod discovery;
pub mod document;
pub mod edit;
pub mod json5;
pub mod set;
pub mod toml;
pub mod tree;

pub use discovery::{Discovered, DiscoveryFlags, Env};
pub use document::{Document, Format, SetTarget};
pub use edit::EditValue;
pub use set::{ConfigSet, DocId, Located, Lookup};
