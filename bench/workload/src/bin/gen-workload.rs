//! `gen-workload <small|medium|large> <out-dir> [requests] [--peers]` writes
//! `<size>-store.json` and `<size>-requests.json` (a JSON array); with
//! `--peers`, also the translations for the peer engines of `scripts/bench.sh`
//! (see `portcullis_workload::peers`):
//! `<size>-cedar.cedar`, `<size>-cedar-entities.json`, `<size>-cedar-requests.json`,
//! `<size>-casbin.conf`, `<size>-casbin.json` (`{policies, links, requests}`),
//! `<size>-iam.json` (`{policies, guardrails, requests}`) and
//! `<size>-caveats.json` (where the translations are not exact).

use std::process::ExitCode;

use portcullis_workload::{peers, requests, store, Size};
use serde_json::{json, Value};

fn main() -> ExitCode {
    let all: Vec<String> = std::env::args().skip(1).collect();
    let with_peers = all.iter().any(|a| a == "--peers");
    let args: Vec<&String> = all.iter().filter(|a| !a.starts_with("--")).collect();
    let (Some(size), Some(dir)) = (args.first().and_then(|s| Size::parse(s)), args.get(1)) else {
        eprintln!("usage: gen-workload <small|medium|large> <out-dir> [requests, default 10000] [--peers]");
        return ExitCode::from(2);
    };
    let count = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let dir = std::path::Path::new(dir.as_str());
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("gen-workload: cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    let store = store(size);
    let requests = requests(size, count);
    let name = size.name();
    let mut files: Vec<(String, String)> = vec![
        (format!("{name}-store.json"), text(&store)),
        (format!("{name}-requests.json"), text(&Value::Array(requests.clone()))),
    ];
    if with_peers {
        let translated = peers::model_and_requests(&store, &requests).and_then(|(model, reqs)| {
            let cedar = model.cedar(&reqs)?;
            let casbin = model.casbin(&reqs)?;
            Ok((cedar, casbin, model.iam(&reqs)))
        });
        let (cedar, casbin, iam) = match translated {
            Ok(t) => t,
            Err(e) => {
                eprintln!("gen-workload: {e}");
                return ExitCode::FAILURE;
            }
        };
        files.push((format!("{name}-cedar.cedar"), cedar.policies));
        files.push((format!("{name}-cedar-entities.json"), text(&cedar.entities)));
        files.push((format!("{name}-cedar-requests.json"), text(&Value::Array(cedar.requests))));
        files.push((format!("{name}-casbin.conf"), casbin.model.to_string()));
        files.push((
            format!("{name}-casbin.json"),
            text(&json!({"policies": casbin.policies, "links": casbin.links, "requests": casbin.requests})),
        ));
        files.push((format!("{name}-iam.json"), text(&iam)));
        files.push((format!("{name}-caveats.json"), text(&json!(peers::CAVEATS))));
    }
    for (file, contents) in files {
        let path = dir.join(file);
        if let Err(e) = std::fs::write(&path, contents) {
            eprintln!("gen-workload: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        println!("{}", path.display());
    }
    ExitCode::SUCCESS
}

fn text(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
