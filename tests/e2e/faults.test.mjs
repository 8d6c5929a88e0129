// Faults (issue 13): the outbox, the store and the worker under the faults of a normal week — a
// hostile tab, a repeated request, files gone, a damaged store, a message nobody can check, a tab
// that hangs. One browser session runs the scenarios that can share it; each says which point of
// the issue it covers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser, screenshotSideBySide } from './harness.mjs';
import { ask, outcomeOf, sendText, waitForConversation } from './protocol.mjs';

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function enqueue(panel, { id, to, text, files = [], notBefore = null, account = null }) {
  return ask(panel, {
    enqueue: {
      item: { id, to, account, text, attachments: [], not_before: notBefore },
      files,
    },
  });
}

async function outbox(panel) {
  const reply = await ask(panel, 'get_outbox');
  if (!reply.outbox) throw new Error(`get_outbox: ${JSON.stringify(reply)}`);
  return reply.outbox;
}

const stateName = (item) => item && (typeof item.state === 'string' ? item.state : Object.keys(item.state)[0]);

async function waitForState(panel, id, state, timeout = 30000) {
  const start = Date.now();
  for (;;) {
    const item = (await outbox(panel)).items.find((i) => i.id === id);
    if (stateName(item) === state) return item;
    if (Date.now() - start > timeout) throw new Error(`item ${id} is ${JSON.stringify(item?.state)}, not ${state}`);
    await sleep(150);
  }
}

/** `chrome.storage.local` as the extension's own pages see it. */
const storage = {
  get: (panel, key) => panel.evaluate((k) => chrome.storage.local.get(k).then((v) => v[k]), key),
  set: (panel, items) => panel.evaluate((i) => chrome.storage.local.set(i), items),
  keys: (panel) => panel.evaluate(() => chrome.storage.local.get(null).then((v) => Object.keys(v))),
};

async function stopWorker(browser, panel) {
  const cdp = await browser.context.newCDPSession(panel);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await cdp.detach();
}

/** Evaluates `expression` in the content script's isolated world of `page` (where a compromised
 *  page's script could reach, through a bug of ours or of the platform's). */
async function inContentWorld(browser, page, expression) {
  const cdp = await browser.context.newCDPSession(page);
  const contexts = [];
  cdp.on('Runtime.executionContextCreated', (e) => contexts.push(e.context));
  await cdp.send('Runtime.enable');
  const origin = `chrome-extension://${browser.extensionId}`;
  const world = contexts.find((c) => c.origin === origin || (c.auxData && c.auxData.type === 'isolated' && c.name.includes('Nobi')));
  assert.ok(world, `the content script's world is there: ${JSON.stringify(contexts.map((c) => [c.name, c.origin]))}`);
  const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', {
    contextId: world.id,
    expression,
    awaitPromise: true,
    returnByValue: true,
  });
  await cdp.detach();
  if (exceptionDetails) return `threw: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`;
  return result.value;
}

