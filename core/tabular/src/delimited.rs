//! Delimited text (CSV, semicolon or tab separated) into records with Excel's row numbers.

use crate::{FileError, MAX_CSV_BYTES};
use nobi_i18n::Lang;

/// The most data rows one import takes.
pub const MAX_ROWS: usize = 50_000;

/// Where a problem is, as the agent finds it in Excel: "Dòng 7, cột «SĐT»: ", "Dòng 7: ", or
/// nothing for the whole file. Shared by the customer and the product import.
pub fn place(row: Option<usize>, column: Option<&str>, lang: Lang) -> String {
    match (row, column, lang) {
        (Some(r), Some(c), Lang::Vi) => format!("Dòng {r}, cột «{c}»: "),
        (Some(r), Some(c), Lang::En) => format!("Row {r}, column “{c}”: "),
        (Some(r), None, Lang::Vi) => format!("Dòng {r}: "),
        (Some(r), None, Lang::En) => format!("Row {r}: "),
        (None, _, _) => String::new(),
    }
}

/// `50000` → `50.000` (Vietnamese) or `50,000` (English).
pub fn group(n: usize, sep: char) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(d);
    }
    out
}

/// A CSV file split into records: what the customer import and the product import
/// (`nobi_order::import`) read from CSV, before either looks at a header.
pub struct CsvRows {
    /// `,`, `;`, tab, or the one Excel's `sep=` line names.
    pub delimiter: u8,
    /// The records of the file, header first. Blank lines are not records (their rows count).
    pub records: Vec<CsvRecord>,
}

/// One record of a CSV file.
pub struct CsvRecord {
    /// The row as Excel numbers it: the header is row 1 when it is the first line, blank lines
    /// count, and a quoted cell over several lines is one row.
    pub row: usize,
    /// The trimmed cells as the CSV reader read them; empty when it refused the record.
    pub cells: Vec<String>,
    /// What is wrong with the record as a whole: [`FileError::BrokenQuote`],
    /// [`FileError::UnclosedQuote`] or [`FileError::BadRow`].
    pub problem: Option<FileError>,
}

/// Reads a CSV file into records: decoding ([`FileError::ExcelFile`],
/// [`FileError::WorkbookEncrypted`], [`FileError::NotText`],
/// [`FileError::Empty`]), the delimiter, rows numbered as Excel shows them, and the quote
/// problems of each record. More than [`MAX_CSV_BYTES`] bytes is [`FileError::FileTooLarge`],
/// before anything is decoded or copied; more than [`MAX_ROWS`] records after the first is
/// [`FileError::TooManyRows`], counted before the cells are read.
pub fn csv_rows(bytes: &[u8]) -> Result<CsvRows, FileError> {
    let size = bytes.len() as u64;
    if size > MAX_CSV_BYTES {
        return Err(FileError::FileTooLarge {
            bytes: size,
            max: MAX_CSV_BYTES,
        });
    }
    let text = decode(bytes)?;
    let (text, delimiter) = match excel_separator_line(&text) {
        Some((rest, d)) => (rest, d),
        None => (text.as_str(), detect_delimiter(&text)),
    };
    let records = split_records(text, delimiter);
    if records.is_empty() {
        return Err(FileError::Empty);
    }
    let data = records.len() - 1;
    if data > MAX_ROWS {
        // Counted before reading: rows of only delimiters count too.
        return Err(FileError::TooManyRows { rows: data });
    }
    let parsed = parse_all(text, delimiter, &records);
    let records = records
        .into_iter()
        .zip(parsed)
        .map(|(record, parsed)| match parsed {
            Ok(cells) => CsvRecord {
                row: record.row,
                cells,
                problem: record.quote,
            },
            Err(detail) => CsvRecord {
                row: record.row,
                cells: Vec::new(),
                problem: Some(record.quote.unwrap_or(FileError::BadRow { detail })),
            },
        })
        .collect();
    Ok(CsvRows { delimiter, records })
}

