//! Examples of what is and is not a phone, one behaviour per test.

use super::*;

fn numbers(text: &str) -> Vec<String> {
    extract_phones(text).into_iter().map(|p| p.number).collect()
}

fn one(text: &str) -> FoundPhone {
    let mut found = extract_phones(text);
    assert_eq!(found.len(), 1, "{text:?}: {found:?}");
    found.pop().unwrap()
}

#[test]
fn plain_and_grouped_mobiles() {
    for text in [
        "0912345678",
        "sdt 0912 345 678 (zalo)",
        "0912.345.678",
        "0912-345-678",
        "09 12 34 56 78",
        "091 234 5678",
        "09.12.34.56.78",
        "0912 345678",
        "0 9 1 2 3 4 5 6 7 8",
        "SĐT:0912345678",
        "sdt0912345678",
        "Zalo0912345678",
    ] {
        assert_eq!(numbers(text), ["0912345678"], "{text:?}");
    }
}

#[test]
fn international_forms() {
    for text in [
        "+84 912345678",
        "+84912345678",
        "84912345678",
        "0084912345678",
        "0084 912 345 678",
        "(+84) 912 345 678",
        "(+84)912345678",
        "+84 (0) 912 345 678",
        "+840912345678",
        "+84-912-345-678",
        "84 912 345 678",
    ] {
        assert_eq!(numbers(text), ["0912345678"], "{text:?}");
    }
    let p = one("gọi (+84) 912 345 678 nhé");
    assert_eq!(p.raw, "(+84) 912 345 678");
    assert_eq!((p.start, p.end), (4, 21));
}

#[test]
fn unicode_tricks() {
    assert_eq!(numbers("０９１２３４５６７８"), ["0912345678"]);
    assert_eq!(numbers("０９１２　３４５　６７８"), ["0912345678"]);
    assert_eq!(
        numbers("09\u{200B}12\u{200B}345\u{200B}678"),
        ["0912345678"]
    );
    assert_eq!(numbers("0912\u{00A0}345\u{00A0}678"), ["0912345678"]);
    assert_eq!(numbers("＋８４ ９１２３４５６７８"), ["0912345678"]);
    let p = one("số: 09\u{200B}12345678 ạ");
    assert_eq!((p.start, p.end), (4, 15));
}

#[test]
fn old_eleven_digit_numbers_are_converted() {
    let p = one("sdt cũ 0168 123 4567");
    assert_eq!(p.number, "0381234567");
    assert_eq!(p.converted_from.as_deref(), Some("01681234567"));
    assert_eq!(p.carrier, Some(Carrier::Viettel));
    assert_eq!(numbers("+84 1234567890"), ["0834567890"]);
    assert_eq!(numbers("01994567890"), ["0594567890"]);
    assert!(numbers("01614567890").is_empty());
}

#[test]
fn landlines() {
    let p = one("Cửa hàng: (024) 3823 4567");
    assert_eq!(p.number, "02438234567");
    assert_eq!(p.kind, PhoneKind::Landline);
    assert_eq!(p.raw, "(024) 3823 4567");
    assert_eq!(numbers("028.3823.4567"), ["02838234567"]);
    assert_eq!(numbers("0236 3821 234"), ["02363821234"]);
    assert_eq!(numbers("+84 28 3823 4567"), ["02838234567"]);
    assert!(numbers("0241 823 4567").is_empty());
}

#[test]
fn carriers() {
    let c = |t: &str| one(t).carrier;
    assert_eq!(c("0961234567"), Some(Carrier::Viettel));
    assert_eq!(c("0861234567"), Some(Carrier::Viettel));
    assert_eq!(c("0911234567"), Some(Carrier::Vinaphone));
    assert_eq!(c("0881234567"), Some(Carrier::Vinaphone));
    assert_eq!(c("0901234567"), Some(Carrier::MobiFone));
    assert_eq!(c("0771234567"), Some(Carrier::MobiFone));
    assert_eq!(c("0921234567"), Some(Carrier::Vietnamobile));
    assert_eq!(c("0561234567"), Some(Carrier::Vietnamobile));
    assert_eq!(c("0991234567"), Some(Carrier::Gmobile));
    assert_eq!(c("0871234567"), Some(Carrier::Itel));
    assert_eq!(c("0559123456"), Some(Carrier::Wintel));
}

