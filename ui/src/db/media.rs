//! The media library's images: by folder, by id, written and deleted.

use crate::db;
use crate::db::store::{Batch, StoreError};
use nobi_core::crm::{Id, MediaItem};
use nobi_core::protocol::Attachment;

/// Every image of the library, newest first.
pub async fn all() -> Result<Vec<MediaItem>, StoreError> {
    let mut items = db::store().all::<MediaItem>().await?;
    sort(&mut items);
    Ok(items)
}

/// The images filed in `folder` ("" for those in no folder), newest first.
pub async fn in_folder(folder: &str) -> Result<Vec<MediaItem>, StoreError> {
    let mut items = db::store()
        .by_index::<MediaItem>("by_folder", folder)
        .await?;
    sort(&mut items);
    Ok(items)
}

fn sort(items: &mut [MediaItem]) {
    items.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
}

/// The images with these ids, in the order of `ids`; ids not in the store (an image deleted
/// since a template named it) are skipped.
pub async fn load(ids: &[String]) -> Vec<MediaItem> {
    let store = db::store();
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        match store.get::<MediaItem>(id).await {
            Ok(Some(item)) => out.push(item),
            Ok(None) => {}
            Err(e) => web_sys::console::warn_1(&e.to_string().into()),
        }
    }
    out
}

/// The attachments of these images for the outbox, in order (see [`load`]).
pub async fn attachments(ids: &[String]) -> Vec<Attachment> {
    load(ids).await.iter().map(to_attachment).collect()
}

/// An image as an outbox attachment.
pub fn to_attachment(item: &MediaItem) -> Attachment {
    Attachment {
        name: item.name.clone(),
        mime: item.mime.clone(),
        data_base64: item.data_base64.clone(),
    }
}

/// Writes images (new, renamed or moved) in one transaction.
pub async fn save(items: &mut [MediaItem]) -> Result<(), StoreError> {
    let mut batch = Batch::new();
    for item in items.iter_mut() {
        batch.put(item);
    }
    db::store().write(batch).await
}

/// Deletes an image.
pub async fn delete(id: &Id) -> Result<(), StoreError> {
    let mut batch = Batch::new();
    batch.delete::<MediaItem>(id);
    db::store().write(batch).await
}
