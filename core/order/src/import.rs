//! Products from a CSV file exported by another shop tool (KiotViet, Sapo, Haravan, Shopify) or
//! typed by hand in Excel or Google Sheets.
//!
//! [`plan_product_import`] reads the whole file and returns a [`ProductImportPlan`]: which columns
//! it understood, a preview, the products to create and to update (whole records), and every
//! problem with its row and column. Nothing is half-imported: the panel writes the plan's
//! products in one transaction, and only when [`ProductImportPlan::is_ok`].
//! [`plan_product_import_rows`] does the same from rows already split into cells (an `.xlsx`
//! sheet).
//!
//! # What is read
//!
//! - **Encoding and layout**: read by the customer import's CSV reader
//!   ([`nobi_tabular::csv_rows`]), so both imports read a file the same way: UTF-8 with or without
//!   a byte-order mark, UTF-16 with one; `,`, `;` or tab, whichever the header line has most of
//!   outside quotes, or Excel's `sep=;` first line. An old `.xls` is refused with a message
//!   saying to save it as `.xlsx` or "CSV UTF-8"; an `.xlsx` is read by [`nobi_crm::xlsx`] in
//!   the panel and its rows given to [`plan_product_import_rows`]. Rows are numbered as Excel
//!   shows them (header = row 1 when it is the first line; blank lines count; a quoted cell over
//!   several lines is one row). A row with a quote problem (text after a closing quote, a quote
//!   never closed) is an error of that row, worded as in the customer import
//!   ([`ProductImportErrorKind::Read`]), and its cells are not read.
//! - **Header**: the first non-blank row. Column names are matched without case, diacritics,
//!   a trailing `*`, or a part in parentheses ("Giá (Variant Price)" is "Giá", and the English
//!   part is tried too); see [`ProductField`]. Other columns are ignored and listed in
//!   [`ProductImportPlan::columns`]. Only a SKU column is required.
//! - **Variants**: rows with the same parent code ("Mã cha", "Handle"...) are variants of one
//!   product; rows without a parent code are grouped by product name (compared without case or
//!   diacritics). A parent code wins over the name: two parent codes are two products even if
//!   their names are the same. Size and colour come from their columns, or from option pairs
//!   ("Thuộc tính 1" + "Giá trị thuộc tính 1", Shopify's "Option1 Name" + "Option1 Value") or
//!   KiotViet's one "Thuộc tính" cell (`MÀU:Đỏ|SIZE:M`). An option that is neither a size nor
//!   a colour (a material, say) fills whichever of the two is still empty, size first.
//! - **Stock**: "Tồn kho" (and the like) is the default warehouse's on-hand count;
//!   "Tồn kho: Kho HCM" or "Tồn kho - Kho HCM" and "Kho HCM" columns are that warehouse's. A
//!   warehouse name matches a known one (the default, or one the catalog already stocks) without
//!   case or diacritics; others are listed in [`ProductImportPlan::new_warehouses`] for the
//!   panel to add to the settings.
//! - **Weight** in grams: "500", "500g", "0,5kg", "1.200" (thousands dots); a unit in the header
//!   ("Khối lượng (kg)") or a unit column ("Đơn vị khối lượng", Sapo) applies to bare numbers. A
//!   bare decimal ("0,5") is refused as ambiguous rather than guessed.
//! - **Images**: `http(s)://` links separated by `,`, `|`, `;`, spaces or line breaks; Haravan's
//!   protocol-relative `//cdn...` links get `https:`.
//!
//! # Decisions
//!
//! - A row whose SKU the catalog already has **updates** that variant: price and weight when
//!   the cells are filled, the on-hand count of each warehouse with a filled stock cell (reserved
//!   counts are kept), images added. The product's name, and the variant's size and colour when
//!   it has them, are not changed: renaming is a catalog edit, not an import. Importing the same
//!   file twice changes nothing the second time.
//! - A new SKU joins the existing product whose name is its row's product name (a new size of a
//!   product the shop already sells), else a new product. A new SKU needs a name and a price.
//! - A SKU the catalog has under **another** product (by name), or as a combo, is an error, not
//!   a move: the agent decides.
//! - The resulting catalog must pass [`Catalog::validate`]; its complaints are plan errors too.
//! - Text is kept as written (the panel NFC-normalises in the browser), as in the customer
//!   import, so the Unicode tables of [`nobi_text`] stay out of this path.

use super::catalog::{Catalog, CatalogError, Product, StockLevel, Variant};
use super::money::{parse_vnd, ParseMoneyError, Vnd};
use nobi_crm::import::{ImportError, ImportErrorKind};
use nobi_i18n::Lang;
use nobi_tabular::{csv_rows, place, FileError, XlsxError};
use nobi_text::fold::fold_str;
use std::collections::{HashMap, HashSet};

/// The most data rows one import takes (the customer import's limit: the CSV reader is shared).
pub const MAX_ROWS: usize = nobi_tabular::MAX_ROWS;

/// How many data rows [`ProductImportPlan::preview`] holds.
pub const PREVIEW_ROWS: usize = 20;

/// The unit of a weight column or cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WeightUnit {
    Gram,
    Kilogram,
}

/// What a column of the file holds.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ProductField {
    /// The variant's SKU ("Mã SKU", "Mã hàng", "SKU"): the one required column.
    Sku,
    /// The product's name ("Tên sản phẩm", "Tên hàng", "Name").
    Name,
    /// The code shared by the variants of one product ("Mã cha", "Nhóm", "Parent", "Handle").
    Parent,
    Size,
    Colour,
    /// The selling price ("Giá bán", "Giá", "Price"), read by [`parse_vnd`].
    Price,
    /// The on-hand count in a warehouse: `None` is the default warehouse; `Some` holds the
    /// warehouse's name as it will be stored (a known warehouse's spelling when it matches one).
    Stock {
        warehouse: Option<String>,
    },
    /// Weight of one item; `unit` when the header names one ("Khối lượng (kg)").
    Weight {
        unit: Option<WeightUnit>,
    },
    /// The unit of the weight cells of each row ("Đơn vị khối lượng": g or kg).
    WeightUnit,
    /// Image links.
    Images,
    /// KiotViet's "Thuộc tính": `MÀU:Đỏ|SIZE:M`.
    Attributes,
    /// The name of option N ("Thuộc tính 1", "Option1 Name").
    OptionName(u8),
    /// The value of option N ("Giá trị thuộc tính 1", "Option1 Value").
    OptionValue(u8),
}

impl ProductField {
    /// The field's name, to show next to the file's own column name.
    pub fn label(&self, lang: Lang) -> String {
        use ProductField as F;
        let pick = |vi: String, en: String| if lang == Lang::Vi { vi } else { en };
        let (vi, en) = match self {
            F::Stock { warehouse: Some(w) } => {
                return pick(format!("Tồn kho: {w}"), format!("Stock: {w}"))
            }
            F::OptionName(n) => {
                return pick(format!("Tên thuộc tính {n}"), format!("Option {n} name"))
            }
            F::OptionValue(n) => {
                return pick(
                    format!("Giá trị thuộc tính {n}"),
                    format!("Option {n} value"),
                )
            }
            F::Sku => ("Mã SKU", "SKU"),
            F::Name => ("Tên sản phẩm", "Product name"),
            F::Parent => ("Mã cha (nhóm phân loại)", "Parent code (variant group)"),
            F::Size => ("Size", "Size"),
            F::Colour => ("Màu", "Colour"),
            F::Price => ("Giá bán", "Price"),
            F::Stock { warehouse: None } => ("Tồn kho (kho mặc định)", "Stock (default warehouse)"),
            F::Weight { unit: None } => ("Cân nặng", "Weight"),
            F::Weight {
                unit: Some(WeightUnit::Gram),
            } => ("Cân nặng (g)", "Weight (g)"),
            F::Weight {
                unit: Some(WeightUnit::Kilogram),
            } => ("Cân nặng (kg)", "Weight (kg)"),
            F::WeightUnit => ("Đơn vị cân nặng", "Weight unit"),
            F::Images => ("Ảnh", "Images"),
            F::Attributes => ("Thuộc tính", "Attributes"),
        };
        pick(vi.to_owned(), en.to_owned())
    }
}

/// The fields of the header table, before a stock column gets its warehouse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Sku,
    Name,
    Parent,
    Size,
    Colour,
    Price,
    Stock,
    Weight,
    WeightUnit,
    Images,
    Attributes,
}

