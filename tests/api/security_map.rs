//! SECURITY.md stays true: every test it names as proof of a rule exists.

use std::path::Path;

fn sources(dir: &Path, out: &mut String) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
}

#[test]
fn every_test_security_md_names_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let map = std::fs::read_to_string(root.join("SECURITY.md")).unwrap();
    let mut code = String::new();
    sources(&root.join("src"), &mut code);
    sources(&root.join("tests"), &mut code);
    let named: Vec<&str> = map
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|span| span.contains("::") && !span.ends_with('*') && !span.contains(' '))
        .collect();
    assert!(named.len() > 50, "SECURITY.md names its tests ({} found)", named.len());
    let missing: Vec<&str> = named
        .iter()
        .copied()
        .filter(|path| {
            let name = path.rsplit("::").next().unwrap_or_default();
            !code.contains(&format!("fn {name}("))
        })
        .collect();
    assert!(missing.is_empty(), "SECURITY.md names tests that do not exist: {missing:#?}");
}
