//! Team sync in the service worker: the I/O around `nobi_sync`'s state machine.
//!
//! A wasm module of its own. `background.js` instantiates it only when the shop has connected a
//! server (the `nobi-sync` flag in `chrome.storage.local`) or the panel asks to connect, so a
//! browser that works alone never loads it. It is driven by:
//! - the panel's [`PanelToSync`] requests ([`on_message`]);
//! - the `nobi-sync` alarm and the worker's start ([`on_wake`]);
//! - the panel's store announcements (`nobi_store::changes`) while the worker is awake: a local
//!   edit is pushed at once.
//!
//! One cycle ([`run`]): local change-log entries → mutations; conversations the server does not
//! know → `/v1/conversations/report` under the agent's page for that account; then the state
//! machine's next request (refresh, push or pull), its answer recorded, and a pull's rows written
//! **in one IndexedDB transaction with the state** (`stored`). The state is saved before each
//! request (write-ahead), so a worker stopped anywhere resends the same mutation ids.
//!
//! **Invariant:** only one cycle runs at a time (events arriving meanwhile ask for another).
//! **Invariant:** nothing here decides who has a conversation: claims and assignments are the
//! server's answers, written as it gave them.

mod net;
mod stored;

use std::cell::Cell;
use std::collections::BTreeSet;

use nobi_crm::{ConversationRecord, Customer, Id, Staff, Tag};
use nobi_order::{Order, Product};
use nobi_store::store::{random_u64, Batch, Store, StoreError};
use nobi_sync::ids::uuid_of;
use nobi_sync::outgoing::customer_data;
use nobi_sync::team::{page_for, PanelToSync, SyncReply};
use nobi_sync::words::Word;
use nobi_sync::{Local, LocalIds, Me, Outcome, Session, Status, SyncState, Write};
use serde_json::{json, Value};
use stored::Stored;
use wasm_bindgen::prelude::*;

/// The alarm that wakes a sleeping worker to sync.
const ALARM: &str = "nobi-sync";
/// The `chrome.storage.local` flag `background.js` reads at start: load this module.
const FLAG: &str = "nobi-sync";
/// While a panel is open, a pull this often (a change by another agent shows within it).
const PULL_WHILE_OPEN_MS: u64 = 1_000;
/// A panel that has not said it is open for this long is taken as closed.
const PANEL_GONE_MS: u64 = 60_000;
/// Presence for round-robin and the offline sweep.
const HEARTBEAT_EVERY_MS: u64 = 60_000;
/// `/v1/me` again this often (pages and role change).
const ME_EVERY_MS: u64 = 5 * 60_000;
/// Change-log entries planned per step.
const CHANGES_PER_STEP: u32 = 500;
/// Requests per cycle at most (a long backlog continues in the next cycle).
const STEPS_PER_CYCLE: usize = 40;
/// Conversations reported per cycle at most.
const REPORTS_PER_CYCLE: usize = 20;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["chrome", "alarms"], js_name = create, catch)]
    fn alarms_create(name: &str, info: &JsValue) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "alarms"], js_name = clear, catch)]
    fn alarms_clear(name: &str) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = set, catch)]
    fn local_set(items: &JsValue) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = remove, catch)]
    fn local_remove(key: &str) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &js_sys::Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
    #[wasm_bindgen(js_namespace = console, js_name = warn)]
    fn console_warn(message: &str);
}

/// At most this many inbox rows become records per notice.
const INBOX_ROWS: usize = 60;

thread_local! {
    static RUNNING: Cell<bool> = const { Cell::new(false) };
    static AGAIN: Cell<bool> = const { Cell::new(false) };
    static TIMER: std::cell::RefCell<Option<JsValue>> = const { std::cell::RefCell::new(None) };
    static LISTENING: Cell<bool> = const { Cell::new(false) };
    static LOCKED: Cell<bool> = const { Cell::new(false) };
    static STORE: std::cell::RefCell<Option<Store>> = const { std::cell::RefCell::new(None) };
}

/// The worker's one connection to the database.
async fn open_store() -> Result<Store, StoreError> {
    if let Some(store) = STORE.with(|s| s.borrow().clone()) {
        return Ok(store);
    }
    let store = Store::open().await?;
    STORE.with(|s| *s.borrow_mut() = Some(store.clone()));
    Ok(store)
}

async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        set_timeout(&resolve, ms as f64);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// The stored state's lock: every load → change → save of it (a cycle's step, a claim, a
/// sign-out, a poke) holds it, so no writer saves over another's changes.
struct StateLock;

impl Drop for StateLock {
    fn drop(&mut self) {
        LOCKED.with(|l| l.set(false));
    }
}

