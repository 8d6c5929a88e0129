//! The push/pull cycle: [`SyncState`], a state machine over plain data.
//!
//! The service worker persists the state after every call that changes it and **before** it
//! sends a request built from it (write-ahead): then a worker killed at any point restarts from
//! a state whose every sent mutation still has the same id, and nothing is lost or doubled.
//!
//! ```text
//!   worker                                    SyncState
//!   ──────                                    ─────────
//!   local changes (change log after change_seq) ─▶ record_changes ─▶ pending mutations
//!   alarm / change ─▶ next_request(now) ─▶ Refresh (token expires within a minute, or after a 401)
//!                                       ─▶ Push    (pending: the same ids until acknowledged)
//!                                       ─▶ Pull    (nothing pending, pull due or poked)
//!   fetch ─▶ on_response(req, result, now, random)
//!            200 push  ─▶ drop pending ≤ last_mutation_id, pull soon
//!            200 pull  ─▶ Outcome::Pulled ─▶ apply_pull(local) ─▶ writes (one transaction with the state)
//!            401       ─▶ refresh once; a refresh refused ─▶ SignedOut (local data kept)
//!            offline, timeout, 5xx, 429 ─▶ Offline{retry_at}: exponential backoff with jitter
//!            409 stale_cursor ─▶ cursor forgotten: a full resync
//!            4xx naming a mutation ─▶ that mutation set aside (`rejected`), the rest go on
//!            other 4xx ─▶ Error{code, what_to_do} until `retry`
//! ```
//!
//! Only one request is outstanding: each carries a sequence number and a response to any other
//! (late, duplicated, from before a restart) is ignored.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::ids::parse_time;
use crate::incoming::Pulled;
use crate::outgoing::{Base, ConversationBase, Mutation};
use crate::words::{what_to_do, Word};

/// At most this many mutations per push (the server's limit).
pub const MAX_PUSH: usize = 1000;
/// At most this many order refusals are kept for the panel.
pub const MAX_REFUSALS: usize = 20;
/// A token is refreshed when it expires within this long.
pub const REFRESH_MARGIN_MS: u64 = 60_000;
/// A pull every this long when nothing else asks for one.
pub const PULL_EVERY_MS: u64 = 10_000;

/// A signed-in session: the tokens `/v1/join` and `/v1/token/refresh` hand out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub token: String,
    /// Unix ms.
    pub expires_at: u64,
    pub refresh_token: String,
    pub refresh_expires_at: u64,
}

impl Session {
    /// Reads the server's `session` object (`{token, expires_at, refresh_token,
    /// refresh_expires_at}`, times in RFC 3339).
    pub fn from_json(v: &Value) -> Option<Session> {
        let time = |k: &str| {
            v.get(k)
                .and_then(Value::as_str)
                .and_then(parse_time)
                .map(|t| t.max(0) as u64)
        };
        Some(Session {
            token: v.get("token")?.as_str()?.to_owned(),
            expires_at: time("expires_at")?,
            refresh_token: v.get("refresh_token")?.as_str()?.to_owned(),
            refresh_expires_at: time("refresh_expires_at")?,
        })
    }
}

/// What the panel shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Status {
    Synced,
    /// `n` mutations wait to reach the server.
    Pending {
        n: usize,
    },
    /// The server could not be reached (or failed, or asked to slow down); the next try is at
    /// `retry_at` (Unix ms).
    Offline {
        retry_at: u64,
    },
    /// The server refused with `code`; nothing is sent until [`SyncState::retry`].
    Error {
        code: String,
        what_to_do: Word,
    },
    /// Not connected (never, signed out, or the session could not be renewed). Local data is
    /// kept and still works; it is not synced.
    SignedOut,
}

/// Exponential backoff with "equal jitter": `base · 2^failures`, capped, drawn from its upper
/// half. Reset by any success.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backoff {
    pub failures: u32,
    pub base_ms: u64,
    pub cap_ms: u64,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            failures: 0,
            base_ms: 2_000,
            cap_ms: 5 * 60_000,
        }
    }
}

