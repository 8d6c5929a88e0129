//! The conversation list's search and filters (`crm::search`): folding, phones, notes, every
//! filter, order, incremental changes, and a property test against a naive reference that folds
//! with Unicode NFD instead of the crate's hand table.

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

use nobi_crm::search::{haystack, row, rows, Index, Query, Row};
use nobi_crm::{
    ConversationRecord, ConversationStatus, Customer, CustomerAddress, Id, Identity, Millis, Note,
    Source, UnitRef,
};
use nobi_phone::{extract_phones, parse_phone};
use nobi_protocol::Platform;
use proptest::prelude::*;
use proptest::{bool, option};
use unicode_normalization::UnicodeNormalization;

fn id(s: &str) -> Id {
    Id(s.to_owned())
}

fn customer(cid: &str, name: &str, updated_at: Millis) -> Customer {
    Customer {
        id: id(cid),
        created_at: 0,
        updated_at,
        name: name.to_owned(),
        ..Customer::default()
    }
}

fn with_phone(mut c: Customer, number: &str) -> Customer {
    c.add_phone(number, Source::Manual, 0);
    c
}

fn with_note(mut c: Customer, text: &str) -> Customer {
    c.notes.push(Note {
        id: Id(format!("{}-n{}", c.id.0, c.notes.len())),
        at: 0,
        text: text.to_owned(),
        author: None,
    });
    c
}

fn conversation(thread: &str, customer_id: &str, last: Option<Millis>) -> ConversationRecord {
    ConversationRecord {
        id: ConversationRecord::id_for(Platform::Instagram, thread),
        created_at: 0,
        updated_at: 5,
        platform: Platform::Instagram,
        thread_id: thread.to_owned(),
        account: None,
        customer_id: id(customer_id),
        category: String::new(),
        sub_category: String::new(),
        detail: String::new(),
        classification: String::new(),
        assignee: None,
        status: ConversationStatus::Processing,
        unread: false,
        replied: false,
        last_message_at: last,
    }
}

fn index_of(customers: &[Customer]) -> Index {
    Index::build(customers, &[], &HashSet::new())
}

/// The customer ids found by `query`, in result order.
fn found(index: &Index, query: &Query) -> Vec<String> {
    index
        .search(query)
        .into_iter()
        .map(|n| index.row(n).customer_id.0.clone())
        .collect()
}

fn text(index: &Index, q: &str) -> Vec<String> {
    found(index, &Query::text(q))
}

#[test]
fn names_are_found_without_diacritics_case_or_composition() {
    let index = index_of(&[
        customer("c1", "Nguyễn Văn A", 1),
        customer("c2", "NGUYỄN VĂN A", 2),
        // Decomposed (NFD), as typed on a Mac: e + circumflex + tilde, a + breve.
        customer("c3", "Nguye\u{0302}\u{0303}n Va\u{0306}n A", 3),
        customer("c4", "Trần Văn B", 4),
        customer("c5", "Đặng Thị Ánh", 5),
    ]);
    assert_eq!(text(&index, "nguyen van a"), ["c3", "c2", "c1"]);
    assert_eq!(text(&index, "Nguyễn  VĂN"), ["c3", "c2", "c1"]);
    assert_eq!(text(&index, "nguye\u{0302}\u{0303}n"), ["c3", "c2", "c1"]);
    assert_eq!(text(&index, "van"), ["c4", "c3", "c2", "c1"]);
    assert_eq!(text(&index, "dang anh"), ["c5"]);
    assert_eq!(text(&index, "đặng"), ["c5"]);
    // Every token must occur.
    assert!(text(&index, "nguyen van b").is_empty());
    // Tokens are substrings, in any order.
    assert_eq!(text(&index, "a guy"), ["c3", "c2", "c1"]);
}

