//! An order as plain serde data, its totals, and the changes an agent makes to it.
//!
//! Every change goes through a method that takes the time (`now`, milliseconds since the Unix
//! epoch, from the caller: core has no clock) and who made it (`by`), checks everything first,
//! and only then changes the order (and the catalog's stock), appending one [`HistoryEntry`].
//! So an `Err` always leaves both exactly as they were, and the history is the list of every
//! change that happened, ready for a later sync.

use super::catalog::Catalog;
use super::money::{Overflow, Percent, Vnd};
use super::stock::{self, Reservation, StockError, StockSettings};
use nobi_address::{Scheme, Unit};
use nobi_i18n::Lang;
use nobi_protocol::Platform;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where the order came from: the platform and the page (shop account) the chat is on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub platform: Platform,
    /// The page id or account name the conversation belongs to.
    pub page: String,
}

/// The administrative units of the recipient's address, when the address form resolved them.
/// Optional because the free text is what the buyer sent and is always kept; the units are
/// what the carrier needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressUnits {
    pub scheme: Scheme,
    pub province: Unit,
    /// Only in the legacy scheme.
    #[serde(default)]
    pub district: Option<Unit>,
    #[serde(default)]
    pub ward: Option<Unit>,
    /// House number, alley, street, hamlet: GHTK's 4th level.
    #[serde(default)]
    pub street: String,
}

impl AddressUnits {
    /// The carrier-ready units of a saved address: the current scheme when its ward is known,
    /// else the legacy one (whose district the carriers still ask for). `None` when the address
    /// has no province in the scheme it would use: the order then keeps the free text only.
    pub fn of_saved(address: &nobi_crm::CustomerAddress) -> Option<AddressUnits> {
        let unit = |u: &nobi_crm::UnitRef| Unit {
            code: u.code.clone(),
            name: u.name.clone(),
            short: u.name.clone(),
        };
        let (scheme, province, district, ward) = if address.current_ward.is_some() {
            (
                Scheme::Current,
                address.current_province.as_ref()?,
                None,
                address.current_ward.as_ref(),
            )
        } else {
            (
                Scheme::Legacy,
                address.legacy_province.as_ref()?,
                address.legacy_district.as_ref(),
                address.legacy_ward.as_ref(),
            )
        };
        let hamlet = address.hamlet.as_deref().unwrap_or("");
        Some(AddressUnits {
            scheme,
            province: unit(province),
            district: district.map(unit),
            ward: ward.map(unit),
            street: [address.street.trim(), hamlet.trim()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(", "),
        })
    }
}

/// Who receives the parcel.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub name: String,
    pub phone: String,
    /// The address as written (by the buyer or the agent).
    pub address: String,
    #[serde(default)]
    pub units: Option<AddressUnits>,
}

/// A discount on one line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Discount {
    #[default]
    None,
    /// An amount off the whole line (not per item).
    Amount(Vnd),
    /// A rate of the line's amount (quantity × unit price), in basis points in JSON.
    Percent(Percent),
}

/// Why a typed discount was not understood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseDiscountError {
    Percent(super::money::ParsePercentError),
    Money(super::money::ParseMoneyError),
    Negative,
}

impl ParseDiscountError {
    /// The text shown to the agent, saying what to do about it.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ParseDiscountError::Percent(e), _) => e.message(lang).to_owned(),
            (ParseDiscountError::Money(e), _) => e.message(lang),
            (ParseDiscountError::Negative, Lang::Vi) => "Chiết khấu không được âm.".to_owned(),
            (ParseDiscountError::Negative, Lang::En) => "A discount cannot be negative.".to_owned(),
        }
    }
}

impl Discount {
    /// Parses the discount box of a line: blank is no discount, a trailing "%" is a rate
    /// ("10%", "12,5%"), anything else an amount as [`super::money::parse_vnd`] reads it
    /// ("50k", "20.000đ").
    pub fn parse(text: &str) -> Result<Discount, ParseDiscountError> {
        let t = text.trim();
        if t.is_empty() {
            Ok(Discount::None)
        } else if t.ends_with('%') {
            Percent::parse(t)
                .map(Discount::Percent)
                .map_err(ParseDiscountError::Percent)
        } else {
            match super::money::parse_vnd(t) {
                Ok(v) if v.is_negative() => Err(ParseDiscountError::Negative),
                Ok(v) => Ok(Discount::Amount(v)),
                Err(e) => Err(ParseDiscountError::Money(e)),
            }
        }
    }
}

/// One product line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    /// A variant or combo SKU from the catalog.
    pub sku: String,
    /// The name when the line was added, so the order reads the same after a catalog edit.
    pub name: String,
    pub quantity: u32,
    /// The price agreed in the chat; starts as the catalog price, and the agent may change it.
    pub unit_price: Vnd,
    #[serde(default)]
    pub discount: Discount,
}

/// The carriers of the order form, in the order the form lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Carrier {
    Ghtk,
    Ghn,
    ViettelPost,
    JAndT,
    Spx,
    NinjaVan,
    VnPost,
    Best,
    AhaMove,
    /// The shop delivers itself (its own shipper or the agent).
    SelfDelivery,
}

impl Carrier {
    pub const ALL: [Carrier; 10] = [
        Carrier::Ghtk,
        Carrier::Ghn,
        Carrier::ViettelPost,
        Carrier::JAndT,
        Carrier::Spx,
        Carrier::NinjaVan,
        Carrier::VnPost,
        Carrier::Best,
        Carrier::AhaMove,
        Carrier::SelfDelivery,
    ];

    /// The name shown in the form. Carrier names are brands, the same in both languages,
    /// except self-delivery.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Carrier::Ghtk, _) => "GHTK",
            (Carrier::Ghn, _) => "GHN",
            (Carrier::ViettelPost, _) => "Viettel Post",
            (Carrier::JAndT, _) => "J&T Express",
            (Carrier::Spx, _) => "SPX Express",
            (Carrier::NinjaVan, _) => "Ninja Van",
            (Carrier::VnPost, _) => "VNPost",
            (Carrier::Best, _) => "BEST Express",
            (Carrier::AhaMove, _) => "AhaMove",
            (Carrier::SelfDelivery, Lang::Vi) => "Shop tự giao",
            (Carrier::SelfDelivery, Lang::En) => "Self-delivery",
        }
    }
}

/// Who pays the shipping fee.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShippingPayer {
    /// Added to what the buyer pays (the common case).
    #[default]
    Buyer,
    /// The shop's cost ("freeship"): not in the buyer's total.
    Shop,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shipping {
    /// `None` until the agent picks one; required before the order is handed to shipping.
    #[serde(default)]
    pub carrier: Option<Carrier>,
    pub fee: Vnd,
    #[serde(default)]
    pub payer: ShippingPayer,
    #[serde(default)]
    pub weight_grams: u32,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub tracking_code: Option<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// The carrier collects the balance at the door.
    #[default]
    Cod,
    /// The buyer pays by bank transfer; the carrier collects nothing.
    BankTransfer,
    /// The buyer transferred a deposit; the carrier collects the rest.
    Deposit,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub method: PaymentMethod,
    /// What the buyer has already paid (deposit or transfer).
    pub paid: Vnd,
}

