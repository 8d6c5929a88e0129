//! The JSON backup file: every record of the local store, to save or to move to another browser.
//!
//! The panel serialises a [`Backup`] with `serde_json` (core has no JSON dependency of its own)
//! and, on restore, reads the [`BackupHeader`] first: a backup from a newer extension is refused
//! before its records are read, since their shape may have changed. Then [`Backup::check`] brings
//! older records to the current schema and checks that the stores fit together, so the panel
//! writes them in one transaction or not at all.
//!
//! The typed stores are in it: settings, staff, tags, customers, conversations, history (in the
//! export order of [`schema::RECORD_STORES`]). Orders, products and templates join when their
//! records land in the store (issues 7 and 8); a backup without them still reads then, because
//! every store is `#[serde(default)]`.
//!
//! # Crate contract
//!
//! [`Backup::check`] returns `Ok` if and only if every record fits the current schema (after
//! bringing older ones up to it) and the stores fit together; nothing is written by this crate.
//!
//! [`check_file_size`] refuses a file over [`MAX_BACKUP_BYTES`] from its size alone, before the
//! panel reads it; [`check_json`] refuses the bytes read over that size or nested deeper than
//! [`MAX_DEPTH`], before they are parsed. The panel parses with `JSON.parse` (which nests as
//! deep as it is given) and reads the result with a recursive deserializer, which goes one call
//! deeper for every level of an unknown field: a file nested 100,000 deep would overflow the
//! stack there. [`check_json`] reads the bytes once, keeping only a count.
//!
//! # Dependencies
//!
//! It sits above every store it holds: `nobi-crm`, `nobi-order` (orders, products, combos) and
//! `nobi-template`; `nobi-i18n` for its messages; `serde`. `nobi_core::crm::backup` re-exports it
//! at its old place.

use nobi_crm::model::*;
use nobi_crm::schema;
use nobi_i18n::Lang;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// The value of [`Backup::format`].
pub const FORMAT: &str = "nobi-pro-backup";

/// The most bytes a backup file may have. The panel reads a backup whole: the file, its text,
/// the same text as one JavaScript string for `JSON.parse` (two bytes a character once a
/// Vietnamese letter is in it), the parsed objects and the records are in memory at once, some
/// six times the file, so a file at the limit costs about 1.5 GB while it is restored. Beyond
/// it the text would approach V8's longest string (2^29 − 24 characters), which `JSON.parse`
/// cannot take at all. Images are the bulk of a large backup (5 MB each at most, in base64).
pub const MAX_BACKUP_BYTES: u64 = 256 << 20;

/// The deepest a backup's JSON may nest (objects and arrays). A backup nests 6 levels (a
/// customer's address and its units), 7 with an order (its lines and their discounts), so 64
/// leaves room for any later shape, while keeping the panel's recursive deserializer 64 calls
/// deep at most (`serde_json` stops at 128).
pub const MAX_DEPTH: usize = 64;

/// Refuses a backup file from its size alone ([`BackupError::TooLarge`]), so that the panel
/// says so before it reads the file into memory.
pub fn check_file_size(bytes: u64) -> Result<(), BackupError> {
    if bytes > MAX_BACKUP_BYTES {
        return Err(BackupError::TooLarge {
            bytes,
            max: MAX_BACKUP_BYTES,
        });
    }
    Ok(())
}

/// Refuses the bytes of a backup file before they are parsed: over [`MAX_BACKUP_BYTES`]
/// ([`BackupError::TooLarge`]) or with objects and arrays nested deeper than [`MAX_DEPTH`]
/// ([`BackupError::TooDeep`]), brackets inside strings left out. One pass, nothing allocated;
/// whether the rest is JSON is for the parser to say.
pub fn check_json(text: &[u8]) -> Result<(), BackupError> {
    check_file_size(text.len() as u64)?;
    if json_depth(text) > MAX_DEPTH {
        return Err(BackupError::TooDeep { max: MAX_DEPTH });
    }
    Ok(())
}

