//! Thin adapters from WebAssembly hosts to `portcullis-core`: bytes in, core
//! call, bytes out. No policy logic lives here.
#![no_std]

extern crate alloc;
