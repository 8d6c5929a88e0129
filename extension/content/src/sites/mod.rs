//! Site adapters as data: for each surface, where its composer, send button, buyer name, message
//! bubbles and warning screens are, in ordered fallbacks (ARIA roles and labels first, structure
//! last) and in both UI languages. The mechanics that use them are generic ([`crate::dom`],
//! [`crate::send`]), so a markup change on Instagram is a change to one table here.

mod instagram;
mod messenger;

use nobi_core::protocol::Platform;
use nobi_core::text::{contains, lower};

/// Where a block is announced: dialogs and alerts (the pane is searched too, by `send.rs`).
pub const BLOCKED: &[Locator] = &[Locator::containing(
    r#"[role="dialog"], [role="alertdialog"], [role="alert"]"#,
    BLOCKED_TEXTS,
)];

/// A login form: a visible password field in a form, whatever its inputs are named.
pub const LOGIN: &[Locator] = &[
    Locator::css(r#"form input[type="password"]"#),
    Locator::css(r#"form#loginForm, form#login_form"#),
];

/// One way to find an element: a CSS selector, optionally narrowed by the element's folded text
/// (see [`crate::dom::text_of`]), compared case-insensitively.
#[derive(Debug, Clone, Copy)]
pub struct Locator {
    pub css: &'static str,
    pub text: TextMatch,
}

/// A condition on an element's text.
#[derive(Debug, Clone, Copy)]
pub enum TextMatch {
    Any,
    /// The whole text is one of these: for buttons, where "Gửi" must not match "Đã gửi".
    Exactly(&'static [&'static str]),
    /// The text contains one of these: for dialogs, whose title sits among other words.
    Containing(&'static [&'static str]),
}

impl Locator {
    pub const fn css(css: &'static str) -> Locator {
        Locator {
            css,
            text: TextMatch::Any,
        }
    }

    /// Elements whose whole text is one of `labels`.
    pub const fn with_text(css: &'static str, labels: &'static [&'static str]) -> Locator {
        Locator {
            css,
            text: TextMatch::Exactly(labels),
        }
    }

    /// Elements whose text contains one of `needles`.
    pub const fn containing(css: &'static str, needles: &'static [&'static str]) -> Locator {
        Locator {
            css,
            text: TextMatch::Containing(needles),
        }
    }

    /// Returns true if and only if this locator looks at text at all.
    pub fn needs_text(&self) -> bool {
        !matches!(self.text, TextMatch::Any)
    }

    /// Returns true if and only if an element whose text is `text` passes this locator's text
    /// condition (always, when there is none).
    pub fn accepts_text(&self, text: &str) -> bool {
        let text = lower(text.trim());
        match self.text {
            TextMatch::Any => true,
            TextMatch::Exactly(labels) => labels.iter().any(|l| text == lower(l)),
            TextMatch::Containing(needles) => needles.iter().any(|n| contains(&text, &lower(n))),
        }
    }
}

/// What the generic code may try first on one surface. Every entry is a *hint*: the generic
/// discovery ([`crate::composer`], [`crate::pane`], [`crate::messages`]) finds each thing from
/// roles, attributes and layout when no hint matches, so a page worded in a language these
/// tables do not know still works.
#[derive(Debug)]
pub struct SiteAdapter {
    pub platform: Platform,
    /// The message composer, most specific first (a Lexical `contenteditable`, or a `textarea` on
    /// old layouts). Candidates found here still pass the same checks as the generic ones.
    pub composer: &'static [Locator],
    /// The send button, looked for next to the composer only. Without a match, a button that
    /// appeared in the composer's area once text was typed is the send control, else Enter.
    pub send_button: &'static [Locator],
    /// The buyer's name in the conversation header, where a site is known to put one.
    pub header_name: &'static [Locator],
    /// The messages of the open conversation (message roots or rows), where a site marks them.
    pub message_rows: &'static [Locator],
    /// The shop's own avatar in the site's navigation, whose `alt` names the account
    /// ("hoamai.shop's profile picture" / "Ảnh đại diện của hoamai.shop").
    pub account_avatar: &'static [Locator],
    /// The page's own file input for attachments.
    pub file_input: &'static [Locator],
    /// The preview of an attachment waiting to be sent.
    pub attachment_preview: &'static [Locator],
    /// An upload still in progress.
    pub upload_progress: &'static [Locator],
    /// The message the page shows when it refuses a file.
    pub attachment_error: &'static [Locator],
    /// The buttons that take an attachment out of the composer.
    pub attachment_remove: &'static [Locator],
    /// A dialog, alert or banner saying the platform blocks the action.
    pub blocked: &'static [Locator],
    /// The login form shown to a logged-out visitor (a password field in a form: Instagram's
    /// inputs lost their `name`s in 2026).
    pub login: &'static [Locator],
    /// The links of the site's inbox list, one per thread, where its rows name their thread
    /// (read for team sync by [`crate::inbox`]); empty where they do not.
    pub inbox_rows: &'static [Locator],
    /// Composer labels by UI language, to tell which language the page speaks.
    pub labels_by_language: &'static [(&'static str, &'static [&'static str])],
}

