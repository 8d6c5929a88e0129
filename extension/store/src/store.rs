//! The local store: IndexedDB through the `idb` crate, with records from `nobi_core::crm`.
//!
//! Every write goes through [`Batch`]: one readwrite transaction over the stores it touches plus
//! the change log, so a batch lands whole or not at all, and every put or delete leaves one
//! [`Change`] entry behind (the feed a future team sync reads). Records cross into JavaScript
//! through `nobi_bridge` (serde), as plain objects that IndexedDB indexes can read.

use idb::{
    event::Event, Database, DatabaseEvent, Factory, IndexParams, KeyPath, KeyRange,
    ObjectStoreParams, Query, Request, TransactionMode, TransactionResult,
};
use nobi_bridge::{from_js, to_js};
use nobi_crm::schema::{self, Step, CHANGES, SNAPSHOTS};
use nobi_crm::{Change, ChangeOp, Customer, Id, Millis, Record};
use serde::de::DeserializeOwned;
use std::fmt;
use wasm_bindgen::{JsCast, JsValue};

/// Why the store could not do what was asked. Shown to the agent translated (see
/// [`crate::i18n`]); the detail is for the console.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreError {
    /// IndexedDB could not be opened (private mode, disk full, a newer schema).
    Unavailable(String),
    /// A read or write failed; nothing of a failed write was kept.
    Failed(String),
    /// A stored record does not have the shape this version expects.
    Corrupt(&'static str),
    /// A record was changed by someone else (another panel) since it was read: nothing of
    /// the batch was written (see [`Batch::expect_unchanged`]).
    Conflict,
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Unavailable(e) => write!(f, "local database unavailable: {e}"),
            StoreError::Failed(e) => write!(f, "local database error: {e}"),
            StoreError::Corrupt(store) => write!(f, "a record in '{store}' is unreadable"),
            StoreError::Conflict => write!(f, "a record was changed elsewhere since it was read"),
        }
    }
}

fn failed(e: idb::Error) -> StoreError {
    StoreError::Failed(e.to_string())
}

/// Current time in Unix milliseconds.
pub fn now() -> Millis {
    js_sys::Date::now() as Millis
}

/// A fresh record id (see [`Id::new`]).
pub fn new_id() -> Id {
    Id::new(now(), random_u64())
}

/// 64 random bits from `crypto.getRandomValues` (the global's: a page's or a service worker's).
pub fn random_u64() -> u64 {
    let mut bytes = [0u8; 8];
    let filled = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("crypto"))
        .ok()
        .filter(|c| !c.is_undefined())
        .map(|c| c.unchecked_into::<web_sys::Crypto>())
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok())
        .is_some();
    if !filled {
        // No Web Crypto (never in an extension): Math.random is still unique enough here.
        bytes = ((js_sys::Math::random() * 2f64.powi(53)) as u64).to_le_bytes();
    }
    u64::from_le_bytes(bytes)
}

/// The open database. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    db: std::rc::Rc<Database>,
}

impl Store {
    /// Opens the database, creating or upgrading it to [`schema::VERSION`] by applying
    /// [`schema::steps`] inside the version-change transaction.
    pub async fn open() -> Result<Store, StoreError> {
        Self::open_named(schema::DB_NAME).await
    }

    /// Opens a database of another name (tests and benchmarks use their own).
    pub async fn open_named(name: &str) -> Result<Store, StoreError> {
        let factory = Factory::new().map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let mut request = factory
            .open(name, Some(schema::VERSION))
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        request.on_upgrade_needed(|event| {
            if let Err(e) = upgrade(&event) {
                web_sys::console::error_1(&format!("Nobi Pro: schema upgrade failed: {e}").into());
                if let Some(tx) = event.target().ok().and_then(|r| r.transaction()) {
                    let _ = tx.abort();
                }
            }
        });
        let db = request
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        Ok(Store {
            db: std::rc::Rc::new(db),
        })
    }

    /// The record with this id, if any.
    pub async fn get<T: DeserializeOwned + Record>(
        &self,
        id: &str,
    ) -> Result<Option<T>, StoreError> {
        self.get_raw(T::STORE, id)
            .await?
            .map(|v| from_js(v).map_err(|_| StoreError::Corrupt(T::STORE)))
            .transpose()
    }

