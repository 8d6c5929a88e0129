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
        assert!(!a.file_input.is_empty());
        let langs: Vec<_> = a.labels_by_language.iter().map(|(l, _)| *l).collect();
        assert!(langs.contains(&"vi") && langs.contains(&"en"), "{p:?}");
        // Every selector must parse: an invalid one would silently never match.
        for l in a
            .composer
            .iter()
            .chain(a.send_button)
            .chain(a.header_name)
            .chain(a.message_rows)
            .chain(a.account_avatar)
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

/// A 2026-shaped Facebook pane in a wording no table knows: no `h2`, no grid, message roots with
/// a localised `aria-roledescription`, a hidden duplicate composer, a sender heading, a hidden
/// "you sent" and a delivery state beside each body.
const UNKNOWN_WORDING_PANE: &str = r#"
<div role="main" aria-label="Khung chat: Vũ Thị Lan" style="width:600px;position:relative">
  <div style="height:40px"><a href="https://www.facebook.com/lan.vu.5682" role="link"><span>Vũ Thị Lan</span></a></div>
  <div id="list" aria-label="Luồng tin: Vũ Thị Lan" style="height:200px;overflow-y:auto;display:flex;flex-direction:column">
    <div style="height:300px;display:flex;flex-direction:column">
      <div aria-roledescription="thư" aria-label="Lúc 9:41, Vũ Thị Lan: còn size M không"
           style="align-self:flex-start;width:200px">
        <h5 dir="auto">Vũ Thị Lan</h5><div dir="auto"><div dir="auto">còn size M không</div></div>
      </div>
      <div aria-roledescription="thư" data-message-id="mid.$x1" style="align-self:flex-end;width:200px">
        <span style="position:absolute;width:1px;height:1px;overflow:hidden">Bạn đã nhắn</span>
        <div dir="auto" id="own">Dạ còn ạ 🌸</div>
        <span>Đã chuyển đi</span>
      </div>
    </div>
  </div>
  <div style="height:60px">
    <div id="dup" role="textbox" contenteditable="true" data-lexical-editor="true" style="display:none"></div>
    <div id="composer" role="textbox" contenteditable="true" data-lexical-editor="true"
         aria-label="Soạn gửi tới Vũ Thị Lan" aria-placeholder="Aa" style="width:300px;min-height:20px"></div>
  </div>
</div>"#;

#[wasm_bindgen_test]
fn an_unknown_wording_is_read_from_structure() {
    page(UNKNOWN_WORDING_PANE);
    let adapter = adapter_for(Platform::Facebook);
    let pane = crate::pane::read(adapter);
    let (composer, _) = pane.composer.as_ref().expect("composer");
    assert_eq!(composer.id(), "composer", "never the hidden duplicate");
    assert_eq!(pane.signature.name.as_deref(), Some("Vũ Thị Lan"));
    assert_eq!(pane.listing.via, "aria-roledescription");
    let messages: Vec<_> = pane.listing.messages.iter().map(|m| &m.message).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert_eq!(messages[0].text, "còn size M không", "no sender name");
    assert_eq!(messages[0].direction, nobi_core::protocol::Direction::In);
    assert_eq!(
        messages[1].text, "Dạ còn ạ 🌸",
        "no hidden 'you sent', no state"
    );
    assert_eq!(messages[1].direction, nobi_core::protocol::Direction::Out);
    assert_eq!(messages[1].id.as_deref(), Some("mid.$x1"));
    assert_eq!(
        messages[1].delivery,
        nobi_core::protocol::Delivery::Accepted,
        "a Vietnamese past tense in no table"
    );
    assert!(!crate::composer::covered(composer.unchecked_ref()));
}

#[wasm_bindgen_test]
fn a_modal_over_the_composer_covers_it() {
    page(&format!(
        r#"{UNKNOWN_WORDING_PANE}
        <div style="position:fixed;inset:0;background:#0008">
          <div role="dialog" aria-modal="true" aria-label="PIN"><input><input></div>
        </div>"#
    ));
    let pane = crate::pane::read(adapter_for(Platform::Facebook));
    let (composer, _) = pane.composer.as_ref().expect("composer");
    assert!(crate::composer::covered(composer.unchecked_ref()));
}

#[wasm_bindgen_test]
fn a_list_without_roles_that_scrolls_column_reverse_reads_oldest_first() {
    // Newest first in the DOM, shown at the bottom by column-reverse: order comes from layout.
    page(
        r#"<main style="width:600px"><div aria-label="Conversation with Hân">
          <div style="height:120px;overflow-y:auto;display:flex;flex-direction:column-reverse">
            <div style="display:flex;justify-content:flex-end"><div role="none" style="width:150px">
              <div role="presentation"><span style="position:absolute;width:1px;height:1px;overflow:hidden">You sent</span><div dir="auto">newest</div></div></div></div>
            <div role="group" style="display:flex"><img alt="user-profile-picture" width="28" height="28"><div dir="auto" style="width:150px">middle</div></div>
            <div style="display:flex;justify-content:flex-end"><div style="width:150px"><div dir="auto">oldest</div></div></div>
            <div style="height:200px;flex-shrink:0"></div>
          </div></div>
          <a role="link" aria-label="Open the profile page of hân" href="/han.bui/"><div><div><h2>Bùi Ngọc Hân</h2></div></div></a>
          <div role="textbox" contenteditable="true" aria-placeholder="Message..." style="width:300px;min-height:20px"></div>
        </main>"#,
    );
    let pane = crate::pane::read(adapter_for(Platform::Instagram));
    let texts: Vec<_> = pane
        .listing
        .messages
        .iter()
        .map(|m| (m.message.text.as_str(), m.message.direction))
        .collect();
    use nobi_core::protocol::Direction::{In, Out};
    assert_eq!(
        texts,
        vec![("oldest", Out), ("middle", In), ("newest", Out)],
        "{}",
        pane.listing.via
    );
    assert_eq!(pane.signature.header_name.as_deref(), Some("Bùi Ngọc Hân"));
}