impl SiteAdapter {
    /// The page's UI language, as told by its composer's label, else by `<html lang>`.
    pub fn detect_language(&self) -> Option<&'static str> {
        let label = crate::composer::find(self)
            .map(|(composer, _)| {
                composer
                    .get_attribute("aria-label")
                    .or_else(|| composer.get_attribute("placeholder"))
                    .or_else(|| composer.get_attribute("aria-placeholder"))
                    .unwrap_or_default()
            })
            .map(|l| lower(&l))
            .unwrap_or_default();
        self.labels_by_language
            .iter()
            .find(|(_, labels)| {
                !label.is_empty() && labels.iter().any(|l| label.starts_with(&lower(l)))
            })
            .map(|(lang, _)| *lang)
            .or_else(|| {
                let lang = crate::dom::document()
                    .document_element()?
                    .get_attribute("lang")?;
                match lang.get(..2) {
                    Some("vi") => Some("vi"),
                    Some("en") => Some("en"),
                    _ => None,
                }
            })
    }
}

/// Returns the adapter of `platform`.
pub fn adapter_for(platform: Platform) -> &'static SiteAdapter {
    match platform {
        Platform::Instagram => &instagram::ADAPTER,
        Platform::Facebook => &messenger::FACEBOOK,
        Platform::Messenger => &messenger::MESSENGER,
        Platform::BusinessSuite => &messenger::BUSINESS_SUITE,
    }
}

/// Attachment widgets are marked up alike on every Meta surface.
pub const UPLOAD_PROGRESS: &[Locator] = &[Locator::css(r#"[role="progressbar"]"#)];
pub const ATTACHMENT_PREVIEW: &[Locator] = &[Locator::css(r#"img[src^="blob:"]"#)];
pub const ATTACHMENT_ERROR: &[Locator] = &[Locator::css(r#"[role="alert"]"#)];
pub const ATTACHMENT_REMOVE: &[Locator] = &[Locator::css(
    r#"[aria-label="Remove"], [aria-label="Gỡ"], [aria-label="Remove attachment"], [aria-label="Gỡ file đính kèm"]"#,
)];
pub const FILE_INPUT: &[Locator] = &[
    Locator::css(r#"[role="textbox"] ~ input[type="file"], form input[type="file"]"#),
    Locator::css(r#"input[type="file"][multiple]"#),
    Locator::css(r#"input[type="file"]"#),
];

/// How the `alt` of a profile picture wraps the username, in each UI language.
pub const PROFILE_PICTURE_ALT: &[(&str, &str)] =
    &[("", "'s profile picture"), ("Ảnh đại diện của ", "")];

/// The username inside a profile picture's `alt`, if it has one of the known shapes.
pub fn username_in_alt(alt: &str) -> Option<&str> {
    PROFILE_PICTURE_ALT.iter().find_map(|(prefix, suffix)| {
        let rest = alt.strip_prefix(prefix)?;
        let name = if suffix.is_empty() {
            rest
        } else {
            rest.strip_suffix(suffix)?
        };
        (!name.is_empty() && !name.contains(' ')).then_some(name)
    })
}

/// Markers of a platform block, shared by every Meta surface (English and Vietnamese UI). The
/// notes say Instagram's are matched in the page text, not only in a dialog: they are looked for
/// in dialogs, alerts and the conversation pane.
pub const BLOCKED_TEXTS: &[&str] = &[
    "Action Blocked",
    "Try Again Later",
    "Temporarily Blocked",
    "You can't send messages right now",
    "Bạn không thể gửi tin nhắn lúc này",
    "Bạn tạm thời bị chặn",
    "tạm thời bị chặn",
    "We restrict certain activity",
    "Hành động bị chặn",
    "Đã chặn hành động",
    "Hãy thử lại sau",
    "Chúng tôi hạn chế một số hoạt động",
];

/// A thread that refuses messages while the account may go on elsewhere (shown inline, in place
/// of the composer, per the 2026 notes).
pub const THREAD_REFUSALS: &[&str] = &[
    "You can't reply to this conversation",
    "isn't receiving messages",
    "message request limit",
    "Bạn không thể trả lời cuộc trò chuyện này",
    "không nhận tin nhắn",
];