impl Backoff {
    /// The wait after one more failure (and counts it).
    pub fn fail(&mut self, random: u64) -> u64 {
        let shift = self.failures.min(40);
        self.failures = self.failures.saturating_add(1);
        let exp = self
            .base_ms
            .saturating_mul(1u64 << shift)
            .min(self.cap_ms)
            .max(1);
        let half = exp / 2;
        half + random % (exp - half + 1)
    }
}

/// What a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Refresh,
    Push,
    Pull,
}

/// One HTTP request for the worker to make: `POST url` with `body` as JSON and, when `token` is
/// set, `Authorization: Bearer <token>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub seq: u64,
    pub kind: Kind,
    pub url: String,
    #[serde(default)]
    pub token: Option<String>,
    pub body: Value,
}

/// The server's answer: HTTP status and JSON body (`Value::Null` when it was not JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    pub status: u16,
    pub body: Value,
}

/// No answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransportError {
    /// No network, DNS failure, connection refused.
    Offline,
    /// Sent, no answer in time: the server may or may not have applied it.
    Timeout,
}

/// What the worker does after [`SyncState::on_response`].
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Not the outstanding request's answer: ignored.
    Stale,
    /// Recorded; ask [`SyncState::next_request`] again (it may say wait).
    Continue,
    /// A pull: read the local records it names ([`Pulled::local_ids`]), call
    /// [`SyncState::apply_pull`] and store its writes with the state in one transaction.
    Pulled(Box<Pulled>),
}

/// A mutation the server refused, set aside so the others go on (the panel lists them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rejected {
    pub mutation: Mutation,
    pub code: String,
    #[serde(default)]
    pub message: String,
}

/// What the pages of a full resync brought so far (local ids).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResyncSeen {
    #[serde(default)]
    pub customers: BTreeSet<String>,
    #[serde(default)]
    pub conversations: BTreeSet<String>,
    #[serde(default)]
    pub orders: BTreeSet<String>,
}

/// Everything the worker stores about sync.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncState {
    /// `https://shop.example.vn` (no trailing slash).
    pub server: String,
    /// This install's id (made once by the worker, 1 to 100 of `[A-Za-z0-9_-]`).
    pub client_id: String,
    #[serde(default)]
    pub session: Option<Session>,
    /// The last cursor a pull was applied with (None: the next pull is a full one).
    #[serde(default)]
    pub cursor: Option<String>,
    /// The last mutation id handed out.
    #[serde(default)]
    pub last_mutation_id: i64,
    /// Mutations not yet acknowledged, ids increasing.
    #[serde(default)]
    pub pending: Vec<Mutation>,
    #[serde(default)]
    pub rejected: Vec<Rejected>,
    pub status: Status,
    #[serde(default)]
    pub backoff: Backoff,
    /// The key of the last local change-log entry turned into mutations.
    #[serde(default)]
    pub change_seq: u64,
    /// What the server has of each synced customer, by local id.
    #[serde(default)]
    pub bases: BTreeMap<String, Base>,
    /// What the server has of each conversation, by local id.
    #[serde(default)]
    pub conversation_bases: BTreeMap<String, ConversationBase>,
    /// What the server has of each synced order, by local id.
    #[serde(default)]
    pub order_bases: BTreeMap<String, crate::orders::OrderBase>,
    /// What the server has of each synced product, by local id.
    #[serde(default)]
    pub product_bases: BTreeMap<String, crate::orders::ProductBase>,
    /// Orders the server refused to create, by local id, with the fingerprint of the record as
    /// this browser rewrote it then (holding no stock): that write, logged like any other, is
    /// not a change to send; the agent's next change of the order creates it again.
    #[serde(default)]
    pub refused_orders: BTreeMap<String, u64>,
    /// A full resync in progress (its pages so far): see [`crate::Pulled::more`].
    #[serde(default)]
    pub resync_seen: Option<ResyncSeen>,
    /// What delivered orders already planned take off the shelf, by stock key, until the
    /// product is planned (an order and its product may fall in two steps of the change log).
    #[serde(default)]
    pub commits_waiting: BTreeMap<String, i64>,
    /// The latest refusals of orders' changes (newest last, at most [`MAX_REFUSALS`]).
    #[serde(default)]
    pub refusals: Vec<crate::orders::OrderRefusal>,
    /// Local conversation id → the server's UUID of it (learned from pulls).
    #[serde(default)]
    pub conversations: BTreeMap<String, String>,
    /// Local conversations changed before the server knew them: planned again after a pull.
    #[serde(default)]
    pub held: BTreeSet<String>,
    /// Customers (UUIDs) this browser merged into the shop's record of the same buyer
    /// ([`crate::PullResult::merges`]): the server may still show them (pushed before the merge),
    /// and a pull must not bring them back.
    #[serde(default)]
    pub merged_away: BTreeSet<String>,
    /// The next pull is due at (Unix ms).
    #[serde(default)]
    pub next_pull_at: u64,
    #[serde(default)]
    pub pull_every_ms: Option<u64>,
    /// A refresh must come first (a request was refused with 401).
    #[serde(default)]
    pub needs_refresh: bool,
    /// 401s since the last successful push or pull.
    #[serde(default)]
    pub auth_failures: u32,
    /// The last request handed out and not answered yet.
    #[serde(default)]
    pub in_flight: Option<u64>,
    #[serde(default)]
    pub seq: u64,
}

