//! What the panel and the service worker's sync module say to each other about the shop's
//! server: who the agent is ([`Me`]), the panel's requests ([`PanelToSync`], one enum for that
//! direction) and the answers ([`SyncReply`]), and the rules the panel applies to them (which
//! page a thread belongs to, who may reassign, whether the composer must warn).
//!
//! The panel sends a [`PanelToSync`] through `chrome.runtime.sendMessage`; the service worker's
//! script hands any message with a `sync` field to the sync module, which answers with a
//! [`SyncReply`]. Pure data: no I/O here.

use nobi_protocol::Platform;
use serde::{Deserialize, Serialize};

use crate::machine::Status;

/// A role in the shop (the server's `users.role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Manager,
    Agent,
    Viewer,
}

impl Role {
    /// Returns true if and only if this role may give a conversation to someone else (or back
    /// to the pool): the server allows owners and managers (`/v1/assign`).
    pub fn can_assign(self) -> bool {
        matches!(self, Role::Owner | Role::Manager)
    }

    /// Returns true if and only if this role may write (claim, report, edit): not a viewer.
    pub fn can_write(self) -> bool {
        !matches!(self, Role::Viewer)
    }
}

/// One of the shop's Instagram or Facebook identities the agent is on (`/v1/me`'s `pages`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    /// The server's UUID.
    pub id: String,
    /// `instagram`, `facebook` or `messenger`.
    pub platform: String,
    /// The Instagram username or the Facebook page id the shop entered for it.
    pub external_id: String,
    pub name: String,
}

/// Who the agent is on the shop's server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub user_id: String,
    pub name: String,
    pub role: Role,
    pub shop_name: String,
    #[serde(default)]
    pub pages: Vec<Page>,
}

impl Me {
    /// Reads `/v1/me`'s answer (`{user: {id, name, role}, shop: {name}, pages: [...]}`).
    pub fn from_json(v: &serde_json::Value) -> Option<Me> {
        let user = v.get("user")?;
        Some(Me {
            user_id: user.get("id")?.as_str()?.to_owned(),
            name: user.get("name")?.as_str()?.to_owned(),
            role: serde_json::from_value(user.get("role")?.clone()).ok()?,
            shop_name: v
                .pointer("/shop/name")
                .and_then(|n| n.as_str())
                .unwrap_or_default()
                .to_owned(),
            pages: serde_json::from_value(v.get("pages")?.clone()).ok()?,
        })
    }
}

/// The server address as the extension keeps it: `https://host[:port][/path]` with no trailing
/// slash; http:// is allowed (a server on the shop's own network). None when it is not such a
/// URL.
pub fn normalize_server(input: &str) -> Option<String> {
    let s = input.trim().trim_end_matches('/');
    let lower = s.to_ascii_lowercase();
    let scheme = ["https://", "http://"]
        .into_iter()
        .find(|p| lower.starts_with(p))?;
    let host = s[scheme.len()..].split(['/', '?', '#']).next()?;
    let bad = |c: char| c.is_whitespace() || c == '@' || c == '\\';
    if host.is_empty() || host.starts_with(':') || host.contains(bad) || s.contains(['?', '#']) {
        return None;
    }
    Some(format!("{scheme}{}", &s[scheme.len()..]))
}

/// The match pattern of the host permission the extension asks Chrome for: `scheme://host/*`
/// (a pattern without a port matches every port).
pub fn permission_pattern(server: &str) -> Option<String> {
    let s = normalize_server(server)?;
    let (scheme, rest) = s.split_once("://")?;
    let host = rest.split('/').next()?;
    let host = match host.rsplit_once(':') {
        Some((h, port)) if !h.is_empty() && port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host,
    };
    Some(format!("{scheme}://{host}/*"))
}

/// The server's platform name for a thread of `platform` (a Business Suite inbox is the
/// Facebook page's; messenger.com threads open on facebook.com).
pub fn server_platforms(platform: Platform) -> &'static [&'static str] {
    match platform {
        Platform::Instagram => &["instagram"],
        Platform::Facebook | Platform::BusinessSuite => &["facebook", "messenger"],
        Platform::Messenger => &["messenger", "facebook"],
    }
}

fn same_account(a: &str, b: &str) -> bool {
    let clean = |s: &str| s.trim().trim_start_matches('@').to_lowercase();
    clean(a) == clean(b)
}

