//! The conversation pane on screen: its parts, its per-thread signature, and whether it belongs
//! to the thread in the URL.
//!
//! Instagram and Messenger change the URL at once when the agent picks another thread, but keep
//! the old thread's pane — header, messages, composer — for a while (a few hundred ms on
//! Facebook). In that window the URL alone would let a message addressed to the new thread be
//! typed into the old one. So on every URL change the old pane's signature is remembered, and
//! the pane counts as the new thread's only by the rules of [`nobi_core::page::pane_verdict`]:
//! a signal that changed, the old messages gone, or a new composer — and never while a signal
//! still names the previous buyer. The name each thread was seen with is remembered for the
//! page's life, and a pane that names someone else is refused.
//!
//! The signature is built from whatever the page offers, each part optional: the composer's
//! label, the labels of the pane and the message list, the header's name (a heading inside the
//! profile link, at any depth), the profile link's href.

use crate::composer;
use crate::dom;
use crate::messages;
use crate::sites::SiteAdapter;
use nobi_core::page::{
    common_name, name_after_prefix, pane_verdict, profile_username, row_names, NodeFacts,
    PaneVerdict, Signature,
};
use nobi_core::platform::{classify, PageKind};
use nobi_core::protocol::ThreadRef;
use std::cell::RefCell;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// The parts of the pane on screen, found now.
pub struct Pane {
    pub composer: Option<(HtmlElement, &'static str)>,
    /// The pane: the composer's `[role=main]`/`main`, else the composer's nearest ancestor that
    /// holds a scrolling list, else the page's main region.
    pub root: Option<Element>,
    pub profile_link: Option<Element>,
    /// How the buyer's name was found.
    pub name_via: Option<NameSource>,
    pub signature: Signature,
    pub listing: messages::Listing,
}

/// Where the buyer's name on a pane was read, strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameSource {
    HeadingInProfileLink,
    SiteHint,
    SharedLabels,
    ProminentHeaderText,
    KnownLabelWording,
}

impl NameSource {
    /// The name the field diagnostic shows for this way.
    pub fn via(self) -> &'static str {
        match self {
            NameSource::HeadingInProfileLink => "heading in profile link",
            NameSource::SiteHint => "site hint",
            NameSource::SharedLabels => "labels that name the buyer",
            NameSource::ProminentHeaderText => "most prominent header text",
            NameSource::KnownLabelWording => "a label's known wording",
        }
    }

    /// Returns true if and only if a name from this source is sure enough to remember as the
    /// thread's buyer: a page's prominent text or a label's known wording could be replaced by a
    /// better reading later.
    fn is_strong(self) -> bool {
        matches!(
            self,
            NameSource::HeadingInProfileLink | NameSource::SiteHint | NameSource::SharedLabels
        )
    }
}

/// What a pane showed: when the URL last changed thread, or when it was last known to be its
/// thread's.
#[derive(Clone)]
struct Snapshot {
    signature: Signature,
    composer: Option<Element>,
    messages: Vec<Element>,
}

struct State {
    thread: Option<ThreadRef>,
    url: String,
    /// The previous thread's pane, while it may still be on screen.
    old: Option<Snapshot>,
    /// The buyer each thread was seen with, in this page's life.
    known: Vec<(ThreadRef, String)>,
    /// Set on a move from `/messages/t/<id>` to `/messages/e2ee/t/<other id>` (what the agent's
    /// "Continue" on an encryption notice does): the thread left, and its buyer's name.
    e2ee_from: Option<(ThreadRef, String)>,
    /// Threads learned to be another id of the same conversation: (now, before).
    aliases: Vec<(ThreadRef, ThreadRef)>,
    /// The pane last found to be its thread's, and that thread.
    last_ready: Option<(ThreadRef, Snapshot)>,
}

fn snapshot(pane: &Pane) -> Snapshot {
    Snapshot {
        composer: pane
            .composer
            .as_ref()
            .map(|(c, _)| c.clone().unchecked_into()),
        messages: pane
            .listing
            .messages
            .iter()
            .rev()
            .take(5)
            .map(|m| m.body.clone())
            .collect(),
        signature: pane.signature.clone(),
    }
}

thread_local! {
    // Built at compile time: a lazily built one costs the content script its initialisation code
    // (about 0.9 KB of wasm).
    static STATE: RefCell<State> = const {
        RefCell::new(State {
            thread: None,
            url: String::new(),
            old: None,
            known: Vec::new(),
            e2ee_from: None,
            aliases: Vec::new(),
            last_ready: None,
        })
    };
}