/// Folded column names (see [`fold_str`]; digit-only words and parts in parentheses removed),
/// their field, and a rank: when several columns name the same field, the lowest rank wins
/// (then the leftmost), so "Mã SKU" beats "Mã sản phẩm" and "Giá bán" beats "Giá".
const HEADERS: &[(&str, Kind, u8)] = &[
    ("ma sku", Kind::Sku, 0),
    ("sku", Kind::Sku, 0),
    ("variant sku", Kind::Sku, 0),
    ("ma phien ban", Kind::Sku, 0),
    ("ma phien ban san pham", Kind::Sku, 0),
    ("ma hang", Kind::Sku, 1),
    ("ma hang hoa", Kind::Sku, 1),
    ("ma san pham", Kind::Sku, 2),
    ("ma sp", Kind::Sku, 2),
    ("product code", Kind::Sku, 2),
    ("code", Kind::Sku, 3),
    ("ma", Kind::Sku, 3),
    ("ten san pham", Kind::Name, 0),
    ("ten hang", Kind::Name, 0),
    ("ten hang hoa", Kind::Name, 0),
    ("ten sp", Kind::Name, 0),
    ("product name", Kind::Name, 0),
    ("product", Kind::Name, 1),
    ("name", Kind::Name, 1),
    ("title", Kind::Name, 1),
    ("ten", Kind::Name, 1),
    ("san pham", Kind::Name, 2),
    ("ma cha", Kind::Parent, 0),
    ("ma sp cha", Kind::Parent, 0),
    ("ma san pham cha", Kind::Parent, 0),
    ("ma hang cha", Kind::Parent, 0),
    ("parent", Kind::Parent, 0),
    ("parent sku", Kind::Parent, 0),
    ("parent code", Kind::Parent, 0),
    ("nhom", Kind::Parent, 1),
    ("ma nhom", Kind::Parent, 1),
    ("handle", Kind::Parent, 1),
    ("url", Kind::Parent, 2),
    ("size", Kind::Size, 0),
    ("kich co", Kind::Size, 0),
    ("co", Kind::Size, 1),
    ("kich thuoc", Kind::Size, 1),
    ("mau", Kind::Colour, 0),
    ("mau sac", Kind::Colour, 0),
    ("colour", Kind::Colour, 0),
    ("color", Kind::Colour, 0),
    ("gia ban", Kind::Price, 0),
    ("gia ban le", Kind::Price, 0),
    ("gia le", Kind::Price, 0),
    ("price", Kind::Price, 0),
    ("variant price", Kind::Price, 0),
    ("gia", Kind::Price, 1),
    ("don gia", Kind::Price, 1),
    ("gia tien", Kind::Price, 1),
    ("ton kho", Kind::Stock, 0),
    ("ton", Kind::Stock, 0),
    ("so luong", Kind::Stock, 0),
    ("so luong ton", Kind::Stock, 0),
    ("so luong ton kho", Kind::Stock, 0),
    ("ton kho ban dau", Kind::Stock, 0),
    ("ton kho hien tai", Kind::Stock, 0),
    ("sl", Kind::Stock, 0),
    ("stock", Kind::Stock, 0),
    ("qty", Kind::Stock, 0),
    ("quantity", Kind::Stock, 0),
    ("inventory", Kind::Stock, 0),
    ("inventory qty", Kind::Stock, 0),
    ("variant inventory qty", Kind::Stock, 0),
    ("can nang", Kind::Weight, 0),
    ("khoi luong", Kind::Weight, 0),
    ("trong luong", Kind::Weight, 0),
    ("weight", Kind::Weight, 0),
    ("variant grams", Kind::Weight, 0),
    ("grams", Kind::Weight, 0),
    ("don vi khoi luong", Kind::WeightUnit, 0),
    ("don vi can nang", Kind::WeightUnit, 0),
    ("don vi trong luong", Kind::WeightUnit, 0),
    ("weight unit", Kind::WeightUnit, 0),
    ("variant weight unit", Kind::WeightUnit, 0),
    ("anh", Kind::Images, 0),
    ("hinh", Kind::Images, 0),
    ("hinh anh", Kind::Images, 0),
    ("anh san pham", Kind::Images, 0),
    ("hinh anh san pham", Kind::Images, 0),
    ("anh dai dien", Kind::Images, 0),
    ("link anh", Kind::Images, 0),
    ("link hinh", Kind::Images, 0),
    ("link hinh anh", Kind::Images, 0),
    ("url anh", Kind::Images, 0),
    ("image", Kind::Images, 0),
    ("images", Kind::Images, 0),
    ("image src", Kind::Images, 0),
    ("image url", Kind::Images, 0),
    ("variant image", Kind::Images, 0),
    ("photo", Kind::Images, 0),
    ("thuoc tinh", Kind::Attributes, 0),
];

/// Option names (folded) that mean size, and colour.
const SIZE_NAMES: &[&str] = &["size", "kich co", "co", "kich thuoc", "sz"];
const COLOUR_NAMES: &[&str] = &["mau", "mau sac", "colour", "color"];

