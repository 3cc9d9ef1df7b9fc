//! `fix`: plan patches from the checks' proposals, render them as diffs, apply them safely.

pub mod apply;
pub mod approve;
pub mod diff;
pub mod plan;
pub mod proxy_patch;
pub mod run;
pub mod transaction;

pub use plan::{FileChange, Patch, PlanOptions};
