//! The records of the local store, as plain data.
//!
//! Every record has a stable [`Id`], `created_at` and `updated_at` (Unix milliseconds, UTC), so
//! that a team sync can later merge stores by id and last write. Derived index keys
//! (`identity_keys`, `phone_keys`) are stored on the record because IndexedDB indexes read
//! properties, not functions; [`Customer::refresh_keys`] recomputes them before every write.

use nobi_protocol::Platform;
use serde::{Deserialize, Serialize};

/// Unix time in milliseconds, UTC.
pub type Millis = i64;

/// A stable record id: 12 hex digits of creation time, then 10 of randomness ("0193a1b2c3d4-…").
///
/// Ids sort by creation time, are unique without coordination (the random part comes from the
/// caller, `crypto.getRandomValues` in the browser) and never change, so a future server can use
/// them as primary keys.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Id(pub String);

impl Id {
    /// Makes an id from the creation time and 40 or more random bits.
    pub fn new(now: Millis, random: u64) -> Id {
        Id(format!(
            "{:012x}-{:010x}",
            now.max(0) as u64 & 0xffff_ffff_ffff,
            random & 0xff_ffff_ffff
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A calendar date as the agent typed it (birthdays have no time zone).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Returns the date if and only if it exists in the Gregorian calendar (years 1900–2100).
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        ((1900..=2100).contains(&year) && (1..=days).contains(&day)).then_some(Date {
            year,
            month,
            day,
        })
    }

    /// Reads `dd/mm/yyyy` (also `d/m/yyyy`, `-` or `.` as separators) or ISO `yyyy-mm-dd`.
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim();
        let parts: Vec<&str> = text.split(['/', '-', '.']).map(str::trim).collect();
        let [a, b, c] = parts.as_slice() else {
            return None;
        };
        let num = |s: &str| -> Option<u16> {
            (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
        };
        if a.len() == 4 {
            Date::new(num(a)?, num(b)?.try_into().ok()?, num(c)?.try_into().ok()?)
        } else if c.len() == 4 {
            Date::new(num(c)?, num(b)?.try_into().ok()?, num(a)?.try_into().ok()?)
        } else {
            None
        }
    }

    /// Formats as `dd/mm/yyyy`, the way Vietnamese shops write dates.
    pub fn to_vn(self) -> String {
        format!("{:02}/{:02}/{:04}", self.day, self.month, self.year)
    }

    /// Formats as ISO `yyyy-mm-dd` (the value of an `<input type="date">`).
    pub fn to_iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A moment of the agent's own day, as they type it: `dd/mm/yyyy hh:mm` (seconds optional).
/// It carries no time zone: the panel reads it in the browser's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LocalDateTime {
    pub date: Date,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
}

impl LocalDateTime {
    /// Reads `dd/mm/yyyy hh:mm[:ss]`, also `14h30` for the time (as Vietnamese write it) and the
    /// ISO `yyyy-mm-ddThh:mm[:ss]`. Returns `None` unless both the date and the time exist.
    pub fn parse(text: &str) -> Option<LocalDateTime> {
        let text = text.trim();
        let (date, time) = text
            .split_once(|c: char| c == 'T' || c.is_whitespace())
            .map(|(d, t)| (d, t.trim()))?;
        let date = Date::parse(date)?;
        let lower = time.to_ascii_lowercase();
        let mut parts = lower.split([':', 'h']);
        let mut field = |max: u8, optional: bool| -> Option<u8> {
            match parts.next().map(str::trim) {
                None | Some("") if optional => Some(0),
                Some(p) if (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()) => {
                    p.parse().ok().filter(|v| *v <= max)
                }
                _ => None,
            }
        };
        let (hour, minute, second) = (field(23, false)?, field(59, true)?, field(59, true)?);
        parts.next().is_none().then_some(LocalDateTime {
            date,
            hour,
            minute,
            second,
        })
    }

    /// Formats as `dd/mm/yyyy hh:mm`, with `:ss` only when the seconds are not zero.
    pub fn to_vn(self) -> String {
        let seconds = if self.second == 0 {
            String::new()
        } else {
            format!(":{:02}", self.second)
        };
        format!(
            "{} {:02}:{:02}{seconds}",
            self.date.to_vn(),
            self.hour,
            self.minute
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Female,
    Male,
    Other,
}

/// Where a phone, email or address came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Captured from a buyer's message with one click.
    Chat,
    /// Typed by the agent.
    #[default]
    Manual,
    /// Imported from a file.
    Import,
}

/// One account of the buyer on one platform.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub platform: Platform,
    /// The shop's account the buyer wrote to (IG username, page id), when known.
    #[serde(default)]
    pub account: Option<String>,
    #[serde(default)]
    pub thread_id: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub profile_url: Option<String>,
}

impl Identity {
    /// The keys this identity is found by: the thread, and the username on its platform.
    pub fn keys(&self) -> impl Iterator<Item = String> + '_ {
        let p = platform_code(self.platform);
        let thread = self.thread_id.as_ref().map(|t| format!("{p}:t:{t}"));
        let user = self
            .username
            .as_ref()
            .map(|u| format!("{p}:u:{}", u.trim_start_matches('@').to_lowercase()));
        thread.into_iter().chain(user)
    }
}

/// Short stable code of a platform, used in index keys and ids.
pub fn platform_code(platform: Platform) -> &'static str {
    match platform {
        Platform::Instagram => "ig",
        Platform::Facebook => "fb",
        Platform::Messenger => "ms",
        Platform::BusinessSuite => "bs",
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneEntry {
    /// Normalised national form, `0912345678`.
    pub number: String,
    pub primary: bool,
    #[serde(default)]
    pub source: Source,
    pub added_at: Millis,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub id: Id,
    pub at: Millis,
    pub text: String,
    /// The staff member who wrote it, when known.
    #[serde(default)]
    pub author: Option<Id>,
}

/// An administrative unit as chosen in the address form: code within its scheme, and the name
/// (kept so the address still reads right if a later data version renames the unit).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRef {
    pub code: String,
    pub name: String,
}

/// One delivery address of a customer, in both schemes where known.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerAddress {
    pub id: Id,
    /// Recipient name and phone when they differ from the customer's.
    #[serde(default)]
    pub recipient: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// House number, alley, street: what is left once the units are taken out.
    pub street: String,
    /// Legacy scheme (63 provinces, with districts).
    #[serde(default)]
    pub legacy_province: Option<UnitRef>,
    #[serde(default)]
    pub legacy_district: Option<UnitRef>,
    #[serde(default)]
    pub legacy_ward: Option<UnitRef>,
    /// Current scheme (34 provinces, no districts).
    #[serde(default)]
    pub current_province: Option<UnitRef>,
    #[serde(default)]
    pub current_ward: Option<UnitRef>,
    /// GHTK's 4th level (hamlet, village, residential group), or "Khác".
    #[serde(default)]
    pub hamlet: Option<String>,
    pub is_default: bool,
    #[serde(default)]
    pub source: Source,
}