#[test]
fn phones_are_found_however_they_are_typed() {
    let index = index_of(&[
        with_phone(customer("c1", "Lan", 1), "0912345678"),
        with_phone(customer("c2", "Hoa", 2), "0987654321"),
    ]);
    for q in [
        "0912345678",
        "0912 345 678",
        "0912.345.678",
        "0912-345-678",
        "+84912345678",
        "+84 912 345 678",
        "84912345678",
        "0084912345678",
        "(+84) 912345678",
        "345678",
        "+84912",
        "lan 0912",
    ] {
        assert_eq!(text(&index, q), ["c1"], "{q:?}");
    }
    assert!(text(&index, "0912 345 679").is_empty());
    assert!(text(&index, "+84987 345").is_empty());
    // A bare 84 prefix may also be plain digits: "8765" is in 0987654321.
    assert_eq!(text(&index, "8765"), ["c2"]);
    assert_eq!(text(&index, "0"), ["c2", "c1"]);
}

#[test]
fn notes_usernames_emails_and_addresses_are_searched() {
    let mut c1 = with_note(customer("c1", "Lan", 1), "Khách hẹn giao thứ Bảy");
    c1 = with_note(c1, "Chồng nhận hộ, sđt 0987 654 321");
    c1.identities.push(Identity {
        platform: Platform::Instagram,
        account: None,
        thread_id: Some("1".into()),
        username: Some("@lan.ng_99".into()),
        profile_url: None,
    });
    c1.emails.push("Lan.Nguyen@gmail.com".into());
    let mut c2 = customer("c2", "Hoa", 2);
    c2.add_address(CustomerAddress {
        id: id("a1"),
        recipient: Some("Bà Tư".into()),
        phone: Some("+84 912 000 111".into()),
        street: "12 Lê Lợi".into(),
        current_ward: Some(UnitRef {
            code: "1".into(),
            name: "Phường Bến Thành".into(),
        }),
        current_province: Some(UnitRef {
            code: "79".into(),
            name: "Thành phố Hồ Chí Minh".into(),
        }),
        ..CustomerAddress::default()
    });
    let index = index_of(&[c1, c2]);
    assert_eq!(text(&index, "hen giao thu bay"), ["c1"]);
    assert_eq!(
        text(&index, "0987654321"),
        ["c1"],
        "phone written in a note"
    );
    assert_eq!(text(&index, "0987 654 321"), ["c1"]);
    assert_eq!(text(&index, "lan.ng"), ["c1"]);
    assert_eq!(text(&index, "@lan"), ["c1"]);
    assert_eq!(text(&index, "nguyen@gmail"), ["c1"]);
    assert_eq!(text(&index, "le loi ben thanh"), ["c2"]);
    assert_eq!(text(&index, "ho chi minh"), ["c2"]);
    assert_eq!(text(&index, "ba tu"), ["c2"]);
    assert_eq!(
        text(&index, "0912000111"),
        ["c2"],
        "address phone, national form"
    );
    // Only text that is searched: no ids, no platform names.
    assert!(text(&index, "instagram").is_empty());
}

#[test]
fn a_needle_never_spans_two_fields_or_two_customers() {
    let index = index_of(&[
        with_note(customer("c1", "Thu Hoa", 1), "Ngọc"),
        customer("c2", "Ngọc", 2),
    ]);
    assert_eq!(text(&index, "hoa ngoc"), ["c1"]);
    // One token with punctuation folds to "hoa ngoc", which no single field holds.
    assert!(text(&index, "hoa.ngoc").is_empty());
    assert!(text(&index, "hoangoc").is_empty());
}

#[test]
fn the_haystack_is_the_folded_fields_one_per_line() {
    let mut c = with_note(
        with_phone(customer("x", "Chị LAN (khách quen)", 0), "0912345678"),
        "Hẹn giao, +84 987.654.321!",
    );
    c.emails.push("Lan@Mail.vn".into());
    assert_eq!(
        haystack(&c),
        "chi lan khach quen\n0912345678\nlan mail vn\nhen giao 84 987 654 321\n0987654321"
    );
}

