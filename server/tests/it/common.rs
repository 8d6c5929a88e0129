//! Test helpers: a fresh shop with its owner, agents, pages and rules, and calls into the app
//! (in process, through the same router, layers and extractors as the real server).

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use axum::Router;
use nobi_server::auth::Role;
use nobi_server::{admin, auth, db, router, AppState, Config};
use serde_json::{json, Value};
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use tower::ServiceExt;
use uuid::Uuid;

use crate::cluster;

/// The app's pool, as the `nobi_server` login role (RLS applies).
pub async fn app_pool() -> PgPool {
    PgPoolOptions::new()
        .max_connections(30)
        .connect_with(cluster::get().options("nobi_server"))
        .await
        .unwrap()
}

/// A superuser pool: for setting clocks back and checking what the app cannot see.
pub async fn admin_pool() -> PgPool {
    PgPoolOptions::new()
        .max_connections(4)
        .connect_with(cluster::get().options("postgres"))
        .await
        .unwrap()
}

pub fn fast_config() -> Config {
    Config {
        rate_per_sec: 100_000.0,
        rate_burst: 100_000.0,
        anon_rate_per_sec: 1000.0,
        anon_rate_burst: 1000.0,
        ..Config::default()
    }
}

pub struct Shop {
    pub app: Router,
    pub state: AppState,
    pub id: Uuid,
    pub owner: String,
    pub admin: PgPool,
}

pub struct Agent {
    pub id: Uuid,
    pub token: String,
}

impl Shop {
    pub async fn new(name: &str) -> Shop {
        Self::with_config(name, fast_config()).await
    }

    pub async fn with_config(name: &str, cfg: Config) -> Shop {
        let state = AppState::new(app_pool().await, cfg);
        let app = router(state.clone());
        let (id, code) = admin::create_shop(&state.pool, name, 3600).await.unwrap();
        let admin = admin_pool().await;
        let mut shop = Shop {
            app,
            state,
            id,
            owner: String::new(),
            admin,
        };
        let (status, body) = shop
            .call(
                Method::POST,
                "/v1/join",
                None,
                json!({ "code": code, "name": "Chủ shop" }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        shop.owner = body["session"]["token"].as_str().unwrap().to_owned();
        shop
    }

    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> (StatusCode, Value) {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", "application/json");
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let resp = self
            .app
            .clone()
            .oneshot(req.body(Body::from(body)).unwrap())
            .await
            .unwrap();
        let status = resp.status();
        let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .unwrap();
        let value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| json!({ "text": String::from_utf8_lossy(&bytes) }));
        (status, value)
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Value,
    ) -> (StatusCode, Value) {
        let bytes = if method == Method::GET {
            Vec::new()
        } else {
            serde_json::to_vec(&body).unwrap()
        };
        self.raw(method, path, token, bytes).await
    }

    /// A call that must succeed.
    pub async fn ok(&self, path: &str, token: &str, body: Value) -> Value {
        let (status, v) = self.call(Method::POST, path, Some(token), body).await;
        assert_eq!(status, StatusCode::OK, "{path}: {v}");
        v
    }

    pub async fn put(&self, path: &str, body: Value) -> Value {
        let (status, v) = self.call(Method::PUT, path, Some(&self.owner), body).await;
        assert_eq!(status, StatusCode::OK, "{path}: {v}");
        v
    }

    pub async fn page(&self, name: &str) -> Uuid {
        let v = self
            .ok("/v1/pages", &self.owner, json!({ "platform": "instagram", "external_id": format!("ig-{name}"), "name": name }))
            .await;
        v["page"]["id"].as_str().unwrap().parse().unwrap()
    }

    pub async fn rule(&self, page: Uuid, rule: Value) -> Value {
        self.put(&format!("/v1/pages/{page}/rule"), rule).await
    }

    /// Many agents quickly: the same library calls as joining, without the invitation's hashing.
    pub async fn agent(&self, name: &str, pages: &[Uuid]) -> Agent {
        self.member(name, Role::Agent, pages).await
    }

    /// A member of any role, as `agent` makes them.
    pub async fn member(&self, name: &str, role: Role, pages: &[Uuid]) -> Agent {
        let mut tx = db::begin(&self.state.pool).await.unwrap();
        db::scope(&mut tx, self.id, None).await.unwrap();
        db::system(&mut tx, true).await.unwrap();
        let version = db::bump_version(&mut tx).await.unwrap();
        let id = admin::add_user(&mut tx, version, self.id, name, role, pages)
            .await
            .unwrap();
        db::system(&mut tx, false).await.unwrap();
        db::scope(&mut tx, self.id, Some(id)).await.unwrap();
        let session = auth::issue_session(&mut tx, &self.state, self.id, id)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        Agent {
            id,
            token: session["token"].as_str().unwrap().into(),
        }
    }

    pub async fn heartbeat(&self, a: &Agent, body: Value) {
        self.ok("/v1/heartbeat", &a.token, body).await;
    }

    pub async fn report(&self, token: &str, page: Uuid, thread: &str) -> Value {
        self.ok(
            "/v1/conversations/report",
            token,
            json!({ "page_id": page, "thread_id": thread }),
        )
        .await
    }

    pub async fn pull(&self, token: &str, cursor: Option<&str>) -> Value {
        self.ok("/v1/pull", token, json!({ "cursor": cursor }))
            .await
    }

    pub async fn version(&self) -> i64 {
        sqlx::query_scalar("SELECT version FROM shops WHERE id = $1")
            .bind(self.id)
            .fetch_one(&self.admin)
            .await
            .unwrap()
    }
}

/// The ids of `entity` rows in a pull's changes.
pub fn changed(pull: &Value, entity: &str) -> Vec<String> {
    pull["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["entity"] == entity)
        .map(|c| c["row"]["id"].as_str().unwrap().to_owned())
        .collect()
}

pub fn tombstoned(pull: &Value, entity: &str) -> Vec<String> {
    pull["tombstones"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["entity"] == entity)
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

pub fn err_code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("<no error code>")
}