/// The file as text. Refuses Excel workbooks and other binaries.
fn decode(bytes: &[u8]) -> Result<String, FileError> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        // An OLE compound file: an old `.xls`, or an `.xlsx` encrypted with a password, whose
        // package is the compound file's stream "EncryptedPackage".
        let name: Vec<u8> = "EncryptedPackage"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        if memchr::memmem::find(bytes, &name).is_some() {
            return Err(FileError::WorkbookEncrypted);
        }
        return Err(FileError::ExcelFile);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(FileError::ExcelFile);
    }
    let text = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        String::from_utf8(rest.to_vec()).map_err(|_| FileError::NotText)?
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        utf16(rest, u16::from_le_bytes)?
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        utf16(rest, u16::from_be_bytes)?
    } else {
        String::from_utf8(bytes.to_vec()).map_err(|_| FileError::NotText)?
    };
    if text.contains('\0') {
        return Err(FileError::NotText);
    }
    if text.trim().is_empty() {
        return Err(FileError::Empty);
    }
    Ok(text)
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, FileError> {
    if bytes.len() % 2 != 0 {
        return Err(FileError::NotText);
    }
    let units: Vec<u16> = bytes.chunks_exact(2).map(|p| unit([p[0], p[1]])).collect();
    String::from_utf16(&units).map_err(|_| FileError::NotText)
}

/// Excel's `sep=;` first line: the delimiter it names, and the text after that line.
fn excel_separator_line(text: &str) -> Option<(&str, u8)> {
    let end = text.find(['\r', '\n']).unwrap_or(text.len());
    let line = text[..end].trim();
    let rest = line
        .strip_prefix("sep=")
        .or_else(|| line.strip_prefix("SEP="))?;
    let &[delimiter] = rest.as_bytes() else {
        return None;
    };
    if !delimiter.is_ascii() || matches!(delimiter, b'"' | b'\r' | b'\n') {
        return None;
    }
    let after = text[end..]
        .strip_prefix("\r\n")
        .or_else(|| text[end..].strip_prefix(['\r', '\n']))
        .unwrap_or(&text[end..]);
    Some((after, delimiter))
}

/// `,`, `;` or tab: whichever the first non-blank line has most of outside quotes (ties: tab,
/// then `;`, then `,`).
fn detect_delimiter(text: &str) -> u8 {
    let line = text
        .split(['\r', '\n'])
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for b in line.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b'\t' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b',' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let candidates = [b'\t', b';', b','];
    let best = (0..3).max_by_key(|&i| (counts[i], 2 - i)).unwrap_or(2);
    if counts[best] == 0 {
        b','
    } else {
        candidates[best]
    }
}

/// One record of the file: its text (without the line break) and where Excel shows it.
struct RawRecord<'t> {
    row: usize,
    text: &'t str,
    quote: Option<FileError>,
}

/// Why not `csv::Position`: the `csv` crate (1.4) counts `\n` inside quoted cells as lines,
/// does not count a lone `\r`, and places a record after the blank lines before it, so its
/// `position().line()` is not Excel's row; and it reads `"abc"def` and an unclosed quote without
/// an error, so it cannot report [`FileError::BrokenQuote`] or [`FileError::UnclosedQuote`]. The
/// cells themselves are the `csv` crate's ([`parse_all`]).
///
/// Splits the text into records the way the CSV reader does (a quote opens a quoted field only
/// at the start of a field; line breaks inside quotes belong to the field; blank lines are not
/// records), numbering them as Excel numbers rows: every line break outside quotes starts a new
/// row, blank lines included. Also notes quote problems the CSV reader passes over silently.
fn split_records(text: &str, delimiter: u8) -> Vec<RawRecord<'_>> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        FieldStart,
        Unquoted,
        Quoted,
        AfterQuote,
    }
    let bytes = text.as_bytes();
    let mut records = Vec::new();
    let mut row = 1;
    let mut i = 0;
    let skip_break = |i: usize| -> usize {
        if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            i + 2
        } else {
            i + 1
        }
    };
    while i < bytes.len() {
        if matches!(bytes[i], b'\r' | b'\n') {
            i = skip_break(i);
            row += 1;
            continue;
        }
        let start = i;
        let mut state = State::FieldStart;
        let mut quote = None;
        while i < bytes.len() {
            let b = bytes[i];
            let line_break = matches!(b, b'\r' | b'\n');
            state = match state {
                State::FieldStart | State::Unquoted if line_break => break,
                State::FieldStart if b == b'"' => State::Quoted,
                State::FieldStart | State::Unquoted if b == delimiter => State::FieldStart,
                State::FieldStart | State::Unquoted => State::Unquoted,
                State::Quoted if b == b'"' => State::AfterQuote,
                State::Quoted => State::Quoted,
                State::AfterQuote if b == b'"' => State::Quoted,
                State::AfterQuote if b == delimiter => State::FieldStart,
                State::AfterQuote if line_break => break,
                State::AfterQuote => {
                    quote.get_or_insert(FileError::BrokenQuote);
                    State::Unquoted
                }
            };
            i += 1;
        }
        if state == State::Quoted {
            quote = Some(FileError::UnclosedQuote);
        }
        records.push(RawRecord {
            row,
            text: &text[start..i],
            quote,
        });
        if i < bytes.len() {
            i = skip_break(i);
            row += 1;
        }
    }
    records
}

