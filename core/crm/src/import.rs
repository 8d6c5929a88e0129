//! Customers from a CSV file exported by another tool (a shop CRM, Excel, Google Sheets), or
//! from the rows of an Excel workbook's first sheet.
//!
//! [`plan_import`] reads the whole CSV file and returns an [`ImportPlan`]: which columns it
//! understood, a preview, the customers to create and to update, the tags to create, and every
//! problem with its row and column. Nothing is half-imported: the panel writes the plan in one
//! transaction, and only when [`ImportPlan::is_ok`]. [`plan_import_rows`] does the same from
//! the rows of a spreadsheet, as [`super::xlsx::sheet_rows`] reads them from an `.xlsx`; after
//! the splitting into cells, both are the same code. The CSV reading (`csv_rows`: encoding,
//! delimiter, Excel's row numbers, quote problems) is shared with the product import
//! (`nobi_order::import`).
//!
//! # What is read
//!
//! - **Encoding**: UTF-8 with or without a byte-order mark, UTF-16 with a byte-order mark (Excel's
//!   "Unicode text"). An old binary Excel workbook (`.xls`), a password-protected workbook or
//!   any other binary is refused with a message that says what to save it as. An `.xlsx` is read
//!   by [`super::xlsx`], not here.
//! - **Delimiter**: `,`, `;` or tab, whichever the header line has most of (outside quotes), or
//!   the one named by Excel's `sep=;` first line.
//! - **Header**: the first non-blank row. Column names are matched without case or diacritics,
//!   in Vietnamese and English ("SĐT", "Số điện thoại", "Phone 1 - Value"...); see [`Field`].
//!   Other columns (STT, Mã KH...) are ignored and listed in [`ImportPlan::columns`].
//! - **Rows** are numbered as Excel shows them: the header is usually row 1, blank lines count,
//!   and a quoted cell spanning several lines is one row.
//! - **Spreadsheet rows** ([`plan_import_rows`]) are numbered by the sheet; cells are trimmed.
//!   Text in a column right of the header's last named column is an error
//!   ([`ImportErrorKind::UnnamedColumn`]), as an extra cell is in CSV. In a birthday column, a
//!   number between 3654 and 73415 is an Excel date serial (1900 date system: 1 January 1910 to
//!   31 December 2100) and read as that date; smaller numbers (a year alone) are errors. Files
//!   saved with the 1904 date system (old Mac Excel) would read four years off: that setting is
//!   not read.
//!
//! # Decisions
//!
//! - A phone cell may hold several numbers (`/`, `,`, `;`, `|` or line breaks between them). Each
//!   must be a Vietnamese mobile ([`nobi_phone::parse_phone`]) and is stored in national form
//!   (`0912345678`). A number of nine digits starting with 3, 5, 7, 8 or 9 is read with its
//!   leading 0 restored: Excel drops it when the column is formatted as numbers. Excel's
//!   `="0912345678"` text trick is read too.
//! - Two rows with the same phone are an error (the agent decides which one is right), not a
//!   silent merge.
//! - A row matches an existing customer by phone, else by Facebook/Instagram username. A matched
//!   customer only gains what it lacks (phones, emails, tags, notes, addresses, accounts,
//!   birthday, gender, an empty name); nothing is overwritten. Importing the same file twice
//!   changes nothing the second time.
//! - Addresses are kept as raw text in [`CustomerAddress::street`]: the address engine is a
//!   separate wasm module in the panel and runs on them later; it is not pulled in here.
//! - Text is kept as written (the panel NFC-normalises in the browser, so that the Unicode
//!   tables of [`nobi_text`] stay out of this path).

use super::model::*;
use nobi_i18n::Lang;
use nobi_phone::{extract_emails, parse_phone, PhoneKind};
use nobi_protocol::Platform;
pub use nobi_tabular::MAX_ROWS;
use nobi_tabular::{column_name, csv_rows, place, FileError, XlsxError};
use nobi_text::fold::fold_str;
use std::collections::HashMap;

/// How many parsed rows [`ImportPlan::preview`] holds.
pub const PREVIEW_ROWS: usize = 20;

/// What a column of the file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// The full name ("Tên", "Họ tên", "Name"), or the given name when the file also has
    /// [`Field::FamilyName`].
    Name,
    /// "Họ", "Last name": put before the given name, the Vietnamese order.
    FamilyName,
    /// "Tên đệm", "Middle name".
    MiddleName,
    Phone,
    Email,
    Address,
    Birthday,
    Gender,
    Tags,
    Note,
    /// A Facebook username or profile link.
    Facebook,
    /// An Instagram username or profile link.
    Instagram,
}

/// Folded column names (see [`fold_str`]; digit-only words removed) and their field.
const HEADERS: &[(&str, Field)] = &[
    ("ten", Field::Name),
    ("ho ten", Field::Name),
    ("ho va ten", Field::Name),
    ("ten khach hang", Field::Name),
    ("ho ten khach hang", Field::Name),
    ("ten khach", Field::Name),
    ("ten kh", Field::Name),
    ("khach hang", Field::Name),
    ("ten nguoi nhan", Field::Name),
    ("nguoi nhan", Field::Name),
    ("name", Field::Name),
    ("full name", Field::Name),
    ("fullname", Field::Name),
    ("customer", Field::Name),
    ("customer name", Field::Name),
    ("first name", Field::Name),
    ("given name", Field::Name),
    ("ho", Field::FamilyName),
    ("ho dem", Field::FamilyName),
    ("last name", Field::FamilyName),
    ("surname", Field::FamilyName),
    ("family name", Field::FamilyName),
    ("ten dem", Field::MiddleName),
    ("middle name", Field::MiddleName),
    ("sdt", Field::Phone),
    ("so dt", Field::Phone),
    ("dt", Field::Phone),
    ("so dien thoai", Field::Phone),
    ("dien thoai", Field::Phone),
    ("di dong", Field::Phone),
    ("so di dong", Field::Phone),
    ("sdt zalo", Field::Phone),
    ("zalo", Field::Phone),
    ("phone", Field::Phone),
    ("phone number", Field::Phone),
    ("phone value", Field::Phone),
    ("mobile", Field::Phone),
    ("mobile phone", Field::Phone),
    ("tel", Field::Phone),
    ("telephone", Field::Phone),
    ("email", Field::Email),
    ("e mail", Field::Email),
    ("mail", Field::Email),
    ("gmail", Field::Email),
    ("dia chi email", Field::Email),
    ("thu dien tu", Field::Email),
    ("email address", Field::Email),
    ("e mail address", Field::Email),
    ("e mail value", Field::Email),
    ("email value", Field::Email),
    ("dia chi", Field::Address),
    ("dc", Field::Address),
    ("dia chi giao hang", Field::Address),
    ("dia chi nhan hang", Field::Address),
    ("dia chi nhan", Field::Address),
    ("address", Field::Address),
    ("shipping address", Field::Address),
    ("delivery address", Field::Address),
    ("ngay sinh", Field::Birthday),
    ("sinh nhat", Field::Birthday),
    ("ns", Field::Birthday),
    ("birthday", Field::Birthday),
    ("birth date", Field::Birthday),
    ("birthdate", Field::Birthday),
    ("date of birth", Field::Birthday),
    ("dob", Field::Birthday),
    ("gioi tinh", Field::Gender),
    ("gender", Field::Gender),
    ("sex", Field::Gender),
    ("nhan", Field::Tags),
    ("the", Field::Tags),
    ("the khach hang", Field::Tags),
    ("nhom", Field::Tags),
    ("nhom khach hang", Field::Tags),
    ("phan loai", Field::Tags),
    ("tag", Field::Tags),
    ("tags", Field::Tags),
    ("label", Field::Tags),
    ("ghi chu", Field::Note),
    ("chu thich", Field::Note),
    ("luu y", Field::Note),
    ("note", Field::Note),
    ("notes", Field::Note),
    ("comment", Field::Note),
    ("facebook", Field::Facebook),
    ("fb", Field::Facebook),
    ("link facebook", Field::Facebook),
    ("link fb", Field::Facebook),
    ("facebook url", Field::Facebook),
    ("instagram", Field::Instagram),
    ("ig", Field::Instagram),
    ("insta", Field::Instagram),
    ("link instagram", Field::Instagram),
    ("link ig", Field::Instagram),
    ("instagram url", Field::Instagram),
];

