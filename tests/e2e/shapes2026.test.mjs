// End-to-end tests of the adapters on the 2026 page shapes (issue 12): pages built from
// ../shared/notes/meta-dom-2026.md by someone who did not read the adapters (tests/fixtures/README.md,
// "2026 shapes"), in English and Vietnamese, each in two wordings, wording 'b' and both Vietnamese
// wordings in none of the adapter's tables. Every assertion is on what the fixture's real Lexical editor
// received and what the page showed ("Sent" only after the delay the platform takes).
//
//   cd tests && node --test --test-concurrency=1 e2e/shapes2026.test.mjs
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, screenshotSideBySide, SCREENSHOTS } from './harness.mjs';
import { ask, sendText, outcomeOf, waitForConversation, threadRef, PLATFORM } from './protocol.mjs';
import {
  IG26_THREADS, FB26_THREADS, BS26_THREADS, BS_ASSETS, BS_SHARED_ITEM_ID, E2EE_PROFILE_ID, E2EE_THREAD_ID, labels26,
} from '../fixtures/server.mjs';

const WAIT = 15_000;
const SHAPES = ['instagram', 'facebook', 'business'];
const VARIANTS = [['en', 'a'], ['en', 'b'], ['vi', 'a'], ['vi', 'b']];
// Two lines, emoji, Vietnamese diacritics, handed over decomposed (NFD) as a panel might.
const MESSAGE = 'Dạ chị ơi 🌸 áo len còn size M\nGiá 350.000đ, ship 30.000đ 👍';
const show = (x) => JSON.stringify(x);

/** The first ordinary 1:1 thread of a shape (Business Suite: on its first page). */
function firstThread(surface) {
  if (surface === 'instagram') return IG26_THREADS[0];
  if (surface === 'facebook') return FB26_THREADS[0];
  return BS26_THREADS[BS_ASSETS[0].id][0];
}
function secondThread(surface) {
  if (surface === 'instagram') return IG26_THREADS[1];
  if (surface === 'facebook') return FB26_THREADS[2];
  return BS26_THREADS[BS_ASSETS[0].id][2];
}

/** What the fixture recorded, for assertions and failure messages. */
function state(page) {
  return page.evaluate(() => {
    const fx = window.__fixture;
    const pick = ({ threadId, text, via, status }) => ({ threadId, text, via, status });
    return {
      threadId: fx.threadId(),
      editor: fx.editorText(),
      editorTexts: fx.editorTexts.slice(),
      pending: fx.pending.map(pick),
      sent: fx.sent.map(pick),
      failed: fx.failed.map(pick),
      rejected: fx.rejected.map(pick),
      discardedDrafts: fx.discardedDrafts.slice(),
      sendsUnderPinModal: (fx.sendsUnderPinModal || []).slice(),
      hiddenComposerTexts: (fx.hiddenComposerTexts || []).slice(),
      events: fx.events.map((e) => ({ type: e.type, at: performance.timeOrigin + e.t })),
    };
  });
}

function useBrowser() {
  const ctx = { browser: null, logs: [] };
  before(async () => {
    ctx.browser = await launch({ fixtures: { shape: '2026' } });
    ctx.browser.worker.on('console', (m) => ctx.logs.push(`[worker ${m.type()}] ${m.text()}`));
    ctx.browser.context.on('page', (p) => p.on('console', (m) => ctx.logs.push(`[page ${m.type()}] ${m.text()}`)));
  });
  after(async () => {
    if (ctx.browser) await ctx.browser.close();
  });
  return ctx;
}

function it(name, ctx, body) {
  test(name, async () => {
    const mark = ctx.logs.length;
    const opened = [];
    const track = (p) => opened.push(p);
    ctx.browser.context.on('page', track);
    try {
      await body();
    } catch (error) {
      console.log(`--- console during "${name}" ---\n${ctx.logs.slice(mark).join('\n') || '(nothing)'}`);
      throw error;
    } finally {
      ctx.browser.context.off('page', track);
      for (const p of opened) if (!p.isClosed()) await p.close().catch(() => {});
    }
  });
}

