//! The open conversation's composer and its send control, found without trusting any label.
//!
//! A composer is an editable element a person can use (laid out, not hidden, not in an
//! `aria-hidden`/`inert` subtree: real pages keep hidden duplicates), outside navigation and
//! dialogs; of several, the one in the main pane, then a Lexical root, then the lowest on screen.
//! The site's hints are tried first but pass the same checks.

use crate::dom;
use crate::sites::SiteAdapter;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// Every editable element a composer could be.
const EDITABLE: &str = r#"[contenteditable="true"], [contenteditable="plaintext-only"], textarea"#;

/// Where a composer never is: navigation, a page's own dialogs (a post composer, the PIN
/// restore), search boxes.
const NOT_A_COMPOSER_PLACE: &str =
    r#"[role="navigation"], [role="dialog"], [role="alertdialog"], dialog, [role="search"]"#;

/// What covers a page: a dialog, modal or not.
const DIALOG: &str = r#"[role="dialog"], [role="alertdialog"], [aria-modal="true"], dialog[open]"#;

/// Finds the composer of the conversation on screen, and names the way it was found.
pub fn find(adapter: &SiteAdapter) -> Option<(HtmlElement, &'static str)> {
    let mut best: Option<(i32, f64, HtmlElement, &'static str)> = None;
    let hinted = adapter
        .composer
        .iter()
        .flat_map(|l| dom::all_in(&root(), l.css))
        .map(|el| (el, "site hint"));
    let generic = dom::all_in(&root(), EDITABLE)
        .into_iter()
        .map(|el| (el, "editable element"));
    for (el, via) in hinted.chain(generic) {
        let Some(score) = score(&el) else {
            continue;
        };
        let bottom = el.get_bounding_client_rect().bottom();
        let better = match &best {
            None => true,
            Some((s, b, found, _)) => {
                found.unchecked_ref::<Element>() != &el
                    && (score > *s || (score == *s && bottom > *b + 1.0))
            }
        };
        if better {
            if let Ok(html) = el.dyn_into::<HtmlElement>() {
                best = Some((score, bottom, html, via));
            }
        }
    }
    best.map(|(_, _, el, via)| (el, via))
}

fn root() -> Element {
    dom::document()
        .document_element()
        .expect("a page always has a root element")
}

/// How likely `el` is the conversation's composer, or `None` when it cannot be.
fn score(el: &Element) -> Option<i32> {
    let editable = el.tag_name() == "TEXTAREA"
        || el
            .dyn_ref::<HtmlElement>()
            .is_some_and(HtmlElement::is_content_editable);
    if !editable || !dom::usable(el) || dom::closest(el, NOT_A_COMPOSER_PLACE).is_some() {
        return None;
    }
    let mut score = 0;
    if dom::closest(el, r#"[role="main"], main"#).is_some() {
        score += 4;
    }
    if el.has_attribute("data-lexical-editor") {
        score += 2;
    }
    if el.get_attribute("role").as_deref() == Some("textbox") {
        score += 1;
    }
    Some(score)
}

/// Returns true if and only if a dialog lies over `composer`: a dialog that does not contain
/// it and is modal, overlaps it, or is where a click on the composer's centre would land (its
/// backdrop included). The extension never closes a page's dialog by itself.
pub fn covered(composer: &Element) -> bool {
    let rect = composer.get_bounding_client_rect();
    let (x, y) = (
        rect.left() + rect.width() / 2.0,
        rect.top() + rect.height() / 2.0,
    );
    let hit = dom::document().element_from_point(x as f32, y as f32);
    let hit_elsewhere = hit.as_ref().is_some_and(|h| {
        !composer.contains(Some(h))
            && !h.contains(Some(composer))
            && !area_of(composer).contains(Some(h))
    });
    dom::all_in(&root(), DIALOG).iter().any(|dialog| {
        if dialog.contains(Some(composer)) || !dom::usable(dialog) {
            return false;
        }
        let d = dialog.get_bounding_client_rect();
        let overlaps = d.left() < rect.right()
            && rect.left() < d.right()
            && d.top() < rect.bottom()
            && rect.top() < d.bottom();
        let modal = dialog.get_attribute("aria-modal").as_deref() == Some("true");
        modal || overlaps || hit_elsewhere
    })
}

/// Returns true if and only if a visible dialog is open and an editable element lies behind it,
/// laid out but made unusable (`aria-hidden`/`inert`, as a modal does to the page behind it).
pub fn behind_dialog() -> bool {
    let dialog_open = dom::all_in(&root(), DIALOG).iter().any(dom::usable);
    dialog_open
        && dom::all_in(&root(), EDITABLE).iter().any(|el| {
            let r = el.get_bounding_client_rect();
            r.width() > 1.0
                && r.height() > 1.0
                && !dom::usable(el)
                && dom::closest(el, DIALOG).is_none()
        })
}

/// The part of the page that belongs to a composer: its nearest ancestor that also holds a file
/// input, else the nearest that holds a button beside it and is no taller than a composer bar,
/// else the composer's bar, so that send buttons, attachments and previews are looked for next
/// to the composer only (never in the message list).
pub fn area_of(composer: &Element) -> Element {
    let mut with_button = None;
    let mut area = composer.clone();
    for _ in 0..8 {
        let Some(parent) = area.parent_element() else {
            break;
        };
        area = parent;
        if area
            .query_selector(r#"input[type="file"]"#)
            .ok()
            .flatten()
            .is_some()
        {
            return area;
        }
        if with_button.is_none()
            && area.get_bounding_client_rect().height() < 240.0
            && !holds_list(&area, composer)
            && buttons(&area).iter().any(|b| !composer.contains(Some(b)))
        {
            with_button = Some(area.clone());
        }
    }
    with_button.unwrap_or_else(|| {
        // The composer's bar: the highest of its nearest ancestors that is still bar-sized.
        let mut bar = composer.clone();
        let mut at = bar.parent_element();
        for _ in 0..3 {
            match at {
                Some(el)
                    if el.get_bounding_client_rect().height() < 240.0
                        && !holds_list(&el, composer) =>
                {
                    at = el.parent_element();
                    bar = el;
                }
                _ => break,
            }
        }
        bar
    })
}

/// Returns true if and only if `el` holds a scrolling element (a message list is never part of
/// a composer's area).
fn holds_list(el: &Element, composer: &Element) -> bool {
    dom::all_in(el, "div, ul, ol, section").iter().any(|d| {
        !composer.contains(Some(d))
            && !d.contains(Some(composer))
            && d.client_height() > 40
            && dom::may_scroll(d)
    })
}

/// The usable buttons in `area`, each with what it says (label, else text), to see which one
/// appears or changes once text is typed.
pub fn buttons(area: &Element) -> Vec<Element> {
    dom::all_in(area, r#"[role="button"], button"#)
        .into_iter()
        .filter(dom::usable)
        .collect()
}

/// A button as it reads: its label and its text.
pub fn reading(button: &Element) -> (Element, String) {
    let mut reading = button.get_attribute("aria-label").unwrap_or_default();
    reading.push('\u{1f}');
    reading.push_str(&dom::text_of(button));
    (button.clone(), reading)
}

/// The send control once text is typed: a site hint next to the composer, else the one button
/// of the composer's area that appeared or changed since `before` (a like button that became a
/// send button, a "Send" that shows only with text). `None`: Enter sends.
pub fn send_control(
    adapter: &SiteAdapter,
    composer: &Element,
    area: &Element,
    before: &[(Element, String)],
) -> Option<(HtmlElement, &'static str)> {
    if let Some(button) = dom::find_in(area, adapter.send_button) {
        return button.dyn_into().ok().map(|b| (b, "site hint"));
    }
    let changed: Vec<Element> = buttons(area)
        .into_iter()
        .filter(|b| !composer.contains(Some(b)))
        .filter(|b| b.get_attribute("aria-disabled").as_deref() != Some("true"))
        .filter(|b| !before.contains(&reading(b)))
        .collect();
    match changed.as_slice() {
        [only] => only
            .clone()
            .dyn_into()
            .ok()
            .map(|b| (b, "button shown by typing")),
        _ => None,
    }
}
