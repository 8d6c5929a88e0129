//! Crafted files (issue 13, point 16): a zip bomb, a shared string repeated across a million
//! cells, a CSV far over any real import. Each must end in an error the panel can show, before
//! the reader's memory grows past its limits. The files are built here, small, never committed.

use nobi_i18n::Lang;
use nobi_tabular::xlsx::{read_first_sheet, sheet_rows, XlsxError, MAX_INFLATED, MAX_TEXT};
use nobi_tabular::{check_file_size, csv_rows, FileError, MAX_CSV_BYTES, MAX_XLSX_BYTES};
use std::time::Instant;

/// Writes bits least significant first, as deflate packs them.
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn put(&mut self, value: u32, count: u32) {
        self.acc |= u64::from(value) << self.n;
        self.n += count;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// A Huffman code, which deflate writes from its most significant bit.
    fn code(&mut self, code: u32, len: u32) {
        let reversed = (0..len).fold(0, |r, i| r | (((code >> i) & 1) << (len - 1 - i)));
        self.put(reversed, len);
    }

    /// A literal byte in the fixed codes.
    fn literal(&mut self, byte: u8) {
        match byte {
            0..=143 => self.code(0x30 + u32::from(byte), 8),
            _ => self.code(0x190 + u32::from(byte) - 144, 9),
        }
    }

    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// A raw deflate stream (one block, fixed codes) of `prefix`, `byte` `count` times, `suffix`.
/// Every 258 repeated bytes cost 13 bits (length 258, distance 1): a gigabyte is 6.5 MB.
fn deflate_repeat(prefix: &[u8], byte: u8, count: u64, suffix: &[u8]) -> Vec<u8> {
    let mut bits = Bits::default();
    bits.put(1, 1); // the last block
    bits.put(1, 2); // fixed codes
    prefix.iter().for_each(|&b| bits.literal(b));
    let mut left = count;
    if left > 0 {
        bits.literal(byte);
        left -= 1;
    }
    while left >= 258 {
        bits.code(0b1100_0101, 8); // length 258 (symbol 285)
        bits.code(0, 5); // distance 1
        left -= 258;
    }
    (0..left).for_each(|_| bits.literal(byte));
    suffix.iter().for_each(|&b| bits.literal(b));
    bits.code(0, 7); // end of block (symbol 256)
    bits.finish()
}

/// The CRC-32 of what [`deflate_repeat`] inflates to, without building it.
fn crc_repeat(prefix: &[u8], byte: u8, count: u64, suffix: &[u8]) -> u32 {
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(prefix);
    let chunk = vec![byte; 1 << 20];
    let mut left = count;
    while left > 0 {
        let n = left.min(chunk.len() as u64);
        hasher.update(&chunk[..n as usize]);
        left -= n;
    }
    hasher.update(suffix);
    hasher.finalize()
}

/// One entry of a zip: what its directory says and its bytes as stored.
struct Part {
    name: &'static str,
    /// 0 stored, 8 deflated.
    method: u16,
    packed: Vec<u8>,
    crc: u32,
    /// The inflated size the directory declares (true or not).
    declared: u32,
}

fn stored(name: &'static str, data: &[u8]) -> Part {
    Part {
        name,
        method: 0,
        packed: data.to_vec(),
        crc: crc32fast::hash(data),
        declared: data.len() as u32,
    }
}

/// A zip of `parts`, with the sizes and CRCs they declare.
fn zip_of(parts: &[Part]) -> Vec<u8> {
    let header = |out: &mut Vec<u8>, p: &Part| {
        out.extend([20, 0, 0, 0]); // version needed, flags
        out.extend(p.method.to_le_bytes());
        out.extend([0, 0, 0, 0]); // time, date
        out.extend(p.crc.to_le_bytes());
        out.extend((p.packed.len() as u32).to_le_bytes());
        out.extend(p.declared.to_le_bytes());
        out.extend((p.name.len() as u16).to_le_bytes());
        out.extend(0u16.to_le_bytes()); // extra field length
    };
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    for p in parts {
        offsets.push(out.len() as u32);
        out.extend(0x0403_4b50u32.to_le_bytes());
        header(&mut out, p);
        out.extend(p.name.as_bytes());
        out.extend(&p.packed);
    }
    let directory_at = out.len() as u32;
    for (p, offset) in parts.iter().zip(offsets) {
        out.extend(0x0201_4b50u32.to_le_bytes());
        out.extend([20, 0]); // made by
        header(&mut out, p);
        out.extend([0; 6]); // comment length, disk, internal attributes
        out.extend(0u32.to_le_bytes()); // external attributes
        out.extend(offset.to_le_bytes());
        out.extend(p.name.as_bytes());
    }
    let directory_len = out.len() as u32 - directory_at;
    let count = (parts.len() as u16).to_le_bytes();
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0, 0, 0, 0]); // disk numbers
    out.extend(count);
    out.extend(count);
    out.extend(directory_len.to_le_bytes());
    out.extend(directory_at.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

const SHEET: &str = "xl/worksheets/sheet1.xml";
const SHARED: &str = "xl/sharedStrings.xml";
const GIB: u64 = 1 << 30;

/// A sheet part of a gigabyte of zeros, declaring `declared` bytes.
fn bomb(declared: u32) -> Vec<u8> {
    let packed = deflate_repeat(b"", 0, GIB, b"");
    assert!(packed.len() < 7 << 20, "{} bytes", packed.len());
    zip_of(&[Part {
        name: SHEET,
        method: 8,
        packed,
        crc: 0,
        declared,
    }])
}

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    eprintln!("{what}: {:?}", start.elapsed());
    out
}

