//! Tabular import: a CSV file or the first sheet of an `.xlsx` workbook, read into rows of text
//! cells numbered as Excel shows them.
//!
//! Both of Nobi Pro's imports (customers in `nobi-crm`, products in `nobi-order`) start here and
//! only look at a header afterwards, so what is about the FILE lives here once: decoding,
//! delimiter, row numbers, quote problems, the workbook's zip and XML, the limits, and the
//! [`FileError`] kinds with their translated texts.
//!
//! # Contract
//!
//! - [`csv_rows`] returns `Ok` if and only if the bytes decode as text (UTF-8 with or without a
//!   byte-order mark, or UTF-16 with one), hold at least one non-blank line and at most
//!   [`MAX_ROWS`] records after the first. Every record keeps the row Excel would show it on
//!   (blank lines count; a quoted cell over several lines is one row) and, if the CSV is
//!   malformed there, what is wrong with it ([`FileError::BrokenQuote`],
//!   [`FileError::UnclosedQuote`], [`FileError::BadRow`]): a bad row never shifts the cells of
//!   another.
//! - [`xlsx::sheet_rows`] returns the first worksheet's cells as text, `rows[i][j]` being row
//!   `i + 1`, column `j + 1`; gaps are empty cells. See [`xlsx`] for the limits.
//! - [`place`] and [`FileError::message`] say where and what, in the interface's language.
//! - [`check_file_size`] refuses a file from its name and size alone, before the panel reads it
//!   into memory; [`csv_rows`] and [`xlsx::read_first_sheet`] check the same limits on the bytes.
//!
//! # What it deliberately does not do
//!
//! It does not know what a column means (headers, customers, products are the importers'), does
//! not NFC-normalise (the panel does it in the browser), and does no I/O: the caller hands over
//! the bytes.
//!
//! # Dependencies
//!
//! `nobi-i18n` for [`Lang`] (the texts), `csv` for reading delimited text,
//! `memchr` to recognise a password-protected workbook by the name of its stream, and for the
//! `.xlsx` reader `zip`, `flate2`, `crc32fast` (the container) and `quick-xml` (its XML).

mod delimited;
pub mod xlsx;

pub use delimited::*;
pub use xlsx::{column_name, XlsxError};

use nobi_i18n::Lang;

/// The most bytes a CSV file may have: [`MAX_ROWS`] rows of 670 bytes on average, twice a
/// customer row with a long address and a note. The CSV reader holds the file, its decoded text
/// and the cells at once (a 40 MB file peaked at 140 MB natively), so a file at the limit costs
/// the panel about 110 MB while it is read, and 500 MB of text would need about 1.7 GB of the
/// panel's wasm memory, which never shrinks afterwards.
pub const MAX_CSV_BYTES: u64 = 32 << 20;

/// The most bytes an `.xlsx` file may have. Its sheet is compressed, so a workbook of
/// [`MAX_ROWS`] rows weighs a few megabytes; the rest of this room is for pictures, which are
/// never inflated. What the reader inflates and produces has limits of its own ([`xlsx`]).
pub const MAX_XLSX_BYTES: u64 = 64 << 20;

/// The size limit of a file named `name`: [`MAX_XLSX_BYTES`] for a name ending in `.xlsx` (in
/// any case), [`MAX_CSV_BYTES`] for any other.
pub fn max_file_bytes(name: &str) -> u64 {
    if name.trim_end().to_ascii_lowercase().ends_with(".xlsx") {
        MAX_XLSX_BYTES
    } else {
        MAX_CSV_BYTES
    }
}

/// Refuses a file from its name and size alone ([`FileError::FileTooLarge`] over
/// [`max_file_bytes`]), so that the panel says so before it reads the file into memory. The
/// readers check the same limits on the bytes they are given, whatever the name said.
pub fn check_file_size(name: &str, bytes: u64) -> Result<(), FileError> {
    let max = max_file_bytes(name);
    if bytes > max {
        return Err(FileError::FileTooLarge { bytes, max });
    }
    Ok(())
}

