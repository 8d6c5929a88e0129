//! The whole store as one backup, and restoring one (all or nothing).

use crate::db;
use crate::db::store::Batch;
use nobi_core::crm::backup::Backup;
use nobi_core::crm::schema;
use wasm_bindgen::JsCast;

/// Why an export produced no file.
#[derive(Debug)]
pub enum ExportError {
    Store(crate::db::store::StoreError),
    /// What was assembled does not hold what the store holds (`store`: `wrote` of `held`), or a
    /// record could not be written as JSON: no file is offered.
    NotVerified {
        store: &'static str,
        wrote: u32,
        held: u32,
    },
}

/// The whole store as a backup file, ready to download: every record as stored (none decoded,
/// so none skipped), from one read transaction, with the counts of that transaction in its
/// header. The file is assembled from one small string per record into a `Blob`: no string
/// of the whole file is ever built. Before it is returned, the records written are counted
/// against the counts the store gave in the same transaction.
pub async fn export_file(
    exported_at: nobi_core::crm::Millis,
) -> Result<web_sys::Blob, ExportError> {
    let stores = schema::RECORD_STORES;
    let snapshot = db::store()
        .snapshot_stores(&stores)
        .await
        .map_err(ExportError::Store)?;
    let counts: std::collections::BTreeMap<String, u64> = stores
        .iter()
        .zip(&snapshot)
        .map(|(name, (_, count))| ((*name).to_owned(), u64::from(*count)))
        .collect();
    let mut header = Backup::new(exported_at).header();
    header.counts = Some(counts);
    let header = nobi_bridge::to_js(&header);
    let header = js_sys::JSON::stringify(&header)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default();
    let parts = js_sys::Array::new();
    // The file's shape: the same glue with every record as `0`. Parsed before the file is
    // offered, it proves the structure (records are `JSON.stringify`'s own output) without a
    // string of the whole file.
    let mut shape = String::new();
    let push = |text: &str, shape: &mut String| {
        parts.push(&text.into());
        shape.push_str(text);
    };
    // The header's fields, then one array per store, in one object: exactly the header
    // object's own closing brace comes off (its `counts` ends in one too).
    push(header.strip_suffix('}').unwrap_or(&header), &mut shape);
    for (name, (records, held)) in stores.iter().zip(&snapshot) {
        push(&format!(",\"{name}\":["), &mut shape);
        let mut wrote = 0u32;
        for (i, record) in records.iter().enumerate() {
            let Some(json) = js_sys::JSON::stringify(record)
                .ok()
                .filter(|j| j.length() > 0)
            else {
                break;
            };
            if i > 0 {
                push(",", &mut shape);
            }
            parts.push(&json);
            shape.push('0');
            wrote += 1;
        }
        push("]", &mut shape);
        if wrote != *held || records.len() as u32 != *held {
            return Err(ExportError::NotVerified {
                store: name,
                wrote,
                held: *held,
            });
        }
    }
    push("}", &mut shape);
    verify_shape(&shape, &stores, &snapshot)?;
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|_| {
        ExportError::NotVerified {
            store: "",
            wrote: 0,
            held: 0,
        }
    })
}

/// Parses the file's shape (see [`export_file`]) and checks its header and the length of
/// every store's array against the transaction's counts.
fn verify_shape(
    shape: &str,
    stores: &[&'static str],
    snapshot: &[(Vec<wasm_bindgen::JsValue>, u32)],
) -> Result<(), ExportError> {
    let broken = |store: &'static str, wrote: u32, held: u32| ExportError::NotVerified {
        store,
        wrote,
        held,
    };
    let value = js_sys::JSON::parse(shape).map_err(|_| broken("", 0, 0))?;
    let header: nobi_core::crm::backup::BackupHeader =
        nobi_bridge::from_js(value.clone()).map_err(|_| broken("", 0, 0))?;
    header.check().map_err(|_| broken("", 0, 0))?;
    for (name, (_, held)) in stores.iter().zip(snapshot) {
        let wrote = js_sys::Reflect::get(&value, &(*name).into())
            .ok()
            .and_then(|a| a.dyn_into::<js_sys::Array>().ok())
            .map_or(0, |a| a.length());
        let counted = header.counts.as_ref().and_then(|c| c.get(*name)).copied();
        if wrote != *held || counted != Some(u64::from(*held)) {
            return Err(broken(name, wrote, *held));
        }
    }
    Ok(())
}

/// Replaces the store's records with the backup's, in one transaction.
pub async fn restore(backup: &Backup) -> Result<(), crate::db::store::StoreError> {
    let mut batch = Batch::new();
    for store in [
        schema::SETTINGS,
        schema::STAFF,
        schema::TAGS,
        schema::CUSTOMERS,
        schema::CONVERSATIONS,
        schema::HISTORY,
        schema::PRODUCTS,
        schema::COMBOS,
        schema::ORDERS,
        schema::TEMPLATES,
        schema::MEDIA,
    ] {
        batch.clear(store);
    }
    for r in &backup.settings {
        batch.put_as_is(r);
    }
    for r in &backup.staff {
        batch.put_as_is(r);
    }
    for r in &backup.tags {
        batch.put_as_is(r);
    }
    for r in &backup.customers {
        batch.put_as_is(r);
    }
    for r in &backup.conversations {
        batch.put_as_is(r);
    }
    for r in &backup.history {
        batch.put_as_is(r);
    }
    for r in &backup.products {
        batch.put_as_is(r);
    }
    for r in &backup.combos {
        batch.put_as_is(r);
    }
    for r in &backup.orders {
        batch.put_as_is(r);
    }
    for r in &backup.templates {
        batch.put_as_is(r);
    }
    for r in &backup.media {
        batch.put_as_is(r);
    }
    db::store().write(batch).await
}
