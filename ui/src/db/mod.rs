//! The data-access layer: the panel's only way to IndexedDB, one module per aggregate
//! (customers with their conversations and history, settings, tags and staff, orders, products,
//! templates, media, the list's stored index, the backup), over the generic [`store`].
//!
//! The open [`Store`] lives in a thread-local once [`open`] succeeded (the panel is one thread),
//! so components hold plain data in signals and call these functions; no database handle goes
//! through Leptos. Each function writes one [`Batch`]: all of a change lands, or none of it.

pub mod backup;
pub mod customers;
pub mod list_index;
pub mod media;
pub mod orders;
pub mod products;
pub mod settings;
pub mod tags;
pub mod templates;

// The generic store and the change announcements live in `nobi-store`, shared with the
// service worker's sync module; these paths stay as they were.
pub use nobi_store::{changes, store};

pub use customers::*;
pub use orders::*;
pub use products::*;
pub use settings::*;
pub use tags::*;

use std::cell::RefCell;
use store::{Store, StoreError};

thread_local! {
    static STORE: RefCell<Option<Store>> = const { RefCell::new(None) };
}

/// Opens the store for the rest of the panel's life.
pub async fn open() -> Result<(), StoreError> {
    let store = Store::open().await?;
    STORE.with(|s| *s.borrow_mut() = Some(store));
    Ok(())
}

/// The open store.
///
/// # Panics
/// Before [`open`] succeeded; the panel renders nothing that calls this until then.
pub fn store() -> Store {
    STORE.with(|s| {
        s.borrow()
            .clone()
            .expect("the store is opened before the panel renders")
    })
}