async fn lock_state() -> StateLock {
    while LOCKED.with(|l| l.replace(true)) {
        sleep(10).await;
    }
    StateLock
}

fn now() -> u64 {
    js_sys::Date::now() as u64
}

async fn settle(promise: Result<js_sys::Promise, JsValue>) {
    if let Ok(p) = promise {
        let _ = wasm_bindgen_futures::JsFuture::from(p).await;
    }
}

async fn set_flag(on: bool) {
    if on {
        let items = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&items, &FLAG.into(), &JsValue::TRUE);
        settle(local_set(&items)).await;
    } else {
        settle(local_remove(FLAG)).await;
    }
}

/// Wakes the worker at `at` (Unix ms): an alarm (Chrome keeps them at least 30 s apart), and
/// while a panel is open (`panel_open`) a timer as well, for the 2 s pulls. With no panel open the
/// worker is left to sleep between alarms.
async fn wake_at(at: Option<u64>, panel_open: bool) {
    TIMER.with(|t| {
        if let Some(handle) = t.borrow_mut().take() {
            clear_timeout(&handle);
        }
    });
    let Some(at) = at else {
        settle(alarms_clear(ALARM)).await;
        return;
    };
    let delay = at.saturating_sub(now());
    if panel_open && delay < 30_000 {
        let callback = Closure::once_into_js(|| wasm_bindgen_futures::spawn_local(run()));
        let handle = set_timeout(callback.unchecked_ref(), delay as f64);
        TIMER.with(|t| *t.borrow_mut() = Some(handle));
    }
    let info = js_sys::Object::new();
    let _ = js_sys::Reflect::set(
        &info,
        &"when".into(),
        &((at.max(now() + 30_000)) as f64).into(),
    );
    settle(alarms_create(ALARM, &info)).await;
}

/// Pushes at once when a page of the extension writes (while this worker is awake).
fn listen_for_edits() {
    if LISTENING.with(|l| l.replace(true)) {
        return;
    }
    nobi_store::changes::listen(|changed| {
        let synced = nobi_sync::outgoing::SYNCED_STORES;
        if changed.stores.iter().any(|s| synced.contains(&s.as_str())) {
            wasm_bindgen_futures::spawn_local(run());
        }
    });
}

/// The worker started (with a connected server): a request of the previous worker's is gone
/// with it, then a cycle.
#[wasm_bindgen]
pub async fn on_start() {
    listen_for_edits();
    if let Ok(store) = open_store().await {
        let _lock = lock_state().await;
        if let Ok(Some(mut s)) = stored::load(&store).await {
            s.state.restarted();
            let _ = stored::save(&store, &s).await;
        }
    }
    run().await;
}

/// A tab's inbox list (`ContentToBackground::InboxSeen`, forwarded by the service worker): kept
/// in the state and turned into records by [`take_inbox`], now or at a later step. Nothing
/// happens unless a server is connected.
#[wasm_bindgen]
pub async fn inbox_seen(inbox: JsValue) {
    let Ok(inbox) = nobi_bridge::from_js::<nobi_protocol::InboxList>(inbox) else {
        return;
    };
    let Ok(store) = open_store().await else {
        return;
    };
    {
        let _lock = lock_state().await;
        let Ok(Some(mut s)) = stored::load(&store).await else {
            return;
        };
        if !s.state.is_syncing() || s.me.is_none() {
            return;
        }
        s.inbox_waiting = Some(inbox);
        if take_inbox(&store, &mut s).await.is_err() || stored::save(&store, &s).await.is_err() {
            return;
        }
    }
    // This context's own writes are not announced to it: sync now.
    run().await;
}