    /// The value stored under `id` in `store` as it is (state that is not a record).
    pub async fn get_raw(&self, store: &str, id: &str) -> Result<Option<JsValue>, StoreError> {
        let tx = self
            .db
            .transaction(&[store], TransactionMode::ReadOnly)
            .map_err(failed)?;
        tx.object_store(store)
            .map_err(failed)?
            .get(Query::Key(JsValue::from_str(id)))
            .map_err(failed)?
            .await
            .map_err(failed)
    }

    /// Every record of a store, skipping (and logging) unreadable ones so that one bad record
    /// does not hide the rest.
    pub async fn all<T: DeserializeOwned + Record>(&self) -> Result<Vec<T>, StoreError> {
        let values = self.all_raw(T::STORE).await?;
        Ok(read_all(T::STORE, values))
    }

    /// Every record of a store as stored (for export).
    pub async fn all_raw(&self, store_name: &str) -> Result<Vec<JsValue>, StoreError> {
        let tx = self
            .db
            .transaction(&[store_name], TransactionMode::ReadOnly)
            .map_err(failed)?;
        let store = tx.object_store(store_name).map_err(failed)?;
        store
            .get_all(None, None)
            .map_err(failed)?
            .await
            .map_err(failed)
    }

    /// The records whose index `index` has the key `key`.
    pub async fn by_index<T: DeserializeOwned + Record>(
        &self,
        index: &str,
        key: &str,
    ) -> Result<Vec<T>, StoreError> {
        let tx = self
            .db
            .transaction(&[T::STORE], TransactionMode::ReadOnly)
            .map_err(failed)?;
        let store = tx.object_store(T::STORE).map_err(failed)?;
        let values = store
            .index(index)
            .map_err(failed)?
            .get_all(Some(Query::Key(JsValue::from_str(key))), None)
            .map_err(failed)?
            .await
            .map_err(failed)?;
        Ok(read_all(T::STORE, values))
    }

    /// How many records a store holds.
    pub async fn count(&self, store_name: &str) -> Result<u32, StoreError> {
        let tx = self
            .db
            .transaction(&[store_name], TransactionMode::ReadOnly)
            .map_err(failed)?;
        let store = tx.object_store(store_name).map_err(failed)?;
        store.count(None).map_err(failed)?.await.map_err(failed)
    }

    /// Applies a batch in one transaction with its change-log entries: all of it or none.
    pub async fn write(&self, batch: Batch) -> Result<(), StoreError> {
        if batch.ops.is_empty() {
            return Ok(());
        }
        let mut stores: Vec<&str> = batch.ops.iter().map(Op::store).collect();
        // A record expected unchanged is read in the same transaction, written or not.
        stores.extend(batch.expect.iter().map(|(store, _, _)| *store));
        stores.push(CHANGES);
        // A cleared store leaves no change entries behind: derived data (the list's stored
        // index) goes with it, in the same transaction.
        let clears = batch.ops.iter().any(|op| matches!(op, Op::Clear { .. }));
        if clears {
            stores.push(SNAPSHOTS);
        }
        stores.sort_unstable();
        stores.dedup();
        let tx = self
            .db
            .transaction(&stores, TransactionMode::ReadWrite)
            .map_err(failed)?;
        // Records that must not have changed since they were read: checked inside this
        // transaction, before anything is written (no other write can come in between).
        for (store, id, expectation) in &batch.expect {
            let request = tx
                .object_store(store)
                .and_then(|s| s.get(Query::Key(JsValue::from_str(id.as_str()))));
            let stored = match request {
                Ok(request) => request.await,
                Err(e) => Err(e),
            };
            let unchanged = match (stored, expectation) {
                (Ok(Some(value)), Expectation::UpdatedAt(updated_at)) => {
                    js_sys::Reflect::get(&value, &"updated_at".into())
                        .ok()
                        .and_then(|v| v.as_f64())
                        == Some(*updated_at as f64)
                }
                (Ok(Some(value)), Expectation::Same(same)) => same(value),
                // Gone (deleted elsewhere) is a change too.
                (Ok(None), _) => false,
                (Err(e), _) => {
                    let _ = tx.abort();
                    return Err(failed(e));
                }
            };
            if !unchanged {
                let _ = tx.abort();
                return Err(StoreError::Conflict);
            }
        }
        // A request that throws midway (a value IndexedDB refuses) must take the requests
        // already made with it: a transaction left alone would commit them when it goes idle.
        let pending = match queue(&tx, &batch, clears) {
            Ok(pending) => pending,
            Err(e) => {
                let _ = tx.abort();
                return Err(e);
            }
        };
        drop(pending);
        match tx.commit().map_err(failed)?.await.map_err(failed)? {
            TransactionResult::Committed => {
                let (stores, ids) = batch.touched();
                crate::changes::announce(&stores, &ids);
                Ok(())
            }
            TransactionResult::Aborted => Err(StoreError::Failed("transaction aborted".into())),
        }
    }

