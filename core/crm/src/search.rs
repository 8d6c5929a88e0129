//! The conversation list: every customer known locally, searched and filtered as the agent types.
//!
//! One [`Row`] per customer carries what the list shows and filters on, taken from the customer
//! and its most recent conversation ([`rows`], [`row`]). An [`Index`] keeps, per row, a folded
//! *haystack* of everything the agent may search by ([`haystack`]: name, usernames, phones,
//! e-mails, notes, addresses), and answers a [`Query`] with row numbers, newest first.
//!
//! # Matching
//!
//! Text is folded with the crate's one Vietnamese folding (`phone::fold`: lowercase, no
//! diacritics, đ → d, combining marks dropped so decomposed input folds like composed input,
//! every run of punctuation or spaces → one space), so "nguyen van a" finds "Nguyễn Văn A".
//! The query is split on whitespace and every token must occur, as a substring, somewhere in the
//! row's haystack (not across two fields). A token made of digits and phone punctuation (`+ . - (
//! )`) is read as digits: "0912.345.678" looks for "0912345678" (and for "0912 345 678", the way
//! a note folds), "+84912" and "0084912" for "0912", and "84912" for "84912" or "0912". Phones are
//! in the haystack in national form ("0912345678"): the customer's own, the address phones, and
//! the phones found in notes by [`nobi_phone::extract_phones`]. Tokens written with spaces
//! ("0912 345 678") match because each piece occurs.
//!
//! # Speed
//!
//! The haystacks live in one `String`, one after the other, separated by `\n` (which folded text
//! never contains). The most selective token is searched once over the whole string, jumping to
//! the next haystack after each hit; the other tokens only in the haystacks that matched. The
//! rows are kept sorted by time, so results need no sort. Target: a keystroke over 50,000
//! customers in 16 ms in wasm; `nobi bench` measures it natively.
//!
//! Changes are incremental: [`Index::upsert`] appends the new haystack and forgets the old one,
//! [`Index::remove`] moves the last row into the hole; the string is compacted when half of it is
//! dead. Row numbers returned by [`Index::search`] are therefore valid until the next change.

use super::model::*;
use memchr::memmem::Finder;
use nobi_phone::{extract_phones, parse_phone};
use nobi_protocol::Platform;
use nobi_text::fold::fold_str;
use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

/// One line of the conversation list: a customer and its most recent conversation.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Row {
    pub customer_id: Id,
    /// The most recent conversation; `None` for customers without one (imported from a file).
    pub conversation_id: Option<Id>,
    pub name: String,
    /// The primary phone (or the first one), national form.
    pub phone: Option<String>,
    pub tags: Vec<Id>,
    pub assignee: Option<Id>,
    pub status: ConversationStatus,
    pub unread: bool,
    pub replied: bool,
    pub has_order: bool,
    /// The conversation's last message (else its `updated_at`); the customer's `updated_at`
    /// when it has no conversation.
    pub last_at: Millis,
    pub platform: Option<Platform>,
}

/// The time a conversation is sorted by: its last message, else its last change.
fn conversation_time(c: &ConversationRecord) -> Millis {
    c.last_message_at.unwrap_or(c.updated_at)
}

/// The most recent of `conversations` (latest [`conversation_time`], then greatest id).
fn latest<'a>(
    conversations: impl IntoIterator<Item = &'a ConversationRecord>,
) -> Option<&'a ConversationRecord> {
    conversations
        .into_iter()
        .max_by(|a, b| (conversation_time(a), &a.id).cmp(&(conversation_time(b), &b.id)))
}

/// The row of one customer. `conversations` may hold any conversations: only the customer's own
/// are looked at, and the most recent of them is used.
pub fn row(customer: &Customer, conversations: &[ConversationRecord], has_order: bool) -> Row {
    let own = latest(
        conversations
            .iter()
            .filter(|c| c.customer_id == customer.id),
    );
    row_with(customer, own, has_order)
}

