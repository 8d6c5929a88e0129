//! The client driven the way the worker drives it, against a model of the server (idempotent
//! pushes by mutation id, a version cursor, pulls with `last_mutation_id`), over a network that
//! loses answers (the server applied the push, the client timed out), drops requests (offline),
//! delivers answers twice, and a worker that restarts at random points from its last saved
//! state. The worker follows the one rule of [`nobi_sync::machine`]: it saves the state before it
//! sends a request built from it, and stores a pull's writes together with the state.
//!
//! Whatever happens: every local change reaches the server exactly once (every note once, the
//! last value of every field, the tags as they are here), nothing is set aside, and the client
//! ends `Synced` with the same records as the server.

use std::collections::{BTreeMap, BTreeSet};

use nobi_crm::{Change, ChangeOp, Customer, Id, Note, Source, Tag};
use nobi_sync::ids::uuid_of;
use nobi_sync::outgoing::customer_data;
use nobi_sync::{
    Kind, Local, Outcome, Request, Response, Session, Status, SyncState, TransportError, Write,
};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

const START: u64 = 1_796_612_400_000;
const TAGS: [&str; 3] = ["VIP", "Sỉ", "Mới"];

/// A customer row: data, tags, version of its last change.
type CustomerRow = (Map<String, Value>, Vec<String>, i64);

#[derive(Default)]
struct ModelServer {
    last: BTreeMap<String, i64>,
    version: i64,
    /// uuid → (data, tags, version)
    customers: BTreeMap<String, CustomerRow>,
    /// uuid → (customer uuid, body, version)
    notes: BTreeMap<String, (String, String, i64)>,
    applied: usize,
}