/// Where an order is in its life.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    #[default]
    New,
    Confirmed,
    Packing,
    Shipping,
    Delivered,
    Returned,
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 7] = [
        OrderStatus::New,
        OrderStatus::Confirmed,
        OrderStatus::Packing,
        OrderStatus::Shipping,
        OrderStatus::Delivered,
        OrderStatus::Returned,
        OrderStatus::Cancelled,
    ];

    /// The statuses this one may change to. The order moves forward one step at a time, may be
    /// cancelled until the parcel is with the carrier, and ends delivered or returned once it
    /// is. There is no way back: an order confirmed by mistake is cancelled and created again,
    /// which keeps stock and history simple to reason about.
    pub fn next(self) -> &'static [OrderStatus] {
        use OrderStatus::*;
        match self {
            New => &[Confirmed, Cancelled],
            Confirmed => &[Packing, Cancelled],
            Packing => &[Shipping, Cancelled],
            Shipping => &[Delivered, Returned],
            Delivered | Returned | Cancelled => &[],
        }
    }

    /// Returns true if and only if no status change is possible any more.
    pub fn is_final(self) -> bool {
        self.next().is_empty()
    }

    /// Returns true if and only if the order still holds its stock reservation in this status.
    pub fn holds_stock(self) -> bool {
        !self.is_final()
    }

    pub fn label(self, lang: Lang) -> &'static str {
        use OrderStatus::*;
        match (self, lang) {
            (New, Lang::Vi) => "Mới",
            (New, Lang::En) => "New",
            (Confirmed, Lang::Vi) => "Đã xác nhận",
            (Confirmed, Lang::En) => "Confirmed",
            (Packing, Lang::Vi) => "Đang đóng gói",
            (Packing, Lang::En) => "Packing",
            (Shipping, Lang::Vi) => "Đang giao",
            (Shipping, Lang::En) => "Shipping",
            (Delivered, Lang::Vi) => "Đã giao",
            (Delivered, Lang::En) => "Delivered",
            (Returned, Lang::Vi) => "Hoàn hàng",
            (Returned, Lang::En) => "Returned",
            (Cancelled, Lang::Vi) => "Đã huỷ",
            (Cancelled, Lang::En) => "Cancelled",
        }
    }
}

/// Something the order needs before a status change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    RecipientName,
    RecipientPhone,
    RecipientAddress,
    Carrier,
}

impl Missing {
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Missing::RecipientName, Lang::Vi) => "tên người nhận",
            (Missing::RecipientName, Lang::En) => "the recipient's name",
            (Missing::RecipientPhone, Lang::Vi) => "số điện thoại người nhận",
            (Missing::RecipientPhone, Lang::En) => "the recipient's phone",
            (Missing::RecipientAddress, Lang::Vi) => "địa chỉ người nhận",
            (Missing::RecipientAddress, Lang::En) => "the recipient's address",
            (Missing::Carrier, Lang::Vi) => "đơn vị vận chuyển",
            (Missing::Carrier, Lang::En) => "a carrier",
        }
    }
}

/// Why a status change is not allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The order already has that status.
    Unchanged,
    /// Delivered, returned and cancelled orders do not change any more.
    Final,
    /// Statuses only move forward.
    Backward,
    /// A step was skipped; `next` is the step to take first.
    Skipped { next: OrderStatus },
    /// Cancelling needs a reason: use [`Order::cancel`].
    NeedsReason,
    /// The parcel is with the carrier: it can only come back as returned.
    CancelWhileShipping,
    /// Only a parcel that was handed to the carrier can be returned: cancel instead.
    ReturnBeforeShipping,
    /// The order lacks something the new status needs.
    Missing(Vec<Missing>),
}

/// A refused status change: from where, to where, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransitionError {
    pub from: OrderStatus,
    pub to: OrderStatus,
    pub refusal: Refusal,
}

impl TransitionError {
    /// The text shown to the agent: what was refused and what to do instead.
    pub fn message(&self, lang: Lang) -> String {
        let from = self.from.label(lang);
        let to = self.to.label(lang);
        match (&self.refusal, lang) {
            (Refusal::Unchanged, Lang::Vi) => format!("Đơn đã ở trạng thái \"{to}\"."),
            (Refusal::Unchanged, Lang::En) => format!("The order is already \"{to}\"."),
            (Refusal::Final, Lang::Vi) => format!("Đơn \"{from}\" không đổi trạng thái được nữa. Nếu cần giao lại, hãy tạo đơn mới."),
            (Refusal::Final, Lang::En) => format!("A \"{from}\" order cannot change status any more. To ship again, create a new order."),
            (Refusal::Backward, Lang::Vi) => format!("Không thể chuyển đơn từ \"{from}\" về \"{to}\". Nếu đơn sai, hãy huỷ và tạo lại."),
            (Refusal::Backward, Lang::En) => format!("An order cannot go back from \"{from}\" to \"{to}\". If it is wrong, cancel it and create it again."),
            (Refusal::Skipped { next }, Lang::Vi) => format!("Chưa thể chuyển từ \"{from}\" sang \"{to}\": hãy chuyển sang \"{}\" trước.", next.label(lang)),
            (Refusal::Skipped { next }, Lang::En) => format!("Cannot go from \"{from}\" to \"{to}\" yet: move it to \"{}\" first.", next.label(lang)),
            (Refusal::NeedsReason, Lang::Vi) => "Huỷ đơn cần có lý do: dùng nút Huỷ đơn và nhập lý do.".to_owned(),
            (Refusal::NeedsReason, Lang::En) => "Cancelling needs a reason: use Cancel order and type one.".to_owned(),
            (Refusal::CancelWhileShipping, Lang::Vi) => "Đơn đang được giao nên không huỷ được. Khi hãng vận chuyển trả hàng về, chuyển đơn sang \"Hoàn hàng\".".to_owned(),
            (Refusal::CancelWhileShipping, Lang::En) => "The order is with the carrier, so it cannot be cancelled. When the carrier brings it back, mark it \"Returned\".".to_owned(),
            (Refusal::ReturnBeforeShipping, Lang::Vi) => "Đơn chưa giao cho hãng vận chuyển nên không thể hoàn. Hãy huỷ đơn (kèm lý do).".to_owned(),
            (Refusal::ReturnBeforeShipping, Lang::En) => "The order was never handed to a carrier, so it cannot be returned. Cancel it (with a reason) instead.".to_owned(),
            (Refusal::Missing(list), _) => {
                let items: Vec<&str> = list.iter().map(|m| m.label(lang)).collect();
                match lang {
                    Lang::Vi => format!("Cần nhập {} trước khi chuyển sang \"{to}\".", items.join(", ")),
                    Lang::En => format!("Fill in {} before moving the order to \"{to}\".", items.join(", ")),
                }
            }
        }
    }
}

impl fmt::Display for TransitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for TransitionError {}

/// Returns `Ok` if and only if an order may go from `from` to `to` as far as the statuses alone
/// tell (see [`OrderStatus::next`]); otherwise why not. Cancelling is allowed here; the order's
/// own methods further require a reason for it, and the data each status needs.
pub fn check_transition(from: OrderStatus, to: OrderStatus) -> Result<(), TransitionError> {
    use OrderStatus::*;
    let refuse = |refusal| Err(TransitionError { from, to, refusal });
    if from == to {
        return refuse(Refusal::Unchanged);
    }
    if from.is_final() {
        return refuse(Refusal::Final);
    }
    if from.next().contains(&to) {
        return Ok(());
    }
    match to {
        Cancelled => refuse(Refusal::CancelWhileShipping),
        Returned => refuse(Refusal::ReturnBeforeShipping),
        _ if to < from => refuse(Refusal::Backward),
        _ => refuse(Refusal::Skipped {
            next: from.next()[0],
        }),
    }
}

