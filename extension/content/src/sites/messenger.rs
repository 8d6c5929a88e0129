//! Messenger, in its three homes: `www.facebook.com/messages/t/<id>` (and `/messages/e2ee/t/`),
//! `www.messenger.com/t/<id>`, and the Meta Business Suite inbox.
//!
//! The composer is Lexical with placeholder "Aa", labelled "Message" / "Nhắn tin"; the send button
//! is labelled "Press enter to send" / "Nhấn Enter để gửi" (or "Send" / "Gửi"); message rows carry
//! `aria-roledescription="message"` or `data-message-id`; the active thread in the list has
//! `aria-current="page"`.

use super::{Locator, SiteAdapter, BLOCKED_TEXTS};
use nobi_core::protocol::Platform;

const COMPOSER: &[Locator] = &[
    Locator::css(r#"div[role="textbox"][contenteditable="true"][aria-label="Message"]"#),
    Locator::css(r#"div[role="textbox"][contenteditable="true"][aria-label="Nhắn tin"]"#),
    Locator::css(r#"div[role="textbox"][contenteditable="true"][aria-label="Tin nhắn"]"#),
    Locator::css(r#"div[role="textbox"][contenteditable="true"][data-lexical-editor="true"]"#),
    Locator::css(r#"div[role="textbox"][contenteditable="true"]"#),
];

const SEND_BUTTON: &[Locator] = &[
    Locator::css(r#"[role="button"][aria-label="Press enter to send"]"#),
    Locator::css(r#"[role="button"][aria-label="Nhấn Enter để gửi"]"#),
    Locator::css(r#"[role="button"][aria-label="Send"]"#),
    Locator::css(r#"[role="button"][aria-label="Gửi"]"#),
];

const BUYER_NAME: &[Locator] = &[
    Locator::css(r#"div[role="main"] [role="banner"] h2"#),
    Locator::css(r#"div[role="main"] h2"#),
];

const OUTGOING: &[Locator] = &[
    Locator::css(r#"[role="row"][data-direction="out"] [dir="auto"]"#),
    Locator::css(r#"[aria-roledescription="message"] [dir="auto"]"#),
    Locator::css(r#"[role="row"] [dir="auto"]"#),
];

const BLOCKED: &[Locator] = &[Locator::with_text(r#"[role="dialog"]"#, BLOCKED_TEXTS)];

const LOGIN: &[Locator] = &[
    Locator::css(
        r#"form input[name="email"][type="text"], form input[name="email"][type="email"]"#,
    ),
    Locator::css(r#"form#login_form"#),
];

const LABELS: &[(&str, &[&str])] = &[
    ("en", &["Message", "Aa"]),
    ("vi", &["Nhắn tin", "Tin nhắn", "Viết tin nhắn"]),
];

const BASE: SiteAdapter = SiteAdapter {
    platform: Platform::Facebook,
    composer: COMPOSER,
    send_button: SEND_BUTTON,
    buyer_name: BUYER_NAME,
    outgoing_messages: OUTGOING,
    blocked: BLOCKED,
    login: LOGIN,
    labels_by_language: LABELS,
};

pub static FACEBOOK: SiteAdapter = BASE;

pub static MESSENGER: SiteAdapter = SiteAdapter {
    platform: Platform::Messenger,
    ..BASE
};

pub static BUSINESS_SUITE: SiteAdapter = SiteAdapter {
    platform: Platform::BusinessSuite,
    ..BASE
};
