//! `fix`: plan patches from the checks' proposals, render them as diffs, apply them safely.

pub mod apply;
pub mod diff;
pub mod plan;
pub mod run;

pub use plan::{FileChange, Patch, PlanOptions};
