//! The interface's words, Vietnamese first.
//!
//! The panel and the content scripts show the same messages (errors above all), so the table lives
//! here, as plain data, and is tested for completeness: every key has both languages. The manifest's
//! own strings (name, description) are in `extension/_locales`, where Chrome wants them.
//!
//! # Crate contract
//!
//! Every [`Ui`] key, health status, signal and failure reason has a non-empty text in both
//! [`Lang`]s (tested). [`Lang::from_tag`] returns [`Lang::En`] if and only if the tag starts with
//! `en`, case aside. Domain crates word their own errors (customer import, orders) next to the
//! error type; this crate holds what the panel and the content scripts share.
//!
//! # Dependencies
//!
//! `nobi-protocol`, because it translates the protocol's [`HealthStatus`],
//! [`Signal`] and [`FailReason`]; and `serde`.

use nobi_protocol::{FailReason, HealthStatus, Signal};
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

macro_rules! ui_texts {
    ($($key:ident => $vi:expr, $en:expr;)*) => {
        /// The panel's own labels. One variant per text; [`ui`] gives it in each language.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Ui {
            $($key,)*
        }

        /// Every [`Ui`] text, for completeness tests.
        pub const ALL_UI: &[Ui] = &[$(Ui::$key,)*];

        /// A panel label in `lang`.
        pub fn ui(key: Ui, lang: Lang) -> &'static str {
            match key {
                $(Ui::$key => match lang {
                    Lang::Vi => $vi,
                    Lang::En => $en,
                },)*
            }
        }
    };
}

