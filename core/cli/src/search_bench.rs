//! The conversation-list search over 50,000 synthetic customers: build time, and the time of
//! each keystroke while a name and a phone are typed.
//!
//! The customers are generated deterministically from Vietnamese name parts, note phrases and
//! a hash of their number (no randomness), so the figures are comparable between runs.

use std::collections::HashSet;
use std::time::Instant;

use nobi_core::crm::search::{Index, Query};
use nobi_core::crm::{
    ConversationRecord, ConversationStatus, Customer, CustomerAddress, Id, Identity, Note,
    PhoneEntry, Source, UnitRef,
};
use nobi_core::protocol::Platform;

use crate::bench::Row;

const CUSTOMERS: usize = 50_000;
/// Timed runs of each query.
const ROUNDS: usize = 31;
/// Native target per keystroke: the issue asks 16 ms in wasm, about 3x slower than native here.
const TARGET_US: f64 = 3000.0;
const DAY: i64 = 86_400_000;
const NOW: i64 = 1_767_225_600_000; // 2026-01-01

// Nguyễn is the name of about four Vietnamese in ten: repeated to weigh it so.
const SURNAMES: [&str; 20] = [
    "Nguyễn", "Nguyễn", "Nguyễn", "Nguyễn", "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê",
    "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
];
const MIDDLES: [&str; 14] = [
    "Văn", "Văn", "Thị", "Thị", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Thu",
    "Hoàng", "Kim",
];
const GIVENS: [&str; 40] = [
    "An", "Anh", "Bình", "Châu", "Cường", "Dũng", "Dung", "Giang", "Hà", "Hải", "Hạnh", "Hiếu",
    "Hoa", "Hồng", "Huy", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Ngân",
    "Nhung", "Phúc", "Phương", "Quân", "Quỳnh", "Sơn", "Tâm", "Thảo", "Trang", "Trung", "Tú",
    "Tuấn", "Uyên", "Vy", "Yến", "Xuân",
];
const NOTES: [&str; 12] = [
    "Khách quen, thích màu hồng pastel",
    "Hẹn giao buổi chiều sau 5h",
    "Size M, cao 1m60 nặng 50kg",
    "Đã cọc 200k qua Vietcombank",
    "Giao giờ hành chính, gọi trước khi giao",
    "Hỏi mẫu áo dài đỏ, chưa chốt",
    "Hay đổi size, tư vấn kỹ giúp em",
    "Khách sỉ, lấy 20 cái mỗi tháng",
    "Không nghe máy thì nhắn Zalo",
    "Đổi trả lần trước vì lỗi đường may",
    "Chồng nhận hàng hộ: anh Tuấn 0987 654 321",
    "Thích hàng Quảng Châu, không lấy hàng VNXK",
];
const STREETS: [&str; 6] = [
    "12 Lê Lợi",
    "45/3 Nguyễn Trãi",
    "Ngõ 102 Trường Chinh",
    "7 Hai Bà Trưng",
    "230 Điện Biên Phủ",
    "Số 9 ngách 4 Kim Mã",
];
const WARDS: [(&str, &str); 4] = [
    ("Phường Bến Thành", "Thành phố Hồ Chí Minh"),
    ("Phường Ba Đình", "Thành phố Hà Nội"),
    ("Phường Hải Châu", "Thành phố Đà Nẵng"),
    ("Xã Tân Phú", "Tỉnh Đồng Nai"),
];
const MOBILE_PREFIXES: [&str; 8] = ["091", "098", "090", "097", "086", "035", "070", "083"];

