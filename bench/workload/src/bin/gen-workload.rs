//! `gen-workload <small|medium|large> <out-dir> [requests]` writes
//! `<size>-store.json` and `<size>-requests.json` (a JSON array).

use std::process::ExitCode;

use portcullis_workload::{requests, store, Size};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(size), Some(dir)) = (args.first().and_then(|s| Size::parse(s)), args.get(1)) else {
        eprintln!("usage: gen-workload <small|medium|large> <out-dir> [requests, default 10000]");
        return ExitCode::from(2);
    };
    let count = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let dir = std::path::Path::new(dir);
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("gen-workload: cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    let files = [
        (format!("{}-store.json", size.name()), store(size)),
        (format!("{}-requests.json", size.name()), serde_json::Value::Array(requests(size, count))),
    ];
    for (name, value) in files {
        let path = dir.join(name);
        let text = serde_json::to_string(&value).unwrap_or_default();
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("gen-workload: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        println!("{}", path.display());
    }
    ExitCode::SUCCESS
}