/// Makes a customer and a conversation record for each thread of the waiting inbox list that
/// this browser has no record of (`nobi_crm::link::link`, with the name the row shows and the
/// list's account); the next steps report them like any new thread. The list must be the shop's:
/// its account is one of the agent's pages, or, when the page does not tell its account, the
/// thread open beside it is already on the server (so an agent's personal chats, listed while
/// they read them as themselves, are never sent). Until that thread is, the list waits; if it is
/// on none of the agent's pages, the list is dropped. Returns true if and only if it wrote.
async fn take_inbox(store: &Store, s: &mut Stored) -> Result<bool, StoreError> {
    let (Some(inbox), Some(me)) = (s.inbox_waiting.clone(), s.me.clone()) else {
        return Ok(false);
    };
    if page_for(&me.pages, inbox.platform, inbox.account.as_deref()).is_none() {
        s.inbox_waiting = None;
        return Ok(false);
    }
    if inbox.account.is_none() {
        let Some(open) = &inbox.open_thread else {
            s.inbox_waiting = None;
            return Ok(false);
        };
        let open = ConversationRecord::id_for(inbox.platform, open);
        if s.unplaced.contains(open.as_str()) {
            s.inbox_waiting = None;
            return Ok(false);
        }
        if !s.state.conversations.contains_key(open.as_str()) {
            return Ok(false);
        }
    }
    s.inbox_waiting = None;
    let t = now();
    let mut batch = Batch::new();
    for thread in inbox.threads.iter().take(INBOX_ROWS) {
        let id = ConversationRecord::id_for(inbox.platform, &thread.thread_id);
        if s.state.conversations.contains_key(id.as_str())
            || store
                .get::<ConversationRecord>(id.as_str())
                .await?
                .is_some()
        {
            continue;
        }
        let seen = json!({
            "thread": { "platform": inbox.platform, "thread_id": thread.thread_id },
            "buyer_name": thread.name,
            "account": inbox.account,
            "url": "",
        });
        let Ok(seen) = serde_json::from_value::<nobi_protocol::Conversation>(seen) else {
            continue;
        };
        let linked = nobi_crm::link::link(&seen, None, None, t as i64, random_u64());
        batch.put_as_is(&linked.customer);
        batch.put_as_is(&linked.conversation);
    }
    if batch.is_empty() {
        return Ok(false);
    }
    store.write(batch).await?;
    Ok(true)
}

/// The alarm fired.
#[wasm_bindgen]
pub async fn on_wake() {
    listen_for_edits();
    run().await;
}

/// Handles one [`PanelToSync`] request from the panel; resolves to a [`SyncReply`].
#[wasm_bindgen]
pub async fn on_message(message: JsValue, sender: JsValue) -> JsValue {
    if !nobi_bridge::is_own_extension(&sender) || !nobi_bridge::is_own_page(&sender) {
        return JsValue::NULL;
    }
    listen_for_edits();
    let reply = match nobi_bridge::from_js::<PanelToSync>(message) {
        Ok(request) => match handle(request).await {
            Ok(reply) => reply,
            Err(e) => {
                console_warn(&format!("Nobi Pro sync: {e}"));
                SyncReply::Failed {
                    word: Word::DoRetryLater,
                }
            }
        },
        Err(_) => SyncReply::Failed {
            word: Word::DoUpdateExtension,
        },
    };
    nobi_bridge::to_js(&reply)
}

fn signed_out_view() -> SyncReply {
    SyncReply::View {
        view: nobi_sync::SyncView {
            server: None,
            status: Status::SignedOut,
            me: None,
            rejected: 0,
            refusals: Vec::new(),
            unplaced: 0,
            last_synced_at: None,
        },
    }
}

fn refused(body: &Value, status: u16) -> SyncReply {
    let e = &body["error"];
    SyncReply::Refused {
        code: e["code"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| format!("http_{status}")),
        message: e["message"].as_str().unwrap_or_default().to_owned(),
        assignee: e["assignee"].as_str().map(str::to_owned),
    }
}

async fn handle(request: PanelToSync) -> Result<SyncReply, StoreError> {
    let store = open_store().await?;
    match request {
        PanelToSync::Connect { server, code } => connect(&store, &server, &code).await,
        PanelToSync::Status => Ok(match stored::load(&store).await? {
            Some(s) => SyncReply::View { view: s.view() },
            None => signed_out_view(),
        }),
        PanelToSync::Poke | PanelToSync::Retry => {
            let lock = lock_state().await;
            let Some(mut s) = stored::load(&store).await? else {
                return Ok(signed_out_view());
            };
            let t = now();
            s.panel_at = t;
            s.state.pull_every_ms = Some(PULL_WHILE_OPEN_MS);
            if matches!(request, PanelToSync::Retry) {
                s.state.retry(t);
                // A page added on the server since: the conversations left local get a new try.
                s.unplaced.clear();
                s.me_at = 0;
            } else {
                s.state.poke(t);
            }
            stored::save(&store, &s).await?;
            drop(lock);
            wasm_bindgen_futures::spawn_local(run());
            Ok(SyncReply::View { view: s.view() })
        }
        PanelToSync::SignOut => {
            let lock = lock_state().await;
            let Some(mut s) = stored::load(&store).await? else {
                return Ok(signed_out_view());
            };
            let session = s.state.session.clone();
            s.state.sign_out();
            stored::save(&store, &s).await?;
            drop(lock);
            set_flag(false).await;
            wake_at(None, false).await;
            if let Some(session) = session {
                // Best effort, after the tokens are forgotten here: the server revokes them.
                let url = format!("{}/v1/logout", s.state.server);
                let _ = net::call("POST", &url, Some(&session.token), Some(&json!({}))).await;
            }
            Ok(SyncReply::View { view: s.view() })
        }
        PanelToSync::Claim { conversation } => take(&store, &conversation, "/v1/claim", None).await,
        PanelToSync::Assign { conversation, to } => {
            let body = json!({ "assignee": to });
            take(&store, &conversation, "/v1/assign", Some(body)).await
        }
    }
}

