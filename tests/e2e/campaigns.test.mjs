// Campaigns through the panel's screens (issue 15): the shop's customers restored from a backup
// (30 buyers, 15 on the Instagram account and 15 on the Facebook page, their threads the
// extension knows, whose 24 hours are over), an uploaded phone list of other formats with two
// rows that match nobody, the count and the list before anything is sent, one buyer left out and
// put back, a preview, and the run: every buyer gets the message exactly once (counted on the
// fixture pages), the progress says so and the report lists each one. The worker-level run (kills,
// a browser restart, a block, a reply, an opt-out) is `campaign_run.test.mjs`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SCREENSHOTS, withBrowser } from './harness.mjs';

const DAY = 24 * 3600 * 1000;

/** The accounts the extension recorded for a thread it was shown, read from its database. */
function recordedAccounts(panel) {
  return panel.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('nobi-pro');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction('conversations').objectStore('conversations').getAll();
          req.onsuccess = () => resolve(Object.fromEntries(req.result.map((c) => [c.platform, c.account ?? null])));
          req.onerror = () => reject(req.error);
        };
      }),
  );
}

/** A backup of 30 customers, each with one thread the extension has seen, 2 days quiet. */
function backup(accounts, now) {
  const customers = [];
  const conversations = [];
  for (let i = 1; i <= 30; i++) {
    const instagram = i <= 15;
    const platform = instagram ? 'instagram' : 'facebook';
    const thread = instagram ? `34028236684171030094912${String(9000000000000 + i)}` : `7265031200${String(100 + i)}`;
    const phone = `0912345${String(600 + i)}`;
    const id = `camp-${i}`;
    const at = now - 40 * DAY;
    customers.push({
      id, created_at: at, updated_at: at, name: `Khách Số ${i}`,
      identities: [{ platform, account: accounts[platform], thread_id: thread }],
      phones: [{ number: phone, primary: true, source: 'import', added_at: at }],
      emails: [], tags: [], notes: [], addresses: [],
      identity_keys: [`${instagram ? 'ig' : 'fb'}:t:${thread}`], phone_keys: [phone],
    });
    conversations.push({
      id: `${instagram ? 'ig' : 'fb'}:${thread}`, created_at: at, updated_at: at, platform, thread_id: thread,
      account: accounts[platform], customer_id: id, replied: false, last_message_at: now - 2 * DAY,
    });
  }
  return { format: 'nobi-pro-backup', schema_version: 5, exported_at: now, customers, conversations };
}

/** The phone list as a shop exports it from another tool: other formats, two rows of nobody. */
function phoneList() {
  const rows = ['Họ tên,Điện thoại,Ghi chú'];
  for (let i = 1; i <= 30; i++) {
    const n = `912345${String(600 + i)}`;
    const written = i % 3 === 0 ? `+84 ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}` : i % 3 === 1 ? `0${n.slice(0, 3)}.${n.slice(3, 6)}.${n.slice(6)}` : `0${n}`;
    rows.push(`Khách ${i},${written},khách cũ`);
  }
  rows.push('Người lạ,0987 654 321,');
  rows.push('Không số,,chỉ có tên');
  return rows.join('\r\n');
}

