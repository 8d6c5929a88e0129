//! The messages of the open conversation, read from roles where the page has them and from
//! structure and layout where it does not.
//!
//! Rows, in order of preference: the site's hints; message roots marked with
//! `aria-roledescription` (whatever the word, localised); `role=row`; else the children of the
//! message list (the scrollable element of the pane that does not hold the composer). In a row,
//! a message's *body* is the outermost `dir="auto"` element that is not a heading (a sender's
//! name), not text for screen readers only ("You sent"), not a time and not a delivery state.
//!
//! Direction comes from layout: on every Meta surface the shop's bubbles sit on the right of the
//! list and the buyer's on the left; a centred text is a separator (a time). Order comes from
//! layout too (top to bottom), so a list that scrolls `column-reverse`, or renders newest first,
//! reads the same. A delivery state is a short text (or an icon's label) beside a bubble that
//! [`nobi_core::page::classify_status`] recognises.

use crate::dom::{self, text_of};
use crate::sites::SiteAdapter;
use nobi_core::page::{classify_status, looks_like_time};
use nobi_core::protocol::{ChatMessage, Delivery, Direction};
use wasm_bindgen::JsCast;
use web_sys::Element;

/// One message on the page.
#[derive(Clone)]
pub struct Message {
    /// The element holding the message's text (or its image).
    pub body: Element,
    pub message: ChatMessage,
    /// The status texts (or icon labels) found beside it, as (element, what it says).
    pub statuses: Vec<(Element, String)>,
    top: f64,
}

/// The message list of a pane and its messages, oldest first.
pub struct Listing {
    /// The scrollable list, when there is one.
    pub list: Option<Element>,
    /// Which way the rows were found (for the field diagnostic).
    pub via: &'static str,
    pub messages: Vec<Message>,
}

/// Reads the messages of `pane`, leaving out the composer's area.
pub fn read(adapter: &SiteAdapter, pane: &Element, composer_area: Option<&Element>) -> Listing {
    let outside = |el: &Element| composer_area.is_none_or(|a| !a.contains(Some(el)));
    let (rows, via) = rows(adapter, pane, &outside);
    let list = rows
        .first()
        .and_then(scrollable_ancestor)
        .or_else(|| scroller_in(pane, composer_area));
    let (rows, via) = match (rows.is_empty(), &list) {
        (true, Some(list)) => (list_rows(list), "children of the scrollable list"),
        _ => (rows, via),
    };
    let reference = list.clone().unwrap_or_else(|| pane.clone());
    let frame = reference.get_bounding_client_rect();
    let mut found: Vec<Message> = Vec::new();
    let mut separators: Vec<(f64, String)> = Vec::new();
    for row in &rows {
        let single = row.has_attribute("aria-roledescription");
        let bodies = bodies_of(row, single);
        let mut in_row: Vec<Message> = Vec::new();
        for body in bodies {
            let text = dom::visible_text(&body);
            let rect = body.get_bounding_client_rect();
            let gap_left = rect.left() - frame.left();
            let gap_right = frame.right() - rect.right();
            let direction = if gap_left > gap_right + 8.0 {
                Direction::Out
            } else if gap_right > gap_left + 8.0 {
                Direction::In
            } else {
                // Centred: a separator ("Today 09:41"), unless it is a picture.
                if !text.is_empty() {
                    separators.push((rect.top(), text));
                }
                continue;
            };
            in_row.push(Message {
                body: body.clone(),
                message: ChatMessage {
                    direction,
                    text,
                    time: None,
                    id: message_id(row, &body, single),
                    delivery: Delivery::Unknown,
                },
                statuses: Vec::new(),
                top: rect.top(),
            });
        }
        if in_row.is_empty() {
            // A separator row: its text is the time of what follows.
            let label = dom::visible_text(row);
            if looks_like_time(&label) {
                separators.push((row.get_bounding_client_rect().top(), label));
            }
            continue;
        }
        assign_statuses(row, &mut in_row);
        found.extend(in_row);
    }
    if via == "aria-roledescription" {
        // Roots are messages only: the times between them are outside, centred in the list.
        separators.extend(centred_times(&reference, &frame, &rows));
    }
    // Top to bottom: oldest first whatever the DOM order (a `column-reverse` list may render
    // newest first).
    let tops: Vec<f64> = found.iter().map(|m| m.top).collect();
    let found = reorder(found, &tops);
    let tops: Vec<f64> = separators.iter().map(|s| s.0).collect();
    let separators = reorder(separators, &tops);
    let mut found = found;
    for message in &mut found {
        message.message.time = separators
            .iter()
            .rev()
            .find(|(top, _)| *top <= message.top)
            .map(|(_, t)| t.clone());
    }
    Listing {
        list,
        via,
        messages: found,
    }
}

