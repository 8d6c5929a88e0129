// Team mode, end to end: how long a change by agent A takes to appear in agent B's panel, with
// the real extension in two browser profiles and a real nobi-server on a throwaway PostgreSQL.
// A adds a note N times on a buyer both have open; each time, the time until B's card shows it.
// Prints median, p90 and max (target: ≤ 2 s median with the normal sync interval). Figures only:
// nothing here fails on a slow machine.
import { rm } from 'node:fs/promises';
import { launch } from '../e2e/harness.mjs';
import { connect, distForTests } from '../e2e/support/team-browser.mjs';
import { serverBinary, setupShop, startTeamServer } from '../e2e/support/team-server.mjs';

const N = Number(process.env.NOBI_TEAM_BENCH_N || 20);

const server = await startTeamServer({ binary: await serverBinary() });
const dist = await distForTests();
const browsers = [];
try {
  const shop = await setupShop(server, {
    agents: ['A', 'B'],
    rule: 'all',
    page: { platform: 'instagram', external_id: 'hoamai.shop', name: 'Hoa Mai IG' },
  });
  const a = await launch({ dist });
  const b = await launch({ dist });
  browsers.push(a, b);
  const thread = a.site.threads.instagram[0];
  const panels = [];
  for (const [browser, name] of [[a, 'A'], [b, 'B']]) {
    const page = await browser.openThread('instagram', thread.id);
    const panel = await browser.openPanel(page);
    await panel.getByTestId('buyer-name').filter({ hasText: thread.name }).waitFor();
    await connect(panel, server.url, shop.invitations[name]);
    panels.push(panel);
  }
  const [pa, pb] = panels;
  // In Chrome the side panel is visible beside the page; a panel opened as a tab behind the page
  // would have its timers throttled to one a second, which is not what agents see.
  await pa.bringToFront();
  await pb.bringToFront();
  // Both browsers know the buyer as one record before measuring.
  await pa.getByTestId('note-input').fill('warm-up');
  await pa.getByTestId('add-note').click();
  await pb.getByTestId('note').filter({ hasText: 'warm-up' }).waitFor({ timeout: 30_000 });
  const times = [];
  for (let i = 1; i <= N; i++) {
    const text = `bench note ${i}`;
    await pa.getByTestId('note-input').fill(text);
    const t0 = Date.now();
    await pa.getByTestId('add-note').click();
    await pb.getByTestId('note').filter({ hasText: new RegExp(`^.*${text}(\\D|$)`) }).first().waitFor({ timeout: 30_000 });
    times.push(Date.now() - t0);
  }
  times.sort((x, y) => x - y);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  console.log(`A's note in B's panel, ${N} notes: median ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${times.at(-1)} ms (pull every 1 s while a panel is open)`);
} finally {
  for (const b of browsers) await b.close();
  await server.stop();
  await rm(dist, { recursive: true, force: true });
}
