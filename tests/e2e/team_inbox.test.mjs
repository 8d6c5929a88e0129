// Team mode, conversations reported from the inbox list (issue 14: "a conversation is reported
// to the server the first time any agent's extension sees it — the open thread, and the site's
// inbox list where the adapter can read it"). One agent opens ONE Facebook thread; every thread
// the chat list beside it shows reaches the shop's server with the name its row shows, and a
// second agent who never opened any of them (working on Instagram) finds those buyers in the
// panel's list. Instagram's inbox rows carry no thread id (see the notes), so only Facebook's
// list is read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { launch } from './harness.mjs';
import { until } from './support/measure.mjs';
import { connect, distForTests } from './support/team-browser.mjs';
import { api, serverBinary, setupShop, startTeamServer } from './support/team-server.mjs';

test("a Facebook chat list is reported: the server gets every listed thread, and another agent sees buyers nobody opened", async () => {
  const server = await startTeamServer({ binary: await serverBinary() });
  const dist = await distForTests();
  let a;
  let b;
  try {
    const shop = await setupShop(server, {
      agents: ['Lan', 'Minh'],
      rule: 'all',
      page: { platform: 'facebook', external_id: '1093847561', name: 'Hoa Mai FB' },
    });
    [a, b] = await Promise.all([launch({ dist }), launch({ dist })]);
    const first = a.site.threads.facebook[0];
    const pageA = await a.openThread('facebook', first.id);
    const panelA = await a.openPanel(pageA);
    await panelA.getByTestId('buyer-name').filter({ hasText: first.name }).waitFor({ timeout: 20_000 });
    await connect(panelA, server.url, shop.invitations.Lan);

    // What the page's list shows, read from the page itself (not from the fixture's data).
    const listed = await pageA.evaluate(() =>
      [...document.querySelectorAll('a[href*="/messages/t/"], a[href*="/messages/e2ee/t/"]')]
        .filter((l) => !l.closest('[role="main"]'))
        .map((l) => ({
          id: new URL(l.href).pathname.split('/').filter(Boolean).pop(),
          text: l.innerText,
        })),
    );
    assert.ok(listed.length >= 3, `the list shows several threads: ${JSON.stringify(listed)}`);

    const onServer = async () => {
      const r = await api(server.url, '/v1/pull', { token: shop.owner.token, body: { cursor: null } });
      const rows = (e) => r.body.changes.filter((c) => c.entity === e).map((c) => c.row);
      const names = new Map(rows('customer').map((c) => [c.id, c.data.name]));
      return rows('conversation').map((c) => ({ id: c.thread_id, name: names.get(c.customer_id) }));
    };
    const reported = await until('every listed thread on the server', async () => {
      const got = await onServer();
      return listed.every((l) => got.some((g) => g.id === l.id)) ? got : null;
    });
    for (const l of listed) {
      const g = reported.find((r) => r.id === l.id);
      assert.ok(g.name && l.text.includes(g.name), `thread ${l.id} carries the name its row shows: ${g.name} / ${l.text}`);
    }
    assert.equal(reported.length, listed.length, 'nothing reported twice, nothing else reported');

    // Minh works on Instagram and never opened any of them: the shop's buyers are in his list.
    const pageB = await b.openThread('instagram', b.site.threads.instagram[0].id);
    const panelB = await b.openPanel(pageB);
    await panelB.getByTestId('buyer-name').first().waitFor({ timeout: 20_000 });
    await connect(panelB, server.url, shop.invitations.Minh);
    await panelB.getByTestId('tab-list').click();
    // A buyer of the Facebook list whose name none of Minh's own Instagram threads has.
    const own = new Set(b.site.threads.instagram.map((t) => t.name));
    const unopened = reported.find((r) => r.id !== first.id && !own.has(r.name));
    assert.ok(unopened, `a Facebook buyer not also on Instagram: ${JSON.stringify(reported)}`);
    await panelB.getByTestId('list-row').filter({ hasText: unopened.name }).waitFor({ timeout: 30_000 });
  } finally {
    await a?.close();
    await b?.close();
    await server.stop();
    await rm(dist, { recursive: true, force: true });
  }
});