impl CustomerAddress {
    /// The address on one line, in the current scheme when it is complete, else the legacy one.
    pub fn one_line(&self) -> String {
        let name = |u: &Option<UnitRef>| u.as_ref().map(|u| u.name.clone());
        let units: Vec<String> = if self.current_ward.is_some() {
            [name(&self.current_ward), name(&self.current_province)]
                .into_iter()
                .flatten()
                .collect()
        } else {
            [
                name(&self.legacy_ward),
                name(&self.legacy_district),
                name(&self.legacy_province),
            ]
            .into_iter()
            .flatten()
            .collect()
        };
        let street = self.street.trim();
        let mut parts: Vec<&str> = Vec::new();
        if !street.is_empty() {
            parts.push(street);
        }
        if let Some(h) = self.hamlet.as_deref().filter(|h| !h.trim().is_empty()) {
            parts.push(h.trim());
        }
        parts.extend(units.iter().map(String::as_str));
        parts.join(", ")
    }
}

/// A buyer, across platforms.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub id: Id,
    pub created_at: Millis,
    pub updated_at: Millis,
    pub name: String,
    #[serde(default)]
    pub identities: Vec<Identity>,
    #[serde(default)]
    pub avatar_url: Option<String>,
    #[serde(default)]
    pub phones: Vec<PhoneEntry>,
    #[serde(default)]
    pub emails: Vec<String>,
    #[serde(default)]
    pub birthday: Option<Date>,
    #[serde(default)]
    pub gender: Option<Gender>,
    /// Tag ids, in the order they were added.
    #[serde(default)]
    pub tags: Vec<Id>,
    /// Newest last.
    #[serde(default)]
    pub notes: Vec<Note>,
    #[serde(default)]
    pub addresses: Vec<CustomerAddress>,
    /// Index keys of `identities` (see [`Identity::keys`]); derived.
    #[serde(default)]
    pub identity_keys: Vec<String>,
    /// The phone numbers, for the "same phone" index; derived.
    #[serde(default)]
    pub phone_keys: Vec<String>,
}