/// A folded header as words.
fn header_words(text: &str) -> Vec<String> {
    fold_str(text)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The table key of folded words: digit-only words dropped ("Ảnh 2" is "anh").
fn table_key(words: &[String]) -> String {
    words
        .iter()
        .filter(|w| !w.bytes().all(|b| b.is_ascii_digit()))
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ")
}

fn lookup(key: &str) -> Option<(Kind, u8)> {
    HEADERS
        .iter()
        .find(|(name, _, _)| *name == key)
        .map(|&(_, kind, rank)| (kind, rank))
}

fn unit_word(word: &str) -> Option<WeightUnit> {
    match word {
        "g" | "gr" | "gram" | "grams" | "gam" => Some(WeightUnit::Gram),
        "kg" | "kgs" | "kilogram" | "kilograms" | "kilo" => Some(WeightUnit::Kilogram),
        _ => None,
    }
}

/// "Thuộc tính 1", "Giá trị thuộc tính 1", "Option1 Name", "Option 1 Value".
fn option_column(words: &[String]) -> Option<ProductField> {
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    let n = |s: &str| s.parse::<u8>().ok().filter(|n| (1..=9).contains(n));
    match w.as_slice() {
        ["thuoc", "tinh", d] | ["ten", "thuoc", "tinh", d] => n(d).map(ProductField::OptionName),
        ["gia", "tri", "thuoc", "tinh", d] => n(d).map(ProductField::OptionValue),
        ["option", d, "name"] => n(d).map(ProductField::OptionName),
        ["option", d, "value"] => n(d).map(ProductField::OptionValue),
        [o, "name"] => o
            .strip_prefix("option")
            .and_then(n)
            .map(ProductField::OptionName),
        [o, "value"] => o
            .strip_prefix("option")
            .and_then(n)
            .map(ProductField::OptionValue),
        _ => None,
    }
}

/// What one header names, with its rank; stock columns get their warehouse as written.
fn classify_header(header: &str) -> Option<(ProductField, u8)> {
    // "Tồn kho: Kho HCM", "Tồn kho - Kho HCM".
    let split = header
        .split_once(':')
        .or_else(|| header.split_once(" - "))
        .or_else(|| header.split_once(" – "));
    if let Some((before, after)) = split {
        let after = after.trim();
        if lookup(&table_key(&header_words(before))).map(|(k, _)| k) == Some(Kind::Stock)
            && !after.is_empty()
        {
            return Some((
                ProductField::Stock {
                    warehouse: Some(after.to_owned()),
                },
                0,
            ));
        }
    }
    // The part outside parentheses first, then the part inside ("Giá (Variant Price)").
    let mut outer = String::new();
    let mut inner = String::new();
    let mut depth = 0usize;
    for c in header.chars() {
        match c {
            '(' => {
                depth += 1;
                inner.push(' ');
            }
            ')' => depth = depth.saturating_sub(1),
            _ if depth > 0 => inner.push(c),
            _ => outer.push(c),
        }
    }
    let outer_words = header_words(&outer);
    let inner_words = header_words(&inner);
    if let Some(field) = option_column(&outer_words).or_else(|| option_column(&inner_words)) {
        return Some((field, 0));
    }
    // A unit anywhere in the header is the unit of a weight column: "Khối lượng (kg)",
    // "Cân nặng gram".
    let header_unit = outer_words
        .iter()
        .chain(&inner_words)
        .find_map(|w| unit_word(w));
    for words in [&outer_words, &inner_words] {
        let key = table_key(words);
        let found = lookup(&key).or_else(|| {
            // "Khối lượng kg": the key without its unit word.
            let (last, rest) = words.split_last()?;
            unit_word(last)?;
            lookup(&table_key(rest)).filter(|(k, _)| *k == Kind::Weight)
        });
        if let Some((kind, rank)) = found {
            let field = match kind {
                Kind::Sku => ProductField::Sku,
                Kind::Name => ProductField::Name,
                Kind::Parent => ProductField::Parent,
                Kind::Size => ProductField::Size,
                Kind::Colour => ProductField::Colour,
                Kind::Price => ProductField::Price,
                Kind::Stock => ProductField::Stock { warehouse: None },
                Kind::Weight => ProductField::Weight { unit: header_unit },
                Kind::WeightUnit => ProductField::WeightUnit,
                Kind::Images => ProductField::Images,
                Kind::Attributes => ProductField::Attributes,
            };
            return Some((field, rank));
        }
    }
    // "Kho HCM": that warehouse's stock ("Kho hàng" alone is not a warehouse).
    if outer_words.len() >= 2 && outer_words[0] == "kho" && table_key(&outer_words) != "kho hang" {
        return Some((
            ProductField::Stock {
                warehouse: Some(outer.trim().to_owned()),
            },
            0,
        ));
    }
    None
}

/// What is wrong, in a [`ProductImportError`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProductImportErrorKind {
    // The file as a whole.
    /// No bytes, or only blank lines.
    Empty,
    /// An old binary Excel workbook (`.xls`); also what [`plan_product_import`] says of an
    /// `.xlsx`, whose sheet is read by [`nobi_crm::xlsx`] and [`plan_product_import_rows`].
    ExcelFile,
    /// Binary data, or text that is neither UTF-8 nor UTF-16 with a byte-order mark.
    NotText,
    /// The header row has no SKU column.
    NoSkuColumn,
    /// A header row and no product rows.
    NoRows,
    /// More than [`MAX_ROWS`] data rows.
    TooManyRows {
        rows: usize,
    },
    /// A stock column for the default warehouse, and no default warehouse.
    NoDefaultWarehouse,
    // One row.
    /// A quote opened and never closed: the rest of the file was read as one cell.
    UnclosedQuote,
    /// Text in more columns than the header names.
    TooManyColumns {
        found: usize,
        expected: usize,
    },
    MissingSku,
    /// The same SKU as an earlier row of the file.
    DuplicateSku {
        sku: String,
        first_row: usize,
    },
    /// The catalog has this SKU under another product (named `product`).
    SkuOfOtherProduct {
        sku: String,
        product: String,
    },
    /// The catalog has this SKU as a combo.
    SkuIsCombo {
        sku: String,
    },
    /// A new SKU without a product name (nor a parent code shared with a named row).
    MissingName {
        sku: String,
    },
    /// A new SKU without a price.
    MissingPrice {
        sku: String,
    },
    BadPrice {
        value: String,
        reason: ParseMoneyError,
    },
    NegativePrice {
        value: String,
    },
    BadStock {
        value: String,
    },
    NegativeStock {
        value: String,
    },
    BadWeight {
        value: String,
    },
    /// A bare decimal weight ("0,5"): grams or kilograms?
    AmbiguousWeight {
        value: String,
    },
    BadImage {
        value: String,
    },
    /// The catalog after the import would not pass [`Catalog::validate`].
    Catalog(CatalogError),
    /// A problem of reading the file that the customer import words the same way: a workbook
    /// that cannot be read (damaged, encrypted, no sheet, too large), or a CSV row with text
    /// after a closing quote or refused by the CSV reader.
    Read(ImportErrorKind),
}

impl From<ImportErrorKind> for ProductImportErrorKind {
    /// A problem found by the shared CSV reader ([`nobi_tabular::csv_rows`]) or the workbook reader.
    fn from(kind: ImportErrorKind) -> ProductImportErrorKind {
        match kind {
            ImportErrorKind::Empty => ProductImportErrorKind::Empty,
            ImportErrorKind::ExcelFile => ProductImportErrorKind::ExcelFile,
            ImportErrorKind::NotText => ProductImportErrorKind::NotText,
            ImportErrorKind::NoRows => ProductImportErrorKind::NoRows,
            ImportErrorKind::TooManyRows { rows } => ProductImportErrorKind::TooManyRows { rows },
            ImportErrorKind::UnclosedQuote => ProductImportErrorKind::UnclosedQuote,
            other => ProductImportErrorKind::Read(other),
        }
    }
}

impl From<FileError> for ProductImportErrorKind {
    fn from(error: FileError) -> ProductImportErrorKind {
        ImportErrorKind::from(error).into()
    }
}

impl From<XlsxError> for ProductImportErrorKind {
    fn from(error: XlsxError) -> ProductImportErrorKind {
        ImportErrorKind::from(error).into()
    }
}

/// One problem of the file, where the agent can find it in Excel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductImportError {
    /// The row as Excel numbers it (header = row 1); `None` for the whole file.
    pub row: Option<usize>,
    /// The file's own name of the column.
    pub column: Option<String>,
    pub kind: ProductImportErrorKind,
}

impl ProductImportError {
    fn file(kind: ProductImportErrorKind) -> ProductImportError {
        ProductImportError {
            row: None,
            column: None,
            kind,
        }
    }

