//! The shop's CRM as plain data: customers, conversations, tags, notes, staff, history and
//! settings, as the side panel stores them in IndexedDB.
//!
//! The panel owns the storage (IndexedDB has no place in `core`); this module owns every decision
//! about the data: which records exist and how they are keyed ([`model`], [`schema`]), how an open
//! thread finds its customer ([`link`]), how customers are searched and filtered ([`search`]), how
//! files come in and go out ([`import`], [`backup`]). So all of it is tested natively, and a team
//! sync added later reads the same types.

pub mod backup;
pub mod import;
pub mod link;
pub mod model;
pub mod schema;
pub mod search;

pub use model::*;
