//! Lists the templates and static files so that the binary carries them (`include_str!` /
//! `include_bytes!` of each file): a release binary copied anywhere serves its pages without the
//! source tree. Writes `$OUT_DIR/embedded_assets.rs`, included by `src/web/assets.rs`.
//!
//! A few lines of our own instead of an embedding crate: two folders, no compression, no runtime
//! reloading (the `assets_dir` setting covers development).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Static files already compiled in elsewhere, served from there instead of a second copy.
const EMBEDDED_ELSEWHERE: &[&str] = &["fonts/ipaexg.ttf"];

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into()));
    let mut out = String::new();
    for (folder, constant, macro_name, kind) in [
        ("templates", "TEMPLATES", "include_str", "&str"),
        ("static", "STATIC_FILES", "include_bytes", "&[u8]"),
    ] {
        let dir = root.join(folder);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files = Vec::new();
        collect(&dir, &dir, &mut files);
        files.sort();
        let _ = writeln!(out, "pub static {constant}: &[(&str, {kind})] = &[");
        for (relative, path) in files {
            if folder == "static" && EMBEDDED_ELSEWHERE.contains(&relative.as_str()) {
                continue;
            }
            let _ = writeln!(out, "    ({relative:?}, {macro_name}!({:?})),", path.display().to_string());
        }
        let _ = writeln!(out, "];");
    }
    let target =
        PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join("embedded_assets.rs");
    if let Err(e) = std::fs::write(&target, out) {
        panic!("writing {}: {e}", target.display());
    }
}

/// `(path relative to root with '/' separators, absolute path)` of every file below `dir`,
/// skipping hidden files (editor swap files and the like).
fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect(root, &path, out);
        } else if let Ok(relative) = path.strip_prefix(root) {
            let relative = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>();
            out.push((relative.join("/"), path.clone()));
        }
    }
}