    /// Every record of `stores` as stored (nothing decoded, nothing skipped) with each store's
    /// count, all read in ONE transaction: a consistent snapshot for the backup export.
    pub async fn snapshot_stores(
        &self,
        stores: &[&'static str],
    ) -> Result<Vec<(Vec<JsValue>, u32)>, StoreError> {
        let tx = self
            .db
            .transaction(stores, TransactionMode::ReadOnly)
            .map_err(failed)?;
        let mut requests = Vec::new();
        for name in stores {
            let store = tx.object_store(name).map_err(failed)?;
            requests.push((
                store.get_all(None, None).map_err(failed)?,
                store.count(None).map_err(failed)?,
            ));
        }
        let mut out = Vec::new();
        for (all, count) in requests {
            out.push((all.await.map_err(failed)?, count.await.map_err(failed)?));
        }
        Ok(out)
    }

    /// The change log's length (tests and the export footer).
    pub async fn change_count(&self) -> Result<u32, StoreError> {
        self.count(CHANGES).await
    }

    /// The change-log entries after the first `after` (the log is never pruned, so its keys are
    /// 1, 2, …). Unreadable entries are skipped, so a caller compares the count it expected.
    pub async fn changes_after(&self, after: u32) -> Result<Vec<Change>, StoreError> {
        self.changes_between(after, None).await
    }

    /// At most `limit` change-log entries after the first `after` (see [`Store::changes_after`]:
    /// the log is never pruned, so entry i of the answer has key `after + i + 1` unless an
    /// unreadable entry was skipped, in which case later keys are larger, never smaller).
    pub async fn changes_between(
        &self,
        after: u32,
        limit: Option<u32>,
    ) -> Result<Vec<Change>, StoreError> {
        let tx = self
            .db
            .transaction(&[CHANGES], TransactionMode::ReadOnly)
            .map_err(failed)?;
        let range = KeyRange::lower_bound(&JsValue::from(after), Some(true)).map_err(failed)?;
        let values = tx
            .object_store(CHANGES)
            .map_err(failed)?
            .get_all(Some(Query::KeyRange(range)), limit)
            .map_err(failed)?
            .await
            .map_err(failed)?;
        Ok(values.into_iter().filter_map(|v| from_js(v).ok()).collect())
    }

    /// The bytes stored under `key` in the snapshots store, if any.
    pub async fn snapshot(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let tx = self
            .db
            .transaction(&[SNAPSHOTS], TransactionMode::ReadOnly)
            .map_err(failed)?;
        let value = tx
            .object_store(SNAPSHOTS)
            .map_err(failed)?
            .get(Query::Key(JsValue::from_str(key)))
            .map_err(failed)?
            .await
            .map_err(failed)?;
        Ok(value
            .and_then(|record| js_sys::Reflect::get(&record, &JsValue::from_str("bytes")).ok())
            .and_then(|bytes| bytes.dyn_into::<js_sys::Uint8Array>().ok())
            .map(|bytes| bytes.to_vec()))
    }

    /// Stores `bytes` under `key` in the snapshots store (derived data: no change-log entry).
    pub async fn put_snapshot(&self, key: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let record = js_sys::Object::new();
        let set = |name: &str, value: &JsValue| {
            js_sys::Reflect::set(&record, &JsValue::from_str(name), value).is_ok()
        };
        if !(set("id", &JsValue::from_str(key))
            && set("bytes", &js_sys::Uint8Array::from(bytes).into()))
        {
            return Err(StoreError::Failed(
                "could not build the snapshot record".into(),
            ));
        }
        let tx = self
            .db
            .transaction(&[SNAPSHOTS], TransactionMode::ReadWrite)
            .map_err(failed)?;
        tx.object_store(SNAPSHOTS)
            .map_err(failed)?
            .put(&record, None)
            .map_err(failed)?;
        match tx.commit().map_err(failed)?.await.map_err(failed)? {
            TransactionResult::Committed => Ok(()),
            TransactionResult::Aborted => Err(StoreError::Failed("transaction aborted".into())),
        }
    }
}

/// Makes the requests of `batch` in `tx` (see [`Store::write`]); stops at the first that throws.
fn queue(
    tx: &idb::Transaction,
    batch: &Batch,
    clears: bool,
) -> Result<Vec<idb::request::PutStoreRequest>, StoreError> {
    let log = tx.object_store(CHANGES).map_err(failed)?;
    let mut pending = Vec::new();
    for op in &batch.ops {
        let store = tx.object_store(op.store()).map_err(failed)?;
        let (id, change) = match op {
            Op::Put {
                value, id, logged, ..
            } => {
                pending.push(store.put(value, None).map_err(failed)?);
                if !logged {
                    continue;
                }
                (id, ChangeOp::Put)
            }
            Op::Delete { id, .. } => {
                store
                    .delete(Query::Key(JsValue::from_str(id.as_str())))
                    .map_err(failed)?;
                (id, ChangeOp::Delete)
            }
            Op::Clear { .. } => {
                store.clear().map_err(failed)?;
                continue;
            }
        };
        let entry = Change {
            at: batch.at,
            store: op.store().to_owned(),
            id: id.clone(),
            op: change,
        };
        log.add(&to_js(&entry), None).map_err(failed)?;
    }
    if clears {
        tx.object_store(SNAPSHOTS)
            .map_err(failed)?
            .clear()
            .map_err(failed)?;
    }
    Ok(pending)
}

fn read_all<T: DeserializeOwned>(store: &'static str, values: Vec<JsValue>) -> Vec<T> {
    let mut out = Vec::with_capacity(values.len());
    for value in values {
        match from_js(value) {
            Ok(record) => out.push(record),
            Err(_) => web_sys::console::warn_1(
                &format!("Nobi Pro: skipped an unreadable record in '{store}'").into(),
            ),
        }
    }
    out
}

/// Creates the stores and indexes of each version step, and rewrites records where a step says
/// so — all inside the version-change transaction, so a failed upgrade leaves the old database.
fn upgrade(event: &idb::event::VersionChangeEvent) -> Result<(), idb::Error> {
    let db = event.database()?;
    let old = event.old_version()?;
    let tx = event.target()?.transaction();
    for step in schema::steps(old) {
        match step {
            Step::CreateStore {
                name,
                auto_increment,
            } => {
                let mut params = ObjectStoreParams::new();
                if auto_increment {
                    params.auto_increment(true);
                } else {
                    params.key_path(Some(KeyPath::new_single("id")));
                }
                db.create_object_store(name, params)?;
            }
            Step::CreateIndex(spec) => {
                let tx = tx.as_ref().ok_or(idb::Error::TransactionNotFound)?;
                let mut params = IndexParams::new();
                params.multi_entry(spec.multi_entry);
                tx.object_store(spec.store)?.create_index(
                    spec.name,
                    KeyPath::new_single(spec.key_path),
                    Some(params),
                )?;
            }
            Step::RewriteCustomers { from } => {
                let tx = tx.as_ref().ok_or(idb::Error::TransactionNotFound)?;
                let store = tx.object_store(schema::CUSTOMERS)?;
                let request = store.get_all(None, None)?;
                // The version-change transaction stays open while this request and the puts
                // queued from its result are pending.
                wasm_bindgen_futures::spawn_local(async move {
                    let Ok(values) = request.await else { return };
                    for value in values {
                        // A record that does not read as a customer is left as it is.
                        if let Ok(customer) = from_js::<Customer>(value) {
                            let migrated = schema::migrate_customer(customer, from);
                            let _ = store.put(&to_js(&migrated), None);
                        }
                    }
                });
            }
        }
    }
    Ok(())
}

enum Op {
    Put {
        store: &'static str,
        id: Id,
        value: JsValue,
        /// False for state that is not a record (sync's state): no change-log entry.
        logged: bool,
    },
    Delete {
        store: &'static str,
        id: Id,
    },
    Clear {
        store: &'static str,
    },
}

impl Op {
    fn store(&self) -> &'static str {
        match self {
            Op::Put { store, .. } | Op::Delete { store, .. } | Op::Clear { store } => store,
        }
    }
}

