//! E-mail addresses in chat text.
//!
//! Scanned from each `@` outwards over the characters an address can have, then checked for the
//! shape buyers actually send (`local@domain.tld`). No attempt at the full RFC 5322 grammar:
//! quoted local parts and IP-literal domains never occur in a shop chat.

use serde::{Deserialize, Serialize};

/// An e-mail address found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FoundEmail {
    /// The address as written.
    pub address: String,
    /// Char offsets of the address in the text.
    pub start: usize,
    pub end: usize,
}

fn is_local_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
}

fn is_domain_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-')
}

/// Every e-mail address in `text`, in order of position.
pub fn extract_emails(text: &str) -> Vec<FoundEmail> {
    let mut found = Vec::new();
    if !text.contains('@') {
        return found;
    }
    let chars: Vec<char> = text.chars().collect();
    let mut resume = 0;
    for at in 0..chars.len() {
        if chars[at] != '@' || at < resume {
            continue;
        }
        let mut start = at;
        while start > resume && is_local_char(chars[start - 1]) {
            start -= 1;
        }
        // A local part does not start or end with a dot.
        while start < at && chars[start] == '.' {
            start += 1;
        }
        let mut end = at + 1;
        while end < chars.len() && is_domain_char(chars[end]) {
            end += 1;
        }
        // "…@gmail.com." at the end of a sentence: the dot is not the address's.
        while end > at + 1 && matches!(chars[end - 1], '.' | '-') {
            end -= 1;
        }
        let local = &chars[start..at];
        let domain = &chars[at + 1..end];
        if is_valid_local(local) && is_valid_domain(domain) {
            found.push(FoundEmail {
                address: chars[start..end].iter().collect(),
                start,
                end,
            });
            resume = end;
        }
    }
    found
}

fn is_valid_local(local: &[char]) -> bool {
    !local.is_empty()
        && local.len() <= 64
        && local.last() != Some(&'.')
        && !local.windows(2).any(|w| w == ['.', '.'])
}

/// Returns true if and only if `domain` has at least two labels, no empty label, no label
/// starting or ending with `-`, and a last label of 2 or more letters.
fn is_valid_domain(domain: &[char]) -> bool {
    if domain.len() > 253 {
        return false;
    }
    let mut labels = 0;
    let mut last: &[char] = &[];
    for label in domain.split(|&c| c == '.') {
        if label.is_empty() || label.len() > 63 || label[0] == '-' || label[label.len() - 1] == '-'
        {
            return false;
        }
        labels += 1;
        last = label;
    }
    labels >= 2 && last.len() >= 2 && last.iter().all(|c| c.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emails(text: &str) -> Vec<String> {
        extract_emails(text)
            .into_iter()
            .map(|e| e.address)
            .collect()
    }

    #[test]
    fn finds_addresses_in_chat() {
        assert_eq!(
            emails("mail em: lan.nguyen@gmail.com nhé"),
            ["lan.nguyen@gmail.com"]
        );
        assert_eq!(
            emails("Email:abc_12@yahoo.com.vn."),
            ["abc_12@yahoo.com.vn"]
        );
        assert_eq!(emails("a@b.co, c+shop@d-e.vn"), ["a@b.co", "c+shop@d-e.vn"]);
        let e = &extract_emails("Chị Hà: hà@x.vn hoặc ha@x.vn")[0];
        assert_eq!((e.address.as_str(), e.start, e.end), ("ha@x.vn", 21, 28));
    }

    #[test]
    fn rejects_handles_and_broken_addresses() {
        assert!(emails("tag @nobi.shop giúp em").is_empty());
        assert!(emails("abc@gmail").is_empty());
        assert!(emails("abc@.com").is_empty());
        assert!(emails("abc@gmail.c0m").is_empty());
        assert!(emails("a..b@gmail.com").is_empty());
        assert!(emails("@@@").is_empty());
    }
}