#[test]
fn several_phones() {
    assert_eq!(
        numbers("0912345678 - 0987654321"),
        ["0912345678", "0987654321"]
    );
    assert_eq!(
        numbers("0912345678/0987654321"),
        ["0912345678", "0987654321"]
    );
    assert_eq!(
        numbers("0912345678-0987654321"),
        ["0912345678", "0987654321"]
    );
    assert_eq!(
        numbers("0912 345 678 0987 654 321"),
        ["0912345678", "0987654321"]
    );
    assert_eq!(
        numbers("sdt 0912345678 hoặc zalo 0987.654.321"),
        ["0912345678", "0987654321"]
    );
}

#[test]
fn not_phones() {
    for text in [
        "350.000đ",
        "giá 1.250.000",
        "350k",
        "1tr2",
        "ngày 12/05/2024",
        "Mã đơn: DH0912345678",
        "DH-0912345678",
        "STK 0912345678 MB bank",
        "số tài khoản: 0912345678",
        "CCCD 001095012345",
        "cmnd 0912345678",
        "MST 0312345678",
        "size 38 cân 52kg",
        "09123456789",
        "091234567",
        "0112345678",
        "1903 0912 345 678",
        "0912345678đ",
        "0912345678@gmail.com",
        "https://shop.vn/p/0912345678",
        "0912.345.678.90",
        "0912345678-2",
        "#0912345678",
        "1900 1234",
        "1800 1234",
        "đơn 123456789012",
        "vietcombank 0071000123456",
        "0912345678 vietcombank",
    ] {
        assert!(numbers(text).is_empty(), "{text:?}: {:?}", numbers(text));
    }
}

#[test]
fn phones_next_to_other_numbers() {
    assert_eq!(numbers("size 38 0912345678"), ["0912345678"]);
    assert_eq!(numbers("lấy 2 cái, 0912345678 2 cái"), ["0912345678"]);
    assert_eq!(numbers("tổng 350.000 0912 345 678"), ["0912345678"]);
    assert_eq!(numbers("12/05 giao 0912345678"), ["0912345678"]);
    assert_eq!(numbers("zalo.me/0912345678"), ["0912345678"]);
    assert_eq!(
        numbers("stk vcb 0071000123456, sđt 0912345678"),
        ["0912345678"]
    );
    assert_eq!(numbers("sdt ck em 0912345678"), ["0912345678"]);
    assert_eq!(numbers("0912345678.Em cảm ơn"), ["0912345678"]);
}

#[test]
fn parse_phone_takes_whole_inputs_only() {
    assert_eq!(
        parse_phone(" +84 912 345 678 ").unwrap().number,
        "0912345678"
    );
    assert!(parse_phone("sdt 0912345678").is_none());
    // A phone field announces a phone: a new sub-prefix of a block in use is taken, flagged;
    // one of a block that is not mobile is not.
    let new_prefix = parse_phone(" 0521 234 567").unwrap();
    assert_eq!(new_prefix.number, "0521234567");
    assert!(new_prefix.unverified_prefix);
    assert_eq!((new_prefix.start, new_prefix.end), (0, 12));
    assert!(!parse_phone("0912345678").unwrap().unverified_prefix);
    assert!(parse_phone("0801234567").is_none());
    assert!(parse_phone("12/03/2024").is_none());
    assert!(parse_phone("0912345678 0987654321").is_none());
}

#[test]
fn keycap_emoji_digits() {
    let p = one("sdt: 0️⃣9️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣ ạ");
    assert_eq!(p.number, "0912345678");
    assert!(p.raw.ends_with("8\u{FE0F}\u{20E3}"));
}

#[test]
fn a_mobile_without_its_zero_needs_a_phone_word() {
    assert_eq!(numbers("sđt 912345678"), ["0912345678"]);
    assert_eq!(numbers("Zalo: 912 345 678"), ["0912345678"]);
    assert!(numbers("912345678").is_empty());
    assert!(numbers("stk 912345678").is_empty());
    assert!(numbers("cmnd 912345678").is_empty());
}

#[test]
fn a_label_on_the_line_above_counts() {
    assert!(numbers("STK:\n0912345678").is_empty());
    assert_eq!(
        numbers("Chuyển khoản xong rồi nhé\nSđt 0912345678"),
        ["0912345678"]
    );
    assert_eq!(numbers("Tên: Lan\n0912345678"), ["0912345678"]);
}

#[test]
fn bare_84_is_for_mobiles_only() {
    assert!(numbers("842438234567").is_empty());
    assert!(numbers("841681234567").is_empty());
    assert_eq!(numbers("+842438234567"), ["02438234567"]);
}

