//! The shop's settings (one record).

use super::store;
use crate::db::store::{Batch, StoreError};
use nobi_core::crm::Settings;

/// The stored settings: `Ok(None)` when none were saved yet, `Err` when they could not be read
/// (then nothing may be written over them: the defaults are not what the shop chose).
pub async fn settings() -> Result<Option<Settings>, StoreError> {
    store().get::<Settings>("settings").await
}

pub async fn save_settings(mut settings: Settings) -> Result<Settings, StoreError> {
    let mut batch = Batch::new();
    batch.put(&mut settings);
    store().write(batch).await?;
    Ok(settings)
}
