//! The order summary sent to the buyer (`nobi_order::summary`): the text, the order code
//! and the template variables.

use nobi_crm::Id;
use nobi_i18n::Lang;
use nobi_order::catalog::{Catalog, Product, StockLevel, Variant};
use nobi_order::summary::{
    order_code, order_vars, summary_text, DEFAULT_SUMMARY_TEMPLATE, ORDER_CODE_LEN,
};
use nobi_order::{
    Carrier, Discount, Order, OrderDraft, OrderError, OrderLine, Payment, PaymentMethod, Percent,
    Recipient, Shipping, ShippingPayer, Source, StockSettings, Vnd,
};
use nobi_protocol::Platform;
use nobi_template::{render, Day};
use std::collections::BTreeMap;

const ID: &str = "0193a1b2c3d4-a1b2c3d4e5";

fn catalog() -> Catalog {
    let variant = |sku: &str, price: i64| Variant {
        sku: sku.into(),
        price: Vnd(price),
        stock: BTreeMap::from([(
            "kho".to_owned(),
            StockLevel {
                on_hand: 100,
                reserved: 0,
            },
        )]),
        ..Variant::default()
    };
    Catalog {
        products: vec![Product {
            id: "p".into(),
            name: "x".into(),
            images: vec![],
            variants: vec![variant("AL-M-BE", 350_000), variant("KHAN", 900_000)],
        }],
        combos: vec![],
    }
}

fn line(sku: &str, name: &str, quantity: u32, price: i64, discount: Discount) -> OrderLine {
    OrderLine {
        sku: sku.into(),
        name: name.into(),
        quantity,
        unit_price: Vnd(price),
        discount,
    }
}

fn order(lines: Vec<OrderLine>, shipping: Shipping, payment: Payment) -> Order {
    let draft = OrderDraft {
        source: Source {
            platform: Platform::Instagram,
            page: "nobi.shop".into(),
        },
        warehouse: "kho".into(),
        assignee: None,
        customer_id: None,
        recipient: Recipient {
            name: "Nguyễn Thị Hoa".into(),
            phone: "0912345678".into(),
            address: "12 ngõ 34 Láng Hạ, Đống Đa, Hà Nội".into(),
            units: None,
        },
        lines,
        shipping,
        payment,
        note: String::new(),
    };
    Order::create(
        draft,
        ID.into(),
        1_000,
        "lan",
        &mut catalog(),
        StockSettings::default(),
    )
    .unwrap()
}

fn ghtk(fee: i64, payer: ShippingPayer) -> Shipping {
    Shipping {
        carrier: Some(Carrier::Ghtk),
        fee: Vnd(fee),
        payer,
        ..Shipping::default()
    }
}

fn pay(method: PaymentMethod, paid: i64) -> Payment {
    Payment {
        method,
        paid: Vnd(paid),
    }
}

/// Two lines (one with 10% off), buyer-paid shipping, a deposit.
fn deposit_order() -> Order {
    order(
        vec![
            line(
                "AL-M-BE",
                "Áo len màu be, size M",
                1,
                350_000,
                Discount::None,
            ),
            line(
                "KHAN",
                "Khăn quàng cashmere",
                1,
                900_000,
                Discount::Percent(Percent::whole(10).unwrap()),
            ),
        ],
        ghtk(30_000, ShippingPayer::Buyer),
        pay(PaymentMethod::Deposit, 200_000),
    )
}

#[test]
fn the_vietnamese_summary() {
    assert_eq!(
        summary_text(&deposit_order(), Lang::Vi).unwrap(),
        "Dạ shop xác nhận đơn #C3D4E5 ạ:\n\
         - Áo len màu be, size M × 1: 350.000 ₫\n\
         - Khăn quàng cashmere × 1: 900.000 ₫\n\
         \x20 Giảm: − 90.000 ₫\n\
         Phí ship: 30.000 ₫\n\
         Tổng: 1.190.000 ₫\n\
         Đã đặt cọc: 200.000 ₫\n\
         Thu hộ (COD): 990.000 ₫\n\
         Người nhận: Nguyễn Thị Hoa – 0912 345 678\n\
         Địa chỉ: 12 ngõ 34 Láng Hạ, Đống Đa, Hà Nội"
    );
}

