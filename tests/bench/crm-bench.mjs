// `./build.sh bench`, the panel's CRM rows: cold open to first render with 10,000 customers
// stored and search keystrokes over 50,000 (issue 6), and the order creation round trip (issue 7). Figures only; nothing here asserts.
//
// Customers are written straight into the panel's IndexedDB in the shape nobi-core stores
// (see core/src/crm/model.rs), so the figures include reading real records.
import { launch } from '../e2e/harness.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];
const rows = [];
const row = (what, value, target, ok) => rows.push({ what, value, target, ok });

/** Writes `count` customers (one of them the fixture thread's buyer) into the panel's database. */
async function seed(panel, count, thread) {
  await panel.evaluate(
    ({ count, thread }) =>
      new Promise((resolve, reject) => {
        const family = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ'];
        const middle = ['Thị', 'Văn', 'Minh', 'Ngọc', 'Thu', 'Hữu', 'Thanh', 'Quốc', 'Gia', 'Bảo'];
        const given = ['Anh', 'Hồng', 'Lan', 'Hùng', 'Phúc', 'Trang', 'Nam', 'Hân', 'Linh', 'Dũng', 'Tú', 'Vy', 'Khoa', 'Mai'];
        const open = indexedDB.open('nobi-pro');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['customers', 'conversations'], 'readwrite');
          const customers = tx.objectStore('customers');
          const conversations = tx.objectStore('conversations');
          const now = Date.now();
          for (let i = 0; i < count; i++) {
            const phone = `09${String(10000000 + i * 7919).slice(-8)}`;
            const id = `${(now - i * 60000).toString(16).padStart(12, '0')}-${i.toString(16).padStart(10, '0')}`;
            const mine = i === 0;
            const name = mine ? thread.name : `${family[i % 12]} ${middle[(i >> 2) % 10]} ${given[(i * 7) % 14]}`;
            const threadId = mine ? thread.id : `bench${i}`;
            const username = mine ? thread.username : `user${i}`;
            customers.put({
              id, created_at: now - i * 60000, updated_at: now - i * 60000, name,
              identities: [{ platform: 'instagram', thread_id: threadId, username }],
              phones: [{ number: phone, primary: true, source: 'chat', added_at: now }],
              emails: [], tags: [], addresses: [],
              notes: i % 3 ? [] : [{ id: `n${i}`, at: now, text: `Khách hỏi size ${['S', 'M', 'L'][i % 3]}, giao giờ hành chính` }],
              identity_keys: [`ig:t:${threadId}`, `ig:u:${username}`], phone_keys: [phone],
            });
            conversations.put({
              id: `ig:${threadId}`, created_at: now, updated_at: now - i * 60000, platform: 'instagram',
              thread_id: threadId, customer_id: id, status: 'processing', unread: i % 5 === 0, replied: i % 2 === 0,
              last_message_at: now - i * 60000,
            });
          }
          tx.oncomplete = () => { db.close(); resolve(); };
          tx.onerror = () => reject(tx.error);
        };
      }),
    { count, thread },
  );
}

// 1. Cold open with 10,000 customers: a fresh panel page, the thread's buyer among them.
{
  const browser = await launch({ fixtures: { lang: 'vi' } });
  try {
    const thread = browser.site.threads.instagram[0];
    const page = await browser.openThread('instagram', thread.id);
    const setup = await browser.openPanel(page);
    await setup.getByTestId('buyer-name').waitFor();
    await seed(setup, 10000, { ...thread, username: 'hong.nguyen.92' });
    await setup.close();
    const times = [];
    for (let i = 0; i < 7; i++) {
      const panel = await browser.context.newPage();
      await panel.setViewportSize({ width: 400, height: 800 });
      // performance.now() counts from the navigation's start.
      await panel.addInitScript(() => {
        new MutationObserver((_, observer) => {
          const name = document.querySelector('[data-testid=buyer-name]');
          if (name && name.textContent.trim()) {
            window.__firstRender = performance.now();
            observer.disconnect();
          }
        }).observe(document, { childList: true, subtree: true, characterData: true });
      });
      await panel.goto(browser.panelUrl);
      await panel.waitForFunction(() => window.__firstRender !== undefined);
      times.push(await panel.evaluate(() => window.__firstRender));
      await panel.close();
    }
    const m = median(times);
    row('panel cold open → customer card shown, 10,000 customers stored, median of 7', `${m.toFixed(0)} ms`, '≤ 150 ms', m <= 150);
    row('panel cold open, p90 (max of 7)', `${Math.max(...times).toFixed(0)} ms`, '-', null);
  } finally {
    await browser.close();
  }
}

