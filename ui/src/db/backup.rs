//! The whole store as one backup, and restoring one (all or nothing).

use crate::db;
use crate::db::store::{now, Batch};
use nobi_core::crm::backup::Backup;
use nobi_core::crm::schema;
use nobi_core::crm::{ConversationRecord, Customer, HistoryEntry, Settings, Staff, Tag};

/// Every record of the store, as one backup.
pub async fn backup() -> Result<Backup, crate::db::store::StoreError> {
    let store = db::store();
    let mut backup = Backup::new(now());
    backup.settings = store.all::<Settings>().await?;
    backup.staff = store.all::<Staff>().await?;
    backup.tags = store.all::<Tag>().await?;
    backup.customers = store.all::<Customer>().await?;
    backup.conversations = store.all::<ConversationRecord>().await?;
    backup.history = store.all::<HistoryEntry>().await?;
    backup.products = store.all::<nobi_core::order::Product>().await?;
    backup.combos = store.all::<nobi_core::order::Combo>().await?;
    backup.orders = store.all::<nobi_core::order::Order>().await?;
    backup.templates = store.all::<nobi_core::template::Template>().await?;
    backup.media = store.all::<nobi_core::crm::MediaItem>().await?;
    Ok(backup)
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
