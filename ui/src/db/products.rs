//! The catalog: products and combos.

use super::store;
use crate::db::store::{Batch, StoreError};
use nobi_core::crm::Settings;

/// The catalog: every product and combo.
pub async fn catalog() -> Result<nobi_core::order::catalog::Catalog, StoreError> {
    use nobi_core::order::catalog::{Catalog, Combo, Product};
    let store = store();
    let mut products = store.all::<Product>().await?;
    products.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Catalog {
        products,
        combos: store.all::<Combo>().await?,
    })
}

/// Writes products (the products tab), each existing one expected as it was read (`read`):
/// a count team sync or another panel wrote meanwhile is not overwritten
/// ([`StoreError::Conflict`]).
pub async fn save_products(
    products: &[nobi_core::order::catalog::Product],
    read: &[nobi_core::order::catalog::Product],
) -> Result<(), StoreError> {
    let mut batch = Batch::new();
    for product in read {
        batch.expect_same(product);
    }
    for product in products {
        batch.put_as_is(product);
    }
    store().write(batch).await
}

/// A product import: its products and, when the file stocks new warehouses, the settings that
/// list them, in one transaction (both land or neither does). Returns the settings as stored.
pub async fn import_products(
    products: &[nobi_core::order::catalog::Product],
    settings: Option<Settings>,
) -> Result<Option<Settings>, StoreError> {
    let mut batch = Batch::new();
    for product in products {
        batch.put_as_is(product);
    }
    let settings = settings.map(|mut s| {
        batch.put(&mut s);
        s
    });
    store().write(batch).await?;
    Ok(settings)
}