test('faults in one session: a hostile tab, a repeated request with an image, files gone, orphans, another account, a damaged outbox', async () => {
  await withBrowser({ fixtures: { lang: 'vi' } }, async (browser) => {
    const [first, second] = browser.site.threads.instagram;
    const to = (t) => ({ platform: 'instagram', thread_id: t.id });
    const page = await browser.openThread('instagram', first.id);
    const panel = await browser.openPanel(page);
    await panel.getByTestId('buyer-name').filter({ hasText: first.name }).waitFor();
    await waitForConversation(panel, 'instagram', first.id);

    // Point 1: the quota cannot refuse a send; files live beside the outbox, not in it.
    assert.equal(await panel.evaluate(() => chrome.permissions.contains({ permissions: ['unlimitedStorage'] })), true);

    // Point 8: the reply to an enqueue with an image is lost and the panel asks again with the same
    // id. Before: the second request was refused (its attachments differed from the stored keys)
    // while the first went out, and the agent sent it a third time.
    const withImage = { id: 'twice-1', to: to(first), text: 'Dạ ảnh thật mẫu váy ạ', files: [{ name: 'vay.png', mime: 'image/png', data_base64: PNG }] };
    const [a, b] = await Promise.all([enqueue(panel, withImage), enqueue(panel, withImage)]);
    assert.ok(a.outbox, `first request stored: ${JSON.stringify(a).slice(0, 200)}`);
    assert.ok(b.outbox, `the repeated request is the same message, not a failure: ${JSON.stringify(b).slice(0, 200)}`);
    await waitForState(panel, 'twice-1', 'sent');
    const again = await enqueue(panel, withImage);
    assert.ok(again.outbox, 'asked again after it was sent: still the same message');
    await sleep(1000);
    const sent = await page.evaluate(() => window.__fixture.sentLog());
    assert.equal(sent.length, 1, `sent once: ${JSON.stringify(sent)}`);
    assert.deepEqual(sent[0].attachments, ['vay.png'], 'with its image');
    assert.equal(await storage.get(panel, 'file:twice-1#0'), undefined, 'its file is gone once sent');

    // Point 13: content scripts cannot read or write chrome.storage.local (the outbox, its files).
    await enqueue(panel, { id: 'later-1', to: to(first), text: 'Tin hẹn giờ', notBefore: Date.now() + 3_600_000 });
    const readFromPage = await inContentWorld(
      browser,
      page,
      `(async () => { try { const v = await chrome.storage.local.get(null); return 'read ' + Object.keys(v).join(','); } catch (e) { return 'refused: ' + e.message; } })()`,
    );
    assert.match(String(readFromPage), /refused|threw|undefined/, `the content world reads storage: ${readFromPage}`);
    // ...and a tab can announce only the thread its URL shows.
    const forged = await inContentWorld(
      browser,
      page,
      `chrome.runtime.sendMessage({ conversation_opened: { engine: 'wasm', conversation: {
        thread: { platform: 'instagram', thread_id: '${second.id}' }, buyer_name: 'Kẻ mạo danh',
        url: 'https://www.instagram.com/direct/t/${second.id}/', ui_language: 'vi' } } }).then(() => 'sent')`,
    );
    assert.equal(forged, 'sent');
    await sleep(500);
    await waitForConversation(panel, 'instagram', first.id, { timeout: 2000 });

    // Point 1: a message whose stored file is gone fails with a reason, and is never sent without it.
    await enqueue(panel, { id: 'nofile-1', to: to(first), text: 'Dạ bảng màu ạ', notBefore: Date.now() + 2500, files: [{ name: 'mau.png', mime: 'image/png', data_base64: PNG }] });
    await panel.evaluate(() => chrome.storage.local.remove('file:nofile-1#0'));
    const missing = await waitForState(panel, 'nofile-1', 'failed');
    assert.equal(missing.state.failed.reason, 'files_missing');
    assert.equal((await page.evaluate(() => window.__fixture.sentLog())).length, 1, 'nothing more was sent');

    // Point 14: a message queued for another account than the one the page acts as.
    await enqueue(panel, { id: 'account-1', to: to(first), text: 'Tin của tài khoản khác', account: 'nguyen.van.a' });
    const wrong = await waitForState(panel, 'account-1', 'failed');
    assert.equal(wrong.state.failed.reason, 'wrong_account');
    assert.equal((await page.evaluate(() => window.__fixture.sentLog())).length, 1);
    assert.equal(await page.evaluate(() => window.__fixture.editorText()), '', 'nothing was typed');

    // Point 1: files no message wants (a crash between the file write and the message write) are
    // swept when a worker starts; files of a message still queued are kept.
    await storage.set(panel, { 'file:ghost#0': { name: 'x.png', mime: 'image/png', data_base64: PNG } });
    await enqueue(panel, { id: 'keep-1', to: to(first), text: 'Ảnh giữ lại', notBefore: Date.now() + 3_600_000, files: [{ name: 'k.png', mime: 'image/png', data_base64: PNG }] });
    await stopWorker(browser, panel);
    await outbox(panel); // wakes a new worker
    await sleep(500);
    const keys = await storage.keys(panel);
    assert.ok(!keys.includes('file:ghost#0'), `the orphan is swept: ${keys}`);
    assert.ok(keys.includes('file:keep-1#0'), `a queued message keeps its file: ${keys}`);

    // Point 7: a stored outbox that cannot be read is kept aside, never overwritten, and the panel says so.
    const garbage = { items: 'not a list', settings: 7 };
    await storage.set(panel, { outbox: garbage });
    await stopWorker(browser, panel);
    const damaged = await outbox(panel);
    assert.ok(damaged.damaged, 'the worker reports the damage');
    assert.equal(damaged.damaged.kept_as, 'outbox-unreadable');
    assert.deepEqual(await storage.get(panel, 'outbox-unreadable'), garbage, 'the raw value is kept');
    await panel.getByTestId('tab-list').click();
    await panel.getByTestId('tab-customer').click();
    await panel.getByTestId('outbox-damaged').waitFor();
    // New messages still go out, and the kept value is never written over.
    await enqueue(panel, { id: 'after-damage', to: to(first), text: 'Dạ shop đây ạ' });
    await waitForState(panel, 'after-damage', 'sent');
    await storage.set(panel, { outbox: 'garbage again' });
    await stopWorker(browser, panel);
    await outbox(panel);
    assert.deepEqual(await storage.get(panel, 'outbox-unreadable'), garbage, 'the first damaged value stays');
  });
});