impl ModelServer {
    fn push(&mut self, body: &Value) -> Response {
        let client = body["client_id"].as_str().unwrap().to_owned();
        let last = *self.last.get(&client).unwrap_or(&0);
        let ms: Vec<&Value> = body["mutations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["id"].as_i64().unwrap() > last)
            .collect();
        let ids: Vec<i64> = ms.iter().map(|m| m["id"].as_i64().unwrap()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids increase: {ids:?}");
        let Some(&newest) = ids.last() else {
            return Response {
                status: 200,
                body: json!({ "last_mutation_id": last, "applied": 0 }),
            };
        };
        self.version += 1;
        let v = self.version;
        for m in &ms {
            let a = &m["args"];
            match m["name"].as_str().unwrap() {
                "customer_put" => {
                    let id = a["id"].as_str().unwrap().to_owned();
                    let row = self.customers.entry(id).or_default();
                    for (k, val) in a["data"].as_object().unwrap() {
                        if val.is_null() {
                            row.0.remove(k);
                        } else {
                            row.0.insert(k.clone(), val.clone());
                        }
                    }
                    row.2 = v;
                }
                "note_add" => {
                    let id = a["id"].as_str().unwrap().to_owned();
                    let cu = a["customer_id"].as_str().unwrap().to_owned();
                    assert!(self.customers.contains_key(&cu), "note before its customer");
                    assert!(!self.notes.contains_key(&id), "note {id} sent twice");
                    self.notes
                        .insert(id, (cu, a["body"].as_str().unwrap().to_owned(), v));
                }
                name @ ("tag_add" | "tag_remove") => {
                    let cu = a["customer_id"].as_str().unwrap();
                    let tag = a["tag"].as_str().unwrap().to_owned();
                    let row = self.customers.get_mut(cu).expect("tag before its customer");
                    if name == "tag_add" {
                        if !row.1.contains(&tag) {
                            row.1.push(tag);
                        }
                    } else {
                        row.1.retain(|t| t != &tag);
                    }
                    row.2 = v;
                }
                other => panic!("unexpected mutation {other}"),
            }
            self.applied += 1;
        }
        self.last.insert(client, newest);
        Response {
            status: 200,
            body: json!({ "last_mutation_id": newest, "applied": ms.len() }),
        }
    }

    fn pull(&self, body: &Value) -> Response {
        let since = body["cursor"]
            .as_str()
            .map(|c| c.strip_prefix("v:").unwrap().parse::<i64>().unwrap());
        let after = since.unwrap_or(-1);
        let mut changes = Vec::new();
        for (id, (data, tags, v)) in &self.customers {
            if *v > after {
                changes.push(json!({ "entity": "customer", "row": { "id": id, "data": data, "tags": tags } }));
            }
        }
        for (id, (cu, text, v)) in &self.notes {
            if *v > after {
                changes.push(json!({ "entity": "note", "row": { "id": id, "customer_id": cu, "body": text, "author": null, "created_at": "2026-12-05T00:00:00Z" } }));
            }
        }
        let client = body["client_id"].as_str().unwrap();
        Response {
            status: 200,
            body: json!({
                "cursor": format!("v:{}", self.version),
                "reset": since.is_none(),
                "last_mutation_id": self.last.get(client).copied().unwrap_or(0),
                "changes": changes,
                "tombstones": [],
            }),
        }
    }

    fn handle(&mut self, r: &Request) -> Response {
        match r.kind {
            Kind::Push => self.push(&r.body),
            Kind::Pull => self.pull(&r.body),
            Kind::Refresh => Response {
                status: 200,
                body: json!({ "session": { "token": "t", "expires_at": "2030-01-01T00:00:00Z", "refresh_token": "r", "refresh_expires_at": "2031-01-01T00:00:00Z" } }),
            },
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Net {
    Ok,
    /// The server applies the request; the answer is lost.
    Timeout,
    /// The request never arrives.
    Offline,
    /// The answer arrives twice.
    Twice,
}

#[derive(Debug, Clone)]
enum Op {
    Rename { k: usize, name: u8 },
    Phone { k: usize, n: u8 },
    Note { k: usize },
    Tag { k: usize, t: usize, on: bool },
    Step(Net),
    Save,
    Restart,
    Tick(u64),
}

fn op() -> impl Strategy<Value = Op> {
    let net = prop_oneof![4 => Just(Net::Ok), 1 => Just(Net::Timeout), 1 => Just(Net::Offline), 1 => Just(Net::Twice)];
    prop_oneof![
        2 => (0..4usize, any::<u8>()).prop_map(|(k, name)| Op::Rename { k, name }),
        1 => (0..4usize, any::<u8>()).prop_map(|(k, n)| Op::Phone { k, n }),
        2 => (0..4usize).prop_map(|k| Op::Note { k }),
        2 => (0..4usize, 0..3usize, any::<bool>()).prop_map(|(k, t, on)| Op::Tag { k, t, on }),
        6 => net.prop_map(Op::Step),
        1 => Just(Op::Save),
        1 => Just(Op::Restart),
        1 => (1u64..400_000).prop_map(Op::Tick),
    ]
}

struct Worker {
    state: SyncState,
    saved: String,
    customers: BTreeMap<Id, Customer>,
    tags: Vec<Tag>,
    log: Vec<Change>,
    now: u64,
    random: u64,
    notes_made: u64,
}

impl Worker {
    fn new() -> Worker {
        let mut state = SyncState::new("http://server", "client-a");
        state.sign_in(Session {
            token: "t".into(),
            expires_at: START + 365 * 24 * 3_600_000,
            refresh_token: "r".into(),
            refresh_expires_at: START + 730 * 24 * 3_600_000,
        });
        let saved = serde_json::to_string(&state).unwrap();
        let tags = TAGS
            .iter()
            .enumerate()
            .map(|(i, n)| Tag {
                id: Id(format!("t{i}")),
                name: (*n).into(),
                ..Tag::default()
            })
            .collect();
        Worker {
            state,
            saved,
            customers: BTreeMap::new(),
            tags,
            log: Vec::new(),
            now: START,
            random: 1,
            notes_made: 0,
        }
    }

    fn save(&mut self) {
        self.saved = serde_json::to_string(&self.state).unwrap();
    }

    fn edit(&mut self, k: usize, f: impl FnOnce(&mut Customer, &mut u64)) {
        let id = Id::new(1_000 + k as i64, k as u64 + 1);
        let mut notes_made = self.notes_made;
        let c = self
            .customers
            .entry(id.clone())
            .or_insert_with(|| Customer {
                id: id.clone(),
                name: format!("Khách {k}"),
                ..Customer::default()
            });
        f(c, &mut notes_made);
        self.notes_made = notes_made;
        self.log.push(Change {
            at: self.now as i64,
            store: "customers".into(),
            id,
            op: ChangeOp::Put,
        });
    }

    fn local(&self) -> Local {
        Local {
            customers: self.customers.clone(),
            tags: self.tags.clone(),
            ..Local::default()
        }
    }

    fn record(&mut self) {
        let from = self.state.change_seq as usize;
        let entries: Vec<(u64, Change)> = self.log[from..]
            .iter()
            .enumerate()
            .map(|(i, c)| ((from + i + 1) as u64, c.clone()))
            .collect();
        let local = self.local();
        let ns = self.state.record_changes(&entries, &local);
        assert!(ns.is_empty(), "{ns:?}");
    }

    fn answer(&mut self, r: &Request, result: Result<Response, TransportError>) {
        self.random = self
            .random
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        if let Outcome::Pulled(p) = self
            .state
            .on_response(r, result, self.now, self.random >> 11)
        {
            let ids = p.local_ids();
            let local = Local {
                customers: self
                    .customers
                    .iter()
                    .filter(|(id, _)| ids.customers.contains(id))
                    .map(|(a, b)| (a.clone(), b.clone()))
                    .collect(),
                tags: self.tags.clone(),
                ..Local::default()
            };
            let out = self.state.apply_pull(&p, &local, self.now);
            assert!(out.dropped.is_empty());
            for w in out.writes {
                match w {
                    Write::PutCustomer(c) => {
                        self.customers.insert(c.id.clone(), c);
                    }
                    Write::PutTag(t) => self.tags.push(t),
                    other => panic!("unexpected write {other:?}"),
                }
            }
            // The writes and the state in one transaction.
            self.save();
        }
    }

    fn step(&mut self, server: &mut ModelServer, net: Net) {
        self.record();
        let Some(r) = self.state.next_request(self.now) else {
            return;
        };
        self.save();
        match net {
            Net::Ok => {
                let resp = server.handle(&r);
                self.answer(&r, Ok(resp));
            }
            Net::Timeout => {
                server.handle(&r);
                self.answer(&r, Err(TransportError::Timeout));
            }
            Net::Offline => self.answer(&r, Err(TransportError::Offline)),
            Net::Twice => {
                let resp = server.handle(&r);
                self.answer(&r, Ok(resp.clone()));
                self.answer(&r, Ok(resp));
            }
        }
    }

    fn restart(&mut self) {
        self.state = serde_json::from_str(&self.saved).unwrap();
        self.state.restarted();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn every_change_reaches_the_server_once_and_the_client_ends_synced(ops in proptest::collection::vec(op(), 1..120)) {
        let mut server = ModelServer::default();
        let mut w = Worker::new();
        for op in ops {
            match op {
                Op::Rename { k, name } => w.edit(k, |c, _| c.name = format!("Tên {name}")),
                Op::Phone { k, n } => w.edit(k, |c, _| {
                    if !c.add_phone(&format!("09123456{:02}", n % 100), Source::Manual, 1) {
                        let first = c.phones[0].number.clone();
                        c.remove_phone(&first);
                    }
                }),
                Op::Note { k } => w.edit(k, |c, made| {
                    *made += 1;
                    c.notes.push(Note { id: Id::new(5_000 + *made as i64, *made), at: *made as i64, text: format!("ghi chú {made}"), author: None });
                }),
                Op::Tag { k, t, on } => w.edit(k, |c, _| {
                    let id = Id(format!("t{t}"));
                    c.tags.retain(|x| x != &id);
                    if on {
                        c.tags.push(id);
                    }
                }),
                Op::Step(net) => w.step(&mut server, net),
                Op::Save => w.save(),
                Op::Restart => w.restart(),
                Op::Tick(ms) => w.now += ms,
            }
        }
        // The network heals: the worker runs until there is nothing left to do.
        for _ in 0..200 {
            if let Status::Offline { retry_at } = w.state.status {
                w.now = w.now.max(retry_at);
            }
            w.state.poke(w.now);
            let before = server.applied;
            w.step(&mut server, Net::Ok);
            if w.state.status == Status::Synced && w.state.pending.is_empty() && before == server.applied && w.state.cursor.as_deref() == Some(&format!("v:{}", server.version)) {
                break;
            }
        }
        prop_assert_eq!(&w.state.status, &Status::Synced);
        prop_assert!(w.state.pending.is_empty());
        prop_assert!(w.state.rejected.is_empty());
        // Every note exactly once (a second note_add of an id panics in the model), with its text.
        let local_notes: usize = w.customers.values().map(|c| c.notes.len()).sum();
        prop_assert_eq!(local_notes as u64, w.notes_made);
        prop_assert_eq!(server.notes.len() as u64, w.notes_made);
        for c in w.customers.values() {
            let u = uuid_of(&c.id).unwrap();
            let (data, tags, _) = server.customers.get(&u).expect("customer on the server");
            prop_assert_eq!(data, &customer_data(c), "fields of {}", c.name);
            let local_tags: BTreeSet<String> = c.tags.iter().map(|t| w.tags.iter().find(|x| &x.id == t).unwrap().name.clone()).collect();
            let server_tags: BTreeSet<String> = tags.iter().cloned().collect();
            prop_assert_eq!(local_tags, server_tags);
            for n in &c.notes {
                let (cu, body, _) = &server.notes[&uuid_of(&n.id).unwrap()];
                prop_assert_eq!(cu, &u);
                prop_assert_eq!(body, &n.text);
            }
        }
        prop_assert_eq!(server.customers.len(), w.customers.len());
    }
}
