//! Why a host check did not run: it passes only when the gateway of this config was found on
//! this host and the facts it looks at were read.

use super::Facts;

pub(super) fn why_not_run(_id: &str, _facts: &Facts) -> Option<String> {
    Some("the host was not scanned".into())
}