impl Customer {
    /// Recomputes the derived index keys from the record's fields.
    pub fn refresh_keys(&mut self) {
        self.identity_keys = self.identities.iter().flat_map(Identity::keys).collect();
        self.identity_keys.sort();
        self.identity_keys.dedup();
        self.phone_keys = self.phones.iter().map(|p| p.number.clone()).collect();
        self.phone_keys.sort();
        self.phone_keys.dedup();
    }

    /// The primary phone, or the first one.
    pub fn primary_phone(&self) -> Option<&str> {
        self.phones
            .iter()
            .find(|p| p.primary)
            .or(self.phones.first())
            .map(|p| p.number.as_str())
    }

    /// Adds a phone (already normalised) unless the customer has it; the first phone becomes
    /// primary. Returns true if and only if it was added.
    pub fn add_phone(&mut self, number: &str, source: Source, now: Millis) -> bool {
        if self.phones.iter().any(|p| p.number == number) {
            return false;
        }
        let primary = self.phones.is_empty();
        self.phones.push(PhoneEntry {
            number: number.to_owned(),
            primary,
            source,
            added_at: now,
        });
        self.refresh_keys();
        true
    }

    /// Makes `number` the primary phone. Returns true if and only if the customer has it.
    pub fn set_primary_phone(&mut self, number: &str) -> bool {
        if !self.phones.iter().any(|p| p.number == number) {
            return false;
        }
        for p in &mut self.phones {
            p.primary = p.number == number;
        }
        true
    }

    /// The phones in the buyer's messages that this customer does not have yet, each once, in
    /// the order they were written: what the card offers to add with one click.
    pub fn phones_in_messages(&self, messages: &[String]) -> Vec<String> {
        let mut found: Vec<String> = Vec::new();
        for text in messages {
            for phone in nobi_phone::extract_phones(text) {
                if !self.phone_keys.contains(&phone.number) && !found.contains(&phone.number) {
                    found.push(phone.number);
                }
            }
        }
        found
    }

    /// Removes the phone `number`; when it was the primary one, the first phone left becomes
    /// primary, so that a customer with phones always has exactly one primary. Returns true if
    /// and only if the phone was there.
    pub fn remove_phone(&mut self, number: &str) -> bool {
        let Some(index) = self.phones.iter().position(|p| p.number == number) else {
            return false;
        };
        let removed = self.phones.remove(index);
        if removed.primary {
            if let Some(first) = self.phones.first_mut() {
                first.primary = true;
            }
        }
        self.refresh_keys();
        true
    }

