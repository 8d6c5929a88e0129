//! Site adapters as data: for each surface, where its composer, send button, buyer name, message
//! bubbles and warning screens are, in ordered fallbacks (ARIA roles and labels first, structure
//! last) and in both UI languages. The mechanics that use them are generic ([`crate::dom`],
//! [`crate::send`]), so a markup change on Instagram is a change to one table here.

mod instagram;
mod messenger;

use nobi_core::protocol::Platform;

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
        let text = text.trim().to_lowercase();
        match self.text {
            TextMatch::Any => true,
            TextMatch::Exactly(labels) => labels.iter().any(|l| text == l.to_lowercase()),
            TextMatch::Containing(needles) => {
                needles.iter().any(|n| text.contains(&n.to_lowercase()))
            }
        }
    }
}

/// Everything the generic code needs to know about one surface.
#[derive(Debug)]
pub struct SiteAdapter {
    pub platform: Platform,
    /// The message composer (a Lexical `contenteditable`, or a `textarea` on old layouts).
    pub composer: &'static [Locator],
    /// The send button; absent on some layouts, where Enter sends.
    pub send_button: &'static [Locator],
    /// The buyer's display name in the conversation header.
    pub buyer_name: &'static [Locator],
    /// The buyer's username in the header, where the site shows one.
    pub buyer_username: &'static [Locator],
    /// The header's link to the buyer's profile (an `a` element).
    pub buyer_profile_link: &'static [Locator],
    /// The buyer's avatar in the header (an `img` element).
    pub buyer_avatar: &'static [Locator],
    /// The shop's own avatar in the site's navigation, whose `alt` names the account
    /// ("hoamai.shop's profile picture" / "Ảnh đại diện của hoamai.shop").
    pub account_avatar: &'static [Locator],
    /// Every row of the open conversation: message bubbles and time separators.
    pub message_rows: &'static [Locator],
    /// Inside a row, the element holding a message's text (a row without one is a separator).
    pub message_text: &'static str,
    /// Inside a row, an image sent as a message.
    pub message_image: &'static str,
    /// The scrollable container of the conversation (scrolled up to load older messages).
    pub scroller: &'static [Locator],
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
    /// A dialog or banner saying the platform blocks the action ("Action Blocked", "Try again later").
    pub blocked: &'static [Locator],
    /// The login form shown to a logged-out visitor.
    pub login: &'static [Locator],
    /// Composer labels by UI language, to tell which language the page speaks.
    pub labels_by_language: &'static [(&'static str, &'static [&'static str])],
}

impl SiteAdapter {
    /// The page's UI language, as told by its composer's label, else by `<html lang>`.
    pub fn detect_language(&self) -> Option<&'static str> {
        let composer = crate::dom::find(self.composer)?;
        let label = composer
            .get_attribute("aria-label")
            .or_else(|| composer.get_attribute("placeholder"))
            .or_else(|| composer.get_attribute("aria-placeholder"))
            .unwrap_or_default()
            .to_lowercase();
        self.labels_by_language
            .iter()
            .find(|(_, labels)| labels.iter().any(|l| label.starts_with(&l.to_lowercase())))
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

/// Rows, text, images and attachment widgets are marked up alike on every Meta surface.
pub const MESSAGE_TEXT: &str = r#"[dir="auto"]"#;
pub const MESSAGE_IMAGE: &str = "img:not([alt=\"\"])";
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

/// Markers of a platform block, shared by every Meta surface (English and Vietnamese UI).
pub const BLOCKED_TEXTS: &[&str] = &[
    "Action Blocked",
    "Try Again Later",
    "Temporarily Blocked",
    "Bạn tạm thời bị chặn",
    "tạm thời bị chặn",
    "We restrict certain activity",
    "Hành động bị chặn",
    "Đã chặn hành động",
    "Hãy thử lại sau",
    "Chúng tôi hạn chế một số hoạt động",
];
