// `./build.sh bench`, the adapters on every page shape: for each shape × language × wording, whether
// the buyer was found, whether a send was confirmed (and how long it took, panel request → reply, with
// the page's default 300 ms before "Sent"), and the health verdict. Figures only; nothing here asserts.
import { launch } from '../e2e/harness.mjs';
import { ask, sendText, outcomeOf, waitForConversation, threadRef } from '../e2e/protocol.mjs';
import { IG26_THREADS, FB26_THREADS, BS26_THREADS, BS_ASSETS, IG_THREADS, FB_THREADS } from '../fixtures/server.mjs';

const CASES = [];
for (const [surface, th] of [['instagram', IG_THREADS[0]], ['facebook', FB_THREADS[0]], ['messenger', FB_THREADS[0]], ['business', FB_THREADS[0]]]) {
  for (const lang of ['en', 'vi']) CASES.push({ shape: 'classic', surface, lang, wording: '-', th });
}
for (const [surface, th] of [['instagram', IG26_THREADS[0]], ['facebook', FB26_THREADS[0]], ['business', BS26_THREADS[BS_ASSETS[0].id][0]]]) {
  for (const lang of ['en', 'vi']) for (const wording of ['a', 'b']) CASES.push({ shape: '2026', surface, lang, wording, th });
}

const rows = [];
const browser = await launch({});
try {
  for (const c of CASES) {
    const options = c.shape === '2026' ? { shape: '2026', lang: c.lang, wording: c.wording } : { lang: c.lang };
    browser.site.reset(options);
    const page = await browser.context.newPage();
    const row = { ...c, buyer: '✗', sent: '-', latency: '-', health: '-' };
    try {
      await page.goto(browser.site.url(c.surface, c.th.id));
      await page.waitForFunction(() => !!window.__fixture);
      const panel = await browser.openPanel(page);
      const to = threadRef(c.surface, c.th.id);
      const seen = await waitForConversation(panel, c.surface, to.thread_id, { timeout: 15_000 });
      row.buyer = seen.conversation.buyer_name === c.th.name ? '✓' : `✗ (${seen.conversation.buyer_name})`;
      const health = await ask(panel, { check_health: { thread: to } });
      row.health = health.health && health.health.health ? health.health.health.status : '?';
      const t0 = Date.now();
      const { reply } = await sendText(panel, to, 'Dạ chị ơi 🌸 áo len còn size M\nGiá 350.000đ ạ');
      row.latency = `${Date.now() - t0} ms`;
      row.sent = outcomeOf(reply) === 'sent' ? '✓' : `✗ ${outcomeOf(reply)}`;
      await panel.close();
    } catch (e) {
      row.sent = `error: ${String(e.message).slice(0, 60)}`;
    } finally {
      await page.close();
    }
    rows.push(row);
  }
} finally {
  await browser.close();
}

const header = ['shape', 'surface', 'lang', 'wording', 'buyer found', 'send confirmed', 'latency', 'health'];
const lines = [header, header.map(() => '---')].concat(
  rows.map((r) => [r.shape, r.surface, r.lang, r.wording, r.buyer, r.sent, r.latency, r.health]),
);
console.log(lines.map((l) => `| ${l.join(' | ')} |`).join('\n'));
const ok = rows.filter((r) => r.buyer === '✓' && r.sent === '✓' && r.health === 'ok').length;
console.log(`\n${ok} of ${rows.length} shapes: buyer found, send confirmed, health ok`);
