//! Validates the shipped data file at build time and encodes it for the binaries.
//!
//! It loads `data/aml.toml` with the crate's own loader (`src/data.rs` and the modules it needs,
//! included by path), so a data file with errors fails the build with every problem and its
//! line, and writes the validated [`model::Catalog`] in postcard's compact binary form to
//! `$OUT_DIR/aml.catalog`. The widget and the command line decode that in microseconds instead
//! of parsing and checking the TOML at start-up, and the wasm carries no TOML parser.
//!
//! `VNET_FLOWS_DATA=path` builds another data file in instead (the benchmark's generated large
//! file); the tests always check the shipped one.

// Only the loader is used here; the rest of these modules serves the library.
#[allow(dead_code)]
#[path = "src/condition.rs"]
mod condition;
#[allow(dead_code)]
#[path = "src/config.rs"]
mod config;
#[allow(dead_code)]
#[path = "src/data.rs"]
mod data;
#[allow(dead_code)]
#[path = "src/model.rs"]
mod model;

fn main() {
    for path in ["data/aml.toml", "src/condition.rs", "src/config.rs", "src/data.rs", "src/model.rs"] {
        println!("cargo::rerun-if-changed={path}");
    }
    println!("cargo::rerun-if-env-changed=VNET_FLOWS_DATA");
    let path = std::env::var("VNET_FLOWS_DATA").unwrap_or_else(|_| "data/aml.toml".into());
    println!("cargo::rerun-if-changed={path}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| fail(&format!("{path}: {e}")));
    let catalog = data::load(&text).unwrap_or_else(|errors| {
        let lines: Vec<String> = errors
            .iter()
            .map(|e| {
                format!(
                    "  data/aml.toml:{} {}: {}",
                    e.line.map(|l| l.to_string()).unwrap_or_default(),
                    e.location,
                    e.message
                )
            })
            .collect();
        fail(&format!("{} problem(s) in the shipped data:\n{}", errors.len(), lines.join("\n")))
    });
    let bytes = postcard::to_allocvec(&catalog).unwrap_or_else(|e| fail(&format!("encoding the catalog: {e}")));
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| fail("OUT_DIR is not set")));
    std::fs::write(out.join("aml.catalog"), bytes).unwrap_or_else(|e| fail(&format!("writing aml.catalog: {e}")));
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1);
}
