//! The extension's sync client (`nobi-sync`'s state machine) against the real server: two agents
//! of one shop; A's note, tag and "done" reach B; A works offline (requests lost, one push
//! applied with its answer lost), comes back, and nothing is lost or duplicated.

use axum::http::Method;
use nobi_crm::{Change, ChangeOp, ConversationRecord, ConversationStatus, Customer, Id, Note, Tag};
use nobi_sync::ids::uuid_of;
use nobi_sync::{Local, Outcome, Response, Session, Status, SyncState, TransportError, Write};
use serde_json::json;

use crate::common::*;

const NOW: u64 = 1_796_612_400_000;

/// One agent's browser: its local store, change log and sync state.
struct Client {
    state: SyncState,
    local: Local,
    log: Vec<Change>,
    now: u64,
}

#[derive(Clone, Copy, PartialEq)]
enum Net {
    Up,
    Down,
    /// The server gets the request; the answer is lost.
    LoseAnswer,
}

impl Client {
    fn new(token: &str, client_id: &str) -> Client {
        let mut state = SyncState::new("", client_id);
        state.sign_in(Session {
            token: token.into(),
            expires_at: NOW + 3_600_000,
            refresh_token: "unused".into(),
            refresh_expires_at: NOW + 86_400_000,
        });
        Client {
            state,
            local: Local::default(),
            log: Vec::new(),
            now: NOW,
        }
    }

    fn put_customer(&mut self, c: Customer) {
        self.log.push(Change {
            at: 0,
            store: "customers".into(),
            id: c.id.clone(),
            op: ChangeOp::Put,
        });
        self.local.customers.insert(c.id.clone(), c);
    }

    fn put_conversation(&mut self, c: ConversationRecord) {
        self.log.push(Change {
            at: 0,
            store: "conversations".into(),
            id: c.id.clone(),
            op: ChangeOp::Put,
        });
        self.local.conversations.insert(c.id.clone(), c);
    }

    /// One request, over a network in state `net`. Returns false when there was nothing to do.
    async fn step(&mut self, shop: &Shop, net: Net) -> bool {
        let from = self.state.change_seq as usize;
        let entries: Vec<(u64, Change)> = self.log[from..]
            .iter()
            .enumerate()
            .map(|(i, c)| ((from + i + 1) as u64, c.clone()))
            .collect();
        let local = self.local.clone();
        self.state.record_changes(&entries, &local);
        let Some(r) = self.state.next_request(self.now) else {
            return false;
        };
        let result = match net {
            Net::Down => Err(TransportError::Offline),
            Net::Up | Net::LoseAnswer => {
                let (status, body) = shop
                    .call(Method::POST, &r.url, r.token.as_deref(), r.body.clone())
                    .await;
                if net == Net::LoseAnswer {
                    Err(TransportError::Timeout)
                } else {
                    Ok(Response {
                        status: status.as_u16(),
                        body,
                    })
                }
            }
        };
        if let Outcome::Pulled(p) = self.state.on_response(&r, result, self.now, 7) {
            let out = self.state.apply_pull(&p, &local, self.now);
            assert!(out.dropped.is_empty(), "{:?}", out.dropped);
            for w in out.writes {
                match w {
                    Write::PutCustomer(c) => {
                        self.local.customers.insert(c.id.clone(), c);
                    }
                    Write::PutConversation(c) => {
                        self.local.conversations.insert(c.id.clone(), c);
                    }
                    Write::PutTag(t) => self.local.tags.push(t),
                    Write::PutStaff(_) => {}
                    Write::DeleteCustomer(id) => {
                        self.local.customers.remove(&id);
                    }
                    Write::DeleteConversation(id) => {
                        self.local.conversations.remove(&id);
                    }
                    // Products and orders (and whatever the client learns to sync next): this
                    // test's local store keeps customers, conversations and tags only.
                    _ => {}
                }
            }
        }
        true
    }

    /// Runs until there is nothing left to do now (then pulls once more).
    async fn settle(&mut self, shop: &Shop) {
        for _ in 0..50 {
            if let Status::Offline { retry_at } = self.state.status {
                self.now = self.now.max(retry_at);
            }
            if !self.step(shop, Net::Up).await {
                break;
            }
        }
        self.state.poke(self.now);
        self.step(shop, Net::Up).await;
        assert_eq!(self.state.status, Status::Synced);
        assert!(self.state.rejected.is_empty(), "{:?}", self.state.rejected);
    }

    fn tag_names(&self, c: &Customer) -> Vec<String> {
        c.tags
            .iter()
            .map(|t| {
                self.local
                    .tags
                    .iter()
                    .find(|x| &x.id == t)
                    .unwrap()
                    .name
                    .clone()
            })
            .collect()
    }
}

fn note(n: u64, text: &str) -> Note {
    Note {
        id: Id::new(2_000 + n as i64, n),
        at: n as i64,
        text: text.into(),
        author: None,
    }
}