/// Finds the pane's parts and reads its signature.
pub fn read(adapter: &SiteAdapter) -> Pane {
    let composer = composer::find(adapter);
    let composer_el: Option<&Element> = composer.as_ref().map(|(c, _)| c.unchecked_ref());
    let root = composer_el
        .and_then(|c| dom::closest(c, r#"[role="main"], main"#))
        .or_else(|| composer_el.and_then(holder_of_list))
        .or_else(|| {
            dom::document()
                .query_selector(r#"[role="main"], main"#)
                .ok()
                .flatten()
        });
    let area = composer_el.map(composer::area_of);
    let listing = match &root {
        Some(root) => messages::read(adapter, root, area.as_ref()),
        None => messages::Listing {
            list: None,
            via: "",
            messages: Vec::new(),
        },
    };
    let composer_label = composer_el.and_then(label);
    // Labels around the list and the composer, up to the pane: "Conversation with …".
    let mut labels: Vec<String> = Vec::new();
    if let Some(l) = root.as_ref().and_then(label) {
        labels.push(l);
    }
    if let Some(root) = &root {
        for start in [listing.list.as_ref(), composer_el].into_iter().flatten() {
            let mut at = Some(start.clone());
            while let Some(el) = at {
                if &el != start || listing.list.as_ref() == Some(start) {
                    if let Some(l) = label(&el) {
                        if !labels.contains(&l) {
                            labels.push(l);
                        }
                    }
                }
                if &el == root {
                    break;
                }
                at = el.parent_element();
            }
        }
    }
    let profile_link = root
        .as_ref()
        .and_then(|r| header_link(adapter, r, listing.list.as_ref(), composer_el));
    let (mut header_name, mut header_via) =
        header_name(adapter, root.as_ref(), profile_link.as_ref());
    let link_label = profile_link.as_ref().and_then(label);
    let pane_labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    let mut all_labels: Vec<&str> = Vec::new();
    all_labels.extend(composer_label.as_deref());
    all_labels.extend(&pane_labels);
    all_labels.extend(link_label.as_deref());
    let from_labels = if header_name.is_none() {
        common_name(&all_labels)
    } else {
        None
    };
    if header_name.is_none() {
        // No heading: the header's most prominent text (a signal of the thread either way).
        let limit = listing
            .list
            .as_ref()
            .or(composer_el)
            .map(|el| el.get_bounding_client_rect().top());
        if let (Some(root), Some(limit)) = (&root, limit) {
            header_name = prominent_text_above(root, limit, composer_el);
            header_via = header_name
                .as_ref()
                .map(|_| NameSource::ProminentHeaderText);
        }
    }
    let (name, name_via) = match (&from_labels, &header_name) {
        (Some(n), _) => (Some(n.clone()), Some(NameSource::SharedLabels)),
        (None, Some(n)) => (Some(n.clone()), header_via),
        (None, None) => (
            name_after_prefix(&all_labels),
            Some(NameSource::KnownLabelWording),
        ),
    };
    let signature = Signature {
        composer_label,
        // Joined as `&str`s: one `join` for the whole script (each element type compiles its own).
        pane_label: (!pane_labels.is_empty()).then(|| pane_labels.join(" | ")),
        header_name,
        profile_href: profile_link.as_ref().and_then(|a| a.get_attribute("href")),
        name: name.clone(),
    };
    Pane {
        composer,
        root,
        profile_link,
        name_via: name.as_ref().and(name_via),
        signature,
        listing,
    }
}

/// An element's `aria-label`, NFC and trimmed, if it has a non-empty one.
fn label(el: &Element) -> Option<String> {
    el.get_attribute("aria-label")
        .map(|l| dom::fold_space(&dom::nfc(&l)))
        .filter(|l| !l.is_empty())
}

/// The composer's nearest ancestor that also holds an element made to scroll (the message list,
/// overflowing or, in a short conversation, not yet).
fn holder_of_list(composer: &Element) -> Option<Element> {
    let mut at = composer.parent_element();
    for _ in 0..12 {
        let el = at?;
        if dom::all_in(&el, "div, ul, ol, section").iter().any(|d| {
            !d.contains(Some(composer))
                && !composer.contains(Some(d))
                && d.client_height() > 40
                && dom::may_scroll(d)
        }) {
            return Some(el);
        }
        at = el.parent_element();
    }
    None
}

/// The header's link to the buyer's profile: the first usable link of the pane to a profile on
/// this platform that lies above the message list (or the composer) and outside it.
fn header_link(
    adapter: &SiteAdapter,
    root: &Element,
    list: Option<&Element>,
    composer: Option<&Element>,
) -> Option<Element> {
    let limit = list
        .or(composer)
        .map(|el| el.get_bounding_client_rect().top() + 1.0);
    dom::all_in(root, "a[href]").into_iter().find(|a| {
        let href = a.get_attribute("href").unwrap_or_default();
        profile_username(adapter.platform, &href).is_some()
            && list.is_none_or(|l| !l.contains(Some(a)))
            && dom::usable(a)
            && limit.is_none_or(|top| a.get_bounding_client_rect().bottom() <= top)
    })
}

/// The name in the header: a heading inside the profile link (at any depth), else a site hint.
fn header_name(
    adapter: &SiteAdapter,
    root: Option<&Element>,
    link: Option<&Element>,
) -> (Option<String>, Option<NameSource>) {
    let heading = link.and_then(|a| {
        dom::all_in(a, r#"h1, h2, h3, h4, h5, h6, [role="heading"]"#)
            .into_iter()
            .map(|h| dom::text_of(&h))
            .find(|t| !t.is_empty())
    });
    if heading.is_some() {
        return (heading, Some(NameSource::HeadingInProfileLink));
    }
    let hinted = root
        .and_then(|r| dom::find_in(r, adapter.header_name))
        .map(|h| dom::text_of(&h))
        .filter(|t| !t.is_empty());
    (hinted.clone(), hinted.map(|_| NameSource::SiteHint))
}

/// The largest, boldest text of its own in `root` above `limit` (the header's name, where the
/// header has no heading), outside buttons and the composer.
fn prominent_text_above(root: &Element, limit: f64, composer: Option<&Element>) -> Option<String> {
    let mut best: Option<(f64, String)> = None;
    for el in dom::all_in(root, "*") {
        // The header comes before the list (and the composer) in the document: stop there.
        if composer.is_some_and(|c| c == &el) || el.has_attribute("aria-roledescription") {
            break;
        }
        let r = el.get_bounding_client_rect();
        if r.bottom() > limit + 1.0 || r.height() < 1.0 {
            continue;
        }
        if !dom::has_own_text(&el)
            || dom::closest(
                &el,
                r#"[role="button"], button, [role="navigation"], [role="listbox"]"#,
            )
            .is_some()
            || composer.is_some_and(|c| c.contains(Some(&el)))
            || !dom::usable(&el)
        {
            continue;
        }
        let text = dom::visible_text(&el);
        if text.is_empty() || text.chars().count() > 80 || nobi_core::page::looks_like_time(&text) {
            continue;
        }
        // Whole pixels and weights are enough to compare, and an integer parse keeps the float
        // parser (about 10 KB) out of the content script.
        let size = leading_integer(&dom::style(&el, "font-size"));
        let weight = leading_integer(&dom::style(&el, "font-weight"));
        let score = f64::from(size) * 1000.0 + f64::from(weight);
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, text));
        }
    }
    best.map(|(_, t)| t)
}

/// The digits a CSS value starts with (`"15.5px"` → 15), 0 when none.
fn leading_integer(value: &str) -> u32 {
    value
        .bytes()
        .take_while(u8::is_ascii_digit)
        .fold(0u32, |n, d| {
            n.saturating_mul(10).saturating_add(u32::from(d - b'0'))
        })
}

/// Call synchronously on every URL change (before the page re-renders): remembers the pane on
/// screen if the thread changed.
pub fn url_changed() {
    let thread = match classify(&dom::location()) {
        PageKind::Thread(thread) => Some(thread),
        _ => None,
    };
    let url = dom::location();
    let (previous, previous_url) = STATE.with(|s| {
        let s = s.borrow();
        (s.thread.clone(), s.url.clone())
    });
    if previous == thread {
        return;
    }
    // What is on screen now is the previous thread's pane (or nothing, on a first load).
    // What is on screen now is normally the previous thread's pane. A page that drew the new
    // pane before telling of the URL change would have us remember the new pane as the old one
    // (and wait for a change that never comes): then the pane last known to be the previous
    // thread's is the better memory.
    let old = previous.as_ref().map(|previous| {
        let now = snapshot(&read(crate::sites::adapter_for(previous.platform)));
        let last = STATE.with(|s| {
            s.borrow()
                .last_ready
                .as_ref()
                .filter(|(t, _)| t == previous)
                .map(|(_, snap)| snap.clone())
        });
        match last {
            Some(last)
                if last.signature.name.is_some() && last.signature.name != now.signature.name =>
            {
                last
            }
            _ => now,
        }
    });
    let continued = |from: &str, to: &str| {
        nobi_core::text::contains(from, "facebook.com/messages/t/")
            && nobi_core::text::contains(to, "facebook.com/messages/e2ee/t/")
    };
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        // Only a notice (no composer) that turns into a chat can be the agent's "Continue": a
        // move from a chat to another encrypted chat is a switch to another buyer.
        s.e2ee_from = match (&previous, &old) {
            (Some(p), Some(o)) if continued(&previous_url, &url) && o.composer.is_none() => {
                o.signature.name.clone().map(|name| (p.clone(), name))
            }
            _ => None,
        };
        // Through the inbox (no thread) the last thread's pane is kept: it may still be on
        // screen when the next thread's URL comes.
        if previous.is_some() {
            s.old = old.filter(|o| !o.signature.is_empty() || o.composer.is_some());
        }
        s.thread = thread;
        s.url = url;
    });
}