impl Field {
    /// The field a column header names, if any: "Số điện thoại", "SĐT 2" and "Phone 1 - Value"
    /// are all [`Field::Phone`].
    pub fn from_header(header: &str) -> Option<Field> {
        let folded = fold_str(header);
        let key: Vec<&str> = folded
            .split(' ')
            .filter(|w| !w.is_empty() && !w.bytes().all(|b| b.is_ascii_digit()))
            .collect();
        let key = key.join(" ");
        HEADERS
            .iter()
            .find(|(name, _)| *name == key)
            .map(|&(_, field)| field)
    }

    /// Whether one customer may take values from several columns of this field.
    fn is_multi(self) -> bool {
        matches!(
            self,
            Field::Phone | Field::Email | Field::Address | Field::Tags | Field::Note
        )
    }

    /// The field's name, to show next to the file's own column name.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Field::Name, Lang::Vi) => "Tên",
            (Field::Name, Lang::En) => "Name",
            (Field::FamilyName, Lang::Vi) => "Họ",
            (Field::FamilyName, Lang::En) => "Family name",
            (Field::MiddleName, Lang::Vi) => "Tên đệm",
            (Field::MiddleName, Lang::En) => "Middle name",
            (Field::Phone, Lang::Vi) => "Số điện thoại",
            (Field::Phone, Lang::En) => "Phone",
            (Field::Email, _) => "Email",
            (Field::Address, Lang::Vi) => "Địa chỉ",
            (Field::Address, Lang::En) => "Address",
            (Field::Birthday, Lang::Vi) => "Ngày sinh",
            (Field::Birthday, Lang::En) => "Birthday",
            (Field::Gender, Lang::Vi) => "Giới tính",
            (Field::Gender, Lang::En) => "Gender",
            (Field::Tags, Lang::Vi) => "Nhãn",
            (Field::Tags, Lang::En) => "Tags",
            (Field::Note, Lang::Vi) => "Ghi chú",
            (Field::Note, Lang::En) => "Note",
            (Field::Facebook, _) => "Facebook",
            (Field::Instagram, _) => "Instagram",
        }
    }
}

/// What is wrong, in an [`ImportError`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportErrorKind {
    // The file as a whole.
    /// No bytes, or only blank lines (an empty sheet).
    Empty,
    /// Over the size limit of its kind of file (`nobi_tabular::MAX_CSV_BYTES`).
    FileTooLarge {
        bytes: u64,
        max: u64,
    },
    /// An old binary Excel workbook (`.xls`). Also what [`plan_import`] says of an `.xlsx`,
    /// which is read through [`super::xlsx`] and [`plan_import_rows`] instead.
    ExcelFile,
    /// An `.xlsx` that cannot be read ([`XlsxError::Damaged`]): `detail` says where.
    WorkbookDamaged {
        detail: String,
    },
    /// A workbook protected with a password.
    WorkbookEncrypted,
    /// A zip without worksheets.
    WorkbookNoSheet,
    /// A workbook over the limits of [`super::xlsx`].
    WorkbookTooLarge,
    /// Binary data, or text that is neither UTF-8 nor UTF-16 with a byte-order mark.
    NotText,
    /// The first row names neither a name nor a phone column.
    NoHeader,
    /// A header row and no customer rows.
    NoRows,
    /// More than [`MAX_ROWS`] data rows.
    TooManyRows {
        rows: usize,
    },
    // One row.
    /// Neither a name nor a phone.
    MissingNameAndPhone,
    InvalidPhone {
        value: String,
    },
    InvalidEmail {
        value: String,
    },
    InvalidBirthday {
        value: String,
    },
    UnknownGender {
        value: String,
    },
    /// Neither a username nor a profile link of `platform`.
    InvalidProfile {
        platform: Platform,
        value: String,
    },
    /// More non-empty cells than the header has columns.
    TooManyColumns {
        found: usize,
        expected: usize,
        delimiter: char,
    },
    /// A spreadsheet cell with text right of the header's last named column; the error's
    /// `column` is its letter.
    UnnamedColumn,
    /// Text after a closing quote (`"abc"def`).
    BrokenQuote,
    /// A quote opened and never closed: the rest of the file was read as one cell.
    UnclosedQuote,
    /// The CSV reader refused the row.
    BadRow {
        detail: String,
    },
    /// The same phone as an earlier row of the file.
    DuplicatePhone {
        phone: String,
        first_row: usize,
    },
}

/// One problem of the file, where the agent can find it in Excel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    /// The row as Excel numbers it (header = row 1); `None` for the whole file.
    pub row: Option<usize>,
    /// The file's own name of the column.
    pub column: Option<String>,
    pub kind: ImportErrorKind,
}

impl ImportError {
    fn file(kind: ImportErrorKind) -> ImportError {
        ImportError {
            row: None,
            column: None,
            kind,
        }
    }

