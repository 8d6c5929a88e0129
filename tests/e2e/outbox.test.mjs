// The outbox (issue 8): every message from the panel goes through the service worker's outbox,
// which stores it before typing and never types it twice. Killed worker mid-send → sent exactly
// once; conversation tab closed mid-send → failed with a reason, kept, and a retry delivers it
// once; "blocked" stops the account's queue; a scheduled message waits for its time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser } from './harness.mjs';

// A 1×1 PNG: an attachment keeps the page busy "uploading" for `uploadMs`.
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/** Puts a message in the outbox the way the panel does (the panel page is an extension page). */
function enqueue(panel, { id, thread, text, files = [], notBefore = null }) {
  return panel.evaluate(
    ({ id, thread, text, files, notBefore }) =>
      chrome.runtime.sendMessage({
        enqueue: {
          item: { id, to: { platform: 'instagram', thread_id: thread }, text, attachments: [], not_before: notBefore },
          files,
        },
      }),
    { id, thread, text, files, notBefore },
  );
}

/** The outbox item with this id, as the worker reports it (wakes a stopped worker). */
async function outboxItem(panel, id) {
  const reply = await panel.evaluate(() => chrome.runtime.sendMessage('get_outbox'));
  return reply.outbox.items.find((i) => i.id === id);
}

