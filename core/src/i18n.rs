//! The interface's words, Vietnamese first.
//!
//! The panel and the content scripts show the same messages (errors above all), so the table lives
//! here, as plain data, and is tested for completeness: every key has both languages. The manifest's
//! own strings (name, description) are in `extension/_locales`, where Chrome wants them.

use crate::protocol::FailReason;
use serde::{Deserialize, Serialize};

/// A language of the interface. Vietnamese is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    /// Picks the language from a BCP 47 tag such as `navigator.language`: English for `en*`,
    /// Vietnamese for everything else.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Vi
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
}

/// The text shown to the agent for a failed send: what happened and what to do about it.
pub fn fail_reason(reason: FailReason, lang: Lang) -> &'static str {
    use FailReason::*;
    match (reason, lang) {
        (NoConversationTab, Lang::Vi) => "Không thấy tab nào đang mở hội thoại này. Hãy mở lại hội thoại trên Instagram/Facebook rồi gửi lại.",
        (NoConversationTab, Lang::En) => "No tab shows this conversation. Open it on Instagram/Facebook, then send again.",
        (ComposerNotFound, Lang::Vi) => "Không tìm thấy ô nhập tin nhắn. Đợi trang tải xong hoặc tải lại trang rồi gửi lại.",
        (ComposerNotFound, Lang::En) => "The message box was not found. Wait for the page to load or reload it, then send again.",
        (NotLoggedIn, Lang::Vi) => "Bạn chưa đăng nhập trên trang này. Hãy đăng nhập rồi gửi lại.",
        (NotLoggedIn, Lang::En) => "You are not logged in on this page. Log in, then send again.",
        (WrongConversation, Lang::Vi) => "Hội thoại đang mở không phải hội thoại người nhận, nên chưa gõ gì. Mở đúng hội thoại rồi gửi lại.",
        (WrongConversation, Lang::En) => "The open conversation is not the recipient's, so nothing was typed. Open the right one, then send again.",
        (BlockedByPlatform, Lang::Vi) => "Nền tảng đang chặn thao tác (\"Hãy thử lại sau\"). Đã dừng gửi; hãy đợi rồi thử lại sau.",
        (BlockedByPlatform, Lang::En) => "The platform is blocking actions (\"Try again later\"). Sending stopped; wait before trying again.",
        (AttachmentRejected, Lang::Vi) => "Trang không nhận tệp đính kèm. Kiểm tra định dạng và dung lượng tệp.",
        (AttachmentRejected, Lang::En) => "The page refused the attachment. Check the file's type and size.",
        (Timeout, Lang::Vi) => "Không xác nhận được tin đã gửi. Kiểm tra hội thoại trước khi gửi lại để tránh gửi trùng.",
        (Timeout, Lang::En) => "The send could not be confirmed. Check the conversation before sending again, to avoid a duplicate.",
        (TabUnreachable, Lang::Vi) => "Tab hội thoại không phản hồi (đã đóng hoặc tải lại). Mở lại hội thoại rồi gửi lại.",
        (TabUnreachable, Lang::En) => "The conversation tab did not answer (closed or reloaded). Reopen it, then send again.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags() {
        assert_eq!(Lang::from_tag("en-US"), Lang::En);
        assert_eq!(Lang::from_tag("vi-VN"), Lang::Vi);
        assert_eq!(Lang::from_tag("fr"), Lang::Vi);
        assert_eq!(Lang::default(), Lang::Vi);
    }

    #[test]
    fn every_reason_reads_differently_in_each_language() {
        let reasons = [
            FailReason::NoConversationTab,
            FailReason::ComposerNotFound,
            FailReason::NotLoggedIn,
            FailReason::WrongConversation,
            FailReason::BlockedByPlatform,
            FailReason::AttachmentRejected,
            FailReason::Timeout,
            FailReason::TabUnreachable,
        ];
        for r in reasons {
            assert_ne!(fail_reason(r, Lang::Vi), fail_reason(r, Lang::En));
        }
    }
}