/// One send of `platform`/`account` reserved from the budget the shop's agents share
/// (`/v1/pacing/reserve`): `{granted, retry_after, reason}`, or null when none applies: not
/// connected, no page of the agent's for that account, the page has no budget on the server, or
/// the server cannot be reached at all (then this browser's own pacing is all there is, so an
/// agent is never stopped by a server that is down). A server that answers but cannot decide
/// now (session expired, rate limited, failing) holds the send briefly instead (`busy`).
#[wasm_bindgen]
pub async fn reserve(platform: String, account: Option<String>) -> JsValue {
    let answer = |granted: bool, retry_after: f64, reason: &str| -> JsValue {
        let answer = js_sys::Object::new();
        let set = |k: &str, v: JsValue| {
            let _ = js_sys::Reflect::set(&answer, &k.into(), &v);
        };
        set("granted", granted.into());
        set("retry_after", retry_after.into());
        set("reason", reason.into());
        answer.into()
    };
    let Ok(platform) = serde_json::from_value::<nobi_protocol::Platform>(json!(platform)) else {
        return JsValue::NULL;
    };
    let Ok(store) = open_store().await else {
        return JsValue::NULL;
    };
    let Ok(Some(s)) = stored::load(&store).await else {
        return JsValue::NULL;
    };
    let (Some(session), Some(me)) = (s.state.session.as_ref(), s.me.as_ref()) else {
        return JsValue::NULL;
    };
    if !s.state.is_syncing() {
        return JsValue::NULL;
    }
    let Some(page) = page_for(&me.pages, platform, account.as_deref()) else {
        return JsValue::NULL;
    };
    let url = format!("{}/v1/pacing/reserve", s.state.server);
    let body = json!({ "page_id": page.id });
    match net::call("POST", &url, Some(&session.token), Some(&body)).await {
        Ok(r) if r.status == 200 => answer(
            r.body["granted"].as_bool().unwrap_or(true),
            r.body["retry_after"].as_f64().unwrap_or(0.0),
            r.body["reason"].as_str().unwrap_or_default(),
        ),
        // No budget for this page on the server: nothing shared to respect.
        Ok(r) if r.status == 404 => JsValue::NULL,
        Ok(r) => {
            if r.status == 401 {
                // The cycle renews the session; the send waits for it.
                wasm_bindgen_futures::spawn_local(run());
            }
            let wait = r.body["error"]["retry_after"]
                .as_f64()
                .unwrap_or(10.0)
                .max(5.0);
            answer(false, wait, "busy")
        }
        Err(_) => JsValue::NULL,
    }
}

fn client_id() -> String {
    format!("ext-{:016x}{:08x}", random_u64(), random_u64() as u32)
}

