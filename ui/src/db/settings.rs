//! The shop's settings (one record).

use super::store;
use crate::db::store::{Batch, StoreError};
use nobi_core::crm::Settings;

pub async fn settings() -> Settings {
    store()
        .get::<Settings>("settings")
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}

pub async fn save_settings(mut settings: Settings) -> Result<Settings, StoreError> {
    let mut batch = Batch::new();
    batch.put(&mut settings);
    store().write(batch).await?;
    Ok(settings)
}
