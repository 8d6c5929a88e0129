//! The interface's words, Vietnamese first.
//!
//! The panel and the content scripts show the same messages (errors above all), so the table lives
//! here, as plain data, and is tested for completeness: every key has both languages. The manifest's
//! own strings (name, description) are in `extension/_locales`, where Chrome wants them.

use crate::protocol::{FailReason, HealthStatus};
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

/// The panel's own labels. One variant per text; [`ui`] gives it in each language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ui {
    Title,
    NoConversation,
    NoConversationHint,
    Buyer,
    UnknownBuyer,
    Thread,
    Composer,
    ComposerPlaceholder,
    Send,
    Sending,
    Sent,
    QuickReplies,
    SwitchLanguage,
    WorkerUnreachable,
}

/// Every [`Ui`] text, for completeness tests.
pub const ALL_UI: &[Ui] = &[
    Ui::Title,
    Ui::NoConversation,
    Ui::NoConversationHint,
    Ui::Buyer,
    Ui::UnknownBuyer,
    Ui::Thread,
    Ui::Composer,
    Ui::ComposerPlaceholder,
    Ui::Send,
    Ui::Sending,
    Ui::Sent,
    Ui::QuickReplies,
    Ui::SwitchLanguage,
    Ui::WorkerUnreachable,
];

/// A panel label in `lang`.
pub fn ui(key: Ui, lang: Lang) -> &'static str {
    use Ui::*;
    match (key, lang) {
        (Title, _) => "Nobi Pro",
        (NoConversation, Lang::Vi) => "Chưa có hội thoại nào đang mở",
        (NoConversation, Lang::En) => "No conversation is open",
        (NoConversationHint, Lang::Vi) => "Mở một hội thoại trên Instagram hoặc Facebook Messenger, thông tin khách sẽ hiện ở đây.",
        (NoConversationHint, Lang::En) => "Open a conversation on Instagram or Facebook Messenger; the buyer's details appear here.",
        (Buyer, Lang::Vi) => "Khách hàng",
        (Buyer, Lang::En) => "Buyer",
        (UnknownBuyer, Lang::Vi) => "(chưa đọc được tên)",
        (UnknownBuyer, Lang::En) => "(name not read yet)",
        (Thread, Lang::Vi) => "Mã hội thoại",
        (Thread, Lang::En) => "Thread id",
        (Composer, Lang::Vi) => "Soạn tin",
        (Composer, Lang::En) => "Compose",
        (ComposerPlaceholder, Lang::Vi) => "Nhập tin nhắn… (Ctrl+Enter để gửi)",
        (ComposerPlaceholder, Lang::En) => "Type a message… (Ctrl+Enter to send)",
        (Send, Lang::Vi) => "Gửi",
        (Send, Lang::En) => "Send",
        (Sending, Lang::Vi) => "Đang gửi…",
        (Sending, Lang::En) => "Sending…",
        (Sent, Lang::Vi) => "Đã gửi ✓",
        (Sent, Lang::En) => "Sent ✓",
        (QuickReplies, Lang::Vi) => "Trả lời nhanh",
        (QuickReplies, Lang::En) => "Quick replies",
        (SwitchLanguage, Lang::Vi) => "English",
        (SwitchLanguage, Lang::En) => "Tiếng Việt",
        (WorkerUnreachable, Lang::Vi) => "Panel không liên lạc được với Nobi Pro. Đóng rồi mở lại panel; nếu vẫn lỗi, tải lại tiện ích.",
        (WorkerUnreachable, Lang::En) => "The panel could not reach Nobi Pro. Close and reopen the panel; if that fails, reload the extension.",
    }
}

/// The panel's health line: can the extension work on the page the agent looks at?
pub fn health(status: HealthStatus, lang: Lang) -> &'static str {
    use HealthStatus::*;
    match (status, lang) {
        (Ok, Lang::Vi) => "Kết nối trang: OK",
        (Ok, Lang::En) => "Page connection: OK",
        (NotAConversation, Lang::Vi) => "Trang đang mở không phải một hội thoại",
        (NotAConversation, Lang::En) => "The open page is not a conversation",
        (NotLoggedIn, Lang::Vi) => "Chưa đăng nhập trên trang này",
        (NotLoggedIn, Lang::En) => "Not logged in on this page",
        (BlockedByPlatform, Lang::Vi) => "Nền tảng đang chặn thao tác (\"Hãy thử lại sau\")",
        (BlockedByPlatform, Lang::En) => "The platform is blocking actions (\"Try again later\")",
        (ComposerNotFound, Lang::Vi) => "Không tìm thấy ô nhập tin nhắn (trang chưa tải xong?)",
        (ComposerNotFound, Lang::En) => "Message box not found (page still loading?)",
        (SelectorsOutdated, Lang::Vi) => "Giao diện trang đã thay đổi: cần cập nhật Nobi Pro",
        (SelectorsOutdated, Lang::En) => "The page's layout changed: Nobi Pro needs an update",
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
        (Timeout, Lang::Vi) => "Trang không sẵn sàng kịp (ô nhập, tệp đính kèm hoặc hội thoại chưa tải xong). Chưa gửi gì; hãy thử lại.",
        (Timeout, Lang::En) => "The page did not get ready in time (message box, attachment or conversation still loading). Nothing was sent; try again.",
        (TabUnreachable, Lang::Vi) => "Không liên lạc được với tab hội thoại (đã đóng, chưa tải xong, hoặc cần tải lại sau khi cập nhật Nobi Pro). Chưa gửi gì; tải lại tab rồi gửi lại.",
        (TabUnreachable, Lang::En) => "The conversation tab could not be reached (closed, still loading, or needs a reload after a Nobi Pro update). Nothing was sent; reload the tab, then send again.",
        (TypingRejected, Lang::Vi) => "Ô nhập tin nhắn không nhận đúng nội dung. Chưa gửi gì; hãy bấm vào ô nhập trên trang rồi thử lại.",
        (TypingRejected, Lang::En) => "The message box did not take the text as typed. Nothing was sent; click into it on the page, then try again.",
        (ComposerBusy, Lang::Vi) => "Ô nhập trên trang đang có tệp đính kèm bạn chưa gửi. Gửi hoặc gỡ chúng trước, để không gửi lẫn.",
        (ComposerBusy, Lang::En) => "The page's message box holds attachments you have not sent. Send or remove them first, so nothing is sent mixed up.",
        (Unconfirmed, Lang::Vi) => "Đã bấm gửi nhưng không xác nhận được kết quả. Kiểm tra hội thoại trước khi gửi lại để tránh gửi trùng.",
        (Unconfirmed, Lang::En) => "Send was pressed but the result could not be confirmed. Check the conversation before sending again, to avoid a duplicate.",
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
    fn every_label_exists_in_both_languages() {
        for &key in ALL_UI {
            assert!(!ui(key, Lang::Vi).is_empty());
            assert!(!ui(key, Lang::En).is_empty());
        }
    }

    #[test]
    fn every_health_status_reads_differently_in_each_language() {
        use HealthStatus::*;
        for s in [
            Ok,
            NotAConversation,
            NotLoggedIn,
            BlockedByPlatform,
            ComposerNotFound,
            SelectorsOutdated,
        ] {
            assert_ne!(health(s, Lang::Vi), health(s, Lang::En));
        }
    }

    #[test]
    fn every_reason_reads_differently_in_each_language() {
        for r in FailReason::ALL {
            assert_ne!(fail_reason(r, Lang::Vi), fail_reason(r, Lang::En));
        }
    }
}
