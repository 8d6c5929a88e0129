//! Behaviour the address form relies on, one case each.

use nobi_address::{parse, DetectedScheme, ParsedAddress};

fn legacy_names(p: &ParsedAddress) -> (String, String, String) {
    let l = p.legacy.as_ref().expect("legacy reading");
    (
        l.province.name.clone(),
        l.district
            .as_ref()
            .map(|u| u.name.clone())
            .unwrap_or_default(),
        l.ward.as_ref().map(|u| u.name.clone()).unwrap_or_default(),
    )
}

#[track_caller]
fn assert_legacy(text: &str, province: &str, district: &str, ward: &str) {
    let p = parse(text);
    assert_eq!(p.scheme, DetectedScheme::Legacy, "{text}: {p:#?}");
    assert_eq!(
        legacy_names(&p),
        (province.into(), district.into(), ward.into()),
        "{text}"
    );
}

#[test]
fn abbreviations_numbers_and_nicknames() {
    assert_legacy(
        "F12 Q3 Sài Gòn",
        "Thành phố Hồ Chí Minh",
        "Quận 3",
        "Phường 12",
    );
    assert_legacy(
        "123 duong 3/2 p12 q10 tphcm",
        "Thành phố Hồ Chí Minh",
        "Quận 10",
        "Phường 12",
    );
    assert_legacy(
        "P.Bến Thành, Q.1, TP.HCM",
        "Thành phố Hồ Chí Minh",
        "Quận 1",
        "Phường Bến Thành",
    );
    assert_legacy(
        "phường 04 quận 5 hcm",
        "Thành phố Hồ Chí Minh",
        "Quận 5",
        "Phường 4",
    );
    assert_legacy(
        "Ph. Quán Thánh, Ba Đình, HN",
        "Thành phố Hà Nội",
        "Quận Ba Đình",
        "Phường Quán Thánh",
    );
    assert_legacy(
        "TT. Long Điền, H. Long Điền, BRVT",
        "Tỉnh Bà Rịa - Vũng Tàu",
        // Long Điền and Đất Đỏ were merged into Long Đất in 2025; the old name still works.
        "Huyện Long Đất",
        "Thị trấn Long Điền",
    );
}

#[test]
fn no_diacritics_tone_variants_glued_and_typos() {
    assert_legacy(
        "phuong hoa thuan tay quan hai chau da nang",
        "Thành phố Đà Nẵng",
        "Quận Hải Châu",
        "Phường Hòa Thuận Tây",
    );
    assert_legacy(
        "P. Hoà Thuận Tây, Q. Hải Châu, Đà Nẵng",
        "Thành phố Đà Nẵng",
        "Quận Hải Châu",
        "Phường Hòa Thuận Tây",
    );
    assert_legacy(
        "PhườngBếnNghé,Quận1,HCM",
        "Thành phố Hồ Chí Minh",
        "Quận 1",
        "Phường Bến Nghé",
    );
    let p = parse("xa binh minh huyen thanh oai ha noii");
    assert_eq!(legacy_names(&p).2, "Xã Bình Minh");
    assert!(p.warnings.iter().any(|w| w.starts_with("typo")));
}

#[test]
fn chat_noise_and_street_part() {
    let p = parse("ship về 45 ngõ 12 Tân Mai, Hoàng Mai, Hà Nội nhé ạ 0912345678 🙏");
    assert_eq!(legacy_names(&p).1, "Quận Hoàng Mai");
    assert_eq!(p.street, "45 ngõ 12");
    let p = parse("123 Lê Lợi, P.Bến Thành, Q1, HCM");
    assert_eq!(p.street, "123 Lê Lợi");
}

#[test]
fn current_scheme_is_detected_and_legacy_is_only_candidates() {
    let p = parse("Phường Sài Gòn, TP Hồ Chí Minh");
    assert_eq!(p.scheme, DetectedScheme::Current);
    assert!(p.legacy.is_none());
    assert_eq!(
        p.current.as_ref().unwrap().ward.as_ref().unwrap().name,
        "Phường Sài Gòn"
    );
    assert!(p
        .legacy_candidates
        .iter()
        .any(|l| l.ward.as_ref().unwrap().short == "Bến Nghé"));
    let p = parse("Xã Đông Anh, Hà Nội");
    assert_eq!(p.scheme, DetectedScheme::Current);
}

