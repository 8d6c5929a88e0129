//! `nobi-server`: run a shop's team server, or set a shop up.
//!
//!   nobi-server [serve] --database-url postgres://… [--listen 0.0.0.0:8080]
//!   nobi-server create-shop --database-url postgres://… --name "Shop name"
//!
//! `DATABASE_URL` and `NOBI_LISTEN` may stand for the flags. Migrations run at start. `serve`
//! runs the offline sweep every minute; `create-shop` prints the owner's one-time invitation code.

use std::process::ExitCode;

use nobi_server::{admin, assign, router, AppState, Config, MIGRATOR};

const USAGE: &str = "usage:
  nobi-server [serve] --database-url postgres://USER:PASSWORD@HOST/DB [--listen 0.0.0.0:8080]
  nobi-server create-shop --database-url postgres://… --name \"Shop name\"
(DATABASE_URL and NOBI_LISTEN may be used instead of the flags)";

struct Args {
    command: String,
    database_url: Option<String>,
    listen: String,
    name: Option<String>,
}

fn parse() -> Result<Args, String> {
    let mut args = Args {
        command: "serve".into(),
        database_url: std::env::var("DATABASE_URL").ok(),
        listen: std::env::var("NOBI_LISTEN").unwrap_or_else(|_| "127.0.0.1:8080".into()),
        name: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |flag: &str| it.next().ok_or_else(|| format!("{flag} needs a value"));
        match a.as_str() {
            "serve" | "create-shop" => args.command = a,
            "--database-url" => args.database_url = Some(value("--database-url")?),
            "--listen" => args.listen = value("--listen")?,
            "--name" => args.name = Some(value("--name")?),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument '{other}'")),
        }
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("nobi-server: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("nobi-server: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let url = args
        .database_url
        .ok_or("give --database-url (or DATABASE_URL)")?;
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(20)
        .connect(&url)
        .await
        .map_err(|e| format!("cannot connect to the database: {e}"))?;
    MIGRATOR
        .run(&pool)
        .await
        .map_err(|e| format!("migrations failed: {e}"))?;
    let cfg = Config::default();
    if args.command == "create-shop" {
        let name = args.name.ok_or("create-shop needs --name")?;
        let (shop, code) = admin::create_shop(&pool, &name, cfg.invitation_ttl_secs)
            .await
            .map_err(|e| e.message)?;
        println!("shop {shop} created.\nowner's invitation code (one use, 7 days): {code}");
        return Ok(());
    }
    let online = cfg.online_secs;
    let sweep_pool = pool.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tick.tick().await;
            if let Err(e) = assign::sweep(&sweep_pool, online).await {
                eprintln!("nobi-server: offline sweep failed: {e}");
            }
        }
    });
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    eprintln!("nobi-server: listening on http://{}", args.listen);
    axum::serve(listener, router(AppState::new(pool, cfg)))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| e.to_string())
}