test('a message the worker cannot check goes to the agent after a few checks, touches no tab, and the agent decides (point 3)', async () => {
  await withBrowser({ fixtures: { lang: 'vi' } }, async (browser) => {
    const panel = await browser.openPanel();
    // A message left "sending" by a dead worker, to a conversation no tab shows and no URL can
    // open (its id came from old data): every check fails at once. Two checks already failed.
    const now = Date.now();
    const item = (id, checks) => ({
      id, to: { platform: 'instagram', thread_id: 'đã xoá' }, account: null, text: `Dạ tin ${id}`, attachments: [],
      created_at: now - 60_000, not_before: null, retry_at: null, attempts: 1, last_failure: null, seq: checks,
      state: { needs_check: { attempt: 1, started_at: now - 50_000, checks } },
    });
    await storage.set(panel, { outbox: { items: [item('unsure-1', 2), item('unsure-2', 0)], next_seq: 3 } });
    const pagesBefore = browser.context.pages().length;
    await stopWorker(browser, panel);
    const first = await waitForState(panel, 'unsure-1', 'needs_agent');
    assert.equal(first.state.needs_agent.reason, 'no_conversation_tab');
    // The other one is checked again later, at most three times in all, then it too waits.
    await waitForState(panel, 'unsure-2', 'needs_agent', 60_000);
    const settled = JSON.stringify((await outbox(panel)).items.map((i) => i.state));
    await sleep(2000);
    assert.equal(JSON.stringify((await outbox(panel)).items.map((i) => i.state)), settled, 'nothing happens by itself any more');
    assert.equal(browser.context.pages().length, pagesBefore, 'no tab was opened');
    // The panel (no conversation open: every message still pending) lets the agent decide.
    await panel.reload();
    const row = panel.getByTestId('outbox-item').filter({ hasText: 'Dạ tin unsure-1' });
    await row.getByTestId('outbox-state').filter({ hasText: /Cần bạn xem/ }).waitFor();
    await screenshotPanel(panel, 'outbox-needs-agent');
    await row.getByTestId('outbox-mark-sent').click();
    await waitForState(panel, 'unsure-1', 'sent');
    const other = panel.getByTestId('outbox-item').filter({ hasText: 'Dạ tin unsure-2' });
    await other.getByTestId('outbox-cancel').click();
    await waitForState(panel, 'unsure-2', 'cancelled');
  });
});

