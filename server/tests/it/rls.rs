//! Row-level security: through the API, and with raw SQL as the app's role with another shop's
//! or another agent's settings.

use axum::http::{Method, StatusCode};
use serde_json::json;
use sqlx::{Connection, Row};
use uuid::Uuid;

use crate::cluster;
use crate::common::*;

struct Setup {
    a: Shop,
    b: Shop,
    a_page: Uuid,
    a_hidden_page: Uuid,
    a_agent1: Agent,
    a_agent2: Agent,
    conv_of_agent1: String,
    conv_on_hidden_page: String,
    b_agent: Agent,
    b_conv: String,
}

async fn setup() -> Setup {
    let a = Shop::new("RLS A").await;
    let b = Shop::new("RLS B").await;
    let a_page = a.page("a1").await;
    let a_hidden_page = a.page("a2").await;
    a.rule(
        a_page,
        json!({ "mode": "claim_first", "visibility": "assigned_only" }),
    )
    .await;
    let a_agent1 = a.agent("A1", &[a_page]).await;
    let a_agent2 = a.agent("A2", &[a_page]).await;
    let r = a
        .ok(
            "/v1/conversations/report",
            &a_agent1.token,
            json!({ "page_id": a_page, "thread_id": "t1",
            "customer": { "id": Uuid::new_v4(), "data": { "name": "Khách của A1" } } }),
        )
        .await;
    let conv_of_agent1 = r["conversation"]["id"].as_str().unwrap().to_owned();
    a.ok(
        "/v1/claim",
        &a_agent1.token,
        json!({ "conversation_id": conv_of_agent1 }),
    )
    .await;
    let r = a.report(&a.owner, a_hidden_page, "t-hidden").await;
    let conv_on_hidden_page = r["conversation"]["id"].as_str().unwrap().to_owned();
    let b_page = b.page("b1").await;
    let b_agent = b.agent("B1", &[b_page]).await;
    let r = b.report(&b_agent.token, b_page, "tb").await;
    let b_conv = r["conversation"]["id"].as_str().unwrap().to_owned();
    Setup {
        a,
        b,
        a_page,
        a_hidden_page,
        a_agent1,
        a_agent2,
        conv_of_agent1,
        conv_on_hidden_page,
        b_agent,
        b_conv,
    }
}

