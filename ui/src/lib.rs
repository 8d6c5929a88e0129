//! Nobi Pro's side panel, in Leptos.
//!
//! Components only: the domain (what a conversation is, why a send failed, the words in each
//! language, what a customer record holds) is plain data and pure functions from `nobi-core`;
//! signals stay here. Text that came from a web page (buyer names, messages) is only ever rendered
//! as text nodes, which Leptos escapes; no component sets `inner_html`.
//!
//! Layers, each depending only on the ones below it:
//! - [`app`]: the shell — header, navigation, help, the page's health — and the conversation the
//!   page shows, followed into the card.
//! - [`features`]: one folder per screen or card section (card, composer and outbox, orders,
//!   products, templates, media, list, data, address form, diagnostic). Features do not import
//!   each other in cycles (`tests/arch/layers.py` checks it).
//! - [`lazy`]: the split points; the screens behind them load as their own wasm chunks.
//! - [`widgets`]: the repeated controls (date and money inputs, the Enter-submitting row, the
//!   error line, chips, pickers), no state of the app.
//! - [`state`]: the context every screen reads ([`state::use_app`]).
//! - [`db`]: the data-access layer over IndexedDB, one module per aggregate; [`chrome`] and
//!   [`files`]: the worker and the files the agent picks.

pub mod app;
pub mod chrome;
pub mod db;
pub mod features;
pub mod files;
pub mod lazy;
pub mod state;
pub mod widgets;

pub use app::App;
