//! OpenClaw release versions (`2026.9.6`): year, month, patch.

/// `2026.9.6` (optionally `-beta.1` and such, ignored) as comparable numbers.
pub fn parse(v: &str) -> Option<(u32, u32, u32)> {
    let core = v.trim().trim_start_matches('v');
    let core = core.split(['-', '+', ' ']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u32>().ok());
    let out = (
        parts.next()??,
        parts.next()??,
        parts.next().flatten().unwrap_or(0),
    );
    parts.next().is_none().then_some(out)
}