async function screenshotPanel(panel, name) {
  const { SCREENSHOTS } = await import('./harness.mjs');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(SCREENSHOTS, { recursive: true });
  await panel.screenshot({ path: `${SCREENSHOTS}/${name}.png` });
}

test('a tab that hangs is reported, not waited on: the pump goes on with other conversations (point 17)', async () => {
  await withBrowser({ fixtures: { lang: 'vi' } }, async (browser) => {
    const ig = browser.site.threads.instagram[0];
    const fb = browser.site.threads.facebook[0];
    const hung = await browser.openThread('instagram', ig.id);
    const other = await browser.openThread('facebook', fb.id);
    const panel = await browser.openPanel(other);
    await waitForConversation(panel, 'facebook', fb.id);
    // The Instagram page stops running script (a trap, a frozen renderer).
    const cdp = await browser.context.newCDPSession(hung);
    await cdp.send('Debugger.enable');
    await cdp.send('Debugger.pause');
    await enqueue(panel, { id: 'hung-1', to: { platform: 'instagram', thread_id: ig.id }, text: 'Tin vào tab treo' });
    await enqueue(panel, { id: 'free-1', to: { platform: 'facebook', thread_id: fb.id }, text: 'Tin vào tab bình thường' });
    const stuck = await waitForState(panel, 'hung-1', 'failed', 60_000);
    assert.equal(stuck.state.failed.reason, 'tab_stuck', JSON.stringify(stuck.state));
    await waitForState(panel, 'free-1', 'sent', 30_000);
    assert.deepEqual((await other.evaluate(() => window.__fixture.sentLog())).map((m) => m.text), ['Tin vào tab bình thường']);
    await cdp.send('Debugger.resume');
    await cdp.detach();
    // The panel shows the reason.
    await screenshotSideBySide(browser.context, other, panel, 'outbox-tab-stuck').catch(() => {});
  });
});

test('the composer is bound to the page\'s conversation: another customer in the card never fills a template for this buyer (point 2)', async () => {
  await withBrowser({ fixtures: { lang: 'vi' } }, async (browser) => {
    const [a, b] = browser.site.threads.instagram;
    const page = await browser.openThread('instagram', b.id);
    const panel = await browser.openPanel(page);
    await panel.getByTestId('buyer-name').filter({ hasText: b.name }).waitFor();
    // A template that names the buyer.
    await panel.getByTestId('tab-templates').click();
    await panel.getByTestId('tpl-new').click();
    await panel.getByTestId('tpl-name').fill('Chào khách');
    await panel.getByTestId('tpl-shortcut').fill('/chao');
    await panel.getByTestId('tpl-content').fill('Dạ chào {ten_khach} ạ');
    await panel.getByTestId('tpl-save').click();
    await panel.getByTestId('tpl-row').filter({ hasText: 'Chào khách' }).waitFor();
    // The agent goes to A's thread, then opens B from the list: the card shows B, the page A.
    await page.evaluate((id) => window.__fixture.navigate(id), a.id);
    await panel.getByTestId('buyer-name').filter({ hasText: a.name }).waitFor();
    await panel.getByTestId('composer-to').filter({ hasText: a.name }).waitFor();
    await panel.getByTestId('tab-list').click();
    await panel.getByTestId('list-row').filter({ hasText: b.name }).click();
    await panel.getByTestId('buyer-name').filter({ hasText: b.name }).waitFor();
    await panel.getByTestId('composer-other-customer').waitFor();
    assert.match(await panel.getByTestId('composer-to').innerText(), new RegExp(a.name), 'it says whom it sends to');
    await panel.getByTestId('composer').fill('/chao');
    await panel.getByTestId('tpl-option').filter({ hasText: 'Chào khách' }).click();
    await panel.getByTestId('composer-error').waitFor();
    assert.equal(await panel.getByTestId('composer').inputValue(), '/chao', `B's name is not put in A's message`);
    // One click on the name at the top brings back A, and the template fills for A.
    await panel.getByTestId('current-buyer').click();
    await panel.getByTestId('buyer-name').filter({ hasText: a.name }).waitFor();
    await panel.getByTestId('composer-other-customer').waitFor({ state: 'detached' });
    await panel.getByTestId('composer').fill('/chao');
    await panel.getByTestId('tpl-option').filter({ hasText: 'Chào khách' }).click();
    await panel.waitForFunction((t) => document.querySelector('[data-testid=composer]').value === t, `Dạ chào ${a.name} ạ`);
    await panel.screenshot({ path: `${(await import('./harness.mjs')).SCREENSHOTS}/composer-bound.png` });
  });
});

