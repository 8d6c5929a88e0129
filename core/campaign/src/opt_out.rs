//! The do-not-message list's way in: a buyer who answers a campaign with "huỷ" or "không nhận tin"
//! never gets another one.
//!
//! A keyword of one word counts only when it is the whole message ("Huỷ", "STOP!"): "huỷ đơn giúp
//! em" cancels an order, it does not opt out. A keyword of several words counts anywhere in the
//! message ("em không nhận tin nữa nhé"), unless the message is a question ("sao em không nhận
//! tin nhắn của shop?" complains of a missing message). Both are compared folded (no case, no
//! diacritics), so "huy", "Hủy" and "HUỶ" are one word.

use nobi_text::fold::fold_str;
use serde::{Deserialize, Serialize};

/// The keywords an agent can change in the settings; these are the defaults.
pub const DEFAULT_KEYWORDS: [&str; 8] = [
    "huỷ",
    "stop",
    "không nhận tin",
    "huỷ nhận tin",
    "dừng nhận tin",
    "đừng nhắn tin",
    "đừng gửi tin",
    "không nhắn nữa",
];

/// The opt-out keywords, folded once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptOutWords {
    folded: Vec<String>,
}

impl Default for OptOutWords {
    fn default() -> Self {
        OptOutWords::new(DEFAULT_KEYWORDS)
    }
}

impl OptOutWords {
    /// The keywords as the agent typed them; empty ones are dropped.
    pub fn new<'a>(keywords: impl IntoIterator<Item = &'a str>) -> Self {
        let mut folded: Vec<String> = keywords
            .into_iter()
            .map(fold_str)
            .filter(|k| !k.is_empty())
            .collect();
        folded.sort();
        folded.dedup();
        OptOutWords { folded }
    }

    /// Returns true if and only if the buyer's message asks for no more campaigns: it is exactly a
    /// one-word keyword, or, not being a question, contains a keyword of several words as whole
    /// words.
    pub fn says_opt_out(&self, message: &str) -> bool {
        let text = fold_str(message);
        if text.is_empty() {
            return false;
        }
        let question = message.contains('?');
        let padded = format!(" {text} ");
        self.folded.iter().any(|k| {
            if k.contains(' ') {
                !question && padded.contains(&format!(" {k} "))
            } else {
                text == *k
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_word_only_as_the_whole_message() {
        let words = OptOutWords::default();
        for yes in ["Huỷ", "hủy", "HUY", "Stop!", " huỷ. "] {
            assert!(words.says_opt_out(yes), "{yes}");
        }
        for no in [
            "huỷ đơn giúp em",
            "stop lại đi shop",
            "em muốn hủy",
            "",
            "🙏",
        ] {
            assert!(!words.says_opt_out(no), "{no}");
        }
    }

    #[test]
    fn several_words_anywhere_as_whole_words() {
        let words = OptOutWords::default();
        assert!(words.says_opt_out("Em không nhận tin nữa nhé shop"));
        assert!(words.says_opt_out("đừng nhắn tin cho em nữa"));
        // A question complains; it does not opt out.
        assert!(!words.says_opt_out("sao em không nhận tin nhắn của shop?"));
        assert!(!words.says_opt_out("không nhận tiền mặt"));
    }

    #[test]
    fn the_agent_sets_the_words() {
        let words = OptOutWords::new(["ngừng", "", "bỏ theo dõi"]);
        assert!(words.says_opt_out("NGỪNG"));
        assert!(words.says_opt_out("cho em bỏ theo dõi"));
        assert!(!words.says_opt_out("huỷ"));
    }
}