    /// The problem and what to do about it, in one or two sentences.
    pub fn message(&self, lang: Lang) -> String {
        use ImportErrorKind::*;
        let vi = lang == Lang::Vi;
        let prefix = place(self.row, self.column.as_deref(), lang);
        let body = match (&self.kind, vi) {
            (Empty, true) => "Tệp trống. Hãy chọn tệp CSV hoặc Excel (.xlsx) chứa danh sách khách hàng.".into(),
            (Empty, false) => "The file is empty. Choose the CSV or Excel (.xlsx) file with your customer list.".into(),
            (FileTooLarge { bytes, max }, _) => FileError::FileTooLarge {
                bytes: *bytes,
                max: *max,
            }
            .message(lang),
            (ExcelFile, _) => FileError::ExcelFile.message(lang),
            (WorkbookDamaged { detail }, _) => FileError::WorkbookDamaged {
                detail: detail.clone(),
            }
            .message(lang),
            (WorkbookEncrypted, _) => FileError::WorkbookEncrypted.message(lang),
            (WorkbookNoSheet, _) => FileError::WorkbookNoSheet.message(lang),
            (WorkbookTooLarge, _) => FileError::WorkbookTooLarge.message(lang),
            (NotText, _) => FileError::NotText.message(lang),
            (NoHeader, true) => "Không nhận ra dòng tiêu đề. Dòng đầu tiên phải là tên các cột, có ít nhất cột «Tên» hoặc «SĐT» (ví dụ: Tên,SĐT,Địa chỉ).".into(),
            (NoHeader, false) => "No header row recognised. The first row must hold the column names, with at least a “Name” or “Phone” column (for example: Name,Phone,Address).".into(),
            (NoRows, true) => "Tệp chỉ có dòng tiêu đề, chưa có khách hàng nào.".into(),
            (NoRows, false) => "The file has a header row but no customers.".into(),
            (TooManyRows { rows }, _) => FileError::TooManyRows { rows: *rows }.message(lang),
            (MissingNameAndPhone, true) => "thiếu cả tên và số điện thoại. Mỗi khách hàng cần ít nhất một trong hai: hãy điền vào hoặc xoá dòng này.".into(),
            (MissingNameAndPhone, false) => "no name and no phone. Each customer needs at least one of them: fill one in or delete the row.".into(),
            (InvalidPhone { value }, true) => format!(
                "«{}» không phải số di động Việt Nam (10 số, bắt đầu bằng 03/05/07/08/09). Hãy sửa lại hoặc xoá số này.",
                shown(value)
            ),
            (InvalidPhone { value }, false) => format!(
                "“{}” is not a Vietnamese mobile number (10 digits starting with 03/05/07/08/09). Correct it or remove it.",
                shown(value)
            ),
            (InvalidEmail { value }, true) => format!(
                "«{}» không phải địa chỉ email (dạng ten@gmail.com). Hãy sửa lại hoặc xoá ô này.",
                shown(value)
            ),
            (InvalidEmail { value }, false) => format!(
                "“{}” is not an email address (like name@gmail.com). Correct it or clear the cell.",
                shown(value)
            ),
            (InvalidBirthday { value }, true) => format!(
                "«{}» không phải ngày hợp lệ. Hãy ghi theo dạng ngày/tháng/năm, ví dụ 25/12/1990, hoặc xoá ô này.",
                shown(value)
            ),
            (InvalidBirthday { value }, false) => format!(
                "“{}” is not a valid date. Write it as day/month/year, for example 25/12/1990, or clear the cell.",
                shown(value)
            ),
            (UnknownGender { value }, true) => format!(
                "«{}» không phải giới tính. Hãy ghi Nam, Nữ hoặc Khác, hoặc để trống.",
                shown(value)
            ),
            (UnknownGender { value }, false) => format!(
                "“{}” is not a gender. Write Male, Female or Other, or leave the cell empty.",
                shown(value)
            ),
            (InvalidProfile { platform, value }, true) => format!(
                "«{}» không phải tên tài khoản hay đường dẫn trang cá nhân {}. Hãy ghi tên tài khoản (ví dụ lan.nguyen) hoặc dán đường dẫn trang cá nhân.",
                shown(value),
                platform_name(*platform)
            ),
            (InvalidProfile { platform, value }, false) => format!(
                "“{}” is not a {} username or profile link. Write the username (for example lan.nguyen) or paste the profile link.",
                shown(value),
                platform_name(*platform)
            ),
            (TooManyColumns { found, expected, delimiter }, true) => format!(
                "có {found} ô nhưng dòng tiêu đề chỉ có {expected} cột. Có lẽ một ô chứa dấu «{}» mà không nằm trong ngoặc kép: hãy sửa ô đó, hoặc lưu lại tệp từ Excel dưới dạng «CSV UTF-8».",
                delimiter_name(*delimiter)
            ),
            (TooManyColumns { found, expected, delimiter }, false) => format!(
                "{found} cells, but the header row has only {expected} columns. A cell probably holds a “{}” outside quotes: correct that cell, or save the file again from Excel as “CSV UTF-8”.",
                delimiter_name(*delimiter)
            ),
            (UnnamedColumn, true) => "ô này có dữ liệu nhưng cột của nó không có tên ở dòng tiêu đề. Hãy thêm tên cột vào dòng tiêu đề (ví dụ «Ghi chú»), hoặc xoá dữ liệu ở cột này.".into(),
            (UnnamedColumn, false) => "this cell has data, but its column has no name in the header row. Add the column's name to the header row (for example “Note”), or delete the data in this column.".into(),
            (BrokenQuote, _) => FileError::BrokenQuote.message(lang),
            (UnclosedQuote, _) => FileError::UnclosedQuote.message(lang),
            (BadRow { detail }, _) => FileError::BadRow {
                detail: detail.clone(),
            }
            .message(lang),
            (DuplicatePhone { phone, first_row }, true) => format!(
                "số {phone} đã có ở dòng {first_row}. Hãy gộp hai dòng thành một hoặc xoá một dòng."
            ),
            (DuplicatePhone { phone, first_row }, false) => format!(
                "{phone} is already on row {first_row}. Merge the two rows into one or delete one of them."
            ),
        };
        format!("{prefix}{body}")
    }
}

/// A cell's value as shown in a message: at most 40 chars.
fn shown(value: &str) -> String {
    let mut out: String = value.chars().take(40).collect();
    if value.chars().nth(40).is_some() {
        out.push('…');
    }
    out
}

fn delimiter_name(delimiter: char) -> String {
    if delimiter == '\t' {
        "tab".into()
    } else {
        delimiter.to_string()
    }
}

fn platform_name(platform: Platform) -> &'static str {
    match platform {
        Platform::Instagram => "Instagram",
        _ => "Facebook",
    }
}

/// One data row as read, for the preview table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreviewRow {
    /// The row as Excel numbers it.
    pub row: usize,
    pub name: String,
    /// Valid phones, normalised.
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    pub addresses: Vec<String>,
    pub birthday: Option<Date>,
    pub gender: Option<Gender>,
    /// Tag names as written.
    pub tags: Vec<String>,
    pub notes: Vec<String>,
    /// The existing customer this row adds to, if any.
    pub existing: Option<Id>,
    /// The row has at least one error.
    pub has_errors: bool,
}

/// Everything an import would do, decided before anything is written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportPlan {
    /// Every column of the file, with the field it was understood as (`None`: ignored).
    pub columns: Vec<(String, Option<Field>)>,
    /// The delimiter found (`,` for the rows of a spreadsheet, which have none).
    pub delimiter: char,
    /// The first [`PREVIEW_ROWS`] data rows whose cells could be read (rows with a quote
    /// problem are only in `errors`).
    pub preview: Vec<PreviewRow>,
    /// New customers. Empty unless [`ImportPlan::is_ok`].
    pub creates: Vec<Customer>,
    /// Existing customers with what the file adds. Empty unless [`ImportPlan::is_ok`].
    pub updates: Vec<Customer>,
    /// For each of `updates`, in order: the `updated_at` the customer had when the plan was
    /// made. The panel writes an update only if the stored customer still has it: a customer
    /// edited between the preview and the confirm is never overwritten with the preview's copy.
    pub read_at: Vec<Millis>,
    /// Tags named in the file that do not exist yet. Empty unless [`ImportPlan::is_ok`].
    pub new_tags: Vec<Tag>,
    /// Every problem, file-level first, then by row.
    pub errors: Vec<ImportError>,
    /// Data rows read (blank rows not counted).
    pub rows: usize,
}

impl ImportPlan {
    /// True if and only if the file has no problem: the plan may be written.
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// The file's names of the columns that are ignored.
    pub fn ignored_columns(&self) -> impl Iterator<Item = &str> {
        self.columns
            .iter()
            .filter(|(_, f)| f.is_none())
            .map(|(h, _)| h.as_str())
    }

    /// A plan that only says the file cannot be read (for a workbook, [`XlsxError`] converts
    /// into the kind).
    pub fn failed(kind: ImportErrorKind) -> ImportPlan {
        ImportPlan {
            delimiter: ',',
            errors: vec![ImportError::file(kind)],
            ..ImportPlan::default()
        }
    }
}

impl From<XlsxError> for ImportErrorKind {
    fn from(error: XlsxError) -> ImportErrorKind {
        FileError::from(error).into()
    }
}

