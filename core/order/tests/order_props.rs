//! Property tests for money, totals, stock and status transitions: the rules of
//! `nobi_order` hold for every input, not only for the examples in the unit tests.

use nobi_order::order::{Change, Source};
use nobi_order::*;
use nobi_protocol::Platform;
use proptest::prelude::*;
use std::collections::BTreeMap;

// ---------------------------------------------------------------------------------------------
// Money

proptest! {
    #[test]
    fn format_then_parse_is_identity(v in any::<i64>()) {
        let vnd = Vnd(v);
        prop_assert_eq!(parse_vnd(&vnd.format()), Ok(vnd));
        prop_assert_eq!(parse_vnd(&vnd.format_number()), Ok(vnd));
    }

    #[test]
    fn shorthand_parses_to_the_same_amount(thousands in 0i64..10_000_000, millions in 0i64..100_000, rest in 0i64..1_000) {
        prop_assert_eq!(parse_vnd(&format!("{thousands}k")), Ok(Vnd(thousands * 1_000)));
        prop_assert_eq!(parse_vnd(&format!("{thousands} nghìn")), Ok(Vnd(thousands * 1_000)));
        prop_assert_eq!(
            parse_vnd(&format!("{millions}tr{rest:03}")),
            Ok(Vnd(millions * 1_000_000 + rest * 1_000))
        );
        prop_assert_eq!(
            parse_vnd(&format!("{millions} triệu {rest}k")),
            Ok(Vnd(millions * 1_000_000 + rest * 1_000))
        );
        // Commas as thousands separators read the same as dots.
        let dotted = Vnd(thousands * 1_000).format_number();
        prop_assert_eq!(parse_vnd(&format!("{}đ", dotted.replace('.', ","))), Ok(Vnd(thousands * 1_000)));
    }

    #[test]
    fn parse_never_panics(s in "\\PC{0,20}") {
        let _ = parse_vnd(&s);
    }

    #[test]
    fn parse_of_digits_and_units_never_panics(s in "[0-9 .,]{0,12}(k|tr|triệu|tỷ|đ|VNĐ)?[0-9]{0,8}(k|đ)?") {
        let _ = parse_vnd(&s);
    }

    /// Half up to the đồng: the result is within half a đồng of the exact value, rounds exact
    /// halves up, and never exceeds the amount.
    #[test]
    fn percent_rounds_half_up_and_stays_within_the_amount(amount in 0i64..=i64::MAX, bp in 0u32..=10_000) {
        let rate = Percent::from_basis_points(bp).unwrap();
        let got = Vnd(amount).percent(rate).dong();
        prop_assert!((0..=amount).contains(&got));
        let exact_times_10000 = i128::from(amount) * i128::from(bp);
        let diff = i128::from(got) * 10_000 - exact_times_10000; // in 1/10000 đồng
        prop_assert!((-5_000..5_000).contains(&diff) || diff == 5_000, "diff {diff}");
        if diff == 5_000 {
            // Only an exact half rounds up by half.
            prop_assert_eq!(exact_times_10000 % 10_000, 5_000);
        }
    }

    #[test]
    fn percent_format_then_parse_is_identity(bp in 0u32..=10_000) {
        let rate = Percent::from_basis_points(bp).unwrap();
        prop_assert_eq!(Percent::parse(&rate.to_string()), Ok(rate));
    }
}

// ---------------------------------------------------------------------------------------------
// Totals

fn discount() -> impl Strategy<Value = Discount> {
    prop_oneof![
        Just(Discount::None),
        (0i64..5_000_000_000).prop_map(|a| Discount::Amount(Vnd(a))),
        (0u32..=10_000).prop_map(|bp| Discount::Percent(Percent::from_basis_points(bp).unwrap())),
    ]
}

fn lines() -> impl Strategy<Value = Vec<OrderLine>> {
    prop::collection::vec(
        (0i64..1_000_000_000, 1u32..1_000, discount()).prop_map(|(price, quantity, discount)| {
            OrderLine {
                sku: "X".into(),
                name: "X".into(),
                quantity,
                unit_price: Vnd(price),
                discount,
            }
        }),
        0..8,
    )
}