/** Opens a 2026-shaped thread with `options` and the panel beside it; waits for the worker to know it. */
async function open(ctx, surface, threadId, options = {}, { assetId, waitConversation = true, urlOptions = {} } = {}) {
  const { browser } = ctx;
  browser.site.reset({ shape: '2026', ...options });
  const page = await browser.context.newPage();
  await page.goto(browser.site.url(surface, threadId, { assetId, ...urlOptions }));
  await page.waitForFunction(() => !!window.__fixture, null, { timeout: WAIT });
  const panel = await browser.openPanel(page);
  const to = threadRef(surface, threadId, assetId ? { assetId } : {});
  const conversation = waitConversation ? await waitForConversation(panel, surface, to.thread_id, { timeout: WAIT }) : null;
  return { page, panel, to, conversation };
}

// ---- 1. every shape × language × wording: the buyer, one confirmed send, a refused one -------------

describe('2026 shapes: the buyer is shown and a message goes out once, confirmed by the page', () => {
  const ctx = useBrowser();
  for (const surface of SHAPES) {
    for (const [lang, wording] of VARIANTS) {
      it(`${surface}, ${lang} wording ${wording}: buyer shown; messages read without roles; two lines with emoji sent once, confirmed only after "sent"`, ctx, async () => {
        const th = firstThread(surface);
        // A slow platform: the bubble shows at once, the delivery state 1.5 s later.
        const { page, panel, to, conversation } = await open(ctx, surface, th.id, { lang, wording, confirmDelayMs: 1500 });
        assert.equal(conversation.conversation.buyer_name, th.name, show(conversation));
        await panel.waitForFunction((name) => document.body.innerText.includes(name), th.name, { timeout: WAIT });

        // Reading without roles: the thread's messages last, in order, with direction, bodies only.
        const read = await ask(panel, { read_messages: { thread: to, older_pages: 0 } });
        assert.ok(read.messages, show(read));
        const got = read.messages.messages.map(({ direction, text }) => ({ direction, text }));
        const want = th.messages.map((m) => ({
          direction: m.from === 'them' ? 'in' : 'out',
          text: m.text.normalize('NFC').split(/\s+/).filter(Boolean).join(' '),
        }));
        assert.deepEqual(got.slice(-want.length), want, show(got));
        const L = labels26(surface, lang, wording);
        for (const label of [L.youSent, L.you].filter(Boolean)) {
          assert.ok(!got.some((m) => m.text.startsWith(label + ' ')), `a hidden "${label}" leaked into a body: ${show(got)}`);
        }
        const older = await ask(panel, { read_messages: { thread: to, older_pages: 2 } });
        assert.ok(older.messages.messages.length > read.messages.messages.length, 'older pages load at the list\'s other end');

        const { reply } = await sendText(panel, to, MESSAGE.normalize('NFD'));
        const repliedAt = Date.now();
        const fx = await state(page);
        assert.equal(outcomeOf(reply), 'sent', `reply ${show(reply)}; fixture ${show(fx)}`);
        assert.deepEqual(fx.sent.map(({ threadId, text }) => ({ threadId, text })), [{ threadId: th.id, text: MESSAGE.normalize('NFC') }]);
        assert.deepEqual(fx.failed, []);
        assert.equal(fx.editor, '', 'nothing left in the composer');
        const shown = fx.events.find((e) => e.type === 'sent');
        assert.ok(shown, 'the page showed the delivery state');
        assert.ok(repliedAt >= shown.at - 50, `confirmed ${Math.round(shown.at - repliedAt)} ms before the page showed "sent"`);
        if (lang === 'vi' && wording === 'b') {
          await screenshotSideBySide(ctx.browser.context, page, panel, `shape2026-${surface}`);
        }
      });

      it(`${surface}, ${lang} wording ${wording}: a send the platform refuses ends rejected_by_platform, nothing counted as sent`, ctx, async () => {
        const th = firstThread(surface);
        const { page, panel, to } = await open(ctx, surface, th.id, { lang, wording, sendFails: true });
        const { reply } = await sendText(panel, to, 'Dạ em gửi lại ạ');
        const fx = await state(page);
        assert.equal(outcomeOf(reply), 'rejected_by_platform', `reply ${show(reply)}; fixture ${show(fx)}`);
        assert.deepEqual(fx.sent, []);
        assert.equal(fx.failed.length, 1, 'the page got exactly one attempt');
        // The outbox's check after a restart reads the same page: the failed bubble is not "sent".
        const read = await ask(panel, { read_messages: { thread: to, older_pages: 0 } });
        const mine = read.messages.messages.filter((m) => m.direction === 'out' && m.text === 'Dạ em gửi lại ạ');
        assert.deepEqual(mine.map((m) => m.delivery), ['failed'], show(mine));
      });
    }
  }
});

