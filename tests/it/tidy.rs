//! Rules about the source tree itself, checked on every `cargo test`.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_rust_file_opens_with_a_module_doc() {
    let mut files = Vec::new();
    for dir in ["src", "tests", "benches"] {
        rust_files(&root().join(dir), &mut files);
    }
    assert!(files.len() > 5, "found only {files:?}");
    let missing: Vec<String> = files
        .iter()
        .filter(|f| !std::fs::read_to_string(f).unwrap_or_default().starts_with("//!"))
        .map(|f| f.display().to_string())
        .collect();
    assert!(missing.is_empty(), "files without a //! opening line: {missing:?}");
}

#[test]
fn the_model_names_no_web_crate() {
    // The model and everything it needs must build and test natively.
    let web = ["yew", "web_sys", "web-sys", "gloo", "wasm_bindgen", "wasm-bindgen", "plotters", "js_sys"];
    let mut files = Vec::new();
    for file in ["model.rs", "condition.rs", "config.rs", "data.rs", "check.rs", "resolve.rs", "symptoms.rs", "lib.rs"]
    {
        files.push(root().join("src").join(file));
    }
    rust_files(&root().join("src/cli"), &mut files);
    rust_files(&root().join("src/export"), &mut files);
    // Rules as code (the rule-set model, readers, check and export) runs in the widget as it is.
    rust_files(&root().join("src/ruleset"), &mut files);
    // The scene (layout, frames, hit testing) is pure too.
    rust_files(&root().join("src/scene"), &mut files);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for name in web {
                assert!(!line.contains(name), "{} names `{name}`: {line}", file.display());
            }
        }
    }
}

#[test]
fn painting_names_plotters_but_no_browser_crate() {
    // So the same painting code draws to SVG natively and to the canvas in the browser.
    let text = std::fs::read_to_string(root().join("src/paint.rs")).unwrap();
    for name in ["yew", "web_sys", "gloo", "wasm_bindgen", "js_sys", "plotters_canvas"] {
        assert!(!text.contains(name), "src/paint.rs names `{name}`");
    }
    assert!(text.contains("DrawingBackend"), "painting should be generic over the plotters backend");
}

#[test]
fn the_readme_documents_every_key_and_scenario() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let catalog = super::catalog();
    for key in &catalog.keys {
        assert!(readme.contains(&format!("`{}`", key.id)), "README.md does not document key `{}`", key.id);
        for value in &key.values {
            assert!(readme.contains(value.as_str()), "README.md does not mention value {value} of {}", key.id);
        }
    }
    for scenario in &catalog.scenarios {
        assert!(readme.contains(&format!("`{}`", scenario.id)), "README.md does not list scenario {}", scenario.id);
    }
}