impl From<FileError> for ImportErrorKind {
    fn from(error: FileError) -> ImportErrorKind {
        match error {
            FileError::Empty => ImportErrorKind::Empty,
            FileError::FileTooLarge { bytes, max } => ImportErrorKind::FileTooLarge { bytes, max },
            FileError::ExcelFile => ImportErrorKind::ExcelFile,
            FileError::WorkbookDamaged { detail } => ImportErrorKind::WorkbookDamaged { detail },
            FileError::WorkbookEncrypted => ImportErrorKind::WorkbookEncrypted,
            FileError::WorkbookNoSheet => ImportErrorKind::WorkbookNoSheet,
            FileError::WorkbookTooLarge => ImportErrorKind::WorkbookTooLarge,
            FileError::NotText => ImportErrorKind::NotText,
            FileError::TooManyRows { rows } => ImportErrorKind::TooManyRows { rows },
            FileError::BrokenQuote => ImportErrorKind::BrokenQuote,
            FileError::UnclosedQuote => ImportErrorKind::UnclosedQuote,
            FileError::BadRow { detail } => ImportErrorKind::BadRow { detail },
        }
    }
}

/// Reads a CSV file of customers and decides what importing it does. Pure: the caller writes
/// `creates`, `updates` and `new_tags` in one transaction, and only if [`ImportPlan::is_ok`].
///
/// `existing` and `tags` are the store's customers and tags; `random` supplies the random part
/// of new ids ([`Id::new`]).
pub fn plan_import(
    bytes: &[u8],
    existing: &[Customer],
    tags: &[Tag],
    now: Millis,
    random: &mut dyn FnMut() -> u64,
) -> ImportPlan {
    let csv = match csv_rows(bytes) {
        Ok(csv) => csv,
        Err(kind) => return ImportPlan::failed(kind.into()),
    };
    let mut records = csv.records.into_iter();
    let Some(header) = records.next() else {
        return ImportPlan::failed(ImportErrorKind::Empty);
    };
    let plan = ImportPlan {
        delimiter: char::from(csv.delimiter),
        ..ImportPlan::default()
    };
    let lines = records.map(|record| Line {
        row: record.row,
        cells: match record.problem {
            Some(kind) => Err(kind.into()),
            None => Ok(record.cells),
        },
    });
    plan_lines(
        plan,
        Format::Csv(csv.delimiter),
        header.cells,
        lines,
        existing,
        tags,
        now,
        random,
    )
}

/// Decides what importing the rows of a spreadsheet does, as [`plan_import`] does for a CSV
/// file: `rows[i]` is the sheet's row `i + 1` and `rows[i][j]` its column `j + 1`, as
/// [`super::xlsx::sheet_rows`] returns them. The first row with text is the header; rows
/// without text are skipped; errors name the sheet's row numbers and, for a cell outside the
/// named columns, the column's letter.
pub fn plan_import_rows(
    rows: Vec<Vec<String>>,
    existing: &[Customer],
    tags: &[Tag],
    now: Millis,
    random: &mut dyn FnMut() -> u64,
) -> ImportPlan {
    let mut rows = rows
        .into_iter()
        .enumerate()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        .map(|(i, cells)| {
            let mut cells: Vec<String> = cells
                .into_iter()
                .map(|c| match c.trim() {
                    t if t.len() == c.len() => c,
                    t => t.to_owned(),
                })
                .collect();
            let end = cells
                .iter()
                .rposition(|c| !c.is_empty())
                .map_or(0, |i| i + 1);
            cells.truncate(end);
            (i + 1, cells)
        });
    let Some((_, headers)) = rows.next() else {
        return ImportPlan::failed(ImportErrorKind::Empty);
    };
    let data: Vec<(usize, Vec<String>)> = rows.collect();
    let mut plan = ImportPlan {
        delimiter: ',',
        ..ImportPlan::default()
    };
    if data.len() > MAX_ROWS {
        plan.errors
            .push(ImportError::file(ImportErrorKind::TooManyRows {
                rows: data.len(),
            }));
        return plan;
    }
    let lines = data.into_iter().map(|(row, cells)| Line {
        row,
        cells: Ok(cells),
    });
    plan_lines(
        plan,
        Format::Sheet,
        headers,
        lines,
        existing,
        tags,
        now,
        random,
    )
}

/// Where the rows come from: what an extra cell means, how a birthday may be written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    /// A CSV file with this delimiter.
    Csv(u8),
    /// A spreadsheet's cells.
    Sheet,
}

/// One data row: its number as the file shows it, and its trimmed cells or what is wrong with
/// the row as a whole.
struct Line {
    row: usize,
    cells: Result<Vec<String>, ImportErrorKind>,
}