    /// Adds an address; the first one, or one marked default, becomes the only default.
    pub fn add_address(&mut self, mut address: CustomerAddress) {
        if self.addresses.is_empty() {
            address.is_default = true;
        }
        if address.is_default {
            for a in &mut self.addresses {
                a.is_default = false;
            }
        }
        self.addresses.push(address);
    }

    /// Makes the address with this id the default. Returns true if and only if it exists.
    pub fn set_default_address(&mut self, id: &Id) -> bool {
        if !self.addresses.iter().any(|a| &a.id == id) {
            return false;
        }
        for a in &mut self.addresses {
            a.is_default = &a.id == id;
        }
        true
    }

    pub fn default_address(&self) -> Option<&CustomerAddress> {
        self.addresses
            .iter()
            .find(|a| a.is_default)
            .or(self.addresses.first())
    }
}

/// The state of a conversation in the shop's workflow (from the seeds).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationStatus {
    /// New or still being handled.
    #[default]
    Processing,
    /// Tagged and replied to.
    Processed,
    /// Closed by the agent.
    Done,
}

impl ConversationStatus {
    pub const ALL: [ConversationStatus; 3] = [
        ConversationStatus::Processing,
        ConversationStatus::Processed,
        ConversationStatus::Done,
    ];

    /// The status after a change of tags or replies: "processed" if and only if the
    /// conversation is tagged AND replied, unless the agent marked it done.
    pub fn derive(self, tagged: bool, replied: bool) -> ConversationStatus {
        match self {
            ConversationStatus::Done => ConversationStatus::Done,
            _ if tagged && replied => ConversationStatus::Processed,
            _ => ConversationStatus::Processing,
        }
    }

    /// The status when the agent picks `wanted`: "done" is theirs to set; anything else re-opens
    /// the conversation, and then tags and replies decide between "processing" and "processed"
    /// (the agent cannot call an untagged, unanswered conversation processed).
    pub fn chosen(wanted: ConversationStatus, tagged: bool, replied: bool) -> ConversationStatus {
        match wanted {
            ConversationStatus::Done => ConversationStatus::Done,
            _ => ConversationStatus::Processing.derive(tagged, replied),
        }
    }

    /// The stored name (`"processing"`, `"processed"`, `"done"`): the value of the status
    /// `<select>` and of the history's before/after.
    pub fn code(self) -> &'static str {
        match self {
            ConversationStatus::Processing => "processing",
            ConversationStatus::Processed => "processed",
            ConversationStatus::Done => "done",
        }
    }

    /// The status named `code` (see [`ConversationStatus::code`]); `None` for any other text.
    pub fn from_code(code: &str) -> Option<ConversationStatus> {
        ConversationStatus::ALL
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// One conversation thread with a buyer, on one platform and shop account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationRecord {
    /// `"{platform}:{thread_id}"`: the same thread always has the same id.
    pub id: Id,
    pub created_at: Millis,
    pub updated_at: Millis,
    pub platform: Platform,
    pub thread_id: String,
    #[serde(default)]
    pub account: Option<String>,
    pub customer_id: Id,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub sub_category: String,
    #[serde(default)]
    pub detail: String,
    #[serde(default)]
    pub classification: String,
    #[serde(default)]
    pub assignee: Option<Id>,
    #[serde(default)]
    pub status: ConversationStatus,
    #[serde(default)]
    pub unread: bool,
    #[serde(default)]
    pub replied: bool,
    #[serde(default)]
    pub last_message_at: Option<Millis>,
}

impl ConversationRecord {
    /// The id of the conversation of this thread.
    pub fn id_for(platform: Platform, thread_id: &str) -> Id {
        Id(format!("{}:{thread_id}", platform_code(platform)))
    }
}

/// A coloured label, shared by all customers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub id: Id,
    pub created_at: Millis,
    pub updated_at: Millis,
    pub name: String,
    /// CSS colour, `#rrggbb`.
    pub color: String,
}