/// How deep the objects and arrays of `text` nest, read as JSON (brackets in strings are not
/// counted; a closing bracket with nothing open is ignored). Stops counting past [`MAX_DEPTH`].
fn json_depth(text: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for &b in text {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > deepest {
                    deepest = depth;
                    if deepest > MAX_DEPTH {
                        break;
                    }
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// What every backup starts with; readable from a backup of any version (other fields are
/// ignored).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupHeader {
    pub format: String,
    pub schema_version: u32,
    pub exported_at: Millis,
    /// How many records of each store the export read (by [`schema`] store name), in the same
    /// read transaction as the records. Absent in files written before it existed.
    #[serde(default)]
    pub counts: Option<std::collections::BTreeMap<String, u64>>,
}

impl BackupHeader {
    /// Refuses a file that is not a backup, or that a newer extension wrote.
    pub fn check(&self) -> Result<(), BackupError> {
        if self.format != FORMAT || self.schema_version == 0 {
            return Err(BackupError::NotABackup);
        }
        if self.schema_version > schema::VERSION {
            return Err(BackupError::FutureVersion {
                version: self.schema_version,
                supported: schema::VERSION,
            });
        }
        Ok(())
    }
}

/// Every record of the store at one moment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backup {
    /// Always [`FORMAT`].
    pub format: String,
    /// The [`schema::VERSION`] that wrote the records.
    pub schema_version: u32,
    pub exported_at: Millis,
    /// See [`BackupHeader::counts`]: a file whose stores do not hold these many records is
    /// refused before anything is cleared.
    #[serde(default)]
    pub counts: Option<std::collections::BTreeMap<String, u64>>,
    #[serde(default)]
    pub settings: Vec<Settings>,
    #[serde(default)]
    pub staff: Vec<Staff>,
    #[serde(default)]
    pub tags: Vec<Tag>,
    #[serde(default)]
    pub customers: Vec<Customer>,
    #[serde(default)]
    pub conversations: Vec<ConversationRecord>,
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
    /// Since schema version 3.
    #[serde(default)]
    pub products: Vec<nobi_order::catalog::Product>,
    #[serde(default)]
    pub combos: Vec<nobi_order::catalog::Combo>,
    #[serde(default)]
    pub orders: Vec<nobi_order::Order>,
    /// Since schema version 4.
    #[serde(default)]
    pub templates: Vec<nobi_template::Template>,
    #[serde(default)]
    pub media: Vec<nobi_crm::MediaItem>,
}

impl Backup {
    /// An empty backup of the current version; the panel fills the stores.
    pub fn new(exported_at: Millis) -> Backup {
        Backup {
            format: FORMAT.to_owned(),
            schema_version: schema::VERSION,
            exported_at,
            counts: None,
            settings: Vec::new(),
            staff: Vec::new(),
            tags: Vec::new(),
            customers: Vec::new(),
            conversations: Vec::new(),
            history: Vec::new(),
            products: Vec::new(),
            combos: Vec::new(),
            orders: Vec::new(),
            templates: Vec::new(),
            media: Vec::new(),
        }
    }

    pub fn header(&self) -> BackupHeader {
        BackupHeader {
            format: self.format.clone(),
            schema_version: self.schema_version,
            exported_at: self.exported_at,
            counts: self.counts.clone(),
        }
    }

    /// How many records each store of this backup holds, by [`schema`] store name.
    pub fn record_counts(&self) -> std::collections::BTreeMap<String, u64> {
        [
            (schema::SETTINGS, self.settings.len()),
            (schema::STAFF, self.staff.len()),
            (schema::TAGS, self.tags.len()),
            (schema::CUSTOMERS, self.customers.len()),
            (schema::CONVERSATIONS, self.conversations.len()),
            (schema::HISTORY, self.history.len()),
            (schema::PRODUCTS, self.products.len()),
            (schema::COMBOS, self.combos.len()),
            (schema::ORDERS, self.orders.len()),
            (schema::TEMPLATES, self.templates.len()),
            (schema::MEDIA, self.media.len()),
        ]
        .into_iter()
        .map(|(store, n)| (store.to_owned(), n as u64))
        .collect()
    }

    /// Makes the backup ready to restore: refuses another file or a newer version, migrates
    /// records written by an older schema (after which `schema_version` is the current one),
    /// then checks that ids are unique within each store, that every conversation's customer
    /// is in the backup and that every tag of a customer is.
    ///
    /// On error the backup may already be partly migrated; it must not be written.
    pub fn check(&mut self) -> Result<(), BackupError> {
        self.header().check()?;
        if let Some(expected) = &self.counts {
            let found = self.record_counts();
            for (store, &want) in expected {
                let have = found.get(store).copied().unwrap_or(0);
                if have != want {
                    return Err(BackupError::CountsMismatch {
                        store: store.clone(),
                        expected: want,
                        found: have,
                    });
                }
            }
        }
        if self.schema_version < schema::VERSION {
            let from = self.schema_version;
            self.customers = std::mem::take(&mut self.customers)
                .into_iter()
                .map(|c| schema::migrate_customer(c, from))
                .collect();
            self.schema_version = schema::VERSION;
        }
        unique(schema::SETTINGS, self.settings.iter().map(|r| &r.id))?;
        unique(schema::STAFF, self.staff.iter().map(|r| &r.id))?;
        unique(schema::TAGS, self.tags.iter().map(|r| &r.id))?;
        unique(schema::CUSTOMERS, self.customers.iter().map(|r| &r.id))?;
        unique(
            schema::CONVERSATIONS,
            self.conversations.iter().map(|r| &r.id),
        )?;
        unique(schema::HISTORY, self.history.iter().map(|r| &r.id))?;

        let customers: HashSet<&Id> = self.customers.iter().map(|c| &c.id).collect();
        if let Some(c) = self
            .conversations
            .iter()
            .find(|c| !customers.contains(&c.customer_id))
        {
            return Err(BackupError::MissingCustomer {
                conversation: c.id.clone(),
                customer: c.customer_id.clone(),
            });
        }
        let tags: HashSet<&Id> = self.tags.iter().map(|t| &t.id).collect();
        for c in &self.customers {
            if let Some(tag) = c.tags.iter().find(|t| !tags.contains(t)) {
                return Err(BackupError::MissingTag {
                    customer: c.id.clone(),
                    name: c.name.clone(),
                    tag: tag.clone(),
                });
            }
        }
        Ok(())
    }
}

fn unique<'a>(store: &'static str, ids: impl Iterator<Item = &'a Id>) -> Result<(), BackupError> {
    let mut seen = HashSet::new();
    for id in ids {
        if !seen.insert(id) {
            return Err(BackupError::DuplicateId {
                store,
                id: id.clone(),
            });
        }
    }
    Ok(())
}