async function waitForState(panel, id, state, timeout = 20000) {
  const start = Date.now();
  for (;;) {
    const item = await outboxItem(panel, id);
    const now = item && (typeof item.state === 'string' ? item.state : Object.keys(item.state)[0]);
    if (now === state) return item;
    if (Date.now() - start > timeout) throw new Error(`item ${id} is ${JSON.stringify(item?.state)}, not ${state}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

test('the panel composer sends through the outbox and shows each message\'s state', async () => {
  await withBrowser({ fixtures: { lang: 'vi' } }, async (browser) => {
    const thread = browser.site.threads.instagram[0];
    const page = await browser.openThread('instagram', thread.id);
    const panel = await browser.openPanel(page);
    await panel.getByTestId('buyer-name').filter({ hasText: thread.name }).waitFor();
    await panel.getByTestId('composer').fill('Dạ shop gửi chị ảnh mẫu ạ');
    await panel.getByTestId('send').click();
    await panel.getByTestId('outbox-item').filter({ hasText: 'Dạ shop gửi chị ảnh mẫu ạ' }).getByTestId('outbox-state').filter({ hasText: /Đã gửi/ }).waitFor({ timeout: 20000 });
    assert.equal(await panel.getByTestId('composer').inputValue(), '', 'the draft is cleared once the outbox has it');
    assert.deepEqual(await page.evaluate(() => window.__fixture.sent.map((m) => m.text)), ['Dạ shop gửi chị ảnh mẫu ạ']);
  });
});

test('the service worker is killed in the middle of a send: after the restart the message is sent exactly once', async () => {
  await withBrowser({ fixtures: { lang: 'vi', uploadMs: 4000 } }, async (browser) => {
    const thread = browser.site.threads.instagram[0];
    const page = await browser.openThread('instagram', thread.id);
    const panel = await browser.openPanel(page);
    await panel.getByTestId('buyer-name').filter({ hasText: thread.name }).waitFor();
    await enqueue(panel, {
      id: 'kill-1', thread: thread.id, text: 'Dạ ảnh thật của mẫu ạ',
      files: [{ name: 'mau.png', mime: 'image/png', data_base64: PNG }],
    });
    // The page is uploading the image: the content script is in the middle of the send.
    // (The fixture's attachment event carries the file's name.)
    await page.waitForFunction(() => window.__fixture.events.some((e) => e.name === 'mau.png'));
    assert.equal((await outboxItem(panel, 'kill-1')).state.sending !== undefined, true, 'stored as sending before typing');
    const cdp = await browser.context.newCDPSession(panel);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    // The send completes in the page while no worker exists.
    await page.waitForFunction(() => window.__fixture.sent.length === 1, null, { timeout: 15000 });
    // A new worker (woken by the panel) finds it "sending", checks the page, and marks it sent.
    await waitForState(panel, 'kill-1', 'sent');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await page.evaluate(() => window.__fixture.sentLog().length), 1, 'sent exactly once');
  });
});

test('the service worker is killed before the page got the message: the restart sends it, once', async () => {
  await withBrowser({ fixtures: { lang: 'vi', composerDelayMs: 0 } }, async (browser) => {
    const thread = browser.site.threads.instagram[1];
    const page = await browser.openThread('instagram', thread.id);
    const panel = await browser.openPanel(page);
    await panel.getByTestId('buyer-name').waitFor();
    // Scheduled a little ahead, then the worker dies before it is due.
    await enqueue(panel, { id: 'kill-2', thread: thread.id, text: 'Dạ shop nhắc chị đơn hàng ạ', notBefore: Date.now() + 1500 });
    const cdp = await browser.context.newCDPSession(panel);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await new Promise((r) => setTimeout(r, 2000));
    await waitForState(panel, 'kill-2', 'sent');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await page.evaluate(() => window.__fixture.sentLog().length), 1);
  });
});

test('the conversation tab is closed during a send: failed with a reason, kept, and a retry delivers it once', async () => {
  await withBrowser({ fixtures: { lang: 'vi', uploadMs: 3000 } }, async (browser) => {
    const thread = browser.site.threads.instagram[0];
    const page = await browser.openThread('instagram', thread.id);
    const panel = await browser.openPanel(page);
    await panel.getByTestId('buyer-name').waitFor();
    await enqueue(panel, {
      id: 'closed-1', thread: thread.id, text: 'Dạ shop gửi chị bảng size ạ',
      files: [{ name: 'size.png', mime: 'image/png', data_base64: PNG }],
    });
    await page.waitForFunction(() => window.__fixture.events.some((e) => e.name === 'size.png'));
    await page.close();
    const failed = await waitForState(panel, 'closed-1', 'failed');
    assert.equal(failed.state.failed.reason, 'unconfirmed', JSON.stringify(failed.state));
    // The panel shows it with its reason and a retry button (nothing lost).
    await panel.getByTestId('tab-list').click();
    await panel.getByTestId('tab-customer').click();
    const row = panel.getByTestId('outbox-item').filter({ hasText: 'bảng size' });
    await row.getByTestId('outbox-state').filter({ hasText: /không xác nhận được/ }).waitFor();
    await row.getByTestId('outbox-retry').click();
    // The retry checks the conversation first (a new tab), finds nothing, and sends it once.
    await waitForState(panel, 'closed-1', 'sent', 30000);
    const pages = browser.context.pages().filter((p) => p.url().includes('instagram.com'));
    assert.equal(pages.length, 1);
    assert.equal(await pages[0].evaluate(() => window.__fixture.sentLog().length), 1);
  });
});

test('"blocked by the platform" stops the account\'s queue until the agent resumes', async () => {
  await withBrowser({ fixtures: { lang: 'vi', blocked: 'onSend' } }, async (browser) => {
    const thread = browser.site.threads.instagram[0];
    const page = await browser.openThread('instagram', thread.id);
    const panel = await browser.openPanel(page);
    await panel.getByTestId('buyer-name').waitFor();
    await panel.getByTestId('composer').fill('Tin thứ nhất');
    await panel.getByTestId('send').click();
    await panel.getByTestId('outbox-paused').waitFor({ timeout: 20000 });
    await panel.getByTestId('composer').fill('Tin thứ hai');
    await panel.getByTestId('send').click();
    const second = panel.getByTestId('outbox-item').filter({ hasText: 'Tin thứ hai' });
    await second.getByTestId('outbox-state').filter({ hasText: /Đang dừng/ }).waitFor();
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await page.evaluate(() => window.__fixture.rejected.length), 1, 'nothing more was typed');
    assert.equal(await page.evaluate(() => window.__fixture.sent.length), 0);
    // Resume: the blocked message is tried again; the page still blocks, so it stops again.
    const byText = async (text) => {
      const reply = await panel.evaluate(() => chrome.runtime.sendMessage('get_outbox'));
      return reply.outbox.items.find((i) => i.text === text);
    };
    const before = (await byText('Tin thứ nhất')).state.failed;
    assert.equal(before.reason, 'blocked_by_platform');
    await panel.getByTestId('outbox-resume').click();
    const deadline = Date.now() + 30000;
    for (;;) {
      const again = (await byText('Tin thứ nhất')).state.failed;
      if (again && again.at > before.at) break;
      assert.ok(Date.now() < deadline, 'the resumed message was tried again');
      await new Promise((r) => setTimeout(r, 200));
    }
    await panel.getByTestId('outbox-paused').waitFor();
    assert.equal(await page.evaluate(() => window.__fixture.sent.length), 0);
    assert.equal((await byText('Tin thứ hai')).state, 'queued', 'the second message still waits');
  });
});

test('a scheduled message waits for its time, then goes out once', async () => {
  await withBrowser({ fixtures: { lang: 'vi' } }, async (browser) => {
    const thread = browser.site.threads.instagram[0];
    const page = await browser.openThread('instagram', thread.id);
    const panel = await browser.openPanel(page);
    await panel.getByTestId('buyer-name').waitFor();
    await panel.getByTestId('composer').fill('Chúc chị ngày mới vui vẻ 🌸');
    await panel.getByTestId('schedule').check();
    const at = await panel.evaluate(() => {
      const d = new Date(Date.now() + 5000);
      const p = (n) => String(n).padStart(2, '0');
      // Typed the way agents write it (dd/mm/yyyy hh:mm:ss), whatever the browser's locale.
      return `${p(d.getDate())}/${p(d.getMonth() + 1)}/${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
    });
    await panel.getByTestId('schedule-at').fill(at);
    await panel.getByTestId('send').click();
    const row = panel.getByTestId('outbox-item').filter({ hasText: 'Chúc chị ngày mới' });
    await row.getByTestId('outbox-state').filter({ hasText: /Hẹn gửi lúc/ }).waitFor();
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(await page.evaluate(() => window.__fixture.sent.length), 0, 'not before its time');
    await row.getByTestId('outbox-state').filter({ hasText: /Đã gửi/ }).waitFor({ timeout: 20000 });
    assert.equal(await page.evaluate(() => window.__fixture.sent.length), 1);
  });
});