#[test]
fn a_query_of_punctuation_alone_is_no_text() {
    let index = index_of(&[customer("c1", "A", 1), customer("c2", "B", 2)]);
    for q in ["", "   ", "!!", " - ", "+"] {
        assert_eq!(text(&index, q), ["c2", "c1"], "{q:?}");
    }
}

/// c1..c5 with conversations in every state, c6 imported without one.
fn filter_fixture() -> (Vec<Customer>, Vec<ConversationRecord>, HashSet<Id>) {
    let mut customers: Vec<Customer> = (1..=6)
        .map(|i| customer(&format!("c{i}"), &format!("Khách {i}"), i * 10))
        .collect();
    customers[0].tags = vec![id("vip")];
    customers[1].tags = vec![id("vip"), id("si")];
    customers[5].tags = vec![id("vip")];
    let mut conversations = Vec::new();
    for (i, (assignee, status, unread, replied)) in [
        (Some("s1"), ConversationStatus::Processing, true, false),
        (Some("s2"), ConversationStatus::Processed, false, true),
        (None, ConversationStatus::Done, true, true),
        (Some("s1"), ConversationStatus::Processing, false, false),
        (None, ConversationStatus::Processing, false, true),
    ]
    .into_iter()
    .enumerate()
    {
        let mut c = conversation(
            &format!("t{i}"),
            &format!("c{}", i + 1),
            Some(100 * (i as Millis + 1)),
        );
        c.assignee = assignee.map(id);
        c.status = status;
        c.unread = unread;
        c.replied = replied;
        conversations.push(c);
    }
    let orders: HashSet<Id> = [id("c2"), id("c4"), id("c6")].into();
    (customers, conversations, orders)
}

#[test]
fn each_filter_alone_and_combined() {
    let (customers, conversations, orders) = filter_fixture();
    let index = Index::build(&customers, &conversations, &orders);
    let q = |f: fn(&mut Query)| {
        let mut query = Query::default();
        f(&mut query);
        found(&index, &query)
    };
    // last_at: c1..c5 = 100..500 (their last message), c6 = 60 (its updated_at).
    assert_eq!(q(|_| {}), ["c5", "c4", "c3", "c2", "c1", "c6"]);
    assert_eq!(q(|q| q.tag = Some(id("vip"))), ["c2", "c1", "c6"]);
    assert_eq!(q(|q| q.tag = Some(id("si"))), ["c2"]);
    assert_eq!(q(|q| q.tag = Some(id("none"))), Vec::<String>::new());
    assert_eq!(q(|q| q.assignee = Some(Some(id("s1")))), ["c4", "c1"]);
    // Unassigned: conversations without an assignee; c6 has no conversation at all.
    assert_eq!(q(|q| q.assignee = Some(None)), ["c5", "c3"]);
    assert_eq!(
        q(|q| q.status = Some(ConversationStatus::Processing)),
        ["c5", "c4", "c1"]
    );
    assert_eq!(q(|q| q.status = Some(ConversationStatus::Done)), ["c3"]);
    assert_eq!(q(|q| q.unread_only = true), ["c3", "c1"]);
    assert_eq!(q(|q| q.unreplied_only = true), ["c4", "c1"]);
    assert_eq!(q(|q| q.has_order = Some(true)), ["c4", "c2", "c6"]);
    assert_eq!(q(|q| q.has_order = Some(false)), ["c5", "c3", "c1"]);
    // Date range, both ends inclusive.
    assert_eq!(q(|q| q.from = Some(300)), ["c5", "c4", "c3"]);
    assert_eq!(q(|q| q.to = Some(200)), ["c2", "c1", "c6"]);
    assert_eq!(
        q(|q| {
            q.from = Some(200);
            q.to = Some(400);
        }),
        ["c4", "c3", "c2"]
    );
    assert_eq!(
        q(|q| {
            q.from = Some(401);
            q.to = Some(499);
        }),
        Vec::<String>::new()
    );
    // Combined.
    assert_eq!(
        q(|q| {
            q.tag = Some(id("vip"));
            q.unreplied_only = true;
        }),
        ["c1"]
    );
    assert_eq!(
        q(|q| {
            q.has_order = Some(true);
            q.assignee = Some(Some(id("s1")));
            q.status = Some(ConversationStatus::Processing);
            q.to = Some(400);
        }),
        ["c4"]
    );
    assert_eq!(
        found(
            &index,
            &Query {
                text: "khach 2".into(),
                tag: Some(id("vip")),
                has_order: Some(true),
                ..Query::default()
            }
        ),
        ["c2"]
    );
    assert!(!Query::text("x").filters());
    assert!(Query {
        to: Some(1),
        ..Query::default()
    }
    .filters());
}

