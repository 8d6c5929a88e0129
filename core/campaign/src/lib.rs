//! Campaigns: one message to many buyers, most of them outside the 24-hour window, sent through
//! the agent's own browser by the outbox, and never twice to one buyer.
//!
//! # Design
//!
//! A campaign is three things, each a module of plain data and pure functions (no clock, no
//! randomness, no I/O: the caller passes `now_ms` and `random`, as for the outbox):
//!
//! - [`audience`] — who: filters over what the extension knows of each customer ([`audience::Facts`],
//!   built by the panel from its store), a phone list matched by normalised phone
//!   ([`phone_list`]), exclusions and the do-not-message list; each candidate is reachable (a
//!   thread the extension has seen) or not, with why.
//! - [`content`] — what: a template rendered per recipient (missing variables listed per
//!   recipient, held back unless the agent accepts a fallback), images, a product card.
//! - [`run`] (`nobi_protocol::campaign`, re-exported) — when and how: the recipients are
//!   **frozen** when the campaign starts; the run hands them to the outbox a few at a time, inside
//!   quiet hours and caps that cannot exceed the account's own pacing, and records each one's
//!   outcome. [`opt_out`] and [`report`] are the do-not-message words and the CSV report;
//!   [`followup`] lists the conversations whose window closed or closes within the hour.
//!
//! # Crate contract
//!
//! **Exactly once per recipient.** A frozen recipient is handed to the outbox under an id derived
//! from the campaign and the customer ([`run::message_id`]), so handing it again is a no-op in the
//! outbox (which types a message at most once). The worker persists the outbox before the campaign
//! ([`run`] explains why that order makes a worker killed at any point safe). A recipient leaves
//! `Pending` only to be handed or skipped, and every handed recipient ends with the outbox's verdict:
//! none is silently dropped.
//!
//! It deliberately does not know the store, the page or the worker: the panel computes audiences
//! from records it read, and the worker moves the run forward.
//!
//! # Dependencies
//!
//! `nobi-protocol` (the outbox and its types), `nobi-phone` (phone lists), `nobi-template`
//! (rendering), `nobi-money` (a product card's price), `nobi-text` (folding), `nobi-i18n` (the
//! language of [`words`]) and `serde`.

pub mod audience;
pub mod content;
pub mod followup;
pub mod opt_out;
pub mod phone_list;
pub mod report;
pub mod words;
/// The run lives in `nobi-protocol` (the worker runs it; panel and worker exchange its types).
pub use nobi_protocol::campaign as run;

/// Milliseconds since the Unix epoch, as everywhere in core.
pub use nobi_protocol::campaign::Millis;
