//! Every transition of the push/pull state machine, one test each (or a few close ones).

use nobi_crm::{Change, ChangeOp, ConversationRecord, ConversationStatus, Customer, Id, Note, Tag};
use nobi_protocol::Platform;
use nobi_sync::ids::uuid_of;
use nobi_sync::words::Word;
use nobi_sync::{
    Kind, Local, NotSynced, Outcome, Request, Response, Session, Status, SyncState, TransportError,
    Write,
};
use serde_json::{json, Value};

const NOW: u64 = 1_796_612_400_000;
const HOUR: u64 = 3_600_000;

fn session(now: u64) -> Session {
    Session {
        token: "tok".into(),
        expires_at: now + HOUR,
        refresh_token: "ref".into(),
        refresh_expires_at: now + 30 * 24 * HOUR,
    }
}

fn signed_in() -> SyncState {
    let mut s = SyncState::new("https://shop.example.vn/", "client-1");
    s.sign_in(session(NOW));
    s
}

fn ok(body: Value) -> Result<Response, TransportError> {
    Ok(Response { status: 200, body })
}

fn err(status: u16, code: &str) -> Result<Response, TransportError> {
    Ok(Response {
        status,
        body: json!({ "error": { "code": code, "message": "x" } }),
    })
}

fn pulled(cursor: &str, changes: Value, tombstones: Value, reset: bool, last: i64) -> Value {
    json!({ "cursor": cursor, "reset": reset, "last_mutation_id": last, "changes": changes, "tombstones": tombstones })
}

fn customer(n: u64, name: &str) -> Customer {
    Customer {
        id: Id::new(1_000 + n as i64, n),
        name: name.into(),
        ..Customer::default()
    }
}

fn put(seq: u64, store: &str, id: &Id) -> (u64, Change) {
    (
        seq,
        Change {
            at: seq as i64,
            store: store.into(),
            id: id.clone(),
            op: ChangeOp::Put,
        },
    )
}

fn local_with(cs: &[Customer]) -> Local {
    Local {
        customers: cs.iter().map(|c| (c.id.clone(), c.clone())).collect(),
        ..Local::default()
    }
}

/// A state with one customer's put queued (mutation 1).
fn with_pending() -> (SyncState, Customer) {
    let mut s = signed_in();
    let c = customer(1, "Lan");
    s.record_changes(
        &[put(1, "customers", &c.id)],
        &local_with(std::slice::from_ref(&c)),
    );
    (s, c)
}