/// The time separators of a list whose messages are roots: texts of their own that read as a
/// time, centred in `frame`, outside every root.
fn centred_times(
    list: &Element,
    frame: &web_sys::DomRect,
    roots: &[Element],
) -> Vec<(f64, String)> {
    let value = roots
        .first()
        .and_then(|r| r.get_attribute("aria-roledescription"))
        .unwrap_or_default();
    dom::all_in(list, "*")
        .into_iter()
        .filter(dom::has_own_text)
        // Outside every root: one `closest` per element, not a search of the roots.
        .filter(|el| {
            dom::closest(el, "[aria-roledescription]")
                .is_none_or(|r| r.get_attribute("aria-roledescription").as_deref() != Some(&value))
        })
        .filter_map(|el| {
            let text = dom::visible_text(&el);
            if !looks_like_time(&text) {
                return None;
            }
            let r = el.get_bounding_client_rect();
            let (left, right) = (r.left() - frame.left(), frame.right() - r.right());
            ((left - right).abs() <= 8.0).then(|| (r.top(), text))
        })
        .collect()
}

/// `items` ordered by `keys`, ascending, stably. An insertion sort over indices: the items come
/// almost in order (DOM order is usually layout order), and one small non-generic sort keeps
/// the content script small (each `sort_by` use compiles a merge sort of its own).
fn reorder<T>(items: Vec<T>, keys: &[f64]) -> Vec<T> {
    let order = sorted_indices(keys);
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

fn sorted_indices(keys: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = Vec::with_capacity(keys.len());
    for i in 0..keys.len() {
        let mut at = order.len();
        while at > 0 && keys[order[at - 1]] > keys[i] {
            at -= 1;
        }
        order.insert(at, i);
    }
    order
}

/// The rows of the conversation and the way they were found.
fn rows(
    adapter: &SiteAdapter,
    pane: &Element,
    outside: &dyn Fn(&Element) -> bool,
) -> (Vec<Element>, &'static str) {
    let keep = |found: Vec<Element>| -> Vec<Element> {
        found
            .into_iter()
            .filter(|el| outside(el) && dom::is_rendered(el))
            .collect()
    };
    // Message roots, whatever the localised word: the most frequent value in the pane.
    let described = keep(dom::all_in(pane, "[aria-roledescription]"));
    if !described.is_empty() {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for el in &described {
            let value = el.get_attribute("aria-roledescription").unwrap_or_default();
            match counts.iter_mut().find(|(v, _)| *v == value) {
                Some((_, n)) => *n += 1,
                None => counts.push((value, 1)),
            }
        }
        let top = counts
            .iter()
            .max_by_key(|(_, n)| *n)
            .map(|(v, _)| v.clone())
            .unwrap_or_default();
        let roots: Vec<Element> = described
            .into_iter()
            .filter(|el| el.get_attribute("aria-roledescription").as_deref() == Some(&top))
            // A root inside another root is part of it.
            .collect();
        return (outermost(&roots), "aria-roledescription");
    }
    let hinted = keep(dom::find_every_in(pane, adapter.message_rows));
    if !hinted.is_empty() {
        return (hinted, "site hint");
    }

    let rows = keep(dom::all_in(pane, r#"[role="row"]"#));
    (rows, "role=row")
}

/// The rows of a list without roles: the children of the first element, going down from the
/// list, that has more than one child.
fn list_rows(list: &Element) -> Vec<Element> {
    let mut at = list.clone();
    for _ in 0..8 {
        let children = at.children();
        if children.length() != 1 {
            break;
        }
        match children.item(0) {
            Some(only) => at = only,
            None => break,
        }
    }
    let children = at.children();
    (0..children.length())
        .filter_map(|i| children.item(i))
        .collect()
}

/// The nearest ancestor of `el` made to scroll (whether or not it overflows yet).
fn scrollable_ancestor(el: &Element) -> Option<Element> {
    let mut at = el.parent_element();
    while let Some(el) = at {
        if el.tag_name() == "BODY" {
            return None;
        }
        if dom::may_scroll(&el) && el.client_height() > 40 {
            return Some(el);
        }
        at = el.parent_element();
    }
    None
}

/// The message list of a pane without marked rows: the nearest scrolling element to the
/// composer (searching the composer's ancestors outwards, so that an inbox list in another
/// column is not taken), else the largest in the pane.
fn scroller_in(pane: &Element, composer_area: Option<&Element>) -> Option<Element> {
    let all: Vec<Element> = dom::all_in(pane, "div, ul, ol, section")
        .into_iter()
        .filter(|el| composer_area.is_none_or(|a| !el.contains(Some(a)) && !a.contains(Some(el))))
        .collect();
    // Overflowing now, or made to scroll (a short conversation does not overflow yet, while an
    // inbox list beside it may): the nearest to the composer wins below.
    let candidates: Vec<Element> = all
        .into_iter()
        .filter(|el| el.client_height() > 40 && dom::may_scroll(el))
        .collect();
    if let Some(area) = composer_area {
        let mut at = area.parent_element();
        while let Some(ancestor) = at {
            if let Some(near) = candidates
                .iter()
                .filter(|c| ancestor.contains(Some(c)))
                .max_by(|a, b| area_px(a).total_cmp(&area_px(b)))
            {
                return Some(near.clone());
            }
            if &ancestor == pane {
                break;
            }
            at = ancestor.parent_element();
        }
    }
    candidates
        .into_iter()
        .max_by(|a, b| area_px(a).total_cmp(&area_px(b)))
}

fn area_px(el: &Element) -> f64 {
    let r = el.get_bounding_client_rect();
    r.width() * r.height()
}

/// Returns true if and only if `el` or an ancestor up to `root` is text for screen readers only.
fn hidden_within(el: &Element, root: &Element) -> bool {
    let mut at = Some(el.clone());
    while let Some(e) = at {
        if &e == root {
            return false;
        }
        if e.tag_name() != "svg" && dom::visually_hidden(&e) && e.get_client_rects().length() > 0 {
            return true;
        }
        at = e.parent_element();
    }
    false
}

/// Returns true if and only if `el` lies in a heading (a sender's name) or in text for screen
/// readers only, between `row` and itself.
fn in_heading_or_hidden(el: &Element, row: &Element) -> bool {
    let mut at = Some(el.clone());
    while let Some(e) = at {
        if matches!(
            e.tag_name().as_str(),
            "H1" | "H2" | "H3" | "H4" | "H5" | "H6"
        ) || e.get_attribute("role").as_deref() == Some("heading")
            || dom::visually_hidden(&e)
        {
            return true;
        }
        if &e == row {
            return false;
        }
        at = e.parent_element();
    }
    false
}

/// The bodies of the messages in `row`: outermost `dir="auto"` elements (else elements with text
/// of their own) that are not headings, hidden, times or delivery states, and sent pictures. A
/// message root (`single`) has one body: the one its `aria-label` quotes, else the longest.
fn bodies_of(row: &Element, single: bool) -> Vec<Element> {
    let mut candidates: Vec<Element> = dom::all_in(row, r#"[dir="auto"]"#);
    if row.get_attribute("dir").as_deref() == Some("auto") {
        candidates.insert(0, row.clone());
    }
    if candidates.is_empty() {
        candidates = dom::all_in(row, "*")
            .into_iter()
            .filter(dom::has_own_text)
            .collect();
    }
    let candidates: Vec<Element> = candidates
        .into_iter()
        .filter(|el| !in_heading_or_hidden(el, row))
        .collect();
    let outer = outermost(&candidates);
    let label = row.get_attribute("aria-label").unwrap_or_default();
    let mut bodies: Vec<(Element, String)> = Vec::new();
    for el in outer {
        let text = dom::visible_text(&el);
        if text.is_empty() {
            continue;
        }
        let quoted = !label.is_empty() && nobi_core::text::contains(&label, &text);
        // A time or a delivery word is a body when it sits in a bubble (a buyer who writes
        // "Chưa nhận được hàng" or "Giao lúc 14:30"), and a page's state when it does not.
        let short_state = looks_like_time(&text) || classify_status(&text).is_some();
        if short_state && !quoted && !in_bubble(&el, row) {
            continue;
        }
        bodies.push((el, text));
    }
    if single && bodies.len() > 1 {
        let best = bodies
            .iter()
            .position(|(_, t)| !label.is_empty() && nobi_core::text::contains(&label, t))
            .unwrap_or_else(|| {
                bodies
                    .iter()
                    .enumerate()
                    .max_by_key(|(_, (_, t))| t.chars().count())
                    .map_or(0, |(i, _)| i)
            });
        bodies = vec![bodies.swap_remove(best)];
    }
    let mut out: Vec<Element> = bodies.into_iter().map(|(el, _)| el).collect();
    if out.is_empty() {
        // A picture sent as a message (an avatar beside a bubble is smaller).
        if let Some(img) = dom::all_in(row, "img").into_iter().find(is_message_image) {
            out.push(img);
        }
    }
    out
}

/// The elements of `els` that no other of them contains.
fn outermost(els: &[Element]) -> Vec<Element> {
    els.iter()
        .filter(|el| {
            !els.iter()
                .any(|other| other != *el && other.contains(Some(el)))
        })
        .cloned()
        .collect()
}

/// Returns true if and only if `el` sits in a bubble: it or an ancestor up to `row` (at most four
/// levels) paints a background. Chat bubbles have one; statuses and times do not.
fn in_bubble(el: &Element, row: &Element) -> bool {
    let mut at = Some(el.clone());
    for _ in 0..5 {
        let Some(e) = at else {
            return false;
        };
        let background = dom::style(&e, "background-color");
        if !background.is_empty() && background != "transparent" && !background.ends_with(", 0)") {
            return true;
        }
        if &e == row {
            return false;
        }
        at = e.parent_element();
    }
    false
}

/// Returns true if and only if `img` is a sent picture, not an avatar or an emoji. The image's
/// own size counts, not its layout: a picture still loading has no width yet.
fn is_message_image(img: &Element) -> bool {
    let natural = img
        .dyn_ref::<web_sys::HtmlImageElement>()
        .map_or(0, |i| i.natural_width().max(i.width()));
    natural > 48 || img.get_bounding_client_rect().width() > 48.0
}

/// The platform's message id: `data-message-id` on the body or its root, or (for a root) inside
/// it.
fn message_id(row: &Element, body: &Element, single: bool) -> Option<String> {
    let from = |el: Option<Element>| {
        el.filter(|e| row.contains(Some(e)) || e.contains(Some(row)))
            .and_then(|e| e.get_attribute("data-message-id"))
            .filter(|id| !id.is_empty())
    };
    from(dom::closest(body, "[data-message-id]")).or_else(|| {
        single
            .then(|| row.query_selector("[data-message-id]").ok().flatten())
            .and_then(from)
    })
}

/// Finds the delivery states beside the messages of `row` (in the row, outside the bodies, and
/// in the element right after the row when it holds no message) and gives each to the message
/// above it.
fn assign_statuses(row: &Element, messages: &mut [Message]) {
    let mut statuses = statuses_in(row, messages);
    if let Some(next) = following(row) {
        if bodies_of(&next, false).is_empty() {
            let below = next.get_bounding_client_rect().top();
            statuses.extend(
                statuses_in(&next, &[])
                    .into_iter()
                    .map(|(el, t, _)| (el, t, below)),
            );
        }
    }
    for (el, text, top) in statuses {
        let Some(state) = classify_status(&text) else {
            continue;
        };
        let owner = messages
            .iter_mut()
            .rev()
            .find(|m| m.top <= top + 1.0)
            .or(None);
        let owner = match owner {
            Some(m) => m,
            None => match messages.first_mut() {
                Some(m) => m,
                None => continue,
            },
        };
        if owner.message.delivery != Delivery::Failed {
            owner.message.delivery = state;
        }
        owner.statuses.push((el, text));
    }
}

/// The element right after `row` in the list: its next sibling, else its parent's (a status line
/// after the last row sits a few levels up).
fn following(row: &Element) -> Option<Element> {
    let mut at = row.clone();
    for _ in 0..6 {
        if let Some(next) = at.next_element_sibling() {
            return Some(next);
        }
        at = at.parent_element()?;
    }
    None
}

/// The short texts and icon labels in `root` outside the `messages`' bodies, with their tops.
fn statuses_in(root: &Element, messages: &[Message]) -> Vec<(Element, String, f64)> {
    let mut out = Vec::new();
    for el in dom::all_in(root, "*") {
        if messages.iter().any(|m| m.body.contains(Some(&el))) {
            continue;
        }
        let said = match el.tag_name().as_str() {
            "IMG" => el.get_attribute("alt").unwrap_or_default(),
            "svg" | "SVG" => el.get_attribute("aria-label").unwrap_or_default(),
            _ if dom::has_own_text(&el) => text_of(&el),
            _ => el.get_attribute("aria-label").unwrap_or_default(),
        };
        if said.is_empty() || said.chars().count() > 60 || !dom::is_rendered(&el) {
            continue;
        }
        if hidden_within(&el, root) {
            continue; // screen-reader text ("You sent"), at any depth
        }
        let top = el.get_bounding_client_rect().top();
        out.push((el, said, top));
    }
    out
}
