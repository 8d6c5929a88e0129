//! The campaign screens' words, Vietnamese first.
//!
//! Apart from `nobi_i18n::Ui` on purpose: the panel's first module carries every `Ui` text, and
//! these are only needed once the agent opens the campaigns tab (their chunk carries them).
//!
//! # Contract
//!
//! Every [`Word`] has a non-empty text in both languages (tested); [`refusal`] words every
//! [`RunError`] and says what to do; [`duration`] writes a span the way an agent reads it
//! ("1 giờ 20 phút", "3 ngày").

use nobi_i18n::Lang;
use nobi_protocol::campaign::RunError;

macro_rules! words {
    ($($key:ident => $vi:expr, $en:expr;)*) => {
        /// A word of the campaign screens.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    Campaigns => "Chiến dịch", "Campaigns";
    NewCampaign => "Tạo mới", "New";
    FollowUps => "Cần nhắn lại", "Follow up";
    Campaign => "Chiến dịch", "Campaign";
    FollowUpCampaign => "Nhắn lại", "Follow-up";
    Loading => "Đang tải…", "Loading…";
    NoCampaigns => "Chưa có chiến dịch nào. Bấm “Tạo mới” để nhắn cho nhiều khách cùng lúc.", "No campaigns yet. Press “New” to message many buyers at once.";
    WorkerSilent => "Phần chạy nền của tiện ích không trả lời. Hãy đóng rồi mở lại bảng bên, hoặc tải lại tiện ích.", "The extension's background part did not answer. Close and reopen the side panel, or reload the extension.";
    ExportFailed => "Không tải được tệp báo cáo. Hãy thử lại.", "The report could not be downloaded. Try again.";
    // Run
    StateDraft => "Bản nháp", "Draft";
    StateScheduled => "Hẹn gửi lúc", "Scheduled for";
    StateRunning => "Đang gửi", "Sending";
    StatePaused => "Đã tạm dừng", "Paused";
    StateBlocked => "Dừng vì tài khoản bị chặn", "Stopped: the account was blocked";
    StateDone => "Xong lúc", "Finished at";
    StateCancelled => "Đã huỷ", "Cancelled";
    BlockedHint => "Instagram/Facebook đã chặn gửi tin từ tài khoản này. Chiến dịch và tài khoản đã dừng. Hãy đợi vài giờ, mở hội thoại kiểm tra rồi bấm “Tiếp tục”.", "Instagram/Facebook blocked sending from this account. The campaign and the account are stopped. Wait a few hours, check a conversation, then press “Resume”.";
    CountSent => "Đã gửi", "Sent";
    CountFailed => "Lỗi", "Failed";
    CountSkipped => "Bỏ qua", "Skipped";
    CountPending => "Chờ", "Pending";
    TimeLeft => "Còn khoảng", "Left: about";
    Pause => "Tạm dừng", "Pause";
    Resume => "Tiếp tục", "Resume";
    Cancel => "Huỷ", "Cancel";
    CancelConfirm => "Huỷ chiến dịch? Những khách chưa gửi sẽ không nhận được tin.", "Cancel the campaign? Buyers not sent to yet will not get the message.";
    ExportCsv => "Xuất CSV", "Export CSV";
    Details => "Chi tiết", "Details";
    OutcomePending => "Chờ gửi", "Waiting";
    OutcomeHanded => "Đang gửi", "Sending";
    OutcomeSent => "Đã gửi", "Sent";
    OutcomeFailed => "Lỗi", "Failed";
    OutcomeNeedsAgent => "Cần kiểm tra", "Check it";
    OutcomeCancelled => "Đã huỷ trong hộp thư đi", "Cancelled in the outbox";
    OutcomeSkipped => "Bỏ qua", "Skipped";
    OutcomeLost => "Không rõ kết quả: mở hội thoại để xem", "Outcome unknown: open the conversation to see";
    SkipReplied => "khách đã nhắn lại, hãy trả lời trực tiếp", "the buyer wrote back; answer them directly";
    SkipOptedOut => "khách không muốn nhận tin", "the buyer asked for no more messages";
    SkipCancelled => "chiến dịch đã huỷ", "the campaign was cancelled";
    OptOutTitle => "Từ khoá từ chối nhận tin", "Opt-out words";
    OptOutHint => "Khách nhắn một trong các từ này (ví dụ “huỷ”) sẽ không nhận chiến dịch nào nữa. Cách nhau bằng dấu phẩy.", "A buyer who writes one of these (e.g. “huỷ”) gets no campaign again. Separate them with commas.";
    DoNotMessageCount => "Số hội thoại không nhắn", "Conversations not to message";
    Save => "Lưu", "Save";
    Saved => "Đã lưu", "Saved";
    // New campaign
    Name => "Tên chiến dịch", "Campaign name";
    NamePlaceholder => "Ví dụ: Khuyến mãi 12.12", "e.g. 12.12 sale";
    Goal => "Mục tiêu", "Goal";
    GoalPromotion => "Khuyến mãi", "Promotion";
    GoalCare => "Chăm sóc", "Care";
    GoalEngagement => "Tương tác", "Engagement";
    Audience => "Người nhận", "Recipients";
    Filters => "Bộ lọc", "Filters";
    WindowClosed => "Khách nhắn đã quá 24 giờ, chưa trả lời", "Buyer wrote over 24 hours ago, not answered";
    Platform => "Nền tảng", "Platform";
    Account => "Tài khoản shop", "Shop account";
    Any => "Bất kỳ", "Any";
    Yes => "Có", "Yes";
    No => "Không", "No";
    HasPhone => "Có số điện thoại", "Has a phone";
    HasEmail => "Có email", "Has an e-mail";
    HasGender => "Có giới tính", "Gender known";
    Gender => "Giới tính", "Gender";
    Female => "Nữ", "Female";
    Male => "Nam", "Male";
    OtherGender => "Khác", "Other";
    HasOrder => "Có đơn hàng", "Has an order";
    OrderStatus => "Trạng thái đơn", "Order status";
    LastFrom => "Tương tác cuối từ", "Last message from";
    LastTo => "đến", "to";
    FirstFrom => "Liên hệ đầu từ", "First contact from";
    FirstTo => "đến", "to";
    Tags => "Thẻ", "Tags";
    WithTag => "Có thẻ", "Tagged";
    WithoutTag => "Không có thẻ", "Not tagged";
    PhoneList => "Danh sách số điện thoại (CSV, XLSX)", "Phone list (CSV, XLSX)";
    PhoneListHint => "Chỉ gửi cho khách có số trong tệp. Số ở cột nào, viết kiểu nào cũng được.", "Send only to buyers whose phone is in the file. Any column, any way of writing the number.";
    PhoneListMatched => "Dòng khớp khách:", "Rows matched:";
    PhoneListUnmatched => "không khớp:", "not matched:";
    UnmatchedRows => "Các dòng không khớp", "Rows not matched";
    Row => "Dòng", "Row";
    RowNoPhone => "không có số điện thoại", "no phone number";
    RowNoCustomer => "không có khách nào có số", "no buyer has the number";
    FileUnreadable => "Không đọc được tệp. Hãy chọn lại tệp CSV hoặc XLSX.", "The file could not be read. Choose a CSV or XLSX file again.";
    FromFollowUps => "Khách chọn từ danh sách cần nhắn lại:", "Buyers picked from the follow-up list:";
    Clear => "Bỏ", "Clear";
    WillReceive => "Sẽ nhận", "Will receive";
    HeldBack => "giữ lại", "held back";
    CannotReach => "không gửi được", "cannot be reached";
    ExcludedCount => "đã bỏ ra", "left out";
    OptedOutCount => "từ chối nhận tin", "opted out";
    NoConversation => "Chưa có hội thoại nào với khách này trong tiện ích: mở hội thoại của khách một lần để gửi được.", "No conversation with this buyer in the extension yet: open their conversation once to reach them.";
    NotOnChannel => "Không có hội thoại trên nền tảng / tài khoản đã chọn.", "No conversation on the chosen platform / account.";
    HeldMissing => "Thiếu giá trị", "Missing";
    HeldEmpty => "Tin trống", "Empty message";
    AndMore => "… và thêm", "… and more:";
    IncludeAll => "Đưa lại tất cả khách đã bỏ ra", "Put back everyone left out";
    PreviewShort => "Xem trước", "Preview";
    NoName => "(chưa có tên)", "(no name yet)";
    // Content
    Content => "Nội dung", "Message";
    Template => "Mẫu tin", "Template";
    NoTemplate => "— Tự soạn —", "— Write my own —";
    TextPlaceholder => "Chào {ten_khach}, shop có ưu đãi mới…", "Hi {ten_khach}, the shop has a new offer…";
    AddImage => "Thêm ảnh", "Add image";
    Remove => "Bỏ", "Remove";
    Product => "Thẻ sản phẩm", "Product card";
    NoProduct => "— Không —", "— None —";
    MissingValues => "Một số khách thiếu", "Some buyers have no";
    AcceptFallback => "Dùng từ thay thế cho tên khách khi thiếu:", "Use this instead of a missing name:";
    HeldSameThread => "Trùng hội thoại với một khách khác trong danh sách (hai hồ sơ của một người?)", "Same conversation as another buyer on the list (two records of one person?)";
    HeldCount => "khách sẽ không được gửi vì thiếu giá trị:", "buyers will not get it, missing a value:";
    InOtherCampaign => "đang trong một chiến dịch khác", "already in another campaign";
    FilesNotStored => "Không lưu được ảnh của chiến dịch (bộ nhớ trình duyệt đầy?). Hãy bỏ bớt ảnh rồi thử lại.", "The campaign's images could not be stored (browser storage full?). Remove some and try again.";
    PreviewFor => "Tin gửi cho", "Message to";
    PreviewNone => "Chưa có người nhận để xem trước.", "No recipient to preview yet.";
    Images => "Ảnh đính kèm:", "Images:";
    // Sending
    Sending => "Gửi", "Sending";
    QuietFrom => "Không gửi từ", "No sends from";
    QuietTo => "đến", "until";
    PerHour => "Tối đa mỗi giờ (mỗi tài khoản)", "At most per hour (per account)";
    PerDay => "Tối đa mỗi ngày (mỗi tài khoản)", "At most per day (per account)";
    PacingNote => "Không vượt giới hạn an toàn của tài khoản:", "Never above the account's safe limits:";
    Hour => "giờ", "hour";
    Day => "ngày", "day";
    ScheduleAt => "Hẹn giờ gửi (dd/mm/yyyy hh:mm)", "Send at (dd/mm/yyyy hh:mm)";
    SendNow => "Gửi ngay", "Send now";
    Schedule => "Hẹn giờ", "Schedule";
    ScheduleInvalid => "Hãy nhập thời điểm gửi trong tương lai, dạng dd/mm/yyyy hh:mm.", "Enter a time in the future, as dd/mm/yyyy hh:mm.";
    QuietInvalid => "Giờ không gửi chưa đúng. Hãy nhập dạng hh:mm, ví dụ 21:00 và 08:00.", "The quiet hours are not valid. Enter hh:mm, e.g. 21:00 and 08:00.";
    CapsInvalid => "Giới hạn mỗi giờ và mỗi ngày phải là số lớn hơn 0.", "The hourly and daily limits must be numbers above 0.";
    NobodyToSend => "Chưa có khách nào nhận được tin: hãy đổi bộ lọc, hoặc điền giá trị còn thiếu.", "Nobody can get this message: change the filters, or fill in what is missing.";
    ImageMissing => "Một ảnh không còn trong thư viện. Hãy bỏ ảnh đó hoặc thêm lại.", "An image is no longer in the library. Remove it or add it again.";
    // Follow-ups
    FollowUpsHint => "Khách nhắn chưa được trả lời, đã quá 24 giờ hoặc sắp quá trong 1 giờ tới (từ các hội thoại tiện ích đã đọc).", "Buyers not answered whose 24 hours are over, or end within the hour (from the conversations the extension has read).";
    NoFollowUps => "Không có khách nào cần nhắn lại.", "Nobody to follow up.";
    SelectAll => "Chọn tất cả", "Select all";
    ClosesIn => "còn", "24 hours end in";
    ClosesInEnd => "là hết 24 giờ", "";
    ClosedAgo => "hết 24 giờ cách đây", "24 hours ended";
    ClosedAgoEnd => "", "ago";
    SendFollowUp => "Gửi cho khách đã chọn", "Send to the selected";
    MoreOptions => "Thêm tuỳ chọn…", "More options…";
}

/// What to tell the agent when the worker refused to start a campaign.
pub fn refusal(error: &RunError, lang: Lang) -> String {
    let vi = lang == Lang::Vi;
    match error {
        RunError::WrongState { .. } => if vi {
            "Chiến dịch này đã bắt đầu rồi."
        } else {
            "This campaign has already started."
        }
        .into(),
        RunError::NoRecipients => word(Word::NobodyToSend, lang).into(),
        RunError::DuplicateCustomer { .. } => if vi {
            "Một khách có mặt hai lần trong danh sách. Hãy tạo lại chiến dịch."
        } else {
            "A buyer is on the list twice. Create the campaign again."
        }
        .into(),
        RunError::MissingFile { .. } => word(Word::ImageMissing, lang).into(),
        RunError::FilesNotStored => word(Word::FilesNotStored, lang).into(),
    }
}

/// The word a message uses for a buyer with no name on file ("Chào anh/chị"): the message is in
/// Vietnamese whatever the panel's language.
pub const DEFAULT_NAME_FALLBACK: &str = "anh/chị";

/// "còn 40 phút là hết 24 giờ" / "24 hours end in 40 min".
pub fn closes_in(ms: u64, lang: Lang) -> String {
    phrase(
        word(Word::ClosesIn, lang),
        ms,
        word(Word::ClosesInEnd, lang),
        lang,
    )
}

/// "hết 24 giờ cách đây 3 ngày 2 giờ" / "24 hours ended 3 d 2 h ago".
pub fn closed_ago(ms: u64, lang: Lang) -> String {
    phrase(
        word(Word::ClosedAgo, lang),
        ms,
        word(Word::ClosedAgoEnd, lang),
        lang,
    )
}

fn phrase(before: &str, ms: u64, after: &str, lang: Lang) -> String {
    let middle = duration(ms, lang);
    if after.is_empty() {
        format!("{before} {middle}")
    } else {
        format!("{before} {middle} {after}")
    }
}

/// A span as an agent reads it: "45 phút", "1 giờ 20 phút", "3 ngày 2 giờ" (minutes rounded
/// up, so that "0 phút" is never shown for something left).
pub fn duration(ms: u64, lang: Lang) -> String {
    let minutes = ms.div_ceil(60_000).max(1);
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    let (d, h, m) = match lang {
        Lang::Vi => ("ngày", "giờ", "phút"),
        Lang::En => ("d", "h", "min"),
    };
    if days > 0 {
        if hours > 0 {
            format!("{days} {d} {hours} {h}")
        } else {
            format!("{days} {d}")
        }
    } else if hours > 0 {
        if mins > 0 {
            format!("{hours} {h} {mins} {m}")
        } else {
            format!("{hours} {h}")
        }
    } else {
        format!("{mins} {m}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_has_both_languages() {
        // Parts of phrases that one language does not need.
        let halves = [Word::ClosesInEnd, Word::ClosedAgoEnd];
        for &key in ALL_WORDS.iter().filter(|k| !halves.contains(k)) {
            for lang in [Lang::Vi, Lang::En] {
                assert!(!word(key, lang).trim().is_empty(), "{key:?} in {lang:?}");
            }
        }
    }

    #[test]
    fn durations_read_as_agents_say_them() {
        assert_eq!(duration(45 * 60_000, Lang::Vi), "45 phút");
        assert_eq!(duration(1, Lang::Vi), "1 phút");
        assert_eq!(duration(80 * 60_000, Lang::Vi), "1 giờ 20 phút");
        assert_eq!(duration(2 * 3_600_000, Lang::En), "2 h");
        assert_eq!(
            duration(3 * 86_400_000 + 2 * 3_600_000 + 5, Lang::Vi),
            "3 ngày 2 giờ"
        );
        assert_eq!(
            closed_ago(3 * 86_400_000, Lang::Vi),
            "hết 24 giờ cách đây 3 ngày"
        );
        assert_eq!(
            closed_ago(3 * 86_400_000, Lang::En),
            "24 hours ended 3 d ago"
        );
        assert_eq!(
            closes_in(40 * 60_000, Lang::Vi),
            "còn 40 phút là hết 24 giờ"
        );
    }

    #[test]
    fn every_refusal_is_worded() {
        let errors = [
            RunError::NoRecipients,
            RunError::DuplicateCustomer {
                customer_id: "a".into(),
            },
            RunError::MissingFile {
                media_id: "m".into(),
            },
            RunError::FilesNotStored,
            RunError::WrongState {
                state: nobi_protocol::campaign::CampaignState::Running,
            },
        ];
        for e in &errors {
            assert!(!refusal(e, Lang::Vi).is_empty() && !refusal(e, Lang::En).is_empty());
        }
    }
}