/// Everything after splitting the file into cells: header, rows, merge, plan.
#[allow(clippy::too_many_arguments)]
fn plan_lines(
    mut plan: ImportPlan,
    format: Format,
    headers: Vec<String>,
    lines: impl Iterator<Item = Line>,
    existing: &[Customer],
    tags: &[Tag],
    now: Millis,
    random: &mut dyn FnMut() -> u64,
) -> ImportPlan {
    let mut taken: Vec<Field> = Vec::new();
    for h in headers {
        let field = Field::from_header(&h).filter(|f| f.is_multi() || !taken.contains(f));
        taken.extend(field);
        plan.columns.push((h, field));
    }
    if !taken
        .iter()
        .any(|f| matches!(f, Field::Name | Field::FamilyName | Field::Phone))
    {
        plan.errors
            .push(ImportError::file(ImportErrorKind::NoHeader));
        return plan;
    }

    let mut builder = Builder::new(existing, tags, now, random);
    let mut first_row_of_phone: HashMap<String, usize> = HashMap::new();
    for line in lines {
        let row = line.row;
        let mut errors: Vec<ImportError> = Vec::new();
        let error = |errors: &mut Vec<ImportError>, column: Option<&str>, kind| {
            errors.push(ImportError {
                row: Some(row),
                column: column.map(str::to_owned),
                kind,
            })
        };
        let cells = match line.cells {
            Err(kind) => {
                plan.rows += 1;
                error(&mut errors, None, kind);
                plan.errors.append(&mut errors);
                continue;
            }
            Ok(cells) => cells,
        };
        if cells.iter().all(|c| c.is_empty()) {
            continue; // a blank row (",,,", or only spaces)
        }
        plan.rows += 1;
        let found = cells
            .iter()
            .rposition(|c| !c.is_empty())
            .map_or(0, |i| i + 1);
        if found > plan.columns.len() {
            match format {
                Format::Csv(delimiter) => error(
                    &mut errors,
                    None,
                    ImportErrorKind::TooManyColumns {
                        found,
                        expected: plan.columns.len(),
                        delimiter: char::from(delimiter),
                    },
                ),
                Format::Sheet => {
                    let first = plan.columns.len()
                        + cells[plan.columns.len()..]
                            .iter()
                            .position(|c| !c.is_empty())
                            .unwrap_or(0);
                    error(
                        &mut errors,
                        Some(&column_name(first + 1)),
                        ImportErrorKind::UnnamedColumn,
                    );
                }
            }
        }
        let mut values = RowValues::default();
        let mut phone_cells = 0;
        for ((header, field), cell) in plan.columns.iter().zip(&cells) {
            let (Some(field), false) = (field, cell.is_empty()) else {
                continue;
            };
            let column = Some(header.as_str());
            match field {
                Field::Name => values.given = cell.clone(),
                Field::FamilyName => values.family = cell.clone(),
                Field::MiddleName => values.middle = cell.clone(),
                Field::Phone => {
                    phone_cells += 1;
                    match read_phones(cell) {
                        Ok(phones) => {
                            for phone in phones {
                                if values.phones.iter().any(|(p, _)| *p == phone) {
                                    continue;
                                }
                                values.phones.push((phone, header.clone()));
                            }
                        }
                        Err(bad) => {
                            for value in bad {
                                error(&mut errors, column, ImportErrorKind::InvalidPhone { value });
                            }
                        }
                    }
                }
                Field::Email => {
                    for part in split_list(cell, &[',', ';', '/', '\n', ' ']) {
                        match read_email(part) {
                            Some(email) => {
                                if !values.emails.iter().any(|e| same_email(e, &email)) {
                                    values.emails.push(email);
                                }
                            }
                            None => error(
                                &mut errors,
                                column,
                                ImportErrorKind::InvalidEmail { value: part.into() },
                            ),
                        }
                    }
                }
                Field::Address => values.addresses.push(cell.clone()),
                Field::Birthday => match read_date(cell).or_else(|| {
                    (format == Format::Sheet)
                        .then(|| excel_serial_date(cell))
                        .flatten()
                }) {
                    Some(date) => values.birthday = Some(date),
                    None => error(
                        &mut errors,
                        column,
                        ImportErrorKind::InvalidBirthday {
                            value: cell.clone(),
                        },
                    ),
                },
                Field::Gender => match read_gender(cell) {
                    Some(gender) => values.gender = Some(gender),
                    None => error(
                        &mut errors,
                        column,
                        ImportErrorKind::UnknownGender {
                            value: cell.clone(),
                        },
                    ),
                },
                Field::Tags => {
                    for tag in split_list(cell, &[',', ';', '|', '\n']) {
                        if !values.tags.iter().any(|t| tag_key(t) == tag_key(tag)) {
                            values.tags.push(tag.to_owned());
                        }
                    }
                }
                Field::Note => values.notes.push(cell.clone()),
                Field::Facebook | Field::Instagram => {
                    let platform = if *field == Field::Facebook {
                        Platform::Facebook
                    } else {
                        Platform::Instagram
                    };
                    match read_profile(platform, cell) {
                        Some(identity) => values.identities.push(identity),
                        None => error(
                            &mut errors,
                            column,
                            ImportErrorKind::InvalidProfile {
                                platform,
                                value: cell.clone(),
                            },
                        ),
                    }
                }
            }
        }
        let name = values.name();
        if name.is_empty() && phone_cells == 0 {
            error(&mut errors, None, ImportErrorKind::MissingNameAndPhone);
        }
        for (phone, column) in &values.phones {
            match first_row_of_phone.get(phone) {
                Some(&first_row) => error(
                    &mut errors,
                    Some(column.as_str()),
                    ImportErrorKind::DuplicatePhone {
                        phone: phone.clone(),
                        first_row,
                    },
                ),
                None => {
                    first_row_of_phone.insert(phone.clone(), row);
                }
            }
        }

        let existing_id = if errors.is_empty() && plan.errors.is_empty() {
            builder.add(&name, &values)
        } else {
            builder.find(&values).map(|i| existing[i].id.clone())
        };
        if plan.preview.len() < PREVIEW_ROWS {
            plan.preview.push(PreviewRow {
                row,
                name,
                phones: values.phones.iter().map(|(p, _)| p.clone()).collect(),
                emails: values.emails,
                addresses: values.addresses,
                birthday: values.birthday,
                gender: values.gender,
                tags: values.tags,
                notes: values.notes,
                existing: existing_id,
                has_errors: !errors.is_empty(),
            });
        }
        plan.errors.append(&mut errors);
    }
    if plan.rows == 0 && plan.errors.is_empty() {
        plan.errors.push(ImportError::file(ImportErrorKind::NoRows));
    }
    if plan.is_ok() {
        (plan.creates, plan.updates, plan.read_at, plan.new_tags) = builder.finish();
    }
    plan
}

/// What one row says about its customer.
#[derive(Default)]
struct RowValues {
    given: String,
    family: String,
    middle: String,
    /// Normalised phone and the column it came from.
    phones: Vec<(String, String)>,
    emails: Vec<String>,
    addresses: Vec<String>,
    birthday: Option<Date>,
    gender: Option<Gender>,
    tags: Vec<String>,
    notes: Vec<String>,
    identities: Vec<Identity>,
}

impl RowValues {
    /// Family, middle and given name, in the Vietnamese order.
    fn name(&self) -> String {
        [&self.family, &self.middle, &self.given]
            .into_iter()
            .filter(|p| !p.is_empty())
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Accumulates the creates, updates and new tags of a file.
struct Builder<'a> {
    existing: &'a [Customer],
    /// Phone and identity keys of existing customers → index in `existing` (first wins).
    by_key: HashMap<&'a str, usize>,
    tags: &'a [Tag],
    now: Millis,
    random: &'a mut dyn FnMut() -> u64,
    creates: Vec<Customer>,
    /// Updated copies of existing customers, by index in `existing`, in order of first update.
    updates: Vec<(usize, Customer)>,
    new_tags: Vec<Tag>,
}

impl<'a> Builder<'a> {
    fn new(
        existing: &'a [Customer],
        tags: &'a [Tag],
        now: Millis,
        random: &'a mut dyn FnMut() -> u64,
    ) -> Builder<'a> {
        let mut by_key = HashMap::new();
        for (i, c) in existing.iter().enumerate() {
            let phones = c.phone_keys.iter().map(String::as_str);
            let numbers = c.phones.iter().map(|p| p.number.as_str());
            for key in phones
                .chain(numbers)
                .chain(c.identity_keys.iter().map(String::as_str))
            {
                by_key.entry(key).or_insert(i);
            }
        }
        Builder {
            existing,
            by_key,
            tags,
            now,
            random,
            creates: Vec::new(),
            updates: Vec::new(),
            new_tags: Vec::new(),
        }
    }

    fn id(&mut self) -> Id {
        Id::new(self.now, (self.random)())
    }

    /// The existing customer a row adds to: by phone first, then by account.
    fn find(&self, values: &RowValues) -> Option<usize> {
        let phones = values.phones.iter().map(|(p, _)| p.clone());
        let usernames = values.identities.iter().flat_map(|i| i.keys());
        phones
            .chain(usernames)
            .find_map(|k| self.by_key.get(k.as_str()).copied())
    }

    fn tag_id(&mut self, name: &str) -> Id {
        let key = tag_key(name);
        if let Some(tag) = self.tags.iter().find(|t| tag_key(&t.name) == key) {
            return tag.id.clone();
        }
        if let Some(tag) = self.new_tags.iter().find(|t| tag_key(&t.name) == key) {
            return tag.id.clone();
        }
        let color = TAG_COLORS[(self.tags.len() + self.new_tags.len()) % TAG_COLORS.len()];
        let tag = Tag {
            id: self.id(),
            created_at: self.now,
            updated_at: self.now,
            name: name.to_owned(),
            color: color.to_owned(),
        };
        self.new_tags.push(tag.clone());
        tag.id
    }