test('a campaign from a phone list: counted and listed before sending, 30 buyers on two accounts each sent once, reported', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'nobi-campaign-'));
  try {
    await withBrowser({ fixtures: { lang: 'vi' } }, async (browser) => {
      // The extension learns the two shop accounts from one thread of each site.
      const ig = await browser.openThread('instagram', browser.site.threads.instagram[0].id);
      const panel = await browser.openPanel(ig);
      await panel.getByTestId('buyer-name').waitFor();
      const fb = await browser.openThread('facebook', browser.site.threads.facebook[0].id);
      await panel.getByTestId('buyer-name').filter({ hasText: browser.site.threads.facebook[0].name }).waitFor({ timeout: 20000 });
      const accounts = await recordedAccounts(panel);
      // Instagram names the shop's account; facebook.com's Messenger does not (its account key is
      // then the platform's alone): two accounts, each with its own pacing and caps.
      assert.equal(accounts.instagram, 'hoamai.shop', JSON.stringify(accounts));
      assert.ok('facebook' in accounts, JSON.stringify(accounts));
      await panel.bringToFront();

      // The shop's customers, restored from a backup.
      const file = path.join(dir, 'backup.json');
      await writeFile(file, JSON.stringify(backup(accounts, Date.now())));
      await panel.getByTestId('tab-data').click();
      await panel.getByTestId('restore-file').setInputFiles(file);
      await panel.getByTestId('restore-done').waitFor();
      // Pacing off for the test: 30 sends in seconds instead of minutes.
      await panel.getByTestId('pacing-enabled').uncheck();

      await panel.getByTestId('tab-campaigns').click();
      await panel.getByTestId('campaigns-empty').waitFor();
      await panel.getByTestId('campaigns-nav-new').click();
      const list = path.join(dir, 'khach-cu.csv');
      await writeFile(list, phoneList());
      await panel.getByTestId('phone-list-file').setInputFiles(list);
      await panel.getByTestId('phone-list-result').filter({ hasText: 'Dòng khớp khách: 30 · không khớp: 2' }).waitFor();
      const unmatched = await panel.getByTestId('phone-list-unmatched-row').allTextContents();
      assert.equal(unmatched.length, 2);
      assert.match(unmatched[0], /Dòng 32: .*0987654321/);
      assert.match(unmatched[1], /Dòng 33: .*không có số điện thoại/);
      await panel.getByTestId('filter-window-closed').check();
      await panel.getByTestId('campaign-name-input').fill('Ưu đãi 12.12');
      await panel.getByTestId('campaign-text').fill('Dạ chào {ten_khach}, shop có ưu đãi 12.12 giảm 20% ạ');
      await panel.getByTestId('audience-count').filter({ hasText: /^Sẽ nhận 30 · giữ lại 0 · không gửi được 0/ }).waitFor();
      assert.equal(await panel.getByTestId('audience-row').count(), 30);
      // One buyer left out, then put back.
      await panel.getByTestId('audience-row').filter({ hasText: 'Khách Số 7' }).getByTestId('audience-include').uncheck();
      await panel.getByTestId('audience-count').filter({ hasText: /^Sẽ nhận 29 .* đã bỏ ra 1/ }).waitFor();
      await panel.getByTestId('audience-include-all').click();
      await panel.getByTestId('audience-count').filter({ hasText: /^Sẽ nhận 30 .* đã bỏ ra 0/ }).waitFor();
      await panel.getByTestId('audience-row').filter({ hasText: 'Khách Số 20' }).getByTestId('audience-preview').click();
      await panel.getByTestId('campaign-preview-text').filter({ hasText: 'Dạ chào Khách Số 20, shop có ưu đãi 12.12 giảm 20% ạ' }).waitFor();
      // No quiet hours, so that the test does not depend on the time of day.
      await panel.getByTestId('quiet-from').fill('00:00');
      await panel.getByTestId('quiet-to').fill('00:00');
      await panel.getByTestId('campaign-start').click();

      const card = panel.getByTestId('campaign-card').filter({ hasText: 'Ưu đãi 12.12' });
      await card.waitFor();
      const started = Date.now();
      try {
        await card.getByTestId('campaign-counts').filter({ hasText: 'Đã gửi 30 · Lỗi 0 · Bỏ qua 0 · Chờ 0 / 30' }).waitFor({ timeout: 180_000 });
      } catch (e) {
        // What the worker says, for whoever reads the failure.
        const run = await panel.evaluate(() => chrome.runtime.sendMessage({ campaigns: 'get' }));
        const outbox = await panel.evaluate(() => chrome.runtime.sendMessage('get_outbox'));
        const states = (list, of) => list.reduce((m, x) => { const k = of(x); m[k] = (m[k] ?? 0) + 1; return m; }, {});
        console.log('campaign', JSON.stringify(run.campaigns?.[0]?.state), JSON.stringify(states(run.campaigns?.[0]?.recipients ?? [], (r) => JSON.stringify(r.state).slice(0, 80))));
        console.log('outbox', JSON.stringify(states(outbox.outbox.items, (i) => JSON.stringify(i.state).slice(0, 80))), JSON.stringify(outbox.outbox.paused));
        console.log('counts shown:', await card.getByTestId('campaign-counts').innerText());
        throw e;
      }
      console.log(`30 recipients sent in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      await card.getByTestId('campaign-state').filter({ hasText: /Xong lúc/ }).waitFor();

      // Exactly once per buyer, counted on the pages themselves (each tab's log survives its loads).
      const sent = new Map();
      for (const page of browser.context.pages()) {
        if (!/instagram\.com|facebook\.com/.test(page.url())) continue;
        for (const m of await page.evaluate(() => window.__fixture.sentLog())) {
          if (!m.text.includes('12.12')) continue;
          sent.set(m.threadId, (sent.get(m.threadId) ?? 0) + 1);
          assert.match(m.text, /^Dạ chào Khách Số \d+, shop có ưu đãi 12\.12 giảm 20% ạ$/);
        }
      }
      assert.equal(sent.size, 30, `30 threads got it: ${JSON.stringify([...sent])}`);
      assert.ok([...sent.values()].every((n) => n === 1), 'none twice');

      await card.getByTestId('campaign-details').click();
      assert.equal(await card.getByTestId('campaign-recipient').count(), 30);
      assert.equal(await card.getByTestId('recipient-outcome').filter({ hasText: /^Đã gửi / }).count(), 30);
      const download = panel.waitForEvent('download');
      await card.getByTestId('campaign-export').click();
      const report = path.join(dir, 'report.csv');
      await (await download).saveAs(report);
      const csv = (await import('node:fs/promises')).readFile(report, 'utf8');
      const lines = (await csv).trim().split(/\r?\n/);
      assert.equal(lines.length, 31, 'a header and one row per recipient');
      assert.equal(lines.slice(1).filter((l) => l.includes('đã gửi')).length, 30);
      await panel.screenshot({ path: path.join(SCREENSHOTS, 'campaign-done-400.png') });
      void fb;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