fn row_with(
    customer: &Customer,
    conversation: Option<&ConversationRecord>,
    has_order: bool,
) -> Row {
    Row {
        customer_id: customer.id.clone(),
        conversation_id: conversation.map(|c| c.id.clone()),
        name: customer.name.clone(),
        phone: customer.primary_phone().map(str::to_owned),
        tags: customer.tags.clone(),
        assignee: conversation.and_then(|c| c.assignee.clone()),
        status: conversation.map(|c| c.status).unwrap_or_default(),
        unread: conversation.is_some_and(|c| c.unread),
        replied: conversation.is_some_and(|c| c.replied),
        has_order,
        last_at: conversation.map_or(customer.updated_at, conversation_time),
        platform: conversation.map(|c| c.platform),
    }
}

/// One row per customer, in the order of `customers`. Conversations of unknown customers are
/// ignored. `customers_with_orders` holds the ids of the customers that have at least one order.
pub fn rows(
    customers: &[Customer],
    conversations: &[ConversationRecord],
    customers_with_orders: &HashSet<Id>,
) -> Vec<Row> {
    let mut newest: HashMap<&Id, &ConversationRecord> = HashMap::new();
    for c in conversations {
        newest
            .entry(&c.customer_id)
            .and_modify(|best| *best = latest([*best, c]).expect("two conversations"))
            .or_insert(c);
    }
    customers
        .iter()
        .map(|customer| {
            row_with(
                customer,
                newest.get(&customer.id).copied(),
                customers_with_orders.contains(&customer.id),
            )
        })
        .collect()
}

/// Separates fields within a haystack, and haystacks within the index. Folded text never
/// contains it, so no needle matches across two fields.
const SEP: char = '\n';

/// The folded text a customer is found by: name, usernames, phones, e-mails, note texts, the
/// addresses (on one line, with recipient and phone), and the phones written in notes, in
/// national form. Fields are separated by `\n`.
pub fn haystack(customer: &Customer) -> String {
    let mut out = String::with_capacity(64);
    let mut push = |field: &str| {
        let folded = fold_str(field);
        if !folded.is_empty() {
            if !out.is_empty() {
                out.push(SEP);
            }
            out.push_str(&folded);
        }
    };
    push(&customer.name);
    for identity in &customer.identities {
        if let Some(username) = &identity.username {
            push(username);
        }
    }
    for phone in &customer.phones {
        push(&phone.number);
    }
    for email in &customer.emails {
        push(email);
    }
    for note in &customer.notes {
        push(&note.text);
        // Phones in notes are written any way ("0912 345 678", "+84 912…"): add them in the
        // national form too. Only notes with enough digits are scanned, to keep builds fast.
        if note.text.bytes().filter(u8::is_ascii_digit).count() >= 9 {
            for found in extract_phones(&note.text) {
                push(&found.number);
            }
        }
    }
    for address in &customer.addresses {
        push(&address.one_line());
        if let Some(recipient) = &address.recipient {
            push(recipient);
        }
        if let Some(phone) = &address.phone {
            match parse_phone(phone) {
                Some(found) => push(&found.number),
                None => push(phone),
            }
        }
    }
    out
}

/// What the agent asked for. Every field narrows the list; [`Query::default`] lists everyone.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    /// Words to find (see the module documentation); empty finds everyone.
    pub text: String,
    /// Customers with this tag.
    pub tag: Option<Id>,
    /// `None`: anyone; `Some(None)`: conversations assigned to nobody; `Some(Some(id))`:
    /// conversations assigned to `id`.
    pub assignee: Option<Option<Id>>,
    pub status: Option<ConversationStatus>,
    pub unread_only: bool,
    /// Conversations the shop has not replied to.
    pub unreplied_only: bool,
    /// `Some(true)`: customers with an order; `Some(false)`: customers without.
    pub has_order: Option<bool>,
    /// `last_at >= from` (inclusive).
    pub from: Option<Millis>,
    /// `last_at <= to` (inclusive).
    pub to: Option<Millis>,
}

impl Query {
    /// A query with only text.
    pub fn text(text: impl Into<String>) -> Query {
        Query {
            text: text.into(),
            ..Query::default()
        }
    }

    /// Whether any filter besides the text is set.
    pub fn filters(&self) -> bool {
        // Destructured so that a new field cannot be forgotten here.
        let Query {
            text: _,
            tag,
            assignee,
            status,
            unread_only,
            unreplied_only,
            has_order,
            from,
            to,
        } = self;
        tag.is_some()
            || assignee.is_some()
            || status.is_some()
            || *unread_only
            || *unreplied_only
            || has_order.is_some()
            || from.is_some()
            || to.is_some()
    }

