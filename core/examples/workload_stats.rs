//! Loads a generated workload and reports decisions, for a quick look.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "example")]
use portcullis_core::{Request, Store};
use portcullis_workload::{requests, store, Size};

fn main() {
    for size in [Size::Small, Size::Medium, Size::Large] {
        let text = serde_json::to_string(&store(size)).unwrap();
        let t = std::time::Instant::now();
        let s = Store::from_json_str(&text).unwrap();
        let load = t.elapsed();
        let reqs: Vec<Request> = requests(size, 10_000)
            .iter()
            .map(|r| Request::from_json_str(&r.to_string()).unwrap().into_owned())
            .collect();
        let t = std::time::Instant::now();
        let mut counts = std::collections::BTreeMap::new();
        for r in &reqs {
            let d = s.evaluate(r, None);
            *counts.entry(format!("{:?}", d.reason)).or_insert(0) += 1;
        }
        let per = t.elapsed() / reqs.len() as u32;
        println!("{}: {:?}, load {:?}, {:?}/decision, {:?}", size.name(), s.stats(), load, per, counts);
    }
}
