// A real team server (`nobi-server`) for end-to-end tests, on a throwaway PostgreSQL cluster.
// The cluster is made the way server/tests/it/cluster.rs makes its own: initdb into a temp dir
// (as `postgres` when we are root: initdb refuses root), postgres listening only on a unix
// socket in that dir. The server connects as the superuser `postgres`: it runs its migrations
// at start (so it must own the schema) and every request's transaction switches to the
// `nobi_app` role itself (server/src/db.rs), so row-level security still applies.
import { execFile, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const IS_ROOT = process.getuid() === 0;
// Pinned on both sides: PGPORT in the environment would otherwise rename the socket file.
const PG_PORT = '5432';

/** Path of the debug `nobi-server`, built first (cargo does nothing when it is up to date, and a
 *  stale binary would test old server code). */
export async function serverBinary() {
  const target = path.join(ROOT, 'target');
  const binary = path.join(target, 'debug', 'nobi-server');
  // CARGO_TARGET_DIR pinned so the binary lands where we look for it.
  const r = spawnSync('cargo', ['build', '--quiet', '-p', 'nobi-server'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, CARGO_TARGET_DIR: target },
  });
  if (r.status !== 0) throw new Error(`cargo build -p nobi-server failed (status ${r.status})`);
  return binary;
}

/** Directory of initdb/pg_ctl: NOBI_PG_BIN, else the newest /usr/lib/postgresql/<n>/bin. */
function pgBin() {
  if (process.env.NOBI_PG_BIN) return process.env.NOBI_PG_BIN;
  const base = '/usr/lib/postgresql';
  const versions = (fs.existsSync(base) ? fs.readdirSync(base) : [])
    .filter((v) => /^\d+$/.test(v) && fs.existsSync(path.join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(a) - Number(b));
  if (!versions.length) {
    throw new Error('initdb/pg_ctl not found under /usr/lib/postgresql/*/bin: run ./build.sh or set NOBI_PG_BIN');
  }
  return path.join(base, versions.at(-1), 'bin');
}

/** [command, args] running `program` as the cluster's owner: `postgres` when we are root. */
function asOwner(program, args) {
  return IS_ROOT ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, args];
}

