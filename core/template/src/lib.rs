//! Message templates: the answers an agent sends all day, with variables filled in per buyer.
//!
//! # Design
//!
//! A [`Template`] is plain serde data, stored by the panel and synced later like any record
//! (stable `id`, `updated_at`). Three operations are pure functions here so that the panel, the
//! service worker (scheduled sends) and the tests agree on them:
//!
//! - [`render`] fills `{variables}` from [`Vars`]. A variable that the template names but that
//!   has no value for this buyer is reported in [`Rendered::missing`]; a name that is not a
//!   variable at all (a typo such as `{ten_khac}`) is reported in [`Rendered::unknown`]. Both
//!   are left in the text *as written*, never silently dropped: the text goes into the composer,
//!   where the agent sees the gap, and the panel can refuse or warn before sending. `{{` and `}}`
//!   are literal braces; a lone brace that does not form a placeholder is kept as typed (buyers'
//!   emoticons and agents' typos should not make a template fail).
//! - [`search`] finds templates by name, shortcut or content without diacritics ("cam on" finds
//!   "Cảm ơn", "d" matches "đ"), ranked: whole name, then name prefix, then every word in the
//!   name, then the phrase in the content, then every word anywhere; ties keep the agent's order.
//! - [`shortcut_matches`] serves the composer: typing "/cam" lists "/cam_on" first among the
//!   shortcuts that start that way.
//!
//! Folding reuses the crate's one hand-made Vietnamese folding (`phone::fold`, no Unicode tables),
//! so that search behaves exactly like the keyword matching of phone and order-intent detection.
//!
//! # Variables
//!
//! | name | value |
//! |---|---|
//! | `{ten_khach}` | the buyer's name |
//! | `{sdt}` | the buyer's phone |
//! | `{dia_chi}` | the delivery address |
//! | `{tong_tien}` | the order total, integer VND, written `1.250.000 ₫` |
//! | `{ma_don}` | the order code |
//! | `{phi_ship}` | the shipping fee, integer VND, written like `{tong_tien}` |
//! | `{ten_shop}` | the shop's name |
//! | `{nhan_vien}` | the agent's name (to sign a message) |
//! | `{ngay}` | today's date, `dd/mm/yyyy` |
//!
//! Names are matched without case, diacritics or spacing differences: `{Tên khách}`,
//! `{TEN_KHACH}` and `{ten_khach}` are one variable, because agents type templates by hand.
//!
//! # Crate contract
//!
//! [`render`] returns a text in which every placeholder is filled if and only if
//! [`Rendered::is_complete`]; otherwise the unfilled ones are left as written and listed. Search
//! and shortcuts fold text with `nobi_text::fold`.
//!
//! It deliberately knows neither customers nor orders: [`Vars`] is plain data, and the function
//! that fills it from a customer, a conversation and an order (`vars_for`) lives in `nobi-order`
//! (`nobi_core::template::vars_for` re-exports it). That keeps this crate below the CRM, which
//! stores templates as records.
//!
//! # Dependencies
//!
//! `nobi-text` (NFC, folding), `nobi-i18n` (warnings), `nobi-money` (amounts as `1.250.000 ₫`)
//! and `serde`.

use nobi_i18n::{ui, Lang, Ui};
use nobi_money::Vnd;
use nobi_text::fold::fold_str;
use serde::{Deserialize, Serialize};

/// A saved answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    /// Stable id (a UUID from the store), never reused.
    pub id: String,
    /// What the agent calls it in the list ("Cảm ơn khách").
    pub name: String,
    /// The text, with `{variables}` (see the module docs).
    pub content: String,
    /// The composer shortcut, `/` included ("/cam_on"), if the agent gave one.
    #[serde(default)]
    pub shortcut: Option<String>,
    /// Images from the media library sent with the text, in order.
    #[serde(default)]
    pub image_ids: Vec<String>,
    /// Place in the agent's list; lower first. Ties fall back to the name.
    #[serde(default)]
    pub position: u32,
    /// Last change, milliseconds since the Unix epoch (for sync: the later change wins).
    pub updated_at: u64,
}

/// Every variable [`render`] knows, in the order the panel's "insert variable" menu lists them.
pub const VARIABLES: [&str; 9] = [
    "ten_khach",
    "sdt",
    "dia_chi",
    "tong_tien",
    "ma_don",
    "phi_ship",
    "ten_shop",
    "nhan_vien",
    "ngay",
];

