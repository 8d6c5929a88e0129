//! The first worksheet of an Excel workbook (`.xlsx`: Excel, Google Sheets' "Download as
//! .xlsx", LibreOffice), as rows of text for `nobi_crm::import::plan_import_rows`.
//!
//! [`read_first_sheet`] does it all: [`Workbook::open`] reads the zip's directory with the `zip`
//! crate, [`Workbook::part`] inflates a part with `flate2` (miniz_oxide, pure Rust, so the same
//! code runs natively and in the panel's wasm, synchronously), [`Workbook::sheet_parts`] picks
//! the first visible worksheet (tab order of `workbook.xml`, through the relationships; else
//! `xl/worksheets/sheet1.xml`) and the shared strings, and [`sheet_rows`] reads the cells. The
//! parts' XML is read with `quick-xml`, which checks that tags nest and attributes are quoted.
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
//!   OpenXML SDK); an end tag must match its start tag as written. Entities
//!   `&amp; &lt; &gt; &quot; &apos; &#NN; &#xNN;` (any other, even one a document type declares,
//!   is [`XlsxError::Damaged`]), CDATA, comments; Excel's `_xHHHH_` escapes of control
//!   characters (`_x000D_`) in text.
//! - `xml:space`: a text run keeps its spaces; only whitespace that holds a line break at the
//!   start or end of a run without `xml:space="preserve"` (pretty-printing) is dropped.
//!
//! # Limits
//!
//! The file may have at most [`crate::MAX_XLSX_BYTES`] bytes. The parts read (the workbook, its
//! relationships, the sheet, the shared strings) may inflate to at most [`MAX_INFLATED`] bytes
//! together: a part that declares more than what is left is refused before it is inflated, and
//! inflating stops one byte past the declared size, so a part that lies about its size (a zip
//! bomb) is refused as damaged after that byte. The rows may hold at most [`MAX_CELLS`] cells
//! (empty cells left of a filled one count) and [`MAX_TEXT`] bytes of text, counted as each cell
//! is read, so that a shared string repeated across a million cells stops there. Each is
//! [`XlsxError::TooLarge`].

/// The most bytes the parts read from one workbook may inflate to, together. A sheet of
/// [`crate::MAX_ROWS`] rows 20 columns wide, as Excel writes it (about 45 bytes a cell), is about
/// 45 MB of XML, and its shared strings 10 to 20 MB: 96 MiB leaves half as much again, and keeps
/// what the reader holds at once (the file, the inflated parts, the rows) a few hundred MB at
/// most.
pub const MAX_INFLATED: u64 = 96 << 20;

/// The most cells the rows of one sheet may hold ([`crate::MAX_ROWS`] rows of 80 columns).
pub const MAX_CELLS: usize = 4_000_000;

/// The most bytes of cell text the rows of one sheet may hold: [`crate::MAX_ROWS`] rows of 20
/// cells of 64 bytes, twice what a customer or product sheet has. Each cell is a text of its
/// own (and is copied again into the panel), so a shared string counts for every cell that uses
/// it: one string of 1 MB in a million cells would be a terabyte.
pub const MAX_TEXT: usize = 64 << 20;

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
    /// Over [`crate::MAX_XLSX_BYTES`], [`MAX_INFLATED`], [`MAX_CELLS`] or [`MAX_TEXT`].
    TooLarge,
}

use flate2::read::DeflateDecoder;
use quick_xml::errors::IllFormedError;
use quick_xml::escape::{resolve_predefined_entity, unescape, EscapeError};
use quick_xml::events::{BytesEnd, BytesRef, BytesStart, Event};
use quick_xml::name::QName;
use quick_xml::Reader;
use std::borrow::Cow;
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
    /// The bytes inflated so far, of at most [`MAX_INFLATED`].
    inflated: u64,
}

