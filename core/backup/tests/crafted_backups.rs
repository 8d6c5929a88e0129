//! Crafted backups (issue 13, point 16): a backup JSON nested 100,000 deep, and one over the size
//! limit. The files are built here, never committed.

use nobi_backup::{
    check_file_size, check_json, Backup, BackupError, BackupHeader, MAX_BACKUP_BYTES, MAX_DEPTH,
};
use nobi_i18n::Lang;
use std::time::Instant;

const DEPTH: usize = 100_000;

/// A backup whose header is right and whose one unknown field nests `depth` arrays.
fn nested(depth: usize) -> String {
    format!(
        r#"{{"format":"nobi-pro-backup","schema_version":1,"exported_at":9,"x":{}{}}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    )
}

/// `serde_json` (what a native reader would use) is safe either way, without a limit of ours: it
/// skips an unknown field without recursing (the backup reads, the field ignored) and stops at
/// its recursion limit of 128 inside an expected field. The panel does not read through
/// `serde_json` but through `JSON.parse` and a recursive deserializer: see `check_json`.
#[test]
fn serde_json_survives_a_backup_nested_100000_deep() {
    let json = nested(DEPTH);
    assert!(serde_json::from_str::<Backup>(&json).is_ok());
    assert!(serde_json::from_str::<BackupHeader>(&json).is_ok());
    let json = format!(
        r#"{{"format":"nobi-pro-backup","schema_version":1,"exported_at":9,"customers":{}{}}}"#,
        "[".repeat(DEPTH),
        "]".repeat(DEPTH)
    );
    let error = serde_json::from_str::<Backup>(&json).unwrap_err();
    assert!(error.to_string().contains("invalid type"), "{error}");
    let json = format!(
        r#"{{"format":"nobi-pro-backup","schema_version":1,"exported_at":9,"settings":[{{"id":{}{}}}]}}"#,
        "[".repeat(DEPTH),
        "]".repeat(DEPTH)
    );
    let error = serde_json::from_str::<Backup>(&json).unwrap_err();
    assert!(error.to_string().contains("invalid type"), "{error}");
}

/// The panel's path (`JSON.parse`, then a deserializer that recurses once per level of an
/// unknown field) is not safe: the bytes are refused before they are parsed.
#[test]
fn a_backup_nested_100000_deep_is_refused_before_it_is_parsed() {
    let json = nested(DEPTH);
    let start = Instant::now();
    let error = check_json(json.as_bytes()).unwrap_err();
    eprintln!("100,000 deep: refused in {:?}", start.elapsed());
    assert_eq!(error, BackupError::TooDeep { max: MAX_DEPTH });
    assert_eq!(
        error.message(Lang::Vi),
        "Tệp này không phải tệp sao lưu do Nobi Pro xuất ra: dữ liệu lồng nhau quá 64 tầng. Hãy chọn tệp .json đã xuất từ mục Sao lưu."
    );
    assert!(error.message(Lang::En).contains("more than 64 levels deep"));
    // Objects count as arrays do, and a depth of exactly the limit is read.
    let objects = format!(
        "{}1{}",
        r#"{"a":"#.repeat(MAX_DEPTH + 1),
        "}".repeat(MAX_DEPTH + 1)
    );
    assert!(check_json(objects.as_bytes()).is_err());
    assert_eq!(check_json(nested(MAX_DEPTH - 1).as_bytes()), Ok(()));
    assert!(check_json(nested(MAX_DEPTH).as_bytes()).is_err());
    // Brackets inside strings (escaped quotes too) are text, not nesting.
    let text = format!(
        r#"{{"format":"nobi-pro-backup","note":"\"{}\\","x":[]}}"#,
        "[{".repeat(DEPTH)
    );
    assert_eq!(check_json(text.as_bytes()), Ok(()));
    // Closing brackets first do not make room for more opening ones.
    let unbalanced = format!("]]]]{}", "[".repeat(MAX_DEPTH + 1));
    assert!(check_json(unbalanced.as_bytes()).is_err());
}

/// A 300 MB backup is refused from its size before it is read, and its bytes before they are
/// parsed; the message says the size and what to do.
#[test]
fn a_backup_over_the_size_limit_is_refused_before_it_is_read() {
    let size = 300 << 20;
    let error = check_file_size(size).unwrap_err();
    assert_eq!(
        error,
        BackupError::TooLarge {
            bytes: size,
            max: MAX_BACKUP_BYTES
        }
    );
    assert!(error
        .message(Lang::Vi)
        .starts_with("Tệp sao lưu quá lớn (300 MB, tối đa 256 MB)"));
    assert!(error
        .message(Lang::En)
        .starts_with("The backup is too large (300 MB, at most 256 MB)"));
    assert_eq!(check_file_size(MAX_BACKUP_BYTES), Ok(()));
    let over = vec![b' '; MAX_BACKUP_BYTES as usize + 1];
    assert_eq!(
        check_json(&over),
        Err(BackupError::TooLarge {
            bytes: MAX_BACKUP_BYTES + 1,
            max: MAX_BACKUP_BYTES
        })
    );
    assert!(BackupError::TooLarge {
        bytes: MAX_BACKUP_BYTES + 1,
        max: MAX_BACKUP_BYTES
    }
    .message(Lang::Vi)
    .contains("(257 MB, tối đa 256 MB)"));
}