/// The page a thread of `platform`, seen while acting as `account`, is reported under: the page
/// whose `external_id` is that account (case and a leading `@` ignored); when the page does not
/// tell its account, the agent's only page of that platform. None when nothing fits, when the
/// account is another one, or when several pages could (reporting under a wrong page would show
/// the buyer to the wrong team).
pub fn page_for<'a>(
    pages: &'a [Page],
    platform: Platform,
    account: Option<&str>,
) -> Option<&'a Page> {
    let names = server_platforms(platform);
    let of_platform: Vec<&Page> = pages
        .iter()
        .filter(|p| names.contains(&p.platform.as_str()))
        .collect();
    match account.filter(|a| !a.trim().is_empty()) {
        // A known account that is none of the shop's pages (the agent's own, another shop's):
        // never reported, never counted against a page's budget.
        Some(account) => of_platform
            .into_iter()
            .find(|p| same_account(&p.external_id, account)),
        None => match of_platform.as_slice() {
            [only] => Some(only),
            _ => None,
        },
    }
}

/// Whose conversation this is, as the composer and the card see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// Not connected, or the server has not assigned it: anyone may answer.
    Nobody,
    Me,
    /// Another agent (their user id).
    Someone(String),
}

/// Whose conversation an `assignee` (a user id pulled from the server) makes it for `me`.
pub fn owner_of(assignee: Option<&str>, me: Option<&Me>) -> Owner {
    match (assignee, me) {
        (Some(a), Some(me)) if a == me.user_id => Owner::Me,
        (Some(a), Some(_)) => Owner::Someone(a.to_owned()),
        _ => Owner::Nobody,
    }
}

/// The panel's requests to the sync module.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "sync", rename_all = "snake_case")]
pub enum PanelToSync {
    /// Join the shop at `server` with a one-time invitation `code` (the panel has asked Chrome
    /// for access to `server` first).
    Connect { server: String, code: String },
    /// The current state (answers [`SyncReply::View`]).
    Status,
    /// Something changed here, or the panel is open: sync soon.
    Poke,
    /// Clear an error and try now.
    Retry,
    /// Stop syncing; local data stays.
    SignOut,
    /// Take a conversation of the pool (claim-first pages). `conversation` is the local id.
    Claim { conversation: String },
    /// Give a conversation to `to` (a user id), or back to the pool with None (owner, manager).
    Assign {
        conversation: String,
        to: Option<String>,
    },
}

/// What the panel shows of sync.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncView {
    /// The server's address, once one was given.
    #[serde(default)]
    pub server: Option<String>,
    pub status: Status,
    #[serde(default)]
    pub me: Option<Me>,
    /// Changes the server refused (set aside).
    #[serde(default)]
    pub rejected: usize,
    /// The latest orders whose change the server refused (stock, someone else moved them).
    #[serde(default)]
    pub refusals: Vec<crate::orders::OrderRefusal>,
    /// Conversations seen here that belong to none of the agent's pages, so they stay local.
    #[serde(default)]
    pub unplaced: usize,
    /// The last successful exchange with the server (Unix ms).
    #[serde(default)]
    pub last_synced_at: Option<u64>,
}

