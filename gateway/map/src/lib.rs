#![no_std]
#![forbid(unsafe_code)]
#![doc = include_str!("../README.md")]

extern crate alloc;

mod check;
mod config;
mod err;
mod input;
pub mod limits;
mod net;
mod path;
mod record;
mod template;

pub use check::{Gateway, HttpRequest, Outcome};
pub use config::{stores_from_json_str, Config, StoreSource};
pub use err::Refusal;
pub use input::HttpInput;
pub use net::parse_addr;
pub use path::RequestPath;
