//! What the sync module keeps in IndexedDB's `sync` store (one record, `state`), beside the
//! records it syncs, so that pulled rows and the state that says they were pulled are written in
//! one transaction.

use std::collections::BTreeSet;

use nobi_crm::schema::SYNC;
use nobi_store::store::{Batch, Store, StoreError};
use nobi_sync::{Me, SyncState, SyncView};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

const KEY: &str = "state";

/// Everything the sync module knows between two wakes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Stored {
    pub state: SyncState,
    #[serde(default)]
    pub me: Option<Me>,
    /// When `me` was last read from the server (Unix ms).
    #[serde(default)]
    pub me_at: u64,
    /// Local conversations reported to the server and not yet brought back by a pull.
    #[serde(default)]
    pub reported: BTreeSet<String>,
    /// Local conversations on none of the agent's pages: they stay local (listed in the panel).
    #[serde(default)]
    pub unplaced: BTreeSet<String>,
    /// The last answer with status 200 (Unix ms).
    #[serde(default)]
    pub last_synced_at: Option<u64>,
    /// The last heartbeat sent (Unix ms).
    #[serde(default)]
    pub heartbeat_at: u64,
    /// The last time a panel said it was open (Unix ms): pulls are frequent while one is.
    #[serde(default)]
    pub panel_at: u64,
    /// A tab's inbox list waiting to become records (see `take_inbox`).
    #[serde(default)]
    pub inbox_waiting: Option<nobi_protocol::InboxList>,
}

impl Stored {
    pub fn view(&self) -> SyncView {
        SyncView {
            server: Some(self.state.server.clone()),
            status: self.state.status.clone(),
            me: self.me.clone(),
            rejected: self.state.rejected.len(),
            refusals: self.state.refusals.clone(),
            unplaced: self.unplaced.len(),
            last_synced_at: self.last_synced_at,
        }
    }

    /// The record to store: the state as JSON text (its mutation arguments are arbitrary JSON,
    /// which a structured clone of serde's output would not round-trip exactly).
    fn to_record(&self) -> JsValue {
        let record = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&record, &"id".into(), &KEY.into());
        let json = serde_json::to_string(self).unwrap_or_default();
        let _ = js_sys::Reflect::set(&record, &"json".into(), &json.into());
        record.into()
    }

    /// Adds the state's put to `batch` (no change-log entry).
    pub fn put_in(&self, batch: &mut Batch) {
        batch.put_state(SYNC, KEY, self.to_record());
    }
}

thread_local! {
    /// The stored state as last read or written by this worker: every write of it goes through
    /// this module in this one worker, so the copy is the stored value, without parsing its JSON
    /// (the bases of every synced customer) at every step.
    static CACHE: std::cell::RefCell<Option<Stored>> = const { std::cell::RefCell::new(None) };
}

/// Records that `stored` is what the database now holds (after a batch with [`Stored::put_in`]).
pub fn written(stored: &Stored) {
    CACHE.with(|c| *c.borrow_mut() = Some(stored.clone()));
}

/// The stored state, or None before the first connection.
pub async fn load(store: &Store) -> Result<Option<Stored>, StoreError> {
    if let Some(s) = CACHE.with(|c| c.borrow().clone()) {
        return Ok(Some(s));
    }
    let loaded = load_from(store).await?;
    if let Some(s) = &loaded {
        written(s);
    }
    Ok(loaded)
}

async fn load_from(store: &Store) -> Result<Option<Stored>, StoreError> {
    let Some(record) = store.get_raw(SYNC, KEY).await? else {
        return Ok(None);
    };
    let json = js_sys::Reflect::get(&record, &"json".into())
        .ok()
        .and_then(|j| j.as_string())
        .ok_or(StoreError::Corrupt(SYNC))?;
    serde_json::from_str(&json)
        .map(Some)
        .map_err(|_| StoreError::Corrupt(SYNC))
}

/// Stores the state alone.
pub async fn save(store: &Store, stored: &Stored) -> Result<(), StoreError> {
    let mut batch = Batch::new();
    stored.put_in(&mut batch);
    let result = store.write(batch).await;
    // Whatever the outcome, the next load reads the database again unless this write landed.
    CACHE.with(|c| *c.borrow_mut() = None);
    result?;
    written(stored);
    Ok(())
}