/// Writes to apply together (see [`Store::write`]).
pub struct Batch {
    at: Millis,
    ops: Vec<Op>,
    /// Records that must still be as they were read: (store, id, how to tell).
    expect: Vec<(&'static str, Id, Expectation)>,
}

/// How a batch tells that a record is still as it was read.
enum Expectation {
    /// Its `updated_at` is this.
    UpdatedAt(Millis),
    /// It reads back equal (records without times: products).
    Same(Box<dyn Fn(JsValue) -> bool>),
}

impl Batch {
    /// A batch stamped with the current time.
    pub fn new() -> Batch {
        Batch {
            at: now(),
            ops: Vec::new(),
            expect: Vec::new(),
        }
    }

    /// The time every record of this batch is stamped with.
    pub fn at(&self) -> Millis {
        self.at
    }

    /// Puts a record, setting its `updated_at` to the batch's time.
    pub fn put<T: Record + serde::Serialize>(&mut self, record: &mut T) -> &mut Self {
        record.touch(self.at);
        self.ops.push(Op::Put {
            store: T::STORE,
            id: Id(record.key().to_owned()),
            value: to_js(record),
            logged: true,
        });
        self
    }

    /// Puts a record as it is (imports keep their timestamps).
    pub fn put_as_is<T: Record + serde::Serialize>(&mut self, record: &T) -> &mut Self {
        self.ops.push(Op::Put {
            store: T::STORE,
            id: Id(record.key().to_owned()),
            value: to_js(record),
            logged: true,
        });
        self
    }

