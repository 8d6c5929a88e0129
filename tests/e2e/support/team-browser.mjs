// The extension's side of team-mode tests and benchmarks: dist/ with the test server's origin
// granted, and connecting a panel through its own screen.
//
// Chrome shows a prompt for `chrome.permissions.request` that no test tool can answer
// (playwright#32755), so these profiles load a copy of dist/ whose manifest already grants
// http://127.0.0.1/*: the panel still asks (and Chrome answers at once, as for an origin granted
// before); everything else is dist/ as built.
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DIST } from '../harness.mjs';

/** dist/ with the test server's origin granted up front (see the header). */
export async function distForTests() {
  const dir = await mkdtemp(path.join(tmpdir(), 'nobi-team-dist-'));
  await cp(DIST, dir, { recursive: true });
  const file = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(await readFile(file, 'utf8'));
  manifest.host_permissions = ['http://127.0.0.1/*'];
  await writeFile(file, JSON.stringify(manifest, null, 2));
  return dir;
}

/** Connects the panel to the server with `code` and waits for "who am I". */
export async function connect(panel, url, code) {
  await panel.getByTestId('tab-data').click();
  await panel.getByTestId('team-server').fill(url);
  await panel.getByTestId('team-code').fill(code);
  await panel.getByTestId('team-connect').click();
  const error = panel.getByTestId('team-error');
  await Promise.race([panel.getByTestId('team-me').waitFor({ timeout: 15_000 }), error.waitFor({ timeout: 15_000 })]);
  if (await error.count()) throw new Error(`connecting failed: ${await error.textContent()}`);
  await panel.getByTestId('tab-customer').click();
}

