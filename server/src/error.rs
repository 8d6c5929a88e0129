//! API errors. Every failure leaves the server as one JSON shape,
//! `{"error": {"code": "...", "message": "...", "message_vi"?: "...", ...details}}`, with an HTTP
//! status. `code` is stable (the extension translates it); `message` is English for people and logs.
//! Database errors are mapped here: RLS refusals become `forbidden`, serialization failures
//! `retry`, anything else `internal` (details go to the server's log, not to the caller).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub message_vi: Option<&'static str>,
    pub details: Map<String, Value>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            message_vi: None,
            details: Map::new(),
        }
    }
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }
    pub fn vi(mut self, text: &'static str) -> Self {
        self.message_vi = Some(text);
        self
    }
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.details.insert(key.to_owned(), value.into());
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = Map::new();
        body.insert("code".into(), json!(self.code));
        body.insert("message".into(), json!(self.message));
        if let Some(vi) = self.message_vi {
            body.insert("message_vi".into(), json!(vi));
        }
        body.extend(self.details);
        (self.status, Json(json!({ "error": body }))).into_response()
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            match db.code().as_deref() {
                // insufficient_privilege: a row-level security policy or a missing grant said no.
                Some("42501") => {
                    return ApiError::forbidden(
                        "You may not change this row (refused by the database's access rules).",
                    )
                }
                Some("40001") | Some("40P01") => return ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "retry",
                    "The server was busy with a conflicting change; send the same request again.",
                ),
                _ => {}
            }
        }
        eprintln!("nobi-server: database error: {e}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "The server's database failed; try again later.",
        )
    }
}
