//! The local store in a real IndexedDB (headless Chromium): batches land whole or not at all,
//! every write is in the change log, indexes find records, and the schema is the one
//! `nobi_core::crm::schema` describes.
#![cfg(target_arch = "wasm32")]

use nobi_core::crm::schema::{self, CHANGES};
use nobi_core::crm::{Customer, Id, Source, Tag};
use nobi_ui::db::store::{Batch, Store, StoreError};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A database of its own per test, so tests do not see each other's records.
async fn fresh(name: &str) -> Store {
    Store::open_named(&format!("nobi-test-{name}-{}", js_sys::Math::random()))
        .await
        .expect("IndexedDB opens in Chromium")
}

fn customer(id: &str, name: &str, phone: &str) -> Customer {
    let mut c = Customer {
        id: Id(id.into()),
        name: name.into(),
        ..Customer::default()
    };
    c.add_phone(phone, Source::Manual, 1);
    c
}

#[wasm_bindgen_test]
async fn a_batch_is_written_whole_with_one_change_entry_per_record() {
    let store = fresh("batch").await;
    let mut batch = Batch::new();
    let at = batch.at();
    let mut lan = customer("c1", "Lan", "0912345678");
    let mut tag = Tag {
        id: Id("t1".into()),
        name: "VIP".into(),
        color: "#e11d48".into(),
        ..Tag::default()
    };
    batch.put(&mut lan).put(&mut tag);
    store.write(batch).await.unwrap();

    let read: Customer = store.get("c1").await.unwrap().expect("written");
    assert_eq!(read.name, "Lan");
    assert_eq!(read.updated_at, at, "put stamps updated_at");
    assert_eq!(store.change_count().await.unwrap(), 2);
    let by_phone: Vec<Customer> = store.by_index("by_phone", "0912345678").await.unwrap();
    assert_eq!(by_phone.len(), 1);
    assert!(store.get::<Customer>("nope").await.unwrap().is_none());
}

#[wasm_bindgen_test]
async fn a_failing_batch_leaves_nothing_behind() {
    let store = fresh("atomic").await;
    let mut first = Batch::new();
    first.put(&mut customer("c1", "Lan", "0912345678"));
    store.write(first).await.unwrap();

    // A batch that also touches a store the database does not have fails as a whole.
    let mut bad = Batch::new();
    bad.put(&mut customer("c2", "Minh", "0987654321"));
    bad.clear("no-such-store");
    let result = store.write(bad).await;
    assert!(result.is_err(), "the batch fails: {result:?}");

    assert!(
        store.get::<Customer>("c2").await.unwrap().is_none(),
        "c2 was rolled back"
    );
    assert_eq!(store.count(schema::CUSTOMERS).await.unwrap(), 1);
    assert_eq!(
        store.count(CHANGES).await.unwrap(),
        1,
        "no change entries of the failed batch"
    );
}

#[wasm_bindgen_test]
async fn delete_and_clear_are_logged_and_applied() {
    let store = fresh("delete").await;
    let mut batch = Batch::new();
    batch
        .put(&mut customer("c1", "Lan", "0912345678"))
        .put(&mut customer("c2", "Minh", "0987654321"));
    store.write(batch).await.unwrap();
    let mut batch = Batch::new();
    batch.delete::<Customer>(&Id("c1".into()));
    store.write(batch).await.unwrap();
    assert_eq!(store.all::<Customer>().await.unwrap().len(), 1);
    assert_eq!(store.change_count().await.unwrap(), 3);
    let mut batch = Batch::new();
    batch.clear(schema::CUSTOMERS);
    store.write(batch).await.unwrap();
    assert_eq!(store.count(schema::CUSTOMERS).await.unwrap(), 0);
}

#[wasm_bindgen_test]
async fn the_database_has_the_stores_of_the_schema() {
    let store = fresh("schema").await;
    let (stores, _) = schema::latest();
    for name in stores {
        assert!(
            store.count(name).await.is_ok(),
            "store {name} exists in the opened database"
        );
    }
    let missing = store.count("no-such-store").await;
    assert!(matches!(missing, Err(StoreError::Failed(_))));
}