#[test]
fn rows_carry_the_most_recent_conversation() {
    let customers = [
        with_phone(customer("c1", "Lan", 7), "0912345678"),
        customer("c2", "Hoa", 9),
    ];
    let mut old = conversation("1", "c1", Some(50));
    old.unread = true;
    // No message yet: sorted by its updated_at, which is later than the other's last message.
    let mut new = conversation("2", "c1", None);
    new.updated_at = 80;
    new.platform = Platform::Messenger;
    new.assignee = Some(id("s1"));
    let orphan = conversation("3", "gone", Some(999));
    let orders: HashSet<Id> = [id("c2")].into();
    let all = [old.clone(), new.clone(), orphan];
    let got = rows(&customers, &all, &orders);
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].conversation_id, Some(new.id.clone()));
    assert_eq!(got[0].last_at, 80);
    assert_eq!(got[0].platform, Some(Platform::Messenger));
    assert_eq!(got[0].assignee, Some(id("s1")));
    assert!(!got[0].unread);
    assert_eq!(got[0].phone.as_deref(), Some("0912345678"));
    assert!(!got[0].has_order);
    assert_eq!(
        got[1],
        Row {
            customer_id: id("c2"),
            conversation_id: None,
            name: "Hoa".into(),
            phone: None,
            tags: vec![],
            assignee: None,
            status: ConversationStatus::Processing,
            unread: false,
            replied: false,
            has_order: true,
            last_at: 9,
            platform: None,
        }
    );
    assert_eq!(row(&customers[0], &all, false), got[0]);
    assert_eq!(row(&customers[1], &all, true), got[1]);
}

#[test]
fn the_empty_query_lists_everyone_newest_first_ties_by_id() {
    let index = index_of(&[
        customer("b", "B", 5),
        customer("a", "A", 5),
        customer("c", "C", 9),
        customer("d", "D", 1),
    ]);
    assert_eq!(found(&index, &Query::default()), ["c", "a", "b", "d"]);
    assert_eq!(index.len(), 4);
}