test('after two quick switches the middle thread\'s late pane is never taken for the last one (point 4)', async () => {
  await withBrowser({ fixtures: { lang: 'vi', navDelayMs: 1500, lateMiddle: true } }, async (browser) => {
    const [a, b, c] = browser.site.threads.instagram;
    const page = await browser.openThread('instagram', a.id);
    const panel = await browser.openPanel(page);
    await waitForConversation(panel, 'instagram', a.id);
    // A → B, then → C a second later: B's pane arrives at 1.5 s under C's URL and stays a second,
    // until C's arrives at 2.5 s.
    await page.evaluate((b) => window.__fixture.navigate(b), b.id);
    await sleep(1000);
    await page.evaluate((c) => window.__fixture.navigate(c), c.id);
    // As soon as the tab announces C, a send to C goes to it (the adapter-level order: the
    // outbox would first reload a tab that does not announce the thread yet).
    const announced = await waitForConversation(panel, 'instagram', c.id);
    const { reply } = await sendText(panel, { platform: 'instagram', thread_id: c.id }, 'Dạ tin cho người thứ ba');
    assert.equal(outcomeOf(reply), 'sent', JSON.stringify(reply));
    assert.equal(announced.conversation.buyer_name, c.name, 'C was announced with C\'s own name');
    const sent = await page.evaluate(() => window.__fixture.sent.map(({ threadId, paneThreadId, text }) => ({ threadId, paneThreadId, text })));
    assert.deepEqual(sent, [{ threadId: c.id, paneThreadId: c.id, text: 'Dạ tin cho người thứ ba' }], 'typed into C\'s own pane');
    const now = await waitForConversation(panel, 'instagram', c.id);
    assert.equal(now.conversation.buyer_name, c.name, 'the worker never took B\'s name for C');
  });
});

test('settings that cannot be read are never written over by a language switch (point 12)', async () => {
  await withBrowser({ fixtures: { lang: 'vi' } }, async (browser) => {
    const thread = browser.site.threads.instagram[0];
    const page = await browser.openThread('instagram', thread.id);
    const panel = await browser.openPanel(page);
    await panel.getByTestId('buyer-name').filter({ hasText: thread.name }).waitFor();
    // A settings record this version cannot read (a field of the wrong type).
    const damaged = { id: 'settings', updated_at: 1, lang: 'en', warehouses: 'not a list', me: 42 };
    const raw = (value) => panel.evaluate((value) => new Promise((resolve, reject) => {
      const open = indexedDB.open('nobi-pro');
      open.onsuccess = () => {
        const db = open.result;
        const tx = db.transaction('settings', value ? 'readwrite' : 'readonly');
        const req = value ? tx.objectStore('settings').put(value) : tx.objectStore('settings').get('settings');
        req.onsuccess = () => { db.close(); resolve(req.result); };
        req.onerror = () => reject(req.error);
      };
      open.onerror = () => reject(open.error);
    }), value);
    await raw(damaged);
    await panel.reload();
    await panel.getByTestId('card-error').filter({ hasText: /cài đặt|settings/i }).waitFor();
    await panel.getByTestId('lang-switch').click();
    await sleep(800);
    assert.deepEqual(await raw(null), damaged, 'the stored record is as it was');
  });
});

