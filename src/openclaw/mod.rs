//! Talking to OpenClaw through its own CLI (never by writing its state): devices, approvals,
//! restarts; and reading its pairing files read-only on gateways older than 2026.7.

pub mod cli;
pub mod devices;
pub mod log;
pub mod version;
