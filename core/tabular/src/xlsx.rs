//! The first worksheet of an Excel workbook (`.xlsx`: Excel, Google Sheets' "Download as
//! .xlsx", LibreOffice), as rows of text for `nobi_crm::import::plan_import_rows`.
//!
//! No zip or XML crate: the panel's wasm is over its size budget, and the browser already has
//! an inflater (`DecompressionStream('deflate-raw')`), which is asynchronous. So reading is split
//! where the inflating happens, and the caller inflates:
//!
//! 1. [`plan_xlsx`] reads the zip's directory (end record → central directory → local headers)
//!    and finds `xl/workbook.xml` and `xl/_rels/workbook.xml.rels`: [`XlsxParts`].
//! 2. The caller inflates those two ([`Part::raw`] → inflate if [`Method::Deflate`] →
//!    [`Part::text`], which checks the size and CRC-32 the directory promised).
//! 3. [`XlsxParts::sheet`] picks the first visible worksheet (tab order of `workbook.xml`,
//!    through the relationships; else `xl/worksheets/sheet1.xml`) and the shared strings.
//! 4. The caller inflates those two the same way, and [`sheet_rows`] reads the cells.
//!
//! [`read_first_sheet`] is the same sequence with a synchronous inflater (native tests, tools).
//!
//! # What is read
//!
//! - Zip entries stored (method 0) or deflated (method 8); zip64 end records and sizes.
//!   Encrypted entries are refused ([`XlsxError::Encrypted`]); so is any other method.
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
//! (empty cells left of a filled one count): [`XlsxError::TooLarge`]. The declared size is
//! checked again after inflating, but the browser's inflater is not stopped early.

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

fn damaged(detail: impl Into<String>) -> XlsxError {
    XlsxError::Damaged {
        detail: detail.into(),
    }
}

/// Returns true if and only if the bytes start as a zip file does (an `.xlsx` is a zip).
pub fn is_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// How a part is compressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Method 0: the bytes as they are.
    Stored,
    /// Method 8: raw DEFLATE (`DecompressionStream('deflate-raw')`).
    Deflate,
}

/// One file inside the workbook's zip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// Its path in the zip (`xl/worksheets/sheet1.xml`).
    pub name: String,
    pub method: Method,
    /// Where its compressed bytes are in the file.
    pub start: usize,
    pub len: usize,
    /// Its size inflated, and the CRC-32 of the inflated bytes, as the directory says.
    pub size: u64,
    pub crc32: u32,
}

impl Part {
    /// The part's bytes as stored in `file` (compressed if [`Method::Deflate`]).
    pub fn raw<'f>(&self, file: &'f [u8]) -> &'f [u8] {
        self.start
            .checked_add(self.len)
            .and_then(|end| file.get(self.start..end))
            .unwrap_or(&[])
    }

    /// The inflated bytes as text, once they are checked against the directory's size and
    /// CRC-32 (a byte-order mark is dropped).
    pub fn text(&self, inflated: Vec<u8>) -> Result<String, XlsxError> {
        if inflated.len() as u64 != self.size {
            return Err(damaged(format!(
                "{}: {} bytes, {} expected",
                self.name,
                inflated.len(),
                self.size
            )));
        }
        if crc32(&inflated) != self.crc32 {
            return Err(damaged(format!("{}: CRC", self.name)));
        }
        let mut text = String::from_utf8(inflated)
            .map_err(|_| damaged(format!("{}: not UTF-8", self.name)))?;
        if text.starts_with('\u{feff}') {
            text.drain(..3);
        }
        Ok(text)
    }
}

/// A zip entry of the central directory.
struct Entry {
    name: String,
    part: Result<Part, XlsxError>,
}

/// The workbook's directory: step 1 of reading (see the module's documentation).
#[derive(Debug)]
pub struct XlsxParts {
    /// `xl/workbook.xml`, which lists the sheets in tab order.
    pub workbook: Option<Part>,
    /// `xl/_rels/workbook.xml.rels`, which says which file each sheet is.
    pub workbook_rels: Option<Part>,
    /// Every entry by its normalised (lower-case) name.
    entries: Vec<(String, Result<Part, XlsxError>)>,
}

/// The parts to inflate for [`sheet_rows`]: step 3.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetParts {
    pub sheet: Part,
    pub shared_strings: Option<Part>,
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

impl XlsxParts {
    fn get(&self, name: &str) -> Option<Result<&Part, XlsxError>> {
        let key = normalise(name);
        self.entries
            .iter()
            .find(|(n, _)| *n == key)
            .map(|(_, p)| p.as_ref().map_err(Clone::clone))
    }

