//! Runs every test file in the repository's `testdata/` and in each folder
//! listed in `PORTCULLIS_VECTORS` (colon-separated) through the core.
//!
//! `cargo test -p portcullis-core --test conformance -- --nocapture` prints one
//! line per failing case and a final `conformance: N passed, M failed`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "test code")]

use std::path::{Path, PathBuf};

use portcullis_core::testfile::TestFile;

fn test_files() -> Vec<PathBuf> {
    let mut roots = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata")];
    if let Ok(extra) = std::env::var("PORTCULLIS_VECTORS") {
        roots.extend(extra.split(':').filter(|s| !s.is_empty()).map(PathBuf::from));
    }
    let mut files = Vec::new();
    for root in roots {
        assert!(root.is_dir(), "test-data folder {} does not exist", root.display());
        collect(&root, &mut files);
    }
    files.sort();
    files
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

#[test]
fn every_suite_passes() {
    let files = test_files();
    assert!(!files.is_empty(), "no test files found");
    let (mut passed, mut failed) = (0usize, 0usize);
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let parsed = match TestFile::parse(&text) {
            Ok(parsed) => parsed,
            Err(d) => {
                println!("FAIL {}: not a test file: {} at {}:{}", file.display(), d.message, d.line, d.column);
                failed += 1;
                continue;
            }
        };
        let dir = file.parent().unwrap().to_path_buf();
        let mut read = |path: &str| std::fs::read_to_string(dir.join(path)).map_err(|e| e.to_string());
        for result in parsed.run(&mut read) {
            if result.passed {
                passed += 1;
            } else {
                failed += 1;
                println!("FAIL {}: {}", file.display(), result.describe());
            }
        }
    }
    println!("conformance: {passed} passed, {failed} failed");
    assert_eq!(failed, 0, "{failed} conformance cases failed");
    assert!(passed > 0);
}
