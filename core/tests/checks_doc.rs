//! `docs/checks.md` is generated from the registry of checks
//! (`portcullis_core::lint::CHECKS`) and must match it (STYLE 11), and every
//! finding code the crate emits must be in that registry.
//!
//! Regenerate the document with
//! `UPDATE_CHECKS_DOC=1 cargo test -p portcullis-core --features docs --test checks_doc`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "test code")]

use std::path::{Path, PathBuf};

use portcullis_core::lint::{checks_markdown, CHECKS};

const REGENERATE: &str = "UPDATE_CHECKS_DOC=1 cargo test -p portcullis-core --features docs --test checks_doc";

fn doc_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/checks.md")
}

/// The lines that differ, in a unified-diff-like form (enough to see what drifted).
fn diff(old: &str, new: &str) -> String {
    let old: Vec<&str> = old.lines().collect();
    let new: Vec<&str> = new.lines().collect();
    let mut out = String::new();
    for line in old.iter().filter(|l| !new.contains(l)) {
        out.push_str(&format!("-{line}\n"));
    }
    for line in new.iter().filter(|l| !old.contains(l)) {
        out.push_str(&format!("+{line}\n"));
    }
    if out.is_empty() {
        out.push_str("(the same lines in another order)\n");
    }
    out
}

#[test]
fn docs_checks_md_is_generated_from_the_registry() {
    let generated = checks_markdown();
    let path = doc_path();
    if std::env::var_os("UPDATE_CHECKS_DOC").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        panic!(
            "docs/checks.md is out of date with core/src/lint/registry.rs:\n{}\nregenerate it with:\n  {REGENERATE}",
            diff(&committed, &generated)
        );
    }
}

/// Code-like literals in the crate that are not finding codes of `check`.
const NOT_CHECK_CODES: &[(&str, &str)] = &[
    ("break-glass", "an alert name in decisions"),
    ("session-expired", "a reason in decision explanations"),
    ("not-an-ip", "test data"),
    ("prod-01", "test data"),
    ("web-prod-01", "test data"),
    ("invalid-request", "request parsing, not `check`"),
    ("limit-request-size", "request parsing, not `check`"),
    ("limit-context", "request parsing, not `check`"),
    ("limit-batch", "batch evaluation, not `check`"),
    ("invalid-test-file", "test files, not `check`"),
    ("aws-cn", "an AWS partition"),
    ("aws-us-gov", "an AWS partition"),
    ("aws-iso", "an AWS partition"),
    ("aws-iso-b", "an AWS partition"),
    ("aws-iso-e", "an AWS partition"),
    ("aws-iso-f", "an AWS partition"),
    ("aws-eusc", "an AWS partition"),
    ("saml-provider", "ARN text"),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// String literals shaped like finding codes: `"word-word..."`, lowercase.
fn code_literals(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for (i, piece) in text.split('"').enumerate() {
        let shaped = i % 2 == 1
            && piece.contains('-')
            && !piece.starts_with('-')
            && !piece.ends_with('-')
            && !piece.contains("--")
            && piece.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && piece.bytes().next().is_some_and(|b| b.is_ascii_lowercase());
        if shaped {
            out.push(piece);
        }
    }
    out
}

#[test]
fn every_code_the_crate_emits_is_in_the_registry() {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    let mut missing = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        // The catalog's service prefixes and the registry's own text are data.
        if file.ends_with("lint/catalog.rs") {
            continue;
        }
        for literal in code_literals(&text) {
            let known = CHECKS.iter().any(|c| c.code == literal) || NOT_CHECK_CODES.iter().any(|(c, _)| *c == literal);
            if !known {
                missing.push(format!("{}: `{literal}`", file.display()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "finding codes not in core/src/lint/registry.rs (add them with their documentation, then run {REGENERATE}):\n{}",
        missing.join("\n")
    );
}
