//! Joining with a one-time code, who am I, token refresh and expiry, and a real TCP listener.

use axum::http::{Method, StatusCode};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::*;

#[tokio::test]
async fn invitation_code_is_single_use_and_me_tells_role_and_pages() {
    let shop = Shop::new("Tiệm Hoa").await;
    let page = shop.page("hoa_ig").await;
    let v = shop
        .ok(
            "/v1/invitations",
            &shop.owner,
            json!({ "role": "agent", "page_ids": [page] }),
        )
        .await;
    let code = v["code"].as_str().unwrap();
    let (s, j) = shop
        .call(
            Method::POST,
            "/v1/join",
            None,
            json!({ "code": code.to_lowercase(), "name": "Lan" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{j}");
    let token = j["session"]["token"].as_str().unwrap();
    let (s, again) = shop
        .call(
            Method::POST,
            "/v1/join",
            None,
            json!({ "code": code, "name": "Mallory" }),
        )
        .await;
    assert_eq!(
        (s, err_code(&again)),
        (StatusCode::UNAUTHORIZED, "invitation_used")
    );
    let (s, wrong) = shop
        .call(
            Method::POST,
            "/v1/join",
            None,
            json!({ "code": "AAAA-BBBB-CCCC-DDDD" }),
        )
        .await;
    assert_eq!(
        (s, err_code(&wrong)),
        (StatusCode::UNAUTHORIZED, "bad_invitation")
    );
    let (s, me) = shop
        .call(Method::GET, "/v1/me", Some(token), json!(null))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["user"]["name"], "Lan");
    assert_eq!(me["user"]["role"], "agent");
    assert_eq!(me["shop"]["name"], "Tiệm Hoa");
    assert_eq!(me["pages"][0]["id"], page.to_string());
    // An agent may not invite.
    let (s, e) = shop
        .call(
            Method::POST,
            "/v1/invitations",
            Some(token),
            json!({ "role": "agent" }),
        )
        .await;
    assert_eq!((s, err_code(&e)), (StatusCode::FORBIDDEN, "forbidden"));
}

#[tokio::test]
async fn tokens_expire_refresh_rotates_and_logout_revokes() {
    let shop = Shop::new("Refresh").await;
    let v = shop
        .ok("/v1/invitations", &shop.owner, json!({ "role": "agent" }))
        .await;
    let (_, j) = shop
        .call(
            Method::POST,
            "/v1/join",
            None,
            json!({ "code": v["code"], "name": "An" }),
        )
        .await;
    let token = j["session"]["token"].as_str().unwrap().to_owned();
    let refresh = j["session"]["refresh_token"].as_str().unwrap().to_owned();
    // Expire the access token: it stops working at once.
    let user: uuid::Uuid = j["user_id"].as_str().unwrap().parse().unwrap();
    sqlx::query(
        "UPDATE sessions SET token_expires_at = now() - interval '1 second' WHERE user_id = $1",
    )
    .bind(user)
    .execute(&shop.admin)
    .await
    .unwrap();
    let (s, e) = shop
        .call(Method::GET, "/v1/me", Some(&token), json!(null))
        .await;
    assert_eq!(
        (s, err_code(&e)),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );
    let r = shop
        .ok("/v1/token/refresh", "", json!({ "refresh_token": refresh }))
        .await;
    let token2 = r["session"]["token"].as_str().unwrap().to_owned();
    let (s, _) = shop
        .call(Method::GET, "/v1/me", Some(&token2), json!(null))
        .await;
    assert_eq!(s, StatusCode::OK);
    // The used refresh token is dead (rotation).
    let (s, _) = shop
        .call(
            Method::POST,
            "/v1/token/refresh",
            None,
            json!({ "refresh_token": refresh }),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    shop.ok("/v1/logout", &token2, json!({})).await;
    let (s, _) = shop
        .call(Method::GET, "/v1/me", Some(&token2), json!(null))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn serves_over_real_tcp() {
    let shop = Shop::new("TCP").await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = shop.app.clone();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "GET /v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
        shop.owner
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
    assert!(out.contains("\"role\":\"owner\""), "{out}");
    server.abort();
}
