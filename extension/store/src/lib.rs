//! The extension's IndexedDB database, for every context that opens it: the side panel and the
//! service worker's sync module (`extension/sync`).
//!
//! [`store`] opens the database at `nobi_crm::schema::VERSION` (applying the schema's steps),
//! reads records and writes [`store::Batch`]es: all of a batch lands with its change-log
//! entries, or none of it. [`changes`] tells the other pages of the extension what a batch
//! wrote, so a panel never shows a stale copy for long.
//!
//! **Invariant:** every write of a record goes through [`store::Store::write`], so the change
//! log (which sync and the list's stored index read) misses nothing.

pub mod changes;
pub mod store;