/// One change, as plain data. Edits keep the values before and after, so the history can be
/// shown ("fee 30.000 ₫ → 25.000 ₫") and replayed by a sync without the order itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Created,
    Status {
        from: OrderStatus,
        to: OrderStatus,
    },
    Cancelled {
        from: OrderStatus,
        reason: String,
    },
    Lines {
        before: Vec<OrderLine>,
        after: Vec<OrderLine>,
    },
    /// Boxed: a recipient with resolved address units is several times larger than any other
    /// change, and every history entry would pay for it.
    Recipient {
        before: Box<Recipient>,
        after: Box<Recipient>,
    },
    Shipping {
        before: Shipping,
        after: Shipping,
    },
    Payment {
        before: Payment,
        after: Payment,
    },
    Warehouse {
        from: String,
        to: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// Milliseconds since the Unix epoch.
    pub at: i64,
    /// The agent (or "auto" for automation) who made the change.
    pub by: String,
    pub change: Change,
}

/// What the order form submits: everything an order has before it exists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDraft {
    pub source: Source,
    pub warehouse: String,
    #[serde(default)]
    pub assignee: Option<String>,
    /// The customer record the order belongs to, if any.
    #[serde(default)]
    pub customer_id: Option<String>,
    pub recipient: Recipient,
    pub lines: Vec<OrderLine>,
    pub shipping: Shipping,
    pub payment: Payment,
    #[serde(default)]
    pub note: String,
}

/// An order as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// Stable id, chosen by the caller (core has no randomness); never reused.
    pub id: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub status: OrderStatus,
    pub source: Source,
    pub warehouse: String,
    #[serde(default)]
    pub assignee: Option<String>,
    #[serde(default)]
    pub customer_id: Option<String>,
    pub recipient: Recipient,
    pub lines: Vec<OrderLine>,
    pub shipping: Shipping,
    pub payment: Payment,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub cancel_reason: Option<String>,
    /// What the order holds in stock; `None` once delivered, returned or cancelled.
    #[serde(default)]
    pub reservation: Option<Reservation>,
    pub history: Vec<HistoryEntry>,
}

/// The money of one line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineTotals {
    /// Quantity × unit price.
    pub gross: Vnd,
    /// The discount actually applied: never more than `gross`.
    pub discount: Vnd,
    /// `gross − discount`, never negative.
    pub net: Vnd,
}

/// The money of an order. Every field is whole đồng; see [`totals`] for the rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub lines: Vec<LineTotals>,
    /// Sum of the lines' gross amounts.
    pub subtotal: Vnd,
    /// Sum of the lines' discounts.
    pub discounts: Vnd,
    /// The full shipping fee, whoever pays it.
    pub shipping_fee: Vnd,
    /// The part of the fee the buyer pays: the fee if the buyer pays, else 0.
    pub shipping_charged: Vnd,
    /// `subtotal − discounts + shipping_charged`: what the buyer owes in all.
    pub total: Vnd,
    pub paid: Vnd,
    /// `max(total − paid, 0)`: what the buyer still owes.
    pub outstanding: Vnd,
    /// What the carrier collects at the door: `outstanding`, except 0 for bank transfer.
    pub cod: Vnd,
    /// `max(paid − total, 0)`: what the shop owes back.
    pub overpaid: Vnd,
}

/// An amount that must not be negative, named for the error message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AmountField {
    UnitPrice { sku: String },
    Discount { sku: String },
    ShippingFee,
    Paid,
}

/// Why an order could not be created or changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OrderError {
    NoLines,
    NoWarehouse,
    ZeroQuantity {
        sku: String,
    },
    Negative(AmountField),
    Overflow,
    /// Cancelling needs a non-blank reason.
    NoCancelReason,
    /// The change is not possible in the order's status; `what` says which change.
    NotEditable {
        status: OrderStatus,
        what: Edit,
    },
    Transition(TransitionError),
    Stock(StockError),
}

/// The kinds of edit, for [`OrderError::NotEditable`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edit {
    Lines,
    Recipient,
    Shipping,
    Payment,
    Warehouse,
}

impl Edit {
    fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Edit::Lines, Lang::Vi) => "sản phẩm",
            (Edit::Lines, Lang::En) => "products",
            (Edit::Recipient, Lang::Vi) => "người nhận",
            (Edit::Recipient, Lang::En) => "recipient",
            (Edit::Shipping, Lang::Vi) => "thông tin vận chuyển",
            (Edit::Shipping, Lang::En) => "shipping",
            (Edit::Payment, Lang::Vi) => "thanh toán",
            (Edit::Payment, Lang::En) => "payment",
            (Edit::Warehouse, Lang::Vi) => "kho xuất",
            (Edit::Warehouse, Lang::En) => "warehouse",
        }
    }

    /// Returns true if and only if this edit is allowed in `status`. Products and warehouse
    /// change stock, so they stop once the parcel is packed or confirmed; the recipient stops
    /// once it is with the carrier; shipping info (tracking code, fee) can be corrected until
    /// the order ends; payment may be recorded even after delivery (COD is paid then), but not
    /// on a cancelled order.
    pub fn allowed_in(self, status: OrderStatus) -> bool {
        use OrderStatus::*;
        match self {
            Edit::Lines => matches!(status, New | Confirmed),
            Edit::Warehouse => matches!(status, New | Confirmed | Packing),
            Edit::Recipient => matches!(status, New | Confirmed | Packing),
            Edit::Shipping => !status.is_final(),
            Edit::Payment => status != Cancelled,
        }
    }
}

impl From<Overflow> for OrderError {
    fn from(_: Overflow) -> Self {
        OrderError::Overflow
    }
}

impl From<StockError> for OrderError {
    fn from(e: StockError) -> Self {
        OrderError::Stock(e)
    }
}

impl From<TransitionError> for OrderError {
    fn from(e: TransitionError) -> Self {
        OrderError::Transition(e)
    }
}

impl OrderError {
    /// The text shown to the agent, saying what to do about it.
    pub fn message(&self, lang: Lang) -> String {
        use OrderError::*;
        match (self, lang) {
            (NoLines, Lang::Vi) => {
                "Đơn chưa có sản phẩm nào. Tìm và thêm sản phẩm trước khi tạo đơn.".to_owned()
            }
            (NoLines, Lang::En) => {
                "The order has no products. Search and add one before creating it.".to_owned()
            }
            (NoWarehouse, Lang::Vi) => "Chưa chọn kho xuất hàng.".to_owned(),
            (NoWarehouse, Lang::En) => "No warehouse is selected.".to_owned(),
            (ZeroQuantity { sku }, Lang::Vi) => {
                format!("Số lượng của {sku} phải từ 1 trở lên (hoặc xoá dòng này).")
            }
            (ZeroQuantity { sku }, Lang::En) => {
                format!("The quantity of {sku} must be at least 1 (or remove the line).")
            }
            (Negative(field), Lang::Vi) => match field {
                AmountField::UnitPrice { sku } => format!("Đơn giá của {sku} không được âm."),
                AmountField::Discount { sku } => format!("Chiết khấu của {sku} không được âm."),
                AmountField::ShippingFee => "Phí vận chuyển không được âm.".to_owned(),
                AmountField::Paid => "Số tiền đã trả không được âm.".to_owned(),
            },
            (Negative(field), Lang::En) => match field {
                AmountField::UnitPrice { sku } => {
                    format!("The unit price of {sku} cannot be negative.")
                }
                AmountField::Discount { sku } => {
                    format!("The discount on {sku} cannot be negative.")
                }
                AmountField::ShippingFee => "The shipping fee cannot be negative.".to_owned(),
                AmountField::Paid => "The amount paid cannot be negative.".to_owned(),
            },
            (Overflow, _) => super::money::Overflow.message(lang),
            (NoCancelReason, Lang::Vi) => "Nhập lý do huỷ đơn.".to_owned(),
            (NoCancelReason, Lang::En) => "Type a reason for cancelling.".to_owned(),
            (NotEditable { status, what }, Lang::Vi) => format!(
                "Đơn \"{}\" không sửa {} được nữa.",
                status.label(lang),
                what.label(lang)
            ),
            (NotEditable { status, what }, Lang::En) => format!(
                "The {} of a \"{}\" order cannot be changed any more.",
                what.label(lang),
                status.label(lang)
            ),
            (Transition(e), _) => e.message(lang),
            (Stock(e), _) => e.message(lang),
        }
    }
}