    /// Whether `row` passes every filter but the text.
    ///
    /// The filters on a conversation's state (assignee, status, unread, unreplied) only let
    /// through rows that have a conversation: a customer imported from a file is neither
    /// "unassigned" nor "unreplied", it has nothing to assign or reply to.
    pub fn accepts(&self, row: &Row) -> bool {
        let conversation = row.conversation_id.is_some();
        let conversation_filter = self.assignee.is_some()
            || self.status.is_some()
            || self.unread_only
            || self.unreplied_only;
        (conversation || !conversation_filter)
            && self.tag.as_ref().is_none_or(|t| row.tags.contains(t))
            && self.assignee.as_ref().is_none_or(|a| *a == row.assignee)
            && self.status.is_none_or(|s| s == row.status)
            && (!self.unread_only || row.unread)
            && (!self.unreplied_only || !row.replied)
            && self.has_order.is_none_or(|h| h == row.has_order)
            && self.from.is_none_or(|from| row.last_at >= from)
            && self.to.is_none_or(|to| row.last_at <= to)
    }
}

/// The needles of one query token: the token matches if any of them occurs.
fn token_needles(raw: &str) -> Vec<String> {
    let has_digit = raw.bytes().any(|b| b.is_ascii_digit());
    let phone_like = has_digit
        && raw
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '.' | '-' | '(' | ')'));
    let folded = fold_str(raw);
    if !phone_like {
        return if folded.is_empty() {
            Vec::new()
        } else {
            vec![folded]
        };
    }
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    let plus = raw.trim_start_matches('(').starts_with('+');
    let mut needles = if plus && digits.starts_with("84") {
        vec![format!("0{}", &digits[2..])]
    } else if let Some(national) = digits.strip_prefix("0084") {
        vec![format!("0{national}")]
    } else if digits.starts_with("84") && digits.len() > 2 {
        vec![format!("0{}", &digits[2..]), digits]
    } else {
        vec![digits]
    };
    // "1.250.000" or "0912.345.678" as written in a note folds with spaces.
    if folded.contains(' ') && !needles.contains(&folded) {
        needles.push(folded);
    }
    needles
}

/// The tokens of a query text, each as its needles; tokens without any are dropped.
fn tokens(text: &str) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = text
        .split_whitespace()
        .map(token_needles)
        .filter(|n| !n.is_empty())
        .collect();
    out.dedup();
    out
}

/// A haystack's place in [`Index::text`].
#[derive(Clone, Copy, Debug)]
struct Span {
    start: u32,
    /// Exclusive; the separator follows.
    end: u32,
    /// The row it belongs to, or [`DEAD`].
    slot: u32,
}

const DEAD: u32 = u32::MAX;

/// The searchable list. See the module documentation.
#[derive(Clone, Debug, Default)]
pub struct Index {
    rows: Vec<Row>,
    /// Per row: its span's position in `spans`.
    span_of: Vec<u32>,
    /// Every haystack of `text`, in text order, dead ones included.
    spans: Vec<Span>,
    /// The haystacks, each followed by [`SEP`].
    text: String,
    /// Bytes of `text` that belong to dead spans.
    dead: usize,
    slot_of: HashMap<Id, u32>,
    /// Row numbers, newest first (`last_at` descending, then customer id ascending).
    order: Vec<u32>,
}

/// Where a stored index stands against the store it was built from: the change log's length and
/// the number of customers when it was taken. An index is current if and only if both are
/// unchanged (every write through the panel's store appends to the log; the customer count also
/// catches a store written some other way).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SnapshotMark {
    pub changes: u32,
    pub customers: u32,
}

/// The stored form of an [`Index`]: its rows and their haystacks, in row order. Bump
/// [`SNAPSHOT_FORMAT`] whenever [`Row`] or [`haystack`] changes: an index stored by an older
/// version is then rebuilt rather than read.
#[derive(serde::Serialize, serde::Deserialize)]
struct Snapshot {
    format: u32,
    mark: SnapshotMark,
    rows: Vec<Row>,
    haystacks: Vec<String>,
}

