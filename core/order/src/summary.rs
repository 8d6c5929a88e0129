//! The order summary sent to the buyer in the chat: a fixed, clear text ([`summary_text`]) and
//! the template variables of an order ([`order_vars`]) for a shop's own wording
//! ([`DEFAULT_SUMMARY_TEMPLATE`]).
//!
//! Every amount is the order's [`Totals`], formatted as the interface shows money
//! (`1.250.000 ₫`), so the buyer reads the same numbers the agent sees in the form. The text is
//! NFC, like every text core hands to the composer.

use super::money::Vnd;
use super::order::{Order, OrderError, PaymentMethod, Totals};
use nobi_i18n::Lang;
use nobi_template::{Day, Vars};

/// How many characters an order code has (see [`order_code`]).
pub const ORDER_CODE_LEN: usize = 6;

/// The shop's default wording of an order confirmation, with the variables of
/// [`nobi_template`] that [`order_vars`] fills. The shop may edit it like any template; the
/// product lines are only in [`summary_text`], since a template has no variable for a list.
pub const DEFAULT_SUMMARY_TEMPLATE: &str = "Dạ shop xác nhận đơn #{ma_don} ạ:\n\
Người nhận: {ten_khach} – {sdt}\n\
Địa chỉ: {dia_chi}\n\
Phí ship: {phi_ship}\n\
Tổng tiền: {tong_tien}\n\
Cảm ơn {ten_khach} đã ủng hộ shop ạ!";

/// The short code of an order that agents and buyers say and type ("đơn #C3D4E5").
///
/// Scheme: the last [`ORDER_CODE_LEN`] ASCII letters and digits of the id, upper-cased (all of
/// them if the id has fewer; the id itself, trimmed, if it has none). Order ids are record ids
/// ([`nobi_crm::Id::new`]: 12 hex digits of creation time, `-`, 10 hex digits of randomness),
/// so the code is the last 6 hex digits of the random part: it needs no counter shared between
/// agents, and two orders of one shop share a code only by chance (16.7 million codes; among
/// 1,000 orders, a 3% chance that some two do). A code therefore names an order for people,
/// not for the store: a lookup by code matches the end of the ids and may find more than one.
pub fn order_code(id: &str) -> String {
    let chars: Vec<char> = id.chars().filter(char::is_ascii_alphanumeric).collect();
    if chars.is_empty() {
        return id.trim().to_owned();
    }
    let start = chars.len().saturating_sub(ORDER_CODE_LEN);
    chars[start..]
        .iter()
        .map(char::to_ascii_uppercase)
        .collect()
}

/// The template variables of an order: `{ten_khach}` the recipient's name, `{sdt}` their phone,
/// `{dia_chi}` the address as written, `{tong_tien}` the total the buyer owes in all,
/// `{phi_ship}` the shipping the buyer is charged (0 when the shop pays it), `{ma_don}` the
/// [`order_code`], `{ten_shop}` the shop's name, `{ngay}` the day given. A blank recipient field
/// is left unset, so [`nobi_template::render`] reports it as missing.
pub fn order_vars(order: &Order, totals: &Totals, shop_name: Option<&str>, day: Day) -> Vars {
    let text = |s: &str| {
        let s = one_line(s);
        (!s.is_empty()).then_some(s)
    };
    Vars {
        ten_khach: text(&order.recipient.name),
        sdt: text(&order.recipient.phone),
        dia_chi: text(&order.recipient.address),
        tong_tien: Some(totals.total.dong()),
        ma_don: Some(order_code(&order.id)),
        phi_ship: Some(totals.shipping_charged.dong()),
        ten_shop: shop_name.and_then(text),
        nhan_vien: None,
        ngay: Some(day),
    }
}