impl Tag {
    /// The colour to paint the tag with: its own when it is exactly `#rrggbb`, else grey. The
    /// colour goes into a `style` attribute, and a record from an imported backup may hold any
    /// text (`red; background: url(…)`), so nothing else is let through.
    pub fn display_color(&self) -> &str {
        safe_color(&self.color)
    }
}

/// `color` if and only if it is exactly `#rrggbb`, else the neutral grey of [`TAG_COLORS`].
pub fn safe_color(color: &str) -> &str {
    let ok = color.len() == 7
        && color.starts_with('#')
        && color[1..].bytes().all(|b| b.is_ascii_hexdigit());
    if ok {
        color
    } else {
        TAG_COLORS[TAG_COLORS.len() - 1]
    }
}

/// The e-mail address the agent typed or a file holds, if the whole text (trimmed) is exactly
/// one address, lowercased (addresses are compared without case). The same rule as the chat's
/// [`nobi_phone::extract_emails`], so an address taken from the chat is always accepted here.
pub fn email_address(text: &str) -> Option<String> {
    let text = text.trim();
    let found = nobi_phone::extract_emails(text);
    match found.as_slice() {
        [one] if one.start == 0 && one.end == text.chars().count() => {
            Some(one.address.to_ascii_lowercase())
        }
        _ => None,
    }
}

/// Colours offered for new tags, in order.
pub const TAG_COLORS: [&str; 8] = [
    "#e11d48", "#ea580c", "#ca8a04", "#16a34a", "#0891b2", "#2563eb", "#7c3aed", "#6b7280",
];

/// A member of the shop's staff (assignees, note authors).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staff {
    pub id: Id,
    pub created_at: Millis,
    pub updated_at: Millis,
    pub name: String,
}

/// What changed in a [`HistoryEntry`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryKind {
    TagAdded,
    TagRemoved,
    Assignee,
    Status,
    Merged,
}

/// One change of tag, assignee or status, shown in the card's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub id: Id,
    pub at: Millis,
    pub customer_id: Id,
    #[serde(default)]
    pub conversation_id: Option<Id>,
    pub kind: HistoryKind,
    /// Before and after, as shown to people (tag name, staff name, status code).
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub by: Option<Id>,
}

/// The agent's settings; one record with id `"settings"`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub id: Id,
    pub updated_at: Millis,
    /// `"vi"` or `"en"`; `None` follows the browser.
    #[serde(default)]
    pub lang: Option<String>,
    /// The staff member using this browser.
    #[serde(default)]
    pub me: Option<Id>,
    /// Create draft orders from buyer messages with a phone or order keyword (issue 7).
    #[serde(default)]
    pub auto_draft_orders: bool,
    /// The shop's warehouses, by name; the first is the order form's default.
    #[serde(default)]
    pub warehouses: Vec<String>,
    /// Whether orders may take more than the stock available.
    #[serde(default)]
    pub stock: StockSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            id: Id("settings".into()),
            updated_at: 0,
            lang: None,
            me: None,
            auto_draft_orders: false,
            warehouses: Vec::new(),
            stock: Default::default(),
        }
    }
}

/// The shop's stock settings (part of [`Settings`]; the order crate's `stock` module works with
/// them and re-exports them as `stock::StockSettings`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockSettings {
    /// Returns true if and only if orders may take more than is available (the shop sells
    /// before restocking). Off by default: a refusal is easier to undo than an oversold item.
    #[serde(default)]
    pub allow_negative: bool,
}

/// One entry of the append-only change log: which record of which store was written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub at: Millis,
    pub store: String,
    pub id: Id,
    pub op: ChangeOp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeOp {
    Put,
    Delete,
}