    /// Puts `value` into `store` as it is, unchecked: for tests that need IndexedDB to refuse a
    /// request in the middle of a batch.
    #[doc(hidden)]
    pub fn put_unchecked(&mut self, store: &'static str, id: Id, value: JsValue) -> &mut Self {
        self.ops.push(Op::Put {
            store,
            id,
            value,
            logged: true,
        });
        self
    }

    /// Puts `value` (an object whose `id` is `id`) into `store` with no change-log entry: state
    /// kept beside the records (team sync's state in [`schema::SYNC`]), which is not a record
    /// and must not be synced or counted as an edit.
    pub fn put_state(&mut self, store: &'static str, id: &str, value: JsValue) -> &mut Self {
        self.ops.push(Op::Put {
            store,
            id: Id(id.to_owned()),
            value,
            logged: false,
        });
        self
    }

    /// Refuses the whole batch ([`StoreError::Conflict`]) unless record `id` of `T`'s store
    /// still has `updated_at` when the batch is written: an edit made on a copy is never
    /// written over a change made meanwhile by another panel or an import.
    pub fn expect_unchanged<T: Record>(&mut self, id: &Id, updated_at: Millis) -> &mut Self {
        self.expect
            .push((T::STORE, id.clone(), Expectation::UpdatedAt(updated_at)));
        self
    }

    /// Like [`Batch::expect_unchanged`] for records that carry no time (products): the stored
    /// record must read back equal to `record` as it was read.
    pub fn expect_same<T>(&mut self, record: &T) -> &mut Self
    where
        T: Record + DeserializeOwned + PartialEq + Clone + 'static,
    {
        let want = record.clone();
        let same = move |stored: JsValue| from_js::<T>(stored).is_ok_and(|got| got == want);
        self.expect.push((
            T::STORE,
            Id(record.key().to_owned()),
            Expectation::Same(Box::new(same)),
        ));
        self
    }

    pub fn delete<T: Record>(&mut self, id: &Id) -> &mut Self {
        self.ops.push(Op::Delete {
            store: T::STORE,
            id: id.clone(),
        });
        self
    }

    /// Empties a store (a backup restore replaces everything).
    pub fn clear(&mut self, store: &'static str) -> &mut Self {
        self.ops.push(Op::Clear { store });
        self
    }

    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// The stores and ids this batch writes, for other panels to hear of.
    fn touched(&self) -> (Vec<&'static str>, Vec<String>) {
        let mut stores: Vec<&'static str> = self.ops.iter().map(Op::store).collect();
        stores.sort_unstable();
        stores.dedup();
        // A cleared store may have lost any record: no ids means "everything in these stores".
        if self.ops.iter().any(|op| matches!(op, Op::Clear { .. })) {
            return (stores, Vec::new());
        }
        let ids = self
            .ops
            .iter()
            .filter_map(|op| match op {
                Op::Put { id, .. } | Op::Delete { id, .. } => Some(id.0.clone()),
                Op::Clear { .. } => None,
            })
            .collect();
        (stores, ids)
    }
}

impl Default for Batch {
    fn default() -> Self {
        Batch::new()
    }
}

impl std::error::Error for StoreError {}