    fn worksheet_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .entries
            .iter()
            .map(|(n, _)| n.as_str())
            .filter(|n| is_worksheet_name(n))
            .collect();
        // sheet2 before sheet10.
        names.sort_by_key(|n| (n.len(), *n));
        names
    }

    /// The first visible worksheet and the shared strings, from the inflated `workbook.xml`
    /// and its relationships (`None` when the zip has no such part): step 3.
    pub fn sheet(
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
                if let Some(part) = self.get(&rel.target) {
                    sheet = Some(part?);
                    break;
                }
            }
        }
        let sheet = match sheet {
            Some(part) => part,
            None => {
                let name = match self.get(SHEET1) {
                    Some(_) => SHEET1,
                    None => *self
                        .worksheet_names()
                        .first()
                        .ok_or(XlsxError::NoWorksheet)?,
                };
                self.get(name).ok_or(XlsxError::NoWorksheet)??
            }
        };
        let shared = rels
            .iter()
            .filter(|r| r.kind.ends_with("/sharedStrings"))
            .find_map(|r| self.get(&r.target))
            .or_else(|| self.get(SHARED_STRINGS))
            .transpose()?;
        Ok(SheetParts {
            sheet: sheet.clone(),
            shared_strings: shared.cloned(),
        })
    }
}

fn is_worksheet_name(name: &str) -> bool {
    name.strip_prefix("xl/worksheets/")
        .is_some_and(|rest| !rest.contains('/') && rest.ends_with(".xml"))
}

/// Reads the zip's directory: step 1 (see the module's documentation).
pub fn plan_xlsx(bytes: &[u8]) -> Result<XlsxParts, XlsxError> {
    let entries = read_directory(bytes)?;
    let entries: Vec<(String, Result<Part, XlsxError>)> = entries
        .into_iter()
        .map(|e| (normalise(&e.name), e.part))
        .collect();
    let mut parts = XlsxParts {
        workbook: None,
        workbook_rels: None,
        entries,
    };
    parts.workbook = parts.get(WORKBOOK).transpose()?.cloned();
    parts.workbook_rels = parts.get(WORKBOOK_RELS).transpose()?.cloned();
    if parts.workbook.is_none() && parts.worksheet_names().is_empty() {
        return Err(XlsxError::NoWorksheet);
    }
    Ok(parts)
}

/// Steps 1 to 4 with a synchronous inflater of raw DEFLATE data.
pub fn read_first_sheet(
    bytes: &[u8],
    inflate: &mut dyn FnMut(&[u8]) -> Option<Vec<u8>>,
) -> Result<Vec<Vec<String>>, XlsxError> {
    let mut text = |part: &Part| -> Result<String, XlsxError> {
        let raw = part.raw(bytes);
        let inflated = match part.method {
            Method::Stored => raw.to_vec(),
            Method::Deflate => {
                inflate(raw).ok_or_else(|| damaged(format!("{}: inflate", part.name)))?
            }
        };
        part.text(inflated)
    };
    let parts = plan_xlsx(bytes)?;
    let workbook = parts.workbook.as_ref().map(&mut text).transpose()?;
    let rels = parts.workbook_rels.as_ref().map(&mut text).transpose()?;
    let sheet = parts.sheet(workbook.as_deref(), rels.as_deref())?;
    let sheet_xml = text(&sheet.sheet)?;
    let shared = sheet.shared_strings.as_ref().map(&mut text).transpose()?;
    sheet_rows(&sheet_xml, shared.as_deref())
}

// ---------------------------------------------------------------------------------------------
// The zip container.

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at.checked_add(8)?)?;
    let mut a = [0; 8];
    a.copy_from_slice(s);
    Some(u64::from_le_bytes(a))
}

const END: u32 = 0x0605_4b50;
const END64_LOCATOR: u32 = 0x0706_4b50;
const END64: u32 = 0x0606_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const LOCAL: u32 = 0x0403_4b50;