#[test]
fn legacy_converts_and_split_wards_give_every_candidate() {
    let p = parse("Phường Bến Nghé, Quận 1, TP.HCM");
    assert_eq!(
        p.current.as_ref().unwrap().ward.as_ref().unwrap().name,
        "Phường Sài Gòn"
    );
    assert_eq!(p.current_candidates.len(), 1);
    let p = parse("Phường Tân Mai, Quận Hoàng Mai, Hà Nội");
    assert!(p.current_candidates.len() > 1);
    assert!(
        p.current.as_ref().unwrap().ward.is_none(),
        "a split ward is not guessed"
    );
    assert!(p.warnings.iter().any(|w| w.starts_with("ward_split")));
}

#[test]
fn province_alone_is_scheme_blind_unless_it_was_abolished() {
    let p = parse("Hà Nội");
    assert_eq!(p.scheme, DetectedScheme::Unknown);
    assert_eq!(p.legacy.as_ref().unwrap().province.code, "01");
    assert_eq!(p.current.as_ref().unwrap().province.code, "01");
    let p = parse("Bình Dương");
    assert_eq!(p.scheme, DetectedScheme::Legacy);
    assert_eq!(
        p.current.as_ref().unwrap().province.name,
        "Thành phố Hồ Chí Minh"
    );
}

#[test]
fn ambiguity_is_reported_not_hidden() {
    // "Tân Phú" is a ward in many districts; with only the province given, no silent pick.
    let p = parse("phường Tân Phú, TP HCM");
    assert!(
        !p.alternatives.is_empty() || p.scheme == DetectedScheme::Current,
        "{p:#?}"
    );
    let p = parse("ĐN");
    assert!(
        p.warnings.iter().any(|w| w.starts_with("ambiguous")),
        "{p:#?}"
    );
    assert!(p.confidence <= 0.5);
}

#[test]
fn nothing_recognised_is_unknown() {
    let p = parse("xin chào shop, còn hàng không ạ?");
    assert_eq!(p.scheme, DetectedScheme::Unknown);
    assert!(p.legacy.is_none() && p.current.is_none());
    assert_eq!(p.confidence, 0.0);
}

#[track_caller]
fn assert_current(text: &str, province: &str, ward: &str) -> ParsedAddress {
    let p = parse(text);
    assert_eq!(p.scheme, DetectedScheme::Current, "{text}: {p:#?}");
    let c = p.current.as_ref().expect("current reading");
    assert_eq!(
        (
            c.province.name.as_str(),
            c.ward.as_ref().map_or("", |u| u.name.as_str())
        ),
        (province, ward),
        "{text}"
    );
    p
}

#[test]
fn a_new_ward_written_with_its_old_province_is_read_and_flagged() {
    let p = assert_current(
        "Phường Dĩ An, tỉnh Bình Dương",
        "Thành phố Hồ Chí Minh",
        "Phường Dĩ An",
    );
    assert!(
        p.warnings
            .iter()
            .any(|w| w.starts_with("province_old_name:")),
        "{:?}",
        p.warnings
    );
    // With an old district typed beside it, the address is an old one.
    assert_legacy(
        "Phường Dĩ An, TP Dĩ An, tỉnh Bình Dương",
        "Tỉnh Bình Dương",
        "Thành phố Dĩ An",
        "Phường Dĩ An",
    );
    // The 2025 scheme has no thị trấn.
    assert_legacy(
        "thị trấn Đức Hòa, Long An",
        "Tỉnh Long An",
        "Huyện Đức Hòa",
        "Thị trấn Đức Hòa",
    );
}

#[test]
fn typos_in_a_district_are_found_among_the_provinces_districts() {
    let p = parse("Phường Láng Hạ, Đống Đaa, Hà Nội");
    assert_eq!(
        legacy_names(&p),
        (
            "Thành phố Hà Nội".into(),
            "Quận Đống Đa".into(),
            "Phường Láng Hạ".into()
        )
    );
    assert!(
        p.warnings.iter().any(|w| w.starts_with("typo:")),
        "{:?}",
        p.warnings
    );
    assert!(p.confidence < 0.9, "{}", p.confidence);
}