// One line per text: key => Vietnamese, English.
ui_texts! {
    Title => "Nobi Pro", "Nobi Pro";
    NoConversation => "Chưa có hội thoại nào đang mở", "No conversation is open";
    NoConversationHint => "Mở một hội thoại trên Instagram hoặc Facebook Messenger, thông tin khách sẽ hiện ở đây.", "Open a conversation on Instagram or Facebook Messenger; the buyer's details appear here.";
    Buyer => "Khách hàng", "Buyer";
    UnknownBuyer => "(chưa đọc được tên)", "(name not read yet)";
    Thread => "Mã hội thoại", "Thread id";
    Composer => "Soạn tin", "Compose";
    ComposerPlaceholder => "Nhập tin nhắn… (Ctrl+Enter để gửi)", "Type a message… (Ctrl+Enter to send)";
    Send => "Gửi", "Send";
    Sending => "Đang gửi…", "Sending…";
    Sent => "Đã gửi ✓", "Sent ✓";
    QuickReplies => "Trả lời nhanh", "Quick replies";
    SwitchLanguage => "English", "Tiếng Việt";
    ToComposer => "Về khách này và ô soạn tin", "Back to this buyer and the composer";
    WorkerUnreachable => "Panel không liên lạc được với Nobi Pro. Đóng rồi mở lại panel; nếu vẫn lỗi, tải lại tiện ích.", "The panel could not reach Nobi Pro. Close and reopen the panel; if that fails, reload the extension.";
    // Tabs and app states.
    TabCustomer => "Khách hàng", "Customer";
    TabList => "Danh sách", "List";
    TabCampaigns => "Chiến dịch", "Campaigns";
    TabData => "Dữ liệu", "Data";
    Loading => "Đang tải…", "Loading…";
    StoreUnavailable => "Không mở được dữ liệu trên máy (IndexedDB). Thoát chế độ ẩn danh hoặc giải phóng dung lượng ổ đĩa, rồi mở lại panel.", "The local database (IndexedDB) could not be opened. Leave incognito mode or free disk space, then reopen the panel.";
    OrderChangedElsewhere => "Đơn hoặc tồn kho của nó vừa được đổi ở nơi khác (máy chủ của shop hoặc một bảng khác) nên thay đổi này chưa được lưu. Đã tải lại: xem rồi làm lại nếu vẫn cần.", "The order or its stock was just changed elsewhere (the shop's server or another panel), so this change was not saved. It has been reloaded: check it and do it again if still needed.";
    ProductChangedElsewhere => "Sản phẩm vừa được đổi ở nơi khác (máy chủ của shop hoặc một bảng khác) nên thay đổi này chưa được lưu. Đã tải lại: xem rồi làm lại nếu vẫn cần.", "The product was just changed elsewhere (the shop's server or another panel), so this change was not saved. It has been reloaded: check it and do it again if still needed.";
    SaveFailed => "Chưa lưu được thay đổi, dữ liệu cũ vẫn còn nguyên. Thử lại; nếu vẫn lỗi, xuất dữ liệu ra tệp để giữ an toàn.", "The change was not saved; the previous data is intact. Try again; if it keeps failing, export your data to a file.";
    // The customer card.
    CustomerName => "Tên khách", "Name";
    NewCustomer => "Khách mới", "New customer";
    Identities => "Tài khoản", "Accounts";
    OpenProfile => "Mở trang cá nhân", "Open profile";
    Phones => "Số điện thoại", "Phones";
    PrimaryPhone => "Số chính", "Primary";
    MakePrimary => "Đặt làm số chính", "Make primary";
    AddPhone => "Thêm số", "Add phone";
    PhoneInvalid => "Không phải số di động Việt Nam (10 số, bắt đầu bằng 03/05/07/08/09).", "Not a Vietnamese mobile number (10 digits starting 03/05/07/08/09).";
    PhonesInChat => "Số trong hội thoại", "Phones in the chat";
    PhoneUnverifiedPrefix => "kiểm tra lại", "check";
    PhoneUnverifiedPrefixHint => "Đầu số này chưa có trong bảng đầu số của nhà mạng: kiểm tra lại số với khách trước khi lưu.", "This prefix is not in the carriers' numbering tables yet: check the number with the buyer before saving it.";
    PhonesInChatNone => "Chưa thấy số điện thoại nào trong tin nhắn của khách.", "No phone number in the buyer's messages yet.";
    ReadChat => "Đọc tin nhắn", "Read the chat";
    Emails => "Email", "Emails";
    AddEmail => "Thêm email", "Add email";
    EmailInvalid => "Email không hợp lệ (ví dụ: ten@gmail.com).", "Not a valid email (e.g. name@gmail.com).";
    Birthday => "Ngày sinh", "Birthday";
    DateFormatHint => "ngày/tháng/năm", "dd/mm/yyyy";
    DateInvalid => "Ngày không đúng: viết ngày/tháng/năm, ví dụ 05/03/1990. Ngày cũ được giữ.", "Not a date: write day/month/year, e.g. 05/03/1990. The previous date is kept.";
    DateTimeFormatHint => "ngày/tháng/năm giờ:phút", "dd/mm/yyyy hh:mm";
    DateTimeInvalid => "Thời điểm không đúng: viết ngày/tháng/năm giờ:phút, ví dụ 05/12/2026 14:30.", "Not a time: write day/month/year hour:minute, e.g. 05/12/2026 14:30.";
    Gender => "Giới tính", "Gender";
    GenderUnset => "Chưa rõ", "Not set";
    GenderFemale => "Nữ", "Female";
    GenderMale => "Nam", "Male";
    GenderOther => "Khác", "Other";
    Tags => "Thẻ", "Tags";
    AddTag => "Thêm thẻ…", "Add tag…";
    CreateTag => "Tạo thẻ", "Create tag";
    RemoveTag => "Gỡ thẻ", "Remove tag";
    Notes => "Ghi chú", "Notes";
    NotePlaceholder => "Viết ghi chú… (Ctrl+Enter để lưu)", "Write a note… (Ctrl+Enter to save)";
    AddNote => "Lưu ghi chú", "Save note";
    Addresses => "Địa chỉ", "Addresses";
    AddAddress => "Thêm địa chỉ", "Add address";
    DefaultAddress => "Mặc định", "Default";
    MakeDefault => "Đặt mặc định", "Make default";
    Edit => "Sửa", "Edit";
    Delete => "Xoá", "Delete";
    Cancel => "Huỷ", "Cancel";
    Save => "Lưu", "Save";
    ConversationFields => "Thông tin hội thoại", "Conversation";
    Category => "Danh mục", "Category";
    SubCategory => "Danh mục con", "Sub-category";
    Detail => "Chi tiết", "Detail";
    Classification => "Phân loại", "Classification";
    Assignee => "Người phụ trách", "Assignee";
    Unassigned => "Chưa phân công", "Unassigned";
    AddStaff => "+ Thêm nhân viên…", "+ Add staff member…";
    StaffNamePrompt => "Tên nhân viên", "Staff member's name";
    Status => "Trạng thái", "Status";
    StatusProcessing => "Đang xử lý", "Processing";
    StatusProcessed => "Đã xử lý", "Processed";
    StatusDone => "Hoàn thành", "Done";
    StatusRule => "Tự chuyển sang “Đã xử lý” khi hội thoại đã gắn thẻ và đã trả lời.", "Becomes “Processed” once the conversation is tagged and replied to.";
    History => "Lịch sử", "History";
    HistoryEmpty => "Chưa có thay đổi nào.", "No changes yet.";
    HistTagAdded => "Gắn thẻ", "Tag added";
    HistTagRemoved => "Gỡ thẻ", "Tag removed";
    HistAssignee => "Đổi người phụ trách", "Assignee changed";
    HistStatus => "Đổi trạng thái", "Status changed";
    HistMerged => "Gộp khách", "Customers merged";
    SamePhone => "Khách khác có cùng số điện thoại", "Other customers with the same phone";
    Merge => "Gộp vào khách này", "Merge into this customer";
    // The conversation list.
    SearchPlaceholder => "Tìm theo tên, số điện thoại, ghi chú… (phím /)", "Search name, phone, note… (key /)";
    FilterAllTags => "Mọi thẻ", "All tags";
    FilterAllAssignees => "Mọi người phụ trách", "All assignees";
    FilterAllStatuses => "Mọi trạng thái", "All statuses";
    FilterUnread => "Chưa đọc", "Unread";
    FilterUnreplied => "Chưa trả lời", "Unreplied";
    FilterOrders => "Đơn hàng", "Orders";
    FilterHasOrder => "Có đơn", "Has an order";
    FilterNoOrder => "Chưa có đơn", "No order";
    FilterFrom => "Từ ngày", "From";
    FilterTo => "Đến ngày", "To";
    ClearFilters => "Bỏ lọc", "Clear filters";
    ResultsCount => "khách", "customers";
    ListEmpty => "Chưa có khách nào trên máy này. Mở một hội thoại, hoặc nhập danh sách khách ở mục Dữ liệu.", "No customers on this machine yet. Open a conversation, or import customers under Data.";
    NoMatch => "Không có khách nào khớp. Thử bỏ dấu, bớt từ hoặc bỏ lọc.", "No customer matches. Try fewer words or clear the filters.";
    OpenConversation => "Mở hội thoại", "Open conversation";
    // Import and export.
    ImportCustomers => "Nhập khách hàng từ CSV", "Import customers from CSV";
    ImportHint => "Tệp Excel (.xlsx, đọc trang tính đầu tiên) hoặc CSV (UTF-8) xuất từ Excel, Google Sheets hoặc phần mềm bán hàng khác. Cột nhận biết: Tên, SĐT, Email, Địa chỉ, Ngày sinh, Giới tính, Thẻ, Ghi chú.", "An Excel file (.xlsx, its first sheet is read) or a CSV file (UTF-8) from Excel, Google Sheets or another sales tool. Columns recognised: Name, Phone, Email, Address, Birthday, Gender, Tags, Note.";
    ChooseFile => "Chọn tệp…", "Choose file…";
    Preview => "Xem trước", "Preview";
    ImportErrors => "Tệp có lỗi, chưa nhập gì. Sửa các dòng sau rồi chọn lại tệp:", "The file has errors; nothing was imported. Fix these rows, then choose the file again:";
    ImportReady => "Sẵn sàng nhập", "Ready to import";
    ImportNew => "khách mới", "new customers";
    ImportUpdated => "khách đã có được bổ sung", "existing customers updated";
    ImportTags => "thẻ mới", "new tags";
    ImportConfirm => "Nhập", "Import";
    ImportDone => "Đã nhập xong.", "Import finished.";
    ColumnIgnored => "bỏ qua", "ignored";
    ExportAll => "Xuất toàn bộ dữ liệu (JSON)", "Export all data (JSON)";
    ExportHint => "Một tệp chứa mọi khách hàng, hội thoại, thẻ, ghi chú và lịch sử: để sao lưu hoặc chuyển sang máy khác.", "One file with every customer, conversation, tag, note and history entry: a backup, or to move to another computer.";
    RestoreBackup => "Khôi phục từ tệp sao lưu…", "Restore from a backup file…";
    RestoreWarning => "Khôi phục sẽ thay toàn bộ dữ liệu hiện có bằng dữ liệu trong tệp.", "Restoring replaces all current data with the file's.";
    RestoreDone => "Đã khôi phục.", "Restored.";
    BackupUnreadable => "Tệp này không phải tệp sao lưu của Nobi Pro (hoặc đã hỏng). Chưa thay đổi gì.", "This is not a Nobi Pro backup file (or it is damaged). Nothing was changed.";
    FileUnreadable => "Không đọc được tệp. Chọn lại tệp.", "The file could not be read. Choose it again.";
    // Keyboard help.
    Shortcuts => "Phím tắt", "Keyboard shortcuts";
    ShortcutHelp => "Hiện/ẩn bảng phím tắt", "Show/hide this help";
    ShortcutTabs => "Chuyển thẻ Khách hàng / Danh sách / Sản phẩm / Mẫu tin / Dữ liệu", "Switch Customer / List / Products / Templates / Data";
    ShortcutSearch => "Tìm khách", "Search customers";
    ShortcutSend => "Gửi tin / lưu ghi chú", "Send message / save note";
    ShortcutNote => "Viết ghi chú", "Write a note";
    ShortcutPhone => "Thêm số điện thoại", "Add a phone";
    ShortcutClose => "Đóng hộp thoại, bỏ chọn", "Close dialog, dismiss";
    Close => "Đóng", "Close";
    CheckPage => "Kiểm tra trang", "Check the page";
    CheckPageHint => "Kiểm tra khô: tìm ô nhập, hội thoại, tin nhắn, nút gửi; không gõ gì", "Dry check: finds the message box, the thread, the messages, the send control; types nothing";
    CheckPageFailed => "Không hỏi được trang. Tải lại tab hội thoại rồi thử lại.", "The page could not be asked. Reload the conversation tab, then try again.";
    LayoutReport => "Tải báo cáo bố cục (không chứa tên, tin nhắn hay liên kết)", "Download the layout report (no names, messages or links)";
    Found => "có", "found";
    Missing => "không thấy", "missing";
    // Orders (issue 7).
    TabProducts => "Sản phẩm", "Products";
    Orders => "Đơn hàng", "Orders";
    CreateOrder => "Tạo đơn", "New order";
    OrdersEmpty => "Khách chưa có đơn nào.", "No orders yet.";
    SamePhoneOrders => "Đơn của khách khác cùng số điện thoại", "Orders of other customers with the same phone";
    Recipient => "Người nhận", "Recipient";
    RecipientName => "Tên người nhận", "Recipient's name";
    RecipientPhone => "SĐT người nhận", "Recipient's phone";
    RecipientAddress => "Địa chỉ nhận hàng", "Delivery address";
    RequiredFields => "Thông tin bắt buộc", "Required";
    OrderSource => "Nguồn đơn", "Source";
    Warehouse => "Kho xuất", "Warehouse";
    Products => "Sản phẩm", "Products";
    SearchProducts => "Tìm sản phẩm theo tên hoặc SKU… (không cần dấu)", "Search products by name or SKU…";
    NoProductMatch => "Không có sản phẩm nào khớp.", "No product matches.";
    NoProductsYet => "Chưa có sản phẩm nào. Thêm sản phẩm ở thẻ Sản phẩm.", "No products yet. Add them under Products.";
    Quantity => "SL", "Qty";
    UnitPrice => "Đơn giá", "Unit price";
    LineDiscount => "Chiết khấu (đ hoặc %)", "Discount (₫ or %)";
    ShippingSection => "Vận chuyển", "Shipping";
    Carrier => "Đơn vị vận chuyển", "Carrier";
    ChooseCarrier => "Chọn đơn vị…", "Choose…";
    ShippingFee => "Phí ship", "Shipping fee";
    PayerBuyer => "Khách trả phí ship", "Buyer pays shipping";
    PayerShop => "Shop trả (freeship)", "Shop pays (free shipping)";
    WeightGrams => "Khối lượng (g)", "Weight (g)";
    ShippingNote => "Ghi chú giao hàng", "Delivery note";
    Tracking => "Mã vận đơn", "Tracking code";
    PaymentSection => "Thanh toán", "Payment";
    PayCod => "COD (thu hộ)", "Cash on delivery";
    PayTransfer => "Chuyển khoản", "Bank transfer";
    PayDeposit => "Đặt cọc", "Deposit";
    Paid => "Đã trả", "Paid";
    Subtotal => "Tạm tính", "Subtotal";
    DiscountTotal => "Chiết khấu", "Discounts";
    Total => "Tổng cộng", "Total";
    Cod => "Thu hộ (COD)", "COD";
    Overpaid => "Shop trả lại khách", "To refund";
    CreateOrderAction => "Tạo đơn (Ctrl+Enter)", "Create order (Ctrl+Enter)";
    OrderCreated => "Đã tạo đơn", "Order created";
    ChangeStatus => "Chuyển sang", "Move to";
    CancelOrder => "Huỷ đơn", "Cancel order";
    CancelReason => "Lý do huỷ (bắt buộc)", "Reason (required)";
    SaveShipping => "Lưu vận chuyển", "Save shipping";
    SendSummary => "Gửi tóm tắt cho khách", "Send summary to buyer";
    CopySummary => "Sao chép", "Copy";
    Copied => "Đã sao chép", "Copied";
    DeleteOrder => "Xoá đơn", "Delete order";
    OrderHistory => "Lịch sử đơn", "Order history";
    HistCreated => "Tạo đơn", "Created";
    HistLines => "Sửa sản phẩm", "Products changed";
    HistRecipient => "Sửa người nhận", "Recipient changed";
    HistShipping => "Sửa vận chuyển", "Shipping changed";
    HistPayment => "Sửa thanh toán", "Payment changed";
    HistWarehouse => "Đổi kho", "Warehouse changed";
    HistCancelled => "Huỷ đơn", "Cancelled";
    Back => "← Quay lại", "← Back";
    // Products.
    AddProduct => "Thêm sản phẩm", "Add product";
    ProductName => "Tên sản phẩm", "Product name";
    Sku => "SKU", "SKU";
    Size => "Size", "Size";
    Colour => "Màu", "Colour";
    Price => "Giá", "Price";
    Stock => "Tồn kho", "Stock";
    Available => "có thể bán", "available";
    AddVariant => "+ Thêm phân loại", "+ Add variant";
    Warehouses => "Kho hàng", "Warehouses";
    AddWarehouse => "Thêm kho", "Add warehouse";
    DefaultWarehouse => "Kho chính", "Main warehouse";
    AllowNegativeStock => "Cho phép bán khi hết hàng (tồn kho âm)", "Allow selling below zero stock";
    AutoDraftOrders => "Tự tạo đơn nháp khi khách gửi số điện thoại hoặc từ khoá đặt hàng", "Create a draft order when a buyer sends a phone or an order keyword";
    DraftFromChat => "Đơn nháp từ tin nhắn của khách — kiểm tra rồi tạo đơn", "Draft from the buyer's message — check it, then create";
    ImportProducts => "Nhập sản phẩm từ CSV/Excel", "Import products from CSV/Excel";
    Settings => "Cài đặt", "Settings";
    // Outbox (issue 8).
    Outbox => "Hàng đợi gửi", "Outbox";
    OutboxQueued => "Đang gửi…", "Sending…";
    OutboxScheduled => "Hẹn gửi lúc", "Scheduled for";
    OutboxRetrying => "Sẽ thử lại lúc", "Retrying at";
    OutboxChecking => "Đang kiểm tra trên trang (tin có thể đã gửi)…", "Checking the page (it may have been sent)…";
    OutboxSent => "Đã gửi ✓", "Sent ✓";
    OutboxCancelled => "Đã huỷ", "Cancelled";
    OutboxPaused => "Đang dừng: nền tảng chặn tài khoản", "Stopped: the platform is blocking the account";
    Retry => "Gửi lại", "Retry";
    SendsTo => "Gửi tới:", "Sends to:";
    ImportStale => "Có khách trong tệp vừa được sửa sau lúc xem trước, nên chưa nhập gì. Hãy chọn lại tệp để xem trước lần nữa.", "A customer in the file was changed after the preview, so nothing was imported. Choose the file again to preview it anew.";
    ChangedElsewhere => "Khách này vừa được sửa ở cửa sổ khác (hoặc khi nhập dữ liệu), nên thay đổi vừa rồi chưa được lưu. Thẻ đã hiện bản mới nhất; hãy làm lại thay đổi.", "This customer was just changed in another window (or by an import), so your last change was not saved. The card shows the latest; make the change again.";
    ExportNotVerified => "Bản sao lưu không khớp với dữ liệu đang có nên chưa lưu tệp nào. Hãy thử lại; nếu vẫn lỗi, hãy liên hệ hỗ trợ.", "The backup did not match the data held, so no file was saved. Try again; if it fails again, contact support.";
    SettingsUnreadable => "Không đọc được cài đặt đã lưu, nên Nobi Pro dùng mặc định cho lần này và không ghi đè cài đặt cũ. Hãy khôi phục bản sao lưu hoặc liên hệ hỗ trợ.", "The stored settings could not be read, so Nobi Pro uses the defaults this time and does not write over them. Restore a backup or contact support.";
    ComposerOtherCustomer => "Thẻ bên dưới là một khách khác với người trong hội thoại đang mở. Mẫu tin không điền thông tin của khách này vào tin gửi cho người kia; hãy mở lại khách của hội thoại (bấm tên ở đầu bảng).", "The card below is another customer than the person in the open conversation. Templates do not put this customer's details in a message to that person; open the conversation's customer again (click the name at the top).";
    OthersBuyer => "Khách này do {name} phụ trách. Bấm gửi lần nữa nếu bạn vẫn muốn trả lời.", "{name} is in charge of this buyer. Press send again if you still want to answer.";
    FilterMine => "Của tôi", "Mine";
    TeamBudgetDaily => "Trang đã dùng hết số tin gửi chung trong ngày của shop (cả nhóm). Gửi tiếp lúc", "The page has used the shop's shared daily message budget (the whole team). Sends again at";
    TeamBudgetHourly => "Trang đã dùng hết số tin gửi chung trong giờ của shop (cả nhóm). Gửi tiếp lúc", "The page has used the shop's shared hourly message budget (the whole team). Sends again at";
    TeamBudgetGap => "Một nhân viên khác vừa gửi từ trang này; chờ khoảng cách an toàn. Gửi lúc", "Another agent just sent from this page; waiting for the safe gap. Sends at";
    OutboxNeedsAgent => "Cần bạn xem: không biết tin này đã đi chưa.", "Needs you: it is not known whether this went out.";
    OutboxMarkSent => "Đã đi rồi", "It went out";
    OutboxSendAgain => "Chưa đi, gửi lại", "Not there, send again";
    OutboxDamaged => "Hàng đợi gửi đã lưu bị hỏng nên không đọc được. Bản gốc được giữ lại (không ghi đè); các tin mới dùng hàng đợi mới. Tin chưa gửi trong bản cũ: hãy kiểm tra hội thoại và gửi lại nếu cần.", "The stored outbox is damaged and could not be read. The original is kept (never overwritten); new messages use a new outbox. Messages not yet sent in the old one: check the conversations and send them again if needed.";
    OutboxFrozen => "Hàng đợi gửi đã lưu bị hỏng và không thể cất riêng, nên Nobi Pro không ghi gì lên nó. Tin mới chưa gửi được; hãy liên hệ hỗ trợ.", "The stored outbox is damaged and could not be set aside, so Nobi Pro writes nothing over it. New messages cannot be sent; contact support.";
    Paused => "Nền tảng đang chặn tài khoản này nên Nobi Pro đã dừng gửi. Đợi một lúc rồi bấm tiếp tục.", "The platform is blocking this account, so Nobi Pro stopped sending. Wait a while, then resume.";
    Resume => "Tiếp tục gửi", "Resume sending";
    ScheduleSend => "Hẹn giờ gửi", "Send later";
    SchedulePast => "Thời điểm hẹn đã qua: chọn một thời điểm sau bây giờ.", "That time has passed: pick a later one.";
    Pacing => "Giãn cách gửi (giống người thật)", "Pacing (human-like)";
    PacingGap => "Tối thiểu giữa 2 tin (giây)", "Minimum gap (seconds)";
    PacingJitter => "Ngẫu nhiên thêm tới (giây)", "Random extra up to (seconds)";
    PacingPerHour => "Tối đa mỗi giờ", "At most per hour";
    PacingPerDay => "Tối đa mỗi ngày", "At most per day";
    Attachments => "Tệp đính kèm", "Attachments";
    ImportProductsHint => "Tệp Excel (.xlsx, đọc trang tính đầu tiên) hoặc CSV (UTF-8) xuất từ KiotViet, Sapo, Haravan, Shopify hoặc tự làm. Cần cột Mã SKU; cột nhận biết: Tên sản phẩm, Mã cha, Size, Màu, Giá bán, Tồn kho (hoặc «Tồn kho: tên kho»), Cân nặng, Ảnh. Mã đã có thì cập nhật giá và tồn kho.", "An Excel file (.xlsx, its first sheet is read) or a CSV file (UTF-8) from KiotViet, Sapo, Haravan, Shopify or made by hand. A SKU column is required; columns recognised: Product name, Parent code, Size, Colour, Price, Stock (or “Stock: warehouse name”), Weight, Images. Existing SKUs get their price and stock updated.";
    ImportProductsNew => "sản phẩm mới", "new products";
    ImportProductsUpdated => "sản phẩm đã có được cập nhật", "existing products updated";
    ImportNewWarehouses => "Kho mới sẽ được thêm", "New warehouses to add";
    RowCreate => "mới", "new";
    RowAddVariant => "thêm phân loại", "new variant";
    RowUpdate => "cập nhật", "update";
    RowUnchanged => "không đổi", "unchanged";
    CatalogChangedReimport => "Danh mục sản phẩm đã thay đổi từ lúc đọc tệp, nên chưa nhập gì. Hãy chọn lại tệp.", "The catalog changed after the file was read, so nothing was imported. Choose the file again.";
    // Templates, media library and emoji (issue 8).
    TabTemplates => "Mẫu tin", "Templates";
    TplTitle => "Mẫu tin nhắn", "Message templates";
    TplNew => "+ Mẫu mới", "+ New template";
    TplName => "Tên mẫu", "Name";
    TplShortcut => "Phím tắt (gõ trong ô soạn tin, vd. /cam_on)", "Shortcut (typed in the composer, e.g. /cam_on)";
    TplContent => "Nội dung", "Content";
    TplInsertVariable => "Chèn biến…", "Insert a variable…";
    TplImages => "Ảnh gửi kèm", "Images sent with it";
    TplAddImage => "+ Thêm ảnh từ thư viện", "+ Add an image from the library";
    TplRemoveImage => "Bỏ ảnh này", "Remove this image";
    TplPreview => "Xem trước với khách đang mở", "Preview for the open customer";
    TplUnknownVars => "Biến không tồn tại (sẽ giữ nguyên trong tin, kiểm tra chính tả)", "Unknown variables (left as written; check the spelling)";
    TplMissingVars => "Chưa có dữ liệu cho khách này (sửa trong ô soạn tin trước khi gửi)", "No value for this customer (edit it in the composer before sending)";
    TplSearch => "Tìm mẫu theo tên, phím tắt hoặc nội dung", "Search templates by name, shortcut or content";
    TplEmpty => "Chưa có mẫu tin nào. Bấm «+ Mẫu mới» để tạo.", "No templates yet. Press “+ New template” to create one.";
    TplNoMatch => "Không có mẫu nào phù hợp", "No template matches";
    TplNameRequired => "Mẫu cần có tên và nội dung.", "A template needs a name and a content.";
    TplShortcutTaken => "Phím tắt này đã dùng cho mẫu khác.", "Another template already has this shortcut.";
    TplShortcutInvalid => "Phím tắt cần chữ hoặc số sau dấu /.", "A shortcut needs letters or digits after the /.";
    TplMoveUp => "Chuyển lên", "Move up";
    TplMoveDown => "Chuyển xuống", "Move down";
    VarTenKhach => "Tên khách", "Buyer's name";
    VarSdt => "Số điện thoại", "Phone";
    VarDiaChi => "Địa chỉ", "Address";
    VarTongTien => "Tổng tiền đơn", "Order total";
    VarMaDon => "Mã đơn", "Order code";
    VarPhiShip => "Phí ship", "Shipping fee";
    VarTenShop => "Tên shop", "Shop name";
    VarNhanVien => "Nhân viên", "Agent";
    VarNgay => "Ngày hôm nay", "Today's date";
    MediaLibrary => "Thư viện ảnh", "Media library";
    MediaUpload => "Tải ảnh lên", "Upload images";
    MediaHint => "Ảnh JPEG, PNG, GIF hoặc WebP, tối đa 5 MB mỗi ảnh, lưu trên máy này.", "JPEG, PNG, GIF or WebP images, up to 5 MB each, kept on this computer.";
    MediaTooLarge => "ảnh lớn hơn 5 MB, chưa lưu", "image larger than 5 MB, not saved";
    MediaNotImage => "không phải ảnh JPEG, PNG, GIF hoặc WebP, chưa lưu", "not a JPEG, PNG, GIF or WebP image, not saved";
    MediaUploaded => "Đã lưu ảnh:", "Images saved:";
    MediaAll => "Tất cả", "All";
    MediaNoFolder => "Chưa xếp thư mục", "No folder";
    MediaNewFolder => "Thư mục mới (Enter)", "New folder (Enter)";
    MediaMoveTo => "Chuyển vào thư mục", "Move to folder";
    MediaPick => "Chọn", "Pick";
    MediaEmpty => "Chưa có ảnh nào ở đây.", "No images here yet.";
    EmojiTitle => "Biểu tượng cảm xúc", "Emoji";
    EmojiFaces => "Khuôn mặt", "Faces";
    EmojiHearts => "Tim, hoa, lấp lánh", "Hearts and flowers";
    EmojiHands => "Cử chỉ", "Gestures";
    EmojiShop => "Mua bán, giao hàng", "Shop and delivery";
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
        (ComposerCovered, Lang::Vi) => "Một hộp thoại của trang đang che ô nhập tin nhắn",
        (ComposerCovered, Lang::En) => "A dialog of the page covers the message box",
    }
}