/// The version of the stored index's layout and of the rules it was built with.
pub const SNAPSHOT_FORMAT: u32 = 1;

impl Index {
    pub fn new() -> Index {
        Index::default()
    }

    /// The index as bytes to store (postcard), with `mark` saying what it was built from. Opening
    /// the list then reads these bytes instead of decoding every customer.
    pub fn to_snapshot(&self, mark: SnapshotMark) -> Vec<u8> {
        let snapshot = Snapshot {
            format: SNAPSHOT_FORMAT,
            mark,
            rows: self.rows.clone(),
            haystacks: (0..self.rows.len() as u32)
                .map(|n| self.haystack_of(n).to_owned())
                .collect(),
        };
        postcard::to_allocvec(&snapshot).unwrap_or_default()
    }

    /// The index stored by [`Index::to_snapshot`] and its mark; `None` when the bytes are not
    /// a snapshot of this format (damaged, cut short, crafted, or from another version), in
    /// which case the caller rebuilds the index from the records.
    pub fn from_snapshot(bytes: &[u8]) -> Option<(Index, SnapshotMark)> {
        let snapshot: Snapshot = postcard::from_bytes(bytes).ok()?;
        if snapshot.format != SNAPSHOT_FORMAT || snapshot.rows.len() != snapshot.haystacks.len() {
            return None;
        }
        let mut index = Index::new();
        index.rows.reserve(snapshot.rows.len());
        for (row, hay) in snapshot.rows.into_iter().zip(&snapshot.haystacks) {
            index.put(row, hay, false);
        }
        index.sort_order();
        Some((index, snapshot.mark))
    }

    /// The index of all customers: [`rows`] and [`haystack`] of each.
    pub fn build(
        customers: &[Customer],
        conversations: &[ConversationRecord],
        customers_with_orders: &HashSet<Id>,
    ) -> Index {
        let rows = rows(customers, conversations, customers_with_orders);
        let mut index = Index::new();
        index.rows.reserve(rows.len());
        for (row, customer) in rows.into_iter().zip(customers) {
            index.put(row, &haystack(customer), false);
        }
        index.sort_order();
        index
    }

    /// The index of `rows`, each searched by the haystack of the customer with its id (by its
    /// name and phone alone when `customers` lacks it). A later row with the same customer id
    /// replaces an earlier one.
    pub fn from_rows(rows: Vec<Row>, customers: &[Customer]) -> Index {
        let by_id: HashMap<&Id, &Customer> = customers.iter().map(|c| (&c.id, c)).collect();
        let mut index = Index::new();
        index.rows.reserve(rows.len());
        for row in rows {
            let hay = match by_id.get(&row.customer_id) {
                Some(customer) => haystack(customer),
                None => haystack(&Customer {
                    name: row.name.clone(),
                    phones: row
                        .phone
                        .iter()
                        .map(|number| PhoneEntry {
                            number: number.clone(),
                            primary: true,
                            source: Source::Manual,
                            added_at: 0,
                        })
                        .collect(),
                    ..Customer::default()
                }),
            };
            index.put(row, &hay, false);
        }
        index.sort_order();
        index
    }

    /// Adds the row, or replaces the row with the same customer id; `customer` is what it is
    /// searched by (the same customer).
    pub fn upsert(&mut self, row: Row, customer: &Customer) {
        debug_assert_eq!(row.customer_id, customer.id, "row and customer differ");
        self.put(row, &haystack(customer), true);
        self.maybe_compact();
    }

