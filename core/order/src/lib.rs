//! Products, orders and the money in them: the pure part of the order form (the seed's six
//! steps: recipient, required fields, products, shipping, payment, create) and of the order
//! list (status, cancel, shipping, warehouse, history).
//!
//! # Design
//!
//! **Money is integer đồng** ([`money::Vnd`], an `i64`), never floating point: 0.1 + 0.2 is not
//! 0.3 in binary floating point, and an order total that is one đồng off is a support ticket.
//! Every sum is checked: an overflow is an error, not a wrap. Percentages are integer basis
//! points ([`money::Percent`]), and the one place where a fraction of a đồng appears, a
//! percentage discount, rounds **half up to the đồng, once per line** (see
//! [`money::Vnd::percent`]). Discounts are capped at the line's amount, so no line and no total
//! is ever negative.
//!
//! **Parsing what agents type** ([`money::parse_vnd`]) accepts the shorthand of Vietnamese chat
//! ("350k", "1tr2", "2 triệu", "1.250.000đ") and refuses anything ambiguous with a reason, rather
//! than guessing: a price box that silently reads "1,5" as 15 đồng is worse than one that asks.
//!
//! **The catalog** ([`catalog`]) sells SKUs: variants of products, and combos that reserve their
//! components. Stock is kept once, per variant and warehouse, as on hand and reserved. Search
//! folds diacritics with the one shared folding (`nobi_text::fold`, as template search does), so
//! "ao thun do" finds "Áo thun đỏ".
//!
//! **Orders** ([`order`]) are plain serde data with a stable id chosen by the caller and
//! timestamps passed in (core has no clock and no randomness). Every change goes through a
//! method that checks first and then applies, appending a [`order::HistoryEntry`], so an error
//! never leaves a half-done change and the history is a complete change log for a later sync.
//! Statuses only move forward along [`order::OrderStatus::next`]; a refused change says why
//! and what to do instead, in Vietnamese and English.
//!
//! **Stock** ([`stock`]) is reserved when the order is created, released when it is cancelled or
//! returned, and committed (taken off the shelf) when it is delivered. The order keeps its
//! [`stock::Reservation`], so it gives back exactly what it took. Negative available stock is
//! refused unless the shop allows it ([`stock::StockSettings::allow_negative`]).
//!
//! **Around the form**: [`import`] reads products from other tools' CSV exports (or a sheet's
//! rows) into a plan that is written whole or not at all, as the customer import does;
//! [`summary`] writes the order confirmation the agent sends the buyer, and the template
//! variables of an order; [`auto`] proposes a draft order (recipient prefilled, no products)
//! when a buyer's message has a phone or an order keyword.
//!
//! # Crate contract
//!
//! Every change of an order checks first and then applies, so an error leaves the order and the
//! catalog as they were. The product import returns a plan written whole or not at all.
//! [`vars_for`] returns the template variables of a buyer: the customer's own values first, then
//! the order's.
//!
//! # Dependencies
//!
//! Everything below it: `nobi-crm` (customers, addresses, settings, the [`nobi_crm::Record`]
//! trait and the customer import's error kinds, which the product import reuses), `nobi-template`
//! ([`summary`] and [`vars_for`] fill its variables), `nobi-money` (re-exported as [`money`]),
//! `nobi-tabular`, `nobi-address`, `nobi-phone`, `nobi-protocol`, `nobi-i18n`, `nobi-text`, `serde`.

pub mod auto;
pub mod campaign_facts;
pub mod catalog;
pub mod import;
/// Money lives in its own crate (`nobi-money`): template rendering formats amounts too.
pub use nobi_money as money;
// The module is named after what it holds, as the others are; the path `order::order` is
// the price of a directory per domain.
#[allow(clippy::module_inception)]
pub mod order;
mod records;
pub mod stock;
pub mod summary;
pub mod template_vars;

pub use auto::{auto_draft, DEFAULT_ORDER_KEYWORDS};
pub use catalog::{Catalog, Combo, ComboComponent, Product, SearchHit, StockLevel, Variant};
pub use import::{
    plan_product_import, plan_product_import_rows, ProductField, ProductImportError,
    ProductImportErrorKind, ProductImportPlan, ProductPreviewRow, RowAction,
};
pub use money::{parse_vnd, ParseMoneyError, Percent, Vnd};
pub use order::{
    check_transition, totals, Carrier, Discount, Order, OrderDraft, OrderError, OrderLine,
    OrderStatus, ParseDiscountError, Payment, PaymentMethod, Recipient, Shipping, ShippingPayer,
    Source, Totals,
};
pub use stock::{Reservation, StockError, StockSettings};
pub use summary::{order_code, order_vars, summary_text, DEFAULT_SUMMARY_TEMPLATE};
pub use template_vars::vars_for;
