//! Draft orders from buyer messages (`nobi_order::auto`).

use nobi_crm::{Customer, CustomerAddress, Id, Source as Origin, UnitRef};
use nobi_order::auto::{auto_draft, DEFAULT_ORDER_KEYWORDS};
use nobi_order::catalog::Catalog;
use nobi_order::{Order, OrderError, PaymentMethod, Source, StockSettings, Vnd};
use nobi_protocol::Platform;

fn source() -> Source {
    Source {
        platform: Platform::Messenger,
        page: "nobi.shop".into(),
    }
}

fn unit(name: &str) -> Option<UnitRef> {
    Some(UnitRef {
        code: "x".into(),
        name: name.into(),
    })
}

fn customer() -> Customer {
    let mut c = Customer {
        id: Id("0193a1b2c3d4-a1b2c3d4e5".into()),
        name: "Trần Minh Anh".into(),
        ..Customer::default()
    };
    c.add_phone("0987654321", Origin::Chat, 1);
    c.add_phone("0912345678", Origin::Manual, 2);
    c.set_primary_phone("0912345678");
    c
}

fn with_address(mut c: Customer) -> Customer {
    c.add_address(CustomerAddress {
        id: Id("a1".into()),
        street: "12 Lê Lợi".into(),
        current_ward: unit("Phường Sài Gòn"),
        current_province: unit("Thành phố Hồ Chí Minh"),
        ..CustomerAddress::default()
    });
    c
}

fn draft(message: &str, customer: Option<&Customer>) -> Option<nobi_order::OrderDraft> {
    auto_draft(
        message,
        DEFAULT_ORDER_KEYWORDS,
        customer,
        source(),
        "Kho HN",
    )
}

#[test]
fn the_defaults_are_the_phone_modules_keywords() {
    assert_eq!(DEFAULT_ORDER_KEYWORDS, nobi_phone::DEFAULT_ORDER_KEYWORDS);
    assert_eq!(DEFAULT_ORDER_KEYWORDS, ["chốt", "lấy", "đặt", "mua"]);
}

#[test]
fn no_phone_and_no_keyword_no_draft() {
    assert_eq!(draft("cảm ơn shop ạ", Some(&customer())), None);
    assert_eq!(draft("trời mưa quá, mùa này hết hàng à", None), None);
    assert_eq!(draft("", None), None);
}

#[test]
fn a_keyword_alone_is_enough() {
    for message in [
        "Chốt đơn cho em nha",
        "chot don",
        "em lấy 1 cái",
        "đặt hàng",
        "mua 2",
    ] {
        assert!(draft(message, None).is_some(), "{message}");
    }
}

#[test]
fn a_phone_alone_is_enough_and_fills_the_recipient() {
    let d = draft("sdt em 0901 234 567 nhé", None).unwrap();
    assert_eq!(d.recipient.phone, "0901234567");
    assert_eq!(d.recipient.name, "");
    assert_eq!(d.recipient.address, "", "not an address");
    assert_eq!(d.customer_id, None);
}

#[test]
fn a_known_customer_fills_name_phone_and_default_address() {
    let c = with_address(customer());
    let d = draft("chốt nha shop", Some(&c)).unwrap();
    assert_eq!(d.recipient.name, "Trần Minh Anh");
    assert_eq!(d.recipient.phone, "0912345678", "the primary phone");
    assert_eq!(
        d.recipient.address,
        "12 Lê Lợi, Phường Sài Gòn, Thành phố Hồ Chí Minh"
    );
    assert_eq!(d.recipient.units, None);
    assert_eq!(d.customer_id.as_deref(), Some("0193a1b2c3d4-a1b2c3d4e5"));
    // A phone in the message wins over the one on file.
    let d = draft("chốt, gửi số 0387 111 222 giúp em", Some(&c)).unwrap();
    assert_eq!(d.recipient.phone, "0387111222");
}

#[test]
fn the_default_address_may_name_another_recipient() {
    let mut c = customer();
    c.add_address(CustomerAddress {
        id: Id("a1".into()),
        recipient: Some("Mẹ Anh".into()),
        phone: Some("0356789012".into()),
        street: "thôn 3 xã Hòa Phú".into(),
        ..CustomerAddress::default()
    });
    let d = draft("lấy 2 cái nhé", Some(&c)).unwrap();
    assert_eq!(d.recipient.name, "Mẹ Anh");
    assert_eq!(d.recipient.phone, "0356789012");
    assert_eq!(d.recipient.address, "thôn 3 xã Hòa Phú");
}

#[test]
fn without_an_address_on_file_a_message_that_looks_like_one_is_used() {
    let message = "  Chốt đơn: 12 ngõ 34 Láng Hạ, Đống Đa, Hà Nội. 0912345678 ";
    let d = draft(message, Some(&customer())).unwrap();
    assert_eq!(d.recipient.address, message.trim());
    assert_eq!(d.recipient.phone, "0912345678");
    let d = draft("chốt 2 cái size M", Some(&customer())).unwrap();
    assert_eq!(d.recipient.address, "");
}

#[test]
fn the_draft_is_cod_without_lines_in_the_warehouse() {
    let d = draft("mua", None).unwrap();
    assert!(d.lines.is_empty());
    assert_eq!(d.payment.method, PaymentMethod::Cod);
    assert_eq!(d.payment.paid, Vnd::ZERO);
    assert_eq!(d.shipping.carrier, None);
    assert_eq!(d.shipping.fee, Vnd::ZERO);
    assert_eq!(d.warehouse, "Kho HN");
    assert_eq!(d.source, source());
    assert_eq!(d.assignee, None);
    // It is a draft: an order needs products first, so nothing is reserved by accident.
    assert_eq!(
        Order::create(
            d,
            "o".into(),
            0,
            "auto",
            &mut Catalog::default(),
            StockSettings::default()
        ),
        Err(OrderError::NoLines)
    );
}

#[test]
fn a_shop_may_use_its_own_keywords() {
    let keywords = ["ship cho", "gửi về"];
    assert!(draft("ship cho em về Đà Nẵng nhé", None).is_none());
    assert!(auto_draft("ship cho em về Đà Nẵng", &keywords, None, source(), "k").is_some());
    assert!(auto_draft("gui ve nha em", &keywords, None, source(), "k").is_some());
    assert!(auto_draft("chốt", &keywords, None, source(), "k").is_none());
    assert!(auto_draft("0912345678", &[], None, source(), "k").is_some());
}