/** Runs a command to completion without blocking the event loop; throws with its output. */
async function run([cmd, args], what) {
  try {
    return await promisify(execFile)(cmd, args, { maxBuffer: 16 << 20 });
  } catch (e) {
    throw new Error(`${what} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts PostgreSQL and `nobi-server serve` with one shop ("Shop e2e").
 * Returns { url, databaseUrl, ownerCode, shopId, stop }; `stop()` kills everything and deletes
 * the temp dir. Always call it (a process 'exit' handler and a watchdog are only safety nets).
 */
export async function startTeamServer({ binary }) {
  const bin = pgBin();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nobi-e2e-pg-'));
  const data = path.join(dir, 'data');
  const pgCtl = path.join(bin, 'pg_ctl');
  // The socket dir goes in the query (a path cannot be a URL host); sqlx reads `host=/…` as a socket.
  const databaseUrl = `postgres://postgres@localhost:${PG_PORT}/nobi?host=${encodeURIComponent(dir)}`;
  let server = null;
  let watchdog = null;
  let stopped = false;

  // Synchronous, so it also works from the 'exit' handler (no event loop there).
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', stopSync);
    watchdog?.kill('SIGKILL');
    if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    if (fs.existsSync(path.join(data, 'postmaster.pid'))) {
      const [cmd, args] = asOwner(pgCtl, ['-D', data, '-m', 'immediate', 'stop']);
      spawnSync(cmd, args, { stdio: 'ignore' });
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', stopSync);
  const stop = async () => {
    const exited = server && server.exitCode === null && server.signalCode === null
      ? new Promise((r) => server.once('exit', r))
      : null;
    stopSync();
    await exited;
  };

  try {
    if (IS_ROOT) await run(['chown', ['postgres:postgres', dir]], 'chown of the cluster dir');
    await run(
      asOwner(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']),
      'initdb',
    );
    // 'exit' handlers do not run when the test process is killed by a signal (Ctrl-C, a runner's
    // timeout): this shell, in its own process group, cleans up once our pid is gone.
    const owner = IS_ROOT ? 'runuser -u postgres -- ' : '';
    watchdog = spawn('sh', ['-c',
      `while kill -0 ${process.pid} 2>/dev/null; do sleep 0.5; done;` +
      ` [ -f '${dir}/server.pid' ] && kill -9 "$(cat '${dir}/server.pid')" 2>/dev/null;` +
      ` ${owner}'${pgCtl}' -D '${data}' -m immediate stop >/dev/null 2>&1; rm -rf '${dir}'`,
    ], { detached: true, stdio: 'ignore' });
    watchdog.unref();
    await run(
      asOwner(pgCtl, ['-D', data, '-l', path.join(dir, 'log'), '-w', '-t', '60', '-o',
        `-p ${PG_PORT} -k ${dir} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
        'start']),
      'pg_ctl start',
    );
    await run(asOwner(path.join(bin, 'createdb'), ['-h', dir, '-p', PG_PORT, '-U', 'postgres', 'nobi']), 'createdb');

    // Prints "shop <uuid> created.\nowner's invitation code (one use, 7 days): XXXX-XXXX-…".
    const { stdout } = await run([binary, ['create-shop', '--database-url', databaseUrl, '--name', 'Shop e2e']], 'nobi-server create-shop');
    const shopId = /^shop (\S+) created/m.exec(stdout)?.[1];
    const ownerCode = /invitation code[^:]*:\s*(\S+)/.exec(stdout)?.[1];
    if (!shopId || !ownerCode) throw new Error(`create-shop printed something unexpected:\n${stdout}`);

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    // Started again on the same port by startServer (the offline test stops only the server).
    const startServer = async () => {
      server = spawn(binary, ['serve', '--database-url', databaseUrl, '--listen', `127.0.0.1:${port}`], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      fs.writeFileSync(path.join(dir, 'server.pid'), String(server.pid));
      let stderr = '';
      server.stderr.on('data', (d) => { stderr += d; });
      const deadline = Date.now() + 30_000;
      for (;;) {
        if (server.exitCode !== null || server.signalCode !== null) {
          throw new Error(`nobi-server exited (${server.exitCode ?? server.signalCode}) before answering:\n${stderr}`);
        }
        try {
          if ((await fetch(`${url}/health`)).ok) break;
        } catch { /* not listening yet */ }
        if (Date.now() > deadline) throw new Error(`nobi-server did not answer ${url}/health within 30 s:\n${stderr}`);
        await sleep(100);
      }
    };
    /** Stops the server process only (the database stays): the extension sees it offline. */
    const stopServer = async () => {
      if (server && server.exitCode === null && server.signalCode === null) {
        const exited = new Promise((r) => server.once('exit', r));
        server.kill('SIGKILL');
        await exited;
      }
    };
    await startServer();
    return { url, databaseUrl, ownerCode, shopId, stop, stopServer, startServer };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** One JSON call. Returns { status, body } (body: parsed JSON, or { text } when not JSON). */
export async function api(url, path, { token, body, method = 'POST' } = {}) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url + path, {
    method,
    headers,
    body: method === 'GET' || method === 'HEAD' ? undefined : JSON.stringify(body ?? {}),
  });
  const text = await res.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { text };
  }
  return { status: res.status, body: parsed };
}

/** A call that must answer 200; returns its body. */
async function ok(url, path, opts) {
  const r = await api(url, path, opts);
  if (r.status !== 200) throw new Error(`${opts.method ?? 'POST'} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * The owner joins, creates one page, sets its rule and invites one agent per name onto it.
 * `rule` is a mode ('claim_first' | 'all' | 'round_robin') or a whole rule body
 * ({ mode, visibility, capacity, offline_minutes, existing }, see server/src/api/shop.rs).
 * Returns { owner: { token, user_id }, page_id, invitations: { [name]: code } }.
 */
export async function setupShop(server, {
  agents = ['A', 'B'],
  rule = 'claim_first',
  page = { platform: 'instagram', external_id: 'hoamai.shop', name: 'Hoa Mai' },
} = {}) {
  const joined = await ok(server.url, '/v1/join', { body: { code: server.ownerCode, name: 'Chủ shop' } });
  const owner = { token: joined.session.token, user_id: joined.user_id };
  const { page: created } = await ok(server.url, '/v1/pages', { token: owner.token, body: page });
  await ok(server.url, `/v1/pages/${created.id}/rule`, {
    token: owner.token,
    method: 'PUT',
    body: typeof rule === 'string' ? { mode: rule } : rule,
  });
  const invitations = {};
  for (const name of agents) {
    const inv = await ok(server.url, '/v1/invitations', {
      token: owner.token,
      body: { role: 'agent', name, page_ids: [created.id] },
    });
    invitations[name] = inv.code;
  }
  return { owner, page_id: created.id, invitations };
}
