//! The first worksheet of an Excel workbook (`.xlsx`: Excel, Google Sheets' "Download as
//! .xlsx", LibreOffice), as rows of text for `nobi_crm::import::plan_import_rows`.
//!
//! [`read_first_sheet`] does it all: [`Workbook::open`] reads the zip's directory with the `zip`
//! crate, [`Workbook::part`] inflates a part with `flate2` (miniz_oxide, pure Rust, so the same
//! code runs natively and in the panel's wasm, synchronously), [`Workbook::sheet_parts`] picks
//! the first visible worksheet (tab order of `workbook.xml`, through the relationships; else
//! `xl/worksheets/sheet1.xml`) and the shared strings, and [`sheet_rows`] reads the cells.
//!
//! # What is read
//!
//! - Zip entries stored (method 0) or deflated (method 8); zip64 end records and sizes (the
//!   `zip` crate reads the directory). Encrypted entries are refused ([`XlsxError::Encrypted`]);
//!   any other method is [`XlsxError::Damaged`].
//! - Cells `<c r="B3" t="…">`: shared strings (`s`, plain or rich text, phonetic runs left
//!   out), inline strings (`inlineStr`), formula results (`str`), booleans (`b` → `TRUE` /
//!   `FALSE`), errors (`e`, as written: `#N/A`), ISO dates (`d`), and numbers (`n`), which stay
//!   as written except that an integer written as a float (`912345678.0`, `9.12345678E8`, as
//!   pandas and some tools write them) is written as the integer, the way Excel shows it.
//!   A phone stored as a number has lost its leading 0: the importer restores it. A date
//!   stored as a number stays a number here (styles are not read); the importer reads it as a
//!   date in a birthday column.
//! - The column letters place every cell, so empty cells keep the columns aligned; cells and
//!   rows without `r` follow the previous one.
//! - Element names are matched without their namespace prefix (`<x:c>` as written by the
//!   OpenXML SDK). Entities `&amp; &lt; &gt; &quot; &apos; &#NN; &#xNN;`, CDATA, comments;
//!   Excel's `_xHHHH_` escapes of control characters (`_x000D_`) in text.
//! - `xml:space`: a text run keeps its spaces; only whitespace that holds a line break at the
//!   start or end of a run without `xml:space="preserve"` (pretty-printing) is dropped.
//!
//! # Limits
//!
//! A part may declare at most [`MAX_PART_SIZE`] bytes, and the rows at most [`MAX_CELLS`] cells
//! (empty cells left of a filled one count): [`XlsxError::TooLarge`]. Inflating stops one byte
//! past the declared size, so a part that lies about its size (a zip bomb) costs at most
//! [`MAX_PART_SIZE`] bytes before it is refused as damaged.

/// The most bytes one part of the workbook may declare, inflated.
pub const MAX_PART_SIZE: u64 = 256 << 20;

/// The most cells the rows of one sheet may hold.
pub const MAX_CELLS: usize = 4_000_000;

/// Excel's last row and column (XFD).
const MAX_ROW: usize = 1_048_576;
const MAX_COLUMN: usize = 16_384;

/// Why a workbook cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum XlsxError {
    /// Not a readable zip, an unknown compression method, a part that does not inflate to what
    /// the directory says, or XML that is not well-formed. `detail` says where, for support.
    Damaged { detail: String },
    /// The parts needed are encrypted (a password was set on the zip).
    Encrypted,
    /// A zip without worksheets (a `.docx`, an `.ods`, a zip of other files).
    NoWorksheet,
    /// Over [`MAX_PART_SIZE`] or [`MAX_CELLS`].
    TooLarge,
}

use flate2::read::DeflateDecoder;
use std::io::{Cursor, Read};
use zip::{CompressionMethod, ZipArchive};

fn damaged(detail: impl Into<String>) -> XlsxError {
    XlsxError::Damaged {
        detail: detail.into(),
    }
}

/// Returns true if and only if the bytes start as a zip file does (an `.xlsx` is a zip).
pub fn is_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// The names of the parts [`sheet_rows`] reads, as the zip spells them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetParts {
    /// The first visible worksheet (`xl/worksheets/sheet2.xml`).
    pub sheet: String,
    /// The shared strings (`xl/sharedStrings.xml`), if the workbook has them.
    pub shared_strings: Option<String>,
}

const WORKBOOK: &str = "xl/workbook.xml";
const WORKBOOK_RELS: &str = "xl/_rels/workbook.xml.rels";
const SHEET1: &str = "xl/worksheets/sheet1.xml";
const SHARED_STRINGS: &str = "xl/sharedstrings.xml";

/// Lower case, `/` separators, no leading `/`: zip names in an `.xlsx` are case-insensitive.
fn normalise(name: &str) -> String {
    name.trim_start_matches(['/', '\\'])
        .replace('\\', "/")
        .to_ascii_lowercase()
}

/// An opened workbook: the zip's directory, read by the `zip` crate, and its parts by name.
pub struct Workbook<'b> {
    zip: ZipArchive<Cursor<&'b [u8]>>,
    /// Every entry: its normalised name, its name as written, its index in the zip.
    entries: Vec<(String, String, usize)>,
}

