//! The whole store as one backup, and restoring one (all or nothing).

use crate::db;
use crate::db::store::Batch;
use nobi_core::crm::backup::Backup;
use nobi_core::crm::schema;

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
    // The header's fields, then one array per store, in one object.
    parts.push(&header.trim_end_matches('}').into());
    for (name, (records, held)) in stores.iter().zip(&snapshot) {
        parts.push(&format!(",\"{name}\":[").into());
        let mut wrote = 0u32;
        for (i, record) in records.iter().enumerate() {
            let Some(json) = js_sys::JSON::stringify(record)
                .ok()
                .filter(|j| j.length() > 0)
            else {
                break;
            };
            if i > 0 {
                parts.push(&",".into());
            }
            parts.push(&json);
            wrote += 1;
        }
        parts.push(&"]".into());
        if wrote != *held || records.len() as u32 != *held {
            return Err(ExportError::NotVerified {
                store: name,
                wrote,
                held: *held,
            });
        }
    }
    parts.push(&"}".into());
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
