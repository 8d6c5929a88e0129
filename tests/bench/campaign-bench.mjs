// `./build.sh bench`, the campaign row (issue 15): a campaign to 1,000 fixture threads (NOBI_BENCH_CAMPAIGN
// to change it) with the account's pacing and the campaign's caps off and no quiet hours; the worker hands
// the recipients to the outbox 2 at a time, which opens each thread, types and confirms. Reports the
// throughput, the exactly-once counts from the fixture page's own log, and the stored size of the
// finished campaign. Figures only; nothing here asserts.
import { launch } from '../e2e/harness.mjs';

const COUNT = Number(process.env.NOBI_BENCH_CAMPAIGN || 1000);
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
  const threads = Array.from({ length: COUNT }, (_, i) => `34028236684171030094912814${String(1000000000000 + i)}`);
  const now = Date.now();
  const recipients = threads.map((thread, i) => ({
    customer_id: `bench-c${i}`, name: `Khách ${i + 1}`, to: { platform: 'instagram', thread_id: thread },
    account: 'hoamai.shop', text: `Chào Khách ${i + 1}, shop có ưu đãi 12.12 ạ 🌸`, attachments: [], state: { state: 'pending' },
  }));
  const campaign = {
    id: 'bench', name: 'Bench', goal: 'promotion', created_at: now,
    settings: { quiet: { from_minute: 0, to_minute: 0, utc_offset_minutes: 420 }, in_flight_per_account: 2, per_hour: null, per_day: null },
    state: { state: 'draft' }, started_at: null, recipients: [],
  };
  const started = Date.now();
  const reply = await panel.evaluate((req) => chrome.runtime.sendMessage(req), { campaigns: 'start', campaign, recipients, at: null });
  if (reply.campaigns_reply !== 'campaigns') throw new Error(`refused: ${JSON.stringify(reply)}`);
  const frozen = Date.now() - started;
  let counts = {};
  for (;;) {
    const r = await panel.evaluate(() => chrome.storage.local.get('campaigns').then((x) => x.campaigns));
    const c = r.campaigns.find((k) => k.id === 'bench');
    counts = {};
    for (const rc of c.recipients) counts[rc.state.state] = (counts[rc.state.state] || 0) + 1;
    if (c.state.state === 'done' || Date.now() - started > 30 * 60000) break;
    await new Promise((res) => setTimeout(res, 1000));
  }
  const elapsed = (Date.now() - started) / 1000;
  const bytes = await panel.evaluate(() => chrome.storage.local.getBytesInUse('campaigns'));
  const igPage = browser.context.pages().find((p) => p.url().includes('instagram.com'));
  const log = await igPage.evaluate(() => window.__fixture.sentLog());
  const perThread = new Map();
  for (const m of log) perThread.set(m.threadId, (perThread.get(m.threadId) || 0) + 1);
  const doubled = [...perThread.values()].filter((n) => n > 1).length;
  const missing = threads.filter((t) => !perThread.has(t)).length;
  const rows = [
    [`campaign start: ${COUNT} recipients frozen and stored`, `${frozen} ms`, '-'],
    [`campaign: ${COUNT} recipients, fixture threads, pacing off`, `${elapsed.toFixed(1)} s`, '-'],
    ['throughput', `${(COUNT / elapsed).toFixed(2)} msg/s`, '-'],
    ['recipients at the end', JSON.stringify(counts), `{"sent":${COUNT}}`],
    ['sent exactly once (threads with 1 / doubled / missing)', `${perThread.size - doubled} / ${doubled} / ${missing}`, `${COUNT} / 0 / 0`],
    ['stored size of the finished campaign (chrome.storage.local)', `${(bytes / 1024).toFixed(0)} KB`, '-'],
  ];
  console.log('| what | value | target |');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
} finally {
  await browser.close();
}
