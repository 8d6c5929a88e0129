//! Stock reservations: what an order holds from the time it is created until it is delivered,
//! returned or cancelled.
//!
//! Lifecycle of the items of one order, in one warehouse:
//! - create: [`reserve`] adds to `reserved` (available = on hand − reserved goes down);
//! - cancel or return: [`release`] takes it off `reserved` again (a returned parcel is back on
//!   the shelf, so it is available again);
//! - delivered: [`commit`] takes it off both `reserved` and `on_hand`: the items are gone.
//!
//! A [`Reservation`] records exactly what was taken (combos already expanded to their
//! components, quantities merged per SKU). The order keeps it, and release and commit work from
//! it rather than from the order's lines: if the catalog's combo is edited in between, the
//! order still gives back exactly what it took.
//!
//! Every function here checks everything before changing anything, so an error leaves the
//! catalog as it was.

use super::catalog::{Catalog, CatalogError, StockLevel};
use nobi_i18n::Lang;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The shop's stock settings; they live in the CRM's [`nobi_crm::Settings`] record.
pub use nobi_crm::StockSettings;

/// `quantity` items of variant `sku`, held by an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReservedItem {
    pub sku: String,
    pub quantity: u32,
}

/// What one order holds in one warehouse. Items are variants only, one entry per SKU, sorted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reservation {
    pub warehouse: String,
    pub items: Vec<ReservedItem>,
}

/// A variant that does not have enough available stock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shortage {
    pub sku: String,
    pub warehouse: String,
    pub available: i64,
    pub requested: u32,
}

/// Why stock could not be reserved, released or committed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StockError {
    Catalog(CatalogError),
    /// Every variant that is short, so the agent sees them all at once.
    Insufficient(Vec<Shortage>),
    /// Releasing or committing more than is reserved: the reservation does not belong to this
    /// catalog's state (already released, or the stock was edited by hand).
    NotReserved {
        sku: String,
        warehouse: String,
    },
    Overflow,
}

impl From<CatalogError> for StockError {
    fn from(e: CatalogError) -> Self {
        StockError::Catalog(e)
    }
}

impl StockError {
    /// The text shown to the agent, saying what to do about it.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (StockError::Catalog(e), _) => e.message(lang),
            (StockError::Insufficient(list), Lang::Vi) => {
                let parts: Vec<String> = list
                    .iter()
                    .map(|s| format!("{} (còn {}, cần {})", s.sku, s.available, s.requested))
                    .collect();
                format!(
                    "Không đủ hàng trong kho {}: {}. Giảm số lượng, chọn kho khác, hoặc bật \"Cho phép tồn kho âm\" trong cài đặt.",
                    list.first().map_or("", |s| s.warehouse.as_str()),
                    parts.join(", ")
                )
            }
            (StockError::Insufficient(list), Lang::En) => {
                let parts: Vec<String> = list
                    .iter()
                    .map(|s| format!("{} ({} available, {} needed)", s.sku, s.available, s.requested))
                    .collect();
                format!(
                    "Not enough stock in warehouse {}: {}. Lower the quantity, pick another warehouse, or turn on \"Allow negative stock\" in settings.",
                    list.first().map_or("", |s| s.warehouse.as_str()),
                    parts.join(", ")
                )
            }
            (StockError::NotReserved { sku, warehouse }, Lang::Vi) => format!(
                "Mã {sku} ở kho {warehouse} không còn được giữ cho đơn này. Kiểm tra lại tồn kho trước khi thao tác tiếp."
            ),
            (StockError::NotReserved { sku, warehouse }, Lang::En) => format!(
                "{sku} in warehouse {warehouse} is no longer held for this order. Check the stock before going on."
            ),
            (StockError::Overflow, Lang::Vi) => "Số lượng quá lớn.".to_owned(),
            (StockError::Overflow, Lang::En) => "The quantity is too large.".to_owned(),
        }
    }
}

impl fmt::Display for StockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for StockError {}

