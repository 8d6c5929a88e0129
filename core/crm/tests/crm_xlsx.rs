//! XLSX import of customers (`nobi_tabular::xlsx` + `import::plan_import_rows`), on the
//! fixtures written by `tests/data/import/make_xlsx.py`, which the e2e tests reuse.

use nobi_crm::import::{plan_import, plan_import_rows, Field, ImportErrorKind, ImportPlan};
use nobi_crm::{Customer, Date, Tag};
use nobi_i18n::Lang;
use nobi_tabular::xlsx::{is_xlsx, read_first_sheet, sheet_rows, Workbook, XlsxError};
use proptest::prelude::*;

const NOW: i64 = 1_750_000_000_000;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/import/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn rows_of(bytes: &[u8]) -> Result<Vec<Vec<String>>, XlsxError> {
    read_first_sheet(bytes)
}

fn plan_rows(rows: Vec<Vec<String>>, existing: &[Customer], tags: &[Tag]) -> ImportPlan {
    let mut n = 0u64;
    plan_import_rows(rows, existing, tags, NOW, &mut || {
        n += 1;
        n
    })
}

fn plan_csv(bytes: &[u8]) -> ImportPlan {
    let mut n = 0u64;
    plan_import(bytes, &[], &[], NOW, &mut || {
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

#[test]
fn the_vietnamese_workbook_gives_exactly_the_customers_of_the_csv_file() {
    let xlsx = fixture("customers-vi.xlsx");
    assert!(is_xlsx(&xlsx));
    let rows = rows_of(&xlsx).unwrap();
    assert_eq!(rows.len(), 31);
    // The empty column D keeps the columns aligned.
    assert_eq!(rows[0][2], "Số điện thoại");
    assert_eq!(rows[0][3], "");
    assert_eq!(rows[0][4], "Email");
    assert_eq!(rows[1][1], "Nguyễn Thị Lan");
    assert_eq!(
        rows[1][6], "33913",
        "a date serial stays a number in the rows"
    );
    assert_eq!(
        rows[2][1], "Trần Văn Minh",
        "rich text runs, one with a space"
    );
    assert_eq!(
        rows[3][1], "Lê Thị Hồng Nhung",
        "character references, no phonetic run"
    );
    assert_eq!(rows[4][1], "Phạm Quốc Bảo", "a formula's cached string");
    assert_eq!(rows[8][2], "369852147", "Excel dropped the 0");
    assert_eq!(rows[9][2], "398765432", "pandas' 398765432.0");
    assert_eq!(rows[11][1], "Dương Thị Thu", "cells without r");
    assert_eq!(rows[11][6], "36475");
    assert_eq!(rows[13][9], "Dòng 1 của ghi chú\nDòng 2: giao sau 17h");

    let p = plan_rows(rows, &[], &[]);
    assert!(p.is_ok(), "{:#?}", p.errors);
    assert_eq!(p.rows, 30);
    assert_eq!(p.creates.len(), 30);
    let fields: Vec<Option<Field>> = p.columns.iter().map(|(_, f)| *f).collect();
    assert_eq!(
        fields,
        vec![
            None,
            Some(Field::Name),
            Some(Field::Phone),
            None,
            Some(Field::Email),
            Some(Field::Address),
            Some(Field::Birthday),
            Some(Field::Gender),
            Some(Field::Tags),
            Some(Field::Note),
            Some(Field::Facebook),
        ]
    );
    assert_eq!(p.ignored_columns().collect::<Vec<_>>(), vec!["STT", ""]);

    // The same customers, tags, ids and preview as the CSV file.
    let csv = plan_csv(&fixture("customers-vi.csv"));
    assert!(csv.is_ok());
    assert_eq!(p.creates, csv.creates);
    assert_eq!(p.new_tags, csv.new_tags);
    assert_eq!(p.preview, csv.preview);
    let lan = p
        .creates
        .iter()
        .find(|c| c.name == "Nguyễn Thị Lan")
        .unwrap();
    assert_eq!(lan.birthday, Date::new(1992, 11, 5));
    let anh = p.creates.iter().find(|c| c.name == "Bùi Ngọc Ánh").unwrap();
    assert_eq!(anh.phone_keys, vec!["0369852147"]);
}

#[test]
fn the_first_visible_tab_is_read_through_the_relationships() {
    let xlsx = fixture("customers-vi.xlsx");
    let mut workbook = Workbook::open(&xlsx).unwrap();
    let workbook_xml = workbook.part("xl/workbook.xml").unwrap().unwrap();
    let rels_xml = workbook
        .part("xl/_rels/workbook.xml.rels")
        .unwrap()
        .unwrap();
    let sheet = workbook
        .sheet_parts(Some(&workbook_xml), Some(&rels_xml))
        .unwrap();
    // Tabs: "Cấu hình" (hidden, sheet3), "Khách hàng" (sheet2), "Hướng dẫn" (sheet1).
    assert_eq!(sheet.sheet, "xl/worksheets/sheet2.xml");
    let shared = sheet.shared_strings.as_deref().unwrap();
    assert_eq!(shared, "xl/sharedStrings.xml");
    let sheet_xml = workbook.part(&sheet.sheet).unwrap().unwrap();
    let shared_xml = workbook.part(shared).unwrap().unwrap();
    let rows = sheet_rows(&sheet_xml, Some(&shared_xml)).unwrap();
    assert_eq!(rows, rows_of(&xlsx).unwrap());

    // Without the workbook's parts: sheet1.xml, here the guide, which has no header.
    let fallback = workbook.sheet_parts(None, None).unwrap();
    assert_eq!(fallback.sheet, "xl/worksheets/sheet1.xml");
    let guide_xml = workbook.part(&fallback.sheet).unwrap().unwrap();
    let guide = sheet_rows(&guide_xml, None).unwrap();
    assert!(guide[0][0].starts_with("Hướng dẫn"));
    assert_eq!(
        errors(&plan_rows(guide, &[], &[])),
        vec![(None, None, ImportErrorKind::NoHeader)]
    );
}

#[test]
fn the_malformed_workbook_reports_every_row_by_its_sheet_number_and_imports_nothing() {
    let p = plan_rows(
        rows_of(&fixture("customers-malformed.xlsx")).unwrap(),
        &[],
        &[],
    );
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
            (Some(10), Some("I"), UnnamedColumn),
            (
                Some(11),
                Some("Ngày sinh"),
                InvalidBirthday {
                    value: "1990".into()
                }
            ),
        ]
    );
    assert_eq!(p.rows, 10);
    assert_eq!(p.preview[0].row, 2);
    assert_eq!(p.preview[0].birthday, Date::new(1992, 11, 5));
    assert!(!p.preview[0].has_errors);
    assert_eq!(p.preview[2].row, 4);
    assert!(p.preview[2].has_errors);
    assert_eq!(
        p.errors[6].message(Lang::Vi),
        "Dòng 10, cột «I»: ô này có dữ liệu nhưng cột của nó không có tên ở dòng tiêu đề. Hãy thêm tên cột vào dòng tiêu đề (ví dụ «Ghi chú»), hoặc xoá dữ liệu ở cột này."
    );
    assert_eq!(
        p.errors[2].message(Lang::En),
        "Row 6, column “SĐT”: 0912345678 is already on row 2. Merge the two rows into one or delete one of them."
    );
}

#[test]
fn the_csv_reader_still_refuses_a_workbook() {
    let p = plan_csv(&fixture("customers-vi.xlsx"));
    assert_eq!(errors(&p), vec![(None, None, ImportErrorKind::ExcelFile)]);
}

// ---------------------------------------------------------------------------------------------
// Containers made here: a small zip writer (stored entries), zip64 and broken variants.

fn crc32(bytes: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in bytes {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// A zip of stored entries; with `zip64`, the end record and the sizes point to zip64 records.
fn zip(entries: &[(&str, &str)], zip64: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, text) in entries {
        let data = text.as_bytes();
        let offset = out.len() as u32;
        let crc = crc32(data);
        let size = data.len() as u32;
        out.extend(0x0403_4b50u32.to_le_bytes());
        out.extend([20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        out.extend(crc.to_le_bytes());
        out.extend(size.to_le_bytes());
        out.extend(size.to_le_bytes());
        out.extend((name.len() as u16).to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out.extend(name.as_bytes());
        out.extend(data);
        central.extend(0x0201_4b50u32.to_le_bytes());
        central.extend([20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        central.extend(crc.to_le_bytes());
        let (sizes, local, extra) = if zip64 {
            let mut extra = vec![1, 0, 24, 0];
            extra.extend(u64::from(size).to_le_bytes());
            extra.extend(u64::from(size).to_le_bytes());
            extra.extend(u64::from(offset).to_le_bytes());
            (u32::MAX, u32::MAX, extra)
        } else {
            (size, offset, Vec::new())
        };
        central.extend(sizes.to_le_bytes());
        central.extend(sizes.to_le_bytes());
        central.extend((name.len() as u16).to_le_bytes());
        central.extend((extra.len() as u16).to_le_bytes());
        central.extend([0; 6]); // comment length, disk, internal attributes
        central.extend(0u32.to_le_bytes()); // external attributes
        central.extend(local.to_le_bytes());
        central.extend(name.as_bytes());
        central.extend(extra);
    }
    let directory_at = out.len();
    out.extend(&central);
    if zip64 {
        let record_at = out.len();
        out.extend(0x0606_4b50u32.to_le_bytes());
        out.extend(44u64.to_le_bytes());
        out.extend([45, 0, 45, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        out.extend((entries.len() as u64).to_le_bytes());
        out.extend((entries.len() as u64).to_le_bytes());
        out.extend((central.len() as u64).to_le_bytes());
        out.extend((directory_at as u64).to_le_bytes());
        out.extend(0x0706_4b50u32.to_le_bytes());
        out.extend(0u32.to_le_bytes());
        out.extend((record_at as u64).to_le_bytes());
        out.extend(1u32.to_le_bytes());
    }
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0; 4]);
    let (count, size, at) = if zip64 {
        (u16::MAX, u32::MAX, u32::MAX)
    } else {
        (
            entries.len() as u16,
            central.len() as u32,
            directory_at as u32,
        )
    };
    out.extend(count.to_le_bytes());
    out.extend(count.to_le_bytes());
    out.extend(size.to_le_bytes());
    out.extend(at.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

const SHEET: &str = r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>Tên</t></is></c><c r="B1" t="inlineStr"><is><t>SĐT</t></is></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><t>Lan</t></is></c><c r="B2"><v>912345678</v></c></row>
</sheetData></worksheet>"#;

#[test]
fn stored_zip64_and_backslashed_names_are_read() {
    for zip64 in [false, true] {
        let bytes = zip(&[("xl\\Worksheets\\Sheet1.xml", SHEET)], zip64);
        let rows = rows_of(&bytes).unwrap();
        assert_eq!(rows[1], vec!["Lan", "912345678"], "zip64: {zip64}");
        let p = plan_rows(rows, &[], &[]);
        assert!(p.is_ok(), "{:?}", p.errors);
        assert_eq!(p.creates[0].phone_keys, vec!["0912345678"]);
    }
    // Without workbook.xml or sheet1.xml: the first worksheet by number.
    let bytes = zip(
        &[
            ("xl/worksheets/sheet10.xml", "<worksheet/>"),
            ("xl/worksheets/sheet2.xml", SHEET),
        ],
        false,
    );
    assert_eq!(rows_of(&bytes).unwrap().len(), 2);
}

fn kind(result: Result<Vec<Vec<String>>, XlsxError>) -> ImportErrorKind {
    ImportErrorKind::from(result.unwrap_err())
}

#[test]
fn broken_containers_say_what_to_do() {
    let good = fixture("customers-vi.xlsx");
    let damaged = |k: &ImportErrorKind| matches!(k, ImportErrorKind::WorkbookDamaged { .. });

    // Truncated (a download cut short): no end record.
    assert!(damaged(&kind(rows_of(&good[..good.len() / 2]))));
    assert!(damaged(&kind(rows_of(b"PK\x03\x04"))));
    // Not a workbook: a zip of something else.
    assert_eq!(
        kind(rows_of(&zip(&[("word/document.xml", "<w/>")], false))),
        ImportErrorKind::WorkbookNoSheet
    );
    let e = nobi_crm::import::ImportError {
        row: None,
        column: None,
        kind: ImportErrorKind::WorkbookNoSheet,
    };
    assert!(e
        .message(Lang::Vi)
        .contains("Hãy mở tệp trong Excel và lưu lại dạng .xlsx hoặc CSV UTF-8"));

    // The central directory's entries, to change their flags, method, CRC.
    let directory: Vec<usize> = (0..good.len() - 4)
        .filter(|&i| good[i..i + 4] == [0x50, 0x4b, 0x01, 0x02])
        .collect();
    assert_eq!(directory.len(), 9);
    let entry_named = |name: &str| {
        *directory
            .iter()
            .find(|&&at| {
                let n = u16::from_le_bytes([good[at + 28], good[at + 29]]) as usize;
                &good[at + 46..at + 46 + n] == name.as_bytes()
            })
            .unwrap()
    };
    let sheet2 = entry_named("xl/worksheets/sheet2.xml");

    let mut encrypted = good.clone();
    for &at in &directory {
        encrypted[at + 8] |= 1;
    }
    assert_eq!(
        kind(rows_of(&encrypted)),
        ImportErrorKind::WorkbookEncrypted
    );
    let mut only_sheet_encrypted = good.clone();
    only_sheet_encrypted[sheet2 + 8] |= 1;
    assert_eq!(
        kind(rows_of(&only_sheet_encrypted)),
        ImportErrorKind::WorkbookEncrypted
    );

    let mut bzip2 = good.clone();
    bzip2[sheet2 + 10] = 12;
    assert_eq!(
        kind(rows_of(&bzip2)),
        ImportErrorKind::WorkbookDamaged {
            detail: "xl/worksheets/sheet2.xml: compression method 12".into()
        }
    );

    let mut bad_crc = good.clone();
    bad_crc[sheet2 + 16] ^= 0xFF;
    assert_eq!(
        kind(rows_of(&bad_crc)),
        ImportErrorKind::WorkbookDamaged {
            detail: "xl/worksheets/sheet2.xml: CRC".into()
        }
    );

    let mut huge = good.clone();
    huge[sheet2 + 24..sheet2 + 28].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(kind(rows_of(&huge)), ImportErrorKind::WorkbookTooLarge);

    // The sheet's deflated bytes overwritten: inflating fails or the CRC does not match.
    let local = u32::from_le_bytes([
        good[sheet2 + 42],
        good[sheet2 + 43],
        good[sheet2 + 44],
        good[sheet2 + 45],
    ]) as usize;
    let data = local
        + 30
        + u16::from_le_bytes([good[local + 26], good[local + 27]]) as usize
        + u16::from_le_bytes([good[local + 28], good[local + 29]]) as usize;
    let mut garbled = good.clone();
    for b in &mut garbled[data + 10..data + 60] {
        *b = 0xA5;
    }
    assert!(damaged(&kind(rows_of(&garbled))));

    // Well-formed container, broken XML.
    let bytes = zip(
        &[("xl/worksheets/sheet1.xml", "<worksheet><sheetData><row>")],
        false,
    );
    assert!(damaged(&kind(rows_of(&bytes))));
    let vi = nobi_crm::import::ImportError {
        row: None,
        column: None,
        kind: kind(rows_of(&bytes)),
    }
    .message(Lang::Vi);
    assert!(
        vi.starts_with("Tệp Excel bị hỏng hoặc không đọc được ("),
        "{vi}"
    );
    assert!(
        vi.ends_with("Hãy mở tệp trong Excel và lưu lại dạng .xlsx hoặc CSV UTF-8, rồi nhập lại.")
    );

    // A part whose inflated size differs from the directory's: one byte more or less declared.
    let workbook = entry_named("xl/workbook.xml");
    let declared = u32::from_le_bytes([
        good[workbook + 24],
        good[workbook + 25],
        good[workbook + 26],
        good[workbook + 27],
    ]);
    for wrong in [declared + 1, declared - 1] {
        let mut lying = good.clone();
        lying[workbook + 24..workbook + 28].copy_from_slice(&wrong.to_le_bytes());
        assert!(damaged(&kind(rows_of(&lying))), "{wrong}");
    }
    assert!(rows_of(&good).is_ok());
}

#[test]
fn an_empty_sheet_is_an_empty_file() {
    let bytes = zip(
        &[(
            "xl/worksheets/sheet1.xml",
            "<worksheet><sheetData/></worksheet>",
        )],
        false,
    );
    let p = plan_rows(rows_of(&bytes).unwrap(), &[], &[]);
    assert_eq!(errors(&p), vec![(None, None, ImportErrorKind::Empty)]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn opening_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = Workbook::open(&bytes).map(|mut w| w.part("xl/workbook.xml"));
        let mut zipped = b"PK\x03\x04".to_vec();
        zipped.extend(&bytes);
        let _ = rows_of(&zipped);
    }

    #[test]
    fn damaged_fixtures_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..12),
        cut in any::<prop::sample::Index>(),
        malformed in any::<bool>(),
    ) {
        let mut bytes = fixture(if malformed { "customers-malformed.xlsx" } else { "customers-vi.xlsx" });
        for (at, value) in edits {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        if let Ok(rows) = rows_of(&bytes) {
            let _ = plan_rows(rows, &[], &[]);
        }
        let end = cut.index(bytes.len());
        let _ = rows_of(&bytes[..end]);
    }

    #[test]
    fn sheet_rows_never_panics(sheet in ".{0,400}", shared in proptest::option::of(".{0,200}")) {
        let _ = sheet_rows(&sheet, shared.as_deref());
    }

    #[test]
    fn sheet_rows_never_panics_on_xml_like_text(
        parts in proptest::collection::vec(prop::sample::select(vec![
            "<worksheet>", "</worksheet>", "<sheetData>", "</sheetData>", "<sheetData/>",
            "<row>", "<row r=\"3\">", "<row r=\"x\">", "</row>", "<row/>",
            "<c>", "<c r=\"B2\">", "<c r=\"XFD1\" t=\"s\">", "<c t=\"inlineStr\">", "<c t=\"b\">",
            "<c/>", "</c>", "<v>", "</v>", "<v/>", "<is>", "</is>", "<t>", "</t>",
            "<t xml:space=\"preserve\">", "<r>", "</r>", "<rPh>", "</rPh>", "<si>", "</si>",
            "<sst>", "</sst>", "0", "1", "2.5E3", "Lan", " ", "\n", "&amp;", "&#x1EA1;", "&#0;",
            "&", "<", ">", "<![CDATA[x]]>", "<!-- c -->", "<?xml version=\"1.0\"?>",
            "_x000D_", "<x:c r=\"A1\">", "</x:c>", "'", "\"",
        ]), 0..60),
        shared_parts in proptest::collection::vec(prop::sample::select(vec![
            "<sst>", "</sst>", "<si>", "</si>", "<si/>", "<t>", "</t>", "<r>", "</r>",
            "<rPh>", "</rPh>", "Mai", "&lt;", "&bogus;",
        ]), 0..20),
    ) {
        let sheet = parts.concat();
        let shared = shared_parts.concat();
        let _ = sheet_rows(&sheet, Some(&shared));
        if let Ok(rows) = sheet_rows(&sheet, None) {
            let _ = plan_rows(rows, &[], &[]);
        }
    }
}