/// `/v1/join` with the invitation code, then `/v1/me`.
///
/// What the new session sends first: the same server and user as before (a session that expired,
/// an agent who signed out) resumes the previous state, its queue, bases and client id, so
/// nothing already synced is sent again over newer changes; a first connection sends the whole
/// change log (a browser that already has buyers brings them to the shop); another server or
/// another user starts after the log's current end (records that may have come from another
/// shop are not sent to this one).
async fn connect(store: &Store, server: &str, code: &str) -> Result<SyncReply, StoreError> {
    let Some(server) = nobi_sync::team::normalize_server(server) else {
        return Ok(SyncReply::Failed {
            word: Word::BadServerUrl,
        });
    };
    let code = code.trim();
    if code.is_empty() {
        return Ok(SyncReply::Failed {
            word: Word::CodeMissing,
        });
    }
    let joined = net::call(
        "POST",
        &format!("{server}/v1/join"),
        None,
        Some(&json!({ "code": code })),
    )
    .await;
    let body = match joined {
        Err(_) => {
            return Ok(SyncReply::Failed {
                word: Word::Unreachable,
            })
        }
        Ok(r) if r.status != 200 => return Ok(refused(&r.body, r.status)),
        Ok(r) => r.body,
    };
    let Some(session) = body.get("session").and_then(Session::from_json) else {
        return Ok(SyncReply::Failed {
            word: Word::DoUpdateExtension,
        });
    };
    let user = body["user_id"].as_str().unwrap_or_default().to_owned();
    let me = match net::call(
        "GET",
        &format!("{server}/v1/me"),
        Some(&session.token),
        None,
    )
    .await
    {
        Ok(r) if r.status == 200 => Me::from_json(&r.body),
        _ => None,
    };
    let lock = lock_state().await;
    let previous = stored::load(store).await?;
    let same = previous.as_ref().is_some_and(|p| {
        p.state.server == server && p.me.as_ref().is_some_and(|m| m.user_id == user)
    });
    let t = now();
    let mut s = match previous {
        Some(mut p) if same => {
            p.state.restarted();
            p
        }
        other => {
            let mut state = SyncState::new(&server, &client_id());
            if other.is_some() {
                state.change_seq = u64::from(store.change_count().await?);
            }
            Stored {
                state,
                me: None,
                me_at: 0,
                reported: BTreeSet::new(),
                unplaced: BTreeSet::new(),
                last_synced_at: None,
                heartbeat_at: 0,
                panel_at: t,
                inbox_waiting: None,
            }
        }
    };
    s.state.sign_in(session);
    s.state.pull_every_ms = Some(PULL_WHILE_OPEN_MS);
    // Without who I am nothing is reported: asked again at the next cycle.
    s.me_at = if me.is_some() { t } else { 0 };
    if me.is_some() {
        s.me = me;
    }
    s.last_synced_at = Some(t);
    s.panel_at = t;
    stored::save(store, &s).await?;
    drop(lock);
    set_flag(true).await;
    wasm_bindgen_futures::spawn_local(run());
    Ok(SyncReply::View { view: s.view() })
}

/// A claim or an assignment of the local conversation `local_id`: the server's answer, and on
/// success the conversation's new assignee written here at once (the next pull agrees).
async fn take(
    store: &Store,
    local_id: &str,
    path: &str,
    extra: Option<Value>,
) -> Result<SyncReply, StoreError> {
    let Some(s) = stored::load(store).await? else {
        return Ok(SyncReply::Failed {
            word: Word::NotConnected,
        });
    };
    let Some(session) = s.state.session.clone() else {
        return Ok(SyncReply::Failed {
            word: Word::NotConnected,
        });
    };
    let mut server_id = s.state.conversations.get(local_id).cloned();
    // Not on the server yet (the panel showed the thread moments ago): sync now, look again.
    for _ in 0..50 {
        if server_id.is_some() {
            break;
        }
        run().await;
        server_id = stored::load(store)
            .await?
            .and_then(|f| f.state.conversations.get(local_id).cloned());
        if server_id.is_none() {
            sleep(100).await;
        }
    }
    let Some(server_id) = server_id else {
        return Ok(SyncReply::Failed {
            word: Word::NotOnServerYet,
        });
    };
    let mut body = extra.unwrap_or_else(|| json!({}));
    body["conversation_id"] = json!(server_id);
    let answer = net::call(
        "POST",
        &format!("{}{path}", s.state.server),
        Some(&session.token),
        Some(&body),
    )
    .await;
    let reply = match answer {
        Err(_) => SyncReply::Failed {
            word: Word::Unreachable,
        },
        Ok(r) if r.status == 200 => {
            let assignee = if path == "/v1/claim" {
                s.me.as_ref().map(|m| m.user_id.clone())
            } else {
                body["assignee"].as_str().map(str::to_owned)
            };
            if let Some(mut c) = store.get::<ConversationRecord>(local_id).await? {
                c.assignee = assignee.clone().map(Id);
                let mut batch = Batch::new();
                batch.put(&mut c);
                store.write(batch).await?;
            }
            SyncReply::Assigned { assignee }
        }
        Ok(r) => refused(&r.body, r.status),
    };
    // The state as it is now (a cycle may have saved meanwhile), asked to pull soon.
    let lock = lock_state().await;
    if let Some(mut fresh) = stored::load(store).await? {
        fresh.state.poke(now());
        stored::save(store, &fresh).await?;
    }
    drop(lock);
    wasm_bindgen_futures::spawn_local(run());
    Ok(reply)
}

/// Runs cycles until nothing is left to do now; a call while one runs asks it for another turn.
pub async fn run() {
    if RUNNING.with(|r| r.replace(true)) {
        AGAIN.with(|a| a.set(true));
        return;
    }
    loop {
        AGAIN.with(|a| a.set(false));
        match cycle().await {
            Ok((wake, panel_open)) => wake_at(wake, panel_open).await,
            Err(e) => {
                console_warn(&format!("Nobi Pro sync: {e}"));
                wake_at(Some(now() + 30_000), false).await;
            }
        }
        if !AGAIN.with(|a| a.get()) {
            break;
        }
    }
    RUNNING.with(|r| r.set(false));
}