    /// The problem and what to do about it, in one or two sentences.
    pub fn message(&self, lang: Lang) -> String {
        use ProductImportErrorKind::*;
        let vi = lang == Lang::Vi;
        let prefix = place(self.row, self.column.as_deref(), lang);
        let body = match (&self.kind, vi) {
            (Empty, true) => "Tệp trống. Hãy chọn tệp CSV hoặc Excel (.xlsx) chứa danh sách sản phẩm.".into(),
            (Empty, false) => "The file is empty. Choose the CSV or Excel (.xlsx) file with your product list.".into(),
            (ExcelFile, _) => FileError::ExcelFile.message(lang),
            (NotText, _) => FileError::NotText.message(lang),
            (NoSkuColumn, true) => "Không tìm thấy cột mã hàng. Dòng đầu tiên phải là tên các cột, có cột «Mã SKU» (hoặc «Mã hàng»), ví dụ: Mã SKU,Tên sản phẩm,Size,Màu,Giá bán,Tồn kho.".into(),
            (NoSkuColumn, false) => "No SKU column found. The first row must hold the column names, with a “SKU” column, for example: SKU,Product name,Size,Colour,Price,Stock.".into(),
            (NoRows, true) => "Tệp chỉ có dòng tiêu đề, chưa có sản phẩm nào.".into(),
            (NoRows, false) => "The file has a header row but no products.".into(),
            (TooManyRows { rows }, _) => FileError::TooManyRows { rows: *rows }.message(lang),
            (NoDefaultWarehouse, true) => "Chưa có kho mặc định cho cột tồn kho. Hãy thêm kho trong Cài đặt, hoặc đổi tên cột thành «Tồn kho: <tên kho>».".into(),
            (NoDefaultWarehouse, false) => "There is no default warehouse for the stock column. Add a warehouse in Settings, or rename the column “Stock: <warehouse name>”.".into(),
            (UnclosedQuote, _) => FileError::UnclosedQuote.message(lang),
            (TooManyColumns { found, expected }, true) => format!(
                "có chữ ở {found} cột nhưng dòng tiêu đề chỉ có {expected} cột. Có lẽ một ô chứa dấu phân cách (dấu phẩy, chấm phẩy) mà không nằm trong ngoặc kép, hoặc có chữ ở cột chưa có tiêu đề: hãy sửa lại dòng này, hoặc đặt tiêu đề cho cột đó."
            ),
            (TooManyColumns { found, expected }, false) => format!(
                "text in {found} columns, but the header row names only {expected}. A cell probably holds a delimiter (comma, semicolon) outside quotes, or a column has no header: correct the row, or give that column a header."
            ),
            (MissingSku, true) => "thiếu mã SKU. Mỗi phân loại cần một mã riêng: hãy điền mã hoặc xoá dòng này.".into(),
            (MissingSku, false) => "no SKU. Each variant needs its own SKU: fill one in or delete the row.".into(),
            (DuplicateSku { sku, first_row }, true) => format!(
                "mã «{}» đã có ở dòng {first_row}. Mỗi phân loại cần một mã riêng: hãy đổi mã hoặc xoá một trong hai dòng.",
                shown(sku)
            ),
            (DuplicateSku { sku, first_row }, false) => format!(
                "SKU “{}” is already on row {first_row}. Each variant needs its own SKU: change it or delete one of the rows.",
                shown(sku)
            ),
            (SkuOfOtherProduct { sku, product }, true) => format!(
                "mã «{}» đã thuộc sản phẩm «{}» trong danh mục. Hãy đặt mã khác, hoặc ghi đúng tên «{}» nếu muốn cập nhật sản phẩm đó.",
                shown(sku),
                shown(product),
                shown(product)
            ),
            (SkuOfOtherProduct { sku, product }, false) => format!(
                "SKU “{}” already belongs to the product “{}” in the catalog. Use another SKU, or write the name “{}” to update that product.",
                shown(sku),
                shown(product),
                shown(product)
            ),
            (SkuIsCombo { sku }, true) => format!(
                "mã «{}» là mã của một combo trong danh mục. Hãy đặt mã khác cho sản phẩm này.",
                shown(sku)
            ),
            (SkuIsCombo { sku }, false) => format!(
                "SKU “{}” is a combo in the catalog. Give this product another SKU.",
                shown(sku)
            ),
            (MissingName { sku }, true) => format!(
                "mã «{}» chưa có trong danh mục nên cần tên sản phẩm. Hãy điền tên sản phẩm (hoặc mã cha giống một dòng đã có tên).",
                shown(sku)
            ),
            (MissingName { sku }, false) => format!(
                "SKU “{}” is not in the catalog yet, so it needs a product name. Fill in the name (or a parent code shared with a named row).",
                shown(sku)
            ),
            (MissingPrice { sku }, true) => format!(
                "mã mới «{}» chưa có giá bán. Hãy điền giá, ví dụ 350.000 hoặc 350k.",
                shown(sku)
            ),
            (MissingPrice { sku }, false) => format!(
                "the new SKU “{}” has no price. Fill it in, e.g. 350.000 or 350k.",
                shown(sku)
            ),
            (BadPrice { value, reason }, true) => {
                format!("«{}» không phải giá hợp lệ. {}", shown(value), reason.message(lang))
            }
            (BadPrice { value, reason }, false) => {
                format!("“{}” is not a valid price. {}", shown(value), reason.message(lang))
            }
            (NegativePrice { value }, true) => format!(
                "giá «{}» bị âm. Hãy ghi giá bán từ 0 trở lên.",
                shown(value)
            ),
            (NegativePrice { value }, false) => format!(
                "the price “{}” is negative. Write a price of 0 or more.",
                shown(value)
            ),
            (BadStock { value }, true) => format!(
                "«{}» không phải số lượng tồn kho. Hãy ghi số nguyên, ví dụ 12, hoặc để trống.",
                shown(value)
            ),
            (BadStock { value }, false) => format!(
                "“{}” is not a stock count. Write a whole number, e.g. 12, or leave the cell empty.",
                shown(value)
            ),
            (NegativeStock { value }, true) => format!(
                "tồn kho «{}» bị âm. Hãy ghi số từ 0 trở lên, hoặc để trống nếu chưa biết.",
                shown(value)
            ),
            (NegativeStock { value }, false) => format!(
                "the stock “{}” is negative. Write 0 or more, or leave the cell empty if unknown.",
                shown(value)
            ),
            (BadWeight { value }, true) => format!(
                "«{}» không phải cân nặng hợp lệ. Hãy ghi số gam (500) hoặc kèm đơn vị (500g, 0,5kg).",
                shown(value)
            ),
            (BadWeight { value }, false) => format!(
                "“{}” is not a valid weight. Write grams (500) or add a unit (500g, 0.5kg).",
                shown(value)
            ),
            (AmbiguousWeight { value }, true) => format!(
                "không rõ «{}» là gam hay kg. Hãy ghi kèm đơn vị, ví dụ 0,5kg hoặc 500g.",
                shown(value)
            ),
            (AmbiguousWeight { value }, false) => format!(
                "“{}” could be grams or kilograms. Add the unit, e.g. 0.5kg or 500g.",
                shown(value)
            ),
            (BadImage { value }, true) => format!(
                "«{}» không phải đường dẫn ảnh. Hãy dán đường dẫn bắt đầu bằng https:// (ảnh trên máy cần tải lên mạng trước).",
                shown(value)
            ),
            (BadImage { value }, false) => format!(
                "“{}” is not an image link. Paste a link starting with https:// (upload pictures from your computer first).",
                shown(value)
            ),
            (Catalog(e), _) => e.message(lang),
            (Read(kind), _) => ImportError {
                row: None,
                column: None,
                kind: kind.clone(),
            }
            .message(lang),
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

/// What importing a row does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowAction {
    /// A variant of a new product.
    Create,
    /// A new variant of a product the catalog has.
    AddVariant,
    /// An existing variant whose price, stock, weight or images change.
    Update,
    /// An existing variant the row leaves as it is.
    Unchanged,
}

/// One data row as read, for the preview table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProductPreviewRow {
    /// The row as Excel numbers it.
    pub row: usize,
    pub sku: String,
    /// The product's name (the group's, for a variant row without one).
    pub name: String,
    pub size: Option<String>,
    pub colour: Option<String>,
    pub price: Option<Vnd>,
    /// Warehouse → on-hand count, as the row sets them.
    pub stock: Vec<(String, i64)>,
    pub weight_grams: Option<u32>,
    pub images: Vec<String>,
    /// What the row does; `None` while the file has errors.
    pub action: Option<RowAction>,
    /// The row has at least one error.
    pub has_errors: bool,
}

/// Everything a product import would do, decided before anything is written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProductImportPlan {
    /// Every column of the file, with the field it was understood as (`None`: ignored).
    pub columns: Vec<(String, Option<ProductField>)>,
    /// The delimiter found; `None` for rows given as cells.
    pub delimiter: Option<char>,
    /// New and updated products, whole records, in the order the file first names them.
    /// Empty unless [`ProductImportPlan::is_ok`].
    pub products: Vec<Product>,
    /// How many of `products` are new.
    pub created: usize,
    /// How many of `products` are existing products with changes.
    pub updated: usize,
    /// Warehouses the file stocks that are neither the default nor in the catalog yet, for the
    /// panel to add to the settings.
    pub new_warehouses: Vec<String>,
    /// Every problem, file-level first, then by row.
    pub errors: Vec<ProductImportError>,
    /// Data rows read (blank rows not counted).
    pub rows: usize,
    /// The first [`PREVIEW_ROWS`] data rows.
    pub preview: Vec<ProductPreviewRow>,
}

impl ProductImportPlan {
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

    /// Writes the plan into `catalog`: each product replaces the one with its id, or is added.
    /// Does nothing unless [`ProductImportPlan::is_ok`].
    pub fn apply(&self, catalog: &mut Catalog) {
        if !self.is_ok() {
            return;
        }
        let at: HashMap<String, usize> = catalog
            .products
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.clone(), i))
            .collect();
        for product in &self.products {
            match at.get(&product.id) {
                Some(&i) => catalog.products[i] = product.clone(),
                None => catalog.products.push(product.clone()),
            }
        }
    }

    /// A plan that only says the file cannot be read (for a workbook, [`XlsxError`] converts
    /// into the kind).
    pub fn failed(kind: ProductImportErrorKind) -> ProductImportPlan {
        ProductImportPlan {
            errors: vec![ProductImportError::file(kind)],
            ..ProductImportPlan::default()
        }
    }
}

