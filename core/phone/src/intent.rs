//! The auto-order rule's trigger: an order keyword and/or a phone number in a buyer's message.
//!
//! The seed creates an order "when the buyer sends a phone or comments a keyword"; the shop
//! chooses which of the two it requires, so [`detect_order_intent`] reports both signals and
//! [`OrderIntent::has_keyword_and_phone`] is the strict reading.
//!
//! Keywords match as whole words, with and without diacritics, but a diacritic typed is a
//! diacritic meant: "mua" (typed without marks) matches "mua", while "mưa" (rain) and "mùa"
//! (season) do not. Only a text word with no marks at all is compared on its folded form, so a
//! keyword should be configured with its marks ("chốt", which also matches "chot").

use serde::{Deserialize, Serialize};

use super::fold::{fold_char, is_word_char, vi_lower};
use super::{extract_phones, FoundPhone};

/// The keywords of the seed's auto-order setting: "chốt" (close the deal), "lấy" (take),
/// "đặt" (order), "mua" (buy).
pub const DEFAULT_ORDER_KEYWORDS: &[&str] = &["chốt", "lấy", "đặt", "mua"];

/// What in a message may trigger an automatic order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderIntent {
    /// The first configured keyword found (as configured), if any.
    pub keyword: Option<String>,
    /// The phone numbers in the message.
    pub phones: Vec<FoundPhone>,
}

impl OrderIntent {
    /// Returns true if and only if the message has both an order keyword and a phone number.
    pub fn has_keyword_and_phone(&self) -> bool {
        self.keyword.is_some() && !self.phones.is_empty()
    }
}

/// Returns the signals in `text` for the auto-order rule, or `None` when it has neither an order
/// keyword (one of `keywords`, matched as whole words, see the module docs) nor a phone.
pub fn detect_order_intent<S: AsRef<str>>(text: &str, keywords: &[S]) -> Option<OrderIntent> {
    let keyword = has_order_keyword(text, keywords).map(|i| keywords[i].as_ref().to_owned());
    let phones = extract_phones(text);
    if keyword.is_none() && phones.is_empty() {
        None
    } else {
        Some(OrderIntent { keyword, phones })
    }
}

/// The index in `keywords` of the first keyword (in list order) that occurs in `text` as whole
/// words, if any. A keyword may have several words ("chốt đơn").
pub fn has_order_keyword<S: AsRef<str>>(text: &str, keywords: &[S]) -> Option<usize> {
    let text_words = words(text);
    keywords.iter().position(|kw| {
        let kw = words(kw.as_ref());
        !kw.is_empty()
            && text_words.len() >= kw.len()
            && text_words
                .windows(kw.len())
                .any(|w| w.iter().zip(&kw).all(|(a, b)| same_word(a, b)))
    })
}

struct Word {
    lower: String,
    folded: String,
}

impl Word {
    fn is_plain(&self) -> bool {
        self.lower == self.folded
    }
}

/// Returns true if and only if a word of the text is the keyword's word: the same letters and
/// marks, or, when the text word has no marks at all (typed without them), the same letters.
/// The keyword's side is never folded: "mua" (buy) has no marks, yet "mưa" is not it.
fn same_word(text: &Word, keyword: &Word) -> bool {
    text.lower == keyword.lower || (text.is_plain() && text.folded == keyword.folded)
}

fn words(s: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut current = Word {
        lower: String::new(),
        folded: String::new(),
    };
    for c in s.chars() {
        if is_word_char(c) {
            current.lower.push(vi_lower(c));
            if let Some(f) = fold_char(c) {
                current.folded.push(f);
            }
        } else if !current.lower.is_empty() {
            out.push(std::mem::replace(
                &mut current,
                Word {
                    lower: String::new(),
                    folded: String::new(),
                },
            ));
        }
    }
    if !current.lower.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kw(text: &str) -> Option<&'static str> {
        has_order_keyword(text, DEFAULT_ORDER_KEYWORDS).map(|i| DEFAULT_ORDER_KEYWORDS[i])
    }

    #[test]
    fn keywords_match_whole_words_with_or_without_marks() {
        assert_eq!(kw("Chốt đơn cho em nha"), Some("chốt"));
        assert_eq!(kw("chot don"), Some("chốt"));
        assert_eq!(kw("e LAY 2 cai"), Some("lấy"));
        assert_eq!(kw("mình muốn đặt 1 áo"), Some("đặt"));
        assert_eq!(kw("dat hang nhe"), Some("đặt"));
        assert_eq!(kw("mua 2 cái"), Some("mua"));
    }

    #[test]
    fn other_words_do_not() {
        assert_eq!(kw("trời mưa quá"), None);
        assert_eq!(kw("mùa này hết hàng"), None);
        assert_eq!(kw("đất ở quận 7"), None);
        assert_eq!(kw("chột mắt"), None);
        assert_eq!(kw("muachung.vn"), None);
        assert_eq!(kw("khuyến mãi"), None);
        assert_eq!(kw("lấyy"), None);
    }

    #[test]
    fn intent_reports_keyword_and_phone() {
        let i = detect_order_intent("chốt nha, sdt 0912345678", DEFAULT_ORDER_KEYWORDS).unwrap();
        assert!(i.has_keyword_and_phone());
        assert_eq!(i.phones[0].number, "0912345678");
        let i = detect_order_intent("0912345678", DEFAULT_ORDER_KEYWORDS).unwrap();
        assert!(!i.has_keyword_and_phone());
        assert!(detect_order_intent("cảm ơn shop", DEFAULT_ORDER_KEYWORDS).is_none());
        let custom = ["lên đơn"];
        assert!(detect_order_intent("len don giup em", &custom).is_some());
        assert!(detect_order_intent("lên đời", &custom).is_none());
    }
}