#[test]
fn keyboard_and_ocr_accidents() {
    // OCR's l for 1 after a type word.
    assert_legacy(
        "P.l4 Q.l1 TP.HCM",
        "Thành phố Hồ Chí Minh",
        "Quận 11",
        "Phường 14",
    );
    // VNI's tone digit left inside a word.
    assert_legacy(
        "Phường Tha2nh Công, Ba Đình, Hà Nội",
        "Thành phố Hà Nội",
        "Quận Ba Đình",
        "Phường Thành Công",
    );
    // A tone mark left out does not lose the longer name to a shorter one.
    assert_legacy(
        "Phường Tân Sơn Nhi, Tân Phú, HCM",
        "Thành phố Hồ Chí Minh",
        "Quận Tân Phú",
        "Phường Tân Sơn Nhì",
    );
    // "T." is tỉnh; "BTân" and "BT" are Bình Tân when the ward says so.
    assert_legacy(
        "Xã Mỹ Yên, H. Bến Lức, T. Long An",
        "Tỉnh Long An",
        "Huyện Bến Lức",
        "Xã Mỹ Yên",
    );
    assert_legacy(
        "P. Tân Tạo A, Q.BTân",
        "Thành phố Hồ Chí Minh",
        "Quận Bình Tân",
        "Phường Tân Tạo A",
    );
}

#[test]
fn earlier_names_are_taken_and_said_with_what_they_are_now() {
    // A merged ward (Hà Nội, 2025): read as the ward it went into, and said.
    let p = parse("số 5 ngõ 1 Phường Ngã Tư Sở, Quận Đống Đa, Hà Nội");
    assert_eq!(
        legacy_names(&p),
        (
            "Thành phố Hà Nội".into(),
            "Quận Đống Đa".into(),
            "Phường Thịnh Quang".into()
        )
    );
    let earlier = &p.earlier_names[0];
    assert_eq!(earlier.earlier, "Phường Ngã Tư Sở");
    assert_eq!(earlier.now.name, "Phường Thịnh Quang");
    assert!(earlier.since.contains("2025"), "{}", earlier.since);
    assert!(p
        .check_reasons()
        .iter()
        .any(|r| matches!(r, nobi_address::CheckReason::EarlierName(_))));
    // An old district (2020): the district it became.
    let p = parse("xã Hải Nhân, huyện Tĩnh Gia, Thanh Hóa");
    assert_eq!(
        legacy_names(&p),
        (
            "Tỉnh Thanh Hóa".into(),
            "Thị xã Nghi Sơn".into(),
            "Xã Hải Nhân".into()
        )
    );
    assert_eq!(p.earlier_names[0].earlier, "Huyện Tĩnh Gia");
    // Misspelt too ("Phương Liênn", merged into Phương Liên Trung Tự).
    let p = parse("Phường Phương Liênn, Đống Đa, Hà Nội");
    assert_eq!(legacy_names(&p).2, "Phường Phương Liên Trung Tự", "{p:#?}");
    assert!(p.warnings.iter().any(|w| w.starts_with("typo:")));
    assert_eq!(p.earlier_names[0].earlier, "Phường Phương Liên");
    // A current name is never reported as an earlier one.
    assert!(parse("Phường Thịnh Quang, Đống Đa, Hà Nội")
        .earlier_names
        .is_empty());
}

#[test]
fn an_old_province_does_not_outweigh_its_own_commune_of_that_name() {
    // Hòa Bình had a Xã Hiền Lương (Đà Bắc); the new Xã Hiền Lương of Phú Thọ came from elsewhere.
    assert_legacy(
        "Xã Hiền Lương, Hòa Bình",
        "Tỉnh Hòa Bình",
        "Huyện Đà Bắc",
        "Xã Hiền Lương",
    );
}

#[test]
fn two_letter_initials_without_a_province_are_a_guess_and_say_so() {
    // "HD" is Hà Đông or Hải Dương; "BT" Bình Thạnh, Bình Tân or Bến Tre.
    for text in ["P. Quang Trung, TP HD", "Phường 7, TP BT"] {
        let p = parse(text);
        assert!(p.confidence <= 0.6, "{text}: {}", p.confidence);
        assert!(
            p.check_reasons()
                .contains(&nobi_address::CheckReason::Ambiguous),
            "{text}: {:?}",
            p.warnings
        );
    }
}

#[test]
fn a_bracketed_old_unit_is_a_note_not_a_level() {
    // Since 2025 addresses note the old unit in brackets: the reading is the new ward's.
    let p = assert_current(
        "Phường Bến Thành (phường Phạm Ngũ Lão cũ), TP HCM",
        "Thành phố Hồ Chí Minh",
        "Phường Bến Thành",
    );
    assert!(p.confidence >= 0.9, "{}", p.confidence);
    // "T.T" is thị trấn, not tỉnh.
    assert_legacy(
        "T.T Phú Mỹ, Tân Thành, Bà Rịa Vũng Tàu",
        "Tỉnh Bà Rịa - Vũng Tàu",
        "Thành phố Phú Mỹ",
        "Phường Phú Mỹ",
    );
}
