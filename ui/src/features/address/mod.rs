//! The address form (its own chunk) and the address engine it loads on first use (its own wasm
//! module).

pub mod engine;
pub mod form;
