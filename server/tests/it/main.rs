//! Integration tests of the team server against a real PostgreSQL (see `cluster.rs`): one test
//! binary, one cluster, each test in a shop of its own.

mod cluster;
mod common;

mod account;
mod assignment;
mod bad_input;
mod claim;
mod client;
mod orders;
mod pacing;
mod rls;
mod sync;