/// The trimmed cells of every record, in the order of [`split_records`].
///
/// One CSV reader reads the whole text (building a reader costs far more than reading a row).
/// Its records are those of [`split_records`], which follows the same rules; should they ever
/// disagree, every record is read on its own instead, so that cells never shift to another row.
fn parse_all(text: &str, delimiter: u8, records: &[RawRecord<'_>]) -> Vec<CellsOrError> {
    let builder = || {
        let mut b = csv::ReaderBuilder::new();
        b.has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .delimiter(delimiter);
        b
    };
    let mut reader = builder().from_reader(text.as_bytes());
    let mut all = Vec::with_capacity(records.len());
    let mut cells = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut cells) {
            Ok(true) => all.push(Ok(cells.iter().map(str::to_owned).collect())),
            Ok(false) => break,
            Err(e) => all.push(Err(e.to_string())),
        }
        if all.len() > records.len() {
            break;
        }
    }
    debug_assert_eq!(
        all.len(),
        records.len(),
        "CSV reader and row splitter disagree"
    );
    if all.len() != records.len() {
        all = records
            .iter()
            .map(|r| {
                let mut reader = builder().from_reader(r.text.as_bytes());
                match reader.read_record(&mut cells) {
                    Ok(true) => Ok(cells.iter().map(str::to_owned).collect()),
                    Ok(false) => Ok(Vec::new()),
                    Err(e) => Err(e.to_string()),
                }
            })
            .collect();
    }
    all
}

type CellsOrError = Result<Vec<String>, String>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_and_excel_separator_line() {
        assert_eq!(detect_delimiter("Tên;SĐT;\"a,b,c\""), b';');
        assert_eq!(detect_delimiter("\n\nName\tPhone\tNote, more"), b'\t');
        assert_eq!(detect_delimiter("Tên"), b',');
    }

    #[test]
    fn csv_rows_number_records_and_keep_their_problems() {
        let csv = csv_rows(
            "sep=;\nSKU;Giá\r\n\r\n\"x\ny\";\"say \"\"hi\"\"\"\r \"a\"b ; c \n\"open\nd".as_bytes(),
        )
        .unwrap();
        assert_eq!(csv.delimiter, b';');
        let rows: Vec<(usize, Vec<&str>, Option<FileError>)> = csv
            .records
            .iter()
            .map(|r| {
                let cells = r.cells.iter().map(String::as_str).collect();
                (r.row, cells, r.problem.clone())
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                (1, vec!["SKU", "Giá"], None),
                (3, vec!["x\ny", "say \"hi\""], None),
                (4, vec!["\"a\"b", "c"], None),
                (5, vec!["open\nd"], Some(FileError::UnclosedQuote)),
            ]
        );
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("SKU\tGiá".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let csv = csv_rows(&utf16).unwrap();
        assert_eq!(
            (csv.delimiter, csv.records[0].cells[1].as_str()),
            (b'\t', "Giá")
        );
        assert!(matches!(
            csv_rows(b"PK\x03\x04..."),
            Err(FileError::ExcelFile)
        ));
        assert!(matches!(csv_rows(b"\xFF\xFEa"), Err(FileError::NotText)));
        assert!(matches!(csv_rows(b" \n\n"), Err(FileError::Empty)));
    }
}