#[tokio::test]
async fn two_agents_share_notes_tags_and_done_and_offline_edits_arrive_once() {
    let shop = Shop::new("Hai trình duyệt").await;
    let page = shop.page("p").await;
    let a = shop.agent("A", &[page]).await;
    let b = shop.agent("B", &[page]).await;
    let mut ca = Client::new(&a.token, "ext-a");
    let mut cb = Client::new(&b.token, "ext-b");

    // A's browser has a buyer and their thread; the thread is reported (so B may see it).
    let lan_id = Id::new(1_796_612_000_000, 0x12_3456_789a);
    let vip = Tag {
        id: Id("tag-vip".into()),
        name: "VIP".into(),
        ..Tag::default()
    };
    let si = Tag {
        id: Id("tag-si".into()),
        name: "Sỉ".into(),
        ..Tag::default()
    };
    ca.local.tags = vec![vip.clone(), si.clone()];
    shop.ok(
        "/v1/conversations/report",
        &a.token,
        json!({ "page_id": page, "thread_id": "t1", "customer": { "id": uuid_of(&lan_id).unwrap(), "data": {} } }),
    )
    .await;
    let mut lan = Customer {
        id: lan_id.clone(),
        name: "Chị Lan".into(),
        ..Customer::default()
    };
    lan.notes.push(note(1, "Thích màu đỏ"));
    lan.tags.push(vip.id.clone());
    ca.put_customer(lan.clone());
    let conv_id = ConversationRecord::id_for(nobi_protocol::Platform::Instagram, "t1");
    ca.put_conversation(ConversationRecord {
        id: conv_id.clone(),
        created_at: 0,
        updated_at: 0,
        platform: nobi_protocol::Platform::Instagram,
        thread_id: "t1".into(),
        account: None,
        customer_id: lan_id.clone(),
        category: String::new(),
        sub_category: String::new(),
        detail: String::new(),
        classification: String::new(),
        assignee: None,
        status: ConversationStatus::Done,
        unread: false,
        replied: false,
        last_message_at: None,
    });
    ca.settle(&shop).await;
    // The conversation waited for its server id (first pull), then went out.
    ca.settle(&shop).await;
    assert!(ca.state.held.is_empty());

    cb.settle(&shop).await;
    let seen = &cb.local.customers[&lan_id];
    assert_eq!(seen.name, "Chị Lan");
    assert_eq!(seen.notes.len(), 1);
    assert_eq!(seen.notes[0].text, "Thích màu đỏ");
    assert_eq!(cb.tag_names(seen), ["VIP"]);
    let conv = &cb.local.conversations[&conv_id];
    assert_eq!(conv.status, ConversationStatus::Done);
    assert_eq!(conv.customer_id, lan_id);

    // A goes offline and keeps working.
    let mut lan = ca.local.customers[&lan_id].clone();
    lan.name = "Chị Lan (sỉ)".into();
    lan.notes.push(note(2, "Giao sau 17h"));
    lan.tags = vec![si.id.clone()];
    ca.put_customer(lan.clone());
    for _ in 0..3 {
        assert!(ca.step(&shop, Net::Down).await);
        let Status::Offline { retry_at } = ca.state.status else {
            panic!("{:?}", ca.state.status)
        };
        ca.now = retry_at;
    }
    lan.notes.push(note(3, "Đã chuyển khoản"));
    ca.put_customer(lan.clone());
    // The push arrives, its answer does not.
    assert!(ca.step(&shop, Net::LoseAnswer).await);
    assert!(!ca.state.pending.is_empty());
    // Back online: the same mutation ids again (skipped by the server), then a pull.
    ca.settle(&shop).await;
    assert!(ca.state.pending.is_empty());

    cb.state.poke(cb.now);
    cb.settle(&shop).await;
    let seen = &cb.local.customers[&lan_id];
    assert_eq!(seen.name, "Chị Lan (sỉ)");
    let texts: Vec<&str> = seen.notes.iter().map(|n| n.text.as_str()).collect();
    assert_eq!(texts.len(), 3, "{texts:?}");
    for t in ["Thích màu đỏ", "Giao sau 17h", "Đã chuyển khoản"] {
        assert_eq!(texts.iter().filter(|x| **x == t).count(), 1, "{t}");
    }
    assert_eq!(cb.tag_names(seen), ["Sỉ"]);
    let notes: i64 = sqlx::query_scalar("SELECT count(*) FROM notes WHERE shop_id = $1")
        .bind(shop.id)
        .fetch_one(&shop.admin)
        .await
        .unwrap();
    assert_eq!(notes, 3, "no note duplicated on the server");
    // A's own view agrees with the server's.
    let mine = &ca.local.customers[&lan_id];
    assert_eq!(mine.notes.len(), 3);
    assert_eq!(ca.tag_names(mine), ["Sỉ"]);
}
