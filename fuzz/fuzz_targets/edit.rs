//! Any bytes as a JSON5 or TOML config: parsing never panics, and when an edit applies, the
//! result parses and holds the new value (the same property as tests/edit_props.rs, on inputs
//! libFuzzer finds). Run with scripts/fuzz.sh.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    openclaw_doctor::config::fuzz_edit(data);
});