impl<'b> Workbook<'b> {
    /// Reads the zip's directory. [`XlsxError::NoWorksheet`] when it has neither
    /// `xl/workbook.xml` nor a worksheet.
    pub fn open(bytes: &'b [u8]) -> Result<Workbook<'b>, XlsxError> {
        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(format!("zip: {e}")))?;
        let entries = (0..zip.len())
            .filter_map(|i| {
                zip.name_for_index(i)
                    .map(|n| (normalise(n), n.to_owned(), i))
            })
            .collect();
        let workbook = Workbook { zip, entries };
        if workbook.find(WORKBOOK).is_none() && workbook.worksheet_names().is_empty() {
            return Err(XlsxError::NoWorksheet);
        }
        Ok(workbook)
    }

    /// The entry named `name` (without case): its name as written and its index.
    fn find(&self, name: &str) -> Option<(&str, usize)> {
        let key = normalise(name);
        self.entries
            .iter()
            .find(|(n, _, _)| *n == key)
            .map(|(_, written, i)| (written.as_str(), *i))
    }

    fn worksheet_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .entries
            .iter()
            .map(|(n, _, _)| n.as_str())
            .filter(|n| is_worksheet_name(n))
            .collect();
        // sheet2 before sheet10.
        names.sort_by_key(|n| (n.len(), *n));
        names
    }

    /// The text of the part `name` (found without case), or `None` when the zip has no such
    /// part. The part is inflated at most to the size the directory declares (so a zip bomb
    /// stops there), then checked against that size and the CRC-32; a byte-order mark is dropped.
    pub fn part(&mut self, name: &str) -> Option<Result<String, XlsxError>> {
        let (written, index) = self.find(name)?;
        let written = written.to_owned();
        Some(self.read(index, &written))
    }

    fn read(&mut self, index: usize, name: &str) -> Result<String, XlsxError> {
        let mut file = self
            .zip
            .by_index_raw(index)
            .map_err(|e| damaged(format!("{name}: {e}")))?;
        let method = method_number(file.compression());
        // Bit 0 of the flags: encrypted (method 99 is WinZip's AES, which sets it too).
        if file.encrypted() || method == Some(99) {
            return Err(XlsxError::Encrypted);
        }
        let size = file.size();
        if size > MAX_PART_SIZE {
            return Err(XlsxError::TooLarge);
        }
        let crc = file.crc32();
        // One byte more than declared, so that a part that inflates larger is seen, not read.
        let limit = size + 1;
        let mut inflated = Vec::with_capacity(size.min(16 << 20) as usize);
        let read = match method {
            Some(0) => (&mut file).take(limit).read_to_end(&mut inflated),
            Some(8) => DeflateDecoder::new(&mut file)
                .take(limit)
                .read_to_end(&mut inflated),
            Some(other) => return Err(damaged(format!("{name}: compression method {other}"))),
            None => return Err(damaged(format!("{name}: compression method"))),
        };
        read.map_err(|_| damaged(format!("{name}: inflate")))?;
        if inflated.len() as u64 != size {
            return Err(damaged(format!(
                "{name}: {} bytes, {size} expected",
                inflated.len()
            )));
        }
        if crc32fast::hash(&inflated) != crc {
            return Err(damaged(format!("{name}: CRC")));
        }
        let mut text =
            String::from_utf8(inflated).map_err(|_| damaged(format!("{name}: not UTF-8")))?;
        if text.starts_with('\u{feff}') {
            text.drain(..3);
        }
        Ok(text)
    }

    /// The first visible worksheet and the shared strings, from the text of `workbook.xml`
    /// and of its relationships (`None` when the zip has no such part): the first sheet in tab
    /// order whose relationship is a worksheet; else `xl/worksheets/sheet1.xml`; else the
    /// worksheet with the lowest number.
    pub fn sheet_parts(
        &self,
        workbook_xml: Option<&str>,
        rels_xml: Option<&str>,
    ) -> Result<SheetParts, XlsxError> {
        let rels = match rels_xml {
            Some(xml) => relationships(xml)?,
            None => Vec::new(),
        };
        let mut sheet = None;
        if let Some(xml) = workbook_xml {
            for id in sheet_ids(xml)? {
                let Some(rel) = rels.iter().find(|r| r.id == id) else {
                    continue;
                };
                if !rel.kind.ends_with("/worksheet") {
                    continue; // a chart sheet, a dialog sheet
                }
                if let Some((name, _)) = self.find(&rel.target) {
                    sheet = Some(name);
                    break;
                }
            }
        }
        let sheet = match sheet {
            Some(name) => name,
            None => {
                let name = match self.find(SHEET1) {
                    Some(_) => SHEET1,
                    None => *self
                        .worksheet_names()
                        .first()
                        .ok_or(XlsxError::NoWorksheet)?,
                };
                self.find(name).ok_or(XlsxError::NoWorksheet)?.0
            }
        };
        let shared = rels
            .iter()
            .filter(|r| r.kind.ends_with("/sharedStrings"))
            .find_map(|r| self.find(&r.target))
            .or_else(|| self.find(SHARED_STRINGS))
            .map(|(name, _)| name.to_owned());
        Ok(SheetParts {
            sheet: sheet.to_owned(),
            shared_strings: shared,
        })
    }
}

/// A zip compression method's number (0 stored, 8 deflate), as the `zip` crate names them.
#[allow(deprecated)]
fn method_number(method: CompressionMethod) -> Option<u16> {
    match method {
        CompressionMethod::Stored => Some(0),
        CompressionMethod::Deflated => Some(8),
        CompressionMethod::Unsupported(n) => Some(n),
        _ => None,
    }
}

