//! The field diagnostic: a dry check of what the adapter finds on the page (nothing is typed,
//! clicked or scrolled), and a layout report for whoever maintains the adapter.
//!
//! The report is a JSON skeleton of the pane: tag names, ARIA roles (from the fixed ARIA
//! vocabulary, else `"?"`), attribute *names* (never values), nesting, how many alike siblings,
//! whether a node has text of its own, and which node the adapter used for what. Every text,
//! label value, URL and id is left out, so a shop can send it without leaking a buyer's data.
//! Only tokens that pass [`nobi_core::page::report_name_ok`] are written, so nothing needs
//! escaping.

use crate::composer;
use crate::health;
use crate::pane::{NameSource, Pane};
use crate::sites::adapter_for;
use nobi_core::page::{report_name_ok, report_role};
use nobi_core::protocol::{Diagnosis, Engine, Signal, SignalCheck};
use wasm_bindgen::JsCast;
use web_sys::Element;

/// The deepest level the report goes to, and the most nodes it writes.
const MAX_DEPTH: u32 = 24;
const MAX_NODES: u32 = 4_000;

/// Runs the dry check on the page now.
pub fn run(engine: Engine, init_us: Option<u32>) -> Diagnosis {
    let (health, pane) = health::check_with(engine, init_us);
    let Some(pane) = pane else {
        return Diagnosis {
            health,
            checks: Vec::new(),
            layout_report: "{}".into(),
        };
    };
    // A pane is read on a conversation page only, whose platform the health check names.
    let Some(adapter) = health.platform.map(adapter_for) else {
        return Diagnosis {
            health,
            checks: Vec::new(),
            layout_report: "{}".into(),
        };
    };
    let composer_el: Option<Element> = pane.composer.as_ref().map(|(c, _)| c.clone().into());
    let send = composer_el.as_ref().and_then(|c| {
        let area = composer::area_of(c);
        crate::dom::find_in(&area, adapter.send_button).map(|_| "site hint")
    });
    let check = |signal, found: bool, via: Option<&str>, count: usize| SignalCheck {
        signal,
        found,
        via: via.map(str::to_owned),
        count: count as u32,
    };
    let present = pane.signature.present();
    let checks = vec![
        check(
            Signal::Composer,
            pane.composer.is_some(),
            pane.composer.as_ref().map(|(_, via)| *via),
            usize::from(pane.composer.is_some()),
        ),
        check(
            Signal::ComposerUncovered,
            composer_el.as_ref().is_some_and(|c| !composer::covered(c)),
            None,
            0,
        ),
        check(Signal::Pane, pane.root.is_some(), None, 0),
        check(
            Signal::BuyerName,
            pane.signature.name.is_some(),
            pane.name_via.map(NameSource::via),
            0,
        ),
        check(Signal::ProfileLink, pane.profile_link.is_some(), None, 0),
        check(
            Signal::ThreadSignature,
            !present.is_empty(),
            Some(&present.join(", ")),
            present.len(),
        ),
        check(Signal::MessageList, pane.listing.list.is_some(), None, 0),
        check(
            Signal::MessageRows,
            !pane.listing.messages.is_empty(),
            Some(pane.listing.via),
            pane.listing.messages.len(),
        ),
        check(
            Signal::SendControl,
            true,
            Some(send.unwrap_or("Enter, or a button shown by typing")),
            usize::from(send.is_some()),
        ),
    ];
    Diagnosis {
        health,
        checks,
        layout_report: layout_report(&pane),
    }
}