#[test]
fn the_bomb_stream_inflates_to_what_it_says() {
    use std::io::Read;
    let (prefix, suffix) = (b"<worksheet>".as_slice(), b"</worksheet>".as_slice());
    for count in [0, 1, 257, 258, 259, 10_000] {
        let packed = deflate_repeat(prefix, b' ', count, suffix);
        let mut inflated = Vec::new();
        flate2::read::DeflateDecoder::new(packed.as_slice())
            .read_to_end(&mut inflated)
            .unwrap();
        let mut expected = prefix.to_vec();
        expected.extend(std::iter::repeat_n(b' ', count as usize));
        expected.extend(suffix);
        assert_eq!(inflated, expected, "{count}");
        assert_eq!(
            crc32fast::hash(&inflated),
            crc_repeat(prefix, b' ', count, suffix)
        );
    }
}

/// The directory says 1,000 bytes; the part inflates to a gigabyte. Inflating stops one byte
/// past what is declared.
#[test]
fn a_zip_bomb_that_lies_about_its_size_stops_at_the_declared_size() {
    let zip = bomb(1000);
    let result = timed("bomb declaring 1000 bytes", || read_first_sheet(&zip));
    assert_eq!(
        result,
        Err(XlsxError::Damaged {
            detail: format!("{SHEET}: 1001 bytes, 1000 expected")
        })
    );
}

/// The directory says 200 MiB; the part inflates to a gigabyte. Refused before inflating.
#[test]
fn a_zip_bomb_that_declares_a_large_part_is_refused_before_inflating() {
    let zip = bomb(200 << 20);
    let result = timed("bomb declaring 200 MiB", || read_first_sheet(&zip));
    assert_eq!(result, Err(XlsxError::TooLarge));
}

/// Two parts that tell the truth, 60 MiB each (a sheet and shared strings of spaces): what all
/// the parts of one workbook inflate to is limited together.
#[test]
fn the_parts_of_one_workbook_share_one_limit() {
    let honest = |name, prefix: &'static [u8], suffix: &'static [u8]| {
        let count = (60 << 20) - (prefix.len() + suffix.len()) as u64;
        Part {
            name,
            method: 8,
            packed: deflate_repeat(prefix, b' ', count, suffix),
            crc: crc_repeat(prefix, b' ', count, suffix),
            declared: 60 << 20,
        }
    };
    let zip = zip_of(&[
        honest(SHEET, b"<worksheet>", b"</worksheet>"),
        honest(SHARED, b"<sst>", b"</sst>"),
    ]);
    let result = timed("two honest 60 MiB parts", || read_first_sheet(&zip));
    assert_eq!(result, Err(XlsxError::TooLarge));
}

/// One shared string of 1 MB, referenced from 1,000,000 cells (1,000 rows of 1,000): the rows
/// would hold a terabyte of text.
#[test]
fn a_shared_string_repeated_across_a_million_cells_is_refused() {
    let shared = format!("<sst><si><t>{}</t></si></sst>", "a".repeat(1 << 20));
    let row = format!("<row>{}</row>", "<c t=\"s\"><v>0</v></c>".repeat(1000));
    let sheet = format!(
        "<worksheet><sheetData>{}</sheetData></worksheet>",
        row.repeat(1000)
    );
    let zip = zip_of(&[
        stored(SHEET, sheet.as_bytes()),
        stored(SHARED, shared.as_bytes()),
    ]);
    let result = timed("1 MB shared string × 1,000,000 cells", || {
        read_first_sheet(&zip)
    });
    assert_eq!(result, Err(XlsxError::TooLarge));
}

/// A CSV of 20,000 rows (under the row limit) and 40 MB: refused on its length, before it is
/// decoded or split.
#[test]
fn a_csv_over_the_size_limit_is_refused_before_it_is_parsed() {
    let mut csv = String::from("Tên,SĐT,Ghi chú\n");
    let note = "Khách quen, hay hỏi size ".repeat(80);
    for i in 0..20_000 {
        csv.push_str(&format!("Khách {i},09{i:08},\"{note}\"\n"));
    }
    assert!(csv.len() > 40_000_000, "{}", csv.len());
    let result = timed("40 MB CSV", || {
        csv_rows(csv.as_bytes()).map(|r| r.records.len())
    });
    assert_eq!(
        result,
        Err(FileError::FileTooLarge {
            bytes: csv.len() as u64,
            max: MAX_CSV_BYTES
        })
    );
    // At the limit it is read.
    let mut at_limit = csv.into_bytes();
    at_limit.truncate(MAX_CSV_BYTES as usize);
    let end = at_limit.iter().rposition(|&b| b == b'\n').unwrap() + 1;
    at_limit.truncate(end);
    at_limit.resize(MAX_CSV_BYTES as usize, b'\n');
    assert!(csv_rows(&at_limit).is_ok());
}