fn is_worksheet_name(name: &str) -> bool {
    name.strip_prefix("xl/worksheets/")
        .is_some_and(|rest| !rest.contains('/') && rest.ends_with(".xml"))
}

/// The rows of the workbook's first visible worksheet (see [`sheet_rows`]).
pub fn read_first_sheet(bytes: &[u8]) -> Result<Vec<Vec<String>>, XlsxError> {
    let mut workbook = Workbook::open(bytes)?;
    let workbook_xml = workbook.part(WORKBOOK).transpose()?;
    let rels_xml = workbook.part(WORKBOOK_RELS).transpose()?;
    let parts = workbook.sheet_parts(workbook_xml.as_deref(), rels_xml.as_deref())?;
    let sheet_xml = workbook
        .part(&parts.sheet)
        .ok_or(XlsxError::NoWorksheet)??;
    let shared = match &parts.shared_strings {
        Some(name) => workbook.part(name).transpose()?,
        None => None,
    };
    sheet_rows(&sheet_xml, shared.as_deref())
}

// ---------------------------------------------------------------------------------------------
// A small XML scanner: enough for the workbook's own parts, checking that tags nest.

#[derive(Debug)]
enum Token<'x> {
    Open {
        name: &'x str,
        attrs: &'x str,
        empty: bool,
    },
    Close(&'x str),
    Text(&'x str),
    CData(&'x str),
}

struct Scanner<'x> {
    text: &'x str,
    at: usize,
    open: Vec<&'x str>,
}

impl<'x> Scanner<'x> {
    fn new(text: &'x str) -> Scanner<'x> {
        Scanner {
            text,
            at: 0,
            open: Vec::new(),
        }
    }

    fn error(&self, what: &str) -> XlsxError {
        damaged(format!("XML byte {}: {what}", self.at))
    }

    /// The end of `pattern` after the current position.
    fn skip_past(&mut self, pattern: &str) -> Result<usize, XlsxError> {
        match self.text[self.at..].find(pattern) {
            Some(i) => Ok(self.at + i),
            None => Err(self.error(&format!("no {pattern}"))),
        }
    }

    fn next(&mut self) -> Result<Option<Token<'x>>, XlsxError> {
        let bytes = self.text.as_bytes();
        loop {
            if self.at >= bytes.len() {
                return match self.open.last() {
                    Some(name) => Err(self.error(&format!("<{name}> not closed"))),
                    None => Ok(None),
                };
            }
            let rest = &self.text[self.at..];
            if !rest.starts_with('<') {
                let end = rest.find('<').map_or(bytes.len(), |i| self.at + i);
                let text = &self.text[self.at..end];
                self.at = end;
                return Ok(Some(Token::Text(text)));
            }
            if rest.starts_with("<?") {
                self.at = self.skip_past("?>")? + 2;
            } else if rest.starts_with("<!--") {
                self.at = self.skip_past("-->")? + 3;
            } else if rest.starts_with("<![CDATA[") {
                let start = self.at + 9;
                let end = self.skip_past("]]>")?;
                self.at = end + 3;
                return Ok(Some(Token::CData(&self.text[start..end])));
            } else if rest.starts_with("<!") {
                // A document type declaration, with its internal subset in brackets.
                let mut depth = 0usize;
                let end = rest.bytes().position(|b| {
                    match b {
                        b'[' => depth += 1,
                        b']' => depth = depth.saturating_sub(1),
                        b'>' if depth == 0 => return true,
                        _ => {}
                    }
                    false
                });
                self.at += end.ok_or_else(|| self.error("<! not closed"))? + 1;
            } else if let Some(after) = rest.strip_prefix("</") {
                let end = after
                    .find('>')
                    .ok_or_else(|| self.error("end tag not closed"))?;
                let name = after[..end].trim_end();
                match self.open.pop() {
                    Some(open) if open == name => {}
                    _ => return Err(self.error(&format!("unexpected </{name}>"))),
                }
                self.at += 2 + end + 1;
                return Ok(Some(Token::Close(name)));
            } else {
                // A start tag: its end is the first `>` outside quoted attribute values.
                let mut quote = None;
                let end = rest.bytes().enumerate().skip(1).find_map(|(i, b)| {
                    match (quote, b) {
                        (None, b'"' | b'\'') => quote = Some(b),
                        (Some(q), _) if q == b => quote = None,
                        (None, b'>') => return Some(i),
                        (None, b'<') => return Some(0),
                        _ => {}
                    }
                    None
                });
                let end = end
                    .filter(|&e| e > 0)
                    .ok_or_else(|| self.error("tag not closed"))?;
                let inner = &rest[1..end];
                let (inner, empty) = match inner.strip_suffix('/') {
                    Some(inner) => (inner, true),
                    None => (inner, false),
                };
                let name_end = inner
                    .find(|c: char| c.is_ascii_whitespace())
                    .unwrap_or(inner.len());
                let name = &inner[..name_end];
                if name.is_empty() || name.contains(['/', '<', '=', '"', '\'']) {
                    return Err(self.error("bad tag name"));
                }
                let attrs = &inner[name_end..];
                attr(attrs, |_| false).map_err(|_| self.error("bad attribute"))?;
                if !empty {
                    self.open.push(name);
                }
                self.at += end + 1;
                return Ok(Some(Token::Open { name, attrs, empty }));
            }
        }
    }
}

/// An element or attribute name without its namespace prefix.
fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// The raw value of the first attribute whose name satisfies `wanted`.
fn attr(attrs: &str, wanted: impl Fn(&str) -> bool) -> Result<Option<&str>, XlsxError> {
    let bad = || damaged("XML: bad attribute");
    let mut rest = attrs;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace());
        if rest.is_empty() {
            return Ok(None);
        }
        let eq = rest.find('=').ok_or_else(bad)?;
        let name = rest[..eq].trim_end();
        if name.is_empty() || name.contains(|c: char| c.is_ascii_whitespace()) {
            return Err(bad());
        }
        let after = rest[eq + 1..].trim_start_matches(|c: char| c.is_ascii_whitespace());
        let quote = after
            .chars()
            .next()
            .filter(|c| matches!(c, '"' | '\''))
            .ok_or_else(bad)?;
        let end = after[1..].find(quote).ok_or_else(bad)?;
        let value = &after[1..1 + end];
        if wanted(name) {
            return Ok(Some(value));
        }
        rest = &after[end + 2..];
    }
}

