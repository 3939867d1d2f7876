//! The layers point one way (web → domain → storage): the domain names no sea-orm type, and the web
//! reaches stored data only through domain records.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Lines of code (not comments) under `src/<folder>` that contain `needle`.
fn offending_lines(folder: &str, needle: &str) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(folder), &mut files);
    assert!(!files.is_empty(), "src/{folder} has Rust files");
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (number, line) in text.lines().enumerate() {
            if !line.trim_start().starts_with("//") && line.contains(needle) {
                found.push(format!("{}:{}: {}", file.display(), number + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn the_domain_names_no_sea_orm_type() {
    let found = offending_lines("domain", "sea_orm");
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_web_layer_never_reaches_storage() {
    let found = offending_lines("web", "storage::");
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn neither_domain_nor_storage_knows_rocket() {
    for folder in ["domain", "storage"] {
        let found = offending_lines(folder, "rocket::");
        assert!(found.is_empty(), "{found:#?}");
    }
}