/// The other ids this page learned for `thread` (the id before an encryption notice's
/// "Continue").
pub fn aliases_of(thread: &ThreadRef) -> Vec<ThreadRef> {
    STATE.with(|s| {
        s.borrow()
            .aliases
            .iter()
            .filter(|(now, _)| now == thread)
            .map(|(_, before)| before.clone())
            .collect()
    })
}

/// The texts of the page's links to `thread` (its row in the thread list, wherever the page
/// shows one), as laid out (`innerText`).
fn rows_of(thread: &ThreadRef) -> Vec<String> {
    let Ok(links) = dom::document().query_selector_all("a[href]") else {
        return Vec::new();
    };
    (0..links.length())
        .filter_map(|i| links.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        // A link to the thread itself, not an in-page one ("#", "#menu": they resolve to
        // the page's own URL, which shows the thread).
        .filter(|a| {
            a.get_attribute("href")
                .is_some_and(|h| !h.trim_start().starts_with('#'))
                && a.hash().is_empty()
        })
        .filter(|a| matches!(classify(&a.href()), PageKind::Thread(t) if &t == thread))
        .map(|a| a.inner_text())
        .collect()
}

/// Whether `pane` (read now) belongs to `thread`, the thread in the URL. Once it does, the
/// previous pane is forgotten and the buyer's name is remembered for `thread`.
pub fn verdict(thread: &ThreadRef, pane: &Pane) -> PaneVerdict {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        // After "Continue" on an encryption notice the chat is the same buyer's: the name that
        // stays on screen is not the previous thread's left behind.
        let continued_from = s
            .e2ee_from
            .as_ref()
            .filter(|(_, name)| pane.signature.name.as_ref() == Some(name))
            .cloned();
        let expected = s
            .known
            .iter()
            .find(|(t, _)| t == thread)
            .map(|(_, n)| n.clone())
            .or_else(|| continued_from.as_ref().map(|(_, n)| n.clone()));
        let facts = match &s.old {
            Some(old) => NodeFacts {
                composer_replaced: match (&old.composer, &pane.composer) {
                    (Some(was), Some((now, _))) => {
                        let now: &Element = now.unchecked_ref();
                        was != now
                    }
                    (None, Some(_)) => true,
                    _ => false,
                },
                old_messages_gone: !old.messages.is_empty()
                    && old.messages.iter().all(|m| !m.is_connected()),
                composer_appeared: old.composer.is_none() && pane.composer.is_some(),
            },
            None => NodeFacts {
                composer_replaced: pane.composer.is_some(),
                ..NodeFacts::default()
            },
        };
        let mut verdict = pane_verdict(
            s.old.as_ref().map(|o| &o.signature),
            &pane.signature,
            facts,
            expected.as_deref(),
        );
        // A positive match with the URL's thread, where the page lists it: "changed since the
        // last pane" is not enough after two quick switches (the middle one's pane comes late).
        if verdict == PaneVerdict::Ready
            && !row_names(&rows_of(thread), pane.signature.name.as_deref())
        {
            verdict = PaneVerdict::OtherBuyer;
        }
        if verdict == PaneVerdict::Ready {
            s.old = None;
            s.last_ready = Some((thread.clone(), snapshot(pane)));
            if let Some((before, _)) = continued_from {
                if &before != thread && !s.aliases.iter().any(|(n, b)| n == thread && *b == before)
                {
                    s.aliases.push((thread.clone(), before));
                }
                s.e2ee_from = None;
            }
            let strong = pane.name_via.is_some_and(NameSource::is_strong);
            if let (None, Some(name), true) = (&expected, &pane.signature.name, strong) {
                s.known.push((thread.clone(), name.clone()));
            }
        }
        verdict
    })
}