#[test]
fn glued_vietnamese_words_are_missing_spaces() {
    assert_eq!(numbers("sđt là0912345678"), ["0912345678"]);
    assert!(numbers("abc0912345678").is_empty());
    assert_eq!(numbers("ngõ 123 0912 345 678"), ["0912345678"]);
}

#[test]
fn insurance_and_contract_numbers_are_not_phones() {
    assert!(numbers("mã BHXH 0312345678").is_empty());
    assert!(numbers("số hợp đồng 0912345678").is_empty());
}

#[test]
fn a_stray_digit_after_a_phone_in_pieces_makes_it_unreadable() {
    // Eleven digits: which ten were meant nobody can tell.
    assert!(numbers("sdt 0912 345 678 9").is_empty());
    assert!(numbers("sdt 0912 345 678 9 nha shop").is_empty());
    assert!(numbers("sdt 0912.345.678 9").is_empty());
    assert!(numbers("sdt 09 12 34 56 78 90").is_empty());
    // ... unless the digit is visibly something else.
    assert_eq!(numbers("sdt 0912 345 678 9h tối gọi"), ["0912345678"]);
    assert_eq!(numbers("0912 345 678 2 cái size 38"), ["0912345678"]);
    assert_eq!(numbers("0912 345 678 15/11 giao"), ["0912345678"]);
    // Written in one piece, the phone is complete.
    assert_eq!(numbers("sdt 0912345678 9"), ["0912345678"]);
}

#[test]
fn spaced_dashes_and_commas_only_as_a_whole() {
    let p = one("sđt 0912 - 345 - 678");
    assert_eq!(
        (p.number.as_str(), p.raw.as_str()),
        ("0912345678", "0912 - 345 - 678")
    );
    assert_eq!(one("+84 912 - 345 - 678").raw, "+84 912 - 345 - 678");
    assert_eq!(one("sdt 0912,345,678").raw, "0912,345,678");
    for text in [
        "mẫu 0912 - 0913 - 0914",
        "Mã đơn: 251116 - 0912 - AB",
        "sdt 0912 - 345 - 678 - 9",
        "stk 0912 - 345 - 678",
        "size 36,37,38",
        "0,912,345,678",
        "0912,345678",
        "sdt 0912, 345, 678",
        "0912,345,678đ",
    ] {
        assert!(numbers(text).is_empty(), "{text:?}: {:?}", numbers(text));
    }
    // " - " between fields still separates them.
    assert_eq!(
        numbers("a Minh - 0912 345 678 - 102 Lê Duẩn"),
        ["0912345678"]
    );
    assert_eq!(
        numbers("0912 345 678 - 0987 654 321"),
        ["0912345678", "0987654321"]
    );
}

#[test]
fn letter_o_for_zero_only_after_a_phone_word() {
    assert_eq!(one("sđt O912345678").raw, "O912345678");
    assert_eq!(numbers("zalo o987654321 nha"), ["0987654321"]);
    for text in [
        "O912345678",
        "mã O912345678",
        "sdt O912 345 678",
        "sdt 09O2345678",
        "sdt O0912345678",
        "sdt XO912345678",
        "stk O912345678",
    ] {
        assert!(numbers(text).is_empty(), "{text:?}: {:?}", numbers(text));
    }
}

#[test]
fn old_city_landlines_are_not_read_as_mobiles() {
    // Before 2017, Hồ Chí Minh City was 08 + 8 digits: those ten digits read as an 083 mobile.
    for text in [
        "máy bàn 08 3823 4567",
        "(08) 3823 4567",
        "08.3823.4567",
        "+84 8 3823 4567",
        "04 3825 1234",
    ] {
        assert!(numbers(text).is_empty(), "{text:?}: {:?}", numbers(text));
    }
    // The same digits grouped as a mobile are one.
    assert_eq!(numbers("083 823 4567"), ["0838234567"]);
    assert_eq!(numbers("08 38 23 45 67"), ["0838234567"]);
    // Current landlines are unaffected.
    assert_eq!(numbers("(028) 3823 4567"), ["02838234567"]);
}

#[test]
fn a_bank_word_after_a_phone_may_label_the_next_number() {
    assert_eq!(
        numbers("0988776655 - stk 0123456789 Vietcombank"),
        ["0988776655"]
    );
    assert!(numbers("0988776655 MB").is_empty());
    assert!(numbers("GPKD 0312 345 678").is_empty());
}