// ---- 3. the composer's dangers: a modal over it, a thread switch while typing --------------------

describe('2026 shapes: never type where it is not safe', () => {
  const ctx = useBrowser();
  for (const [lang, wording] of VARIANTS) {
    it(`facebook, ${lang} wording ${wording}: the PIN modal over the composer → covered_by_dialog, nothing typed`, ctx, async () => {
      const th = firstThread('facebook');
      const { page, panel, to } = await open(ctx, 'facebook', th.id, { lang, wording, pinModal: true });
      await page.waitForFunction(() => window.__fixture.pinModalOpen(), null, { timeout: WAIT });
      const { reply } = await sendText(panel, to, MESSAGE);
      const fx = await state(page);
      assert.equal(outcomeOf(reply), 'covered_by_dialog', `reply ${show(reply)}; fixture ${show(fx)}`);
      assert.deepEqual(fx.editorTexts, [], 'nothing was typed');
      assert.deepEqual(fx.pending, []);
      assert.deepEqual(fx.sendsUnderPinModal, []);
      assert.ok(await page.evaluate(() => window.__fixture.pinModalOpen()), 'the dialog was left alone');
    });
  }
  for (const surface of SHAPES) {
    for (const [lang, wording] of [['vi', 'b'], ['en', 'a']]) {
      it(`${surface}, ${lang} wording ${wording}: the page switches thread while we type → nothing sent anywhere, no text left`, ctx, async () => {
        const th = firstThread(surface);
        const { page, panel, to } = await open(ctx, surface, th.id, { lang, wording, switchThreadOn: 'input', navDelayMs: 400 });
        const { reply } = await sendText(panel, to, MESSAGE);
        await page.waitForTimeout(800); // let the new thread's pane arrive
        const fx = await state(page);
        assert.equal(outcomeOf(reply), 'wrong_conversation', `reply ${show(reply)}; fixture ${show(fx)}`);
        assert.deepEqual(fx.pending, [], 'nothing was sent into any thread');
        assert.deepEqual(fx.sent, []);
        assert.equal(fx.editor, '', 'no text left in the composer on screen');
        assert.notEqual(fx.threadId, th.id, 'the page did switch');
      });
    }
  }
  it('facebook, vi wording b: after an in-page switch the old pane stays 600 ms; the new thread is announced with its own buyer, and the send goes there', ctx, async () => {
    const a = firstThread('facebook');
    const b = secondThread('facebook');
    const { page, panel } = await open(ctx, 'facebook', a.id, { lang: 'vi', wording: 'b', navDelayMs: 600 });
    await page.evaluate((id) => window.__fixture.navigate(id), b.id);
    // The worker hears of the new thread only once its own pane is there, with its own buyer.
    const now = await waitForConversation(panel, 'facebook', b.id, { timeout: WAIT });
    assert.equal(now.conversation.buyer_name, b.name, show(now));
    const { reply } = await sendText(panel, threadRef('facebook', b.id), 'Chào chị Hân ạ');
    const fx = await state(page);
    assert.equal(outcomeOf(reply), 'sent', `reply ${show(reply)}; fixture ${show(fx)}`);
    assert.deepEqual(fx.sent.map(({ threadId, text }) => ({ threadId, text })), [{ threadId: b.id, text: 'Chào chị Hân ạ' }]);
  });
});

// ---- 4. Facebook's end-to-end encrypted chats, messenger.com, Business Suite pages -----------------

