// Self-check of team-server.mjs (not a *.test.mjs: the e2e runner does not pick it up).
//   node tests/e2e/support/team-server.selfcheck.mjs
import assert from 'node:assert/strict';
import { api, serverBinary, setupShop, startTeamServer } from './team-server.mjs';

const t0 = performance.now();
const lap = (what) => console.log(`${what.padEnd(40)} ${((performance.now() - t0) / 1000).toFixed(2)} s`);

const binary = await serverBinary();
lap('binary ready');
const server = await startTeamServer({ binary });
lap(`server up at ${server.url}`);
try {
  const shop = await setupShop(server, { agents: ['A', 'B'], rule: 'claim_first' });
  lap('setupShop (owner, page, rule, 2 codes)');
  assert.deepEqual(Object.keys(shop.invitations), ['A', 'B']);

  const joined = await api(server.url, '/v1/join', { body: { code: shop.invitations.A } });
  assert.equal(joined.status, 200, JSON.stringify(joined.body));
  assert.equal(joined.body.role, 'agent');
  assert.equal(joined.body.name, 'A');
  const a = joined.body.session.token;
  lap('agent A joined');

  const me = await api(server.url, '/v1/me', { token: a, method: 'GET' });
  assert.equal(me.status, 200, JSON.stringify(me.body));
  assert.deepEqual(me.body.pages.map((p) => p.id), [shop.page_id]);
  assert.equal(me.body.shop.name, 'Shop e2e');

  const report = await api(server.url, '/v1/conversations/report', {
    token: a,
    body: { page_id: shop.page_id, thread_id: 'selfcheck-thread-1' },
  });
  assert.equal(report.status, 200, JSON.stringify(report.body));
  assert.equal(report.body.created, true);
  assert.equal(report.body.conversation.page_id, shop.page_id);
  lap('A: /v1/me lists the page, report ok');
} finally {
  await server.stop();
  lap('stopped');
}
console.log('team-server self-check: ok');