/// A record of one store of the local database.
pub trait Record {
    /// The store it lives in (see [`super::schema`]).
    const STORE: &'static str;
    /// The record's key in its store (its id).
    fn key(&self) -> &str;
    /// Sets `updated_at` (and nothing else) before a write.
    fn touch(&mut self, now: Millis);
}

macro_rules! record {
    ($($type:ty => $store:ident),* $(,)?) => {$(
        impl Record for $type {
            const STORE: &'static str = super::schema::$store;
            fn key(&self) -> &str {
                self.id.as_str()
            }
            fn touch(&mut self, now: Millis) {
                self.updated_at = now;
            }
        }
    )*};
}

record! {
    Customer => CUSTOMERS,
    ConversationRecord => CONVERSATIONS,
    Tag => TAGS,
    Staff => STAFF,
    Settings => SETTINGS,
}

impl Record for HistoryEntry {
    const STORE: &'static str = super::schema::HISTORY;
    fn key(&self) -> &str {
        self.id.as_str()
    }
    /// History entries are never changed once written.
    fn touch(&mut self, _now: Millis) {}
}

/// Templates are stored with the CRM's records (the template crate does not know the store).
impl Record for nobi_template::Template {
    const STORE: &'static str = super::schema::TEMPLATES;
    fn key(&self) -> &str {
        &self.id
    }
    fn touch(&mut self, now: Millis) {
        self.updated_at = now.max(0) as u64;
    }
}

/// An image of the media library.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaItem {
    pub id: Id,
    pub created_at: Millis,
    pub updated_at: Millis,
    /// The file name as uploaded ("ao-len-be.jpg").
    pub name: String,
    /// The folder it is filed in ("" for the top level).
    #[serde(default)]
    pub folder: String,
    /// MIME type, e.g. `image/jpeg`.
    pub mime: String,
    /// The bytes, base64 (what the outbox hands to the content script).
    pub data_base64: String,
}

record! {
    MediaItem => MEDIA,
}

#[cfg(test)]
mod date_tests {
    use super::*;

    #[test]
    fn dates_read_as_vietnamese_write_them_and_refuse_what_does_not_exist() {
        let d = Date::new(1990, 3, 5).unwrap();
        for text in [
            "05/03/1990",
            "5/3/1990",
            "5-3-1990",
            "05.03.1990",
            " 1990-03-05 ",
        ] {
            assert_eq!(Date::parse(text), Some(d), "{text}");
        }
        assert_eq!(d.to_vn(), "05/03/1990");
        assert_eq!(d.to_iso(), "1990-03-05");
        for text in [
            "31/02/2024",
            "29/02/2023",
            "13/13/2020",
            "5/3/90",
            "",
            "abc",
            "1/2/3/2020",
        ] {
            assert_eq!(Date::parse(text), None, "{text}");
        }
        assert!(Date::parse("29/02/2024").is_some());
    }

    #[test]
    fn date_times_take_colons_the_h_form_and_iso_and_refuse_impossible_times() {
        let at = |h, m, s| LocalDateTime {
            date: Date::new(2026, 12, 5).unwrap(),
            hour: h,
            minute: m,
            second: s,
        };
        assert_eq!(
            LocalDateTime::parse("05/12/2026 14:30"),
            Some(at(14, 30, 0))
        );
        assert_eq!(
            LocalDateTime::parse("5/12/2026  14h30"),
            Some(at(14, 30, 0))
        );
        assert_eq!(LocalDateTime::parse("05/12/2026 9h"), Some(at(9, 0, 0)));
        assert_eq!(
            LocalDateTime::parse("05/12/2026 14:30:07"),
            Some(at(14, 30, 7))
        );
        assert_eq!(
            LocalDateTime::parse("2026-12-05T14:30:07"),
            Some(at(14, 30, 7))
        );
        for text in [
            "05/12/2026",
            "05/12/2026 24:00",
            "05/12/2026 12:60",
            "05/12/2026 1:2:3:4",
            "31/11/2026 10:00",
            "05/12/2026 ab:cd",
        ] {
            assert_eq!(LocalDateTime::parse(text), None, "{text}");
        }
        assert_eq!(at(14, 30, 0).to_vn(), "05/12/2026 14:30");
        assert_eq!(at(14, 30, 7).to_vn(), "05/12/2026 14:30:07");
        assert_eq!(
            LocalDateTime::parse(&at(8, 5, 9).to_vn()),
            Some(at(8, 5, 9))
        );
    }
}