describe('2026 shapes: ids that change', () => {
  const ctx = useBrowser();

  it('facebook: /messages/t/<profile> → the agent presses Continue → /messages/e2ee/t/<thread>; one conversation, the message goes to the new id', ctx, async () => {
    const { page, panel } = await open(ctx, 'facebook', E2EE_PROFILE_ID, { lang: 'vi', wording: 'a' });
    const old = threadRef('facebook', E2EE_PROFILE_ID);
    // On the notice there is no composer: nothing is typed, and the extension does not press Continue.
    const early = await sendText(panel, old, 'Chào anh Bảo');
    assert.notEqual(outcomeOf(early.reply), 'sent');
    let fx = await state(page);
    assert.deepEqual(fx.editorTexts, []);
    assert.equal(fx.threadId, E2EE_PROFILE_ID, 'still on the notice: the extension never continues by itself');

    const L = labels26('facebook', 'vi', 'a');
    await page.locator('[role="main"] [role="button"]', { hasText: L.continue }).first().click();
    await page.waitForFunction((id) => window.__fixture.threadId() === id, E2EE_THREAD_ID, { timeout: WAIT });
    const now = await waitForConversation(panel, 'facebook', E2EE_THREAD_ID, { timeout: WAIT });
    assert.deepEqual(
      now.conversation.also_known_as.map((t) => t.thread_id),
      [E2EE_PROFILE_ID],
      `the worker links both ids: ${show(now.conversation)}`,
    );
    // A message addressed to the old id goes out in the thread the agent's navigation led to.
    const { reply } = await sendText(panel, old, 'Chào anh Bảo');
    fx = await state(page);
    assert.equal(outcomeOf(reply), 'sent', `reply ${show(reply)}; fixture ${show(fx)}`);
    assert.deepEqual(fx.sent.map(({ threadId, text }) => ({ threadId, text })), [{ threadId: E2EE_THREAD_ID, text: 'Chào anh Bảo' }]);
    // The panel keeps one conversation record for both ids.
    const records = await panel.evaluate(() => new Promise((resolve, reject) => {
      const open = indexedDB.open('nobi-pro');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const req = open.result.transaction('conversations').objectStore('conversations').getAll();
        req.onsuccess = () => { open.result.close(); resolve(req.result.map((c) => c.id)); };
        req.onerror = () => reject(req.error);
      };
    }));
    const ours = records.filter((id) => id.endsWith(E2EE_PROFILE_ID) || id.endsWith(E2EE_THREAD_ID));
    assert.equal(ours.length, 1, `one record for both ids: ${show(records)}`);
  });

  it('messenger.com redirects to facebook.com; a stored messenger.com conversation is sent through facebook.com', ctx, async () => {
    const th = firstThread('facebook');
    ctx.browser.site.reset({ shape: '2026', lang: 'en' });
    const page = await ctx.browser.context.newPage();
    await page.goto(`https://www.messenger.com/t/${th.id}/`);
    await page.waitForURL(/www\.facebook\.com\/messages\/t\//, { timeout: WAIT });
    await page.waitForFunction(() => !!window.__fixture && window.__fixture.composerReady(), null, { timeout: WAIT });
    const panel = await ctx.browser.openPanel(page);
    await waitForConversation(panel, 'facebook', th.id, { timeout: WAIT });
    const { reply } = await sendText(panel, threadRef('messenger', th.id), 'Dạ shop chào chị');
    const fx = await state(page);
    assert.equal(outcomeOf(reply), 'sent', `reply ${show(reply)}; fixture ${show(fx)}`);
    assert.deepEqual(fx.sent.map(({ threadId, text }) => ({ threadId, text })), [{ threadId: th.id, text: 'Dạ shop chào chị' }]);
  });

  it('business suite: one item id on two pages is two conversations; a message for page A is never typed on page B', ctx, async () => {
    const [a, b] = BS_ASSETS.map((x) => x.id);
    const { page, panel, conversation } = await open(ctx, 'business', BS_SHARED_ITEM_ID, { lang: 'vi', wording: 'b' }, { assetId: b });
    assert.equal(conversation.conversation.thread.thread_id, `${b}.${BS_SHARED_ITEM_ID}`);
    assert.equal(conversation.conversation.buyer_name, BS26_THREADS[b].find((t) => t.id === BS_SHARED_ITEM_ID).name);
    const forA = threadRef('business', BS_SHARED_ITEM_ID, { assetId: a });
    const { reply } = await sendText(panel, forA, 'Chào chị Lan');
    const fx = await state(page);
    assert.notEqual(outcomeOf(reply), 'sent', show(reply));
    assert.deepEqual(fx.editorTexts, [], 'nothing typed on the other page');
  });
});