    /// Adds a valid row: to the existing customer it matches, else as a new customer. Returns
    /// the id of the existing customer.
    fn add(&mut self, name: &str, values: &RowValues) -> Option<Id> {
        let found = self.find(values);
        let mut customer = match found {
            Some(i) => match self.updates.iter().position(|(j, _)| *j == i) {
                Some(at) => self.updates.remove(at).1,
                None => self.existing[i].clone(),
            },
            None => Customer {
                id: self.id(),
                created_at: self.now,
                updated_at: self.now,
                ..Customer::default()
            },
        };
        let before = customer.clone();
        if customer.name.trim().is_empty() {
            customer.name = name.to_owned();
        }
        for (phone, _) in &values.phones {
            customer.add_phone(phone, Source::Import, self.now);
        }
        for email in &values.emails {
            if !customer.emails.iter().any(|e| same_email(e, email)) {
                customer.emails.push(email.clone());
            }
        }
        customer.birthday = customer.birthday.or(values.birthday);
        customer.gender = customer.gender.or(values.gender);
        for tag in &values.tags {
            let id = self.tag_id(tag);
            if !customer.tags.contains(&id) {
                customer.tags.push(id);
            }
        }
        for text in &values.notes {
            if !customer.notes.iter().any(|n| n.text == *text) {
                let id = self.id();
                customer.notes.push(Note {
                    id,
                    at: self.now,
                    text: text.clone(),
                    author: None,
                });
            }
        }
        for raw in &values.addresses {
            let key = fold_str(raw);
            if !customer
                .addresses
                .iter()
                .any(|a| fold_str(&a.one_line()) == key || fold_str(&a.street) == key)
            {
                let id = self.id();
                customer.add_address(CustomerAddress {
                    id,
                    street: raw.clone(),
                    source: Source::Import,
                    ..CustomerAddress::default()
                });
            }
        }
        for identity in &values.identities {
            let keys: Vec<String> = identity.keys().collect();
            let known = customer.identities.iter().any(|i| {
                i.platform == identity.platform
                    && (i.keys().any(|k| keys.contains(&k))
                        || (i.profile_url.is_some() && i.profile_url == identity.profile_url))
            });
            if !known {
                customer.identities.push(identity.clone());
            }
        }
        customer.refresh_keys();
        match found {
            Some(i) => {
                if customer != before {
                    customer.updated_at = self.now;
                    self.updates.push((i, customer));
                } else if before != self.existing[i] {
                    // Already updated by an earlier row: keep it.
                    self.updates.push((i, customer));
                }
                Some(self.existing[i].id.clone())
            }
            None => {
                self.creates.push(customer);
                None
            }
        }
    }

    fn finish(mut self) -> (Vec<Customer>, Vec<Customer>, Vec<Millis>, Vec<Tag>) {
        self.updates.sort_by_key(|(i, _)| *i);
        let read_at = self
            .updates
            .iter()
            .map(|(i, _)| self.existing[*i].updated_at)
            .collect();
        let updates = self.updates.into_iter().map(|(_, c)| c).collect();
        (self.creates, updates, read_at, self.new_tags)
    }
}

/// Tags are the same tag when their names fold the same ("VIP", "vip", "#VIP").
fn tag_key(name: &str) -> String {
    let folded = fold_str(name);
    if folded.is_empty() {
        name.trim().to_owned()
    } else {
        folded
    }
}