/// The sync module's answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "snake_case")]
pub enum SyncReply {
    View {
        view: SyncView,
    },
    /// A claim or an assignment was accepted; the conversation now belongs to `assignee`.
    Assigned {
        assignee: Option<String>,
    },
    /// The server refused: `code` is its error code (`already_claimed`: someone was first,
    /// `assignee` says who when the server tells), `message` its English text.
    Refused {
        code: String,
        #[serde(default)]
        message: String,
        #[serde(default)]
        assignee: Option<String>,
    },
    /// The request could not be made (no network, not connected, bad address): what to say.
    Failed {
        word: crate::words::Word,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(id: &str, platform: &str, external: &str) -> Page {
        Page {
            id: id.into(),
            platform: platform.into(),
            external_id: external.into(),
            name: external.into(),
        }
    }

    #[test]
    fn a_thread_goes_to_the_page_of_its_account_else_the_only_page_of_its_platform() {
        let pages = [
            page("ig1", "instagram", "hoamai.shop"),
            page("ig2", "instagram", "hoamai.sale"),
            page("fb1", "facebook", "1000123"),
        ];
        let ig = |account| page_for(&pages, Platform::Instagram, account).map(|p| p.id.as_str());
        assert_eq!(ig(Some("@HoaMai.Shop")), Some("ig1"));
        assert_eq!(ig(Some("hoamai.sale")), Some("ig2"));
        // Two Instagram pages and no account: reporting under a guess could show the buyer to
        // the wrong team.
        assert_eq!(ig(None), None);
        assert_eq!(ig(Some("someone.else")), None);
        let fb = |platform, account| page_for(&pages, platform, account).map(|p| p.id.as_str());
        assert_eq!(fb(Platform::Facebook, None), Some("fb1"));
        assert_eq!(fb(Platform::BusinessSuite, Some("1000123")), Some("fb1"));
        // The agent's own profile or another shop's page: not the shop's, whatever else fits.
        assert_eq!(fb(Platform::BusinessSuite, Some("999")), None);
        assert_eq!(fb(Platform::Messenger, None), Some("fb1"));
        assert_eq!(page_for(&[], Platform::Instagram, Some("x")), None);
    }

    #[test]
    fn server_addresses_are_checked_and_their_permission_pattern_has_no_port() {
        assert_eq!(
            normalize_server(" https://crm.hoamai.vn/ ").as_deref(),
            Some("https://crm.hoamai.vn")
        );
        assert_eq!(
            normalize_server("HTTP://192.168.1.5:8080/nobi").as_deref(),
            Some("http://192.168.1.5:8080/nobi")
        );
        for bad in [
            "crm.hoamai.vn",
            "ftp://x",
            "https://",
            "https://a b",
            "https://u@x",
            "https://x?y",
        ] {
            assert_eq!(normalize_server(bad), None, "{bad}");
        }
        assert_eq!(
            permission_pattern("http://127.0.0.1:39811").as_deref(),
            Some("http://127.0.0.1/*")
        );
        assert_eq!(
            permission_pattern("https://crm.hoamai.vn/api").as_deref(),
            Some("https://crm.hoamai.vn/*")
        );
    }

    #[test]
    fn owners_and_managers_reassign_viewers_do_not_write() {
        assert!(Role::Owner.can_assign() && Role::Manager.can_assign());
        assert!(!Role::Agent.can_assign() && !Role::Viewer.can_assign());
        assert!(Role::Agent.can_write() && !Role::Viewer.can_write());
    }

    #[test]
    fn me_reads_the_servers_answer_and_owner_compares_ids() {
        let v = serde_json::json!({
            "user": {"id": "u1", "name": "Lan", "role": "agent"},
            "shop": {"id": "s", "name": "Hoa Mai"},
            "pages": [{"id": "p", "platform": "instagram", "external_id": "hoamai.shop", "name": "Hoa Mai IG"}],
        });
        let me = Me::from_json(&v).unwrap();
        assert_eq!(me.role, Role::Agent);
        assert_eq!(me.pages.len(), 1);
        assert_eq!(me.shop_name, "Hoa Mai");
        assert!(Me::from_json(&serde_json::json!({"user": {"id": "u"}})).is_none());
        assert_eq!(owner_of(Some("u1"), Some(&me)), Owner::Me);
        assert_eq!(owner_of(Some("u2"), Some(&me)), Owner::Someone("u2".into()));
        assert_eq!(owner_of(None, Some(&me)), Owner::Nobody);
        assert_eq!(owner_of(Some("u2"), None), Owner::Nobody);
    }

    #[test]
    fn messages_keep_their_wire_format() {
        let m = PanelToSync::Claim {
            conversation: "ig:1".into(),
        };
        let j = serde_json::to_value(&m).unwrap();
        assert_eq!(
            j,
            serde_json::json!({"sync": "claim", "conversation": "ig:1"})
        );
        assert_eq!(serde_json::from_value::<PanelToSync>(j).unwrap(), m);
        let r = SyncReply::Refused {
            code: "already_claimed".into(),
            message: String::new(),
            assignee: Some("u2".into()),
        };
        let j = serde_json::to_value(&r).unwrap();
        assert_eq!(j["reply"], "refused");
        assert_eq!(serde_json::from_value::<SyncReply>(j).unwrap(), r);
    }
}