fn shipping() -> impl Strategy<Value = Shipping> {
    (0i64..2_000_000, any::<bool>()).prop_map(|(fee, buyer)| Shipping {
        carrier: Some(Carrier::Ghn),
        fee: Vnd(fee),
        payer: if buyer {
            ShippingPayer::Buyer
        } else {
            ShippingPayer::Shop
        },
        ..Shipping::default()
    })
}

fn payment() -> impl Strategy<Value = Payment> {
    (
        prop::sample::select(vec![
            PaymentMethod::Cod,
            PaymentMethod::BankTransfer,
            PaymentMethod::Deposit,
        ]),
        0i64..10_000_000_000_000,
    )
        .prop_map(|(method, paid)| Payment {
            method,
            paid: Vnd(paid),
        })
}

proptest! {
    #[test]
    fn totals_add_up(lines in lines(), shipping in shipping(), payment in payment()) {
        let t = totals(&lines, &shipping, &payment).unwrap();
        prop_assert!(t.total.dong() >= 0);
        prop_assert!(t.subtotal.dong() >= t.discounts.dong());
        for (l, lt) in lines.iter().zip(&t.lines) {
            prop_assert_eq!(lt.gross.dong(), l.unit_price.dong() * i64::from(l.quantity));
            prop_assert!(lt.discount.dong() >= 0 && lt.discount <= lt.gross);
            prop_assert_eq!(lt.net.dong(), lt.gross.dong() - lt.discount.dong());
        }
        prop_assert_eq!(t.subtotal.dong(), t.lines.iter().map(|l| l.gross.dong()).sum::<i64>());
        prop_assert_eq!(t.discounts.dong(), t.lines.iter().map(|l| l.discount.dong()).sum::<i64>());
        let charged = match shipping.payer {
            ShippingPayer::Buyer => shipping.fee,
            ShippingPayer::Shop => Vnd::ZERO,
        };
        prop_assert_eq!(t.shipping_charged, charged);
        prop_assert_eq!(t.total.dong(), t.subtotal.dong() - t.discounts.dong() + t.shipping_charged.dong());
        let owed = (t.total.dong() - payment.paid.dong()).max(0);
        prop_assert_eq!(t.outstanding.dong(), owed);
        prop_assert_eq!(t.overpaid.dong(), (payment.paid.dong() - t.total.dong()).max(0));
        match payment.method {
            PaymentMethod::Cod | PaymentMethod::Deposit => prop_assert_eq!(t.cod.dong(), owed),
            PaymentMethod::BankTransfer => prop_assert_eq!(t.cod, Vnd::ZERO),
        }
    }

    /// Whatever the amounts, totals either add up or report an overflow: they never panic.
    #[test]
    fn huge_amounts_overflow_cleanly(price in any::<i64>(), quantity in any::<u32>(), fee in any::<i64>(), paid in any::<i64>()) {
        let line = OrderLine { sku: "X".into(), name: "X".into(), quantity, unit_price: Vnd(price), discount: Discount::None };
        let shipping = Shipping { fee: Vnd(fee), ..Shipping::default() };
        let payment = Payment { method: PaymentMethod::Cod, paid: Vnd(paid) };
        if let Ok(t) = totals(&[line.clone(), line], &shipping, &payment) {
            prop_assert!(t.total.dong() >= 0);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Stock and orders

const WAREHOUSES: [&str; 2] = ["kho-hn", "kho-hcm"];
const SKUS: [&str; 4] = ["A-S", "A-M", "B", "COMBO"];

/// A catalog of three variants (stock drawn per warehouse) and a combo of 2 × A-M + 1 × B.
fn catalog() -> impl Strategy<Value = Catalog> {
    prop::collection::vec(0i64..12, 6).prop_map(|stock| {
        let variant = |sku: &str, i: usize| Variant {
            sku: sku.into(),
            price: Vnd(100_000),
            stock: BTreeMap::from([
                (
                    WAREHOUSES[0].to_owned(),
                    StockLevel {
                        on_hand: stock[2 * i],
                        reserved: 0,
                    },
                ),
                (
                    WAREHOUSES[1].to_owned(),
                    StockLevel {
                        on_hand: stock[2 * i + 1],
                        reserved: 0,
                    },
                ),
            ]),
            ..Variant::default()
        };
        Catalog {
            products: vec![
                Product {
                    id: "a".into(),
                    name: "Áo".into(),
                    images: vec![],
                    variants: vec![variant("A-S", 0), variant("A-M", 1)],
                },
                Product {
                    id: "b".into(),
                    name: "Băng đô".into(),
                    images: vec![],
                    variants: vec![variant("B", 2)],
                },
            ],
            combos: vec![Combo {
                id: "c".into(),
                sku: "COMBO".into(),
                name: "Combo".into(),
                price: Vnd(250_000),
                components: vec![
                    ComboComponent {
                        sku: "A-M".into(),
                        quantity: 2,
                    },
                    ComboComponent {
                        sku: "B".into(),
                        quantity: 1,
                    },
                ],
                images: vec![],
            }],
        }
    })
}

fn requests() -> impl Strategy<Value = Vec<(&'static str, u32)>> {
    prop::collection::vec((prop::sample::select(SKUS.to_vec()), 0u32..6), 1..5)
}

fn total_reserved(c: &Catalog) -> i64 {
    c.products
        .iter()
        .flat_map(|p| &p.variants)
        .flat_map(|v| v.stock.values())
        .map(|l| l.reserved)
        .sum()
}

proptest! {
    #[test]
    fn reserve_then_release_restores_stock_exactly(
        mut c in catalog(),
        req in requests(),
        w in prop::sample::select(WAREHOUSES.to_vec()),
        allow_negative in any::<bool>(),
    ) {
        let before = c.clone();
        let settings = StockSettings { allow_negative };
        match stock::reserve(&mut c, w, req.iter().copied(), settings) {
            Ok(r) => {
                for item in &r.items {
                    let level = c.variant(&item.sku).unwrap().stock[w];
                    if !allow_negative {
                        prop_assert!(level.available() >= 0);
                    }
                }
                stock::release(&mut c, &r).unwrap();
                prop_assert_eq!(c, before);
            }
            Err(StockError::Insufficient(shortages)) => {
                prop_assert!(!allow_negative);
                prop_assert!(!shortages.is_empty());
                for s in &shortages {
                    prop_assert!(s.available < i64::from(s.requested));
                }
                prop_assert_eq!(c, before, "a refusal changes nothing");
            }
            Err(e) => prop_assert!(false, "unexpected {e}"),
        }
    }

    #[test]
    fn only_allowed_edges_are_accepted(from in prop::sample::select(OrderStatus::ALL.to_vec()), to in prop::sample::select(OrderStatus::ALL.to_vec())) {
        prop_assert_eq!(check_transition(from, to).is_ok(), from.next().contains(&to));
    }
}

#[derive(Clone, Debug)]
enum Op {
    Status(OrderStatus),
    Cancel(String),
    Lines(Vec<(&'static str, u32)>),
    Warehouse(&'static str),
    Fee(i64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => prop::sample::select(OrderStatus::ALL.to_vec()).prop_map(Op::Status),
        1 => prop::sample::select(vec!["", "Khách đổi ý", " "]).prop_map(|s| Op::Cancel(s.to_owned())),
        1 => requests().prop_map(Op::Lines),
        1 => prop::sample::select(WAREHOUSES.to_vec()).prop_map(Op::Warehouse),
        1 => (-1i64..50_000).prop_map(Op::Fee),
    ]
}

fn to_lines(req: &[(&str, u32)]) -> Vec<OrderLine> {
    req.iter()
        .map(|(sku, q)| OrderLine {
            sku: (*sku).to_owned(),
            name: (*sku).to_owned(),
            quantity: *q,
            unit_price: Vnd(100_000),
            discount: Discount::None,
        })
        .collect()
}

proptest! {
    /// Any sequence of agent actions on one order: every accepted change moves along an allowed
    /// edge and adds exactly one history entry; every refused one changes nothing; the stock
    /// reserved in the catalog is always exactly what the order holds; and once the order is
    /// cancelled or returned, the stock is what it was before the order.
    #[test]
    fn orders_keep_stock_and_history_consistent(
        mut c in catalog(),
        first in requests(),
        ops in prop::collection::vec(op(), 0..25),
        allow_negative in any::<bool>(),
    ) {
        let settings = StockSettings { allow_negative };
        let start = c.clone();
        let draft = OrderDraft {
            source: Source { platform: Platform::Facebook, page: "page-1".into() },
            warehouse: WAREHOUSES[0].into(),
            assignee: None,
            customer_id: None,
            recipient: Recipient {
                name: "Hoa".into(),
                phone: "0912345678".into(),
                address: "Hà Nội".into(),
                units: None,
            },
            lines: to_lines(&first),
            shipping: Shipping { carrier: Some(Carrier::Ghtk), fee: Vnd(30_000), ..Shipping::default() },
            payment: Payment::default(),
            note: String::new(),
        };
        let Ok(mut order) = Order::create(draft, "o-1".into(), 0, "lan", &mut c, settings) else {
            prop_assert_eq!(&c, &start, "a refused create reserves nothing");
            return Ok(());
        };
        for (i, op) in ops.into_iter().enumerate() {
            let now = 1 + i as i64;
            let (o_before, c_before) = (order.clone(), c.clone());
            let result = match &op {
                Op::Status(to) => order.set_status(*to, now, "lan", &mut c),
                Op::Cancel(reason) => order.cancel(reason, now, "lan", &mut c),
                Op::Lines(req) => order.set_lines(to_lines(req), now, "lan", &mut c, settings),
                Op::Warehouse(w) => order.set_warehouse(w, now, "lan", &mut c, settings),
                Op::Fee(fee) => {
                    let shipping = Shipping { fee: Vnd(*fee), ..order.shipping.clone() };
                    order.set_shipping(shipping, now, "lan")
                }
            };
            match result {
                Err(_) => {
                    prop_assert_eq!(&order, &o_before);
                    prop_assert_eq!(&c, &c_before);
                }
                Ok(()) => {
                    let added = order.history.len() - o_before.history.len();
                    prop_assert!(added <= 1);
                    if let Some(entry) = order.history.last().filter(|_| added == 1) {
                        prop_assert_eq!(entry.at, now);
                        match &entry.change {
                            Change::Status { from, to } => prop_assert!(from.next().contains(to)),
                            Change::Cancelled { reason, .. } => prop_assert!(!reason.trim().is_empty()),
                            _ => {}
                        }
                    }
                    if o_before.status != order.status {
                        prop_assert!(o_before.status.next().contains(&order.status));
                    }
                }
            }
            let held: i64 = order
                .reservation
                .iter()
                .flat_map(|r| &r.items)
                .map(|i| i64::from(i.quantity))
                .sum();
            prop_assert_eq!(total_reserved(&c), held);
            prop_assert_eq!(order.reservation.is_some(), order.status.holds_stock());
            prop_assert!(order.totals().unwrap().total.dong() >= 0);
        }
        if matches!(order.status, OrderStatus::Cancelled | OrderStatus::Returned) {
            prop_assert_eq!(&c, &start);
        }
    }

    #[test]
    fn order_json_round_trips(mut c in catalog(), req in requests()) {
        let draft = OrderDraft {
            source: Source { platform: Platform::Instagram, page: "shop".into() },
            warehouse: WAREHOUSES[1].into(),
            assignee: Some("lan".into()),
            customer_id: None,
            recipient: Recipient::default(),
            lines: to_lines(&req),
            shipping: Shipping::default(),
            payment: Payment::default(),
            note: "ghi chú".into(),
        };
        let settings = StockSettings { allow_negative: true };
        if let Ok(o) = Order::create(draft, "o".into(), 5, "lan", &mut c, settings) {
            let json = serde_json::to_string(&o).unwrap();
            prop_assert_eq!(serde_json::from_str::<Order>(&json).unwrap(), o);
        }
    }
}
