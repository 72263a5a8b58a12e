//! See `benches/vs_cedar.rs`: portcullis-core against the cedar-policy crate (scripts/bench.sh runs it).