    /// Removes the customer's row and returns it. The last row takes its number.
    pub fn remove(&mut self, customer_id: &Id) -> Option<Row> {
        let slot = self.slot_of.remove(customer_id)?;
        let at = self.order_position(slot);
        self.order.remove(at);
        self.kill_span(slot);
        let last = (self.rows.len() - 1) as u32;
        if slot != last {
            let at = self.order_position(last);
            self.order[at] = slot;
            self.spans[self.span_of[last as usize] as usize].slot = slot;
            self.slot_of
                .insert(self.rows[last as usize].customer_id.clone(), slot);
        }
        self.span_of.swap_remove(slot as usize);
        let removed = self.rows.swap_remove(slot as usize);
        self.maybe_compact();
        Some(removed)
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The row with this number (as returned by [`Index::search`]).
    pub fn row(&self, number: u32) -> &Row {
        &self.rows[number as usize]
    }

    /// The row of a customer.
    pub fn get(&self, customer_id: &Id) -> Option<&Row> {
        self.slot_of
            .get(customer_id)
            .map(|&slot| &self.rows[slot as usize])
    }

    /// The folded haystack of a row (for tests and debugging).
    pub fn haystack_of(&self, number: u32) -> &str {
        self.span_text(self.spans[self.span_of[number as usize] as usize])
    }

    /// The numbers of the rows matching `query`, newest first (`last_at` descending, then
    /// customer id ascending, so the order never depends on the history of changes).
    pub fn search(&self, query: &Query) -> Vec<u32> {
        let tokens = tokens(&query.text);
        let filtered = query.filters();
        let accepts = |slot: u32| !filtered || query.accepts(&self.rows[slot as usize]);
        if tokens.is_empty() {
            return self.order.iter().copied().filter(|&s| accepts(s)).collect();
        }
        let hits = self.text_hits(tokens);
        self.order
            .iter()
            .copied()
            .filter(|&s| hits[s as usize] && accepts(s))
            .collect()
    }

    /// Per row, whether its haystack holds every token.
    fn text_hits(&self, mut tokens: Vec<Vec<String>>) -> Vec<bool> {
        // The longest token first: it is usually the rarest, so the others look at fewer rows.
        tokens.sort_by_key(|needles| Reverse(needles.iter().map(String::len).min()));
        let mut hits = vec![false; self.rows.len()];
        for needle in &tokens[0] {
            self.scan(&Finder::new(needle), &mut hits);
        }
        for needles in &tokens[1..] {
            let finders: Vec<Finder> = needles.iter().map(Finder::new).collect();
            for (slot, hit) in hits.iter_mut().enumerate() {
                if *hit {
                    let text = self.span_text(self.spans[self.span_of[slot] as usize]);
                    *hit = finders.iter().any(|f| f.find(text.as_bytes()).is_some());
                }
            }
        }
        hits
    }

    /// Marks the rows whose haystack contains `needle`, in one pass over the whole text.
    fn scan(&self, finder: &Finder, hits: &mut [bool]) {
        let text = self.text.as_bytes();
        let mut pos = 0usize;
        let mut span = 0usize;
        while let Some(found) = finder.find(&text[pos..]) {
            let at = pos + found;
            // The span the match starts in (a needle never starts at a separator): usually
            // one of the next few, so gallop forward, then search the last step.
            let ahead = &self.spans[span..];
            let mut step = 1;
            while step < ahead.len() && (ahead[step].end as usize) <= at {
                step *= 2;
            }
            let low = step / 2;
            span +=
                low + ahead[low..step.min(ahead.len())].partition_point(|s| (s.end as usize) <= at);
            let s = self.spans[span];
            if s.slot != DEAD {
                hits[s.slot as usize] = true;
            }
            // One hit per haystack is enough: go on after its separator.
            pos = s.end as usize + 1;
            span += 1;
        }
    }

    fn span_text(&self, span: Span) -> &str {
        &self.text[span.start as usize..span.end as usize]
    }

    fn order_key(&self, slot: u32) -> (Reverse<Millis>, &Id) {
        let row = &self.rows[slot as usize];
        (Reverse(row.last_at), &row.customer_id)
    }

    fn order_position(&self, slot: u32) -> usize {
        let key = self.order_key(slot);
        self.order
            .binary_search_by(|&other| self.order_key(other).cmp(&key))
            .expect("every row is in the order")
    }

    fn sort_order(&mut self) {
        let mut order: Vec<u32> = (0..self.rows.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| self.order_key(a).cmp(&self.order_key(b)));
        self.order = order;
    }

    /// Appends the haystack and stores the row (replacing the customer's old one); keeps
    /// `order` sorted when `ordered`, else leaves it to [`Index::sort_order`].
    fn put(&mut self, row: Row, hay: &str, ordered: bool) {
        let slot = match self.slot_of.get(&row.customer_id) {
            Some(&slot) => {
                if ordered {
                    let at = self.order_position(slot);
                    self.order.remove(at);
                }
                self.kill_span(slot);
                self.rows[slot as usize] = row;
                self.span_of[slot as usize] = self.spans.len() as u32;
                slot
            }
            None => {
                let slot = self.rows.len() as u32;
                self.slot_of.insert(row.customer_id.clone(), slot);
                self.rows.push(row);
                self.span_of.push(self.spans.len() as u32);
                slot
            }
        };
        let start = self.text.len() as u32;
        self.text.push_str(hay);
        self.spans.push(Span {
            start,
            end: self.text.len() as u32,
            slot,
        });
        self.text.push(SEP);
        if ordered {
            let key = self.order_key(slot);
            let at = self
                .order
                .partition_point(|&other| self.order_key(other) < key);
            self.order.insert(at, slot);
        }
    }

    fn kill_span(&mut self, slot: u32) {
        let span = &mut self.spans[self.span_of[slot as usize] as usize];
        span.slot = DEAD;
        self.dead += (span.end - span.start) as usize + SEP.len_utf8();
    }

    /// Rewrites the text without its dead haystacks once they are half of it.
    fn maybe_compact(&mut self) {
        if self.dead * 2 <= self.text.len() {
            return;
        }
        let mut text = String::with_capacity(self.text.len() - self.dead);
        let mut spans = Vec::with_capacity(self.rows.len());
        for (slot, at) in self.span_of.iter_mut().enumerate() {
            let old = self.spans[*at as usize];
            let start = text.len() as u32;
            text.push_str(&self.text[old.start as usize..old.end as usize]);
            *at = spans.len() as u32;
            spans.push(Span {
                start,
                end: text.len() as u32,
                slot: slot as u32,
            });
            text.push(SEP);
        }
        self.text = text;
        self.spans = spans;
        self.dead = 0;
    }
}

#[cfg(test)]
mod snapshot_tests {
    use super::*;