/// The local records named by `ids`, and every tag.
async fn read_local(store: &Store, ids: LocalIds) -> Result<Local, StoreError> {
    let mut local = Local {
        tags: store.all::<Tag>().await?,
        ..Local::default()
    };
    for id in ids.customers {
        if let Some(c) = store.get::<Customer>(id.as_str()).await? {
            local.customers.insert(id, c);
        }
    }
    for id in ids.conversations {
        if let Some(c) = store.get::<ConversationRecord>(id.as_str()).await? {
            local.conversations.insert(id, c);
        }
    }
    for id in ids.orders {
        if let Some(o) = store.get::<Order>(id.as_str()).await? {
            local.orders.insert(id, o);
        }
    }
    for id in ids.products {
        if let Some(p) = store.get::<Product>(id.as_str()).await? {
            local.products.insert(id, p);
        }
    }
    Ok(local)
}

/// Local change-log entries after the state's `change_seq` → queued mutations. Returns true if
/// and only if there may be more entries.
async fn record_changes(store: &Store, s: &mut Stored) -> Result<bool, StoreError> {
    let after = s.state.change_seq as u32;
    let changes = store.changes_between(after, Some(CHANGES_PER_STEP)).await?;
    if changes.is_empty() {
        return Ok(false);
    }
    let more = changes.len() as u32 == CHANGES_PER_STEP;
    let of = |store_name: &str| -> BTreeSet<Id> {
        changes
            .iter()
            .filter(|c| c.store == store_name)
            .map(|c| c.id.clone())
            .collect()
    };
    let ids = LocalIds {
        customers: of(nobi_crm::schema::CUSTOMERS),
        conversations: of(nobi_crm::schema::CONVERSATIONS),
        orders: of(nobi_crm::schema::ORDERS),
        products: of(nobi_crm::schema::PRODUCTS),
    };
    let local = read_local(store, ids).await?;
    // The log's keys are 1, 2, … (never pruned): entry i after `after` has key after + i + 1.
    let entries: Vec<(u64, nobi_crm::Change)> = changes
        .into_iter()
        .enumerate()
        .map(|(i, c)| (after as u64 + i as u64 + 1, c))
        .collect();
    s.state.record_changes(&entries, &local);
    Ok(more)
}

/// Reports conversations the server does not know (held by the state machine) under the page
/// of their account. Returns true if and only if one was reported (a pull brings its id).
async fn report_held(store: &Store, s: &mut Stored) -> Result<bool, StoreError> {
    let mut gone: Vec<Id> = Vec::new();
    let (Some(session), Some(me)) = (s.state.session.clone(), s.me.clone()) else {
        return Ok(false);
    };
    let waiting: Vec<String> = s
        .state
        .held
        .iter()
        .filter(|id| !s.reported.contains(*id) && !s.unplaced.contains(*id))
        .take(REPORTS_PER_CYCLE)
        .cloned()
        .collect();
    let mut any = false;
    for id in waiting {
        let Some(c) = store.get::<ConversationRecord>(&id).await? else {
            s.state.held.remove(&id);
            continue;
        };
        let Some(page) = page_for(&me.pages, c.platform, c.account.as_deref()) else {
            s.unplaced.insert(id);
            continue;
        };
        let customer = match store.get::<Customer>(c.customer_id.as_str()).await? {
            Some(cu) => uuid_of(&cu.id).map(|u| json!({ "id": u, "data": customer_data(&cu) })),
            None => None,
        };
        let body = json!({ "page_id": page.id, "thread_id": c.thread_id, "customer": customer });
        let url = format!("{}/v1/conversations/report", s.state.server);
        match net::call("POST", &url, Some(&session.token), Some(&body)).await {
            // Given to someone else on an "assigned only" page: it is not this agent's to see
            // (as the server's tombstone would say to a browser that had it from a pull).
            Ok(r) if r.status == 200 && r.body["visible"] == json!(false) => {
                s.state.held.remove(&id);
                gone.push(Id(id));
            }
            Ok(r) if r.status == 200 => {
                s.reported.insert(id);
                any = true;
            }
            // Refused (a page removed meanwhile, a viewer): left local, listed in the panel.
            Ok(r) if (400..500).contains(&r.status) && r.status != 401 && r.status != 429 => {
                s.unplaced.insert(id);
            }
            // Offline or busy: tried again next cycle.
            _ => break,
        }
    }
    if !gone.is_empty() {
        let mut batch = Batch::new();
        for id in &gone {
            batch.delete::<ConversationRecord>(id);
        }
        store.write(batch).await?;
    }
    if any {
        s.state.poke(now());
    }
    Ok(any)
}