/// A calendar day, for `{ngay}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Day {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Day {
    /// The day at `unix_ms` in a time zone `utc_offset_minutes` east of UTC (Vietnam: 420).
    ///
    /// Core has no clock: the caller passes the time and the zone.
    pub fn from_unix_ms(unix_ms: i64, utc_offset_minutes: i32) -> Day {
        let local_ms = unix_ms + i64::from(utc_offset_minutes) * 60_000;
        let days = local_ms.div_euclid(86_400_000);
        // Howard Hinnant's civil_from_days: exact for the proleptic Gregorian calendar.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Day { year, month, day }
    }
}

/// The values a template can use; `None` means "not known for this buyer".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vars {
    #[serde(default)]
    pub ten_khach: Option<String>,
    #[serde(default)]
    pub sdt: Option<String>,
    #[serde(default)]
    pub dia_chi: Option<String>,
    /// Integer VND.
    #[serde(default)]
    pub tong_tien: Option<i64>,
    #[serde(default)]
    pub ma_don: Option<String>,
    /// Integer VND.
    #[serde(default)]
    pub phi_ship: Option<i64>,
    #[serde(default)]
    pub ten_shop: Option<String>,
    #[serde(default)]
    pub nhan_vien: Option<String>,
    #[serde(default)]
    pub ngay: Option<Day>,
}

impl Vars {
    /// The text of variable `name` (canonical name, see [`VARIABLES`]): `Ok(None)` when it is a
    /// variable without a value, `Err(())` when it is not a variable.
    fn value(&self, name: &str) -> Result<Option<String>, ()> {
        let text = |v: &Option<String>| v.as_ref().filter(|s| !s.trim().is_empty()).cloned();
        Ok(match name {
            "ten_khach" => text(&self.ten_khach),
            "sdt" => text(&self.sdt),
            "dia_chi" => text(&self.dia_chi),
            "tong_tien" => self.tong_tien.map(format_vnd),
            "ma_don" => text(&self.ma_don),
            "phi_ship" => self.phi_ship.map(format_vnd),
            "ten_shop" => text(&self.ten_shop),
            "nhan_vien" => text(&self.nhan_vien),
            "ngay" => self
                .ngay
                .map(|d| format!("{:02}/{:02}/{:04}", d.day, d.month, d.year)),
            _ => return Err(()),
        })
    }
}

/// A template filled in for one buyer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rendered {
    /// The text to put in the composer, NFC. Placeholders that could not be filled stay as
    /// written.
    pub text: String,
    /// Placeholders that are not variables, as written between the braces, each once, in order.
    pub unknown: Vec<String>,
    /// Variables (canonical names) the template uses but `vars` has no value for, each once.
    pub missing: Vec<String>,
}

impl Rendered {
    /// Returns true if and only if every placeholder was filled.
    pub fn is_complete(&self) -> bool {
        self.unknown.is_empty() && self.missing.is_empty()
    }
}

/// A placeholder's name is short and on one line; anything longer is text that happens to hold
/// a brace (a pasted JSON snippet, an emoticon), kept as typed.
const MAX_NAME_CHARS: usize = 40;

/// Fills the `{variables}` of `content` from `vars` (see the module docs for the rules).
pub fn render(content: &str, vars: &Vars) -> Rendered {
    let mut text = String::with_capacity(content.len() + 32);
    let mut unknown: Vec<String> = Vec::new();
    let mut missing: Vec<String> = Vec::new();
    let mut rest = content;
    while let Some(i) = rest.find(['{', '}']) {
        text.push_str(&rest[..i]);
        let brace = rest.as_bytes()[i];
        let after = &rest[i + 1..];
        if after.as_bytes().first() == Some(&brace) {
            // `{{` or `}}`: one literal brace.
            text.push(brace as char);
            rest = &after[1..];
            continue;
        }
        if brace == b'}' {
            text.push('}');
            rest = after;
            continue;
        }
        let Some(name) = placeholder_name(after) else {
            text.push('{');
            rest = after;
            continue;
        };
        let written = &after[..name.len()];
        rest = &after[name.len() + 1..];
        let key = canonical_name(written);
        match vars.value(&key) {
            Ok(Some(value)) => text.push_str(&value),
            Ok(None) => {
                if !missing.contains(&key) {
                    missing.push(key);
                }
                push_placeholder(&mut text, written);
            }
            Err(()) => {
                if !unknown.iter().any(|u| u == written) {
                    unknown.push(written.to_owned());
                }
                push_placeholder(&mut text, written);
            }
        }
    }
    text.push_str(rest);
    Rendered {
        text: nobi_text::nfc(&text),
        unknown,
        missing,
    }
}

