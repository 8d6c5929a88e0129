//! Team sync, the client side: plain Rust the service worker drives.
//!
//! The extension stays local-first: every record lives in IndexedDB and every write appends to
//! the change log (`nobi_crm::Change`). When the shop connects a server, this crate turns that
//! log into the server's mutations ([`outgoing`]: what syncs, what stays local, how changes
//! coalesce), runs the push/pull cycle ([`machine`]: [`SyncState`], one serde value the worker
//! stores) and turns pulled rows into local writes ([`incoming`]: conflicts, tombstones,
//! resets). Like the outbox it does no I/O and has no clock and no randomness of its own: the
//! worker makes the HTTP requests it asks for and passes `now` and a random `u64`.
//!
//! Server API (`server/`, crate `nobi-server`): `/v1/token/refresh`, `/v1/push`
//! `{client_id, mutations: [{id, name, args}]}` (idempotent by mutation id), `/v1/pull`
//! `{cursor, client_id}` → rows, tombstones, the new cursor, `reset`, the client's
//! `last_mutation_id`. Joining (`/v1/join`), reporting conversations, claims, assignment,
//! heartbeats and pacing are separate calls the worker makes itself.

pub mod ids;
pub mod incoming;
pub mod machine;
pub mod orders;
pub mod outgoing;
pub mod team;
pub mod words;

pub use incoming::{initial_changes, LocalIds, PullResult, Pulled, Row, Tombstone, Write};
pub use machine::{
    Backoff, Kind, Outcome, Rejected, Request, Response, Session, Status, SyncState, TransportError,
};
pub use orders::OrderRefusal;
pub use outgoing::{Local, Mutation, NotSynced};
pub use team::{Me, PanelToSync, Role, SyncReply, SyncView};
