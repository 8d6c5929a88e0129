//! The sync state's words, Vietnamese first: the panel's status line and what to do about an
//! error. Every [`Word`] has a non-empty text in both languages (tested), and every error code
//! the server sends maps to a "what to do" word ([`what_to_do`]).

use nobi_i18n::Lang;
use serde::{Deserialize, Serialize};

macro_rules! words {
    ($($key:ident => $vi:expr, $en:expr;)*) => {
        /// A word of the sync status.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Word {
            $($key,)*
        }

        /// Every [`Word`], for the completeness test.
        pub const ALL_WORDS: &[Word] = &[$(Word::$key,)*];

        /// `key` in `lang`.
        pub fn word(key: Word, lang: Lang) -> &'static str {
            match key {
                $(Word::$key => match lang {
                    Lang::Vi => $vi,
                    Lang::En => $en,
                },)*
            }
        }
    };
}

words! {
    // Status
    Synced => "Đã đồng bộ", "Synced";
    Pending => "thay đổi chờ gửi lên máy chủ", "changes waiting to reach the server";
    Offline => "Không kết nối được máy chủ của shop. Sẽ thử lại lúc", "Cannot reach the shop's server. Will retry at";
    Error => "Lỗi đồng bộ", "Sync error";
    SignedOut => "Chưa kết nối máy chủ của shop: dữ liệu chỉ nằm trên máy này.", "Not connected to the shop's server: data stays on this computer only.";
    Retry => "Thử lại", "Retry";
    // The connection screen (Settings → Kết nối máy chủ của shop)
    TeamTitle => "Kết nối máy chủ của shop", "Connect the shop's server";
    TeamIntro => "Khi shop có máy chủ riêng, nhân viên dùng chung khách, ghi chú, thẻ và phân công. Không kết nối thì mọi thứ vẫn chạy trên máy này như cũ.", "When the shop runs its own server, its agents share customers, notes, tags and assignments. Without one, everything keeps working on this computer as before.";
    ServerUrl => "Địa chỉ máy chủ", "Server address";
    InvitationCode => "Mã mời", "Invitation code";
    Connect => "Kết nối", "Connect";
    Connecting => "Đang kết nối…", "Connecting…";
    Disconnect => "Ngắt kết nối", "Disconnect";
    Disconnected => "Đã ngắt kết nối. Dữ liệu vẫn nằm trên máy này nhưng không còn đồng bộ.", "Disconnected. The data stays on this computer but no longer syncs.";
    SignedInAs => "Đăng nhập là", "Signed in as";
    ShopLabel => "Cửa hàng", "Shop";
    YourPages => "Trang bạn phụ trách", "Your pages";
    NoPages => "Bạn chưa được thêm vào trang nào: nhờ chủ shop thêm bạn vào trang.", "You are on no page yet: ask the shop owner to add you to one.";
    RoleOwner => "Chủ shop", "Owner";
    RoleManager => "Quản lý", "Manager";
    RoleAgent => "Nhân viên", "Agent";
    RoleViewer => "Chỉ xem", "Viewer";
    BadServerUrl => "Địa chỉ máy chủ phải bắt đầu bằng https:// (hoặc http:// với máy trong mạng nội bộ), ví dụ https://crm.shop.vn.", "The server address must start with https:// (or http:// on the local network), e.g. https://crm.shop.vn.";
    CodeMissing => "Hãy nhập mã mời chủ shop gửi cho bạn.", "Enter the invitation code the shop owner sent you.";
    PermissionRefused => "Chrome chưa cho phép tiện ích truy cập máy chủ này. Bấm “Kết nối” lại và chọn “Cho phép”.", "Chrome did not allow the extension to reach this server. Press “Connect” again and choose “Allow”.";
    Unreachable => "Không kết nối được máy chủ. Kiểm tra địa chỉ và mạng rồi thử lại.", "Cannot reach the server. Check the address and the network, then try again.";
    InvitationBad => "Mã mời không đúng. Hãy kiểm tra lại từng ký tự hoặc xin chủ shop mã mới.", "This invitation code is not valid. Check it character by character or ask the shop owner for a new one.";
    InvitationUsed => "Mã mời này đã được dùng. Mỗi mã chỉ dùng một lần: hãy xin chủ shop mã mới.", "This invitation code has been used. Each code works once: ask the shop owner for a new one.";
    InvitationExpired => "Mã mời đã hết hạn. Hãy xin chủ shop mã mới.", "This invitation code has expired. Ask the shop owner for a new one.";
    NotConnected => "Chưa kết nối máy chủ của shop.", "Not connected to the shop's server.";
    Unplaced => "cuộc trò chuyện thuộc trang chưa có trên máy chủ: chỉ lưu trên máy này", "conversations belong to a page the server does not have: kept on this computer only";
    Rejected => "thay đổi bị máy chủ từ chối", "changes refused by the server";
    LastSynced => "Lần đồng bộ cuối", "Last synced";
    Understood => "Đã hiểu", "OK";
    // The card and the composer
    Assignee => "Phụ trách", "Assigned to";
    Pool => "Chưa ai nhận", "Not claimed yet";
    Claim => "Nhận khách này", "Claim this buyer";
    AlreadyClaimed => "Đã có người nhận", "Already claimed";
    Reassign => "Chuyển cho", "Give to";
    ToPool => "Trả về chưa ai nhận", "Back to unclaimed";
    Mine => "Bạn", "You";
    SomeoneElse => "một nhân viên khác", "another agent";
    NotOnServerYet => "Cuộc trò chuyện này chưa lên máy chủ của shop (trang của nó chưa có trên máy chủ, hoặc đang gửi lên). Thử lại sau vài giây.", "This conversation is not on the shop's server yet (its page is not there, or it is on its way). Try again in a few seconds.";
    // What to do
    DoSignInAgain => "Phiên đăng nhập đã hết hạn hoặc bị thu hồi. Hãy xin mã mời mới từ chủ shop rồi kết nối lại.", "Your sign-in expired or was revoked. Ask the shop owner for a new invitation code and connect again.";
    DoAskOwner => "Tài khoản của bạn không có quyền làm việc này. Hãy nhờ chủ shop hoặc quản lý cấp quyền.", "Your account may not do this. Ask the shop owner or a manager for access.";
    DoUpdateExtension => "Máy chủ không hiểu yêu cầu của tiện ích. Hãy cập nhật tiện ích lên bản mới nhất rồi bấm “Thử lại”.", "The server did not understand the extension. Update the extension to the latest version, then press “Retry”.";
    DoCheckServerUrl => "Địa chỉ máy chủ có vẻ sai. Hãy kiểm tra lại trong Cài đặt → Kết nối máy chủ của shop.", "The server address looks wrong. Check it in Settings → Connect the shop's server.";
    DoWait => "Máy chủ đang bận. Tiện ích sẽ tự thử lại sau ít phút.", "The server is busy. The extension will retry in a few minutes.";
    DoReconnect => "Máy này đang dùng kết nối của người khác. Hãy ngắt kết nối rồi kết nối lại bằng mã mời của bạn.", "This computer uses someone else's connection. Disconnect, then connect again with your own invitation code.";
    DoSetAside => "Một thay đổi bị máy chủ từ chối và đã được để riêng; các thay đổi khác vẫn được gửi.", "The server refused one change; it was set aside and the others are still sent.";
    DoRetryLater => "Máy chủ gặp lỗi. Hãy bấm “Thử lại” sau ít phút; nếu vẫn lỗi, báo cho chủ shop.", "The server failed. Press “Retry” in a few minutes; if it keeps failing, tell the shop owner.";
}

