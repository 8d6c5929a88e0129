//! Which conversation a page URL shows, for every surface Nobi Pro works on.
//!
//! The thread id in the URL is the one fact about "which conversation is open" that does not depend
//! on the page's markup, so it is what a message's address is checked against before typing.

use crate::protocol::{Platform, ThreadRef};

/// The kind of page a URL shows, as far as the URL tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageKind {
    /// A conversation is open.
    Thread(ThreadRef),
    /// The inbox or thread list of a messaging surface, with no conversation open.
    Inbox(Platform),
    /// Any other page of a matched site (feed, profile, settings): the content script stays idle.
    Other,
}

/// Classifies a page URL such as `https://www.instagram.com/direct/t/1234/?x=1`.
pub fn classify(url: &str) -> PageKind {
    let Some((host, path, query)) = split_url(url) else {
        return PageKind::Other;
    };
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let thread = |platform, id: &str| {
        if is_thread_id(id) {
            PageKind::Thread(ThreadRef {
                platform,
                thread_id: id.to_owned(),
            })
        } else {
            PageKind::Other
        }
    };
    match host {
        "www.instagram.com" | "instagram.com" => match segments.as_slice() {
            ["direct", "t", id, ..] => thread(Platform::Instagram, id),
            ["direct", "inbox" | "requests", ..] | ["direct"] => {
                PageKind::Inbox(Platform::Instagram)
            }
            // Logged out, Instagram redirects a thread to its login form with the thread as
            // `next`: the page still stands for that thread (and says "not logged in").
            ["accounts", "login", ..] => match query_param(query, "next").map(percent_decode) {
                Some(next) if next.starts_with("/direct/t/") => {
                    match classify(&["https://www.instagram.com", &next].concat()) {
                        thread @ PageKind::Thread(_) => thread,
                        _ => PageKind::Other,
                    }
                }
                _ => PageKind::Other,
            },
            _ => PageKind::Other,
        },
        "www.facebook.com" | "facebook.com" | "web.facebook.com" => match segments.as_slice() {
            ["messages", "t", id, ..] | ["messages", "e2ee", "t", id, ..] => {
                thread(Platform::Facebook, id)
            }
            ["messages", ..] => PageKind::Inbox(Platform::Facebook),
            _ => PageKind::Other,
        },
        "www.messenger.com" | "messenger.com" => match segments.as_slice() {
            ["t", id, ..] | ["e2ee", "t", id, ..] => thread(Platform::Messenger, id),
            [] => PageKind::Inbox(Platform::Messenger),
            _ => PageKind::Other,
        },
        // A Business Suite thread belongs to the page the agent acts as (`asset_id`): two pages of
        // one shop can each have a thread with the same item id, so the id is `<asset>.<item>`.
        "business.facebook.com" => match segments.as_slice() {
            ["latest", "inbox", ..] => match query_param(query, "selected_item_id") {
                Some(item) => match query_param(query, "asset_id").filter(|a| is_numeric(a)) {
                    Some(asset) if is_numeric(item) => {
                        thread(Platform::BusinessSuite, &[asset, ".", item].concat())
                    }
                    _ => thread(Platform::BusinessSuite, item),
                },
                None => PageKind::Inbox(Platform::BusinessSuite),
            },
            _ => PageKind::Other,
        },
        _ => PageKind::Other,
    }
}

/// Returns true if and only if a page at `sender_url` may announce `thread` as opened: the URL
/// shows exactly that thread. Chrome fills the sender's URL, the page cannot; so a compromised
/// tab can announce only the thread it really shows (issue 13, point 13).
pub fn url_shows(sender_url: &str, thread: &ThreadRef) -> bool {
    matches!(classify(sender_url), PageKind::Thread(shown) if shown == *thread)
}

/// The page the agent acts as, when the URL names it: Business Suite's `asset_id`.
pub fn account_in_url(url: &str) -> Option<String> {
    let (host, _, query) = split_url(url)?;
    (host == "business.facebook.com")
        .then(|| query_param(query, "asset_id"))
        .flatten()
        .filter(|id| is_thread_id(id))
        .map(str::to_owned)
}

