//! The repair loop's verdict: from what was done (restart, approvals) and what the
//! verification found (the findings gone, and those still at or above `--fail-on`).

use super::RepairOutcome;
use crate::checks::{Finding, Severity};

pub fn verdict(
    mut repair: RepairOutcome,
    resolved: &[Finding],
    after: &[Finding],
    fail_on: Severity,
) -> RepairOutcome {
    repair.fixed = resolved.iter().map(|f| f.id.to_string()).collect();
    repair.still_failing = after
        .iter()
        .filter(|f| f.severity >= fail_on)
        .map(|f| f.id.to_string())
        .collect();
    repair.gateway_down = repair.restart.as_ref().is_some_and(|r| !r.came_back);
    repair.verdict = Some(
        if let Some(r) = repair.restart.as_ref().filter(|r| !r.came_back) {
            format!("gateway did not come back: {}", r.detail)
        } else if !repair.still_failing.is_empty() {
            format!("still failing: {}", repair.still_failing.join(", "))
        } else if let Some(a) = repair.approved.iter().find(|a| !a.ok) {
            format!(
                "still failing: approving {} failed: {}",
                a.request_id, a.detail
            )
        } else {
            "fixed".to_string()
        },
    );
    repair
}