fn push_placeholder(out: &mut String, written: &str) {
    out.push('{');
    out.push_str(written);
    out.push('}');
}

/// The name between `{` and the closing `}` at the start of `after`, if they form a placeholder:
/// non-blank, on one line, short, no other brace inside.
fn placeholder_name(after: &str) -> Option<&str> {
    let end = after.find(['}', '{', '\n', '\r'])?;
    if after.as_bytes()[end] != b'}' {
        return None;
    }
    let name = &after[..end];
    (!name.trim().is_empty() && name.chars().count() <= MAX_NAME_CHARS).then_some(name)
}

/// `Tên khách` → `ten_khach`: folded words joined by `_`.
fn canonical_name(written: &str) -> String {
    fold_str(written).replace(' ', "_")
}

/// Money as the interface shows it (`1.250.000 ₫`): the order module's one formatter.
fn format_vnd(amount: i64) -> String {
    Vnd(amount).format()
}

/// Returns the templates matching `query` (without case or diacritics), best first; an empty
/// query returns every template in the agent's order.
///
/// A template matches when every word of the query starts a word of its name, shortcut or
/// content. Rank, best first: the name is the query; the name starts with the query; every
/// query word starts a word of the name or shortcut; the content holds the query as a phrase;
/// the words are spread over name and content. Within a rank, the agent's order
/// ([`Template::position`], then name) decides.
pub fn search<'a>(templates: &'a [Template], query: &str) -> Vec<&'a Template> {
    let q = fold_str(query);
    let q_words: Vec<&str> = q.split(' ').filter(|w| !w.is_empty()).collect();
    let mut hits: Vec<(u8, &Template)> = templates
        .iter()
        .filter_map(|t| rank(t, &q, &q_words).map(|r| (r, t)))
        .collect();
    hits.sort_by(|(ra, a), (rb, b)| {
        ra.cmp(rb)
            .then(a.position.cmp(&b.position))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.id.cmp(&b.id))
    });
    hits.into_iter().map(|(_, t)| t).collect()
}

/// The rank of `t` for the folded query `q` (lower is better), or `None` if it does not match.
fn rank(t: &Template, q: &str, q_words: &[&str]) -> Option<u8> {
    if q_words.is_empty() {
        return Some(0);
    }
    let name = fold_str(&t.name);
    if name == q {
        return Some(0);
    }
    if name.starts_with(q) {
        return Some(1);
    }
    let shortcut = t.shortcut.as_deref().map(fold_str).unwrap_or_default();
    let title_words: Vec<&str> = name.split(' ').chain(shortcut.split(' ')).collect();
    let starts_a_word = |words: &[&str], w: &str| words.iter().any(|x| x.starts_with(w));
    if q_words.iter().all(|w| starts_a_word(&title_words, w)) {
        return Some(2);
    }
    let content = fold_str(&t.content);
    // The phrase must start at a word: "on" must not match inside "con".
    if content.starts_with(q) || content.contains(&format!(" {q}")) {
        return Some(3);
    }
    let content_words: Vec<&str> = content.split(' ').collect();
    q_words
        .iter()
        .all(|w| starts_a_word(&title_words, w) || starts_a_word(&content_words, w))
        .then_some(4)
}

/// The comparable form of a shortcut: folded letters and digits only, so "/cam_on", "/Cảm ơn"
/// and "/camon" are one shortcut.
pub fn shortcut_key(shortcut: &str) -> String {
    fold_str(shortcut).replace(' ', "")
}

/// Returns the templates whose shortcut starts with what the agent typed in the composer
/// (`typed` starts with `/`; "/cam" matches "/cam_on"), the exact one first, then shorter
/// shortcuts, then the agent's order. Returns nothing unless `typed` starts with `/`, so that
/// ordinary text never pops up suggestions. A bare "/" lists every template with a shortcut.
pub fn shortcut_matches<'a>(templates: &'a [Template], typed: &str) -> Vec<&'a Template> {
    let Some(typed) = typed.trim_start().strip_prefix('/') else {
        return Vec::new();
    };
    let key = shortcut_key(typed);
    let mut hits: Vec<(String, &Template)> = templates
        .iter()
        .filter_map(|t| {
            let k = shortcut_key(t.shortcut.as_deref()?);
            (!k.is_empty() && k.starts_with(&key)).then_some((k, t))
        })
        .collect();
    hits.sort_by(|(ka, a), (kb, b)| {
        (ka.len() != key.len())
            .cmp(&(kb.len() != key.len()))
            .then(ka.len().cmp(&kb.len()))
            .then(a.position.cmp(&b.position))
            .then_with(|| a.id.cmp(&b.id))
    });
    hits.into_iter().map(|(_, t)| t).collect()
}

