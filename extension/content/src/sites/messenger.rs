//! Messenger, in its three homes: `www.facebook.com/messages/t/<id>` (and `/messages/e2ee/t/`),
//! `www.messenger.com/t/<id>`, and the Meta Business Suite inbox.
//!
//! The composer is Lexical with placeholder "Aa", labelled "Message" / "Nhắn tin"; the send button
//! is labelled "Press enter to send" / "Nhấn Enter để gửi" (or "Send" / "Gửi"); message rows carry
//! `aria-roledescription="message"` or `data-message-id`; the active thread in the list has
//! `aria-current="page"`.

use super::{
    Locator, SiteAdapter, ATTACHMENT_ERROR, ATTACHMENT_PREVIEW, ATTACHMENT_REMOVE, BLOCKED_TEXTS,
    FILE_INPUT, MESSAGE_IMAGE, MESSAGE_TEXT, UPLOAD_PROGRESS,
};
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
    // Business Suite: a text button, disabled while the composer is empty.
    Locator::with_text(
        r#"div[role="button"]:not([aria-disabled="true"])"#,
        &["Send", "Gửi"],
    ),
];

const BUYER_NAME: &[Locator] = &[
    Locator::css(r#"div[role="main"] [role="banner"] h2"#),
    Locator::css(r#"div[role="main"] h2"#),
];

const MESSAGE_ROWS: &[Locator] = &[
    Locator::css(
        r#"[role="main"] [role="grid"][aria-label^="Messages in conversation"] [role="row"]"#,
    ),
    Locator::css(
        r#"[role="main"] [role="grid"][aria-label^="Tin nhắn trong cuộc trò chuyện"] [role="row"]"#,
    ),
    Locator::css(r#"[role="main"][aria-label] [role="grid"] [role="row"]"#),
];

const SCROLLER: &[Locator] = &[Locator::css(r#"[role="main"][aria-label] [role="grid"]"#)];

const BLOCKED: &[Locator] = &[Locator::containing(r#"[role="dialog"]"#, BLOCKED_TEXTS)];

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
    buyer_username: &[],
    buyer_profile_link: &[Locator::css(r#"div[role="main"] a[role="link"]:has(h2)"#)],
    buyer_avatar: &[Locator::css(
        r#"div[role="main"] a[role="link"]:has(h2) img"#,
    )],
    // Facebook's own avatar has an empty alt; Business Suite names its page in the URL.
    account_avatar: &[],
    message_rows: MESSAGE_ROWS,
    message_text: MESSAGE_TEXT,
    message_image: MESSAGE_IMAGE,
    scroller: SCROLLER,
    file_input: FILE_INPUT,
    attachment_preview: ATTACHMENT_PREVIEW,
    upload_progress: UPLOAD_PROGRESS,
    attachment_error: ATTACHMENT_ERROR,
    attachment_remove: ATTACHMENT_REMOVE,
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
