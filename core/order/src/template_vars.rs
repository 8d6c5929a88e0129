//! The variables of a template ([`nobi_template::Vars`]) for one buyer, from the CRM's customer
//! and conversation and from their order. Here rather than in the template crate, which knows
//! neither customers nor orders.

use crate::{order_vars, Order};
use nobi_crm::{ConversationRecord, Customer};
use nobi_template::{Day, Vars, VIETNAM_UTC_OFFSET};

/// The variables of a template for this buyer:
///
/// - `{ten_khach}` the customer's name, `{sdt}` their primary phone, `{dia_chi}` their default
///   address on one line; each falls back to the order's recipient when the customer has none;
/// - `{tong_tien}`, `{ma_don}`, `{phi_ship}` from `order` (the latest one, see
///   the panel's `latest_order`) when given and its money adds up;
/// - `{ten_shop}` the shop account the conversation is with (IG username or page);
/// - `{nhan_vien}` the agent (`staff_name`, from the settings' "me");
/// - `{ngay}` the day of `now_ms` in Vietnam (UTC+7).
pub fn vars_for(
    customer: Option<&Customer>,
    conversation: Option<&ConversationRecord>,
    staff_name: Option<&str>,
    order: Option<&Order>,
    now_ms: i64,
) -> Vars {
    let text = |s: &str| {
        let s = s.trim();
        (!s.is_empty()).then(|| s.to_owned())
    };
    let day = Day::from_unix_ms(now_ms, VIETNAM_UTC_OFFSET);
    let shop = conversation
        .and_then(|c| c.account.as_deref())
        .and_then(text);
    let from_order = order.and_then(|o| {
        let totals = o.totals().ok()?;
        Some(order_vars(o, &totals, shop.as_deref(), day))
    });
    let from_order = from_order.unwrap_or_default();
    Vars {
        ten_khach: customer
            .and_then(|c| text(&c.name))
            .or(from_order.ten_khach),
        sdt: customer
            .and_then(|c| c.primary_phone())
            .and_then(text)
            .or(from_order.sdt),
        dia_chi: customer
            .and_then(|c| c.default_address())
            .map(|a| a.one_line())
            .and_then(|a| text(&a))
            .or(from_order.dia_chi),
        tong_tien: from_order.tong_tien,
        ma_don: from_order.ma_don,
        phi_ship: from_order.phi_ship,
        ten_shop: shop,
        nhan_vien: staff_name.and_then(text),
        ngay: Some(day),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nobi_crm::{CustomerAddress, PhoneEntry, Source, UnitRef};
    use nobi_i18n::Lang;
    use nobi_template::{render_into_composer, Template};

    fn tpl(id: &str, shortcut: &str) -> Template {
        Template {
            id: id.into(),
            name: id.into(),
            content: "Dạ {ten_khach} ơi".into(),
            shortcut: Some(shortcut.into()),
            image_ids: vec!["img".into()],
            position: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn vars_come_from_customer_then_order() {
        let customer = Customer {
            name: "Hồng".into(),
            phones: vec![PhoneEntry {
                number: "0912345678".into(),
                primary: true,
                source: Source::Chat,
                added_at: 0,
            }],
            addresses: vec![CustomerAddress {
                street: "12 Láng Hạ".into(),
                current_ward: Some(UnitRef {
                    code: "1".into(),
                    name: "Phường Láng".into(),
                }),
                is_default: true,
                ..CustomerAddress::default()
            }],
            ..Customer::default()
        };
        // 2025-11-20T17:30:00Z is the 21st in Vietnam.
        let vars = vars_for(Some(&customer), None, Some("Lan"), None, 1_763_659_800_000);
        assert_eq!(vars.ten_khach.as_deref(), Some("Hồng"));
        assert_eq!(vars.sdt.as_deref(), Some("0912345678"));
        assert_eq!(vars.dia_chi.as_deref(), Some("12 Láng Hạ, Phường Láng"));
        assert_eq!(vars.nhan_vien.as_deref(), Some("Lan"));
        assert_eq!(vars.ngay.map(|d| d.day), Some(21));
        assert_eq!(vars.tong_tien, None);
        let (text, images, warnings) = render_into_composer(
            &Template {
                content: "{ten_khach} {tong_tien} {ten_khac}".into(),
                ..tpl("x", "/x")
            },
            &vars,
            Lang::Vi,
        );
        assert_eq!(text, "Hồng {tong_tien} {ten_khac}");
        assert_eq!(images, ["img"]);
        assert_eq!(warnings.len(), 2);
        assert!(warnings[0].ends_with("{ten_khac}"));
        assert!(warnings[1].ends_with("{tong_tien}"));
    }
}