#[test]
fn one_customer_is_updated_and_removed_without_a_rebuild() {
    let customers = vec![
        customer("c1", "Lan", 1),
        customer("c2", "Hoa", 2),
        customer("c3", "Mai", 3),
    ];
    let mut index = index_of(&customers);
    let renamed = with_note(customer("c1", "Lan Anh", 10), "khách sỉ");
    index.upsert(row(&renamed, &[], true), &renamed);
    assert_eq!(text(&index, "lan anh"), ["c1"]);
    assert_eq!(text(&index, "si"), ["c1"]);
    assert_eq!(found(&index, &Query::default()), ["c1", "c3", "c2"]);
    assert!(index.get(&id("c1")).unwrap().has_order);
    let added = customer("c4", "Lan", 0);
    index.upsert(row(&added, &[], false), &added);
    assert_eq!(text(&index, "lan"), ["c1", "c4"]);
    assert_eq!(
        index.remove(&id("c1")).map(|r| r.name),
        Some("Lan Anh".into())
    );
    assert_eq!(index.remove(&id("c1")), None);
    assert_eq!(text(&index, "lan"), ["c4"]);
    assert_eq!(found(&index, &Query::default()), ["c3", "c2", "c4"]);
    // Many updates of one customer: the dead text is compacted, results stay right.
    for i in 0..100 {
        let c = customer("c2", &format!("Hoa {i}"), 20 + i);
        index.upsert(row(&c, &[], false), &c);
    }
    assert_eq!(text(&index, "hoa 99"), ["c2"]);
    assert!(text(&index, "hoa 98").is_empty());
    assert_eq!(found(&index, &Query::default()), ["c2", "c3", "c4"]);
    for n in 0..index.len() as u32 {
        let hay = index.haystack_of(n);
        assert_eq!(hay, index.row(n).name.to_lowercase(), "row {n}");
    }
}

#[test]
fn from_rows_uses_the_customers_and_falls_back_to_name_and_phone() {
    let known = with_note(customer("c1", "Lan", 1), "áo dài");
    let rows = vec![
        row(&known, &[], false),
        Row {
            phone: Some("0912345678".into()),
            ..row(&customer("c2", "Hoa", 2), &[], false)
        },
    ];
    let index = Index::from_rows(rows, std::slice::from_ref(&known));
    assert_eq!(text(&index, "ao dai"), ["c1"]);
    assert_eq!(text(&index, "hoa 0912"), ["c2"]);
}

// ---- Property test against a naive reference ------------------------------------------------