/// Why a backup cannot be restored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BackupError {
    /// The panel could not read the file as JSON of a backup.
    Unreadable,
    /// More bytes than [`MAX_BACKUP_BYTES`] (`max`).
    TooLarge { bytes: u64, max: u64 },
    /// Objects and arrays nested deeper than [`MAX_DEPTH`] (`max`): not a file Nobi Pro wrote.
    TooDeep { max: usize },
    /// Not a Nobi Pro backup (another JSON file).
    NotABackup,
    /// Written by a newer extension.
    FutureVersion { version: u32, supported: u32 },
    /// Two records of one store (a [`schema`] store name) with the same id.
    DuplicateId { store: &'static str, id: Id },
    /// A conversation whose customer is not in the backup.
    MissingCustomer { conversation: Id, customer: Id },
    /// A customer with a tag that is not in the backup.
    MissingTag { customer: Id, name: String, tag: Id },
    /// A store holds another number of records than the file's header says it was exported
    /// with: the file was cut or edited.
    CountsMismatch {
        store: String,
        expected: u64,
        found: u64,
    },
}

impl BackupError {
    /// What is wrong and what to do, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        use BackupError::*;
        match (self, lang) {
            (CountsMismatch { store, expected, found }, Lang::Vi) => format!(
                "Tệp sao lưu không đủ: mục \"{store}\" có {found} bản ghi nhưng lúc xuất có {expected}. Tệp đã bị cắt hoặc sửa; chưa khôi phục gì. Hãy dùng một tệp sao lưu khác."
            ),
            (CountsMismatch { store, expected, found }, Lang::En) => format!(
                "The backup is incomplete: \"{store}\" holds {found} records but {expected} were exported. The file was cut or edited; nothing was restored. Use another backup file."
            ),
            (Unreadable, Lang::Vi) => "Không đọc được tệp sao lưu: tệp bị hỏng hoặc không phải tệp .json do Nobi Pro xuất ra. Hãy chọn lại đúng tệp.".into(),
            (Unreadable, Lang::En) => "The backup cannot be read: the file is damaged or is not a .json file exported by Nobi Pro. Choose the right file.".into(),
            (TooLarge { bytes, max }, Lang::Vi) => format!(
                "Tệp sao lưu quá lớn ({} MB, tối đa {} MB) để khôi phục trong trình duyệt. Hãy kiểm tra đúng là tệp .json đã xuất từ mục Sao lưu; nếu đúng, hãy xoá bớt hình ảnh trong Thư viện ảnh, xuất lại rồi khôi phục tệp mới.",
                megabytes(*bytes),
                megabytes(*max)
            ),
            (TooLarge { bytes, max }, Lang::En) => format!(
                "The backup is too large ({} MB, at most {} MB) to restore in the browser. Check that it is the .json file exported from Backup; if it is, delete some images from the Media library, export again and restore the new file.",
                megabytes(*bytes),
                megabytes(*max)
            ),
            (TooDeep { max }, Lang::Vi) => format!(
                "Tệp này không phải tệp sao lưu do Nobi Pro xuất ra: dữ liệu lồng nhau quá {max} tầng. Hãy chọn tệp .json đã xuất từ mục Sao lưu."
            ),
            (TooDeep { max }, Lang::En) => format!(
                "This is not a backup exported by Nobi Pro: its data nests more than {max} levels deep. Choose the .json file exported from Backup."
            ),
            (NotABackup, Lang::Vi) => "Đây không phải tệp sao lưu của Nobi Pro. Hãy chọn tệp .json đã xuất từ mục Sao lưu.".into(),
            (NotABackup, Lang::En) => "This is not a Nobi Pro backup. Choose the .json file exported from Backup.".into(),
            (FutureVersion { version, supported }, Lang::Vi) => format!(
                "Tệp sao lưu này do phiên bản Nobi Pro mới hơn tạo ra (dữ liệu phiên bản {version}, bản này chỉ đọc được tới {supported}). Hãy cập nhật tiện ích Nobi Pro rồi khôi phục lại."
            ),
            (FutureVersion { version, supported }, Lang::En) => format!(
                "This backup was made by a newer Nobi Pro (data version {version}; this one reads up to {supported}). Update the Nobi Pro extension, then restore again."
            ),
            (DuplicateId { store, id }, Lang::Vi) => format!(
                "Tệp sao lưu bị lỗi: mã {} xuất hiện hai lần trong mục «{}». Hãy dùng một tệp sao lưu khác.",
                id.as_str(),
                store_name(store, lang)
            ),
            (DuplicateId { store, id }, Lang::En) => format!(
                "The backup is damaged: id {} appears twice in “{}”. Use another backup file.",
                id.as_str(),
                store_name(store, lang)
            ),
            (MissingCustomer { conversation, customer }, Lang::Vi) => format!(
                "Tệp sao lưu bị thiếu: hội thoại {} thuộc khách hàng {} nhưng khách hàng này không có trong tệp. Hãy dùng một tệp sao lưu khác.",
                conversation.as_str(),
                customer.as_str()
            ),
            (MissingCustomer { conversation, customer }, Lang::En) => format!(
                "The backup is incomplete: conversation {} belongs to customer {}, who is not in the file. Use another backup file.",
                conversation.as_str(),
                customer.as_str()
            ),
            (MissingTag { name, tag, .. }, Lang::Vi) => format!(
                "Tệp sao lưu bị thiếu: khách hàng «{name}» có nhãn {} nhưng nhãn này không có trong tệp. Hãy dùng một tệp sao lưu khác.",
                tag.as_str()
            ),
            (MissingTag { name, tag, .. }, Lang::En) => format!(
                "The backup is incomplete: customer “{name}” has tag {}, which is not in the file. Use another backup file.",
                tag.as_str()
            ),
        }
    }
}