/// The order summary for the buyer, e.g. in Vietnamese:
///
/// ```text
/// Dạ shop xác nhận đơn #C3D4E5 ạ:
/// - Áo len - M / Be × 2: 700.000 ₫
///   Giảm: − 35.000 ₫
/// Phí ship: 30.000 ₫
/// Tổng: 695.000 ₫
/// Đã đặt cọc: 100.000 ₫
/// Thu hộ (COD): 595.000 ₫
/// Người nhận: Nguyễn Thị Hoa – 0912 345 678
/// Địa chỉ: 12 ngõ 34 Láng Hạ, Đống Đa, Hà Nội
/// ```
///
/// One line per product: its name as on the order, the quantity, and quantity × unit price; a
/// discount on its own line below. "Miễn phí ship" when the buyer pays no shipping. What was
/// paid is named by the payment method (transfer, deposit); the COD line is always there, 0 for
/// a bank transfer, so the buyer knows what the carrier will ask for. A balance still to
/// transfer, or an amount the shop owes back, gets its own line. Name, phone and address lines
/// are left out when empty. Errors only if the order's money does not add up
/// ([`Order::totals`]).
pub fn summary_text(order: &Order, lang: Lang) -> Result<String, OrderError> {
    let t = order.totals()?;
    let vi = lang == Lang::Vi;
    let code = order_code(&order.id);
    let mut out = String::new();
    let mut line = |text: String| {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&text);
    };
    line(if vi {
        format!("Dạ shop xác nhận đơn #{code} ạ:")
    } else {
        format!("Your order #{code}:")
    });
    for (l, lt) in order.lines.iter().zip(&t.lines) {
        let name = one_line(&l.name);
        let name = if name.is_empty() {
            one_line(&l.sku)
        } else {
            name
        };
        line(format!("- {name} × {}: {}", l.quantity, lt.gross));
        if lt.discount > Vnd::ZERO {
            line(if vi {
                format!("  Giảm: {}", minus(lt.discount))
            } else {
                format!("  Discount: {}", minus(lt.discount))
            });
        }
    }
    line(match (t.shipping_charged > Vnd::ZERO, vi) {
        (true, true) => format!("Phí ship: {}", t.shipping_charged),
        (true, false) => format!("Shipping: {}", t.shipping_charged),
        (false, true) => "Miễn phí ship".to_owned(),
        (false, false) => "Free shipping".to_owned(),
    });
    line(if vi {
        format!("Tổng: {}", t.total)
    } else {
        format!("Total: {}", t.total)
    });
    if t.paid > Vnd::ZERO {
        line(match (order.payment.method, vi) {
            (PaymentMethod::BankTransfer, true) => format!("Đã chuyển khoản: {}", t.paid),
            (PaymentMethod::BankTransfer, false) => format!("Paid by bank transfer: {}", t.paid),
            (PaymentMethod::Deposit, true) => format!("Đã đặt cọc: {}", t.paid),
            (PaymentMethod::Deposit, false) => format!("Deposit paid: {}", t.paid),
            (PaymentMethod::Cod, true) => format!("Đã thanh toán: {}", t.paid),
            (PaymentMethod::Cod, false) => format!("Already paid: {}", t.paid),
        });
    }
    if order.payment.method == PaymentMethod::BankTransfer && t.outstanding > Vnd::ZERO {
        line(if vi {
            format!("Cần chuyển khoản thêm: {}", t.outstanding)
        } else {
            format!("Still to transfer: {}", t.outstanding)
        });
    }
    line(if vi {
        format!("Thu hộ (COD): {}", t.cod)
    } else {
        format!("Cash on delivery (COD): {}", t.cod)
    });
    if t.overpaid > Vnd::ZERO {
        line(if vi {
            format!("Shop sẽ hoàn lại: {}", t.overpaid)
        } else {
            format!("The shop will refund: {}", t.overpaid)
        });
    }
    let name = one_line(&order.recipient.name);
    let phone = format_phone(order.recipient.phone.trim());
    let who: Vec<&str> = [name.as_str(), phone.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    if !who.is_empty() {
        let label = if vi { "Người nhận" } else { "Recipient" };
        line(format!("{label}: {}", who.join(" – ")));
    }
    let address = one_line(&order.recipient.address);
    if !address.is_empty() {
        line(if vi {
            format!("Địa chỉ: {address}")
        } else {
            format!("Address: {address}")
        });
    }
    Ok(nobi_text::nfc(&out))
}

/// An amount taken off: "− 35.000 ₫" (a minus sign, not a hyphen).
fn minus(amount: Vnd) -> String {
    format!("\u{2212} {amount}")
}

/// A 10-digit phone as "0912 345 678"; anything else as given.
fn format_phone(number: &str) -> String {
    if number.len() == 10 && number.bytes().all(|b| b.is_ascii_digit()) {
        format!("{} {} {}", &number[..4], &number[4..7], &number[7..])
    } else {
        number.to_owned()
    }
}

/// The text on one line: its lines trimmed and joined by ", ".
fn one_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}