// 2. Search keystrokes over 50,000 customers.
{
  const browser = await launch({ fixtures: { lang: 'vi' } });
  try {
    const thread = browser.site.threads.instagram[0];
    const setup = await browser.openPanel();
    await setup.getByTestId('empty').waitFor();
    await seed(setup, 50000, { ...thread, username: 'hong.nguyen.92' });
    await setup.close();
    const panel = await browser.openPanel();
    await panel.getByTestId('empty').waitFor();
    const t0 = Date.now();
    await panel.getByTestId('tab-list').click();
    await panel.getByTestId('list-count').filter({ hasText: /50000/ }).waitFor({ timeout: 120000 });
    row('list open, first time → 50,000 customers decoded, indexed, index stored', `${Date.now() - t0} ms`, '-', null);
    // Later opens read the stored index (one record) instead of decoding every customer.
    const opens = [];
    for (let i = 0; i < 5; i++) {
      const again = await browser.openPanel();
      await again.getByTestId('empty').waitFor();
      const t1 = Date.now();
      await again.getByTestId('tab-list').click();
      await again.getByTestId('list-count').filter({ hasText: /50000/ }).waitFor({ timeout: 120000 });
      opens.push(Date.now() - t1);
      await again.close();
    }
    row(`list open with the stored index, 50,000 customers, median of ${opens.length}`, `${median(opens)} ms`, '≤ 300 ms', median(opens) <= 300);
    row('list open with the stored index, max', `${Math.max(...opens)} ms`, '-', null);
    // One keystroke: input event → the count and the rows in the DOM updated (all microtasks
    // done; timed in the page up to the next macrotask).
    const typed = ['n', 'ng', 'ngu', 'nguy', 'nguye', 'nguyen', 'nguyen ', 'nguyen t', 'nguyen th', 'nguyen thi',
      'nguyen thi h', 'nguyen thi ho', 'nguyen thi hong', '0', '09', '091', '0912', 'giao gio'];
    const times = [];
    const inWasm = [];
    for (let round = 0; round < 3; round++) {
      for (const text of typed) {
        const [ms, us] = await panel.evaluate(
          (text) =>
            new Promise((resolve) => {
              const input = document.querySelector('[data-testid=list-search]');
              const count = document.querySelector('[data-testid=list-count]');
              const start = performance.now();
              input.value = text;
              input.dispatchEvent(new Event('input', { bubbles: true }));
              const channel = new MessageChannel();
              channel.port1.onmessage = () => resolve([performance.now() - start, Number(count.dataset.searchUs)]);
              channel.port2.postMessage(0);
            }),
          text,
        );
        times.push(ms);
        inWasm.push(us / 1000);
      }
    }
    const m = median(times);
    row(`search keystroke → list updated, 50,000 customers, median of ${times.length}`, `${m.toFixed(1)} ms`, '≤ 16 ms', m <= 16);
    row('search keystroke, p90', `${p90(times).toFixed(1)} ms`, '≤ 16 ms', p90(times) <= 16);
    row('of which Index::search in wasm, median', `${median(inWasm).toFixed(2)} ms`, '-', null);
  } finally {
    await browser.close();
  }
}