impl<'b> Workbook<'b> {
    /// Reads the zip's directory. [`XlsxError::TooLarge`] over [`crate::MAX_XLSX_BYTES`];
    /// [`XlsxError::NoWorksheet`] when it has neither `xl/workbook.xml` nor a worksheet.
    pub fn open(bytes: &'b [u8]) -> Result<Workbook<'b>, XlsxError> {
        if bytes.len() as u64 > crate::MAX_XLSX_BYTES {
            return Err(XlsxError::TooLarge);
        }
        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(format!("zip: {e}")))?;
        let entries = (0..zip.len())
            .filter_map(|i| {
                zip.name_for_index(i)
                    .map(|n| (normalise(n), n.to_owned(), i))
            })
            .collect();
        let workbook = Workbook {
            zip,
            entries,
            inflated: 0,
        };
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
    /// part. A part that declares more than what is left of [`MAX_INFLATED`] is
    /// [`XlsxError::TooLarge`] before it is inflated; the part is inflated at most to the size
    /// the directory declares (so a zip bomb stops there), then checked against that size and
    /// the CRC-32; a byte-order mark is dropped.
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
        if size > MAX_INFLATED.saturating_sub(self.inflated) {
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
        // Counted as read, so that the parts read after this one have what is left.
        self.inflated += inflated.len() as u64;
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
// The workbook's XML, read with quick-xml: tags (names matched without their prefix), their
// attributes, and character data with its references resolved, checking that tags nest.

/// What the readers below see of a part.
enum Token<'x> {
    /// A start tag; `empty` for `<tag/>`, which has no [`Token::Close`].
    Open {
        tag: BytesStart<'x>,
        empty: bool,
    },
    Close(BytesEnd<'x>),
    /// A piece of character data, as XML reads it: text (line breaks normalised), one resolved
    /// reference (`&amp;`, `&#233;`), or a CDATA section. quick-xml ends a text event at every
    /// reference, so the text of one element may come in several pieces: readers append them.
    Text(Cow<'x, str>),
}

struct Scanner<'x> {
    text: &'x str,
    reader: Reader<&'x [u8]>,
    /// Where the event being read starts.
    at: usize,
    /// Where the tag of every element still open starts.
    open: Vec<usize>,
}

impl<'x> Scanner<'x> {
    fn new(text: &'x str) -> Scanner<'x> {
        // quick-xml skips a byte-order mark without counting it in its positions: dropped here,
        // so that a position is one in `text`.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // quick-xml's defaults are what is wanted: end tags must match their start tags, a
        // lone `&` is an error, text is not trimmed (`xml:space` is decided per run).
        Scanner {
            text,
            reader: Reader::from_str(text),
            at: 0,
            open: Vec::new(),
        }
    }

    fn error(&self, what: &str) -> XlsxError {
        damaged(format!("XML byte {}: {what}", self.at))
    }

    fn next(&mut self) -> Result<Option<Token<'x>>, XlsxError> {
        loop {
            self.at = self.reader.buffer_position() as usize;
            let event = match self.reader.read_event() {
                Ok(event) => event,
                Err(e) => {
                    self.at = self.reader.error_position() as usize;
                    return Err(self.error(&match e {
                        // quick-xml says "before end of input" wherever the `;` is missing.
                        quick_xml::Error::IllFormed(IllFormedError::UnclosedReference) => {
                            "& without ;".to_owned()
                        }
                        e => e.to_string(),
                    }));
                }
            };
            return Ok(Some(match event {
                Event::Start(tag) => {
                    self.check_tag(&tag)?;
                    self.open.push(self.at);
                    Token::Open { tag, empty: false }
                }
                Event::Empty(tag) => {
                    self.check_tag(&tag)?;
                    Token::Open { tag, empty: true }
                }
                Event::End(tag) => {
                    self.open.pop();
                    Token::Close(tag)
                }
                Event::Text(text) => Token::Text(self.utf8(text.xml10_content())?),
                Event::CData(text) => Token::Text(self.utf8(text.xml10_content())?),
                Event::GeneralRef(reference) => Token::Text(self.reference(&reference)?),
                Event::Eof => {
                    let Some(&at) = self.open.last() else {
                        return Ok(None);
                    };
                    let tag = self.text.get(at + 1..).unwrap_or_default();
                    let name = tag
                        .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
                        .map_or(tag, |end| &tag[..end]);
                    self.at = at;
                    return Err(self.error(&format!("<{name}> not closed")));
                }
                // The declaration, processing instructions, comments, a document type.
                _ => continue,
            }));
        }
    }

    /// quick-xml takes a tag's name up to the first space and reads its attributes only when
    /// asked: both are checked here, for every tag, so that a broken tag is seen anywhere.
    fn check_tag(&self, tag: &BytesStart) -> Result<(), XlsxError> {
        let name = tag.name();
        if name.as_ref().is_empty() || name.as_ref().iter().any(|b| b"/<=\"'".contains(b)) {
            return Err(self.error("bad tag name"));
        }
        for a in tag.attributes() {
            a.map_err(|e| self.error(&format!("bad attribute ({e})")))?;
        }
        Ok(())
    }

    fn utf8<T>(&self, text: Result<T, quick_xml::encoding::EncodingError>) -> Result<T, XlsxError> {
        text.map_err(|_| self.error("not UTF-8"))
    }

    /// `&amp;` and the other four predefined entities, `&#233;`, `&#x1F600;`; any other name
    /// (a document type's own entities are not read) is an error.
    fn reference(&self, reference: &BytesRef) -> Result<Cow<'x, str>, XlsxError> {
        let name = self.utf8(reference.decode())?;
        match reference.resolve_char_ref() {
            Ok(Some(c)) => Ok(Cow::Owned(c.to_string())),
            Ok(None) => resolve_predefined_entity(&name)
                .map(Cow::Borrowed)
                .ok_or_else(|| self.error(&format!("unknown entity &{name};"))),
            Err(_) => Err(self.error(&format!("unknown entity &{name};"))),
        }
    }
}

/// The value of the first attribute whose name satisfies `wanted`, its references resolved.
fn attr<'t>(
    tag: &'t BytesStart,
    wanted: impl Fn(QName) -> bool,
) -> Result<Option<Cow<'t, str>>, XlsxError> {
    let bad = || damaged("XML: bad attribute");
    for a in tag.attributes() {
        let a = a.map_err(|_| bad())?;
        if !wanted(a.key) {
            continue;
        }
        // Borrowed from the part's text (quick-xml copies nothing here).
        return match a.value {
            Cow::Borrowed(raw) => decoded(std::str::from_utf8(raw).map_err(|_| bad())?).map(Some),
            Cow::Owned(raw) => {
                let raw = String::from_utf8(raw).map_err(|_| bad())?;
                Ok(Some(Cow::Owned(decoded(&raw)?.into_owned())))
            }
        };
    }
    Ok(None)
}