/// What the agent should do about a refusal with this server error `code` (the server's codes
/// are stable; see `server/src/error.rs`). Unknown codes get [`Word::DoRetryLater`].
pub fn what_to_do(code: &str) -> Word {
    match code {
        "unauthorized" | "bad_invitation" | "invitation_used" | "invitation_expired" => {
            Word::DoSignInAgain
        }
        "forbidden" | "wrong_shop" => Word::DoAskOwner,
        "client_id_taken" => Word::DoReconnect,
        "bad_request" | "bad_json" | "bad_args" | "bad_client_id" | "bad_cursor"
        | "unknown_mutation" | "mutation_order" | "too_many_mutations" | "too_large"
        | "method_not_allowed" => Word::DoUpdateExtension,
        "not_found" => Word::DoCheckServerUrl,
        "rate_limited" | "retry" => Word::DoWait,
        "duplicate_id" => Word::DoSetAside,
        _ => Word::DoRetryLater,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_has_both_languages() {
        for &key in ALL_WORDS {
            for lang in [Lang::Vi, Lang::En] {
                assert!(!word(key, lang).trim().is_empty(), "{key:?} in {lang:?}");
            }
            assert_ne!(
                word(key, Lang::Vi),
                word(key, Lang::En),
                "{key:?} untranslated"
            );
        }
    }

    #[test]
    fn the_servers_codes_say_what_to_do() {
        assert_eq!(what_to_do("unauthorized"), Word::DoSignInAgain);
        assert_eq!(what_to_do("client_id_taken"), Word::DoReconnect);
        assert_eq!(what_to_do("wrong_shop"), Word::DoAskOwner);
        assert_eq!(what_to_do("unknown_mutation"), Word::DoUpdateExtension);
        assert_eq!(what_to_do("rate_limited"), Word::DoWait);
        assert_eq!(what_to_do("something_new"), Word::DoRetryLater);
        assert!(word(what_to_do("forbidden"), Lang::Vi).contains("chủ shop"));
    }
}
