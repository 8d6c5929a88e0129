//! The domain of Nobi Pro, as plain data and pure functions.
//!
//! This crate is the part of the extension that does not know it runs in a browser: it has no
//! `web-sys`, no `js-sys`, no I/O, no clock and no randomness of its own. Everything that crosses a
//! context boundary (panel, service worker, content script) is a serde type defined here, once, in
//! [`protocol`]. Because it compiles natively, most of the extension's logic is tested with a plain
//! `cargo test`, and the same code powers the `nobi` command-line tool.
//!
//! Design choices:
//! - Text is NFC-normalised where it enters ([`text::nfc`]); every function here may assume NFC input
//!   but must not break on other input.
//! - Money is integer VND (`i64`), never floating point.
//! - Administrative units are keyed by (scheme, code), never by code alone: codes were reused by the
//!   2025 reform.

pub mod address;
pub mod aliases;
pub mod crm;
pub mod i18n;
pub mod order;
pub mod outbox;
pub mod page;
pub mod phone;
pub mod platform;
pub mod protocol;
pub mod tabs;
pub mod template;
pub mod text;