/// Returns the template whose shortcut is exactly `typed` (compared by [`shortcut_key`]).
pub fn find_shortcut<'a>(templates: &'a [Template], typed: &str) -> Option<&'a Template> {
    shortcut_matches(templates, typed)
        .into_iter()
        .next()
        .filter(|t| shortcut_key(t.shortcut.as_deref().unwrap_or("")) == shortcut_key(typed))
}

/// Moves template `id` to index `to` of the agent's order (clamped), renumbering positions
/// 0, 1, 2… and setting `updated_at = now_ms` on every template whose position changed, so that
/// a sync carries exactly the changed records. Returns true if and only if `id` exists.
pub fn move_template(templates: &mut [Template], id: &str, to: usize, now_ms: u64) -> bool {
    let mut order: Vec<usize> = (0..templates.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&templates[a], &templates[b]);
        a.position
            .cmp(&b.position)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.id.cmp(&b.id))
    });
    let Some(from) = order.iter().position(|&i| templates[i].id == id) else {
        return false;
    };
    let moved = order.remove(from);
    order.insert(to.min(order.len()), moved);
    for (position, &i) in order.iter().enumerate() {
        let position = position as u32;
        if templates[i].position != position {
            templates[i].position = position;
            templates[i].updated_at = now_ms;
        }
    }
    true
}

/// Vietnam's offset from UTC, in minutes (`{ngay}` is the shop's day, not the browser's).
pub const VIETNAM_UTC_OFFSET: i32 = 420;

/// Sorts templates in the agent's order: position, then name, then id.
pub fn sort(templates: &mut [Template]) {
    templates.sort_by(|a, b| {
        a.position
            .cmp(&b.position)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.id.cmp(&b.id))
    });
}

