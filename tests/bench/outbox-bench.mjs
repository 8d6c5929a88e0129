// `./build.sh bench`, the outbox row (issue 8): 100 messages queued to 100 fixture threads with
// pacing disabled; the worker opens each thread in turn, types, confirms. Reports the throughput
// and checks every message went out exactly once. Figures only; nothing here asserts.
import { launch } from '../e2e/harness.mjs';

const COUNT = Number(process.env.NOBI_BENCH_OUTBOX || 100);
const browser = await launch({ fixtures: { lang: 'vi' } });
try {
  const first = browser.site.threads.instagram[0];
  const page = await browser.openThread('instagram', first.id);
  const panel = await browser.openPanel(page);
  await panel.getByTestId('buyer-name').waitFor();
  await panel.evaluate(() => chrome.runtime.sendMessage({
    set_outbox_settings: { settings: {
      pacing: { enabled: false, min_gap_ms: 0, jitter_ms: 0, per_hour: null, per_day: null },
      retry: { max_attempts: 4, base_ms: 1000, cap_ms: 10000 },
    } },
  }));
  const threads = Array.from({ length: COUNT }, (_, i) => `34028236684171030094912813${String(1000000000000 + i)}`);
  const started = Date.now();
  await panel.evaluate(async (threads) => {
    for (const [i, thread] of threads.entries()) {
      await chrome.runtime.sendMessage({
        enqueue: { item: { id: `bench-${i}`, to: { platform: 'instagram', thread_id: thread }, text: `Tin số ${i + 1} 🌸`, attachments: [], not_before: null }, files: [] },
      });
    }
  }, threads);
  const queued = Date.now() - started;
  let states = {};
  for (;;) {
    const reply = await panel.evaluate(() => chrome.runtime.sendMessage('get_outbox'));
    states = {};
    for (const item of reply.outbox.items.filter((i) => i.id.startsWith('bench-'))) {
      const s = typeof item.state === 'string' ? item.state : Object.keys(item.state)[0];
      states[s] = (states[s] || 0) + 1;
    }
    if ((states.sent || 0) + (states.failed || 0) >= COUNT || Date.now() - started > 15 * 60000) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const elapsed = (Date.now() - started) / 1000;
  // Every send the fixture tab saw, across the page loads of its navigations.
  const igPage = browser.context.pages().find((p) => p.url().includes('instagram.com'));
  const log = await igPage.evaluate(() => window.__fixture.sentLog());
  const perThread = new Map();
  for (const m of log) perThread.set(m.threadId, (perThread.get(m.threadId) || 0) + 1);
  const doubled = [...perThread.values()].filter((n) => n > 1).length;
  const missing = threads.filter((t) => !perThread.has(t)).length;
  const rows = [
    ['messages queued (100 enqueue requests)', `${queued} ms`, '-'],
    [`outbox: ${COUNT} messages to ${COUNT} threads, pacing off`, `${elapsed.toFixed(1)} s`, '-'],
    ['throughput', `${(COUNT / elapsed).toFixed(2)} msg/s`, '-'],
    ['states at the end', JSON.stringify(states), `{"sent":${COUNT}}`],
    ['sent exactly once (threads with 1 / doubled / missing)', `${perThread.size - doubled} / ${doubled} / ${missing}`, `${COUNT} / 0 / 0`],
  ];
  console.log('| what | value | target |');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
} finally {
  await browser.close();
}