/// Folding by Unicode decomposition: an implementation independent of `phone::fold`.
fn ref_fold(s: &str) -> String {
    let plain: String = s
        .nfd()
        .filter(|c| !('\u{0300}'..='\u{036F}').contains(c))
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect();
    plain
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn ref_fields(c: &Customer) -> Vec<String> {
    let mut raw: Vec<String> = vec![c.name.clone()];
    raw.extend(c.identities.iter().filter_map(|i| i.username.clone()));
    raw.extend(c.phones.iter().map(|p| p.number.clone()));
    raw.extend(c.emails.iter().cloned());
    for n in &c.notes {
        raw.push(n.text.clone());
        if n.text.chars().filter(char::is_ascii_digit).count() >= 9 {
            raw.extend(extract_phones(&n.text).into_iter().map(|p| p.number));
        }
    }
    for a in &c.addresses {
        raw.push(a.one_line());
        raw.extend(a.recipient.clone());
        if let Some(p) = &a.phone {
            raw.push(parse_phone(p).map_or(p.clone(), |f| f.number));
        }
    }
    raw.iter().map(|f| ref_fold(f)).collect()
}

/// The alternatives of one query token, per the module's rules.
fn ref_token(raw: &str) -> Vec<String> {
    let phone_like = raw.chars().any(|c| c.is_ascii_digit())
        && raw
            .chars()
            .all(|c| c.is_ascii_digit() || "+.-()".contains(c));
    if !phone_like {
        let f = ref_fold(raw);
        return if f.is_empty() { vec![] } else { vec![f] };
    }
    let d: String = raw.chars().filter(char::is_ascii_digit).collect();
    let plus = raw.trim_start_matches('(').starts_with('+');
    let mut alts = Vec::new();
    if plus && d.starts_with("84") {
        alts.push(format!("0{}", &d[2..]));
    } else if let Some(rest) = d.strip_prefix("0084") {
        alts.push(format!("0{rest}"));
    } else {
        if d.len() > 2 && d.starts_with("84") {
            alts.push(format!("0{}", &d[2..]));
        }
        alts.push(d);
    }
    // As a note folds it: "0912.345.678" → "0912 345 678".
    let folded = ref_fold(raw);
    if folded.contains(' ') {
        alts.push(folded);
    }
    alts
}

/// One row per customer with its most recent conversation, the slow way.
fn ref_rows(
    customers: &[Customer],
    conversations: &[ConversationRecord],
    orders: &HashSet<Id>,
) -> Vec<Row> {
    customers
        .iter()
        .map(|c| {
            let mut own: Vec<&ConversationRecord> = conversations
                .iter()
                .filter(|v| v.customer_id == c.id)
                .collect();
            own.sort_by_key(|v| (v.last_message_at.unwrap_or(v.updated_at), v.id.clone()));
            let latest = own.last();
            Row {
                customer_id: c.id.clone(),
                conversation_id: latest.map(|v| v.id.clone()),
                name: c.name.clone(),
                phone: c.primary_phone().map(str::to_owned),
                tags: c.tags.clone(),
                assignee: latest.and_then(|v| v.assignee.clone()),
                status: latest.map_or(ConversationStatus::Processing, |v| v.status),
                unread: latest.is_some_and(|v| v.unread),
                replied: latest.is_some_and(|v| v.replied),
                has_order: orders.contains(&c.id),
                last_at: latest.map_or(c.updated_at, |v| v.last_message_at.unwrap_or(v.updated_at)),
                platform: latest.map(|v| v.platform),
            }
        })
        .collect()
}

fn ref_search(customers: &[Customer], all_rows: &[Row], q: &Query) -> Vec<String> {
    let tokens: Vec<Vec<String>> = q
        .text
        .split_whitespace()
        .map(ref_token)
        .filter(|t| !t.is_empty())
        .collect();
    let by_id: HashMap<&Id, &Customer> = customers.iter().map(|c| (&c.id, c)).collect();
    let mut hits: Vec<&Row> = all_rows
        .iter()
        .filter(|r| {
            let fields = ref_fields(by_id[&r.customer_id]);
            let text_ok = tokens.iter().all(|alts| {
                alts.iter()
                    .any(|a| fields.iter().any(|f| f.contains(a.as_str())))
            });
            let conv = r.conversation_id.is_some();
            let needs_conv =
                q.assignee.is_some() || q.status.is_some() || q.unread_only || q.unreplied_only;
            text_ok
                && (conv || !needs_conv)
                && q.tag.as_ref().is_none_or(|t| r.tags.contains(t))
                && q.assignee.as_ref().is_none_or(|a| a == &r.assignee)
                && q.status.is_none_or(|s| s == r.status)
                && (!q.unread_only || r.unread)
                && (!q.unreplied_only || !r.replied)
                && q.has_order.is_none_or(|h| h == r.has_order)
                && q.from.is_none_or(|f| r.last_at >= f)
                && q.to.is_none_or(|t| r.last_at <= t)
        })
        .collect();
    hits.sort_by_key(|r| (Reverse(r.last_at), r.customer_id.clone()));
    hits.into_iter().map(|r| r.customer_id.0.clone()).collect()
}

/// Words in several spellings: composed, decomposed, upper case, without marks.
const WORDS: &[&str] = &[
    "Nguyễn",
    "nguyen",
    "NGUYỄN",
    "Nguye\u{0302}\u{0303}n",
    "Văn",
    "van",
    "Thị",
    "Lan",
    "Lân",
    "Đức",
    "duc",
    "Hoà",
    "Hòa",
    "Ân",
    "an",
    "Ơn",
    "Ưng",
    "giao",
    "áo",
    "dài",
    "0912",
    "345",
    "1.250.000",
];
const PHONES: &[&str] = &["0912345678", "0987654321", "0283823456", "0358000111"];
const WRITTEN_PHONES: &[&str] = &[
    "0912 345 678",
    "+84 987 654 321",
    "0912.345.678",
    "sđt 0358000111",
    "84912345678",
];
const TOKENS: &[&str] = &[
    "ng",
    "nguyen",
    "NGUYỄN",
    "van",
    "lan",
    "lân",
    "an",
    "ân",
    "đức",
    "duc",
    "hoa",
    "hòa",
    "ao",
    "ung",
    "on",
    "0912",
    "345",
    "678",
    "+84912",
    "84912",
    "84 9",
    "849",
    "0084987",
    "0912.345",
    "0912-345-678",
    "(+84)",
    "1.250",
    "250.000",
    "lan.an",
    "!!",
    "+",
    "x",
];

fn text_of(n: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(WORDS).prop_map(str::to_owned),
            1 => prop::sample::select(WRITTEN_PHONES).prop_map(str::to_owned),
            1 => Just(",".to_owned()),
        ],
        0..n,
    )
    .prop_map(|w| w.join(" "))
}