/// splitmix64: a well-mixed hash of `i`, so the data has no visible pattern.
fn mix(i: u64) -> u64 {
    let mut z = i.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn pick<T: Clone>(items: &[T], h: u64) -> T {
    items[(h % items.len() as u64) as usize].clone()
}

fn unit(name: &str) -> Option<UnitRef> {
    Some(UnitRef {
        code: String::new(),
        name: name.to_owned(),
    })
}

/// The synthetic shop: customers, their conversations, and who has ordered.
fn shop(n: usize) -> (Vec<Customer>, Vec<ConversationRecord>, HashSet<Id>) {
    let tags: Vec<Id> = (0..6).map(|t| Id(format!("tag{t}"))).collect();
    let staff: Vec<Id> = (0..4).map(|s| Id(format!("staff{s}"))).collect();
    let mut customers = Vec::with_capacity(n);
    let mut conversations = Vec::with_capacity(n);
    let mut with_orders = HashSet::new();
    for i in 0..n {
        let h = |k: u64| mix((i as u64) << 8 | k);
        let created = NOW - (h(0) % (365 * DAY as u64)) as i64;
        let name = format!(
            "{} {} {}",
            pick(&SURNAMES, h(1)),
            pick(&MIDDLES, h(2)),
            pick(&GIVENS, h(3))
        );
        let id = Id::new(created, h(4));
        let phone = format!("{}{:07}", pick(&MOBILE_PREFIXES, h(5)), h(6) % 10_000_000);
        let mut customer = Customer {
            id: id.clone(),
            created_at: created,
            updated_at: created + (h(7) % (30 * DAY as u64)) as i64,
            name,
            ..Customer::default()
        };
        customer.identities.push(Identity {
            platform: Platform::Instagram,
            account: Some("shop.hoa".into()),
            thread_id: Some(format!("{}", h(8) % 1_000_000_000_000)),
            username: Some(format!("{}.{}", pick(&GIVENS, h(3)).to_lowercase(), i)),
            profile_url: None,
        });
        customer.phones.push(PhoneEntry {
            number: phone,
            primary: true,
            source: Source::Chat,
            added_at: created,
        });
        for k in 0..h(9) % 4 {
            customer.notes.push(Note {
                id: Id(format!("n{i}-{k}")),
                at: created + k as i64 * DAY,
                text: pick(&NOTES, h(10 + k)).to_owned(),
                author: None,
            });
        }
        if h(14) % 2 == 0 {
            let (ward, province) = pick(&WARDS, h(15));
            customer.add_address(CustomerAddress {
                id: Id(format!("a{i}")),
                street: pick(&STREETS, h(16)).to_owned(),
                current_ward: unit(ward),
                current_province: unit(province),
                ..CustomerAddress::default()
            });
        }
        for t in 0..h(17) % 3 {
            let tag = pick(&tags, h(18 + t));
            if !customer.tags.contains(&tag) {
                customer.tags.push(tag);
            }
        }
        customer.refresh_keys();
        // Most customers came through a chat; a few were imported and have none.
        if h(21) % 10 != 0 {
            let thread = customer.identities[0].thread_id.clone().unwrap_or_default();
            let last = customer.updated_at + (h(22) % (60 * DAY as u64)) as i64;
            conversations.push(ConversationRecord {
                id: ConversationRecord::id_for(Platform::Instagram, &thread),
                created_at: created,
                updated_at: last,
                platform: Platform::Instagram,
                thread_id: thread,
                account: Some("shop.hoa".into()),
                customer_id: id.clone(),
                category: String::new(),
                sub_category: String::new(),
                detail: String::new(),
                classification: String::new(),
                assignee: (h(23) % 3 != 0).then(|| pick(&staff, h(24))),
                status: pick(&ConversationStatus::ALL, h(25)),
                unread: h(26) % 5 == 0,
                replied: h(27) % 3 != 0,
                last_message_at: Some(last),
            });
        }
        if h(28) % 3 == 0 {
            with_orders.insert(id);
        }
        customers.push(customer);
    }
    (customers, conversations, with_orders)
}

/// Median and 90th percentile of the time of `query`, in µs, and the number of rows found.
fn time_query(index: &Index, query: &Query) -> (f64, f64, usize) {
    let mut times = Vec::with_capacity(ROUNDS);
    let mut found = 0;
    for _ in 0..ROUNDS {
        let t = Instant::now();
        let result = std::hint::black_box(index.search(std::hint::black_box(query)));
        times.push(t.elapsed().as_secs_f64() * 1e6);
        found = result.len();
    }
    times.sort_by(|a, b| a.total_cmp(b));
    (times[times.len() / 2], times[times.len() * 9 / 10], found)
}

/// The keystrokes of typing `text`: "n", "ng", … up to the whole text.
fn keystrokes(text: &str) -> Vec<String> {
    text.char_indices()
        .map(|(i, c)| text[..i + c.len_utf8()].to_owned())
        .collect()
}

pub fn bench_rows() -> Vec<Row> {
    let debug_note = if cfg!(debug_assertions) {
        " (debug build: use --profile native-release)"
    } else {
        ""
    };
    let (customers, conversations, with_orders) = shop(CUSTOMERS);
    let mut rows = Vec::new();

    let mut build_ms = f64::MAX;
    let mut index = Index::new();
    for _ in 0..3 {
        let t = Instant::now();
        index = Index::build(&customers, &conversations, &with_orders);
        build_ms = build_ms.min(t.elapsed().as_secs_f64() * 1e3);
    }
    rows.push(Row {
        name: format!("search index build, ms ({CUSTOMERS} customers, native){debug_note}"),
        value: format!("{build_ms:.1}"),
        target: "-".into(),
        ok: None,
    });

    let phone = customers[CUSTOMERS / 2]
        .primary_phone()
        .unwrap_or("0912345678")
        .to_owned();
    let mut typed = keystrokes("nguyen van");
    typed.extend(keystrokes(&phone[..7]));
    typed.push(format!("+84{}", &phone[1..7]));
    let mut worst_p90: f64 = 0.0;
    for text in &typed {
        let (median, p90, found) = time_query(&index, &Query::text(text.as_str()));
        worst_p90 = worst_p90.max(p90);
        rows.push(Row {
            name: format!("search keystroke {text:?}, median / p90 µs ({found} found)"),
            value: format!("{median:.0} / {p90:.0}"),
            target: format!("<= {TARGET_US:.0}"),
            ok: Some(p90 <= TARGET_US),
        });
    }

    let filtered = Query {
        text: "nguyen".into(),
        tag: Some(Id("tag1".into())),
        unread_only: true,
        has_order: Some(false),
        from: Some(NOW - 30 * DAY),
        ..Query::default()
    };
    for (what, query) in [
        ("empty query (all)", Query::default()),
        ("\"nguyen\" + tag, unread, no order, 30 days", filtered),
    ] {
        let (median, p90, found) = time_query(&index, &query);
        worst_p90 = worst_p90.max(p90);
        rows.push(Row {
            name: format!("search {what}, median / p90 µs ({found} found)"),
            value: format!("{median:.0} / {p90:.0}"),
            target: format!("<= {TARGET_US:.0}"),
            ok: Some(p90 <= TARGET_US),
        });
    }

    // One customer changes (a note added): the panel updates its row without a rebuild.
    let mut times = Vec::new();
    for (k, customer) in customers.iter().step_by(CUSTOMERS / 200).enumerate() {
        let mut customer = customer.clone();
        customer.notes.push(Note {
            id: Id(format!("bench{k}")),
            at: NOW,
            text: "Khách hẹn lấy thêm 2 bộ".into(),
            author: None,
        });
        let row = nobi_core::crm::search::row(&customer, &conversations, false);
        let t = Instant::now();
        index.upsert(row, &customer);
        times.push(t.elapsed().as_secs_f64() * 1e6);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    rows.push(Row {
        name: "search index upsert of one customer, median µs".into(),
        value: format!("{:.0}", times[times.len() / 2]),
        target: "-".into(),
        ok: None,
    });
    rows.push(Row {
        name: "search worst p90 µs per query, native (wasm target 16 ms)".into(),
        value: format!("{worst_p90:.0}"),
        target: format!("<= {TARGET_US:.0}"),
        ok: Some(worst_p90 <= TARGET_US),
    });
    rows
}