#[tokio::test]
async fn api_shows_an_agent_only_their_shop_pages_and_assignments() {
    let s = setup().await;
    let p1 = s.a.pull(&s.a_agent1.token, None).await;
    assert_eq!(changed(&p1, "conversation"), vec![s.conv_of_agent1.clone()]);
    assert_eq!(changed(&p1, "page"), vec![s.a_page.to_string()]);
    assert_eq!(changed(&p1, "customer").len(), 1);
    let p2 = s.a.pull(&s.a_agent2.token, None).await;
    assert!(
        changed(&p2, "conversation").is_empty(),
        "A2 sees A1's conversation: {p2}"
    );
    assert!(changed(&p2, "customer").is_empty(), "A2 sees A1's customer");
    let owner = s.a.pull(&s.a.owner, None).await;
    let mut all = changed(&owner, "conversation");
    all.sort();
    let mut want = vec![s.conv_of_agent1.clone(), s.conv_on_hidden_page.clone()];
    want.sort();
    assert_eq!(all, want);
    // Nothing of shop B anywhere in shop A's pulls, and B's ids are unknown to A's agents.
    let text = format!("{p1}{p2}{owner}");
    assert!(!text.contains(&s.b_conv) && !text.contains(&s.b.id.to_string()));
    let pb = s.b.pull(&s.b_agent.token, None).await;
    assert_eq!(changed(&pb, "conversation"), vec![s.b_conv.clone()]);
    let (st, e) =
        s.a.call(
            Method::POST,
            "/v1/claim",
            Some(&s.a_agent2.token),
            json!({ "conversation_id": s.b_conv }),
        )
        .await;
    assert_eq!((st, err_code(&e)), (StatusCode::NOT_FOUND, "not_found"));
    let (st, e) =
        s.a.call(
            Method::POST,
            "/v1/assign",
            Some(&s.a.owner),
            json!({ "conversation_id": s.b_conv, "assignee": null }),
        )
        .await;
    assert_eq!((st, err_code(&e)), (StatusCode::NOT_FOUND, "not_found"));
    let (st, _) =
        s.a.call(
            Method::POST,
            "/v1/conversations/report",
            Some(&s.a_agent1.token),
            json!({ "page_id": s.a_hidden_page, "thread_id": "x" }),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (_, h) =
        s.a.call(
            Method::GET,
            &format!("/v1/conversations/{}/history", s.conv_of_agent1),
            Some(&s.a_agent2.token),
            json!(null),
        )
        .await;
    assert_eq!(h["history"], json!([]));
}

/// A connection as the app's login role, switched to `nobi_app` with the given settings.
async fn as_app(shop: Uuid, user: Uuid) -> sqlx::PgConnection {
    let mut c = sqlx::PgConnection::connect_with(&cluster::get().options("nobi_server"))
        .await
        .unwrap();
    sqlx::query("SET ROLE nobi_app")
        .execute(&mut c)
        .await
        .unwrap();
    sqlx::query(
        "SELECT set_config('nobi.shop_id', $1, false), set_config('nobi.user_id', $2, false)",
    )
    .bind(shop.to_string())
    .bind(user.to_string())
    .execute(&mut c)
    .await
    .unwrap();
    c
}

#[tokio::test]
async fn raw_sql_as_the_app_role_sees_nothing_it_should_not() {
    let s = setup().await;
    // The role really is confined: not superuser, no BYPASSRLS, owns no table.
    let mut c = as_app(s.b.id, s.b_agent.id).await;
    let row = sqlx::query(
        "SELECT r.rolsuper, r.rolbypassrls, (SELECT count(*) FROM pg_tables t WHERE t.schemaname = 'public' AND t.tableowner IN ('nobi_app', 'nobi_server'))
           FROM pg_roles r WHERE r.rolname = current_user",
    )
    .fetch_one(&mut c)
    .await
    .unwrap();
    assert_eq!(
        (
            row.get::<bool, _>(0),
            row.get::<bool, _>(1),
            row.get::<i64, _>(2)
        ),
        (false, false, 0)
    );
    // Shop B's agent, by id, in every table: nothing of shop A.
    let a_conv: Uuid = s.conv_of_agent1.parse().unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM conversations WHERE id = $1")
        .bind(a_conv)
        .fetch_one(&mut c)
        .await
        .unwrap();
    assert_eq!(n, 0);
    for table in [
        "pages",
        "users",
        "customers",
        "conversations",
        "notes",
        "changes",
        "page_rules",
        "presence",
        "sessions",
        "invitations",
        "clients",
        "page_members",
        "assignment_history",
        "pacing_budgets",
        "rr_cursors",
    ] {
        let n: i64 =
            sqlx::query_scalar(&format!("SELECT count(*) FROM {table} WHERE shop_id = $1"))
                .bind(s.a.id)
                .fetch_one(&mut c)
                .await
                .unwrap();
        assert_eq!(n, 0, "shop B's agent sees {n} rows of shop A in {table}");
    }
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM shops WHERE id = $1")
        .bind(s.a.id)
        .fetch_one(&mut c)
        .await
        .unwrap();
    assert_eq!(n, 0);
    // Writing into shop A is refused, and updating its rows touches nothing.
    let e = sqlx::query("INSERT INTO customers (id, shop_id) VALUES ($1, $2)")
        .bind(Uuid::new_v4())
        .bind(s.a.id)
        .execute(&mut c)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("row-level security"), "{e}");
    let done = sqlx::query("UPDATE conversations SET assignee = NULL WHERE id = $1")
        .bind(a_conv)
        .execute(&mut c)
        .await
        .unwrap();
    assert_eq!(done.rows_affected(), 0);
    // Notes are append-only even for rows one can see.
    let e = sqlx::query("DELETE FROM notes")
        .execute(&mut c)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("permission denied"), "{e}");

    // Shop A's second agent: the page's assigned-only rule hides agent 1's conversation and its
    // customer; the other page is not theirs at all.
    let mut c2 = as_app(s.a.id, s.a_agent2.id).await;
    let ids: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM conversations")
        .fetch_all(&mut c2)
        .await
        .unwrap();
    assert!(ids.is_empty(), "A2 sees {ids:?}");
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM customers")
        .fetch_one(&mut c2)
        .await
        .unwrap();
    assert_eq!(n, 0);
    let pages: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM pages")
        .fetch_all(&mut c2)
        .await
        .unwrap();
    assert_eq!(pages, vec![s.a_page]);
    // Agent 1 sees exactly their own.
    let mut c1 = as_app(s.a.id, s.a_agent1.id).await;
    let ids: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM conversations")
        .fetch_all(&mut c1)
        .await
        .unwrap();
    assert_eq!(ids, vec![a_conv]);
    // No settings at all: nothing.
    let mut bare = sqlx::PgConnection::connect_with(&cluster::get().options("nobi_server"))
        .await
        .unwrap();
    sqlx::query("SET ROLE nobi_app")
        .execute(&mut bare)
        .await
        .unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM conversations")
        .fetch_one(&mut bare)
        .await
        .unwrap();
    assert_eq!(n, 0);
    // The login role itself holds no table rights: it must become nobi_app.
    let mut login = sqlx::PgConnection::connect_with(&cluster::get().options("nobi_server"))
        .await
        .unwrap();
    let e = sqlx::query("SELECT count(*) FROM conversations")
        .fetch_one(&mut login)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("permission denied"), "{e}");
    // While the superuser sees the rows exist.
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM conversations WHERE shop_id = $1")
        .bind(s.a.id)
        .fetch_one(&s.a.admin)
        .await
        .unwrap();
    assert_eq!(n, 2);
}