/// `/v1/me` when it is due (pages and role change) and a heartbeat (presence).
async fn refresh_me_and_presence(s: &mut Stored, t: u64) {
    let Some(session) = s.state.session.clone() else {
        return;
    };
    if !s.state.is_syncing() {
        return;
    }
    if t.saturating_sub(s.me_at) >= ME_EVERY_MS {
        let url = format!("{}/v1/me", s.state.server);
        if let Ok(r) = net::call("GET", &url, Some(&session.token), None).await {
            if let Some(me) = (r.status == 200).then(|| Me::from_json(&r.body)).flatten() {
                if s.me.as_ref().map(|m| &m.pages) != Some(&me.pages) {
                    s.unplaced.clear();
                }
                s.me = Some(me);
                s.me_at = t;
            }
        }
    }
    let panel_open = t.saturating_sub(s.panel_at) < PANEL_GONE_MS;
    if panel_open && t.saturating_sub(s.heartbeat_at) >= HEARTBEAT_EVERY_MS {
        let url = format!("{}/v1/heartbeat", s.state.server);
        let body = json!({ "online": true });
        if let Ok(r) = net::call("POST", &url, Some(&session.token), Some(&body)).await {
            if r.status == 200 {
                s.heartbeat_at = t;
            }
        }
    }
    if !panel_open {
        // Nobody is looking: the default interval (and the alarm's 30 s floor) will do.
        s.state.pull_every_ms = None;
    }
}

/// Merges this browser's own record of a buyer into the server's (see
/// `nobi_sync::PullResult::merges`): `into` gets what `from` had that it lacks (phones, notes,
/// tags, …; sent to the server as the next mutations), and `from` is deleted unless another
/// conversation still points to it.
async fn merge_duplicates(
    store: &Store,
    writes: &mut Vec<Write>,
    merges: &[(Id, Id)],
    now: u64,
) -> Result<(), StoreError> {
    for (from, into) in merges {
        if from == into {
            continue;
        }
        let Some(ours) = store.get::<Customer>(from.as_str()).await? else {
            continue;
        };
        let pulled = writes
            .iter()
            .position(|w| matches!(w, Write::PutCustomer(c) if &c.id == into));
        let target = match pulled {
            Some(i) => match &writes[i] {
                Write::PutCustomer(c) => Some(c.clone()),
                _ => None,
            },
            None => store.get::<Customer>(into.as_str()).await?,
        };
        let Some(target) = target else { continue };
        let merged = nobi_crm::link::merge(target, ours, now as i64);
        match pulled {
            Some(i) => writes[i] = Write::PutCustomer(merged),
            None => writes.push(Write::PutCustomer(merged)),
        }
        let repointed: BTreeSet<&Id> = writes
            .iter()
            .filter_map(|w| match w {
                Write::PutConversation(c) => Some(&c.id),
                _ => None,
            })
            .collect();
        let others = store
            .by_index::<ConversationRecord>("by_customer", from.as_str())
            .await?
            .into_iter()
            .filter(|c| !repointed.contains(&c.id))
            .count();
        if others == 0 {
            writes.push(Write::DeleteCustomer(from.clone()));
        }
        // The buyer's orders follow them to the shop's record (the pull's own copy of an order,
        // when it brought one, not the older stored one).
        for mut order in store
            .by_index::<Order>("by_customer", from.as_str())
            .await?
        {
            let pulled = writes.iter_mut().find_map(|w| match w {
                Write::PutOrder(o) if o.id == order.id => Some(o),
                _ => None,
            });
            match pulled {
                Some(o) => o.customer_id = Some(into.0.clone()),
                None => {
                    order.customer_id = Some(into.0.clone());
                    order.updated_at = now as i64;
                    writes.push(Write::PutOrder(Box::new(order)));
                }
            }
        }
    }
    Ok(())
}

/// Returns true if and only if `a` and `b` are the same record but for `updated_at`: a pulled
/// row that changes nothing is not written (a write would stamp a new time and make the panel's
/// edit of its copy a conflict).
fn same_record<T: serde::Serialize>(a: &T, b: &T) -> bool {
    let strip = |v: &T| {
        let mut v = serde_json::to_value(v).unwrap_or(Value::Null);
        if let Some(o) = v.as_object_mut() {
            o.remove("updated_at");
        }
        v
    };
    strip(a) == strip(b)
}