/// Reads a CSV file of products and decides what importing it into `existing` does. Pure: the
/// caller writes `products` in one transaction, and only if [`ProductImportPlan::is_ok`].
///
/// The file is read by the customer import's CSV reader ([`nobi_tabular::csv_rows`]): the same
/// encodings, delimiters, row numbers and quote problems.
///
/// `warehouse_default` is the warehouse of a plain "Tồn kho" column (the settings' first);
/// `new_id` supplies the ids of new products.
pub fn plan_product_import(
    bytes: &[u8],
    existing: &Catalog,
    warehouse_default: &str,
    new_id: &mut dyn FnMut() -> String,
) -> ProductImportPlan {
    let csv = match csv_rows(bytes) {
        Ok(csv) => csv,
        Err(kind) => return ProductImportPlan::failed(kind.into()),
    };
    let lines = csv
        .records
        .into_iter()
        .map(|record| Line {
            row: record.row,
            cells: match record.problem {
                Some(kind) => Err(kind.into()),
                None => Ok(record.cells),
            },
        })
        .collect();
    plan_rows(
        lines,
        Some(char::from(csv.delimiter)),
        existing,
        warehouse_default,
        new_id,
    )
}

/// Like [`plan_product_import`], from rows already split into cells (a spreadsheet's sheet):
/// `rows[i]` is the sheet's row `i + 1`, blank rows included, header first.
pub fn plan_product_import_rows(
    rows: Vec<Vec<String>>,
    existing: &Catalog,
    warehouse_default: &str,
    new_id: &mut dyn FnMut() -> String,
) -> ProductImportPlan {
    let lines = rows
        .into_iter()
        .enumerate()
        .map(|(i, cells)| Line {
            row: i + 1,
            cells: Ok(cells),
        })
        .collect();
    plan_rows(lines, None, existing, warehouse_default, new_id)
}

/// One row of the file: its number as the file shows it, and its cells or what is wrong with
/// the row as a whole (a quote problem).
struct Line {
    row: usize,
    cells: Result<Vec<String>, ProductImportErrorKind>,
}

/// What a plan holds no writes with.
fn clear_writes(plan: &mut ProductImportPlan) {
    plan.products.clear();
    plan.created = 0;
    plan.updated = 0;
    for p in &mut plan.preview {
        p.action = None;
    }
}

/// What one row says about its variant.
#[derive(Default)]
struct RowData {
    row: usize,
    sku: String,
    name: String,
    parent: String,
    size: Option<String>,
    colour: Option<String>,
    price: Option<Vnd>,
    /// The price cell was filled but not read.
    price_error: bool,
    stock: Vec<(String, i64)>,
    weight: Option<u32>,
    images: Vec<String>,
    has_errors: bool,
    action: Option<Planned>,
}

/// Where a valid row goes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Target {
    /// The existing product at this index of the catalog.
    Existing(usize),
    /// The new product of this group.
    New(usize),
}

#[derive(Clone, Copy)]
struct Planned {
    target: Target,
    /// The SKU is a variant of the target already.
    update: bool,
}

/// The group of rows that are variants of one product.
#[derive(Clone, PartialEq, Eq, Hash)]
enum GroupKey {
    Parent(String),
    Name(String),
    /// Rows without parent code or name whose SKU the catalog has: that product.
    Existing(usize),
}

struct Group {
    /// The first non-empty product name of its rows.
    name: String,
    rows: Vec<usize>,
}