impl fmt::Display for OrderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for OrderError {}

/// The money of one line: gross = quantity × unit price; the discount is the amount given, or
/// the rate of the gross rounded half up to the đồng (once per line, not per item, so 3 items
/// at 10% lose one rounding, not three); and it is capped at the gross, so a line is never
/// negative.
pub fn line_totals(line: &OrderLine) -> Result<LineTotals, OrderError> {
    if line.unit_price.is_negative() {
        return Err(OrderError::Negative(AmountField::UnitPrice {
            sku: line.sku.clone(),
        }));
    }
    let gross = line.unit_price.checked_mul(line.quantity)?;
    let discount = match line.discount {
        Discount::None => Vnd::ZERO,
        Discount::Amount(a) if a.is_negative() => {
            return Err(OrderError::Negative(AmountField::Discount {
                sku: line.sku.clone(),
            }))
        }
        Discount::Amount(a) => a.min(gross),
        Discount::Percent(rate) => gross.percent(rate),
    };
    Ok(LineTotals {
        gross,
        discount,
        net: gross.checked_sub(discount)?,
    })
}

/// The order's money, from its parts. Rules:
/// - each line as in [`line_totals`];
/// - `subtotal` and `discounts` are the sums over lines, so `subtotal − discounts` is the sum
///   of the nets and never negative;
/// - the buyer is charged the shipping fee only if the buyer pays it; a fee the shop pays is
///   the shop's cost and leaves the total alone;
/// - `total = subtotal − discounts + shipping_charged`;
/// - `outstanding = max(total − paid, 0)` and `overpaid = max(paid − total, 0)`;
/// - `cod = outstanding` for COD and deposit; 0 for bank transfer, where the carrier collects
///   nothing (an outstanding balance then is for the agent to chase, not the carrier).
///
/// Negative prices, discounts, fees or payments are refused rather than clamped: they are
/// typing mistakes, and a silent fix would hide them.
pub fn totals(
    lines: &[OrderLine],
    shipping: &Shipping,
    payment: &Payment,
) -> Result<Totals, OrderError> {
    let line_totals = lines
        .iter()
        .map(line_totals)
        .collect::<Result<Vec<_>, _>>()?;
    if shipping.fee.is_negative() {
        return Err(OrderError::Negative(AmountField::ShippingFee));
    }
    if payment.paid.is_negative() {
        return Err(OrderError::Negative(AmountField::Paid));
    }
    let subtotal = Vnd::checked_sum(line_totals.iter().map(|l| l.gross))?;
    let discounts = Vnd::checked_sum(line_totals.iter().map(|l| l.discount))?;
    let shipping_charged = match shipping.payer {
        ShippingPayer::Buyer => shipping.fee,
        ShippingPayer::Shop => Vnd::ZERO,
    };
    let total = subtotal
        .checked_sub(discounts)?
        .checked_add(shipping_charged)?;
    let balance = total.checked_sub(payment.paid)?;
    let outstanding = balance.max_zero();
    let cod = match payment.method {
        PaymentMethod::Cod | PaymentMethod::Deposit => outstanding,
        PaymentMethod::BankTransfer => Vnd::ZERO,
    };
    Ok(Totals {
        lines: line_totals,
        subtotal,
        discounts,
        shipping_fee: shipping.fee,
        shipping_charged,
        total,
        paid: payment.paid,
        outstanding,
        cod,
        // total and paid are both >= 0 here, so this cannot overflow.
        overpaid: Vnd(payment.paid.0 - total.0).max_zero(),
    })
}

/// Checks the lines before they go into an order: at least one, none with quantity 0, and
/// money that adds up.
fn check_lines(
    lines: &[OrderLine],
    shipping: &Shipping,
    payment: &Payment,
) -> Result<(), OrderError> {
    if lines.is_empty() {
        return Err(OrderError::NoLines);
    }
    if let Some(line) = lines.iter().find(|l| l.quantity == 0) {
        return Err(OrderError::ZeroQuantity {
            sku: line.sku.clone(),
        });
    }
    totals(lines, shipping, payment).map(|_| ())
}

fn line_requests(lines: &[OrderLine]) -> impl Iterator<Item = (&str, u32)> {
    lines.iter().map(|l| (l.sku.as_str(), l.quantity))
}

impl OrderLine {
    /// A line for `quantity` of `sku` at the catalog's name and price, without discount.
    pub fn from_catalog(catalog: &Catalog, sku: &str, quantity: u32) -> Option<OrderLine> {
        let item = catalog.item(sku)?;
        Some(OrderLine {
            sku: item.sku().to_owned(),
            name: item.display_name(),
            quantity,
            unit_price: item.price(),
            discount: Discount::None,
        })
    }
}

impl Order {
    /// Creates an order from the form (status new) and reserves its stock in the draft's
    /// warehouse. On error nothing is reserved.
    pub fn create(
        draft: OrderDraft,
        id: String,
        now: i64,
        by: &str,
        catalog: &mut Catalog,
        settings: StockSettings,
    ) -> Result<Order, OrderError> {
        if draft.warehouse.trim().is_empty() {
            return Err(OrderError::NoWarehouse);
        }
        check_lines(&draft.lines, &draft.shipping, &draft.payment)?;
        let reservation = stock::reserve(
            catalog,
            &draft.warehouse,
            line_requests(&draft.lines),
            settings,
        )?;
        Ok(Order {
            id,
            created_at: now,
            updated_at: now,
            status: OrderStatus::New,
            source: draft.source,
            warehouse: draft.warehouse,
            assignee: draft.assignee,
            customer_id: draft.customer_id,
            recipient: draft.recipient,
            lines: draft.lines,
            shipping: draft.shipping,
            payment: draft.payment,
            note: draft.note,
            cancel_reason: None,
            reservation: Some(reservation),
            history: vec![HistoryEntry {
                at: now,
                by: by.to_owned(),
                change: Change::Created,
            }],
        })
    }

    /// The order's money; see [`totals`].
    pub fn totals(&self) -> Result<Totals, OrderError> {
        totals(&self.lines, &self.shipping, &self.payment)
    }

    /// What the order lacks for status `to`: recipient details to confirm, a carrier to ship.
    pub fn missing_for(&self, to: OrderStatus) -> Vec<Missing> {
        let mut missing = Vec::new();
        if matches!(to, OrderStatus::Confirmed) {
            let r = &self.recipient;
            if r.name.trim().is_empty() {
                missing.push(Missing::RecipientName);
            }
            if r.phone.trim().is_empty() {
                missing.push(Missing::RecipientPhone);
            }
            if r.address.trim().is_empty() {
                missing.push(Missing::RecipientAddress);
            }
        }
        if matches!(to, OrderStatus::Shipping) && self.shipping.carrier.is_none() {
            missing.push(Missing::Carrier);
        }
        missing
    }