// 3. Order creation round trip: click "create" → the order visible in the customer's list.
{
  const browser = await launch({ fixtures: { lang: 'vi' } });
  try {
    const thread = browser.site.threads.instagram[0];
    const page = await browser.openThread('instagram', thread.id);
    const panel = await browser.openPanel(page);
    await panel.getByTestId('buyer-name').waitFor();
    await panel.getByTestId('tab-products').click();
    await panel.getByTestId('add-product').click();
    await panel.getByTestId('product-name').fill('Áo len');
    await panel.getByTestId('variant-sku').fill('AL-1');
    await panel.getByTestId('variant-price').fill('350000');
    await panel.getByTestId('variant-stock').fill('100000');
    await panel.getByTestId('variant-stock').press('Tab');
    await panel.getByTestId('save-product').click();
    await panel.getByTestId('product-row').waitFor();
    await panel.getByTestId('tab-customer').click();
    const times = [];
    for (let i = 0; i < 15; i++) {
      await panel.getByTestId('create-order').click();
      await panel.getByTestId('recipient-address').fill('12 ngõ 34 Tây Sơn, Đống Đa, Hà Nội');
      await panel.getByTestId('recipient-phone').fill('0912345678');
      await panel.getByTestId('product-search').fill('AL-1');
      await panel.getByTestId('product-search').press('Enter');
      await panel.getByTestId('order-line').waitFor();
      times.push(
        await panel.evaluate(
          (before) =>
            new Promise((resolve) => {
              const start = performance.now();
              const done = () => document.querySelectorAll('[data-testid=order-row]').length > before;
              new MutationObserver((_, observer) => {
                if (done()) { observer.disconnect(); resolve(performance.now() - start); }
              }).observe(document.body, { childList: true, subtree: true });
              document.querySelector('[data-testid=create-order-submit]').click();
            }),
          i,
        ),
      );
    }
    const m = median(times);
    row(`order creation, click "create" → in the list, median of ${times.length}`, `${m.toFixed(1)} ms`, '≤ 50 ms', m <= 50);
    row('order creation, p90', `${p90(times).toFixed(1)} ms`, '-', null);
  } finally {
    await browser.close();
  }
}

// 4. Backup export and restore (issue 13): 10,000 customers and 500 images (100 KB of base64
//    each, a 75 KB photo) — export from one read transaction to a verified file, restore of it.
{
  const browser = await launch({ fixtures: { lang: 'vi' } });
  try {
    const thread = browser.site.threads.instagram[0];
    const panel = await browser.openPanel();
    await panel.getByTestId('tab-data').click();
    await seed(panel, 10_000, thread);
    await panel.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const open = indexedDB.open('nobi-pro');
          open.onsuccess = () => {
            const db = open.result;
            const tx = db.transaction('media', 'readwrite');
            const media = tx.objectStore('media');
            const data = 'A'.repeat(100_000);
            const now = Date.now();
            for (let i = 0; i < 500; i++) {
              media.put({ id: `m${i}`, created_at: now, updated_at: now, name: `anh-${i}.jpg`, folder: '', mime: 'image/jpeg', data_base64: data });
            }
            tx.oncomplete = () => { db.close(); resolve(); };
            tx.onerror = () => reject(tx.error);
          };
          open.onerror = () => reject(open.error);
        }),
    );
    await panel.reload();
    await panel.getByTestId('tab-data').click();
    const started = Date.now();
    const [download] = await Promise.all([panel.waitForEvent('download'), panel.getByTestId('export').click()]);
    const exportMs = Date.now() - started;
    const { tmpdir } = await import('node:os');
    const { stat, rm } = await import('node:fs/promises');
    const file = `${tmpdir()}/nobi-bench-backup-${process.pid}.json`;
    await download.saveAs(file);
    const size = (await stat(file)).size;
    row(`backup export, 10,000 customers + 500 images (${(size / 1048576).toFixed(1)} MB)`, `${exportMs} ms`, '-', null);
    const restoreStart = Date.now();
    await panel.getByTestId('restore-file').setInputFiles(file);
    await panel.getByTestId('restore-done').waitFor({ timeout: 120_000 });
    row('backup restore of that file (read, check, one transaction)', `${Date.now() - restoreStart} ms`, '-', null);
    await rm(file, { force: true });
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
