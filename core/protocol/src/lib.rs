//! What the extension's contexts say to each other, and what they read off a chat page.
//!
//! The panel, the service worker and the content scripts are separate wasm modules that talk in
//! messages; every such message is a serde type defined here, once, so that the three compile
//! against the same shapes. The messages are at the crate root (they were `nobi_core::protocol`);
//! next to them are the pieces of state and logic the messages carry or that decide what they say:
//!
//! - [`outbox`]: the queue of scheduled and bulk sends, its pacing and its rules (the worker
//!   runs it; the panel shows it);
//! - [`aliases`] and [`platform`]: which threads are the same conversation, and the URLs and ids
//!   of Facebook, Messenger and Instagram;
//! - [`tabs`]: which tab shows which conversation;
//! - [`page`]: what a content script reads off the page (names, statuses, the pane's verdict).
//!
//! # Why one crate
//!
//! These modules name each other's types both ways (a message carries an outbox item; the
//! outbox reports through messages; aliases and platform URLs refer to each other), so they are
//! one unit of compilation: splitting them would only move the cycle into trait objects.
//!
//! # Contract
//!
//! Every type here is plain data that survives a `serde_json` round trip unchanged; functions are
//! pure (no clock, no randomness, no browser): the caller passes the time. This crate does not
//! translate anything (see `nobi-i18n`) and does not know customers or orders.
//!
//! # Dependencies
//!
//! `nobi-text` (case-insensitive matching of page text) and `serde`.

mod protocol;

pub use protocol::*;

pub mod aliases;
pub mod campaign;
pub mod message_time;
pub mod outbox;
pub mod page;
pub mod platform;
pub mod tabs;