test('quick edits and a second panel never lose an update (point 11)', async () => {
  await withBrowser({ fixtures: { lang: 'vi' } }, async (browser) => {
    const thread = browser.site.threads.instagram[0];
    const page = await browser.openThread('instagram', thread.id);
    const panel = await browser.openPanel(page);
    await panel.getByTestId('buyer-name').filter({ hasText: thread.name }).waitFor();
    // Two notes in a row, the second before the first is written.
    await panel.getByTestId('note-input').fill('ghi chú một');
    await panel.evaluate(() => {
      const input = document.querySelector('[data-testid=note-input]');
      const button = document.querySelector('[data-testid=add-note]');
      button.click();
      input.value = 'ghi chú hai';
      input.dispatchEvent(new Event('input', { bubbles: true }));
      button.click();
    });
    await panel.getByTestId('note').filter({ hasText: 'ghi chú hai' }).waitFor();
    // A second panel (another window) shows the same customer, and adds a note of its own.
    const second = await browser.openPanel(page);
    await second.getByTestId('buyer-name').filter({ hasText: thread.name }).waitFor();
    await second.getByTestId('note').filter({ hasText: 'ghi chú hai' }).waitFor();
    await second.getByTestId('note-input').fill('ghi chú từ cửa sổ khác');
    await second.getByTestId('add-note').click();
    await second.getByTestId('note').filter({ hasText: 'ghi chú từ cửa sổ khác' }).waitFor();
    // The first panel hears of it and shows it; its next edit builds on it.
    await panel.getByTestId('note').filter({ hasText: 'ghi chú từ cửa sổ khác' }).waitFor();
    await panel.getByTestId('note-input').fill('ghi chú ba');
    await panel.getByTestId('add-note').click();
    await panel.getByTestId('note').filter({ hasText: 'ghi chú ba' }).waitFor();
    await sleep(500);
    await panel.reload();
    await panel.getByTestId('buyer-name').filter({ hasText: thread.name }).waitFor();
    const notes = await panel.getByTestId('note').allInnerTexts();
    for (const text of ['ghi chú một', 'ghi chú hai', 'ghi chú từ cửa sổ khác', 'ghi chú ba']) {
      assert.ok(notes.some((n) => n.includes(text)), `${text} is stored: ${JSON.stringify(notes)}`);
    }
  });
});

test('crafted files end in a translated error, nothing written, the panel alive (point 16)', async () => {
  await withBrowser({ fixtures: { lang: 'vi' } }, async (browser) => {
    const panel = await browser.openPanel();
    await panel.getByTestId('tab-data').click();
    // A 40 MB CSV: refused from its size, before it is read.
    const big = Buffer.alloc(40 << 20, 'Lan,0912345678\n');
    await panel.getByTestId('import-file').setInputFiles({ name: 'khach-hang.csv', mimeType: 'text/csv', buffer: big });
    await panel.getByTestId('import-errors').filter({ hasText: /quá lớn/ }).waitFor();
    assert.equal(await panel.getByTestId('import-confirm').isDisabled(), true);
    // A backup nested 100,000 deep: refused before it is parsed.
    const deep = `{"format":"nobi-pro-backup","schema_version":5,"exported_at":1,"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    await panel.getByTestId('restore-file').setInputFiles({ name: 'sao-luu.json', mimeType: 'application/json', buffer: Buffer.from(deep) });
    await panel.getByTestId('restore-error').waitFor();
    // The panel still works, and nothing was written.
    const { countRecords } = await import('./harness.mjs');
    assert.equal(await countRecords(panel, 'customers'), 0);
    await panel.getByTestId('tab-list').click();
    await panel.getByTestId('list-search').waitFor();
  });
});