    fn customer(i: u32) -> Customer {
        let mut c = Customer {
            id: Id(format!("c{i:05}")),
            updated_at: i64::from(i),
            name: format!("Nguyễn Thị Hồng {i}"),
            ..Customer::default()
        };
        c.add_phone(&format!("09{:08}", i * 7919), Source::Chat, 0);
        c
    }

    #[test]
    fn a_stored_index_finds_what_the_built_one_finds() {
        let customers: Vec<Customer> = (0..300).map(customer).collect();
        let built = Index::build(&customers, &[], &HashSet::new());
        let mark = SnapshotMark {
            changes: 42,
            customers: 300,
        };
        let (read, read_mark) = Index::from_snapshot(&built.to_snapshot(mark)).unwrap();
        assert_eq!(read_mark, mark);
        for text in ["", "hong", "nguyen thi hong 12", "0900", "khong co"] {
            let q = Query {
                text: text.into(),
                ..Query::default()
            };
            let ids = |i: &Index| {
                i.search(&q)
                    .into_iter()
                    .map(|n| i.row(n).customer_id.clone())
                    .collect::<Vec<_>>()
            };
            assert_eq!(ids(&read), ids(&built), "{text}");
        }
    }

    #[test]
    fn damaged_or_foreign_bytes_are_not_an_index() {
        let customers: Vec<Customer> = (0..20).map(customer).collect();
        let bytes =
            Index::build(&customers, &[], &HashSet::new()).to_snapshot(SnapshotMark::default());
        assert!(Index::from_snapshot(&bytes[..bytes.len() / 2]).is_none());
        assert!(Index::from_snapshot(b"").is_none());
        assert!(Index::from_snapshot(&[0xff; 64]).is_none());
        let mut other_format = bytes.clone();
        other_format[0] = SNAPSHOT_FORMAT as u8 + 1;
        assert!(Index::from_snapshot(&other_format).is_none());
        // Any single flipped byte either still reads (then it is a valid index) or is refused,
        // never a panic.
        for at in 0..bytes.len() {
            let mut b = bytes.clone();
            b[at] ^= 0x5a;
            let _ = Index::from_snapshot(&b);
        }
    }
}
