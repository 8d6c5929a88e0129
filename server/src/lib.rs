//! Nobi Pro's team server: a shop's agents share customers and conversations through it.
//!
//! axum over PostgreSQL (sqlx, runtime-checked queries, embedded migrations). The server is the
//! authority: it applies the extension's pushed mutations idempotently, hands out pull cursors
//! with tombstones, decides assignment (round-robin, claim-first, offline sweep) and the shared
//! sending budget. Visibility is enforced by row-level security in the database (see
//! `migrations/0002_security.sql`) as well as in code. `router` builds the app; the binary in
//! `main.rs` adds a listener, migrations at start and the periodic sweep.

pub mod admin;
pub mod api;
pub mod assign;
pub mod auth;
pub mod body;
pub mod config;
pub mod db;
pub mod error;
pub mod mutations;
pub mod rate;
pub mod rows;
pub mod secrets;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::Router;

pub use config::Config;
use error::ApiError;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Clone)]
pub struct AppState {
    pub pool: sqlx::PgPool,
    pub cfg: Arc<Config>,
    pub limiter: Arc<rate::RateLimiter>,
    pub anon_limiter: Arc<rate::RateLimiter>,
}

impl AppState {
    pub fn new(pool: sqlx::PgPool, cfg: Config) -> Self {
        AppState {
            pool,
            limiter: Arc::new(rate::RateLimiter::new(cfg.rate_per_sec, cfg.rate_burst)),
            anon_limiter: Arc::new(rate::RateLimiter::new(
                cfg.anon_rate_per_sec,
                cfg.anon_rate_burst,
            )),
            cfg: Arc::new(cfg),
        }
    }
}

pub fn router(state: AppState) -> Router {
    use api::*;
    let limit = state.cfg.body_limit;
    Router::new()
        .route("/v1/join", post(account::join))
        .route("/v1/token/refresh", post(account::refresh))
        .route("/v1/logout", post(account::logout))
        .route("/v1/me", get(account::me))
        .route("/v1/push", post(sync::push))
        .route("/v1/pull", post(sync::pull))
        .route("/v1/conversations/report", post(conversations::report))
        .route(
            "/v1/conversations/{id}/history",
            get(conversations::history),
        )
        .route("/v1/claim", post(conversations::claim))
        .route("/v1/assign", post(conversations::assign))
        .route("/v1/heartbeat", post(presence::heartbeat))
        .route("/v1/pacing/reserve", post(pacing::reserve))
        .route("/v1/pages", post(shop::create_page))
        .route("/v1/pages/{id}/rule", put(shop::set_rule))
        .route("/v1/pages/{id}/members", put(shop::set_members))
        .route("/v1/pages/{id}/pacing", put(shop::set_pacing))
        .route("/v1/invitations", post(shop::invite))
        .route("/health", get(|| async { "ok" }))
        .fallback(|| async { ApiError::not_found("No such endpoint.") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "This endpoint does not take this method.",
            )
        })
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state)
}