#[test]
fn the_english_summary() {
    assert_eq!(
        summary_text(&deposit_order(), Lang::En).unwrap(),
        "Your order #C3D4E5:\n\
         - Áo len màu be, size M × 1: 350.000 ₫\n\
         - Khăn quàng cashmere × 1: 900.000 ₫\n\
         \x20 Discount: − 90.000 ₫\n\
         Shipping: 30.000 ₫\n\
         Total: 1.190.000 ₫\n\
         Deposit paid: 200.000 ₫\n\
         Cash on delivery (COD): 990.000 ₫\n\
         Recipient: Nguyễn Thị Hoa – 0912 345 678\n\
         Address: 12 ngõ 34 Láng Hạ, Đống Đa, Hà Nội"
    );
}

#[test]
fn free_shipping_and_a_million_total() {
    let o = order(
        vec![
            line("AL-M-BE", "Áo len", 1, 350_000, Discount::None),
            line("KHAN", "Khăn", 1, 900_000, Discount::None),
        ],
        ghtk(30_000, ShippingPayer::Shop),
        pay(PaymentMethod::Cod, 0),
    );
    let text = summary_text(&o, Lang::Vi).unwrap();
    assert!(text.contains("\nMiễn phí ship\n"), "{text}");
    assert!(text.contains("\nTổng: 1.250.000 ₫\n"), "{text}");
    assert!(text.contains("\nThu hộ (COD): 1.250.000 ₫\n"), "{text}");
    assert!(!text.contains("Đã"), "nothing paid, nothing said: {text}");
    let text = summary_text(&o, Lang::En).unwrap();
    assert!(text.contains("\nFree shipping\n"), "{text}");
    // A fee of 0 is free shipping too.
    let o = order(
        vec![line("KHAN", "Khăn", 2, 900_000, Discount::None)],
        ghtk(0, ShippingPayer::Buyer),
        pay(PaymentMethod::Cod, 0),
    );
    assert!(summary_text(&o, Lang::Vi)
        .unwrap()
        .contains("× 2: 1.800.000 ₫\nMiễn phí ship\n"));
}

#[test]
fn a_bank_transfer_collects_nothing_at_the_door() {
    let o = order(
        vec![line("AL-M-BE", "Áo len", 2, 350_000, Discount::None)],
        ghtk(30_000, ShippingPayer::Buyer),
        pay(PaymentMethod::BankTransfer, 730_000),
    );
    let text = summary_text(&o, Lang::Vi).unwrap();
    assert!(
        text.contains("Tổng: 730.000 ₫\nĐã chuyển khoản: 730.000 ₫\nThu hộ (COD): 0 ₫\n"),
        "{text}"
    );
    assert!(!text.contains("thêm"));
    // Short of the total: the rest is to transfer, still nothing at the door.
    let o = order(
        vec![line("AL-M-BE", "Áo len", 2, 350_000, Discount::None)],
        ghtk(30_000, ShippingPayer::Buyer),
        pay(PaymentMethod::BankTransfer, 700_000),
    );
    let text = summary_text(&o, Lang::Vi).unwrap();
    assert!(
        text.contains("Cần chuyển khoản thêm: 30.000 ₫\nThu hộ (COD): 0 ₫"),
        "{text}"
    );
    let text = summary_text(&o, Lang::En).unwrap();
    assert!(text.contains("Still to transfer: 30.000 ₫\nCash on delivery (COD): 0 ₫"));
    // Paid too much: the shop says it will refund.
    let o = order(
        vec![line("AL-M-BE", "Áo len", 1, 350_000, Discount::None)],
        ghtk(0, ShippingPayer::Buyer),
        pay(PaymentMethod::Cod, 400_000),
    );
    let text = summary_text(&o, Lang::Vi).unwrap();
    assert!(
        text.contains("Đã thanh toán: 400.000 ₫\nThu hộ (COD): 0 ₫\nShop sẽ hoàn lại: 50.000 ₫")
    );
}

