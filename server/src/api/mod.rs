//! The HTTP API, version 1: the routes and their handlers (one module per concern).

pub mod account;
pub mod conversations;
pub mod pacing;
pub mod presence;
pub mod shop;
pub mod sync;