/// Whole megabytes (MiB), rounded up, so that a file over a limit never reads as the limit.
fn megabytes(bytes: u64) -> u64 {
    bytes.div_ceil(1 << 20)
}

/// What is wrong with a file as a whole, or with one record of a CSV file, before any importer
/// looks at its cells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileError {
    /// No bytes, or only blank lines (an empty sheet).
    Empty,
    /// More bytes than [`MAX_CSV_BYTES`] or [`MAX_XLSX_BYTES`] (`max`), found before reading.
    FileTooLarge { bytes: u64, max: u64 },
    /// An old binary Excel workbook (`.xls`), or an `.xlsx` given to [`csv_rows`].
    ExcelFile,
    /// An `.xlsx` that cannot be read ([`XlsxError::Damaged`]): `detail` says where.
    WorkbookDamaged { detail: String },
    /// A workbook protected with a password.
    WorkbookEncrypted,
    /// A zip without worksheets.
    WorkbookNoSheet,
    /// A workbook over the limits of [`xlsx`].
    WorkbookTooLarge,
    /// Binary data, or text that is neither UTF-8 nor UTF-16 with a byte-order mark.
    NotText,
    /// More than [`MAX_ROWS`] data rows.
    TooManyRows { rows: usize },
    /// Text after a closing quote (`"abc"def`).
    BrokenQuote,
    /// A quote opened and never closed: the rest of the file was read as one cell.
    UnclosedQuote,
    /// The CSV reader refused the row.
    BadRow { detail: String },
}

impl From<XlsxError> for FileError {
    fn from(error: XlsxError) -> FileError {
        match error {
            XlsxError::Damaged { detail } => FileError::WorkbookDamaged { detail },
            XlsxError::Encrypted => FileError::WorkbookEncrypted,
            XlsxError::NoWorksheet => FileError::WorkbookNoSheet,
            XlsxError::TooLarge => FileError::WorkbookTooLarge,
        }
    }
}