/// Appends text with its entities replaced and its line breaks normalised as XML reads them.
fn decode_into(raw: &str, out: &mut String) -> Result<(), XlsxError> {
    let mut rest = raw;
    while let Some(i) = rest.find(['&', '\r']) {
        out.push_str(&rest[..i]);
        if rest.as_bytes()[i] == b'\r' {
            out.push('\n');
            rest = &rest[i + 1..];
            rest = rest.strip_prefix('\n').unwrap_or(rest);
            continue;
        }
        let after = &rest[i + 1..];
        let end = after
            .find(';')
            .filter(|&e| e <= 10)
            .ok_or_else(|| damaged("XML: & without ;"))?;
        let entity = &after[..end];
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = entity.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = entity.strip_prefix('#') {
                    dec.parse().ok()
                } else {
                    None
                };
                code.filter(|&c| c != 0 && !entity.contains(['+', '-']))
                    .and_then(char::from_u32)
                    .ok_or_else(|| damaged(format!("XML: unknown entity &{entity};")))?
            }
        };
        out.push(c);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(())
}

fn decoded(raw: &str) -> Result<String, XlsxError> {
    let mut out = String::new();
    decode_into(raw, &mut out)?;
    Ok(out)
}

/// CDATA: no entities, line breaks normalised.
fn cdata_into(raw: &str, out: &mut String) {
    out.push_str(&raw.replace("\r\n", "\n").replace('\r', "\n"));
}

