#![no_std]
#![forbid(unsafe_code)]
#![doc = include_str!("../README.md")]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod api;
pub mod arn;
pub mod condition;
pub mod decision;
pub mod diag;
mod eval;
pub mod glob;
pub mod json;
pub mod limits;
pub mod lint;
pub mod policy;
pub mod request;
pub mod small;
pub mod store;
pub mod testfile;
mod text;
pub mod transfer;
pub mod value;
pub mod vars;

pub use decision::{Decision, Explained, Reason};
pub use diag::{Diagnostic, Severity, Span};
pub use request::{Request, RequestError};
pub use store::{Store, StoreError};
pub use value::Instant;

/// The engine version (the crate version).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
