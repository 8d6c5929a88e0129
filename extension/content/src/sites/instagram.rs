//! Instagram web DMs: `www.instagram.com/direct/t/<thread>/`.
//!
//! Hints from public sources (2025–2026, see `ARCHITECTURE.md`): a Lexical composer with
//! `aria-placeholder="Message..."` (bots also use `aria-label="Message"`); typing reveals a text
//! button "Send"; the header's profile link holds the name in an `h2` at some depth; since
//! 2026-04 there is no `role=grid`/`role=row` (the generic discovery reads the list from layout),
//! but older layouts had them, so they stay as hints.

use super::{
    Locator, SiteAdapter, ATTACHMENT_ERROR, ATTACHMENT_PREVIEW, ATTACHMENT_REMOVE, BLOCKED,
    FILE_INPUT, LOGIN, UPLOAD_PROGRESS,
};
use nobi_core::protocol::Platform;

pub static ADAPTER: SiteAdapter = SiteAdapter {
    platform: Platform::Instagram,
    composer: &[
        Locator::css(r#"div[role="textbox"][contenteditable="true"][data-lexical-editor="true"]"#),
        Locator::css(r#"div[role="textbox"][contenteditable="true"]"#),
        Locator::css(r#"textarea[placeholder]"#),
    ],
    send_button: &[
        Locator::css(r#"[role="button"][aria-label="Send"]"#),
        Locator::css(r#"[role="button"][aria-label="Gửi"]"#),
        Locator::with_text(r#"div[role="button"], button"#, &["Send", "Gửi"]),
    ],
    header_name: &[
        Locator::css(r#"a[role="link"][aria-label^="Open the profile page of "] h2"#),
        Locator::css(r#"main a[role="link"][href^="/"] h2"#),
        Locator::css(r#"main header h2"#),
    ],
    message_rows: &[
        Locator::css(r#"div[role="grid"][aria-label^="Messages in conversation"] [role="row"]"#),
        Locator::css(r#"main div[role="grid"] [role="row"]"#),
    ],
    account_avatar: &[
        Locator::css(r#"[role="navigation"] a[role="link"] img[alt$="'s profile picture"]"#),
        Locator::css(r#"[role="navigation"] a[role="link"] img[alt^="Ảnh đại diện của "]"#),
        Locator::css(r#"a[role="link"] img[alt$="'s profile picture"]"#),
    ],
    file_input: FILE_INPUT,
    attachment_preview: ATTACHMENT_PREVIEW,
    upload_progress: UPLOAD_PROGRESS,
    attachment_error: ATTACHMENT_ERROR,
    attachment_remove: ATTACHMENT_REMOVE,
    blocked: BLOCKED,
    login: LOGIN,
    // Inbox rows are buttons with no link: clicking one `pushState`s to the thread (observed
    // 2026-09, see the notes), so no row names its thread.
    inbox_rows: &[],
    labels_by_language: &[("en", &["Message"]), ("vi", &["Tin nhắn", "Nhắn tin"])],
};