/// Returns the URL that opens `thread` in a tab, or `None` when its id is not a thread id (ids
/// can come from imported or synced data, and must not build an arbitrary same-site URL).
pub fn thread_url(thread: &ThreadRef) -> Option<String> {
    let id = &thread.thread_id;
    if !is_thread_id(id) {
        return None;
    }
    Some(match thread.platform {
        Platform::Instagram => format!("https://www.instagram.com/direct/t/{id}/"),
        Platform::Facebook => format!("https://www.facebook.com/messages/t/{id}"),
        // messenger.com redirects to facebook.com since April 2026: go there directly.
        Platform::Messenger => format!("https://www.facebook.com/messages/t/{id}"),
        Platform::BusinessSuite => match business_suite_parts(id) {
            (Some(asset), item) => format!(
                "https://business.facebook.com/latest/inbox/all?asset_id={asset}&selected_item_id={item}&thread_type=FB_MESSAGE"
            ),
            (None, item) => {
                format!("https://business.facebook.com/latest/inbox/all?selected_item_id={item}")
            }
        },
    })
}

/// A Business Suite thread id split into (page, item): `"1098.987"` → `(Some("1098"), "987")`;
/// an id stored before pages were part of it is the item alone.
pub fn business_suite_parts(id: &str) -> (Option<&str>, &str) {
    match id.split_once('.') {
        Some((asset, item)) if is_numeric(asset) && is_numeric(item) => (Some(asset), item),
        _ => (None, id),
    }
}

