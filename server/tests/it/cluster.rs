//! A throwaway PostgreSQL cluster for this test binary: `initdb` into a temp dir (as the
//! `postgres` user when the tests run as root: initdb refuses root), `pg_ctl start` listening
//! only on a unix socket in that dir, database `nobi` migrated with the server's embedded
//! migrations, and a login role `nobi_server` (not superuser, not owner, member of `nobi_app`)
//! for the app's pool, so row-level security applies as in production.
//!
//! Started once per test binary on first use. A watchdog shell started with it waits for this
//! process to exit, then stops the cluster and deletes the dir (a static is never dropped, and
//! the watchdog also covers panics and aborts).
//!
//! Missing binaries fail the tests (never skip): run ./build.sh, which installs PostgreSQL from
//! Debian's packages, or point NOBI_PG_BIN at a directory holding initdb and pg_ctl.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

pub struct Cluster {
    pub dir: PathBuf,
    /// Outlives this process on purpose (it cleans up after it); never waited for.
    _watchdog: std::process::Child,
}

static CLUSTER: OnceLock<Cluster> = OnceLock::new();

pub fn get() -> &'static Cluster {
    CLUSTER.get_or_init(start)
}

fn pg_bin() -> PathBuf {
    if let Ok(dir) = std::env::var("NOBI_PG_BIN") {
        return PathBuf::from(dir);
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    match found.pop() {
        Some((_, bin)) => bin,
        None => panic!(
            "PostgreSQL's server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin. \
             Run ./build.sh (it installs Debian's postgresql package), or set NOBI_PG_BIN to their directory."
        ),
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A command run as the cluster's owner: `postgres` when we are root.
fn as_owner(program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn run(mut c: Command, what: &str) {
    let out = c
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn start() -> Cluster {
    let bin = pg_bin();
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!(
        "nobi-pg-{}-{}",
        std::process::id(),
        stamp % 1_000_000_000
    ));
    std::fs::create_dir_all(&dir).unwrap();
    if is_root() {
        run(
            {
                let mut c = Command::new("chown");
                c.arg("postgres:postgres").arg(&dir);
                c
            },
            "chown of the cluster dir",
        );
    }
    let data = dir.join("data");
    let mut initdb = as_owner(&bin.join("initdb"));
    initdb.arg("-D").arg(&data).args([
        "-U",
        "postgres",
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--locale=C",
        "--no-sync",
    ]);
    run(initdb, "initdb");
    // The watchdog: stop and delete the cluster once this test process is gone.
    let owner = if is_root() {
        "runuser -u postgres -- "
    } else {
        ""
    };
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; {owner}'{pg_ctl}' -D '{data}' -m immediate stop >/dev/null 2>&1; rm -rf '{dir}'",
        pid = std::process::id(),
        pg_ctl = bin.join("pg_ctl").display(),
        data = data.display(),
        dir = dir.display(),
    );
    let mut watchdog = Command::new("sh");
    watchdog
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    std::os::unix::process::CommandExt::process_group(&mut watchdog, 0);
    let watchdog = watchdog.spawn().expect("the cluster's watchdog");
    let mut pg_ctl = as_owner(&bin.join("pg_ctl"));
    pg_ctl.arg("-D").arg(&data).arg("-l").arg(dir.join("log")).args(["-w", "-t", "60", "-o"]).arg(format!(
        "-k {} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400",
        dir.display()
    ));
    pg_ctl.arg("start");
    run(pg_ctl, "pg_ctl start");
    let cluster = Cluster {
        dir,
        _watchdog: watchdog,
    };
    // Database, migrations and the app's login role, on a runtime of its own (we may be called
    // from inside a test's runtime, which cannot block).
    let socket = cluster.dir.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            use sqlx::Connection;
            let opts = sqlx::postgres::PgConnectOptions::new().socket(&socket).username("postgres").database("postgres");
            let mut c = sqlx::PgConnection::connect_with(&opts).await.expect("connect to the test cluster");
            sqlx::query("CREATE DATABASE nobi").execute(&mut c).await.unwrap();
            let mut c = sqlx::PgConnection::connect_with(&opts.clone().database("nobi")).await.unwrap();
            nobi_server::MIGRATOR.run(&mut c).await.expect("migrations");
            sqlx::query("CREATE ROLE nobi_server LOGIN NOINHERIT NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE")
                .execute(&mut c)
                .await
                .unwrap();
            sqlx::query("GRANT nobi_app TO nobi_server").execute(&mut c).await.unwrap();
        })
    })
    .join()
    .expect("setting the test database up");
    cluster
}

impl Cluster {
    pub fn options(&self, user: &str) -> sqlx::postgres::PgConnectOptions {
        sqlx::postgres::PgConnectOptions::new()
            .socket(&self.dir)
            .username(user)
            .database("nobi")
    }
}