/// A 500 MB CSV (or workbook) is refused from its name and size alone, before the panel reads
/// it: nothing of it is ever in memory.
#[test]
fn a_500_mb_file_is_refused_from_its_size_before_it_is_read() {
    let size = 500 << 20;
    let csv = check_file_size("khach-hang.csv", size).unwrap_err();
    assert_eq!(
        csv,
        FileError::FileTooLarge {
            bytes: size,
            max: MAX_CSV_BYTES
        }
    );
    assert_eq!(
        csv.message(Lang::Vi),
        "Tệp quá lớn (500 MB, tối đa 32 MB). Hãy chia thành nhiều tệp nhỏ hơn rồi nhập lần lượt, hoặc xoá các cột, dòng và hình ảnh không cần."
    );
    assert_eq!(
        csv.message(Lang::En),
        "The file is too large (500 MB, at most 32 MB). Split it into smaller files and import them one by one, or delete the columns, rows and pictures you do not need."
    );
    assert_eq!(
        check_file_size("San Pham.XLSX", size),
        Err(FileError::FileTooLarge {
            bytes: size,
            max: MAX_XLSX_BYTES
        })
    );
    // Up to the limit of each kind, and a byte over it (which never reads as the limit).
    assert_eq!(check_file_size("a.csv", MAX_CSV_BYTES), Ok(()));
    assert_eq!(check_file_size("a.txt", 0), Ok(()));
    assert_eq!(check_file_size("a.xlsx", MAX_XLSX_BYTES), Ok(()));
    let over = check_file_size("a.csv", MAX_CSV_BYTES + 1).unwrap_err();
    assert!(over.message(Lang::Vi).contains("(33 MB, tối đa 32 MB)"));
    assert!(check_file_size("a.xlsx.csv", MAX_CSV_BYTES + 1).is_err());
    // The workbook reader checks the bytes it is given too.
    let big = vec![0; MAX_XLSX_BYTES as usize + 1];
    assert_eq!(read_first_sheet(&big), Err(XlsxError::TooLarge));
}

/// Cell text up to the limit is read; a byte more is refused, wherever it comes from.
#[test]
fn cell_text_is_counted_up_to_its_limit() {
    let per_cell = 1 << 20;
    let shared = format!(
        "<sst><si><t>{}</t></si></sst>",
        "ạ".repeat(per_cell / 3 + 1)
    );
    let shared_len = "ạ".len() * (per_cell / 3 + 1);
    let sheet = |n: usize, extra: &str| {
        format!(
            "<worksheet><sheetData><row>{}{extra}</row></sheetData></worksheet>",
            "<c t=\"s\"><v>0</v></c>".repeat(n)
        )
    };
    // 63 cells of a shared string just over 1 MiB fit; a 64th does not.
    let fit = MAX_TEXT / shared_len;
    let rows = sheet_rows(&sheet(fit, ""), Some(&shared)).unwrap();
    assert_eq!(rows[0].len(), fit);
    assert_eq!(
        sheet_rows(&sheet(fit + 1, ""), Some(&shared)),
        Err(XlsxError::TooLarge)
    );
    // Inline strings and numbers count the same.
    let left = MAX_TEXT - fit * shared_len;
    let inline = |n: usize| format!("<c t=\"inlineStr\"><is><t>{}</t></is></c>", "x".repeat(n));
    assert!(sheet_rows(&sheet(fit, &inline(left)), Some(&shared)).is_ok());
    assert_eq!(
        sheet_rows(&sheet(fit, &inline(left + 1)), Some(&shared)),
        Err(XlsxError::TooLarge)
    );
}

/// The inflate limit is shared: two parts each under it are read when their sum is too.
#[test]
fn parts_within_the_inflate_limit_are_read() {
    let sheet = "<worksheet><sheetData><row><c t=\"s\"><v>0</v></c></row></sheetData></worksheet>";
    let prefix = b"<sst><si><t>Lan</t></si>".as_slice();
    let count = MAX_INFLATED - (sheet.len() + prefix.len() + 6) as u64;
    let zip = zip_of(&[
        stored(SHEET, sheet.as_bytes()),
        Part {
            name: SHARED,
            method: 8,
            packed: deflate_repeat(prefix, b' ', count, b"</sst>"),
            crc: crc_repeat(prefix, b' ', count, b"</sst>"),
            declared: (prefix.len() as u64 + count + 6) as u32,
        },
    ]);
    let rows = timed("96 MiB of parts", || read_first_sheet(&zip));
    assert_eq!(rows, Ok(vec![vec!["Lan".to_owned()]]));
}