impl FileError {
    /// The problem and what to do about it, in one or two sentences, without the place (see
    /// [`place`]). The kinds about one record start in lower case: they follow "Dòng 7: ".
    pub fn message(&self, lang: Lang) -> String {
        use FileError::*;
        match (self, lang == Lang::Vi) {
            (Empty, true) => "Tệp trống. Hãy chọn tệp CSV hoặc Excel (.xlsx) có dữ liệu.".into(),
            (Empty, false) => "The file is empty. Choose a CSV or Excel (.xlsx) file with data in it.".into(),
            (FileTooLarge { bytes, max }, true) => format!(
                "Tệp quá lớn ({} MB, tối đa {} MB). Hãy chia thành nhiều tệp nhỏ hơn rồi nhập lần lượt, hoặc xoá các cột, dòng và hình ảnh không cần.",
                megabytes(*bytes),
                megabytes(*max)
            ),
            (FileTooLarge { bytes, max }, false) => format!(
                "The file is too large ({} MB, at most {} MB). Split it into smaller files and import them one by one, or delete the columns, rows and pictures you do not need.",
                megabytes(*bytes),
                megabytes(*max)
            ),
            (ExcelFile, true) => "Đây là tệp Excel dạng cũ (.xls), không đọc được ở đây. Hãy mở tệp trong Excel hoặc Google Sheets, lưu lại dưới dạng .xlsx hoặc «CSV UTF-8» (Tệp › Lưu thành), rồi nhập tệp mới đó.".into(),
            (ExcelFile, false) => "This Excel file is an old .xls workbook, which cannot be read here: open it in Excel or Google Sheets and save it as .xlsx, or save it as “CSV UTF-8” (File › Save As), then import the new file.".into(),
            (WorkbookDamaged { detail }, true) => format!(
                "Tệp Excel bị hỏng hoặc không đọc được ({detail}). Hãy mở tệp trong Excel và lưu lại dạng .xlsx hoặc CSV UTF-8, rồi nhập lại."
            ),
            (WorkbookDamaged { detail }, false) => format!(
                "The Excel file is damaged or cannot be read ({detail}). Open it in Excel and save it again as .xlsx or CSV UTF-8, then import it again."
            ),
            (WorkbookEncrypted, true) => "Tệp Excel có đặt mật khẩu nên không đọc được. Hãy mở tệp trong Excel, bỏ mật khẩu (Tệp › Thông tin › Bảo vệ Sổ làm việc › Mã hóa bằng Mật khẩu, xoá mật khẩu), lưu lại dạng .xlsx hoặc CSV UTF-8, rồi nhập lại.".into(),
            (WorkbookEncrypted, false) => "The Excel file is protected with a password and cannot be read. Open it in Excel, remove the password (File › Info › Protect Workbook › Encrypt with Password, clear it), save it as .xlsx or CSV UTF-8, then import it again.".into(),
            (WorkbookNoSheet, true) => "Không tìm thấy trang tính nào trong tệp: đây không phải tệp Excel .xlsx. Hãy mở tệp trong Excel và lưu lại dạng .xlsx hoặc CSV UTF-8, rồi nhập lại.".into(),
            (WorkbookNoSheet, false) => "No worksheet found in the file: it is not an Excel .xlsx file. Open it in Excel and save it as .xlsx or CSV UTF-8, then import it again.".into(),
            (WorkbookTooLarge, true) => "Trang tính quá lớn để đọc trong trình duyệt. Hãy xoá các cột và dòng không cần, hoặc chia thành nhiều tệp nhỏ hơn rồi nhập lần lượt.".into(),
            (WorkbookTooLarge, false) => "The sheet is too large to read in the browser. Delete the columns and rows you do not need, or split it into smaller files and import them one by one.".into(),
            (NotText, true) => "Không đọc được tệp: đây không phải tệp CSV dạng văn bản UTF-8. Hãy lưu lại dưới dạng «CSV UTF-8» rồi thử lại.".into(),
            (NotText, false) => "The file cannot be read: it is not CSV text in UTF-8. Save it as “CSV UTF-8” and try again.".into(),
            (TooManyRows { rows }, true) => format!(
                "Tệp có {} dòng, quá giới hạn {} dòng mỗi lần nhập. Hãy chia thành nhiều tệp nhỏ hơn rồi nhập lần lượt.",
                group(*rows, '.'),
                group(MAX_ROWS, '.')
            ),
            (TooManyRows { rows }, false) => format!(
                "The file has {} rows, more than the {} one import takes. Split it into smaller files and import them one by one.",
                group(*rows, ','),
                group(MAX_ROWS, ',')
            ),
            (BrokenQuote, true) => "có chữ ngay sau dấu ngoặc kép đóng một ô (như \"abc\"def). Hãy bỏ dấu ngoặc kép, hoặc viết hai dấu \"\" cho mỗi dấu ngoặc kép bên trong ô.".into(),
            (BrokenQuote, false) => "a cell has text right after its closing quote (like \"abc\"def). Remove the quotes, or write each quote inside the cell as two quotes \"\".".into(),
            (UnclosedQuote, true) => "một dấu ngoặc kép được mở nhưng không đóng, nên phần còn lại của tệp bị đọc thành một ô. Hãy thêm dấu ngoặc kép đóng, hoặc lưu lại tệp từ Excel dưới dạng «CSV UTF-8».".into(),
            (UnclosedQuote, false) => "a quote is opened and never closed, so the rest of the file reads as one cell. Add the closing quote, or save the file again from Excel as “CSV UTF-8”.".into(),
            (BadRow { detail }, true) => format!(
                "không đọc được dòng này ({detail}). Hãy lưu lại tệp từ Excel dưới dạng «CSV UTF-8»."
            ),
            (BadRow { detail }, false) => format!(
                "this row cannot be read ({detail}). Save the file again from Excel as “CSV UTF-8”."
            ),
        }
    }
}
