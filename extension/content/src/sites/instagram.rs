//! Instagram web DMs: `www.instagram.com/direct/t/<thread>/`.
//!
//! The composer is Lexical (`data-lexical-editor`), labelled "Message" / "Tin nhắn"; the send
//! button is a `div[role=button]` whose text is "Send" / "Gửi", shown once the composer has text;
//! the conversation is a `role=grid` labelled "Messages in conversation with …".

use super::{
    Locator, SiteAdapter, ATTACHMENT_ERROR, ATTACHMENT_PREVIEW, ATTACHMENT_REMOVE, BLOCKED_TEXTS,
    FILE_INPUT, MESSAGE_IMAGE, MESSAGE_TEXT, UPLOAD_PROGRESS,
};
use nobi_core::protocol::Platform;

pub static ADAPTER: SiteAdapter = SiteAdapter {
    platform: Platform::Instagram,
    composer: &[
        Locator::css(r#"div[role="textbox"][contenteditable="true"][aria-label="Message"]"#),
        Locator::css(r#"div[role="textbox"][contenteditable="true"][aria-label="Tin nhắn"]"#),
        Locator::css(r#"div[role="textbox"][contenteditable="true"][data-lexical-editor="true"]"#),
        Locator::css(r#"div[role="textbox"][contenteditable="true"]"#),
        Locator::css(r#"textarea[placeholder]"#),
    ],
    send_button: &[
        Locator::css(r#"[role="button"][aria-label="Send"]"#),
        Locator::css(r#"[role="button"][aria-label="Gửi"]"#),
        Locator::with_text(r#"div[role="button"]"#, &["Send", "Gửi"]),
    ],
    buyer_name: &[
        // The thread header: a link to the buyer's profile holding the name in an h2.
        Locator::css(r#"main a[role="link"][href^="/"] > h2"#),
        Locator::css(r#"[role="main"] a[href^="/"] h2"#),
        Locator::css(r#"main header h2"#),
    ],
    buyer_username: &[Locator::css(
        r#"main a[role="link"][href^="/"] > h2 + span"#,
    )],
    buyer_profile_link: &[Locator::css(r#"main a[role="link"][href^="/"]:has(> h2)"#)],
    buyer_avatar: &[
        Locator::css(r#"main a[role="link"][href^="/"] > img"#),
        Locator::css(r#"main img[alt$="profile picture"]"#),
    ],
    account_avatar: &[
        Locator::css(r#"[role="navigation"] a[role="link"] img[alt$="'s profile picture"]"#),
        Locator::css(r#"[role="navigation"] a[role="link"] img[alt^="Ảnh đại diện của "]"#),
    ],
    message_rows: &[
        Locator::css(r#"div[role="grid"][aria-label^="Messages in conversation"] [role="row"]"#),
        Locator::css(
            r#"div[role="grid"][aria-label^="Tin nhắn trong cuộc trò chuyện"] [role="row"]"#,
        ),
        Locator::css(r#"main div[role="grid"] [role="row"]"#),
    ],
    message_text: MESSAGE_TEXT,
    message_image: MESSAGE_IMAGE,
    scroller: &[Locator::css(r#"main div[role="grid"]"#)],
    file_input: FILE_INPUT,
    attachment_preview: ATTACHMENT_PREVIEW,
    upload_progress: UPLOAD_PROGRESS,
    attachment_error: ATTACHMENT_ERROR,
    attachment_remove: ATTACHMENT_REMOVE,
    blocked: &[Locator::containing(r#"[role="dialog"]"#, BLOCKED_TEXTS)],
    login: &[
        Locator::css(r#"form input[name="username"]"#),
        Locator::css(r#"form#loginForm"#),
    ],
    labels_by_language: &[("en", &["Message"]), ("vi", &["Tin nhắn", "Nhắn tin"])],
};