/// Excel's escapes of characters XML cannot hold: `_x000D_` is a carriage return, `_x005F_`
/// an underscore.
fn unescape_excel(text: String) -> String {
    if !text.contains("_x") {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find("_x") {
        out.push_str(&rest[..i]);
        let code = rest
            .get(i + 2..i + 7)
            .filter(|s| s.ends_with('_') && s[..4].bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|s| u32::from_str_radix(&s[..4], 16).ok())
            .and_then(char::from_u32);
        match code {
            Some(c) => {
                out.push(c);
                rest = &rest[i + 7..];
            }
            None => {
                out.push_str("_x");
                rest = &rest[i + 2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A `<t>` element being read: its text so far and whether it has `xml:space="preserve"`.
struct Run {
    text: String,
    preserve: bool,
}

impl Run {
    fn open(attrs: &str) -> Result<Run, XlsxError> {
        Ok(Run {
            text: String::new(),
            preserve: attr(attrs, |n| n == "xml:space")? == Some("preserve"),
        })
    }

    /// Appends the run to `out`. Without `xml:space="preserve"`, whitespace at either end that
    /// holds a line break is indentation, not text.
    fn close(self, out: &mut String) {
        let mut text = self.text.as_str();
        if !self.preserve {
            let is_space = |c: char| matches!(c, ' ' | '\t' | '\n');
            let start = text.len() - text.trim_start_matches(is_space).len();
            if text[..start].contains('\n') {
                text = &text[start..];
            }
            let end = text.trim_end_matches(is_space).len();
            if text[end..].contains('\n') {
                text = &text[..end];
            }
        }
        out.push_str(text);
    }
}

/// The strings of `xl/sharedStrings.xml`, in order.
fn shared_strings(xml: &str) -> Result<Vec<String>, XlsxError> {
    let mut scanner = Scanner::new(xml);
    let mut strings = Vec::new();
    let mut item: Option<String> = None;
    let mut run: Option<Run> = None;
    let mut phonetic = 0usize;
    while let Some(token) = scanner.next()? {
        match token {
            Token::Open { name, attrs, empty } => match local(name) {
                "si" if empty => strings.push(String::new()),
                "si" => item = Some(String::new()),
                "rPh" if !empty => phonetic += 1,
                "t" if !empty && item.is_some() && phonetic == 0 => run = Some(Run::open(attrs)?),
                _ => {}
            },
            Token::Close(name) => match local(name) {
                "t" => {
                    if let (Some(r), Some(item)) = (run.take(), item.as_mut()) {
                        r.close(item);
                    }
                }
                "rPh" => phonetic = phonetic.saturating_sub(1),
                "si" => strings.push(unescape_excel(item.take().unwrap_or_default())),
                _ => {}
            },
            Token::Text(raw) => {
                if let Some(r) = run.as_mut() {
                    decode_into(raw, &mut r.text)?;
                }
            }
            Token::CData(raw) => {
                if let Some(r) = run.as_mut() {
                    cdata_into(raw, &mut r.text);
                }
            }
        }
    }
    Ok(strings)
}

/// `B3` → (2, Some(3)); `AA` → (27, None).
fn cell_ref(text: &str) -> Option<(usize, Option<usize>)> {
    let letters = text.bytes().take_while(u8::is_ascii_alphabetic).count();
    if !(1..=3).contains(&letters) {
        return None;
    }
    let column = text.bytes().take(letters).fold(0usize, |n, b| {
        n * 26 + usize::from(b.to_ascii_uppercase() - b'A' + 1)
    });
    let digits = &text[letters..];
    let row = if digits.is_empty() {
        None
    } else {
        Some(number(digits)?)
    };
    (column <= MAX_COLUMN).then_some((column, row))
}

/// A row or column number: digits only, at most Excel's last row.
fn number(text: &str) -> Option<usize> {
    (!text.is_empty() && text.len() <= 7 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
        .filter(|n| (1..=MAX_ROW).contains(n))
}

/// The letters of a column: 1 → `A`, 27 → `AA`.
pub fn column_name(column: usize) -> String {
    let mut n = column;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// A number as Excel shows it in the General format when it is an integer of at most 15
/// digits written as a float (`912345678.0`, `9.12345678E8`); anything else as written.
fn general_number(text: &str) -> String {
    let t = text.trim();
    let (negative, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t),
    };
    let (mantissa, exponent) = match body.split_once(['e', 'E']) {
        Some((m, e)) => {
            let (sign, digits) = match e.strip_prefix('-') {
                Some(d) => (-1, d),
                None => (1, e.strip_prefix('+').unwrap_or(e)),
            };
            if digits.is_empty() || digits.len() > 3 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return t.to_owned();
            }
            (m, sign * digits.parse::<i32>().unwrap_or(0))
        }
        None => (body, 0),
    };
    if !mantissa.contains('.') && exponent == 0 {
        return t.to_owned();
    }
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return t.to_owned();
    }
    let digits = format!("{int}{frac}");
    let shift = exponent - frac.len() as i32; // value = digits × 10^shift
    let integer = if shift >= 0 {
        if shift > 15 {
            return t.to_owned();
        }
        format!("{digits}{}", "0".repeat(shift as usize))
    } else {
        let cut = digits.len() as i64 + i64::from(shift);
        let (whole, fraction) = digits.split_at(cut.max(0) as usize);
        if !fraction.bytes().all(|b| b == b'0') {
            return t.to_owned();
        }
        whole.to_owned()
    };
    let integer = integer.trim_start_matches('0');
    if integer.len() > 15 {
        return t.to_owned();
    }
    match (integer.is_empty(), negative) {
        (true, _) => "0".into(),
        (false, true) => format!("-{integer}"),
        (false, false) => integer.to_owned(),
    }
}

/// The cell being read.
struct Cell {
    column: usize,
    kind: String,
    value: Option<String>,
    inline: Option<String>,
}

/// The rows of a worksheet: `rows[i]` is the sheet's row `i + 1` (rows with no text are
/// empty), `rows[i][j]` its column `j + 1` (empty cells are empty strings; each row ends at
/// its last cell with text). Text is as written, not trimmed.
pub fn sheet_rows(
    sheet_xml: &str,
    shared_strings_xml: Option<&str>,
) -> Result<Vec<Vec<String>>, XlsxError> {
    let shared = match shared_strings_xml {
        Some(xml) => shared_strings(xml)?,
        None => Vec::new(),
    };
    let mut scanner = Scanner::new(sheet_xml);
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut cells = 0usize;
    let mut in_data = false;
    let mut row = 0usize;
    let mut column = 0usize;
    let mut cell: Option<Cell> = None;
    let mut in_value = false;
    let mut in_inline = false;
    let mut run: Option<Run> = None;
    let mut phonetic = 0usize;
    while let Some(token) = scanner.next()? {
        match token {
            Token::Open { name, attrs, empty } => match local(name) {
                "sheetData" => in_data = !empty,
                "row" if in_data => {
                    row = match attr(attrs, |n| n == "r")? {
                        Some(r) => number(r.trim()).ok_or_else(|| scanner.error("row number"))?,
                        None => row + 1,
                    };
                    if row > MAX_ROW {
                        return Err(scanner.error("row number"));
                    }
                    column = 0;
                }
                "c" if in_data && row > 0 => {
                    column = match attr(attrs, |n| n == "r")? {
                        Some(r) => {
                            cell_ref(r.trim())
                                .ok_or_else(|| scanner.error("cell reference"))?
                                .0
                        }
                        None => column + 1,
                    };
                    if column > MAX_COLUMN {
                        return Err(scanner.error("cell reference"));
                    }
                    if !empty {
                        cell = Some(Cell {
                            column,
                            kind: attr(attrs, |n| n == "t")?.unwrap_or("n").to_owned(),
                            value: None,
                            inline: None,
                        });
                    }
                }
                "v" if cell.is_some() && !empty => {
                    in_value = true;
                    if let Some(c) = cell.as_mut() {
                        c.value.get_or_insert_with(String::new);
                    }
                }
                "is" if cell.is_some() && !empty => {
                    in_inline = true;
                    if let Some(c) = cell.as_mut() {
                        c.inline.get_or_insert_with(String::new);
                    }
                }
                "rPh" if in_inline && !empty => phonetic += 1,
                "t" if in_inline && phonetic == 0 && !empty => run = Some(Run::open(attrs)?),
                _ => {}
            },
            Token::Close(name) => match local(name) {
                "sheetData" => in_data = false,
                "v" => in_value = false,
                "is" => in_inline = false,
                "rPh" => phonetic = phonetic.saturating_sub(1),
                "t" => {
                    if let (Some(r), Some(text)) =
                        (run.take(), cell.as_mut().and_then(|c| c.inline.as_mut()))
                    {
                        r.close(text);
                    }
                }
                "c" => {
                    let Some(c) = cell.take() else { continue };
                    let text = cell_text(c.kind.as_str(), c.value, c.inline, &shared)
                        .ok_or_else(|| scanner.error("shared string index"))?;
                    if text.is_empty() {
                        continue;
                    }
                    if rows.len() < row {
                        rows.resize_with(row, Vec::new);
                    }
                    let cells_of_row = &mut rows[row - 1];
                    if cells_of_row.len() < c.column {
                        cells += c.column - cells_of_row.len();
                        if cells > MAX_CELLS {
                            return Err(XlsxError::TooLarge);
                        }
                        cells_of_row.resize(c.column, String::new());
                    }
                    cells_of_row[c.column - 1] = text;
                }
                _ => {}
            },
            Token::Text(raw) => {
                if let Some(r) = run.as_mut() {
                    decode_into(raw, &mut r.text)?;
                } else if in_value {
                    if let Some(v) = cell.as_mut().and_then(|c| c.value.as_mut()) {
                        decode_into(raw, v)?;
                    }
                }
            }
            Token::CData(raw) => {
                if let Some(r) = run.as_mut() {
                    cdata_into(raw, &mut r.text);
                } else if in_value {
                    if let Some(v) = cell.as_mut().and_then(|c| c.value.as_mut()) {
                        cdata_into(raw, v);
                    }
                }
            }
        }
    }
    Ok(rows)
}

/// A cell's text by its type; `None` for a shared string index that does not exist.
fn cell_text(
    kind: &str,
    value: Option<String>,
    inline: Option<String>,
    shared: &[String],
) -> Option<String> {
    let value = value.unwrap_or_default();
    Some(match kind {
        "s" => {
            let v = value.trim();
            if v.is_empty() {
                String::new()
            } else {
                shared.get(v.parse::<usize>().ok()?)?.clone()
            }
        }
        "inlineStr" => unescape_excel(inline.unwrap_or(value)),
        "b" => match value.trim() {
            "1" => "TRUE".into(),
            "0" => "FALSE".into(),
            _ => value,
        },
        "n" => general_number(&value),
        "str" => unescape_excel(value),
        _ => value, // e (#N/A), d (ISO date)
    })
}

// ---------------------------------------------------------------------------------------------
// The workbook and its relationships.

/// The relationship ids (`r:id`) of the workbook's sheets in tab order, visible sheets first.
fn sheet_ids(xml: &str) -> Result<Vec<String>, XlsxError> {
    let mut scanner = Scanner::new(xml);
    let mut visible = Vec::new();
    let mut hidden = Vec::new();
    let mut in_sheets = false;
    while let Some(token) = scanner.next()? {
        match token {
            Token::Open { name, attrs, empty } => match local(name) {
                "sheets" => in_sheets = !empty,
                "sheet" if in_sheets => {
                    // `r:id`: the prefixed `id` (`sheetId` is another attribute).
                    let id = attr(attrs, |n| n.contains(':') && local(n) == "id")?;
                    let Some(id) = id else { continue };
                    let state = attr(attrs, |n| n == "state")?.unwrap_or("visible");
                    let list = if state == "visible" {
                        &mut visible
                    } else {
                        &mut hidden
                    };
                    list.push(decoded(id)?);
                }
                _ => {}
            },
            Token::Close(name) if local(name) == "sheets" => in_sheets = false,
            _ => {}
        }
    }
    visible.append(&mut hidden);
    Ok(visible)
}

struct Relationship {
    id: String,
    kind: String,
    /// The target's path in the zip.
    target: String,
}

/// The relationships of `xl/workbook.xml`, targets resolved against `xl/`.
fn relationships(xml: &str) -> Result<Vec<Relationship>, XlsxError> {
    let mut scanner = Scanner::new(xml);
    let mut out = Vec::new();
    while let Some(token) = scanner.next()? {
        let Token::Open { name, attrs, .. } = token else {
            continue;
        };
        if local(name) != "Relationship" {
            continue;
        }
        let (Some(id), Some(kind), Some(target)) = (
            attr(attrs, |n| n == "Id")?,
            attr(attrs, |n| n == "Type")?,
            attr(attrs, |n| n == "Target")?,
        ) else {
            continue;
        };
        if attr(attrs, |n| n == "TargetMode")? == Some("External") {
            continue;
        }
        out.push(Relationship {
            id: decoded(id)?,
            kind: decoded(kind)?,
            target: resolve(&decoded(target)?),
        });
    }
    Ok(out)
}

/// A relationship target of `xl/workbook.xml` as a path in the zip.
fn resolve(target: &str) -> String {
    let mut path: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        vec!["xl"]
    };
    for segment in target.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                path.pop();
            }
            s => path.push(s),
        }
    }
    path.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(sheet: &str, shared: Option<&str>) -> Vec<Vec<String>> {
        sheet_rows(sheet, shared).unwrap()
    }

    /// A zip of one deflated part whose directory declares `declared` bytes inflated.
    fn one_part_zip(name: &str, data: &[u8], declared: u32) -> Vec<u8> {
        use flate2::{write::DeflateEncoder, Compression};
        use std::io::Write;
        let mut encoder = DeflateEncoder::new(Vec::new(), Compression::best());
        encoder.write_all(data).unwrap();
        let packed = encoder.finish().unwrap();
        let crc = crc32fast::hash(data);
        let header = |out: &mut Vec<u8>| {
            out.extend([20, 0, 0, 0, 8, 0, 0, 0, 0, 0]); // version, flags, deflate, time, date
            out.extend(crc.to_le_bytes());
            out.extend((packed.len() as u32).to_le_bytes());
            out.extend(declared.to_le_bytes());
            out.extend((name.len() as u16).to_le_bytes());
            out.extend(0u16.to_le_bytes());
        };
        let mut out = 0x0403_4b50u32.to_le_bytes().to_vec();
        header(&mut out);
        out.extend(name.as_bytes());
        out.extend(&packed);
        let directory_at = out.len() as u32;
        out.extend(0x0201_4b50u32.to_le_bytes());
        out.extend([20, 0]); // made by
        header(&mut out);
        out.extend([0; 10]); // comment length, disk, internal and external attributes
        out.extend(0u32.to_le_bytes()); // the local header's offset
        out.extend(name.as_bytes());
        let directory_len = out.len() as u32 - directory_at;
        out.extend(0x0605_4b50u32.to_le_bytes());
        out.extend([0, 0, 0, 0, 1, 0, 1, 0]);
        out.extend(directory_len.to_le_bytes());
        out.extend(directory_at.to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out
    }

    #[test]
    fn inflating_stops_past_the_declared_size() {
        let sheet = "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>Lan</t></is></c></row></sheetData></worksheet>";
        let name = "xl/worksheets/sheet1.xml";
        let good = one_part_zip(name, sheet.as_bytes(), sheet.len() as u32);
        assert_eq!(read_first_sheet(&good), Ok(vec![vec!["Lan".to_owned()]]));
        // 64 MiB of spaces deflate to about 64 KiB; the directory says 1,000 bytes.
        let bomb = one_part_zip(name, &vec![b' '; 64 << 20], 1000);
        assert!(bomb.len() < 1 << 20);
        assert_eq!(
            read_first_sheet(&bomb),
            Err(damaged(format!("{name}: 1001 bytes, 1000 expected")))
        );
        // Declared over the limit: refused before inflating.
        let huge = one_part_zip(name, sheet.as_bytes(), (MAX_PART_SIZE + 1) as u32);
        assert_eq!(read_first_sheet(&huge), Err(XlsxError::TooLarge));
    }

    #[test]
    fn cell_references_and_column_names() {
        assert_eq!(cell_ref("A1"), Some((1, Some(1))));
        assert_eq!(cell_ref("b3"), Some((2, Some(3))));
        assert_eq!(cell_ref("AA10"), Some((27, Some(10))));
        assert_eq!(cell_ref("XFD1048576"), Some((16_384, Some(1_048_576))));
        assert_eq!(cell_ref("XFE1"), None);
        assert_eq!(cell_ref("A0"), None);
        assert_eq!(cell_ref("1"), None);
        assert_eq!(cell_ref("A1x"), None);
        for n in [1, 26, 27, 52, 702, 703, 16_384] {
            assert_eq!(cell_ref(&column_name(n)).unwrap().0, n);
        }
        assert_eq!(column_name(11), "K");
    }

    #[test]
    fn numbers_as_excel_shows_them() {
        for (written, shown) in [
            ("912345678", "912345678"),
            ("912345678.0", "912345678"),
            ("9.12345678E8", "912345678"),
            ("9.12345678e+08", "912345678"),
            ("33913", "33913"),
            ("1.5", "1.5"),
            ("-2.0", "-2"),
            ("0.0", "0"),
            ("1E-3", "1E-3"),
            ("1.23E20", "1.23E20"),
            ("12345678901234567.0", "12345678901234567.0"),
            ("abc", "abc"),
            (".", "."),
        ] {
            assert_eq!(general_number(written), shown, "{written}");
        }
    }

    #[test]
    fn entities_line_breaks_and_excel_escapes() {
        assert_eq!(
            decoded("a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#7889; &#x1EA1;").unwrap(),
            "a & b <c> \"d\" 'e' ố ạ"
        );
        assert_eq!(decoded("1\r\n2\r3").unwrap(), "1\n2\n3");
        assert!(decoded("&nbsp;").is_err());
        assert!(decoded("&#0;").is_err());
        assert!(decoded("&#xD800;").is_err());
        assert!(decoded("a & b").is_err());
        assert_eq!(
            unescape_excel("Dòng 1_x000D_\nDòng 2 _x005F_x000D_ _xZZ_".into()),
            "Dòng 1\r\nDòng 2 _x000D_ _xZZ_"
        );
    }

    #[test]
    fn shared_strings_plain_rich_phonetic_and_spaces() {
        let sst = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="5" uniqueCount="5">
  <si><t>Tên</t></si>
  <si><r><rPr><b/></rPr><t xml:space="preserve">Trần </t></r><r><t>Văn Minh</t></r></si>
  <si><t>漢字</t><rPh sb="0" eb="2"><t>かんじ</t></rPh><phoneticPr fontId="1"/></si>
  <si/>
  <si><t>
      indented
  </t></si>
  <si><t xml:space="preserve">  hai khoảng  </t></si>
  <si><t><![CDATA[<b>&amp;</b>]]></t></si>
</sst>"#;
        assert_eq!(
            shared_strings(sst).unwrap(),
            vec![
                "Tên",
                "Trần Văn Minh",
                "漢字",
                "",
                "indented",
                "  hai khoảng  ",
                "<b>&amp;</b>"
            ]
        );
    }

    #[test]
    fn cells_keep_their_columns_and_rows_their_numbers() {
        let sst = "<sst><si><t>Tên</t></si><si><t>SĐT</t></si><si><t>Lan</t></si></sst>";
        let sheet = r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:E4"/>
<sheetData>
<row r="1" spans="1:5"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>
<row r="3"><c r="A3" t="s"><v>2</v></c><c r="B3" s="1"/><c r="C3"><v>912345678</v></c><c r="E3" t="inlineStr"><is><t>ghi &amp; chú</t></is></c></row>
<row><c t="b"><v>1</v></c><c t="str"><f>A3&amp;"!"</f><v>Lan!</v></c><c t="e"><v>#N/A</v></c></row>
<row r="6"><c r="A6" s="2"/><c r="B6" t="s"/></row>
</sheetData><mergeCells count="0"/></worksheet>"#;
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            rows(sheet, Some(sst)),
            vec![
                s(&["Tên", "", "SĐT"]),
                vec![],
                s(&["Lan", "", "912345678", "", "ghi & chú"]),
                s(&["TRUE", "Lan!", "#N/A"]),
            ]
        );
    }

    #[test]
    fn prefixed_names_and_inline_rich_text() {
        let sheet = r#"<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>
<x:row r="2"><x:c r="B2" t="inlineStr"><x:is><x:r><x:t xml:space="preserve">Nguyễn </x:t></x:r><x:r><x:t>Lan</x:t></x:r></x:is></x:c></x:row>
</x:sheetData></x:worksheet>"#;
        assert_eq!(
            rows(sheet, None),
            vec![vec![], vec![String::new(), "Nguyễn Lan".into()]]
        );
    }

    #[test]
    fn broken_xml_and_bad_references_are_errors() {
        for sheet in [
            "<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></row></sheetData></worksheet>",
            "<worksheet><sheetData>",
            "<worksheet><sheetData><row r=\"0\"/></sheetData></worksheet>",
            "<worksheet><sheetData><row r=\"2000000\"/></sheetData></worksheet>",
            "<worksheet><sheetData><row><c r=\"ZZZZ1\"/></row></sheetData></worksheet>",
            "<worksheet><sheetData><row><c t=\"s\"><v>3</v></c></row></sheetData></worksheet>",
            "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>a &bogus; b</t></is></c></row></sheetData></worksheet>",
            "<worksheet a=b></worksheet>",
            "<worksheet><sheetData></worksheet></sheetData>",
            "<worksheet><!-- never closed </worksheet>",
            "<worksheet <sheetData/></worksheet>",
        ] {
            assert!(
                matches!(sheet_rows(sheet, None), Err(XlsxError::Damaged { .. })),
                "{sheet}"
            );
        }
        assert_eq!(sheet_rows("", None), Ok(vec![]));
        assert_eq!(sheet_rows("<worksheet/>", None), Ok(vec![]));
    }

    #[test]
    fn too_many_cells() {
        let mut sheet = String::from("<worksheet><sheetData>");
        for r in 1..=300 {
            sheet.push_str(&format!(
                "<row r=\"{r}\"><c r=\"XFD{r}\"><v>1</v></c></row>"
            ));
        }
        sheet.push_str("</sheetData></worksheet>");
        assert_eq!(sheet_rows(&sheet, None), Err(XlsxError::TooLarge));
    }

    #[test]
    fn the_first_visible_sheet_through_the_relationships() {
        let workbook = r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Ẩn" sheetId="3" state="hidden" r:id="rId3"/><sheet name="Biểu đồ" sheetId="4" r:id="rId4"/><sheet name="Khách" sheetId="2" r:id="rId2"/><sheet name="Một" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
        assert_eq!(
            sheet_ids(workbook).unwrap(),
            vec!["rId4", "rId2", "rId1", "rId3"]
        );
        let rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/>
<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet" Target="chartsheets/sheet1.xml"/>
<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="./sharedStrings.xml"/>
</Relationships>"#;
        let r = relationships(rels).unwrap();
        assert_eq!(r[1].target, "xl/worksheets/sheet2.xml");
        assert_eq!(r[3].target, "xl/sharedStrings.xml");
        assert_eq!(resolve("../xl/worksheets/a.xml"), "xl/worksheets/a.xml");
    }
}