fn same_email(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// The non-empty trimmed parts of a list cell.
fn split_list<'c>(cell: &'c str, separators: &[char]) -> impl Iterator<Item = &'c str> + 'c {
    let separators = separators.to_vec();
    cell.split(move |c| separators.contains(&c))
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

/// The mobiles of a phone cell, or the parts that are not mobiles.
fn read_phones(cell: &str) -> Result<Vec<String>, Vec<String>> {
    if let Some(phone) = read_phone(cell) {
        return Ok(vec![phone]);
    }
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for part in split_list(cell, &['/', ',', ';', '|', '\n']) {
        match read_phone(part) {
            Some(phone) => good.push(phone),
            None => bad.push(part.to_owned()),
        }
    }
    if bad.is_empty() && !good.is_empty() {
        Ok(good)
    } else if bad.is_empty() {
        Err(vec![cell.to_owned()])
    } else {
        Err(bad)
    }
}

/// One mobile, in national form.
fn read_phone(part: &str) -> Option<String> {
    let mut text = part.trim();
    // Excel's way of keeping a leading zero in CSV: ="0912345678".
    if let Some(inner) = text.strip_prefix("=\"").and_then(|t| t.strip_suffix('"')) {
        text = inner.trim();
    }
    text = text.strip_prefix('\'').unwrap_or(text).trim();
    let restored;
    if text.len() == 9
        && text.bytes().all(|b| b.is_ascii_digit())
        && matches!(text.as_bytes()[0], b'3' | b'5' | b'7' | b'8' | b'9')
    {
        restored = format!("0{text}");
        text = &restored;
    }
    parse_phone(text)
        .filter(|p| p.kind == PhoneKind::Mobile)
        .map(|p| p.number)
}

/// The cell if it is exactly one e-mail address.
fn read_email(part: &str) -> Option<String> {
    let found = extract_emails(part);
    match found.as_slice() {
        [one] if one.start == 0 && one.end == part.chars().count() => Some(one.address.clone()),
        _ => None,
    }
}

/// `dd/mm/yyyy` or ISO, also with a time after it as spreadsheets export dates
/// ("1990-05-12 00:00:00", "12/05/1990 0:00").
fn read_date(cell: &str) -> Option<Date> {
    Date::parse(cell).or_else(|| {
        let (date, time) = cell.split_once([' ', 'T'])?;
        let time = time.trim();
        let is_time = time.starts_with(|c: char| c.is_ascii_digit())
            && time
                .chars()
                .all(|c| c.is_ascii_digit() || ":. APMapmZ".contains(c));
        is_time.then(|| Date::parse(date)).flatten()
    })
}

/// An Excel date serial (1900 date system) of 1 January 1910 to 31 December 2100, with or
/// without a time fraction: `33913` is 5 November 1992. Smaller numbers are not read as dates
/// (a birth year alone, `1992`, would be a day of 1905).
fn excel_serial_date(cell: &str) -> Option<Date> {
    let (whole, fraction) = cell.split_once('.').unwrap_or((cell, ""));
    if whole.is_empty()
        || whole.len() > 5
        || !whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let serial: i64 = whole.parse().ok()?;
    if !(3654..=73_415).contains(&serial) {
        return None;
    }
    // Serial 60 is Excel's 29 February 1900, a day that never was; from serial 61 on, the
    // serial is the number of days since 30 December 1899, which is 25,569 days before
    // 1 January 1970.
    let days = serial - 25_569;
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Date::new(
        u16::try_from(year).ok()?,
        u8::try_from(month).ok()?,
        u8::try_from(day).ok()?,
    )
}

fn read_gender(cell: &str) -> Option<Gender> {
    match fold_str(cell).as_str() {
        "nam" | "male" | "m" | "trai" | "man" => Some(Gender::Male),
        "nu" | "female" | "f" | "gai" | "woman" => Some(Gender::Female),
        "khac" | "other" => Some(Gender::Other),
        _ => None,
    }
}

/// A username (`lan.nguyen`, `@lan.nguyen`) or profile link of the platform.
fn read_profile(platform: Platform, cell: &str) -> Option<Identity> {
    let text = cell.trim();
    let identity = |username: Option<&str>, profile_url: Option<String>| Identity {
        platform,
        account: None,
        thread_id: None,
        username: username.map(str::to_owned),
        profile_url,
    };
    let lower = text.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .unwrap_or(&lower);
    let rest = ["www.", "m.", "web.", "mobile."]
        .iter()
        .find_map(|p| rest.strip_prefix(p))
        .unwrap_or(rest);
    let hosts: &[&str] = match platform {
        Platform::Instagram => &["instagram.com/", "instagr.am/"],
        _ => &["facebook.com/", "fb.com/"],
    };
    if let Some(path) = hosts.iter().find_map(|h| rest.strip_prefix(h)) {
        // The original case of the path (usernames keep their case for display).
        let path = &text[text.len() - path.len()..];
        let segment = path.split(['/', '?', '#']).next().unwrap_or("");
        let url = if lower.starts_with("http") {
            text.to_owned()
        } else {
            format!("https://{text}")
        };
        if segment.eq_ignore_ascii_case("profile.php") {
            let query = path.split_once('?').map_or("", |(_, q)| q);
            let has_id = query.split('&').any(|kv| {
                kv.strip_prefix("id=")
                    .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
            });
            return has_id.then(|| identity(None, Some(url)));
        }
        return is_username(segment).then(|| identity(Some(segment), Some(url)));
    }
    let name = text.strip_prefix('@').unwrap_or(text);
    is_username(name).then(|| identity(Some(name), None))
}

fn is_username(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_')
        && name.bytes().any(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(text: &str) -> ImportPlan {
        plan_with(text.as_bytes(), &[], &[])
    }

    fn plan_with(bytes: &[u8], existing: &[Customer], tags: &[Tag]) -> ImportPlan {
        let mut n = 0;
        plan_import(bytes, existing, tags, 1_700_000_000_000, &mut || {
            n += 1;
            n
        })
    }

    fn kinds(plan: &ImportPlan) -> Vec<(Option<usize>, ImportErrorKind)> {
        plan.errors
            .iter()
            .map(|e| (e.row, e.kind.clone()))
            .collect()
    }

    #[test]
    fn headers_fold_and_ignore_numbers() {
        for (h, f) in [
            ("Số điện thoại", Field::Phone),
            ("SĐT", Field::Phone),
            ("sdt 2", Field::Phone),
            ("Phone 1 - Value", Field::Phone),
            ("  Họ và tên (*)", Field::Name),
            ("E-mail", Field::Email),
            ("Ngày sinh", Field::Birthday),
            ("GIỚI TÍNH", Field::Gender),
            ("Nhãn", Field::Tags),
            ("Ghi chú", Field::Note),
            ("Địa chỉ", Field::Address),
            ("Họ", Field::FamilyName),
            ("Link Facebook", Field::Facebook),
        ] {
            assert_eq!(Field::from_header(h), Some(f), "{h}");
        }
        assert_eq!(Field::from_header("STT"), None);
        assert_eq!(Field::from_header("Mã KH"), None);
    }

    #[test]
    fn excel_separator_line() {
        let p = plan("sep=;\nTên;SĐT\nLan;0912345678\n");
        assert!(p.is_ok(), "{:?}", p.errors);
        assert_eq!(p.delimiter, ';');
        assert_eq!(p.preview[0].row, 2);
    }

    #[test]
    fn rows_are_numbered_as_excel_shows_them() {
        let text = "Tên,Ghi chú,SĐT\r\n\r\nLan,\"dòng 1\r\ndòng 2\",0912345678\r\nMai,,12345\r\n";
        let p = plan(text);
        assert_eq!(
            kinds(&p),
            vec![(
                Some(4),
                ImportErrorKind::InvalidPhone {
                    value: "12345".into()
                }
            )]
        );
        assert_eq!(p.errors[0].column.as_deref(), Some("SĐT"));
        assert_eq!(p.preview[0].notes, vec!["dòng 1\r\ndòng 2"]);
        assert!(p.creates.is_empty());
    }

    #[test]
    fn phones_restore_the_zero_excel_dropped_and_split_lists() {
        assert_eq!(read_phones("912345678"), Ok(vec!["0912345678".into()]));
        assert_eq!(
            read_phones("=\"0912345678\""),
            Ok(vec!["0912345678".into()])
        );
        assert_eq!(
            read_phones("+84 912 345 678"),
            Ok(vec!["0912345678".into()])
        );
        assert_eq!(
            read_phones("0912345678 / 0987.654.321"),
            Ok(vec!["0912345678".into(), "0987654321".into()])
        );
        assert_eq!(
            read_phones("0912345678; 0241234567"),
            Err(vec!["0241234567".into()]),
            "landlines are not mobiles"
        );
        assert_eq!(read_phones("//"), Err(vec!["//".into()]));
    }

    #[test]
    fn dates_genders_profiles() {
        assert_eq!(read_date("05/11/1992"), Date::new(1992, 11, 5));
        assert_eq!(read_date("1992-11-05 00:00:00"), Date::new(1992, 11, 5));
        assert_eq!(read_date("5/11/1992 0:00"), Date::new(1992, 11, 5));
        assert_eq!(read_date("31/02/1992"), None);
        assert_eq!(read_date("1992-11-05 sáng"), None);
        assert_eq!(read_gender("Nữ"), Some(Gender::Female));
        assert_eq!(read_gender("NAM"), Some(Gender::Male));
        assert_eq!(read_gender("khác"), Some(Gender::Other));
        assert_eq!(read_gender("?"), None);
        let ig = read_profile(Platform::Instagram, "https://www.instagram.com/Lan.Ng/").unwrap();
        assert_eq!(ig.username.as_deref(), Some("Lan.Ng"));
        assert_eq!(ig.keys().collect::<Vec<_>>(), vec!["ig:u:lan.ng"]);
        let fb = read_profile(Platform::Facebook, "facebook.com/profile.php?id=1000123").unwrap();
        assert_eq!(fb.username, None);
        assert_eq!(
            fb.profile_url.as_deref(),
            Some("https://facebook.com/profile.php?id=1000123")
        );
        assert_eq!(
            read_profile(Platform::Facebook, "@mai_shop")
                .unwrap()
                .username
                .as_deref(),
            Some("mai_shop")
        );
        assert!(read_profile(Platform::Facebook, "Mai Nguyễn").is_none());
        assert!(read_profile(Platform::Instagram, "https://facebook.com/lan").is_none());
    }

    #[test]
    fn excel_serial_dates() {
        assert_eq!(excel_serial_date("33913"), Date::new(1992, 11, 5));
        assert_eq!(excel_serial_date("33913.75"), Date::new(1992, 11, 5));
        assert_eq!(excel_serial_date("3654"), Date::new(1910, 1, 1));
        assert_eq!(excel_serial_date("36526"), Date::new(2000, 1, 1));
        assert_eq!(excel_serial_date("45658"), Date::new(2025, 1, 1));
        assert_eq!(excel_serial_date("73415"), Date::new(2100, 12, 31));
        assert_eq!(excel_serial_date("73416"), None);
        assert_eq!(excel_serial_date("1992"), None, "a year alone");
        assert_eq!(excel_serial_date("3653"), None);
        assert_eq!(excel_serial_date("-33913"), None);
        assert_eq!(excel_serial_date("33913.5e1"), None);
        assert_eq!(excel_serial_date(".5"), None);
    }

    #[test]
    fn spreadsheet_rows_keep_their_numbers_and_read_serial_birthdays() {
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let rows = vec![
            vec![],
            s(&[" Tên ", "SĐT", "", "Ngày sinh"]),
            s(&["Lan", "912345678", "", "33913"]),
            vec![],
            s(&["Mai", "0987654321", "", "1992", "", "lạc cột"]),
            s(&["", "", ""]),
            s(&["Hoa", "0905123456"]),
        ];
        let mut n = 0;
        let p = plan_import_rows(rows.clone(), &[], &[], 1, &mut || {
            n += 1;
            n
        });
        assert_eq!(
            p.columns
                .iter()
                .map(|(h, _)| h.as_str())
                .collect::<Vec<_>>(),
            vec!["Tên", "SĐT", "", "Ngày sinh"]
        );
        assert_eq!(
            p.errors
                .iter()
                .map(|e| (e.row, e.column.as_deref(), e.kind.clone()))
                .collect::<Vec<_>>(),
            vec![
                (Some(5), Some("F"), ImportErrorKind::UnnamedColumn),
                (
                    Some(5),
                    Some("Ngày sinh"),
                    ImportErrorKind::InvalidBirthday {
                        value: "1992".into()
                    }
                ),
            ]
        );
        assert_eq!(p.rows, 3);
        assert_eq!(p.preview[0].row, 3);
        assert_eq!(p.preview[0].phones, vec!["0912345678"]);
        assert_eq!(p.preview[0].birthday, Date::new(1992, 11, 5));
        assert_eq!(p.preview[2].row, 7);
        assert!(p.creates.is_empty());
        let e = &p.errors[0];
        assert!(e
            .message(Lang::Vi)
            .starts_with("Dòng 5, cột «F»: ô này có dữ liệu"));

        // The same cells as CSV: a serial birthday is an error there.
        let p = plan("Tên,SĐT,Ngày sinh\nLan,0912345678,33913\n");
        assert_eq!(
            kinds(&p),
            vec![(
                Some(2),
                ImportErrorKind::InvalidBirthday {
                    value: "33913".into()
                }
            )]
        );
        let empty = plan_import_rows(vec![vec![], vec![" ".into()]], &[], &[], 1, &mut || 1);
        assert_eq!(kinds(&empty), vec![(None, ImportErrorKind::Empty)]);
    }

    #[test]
    fn an_encrypted_workbook_is_not_called_an_old_xls() {
        let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        ole.extend([0u8; 64]);
        let stream: Vec<u8> = "EncryptedPackage"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        ole.extend(&stream);
        assert_eq!(
            kinds(&plan_with(&ole, &[], &[])),
            vec![(None, ImportErrorKind::WorkbookEncrypted)]
        );
    }

    #[test]
    fn name_from_family_middle_and_given_columns() {
        let p = plan("Họ,Tên đệm,Tên,SĐT\nNguyễn,Thị,Lan,0912345678\n");
        assert!(p.is_ok(), "{:?}", p.errors);
        assert_eq!(p.creates[0].name, "Nguyễn Thị Lan");
    }

    #[test]
    fn a_second_name_column_is_ignored_but_phones_accumulate() {
        let p = plan("Tên,Tên khách hàng,SĐT 1,SĐT 2\nLan,Chị Lan,0912345678,0987654321\n");
        assert_eq!(p.columns[1].1, None);
        assert_eq!(
            p.ignored_columns().collect::<Vec<_>>(),
            vec!["Tên khách hàng"]
        );
        let c = &p.creates[0];
        assert_eq!(c.name, "Lan");
        assert_eq!(c.phone_keys, vec!["0912345678", "0987654321"]);
        assert_eq!(c.primary_phone(), Some("0912345678"));
    }

    #[test]
    fn file_level_errors() {
        assert_eq!(kinds(&plan("")), vec![(None, ImportErrorKind::Empty)]);
        assert_eq!(
            kinds(&plan("\r\n \n")),
            vec![(None, ImportErrorKind::Empty)]
        );
        assert_eq!(
            kinds(&plan("STT,Mã\n1,2\n")),
            vec![(None, ImportErrorKind::NoHeader)]
        );
        assert_eq!(
            kinds(&plan("Lan,0912345678\nMai,0987654321\n")),
            vec![(None, ImportErrorKind::NoHeader)]
        );
        assert_eq!(
            kinds(&plan("Tên,SĐT\n\n,\n")),
            vec![(None, ImportErrorKind::NoRows)]
        );
        assert_eq!(
            kinds(&plan_with(b"\xD0\xCF\x11\xE0\xA1\xB1", &[], &[])),
            vec![(None, ImportErrorKind::ExcelFile)]
        );
        assert_eq!(
            kinds(&plan_with(b"T\xean,SDT\n", &[], &[])),
            vec![(None, ImportErrorKind::NotText)]
        );
        assert_eq!(
            kinds(&plan_with(b"\xff\xfeT\x00", &[], &[])),
            kinds(&plan("T")),
            "UTF-16 without a usable header"
        );
    }

    #[test]
    fn too_many_columns_and_broken_quotes() {
        let p = plan(
            "Tên,SĐT\nLan,0912345678,,\nMai,0987654321,extra\n\"Hoa\"x,0905123456\n\"Cúc,0933123456\nĐào,0977123456\n",
        );
        assert_eq!(
            kinds(&p),
            vec![
                (
                    Some(3),
                    ImportErrorKind::TooManyColumns {
                        found: 3,
                        expected: 2,
                        delimiter: ','
                    }
                ),
                (Some(4), ImportErrorKind::BrokenQuote),
                (Some(5), ImportErrorKind::UnclosedQuote),
            ]
        );
        assert!(p.creates.is_empty() && p.updates.is_empty() && p.new_tags.is_empty());
        assert_eq!(p.rows, 4);
    }

    #[test]
    fn messages_say_where_and_what_to_do() {
        let e = ImportError {
            row: Some(7),
            column: Some("SĐT".into()),
            kind: ImportErrorKind::InvalidPhone {
                value: "012345".into(),
            },
        };
        assert_eq!(
            e.message(Lang::Vi),
            "Dòng 7, cột «SĐT»: «012345» không phải số di động Việt Nam (10 số, bắt đầu bằng 03/05/07/08/09). Hãy sửa lại hoặc xoá số này."
        );
        assert!(e
            .message(Lang::En)
            .starts_with("Row 7, column “SĐT”: “012345” is not"));
        let e = ImportError::file(ImportErrorKind::TooManyRows { rows: 50_001 });
        assert!(e
            .message(Lang::Vi)
            .contains("50.001 dòng, quá giới hạn 50.000"));
        assert!(e
            .message(Lang::En)
            .contains("50,001 rows, more than the 50,000"));
        let e = ImportError::file(ImportErrorKind::ExcelFile);
        assert!(e.message(Lang::En).contains("save it as “CSV UTF-8”"));
        let long = ImportErrorKind::InvalidEmail {
            value: "x".repeat(100),
        };
        let e = ImportError {
            row: Some(2),
            column: None,
            kind: long,
        };
        assert!(e
            .message(Lang::Vi)
            .contains(&format!("«{}…»", "x".repeat(40))));
    }

    #[test]
    fn every_kind_has_both_languages() {
        use ImportErrorKind::*;
        let all = [
            Empty,
            ExcelFile,
            NotText,
            NoHeader,
            NoRows,
            TooManyRows { rows: 3 },
            MissingNameAndPhone,
            InvalidPhone { value: "1".into() },
            InvalidEmail { value: "a@".into() },
            InvalidBirthday { value: "x".into() },
            UnknownGender { value: "?".into() },
            InvalidProfile {
                platform: Platform::Instagram,
                value: "!".into(),
            },
            TooManyColumns {
                found: 3,
                expected: 2,
                delimiter: '\t',
            },
            BrokenQuote,
            UnclosedQuote,
            BadRow { detail: "x".into() },
            UnnamedColumn,
            WorkbookDamaged {
                detail: "zip: no end record".into(),
            },
            WorkbookEncrypted,
            WorkbookNoSheet,
            WorkbookTooLarge,
            FileTooLarge {
                bytes: 500 << 20,
                max: 32 << 20,
            },
            DuplicatePhone {
                phone: "0912345678".into(),
                first_row: 2,
            },
        ];
        for kind in all {
            let e = ImportError {
                row: Some(3),
                column: None,
                kind,
            };
            let (vi, en) = (e.message(Lang::Vi), e.message(Lang::En));
            assert!(
                vi.starts_with("Dòng 3: ") && en.starts_with("Row 3: "),
                "{vi} / {en}"
            );
            assert_ne!(vi, en);
            assert!(vi.ends_with('.') && en.ends_with('.'), "{vi} / {en}");
        }
    }
}
