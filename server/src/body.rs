//! `Body<T>`: the request's JSON, parsed with errors in the API's shape: `too_large` (413) past
//! the body limit, `bad_json` (400) for text that is not JSON, `bad_request` (400) for JSON of
//! the wrong shape (serde's message says which field). Unknown fields are refused by the types.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    "The request body is too large.",
                )
            } else {
                ApiError::bad_request(
                    "bad_request",
                    format!("The request body could not be read: {e}"),
                )
            }
        })?;
        parse(&bytes).map(Body)
    }
}

pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        ApiError::bad_request(
            "bad_json",
            format!("The request body is not valid JSON: {e}"),
        )
    })?;
    serde_json::from_value(value).map_err(|e| {
        ApiError::bad_request(
            "bad_request",
            format!("The request does not have the expected fields: {e}"),
        )
    })
}
