//! CSV import of customers (`nobi_crm::import`), on the fixture files the e2e tests reuse.

use nobi_crm::import::{plan_import, Field, ImportErrorKind, ImportPlan, MAX_ROWS};
use nobi_crm::{Customer, Date, Gender, Id, Source, Tag, TAG_COLORS};
use nobi_i18n::Lang;
use nobi_protocol::Platform;
use proptest::prelude::*;

const NOW: i64 = 1_750_000_000_000;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/import/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn plan(bytes: &[u8], existing: &[Customer], tags: &[Tag]) -> ImportPlan {
    let mut n = 0u64;
    plan_import(bytes, existing, tags, NOW, &mut || {
        n += 1;
        n
    })
}

fn errors(plan: &ImportPlan) -> Vec<(Option<usize>, Option<&str>, ImportErrorKind)> {
    plan.errors
        .iter()
        .map(|e| (e.row, e.column.as_deref(), e.kind.clone()))
        .collect()
}

fn by_name<'a>(customers: &'a [Customer], name: &str) -> &'a Customer {
    customers
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no customer {name}"))
}

fn tag_names(plan: &ImportPlan, tags: &[Tag], customer: &Customer) -> Vec<String> {
    customer
        .tags
        .iter()
        .map(|id| {
            tags.iter()
                .chain(&plan.new_tags)
                .find(|t| &t.id == id)
                .map(|t| t.name.clone())
                .unwrap_or_else(|| panic!("tag {id:?} missing"))
        })
        .collect()
}

#[test]
fn the_vietnamese_fixture_with_bom_and_semicolons_imports_whole() {
    let bytes = fixture("customers-vi.csv");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let p = plan(&bytes, &[], &[]);
    assert!(p.is_ok(), "{:#?}", p.errors);
    assert_eq!(p.delimiter, ';');
    assert_eq!(p.rows, 30);
    assert_eq!(p.creates.len(), 30);
    assert!(p.updates.is_empty());
    assert_eq!(p.preview.len(), 20);
    assert_eq!(p.preview[0].row, 2);
    assert_eq!(p.preview[19].row, 21);
    let fields: Vec<Option<Field>> = p.columns.iter().map(|(_, f)| *f).collect();
    assert_eq!(
        fields,
        vec![
            None,
            Some(Field::Name),
            Some(Field::Phone),
            Some(Field::Email),
            Some(Field::Address),
            Some(Field::Birthday),
            Some(Field::Gender),
            Some(Field::Tags),
            Some(Field::Note),
            Some(Field::Facebook),
        ]
    );
    assert_eq!(p.ignored_columns().collect::<Vec<_>>(), vec!["STT"]);

    // Tags: "VIP" and "vip" are one tag; each new tag created once, colours in order.
    let names: Vec<&str> = p.new_tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, vec!["VIP", "Khách quen", "Khách sỉ", "Khách mới"]);
    for (i, tag) in p.new_tags.iter().enumerate() {
        assert_eq!(tag.color, TAG_COLORS[i]);
        assert_eq!((tag.created_at, tag.updated_at), (NOW, NOW));
    }

    let lan = by_name(&p.creates, "Nguyễn Thị Lan");
    assert_eq!(lan.phone_keys, vec!["0912345678"]);
    assert_eq!(lan.phones[0].source, Source::Import);
    assert!(lan.phones[0].primary);
    assert_eq!(lan.emails, vec!["lan.nguyen@gmail.com"]);
    assert_eq!(lan.birthday, Date::new(1992, 11, 5));
    assert_eq!(lan.gender, Some(Gender::Female));
    assert_eq!(tag_names(&p, &[], lan), vec!["VIP", "Khách quen"]);
    assert_eq!(lan.notes.len(), 1);
    assert_eq!(lan.notes[0].text, "Thích màu hồng, size M");
    assert_eq!(lan.notes[0].at, NOW);
    assert_eq!(lan.addresses.len(), 1);
    let address = &lan.addresses[0];
    assert_eq!(
        address.street,
        "12 Lê Lợi, Phường Bến Nghé, Quận 1, TP Hồ Chí Minh"
    );
    assert!(address.is_default && address.source == Source::Import);
    assert!(address.current_province.is_none() && address.legacy_province.is_none());
    assert_eq!((lan.created_at, lan.updated_at), (NOW, NOW));

    let minh = by_name(&p.creates, "Trần Văn Minh");
    assert_eq!(minh.phone_keys, vec!["0356789012", "0987654321"]);
    assert_eq!(minh.primary_phone(), Some("0987654321"));
    assert_eq!(minh.birthday, Date::new(1988, 3, 20));
    assert_eq!(minh.identity_keys, vec!["fb:u:minh.tran88"]);
    assert_eq!(
        by_name(&p.creates, "Võ Thị Mỹ Duyên").phone_keys,
        vec!["0868445566"]
    );
    // Excel dropped the leading zero.
    assert_eq!(
        by_name(&p.creates, "Bùi Ngọc Ánh").phone_keys,
        vec!["0369852147"]
    );
    let huy = by_name(&p.creates, "Lý Gia Huy");
    assert_eq!(huy.identities[0].platform, Platform::Facebook);
    assert_eq!(huy.identities[0].username, None);
    assert!(huy.identities[0]
        .profile_url
        .as_deref()
        .unwrap()
        .ends_with("id=100012345678901"));
    assert_eq!(
        by_name(&p.creates, "Trịnh Thị Mai").notes[0].text,
        "Dòng 1 của ghi chú\nDòng 2: giao sau 17h"
    );
    assert_eq!(
        by_name(&p.creates, "La Thị Bích").gender,
        Some(Gender::Other)
    );
    // A phone without a name, and a name without a phone, are both customers.
    assert_eq!(by_name(&p.creates, "").phone_keys, vec!["0329887766"]);
    assert!(by_name(&p.creates, "Chị Hạnh (khách Zalo)")
        .phones
        .is_empty());

    // Ids are unique, keys are fresh.
    let mut ids: Vec<&Id> = p.creates.iter().map(|c| &c.id).collect();
    ids.extend(p.new_tags.iter().map(|t| &t.id));
    ids.extend(p.creates.iter().flat_map(|c| c.notes.iter().map(|n| &n.id)));
    ids.extend(
        p.creates
            .iter()
            .flat_map(|c| c.addresses.iter().map(|a| &a.id)),
    );
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count);
    for c in &p.creates {
        let mut fresh = c.clone();
        fresh.refresh_keys();
        assert_eq!(&fresh, c);
    }
}