fn read_directory(bytes: &[u8]) -> Result<Vec<Entry>, XlsxError> {
    let broken = |what: &str| damaged(format!("zip: {what}"));
    // The end record: 22 bytes and a comment of at most 65,535, at the end of the file.
    let last = bytes
        .len()
        .checked_sub(22)
        .ok_or_else(|| broken("too short"))?;
    let first = last.saturating_sub(65_535);
    let end = (first..=last)
        .rev()
        .find(|&i| u32_at(bytes, i) == Some(END))
        .ok_or_else(|| broken("no end record"))?;
    let mut count = u64::from(u16_at(bytes, end + 10).unwrap_or(0));
    let mut size = u64::from(u32_at(bytes, end + 12).unwrap_or(0));
    let mut offset = u64::from(u32_at(bytes, end + 16).unwrap_or(0));
    if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
        let locator = end.checked_sub(20).ok_or_else(|| broken("zip64 locator"))?;
        if u32_at(bytes, locator) != Some(END64_LOCATOR) {
            return Err(broken("zip64 locator"));
        }
        let at = u64_at(bytes, locator + 8)
            .and_then(|a| usize::try_from(a).ok())
            .ok_or_else(|| broken("zip64 end record"))?;
        if u32_at(bytes, at) != Some(END64) {
            return Err(broken("zip64 end record"));
        }
        let field = |o: usize| u64_at(bytes, at + o).ok_or_else(|| broken("zip64 end record"));
        count = field(32)?;
        size = field(40)?;
        offset = field(48)?;
    }
    let start = usize::try_from(offset).map_err(|_| broken("directory offset"))?;
    let len = usize::try_from(size).map_err(|_| broken("directory size"))?;
    let directory = start
        .checked_add(len)
        .and_then(|e| bytes.get(start..e))
        .ok_or_else(|| broken("directory out of the file"))?;
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    let mut entries = Vec::with_capacity(count.min(directory.len() / 46));
    let mut at = 0;
    for _ in 0..count {
        if u32_at(directory, at) != Some(CENTRAL) {
            return Err(broken("directory entry"));
        }
        let field16 = |o: usize| u16_at(directory, at + o).ok_or_else(|| broken("directory"));
        let field32 = |o: usize| u32_at(directory, at + o).ok_or_else(|| broken("directory"));
        let flags = field16(8)?;
        let method = field16(10)?;
        let crc32 = field32(16)?;
        let mut compressed = u64::from(field32(20)?);
        let mut size = u64::from(field32(24)?);
        let name_len = usize::from(field16(28)?);
        let extra_len = usize::from(field16(30)?);
        let comment_len = usize::from(field16(32)?);
        let mut local = u64::from(field32(42)?);
        let name_at = at + 46;
        let name = directory
            .get(name_at..name_at + name_len)
            .ok_or_else(|| broken("directory name"))?;
        let name = String::from_utf8_lossy(name).into_owned();
        let extra = directory
            .get(name_at + name_len..name_at + name_len + extra_len)
            .ok_or_else(|| broken("directory extra field"))?;
        // The zip64 extra field holds the values whose 32-bit field is all ones, in order.
        let mut e = 0;
        while let (Some(id), Some(n)) = (u16_at(extra, e), u16_at(extra, e + 2)) {
            let data = extra.get(e + 4..e + 4 + usize::from(n)).unwrap_or(&[]);
            if id == 1 {
                let mut i = 0;
                for value in [&mut size, &mut compressed, &mut local] {
                    if *value == 0xFFFF_FFFF {
                        *value = u64_at(data, i).ok_or_else(|| broken("zip64 extra field"))?;
                        i += 8;
                    }
                }
            }
            e += 4 + usize::from(n);
        }
        at = name_at + name_len + extra_len + comment_len;
        let part = entry_part(bytes, &name, flags, method, crc32, compressed, size, local);
        entries.push(Entry { name, part });
    }
    Ok(entries)
}

#[allow(clippy::too_many_arguments)]
fn entry_part(
    bytes: &[u8],
    name: &str,
    flags: u16,
    method: u16,
    crc32: u32,
    compressed: u64,
    size: u64,
    local: u64,
) -> Result<Part, XlsxError> {
    // Bit 0: encrypted; bit 6: strong encryption; method 99: WinZip AES.
    if flags & 0x41 != 0 || method == 99 {
        return Err(XlsxError::Encrypted);
    }
    let method = match method {
        0 => Method::Stored,
        8 => Method::Deflate,
        other => return Err(damaged(format!("{name}: compression method {other}"))),
    };
    if size > MAX_PART_SIZE {
        return Err(XlsxError::TooLarge);
    }
    let bad = || damaged(format!("{name}: local header"));
    let local = usize::try_from(local).map_err(|_| bad())?;
    if u32_at(bytes, local) != Some(LOCAL) {
        return Err(bad());
    }
    let name_len = usize::from(u16_at(bytes, local + 26).ok_or_else(bad)?);
    let extra_len = usize::from(u16_at(bytes, local + 28).ok_or_else(bad)?);
    let start = local + 30 + name_len + extra_len;
    let len = usize::try_from(compressed).map_err(|_| bad())?;
    if start.checked_add(len).is_none_or(|end| end > bytes.len()) {
        return Err(damaged(format!("{name}: data out of the file")));
    }
    if method == Method::Stored && compressed != size {
        return Err(damaged(format!("{name}: stored size")));
    }
    Ok(Part {
        name: name.to_owned(),
        method,
        start,
        len,
        size,
        crc32,
    })
}

/// CRC-32 (IEEE), as zip uses it.
fn crc32(bytes: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            table[i] = c;
            i += 1;
        }
        table
    };
    !bytes
        .iter()
        .fold(!0u32, |c, &b| TABLE[usize::from((c as u8) ^ b)] ^ (c >> 8))
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

    #[test]
    fn crc_of_known_text() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
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
