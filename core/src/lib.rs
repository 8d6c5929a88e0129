//! The domain of Nobi Pro, as plain data and pure functions: a facade over the `nobi-*` crates.
//!
//! This crate is the part of the extension that does not know it runs in a browser: it has no
//! `web-sys`, no I/O, no clock and no randomness of its own. Everything that crosses a context
//! boundary (panel, service worker, content script) is a serde type defined once, in
//! [`protocol`]. Because it compiles natively, most of the extension's logic is tested with a plain
//! `cargo test`, and the same code powers the `nobi` command-line tool.
//!
//! # The crates
//!
//! The domain is split into crates so that Cargo enforces which part may use which (Cargo refuses
//! a cycle between crates, where modules of one crate could name each other freely). This crate
//! re-exports each under the module name it had when it was one crate, so `nobi_core::crm::...`
//! and friends keep working. Lowest first:
//!
//! | crate | here as | depends on |
//! |---|---|---|
//! | `nobi-text` | [`text`] | — |
//! | `nobi-protocol` | [`protocol`], [`outbox`], [`aliases`], [`platform`], [`tabs`], [`page`] | text |
//! | `nobi-i18n` | [`i18n`] | protocol (texts of its health, signal and failure kinds) |
//! | `nobi-address` | [`address`] | text |
//! | `nobi-phone` | [`phone`] | text |
//! | `nobi-money` | [`order::money`] | text, i18n |
//! | `nobi-tabular` | [`crm::xlsx`] (and the CSV reader) | i18n |
//! | `nobi-template` | [`template`] | text, i18n, money |
//! | `nobi-crm` | [`crm`] | text, i18n, protocol, address, phone, tabular, template |
//! | `nobi-campaign` | [`campaign`] (its run is `protocol::campaign`) | protocol, i18n, phone, template, money, text |
//! | `nobi-order` | [`order`] (its `campaign_facts` builds audience facts from records) | crm, campaign and everything below them |
//! | `nobi-backup` | [`crm::backup`] | crm, order, template, i18n |
//! | `nobi-sync` | [`sync`] (team sync's client: mutations, push/pull state machine, pulled rows) | crm, protocol, i18n |
//!
//! Two re-exports merge crates back into one module: [`template::vars_for`] is in `nobi-order`
//! (it reads a customer and an order, which the template engine must not know), and
//! [`crm::backup`] is `nobi-backup` (a backup holds every store, so it sits above them all).
//!
//! # Design choices
//!
//! - Text is NFC-normalised where it enters ([`text::nfc`]); every function here may assume NFC input
//!   but must not break on other input.
//! - Money is integer VND (`i64`), never floating point.
//! - Administrative units are keyed by (scheme, code), never by code alone: codes were reused by the
//!   2025 reform.
//!
//! # Features
//!
//! `browser-nfc` forwards to `nobi-text/browser-nfc`: NFC through the browser's
//! `String.prototype.normalize` instead of Unicode tables in wasm.

pub use nobi_address as address;
/// Audiences, messages, opt-out words and reports of campaigns (their run is
/// [`protocol::campaign`]).
pub use nobi_campaign as campaign;
pub use nobi_i18n as i18n;
pub use nobi_order as order;
pub use nobi_phone as phone;
pub use nobi_protocol as protocol;
pub use nobi_protocol::{aliases, outbox, page, platform, tabs};
/// Team sync's client side: local changes to server mutations, the push/pull state machine.
pub use nobi_sync as sync;
/// The CSV and `.xlsx` reader and its limits (`check_file_size` before a file is read).
pub use nobi_tabular as tabular;
pub use nobi_text as text;

/// The CRM (`nobi-crm`), with the backup file (`nobi-backup`) at its old place.
pub mod crm {
    pub use nobi_backup as backup;
    pub use nobi_crm::*;
}

/// The template engine (`nobi-template`), with [`vars_for`](nobi_order::vars_for) (in `nobi-order`) at its old place.
pub mod template {
    pub use nobi_order::vars_for;
    pub use nobi_template::*;
}