/// The warnings of a rendering, translated: unknown variables (typos, left as written), then
/// variables without a value for this buyer. Empty when the text is complete.
pub fn warnings(rendered: &Rendered, lang: Lang) -> Vec<String> {
    let braces = |names: &[String]| {
        names
            .iter()
            .map(|n| format!("{{{n}}}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = Vec::new();
    if !rendered.unknown.is_empty() {
        out.push(format!(
            "{}: {}",
            ui(Ui::TplUnknownVars, lang),
            braces(&rendered.unknown)
        ));
    }
    if !rendered.missing.is_empty() {
        out.push(format!(
            "{}: {}",
            ui(Ui::TplMissingVars, lang),
            braces(&rendered.missing)
        ));
    }
    out
}

/// A template filled in for the composer: the text (placeholders that could not be filled stay
/// as written, for the agent to see and edit), the ids of its images in order (see
/// the panel's media library), and the warnings to show, translated.
pub fn render_into_composer(
    template: &Template,
    vars: &Vars,
    lang: Lang,
) -> (String, Vec<String>, Vec<String>) {
    let rendered = render(&template.content, vars);
    let warnings = warnings(&rendered, lang);
    (rendered.text, template.image_ids.clone(), warnings)
}

/// The shortcut being typed at the end of `text`: its last word when that word starts with `/`
/// and the text does not end with a space ("Dạ /cam" → "/cam", "/cam_on" → "/cam_on");
/// `None` otherwise. What [`shortcut_matches`] takes.
pub fn shortcut_at(text: &str) -> Option<&str> {
    if text.ends_with(char::is_whitespace) {
        return None;
    }
    let start = text.rfind(char::is_whitespace).map_or(0, |i| {
        i + text[i..].chars().next().map_or(1, char::len_utf8)
    });
    let word = &text[start..];
    word.starts_with('/').then_some(word)
}

/// `text` with the shortcut at its end (see [`shortcut_at`]) replaced by `with`; `text` and
/// `with` joined by nothing when there is no shortcut (the template is appended).
pub fn replace_shortcut(text: &str, with: &str) -> String {
    match shortcut_at(text) {
        Some(word) => format!("{}{with}", &text[..text.len() - word.len()]),
        None => format!("{text}{with}"),
    }
}

/// The first line of a text, at most `max` characters, for lists.
pub fn snippet(text: &str, max: usize) -> String {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut out: String = line.chars().take(max).collect();
    if line.chars().count() > max || text.trim().lines().nth(1).is_some() {
        out.push('…');
    }
    out
}

/// A typed shortcut as stored: trimmed, `/` in front; `None` when blank.
pub fn normalize_shortcut(typed: &str) -> Option<String> {
    let s: String = typed.split_whitespace().collect::<Vec<_>>().join("_");
    let s = s.trim_start_matches('/');
    (!s.is_empty()).then(|| format!("/{s}"))
}

/// Why the template form cannot be saved as typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormError {
    /// The name or the content is blank.
    NameOrContentMissing,
    /// The shortcut has nothing after its `/` that a search can match.
    ShortcutInvalid,
    /// Another template has the same shortcut (compared as [`shortcut_key`] does).
    ShortcutTaken,
}

/// Checks the template form: a name and a content, and a shortcut (if any) that is usable and
/// not another template's. `own_id` is the template being edited ("" for a new one). Returns
/// the shortcut as it is stored ([`normalize_shortcut`]), or why the form cannot be saved.
pub fn check_form(
    templates: &[Template],
    own_id: &str,
    name: &str,
    content: &str,
    shortcut: &str,
) -> Result<Option<String>, FormError> {
    if name.trim().is_empty() || content.trim().is_empty() {
        return Err(FormError::NameOrContentMissing);
    }
    let Some(stored) = normalize_shortcut(shortcut) else {
        return Ok(None);
    };
    let key = shortcut_key(&stored);
    if key.is_empty() {
        return Err(FormError::ShortcutInvalid);
    }
    let taken = templates.iter().any(|t| {
        t.id != own_id
            && t.shortcut
                .as_deref()
                .is_some_and(|s| shortcut_key(s) == key)
    });
    if taken {
        return Err(FormError::ShortcutTaken);
    }
    Ok(Some(stored))
}

/// The position a new template takes: after every other one.
pub fn next_position(templates: &[Template]) -> u32 {
    templates
        .iter()
        .map(|t| t.position.saturating_add(1))
        .max()
        .unwrap_or(0)
}

/// The byte index in `s` of UTF-16 offset `units` (what a textarea's `selectionStart` counts),
/// clamped to the end.
pub fn utf16_to_byte(s: &str, units: u32) -> usize {
    let mut seen = 0u32;
    for (i, c) in s.char_indices() {
        if seen >= units {
            return i;
        }
        seen += c.len_utf16() as u32;
    }
    s.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(id: &str, name: &str, content: &str, shortcut: Option<&str>, position: u32) -> Template {
        Template {
            id: id.into(),
            name: name.into(),
            content: content.into(),
            shortcut: shortcut.map(Into::into),
            image_ids: vec![],
            position,
            updated_at: 0,
        }
    }

    fn vars() -> Vars {
        Vars {
            ten_khach: Some("Hồng".into()),
            sdt: Some("0912345678".into()),
            dia_chi: Some("102 Lê Duẩn, Hà Nội".into()),
            tong_tien: Some(1_250_000),
            ma_don: Some("DH0042".into()),
            ..Vars::default()
        }
    }

    #[test]
    fn variables_are_filled() {
        let r = render(
            "Dạ chị {ten_khach} ơi, đơn {ma_don} tổng {tong_tien}, giao {dia_chi}, sđt {sdt} ạ",
            &vars(),
        );
        assert_eq!(
            r.text,
            "Dạ chị Hồng ơi, đơn DH0042 tổng 1.250.000 ₫, giao 102 Lê Duẩn, Hà Nội, sđt 0912345678 ạ"
        );
        assert!(r.is_complete());
    }

    #[test]
    fn money_is_grouped_by_dots() {
        assert_eq!(format_vnd(0), "0 ₫");
        assert_eq!(format_vnd(999), "999 ₫");
        assert_eq!(format_vnd(1000), "1.000 ₫");
        assert_eq!(format_vnd(1_250_000), "1.250.000 ₫");
        assert_eq!(format_vnd(-50_000), "-50.000 ₫");
        assert_eq!(format_vnd(i64::MIN), "-9.223.372.036.854.775.808 ₫");
    }

    #[test]
    fn unknown_and_missing_are_reported_and_kept_as_written() {
        let r = render(
            "Chào {ten_khac}, phí {phi_ship}, {ten_khac} {phi_ship}",
            &vars(),
        );
        assert_eq!(
            r.text,
            "Chào {ten_khac}, phí {phi_ship}, {ten_khac} {phi_ship}"
        );
        assert_eq!(r.unknown, ["ten_khac"]);
        assert_eq!(r.missing, ["phi_ship"]);
        assert!(!r.is_complete());
    }

    #[test]
    fn a_blank_value_is_missing() {
        let v = Vars {
            ten_khach: Some("  ".into()),
            ..Vars::default()
        };
        assert_eq!(render("{ten_khach}", &v).missing, ["ten_khach"]);
    }

    #[test]
    fn names_ignore_case_diacritics_and_spacing() {
        let r = render("{Tên khách}|{TEN_KHACH}|{ ten_khach }|{Mã đơn}", &vars());
        assert_eq!(r.text, "Hồng|Hồng|Hồng|DH0042");
    }

    #[test]
    fn doubled_braces_are_literal() {
        let r = render("{{ten_khach}} = {ten_khach} }} {{", &vars());
        assert_eq!(r.text, "{ten_khach} = Hồng } {");
        assert!(r.is_complete());
        assert_eq!(render("{{{ten_khach}}}", &vars()).text, "{Hồng}");
    }

    #[test]
    fn lone_braces_stay_as_typed() {
        for s in [
            "a { b",
            "a } b",
            "{",
            "}",
            "{}",
            "{ }",
            "{\nten_khach}",
            ":-{ ok",
        ] {
            let r = render(s, &vars());
            assert_eq!(r.text, s);
            assert!(r.is_complete(), "{s}");
        }
        // A brace inside a candidate name ends it: the inner one is the placeholder.
        assert_eq!(render("{a {ten_khach}", &vars()).text, "{a Hồng");
        let long = format!("{{{}}}", "x".repeat(41));
        assert_eq!(render(&long, &vars()).text, long);
    }

    #[test]
    fn output_is_nfc() {
        let v = Vars {
            ten_khach: Some("Ho\u{0302}\u{0300}ng".into()),
            ..Vars::default()
        };
        let r = render("Chi\u{0323} {ten_khach}", &v);
        assert_eq!(r.text, "Chị Hồng");
        assert!(nobi_text::is_normalized(&r.text));
    }

    #[test]
    fn other_variables() {
        let v = Vars {
            phi_ship: Some(30_000),
            ten_shop: Some("Hoa Mai".into()),
            nhan_vien: Some("Lan".into()),
            ngay: Some(Day::from_unix_ms(1_763_690_400_000, 420)),
            ..Vars::default()
        };
        let r = render("{ten_shop} {nhan_vien} {phi_ship} {ngay}", &v);
        assert_eq!(r.text, "Hoa Mai Lan 30.000 ₫ 21/11/2025");
        assert!(VARIABLES
            .iter()
            .all(|n| render(&format!("{{{n}}}"), &Vars::default()).missing == [*n]));
    }

    #[test]
    fn days_are_computed_in_the_given_zone() {
        // 2025-11-20T17:30:00Z is 00:30 on the 21st in Vietnam.
        let ms = 1_763_659_800_000;
        assert_eq!(
            Day::from_unix_ms(ms, 0),
            Day {
                year: 2025,
                month: 11,
                day: 20
            }
        );
        assert_eq!(
            Day::from_unix_ms(ms, 420),
            Day {
                year: 2025,
                month: 11,
                day: 21
            }
        );
        assert_eq!(
            Day::from_unix_ms(0, 0),
            Day {
                year: 1970,
                month: 1,
                day: 1
            }
        );
        assert_eq!(
            Day::from_unix_ms(951_782_400_000, 0),
            Day {
                year: 2000,
                month: 2,
                day: 29
            }
        );
        assert_eq!(
            Day::from_unix_ms(-1, 0),
            Day {
                year: 1969,
                month: 12,
                day: 31
            }
        );
    }

    fn library() -> Vec<Template> {
        vec![
            t(
                "1",
                "Chào hỏi",
                "Dạ shop chào {ten_khach} ạ",
                Some("/chao"),
                0,
            ),
            t(
                "2",
                "Cảm ơn",
                "Dạ shop cảm ơn chị nhiều ạ",
                Some("/cam_on"),
                1,
            ),
            t(
                "3",
                "Báo giá",
                "Dạ mẫu này giá {tong_tien}, cám ơn chị",
                Some("/gia"),
                2,
            ),
            t(
                "4",
                "Cảm ơn đã mua hàng",
                "Đơn {ma_don} đã gửi",
                Some("/cam_on_mua"),
                3,
            ),
            t("5", "Địa chỉ shop", "Shop ở Đống Đa", Some("/camera"), 4),
            t(
                "6",
                "Xin địa chỉ",
                "Chị cho em xin địa chỉ nhận hàng",
                None,
                5,
            ),
        ]
    }

    fn ids(v: Vec<&Template>) -> Vec<&str> {
        v.into_iter().map(|t| t.id.as_str()).collect()
    }

    #[test]
    fn search_folds_diacritics_and_ranks_names_first() {
        let lib = library();
        assert_eq!(ids(search(&lib, "cam on")), ["2", "4", "3"]);
        assert_eq!(ids(search(&lib, "CẢM ƠN")), ["2", "4", "3"]);
        assert_eq!(ids(search(&lib, "dia chi")), ["5", "6"]);
        assert_eq!(ids(search(&lib, "đống")), ["5"]);
        assert_eq!(ids(search(&lib, "dong")), ["5"]);
        // Words spread over name and content.
        assert_eq!(ids(search(&lib, "xin nhan")), ["6"]);
        // Word starts only: "on" is not inside "con".
        assert!(search(&lib, "hang xyz").is_empty());
        assert_eq!(ids(search(&lib, "")), ["1", "2", "3", "4", "5", "6"]);
        assert_eq!(ids(search(&lib, "  ")).len(), 6);
        // Decomposed input folds the same.
        assert_eq!(ids(search(&lib, "ca\u{0309}m")), ["2", "4", "5", "3"]);
    }

    #[test]
    fn search_ties_keep_the_agents_order() {
        let mut lib = library();
        lib[1].position = 9;
        assert_eq!(ids(search(&lib, "cam on")), ["2", "4", "3"]);
        lib[3].name = "Cảm ơn".into();
        assert_eq!(ids(search(&lib, "cam on")), ["4", "2", "3"]);
    }

    #[test]
    fn shortcuts_prefix_match_exact_first() {
        let lib = library();
        assert_eq!(ids(shortcut_matches(&lib, "/cam")), ["2", "5", "4"]);
        assert_eq!(ids(shortcut_matches(&lib, "/cam_on")), ["2", "4"]);
        assert_eq!(ids(shortcut_matches(&lib, "/camon")), ["2", "4"]);
        assert_eq!(ids(shortcut_matches(&lib, "/Cảm")), ["2", "5", "4"]);
        assert_eq!(ids(shortcut_matches(&lib, "/")).len(), 5);
        assert!(shortcut_matches(&lib, "cam").is_empty());
        assert!(shortcut_matches(&lib, "/zz").is_empty());
        assert_eq!(find_shortcut(&lib, "/cam_on").unwrap().id, "2");
        assert!(find_shortcut(&lib, "/cam").is_none());
        assert_eq!(shortcut_key("/Cảm ơn"), "camon");
    }

    #[test]
    fn moving_renumbers_and_stamps_only_what_changed() {
        let mut lib = library();
        assert!(move_template(&mut lib, "5", 1, 77));
        let order: Vec<(&str, u32, u64)> = {
            let mut v: Vec<_> = lib
                .iter()
                .map(|t| (t.id.as_str(), t.position, t.updated_at))
                .collect();
            v.sort_by_key(|x| x.1);
            v
        };
        assert_eq!(
            order,
            [
                ("1", 0, 0),
                ("5", 1, 77),
                ("2", 2, 77),
                ("3", 3, 77),
                ("4", 4, 77),
                ("6", 5, 0)
            ]
        );
        assert!(move_template(&mut lib, "1", 99, 78));
        assert_eq!(lib[0].position, 5);
        assert!(!move_template(&mut lib, "nope", 0, 79));
    }

    #[test]
    fn templates_round_trip_and_old_records_load() {
        let mut tpl = library().remove(1);
        tpl.image_ids = vec!["img-1".into(), "img-2".into()];
        let json = serde_json::to_string(&tpl).unwrap();
        assert_eq!(serde_json::from_str::<Template>(&json).unwrap(), tpl);
        let minimal: Template =
            serde_json::from_str(r#"{"id":"x","name":"n","content":"c","updated_at":5}"#).unwrap();
        assert_eq!(minimal.shortcut, None);
        assert!(minimal.image_ids.is_empty());
        let r = render("{ten_khach} {x}", &vars());
        let back: Rendered = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(back, r);
        let v = Vars {
            ngay: Some(Day {
                year: 2025,
                month: 1,
                day: 2,
            }),
            ..vars()
        };
        let back: Vars = serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap();
        assert_eq!(back, v);
    }
}

#[cfg(test)]
mod moved_from_panel_tests {
    use super::*;

    fn tpl(id: &str, shortcut: &str) -> Template {
        Template {
            id: id.into(),
            name: id.into(),
            content: "Dạ {ten_khach} ơi".into(),
            shortcut: Some(shortcut.into()),
            image_ids: vec!["img".into()],
            position: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn shortcut_is_the_last_word_typed() {
        assert_eq!(shortcut_at("/cam"), Some("/cam"));
        assert_eq!(shortcut_at("Dạ /cam_on"), Some("/cam_on"));
        assert_eq!(shortcut_at("Dạ\u{a0}/cảm"), Some("/cảm"));
        assert_eq!(shortcut_at("/cam "), None);
        assert_eq!(shortcut_at("cam/on"), None);
        assert_eq!(shortcut_at(""), None);
        assert_eq!(replace_shortcut("Dạ /cam", "cảm ơn"), "Dạ cảm ơn");
        assert_eq!(replace_shortcut("Dạ ", "cảm ơn"), "Dạ cảm ơn");
        let lib = [tpl("a", "/cam_on_mua"), tpl("b", "/cam_on")];
        let first = |text: &str| {
            shortcut_at(text)
                .and_then(|typed| shortcut_matches(&lib, typed).into_iter().next())
                .map(|t| t.id.clone())
        };
        assert_eq!(first("xin /cam_on").as_deref(), Some("b"));
        assert_eq!(first("/cam").as_deref(), Some("b"));
        assert!(first("cam").is_none());
    }

    #[test]
    fn helpers() {
        assert_eq!(normalize_shortcut(" cam on "), Some("/cam_on".into()));
        assert_eq!(normalize_shortcut("/gia"), Some("/gia".into()));
        assert_eq!(normalize_shortcut("  "), None);
        assert_eq!(utf16_to_byte("aễb", 2), "aễ".len());
        assert_eq!(utf16_to_byte("a😊b", 3), "a😊".len());
        assert_eq!(utf16_to_byte("ab", 9), 2);
        assert_eq!(snippet("Dạ\nchị", 10), "Dạ…");
        assert_eq!(snippet("abc", 2), "ab…");
        assert_eq!(snippet("abc", 5), "abc");
    }

    #[test]
    fn a_form_needs_a_name_and_a_content() {
        assert_eq!(
            check_form(&[], "", " ", "Chào chị", ""),
            Err(FormError::NameOrContentMissing)
        );
        assert_eq!(
            check_form(&[], "", "Chào", "  \n", ""),
            Err(FormError::NameOrContentMissing)
        );
        assert_eq!(check_form(&[], "", "Chào", "Chào chị", "  "), Ok(None));
    }

    #[test]
    fn a_shortcut_is_stored_with_its_slash_and_must_be_someone_else_s_never() {
        let existing = [tpl("a", "/cam_on")];
        assert_eq!(
            check_form(&existing, "", "Cảm ơn", "Dạ", "cảm ơn"),
            Err(FormError::ShortcutTaken),
            "the same words, with diacritics and a space, are the same shortcut"
        );
        assert_eq!(
            check_form(&existing, "a", "Cảm ơn", "Dạ", "/cam_on"),
            Ok(Some("/cam_on".into())),
            "a template keeps its own shortcut"
        );
        assert_eq!(
            check_form(&existing, "", "Ship", "Dạ", "ship"),
            Ok(Some("/ship".into()))
        );
        assert_eq!(
            check_form(&existing, "", "Ship", "Dạ", "/!!"),
            Err(FormError::ShortcutInvalid)
        );
    }

    #[test]
    fn a_new_template_goes_last() {
        assert_eq!(next_position(&[]), 0);
        let mut ts = [tpl("a", "/a"), tpl("b", "/b")];
        ts[0].position = 3;
        ts[1].position = 7;
        assert_eq!(next_position(&ts), 8);
    }
}
