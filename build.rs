//! Prepares the bundled OpenClaw schema (schemas/*.schema.json.gz, exactly what
//! `openclaw config schema` printed) and splits it by top-level key into $OUT_DIR, so the
//! binary parses and compiles only the parts a config uses (see src/schema/prepare.rs).

use std::io::Read;
use std::path::Path;

#[path = "src/schema/prepare.rs"]
mod prepare;

const VERSION: &str = "2026.9.6";

fn main() {
    let source = format!("schemas/openclaw-{VERSION}.schema.json.gz");
    println!("cargo:rerun-if-changed={source}");
    println!("cargo:rerun-if-changed=src/schema/prepare.rs");
    let out = std::env::var("OUT_DIR").expect("OUT_DIR");
    let dir = Path::new(&out).join("schema");
    std::fs::create_dir_all(&dir).expect("schema dir");
    let gz = std::fs::File::open(&source).unwrap_or_else(|e| panic!("{source}: {e}"));
    let mut text = String::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_string(&mut text)
        .unwrap_or_else(|e| panic!("{source}: {e}"));
    let mut schema: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{source}: {e}"));
    prepare::prepare(&mut schema);
    let (root, pieces) = prepare::split(schema);
    let write = |name: &str, v: &serde_json::Value| {
        let path = dir.join(format!("{name}.json"));
        std::fs::write(&path, serde_json::to_string(v).expect("json")).expect("write piece");
        path
    };
    let root_path = write("_root", &root);
    let mut code = format!(
        "/// The OpenClaw version whose schema is bundled.\npub const VERSION: &str = {VERSION:?};\n/// The root schema, every top-level property body replaced by `true`.\npub const ROOT: &str = include_str!({:?});\n/// Each top-level property's schema.\npub const PIECES: &[(&str, &str)] = &[\n",
        root_path.display().to_string()
    );
    for (i, (key, value)) in pieces.iter().enumerate() {
        let path = write(&format!("p{i}"), value);
        code.push_str(&format!(
            "    ({key:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    code.push_str("];\n");
    std::fs::write(Path::new(&out).join("schema_pieces.rs"), code).expect("write index");
}