/// Whole megabytes (MiB), rounded up, so that a file over the limit never reads as the limit.
fn megabytes(bytes: u64) -> u64 {
    bytes.div_ceil(1 << 20)
}

/// A store's name as people call it.
fn store_name(store: &str, lang: Lang) -> &str {
    match (store, lang) {
        (schema::SETTINGS, Lang::Vi) => "cài đặt",
        (schema::STAFF, Lang::Vi) => "nhân viên",
        (schema::TAGS, Lang::Vi) => "nhãn",
        (schema::CUSTOMERS, Lang::Vi) => "khách hàng",
        (schema::CONVERSATIONS, Lang::Vi) => "hội thoại",
        (schema::HISTORY, Lang::Vi) => "lịch sử",
        (schema::SETTINGS, Lang::En) => "settings",
        (schema::STAFF, Lang::En) => "staff",
        (schema::TAGS, Lang::En) => "tags",
        (schema::CUSTOMERS, Lang::En) => "customers",
        (schema::CONVERSATIONS, Lang::En) => "conversations",
        (schema::HISTORY, Lang::En) => "history",
        (other, _) => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nobi_protocol::Platform;

    fn sample() -> Backup {
        let mut b = Backup::new(1_700_000_000_000);
        b.settings.push(Settings {
            lang: Some("vi".into()),
            me: Some(Id("s1".into())),
            ..Settings::default()
        });
        b.staff.push(Staff {
            id: Id("s1".into()),
            created_at: 1,
            updated_at: 1,
            name: "Thảo".into(),
        });
        for (i, name) in ["VIP", "Khách quen"].into_iter().enumerate() {
            b.tags.push(Tag {
                id: Id(format!("t{i}")),
                created_at: 1,
                updated_at: 1,
                name: name.into(),
                color: TAG_COLORS[i].into(),
            });
        }
        let mut lan = Customer {
            id: Id("c1".into()),
            created_at: 2,
            updated_at: 3,
            name: "Nguyễn Thị Lan".into(),
            identities: vec![Identity {
                platform: Platform::Instagram,
                account: Some("shop.hoa".into()),
                thread_id: Some("111".into()),
                username: Some("lan.ng".into()),
                profile_url: None,
            }],
            emails: vec!["lan@example.com".into()],
            birthday: Date::new(1992, 11, 5),
            gender: Some(Gender::Female),
            tags: vec![Id("t0".into()), Id("t1".into())],
            notes: vec![Note {
                id: Id("n1".into()),
                at: 3,
                text: "Thích màu hồng".into(),
                author: Some(Id("s1".into())),
            }],
            ..Customer::default()
        };
        lan.add_phone("0912345678", Source::Chat, 2);
        lan.add_address(CustomerAddress {
            id: Id("a1".into()),
            street: "12 Lê Lợi".into(),
            legacy_province: Some(UnitRef {
                code: "79".into(),
                name: "Thành phố Hồ Chí Minh".into(),
            }),
            source: Source::Manual,
            ..CustomerAddress::default()
        });
        lan.refresh_keys();
        let mut mai = Customer {
            id: Id("c2".into()),
            name: "Mai".into(),
            ..Customer::default()
        };
        mai.add_phone("0987654321", Source::Import, 4);
        b.customers = vec![lan, mai];
        b.conversations.push(ConversationRecord {
            id: ConversationRecord::id_for(Platform::Instagram, "111"),
            created_at: 2,
            updated_at: 5,
            platform: Platform::Instagram,
            thread_id: "111".into(),
            account: Some("shop.hoa".into()),
            customer_id: Id("c1".into()),
            category: "Hỏi giá".into(),
            sub_category: String::new(),
            detail: String::new(),
            classification: String::new(),
            assignee: Some(Id("s1".into())),
            status: ConversationStatus::Processed,
            unread: false,
            replied: true,
            last_message_at: Some(5),
        });
        b.history.push(HistoryEntry {
            id: Id("h1".into()),
            at: 5,
            customer_id: Id("c1".into()),
            conversation_id: Some(Id("ig:111".into())),
            kind: HistoryKind::TagAdded,
            from: None,
            to: Some("VIP".into()),
            by: Some(Id("s1".into())),
        });
        b
    }

    #[test]
    fn a_backup_round_trips_through_json() {
        let mut backup = sample();
        // One record of every later store too.
        backup.products.push(nobi_order::Product {
            id: "p1".into(),
            name: "Áo len".into(),
            images: vec![],
            variants: vec![nobi_order::Variant {
                sku: "AL-M".into(),
                price: nobi_order::Vnd(350_000),
                ..nobi_order::Variant::default()
            }],
        });
        backup.templates.push(nobi_template::Template {
            id: "tp1".into(),
            name: "Cảm ơn".into(),
            content: "Dạ shop cảm ơn {ten_khach} ạ".into(),
            shortcut: Some("/cam_on".into()),
            image_ids: vec!["m1".into()],
            position: 0,
            updated_at: 5,
        });
        backup.media.push(nobi_crm::MediaItem {
            id: Id("m1".into()),
            name: "bang-size.png".into(),
            mime: "image/png".into(),
            data_base64: "iVBORw0KGgo=".into(),
            ..nobi_crm::MediaItem::default()
        });
        backup.check().unwrap();
        let json = serde_json::to_string(&backup).unwrap();
        assert!(json.starts_with(&format!(
            r#"{{"format":"nobi-pro-backup","schema_version":{},"#,
            schema::VERSION
        )));
        let back: Backup = serde_json::from_str(&json).unwrap();
        assert_eq!(back, backup);
        // Customers' addresses and their units are the deepest: far from the limit.
        assert_eq!(json_depth(json.as_bytes()), 6);
        assert_eq!(check_json(json.as_bytes()), Ok(()));
        let header: BackupHeader = serde_json::from_str(&json).unwrap();
        assert_eq!(header, backup.header());
    }

    #[test]
    fn version_one_customers_are_migrated() {
        let json = r#"{"format":"nobi-pro-backup","schema_version":1,"exported_at":9,
            "customers":[{"id":"c1","created_at":1,"updated_at":1,"name":"Lan",
              "phones":[{"number":"0912345678","primary":true,"added_at":1}]}],
            "conversations":[{"id":"ig:1","created_at":1,"updated_at":1,"platform":"instagram",
              "thread_id":"1","customer_id":"c1"}]}"#;
        let mut backup: Backup = serde_json::from_str(json).unwrap();
        assert!(backup.customers[0].phone_keys.is_empty());
        backup.check().unwrap();
        assert_eq!(backup.schema_version, schema::VERSION);
        assert_eq!(backup.customers[0].phone_keys, vec!["0912345678"]);
        assert!(backup.tags.is_empty() && backup.history.is_empty());
    }

    #[test]
    fn a_backup_from_a_newer_extension_is_refused_before_its_records_are_read() {
        // Records of a future shape: the header still reads, and says why.
        let json = r#"{"format":"nobi-pro-backup","schema_version":99,"exported_at":9,
            "customers":[{"id":{"v":"c1"},"full_name":"Lan"}]}"#;
        assert!(serde_json::from_str::<Backup>(json).is_err());
        let header: BackupHeader = serde_json::from_str(json).unwrap();
        let err = header.check().unwrap_err();
        assert_eq!(
            err,
            BackupError::FutureVersion {
                version: 99,
                supported: schema::VERSION
            }
        );
        assert!(err
            .message(Lang::Vi)
            .contains("Hãy cập nhật tiện ích Nobi Pro"));
        assert!(err
            .message(Lang::En)
            .contains("Update the Nobi Pro extension"));
        let mut future = sample();
        future.schema_version = schema::VERSION + 1;
        assert!(matches!(
            future.check(),
            Err(BackupError::FutureVersion { version, .. }) if version == schema::VERSION + 1
        ));
    }

    /// Issue 13, point 9: a file cut or edited after export (here: a customer gone) is refused
    /// by its header's counts before anything is cleared. Before, it restored what was left.
    #[test]
    fn a_backup_whose_stores_do_not_match_its_counts_is_refused() {
        let mut b = sample();
        b.counts = Some(b.record_counts());
        assert_eq!(b.clone().check(), Ok(()));
        let json = serde_json::to_string(&b).unwrap();
        let mut cut: Backup = serde_json::from_str(&json).unwrap();
        let gone = cut.customers.pop().expect("a customer");
        cut.conversations.retain(|c| c.customer_id != gone.id);
        let expected = b.customers.len() as u64;
        assert_eq!(
            cut.check(),
            Err(BackupError::CountsMismatch {
                store: schema::CUSTOMERS.into(),
                expected,
                found: expected - 1,
            })
        );
        // A file from before counts existed still restores.
        let mut old = sample();
        old.counts = None;
        assert_eq!(old.check(), Ok(()));
    }

    #[test]
    fn inconsistent_backups_are_refused() {
        let mut b = sample();
        b.format = "something-else".into();
        assert_eq!(b.check(), Err(BackupError::NotABackup));

        let mut b = sample();
        b.tags.push(b.tags[0].clone());
        assert_eq!(
            b.check(),
            Err(BackupError::DuplicateId {
                store: schema::TAGS,
                id: Id("t0".into())
            })
        );

        let mut b = sample();
        b.customers.remove(0);
        assert_eq!(
            b.check(),
            Err(BackupError::MissingCustomer {
                conversation: Id("ig:111".into()),
                customer: Id("c1".into())
            })
        );

        let mut b = sample();
        b.tags.remove(1);
        let err = b.check().unwrap_err();
        assert_eq!(
            err,
            BackupError::MissingTag {
                customer: Id("c1".into()),
                name: "Nguyễn Thị Lan".into(),
                tag: Id("t1".into())
            }
        );
        assert!(err
            .message(Lang::Vi)
            .contains("«Nguyễn Thị Lan» có nhãn t1"));
    }

    #[test]
    fn every_error_has_both_languages() {
        let all = [
            BackupError::Unreadable,
            BackupError::TooLarge {
                bytes: 300 << 20,
                max: MAX_BACKUP_BYTES,
            },
            BackupError::TooDeep { max: MAX_DEPTH },
            BackupError::NotABackup,
            BackupError::FutureVersion {
                version: 3,
                supported: 2,
            },
            BackupError::DuplicateId {
                store: schema::CUSTOMERS,
                id: Id("c1".into()),
            },
            BackupError::MissingCustomer {
                conversation: Id("ig:1".into()),
                customer: Id("c1".into()),
            },
            BackupError::MissingTag {
                customer: Id("c1".into()),
                name: "Lan".into(),
                tag: Id("t1".into()),
            },
            BackupError::CountsMismatch {
                store: schema::CUSTOMERS.into(),
                expected: 3,
                found: 2,
            },
        ];
        for e in all {
            let (vi, en) = (e.message(Lang::Vi), e.message(Lang::En));
            assert_ne!(vi, en);
            assert!(vi.ends_with('.') && en.ends_with('.'));
        }
        assert!(BackupError::DuplicateId {
            store: schema::CUSTOMERS,
            id: Id("c1".into())
        }
        .message(Lang::Vi)
        .contains("«khách hàng»"));
    }
}