#[cfg(test)]
mod rule_tests {
    use super::*;

    #[test]
    fn chosen_status_keeps_done_and_lets_tags_and_replies_decide_the_rest() {
        use ConversationStatus::*;
        assert_eq!(ConversationStatus::chosen(Done, false, false), Done);
        assert_eq!(
            ConversationStatus::chosen(Processed, false, true),
            Processing
        );
        assert_eq!(
            ConversationStatus::chosen(Processing, true, true),
            Processed
        );
        assert_eq!(ConversationStatus::chosen(Processed, true, true), Processed);
        for s in ConversationStatus::ALL {
            assert_eq!(ConversationStatus::from_code(s.code()), Some(s));
            // The code is the stored (serde) name.
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.code())
            );
        }
        assert_eq!(ConversationStatus::from_code("closed"), None);
    }

    #[test]
    fn removing_the_primary_phone_makes_the_first_left_primary() {
        let mut c = Customer::default();
        for n in ["0912345678", "0987654321", "0338111222"] {
            c.add_phone(n, Source::Manual, 1);
        }
        c.set_primary_phone("0987654321");
        assert!(c.remove_phone("0987654321"));
        assert_eq!(c.primary_phone(), Some("0912345678"));
        assert_eq!(c.phones.iter().filter(|p| p.primary).count(), 1);
        assert!(!c.phone_keys.iter().any(|k| k.contains("0987654321")));
        // Removing another phone leaves the primary where it is.
        assert!(c.remove_phone("0338111222"));
        assert_eq!(c.primary_phone(), Some("0912345678"));
        assert!(!c.remove_phone("0338111222"));
        assert!(c.remove_phone("0912345678"));
        assert!(c.phones.is_empty() && c.primary_phone().is_none());
    }

    #[test]
    fn phones_in_messages_are_offered_once_and_only_when_new() {
        let mut c = Customer::default();
        c.add_phone("0912345678", Source::Manual, 1);
        let messages = vec![
            "sđt em 0912 345 678 nha".to_owned(),
            "số mới 0338.111.222, giá 350k".to_owned(),
            "gọi 0338111222 hoặc +84 987 654 321".to_owned(),
        ];
        assert_eq!(
            c.phones_in_messages(&messages),
            ["0338111222", "0987654321"]
        );
        assert!(Customer::default()
            .phones_in_messages(&["giá 350.000đ".to_owned()])
            .is_empty());
    }

    #[test]
    fn colours_other_than_rrggbb_are_painted_grey() {
        assert_eq!(safe_color("#e11d48"), "#e11d48");
        assert_eq!(safe_color("#ABCDEF"), "#ABCDEF");
        for bad in [
            "red",
            "#fff",
            "#e11d48; background:url(x)",
            "#gggggg",
            "",
            "e11d48",
            "#e11d4",
        ] {
            assert_eq!(safe_color(bad), "#6b7280", "{bad}");
        }
    }

    #[test]
    fn an_email_is_the_whole_text_lowercased_by_the_chat_rule() {
        assert_eq!(
            email_address(" Lan.Nguyen@Gmail.com "),
            Some("lan.nguyen@gmail.com".into())
        );
        for bad in [
            "lan@gmail",
            "lan @gmail.com",
            "email: lan@gmail.com",
            "a@b.com c@d.com",
            "@gmail.com",
            "lan@.com",
            "",
        ] {
            assert_eq!(email_address(bad), None, "{bad}");
        }
    }
}
