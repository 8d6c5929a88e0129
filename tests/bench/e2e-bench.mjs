// `./build.sh bench`, end-to-end rows: content-script start-up and panel → page send latency,
// measured on the fixture pages with the real extension. Figures only; nothing here asserts.
import { launch } from '../e2e/harness.mjs';

const SENDS = Number(process.env.NOBI_BENCH_SENDS || 20);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];
const rows = [];
const row = (what, value, target, ok) => rows.push({ what, value, target, ok });

for (const csp of ['wasm', 'strict']) {
  const engine = csp === 'strict' ? 'wasm2js' : 'wasm';
  const browser = await launch({ fixtures: { csp, lang: 'vi' } });
  try {
    const thread = browser.site.threads.instagram[0];
    const page = await browser.openThread('instagram', thread.id);

    const t0 = Date.now();
    const panel = await browser.openPanel(page);
    await panel.getByTestId('buyer-name').filter({ hasText: thread.name }).waitFor();
    // Sends go through the outbox; its human-like pacing (6–12 s between messages) is off here.
    await panel.evaluate(() => chrome.runtime.sendMessage({
      set_outbox_settings: { settings: {
        pacing: { enabled: false, min_gap_ms: 0, jitter_ms: 0, per_hour: null, per_day: null },
        retry: { max_attempts: 4, base_ms: 5000, cap_ms: 120000 },
      } },
    }));
    const firstRender = Date.now() - t0;
    if (engine === 'wasm') row('panel open → buyer name shown', `${firstRender} ms`, '-', null);

    // The content script reports its own start-up time through the health check (nothing is
    // exposed to the page).
    const startup = async () => {
      const health = await panel.evaluate(() => chrome.runtime.sendMessage({ check_health: { thread: null } }));
      return health.health.health.init_us / 1000;
    };
    const cold = await startup();
    row(`content script start-up, ${engine}, first tab of a fresh browser`, `${cold.toFixed(1)} ms`, '≤ 30 ms', cold <= 30);
    // A second conversation tab: the browser has the module compiled and cached by now, which is
    // the agent's usual case (many tabs, all day).
    const second = await browser.openThread('instagram', browser.site.threads.instagram[1].id);
    await second.bringToFront();
    await panel.getByTestId('buyer-name').filter({ hasText: browser.site.threads.instagram[1].name }).waitFor();
    const warm = await startup();
    row(`content script start-up, ${engine}, another tab (module cached)`, `${warm.toFixed(1)} ms`, '≤ 30 ms', warm <= 30);
    await second.close();
    await page.bringToFront();
    await panel.getByTestId('buyer-name').filter({ hasText: thread.name }).waitFor();

    // Timed inside the panel, from the click to "sent" shown: Playwright's own click waits for
    // animation frames, which a background tab does not get, and would add seconds.
    const times = [];
    for (let i = 0; i < SENDS; i++) {
      const text = `Dạ shop gửi chị mẫu số ${i + 1} ạ 🌸`;
      await panel.getByTestId('composer').fill(text);
      times.push(
        await panel.evaluate(
          () =>
            new Promise((resolve) => {
              const status = document.querySelector('[data-testid=send-status]');
              const composer = document.querySelector('[data-testid=composer]');
              const start = performance.now();
              const done = () => composer.value === '' && /Đã gửi|Sent/.test(status.textContent);
              const poll = () => (done() ? resolve(performance.now() - start) : setTimeout(poll, 2));
              document.querySelector('[data-testid=send]').click();
              poll();
            }),
        ),
      );
      await page.waitForFunction((n) => window.__fixture.sent.length === n, i + 1);
    }
    const sent = await page.evaluate(() => window.__fixture.sent.length);
    row(`send, panel click → confirmed sent, ${engine}, median of ${SENDS}`, `${median(times).toFixed(0)} ms`, '≤ 500 ms', median(times) <= 500);
    row(`send, ${engine}, p90`, `${p90(times).toFixed(0)} ms`, '-', null);
    row(`messages the fixture received, ${engine}`, `${sent} / ${SENDS}`, `${SENDS}`, sent === SENDS);
  } finally {
    await browser.close();
  }
}

const w = Math.max(...rows.map((r) => r.what.length));
const v = Math.max(...rows.map((r) => r.value.length));
console.log(`| ${'what'.padEnd(w)} | ${'value'.padStart(v)} | target | ok |`);
for (const r of rows) {
  const ok = r.ok === null ? '-' : r.ok ? 'yes' : 'NO';
  console.log(`| ${r.what.padEnd(w)} | ${r.value.padStart(v)} | ${r.target} | ${ok} |`);
}