/// An attribute named `name` exactly, prefix included (`r`, `xml:space`).
fn named(name: &'static str) -> impl Fn(QName) -> bool {
    move |key| key.as_ref() == name.as_bytes()
}

/// Text with its references resolved and its line breaks normalised as XML reads them.
fn decoded(raw: &str) -> Result<Cow<'_, str>, XlsxError> {
    let text = if raw.contains('\r') {
        Cow::Owned(raw.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(raw)
    };
    let detail = |e: EscapeError| match e {
        EscapeError::UnrecognizedEntity(_, name) => format!("XML: unknown entity &{name};"),
        EscapeError::UnterminatedEntity(_) => "XML: & without ;".to_owned(),
        other => format!("XML: {other}"),
    };
    match text {
        Cow::Borrowed(raw) => unescape(raw).map_err(|e| damaged(detail(e))),
        Cow::Owned(raw) => match unescape(&raw) {
            Ok(text) => Ok(Cow::Owned(text.into_owned())),
            Err(e) => Err(damaged(detail(e))),
        },
    }
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
    fn open(tag: &BytesStart) -> Result<Run, XlsxError> {
        Ok(Run {
            text: String::new(),
            preserve: attr(tag, named("xml:space"))?.as_deref() == Some("preserve"),
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
            Token::Open { tag, empty } => match tag.local_name().as_ref() {
                b"si" if empty => strings.push(String::new()),
                b"si" => item = Some(String::new()),
                b"rPh" if !empty => phonetic += 1,
                b"t" if !empty && item.is_some() && phonetic == 0 => run = Some(Run::open(&tag)?),
                _ => {}
            },
            Token::Close(tag) => match tag.local_name().as_ref() {
                b"t" => {
                    if let (Some(r), Some(item)) = (run.take(), item.as_mut()) {
                        r.close(item);
                    }
                }
                b"rPh" => phonetic = phonetic.saturating_sub(1),
                b"si" => strings.push(unescape_excel(item.take().unwrap_or_default())),
                _ => {}
            },
            Token::Text(text) => {
                if let Some(r) = run.as_mut() {
                    r.text.push_str(&text);
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
    let mut text_bytes = 0usize;
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
            Token::Open { tag, empty } => match tag.local_name().as_ref() {
                b"sheetData" => in_data = !empty,
                b"row" if in_data => {
                    row = match attr(&tag, named("r"))? {
                        Some(r) => number(r.trim()).ok_or_else(|| scanner.error("row number"))?,
                        None => row + 1,
                    };
                    if row > MAX_ROW {
                        return Err(scanner.error("row number"));
                    }
                    column = 0;
                }
                b"c" if in_data && row > 0 => {
                    column = match attr(&tag, named("r"))? {
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
                            kind: attr(&tag, named("t"))?
                                .unwrap_or(Cow::Borrowed("n"))
                                .into_owned(),
                            value: None,
                            inline: None,
                        });
                    }
                }
                b"v" if cell.is_some() && !empty => {
                    in_value = true;
                    if let Some(c) = cell.as_mut() {
                        c.value.get_or_insert_with(String::new);
                    }
                }
                b"is" if cell.is_some() && !empty => {
                    in_inline = true;
                    if let Some(c) = cell.as_mut() {
                        c.inline.get_or_insert_with(String::new);
                    }
                }
                b"rPh" if in_inline && !empty => phonetic += 1,
                b"t" if in_inline && phonetic == 0 && !empty => run = Some(Run::open(&tag)?),
                _ => {}
            },
            Token::Close(tag) => match tag.local_name().as_ref() {
                b"sheetData" => in_data = false,
                b"v" => in_value = false,
                b"is" => in_inline = false,
                b"rPh" => phonetic = phonetic.saturating_sub(1),
                b"t" => {
                    if let (Some(r), Some(text)) =
                        (run.take(), cell.as_mut().and_then(|c| c.inline.as_mut()))
                    {
                        r.close(text);
                    }
                }
                b"c" => {
                    let Some(c) = cell.take() else { continue };
                    let text = cell_text(c.kind.as_str(), c.value, c.inline, &shared)
                        .ok_or_else(|| scanner.error("shared string index"))?;
                    if text.is_empty() {
                        continue;
                    }
                    // Before a shared string is copied into the cell.
                    text_bytes += text.len();
                    if text_bytes > MAX_TEXT {
                        return Err(XlsxError::TooLarge);
                    }
                    let text = text.into_owned();
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
            Token::Text(text) => {
                if let Some(r) = run.as_mut() {
                    r.text.push_str(&text);
                } else if in_value {
                    if let Some(v) = cell.as_mut().and_then(|c| c.value.as_mut()) {
                        v.push_str(&text);
                    }
                }
            }
        }
    }
    Ok(rows)
}

/// A cell's text by its type (a shared string borrowed, not copied yet); `None` for a shared
/// string index that does not exist.
fn cell_text<'s>(
    kind: &str,
    value: Option<String>,
    inline: Option<String>,
    shared: &'s [String],
) -> Option<Cow<'s, str>> {
    let value = value.unwrap_or_default();
    Some(Cow::Owned(match kind {
        "s" => {
            let v = value.trim();
            if v.is_empty() {
                String::new()
            } else {
                return Some(Cow::Borrowed(shared.get(v.parse::<usize>().ok()?)?));
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
    }))
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
            Token::Open { tag, empty } => match tag.local_name().as_ref() {
                b"sheets" => in_sheets = !empty,
                b"sheet" if in_sheets => {
                    // `r:id`: the prefixed `id` (`sheetId` is another attribute).
                    let id = attr(&tag, |n| {
                        n.prefix().is_some() && n.local_name().as_ref() == b"id"
                    })?;
                    let Some(id) = id else { continue };
                    let state = attr(&tag, named("state"))?;
                    let list = match state.as_deref() {
                        None | Some("visible") => &mut visible,
                        Some(_) => &mut hidden,
                    };
                    list.push(id.into_owned());
                }
                _ => {}
            },
            Token::Close(tag) if tag.local_name().as_ref() == b"sheets" => in_sheets = false,
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
        let Token::Open { tag, .. } = token else {
            continue;
        };
        if tag.local_name().as_ref() != b"Relationship" {
            continue;
        }
        let (Some(id), Some(kind), Some(target)) = (
            attr(&tag, named("Id"))?,
            attr(&tag, named("Type"))?,
            attr(&tag, named("Target"))?,
        ) else {
            continue;
        };
        if attr(&tag, named("TargetMode"))?.as_deref() == Some("External") {
            continue;
        }
        out.push(Relationship {
            id: id.into_owned(),
            kind: kind.into_owned(),
            target: resolve(&target),
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
        let huge = one_part_zip(name, sheet.as_bytes(), (MAX_INFLATED + 1) as u32);
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

    /// A sheet whose only cell, A1, is an inline string with `t` as its `<t>`.
    fn inline(t: &str) -> String {
        format!("<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>{t}</t></is></c></row></sheetData></worksheet>")
    }

    #[test]
    fn references_split_the_text_and_the_pieces_are_joined() {
        // quick-xml ends a text event at every `&...;`: text, references and CDATA come as
        // pieces, and a cell's text is all of them.
        for (written, read) in [
            ("Tr&#7847;n &amp; V&#x0103;n", "Trần & Văn"),
            ("&lt;b&gt;&quot;x&quot; &apos;y&apos;", "<b>\"x\" 'y'"),
            ("&#233;&#xE9;&#x1F600;&#128512;", "éé😀😀"),
            ("&amp;", "&"),
            ("a<![CDATA[<b>&amp;]]>&amp;c", "a<b>&amp;&c"),
            ("1\r\n2&amp;\r3&#13;", "1\n2&\n3\r"),
            // Indentation is dropped around the joined text, not around each piece.
            ("\n      &#233;t&#233;\n    ", "été"),
            ("&#32;a&#32;", " a "),
        ] {
            assert_eq!(
                rows(&inline(written), None),
                vec![vec![read.to_owned()]],
                "{written}"
            );
        }
        // Shared strings (rich text runs, a phonetic run left out) and values.
        let sst = "<sst><si><r><t>Nguy&#7877;n </t></r><r><t xml:space=\"preserve\">&amp; </t></r>\
            <r><t>Tr&#x1EA7;n</t></r><rPh sb=\"0\" eb=\"1\"><t>&#x30B0;</t></rPh></si></sst>";
        let sheet = "<worksheet><sheetData><row><c t=\"s\"><v>&#48;</v></c>\
            <c t=\"str\"><v>A&amp;B&#33;</v></c><c><v>9&#46;12345678E8</v></c></row></sheetData></worksheet>";
        assert_eq!(
            rows(sheet, Some(sst)),
            vec![vec![
                "Nguyễn & Trần".to_owned(),
                "A&B!".into(),
                "912345678".into()
            ]]
        );
        // Attribute values: references resolved too (column B; a cell's row digits are not read).
        let sheet =
            "<worksheet><sheetData><row><c r=\"&#66;2\"><v>7</v></c></row></sheetData></worksheet>";
        assert_eq!(rows(sheet, None), vec![vec![String::new(), "7".into()]]);
    }

    #[test]
    fn bad_references_are_damaged_and_say_where() {
        for (written, what) in [
            ("a &bogus; b", "unknown entity &bogus;"),
            ("&nbsp;", "unknown entity &nbsp;"),
            ("&#0;", "unknown entity &#0;"),
            ("&#xD800;", "unknown entity &#xD800;"),
            ("&#x110000;", "unknown entity &#x110000;"),
            ("&#-1;", "unknown entity &#-1;"),
            ("&#xZZ;", "unknown entity &#xZZ;"),
            ("&#;", "unknown entity &#;"),
            ("a & b", "& without ;"),
            ("&amp;&", "& without ;"),
        ] {
            let sheet = inline(written);
            let at = sheet.rfind('&').unwrap();
            assert_eq!(
                sheet_rows(&sheet, None),
                Err(damaged(format!("XML byte {at}: {what}"))),
                "{written}"
            );
            // The same in the shared strings, which are read first.
            let sst = format!("<sst><si><t>{written}</t></si></sst>");
            let at = sst.rfind('&').unwrap();
            assert_eq!(
                sheet_rows("<worksheet/>", Some(&sst)),
                Err(damaged(format!("XML byte {at}: {what}"))),
                "{written}"
            );
        }
        // A document type's own entities are not read.
        let sheet = format!(
            "<?xml version=\"1.0\"?><!DOCTYPE worksheet [<!ENTITY e \"x\">]>{}",
            inline("&e;")
        );
        let at = sheet.rfind('&').unwrap();
        assert_eq!(
            sheet_rows(&sheet, None),
            Err(damaged(format!("XML byte {at}: unknown entity &e;")))
        );
        // In an attribute.
        let sheet = "<worksheet><sheetData><row><c r=\"&bogus;\"/></row></sheetData></worksheet>";
        assert_eq!(
            sheet_rows(sheet, None),
            Err(damaged("XML: unknown entity &bogus;"))
        );
    }

    #[test]
    fn a_workbook_written_with_namespace_prefixes() {
        let sst = r#"<x:sst xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:si><x:t>Tên</x:t></x:si><x:si><x:r><x:t>Trần </x:t></x:r><x:r><x:t>Lan</x:t></x:r><x:rPh sb="0" eb="2"><x:t>トラン</x:t></x:rPh></x:si><x:si/></x:sst>"#;
        let sheet = r#"<?xml version="1.0" encoding="utf-8"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>
<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="C1" t="s"><x:v>1</x:v></x:c><x:c r="D1" t="s"><x:v>2</x:v></x:c></x:row>
<x:row r="3"><x:c r="B3"><x:v>9.12345678E8</x:v></x:c><x:c t="b"><x:v>0</x:v></x:c><x:c r="E3" t="d"><x:v>1990-02-28T00:00:00</x:v></x:c></x:row>
<x:row><x:c r="A4" t="inlineStr"><x:is><x:t xml:space="preserve"> a&amp;b </x:t></x:is></x:c></x:row>
</x:sheetData></x:worksheet>"#;
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            rows(sheet, Some(sst)),
            vec![
                s(&["Tên", "", "Trần Lan"]),
                vec![],
                s(&["", "912345678", "FALSE", "", "1990-02-28T00:00:00"]),
                s(&[" a&b "]),
            ]
        );
        // Start and end tags must match as written, prefix included.
        assert!(matches!(
            sheet_rows("<x:worksheet><x:sheetData></sheetData></x:worksheet>", None),
            Err(XlsxError::Damaged { .. })
        ));
        let workbook = r#"<x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:rel="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><x:sheets><x:sheet name="Ẩn" sheetId="2" state="veryHidden" rel:id="rId2"/><x:sheet name="Một" sheetId="1" rel:id="rId1"/></x:sheets></x:workbook>"#;
        assert_eq!(sheet_ids(workbook).unwrap(), vec!["rId1", "rId2"]);
        let rels = r#"<p:Relationships xmlns:p="http://schemas.openxmlformats.org/package/2006/relationships"><p:Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></p:Relationships>"#;
        assert_eq!(
            relationships(rels).unwrap()[0].target,
            "xl/worksheets/sheet1.xml"
        );
    }

    #[test]
    fn malformed_xml_is_damaged_and_says_where() {
        // Our own texts, exactly.
        for (xml, detail) in [
            (
                "<worksheet><sheetData>",
                "XML byte 11: <sheetData> not closed",
            ),
            (
                "<worksheet><x:sheetData a=\"1\">",
                "XML byte 11: <x:sheetData> not closed",
            ),
            (
                "\u{feff}<worksheet><sheetData>",
                "XML byte 11: <sheetData> not closed",
            ),
            (
                "\u{feff}<é><sheetData>",
                "XML byte 4: <sheetData> not closed",
            ),
            (
                "<worksheet><a/b></a/b></worksheet>",
                "XML byte 11: bad tag name",
            ),
            (
                "<worksheet>< sheetData/></worksheet>",
                "XML byte 11: bad tag name",
            ),
            (
                "<worksheet><sheetData><row r=\"x\"/></sheetData></worksheet>",
                "XML byte 22: row number",
            ),
            (
                "<worksheet><sheetData><row><c r=\"1A\"/></row></sheetData></worksheet>",
                "XML byte 27: cell reference",
            ),
        ] {
            assert_eq!(sheet_rows(xml, None), Err(damaged(detail)), "{xml}");
        }
        // quick-xml's texts, after where.
        for (xml, at) in [
            ("<worksheet><sheetData></worksheet></sheetData>", 22),
            ("</worksheet>", 0),
            ("<worksheet><sheetData/></x:worksheet>", 23),
            ("<worksheet a=\"1\" a=\"2\"/>", 0),
            ("<worksheet a=b/>", 0),
            ("<worksheet <sheetData/></worksheet>", 0),
            ("<worksheet><!-- never closed </worksheet>", 11),
            ("<worksheet><![CDATA[x</worksheet>", 11),
            ("<worksheet><sheetData", 11),
            ("<worksheet attr=\"never closed/>", 0),
        ] {
            let Err(XlsxError::Damaged { detail }) = sheet_rows(xml, None) else {
                panic!("{xml}: not damaged");
            };
            assert!(
                detail.starts_with(&format!("XML byte {at}: ")),
                "{xml}: {detail}"
            );
        }
        // In the shared strings, the workbook and its relationships.
        assert!(matches!(
            sheet_rows("<worksheet/>", Some("<sst><si><t>a</si></sst>")),
            Err(XlsxError::Damaged { .. })
        ));
        assert!(matches!(
            sheet_ids("<workbook><sheets><sheet r:id=\"rId1\"></sheets></workbook>"),
            Err(XlsxError::Damaged { .. })
        ));
        assert!(matches!(
            relationships("<Relationships><Relationship Id=rId1/></Relationships>"),
            Err(XlsxError::Damaged { .. })
        ));
        // Through the whole workbook.
        let name = "xl/worksheets/sheet1.xml";
        let broken = "<worksheet><sheetData><row><c><v>1</v></row></sheetData></worksheet>";
        let zip = one_part_zip(name, broken.as_bytes(), broken.len() as u32);
        let Err(XlsxError::Damaged { detail }) = read_first_sheet(&zip) else {
            panic!("not damaged");
        };
        let at = broken.find("</row>").unwrap();
        assert!(detail.starts_with(&format!("XML byte {at}: ")), "{detail}");
    }
}
