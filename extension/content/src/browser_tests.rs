//! The content script's DOM mechanics, in a real headless Chromium (wasm-bindgen-test).
//!
//! These build small pages by hand; the end-to-end suite drives the real fixtures with Lexical.

use crate::dom;
use crate::sites::{adapter_for, Locator};
use nobi_core::protocol::Platform;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

/// Replaces the test markup with `html` (trusted test markup, never page content). It lives in
/// its own container: the test runner reports results through the rest of the body.
fn page(html: &str) {
    let doc = dom::document();
    let root = doc.get_element_by_id("nobi-test-root").unwrap_or_else(|| {
        let root = doc.create_element("div").unwrap();
        root.set_id("nobi-test-root");
        doc.body().unwrap().append_child(&root).unwrap();
        root
    });
    root.set_inner_html(html);
}

#[wasm_bindgen_test]
fn the_first_locator_that_finds_a_rendered_element_wins() {
    page(
        r#"<div id="hidden" role="textbox" aria-label="Message" style="display:none"></div>
           <div id="generic" role="textbox" contenteditable="true"></div>
           <div id="labelled" role="textbox" contenteditable="true" aria-label="Tin nhắn"></div>"#,
    );
    let locators = [
        Locator::css(r#"[role="textbox"][aria-label="Message"]"#),
        Locator::css(r#"[role="textbox"][aria-label="Tin nhắn"]"#),
        Locator::css(r#"[role="textbox"]"#),
    ];
    // The English one is hidden, so the Vietnamese label wins over the generic fallback.
    assert_eq!(dom::find(&locators).unwrap().id(), "labelled");
}

#[wasm_bindgen_test]
fn text_conditions_pick_the_button_by_its_label_in_either_language() {
    page(r#"<div role="button">Thích</div><div role="button" id="send">Gửi</div>"#);
    let found = dom::find(&[Locator::with_text(
        r#"div[role="button"]"#,
        &["Send", "Gửi"],
    )]);
    assert_eq!(found.unwrap().id(), "send");
    page(r#"<div role="button">Like</div>"#);
    assert!(dom::find(&[Locator::with_text(
        r#"div[role="button"]"#,
        &["Send", "Gửi"]
    )])
    .is_none());
}

#[wasm_bindgen_test]
fn an_invalid_selector_is_skipped_not_fatal() {
    page(r#"<p id="p">x</p>"#);
    let found = dom::find(&[Locator::css("p[[["), Locator::css("p")]);
    assert_eq!(found.unwrap().id(), "p");
}

#[wasm_bindgen_test]
fn text_is_nfc_and_white_space_is_folded() {
    page("<p id=\"p\">  Xin cha\u{0300}o \n  chi\u{0323}   ơi </p>");
    let p = dom::document().get_element_by_id("p").unwrap();
    assert_eq!(dom::text_of(&p), "Xin chào chị ơi");
}

#[wasm_bindgen_test]
async fn typing_goes_through_editing_commands_with_line_breaks() {
    page(r#"<div id="ed" contenteditable="true"></div>"#);
    let editor: HtmlElement = dom::document()
        .get_element_by_id("ed")
        .unwrap()
        .dyn_into()
        .unwrap();
    dom::select_all(&editor);
    dom::sleep(10).await;
    dom::type_text(&editor, "Dạ chị ơi 👋\nSize M còn ạ");
    assert_eq!(dom::editor_text(&editor), "Dạ chị ơi 👋\nSize M còn ạ");
    // Selecting everything and deleting empties it again: how a failed send cleans up.
    dom::select_all(&editor);
    dom::delete_selection(&editor);
    assert_eq!(dom::editor_text(&editor), "");
}

#[wasm_bindgen_test]
async fn a_textarea_composer_takes_lines_and_is_emptied() {
    page(r#"<textarea id="ta"></textarea>"#);
    let area: HtmlElement = dom::document()
        .get_element_by_id("ta")
        .unwrap()
        .dyn_into()
        .unwrap();
    dom::select_all(&area);
    dom::type_text(&area, "dòng 1\ndòng 2");
    assert_eq!(dom::editor_text(&area), "dòng 1\ndòng 2");
    dom::select_all(&area);
    dom::delete_selection(&area);
    assert_eq!(dom::editor_text(&area), "");
}

#[wasm_bindgen_test]
fn text_counts_emoji_drawn_as_images() {
    page(r#"<div id="b" dir="auto">Dạ <img alt="😊" src="data:,">  chị</div>"#);
    let b = dom::document().get_element_by_id("b").unwrap();
    assert_eq!(dom::text_of(&b), "Dạ 😊 chị");
}

#[wasm_bindgen_test]
fn the_account_comes_from_the_profile_picture_alt_in_both_languages() {
    use crate::sites::username_in_alt;
    assert_eq!(
        username_in_alt("hoamai.shop's profile picture"),
        Some("hoamai.shop")
    );
    assert_eq!(
        username_in_alt("Ảnh đại diện của hoamai.shop"),
        Some("hoamai.shop")
    );
    assert_eq!(username_in_alt("Nguyễn Thị Hồng"), None);
}

#[wasm_bindgen_test]
fn the_page_language_comes_from_the_composer_label() {
    page(r#"<div role="textbox" contenteditable="true" aria-label="Tin nhắn"></div>"#);
    assert_eq!(
        adapter_for(Platform::Instagram).detect_language(),
        Some("vi")
    );
    page(r#"<div role="textbox" contenteditable="true" aria-label="Message"></div>"#);
    assert_eq!(
        adapter_for(Platform::Facebook).detect_language(),
        Some("en")
    );
    page(r#"<div role="textbox" contenteditable="true" aria-label="Nhắn tin"></div>"#);
    assert_eq!(
        adapter_for(Platform::Messenger).detect_language(),
        Some("vi")
    );
}

#[wasm_bindgen_test]
fn a_blocked_dialog_is_recognised_in_both_languages() {
    let adapter = adapter_for(Platform::Instagram);
    page(
        r#"<div role="dialog"><h3>Hãy thử lại sau</h3><p>Chúng tôi hạn chế một số hoạt động</p></div>"#,
    );
    assert!(dom::find(adapter.blocked).is_some());
    page(r#"<div role="dialog"><h3>Action Blocked</h3></div>"#);
    assert!(dom::find(adapter.blocked).is_some());
    page(r#"<div role="dialog"><h3>New message</h3></div>"#);
    assert!(dom::find(adapter.blocked).is_none());
}

#[wasm_bindgen_test]
fn locator_text_conditions_are_case_insensitive() {
    let l = Locator::with_text("div", &["Send", "Gửi"]);
    assert!(l.accepts_text("send"));
    assert!(l.accepts_text("GỬI"));
    assert!(!l.accepts_text("Like"));
    assert!(
        !l.accepts_text("Đã gửi"),
        "a whole-label match: a status is not the button"
    );
    let c = Locator::containing("div", &["Hãy thử lại sau"]);
    assert!(c.accepts_text("Hãy thử lại sau Chúng tôi hạn chế một số hoạt động"));
    assert!(Locator::css("div").accepts_text("anything"));
}

#[wasm_bindgen_test]
fn every_adapter_has_fallbacks_and_both_languages() {
    for p in [
        Platform::Instagram,
        Platform::Facebook,
        Platform::Messenger,
        Platform::BusinessSuite,
    ] {
        let a = adapter_for(p);
        assert_eq!(a.platform, p);
        assert!(a.composer.len() >= 3, "{p:?}: the composer needs fallbacks");
        assert!(!a.send_button.is_empty());
        assert!(!a.buyer_name.is_empty());
        assert!(!a.message_rows.is_empty());
        assert!(!a.scroller.is_empty());
        assert!(!a.file_input.is_empty());
        let langs: Vec<_> = a.labels_by_language.iter().map(|(l, _)| *l).collect();
        assert!(langs.contains(&"vi") && langs.contains(&"en"), "{p:?}");
        // Every selector must parse: an invalid one would silently never match.
        for l in a
            .composer
            .iter()
            .chain(a.send_button)
            .chain(a.buyer_name)
            .chain(a.message_rows)
            .chain(a.buyer_profile_link)
            .chain(a.buyer_avatar)
            .chain(a.buyer_username)
            .chain(a.scroller)
            .chain(a.file_input)
            .chain(a.attachment_preview)
            .chain(a.attachment_remove)
            .chain(a.blocked)
            .chain(a.login)
        {
            assert!(
                dom::document().query_selector(l.css).is_ok(),
                "{p:?}: invalid selector {}",
                l.css
            );
        }
    }
}