fn arb_customer(i: usize) -> impl Strategy<Value = Customer> {
    (
        text_of(4),
        prop::collection::vec(prop::sample::select(PHONES), 0..3),
        prop::collection::vec(text_of(5), 0..3),
        prop::option::of(text_of(3)),
        prop::collection::vec(0..3u8, 0..3),
        0..6i64,
        any::<bool>(),
    )
        .prop_map(
            move |(name, phones, notes, street, tags, updated, username)| {
                let mut c = customer(&format!("c{i}"), &name, updated * 10);
                for p in phones {
                    c.add_phone(p, Source::Chat, 0);
                }
                for n in notes {
                    c = with_note(c, &n);
                }
                if let Some(street) = street {
                    c.add_address(CustomerAddress {
                        id: id("a"),
                        street,
                        ..CustomerAddress::default()
                    });
                }
                if username {
                    c.identities.push(Identity {
                        platform: Platform::Facebook,
                        account: None,
                        thread_id: None,
                        username: Some(format!("lan.an{i}")),
                        profile_url: None,
                    });
                }
                for t in tags {
                    let t = Id(format!("t{t}"));
                    if !c.tags.contains(&t) {
                        c.tags.push(t);
                    }
                }
                c
            },
        )
}

fn arb_conversation(customers: usize) -> impl Strategy<Value = ConversationRecord> {
    (
        0..customers + 1,
        0..1000u32,
        prop::option::of(0..6i64),
        0..6i64,
        0..3u8,
        0..3usize,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(owner, thread, last, updated, staff, status, unread, replied)| {
                // `owner == customers` is a conversation of a customer that does not exist.
                let mut c = conversation(&thread.to_string(), &format!("c{owner}"), None);
                c.last_message_at = last.map(|l| l * 10 + 5);
                c.updated_at = updated * 10 + 5;
                c.assignee = (staff > 0).then(|| Id(format!("s{staff}")));
                c.status = ConversationStatus::ALL[status];
                c.unread = unread;
                c.replied = replied;
                c
            },
        )
}

/// Each filter is set one time in five, so that combined filters still let rows through.
fn arb_query() -> impl Strategy<Value = Query> {
    (
        prop::collection::vec(prop::sample::select(TOKENS), 0..3),
        option::weighted(0.2, 0..4u8),
        option::weighted(0.2, option::of(1..4u8)),
        option::weighted(0.2, 0..3usize),
        (bool::weighted(0.2), bool::weighted(0.2)),
        option::weighted(0.2, any::<bool>()),
        option::weighted(0.2, 0..7i64),
        option::weighted(0.2, 0..7i64),
    )
        .prop_map(
            |(words, tag, assignee, status, (unread_only, unreplied_only), has_order, from, to)| {
                Query {
                    text: words.join(" "),
                    tag: tag.map(|t| Id(format!("t{t}"))),
                    assignee: assignee.map(|a| a.map(|a| Id(format!("s{a}")))),
                    status: status.map(|s| ConversationStatus::ALL[s]),
                    unread_only,
                    unreplied_only,
                    has_order,
                    from: from.map(|f| f * 10),
                    to: to.map(|t| t * 10 + 5),
                }
            },
        )
}

