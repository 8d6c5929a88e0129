// Team mode with orders (issue 14: "stock and order status are decided by the server"): a real
// `nobi-server` on a throwaway PostgreSQL cluster and two agents of one shop in two browser
// profiles. One adds a product with ONE item in stock; the other's panel gets it. Both sell
// that last item to the buyer at the same moment: each browser reserves it locally, the server
// reserves it once, and the other agent is told why their order was refused, which order,
// and what to do; the winner's order appears on the loser's card. Then both change the
// winner's order at the same moment (one confirms, one cancels): the server takes one step,
// refuses the other as stale, and both panels end with the server's status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { SCREENSHOTS, launch, readRecords } from './harness.mjs';
import { assertFits, until } from './support/measure.mjs';
import { addProduct, available } from './support/catalog.mjs';
import { connect, distForTests } from './support/team-browser.mjs';
import { api, serverBinary, setupShop, startTeamServer } from './support/team-server.mjs';

/** What the server holds (as the shop's owner sees it): orders and the stock rows of products. */
async function serverState(server, token) {
  const r = await api(server.url, '/v1/pull', { token, body: { cursor: null } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const rows = (entity) => r.body.changes.filter((c) => c.entity === entity).map((c) => c.row);
  return { orders: rows('order'), stock: rows('product').flatMap((p) => p.stock) };
}

/** The extension's id of a record the server keys by UUID (`nobi_sync::ids::id_of`). */
function localId(uuid) {
  const u = uuid.toLowerCase();
  return `${u.slice(0, 8)}${u.slice(9, 13)}-${u.slice(15, 18)}${u.slice(20, 23)}${u.slice(24, 28)}`;
}

/** Fills the order form for one item of `sku`; the submit button is left to the caller. */
async function fillOrder(panel, sku) {
  await panel.getByTestId('tab-customer').click();
  await panel.getByTestId('create-order').click();
  const form = panel.getByTestId('order-form');
  await form.getByTestId('recipient-phone').fill('0912345678');
  await form.getByTestId('recipient-address').fill('12 ngõ 34 Tây Sơn, Đống Đa, Hà Nội');
  await form.getByTestId('product-search').fill(sku);
  await form.getByTestId('product-search').press('Enter');
  await form.getByTestId('order-line').first().waitFor();
  await form.getByTestId('order-fee').fill('30.000');
  await form.getByTestId('order-fee').press('Tab');
}

test('two agents sell the last item at once: the server reserves it once, the other order is refused and says why; a status race ends in the server\'s status', async () => {
  const server = await startTeamServer({ binary: await serverBinary() });
  const dist = await distForTests();
  let a;
  let b;
  try {
    const shop = await setupShop(server, {
      agents: ['Lan', 'Minh'],
      rule: 'all',
      page: { platform: 'instagram', external_id: 'hoamai.shop', name: 'Hoa Mai IG' },
    });
    [a, b] = await Promise.all([launch({ dist }), launch({ dist })]);
    const thread = a.site.threads.instagram[0];
    const pageA = await a.openThread('instagram', thread.id);
    const panelA = await a.openPanel(pageA);
    await panelA.getByTestId('buyer-name').filter({ hasText: thread.name }).waitFor();
    const pageB = await b.openThread('instagram', thread.id);
    const panelB = await b.openPanel(pageB);
    await panelB.getByTestId('buyer-name').filter({ hasText: thread.name }).waitFor();
    await connect(panelA, server.url, shop.invitations.Lan);
    await connect(panelB, server.url, shop.invitations.Minh);

    // Both browsers knew the buyer before connecting: wait until they share one record of them,
    // so that both orders are the same customer's.
    const buyerId = async (panel) => {
      const named = (await readRecords(panel, 'customers')).filter((c) => c.name === thread.name);
      return named.length === 1 ? named[0].id : null;
    };
    await until('one shared record of the buyer', async () => {
      const [x, y] = await Promise.all([buyerId(panelA), buyerId(panelB)]);
      return x && x === y;
    });

    // Lan adds a product with one item; Minh's panel gets it, with the server's stock.
    await panelA.getByTestId('tab-products').click();
    await addProduct(panelA, 'Áo thun cổ tròn', [{ sku: 'AO-TRON-S', size: 'S', price: '150.000', stock: 1 }]);
    await panelB.getByTestId('tab-products').click();
    await panelB.getByTestId('product-row').filter({ hasText: 'Áo thun cổ tròn' }).waitFor({ timeout: 20_000 });
    assert.equal(await available(panelB, 'AO-TRON-S'), 1);

    // Both fill an order for it, then submit in the same moment. Each browser has the item
    // locally, so each creates its order; the server decides.
    await fillOrder(panelA, 'AO-TRON-S');
    await fillOrder(panelB, 'AO-TRON-S');
    const submit = (panel) => panel.evaluate(() => document.querySelector('[data-testid="create-order-submit"]').click());
    await Promise.all([submit(panelA), submit(panelB)]);
    await panelA.getByTestId('order-row').first().waitFor();
    await panelB.getByTestId('order-row').first().waitFor();

    // Exactly one browser is told its order was refused, with which item and what to do.
    const refusalOf = async (panel) => {
      const line = panel.getByTestId('sync-refusal');
      return (await line.count()) ? line.textContent() : null;
    };
    const refusals = await until('one refusal', async () => {
      const r = await Promise.all([refusalOf(panelA), refusalOf(panelB)]);
      return r.some(Boolean) ? r : null;
    });
    await new Promise((r) => setTimeout(r, 2_000));
    const again = await Promise.all([refusalOf(panelA), refusalOf(panelB)]);
    assert.equal(again.filter(Boolean).length, 1, `exactly one order refused: ${JSON.stringify(again)}`);
    const loserIsA = Boolean(again[0]);
    const text = again[loserIsA ? 0 : 1] ?? refusals.find(Boolean);
    assert.match(text, /hết hàng/);
    assert.match(text, /AO-TRON-S \(Kho chính\) còn 0, cần 1/);
    assert.match(text, /sửa dòng hàng hoặc huỷ đơn/);
    const [win, lose] = loserIsA ? [panelB, panelA] : [panelA, panelB];
    const [winPage, losePage] = loserIsA ? [pageB, pageA] : [pageA, pageB];

    // The server holds one order and one reserved item.
    let held = await serverState(server, shop.owner.token);
    assert.equal(held.orders.length, 1, 'one order on the server');
    const stockRow = held.stock.find((s) => s.sku === 'AO-TRON-S');
    assert.deepEqual([stockRow.on_hand, stockRow.reserved], [1, 1]);

    // The loser's card now lists the winner's order beside its own refused one; its own order
    // says why it was refused, and holds no stock.
    await lose.getByTestId('tab-customer').click();
    await lose.getByTestId('order-row').nth(1).waitFor({ timeout: 20_000 });
    const winnerOrder = localId(held.orders[0].id);
    const losersOrders = await readRecords(lose, 'orders');
    const mine = losersOrders.find((o) => o.reservation === null && o.status === 'new');
    assert.ok(mine, `the refused order is kept, holding nothing: ${JSON.stringify(losersOrders.map((o) => [o.id, o.status, o.reservation]))}`);
    await losePage.bringToFront();
    await lose.setViewportSize({ width: 320, height: 900 });
    const code = (id) => id.replace(/[^0-9a-z]/gi, '').slice(-6).toUpperCase();
    await lose.getByTestId('order-row').filter({ hasText: code(mine.id) }).click();
    await lose.getByTestId('order-refusal').filter({ hasText: /hết hàng/ }).waitFor();
    await lose.screenshot({ path: path.join(SCREENSHOTS, 'team-order-refused-320.png') });
    await assertFits(lose, 'a refused order at 320 px');
    await lose.setViewportSize({ width: 480, height: 900 });
    await assertFits(lose, 'a refused order at 480 px');
    // Both panels show the item as gone.
    for (const panel of [win, lose]) {
      await panel.getByTestId('tab-products').click();
      await until('available 0', async () => (await available(panel, 'AO-TRON-S')) === 0);
    }

    // The loser cancels its refused order: it reaches the server as a cancelled order.
    await lose.getByTestId('tab-customer').click();
    await lose.getByTestId('order-row').filter({ hasText: code(mine.id) }).click();
    await lose.getByTestId('cancel-reason').fill('Hết hàng');
    await lose.getByTestId('cancel-order').click();
    await until('the cancelled order on the server', async () => {
      const s = await serverState(server, shop.owner.token);
      return s.orders.some((o) => o.status === 'cancelled') && s.orders.length === 2;
    });
    held = await serverState(server, shop.owner.token);
    assert.equal(held.stock.find((s) => s.sku === 'AO-TRON-S').reserved, 1, 'the cancel takes nothing back from the winner');
    await lose.getByTestId('order-back').click();

    // The winner's order, changed by both at once: one confirms, the other cancels.
    await winPage.bringToFront();
    const openWinner = async (panel) => {
      await panel.getByTestId('tab-customer').click();
      await panel.getByTestId('order-row').filter({ hasText: code(winnerOrder) }).click();
      await panel.getByTestId('order-detail').waitFor();
    };
    await openWinner(win);
    await openWinner(lose);
    await lose.getByTestId('cancel-reason').fill('Khách đổi ý');
    await Promise.all([
      win.evaluate(() => document.querySelector('[data-testid="order-next-status"]').click()),
      lose.evaluate(() => document.querySelector('[data-testid="cancel-order"]').click()),
    ]);
    const final = await until('the server to settle the order', async () => {
      const s = await serverState(server, shop.owner.token);
      const o = s.orders.find((x) => localId(x.id) === winnerOrder);
      return o && o.status !== 'new' ? o.status : null;
    });
    const label = final === 'confirmed' ? 'Đã xác nhận' : 'Đã huỷ';
    for (const panel of [win, lose]) {
      await panel.getByTestId('order-detail-status').filter({ hasText: label }).waitFor({ timeout: 20_000 });
    }
    // The one whose change was not taken is told: by the server's refusal (its push was
    // stale), or at once by its own panel when the server's version had already arrived (the
    // write expected the order it was made on).
    const toldOf = async (panel) => {
      for (const id of ['order-refusal', 'order-error']) {
        const el = panel.getByTestId(id);
        if (await el.count()) return el.first().textContent();
      }
      return null;
    };
    const told = await until('the loser of the race to be told', async () => {
      const r = await Promise.all([toldOf(win), toldOf(lose)]);
      return r.some(Boolean) ? r : null;
    });
    assert.equal(told.filter(Boolean).length, 1, `exactly one of the two is told: ${JSON.stringify(told)}`);
    const message = told.find(Boolean);
    const stalePush = new RegExp(`Người khác đã chuyển đơn #${code(winnerOrder)} sang «${label}»`);
    assert.ok(stalePush.test(message) || /vừa được đổi ở nơi khác/.test(message), message);
    held = await serverState(server, shop.owner.token);
    assert.equal(held.stock.find((s) => s.sku === 'AO-TRON-S').reserved, final === 'confirmed' ? 1 : 0, 'stock follows the server\'s status');
  } finally {
    await a?.close();
    await b?.close();
    await server.stop();
    await rm(dist, { recursive: true, force: true });
  }
});
