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

/// Issue 13, point 10: a request that throws in the middle of a batch (here a value without the
/// store's key) must take the batch's earlier requests with it. Before, `write` returned the
/// error and left the transaction to commit them when it went idle: the first customer and its
/// change entry stayed.
#[wasm_bindgen_test]
async fn a_request_that_throws_midway_takes_the_whole_batch_with_it() {
    let store = fresh("midway").await;
    let mut batch = Batch::new();
    batch.put(&mut customer("c1", "Lan", "0912345678"));
    batch.put_unchecked(
        schema::CUSTOMERS,
        Id("broken".into()),
        js_sys::Object::new().into(), // no `id`: IndexedDB throws a DataError at put()
    );
    batch.put(&mut customer("c3", "Hoa", "0901234567"));
    assert!(store.write(batch).await.is_err());
    // Give a transaction that was not aborted the time to commit by itself.
    let wait = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 50);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(wait).await;
    assert_eq!(
        store.count(schema::CUSTOMERS).await.unwrap(),
        0,
        "nothing of the batch"
    );
    assert_eq!(store.count(CHANGES).await.unwrap(), 0, "no change entries");
}

/// Issue 13, point 11: a write made on a copy read before another write is refused whole, and
/// the other write stays.
#[wasm_bindgen_test]
async fn a_write_on_a_stale_copy_is_refused_whole() {
    let store = fresh("conflict").await;
    let mut first = Batch::new();
    let mut lan = customer("c1", "Lan", "0912345678");
    first.put(&mut lan);
    store.write(first).await.unwrap();
    let read: Customer = store.get("c1").await.unwrap().unwrap();

    // Another panel writes it (its own fresh copy).
    let mut elsewhere = read.clone();
    elsewhere.name = "Lan (sửa ở cửa sổ khác)".into();
    let mut batch = Batch::new();
    batch.expect_unchanged::<Customer>(&elsewhere.id, read.updated_at);
    batch.put(&mut elsewhere);
    // Stamps must differ for the check to see the change.
    let wait = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 5);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(wait).await;
    store.write(batch).await.unwrap();

    // This panel writes its stale copy, with a tag as well.
    let mut stale = read.clone();
    stale.name = "Lan cũ".into();
    let mut batch = Batch::new();
    batch.expect_unchanged::<Customer>(&stale.id, read.updated_at);
    batch.put(&mut stale);
    batch.put(&mut Tag {
        id: Id("t1".into()),
        name: "VIP".into(),
        ..Tag::default()
    });
    assert_eq!(store.write(batch).await, Err(StoreError::Conflict));
    let now: Customer = store.get("c1").await.unwrap().unwrap();
    assert_eq!(now.name, "Lan (sửa ở cửa sổ khác)", "the other write stays");
    assert!(
        store.get::<Tag>("t1").await.unwrap().is_none(),
        "nothing of the refused batch"
    );
    assert_eq!(store.change_count().await.unwrap(), 2);
}

/// A product has no times: a write made on a copy read before team sync (or another panel)
/// changed its counts is refused whole; one made on the current copy goes through.
#[wasm_bindgen_test]
async fn a_product_written_from_a_stale_copy_is_refused() {
    use nobi_core::order::catalog::{Product, StockLevel, Variant};
    let store = fresh("product-conflict").await;
    let product = |on_hand: i64, reserved: i64| Product {
        id: "p1".into(),
        name: "Áo thun".into(),
        images: vec![],
        variants: vec![Variant {
            sku: "AO-S".into(),
            stock: [("Kho chính".to_owned(), StockLevel { on_hand, reserved })].into(),
            ..Variant::default()
        }],
    };
    let mut first = Batch::new();
    first.put_as_is(&product(10, 0));
    store.write(first).await.unwrap();
    let read: Product = store.get("p1").await.unwrap().unwrap();
    // Team sync writes the server's count (a receipt of 5 by another agent).
    let mut pulled = Batch::new();
    pulled.expect_same(&read);
    pulled.put_as_is(&product(15, 0));
    store.write(pulled).await.unwrap();
    // The panel's order reserves one from its copy of 10: refused, the 15 stays.
    let mut stale = Batch::new();
    stale.expect_same(&read);
    stale.put_as_is(&product(10, 1));
    assert_eq!(store.write(stale).await, Err(StoreError::Conflict));
    let now: Product = store.get("p1").await.unwrap().unwrap();
    assert_eq!(now.variants[0].stock["Kho chính"].on_hand, 15);
    // From the current copy it goes.
    let mut fresh_write = Batch::new();
    fresh_write.expect_same(&now);
    fresh_write.put_as_is(&product(15, 1));
    store.write(fresh_write).await.unwrap();
}