test('a template with variables and an image: "/cam" in the composer, rendered for the buyer, sent with the image', async () => {
  await withBrowser({ fixtures: { lang: 'vi' } }, async (browser) => {
    const thread = browser.site.threads.instagram[0];
    const page = await browser.openThread('instagram', thread.id);
    const panel = await browser.openPanel(page);
    await panel.getByTestId('buyer-name').filter({ hasText: thread.name }).waitFor();
    await panel.getByTestId('capture-phone').filter({ hasText: '0912 345 678' }).click();
    await panel.getByTestId('phone').first().waitFor();

    // The media library keeps an image; a template uses it.
    await panel.getByTestId('tab-templates').click();
    await panel.getByTestId('media-upload').setInputFiles({ name: 'bang-size.png', mimeType: 'image/png', buffer: Buffer.from(PNG, 'base64') });
    await panel.getByTestId('media-item').first().waitFor();
    await panel.getByTestId('tpl-new').click();
    await panel.getByTestId('tpl-name').fill('Cảm ơn khách');
    await panel.getByTestId('tpl-shortcut').fill('/cam_on');
    await panel.getByTestId('tpl-content').fill('Dạ shop cảm ơn {ten_khach} ạ, shop gọi số {sdt} khi giao nhé 🌸 {khong_co}');
    await panel.getByTestId('tpl-warning').filter({ hasText: /khong_co/ }).waitFor();
    await panel.getByTestId('tpl-content').fill('Dạ shop cảm ơn {ten_khach} ạ, shop gọi số {sdt} khi giao nhé 🌸');
    await panel.getByTestId('tpl-add-image').click();
    await panel.getByTestId('tpl-form').getByTestId('media-pick').first().click();
    await panel.getByTestId('tpl-save').click();
    await panel.getByTestId('tpl-row').filter({ hasText: 'Cảm ơn khách' }).waitFor();

    // In the composer, "/cam" offers it; picking it renders it for this buyer.
    await panel.getByTestId('tab-customer').click();
    await panel.getByTestId('composer').fill('/cam');
    await panel.getByTestId('tpl-option').filter({ hasText: 'Cảm ơn khách' }).click();
    const expected = `Dạ shop cảm ơn ${thread.name} ạ, shop gọi số 0912345678 khi giao nhé 🌸`;
    await panel.waitForFunction((t) => document.querySelector('[data-testid=composer]').value === t, expected);
    await panel.getByTestId('composer-files').filter({ hasText: 'bang-size.png' }).waitFor();
    await panel.getByTestId('send').click();
    await panel.getByTestId('outbox-item').filter({ hasText: 'shop cảm ơn' }).getByTestId('outbox-state').filter({ hasText: /Đã gửi/ }).waitFor({ timeout: 20000 });
    const sent = await page.evaluate(() => window.__fixture.sent.map(({ text, attachments }) => ({ text, attachments })));
    assert.deepEqual(sent, [{ text: expected, attachments: ['bang-size.png'] }]);
  });
});
