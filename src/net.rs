//! URLs named on the command line: judged once, before anything is read or probed. (The home
//! for host, loopback and port rules as they move out of `checks::values`.)

use crate::error::{Error, Result};

/// Every `--url` must be a ws, wss, http or https URL with a host and a valid port: a URL
/// that cannot be probed is a usage error, never silently dropped.
pub fn validate_urls(urls: &[String]) -> Result<()> {
    urls.iter()
        .try_for_each(|u| validate_url("--url", u, &["ws", "wss", "http", "https"]))
}

/// `raw` must use one of `schemes`, name a host, and have a port from 1 to 65535 if any.
pub fn validate_url(flag: &str, raw: &str, schemes: &[&str]) -> Result<()> {
    let names: Vec<String> = schemes.iter().map(|s| format!("{s}://")).collect();
    let listed = match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    };
    let bad = |why: &str| {
        Err(Error::Usage(format!(
            "{flag} {:?}: {why}; give a {listed} URL with a host (e.g. wss://claw.example.org)",
            crate::checks::values::display_url(raw)
        )))
    };
    let Some(parts) = crate::checks::values::split_url(raw.trim()) else {
        return bad("not a URL with a scheme and a host");
    };
    if !schemes.contains(&parts.scheme.to_ascii_lowercase().as_str()) {
        return bad(&format!("scheme {:?} is not allowed here", parts.scheme));
    }
    if let Some(port) = parts.port
        && !matches!(port.parse::<u16>(), Ok(p) if p > 0)
    {
        return bad(&format!("port {port:?} is not a port (1 to 65535)"));
    }
    if url::Url::parse(raw.trim()).is_err() {
        return bad("not a valid URL");
    }
    Ok(())
}