#[test]
fn the_same_file_in_utf16_with_tabs_gives_the_same_plan() {
    let utf8 = fixture("customers-vi.csv");
    let text = std::str::from_utf8(&utf8[3..]).unwrap().replace(';', "\t");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let p16 = plan(&bytes, &[], &[]);
    assert!(p16.is_ok(), "{:#?}", p16.errors);
    assert_eq!(p16.delimiter, '\t');
    let p8 = plan(&utf8, &[], &[]);
    let names = |p: &ImportPlan| p.creates.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&p16), names(&p8));
    let phones = |p: &ImportPlan| {
        p.creates
            .iter()
            .map(|c| c.phone_keys.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(phones(&p16), phones(&p8));
}

#[test]
fn english_headers_with_commas() {
    let csv = "Full Name,Phone,E-mail,Address,Date of birth,Gender,Tags,Notes,Instagram\n\
        Jane Tran,0912345678,jane@example.com,\"5 Hai Ba Trung, District 1, HCMC\",1990-12-25,female,VIP|Wholesale,prefers mornings,@jane.tran\n\
        Tom Le,0987654321,,,,male,wholesale,,https://instagram.com/tom.le/\n";
    let p = plan(csv.as_bytes(), &[], &[]);
    assert!(p.is_ok(), "{:#?}", p.errors);
    assert_eq!(p.delimiter, ',');
    assert_eq!(p.creates.len(), 2);
    let jane = by_name(&p.creates, "Jane Tran");
    assert_eq!(jane.addresses[0].street, "5 Hai Ba Trung, District 1, HCMC");
    assert_eq!(jane.birthday, Date::new(1990, 12, 25));
    assert_eq!(jane.identity_keys, vec!["ig:u:jane.tran"]);
    assert_eq!(tag_names(&p, &[], jane), vec!["VIP", "Wholesale"]);
    let tom = by_name(&p.creates, "Tom Le");
    assert_eq!(tom.gender, Some(Gender::Male));
    assert_eq!(tom.identity_keys, vec!["ig:u:tom.le"]);
    assert_eq!(tom.tags, vec![jane.tags[1].clone()]);
    assert_eq!(p.new_tags.len(), 2);
}

#[test]
fn an_excel_workbook_is_refused_with_what_to_do() {
    let xlsx = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml";
    let p = plan(xlsx, &[], &[]);
    assert_eq!(errors(&p), vec![(None, None, ImportErrorKind::ExcelFile)]);
    assert!(p.creates.is_empty() && p.columns.is_empty());
    let en = p.errors[0].message(Lang::En);
    assert!(
        en.contains("Excel file") && en.contains("save it as “CSV UTF-8”"),
        "{en}"
    );
    assert!(p.errors[0].message(Lang::Vi).contains("«CSV UTF-8»"));
}

#[test]
fn the_malformed_fixture_reports_every_row_and_imports_nothing() {
    let p = plan(&fixture("customers-malformed.csv"), &[], &[]);
    assert!(!p.is_ok());
    assert!(p.creates.is_empty() && p.updates.is_empty() && p.new_tags.is_empty());
    use ImportErrorKind::*;
    assert_eq!(
        errors(&p),
        vec![
            (
                Some(3),
                Some("SĐT"),
                InvalidPhone {
                    value: "012345".into()
                }
            ),
            (
                Some(4),
                Some("Ngày sinh"),
                InvalidBirthday {
                    value: "31/02/1990".into()
                }
            ),
            (Some(5), None, BrokenQuote),
            (
                Some(6),
                Some("SĐT"),
                DuplicatePhone {
                    phone: "0912345678".into(),
                    first_row: 2
                }
            ),
            (Some(7), None, MissingNameAndPhone),
            (
                Some(8),
                Some("Email"),
                InvalidEmail {
                    value: "trang@gmail".into()
                }
            ),
            (
                Some(9),
                Some("Giới tính"),
                UnknownGender {
                    value: "N/A".into()
                }
            ),
            (
                Some(10),
                None,
                TooManyColumns {
                    found: 9,
                    expected: 7,
                    delimiter: ','
                }
            ),
            (
                Some(10),
                Some("Ngày sinh"),
                InvalidBirthday {
                    value: "Quy Nhơn".into()
                }
            ),
            (
                Some(10),
                Some("Giới tính"),
                UnknownGender {
                    value: "Bình Định".into()
                }
            ),
            (Some(14), None, UnclosedQuote),
        ]
    );
    assert_eq!(p.rows, 12);
    // The preview still shows what was read, and which rows are wrong.
    assert_eq!(p.preview[0].row, 2);
    assert!(!p.preview[0].has_errors);
    assert!(p.preview[1].has_errors);
    assert_eq!(
        p.errors[0].message(Lang::Vi),
        "Dòng 3, cột «SĐT»: «012345» không phải số di động Việt Nam (10 số, bắt đầu bằng 03/05/07/08/09). Hãy sửa lại hoặc xoá số này."
    );
    assert_eq!(
        p.errors[3].message(Lang::En),
        "Row 6, column “SĐT”: 0912345678 is already on row 2. Merge the two rows into one or delete one of them."
    );
}

#[test]
fn the_same_phone_twice_in_a_file_is_an_error_however_it_is_written() {
    let csv = "Tên,SĐT\nLan,0912345678\nMai,0987654321\nLan 2,+84 912 345 678 / 0933123456\n";
    let p = plan(csv.as_bytes(), &[], &[]);
    assert_eq!(
        errors(&p),
        vec![(
            Some(4),
            Some("SĐT"),
            ImportErrorKind::DuplicatePhone {
                phone: "0912345678".into(),
                first_row: 2
            }
        )]
    );
    assert!(p.creates.is_empty());
}

fn existing() -> (Vec<Customer>, Vec<Tag>) {
    let vip = Tag {
        id: Id("tag-vip".into()),
        created_at: 1,
        updated_at: 1,
        name: "VIP".into(),
        color: TAG_COLORS[0].into(),
    };
    let mut lan = Customer {
        id: Id("c-lan".into()),
        created_at: 1,
        updated_at: 1,
        name: "Chị Lan".into(),
        birthday: Date::new(1992, 11, 5),
        tags: vec![vip.id.clone()],
        ..Customer::default()
    };
    lan.add_phone("0912345678", Source::Chat, 1);
    let mut ig = Customer {
        id: Id("c-ig".into()),
        created_at: 1,
        updated_at: 1,
        name: "mai.ng".into(),
        identities: vec![nobi_crm::Identity {
            platform: Platform::Instagram,
            account: None,
            thread_id: Some("777".into()),
            username: Some("mai.ng".into()),
            profile_url: None,
        }],
        ..Customer::default()
    };
    ig.refresh_keys();
    let other = Customer {
        id: Id("c-other".into()),
        name: "Khác".into(),
        ..Customer::default()
    };
    (vec![other, lan, ig], vec![vip])
}

#[test]
fn rows_add_what_existing_customers_lack_and_overwrite_nothing() {
    let (customers, tags) = existing();
    let csv = "Tên,SĐT,Email,Ngày sinh,Giới tính,Nhãn,Ghi chú,Instagram,Địa chỉ\n\
        Nguyễn Thị Lan,+84 912 345 678 / 0977111222,lan@gmail.com,01/01/2000,Nữ,\"vip, Mới\",Khách cũ nhập từ Excel,,\"12 Lê Lợi, Q1\"\n\
        Mai Nguyễn,0905123456,,,,Mới,,https://www.instagram.com/Mai.NG/,\n\
        Hoa,0933123456,,,,,,,\n";
    let p = plan(csv.as_bytes(), &customers, &tags);
    assert!(p.is_ok(), "{:#?}", p.errors);
    assert_eq!(p.creates.len(), 1);
    assert_eq!(p.creates[0].name, "Hoa");
    assert_eq!(p.updates.len(), 2);
    // Issue 13, point 11: what each updated customer had when the plan was made, for the panel
    // to refuse the write if they changed between the preview and the confirm.
    let read_at: Vec<_> = p
        .updates
        .iter()
        .map(|u| customers.iter().find(|c| c.id == u.id).unwrap().updated_at)
        .collect();
    assert_eq!(p.read_at, read_at);
    assert_eq!(p.preview[0].existing, Some(Id("c-lan".into())));
    assert_eq!(p.preview[1].existing, Some(Id("c-ig".into())));
    assert_eq!(p.preview[2].existing, None);
    // Only the missing tag is new; "vip" is the existing VIP.
    assert_eq!(p.new_tags.len(), 1);
    assert_eq!(p.new_tags[0].name, "Mới");
    assert_eq!(p.new_tags[0].color, TAG_COLORS[1]);

    let lan = &p.updates[0];
    assert_eq!(lan.id, Id("c-lan".into()));
    assert_eq!(lan.name, "Chị Lan", "the agent's name is kept");
    assert_eq!(lan.birthday, Date::new(1992, 11, 5), "not overwritten");
    assert_eq!(lan.gender, Some(Gender::Female), "missing, so added");
    assert_eq!(lan.phone_keys, vec!["0912345678", "0977111222"]);
    assert_eq!(lan.primary_phone(), Some("0912345678"));
    assert_eq!(lan.phones[0].source, Source::Chat);
    assert_eq!(lan.phones[1].source, Source::Import);
    assert_eq!(lan.emails, vec!["lan@gmail.com"]);
    assert_eq!(tag_names(&p, &tags, lan), vec!["VIP", "Mới"]);
    assert_eq!(lan.notes[0].text, "Khách cũ nhập từ Excel");
    assert_eq!(lan.addresses[0].street, "12 Lê Lợi, Q1");
    assert_eq!((lan.created_at, lan.updated_at), (1, NOW));

    let mai = &p.updates[1];
    assert_eq!(mai.id, Id("c-ig".into()));
    assert_eq!(
        mai.identities.len(),
        1,
        "the same account is not added twice"
    );
    assert_eq!(mai.phone_keys, vec!["0905123456"]);
    assert_eq!(mai.tags, vec![p.new_tags[0].id.clone()]);

    // Importing the same file again into the result changes nothing.
    let mut after: Vec<Customer> = customers.clone();
    for u in &p.updates {
        let at = after.iter().position(|c| c.id == u.id).unwrap();
        after[at] = u.clone();
    }
    after.extend(p.creates.iter().cloned());
    let all_tags: Vec<Tag> = tags.iter().chain(&p.new_tags).cloned().collect();
    let again = plan(csv.as_bytes(), &after, &all_tags);
    assert!(again.is_ok());
    assert!(again.creates.is_empty(), "{:#?}", again.creates);
    assert!(again.updates.is_empty(), "{:#?}", again.updates);
    assert!(again.new_tags.is_empty());
}

#[test]
fn two_rows_for_one_existing_customer_make_one_update() {
    let (customers, tags) = existing();
    let csv = "SĐT,Email\n0912345678,a@gmail.com\n0912000111 / 0912345678x,\n";
    // The second row's phone cell is wrong: nothing is planned.
    assert!(!plan(csv.as_bytes(), &customers, &tags).is_ok());
    let csv = "SĐT,Email,Ghi chú\n0912345678,a@gmail.com,một\n0977111222,b@gmail.com,hai\n";
    let mut customers = customers;
    customers[1].add_phone("0977111222", Source::Manual, 1);
    let p = plan(csv.as_bytes(), &customers, &tags);
    assert!(p.is_ok(), "{:#?}", p.errors);
    assert_eq!(p.updates.len(), 1);
    assert_eq!(p.updates[0].emails, vec!["a@gmail.com", "b@gmail.com"]);
    assert_eq!(p.updates[0].notes.len(), 2);
}

#[test]
fn more_than_fifty_thousand_rows_are_refused() {
    let mut csv = String::from("Tên,SĐT\n");
    for i in 0..=MAX_ROWS {
        csv.push_str(&format!("Khách {i},09{i:08}\n"));
    }
    let p = plan(csv.as_bytes(), &[], &[]);
    assert_eq!(
        errors(&p),
        vec![(
            None,
            None,
            ImportErrorKind::TooManyRows { rows: MAX_ROWS + 1 }
        )]
    );
    assert!(p.creates.is_empty());
    // One row fewer is fine.
    let last = csv[..csv.len() - 1].rfind('\n').unwrap();
    let p = plan(&csv.as_bytes()[..=last], &[], &[]);
    assert!(p.is_ok(), "{:?}", p.errors.first());
    assert_eq!(p.creates.len(), MAX_ROWS);
}

/// A CSV over the size limit (issue 13, point 16): a failed plan that writes nothing, with the
/// size and the limit in its message.
#[test]
fn a_csv_over_the_size_limit_plans_nothing() {
    let max = nobi_tabular::MAX_CSV_BYTES;
    let mut csv = b"T\xc3\xaan,S\xc4\x90T\nLan,0912345678\n".to_vec();
    csv.resize(max as usize + 1, b'\n');
    let p = plan(&csv, &[], &[]);
    assert_eq!(
        errors(&p),
        vec![(
            None,
            None,
            ImportErrorKind::FileTooLarge {
                bytes: max + 1,
                max
            }
        )]
    );
    assert!(!p.is_ok());
    assert!(p.creates.is_empty() && p.updates.is_empty() && p.new_tags.is_empty());
    assert!(p.errors[0]
        .message(Lang::Vi)
        .starts_with("Tệp quá lớn (33 MB, tối đa 32 MB)."));
    assert!(p.errors[0]
        .message(Lang::En)
        .starts_with("The file is too large (33 MB, at most 32 MB)."));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let p = plan(&bytes, &[], &[]);
        if !p.is_ok() {
            prop_assert!(p.creates.is_empty() && p.updates.is_empty() && p.new_tags.is_empty());
        }
        for e in &p.errors {
            let _ = (e.message(Lang::Vi), e.message(Lang::En));
        }
    }

    #[test]
    fn never_panics_on_csv_like_text(
        body in "(Tên|SĐT|Email|Nhãn|Ghi chú|Ngày sinh|Giới tính|Facebook)?([,;\t\"\r\n ]|0912345678|09[0-9]{8}|Lan|Nữ|[0-9/]{1,10}|[a-z@.]{1,8}|đ|ạ){0,60}"
    ) {
        let text = format!("Tên,SĐT,Email,Nhãn,Ngày sinh\n{body}");
        let (customers, tags) = existing();
        let p = plan(text.as_bytes(), &customers, &tags);
        if p.is_ok() {
            prop_assert!(p.rows > 0);
            for c in p.creates.iter().chain(&p.updates) {
                prop_assert!(!c.name.is_empty() || !c.phones.is_empty());
                let mut fresh = c.clone();
                fresh.refresh_keys();
                prop_assert_eq!(&fresh, c);
            }
        } else {
            prop_assert!(p.creates.is_empty() && p.updates.is_empty() && p.new_tags.is_empty());
        }
        let lines = text.split(['\r', '\n']).count();
        for e in &p.errors {
            prop_assert!(e.row.is_none_or(|r| r >= 2 && r <= lines), "{:?}", e);
        }
    }
}