fn plan_rows(
    mut lines: Vec<Line>,
    delimiter: Option<char>,
    existing: &Catalog,
    warehouse_default: &str,
    new_id: &mut dyn FnMut() -> String,
) -> ProductImportPlan {
    for cell in lines
        .iter_mut()
        .filter_map(|l| l.cells.as_mut().ok())
        .flatten()
    {
        let trimmed = cell.trim();
        if trimmed.len() != cell.len() {
            *cell = trimmed.to_owned();
        }
    }
    let mut plan = ProductImportPlan {
        delimiter,
        ..ProductImportPlan::default()
    };
    let blank = |l: &Line| {
        l.cells
            .as_ref()
            .is_ok_and(|c| c.iter().all(String::is_empty))
    };
    let Some(header_at) = lines.iter().position(|l| !blank(l)) else {
        plan.errors
            .push(ProductImportError::file(ProductImportErrorKind::Empty));
        return plan;
    };
    let data_rows = lines[header_at + 1..].iter().filter(|l| !blank(l)).count();
    if data_rows > MAX_ROWS {
        plan.errors.push(ProductImportError::file(
            ProductImportErrorKind::TooManyRows { rows: data_rows },
        ));
        return plan;
    }
    let header = match &lines[header_at].cells {
        Ok(cells) => cells,
        Err(kind) => {
            // A quote problem in the header row: nothing can be read.
            plan.errors.push(ProductImportError {
                row: Some(lines[header_at].row),
                column: None,
                kind: kind.clone(),
            });
            return plan;
        }
    };

    // Warehouses the shop has: the default and those the catalog stocks. A file's warehouse
    // name matches one of them without case or diacritics.
    let default = warehouse_default.trim();
    let mut known: Vec<&str> = vec![default];
    for p in &existing.products {
        for v in &p.variants {
            for w in v.stock.keys() {
                if !known.contains(&w.as_str()) {
                    known.push(w);
                }
            }
        }
    }
    let canonical = |name: &str| -> Option<String> {
        let key = fold_str(name);
        known
            .iter()
            .find(|k| !k.is_empty() && fold_str(k) == key)
            .map(|k| (*k).to_owned())
    };

    // Columns: each field once (best rank, then leftmost), except images (all) and stock (once
    // per warehouse).
    let mut found: Vec<Option<(ProductField, u8)>> = header
        .iter()
        .map(|h| {
            classify_header(h).map(|(field, rank)| match field {
                ProductField::Stock { warehouse: Some(w) } => match canonical(&w) {
                    Some(k) if k == default => (ProductField::Stock { warehouse: None }, rank),
                    Some(k) => (ProductField::Stock { warehouse: Some(k) }, rank),
                    None => (ProductField::Stock { warehouse: Some(w) }, rank),
                },
                other => (other, rank),
            })
        })
        .collect();
    let mut chosen: Vec<Option<ProductField>> = vec![None; header.len()];
    for i in 0..found.len() {
        let Some((field, rank)) = found[i].clone() else {
            continue;
        };
        if field == ProductField::Images {
            chosen[i] = Some(field);
            continue;
        }
        let best = found
            .iter()
            .enumerate()
            .filter_map(|(j, f)| f.as_ref().map(|(f, r)| (j, f, *r)))
            .filter(|(_, f, _)| **f == field)
            .min_by_key(|&(j, _, r)| (r, j))
            .map(|(j, _, _)| j);
        if best == Some(i) {
            chosen[i] = Some(field);
        } else if field == ProductField::Sku && rank == 2 {
            // "Mã sản phẩm" beside a better SKU column is the product's code: the parent.
            found[i] = Some((ProductField::Parent, 3));
        }
    }
    // A demoted product code is the parent only if the file has no parent column of its own.
    if !chosen.contains(&Some(ProductField::Parent)) {
        if let Some(i) = (0..found.len())
            .find(|&i| chosen[i].is_none() && found[i] == Some((ProductField::Parent, 3)))
        {
            chosen[i] = Some(ProductField::Parent);
        }
    }
    plan.columns = header.iter().cloned().zip(chosen.iter().cloned()).collect();
    if !chosen.contains(&Some(ProductField::Sku)) {
        plan.errors.push(ProductImportError::file(
            ProductImportErrorKind::NoSkuColumn,
        ));
        return plan;
    }
    if default.is_empty() && chosen.contains(&Some(ProductField::Stock { warehouse: None })) {
        plan.errors.push(ProductImportError::file(
            ProductImportErrorKind::NoDefaultWarehouse,
        ));
        return plan;
    }
    for field in chosen.iter().flatten() {
        if let ProductField::Stock { warehouse: Some(w) } = field {
            if canonical(w).is_none() && !plan.new_warehouses.contains(w) {
                plan.new_warehouses.push(w.clone());
            }
        }
    }

    // Read every row.
    let mut data: Vec<RowData> = Vec::new();
    for line in &lines[header_at + 1..] {
        let row = line.row;
        let cells = match &line.cells {
            Ok(cells) => cells,
            Err(kind) => {
                // A quote problem: the row's cells are not read.
                plan.rows += 1;
                plan.errors.push(ProductImportError {
                    row: Some(row),
                    column: None,
                    kind: kind.clone(),
                });
                continue;
            }
        };
        // Text beyond the header's columns is an error; a row with text only in ignored
        // columns (an "STT" column numbered further down than the data) is skipped.
        let width = cells
            .iter()
            .rposition(|c| !c.is_empty())
            .map_or(0, |i| i + 1);
        let beyond = width > plan.columns.len();
        let empty = plan
            .columns
            .iter()
            .zip(cells)
            .all(|((_, f), c)| f.is_none() || c.is_empty());
        if empty && !beyond {
            continue;
        }
        plan.rows += 1;
        let (mut values, mut errors) = read_row(row, cells, &plan.columns, default);
        if beyond {
            errors.insert(
                0,
                ProductImportError {
                    row: Some(row),
                    column: None,
                    kind: ProductImportErrorKind::TooManyColumns {
                        found: width,
                        expected: plan.columns.len(),
                    },
                },
            );
        }
        values.has_errors = !errors.is_empty();
        plan.errors.append(&mut errors);
        data.push(values);
    }
    if plan.rows == 0 {
        plan.errors
            .push(ProductImportError::file(ProductImportErrorKind::NoRows));
        return plan;
    }
    let column_of = |f: &ProductField| -> Option<String> {
        plan.columns
            .iter()
            .find(|(_, c)| c.as_ref() == Some(f))
            .map(|(h, _)| h.clone())
    };
    let sku_column = column_of(&ProductField::Sku);
    let mut row_errors: Vec<ProductImportError> = Vec::new();
    let mut error = |data: &mut RowData, column: Option<String>, kind| {
        data.has_errors = true;
        row_errors.push(ProductImportError {
            row: Some(data.row),
            column,
            kind,
        });
    };

    // Duplicates within the file.
    let mut first_row: HashMap<String, usize> = HashMap::new();
    for d in &mut data {
        if d.sku.is_empty() {
            continue;
        }
        match first_row.get(&d.sku) {
            Some(&first) => error(
                d,
                sku_column.clone(),
                ProductImportErrorKind::DuplicateSku {
                    sku: d.sku.clone(),
                    first_row: first,
                },
            ),
            None => {
                first_row.insert(d.sku.clone(), d.row);
            }
        }
    }

    // The catalog's SKUs.
    let mut variant_of: HashMap<&str, usize> = HashMap::new();
    for (i, p) in existing.products.iter().enumerate() {
        for v in &p.variants {
            variant_of.entry(v.sku.trim()).or_insert(i);
        }
    }
    let combos: HashSet<&str> = existing.combos.iter().map(|c| c.sku.trim()).collect();

    // Groups of variants.
    let mut groups: Vec<Group> = Vec::new();
    let mut group_of: HashMap<GroupKey, usize> = HashMap::new();
    for (i, d) in data.iter_mut().enumerate() {
        // No SKU, or a duplicate: already reported, and nothing more to say about the row.
        if d.sku.is_empty() || first_row.get(&d.sku) != Some(&d.row) {
            continue;
        }
        if combos.contains(d.sku.as_str()) {
            let sku = d.sku.clone();
            error(
                d,
                sku_column.clone(),
                ProductImportErrorKind::SkuIsCombo { sku },
            );
            continue;
        }
        let key = if !d.parent.is_empty() {
            GroupKey::Parent(d.parent.clone())
        } else if !d.name.is_empty() {
            GroupKey::Name(fold_str(&d.name))
        } else if let Some(&p) = variant_of.get(d.sku.as_str()) {
            GroupKey::Existing(p)
        } else {
            let sku = d.sku.clone();
            error(d, None, ProductImportErrorKind::MissingName { sku });
            continue;
        };
        let g = *group_of.entry(key).or_insert_with(|| {
            groups.push(Group {
                name: String::new(),
                rows: Vec::new(),
            });
            groups.len() - 1
        });
        if groups[g].name.is_empty() {
            groups[g].name = d.name.clone();
        }
        groups[g].rows.push(i);
    }

    // Where each group goes, and what each of its rows does.
    let price_column = column_of(&ProductField::Price);
    let mut by_name: HashMap<String, usize> = HashMap::new();
    for (i, p) in existing.products.iter().enumerate() {
        by_name.entry(fold_str(&p.name)).or_insert(i);
    }
    for (g, group) in groups.iter().enumerate() {
        let target = if !group.name.is_empty() {
            by_name.get(&fold_str(&group.name)).copied()
        } else {
            group
                .rows
                .iter()
                .find_map(|&i| variant_of.get(data[i].sku.as_str()).copied())
        };
        for &i in &group.rows {
            let d = &mut data[i];
            let sku = d.sku.clone();
            if let Some(&q) = variant_of.get(sku.as_str()) {
                if target == Some(q) {
                    d.action = Some(Planned {
                        target: Target::Existing(q),
                        update: true,
                    });
                } else {
                    error(
                        d,
                        sku_column.clone(),
                        ProductImportErrorKind::SkuOfOtherProduct {
                            sku,
                            product: existing.products[q].name.clone(),
                        },
                    );
                }
                continue;
            }
            let to = match target {
                Some(p) => Target::Existing(p),
                None if !group.name.is_empty() => Target::New(g),
                None => {
                    error(d, None, ProductImportErrorKind::MissingName { sku });
                    continue;
                }
            };
            if d.price.is_none() && !d.price_error {
                error(
                    d,
                    price_column.clone(),
                    ProductImportErrorKind::MissingPrice { sku },
                );
                continue;
            }
            d.action = Some(Planned {
                target: to,
                update: false,
            });
        }
    }
    plan.errors.append(&mut row_errors);
    plan.errors.sort_by_key(|e| e.row);

    // Build the products.
    let mut actions: Vec<Option<RowAction>> = vec![None; data.len()];
    if plan.errors.is_empty() {
        let mut out: Vec<Product> = Vec::new();
        let mut index_of: HashMap<Target, usize> = HashMap::new();
        for (i, d) in data.iter().enumerate() {
            let Some(planned) = d.action else {
                continue;
            };
            let at = *index_of.entry(planned.target).or_insert_with(|| {
                out.push(match planned.target {
                    Target::Existing(p) => existing.products[p].clone(),
                    Target::New(g) => Product {
                        id: new_id(),
                        name: groups[g].name.clone(),
                        images: Vec::new(),
                        variants: Vec::new(),
                    },
                });
                out.len() - 1
            });
            let product = &mut out[at];
            if planned.update {
                let Some(v) = product.variants.iter_mut().find(|v| v.sku.trim() == d.sku) else {
                    continue;
                };
                let before = v.clone();
                update_variant(v, d);
                actions[i] = Some(if *v == before {
                    RowAction::Unchanged
                } else {
                    RowAction::Update
                });
            } else {
                product.variants.push(new_variant(d));
                actions[i] = Some(match planned.target {
                    Target::Existing(_) => RowAction::AddVariant,
                    Target::New(_) => RowAction::Create,
                });
            }
        }
        // Keep what changes.
        let mut kept = Vec::new();
        for (target, at) in {
            let mut v: Vec<(Target, usize)> = index_of.into_iter().collect();
            v.sort_by_key(|&(_, at)| at);
            v
        } {
            match target {
                Target::Existing(p) if out[at] == existing.products[p] => {}
                Target::Existing(_) => {
                    plan.updated += 1;
                    kept.push(out[at].clone());
                }
                Target::New(_) => {
                    plan.created += 1;
                    kept.push(out[at].clone());
                }
            }
        }
        plan.products = kept;

        // The catalog after the import must be sound.
        let mut after = existing.clone();
        plan.apply(&mut after);
        for e in after.validate() {
            let sku = match &e {
                CatalogError::UnknownSku(s)
                | CatalogError::DuplicateSku(s)
                | CatalogError::EmptyCombo(s)
                | CatalogError::NegativePrice(s)
                | CatalogError::QuantityOverflow(s) => s.clone(),
                CatalogError::ComboInCombo { combo, .. }
                | CatalogError::ZeroQuantity { combo, .. } => combo.clone(),
            };
            plan.errors.push(ProductImportError {
                row: first_row.get(&sku).copied(),
                column: None,
                kind: ProductImportErrorKind::Catalog(e),
            });
        }
        if !plan.errors.is_empty() {
            clear_writes(&mut plan);
            actions.iter_mut().for_each(|a| *a = None);
        }
    }

    // The preview.
    let group_name: HashMap<usize, &str> = groups
        .iter()
        .flat_map(|g| g.rows.iter().map(move |&i| (i, g.name.as_str())))
        .collect();
    for (i, d) in data.iter().enumerate().take(PREVIEW_ROWS) {
        let name = if d.name.is_empty() {
            match (group_name.get(&i), variant_of.get(d.sku.as_str())) {
                (Some(n), _) if !n.is_empty() => (*n).to_owned(),
                (_, Some(&p)) => existing.products[p].name.clone(),
                _ => String::new(),
            }
        } else {
            d.name.clone()
        };
        plan.preview.push(ProductPreviewRow {
            row: d.row,
            sku: d.sku.clone(),
            name,
            size: d.size.clone(),
            colour: d.colour.clone(),
            price: d.price,
            stock: d.stock.clone(),
            weight_grams: d.weight,
            images: d.images.clone(),
            action: actions[i],
            has_errors: d.has_errors,
        });
    }
    plan
}