// ---- 5. the field diagnostic and the panel at work -------------------------------------------------

describe('2026 shapes: field diagnostic', () => {
  const ctx = useBrowser();
  for (const surface of SHAPES) {
    it(`${surface}, vi wording b: the dry check finds every signal and types nothing; the layout report holds no page text`, ctx, async () => {
      const th = firstThread(surface);
      const { page, panel, to } = await open(ctx, surface, th.id, { lang: 'vi', wording: 'b' });
      const reply = await ask(panel, { diagnose: { thread: to } });
      const d = reply.diagnosis && reply.diagnosis.diagnosis;
      assert.ok(d, show(reply));
      assert.equal(d.health.status, 'ok', show(d));
      // A profile link is optional (Facebook's wording 'b' header has none): everything else is required.
      for (const check of d.checks.filter((c) => c.signal !== 'profile_link')) {
        assert.ok(check.found, `${check.signal} not found: ${show(d.checks)}`);
      }
      const fx = await state(page);
      assert.deepEqual(fx.editorTexts, [], 'the dry check typed nothing');
      // Every text, attribute value and URL of the page, none of which may be in the report.
      const secrets = await page.evaluate(() => {
        const out = new Set();
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
          const t = walker.currentNode.nodeValue.trim();
          if (t.length >= 4) out.add(t);
        }
        for (const el of document.body.querySelectorAll('*')) {
          for (const a of el.attributes) {
            if (a.name === 'class' || a.name === 'style') continue;
            if (a.value.length >= 4 && !['true', 'false', 'auto', 'button', 'textbox', 'presentation'].includes(a.value)) out.add(a.value);
          }
        }
        return [...out];
      });
      const report = d.layout_report;
      JSON.parse(report);
      const leaked = secrets.filter((s) => report.includes(s) && !/^[a-z-]+$/.test(s));
      assert.deepEqual(leaked, [], 'page text in the layout report');
      assert.ok(report.includes('"used_as":"composer"') && report.includes('"used_as":"message_body"'), report.slice(0, 400));

      // The same check from the panel's health line, and the report's download.
      await panel.getByTestId('check-page').click();
      await panel.getByTestId('checks').waitFor({ timeout: WAIT });
      assert.equal(await panel.locator('[data-testid="checks"] li').count(), d.checks.length);
      if (surface === 'facebook') {
        await panel.getByTestId('health').scrollIntoViewIfNeeded();
        await panel.screenshot({ path: path.join(SCREENSHOTS, 'diagnostic-panel.png'), fullPage: true });
      }
      const [download] = await Promise.all([panel.waitForEvent('download'), panel.getByTestId('layout-report').click()]);
      assert.equal(download.suggestedFilename(), 'nobi-layout-report.json');
    });
  }

  it('instagram, vi wording b: the panel stays on the tab the agent works in', ctx, async () => {
    const th = firstThread('instagram');
    const { panel } = await open(ctx, 'instagram', th.id, { lang: 'vi', wording: 'b' });
    await panel.waitForFunction((name) => document.body.innerText.includes(name), th.name, { timeout: WAIT });
    await panel.locator('[role="tab"]').nth(1).click();
    const selected = () => panel.evaluate(() => document.querySelector('[role="tab"][aria-selected="true"]')?.dataset.testid);
    const tabBefore = await selected();
    assert.notEqual(tabBefore, await panel.locator('[role="tab"]').first().getAttribute('data-testid'));
    await panel.waitForTimeout(4000);
    assert.equal(await selected(), tabBefore, 'the panel jumped back on its own');
  });
});