fn error_of(body: &Value) -> (String, String, Option<i64>, Option<f64>) {
    let e = &body["error"];
    (
        e["code"].as_str().unwrap_or("").to_owned(),
        e["message"].as_str().unwrap_or("").to_owned(),
        e["mutation_id"].as_i64(),
        e["retry_after"].as_f64(),
    )
}

impl SyncState {
    /// A state for `server` and this install's `client_id`, signed out.
    pub fn new(server: &str, client_id: &str) -> SyncState {
        SyncState {
            server: server.trim_end_matches('/').to_owned(),
            client_id: client_id.to_owned(),
            session: None,
            cursor: None,
            last_mutation_id: 0,
            pending: Vec::new(),
            rejected: Vec::new(),
            status: Status::SignedOut,
            backoff: Backoff::default(),
            change_seq: 0,
            bases: BTreeMap::new(),
            conversation_bases: BTreeMap::new(),
            order_bases: BTreeMap::new(),
            product_bases: BTreeMap::new(),
            refused_orders: BTreeMap::new(),
            resync_seen: None,
            commits_waiting: BTreeMap::new(),
            refusals: Vec::new(),
            conversations: BTreeMap::new(),
            held: BTreeSet::new(),
            merged_away: BTreeSet::new(),
            next_pull_at: 0,
            pull_every_ms: None,
            needs_refresh: false,
            auth_failures: 0,
            in_flight: None,
            seq: 0,
        }
    }

    /// Signed in (after `/v1/join`, whose `session` object is given). The next request is a
    /// full pull unless mutations wait.
    pub fn sign_in(&mut self, session: Session) {
        self.session = Some(session);
        self.needs_refresh = false;
        self.auth_failures = 0;
        self.backoff.failures = 0;
        self.next_pull_at = 0;
        self.refresh_status();
    }

    /// Signed out by the agent: tokens forgotten, local data and the queue kept (signing in again
    /// as the same user sends it; another user needs a new state and client id).
    pub fn sign_out(&mut self) {
        self.session = None;
        self.in_flight = None;
        self.status = Status::SignedOut;
    }

    /// The worker (re)started: whatever was outstanding is forgotten (its answer, if it comes,
    /// is stale; a push is sent again with the same ids).
    pub fn restarted(&mut self) {
        self.in_flight = None;
    }

    /// The agent pressed "Retry" (or the worker wants an immediate try): clears an error and
    /// the backoff's wait.
    pub fn retry(&mut self, now: u64) {
        self.backoff.failures = 0;
        self.next_pull_at = now;
        self.refresh_status();
    }

    /// Something happened (a local change, the panel opened): pull as soon as nothing is
    /// pending.
    pub fn poke(&mut self, now: u64) {
        self.next_pull_at = self.next_pull_at.min(now);
    }

    /// Returns true if and only if this state syncs (signed in, not stopped by an error).
    pub fn is_syncing(&self) -> bool {
        self.session.is_some() && !matches!(self.status, Status::Error { .. } | Status::SignedOut)
    }