fn arb_shop() -> impl Strategy<Value = (Vec<Customer>, Vec<ConversationRecord>, HashSet<Id>)> {
    (0..12usize).prop_flat_map(|n| {
        (
            (0..n).map(arb_customer).collect::<Vec<_>>(),
            prop::collection::vec(arb_conversation(n), 0..2 * n + 1),
            prop::collection::vec(0..n.max(1), 0..n + 1),
        )
            .prop_map(|(customers, conversations, ordered)| {
                let orders = ordered.into_iter().map(|i| Id(format!("c{i}"))).collect();
                (customers, conversations, orders)
            })
    })
}

#[derive(Clone, Debug)]
enum Op {
    /// Replace customer `i` with a fresh one (or add it).
    Upsert(usize, Box<Customer>, bool),
    Remove(usize),
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn search_equals_the_naive_reference(
        (customers, conversations, orders) in arb_shop(),
        queries in prop::collection::vec(arb_query(), 1..6),
    ) {
        let all_rows = rows(&customers, &conversations, &orders);
        prop_assert_eq!(&all_rows, &ref_rows(&customers, &conversations, &orders));
        let index = Index::build(&customers, &conversations, &orders);
        for q in &queries {
            prop_assert_eq!(found(&index, q), ref_search(&customers, &all_rows, q), "{:?}", q);
            // Text alone, so that text matching is checked even when filters reject all.
            let t = Query::text(q.text.clone());
            prop_assert_eq!(found(&index, &t), ref_search(&customers, &all_rows, &t), "{:?}", t);
        }
    }

    #[test]
    fn incremental_changes_equal_a_fresh_index(
        (customers, conversations, orders) in arb_shop(),
        ops in prop::collection::vec(
            prop_oneof![
                3 => (0..14usize, 0..14usize, any::<bool>())
                    .prop_flat_map(|(i, j, o)| arb_customer(j).prop_map(move |c| Op::Upsert(i, Box::new(c), o))),
                1 => (0..14usize).prop_map(Op::Remove),
            ],
            0..25,
        ),
        queries in prop::collection::vec(arb_query(), 1..4),
    ) {
        let mut index = Index::build(&customers, &conversations, &orders);
        let mut model: Vec<(Customer, Row)> = customers
            .iter()
            .cloned()
            .zip(rows(&customers, &conversations, &orders))
            .collect();
        for op in ops {
            match op {
                Op::Upsert(i, mut c, has_order) => {
                    // Customer ids c0..c13: an existing one is replaced, a new one added.
                    c.id = Id(format!("c{i}"));
                    let r = row(&c, &conversations, has_order);
                    index.upsert(r.clone(), &c);
                    model.retain(|(m, _)| m.id != c.id);
                    model.push((*c, r));
                }
                Op::Remove(i) => {
                    let gone = Id(format!("c{i}"));
                    let expected = model.iter().position(|(m, _)| m.id == gone);
                    let removed = index.remove(&gone);
                    prop_assert_eq!(removed.is_some(), expected.is_some());
                    model.retain(|(m, _)| m.id != gone);
                }
            }
        }
        prop_assert_eq!(index.len(), model.len());
        let model_customers: Vec<Customer> = model.iter().map(|(c, _)| c.clone()).collect();
        let model_rows: Vec<Row> = model.iter().map(|(_, r)| r.clone()).collect();
        for n in 0..index.len() as u32 {
            let r = index.row(n);
            prop_assert_eq!(index.get(&r.customer_id), Some(r));
            let c = model_customers.iter().find(|c| c.id == r.customer_id).unwrap();
            prop_assert_eq!(index.haystack_of(n), haystack(c));
        }
        for q in queries.iter().chain([&Query::default()]) {
            prop_assert_eq!(found(&index, q), ref_search(&model_customers, &model_rows, q), "{:?}", q);
        }
    }
}
