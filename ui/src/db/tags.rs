//! Tags and staff: the small lists the card picks from.

use super::store;
use crate::db::store::{new_id, now, Batch, StoreError};
use nobi_core::crm::{Staff, Tag, TAG_COLORS};

pub async fn tags() -> Result<Vec<Tag>, StoreError> {
    let mut tags = store().all::<Tag>().await?;
    tags.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(tags)
}

/// Creates a tag with the next colour of the palette.
pub async fn create_tag(name: &str, existing: usize) -> Result<Tag, StoreError> {
    let mut tag = Tag {
        id: new_id(),
        created_at: now(),
        updated_at: now(),
        name: name.trim().to_owned(),
        color: TAG_COLORS[existing % TAG_COLORS.len()].to_owned(),
    };
    let mut batch = Batch::new();
    batch.put(&mut tag);
    store().write(batch).await?;
    Ok(tag)
}

pub async fn staff() -> Result<Vec<Staff>, StoreError> {
    let mut staff = store().all::<Staff>().await?;
    staff.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(staff)
}

pub async fn create_staff(name: &str) -> Result<Staff, StoreError> {
    let mut member = Staff {
        id: new_id(),
        created_at: now(),
        updated_at: now(),
        name: name.trim().to_owned(),
    };
    let mut batch = Batch::new();
    batch.put(&mut member);
    store().write(batch).await?;
    Ok(member)
}
