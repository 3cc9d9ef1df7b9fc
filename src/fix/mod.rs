//! `fix`: plan patches from the checks' proposals, write them safely (atomic, backed up, all
//! or nothing across files).

pub mod apply;
pub mod outcome;
pub mod plan;
pub mod run;
pub mod transaction;

pub use outcome::{FileDiff, FixOutcome, Written};
pub use plan::{FileChange, Patch, PlanOptions};