#[test]
fn a_loose_run_may_hold_several_phones() {
    assert_eq!(
        numbers("sdt 0912,345,678 - 0987,654,321"),
        ["0912345678", "0987654321"]
    );
    assert_eq!(
        numbers("0912 - 345 - 678 / 0987 654 321"),
        ["0912345678", "0987654321"]
    );
    // A piece left over: nothing.
    assert!(numbers("0912 - 345 - 678 - 0987 - 654").is_empty());
}

#[test]
fn a_country_code_makes_a_phone_even_after_an_account_word() {
    assert_eq!(
        numbers("stk 0123456789 vcb, +84 98 765 4321"),
        vec!["0987654321"],
        "the account is not a phone, the +84 number is"
    );
    assert_eq!(numbers("stk 0123456789 vcb"), Vec::<String>::new());
}

#[test]
fn ten_digit_numbers_are_shown_in_groups_of_four_three_three() {
    assert_eq!(super::display("0912345678"), "0912 345 678");
    assert_eq!(super::display("02438223344"), "02438223344");
    assert_eq!(super::display("+84912345"), "+84912345");
    assert_eq!(super::display("09123456ab"), "09123456ab");
}

fn flagged(text: &str) -> Vec<(String, bool)> {
    extract_phones(text)
        .into_iter()
        .map(|p| (p.number, p.unverified_prefix))
        .collect()
}

#[test]
fn an_unlisted_sub_prefix_after_a_phone_word_is_taken_and_flagged() {
    for (text, number) in [
        ("sđt 0521 234 567 nha", "0521234567"),
        ("Zalo: 0553.456.789", "0553456789"),
        ("số e 0891-234-567", "0891234567"),
        ("sdt chị 0520 111 999, giao chiều", "0520111999"),
        ("SĐT người nhận: 0895 678 901", "0895678901"),
        ("sdt:0557123456", "0557123456"),
        ("zalo0525777888", "0525777888"),
        ("Tên: Hà\nSĐT: 0554 321 987", "0554321987"),
        ("sđt +84 521 234 567", "0521234567"),
        ("zalo (+84) 891 234 567", "0891234567"),
        ("sdt 84 552 345 678", "0552345678"),
        ("đt 0084 992 123 456", "0992123456"),
        ("sdt 0521/234/567", "0521234567"),
    ] {
        assert_eq!(flagged(text), [(number.to_owned(), true)], "{text:?}");
    }
    let p = one("sđt 0521 234 567 nha");
    assert_eq!(p.raw, "0521 234 567");
    assert_eq!((p.kind, p.carrier), (PhoneKind::Mobile, None));
}

#[test]
fn listed_prefixes_are_never_flagged() {
    for text in [
        "0912345678",
        "sđt 0522 123 456",
        "0559 123 456",
        "sdt 0896 777 888",
        "+84 993 123 456",
        "sdt cũ 0168 123 4567",
        "(024) 3823 4567",
    ] {
        assert!(
            extract_phones(text).iter().all(|p| !p.unverified_prefix),
            "{text:?}"
        );
    }
}

#[test]
fn an_unlisted_sub_prefix_needs_a_phone_word_right_before() {
    for text in [
        // No phone word: the tables decide alone.
        "0521234567",
        "0891 234 567 gửi em",
        "+84 521 234 567",
        "đơn 0521234567",
        // An account, tax, ID or code word is nearer, or after it.
        "stk 0521234567",
        "stk mb 0891234567 chủ tk Lan",
        "ck vào stk 0521 234 567 (MB)",
        "mã số thuế: 0552 345 678",
        "CCCD 0521234567",
        "mã đơn 0521234567",
        "mã vận đơn 0521234567890",
        // Another clause.
        "Sdt em đổi rồi. Mã 0521234567",
        // Glued to a code, a unit or a handle.
        "sdt DH0521234567",
        "sdt 0521234567đ",
        "zalo @0521234567",
        // Not a phone's length, or a stray digit after it.
        "sdt 052123456",
        "sđt 0521 234 567 8",
        "zalo 0521.234.567.89",
        // Blocks no carrier holds: unallocated, or the government's own network.
        "sđt 0801234567",
        "sdt 0501234567",
        "dt 0721 234 567",
        // Outside the mobile blocks: an old 11-digit number or a landline with a digit missing.
        "sdt 0123 45 67 89",
        "đt 0202 123 456",
        // A letter for a digit and an unlisted prefix are two doubts.
        "sđt O521234567",
        // Without its trunk 0.
        "sđt 521234567",
    ] {
        assert!(numbers(text).is_empty(), "{text:?}: {:?}", numbers(text));
    }
    // The phone word labels the number right after it, not one after another number.
    assert_eq!(numbers("sđt 0912345678, mẫu 0521234567"), ["0912345678"]);
    assert_eq!(numbers("sđt 0912 345 678 0521 234 567"), ["0912345678"]);
}