#[wasm_bindgen_test]
fn a_short_thread_that_does_not_scroll_yet_still_has_its_list() {
    page(
        r#"<main style="width:600px"><div style="display:flex;flex-direction:column">
          <div style="height:300px;overflow-y:auto"><div>
            <div style="display:flex"><div dir="auto" style="width:150px">chào shop</div></div>
            <div style="display:flex;justify-content:flex-end"><div dir="auto" style="width:150px">dạ chào chị</div></div>
          </div></div>
          <div><div role="textbox" contenteditable="true" style="width:300px;min-height:20px"></div></div>
        </div></main>"#,
    );
    let pane = crate::pane::read(adapter_for(Platform::Instagram));
    assert!(pane.listing.list.is_some());
    let texts: Vec<_> = pane
        .listing
        .messages
        .iter()
        .map(|m| m.message.text.as_str())
        .collect();
    assert_eq!(texts, vec!["chào shop", "dạ chào chị"]);
}

#[wasm_bindgen_test]
fn the_layout_report_holds_no_text_of_the_page() {
    page(UNKNOWN_WORDING_PANE);
    let pane = crate::pane::read(adapter_for(Platform::Facebook));
    let report = crate::diagnose::layout_report(&pane);
    for secret in [
        "Vũ",
        "Lan",
        "size",
        "còn",
        "lan.vu",
        "mid.$x1",
        "facebook.com",
        "thư",
        "Khung",
        "Soạn",
        "Lúc",
        "Đã chuyển",
        "9:41",
    ] {
        assert!(!report.contains(secret), "{secret} leaked into {report}");
    }
    assert!(report.contains("\"used_as\":\"composer\""), "{report}");
    assert!(
        report.contains("aria-roledescription"),
        "attribute names are kept"
    );
    // The report is JSON.
    assert!(js_sys::JSON::parse(&report).is_ok(), "{report}");
}

#[wasm_bindgen_test]
fn words_that_read_as_states_stay_messages_inside_a_bubble() {
    // Bubbles paint a background; the page's own "Seen" under them does not.
    page(
        r#"<main style="width:600px"><div style="height:200px;overflow-y:auto"><div>
          <div style="display:flex"><div dir="auto" style="width:180px;background:#eee">Chưa nhận được hàng</div></div>
          <div style="display:flex"><div dir="auto" style="width:180px;background:#eee">Giao lúc 14:30 nhé</div></div>
          <div style="display:flex;justify-content:flex-end"><div dir="auto" style="width:180px;background:#36f">Dạ em gửi lại ạ</div></div>
          <div style="display:flex;justify-content:flex-end"><span dir="auto">Seen</span></div>
        </div></div>
        <div role="textbox" contenteditable="true" style="width:300px;min-height:20px"></div></main>"#,
    );
    let pane = crate::pane::read(adapter_for(Platform::Instagram));
    let read: Vec<_> = pane
        .listing
        .messages
        .iter()
        .map(|m| (m.message.text.as_str(), m.message.delivery))
        .collect();
    use nobi_core::protocol::Delivery::{Accepted, Unknown};
    assert_eq!(
        read,
        vec![
            ("Chưa nhận được hàng", Unknown),
            ("Giao lúc 14:30 nhé", Unknown),
            ("Dạ em gửi lại ạ", Accepted),
        ]
    );
}

#[wasm_bindgen_test]
fn the_inbox_list_gives_each_linked_thread_once_with_its_rows_first_text() {
    page(
        r#"<div role="navigation" aria-label="Chats">
             <a href="https://www.facebook.com/messages/t/111/"><img alt=""><span dir="auto">Lan Anh</span><span dir="auto">Dạ em cảm ơn</span></a>
             <a href="https://www.facebook.com/messages/e2ee/t/222/" aria-label="Minh Tú"><span>Minh Tú</span></a>
             <a href="https://www.facebook.com/messages/t/333/"><div><span>Hoàng Nam</span><span>Ok · 1h</span></div></a>
             <a href="https://www.facebook.com/messages/t/111/"><span dir="auto">Lan Anh</span></a>
             <a href="https://www.facebook.com/marketplace/">Marketplace</a>
           </div>
           <div role="main"><a href="https://www.facebook.com/messages/t/999/">a link a buyer sent</a></div>"#,
    );
    let got: Vec<(String, Option<String>)> = crate::inbox::threads(Platform::Facebook)
        .into_iter()
        .map(|t| (t.thread_id, t.name))
        .collect();
    let want = [("111", "Lan Anh"), ("222", "Minh Tú"), ("333", "Hoàng Nam")]
        .map(|(id, name)| (id.to_owned(), Some(name.to_owned())));
    assert_eq!(got, want);
    // Instagram's rows carry no thread id: nothing is read there.
    assert!(crate::inbox::threads(Platform::Instagram).is_empty());
}