/// The JSON skeleton of the pane (the page's main region when there is no pane).
pub fn layout_report(pane: &Pane) -> String {
    let root = pane.root.clone().or_else(|| {
        crate::dom::document()
            .body()
            .map(|b| b.unchecked_into::<Element>())
    });
    let Some(root) = root else {
        return "{}".into();
    };
    let mut marks: Vec<(Element, &'static str)> = Vec::new();
    if let Some((c, _)) = &pane.composer {
        marks.push((c.clone().into(), "composer"));
    }
    if let Some(list) = &pane.listing.list {
        marks.push((list.clone(), "message_list"));
    }
    if let Some(link) = &pane.profile_link {
        marks.push((link.clone(), "profile_link"));
    }
    for m in &pane.listing.messages {
        marks.push((m.body.clone(), "message_body"));
        for (status, _) in &m.statuses {
            marks.push((status.clone(), "delivery_state"));
        }
    }
    let mut budget = MAX_NODES;
    let mut out = String::from("{\"nobi_layout_report\":1,\"pane\":");
    node(&root, 0, &marks, &mut budget, &mut out);
    out.push('}');
    out
}

/// Writes `el` and its children, alike neighbours folded into one with a count.
fn node(
    el: &Element,
    depth: u32,
    marks: &[(Element, &'static str)],
    budget: &mut u32,
    out: &mut String,
) {
    *budget = budget.saturating_sub(1);
    let tag = el.tag_name().to_ascii_lowercase();
    out.push_str("{\"tag\":\"");
    out.push_str(if report_name_ok(&tag) { &tag } else { "?" });
    out.push('"');
    if let Some(role) = el.get_attribute("role") {
        out.push_str(",\"role\":\"");
        out.push_str(report_role(&role));
        out.push('"');
    }
    let attributes = el.get_attribute_names();
    let names: Vec<String> = attributes
        .iter()
        .filter_map(|n| n.as_string())
        .filter(|n| n != "role" && n != "class" && n != "style")
        .map(|n| if report_name_ok(&n) { n } else { "?".into() })
        .collect();
    if !names.is_empty() {
        out.push_str(",\"attributes\":[");
        for (i, n) in names.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('"');
            out.push_str(n);
            out.push('"');
        }
        out.push(']');
    }
    if crate::dom::has_own_text(el) {
        out.push_str(",\"text\":true");
    }
    for (marked, what) in marks {
        if marked == el {
            out.push_str(",\"used_as\":\"");
            out.push_str(what);
            out.push('"');
        }
    }
    let children = el.children();
    if children.length() > 0 {
        if depth >= MAX_DEPTH || *budget < children.length() {
            out.push_str(",\"children_left_out\":");
            push_decimal(out, children.length());
        } else {
            out.push_str(",\"children\":[");
            let mut written: Vec<String> = Vec::new();
            for i in 0..children.length() {
                let Some(child) = children.item(i) else {
                    continue;
                };
                let mut one = String::new();
                node(&child, depth + 1, marks, budget, &mut one);
                // Alike neighbours (rows of a list) fold into one with a count.
                match written.last_mut() {
                    Some(last) if strip_count(last) == one => bump(last),
                    _ => written.push(one),
                }
            }
            for (i, child) in written.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(child);
            }
            out.push(']');
        }
    }
    out.push('}');
}

const COUNT: &str = ",\"alike\":";

/// `node` without the count of alike neighbours added by [`bump`] (only its own, at its very
/// end: a child's count inside it stays).
fn strip_count(node: &str) -> String {
    match own_count_at(node) {
        Some(at) => {
            let mut stripped = node[..at].to_owned();
            stripped.push('}');
            stripped
        }
        None => node.to_owned(),
    }
}

/// Where `node`'s own count starts: a `,"alike":<digits>}` that ends it.
fn own_count_at(node: &str) -> Option<usize> {
    let before_brace = node.strip_suffix('}')?;
    let before_digits = before_brace.trim_end_matches(|c: char| c.is_ascii_digit());
    if before_digits.len() == before_brace.len() {
        return None; // no digits
    }
    Some(before_digits.strip_suffix(COUNT)?.len())
}

/// Adds one to the count of alike neighbours of `node`.
fn bump(node: &mut String) {
    let n = own_count_at(node)
        .and_then(|at| node[at + COUNT.len()..node.len() - 1].parse::<u32>().ok());
    let base = strip_count(node);
    let count = n.unwrap_or(1) + 1;
    let mut bumped = base[..base.len() - 1].to_owned();
    bumped.push_str(COUNT);
    push_decimal(&mut bumped, count);
    bumped.push('}');
    *node = bumped;
}

/// Appends `n` in decimal. (Not `format!`: the formatting machinery would cost the content script
/// about 1 KB gzip for these two numbers.)
fn push_decimal(out: &mut String, n: u32) {
    let mut digits = [0u8; 10];
    let mut start = digits.len();
    let mut rest = n;
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.extend(digits[start..].iter().map(|&d| char::from(d)));
}
