//! Draft orders created from a buyer's message (the seed's auto-order rule, setting
//! [`nobi_crm::Settings::auto_draft_orders`]).
//!
//! [`auto_draft`] only proposes: it returns an [`OrderDraft`] with the recipient filled in from
//! what is known, no product lines and cash on delivery. The agent adds the products and creates
//! the order in the form ([`super::Order::create`] refuses a draft without lines), so a false
//! alarm costs one dismissed draft and never reserves stock.
//!
//! The trigger is [`nobi_phone::detect_order_intent`]: a phone number **or** an order keyword
//! in the message, either one is enough (the setting's wording: "a phone or order keyword").
//! A caller that wants both checks [`nobi_phone::OrderIntent::has_keyword_and_phone`] itself.

use super::order::{OrderDraft, Payment, PaymentMethod, Recipient, Shipping, Source};
use nobi_crm::Customer;
use nobi_phone::detect_order_intent;

/// The default order keywords: the phone module's ([`nobi_phone::DEFAULT_ORDER_KEYWORDS`]:
/// "chốt", "lấy", "đặt", "mua"), not a second list. Keywords match whole words, with or without
/// diacritics, so "chốt" also covers "chốt đơn" and "chot don", "đặt" covers "đặt hàng", and
/// "lấy" covers "lấy 1". Phrases such as "ship cho" or "gửi về" are not among them (they also
/// occur in questions about shipping); a shop may add them to its own list.
pub use nobi_phone::DEFAULT_ORDER_KEYWORDS;

/// A draft order for `message` if it has a phone number or one of `keywords` (see the module
/// docs), else `None`.
///
/// The recipient is prefilled:
/// - name: the recipient of the customer's default address if it names one, else the customer's
///   name, else empty;
/// - phone: the first phone in the message, else the default address's phone, else the
///   customer's primary phone, else empty;
/// - address: the customer's default address on one line, else the message itself (trimmed) if
///   [`nobi_crm::looks_like_address`] says it holds one, else empty. Address units are left
///   for the address form to resolve.
///
/// No lines, no carrier, fee 0, cash on delivery with nothing paid; the draft belongs to the
/// customer (`customer_id`) when there is one, and takes stock from `warehouse`.
pub fn auto_draft(
    message: &str,
    keywords: &[&str],
    customer: Option<&Customer>,
    source: Source,
    warehouse: &str,
) -> Option<OrderDraft> {
    let intent = detect_order_intent(message, keywords)?;
    let address = customer.and_then(Customer::default_address);
    let name = filled(address.and_then(|a| a.recipient.as_deref()))
        .or(filled(customer.map(|c| c.name.as_str())))
        .unwrap_or_default();
    let phone = intent
        .phones
        .first()
        .map(|p| p.number.clone())
        .or_else(|| filled(address.and_then(|a| a.phone.as_deref())).map(str::to_owned))
        .or_else(|| filled(customer.and_then(Customer::primary_phone)).map(str::to_owned))
        .unwrap_or_default();
    let address_text = address
        .map(|a| a.one_line())
        .filter(|a| !a.trim().is_empty())
        .or_else(|| nobi_crm::looks_like_address(message).then(|| message.trim().to_owned()))
        .unwrap_or_default();
    Some(OrderDraft {
        source,
        warehouse: warehouse.trim().to_owned(),
        assignee: None,
        customer_id: customer.map(|c| c.id.0.clone()),
        recipient: Recipient {
            name: name.to_owned(),
            phone,
            address: address_text,
            units: None,
        },
        lines: Vec::new(),
        shipping: Shipping::default(),
        payment: Payment {
            method: PaymentMethod::Cod,
            paid: Default::default(),
        },
        note: String::new(),
    })
}

/// The text if it is not blank, trimmed.
fn filled(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|s| !s.is_empty())
}