/// Puts a pull's writes in `batch`, each local record read for it expected unchanged (an edit
/// made while the pull was on its way makes the write a conflict, and the step is done again
/// with the edit queued first). Unchanged records are not written.
fn pulled_writes(batch: &mut Batch, writes: Vec<Write>, local: &Local) {
    for (id, c) in &local.customers {
        batch.expect_unchanged::<Customer>(id, c.updated_at);
    }
    for (id, c) in &local.conversations {
        batch.expect_unchanged::<ConversationRecord>(id, c.updated_at);
    }
    for (id, o) in &local.orders {
        batch.expect_unchanged::<Order>(id, o.updated_at);
    }
    for p in local.products.values() {
        batch.expect_same(p);
    }
    for w in writes {
        match w {
            Write::PutCustomer(mut c) => {
                c.refresh_keys();
                if local
                    .customers
                    .get(&c.id)
                    .is_some_and(|l| same_record(l, &c))
                {
                    continue;
                }
                batch.put_as_is(&c);
            }
            Write::PutConversation(c) => {
                if local
                    .conversations
                    .get(&c.id)
                    .is_some_and(|l| same_record(l, &c))
                {
                    continue;
                }
                batch.put_as_is(&c);
            }
            Write::PutTag(tag) => {
                batch.put_as_is(&tag);
            }
            Write::PutStaff(staff) => {
                batch.put_as_is::<Staff>(&staff);
            }
            Write::DeleteCustomer(id) => {
                batch.delete::<Customer>(&id);
            }
            Write::DeleteConversation(id) => {
                batch.delete::<ConversationRecord>(&id);
            }
            Write::PutOrder(o) => {
                if local
                    .orders
                    .get(&Id(o.id.clone()))
                    .is_some_and(|l| same_record(l, &*o))
                {
                    continue;
                }
                batch.put_as_is(&*o);
            }
            Write::PutProduct(p) => {
                if local.products.get(&Id(p.id.clone())) == Some(&p) {
                    continue;
                }
                batch.put_as_is(&p);
            }
            Write::DeleteOrder(id) => {
                batch.delete::<Order>(&id);
            }
        }
    }
}

/// One cycle; returns when to wake next (None: sync is stopped) and whether a panel is open.
async fn cycle() -> Result<(Option<u64>, bool), StoreError> {
    let store = open_store().await?;
    let mut panel_open = false;
    for _ in 0..STEPS_PER_CYCLE {
        // Held for the whole step, requests included: nothing else saves the state meanwhile.
        let _lock = lock_state().await;
        let Some(mut s) = stored::load(&store).await? else {
            return Ok((None, false));
        };
        if s.state.session.is_none() {
            return Ok((None, false));
        }
        panel_open = now().saturating_sub(s.panel_at) < PANEL_GONE_MS;
        if record_changes(&store, &mut s).await? || take_inbox(&store, &mut s).await? {
            stored::save(&store, &s).await?;
            continue;
        }
        let t = now();
        refresh_me_and_presence(&mut s, t).await;
        report_held(&store, &mut s).await?;
        let Some(request) = s.state.next_request(t) else {
            let wake = s.state.next_wake(now());
            stored::save(&store, &s).await?;
            return Ok((wake, panel_open));
        };
        // Write-ahead: the request's ids are stored before it leaves.
        stored::save(&store, &s).await?;
        let result = net::call(
            "POST",
            &request.url,
            request.token.as_deref(),
            Some(&request.body),
        )
        .await;
        if matches!(&result, Ok(r) if r.status == 200) {
            s.last_synced_at = Some(now());
        }
        let t = now();
        match s.state.on_response(&request, result, t, random_u64()) {
            Outcome::Pulled(pulled) => {
                // Edits made while the pull was on its way are queued first: the pull's rows
                // are then applied under them, not over them.
                while record_changes(&store, &mut s).await? {}
                let ids = pulled.local_ids();
                let local = read_local(&store, ids).await?;
                let out = s.state.apply_pull(&pulled, &local, t);
                if pulled.reset {
                    // What the agent may see changed: read who they are again.
                    s.me_at = 0;
                }
                let known = &s.state.conversations;
                s.reported.retain(|id| !known.contains_key(id));
                let mut writes = out.writes;
                merge_duplicates(&store, &mut writes, &out.merges, t).await?;
                let mut batch = Batch::new();
                pulled_writes(&mut batch, writes, &local);
                s.put_in(&mut batch);
                match store.write(batch).await {
                    // Not saved: the next step reads the edit and pulls again from the same cursor.
                    Err(StoreError::Conflict) => continue,
                    other => other?,
                }
                stored::written(&s);
            }
            Outcome::Stale | Outcome::Continue => stored::save(&store, &s).await?,
        }
    }
    Ok((Some(now()), panel_open))
}