#[test]
fn bare_84_before_an_old_eleven_digit_number() {
    // Announced by a phone word, or "84" written apart as a country code is.
    for (text, raw) in [
        ("sdt 84 1686 123 456", "84 1686 123 456"),
        ("đt 84 169 234 5678", "84 169 234 5678"),
        ("zalo 84.1223.456.789", "84.1223.456.789"),
        ("số cũ của chị 841678123456", "841678123456"),
        (
            "Khách cũ: Hoa, 84 1652 111 222, Nam Định",
            "84 1652 111 222",
        ),
    ] {
        let p = one(text);
        assert_eq!(p.raw, raw, "{text:?}");
        assert!(
            p.converted_from.is_some() && !p.unverified_prefix,
            "{text:?}"
        );
    }
    assert_eq!(one("sdt 84 1686 123 456").number, "0386123456");
    assert_eq!(
        one("sdt 84 1686 123 456").converted_from.as_deref(),
        Some("01686123456")
    );
    // In one piece and unannounced it reads as well as a 12-digit code.
    for text in [
        "841681234567",
        "tracking 841686123456",
        "mã vận đơn 84 1686 123 456",
        "stk 84 1686 123 456",
        "841611234567",
        "84 1611 234 567",
    ] {
        assert!(numbers(text).is_empty(), "{text:?}: {:?}", numbers(text));
    }
}

#[test]
fn slash_and_underscore_groupings_only_as_one_whole_phone() {
    for (text, raw) in [
        ("sdt 0962/123/456", "0962/123/456"),
        ("sđt: 0345_678_901 nhé", "0345_678_901"),
        ("098/765/4321", "098/765/4321"),
        ("0912/34/56/78 ạ", "0912/34/56/78"),
    ] {
        assert_eq!(one(text).raw, raw, "{text:?}");
    }
    assert_eq!(
        numbers("0962/123/456 - 0912 345 678"),
        ["0962123456", "0912345678"]
    );
    assert_eq!(
        numbers("0912345678/0987654321"),
        ["0912345678", "0987654321"]
    );
    for text in [
        // Dates, sizes, addresses, fractions, ratings.
        "giao ngày 12/03/2024",
        "05/12/2026",
        "2024/12/03",
        "size 40/42/44",
        "12/3 Lê Lợi",
        "hẻm 012/34/5",
        "ăn 1/2 thôi",
        "9/10 điểm",
        // Digits left over, or more than a phone.
        "0962/123/4567",
        "0962/123/456/789",
        "0962/123/456 7",
        "09/6212/3456",
        "0962/123-456",
        // Handles, file names, links, accounts.
        "IMG_0345_678_901.jpg",
        "@shop_0345_678_901",
        "0345_678_901_abc",
        "shopee.vn/p/0962/123/456",
        "stk 0962/123/456",
    ] {
        assert!(numbers(text).is_empty(), "{text:?}: {:?}", numbers(text));
    }
}

#[test]
fn numbers_in_links_are_ids() {
    for text in [
        "link sp: https://shopee.vn/product/123456789/0912345678",
        "shopee.vn/p/123/0912345678",
        "xem tại www.shop.vn/0912345678",
        "fb.com/groups/123/0912345678",
        "https://tiki.vn/0912345678",
    ] {
        assert!(numbers(text).is_empty(), "{text:?}: {:?}", numbers(text));
    }
    // A Zalo link carries a phone; a slash that is no link's is a list or an address.
    assert_eq!(numbers("https://zalo.me/0912345678"), ["0912345678"]);
    assert_eq!(numbers("zalo.me/0912345678"), ["0912345678"]);
    assert_eq!(numbers("đ/c 12/3 Lê Lợi, sđt 0912345678"), ["0912345678"]);
    assert_eq!(
        numbers("sđt 0912345678/0987654321"),
        ["0912345678", "0987654321"]
    );
}

#[test]
fn the_new_rules_leave_prices_dates_and_codes_alone() {
    for text in [
        "sđt giá 1.250.000đ",
        "zalo em: 350k nha",
        "sdt ngày 12/05/2024",
        "đt 12.500.000",
        "sdt 0.5 triệu",
        "sđt mã đơn DH0521234567",
        "zalo tracking 852345678901",
        "sđt lô 0521 hàng về 1200 sp",
    ] {
        assert!(numbers(text).is_empty(), "{text:?}: {:?}", numbers(text));
    }
}