#[test]
fn text_is_nfc_and_empty_recipient_parts_are_left_out() {
    let mut o = deposit_order();
    // Decomposed (macOS) input: the buyer receives composed text.
    o.recipient.name = "Nguye\u{0302}\u{0303}n Thi\u{0323} Hoa".into();
    o.recipient.phone = String::new();
    o.recipient.address = "  12 Lê Lợi\nQuận 1 ".into();
    o.lines[0].name = "A\u{0301}o len".into();
    let text = summary_text(&o, Lang::Vi).unwrap();
    assert!(text.contains("- Áo len × 1"), "{text}");
    assert!(text.contains("\nNgười nhận: Nguyễn Thị Hoa\n"), "{text}");
    assert!(text.ends_with("\nĐịa chỉ: 12 Lê Lợi, Quận 1"), "{text}");
    assert_eq!(nobi_text::nfc(&text), text);
    o.recipient.name = " ".into();
    o.recipient.address = String::new();
    o.lines[0].name = String::new();
    let text = summary_text(&o, Lang::Vi).unwrap();
    assert!(!text.contains("Người nhận") && !text.contains("Địa chỉ"));
    assert!(
        text.contains("- AL-M-BE × 1"),
        "a nameless line shows its SKU"
    );
}

#[test]
fn money_that_does_not_add_up_is_an_error() {
    let mut o = deposit_order();
    o.shipping.fee = Vnd(-1);
    assert!(matches!(
        summary_text(&o, Lang::Vi),
        Err(OrderError::Negative(_))
    ));
}

#[test]
fn order_codes() {
    assert_eq!(order_code(ID), "C3D4E5");
    let id = Id::new(1_750_000_000_000, 0xab_cdef_0123);
    assert_eq!(order_code(id.as_str()), "EF0123");
    assert_eq!(order_code(id.as_str()).len(), ORDER_CODE_LEN);
    assert_eq!(order_code("o-1"), "O1");
    assert_eq!(order_code("đơn-ab-12"), "NAB12");
    assert_eq!(order_code("--"), "--");
}

#[test]
fn the_default_template_is_filled_from_the_order() {
    let o = deposit_order();
    let t = o.totals().unwrap();
    let day = Day {
        year: 2025,
        month: 6,
        day: 15,
    };
    let vars = order_vars(&o, &t, Some(" Nobi "), day);
    assert_eq!(vars.ten_khach.as_deref(), Some("Nguyễn Thị Hoa"));
    assert_eq!(vars.sdt.as_deref(), Some("0912345678"));
    assert_eq!(vars.tong_tien, Some(1_190_000));
    assert_eq!(vars.phi_ship, Some(30_000));
    assert_eq!(vars.ma_don.as_deref(), Some("C3D4E5"));
    assert_eq!(vars.ten_shop.as_deref(), Some("Nobi"));
    assert_eq!(vars.ngay, Some(day));
    let r = render(DEFAULT_SUMMARY_TEMPLATE, &vars);
    assert!(r.is_complete(), "{r:?}");
    assert_eq!(
        r.text,
        "Dạ shop xác nhận đơn #C3D4E5 ạ:\n\
         Người nhận: Nguyễn Thị Hoa – 0912345678\n\
         Địa chỉ: 12 ngõ 34 Láng Hạ, Đống Đa, Hà Nội\n\
         Phí ship: 30.000 ₫\n\
         Tổng tiền: 1.190.000 ₫\n\
         Cảm ơn Nguyễn Thị Hoa đã ủng hộ shop ạ!"
    );
    // Shop-paid shipping is charged 0; a blank name is reported missing, not filled blank.
    let mut o = o;
    o.shipping.payer = ShippingPayer::Shop;
    o.recipient.name = "  ".into();
    let t = o.totals().unwrap();
    let vars = order_vars(&o, &t, None, day);
    assert_eq!(vars.phi_ship, Some(0));
    assert_eq!(vars.tong_tien, Some(1_160_000));
    assert_eq!(vars.ten_shop, None);
    let r = render(DEFAULT_SUMMARY_TEMPLATE, &vars);
    assert_eq!(r.missing, ["ten_khach"]);
}
