// The first vertical slice: the panel shows the buyer read by the Rust content script, and a
// panel button sends a message through the service worker into the page's Lexical composer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshotSideBySide, withBrowser } from './harness.mjs';

const GREETING = 'Xin chào 👋 chị ơi';

/** Clicks the greeting chip and "Gửi" in the panel; returns the status text shown. */
async function sendGreeting(panel) {
  await panel.getByRole('button', { name: GREETING }).click();
  assert.equal(await panel.getByTestId('composer').inputValue(), GREETING);
  await panel.getByTestId('send').click();
  const status = panel.getByTestId('send-status');
  await status.filter({ hasNotText: /Đang gửi|Sending/ }).filter({ hasText: /./ }).waitFor({ timeout: 15000 });
  return status.textContent();
}

for (const surface of ['instagram', 'messenger']) {
  for (const csp of ['wasm', 'strict']) {
    for (const lang of ['vi', 'en']) {
      test(`${surface}, ${lang} UI, ${csp} CSP: the panel shows the buyer and sends the greeting`, async () => {
        await withBrowser({ fixtures: { csp, lang } }, async (browser) => {
        const thread = browser.site.threads[surface === 'instagram' ? 'instagram' : 'facebook'][0];
        const page = await browser.openThread(surface, thread.id);
        const panel = await browser.openPanel(page);

        await panel.getByTestId('buyer-name').filter({ hasText: thread.name }).waitFor();
        await panel.getByTestId('health').filter({ hasText: /OK/ }).waitFor();
        assert.match(
          await panel.getByTestId('health').textContent(),
          lang === 'vi' ? /Tiếng Việt|Vietnamese/ : /English/,
          "the health line names the page's UI language",
        );
        const engine = await panel.getByTestId('engine').textContent();
        assert.match(engine, csp === 'strict' ? /wasm2js/ : /: wasm$/, 'the loader picks the build the CSP allows');

        const status = await sendGreeting(panel);
        assert.match(status, /Đã gửi|Sent/, `panel status: ${status}`);

        const fixture = await page.evaluate(() => ({
          sent: window.__fixture.sent.map(({ threadId, text }) => ({ threadId, text })),
          editor: window.__fixture.editorText(),
        }));
        assert.deepEqual(fixture.sent, [{ threadId: thread.id, text: GREETING }], 'exactly one message, exactly this text');
        assert.equal(fixture.editor, '', 'the composer is empty after sending');
        assert.equal(await panel.getByTestId('composer').inputValue(), '', 'the panel composer is cleared once sent');

        if (lang === 'vi') {
          await screenshotSideBySide(browser.context, page, panel, `slice-${surface}-${csp}`);
        }
        assert.deepEqual(browser.consoleErrors.filter((e) => /Nobi Pro/.test(e)), []);
        });
      });
    }
  }
}

test('no conversation open: the panel says so, and a send has nowhere to go', async () => {
  await withBrowser({}, async (browser) => {
  const panel = await browser.openPanel();
  await panel.getByTestId('empty').waitFor();
  assert.match(await panel.getByTestId('empty').textContent(), /Chưa có hội thoại nào đang mở/);
  });
});

test('switching thread in the page (no reload) updates the panel', async () => {
  await withBrowser({ fixtures: { lang: 'vi' } }, async (browser) => {
  const [first, second] = browser.site.threads.instagram;
  const page = await browser.openThread('instagram', first.id);
  const panel = await browser.openPanel(page);
  await panel.getByTestId('buyer-name').filter({ hasText: first.name }).waitFor();
  const loadsBefore = await page.evaluate(() => window.__fixture.pageLoads);
  await page.locator(`a[href="/direct/t/${second.id}/"]`).first().click();
  await panel.getByTestId('buyer-name').filter({ hasText: second.name }).waitFor({ timeout: 5000 });
  assert.equal(await page.evaluate(() => window.__fixture.pageLoads), loadsBefore, 'no reload happened');
  });
});

test('the address engine loads in the panel as its own wasm module and reads a buyer address', async () => {
  await withBrowser({}, async (browser) => {
  const panel = await browser.openPanel();
  const parsed = await panel.evaluate(async () => {
    const engine = await import('./address/nobi_address_wasm.js');
    await engine.default({ module_or_path: new URL('./address/nobi_address_wasm_bg.wasm', location.href) });
    return engine.parse_address('sdt 0912 345 678, 12 ngõ 34 Tây Sơn, Đống Đa, Hà Nội ạ');
  });
  assert.equal(parsed.scheme, 'legacy');
  assert.equal(parsed.legacy.province.short, 'Hà Nội');
  assert.equal(parsed.legacy.district.name, 'Quận Đống Đa');
  assert.match(parsed.street, /12 ngõ 34 Tây Sơn/);
  assert.ok(parsed.current, 'the legacy address is converted to the current scheme');
  });
});

test("each window's panel shows its own window's conversation", async () => {
  await withBrowser({ fixtures: { lang: 'vi' } }, async (browser) => {
  const [first, second] = browser.site.threads.instagram;
  const page = await browser.openThread('instagram', first.id);
  const panel = await browser.openPanel(page);
  await panel.getByTestId('buyer-name').filter({ hasText: first.name }).waitFor();

  // The agent opens another conversation in a second window.
  const opened = browser.context.waitForEvent('page');
  const otherWindow = await panel.evaluate(
    (url) => chrome.windows.create({ url, focused: true }).then((w) => w.id),
    browser.site.url('instagram', second.id),
  );
  const other = await opened;
  await other.waitForFunction(() => window.__fixture && window.__fixture.composerReady());
  const ask = (request) => panel.evaluate((r) => chrome.runtime.sendMessage(r), request);
  let reply;
  for (let i = 0; i < 50; i++) {
    reply = await ask({ get_window_conversation: { window_id: otherWindow } });
    if (reply.conversation?.conversation?.thread.thread_id === second.id) break;
    await other.waitForTimeout(100);
  }
  assert.equal(reply.conversation.conversation.thread.thread_id, second.id, 'the second window knows its thread');
  assert.equal(reply.conversation.window_id, otherWindow);

  // This window's panel still shows this window's buyer, after the broadcast too.
  await panel.waitForTimeout(300);
  assert.equal((await panel.getByTestId('buyer-name').textContent()).trim(), first.name);
  });
});
