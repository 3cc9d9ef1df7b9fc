//! Every input kept under fuzz/seeds/ (the seed corpus and any crash libFuzzer ever found)
//! goes through the fuzzing property on every test run.

#[test]
fn fuzz_seeds_and_crashes_hold_the_property() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/edit");
    let (mut n, mut edited) = (0, 0);
    for entry in std::fs::read_dir(&dir).unwrap() {
        let data = std::fs::read(entry.unwrap().path()).unwrap();
        edited += usize::from(openclaw_doctor::config::fuzz_edit(&data));
        n += 1;
    }
    assert!(n >= 50, "{n} inputs");
    // Most seeds must reach the property (an edit made and checked), not return early.
    assert!(
        edited * 100 >= n * 80,
        "only {edited} of {n} seeds were edited"
    );
}