fn mutation_ids(r: &Request) -> Vec<i64> {
    r.body["mutations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect()
}

#[test]
fn signed_out_sends_nothing_and_signing_in_starts_with_a_full_pull() {
    let mut s = SyncState::new("https://shop.example.vn/", "client-1");
    assert_eq!(s.status, Status::SignedOut);
    assert!(s.next_request(NOW).is_none());
    assert_eq!(s.next_wake(NOW), None);
    s.sign_in(session(NOW));
    assert_eq!(s.status, Status::Synced);
    let r = s.next_request(NOW).unwrap();
    assert_eq!(r.kind, Kind::Pull);
    assert_eq!(r.url, "https://shop.example.vn/v1/pull");
    assert_eq!(r.token.as_deref(), Some("tok"));
    assert_eq!(r.body, json!({ "cursor": null, "client_id": "client-1" }));
}

#[test]
fn a_token_about_to_expire_is_refreshed_first() {
    let mut s = signed_in();
    let later = NOW + HOUR - 30_000;
    let r = s.next_request(later).unwrap();
    assert_eq!(r.kind, Kind::Refresh);
    assert_eq!(r.token, None);
    assert_eq!(r.body, json!({ "refresh_token": "ref" }));
    let body = json!({ "session": {
        "token": "tok2", "expires_at": "2030-01-01T00:00:00Z",
        "refresh_token": "ref2", "refresh_expires_at": "2030-02-01T00:00:00Z" } });
    assert_eq!(s.on_response(&r, ok(body), later, 0), Outcome::Continue);
    let sess = s.session.clone().unwrap();
    assert_eq!(
        (sess.token.as_str(), sess.refresh_token.as_str()),
        ("tok2", "ref2")
    );
    assert_eq!(s.next_request(later).unwrap().kind, Kind::Pull);
}

#[test]
fn a_refused_refresh_signs_out_and_keeps_local_data_and_the_queue() {
    let (mut s, _) = with_pending();
    s.needs_refresh = true;
    let r = s.next_request(NOW).unwrap();
    assert_eq!(r.kind, Kind::Refresh);
    s.on_response(&r, err(401, "unauthorized"), NOW, 0);
    assert_eq!(s.status, Status::SignedOut);
    assert!(s.session.is_none());
    assert_eq!(s.pending.len(), 1, "queue kept");
    assert!(!s.is_syncing());
    assert!(s.next_request(NOW).is_none());
    // An expired refresh token signs out without asking.
    let mut t = signed_in();
    assert!(t.next_request(NOW + 31 * 24 * HOUR).is_none());
    assert_eq!(t.status, Status::SignedOut);
}

#[test]
fn a_401_refreshes_once_then_a_second_signs_out() {
    let (mut s, _) = with_pending();
    let r = s.next_request(NOW).unwrap();
    assert_eq!(r.kind, Kind::Push);
    s.on_response(&r, err(401, "unauthorized"), NOW, 0);
    let r = s.next_request(NOW).unwrap();
    assert_eq!(r.kind, Kind::Refresh);
    let body = json!({ "session": {
        "token": "tok2", "expires_at": "2030-01-01T00:00:00Z",
        "refresh_token": "ref2", "refresh_expires_at": "2030-02-01T00:00:00Z" } });
    s.on_response(&r, ok(body), NOW, 0);
    let r = s.next_request(NOW).unwrap();
    assert_eq!((r.kind, r.token.as_deref()), (Kind::Push, Some("tok2")));
    s.on_response(&r, err(401, "unauthorized"), NOW, 0);
    assert_eq!(s.status, Status::SignedOut);
    assert_eq!(s.pending.len(), 1);
}

#[test]
fn a_push_carries_the_pending_mutations_and_an_ack_drops_them() {
    let (mut s, c) = with_pending();
    assert_eq!(s.status, Status::Pending { n: 1 });
    let r = s.next_request(NOW).unwrap();
    assert_eq!(r.kind, Kind::Push);
    assert_eq!(r.body["client_id"], "client-1");
    let m = &r.body["mutations"][0];
    assert_eq!(
        (m["id"].as_i64(), m["name"].as_str()),
        (Some(1), Some("customer_put"))
    );
    assert_eq!(m["args"]["id"], uuid_of(&c.id).unwrap());
    s.on_response(
        &r,
        ok(json!({ "last_mutation_id": 1, "applied": 1 })),
        NOW,
        0,
    );
    assert!(s.pending.is_empty());
    assert_eq!(s.status, Status::Synced);
    assert_eq!(
        s.next_request(NOW).unwrap().kind,
        Kind::Pull,
        "pull right after a push"
    );
}

#[test]
fn a_timed_out_push_is_sent_again_with_the_same_ids_after_a_backoff() {
    let (mut s, c) = with_pending();
    let first = s.next_request(NOW).unwrap();
    s.on_response(&first, Err(TransportError::Timeout), NOW, 0);
    let Status::Offline { retry_at } = s.status else {
        panic!("{:?}", s.status)
    };
    assert!(
        (NOW + 1_000..=NOW + 2_000).contains(&retry_at),
        "{retry_at}"
    );
    assert!(s.next_request(retry_at - 1).is_none());
    assert_eq!(s.next_wake(NOW), Some(retry_at));
    // A new local change meanwhile gets the next id; the retry carries both, the first unchanged.
    let mut c2 = c.clone();
    c2.name = "Lan Anh".into();
    s.record_changes(&[put(2, "customers", &c.id)], &local_with(&[c2]));
    let again = s.next_request(retry_at).unwrap();
    assert_eq!(mutation_ids(&again), [1, 2]);
    assert_eq!(again.body["mutations"][0], first.body["mutations"][0]);
    s.on_response(&again, ok(json!({ "last_mutation_id": 2 })), retry_at, 0);
    assert_eq!(s.status, Status::Synced);
    assert_eq!(s.backoff.failures, 0, "reset on success");
}

#[test]
fn backoff_grows_exponentially_with_jitter_and_is_capped() {
    let mut s = signed_in();
    let mut now = NOW;
    let mut waits = Vec::new();
    for i in 0..12 {
        let r = s.next_request(now).unwrap();
        let result = if i % 2 == 0 {
            Err(TransportError::Offline)
        } else {
            err(503, "retry")
        };
        s.on_response(&r, result, now, u64::MAX);
        let Status::Offline { retry_at } = s.status else {
            panic!()
        };
        waits.push(retry_at - now);
        now = retry_at;
    }
    for (i, w) in waits.iter().enumerate().take(7) {
        let full = 2_000u64 << i;
        assert!(*w >= full / 2 && *w <= full, "wait {i}: {w}");
    }
    assert!(waits.iter().all(|w| *w <= 300_000));
    assert!(*waits.last().unwrap() >= 150_000);
    // Jitter: never below half.
    let mut b = nobi_sync::Backoff::default();
    assert_eq!(b.fail(0), 1_000);
}

#[test]
fn rate_limited_waits_at_least_as_long_as_the_server_asks() {
    let mut s = signed_in();
    let r = s.next_request(NOW).unwrap();
    let body = json!({ "error": { "code": "rate_limited", "retry_after": 42.5 } });
    s.on_response(&r, Ok(Response { status: 429, body }), NOW, 0);
    assert_eq!(
        s.status,
        Status::Offline {
            retry_at: NOW + 42_500
        }
    );
}

#[test]
fn a_stale_cursor_means_a_full_resync() {
    let mut s = signed_in();
    s.cursor = Some("shop:41".into());
    let r = s.next_request(NOW).unwrap();
    assert_eq!(r.body["cursor"], "shop:41");
    s.on_response(&r, err(409, "stale_cursor"), NOW, 0);
    let r = s.next_request(NOW).unwrap();
    assert_eq!((r.kind, &r.body["cursor"]), (Kind::Pull, &Value::Null));
}

#[test]
fn a_mutation_the_server_refuses_is_set_aside_and_the_rest_go_on() {
    let (mut s, c) = with_pending();
    let mut c2 = c.clone();
    c2.name = "Lan Anh".into();
    s.record_changes(&[put(2, "customers", &c.id)], &local_with(&[c2]));
    let r = s.next_request(NOW).unwrap();
    let body = json!({ "error": { "code": "bad_args", "message": "no", "mutation_id": 1 } });
    s.on_response(&r, Ok(Response { status: 400, body }), NOW, 0);
    assert_eq!(s.rejected.len(), 1);
    assert_eq!(
        (s.rejected[0].mutation.id, s.rejected[0].code.as_str()),
        (1, "bad_args")
    );
    let r = s.next_request(NOW).unwrap();
    assert_eq!(mutation_ids(&r), [2]);
}

#[test]
fn another_4xx_stops_with_what_to_do_until_retry() {
    let (mut s, _) = with_pending();
    let r = s.next_request(NOW).unwrap();
    s.on_response(&r, err(409, "client_id_taken"), NOW, 0);
    assert_eq!(
        s.status,
        Status::Error {
            code: "client_id_taken".into(),
            what_to_do: Word::DoReconnect
        }
    );
    assert!(s.next_request(NOW).is_none());
    assert_eq!(s.next_wake(NOW), None);
    s.retry(NOW);
    assert_eq!(s.status, Status::Pending { n: 1 });
    let r = s.next_request(NOW).unwrap();
    // A 404 without a code: the server URL is probably wrong.
    s.on_response(
        &r,
        Ok(Response {
            status: 404,
            body: Value::Null,
        }),
        NOW,
        0,
    );
    assert!(
        matches!(&s.status, Status::Error { code, what_to_do: Word::DoCheckServerUrl } if code == "http_404")
    );
}

#[test]
fn late_duplicated_and_pre_restart_answers_are_ignored() {
    let (mut s, _) = with_pending();
    let r = s.next_request(NOW).unwrap();
    s.on_response(&r, ok(json!({ "last_mutation_id": 1 })), NOW, 0);
    assert_eq!(
        s.on_response(&r, ok(json!({ "last_mutation_id": 1 })), NOW, 0),
        Outcome::Stale
    );
    let pull = s.next_request(NOW).unwrap();
    s.restarted();
    let body = pulled("shop:9", json!([]), json!([]), true, 1);
    assert_eq!(s.on_response(&pull, ok(body), NOW, 0), Outcome::Stale);
    assert_eq!(s.cursor, None);
}

#[test]
fn a_pull_is_due_at_the_interval_or_when_poked() {
    let mut s = signed_in();
    let r = s.next_request(NOW).unwrap();
    let Outcome::Pulled(p) =
        s.on_response(&r, ok(pulled("s:1", json!([]), json!([]), true, 0)), NOW, 0)
    else {
        panic!()
    };
    s.apply_pull(&p, &Local::default(), NOW);
    assert_eq!(s.cursor.as_deref(), Some("s:1"));
    assert!(s.next_request(NOW + 1).is_none());
    assert_eq!(s.next_wake(NOW + 1), Some(NOW + 10_000));
    s.poke(NOW + 5);
    assert_eq!(s.next_request(NOW + 5).unwrap().body["cursor"], "s:1");
}

fn apply(s: &mut SyncState, body: Value, local: &Local) -> nobi_sync::PullResult {
    let r = s.next_request(NOW).unwrap();
    assert_eq!(r.kind, Kind::Pull);
    let Outcome::Pulled(p) = s.on_response(&r, ok(body), NOW, 0) else {
        panic!("not a pull")
    };
    s.apply_pull(&p, local, NOW)
}

fn puts(w: &[Write]) -> Vec<Customer> {
    w.iter()
        .filter_map(|w| match w {
            Write::PutCustomer(c) => Some(c.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn pulled_customers_notes_tags_and_users_become_local_records() {
    let mut s = signed_in();
    let c = customer(7, "");
    let u = uuid_of(&c.id).unwrap();
    let note = uuid_of(&Id::new(9, 9)).unwrap();
    let vip = Tag {
        id: Id("t-vip".into()),
        name: "VIP".into(),
        ..Tag::default()
    };
    let local = Local {
        tags: vec![vip],
        ..Local::default()
    };
    let body = pulled(
        "s:5",
        json!([
            { "entity": "user", "row": { "id": "0f8fad5b-d9cb-469f-a165-70867728950e", "name": "Hoa", "role": "agent" } },
            { "entity": "customer", "row": { "id": u, "data": { "name": "Lan", "phones": [{"number": "0912345678", "primary": true, "added_at": 1}] }, "tags": ["VIP", "Sỉ"], "created_at": "2026-12-05T00:00:00Z" } },
            { "entity": "note", "row": { "id": note, "customer_id": u, "author": "0f8fad5b-d9cb-469f-a165-70867728950e", "body": "giao chiều", "created_at": "2026-12-05T01:00:00Z" } }
        ]),
        json!([]),
        true,
        0,
    );
    let out = apply(&mut s, body, &local);
    let cs = puts(&out.writes);
    assert_eq!(cs.len(), 1);
    assert_eq!(cs[0].id, c.id, "the local id comes back from the UUID");
    assert_eq!(cs[0].name, "Lan");
    assert_eq!(cs[0].phone_keys, ["0912345678"]);
    assert_eq!(cs[0].notes.len(), 1);
    assert_eq!(cs[0].notes[0].text, "giao chiều");
    assert_eq!(cs[0].tags.len(), 2);
    assert_eq!(
        cs[0].tags[0],
        Id("t-vip".into()),
        "an existing tag is found by name"
    );
    assert!(out
        .writes
        .iter()
        .any(|w| matches!(w, Write::PutTag(t) if t.name == "Sỉ")));
    assert!(out
        .writes
        .iter()
        .any(|w| matches!(w, Write::PutStaff(st) if st.name == "Hoa")));
    // The pulled state is the base: nothing to send back.
    let mut local2 = local_with(&cs);
    local2.tags = vec![
        Tag {
            id: Id("t-vip".into()),
            name: "VIP".into(),
            ..Tag::default()
        },
        out.writes
            .iter()
            .find_map(|w| match w {
                Write::PutTag(t) => Some(t.clone()),
                _ => None,
            })
            .unwrap(),
    ];
    s.record_changes(&[put(1, "customers", &c.id)], &local2);
    assert!(s.pending.is_empty(), "{:?}", s.pending);
    assert_eq!(s.status, Status::Synced);
}

#[test]
fn a_pull_replays_pending_edits_over_the_servers_row() {
    let (mut s, c) = with_pending();
    let r = s.next_request(NOW).unwrap();
    s.on_response(&r, ok(json!({ "last_mutation_id": 1 })), NOW, 0);
    // Edited here (queued, not pushed) while someone else changed the phone.
    let mut mine = c.clone();
    mine.name = "Lan (sỉ)".into();
    s.record_changes(
        &[put(2, "customers", &c.id)],
        &local_with(std::slice::from_ref(&mine)),
    );
    s.pending.clear(); // keep it out of the way of next_request...
    s.last_mutation_id = 1;
    s.record_changes(&[], &Local::default());
    let mut s2 = s.clone();
    // ...and put it back so the pull comes first (as when a change lands during a pull).
    s2.pending.push(nobi_sync::Mutation {
        id: 2,
        name: "customer_put".into(),
        args: json!({ "id": uuid_of(&c.id).unwrap(), "data": { "name": "Lan (sỉ)" } }),
    });
    let u = uuid_of(&c.id).unwrap();
    let body = pulled(
        "s:7",
        json!([{ "entity": "customer", "row": { "id": u, "data": { "name": "Lan", "emails": ["lan@example.vn"] }, "tags": [] } }]),
        json!([]),
        false,
        1,
    );
    let r = s.next_request(NOW).unwrap();
    s2.in_flight = s.in_flight;
    s2.seq = s.seq;
    let Outcome::Pulled(p) = s2.on_response(&r, ok(body), NOW, 0) else {
        panic!()
    };
    let out = s2.apply_pull(&p, &local_with(&[mine]), NOW);
    let got = &puts(&out.writes)[0];
    assert_eq!(got.name, "Lan (sỉ)", "the pending edit stays");
    assert_eq!(
        got.emails,
        ["lan@example.vn"],
        "the server's other field arrives"
    );
    assert_eq!(s2.pending.len(), 1, "and still goes out");
}

fn conversation(thread: &str, customer: &Id) -> ConversationRecord {
    ConversationRecord {
        id: ConversationRecord::id_for(Platform::Instagram, thread),
        created_at: 0,
        updated_at: 0,
        platform: Platform::Instagram,
        thread_id: thread.into(),
        account: None,
        customer_id: customer.clone(),
        category: String::new(),
        sub_category: String::new(),
        detail: String::new(),
        classification: String::new(),
        assignee: None,
        status: ConversationStatus::Processing,
        unread: false,
        replied: false,
        last_message_at: None,
    }
}

#[test]
fn conversations_wait_for_their_server_id_and_the_server_decides_the_assignee() {
    let mut s = signed_in();
    let conv = {
        let mut c = conversation("t1", &Id::default());
        c.status = ConversationStatus::Done;
        c.assignee = Some(Id("me".into()));
        c
    };
    let local = Local {
        conversations: [(conv.id.clone(), conv.clone())].into(),
        ..Local::default()
    };
    let ns = s.record_changes(&[put(1, "conversations", &conv.id)], &local);
    assert_eq!(ns[0].1, NotSynced::WaitingForConversation);
    assert!(s.held.contains("ig:t1"));
    assert!(s.pending.is_empty());
    let server = "5a0e3c2e-1111-4222-8333-944455556666";
    let agent = "7b1f4d3f-1111-4222-8333-944455556666";
    let body = pulled(
        "s:3",
        json!([{ "entity": "conversation", "row": { "id": server, "platform": "instagram", "thread_id": "t1", "assignee": agent, "done": false, "customer_id": null } }]),
        json!([]),
        false,
        0,
    );
    let out = apply(&mut s, body, &local);
    assert!(s.held.is_empty());
    assert_eq!(s.pending.len(), 1);
    assert_eq!(s.pending[0].name, "conversation_set");
    assert_eq!(s.pending[0].args, json!({ "id": server, "done": true }));
    let Some(Write::PutConversation(c)) = out
        .writes
        .iter()
        .find(|w| matches!(w, Write::PutConversation(_)))
    else {
        panic!()
    };
    assert_eq!(
        c.assignee,
        Some(Id(agent.into())),
        "the server's assignee, not ours"
    );
    assert_eq!(
        c.status,
        ConversationStatus::Done,
        "our pending 'done' stays"
    );
}

#[test]
fn tombstones_delete_and_drop_what_was_pending_for_them() {
    let (mut s, c) = with_pending();
    let u = uuid_of(&c.id).unwrap();
    s.conversations.insert(
        "ig:t1".into(),
        "5a0e3c2e-1111-4222-8333-944455556666".into(),
    );
    let r = s.next_request(NOW).unwrap();
    s.on_response(&r, Err(TransportError::Offline), NOW, 0);
    s.retry(NOW);
    s.pending.clear();
    // Pull directly (nothing pending), then see a tombstone for the customer and conversation.
    s.pending.push(nobi_sync::Mutation {
        id: 5,
        name: "tag_add".into(),
        args: json!({ "customer_id": u, "tag": "VIP" }),
    });
    let saved = s.pending.clone();
    s.pending.clear();
    let r = s.next_request(NOW).unwrap();
    s.pending = saved;
    let body = pulled(
        "s:9",
        json!([]),
        json!([{ "entity": "customer", "id": u }, { "entity": "conversation", "id": "5a0e3c2e-1111-4222-8333-944455556666" }]),
        false,
        0,
    );
    let Outcome::Pulled(p) = s.on_response(&r, ok(body), NOW, 0) else {
        panic!()
    };
    let out = s.apply_pull(&p, &Local::default(), NOW);
    assert!(out.writes.contains(&Write::DeleteCustomer(c.id.clone())));
    assert!(out
        .writes
        .contains(&Write::DeleteConversation(Id("ig:t1".into()))));
    assert_eq!(out.dropped.len(), 1);
    assert!(s.pending.is_empty());
    assert!(!s.bases.contains_key(c.id.as_str()));
}

#[test]
fn a_reset_deletes_what_the_server_no_longer_gives_and_keeps_what_never_reached_it() {
    let mut s = signed_in();
    let gone = customer(1, "Gone");
    let mine = customer(2, "Mine");
    s.bases.insert(gone.id.0.clone(), Default::default());
    s.record_changes(
        &[put(1, "customers", &mine.id)],
        &local_with(std::slice::from_ref(&mine)),
    );
    s.conversations.insert(
        "ig:old".into(),
        "5a0e3c2e-1111-4222-8333-944455556666".into(),
    );
    let saved = std::mem::take(&mut s.pending);
    let r = s.next_request(NOW).unwrap();
    s.pending = saved;
    let Outcome::Pulled(p) =
        s.on_response(&r, ok(pulled("s:1", json!([]), json!([]), true, 0)), NOW, 0)
    else {
        panic!()
    };
    let out = s.apply_pull(&p, &Local::default(), NOW);
    assert_eq!(
        out.writes,
        [
            Write::DeleteCustomer(gone.id.clone()),
            Write::DeleteConversation(Id("ig:old".into()))
        ]
    );
    assert!(s.bases.contains_key(mine.id.as_str()));
    assert_eq!(s.pending.len(), 1);
}

#[test]
fn local_changes_coalesce_and_unsynced_stores_and_deletes_are_reported() {
    let mut s = signed_in();
    let mut c = customer(1, "Lan");
    c.notes.push(Note {
        id: Id::new(5, 5),
        at: 5,
        text: "một".into(),
        author: None,
    });
    let changes = [
        put(1, "customers", &c.id),
        put(2, "combos", &Id("k1".into())),
        put(3, "customers", &c.id),
        put(4, "customers", &c.id),
        (
            5,
            Change {
                at: 5,
                store: "customers".into(),
                id: Id::new(9, 9),
                op: ChangeOp::Delete,
            },
        ),
        put(6, "templates", &Id("t".into())),
    ];
    let ns = s.record_changes(&changes, &local_with(std::slice::from_ref(&c)));
    let names: Vec<&str> = s.pending.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        ["customer_put", "note_add"],
        "three puts, one customer_put"
    );
    let reasons: Vec<NotSynced> = ns.iter().map(|(_, r)| *r).collect();
    assert_eq!(
        reasons,
        [
            NotSynced::StaysLocal,
            NotSynced::StaysLocal,
            NotSynced::DeleteStaysLocal
        ]
    );
    assert_eq!(s.change_seq, 6);
    // Handed the same entries again (after a restart): nothing new.
    s.record_changes(&changes, &local_with(&[c]));
    assert_eq!(s.pending.len(), 2);
    assert_eq!(s.last_mutation_id, 2);
}

#[test]
fn the_state_survives_serialization() {
    let (mut s, _) = with_pending();
    let r = s.next_request(NOW).unwrap();
    s.on_response(&r, Err(TransportError::Offline), NOW, 7);
    let text = serde_json::to_string(&s).unwrap();
    let back: SyncState = serde_json::from_str(&text).unwrap();
    assert_eq!(back, s);
    assert!(text.contains("\"state\":\"offline\""));
}

#[test]
fn initial_changes_put_every_record_once() {
    let c = customer(1, "Lan");
    let conv = conversation("t1", &c.id);
    let local = Local {
        customers: [(c.id.clone(), c.clone())].into(),
        conversations: [(conv.id.clone(), conv)].into(),
        ..Local::default()
    };
    let ch = nobi_sync::initial_changes(&local, 101, 5);
    assert_eq!(ch.len(), 2);
    assert_eq!((ch[0].0, ch[0].1.store.as_str()), (101, "customers"));
    assert_eq!((ch[1].0, ch[1].1.store.as_str()), (102, "conversations"));
}

#[test]
fn a_buyer_another_browser_reported_first_takes_the_servers_customer_and_ours_is_merged() {
    let mut s = signed_in();
    let mut mine = customer(7, "Hồng");
    mine.notes.push(Note {
        id: Id::new(2_001, 1),
        at: 1,
        text: "Hỏi size M".into(),
        author: None,
    });
    let conv = conversation("t1", &mine.id);
    let local = Local {
        customers: [(mine.id.clone(), mine.clone())].into(),
        conversations: [(conv.id.clone(), conv.clone())].into(),
        ..Local::default()
    };
    s.record_changes(
        &[
            put(1, "customers", &mine.id),
            put(2, "conversations", &conv.id),
        ],
        &local,
    );
    let mine_uuid = uuid_of(&mine.id).unwrap();
    let names: Vec<&str> = s.pending.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        ["customer_put", "note_add"],
        "our customer and its note are queued"
    );
    // The server refuses the put: its report made our customer, but the thread was someone
    // else's. The note is still pending when the pull comes.
    let push = s.next_request(NOW).unwrap();
    let refused = Response {
        status: 404,
        body: json!({ "error": { "code": "not_found", "message": "x", "mutation_id": 1 } }),
    };
    s.on_response(&push, Ok(refused), NOW, 0);
    assert_eq!(s.rejected.len(), 1);
    assert_eq!(s.pending.len(), 1);
    let server = "5a0e3c2e-1111-4222-8333-944455556666";
    let theirs = "6c0e3c2e-1111-4222-8333-944455556666";
    let pulled: nobi_sync::Pulled = serde_json::from_value(pulled(
        "s:4",
        json!([
            { "entity": "customer", "row": { "id": theirs, "data": { "name": "Nguyễn Thị Hồng" } } },
            { "entity": "conversation", "row": { "id": server, "platform": "instagram", "thread_id": "t1", "assignee": null, "done": false, "customer_id": theirs } }
        ]),
        json!([]),
        false,
        0,
    ))
    .unwrap();
    let out = s.apply_pull(&pulled, &local, NOW);
    assert_eq!(
        out.merges,
        vec![(mine.id.clone(), nobi_sync::ids::id_of(theirs))]
    );
    let Some(Write::PutConversation(c)) = out
        .writes
        .iter()
        .find(|w| matches!(w, Write::PutConversation(_)))
    else {
        panic!()
    };
    assert_eq!(
        c.customer_id,
        nobi_sync::ids::id_of(theirs),
        "the server's customer"
    );
    assert_eq!(
        out.dropped.len(),
        1,
        "our note's add is dropped: {:?}",
        out.dropped
    );
    assert!(
        s.pending
            .iter()
            .all(|m| m.args["customer_id"] != json!(mine_uuid) && m.args["id"] != json!(mine_uuid)),
        "nothing about ours is left to send: {:?}",
        s.pending
    );
    assert!(
        s.rejected.is_empty(),
        "the refusal about ours is moot once merged"
    );
    // The server may still have ours (pushed before the merge): a later pull does not bring it
    // back.
    let again: nobi_sync::Pulled = serde_json::from_value(json!({
        "cursor": "s:9", "reset": true, "last_mutation_id": 0, "tombstones": [],
        "changes": [{ "entity": "customer", "row": { "id": mine_uuid, "data": { "name": "Hồng" } } }],
    }))
    .unwrap();
    let out = s.apply_pull(&again, &Local::default(), NOW);
    assert!(
        !out.writes
            .iter()
            .any(|w| matches!(w, Write::PutCustomer(c) if c.id == mine.id)),
        "a merged-away customer stays away: {:?}",
        out.writes
    );
}

#[test]
fn a_resync_in_pages_deletes_what_it_did_not_bring_only_after_its_last_page() {
    let mut s = signed_in();
    // Three customers the server had given this browser before.
    let [c1, c2, c3] = [customer(1, "Lan"), customer(2, "Minh"), customer(3, "Tú")];
    for c in [&c1, &c2, &c3] {
        s.bases.insert(c.id.0.clone(), Default::default());
    }
    let row = |c: &Customer| json!({ "entity": "customer", "row": { "id": uuid_of(&c.id).unwrap(), "data": { "name": c.name }, "tags": [] } });
    let page = |rows: Value, from_start: bool, more: bool| {
        json!({ "cursor": if more { "s:4:2:x" } else { "s:4" }, "reset": true, "from_start": from_start,
                "more": more, "last_mutation_id": 0, "changes": rows, "tombstones": [] })
    };
    let local = local_with(&[c1.clone(), c2.clone(), c3.clone()]);
    // Page 1 brings Lan only: nothing is deleted yet, and the next page is asked for at once.
    let out = apply(&mut s, page(json!([row(&c1)]), true, true), &local);
    assert!(!out
        .writes
        .iter()
        .any(|w| matches!(w, Write::DeleteCustomer(_))));
    assert_eq!(s.next_request(NOW).map(|r| r.kind), Some(Kind::Pull));
    // An interrupted resync starts again (the server says `from_start`): page 1 again, then
    // page 2 with Minh and the end. Tú, in neither, is gone.
    apply(&mut s, page(json!([row(&c1)]), true, true), &local);
    let out = apply(&mut s, page(json!([row(&c2)]), false, false), &local);
    let deleted: Vec<&Id> = out
        .writes
        .iter()
        .filter_map(|w| match w {
            Write::DeleteCustomer(id) => Some(id),
            _ => None,
        })
        .collect();
    assert_eq!(deleted, [&c3.id]);
    assert!(s.resync_seen.is_none());
    assert_eq!(s.cursor.as_deref(), Some("s:4"));
}