/// What `lines` (SKU, quantity) would take from `warehouse`: combos expanded, quantities merged
/// per variant. Changes nothing. Lines with quantity 0 take nothing.
pub fn plan<'a, I>(catalog: &Catalog, warehouse: &str, lines: I) -> Result<Reservation, StockError>
where
    I: IntoIterator<Item = (&'a str, u32)>,
{
    let mut merged: BTreeMap<String, u32> = BTreeMap::new();
    for (sku, quantity) in lines {
        for (variant, q) in catalog.components(sku, quantity)? {
            let slot = merged.entry(variant).or_insert(0);
            *slot = slot.checked_add(q).ok_or(StockError::Overflow)?;
        }
    }
    Ok(Reservation {
        warehouse: warehouse.to_owned(),
        items: merged
            .into_iter()
            .filter(|(_, q)| *q > 0)
            .map(|(sku, quantity)| ReservedItem { sku, quantity })
            .collect(),
    })
}

/// Reserves `lines` in `warehouse`, or refuses with every shortage if any variant would go
/// below zero available and `settings.allow_negative` is off.
pub fn reserve<'a, I>(
    catalog: &mut Catalog,
    warehouse: &str,
    lines: I,
    settings: StockSettings,
) -> Result<Reservation, StockError>
where
    I: IntoIterator<Item = (&'a str, u32)>,
{
    let reservation = plan(catalog, warehouse, lines)?;
    let mut shortages = Vec::new();
    for item in &reservation.items {
        let level = level_of(catalog, &item.sku, warehouse);
        level
            .reserved
            .checked_add(i64::from(item.quantity))
            .ok_or(StockError::Overflow)?;
        let available = level.available();
        if !settings.allow_negative && available < i64::from(item.quantity) {
            shortages.push(Shortage {
                sku: item.sku.clone(),
                warehouse: warehouse.to_owned(),
                available,
                requested: item.quantity,
            });
        }
    }
    if !shortages.is_empty() {
        return Err(StockError::Insufficient(shortages));
    }
    apply(catalog, &reservation, |level, q| level.reserved += q);
    Ok(reservation)
}

/// Re-takes exactly `reservation`, whatever is available: used to undo a [`release`] when a
/// multi-step change fails half-way. Never refuses for stock; fails only on an unknown SKU or
/// an overflow.
pub fn reinstate(catalog: &mut Catalog, reservation: &Reservation) -> Result<(), StockError> {
    for item in &reservation.items {
        if catalog.variant(&item.sku).is_none() {
            return Err(CatalogError::UnknownSku(item.sku.clone()).into());
        }
        level_of(catalog, &item.sku, &reservation.warehouse)
            .reserved
            .checked_add(i64::from(item.quantity))
            .ok_or(StockError::Overflow)?;
    }
    apply(catalog, reservation, |level, q| level.reserved += q);
    Ok(())
}

/// Gives back what `reservation` holds (cancel, return).
pub fn release(catalog: &mut Catalog, reservation: &Reservation) -> Result<(), StockError> {
    check_held(catalog, reservation)?;
    apply(catalog, reservation, |level, q| level.reserved -= q);
    Ok(())
}

/// Turns `reservation` into items gone from the warehouse (delivered).
pub fn commit(catalog: &mut Catalog, reservation: &Reservation) -> Result<(), StockError> {
    check_held(catalog, reservation)?;
    for item in &reservation.items {
        level_of(catalog, &item.sku, &reservation.warehouse)
            .on_hand
            .checked_sub(i64::from(item.quantity))
            .ok_or(StockError::Overflow)?;
    }
    apply(catalog, reservation, |level, q| {
        level.reserved -= q;
        level.on_hand -= q;
    });
    Ok(())
}

/// Checks that every item of `reservation` is still reserved in the catalog.
fn check_held(catalog: &Catalog, reservation: &Reservation) -> Result<(), StockError> {
    for item in &reservation.items {
        if catalog.variant(&item.sku).is_none() {
            return Err(CatalogError::UnknownSku(item.sku.clone()).into());
        }
        if level_of(catalog, &item.sku, &reservation.warehouse).reserved < i64::from(item.quantity)
        {
            return Err(StockError::NotReserved {
                sku: item.sku.clone(),
                warehouse: reservation.warehouse.clone(),
            });
        }
    }
    Ok(())
}

fn level_of(catalog: &Catalog, sku: &str, warehouse: &str) -> StockLevel {
    catalog
        .variant(sku)
        .and_then(|v| v.stock.get(warehouse))
        .copied()
        .unwrap_or_default()
}

/// Applies `f` to every item's level, creating missing warehouse entries. Only called after
/// the checks, so the arithmetic in `f` cannot overflow and every SKU exists.
fn apply(catalog: &mut Catalog, reservation: &Reservation, f: impl Fn(&mut StockLevel, i64)) {
    for item in &reservation.items {
        if let Some(variant) = catalog.variant_mut(&item.sku) {
            let level = variant
                .stock
                .entry(reservation.warehouse.clone())
                .or_default();
            f(level, i64::from(item.quantity));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::tests::sample;

    fn level(c: &Catalog, sku: &str, w: &str) -> StockLevel {
        level_of(c, sku, w)
    }

    const HN: &str = "kho-hn";
    const STRICT: StockSettings = StockSettings {
        allow_negative: false,
    };

    #[test]
    fn reserve_lowers_available_and_release_restores_it() {
        let mut c = sample();
        let before = c.clone();
        let r = reserve(&mut c, HN, [("AT-M-DO", 4), ("MU-01", 1)], STRICT).unwrap();
        assert_eq!(c.available("AT-M-DO", HN), Some(6));
        assert_eq!(level(&c, "AT-M-DO", HN).on_hand, 10);
        release(&mut c, &r).unwrap();
        assert_eq!(c, before);
    }

    #[test]
    fn combos_reserve_their_components_merged_with_other_lines() {
        let mut c = sample();
        let r = reserve(&mut c, HN, [("COMBO-HE", 2), ("AT-M-DO", 1)], STRICT).unwrap();
        assert_eq!(
            r.items,
            vec![
                ReservedItem {
                    sku: "AT-M-DO".into(),
                    quantity: 5
                },
                ReservedItem {
                    sku: "MU-01".into(),
                    quantity: 2
                },
            ]
        );
        assert_eq!(level(&c, "AT-M-DO", HN).reserved, 5);
        assert_eq!(c.available("COMBO-HE", HN), Some(2)); // min(5/2, 3/1)
    }

    #[test]
    fn negative_stock_is_refused_with_every_shortage_and_nothing_changes() {
        let mut c = sample();
        let before = c.clone();
        let err = reserve(&mut c, HN, [("AT-L-DEN", 4), ("COMBO-HE", 6)], STRICT).unwrap_err();
        assert_eq!(
            err,
            StockError::Insufficient(vec![
                Shortage {
                    sku: "AT-L-DEN".into(),
                    warehouse: HN.into(),
                    available: 3,
                    requested: 4
                },
                Shortage {
                    sku: "AT-M-DO".into(),
                    warehouse: HN.into(),
                    available: 10,
                    requested: 12
                },
                Shortage {
                    sku: "MU-01".into(),
                    warehouse: HN.into(),
                    available: 5,
                    requested: 6
                },
            ])
        );
        assert_eq!(c, before);
        assert!(err.message(Lang::Vi).contains("AT-L-DEN (còn 3, cần 4)"));
        assert!(err.message(Lang::En).contains("Allow negative stock"));
    }

    #[test]
    fn allow_negative_lets_it_through() {
        let mut c = sample();
        let lax = StockSettings {
            allow_negative: true,
        };
        let r = reserve(&mut c, HN, [("AT-L-DEN", 5)], lax).unwrap();
        assert_eq!(c.available("AT-L-DEN", HN), Some(-2));
        // A warehouse with no entry at all starts from zero.
        let r2 = reserve(&mut c, "kho-hcm", [("MU-01", 2)], lax).unwrap();
        assert_eq!(level(&c, "MU-01", "kho-hcm").available(), -2);
        release(&mut c, &r).unwrap();
        release(&mut c, &r2).unwrap();
        assert_eq!(c.available("AT-L-DEN", HN), Some(3));
    }

    #[test]
    fn an_unknown_sku_is_refused() {
        let mut c = sample();
        assert_eq!(
            reserve(&mut c, HN, [("GHOST", 1)], STRICT),
            Err(StockError::Catalog(CatalogError::UnknownSku(
                "GHOST".into()
            )))
        );
    }

    #[test]
    fn releasing_twice_is_refused() {
        let mut c = sample();
        let r = reserve(&mut c, HN, [("MU-01", 2)], STRICT).unwrap();
        release(&mut c, &r).unwrap();
        let after = c.clone();
        assert_eq!(
            release(&mut c, &r),
            Err(StockError::NotReserved {
                sku: "MU-01".into(),
                warehouse: HN.into()
            })
        );
        assert_eq!(c, after);
    }

    #[test]
    fn commit_removes_items_from_the_warehouse() {
        let mut c = sample();
        let r = reserve(&mut c, HN, [("COMBO-HE", 1)], STRICT).unwrap();
        commit(&mut c, &r).unwrap();
        assert_eq!(
            level(&c, "AT-M-DO", HN),
            StockLevel {
                on_hand: 8,
                reserved: 0
            }
        );
        assert_eq!(level(&c, "MU-01", HN).on_hand, 4);
        assert!(commit(&mut c, &r).is_err(), "a reservation commits once");
    }

    #[test]
    fn reinstate_undoes_a_release_even_without_stock() {
        let mut c = sample();
        let r = reserve(&mut c, HN, [("AT-L-DEN", 3)], STRICT).unwrap();
        release(&mut c, &r).unwrap();
        // Someone else takes the stock meanwhile.
        let other = reserve(&mut c, HN, [("AT-L-DEN", 3)], STRICT).unwrap();
        reinstate(&mut c, &r).unwrap();
        assert_eq!(level(&c, "AT-L-DEN", HN).reserved, 6);
        release(&mut c, &other).unwrap();
    }

    #[test]
    fn zero_quantities_take_nothing() {
        let c = sample();
        assert!(plan(&c, HN, [("MU-01", 0)]).unwrap().items.is_empty());
    }
}