    fn pull_every(&self) -> u64 {
        self.pull_every_ms.unwrap_or(PULL_EVERY_MS)
    }

    /// Synced, Pending or SignedOut from the data (an Error or Offline status stays until a
    /// success or [`SyncState::retry`]).
    pub(crate) fn refresh_status(&mut self) {
        self.status = if self.session.is_none() {
            Status::SignedOut
        } else if !self.pending.is_empty() {
            Status::Pending {
                n: self.pending.len(),
            }
        } else {
            Status::Synced
        };
    }

    /// [`SyncState::refresh_status`] unless an Error or Offline status must stay.
    pub(crate) fn settle_status(&mut self) {
        if !matches!(self.status, Status::Error { .. } | Status::Offline { .. }) {
            self.refresh_status();
        }
    }

    /// The next request to make now, or None (then wake at [`SyncState::next_wake`]).
    pub fn next_request(&mut self, now: u64) -> Option<Request> {
        let session = self.session.clone()?;
        match self.status {
            Status::Error { .. } | Status::SignedOut => return None,
            Status::Offline { retry_at } if now < retry_at => return None,
            _ => {}
        }
        if session.refresh_expires_at <= now {
            self.sign_out();
            return None;
        }
        let (kind, token, path, body) =
            if self.needs_refresh || session.expires_at <= now + REFRESH_MARGIN_MS {
                (
                    Kind::Refresh,
                    None,
                    "/v1/token/refresh",
                    json!({ "refresh_token": session.refresh_token }),
                )
            } else if !self.pending.is_empty() {
                let n = self.pending.len().min(MAX_PUSH);
                (
                    Kind::Push,
                    Some(session.token),
                    "/v1/push",
                    json!({ "client_id": self.client_id, "mutations": &self.pending[..n] }),
                )
            } else if now >= self.next_pull_at {
                (
                    Kind::Pull,
                    Some(session.token),
                    "/v1/pull",
                    json!({ "cursor": self.cursor, "client_id": self.client_id }),
                )
            } else {
                return None;
            };
        self.seq += 1;
        self.in_flight = Some(self.seq);
        Some(Request {
            seq: self.seq,
            kind,
            url: format!("{}{path}", self.server),
            token,
            body,
        })
    }

    /// When to call [`SyncState::next_request`] again if nothing else happens (Unix ms), or
    /// None when sync is stopped (signed out, error).
    pub fn next_wake(&self, now: u64) -> Option<u64> {
        let session = self.session.as_ref()?;
        let retry_at = match self.status {
            Status::Error { .. } | Status::SignedOut => return None,
            Status::Offline { retry_at } => retry_at,
            _ => now,
        };
        let due = if !self.pending.is_empty() || self.needs_refresh {
            now
        } else {
            self.next_pull_at
                .min(session.expires_at.saturating_sub(REFRESH_MARGIN_MS))
        };
        Some(due.max(retry_at))
    }

    fn drop_acknowledged(&mut self, last: i64) {
        self.pending.retain(|m| m.id > last);
    }

    fn succeeded(&mut self) {
        self.backoff.failures = 0;
        if matches!(self.status, Status::Offline { .. }) {
            self.refresh_status();
        }
    }

    fn back_off(&mut self, now: u64, random: u64, at_least_ms: u64) {
        let wait = self.backoff.fail(random).max(at_least_ms);
        self.status = Status::Offline {
            retry_at: now + wait,
        };
    }