fn is_numeric(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// Returns true if and only if `id` looks like a thread id: 1 to 64 ASCII letters, digits, `_`,
/// `-` or `.`, and not only dots (numeric on Instagram and Facebook, a username on some
/// Messenger links).
fn is_thread_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.bytes().any(|b| b != b'.')
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// Splits `https://host/path?query#fragment` into (host, path, query). Only https is accepted:
/// every surface is served over https, and anything else is not one of them.
fn split_url(url: &str) -> Option<(&str, &str, &str)> {
    let rest = url.strip_prefix("https://")?;
    let rest = rest.split('#').next().unwrap_or("");
    let (authority, path_and_query) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    // The host follows the user info (`user@`), if any. (Found by bytes: a reverse `split`
    // compiles a reverse searcher of its own into the content script.)
    let host_and_port = match authority.bytes().rposition(|b| b == b'@') {
        Some(at) => &authority[at + 1..],
        None => authority,
    };
    let host = host_and_port.split(':').next()?;
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    Some((host, path, query))
}

/// Decodes `%XX` escapes of ASCII characters; anything else is kept as written.
fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = String::with_capacity(value.len());
    let mut i = 0;
    while i < bytes.len() {
        let decoded = (bytes[i] == b'%')
            .then(|| value.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            .filter(u8::is_ascii);
        match decoded {
            Some(b) => {
                out.push(b as char);
                i += 3;
            }
            None => {
                let c = value[i..].chars().next().unwrap_or('\u{fffd}');
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    out
}

fn query_param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

/// `url` if and only if it is an `https` link to one of the platforms' own sites: a profile link
/// read from a page (or a restored backup) becomes an `href` in the panel, so no other scheme
/// (`javascript:`, `data:`) and no other host gets through.
pub fn safe_profile_link(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("https://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    const HOSTS: [&str; 6] = [
        "www.instagram.com",
        "instagram.com",
        "www.facebook.com",
        "facebook.com",
        "business.facebook.com",
        "www.messenger.com",
    ];
    HOSTS.contains(&host).then_some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tab_may_announce_only_the_thread_its_url_shows() {
        let ig = ThreadRef {
            platform: Platform::Instagram,
            thread_id: "340282366841710300949128".into(),
        };
        assert!(url_shows(
            "https://www.instagram.com/direct/t/340282366841710300949128/",
            &ig
        ));
        for other in [
            "https://www.instagram.com/direct/t/999/",
            "https://www.instagram.com/direct/inbox/",
            "https://www.facebook.com/messages/t/340282366841710300949128",
            "https://evil.example/direct/t/340282366841710300949128/",
            "",
        ] {
            assert!(!url_shows(other, &ig), "{other}");
        }
    }

    #[test]
    fn only_https_links_to_the_platforms_pass_as_profile_links() {
        for ok in [
            "https://www.instagram.com/hong.nguyen92/",
            "https://facebook.com/profile.php?id=1",
            "https://business.facebook.com/latest/inbox",
        ] {
            assert_eq!(safe_profile_link(ok), Some(ok));
        }
        for bad in [
            "javascript:alert(1)",
            "http://www.instagram.com/x",
            "https://www.instagram.com.evil.example/x",
            "https://evil.example/?https://www.instagram.com",
            "https://user@evil.example",
            "data:text/html,x",
            "",
        ] {
            assert_eq!(safe_profile_link(bad), None, "{bad}");
        }
    }

    fn thread(platform: Platform, id: &str) -> PageKind {
        PageKind::Thread(ThreadRef {
            platform,
            thread_id: id.into(),
        })
    }

    #[test]
    fn instagram() {
        assert_eq!(
            classify("https://www.instagram.com/direct/t/340282366841710300949128/"),
            thread(Platform::Instagram, "340282366841710300949128")
        );
        assert_eq!(
            classify("https://www.instagram.com/direct/t/17843/?hl=vi#x"),
            thread(Platform::Instagram, "17843")
        );
        assert_eq!(
            classify("https://www.instagram.com/direct/inbox/"),
            PageKind::Inbox(Platform::Instagram)
        );
        assert_eq!(classify("https://www.instagram.com/"), PageKind::Other);
        assert_eq!(
            classify("https://www.instagram.com/accounts/login/?next=%2Fdirect%2Ft%2F17843%2F"),
            thread(Platform::Instagram, "17843"),
            "logged out, the login form stands for the thread it replaced"
        );
        assert_eq!(
            classify("https://www.instagram.com/accounts/login/?next=%2Fexplore%2F"),
            PageKind::Other
        );
        assert_eq!(
            classify("https://www.instagram.com/accounts/login/"),
            PageKind::Other
        );
        assert_eq!(
            classify("https://www.instagram.com/shop.abc/"),
            PageKind::Other
        );
    }

    #[test]
    fn facebook_messenger_and_business_suite() {
        assert_eq!(
            classify("https://www.facebook.com/messages/t/100012345678901"),
            thread(Platform::Facebook, "100012345678901")
        );
        assert_eq!(
            classify("https://www.facebook.com/messages/e2ee/t/7012345678901234"),
            thread(Platform::Facebook, "7012345678901234")
        );
        assert_eq!(
            classify("https://www.messenger.com/t/100012345678901/"),
            thread(Platform::Messenger, "100012345678901")
        );
        assert_eq!(
            classify("https://www.messenger.com/e2ee/t/55/"),
            thread(Platform::Messenger, "55")
        );
        assert_eq!(
            classify("https://business.facebook.com/latest/inbox/all?asset_id=1&selected_item_id=987&mailbox_id=2"),
            thread(Platform::BusinessSuite, "1.987"),
            "a Business Suite thread is keyed by its page as well"
        );
        assert_eq!(
            classify("https://business.facebook.com/latest/inbox/all?selected_item_id=987"),
            thread(Platform::BusinessSuite, "987")
        );
        assert_eq!(business_suite_parts("1.987"), (Some("1"), "987"));
        assert_eq!(business_suite_parts("987"), (None, "987"));
        assert_eq!(
            classify("https://business.facebook.com/latest/inbox/all?asset_id=1"),
            PageKind::Inbox(Platform::BusinessSuite)
        );
        assert_eq!(
            classify("https://www.facebook.com/groups/1"),
            PageKind::Other
        );
    }

    #[test]
    fn business_suite_names_its_page() {
        assert_eq!(
            account_in_url(
                "https://business.facebook.com/latest/inbox/all?asset_id=1098&selected_item_id=7"
            ),
            Some("1098".into())
        );
        assert_eq!(
            account_in_url("https://www.facebook.com/messages/t/1?asset_id=1"),
            None
        );
    }

    #[test]
    fn lookalikes_are_not_threads() {
        assert_eq!(
            classify("http://www.instagram.com/direct/t/1/"),
            PageKind::Other
        );
        assert_eq!(
            classify("https://www.instagram.com.evil.example/direct/t/1/"),
            PageKind::Other
        );
        assert_eq!(
            classify("https://www.instagram.com/direct/t/<script>/"),
            PageKind::Other
        );
        assert_eq!(classify("not a url"), PageKind::Other);
    }

    #[test]
    fn thread_urls_classify_back_to_their_thread() {
        for platform in [
            Platform::Instagram,
            Platform::Facebook,
            Platform::Messenger,
            Platform::BusinessSuite,
        ] {
            let t = ThreadRef {
                platform,
                thread_id: "123456".into(),
            };
            let back = match classify(&thread_url(&t).unwrap()) {
                PageKind::Thread(back) => back,
                other => panic!("{other:?}"),
            };
            assert!(crate::aliases::same_thread(&back, &t), "{back:?}");
        }
        let page_thread = ThreadRef {
            platform: Platform::BusinessSuite,
            thread_id: "1098.987".into(),
        };
        assert_eq!(
            classify(&thread_url(&page_thread).unwrap()),
            PageKind::Thread(page_thread)
        );
    }

    #[test]
    fn ids_that_are_not_thread_ids_build_no_url() {
        for id in ["../../accounts/edit", "1?x=", "", "a/b", "1#x"] {
            let t = ThreadRef {
                platform: Platform::Instagram,
                thread_id: id.into(),
            };
            assert_eq!(thread_url(&t), None, "{id}");
        }
    }
}