/// The name of a signal of the field diagnostic.
pub fn signal(signal: Signal, lang: Lang) -> &'static str {
    use Signal::*;
    match (signal, lang) {
        (Composer, Lang::Vi) => "Ô nhập tin nhắn",
        (Composer, Lang::En) => "Message box",
        (ComposerUncovered, Lang::Vi) => "Ô nhập không bị hộp thoại che",
        (ComposerUncovered, Lang::En) => "Message box not covered by a dialog",
        (Pane, Lang::Vi) => "Khung hội thoại",
        (Pane, Lang::En) => "Conversation pane",
        (BuyerName, Lang::Vi) => "Tên khách",
        (BuyerName, Lang::En) => "Buyer's name",
        (ProfileLink, Lang::Vi) => "Liên kết trang cá nhân",
        (ProfileLink, Lang::En) => "Profile link",
        (ThreadSignature, Lang::Vi) => "Dấu hiệu nhận biết hội thoại",
        (ThreadSignature, Lang::En) => "Thread signature",
        (MessageList, Lang::Vi) => "Danh sách tin nhắn",
        (MessageList, Lang::En) => "Message list",
        (MessageRows, Lang::Vi) => "Tin nhắn",
        (MessageRows, Lang::En) => "Messages",
        (SendControl, Lang::Vi) => "Nút gửi (không có thì dùng Enter)",
        (SendControl, Lang::En) => "Send button (else Enter)",
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
        (CoveredByDialog, Lang::Vi) => "Một hộp thoại của trang đang che ô nhập tin nhắn (ví dụ: nhập mã PIN để khôi phục đoạn chat). Chưa gõ gì; hãy xử lý hộp thoại trên trang rồi gửi lại.",
        (CoveredByDialog, Lang::En) => "A dialog of the page covers the message box (e.g. enter your PIN to restore chats). Nothing was typed; deal with the dialog on the page, then send again.",
        (RejectedByPlatform, Lang::Vi) => "Trang báo tin nhắn không gửi được (\"Failed to send\"). Tin chưa đi; kiểm tra kết nối hoặc tài khoản rồi gửi lại.",
        (RejectedByPlatform, Lang::En) => "The page says the message was not sent (\"Failed to send\"). Nothing went out; check the connection or the account, then send again.",
        (FilesMissing, Lang::Vi) => "Không đọc được ảnh/tệp đính kèm đã lưu của tin này. Chưa gửi gì (không bao giờ gửi thiếu ảnh); hãy huỷ tin và gửi lại kèm ảnh.",
        (FilesMissing, Lang::En) => "The stored images/files of this message could not be read. Nothing was sent (never without its images); cancel it and send it again with the images.",
        (PageUnclear, Lang::Vi) => "Hội thoại có tin mới của shop nhưng không khớp nội dung tin này (trang có thể hiển thị khác). Hãy xem hội thoại rồi chọn: Đã gửi, Gửi lại hoặc Huỷ.",
        (PageUnclear, Lang::En) => "The conversation has a new message from the shop that does not read as this one (the page may show it differently). Look at it, then choose: Sent, Send again or Cancel.",
        (WrongAccount, Lang::Vi) => "Trang đang dùng một tài khoản khác với tài khoản của tin này (ví dụ: trang cá nhân thay vì Trang của shop). Chưa gõ gì; chuyển lại đúng tài khoản rồi gửi lại.",
        (WrongAccount, Lang::En) => "The page acts as another account than this message's (e.g. a personal profile instead of the shop's Page). Nothing was typed; switch back to the right account, then send again.",
        (TabStuck, Lang::Vi) => "Tab hội thoại không trả lời kịp (trang bị treo). Nếu đang gửi thì tin có thể đã đi: kiểm tra hội thoại trước khi gửi lại. Hãy tải lại tab.",
        (TabStuck, Lang::En) => "The conversation tab did not answer in time (the page hangs). If it was sending, the message may have gone out: check the conversation before sending again. Reload the tab.",
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
            ComposerCovered,
        ] {
            assert_ne!(health(s, Lang::Vi), health(s, Lang::En));
        }
    }

    #[test]
    fn every_signal_has_a_name_in_each_language() {
        for s in Signal::ALL {
            assert_ne!(signal(s, Lang::Vi), signal(s, Lang::En));
        }
    }

    #[test]
    fn every_reason_reads_differently_in_each_language() {
        for r in FailReason::ALL {
            assert_ne!(fail_reason(r, Lang::Vi), fail_reason(r, Lang::En));
        }
    }
}