/// The values of one row, and its cell errors.
fn read_row(
    row: usize,
    cells: &[String],
    columns: &[(String, Option<ProductField>)],
    default_warehouse: &str,
) -> (RowData, Vec<ProductImportError>) {
    let mut d = RowData {
        row,
        ..RowData::default()
    };
    let mut errors = Vec::new();
    let mut error = |column: &str, kind| {
        errors.push(ProductImportError {
            row: Some(row),
            column: Some(column.to_owned()),
            kind,
        })
    };
    let cell_of = |field: &ProductField| {
        columns
            .iter()
            .zip(cells)
            .find(|((_, f), _)| f.as_ref() == Some(field))
            .map(|(_, c)| c.as_str())
            .filter(|c| !c.is_empty())
    };
    let unit_cell = cell_of(&ProductField::WeightUnit).map(fold_str);
    let row_unit = unit_cell.as_deref().and_then(unit_word);
    let mut options: Vec<(u8, Option<String>, Option<String>)> = Vec::new();
    let mut attributes: Vec<(Option<String>, String)> = Vec::new();
    for ((header, field), cell) in columns.iter().zip(cells) {
        let Some(field) = field else {
            continue;
        };
        if cell.is_empty() {
            continue;
        }
        match field {
            ProductField::Sku => d.sku = cell.clone(),
            ProductField::Name => d.name = cell.clone(),
            ProductField::Parent => d.parent = cell.clone(),
            ProductField::Size => d.size = Some(cell.clone()),
            ProductField::Colour => d.colour = Some(cell.clone()),
            ProductField::Price => match parse_vnd(cell) {
                Ok(v) if v.is_negative() => {
                    d.price_error = true;
                    error(
                        header,
                        ProductImportErrorKind::NegativePrice {
                            value: cell.clone(),
                        },
                    );
                }
                Ok(v) => d.price = Some(v),
                Err(reason) => {
                    d.price_error = true;
                    error(
                        header,
                        ProductImportErrorKind::BadPrice {
                            value: cell.clone(),
                            reason,
                        },
                    );
                }
            },
            ProductField::Stock { warehouse } => match parse_stock(cell) {
                Ok(n) => {
                    let w = warehouse.as_deref().unwrap_or(default_warehouse);
                    d.stock.push((w.to_owned(), n));
                }
                Err(kind) => error(header, kind),
            },
            ProductField::Weight { unit } => match parse_weight(cell, unit.or(row_unit)) {
                Ok(g) => d.weight = Some(g),
                Err(kind) => error(header, kind),
            },
            ProductField::WeightUnit => {
                if row_unit.is_none() {
                    error(
                        header,
                        ProductImportErrorKind::BadWeight {
                            value: cell.clone(),
                        },
                    );
                }
            }
            ProductField::Images => {
                for part in cell
                    .split([',', '|', ';', '\n', '\r', ' ', '\t'])
                    .filter(|p| !p.is_empty())
                {
                    match image_link(part) {
                        Some(link) => {
                            if !d.images.contains(&link) {
                                d.images.push(link);
                            }
                        }
                        None => error(
                            header,
                            ProductImportErrorKind::BadImage {
                                value: part.to_owned(),
                            },
                        ),
                    }
                }
            }
            ProductField::Attributes => {
                for part in cell.split(['|', ';', '\n']).map(str::trim) {
                    match part.split_once(':') {
                        Some((name, value)) => {
                            attributes.push((Some(name.trim().to_owned()), value.trim().to_owned()))
                        }
                        None if !part.is_empty() => attributes.push((None, part.to_owned())),
                        None => {}
                    }
                }
            }
            ProductField::OptionName(n) | ProductField::OptionValue(n) => {
                let at = match options.iter().position(|(m, _, _)| m == n) {
                    Some(at) => at,
                    None => {
                        options.push((*n, None, None));
                        options.len() - 1
                    }
                };
                if matches!(field, ProductField::OptionName(_)) {
                    options[at].1 = Some(cell.clone());
                } else {
                    options[at].2 = Some(cell.clone());
                }
            }
        }
    }
    options.sort_by_key(|(n, _, _)| *n);
    let pairs = options
        .into_iter()
        .filter_map(|(_, name, value)| value.map(|v| (name, v)))
        .chain(attributes);
    for (name, value) in pairs {
        assign_option(&mut d, name.as_deref(), &value);
    }
    if d.sku.is_empty() {
        errors.push(ProductImportError {
            row: Some(row),
            column: None,
            kind: ProductImportErrorKind::MissingSku,
        });
    }
    (d, errors)
}

/// Puts an option's value in the size or the colour: by its name, else in whichever is empty
/// (size first), else after the size ("M / Cotton"). A size or colour column wins over options.
fn assign_option(d: &mut RowData, name: Option<&str>, value: &str) {
    let value = value.trim();
    if value.is_empty() {
        return;
    }
    let name = name.map(fold_str).unwrap_or_default();
    if SIZE_NAMES.contains(&name.as_str()) {
        d.size.get_or_insert_with(|| value.to_owned());
    } else if COLOUR_NAMES.contains(&name.as_str()) {
        d.colour.get_or_insert_with(|| value.to_owned());
    } else if d.size.is_none() {
        d.size = Some(value.to_owned());
    } else if d.colour.is_none() {
        d.colour = Some(value.to_owned());
    } else if let Some(size) = &mut d.size {
        size.push_str(" / ");
        size.push_str(value);
    }
}

fn new_variant(d: &RowData) -> Variant {
    let mut v = Variant {
        sku: d.sku.clone(),
        size: d.size.clone(),
        colour: d.colour.clone(),
        price: d.price.unwrap_or_default(),
        weight_grams: d.weight.unwrap_or(0),
        images: d.images.clone(),
        ..Variant::default()
    };
    for (w, n) in &d.stock {
        v.stock.insert(
            w.clone(),
            StockLevel {
                on_hand: *n,
                reserved: 0,
            },
        );
    }
    v
}

/// Price, weight and stock counts from filled cells; images added; size and colour only where
/// the variant has none.
fn update_variant(v: &mut Variant, d: &RowData) {
    if let Some(price) = d.price {
        v.price = price;
    }
    if let Some(w) = d.weight {
        v.weight_grams = w;
    }
    for (w, n) in &d.stock {
        v.stock.entry(w.clone()).or_default().on_hand = *n;
    }
    for image in &d.images {
        if !v.images.contains(image) {
            v.images.push(image.clone());
        }
    }
    if v.size.as_deref().is_none_or(|s| s.trim().is_empty()) {
        if let Some(size) = &d.size {
            v.size = Some(size.clone());
        }
    }
    if v.colour.as_deref().is_none_or(|s| s.trim().is_empty()) {
        if let Some(colour) = &d.colour {
            v.colour = Some(colour.clone());
        }
    }
}

/// An `http(s)` link, or Haravan's protocol-relative `//cdn...` with `https:` added.
fn image_link(part: &str) -> Option<String> {
    let lower = part.to_ascii_lowercase();
    if let Some(host) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    {
        return host.contains('.').then(|| part.to_owned());
    }
    let host = lower.strip_prefix("//")?;
    host.contains('.').then(|| format!("https:{part}"))
}

/// Digits in thousands groups ("1.200", "1,200", "1 200"): the number, if the groups are whole.
fn grouped_integer(text: &str) -> Option<u64> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if digits(text) {
        return text.parse().ok();
    }
    let sep = text.chars().find(|c| matches!(c, '.' | ',' | ' '))?;
    let parts: Vec<&str> = text.split(sep).collect();
    let ok = parts.len() >= 2
        && (1..=3).contains(&parts[0].len())
        && parts.iter().all(|p| digits(p))
        && parts[1..].iter().all(|p| p.len() == 3);
    ok.then(|| parts.concat().parse().ok()).flatten()
}

