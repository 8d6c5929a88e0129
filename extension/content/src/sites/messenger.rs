//! Messenger, in its homes: `www.facebook.com/messages/t/<id>` (and `/messages/e2ee/t/`), the
//! Meta Business Suite inbox, and `www.messenger.com` (which redirects to facebook.com since
//! April 2026; kept for pages that still load it).
//!
//! Hints from public sources (2025–2026): the composer is a Lexical root labelled "Write to
//! <buyer>" with `aria-placeholder="Aa"` (never "Message"; in the Vietnamese UI "Nhắn tin" labels
//! a profile's Message *button*, so labels are not used to find it); the send button is
//! "Press enter to send" in both casings; message roots carry `aria-roledescription` (localised)
//! and sometimes `data-message-id`; no source shows an `h2` in the header.

use super::{
    Locator, SiteAdapter, ATTACHMENT_ERROR, ATTACHMENT_PREVIEW, ATTACHMENT_REMOVE, BLOCKED,
    FILE_INPUT, LOGIN, UPLOAD_PROGRESS,
};
use nobi_core::protocol::Platform;

const COMPOSER: &[Locator] = &[
    Locator::css(
        r#"[role="main"] div[role="textbox"][contenteditable="true"][data-lexical-editor="true"]"#,
    ),
    Locator::css(r#"div[role="textbox"][contenteditable="true"][data-lexical-editor="true"]"#),
    Locator::css(r#"div[role="textbox"][contenteditable="true"]"#),
];

const SEND_BUTTON: &[Locator] = &[
    Locator::css(r#"[role="button"][aria-label="Press enter to send"]"#),
    Locator::css(r#"[role="button"][aria-label="Press Enter to send"]"#),
    Locator::css(r#"[role="button"][aria-label="Nhấn Enter để gửi"]"#),
    Locator::css(r#"[role="button"][aria-label="Send"]"#),
    Locator::css(r#"[role="button"][aria-label="Gửi"]"#),
    // Business Suite: a text button, disabled while the composer is empty.
    Locator::with_text(
        r#"div[role="button"]:not([aria-disabled="true"]), button:not([disabled])"#,
        &["Send", "Gửi"],
    ),
];

const HEADER_NAME: &[Locator] = &[
    Locator::css(r#"div[role="main"] [role="banner"] h2"#),
    Locator::css(r#"div[role="main"] a[role="link"] h2"#),
];

const MESSAGE_ROWS: &[Locator] = &[
    Locator::css(r#"[role="main"] [aria-roledescription="message"]"#),
    Locator::css(r#"[role="main"] [role="grid"] [role="row"]"#),
    Locator::css(r#"[role="main"] [role="log"] [role="row"]"#),
];

const LABELS: &[(&str, &[&str])] = &[
    ("en", &["Write to", "Message", "Reply"]),
    ("vi", &["Nhắn tin", "Tin nhắn", "Viết", "Trả lời"]),
];

const BASE: SiteAdapter = SiteAdapter {
    platform: Platform::Facebook,
    composer: COMPOSER,
    send_button: SEND_BUTTON,
    header_name: HEADER_NAME,
    message_rows: MESSAGE_ROWS,
    // Facebook's own avatar has an empty alt; Business Suite names its page in the URL.
    account_avatar: &[],
    file_input: FILE_INPUT,
    attachment_preview: ATTACHMENT_PREVIEW,
    upload_progress: UPLOAD_PROGRESS,
    attachment_error: ATTACHMENT_ERROR,
    attachment_remove: ATTACHMENT_REMOVE,
    blocked: BLOCKED,
    login: LOGIN,
    // The chat list links each row to its thread (the thread URLs are known; the list's own
    // markup is not described by any source, so only the link is relied on).
    inbox_rows: &[Locator::css(
        r#"a[href*="/messages/t/"], a[href*="/messages/e2ee/t/"]"#,
    )],
    labels_by_language: LABELS,
};

pub static FACEBOOK: SiteAdapter = BASE;

pub static MESSENGER: SiteAdapter = SiteAdapter {
    platform: Platform::Messenger,
    ..BASE
};

pub static BUSINESS_SUITE: SiteAdapter = SiteAdapter {
    platform: Platform::BusinessSuite,
    // No source describes Business Suite's inbox rows.
    inbox_rows: &[],
    ..BASE
};