    /// Returns `Ok` if and only if [`set_status`](Self::set_status) would accept `to`;
    /// otherwise why not. Cancelling always needs [`cancel`](Self::cancel) and its reason.
    pub fn check_status(&self, to: OrderStatus) -> Result<(), TransitionError> {
        check_transition(self.status, to)?;
        let refuse = |refusal| TransitionError {
            from: self.status,
            to,
            refusal,
        };
        if to == OrderStatus::Cancelled {
            return Err(refuse(Refusal::NeedsReason));
        }
        let missing = self.missing_for(to);
        if !missing.is_empty() {
            return Err(refuse(Refusal::Missing(missing)));
        }
        Ok(())
    }

    /// Moves the order to `to` (not cancelled: see [`cancel`](Self::cancel)). Delivered turns
    /// the reservation into items gone from stock; returned gives it back.
    pub fn set_status(
        &mut self,
        to: OrderStatus,
        now: i64,
        by: &str,
        catalog: &mut Catalog,
    ) -> Result<(), OrderError> {
        self.check_status(to)?;
        if let Some(r) = &self.reservation {
            match to {
                OrderStatus::Delivered => stock::commit(catalog, r)?,
                OrderStatus::Returned => stock::release(catalog, r)?,
                _ => {}
            }
        }
        if !to.holds_stock() {
            self.reservation = None;
        }
        let from = std::mem::replace(&mut self.status, to);
        self.record(now, by, Change::Status { from, to });
        Ok(())
    }