/// A stock count: a whole number, thousands groups allowed ("1.200"), and a spreadsheet's
/// "12.0" read as 12.
fn parse_stock(cell: &str) -> Result<i64, ProductImportErrorKind> {
    let bad = || ProductImportErrorKind::BadStock {
        value: cell.to_owned(),
    };
    let t = cell.trim();
    let (negative, number) = match t.strip_prefix(['-', '\u{2212}']) {
        Some(rest) => (true, rest.trim_start()),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let number = match number.split_once(['.', ',']) {
        Some((int, zeros))
            if (1..=2).contains(&zeros.len()) && zeros.bytes().all(|b| b == b'0') =>
        {
            int
        }
        _ => number,
    };
    let value = grouped_integer(number)
        .and_then(|n| i64::try_from(n).ok())
        .ok_or_else(bad)?;
    if negative && value > 0 {
        return Err(ProductImportErrorKind::NegativeStock {
            value: cell.to_owned(),
        });
    }
    Ok(value)
}

/// A weight in grams: "500", "500g", "1.200" (thousands), "0,5kg", "1.25 kg"; bare numbers in
/// `default_unit` when there is one. A bare decimal without any unit is ambiguous.
fn parse_weight(
    cell: &str,
    default_unit: Option<WeightUnit>,
) -> Result<u32, ProductImportErrorKind> {
    let bad = || ProductImportErrorKind::BadWeight {
        value: cell.to_owned(),
    };
    let t = cell.trim();
    let split = t.find(|c: char| c.is_alphabetic()).unwrap_or(t.len());
    let (number, unit_text) = (t[..split].trim(), t[split..].trim());
    let unit = if unit_text.is_empty() {
        default_unit
    } else {
        Some(unit_word(&fold_str(unit_text).replace(' ', "")).ok_or_else(bad)?)
    };
    if number.is_empty() || number.starts_with(['-', '\u{2212}']) {
        return Err(bad());
    }
    let grams: u64 = match unit {
        Some(WeightUnit::Kilogram) => {
            // A decimal point either way: "1,5", "1.25", "1.200" (1,2 kg).
            let (int, frac) = match number.split_once(['.', ',']) {
                Some((i, f)) => (i, f),
                None => (number, ""),
            };
            let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
            if int.is_empty() || !digits(int) || !digits(frac) || frac.len() > 3 {
                return Err(bad());
            }
            let int: u64 = int.parse().map_err(|_| bad())?;
            let frac_grams: u64 = if frac.is_empty() {
                0
            } else {
                frac.parse::<u64>().map_err(|_| bad())? * 10u64.pow(3 - frac.len() as u32)
            };
            int.checked_mul(1_000)
                .and_then(|g| g.checked_add(frac_grams))
                .ok_or_else(bad)?
        }
        Some(WeightUnit::Gram) => grouped_integer(number).ok_or_else(bad)?,
        None => match grouped_integer(number) {
            Some(g) => g,
            None => {
                let decimal = number.split_once(['.', ',']).is_some_and(|(i, f)| {
                    !i.is_empty()
                        && !f.is_empty()
                        && i.bytes().all(|b| b.is_ascii_digit())
                        && f.bytes().all(|b| b.is_ascii_digit())
                });
                return Err(if decimal {
                    ProductImportErrorKind::AmbiguousWeight {
                        value: cell.to_owned(),
                    }
                } else {
                    bad()
                });
            }
        },
    };
    u32::try_from(grams).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_understood() {
        let f = |h: &str| classify_header(h).map(|(f, _)| f);
        assert_eq!(f("Mã SKU*"), Some(ProductField::Sku));
        assert_eq!(f("MÃ HÀNG"), Some(ProductField::Sku));
        assert_eq!(f("Tên hàng"), Some(ProductField::Name));
        assert_eq!(f("Giá (Variant Price)"), Some(ProductField::Price));
        assert_eq!(f("Variant Price"), Some(ProductField::Price));
        assert_eq!(f("Tồn kho"), Some(ProductField::Stock { warehouse: None }));
        assert_eq!(
            f("Tồn kho: Kho HCM"),
            Some(ProductField::Stock {
                warehouse: Some("Kho HCM".into())
            })
        );
        assert_eq!(
            f("Kho Đà Nẵng"),
            Some(ProductField::Stock {
                warehouse: Some("Kho Đà Nẵng".into())
            })
        );
        assert_eq!(f("Kho hàng"), None);
        assert_eq!(
            f("Khối lượng (kg)"),
            Some(ProductField::Weight {
                unit: Some(WeightUnit::Kilogram)
            })
        );
        assert_eq!(
            f("Cân nặng gram"),
            Some(ProductField::Weight {
                unit: Some(WeightUnit::Gram)
            })
        );
        assert_eq!(f("Hình ảnh (url1,url2...)"), Some(ProductField::Images));
        assert_eq!(f("Ảnh 2"), Some(ProductField::Images));
        assert_eq!(f("Thuộc tính 1"), Some(ProductField::OptionName(1)));
        assert_eq!(
            f("Giá trị thuộc tính 2"),
            Some(ProductField::OptionValue(2))
        );
        assert_eq!(f("Option1 Value"), Some(ProductField::OptionValue(1)));
        assert_eq!(f("Thuộc tính"), Some(ProductField::Attributes));
        assert_eq!(
            f("Nhóm hàng(3 Cấp)"),
            None,
            "a category is not a variant group"
        );
        assert_eq!(f("Giá vốn"), None);
        assert_eq!(
            ProductField::Stock {
                warehouse: Some("Kho HCM".into())
            }
            .label(Lang::Vi),
            "Tồn kho: Kho HCM"
        );
        assert_eq!(
            ProductField::OptionValue(2).label(Lang::En),
            "Option 2 value"
        );
        assert_eq!(ProductField::Sku.label(Lang::Vi), "Mã SKU");
        assert_eq!(f("Giá nhập"), None);
    }

    #[test]
    fn weights_in_grams() {
        let w = |s: &str| parse_weight(s, None);
        assert_eq!(w("500"), Ok(500));
        assert_eq!(w("500g"), Ok(500));
        assert_eq!(w("500 gr"), Ok(500));
        assert_eq!(w("1.200"), Ok(1_200));
        assert_eq!(w("0,5kg"), Ok(500));
        assert_eq!(w("0.5 KG"), Ok(500));
        assert_eq!(w("1,25kg"), Ok(1_250));
        assert_eq!(w("2kg"), Ok(2_000));
        assert_eq!(parse_weight("0,5", Some(WeightUnit::Kilogram)), Ok(500));
        assert_eq!(parse_weight("300", Some(WeightUnit::Gram)), Ok(300));
        assert!(matches!(
            w("0,5"),
            Err(ProductImportErrorKind::AmbiguousWeight { .. })
        ));
        for bad in ["-5", "abc", "5 tấn", "0,5g", "1,2345kg", "9999999kg"] {
            assert!(
                matches!(w(bad), Err(ProductImportErrorKind::BadWeight { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn stock_counts() {
        assert_eq!(parse_stock("12"), Ok(12));
        assert_eq!(parse_stock("1.200"), Ok(1_200));
        assert_eq!(parse_stock("12.0"), Ok(12));
        assert_eq!(parse_stock("0"), Ok(0));
        assert_eq!(parse_stock("-0"), Ok(0));
        assert!(matches!(
            parse_stock("-3"),
            Err(ProductImportErrorKind::NegativeStock { .. })
        ));
        for bad in ["1,5", "abc", "12 cái", "1.2.3"] {
            assert!(
                matches!(
                    parse_stock(bad),
                    Err(ProductImportErrorKind::BadStock { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn image_links() {
        assert_eq!(
            image_link("https://cdn.shop.vn/a.jpg"),
            Some("https://cdn.shop.vn/a.jpg".into())
        );
        assert_eq!(
            image_link("//product.hstatic.net/a.jpg"),
            Some("https://product.hstatic.net/a.jpg".into())
        );
        assert_eq!(image_link("ao-len.jpg"), None);
        assert_eq!(image_link("https://"), None);
    }
}