    /// Records the answer to `request` (or its failure) at `now`; `random` draws the backoff's
    /// jitter.
    pub fn on_response(
        &mut self,
        request: &Request,
        result: Result<Response, TransportError>,
        now: u64,
        random: u64,
    ) -> Outcome {
        if self.in_flight != Some(request.seq) || self.session.is_none() {
            return Outcome::Stale;
        }
        self.in_flight = None;
        let response = match result {
            Err(_) => {
                self.back_off(now, random, 0);
                return Outcome::Continue;
            }
            Ok(r) => r,
        };
        if response.status == 200 {
            return self.on_success(request, &response.body, now, random);
        }
        let (code, message, mutation_id, retry_after) = error_of(&response.body);
        match response.status {
            401 if request.kind == Kind::Refresh => self.sign_out(),
            401 => {
                self.auth_failures += 1;
                if self.auth_failures >= 2 {
                    self.sign_out();
                } else {
                    self.needs_refresh = true;
                }
            }
            429 | 500..=599 | 408 => {
                let at_least = retry_after.map_or(0, |s| (s * 1000.0).ceil() as u64);
                self.back_off(now, random, at_least);
            }
            409 if code == "stale_cursor" => {
                self.cursor = None;
                self.next_pull_at = now;
            }
            409 if request.kind == Kind::Push
                && crate::orders::ORDER_REFUSALS.contains(&code.as_str())
                && mutation_id.is_some_and(|id| self.pending.iter().any(|m| m.id == id)) =>
            {
                // The shop's rule said no (stock, someone else moved the order): not an error
                // to set aside but a decision to show, with the server's rows to take.
                let id = mutation_id.unwrap_or_default();
                let i = self.pending.iter().position(|m| m.id == id).unwrap_or(0);
                let mutation = self.pending.remove(i);
                if matches!(code.as_str(), "stale_status" | "bad_transition") {
                    // The steps after a refused one start from a status the order never had
                    // on the server: they go too (the server's row replaces the local order).
                    let order = crate::orders::subject(&mutation).map(str::to_owned);
                    self.pending.retain(|m| {
                        m.name != "order_status" || crate::orders::subject(m) != order.as_deref()
                    });
                }
                self.refresh_status();
                return Outcome::Pulled(Box::new(Pulled::refusal(
                    self.cursor.clone(),
                    mutation,
                    code,
                    &response.body["error"],
                    now,
                )));
            }
            400..=499 if request.kind == Kind::Push && mutation_id.is_some() => {
                let id = mutation_id.unwrap_or_default();
                if let Some(i) = self.pending.iter().position(|m| m.id == id) {
                    let mutation = self.pending.remove(i);
                    self.rejected.push(Rejected {
                        mutation,
                        code,
                        message,
                    });
                    self.refresh_status();
                } else {
                    self.stop(code);
                }
            }
            _ => {
                let code = if code.is_empty() {
                    format!("http_{}", response.status)
                } else {
                    code
                };
                self.stop(code);
            }
        }
        Outcome::Continue
    }

    fn stop(&mut self, code: String) {
        let what = if code.starts_with("http_404") {
            Word::DoCheckServerUrl
        } else {
            what_to_do(&code)
        };
        self.status = Status::Error {
            code,
            what_to_do: what,
        };
    }

    fn on_success(&mut self, request: &Request, body: &Value, now: u64, random: u64) -> Outcome {
        match request.kind {
            Kind::Refresh => match body.get("session").and_then(Session::from_json) {
                Some(s) => {
                    self.session = Some(s);
                    self.needs_refresh = false;
                    self.succeeded();
                    self.settle_status();
                    Outcome::Continue
                }
                None => {
                    self.back_off(now, random, 0);
                    Outcome::Continue
                }
            },
            Kind::Push => {
                let Some(last) = body["last_mutation_id"].as_i64() else {
                    self.back_off(now, random, 0);
                    return Outcome::Continue;
                };
                self.drop_acknowledged(last);
                self.auth_failures = 0;
                self.succeeded();
                self.next_pull_at = now;
                self.settle_status();
                Outcome::Continue
            }
            Kind::Pull => match serde_json::from_value::<Pulled>(body.clone()) {
                Ok(p) => {
                    self.drop_acknowledged(p.last_mutation_id);
                    self.auth_failures = 0;
                    self.succeeded();
                    self.settle_status();
                    Outcome::Pulled(Box::new(p))
                }
                Err(_) => {
                    self.back_off(now, random, 0);
                    Outcome::Continue
                }
            },
        }
    }

    /// Queues one mutation, with the next id.
    pub(crate) fn queue(&mut self, name: &str, args: Value) {
        self.last_mutation_id += 1;
        self.pending.push(Mutation {
            id: self.last_mutation_id,
            name: name.to_owned(),
            args,
        });
    }

    pub(crate) fn pulled_at(&mut self, now: u64) {
        self.next_pull_at = now + self.pull_every();
    }
}