    /// Cancels the order with a reason and gives its stock back. Allowed until the parcel is
    /// with the carrier.
    pub fn cancel(
        &mut self,
        reason: &str,
        now: i64,
        by: &str,
        catalog: &mut Catalog,
    ) -> Result<(), OrderError> {
        check_transition(self.status, OrderStatus::Cancelled)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(OrderError::NoCancelReason);
        }
        if let Some(r) = &self.reservation {
            stock::release(catalog, r)?;
        }
        self.reservation = None;
        self.cancel_reason = Some(reason.to_owned());
        let from = std::mem::replace(&mut self.status, OrderStatus::Cancelled);
        self.record(
            now,
            by,
            Change::Cancelled {
                from,
                reason: reason.to_owned(),
            },
        );
        Ok(())
    }

    /// Replaces the product lines and re-reserves stock for them.
    pub fn set_lines(
        &mut self,
        lines: Vec<OrderLine>,
        now: i64,
        by: &str,
        catalog: &mut Catalog,
        settings: StockSettings,
    ) -> Result<(), OrderError> {
        self.editable(Edit::Lines)?;
        check_lines(&lines, &self.shipping, &self.payment)?;
        let reservation =
            self.swap_reservation(catalog, &self.warehouse.clone(), &lines, settings)?;
        self.reservation = Some(reservation);
        let before = std::mem::replace(&mut self.lines, lines);
        let after = self.lines.clone();
        self.record(now, by, Change::Lines { before, after });
        Ok(())
    }

    /// Moves the order to another warehouse: its stock is reserved there and released here.
    pub fn set_warehouse(
        &mut self,
        warehouse: &str,
        now: i64,
        by: &str,
        catalog: &mut Catalog,
        settings: StockSettings,
    ) -> Result<(), OrderError> {
        self.editable(Edit::Warehouse)?;
        let warehouse = warehouse.trim();
        if warehouse.is_empty() {
            return Err(OrderError::NoWarehouse);
        }
        if warehouse == self.warehouse {
            return Ok(());
        }
        let lines = self.lines.clone();
        let reservation = self.swap_reservation(catalog, warehouse, &lines, settings)?;
        self.reservation = Some(reservation);
        let from = std::mem::replace(&mut self.warehouse, warehouse.to_owned());
        self.record(
            now,
            by,
            Change::Warehouse {
                from,
                to: warehouse.to_owned(),
            },
        );
        Ok(())
    }

    pub fn set_recipient(
        &mut self,
        recipient: Recipient,
        now: i64,
        by: &str,
    ) -> Result<(), OrderError> {
        self.editable(Edit::Recipient)?;
        if recipient == self.recipient {
            return Ok(());
        }
        let before = std::mem::replace(&mut self.recipient, recipient.clone());
        self.record(
            now,
            by,
            Change::Recipient {
                before: Box::new(before),
                after: Box::new(recipient),
            },
        );
        Ok(())
    }

    /// Updates carrier, fee, payer, weight, note or tracking code.
    pub fn set_shipping(
        &mut self,
        shipping: Shipping,
        now: i64,
        by: &str,
    ) -> Result<(), OrderError> {
        self.editable(Edit::Shipping)?;
        totals(&self.lines, &shipping, &self.payment)?;
        if shipping == self.shipping {
            return Ok(());
        }
        let before = std::mem::replace(&mut self.shipping, shipping.clone());
        self.record(
            now,
            by,
            Change::Shipping {
                before,
                after: shipping,
            },
        );
        Ok(())
    }

    pub fn set_payment(&mut self, payment: Payment, now: i64, by: &str) -> Result<(), OrderError> {
        self.editable(Edit::Payment)?;
        totals(&self.lines, &self.shipping, &payment)?;
        if payment == self.payment {
            return Ok(());
        }
        let before = std::mem::replace(&mut self.payment, payment.clone());
        self.record(
            now,
            by,
            Change::Payment {
                before,
                after: payment,
            },
        );
        Ok(())
    }

    fn editable(&self, what: Edit) -> Result<(), OrderError> {
        if what.allowed_in(self.status) {
            Ok(())
        } else {
            Err(OrderError::NotEditable {
                status: self.status,
                what,
            })
        }
    }

    /// Releases the current reservation and reserves `lines` in `warehouse`; if that is
    /// refused, takes the old reservation back, so on error the catalog is as it was.
    fn swap_reservation(
        &self,
        catalog: &mut Catalog,
        warehouse: &str,
        lines: &[OrderLine],
        settings: StockSettings,
    ) -> Result<Reservation, OrderError> {
        if let Some(old) = &self.reservation {
            stock::release(catalog, old)?;
        }
        match stock::reserve(catalog, warehouse, line_requests(lines), settings) {
            Ok(r) => Ok(r),
            Err(e) => {
                if let Some(old) = &self.reservation {
                    // Cannot fail: it re-takes exactly what was just released.
                    stock::reinstate(catalog, old)?;
                }
                Err(e.into())
            }
        }
    }

    /// Appends a history entry and moves `updated_at` forward. `updated_at` never goes back,
    /// even if the caller's clock does, so "latest change wins" stays well defined for sync.
    fn record(&mut self, now: i64, by: &str, change: Change) {
        self.updated_at = self.updated_at.max(now);
        self.history.push(HistoryEntry {
            at: now,
            by: by.to_owned(),
            change,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_address_units_take_the_current_scheme_when_its_ward_is_known() {
        use nobi_crm::{CustomerAddress, UnitRef};
        let r = |code: &str, name: &str| {
            Some(UnitRef {
                code: code.into(),
                name: name.into(),
            })
        };
        let mut a = CustomerAddress {
            street: " 12 ngõ 34 Tây Sơn ".into(),
            hamlet: Some("Tổ 5".into()),
            legacy_province: r("01", "Thành phố Hà Nội"),
            legacy_district: r("006", "Quận Đống Đa"),
            legacy_ward: r("00214", "Phường Quang Trung"),
            ..CustomerAddress::default()
        };
        let legacy = AddressUnits::of_saved(&a).unwrap();
        assert_eq!(legacy.scheme, Scheme::Legacy);
        assert_eq!(legacy.district.unwrap().name, "Quận Đống Đa");
        assert_eq!(legacy.street, "12 ngõ 34 Tây Sơn, Tổ 5");
        a.current_province = r("01", "Thành phố Hà Nội");
        a.current_ward = r("00202", "Phường Đống Đa");
        let current = AddressUnits::of_saved(&a).unwrap();
        assert_eq!(current.scheme, Scheme::Current);
        assert_eq!(
            (current.district, current.ward.unwrap().code),
            (None, "00202".to_owned())
        );
        a.current_province = None;
        assert_eq!(
            AddressUnits::of_saved(&a),
            None,
            "a ward without its province is not carrier-ready"
        );
        assert_eq!(AddressUnits::of_saved(&CustomerAddress::default()), None);
    }
    use crate::catalog::tests::sample;
    use crate::catalog::StockLevel;

    const STRICT: StockSettings = StockSettings {
        allow_negative: false,
    };

    fn line(sku: &str, quantity: u32, unit_price: i64, discount: Discount) -> OrderLine {
        OrderLine {
            sku: sku.into(),
            name: sku.into(),
            quantity,
            unit_price: Vnd(unit_price),
            discount,
        }
    }

    fn draft(lines: Vec<OrderLine>) -> OrderDraft {
        OrderDraft {
            source: Source {
                platform: Platform::Instagram,
                page: "shop.aothun".into(),
            },
            warehouse: "kho-hn".into(),
            assignee: Some("lan".into()),
            customer_id: Some("c-1".into()),
            recipient: Recipient {
                name: "Nguyễn Thị Hoa".into(),
                phone: "0912345678".into(),
                address: "12 ngõ 34 Láng Hạ, Đống Đa, Hà Nội".into(),
                units: None,
            },
            lines,
            shipping: Shipping {
                carrier: Some(Carrier::Ghtk),
                fee: Vnd(30_000),
                payer: ShippingPayer::Buyer,
                weight_grams: 500,
                note: "Gọi trước khi giao".into(),
                tracking_code: None,
            },
            payment: Payment {
                method: PaymentMethod::Cod,
                paid: Vnd::ZERO,
            },
            note: String::new(),
        }
    }

    fn pct(p: u32) -> Discount {
        Discount::Percent(Percent::whole(p).unwrap())
    }

    fn new_order(catalog: &mut Catalog) -> Order {
        Order::create(
            draft(vec![
                line("AT-M-DO", 2, 250_000, pct(10)),
                line("MU-01", 1, 120_000, Discount::Amount(Vnd(20_000))),
            ]),
            "o-1".into(),
            1_000,
            "lan",
            catalog,
            STRICT,
        )
        .unwrap()
    }

    #[test]
    fn totals_follow_the_rules() {
        let mut c = sample();
        let o = new_order(&mut c);
        let t = o.totals().unwrap();
        assert_eq!(t.lines[0].gross, Vnd(500_000));
        assert_eq!(t.lines[0].discount, Vnd(50_000));
        assert_eq!(t.lines[1].net, Vnd(100_000));
        assert_eq!(t.subtotal, Vnd(620_000));
        assert_eq!(t.discounts, Vnd(70_000));
        assert_eq!(t.shipping_charged, Vnd(30_000));
        assert_eq!(t.total, Vnd(580_000));
        assert_eq!(t.cod, Vnd(580_000));
        assert_eq!(t.outstanding, Vnd(580_000));
        assert_eq!(t.overpaid, Vnd::ZERO);
    }

    #[test]
    fn percent_discounts_round_once_per_line_half_up() {
        // 3 × 33.335 ₫ = 100.005 ₫; 10% = 10.000,5 → 10.001 ₫ (once, on the line).
        let t = line_totals(&line("X", 3, 33_335, pct(10))).unwrap();
        assert_eq!(t.discount, Vnd(10_001));
        assert_eq!(t.net, Vnd(90_004));
    }

    #[test]
    fn a_discount_never_makes_a_line_negative() {
        let t = line_totals(&line("X", 1, 100_000, Discount::Amount(Vnd(150_000)))).unwrap();
        assert_eq!((t.discount, t.net), (Vnd(100_000), Vnd::ZERO));
        let t = line_totals(&line("X", 2, 100_000, Discount::Percent(Percent::HUNDRED))).unwrap();
        assert_eq!(t.net, Vnd::ZERO);
    }

    #[test]
    fn shop_paid_shipping_is_not_charged() {
        let mut s = draft(vec![]).shipping;
        s.payer = ShippingPayer::Shop;
        let t = totals(
            &[line("X", 1, 200_000, Discount::None)],
            &s,
            &Payment::default(),
        )
        .unwrap();
        assert_eq!(t.shipping_fee, Vnd(30_000));
        assert_eq!(t.shipping_charged, Vnd::ZERO);
        assert_eq!(t.total, Vnd(200_000));
    }

    #[test]
    fn deposit_and_transfer_change_what_the_carrier_collects() {
        let lines = [line("X", 1, 200_000, Discount::None)];
        let s = draft(vec![]).shipping;
        let deposit = Payment {
            method: PaymentMethod::Deposit,
            paid: Vnd(50_000),
        };
        let t = totals(&lines, &s, &deposit).unwrap();
        assert_eq!(
            (t.total, t.cod, t.outstanding),
            (Vnd(230_000), Vnd(180_000), Vnd(180_000))
        );
        let transfer = Payment {
            method: PaymentMethod::BankTransfer,
            paid: Vnd(200_000),
        };
        let t = totals(&lines, &s, &transfer).unwrap();
        assert_eq!((t.cod, t.outstanding), (Vnd::ZERO, Vnd(30_000)));
        let over = Payment {
            method: PaymentMethod::Cod,
            paid: Vnd(250_000),
        };
        let t = totals(&lines, &s, &over).unwrap();
        assert_eq!((t.cod, t.overpaid), (Vnd::ZERO, Vnd(20_000)));
    }

    #[test]
    fn negative_amounts_and_overflow_are_refused() {
        let s = Shipping::default();
        let p = Payment::default();
        assert_eq!(
            totals(&[line("X", 1, -1, Discount::None)], &s, &p),
            Err(OrderError::Negative(AmountField::UnitPrice {
                sku: "X".into()
            }))
        );
        assert_eq!(
            totals(&[line("X", 1, 1, Discount::Amount(Vnd(-1)))], &s, &p),
            Err(OrderError::Negative(AmountField::Discount {
                sku: "X".into()
            }))
        );
        let neg_fee = Shipping {
            fee: Vnd(-1),
            ..Shipping::default()
        };
        assert_eq!(
            totals(&[], &neg_fee, &p),
            Err(OrderError::Negative(AmountField::ShippingFee))
        );
        let neg_paid = Payment {
            paid: Vnd(-1),
            ..Payment::default()
        };
        assert_eq!(
            totals(&[], &s, &neg_paid),
            Err(OrderError::Negative(AmountField::Paid))
        );
        assert_eq!(
            totals(&[line("X", u32::MAX, i64::MAX / 2, Discount::None)], &s, &p),
            Err(OrderError::Overflow)
        );
        assert_eq!(
            totals(
                &[
                    line("X", 1, i64::MAX, Discount::None),
                    line("Y", 1, 1, Discount::None)
                ],
                &s,
                &p
            ),
            Err(OrderError::Overflow)
        );
    }

    #[test]
    fn create_reserves_and_records() {
        let mut c = sample();
        let o = new_order(&mut c);
        assert_eq!(o.status, OrderStatus::New);
        assert_eq!(o.history.len(), 1);
        assert_eq!(o.history[0].change, Change::Created);
        assert_eq!(c.available("AT-M-DO", "kho-hn"), Some(8));
        assert_eq!(c.available("MU-01", "kho-hn"), Some(4));
    }

    #[test]
    fn create_refuses_bad_drafts_and_reserves_nothing() {
        let mut c = sample();
        let before = c.clone();
        let create =
            |d: OrderDraft, c: &mut Catalog| Order::create(d, "o".into(), 0, "lan", c, STRICT);
        assert_eq!(create(draft(vec![]), &mut c), Err(OrderError::NoLines));
        assert_eq!(
            create(draft(vec![line("MU-01", 0, 1, Discount::None)]), &mut c),
            Err(OrderError::ZeroQuantity {
                sku: "MU-01".into()
            })
        );
        let mut d = draft(vec![line("MU-01", 1, 1, Discount::None)]);
        d.warehouse = " ".into();
        assert_eq!(create(d, &mut c), Err(OrderError::NoWarehouse));
        let err = create(draft(vec![line("AT-L-DEN", 4, 1, Discount::None)]), &mut c).unwrap_err();
        assert!(matches!(
            err,
            OrderError::Stock(StockError::Insufficient(_))
        ));
        assert_eq!(c, before);
    }

    #[test]
    fn the_happy_path_commits_stock_on_delivery() {
        let mut c = sample();
        let mut o = new_order(&mut c);
        for (i, s) in [
            OrderStatus::Confirmed,
            OrderStatus::Packing,
            OrderStatus::Shipping,
            OrderStatus::Delivered,
        ]
        .into_iter()
        .enumerate()
        {
            o.set_status(s, 2_000 + i as i64, "lan", &mut c).unwrap();
        }
        assert_eq!(o.status, OrderStatus::Delivered);
        assert_eq!(o.reservation, None);
        assert_eq!(o.updated_at, 2_003);
        assert_eq!(o.history.len(), 5);
        let shirt = c.variant("AT-M-DO").unwrap().stock["kho-hn"];
        assert_eq!(
            shirt,
            StockLevel {
                on_hand: 8,
                reserved: 0
            }
        );
    }

    #[test]
    fn return_gives_stock_back() {
        let mut c = sample();
        let before = c.clone();
        let mut o = new_order(&mut c);
        for s in [
            OrderStatus::Confirmed,
            OrderStatus::Packing,
            OrderStatus::Shipping,
            OrderStatus::Returned,
        ] {
            o.set_status(s, 2_000, "lan", &mut c).unwrap();
        }
        assert_eq!(c, before);
        assert_eq!(o.reservation, None);
    }

    #[test]
    fn cancel_needs_a_reason_and_releases_stock() {
        let mut c = sample();
        let before = c.clone();
        let mut o = new_order(&mut c);
        let err = o
            .set_status(OrderStatus::Cancelled, 2_000, "lan", &mut c)
            .unwrap_err();
        assert!(matches!(
            err,
            OrderError::Transition(TransitionError {
                refusal: Refusal::NeedsReason,
                ..
            })
        ));
        assert_eq!(
            o.cancel("  ", 2_000, "lan", &mut c),
            Err(OrderError::NoCancelReason)
        );
        o.cancel(" Khách đổi ý ", 2_000, "lan", &mut c).unwrap();
        assert_eq!(c, before);
        assert_eq!(o.cancel_reason.as_deref(), Some("Khách đổi ý"));
        assert_eq!(
            o.history.last().unwrap().change,
            Change::Cancelled {
                from: OrderStatus::New,
                reason: "Khách đổi ý".into()
            }
        );
        // Cancelled is final.
        let err = o.cancel("again", 3_000, "lan", &mut c).unwrap_err();
        assert!(matches!(
            err,
            OrderError::Transition(TransitionError {
                refusal: Refusal::Unchanged,
                ..
            })
        ));
    }

    #[test]
    fn cannot_cancel_while_shipping() {
        let mut c = sample();
        let mut o = new_order(&mut c);
        for s in [
            OrderStatus::Confirmed,
            OrderStatus::Packing,
            OrderStatus::Shipping,
        ] {
            o.set_status(s, 2_000, "lan", &mut c).unwrap();
        }
        let err = o.cancel("x", 3_000, "lan", &mut c).unwrap_err();
        assert!(err.message(Lang::Vi).contains("Hoàn hàng"));
        assert!(err.message(Lang::En).contains("Returned"));
    }

    #[test]
    fn transitions_say_why_not() {
        use OrderStatus::*;
        let r = |from, to| check_transition(from, to).map_err(|e| e.refusal);
        assert_eq!(r(New, Confirmed), Ok(()));
        assert_eq!(r(New, New), Err(Refusal::Unchanged));
        assert_eq!(r(New, Packing), Err(Refusal::Skipped { next: Confirmed }));
        assert_eq!(
            r(Confirmed, Delivered),
            Err(Refusal::Skipped { next: Packing })
        );
        assert_eq!(r(Packing, Confirmed), Err(Refusal::Backward));
        assert_eq!(r(Shipping, Cancelled), Err(Refusal::CancelWhileShipping));
        assert_eq!(r(Confirmed, Returned), Err(Refusal::ReturnBeforeShipping));
        assert_eq!(r(Delivered, Returned), Err(Refusal::Final));
        assert_eq!(r(Cancelled, New), Err(Refusal::Final));
        let e = check_transition(New, Packing).unwrap_err();
        assert_eq!(
            e.message(Lang::Vi),
            "Chưa thể chuyển từ \"Mới\" sang \"Đang đóng gói\": hãy chuyển sang \"Đã xác nhận\" trước."
        );
        assert_eq!(
            e.message(Lang::En),
            "Cannot go from \"New\" to \"Packing\" yet: move it to \"Confirmed\" first."
        );
    }

    #[test]
    fn every_refusal_reads_differently_in_each_language() {
        use OrderStatus::*;
        for from in OrderStatus::ALL {
            for to in OrderStatus::ALL {
                if let Err(e) = check_transition(from, to) {
                    assert_ne!(e.message(Lang::Vi), e.message(Lang::En));
                }
            }
        }
        let e = TransitionError {
            from: New,
            to: Confirmed,
            refusal: Refusal::NeedsReason,
        };
        assert_ne!(e.message(Lang::Vi), e.message(Lang::En));
    }

    #[test]
    fn confirming_needs_the_recipient_and_shipping_needs_a_carrier() {
        let mut c = sample();
        let mut d = draft(vec![line("MU-01", 1, 120_000, Discount::None)]);
        d.recipient.phone = String::new();
        d.recipient.address = " ".into();
        d.shipping.carrier = None;
        let mut o = Order::create(d, "o".into(), 0, "lan", &mut c, STRICT).unwrap();
        let err = o
            .set_status(OrderStatus::Confirmed, 1, "lan", &mut c)
            .unwrap_err();
        assert_eq!(
            err,
            OrderError::Transition(TransitionError {
                from: OrderStatus::New,
                to: OrderStatus::Confirmed,
                refusal: Refusal::Missing(vec![Missing::RecipientPhone, Missing::RecipientAddress]),
            })
        );
        assert_eq!(
            err.message(Lang::Vi),
            "Cần nhập số điện thoại người nhận, địa chỉ người nhận trước khi chuyển sang \"Đã xác nhận\"."
        );
        let mut r = o.recipient.clone();
        r.phone = "0912345678".into();
        r.address = "Hà Nội".into();
        o.set_recipient(r, 1, "lan").unwrap();
        o.set_status(OrderStatus::Confirmed, 2, "lan", &mut c)
            .unwrap();
        o.set_status(OrderStatus::Packing, 3, "lan", &mut c)
            .unwrap();
        let err = o
            .set_status(OrderStatus::Shipping, 4, "lan", &mut c)
            .unwrap_err();
        assert!(err.message(Lang::En).contains("a carrier"));
        let mut s = o.shipping.clone();
        s.carrier = Some(Carrier::SelfDelivery);
        o.set_shipping(s, 5, "lan").unwrap();
        o.set_status(OrderStatus::Shipping, 6, "lan", &mut c)
            .unwrap();
    }

    #[test]
    fn editing_lines_re_reserves_or_changes_nothing() {
        let mut c = sample();
        let mut o = new_order(&mut c);
        o.set_lines(
            vec![line("AT-L-DEN", 3, 270_000, Discount::None)],
            2_000,
            "lan",
            &mut c,
            STRICT,
        )
        .unwrap();
        assert_eq!(c.available("AT-M-DO", "kho-hn"), Some(10));
        assert_eq!(c.available("AT-L-DEN", "kho-hn"), Some(0));
        assert!(matches!(
            o.history.last().unwrap().change,
            Change::Lines { .. }
        ));
        let (before_c, before_o) = (c.clone(), o.clone());
        let err = o
            .set_lines(
                vec![line("AT-L-DEN", 4, 270_000, Discount::None)],
                3_000,
                "lan",
                &mut c,
                STRICT,
            )
            .unwrap_err();
        assert!(matches!(
            err,
            OrderError::Stock(StockError::Insufficient(_))
        ));
        assert_eq!((c, o), (before_c, before_o));
    }

    #[test]
    fn changing_warehouse_moves_the_reservation() {
        let mut c = sample();
        let mut o = new_order(&mut c);
        let lax = StockSettings {
            allow_negative: true,
        };
        assert!(o
            .set_warehouse("kho-hcm", 2_000, "lan", &mut c, STRICT)
            .is_err());
        assert_eq!(o.warehouse, "kho-hn");
        assert_eq!(c.available("AT-M-DO", "kho-hn"), Some(8));
        o.set_warehouse("kho-hcm", 2_000, "lan", &mut c, lax)
            .unwrap();
        assert_eq!(c.available("AT-M-DO", "kho-hn"), Some(10));
        assert_eq!(c.available("AT-M-DO", "kho-hcm"), Some(-2));
        assert_eq!(
            c.variant("AT-M-DO").unwrap().stock["kho-hcm"].available(),
            -2
        );
        assert_eq!(
            o.history.last().unwrap().change,
            Change::Warehouse {
                from: "kho-hn".into(),
                to: "kho-hcm".into()
            }
        );
    }

    #[test]
    fn edits_are_refused_where_they_no_longer_make_sense() {
        let mut c = sample();
        let mut o = new_order(&mut c);
        for s in [OrderStatus::Confirmed, OrderStatus::Packing] {
            o.set_status(s, 2_000, "lan", &mut c).unwrap();
        }
        let err = o.set_lines(
            vec![line("MU-01", 1, 1, Discount::None)],
            3_000,
            "lan",
            &mut c,
            STRICT,
        );
        assert_eq!(
            err,
            Err(OrderError::NotEditable {
                status: OrderStatus::Packing,
                what: Edit::Lines
            })
        );
        o.set_status(OrderStatus::Shipping, 3_000, "lan", &mut c)
            .unwrap();
        assert!(o.set_recipient(Recipient::default(), 4_000, "lan").is_err());
        let mut s = o.shipping.clone();
        s.tracking_code = Some("S123".into());
        o.set_shipping(s, 4_000, "lan").unwrap();
        o.set_status(OrderStatus::Delivered, 5_000, "lan", &mut c)
            .unwrap();
        assert!(o.set_shipping(Shipping::default(), 6_000, "lan").is_err());
        // COD collected after delivery is recorded.
        let paid = Payment {
            method: PaymentMethod::Cod,
            paid: o.totals().unwrap().total,
        };
        o.set_payment(paid, 7_000, "lan").unwrap();
        assert_eq!(o.totals().unwrap().cod, Vnd::ZERO);
        let msg = OrderError::NotEditable {
            status: OrderStatus::Delivered,
            what: Edit::Shipping,
        };
        assert_ne!(msg.message(Lang::Vi), msg.message(Lang::En));
    }

    #[test]
    fn updated_at_never_goes_back_and_no_op_edits_leave_no_history() {
        let mut c = sample();
        let mut o = new_order(&mut c);
        let same = o.payment.clone();
        o.set_payment(same, 5_000, "lan").unwrap();
        assert_eq!(o.history.len(), 1);
        o.set_status(OrderStatus::Confirmed, 500, "lan", &mut c)
            .unwrap();
        assert_eq!(o.updated_at, 1_000);
        assert_eq!(o.history.last().unwrap().at, 500);
    }

    #[test]
    fn discounts_parse_from_the_line_box() {
        assert_eq!(Discount::parse(" "), Ok(Discount::None));
        assert_eq!(Discount::parse("10%"), Ok(pct(10)));
        assert_eq!(
            Discount::parse("12,5 %"),
            Ok(Discount::Percent(
                Percent::from_basis_points(1_250).unwrap()
            ))
        );
        assert_eq!(Discount::parse("50k"), Ok(Discount::Amount(Vnd(50_000))));
        assert_eq!(Discount::parse("-50k"), Err(ParseDiscountError::Negative));
        assert!(matches!(
            Discount::parse("120%"),
            Err(ParseDiscountError::Percent(_))
        ));
        let e = Discount::parse("abc").unwrap_err();
        assert_ne!(e.message(Lang::Vi), e.message(Lang::En));
    }

    #[test]
    fn default_weight_counts_combo_components() {
        let c = sample();
        let lines = [
            line("COMBO-HE", 1, 550_000, Discount::None),
            line("AT-L-DEN", 2, 270_000, Discount::None),
        ];
        // Combo: 2 × 200 g + 100 g; then 2 × 220 g.
        assert_eq!(
            c.weight_grams(lines.iter().map(|l| (l.sku.as_str(), l.quantity))),
            Ok(940)
        );
    }

    #[test]
    fn from_catalog_takes_name_and_price() {
        let c = sample();
        let l = OrderLine::from_catalog(&c, "COMBO-HE", 2).unwrap();
        assert_eq!(l.unit_price, Vnd(550_000));
        assert_eq!(l.name, "Combo mùa hè (2 áo + 1 mũ)");
        assert!(OrderLine::from_catalog(&c, "GHOST", 1).is_none());
    }

    #[test]
    fn carriers_are_the_form_list() {
        let labels: Vec<&str> = Carrier::ALL.iter().map(|c| c.label(Lang::Vi)).collect();
        assert_eq!(
            labels,
            [
                "GHTK",
                "GHN",
                "Viettel Post",
                "J&T Express",
                "SPX Express",
                "Ninja Van",
                "VNPost",
                "BEST Express",
                "AhaMove",
                "Shop tự giao"
            ]
        );
    }

    #[test]
    fn order_json_round_trips_with_readable_tags() {
        let mut c = sample();
        let mut o = new_order(&mut c);
        o.cancel("Khách đổi ý", 2_000, "lan", &mut c).unwrap();
        let json = serde_json::to_string(&o).unwrap();
        assert!(json.contains("\"status\":\"cancelled\""));
        assert!(json.contains("\"percent\":1000"));
        assert!(json.contains("\"carrier\":\"ghtk\""));
        assert!(json.contains("\"platform\":\"instagram\""));
        assert_eq!(serde_json::from_str::<Order>(&json).unwrap(), o);
        let t = o.totals().unwrap();
        let tj = serde_json::to_string(&t).unwrap();
        assert_eq!(serde_json::from_str::<Totals>(&tj).unwrap(), t);
    }
}
