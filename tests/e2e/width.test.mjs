// The side panel at the widths Chrome gives it (320–500 px): no screen scrolls sideways and no
// control sits outside the panel. At 320 px and at 480 px (height 800), in one browser per width,
// the test clicks through every screen an agent reaches — the customer card of a fixture thread
// (composer and its pop-ups, the address form, the order form with a product line, an order's
// detail), the list with imported customers, the products tab with its forms, the templates tab
// with its form and the media library, the data tab, the shortcuts overlay, the page check, and
// the header in English — and measures each one. Every offender of every screen is collected and
// reported in one failure per width (screen, element, its box), so the list is a work order.
// Every control an agent clicks must also be at least 24 × 24 px (WCAG 2.5.8).
// Screenshots for the README: the Customer tab (docs/screenshots/panel-320.png, panel-480.png),
// the order form and the list at 320 px (panel-320-order.png, panel-320-list.png), the address
// form asking to check an earlier name (address-check-320.png), the new campaign and a scheduled
// campaign at 320 px (campaign-new-320.png, campaigns-320.png).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ROOT, SCREENSHOTS, withBrowser } from './harness.mjs';
import { measure } from './support/measure.mjs';

const WIDTHS = [320, 480];
const HEIGHT = 800;
const IMPORT_DATA = path.join(ROOT, 'core', 'crm', 'tests', 'data', 'import');
const PRODUCT_DATA = path.join(ROOT, 'core', 'order', 'tests', 'data', 'products');
// A 1×1 PNG for the media library.
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';


/**
 * Collects the offenders of one screen into `report` (one entry per screen); nothing is asserted
 * here, so that every screen is measured and the failure at the end lists all of them.
 */
async function assertFits(panel, label, report) {
  const m = await measure(panel);
  assert.equal(m.headerCount, 7, `${label}: the header's 5 tabs, "?" and language switch are there`);
  report.push({ label, ...m });
}

/**
 * Formats one width's report: every screen with its offenders; '' when all fit. An offender
 * already listed on an earlier screen (same element, same text) is named again in one line,
 * not described again.
 */
function format(width, report) {
  const seen = new Set();
  const key = (part, o) => `${part}|${o.element}|${o.text}`;
  const line = (o) =>
    `${o.element}${o.text ? ` "${o.text}"` : ''}${o.within ? ` in [data-testid=${o.within}]` : ''}` +
    ` left=${o.rect.left} right=${o.rect.right} width=${o.rect.width} top=${o.rect.top}`;
  const out = [];
  let bad = 0;
  for (const s of report) {
    const lines = [];
    const again = new Set();
    const list = (part, title, items) => {
      for (const o of items) {
        if (seen.has(key(part, o))) { again.add(o.text ? `${o.element} "${o.text}"` : o.element); continue; }
        seen.add(key(part, o));
        lines.push(`${title}${line(o)}`);
      }
    };
    if (s.page.scrolls) {
      lines.push(
        `(a) the page scrolls sideways: html.scrollWidth=${s.page.htmlScrollWidth}, body.scrollWidth=${s.page.bodyScrollWidth}, viewport=${s.page.viewport}`,
      );
      // What makes it scroll, unless it is a control listed below anyway.
      const listed = (o) => [...s.header, ...s.controls].some((c) => c.element === o.element && c.text === o.text);
      list('(a)', '    sticks out: ', s.causes.filter((o) => !listed(o)));
    }
    list('(c)', '(c) header item outside: ', s.header);
    list('(b)', '(b) control outside: ', s.controls.filter((o) => !s.header.some((h) => h.element === o.element && h.text === o.text)));
    list('(d)', '(d) target smaller than 24 × 24 px: ', s.small);
    if (again.size) lines.push(`(and, as on an earlier screen: ${[...again].join(', ')})`);
    if (lines.length) {
      bad++;
      out.push(`  [${s.label}] @ ${width}px`, ...lines.map((l) => `    ${l}`));
    }
  }
  if (!bad) return '';
  return [`At ${width} px, ${bad} of ${report.length} screens do not fit the side panel:`, ...out].join('\n');
}

async function visible(locator, timeout = 10000) {
  await locator.first().waitFor({ state: 'visible', timeout });
  return locator.first();
}

for (const width of WIDTHS) {
  test(`every screen of the side panel fits ${width} px: no sideways scroll, no control outside`, async () => {
    await withBrowser({ fixtures: { lang: 'vi' } }, async (browser) => {
      const report = [];
      const hong = browser.site.threads.instagram[0];
      const page = await browser.openThread('instagram', hong.id);
      const panel = await browser.context.newPage();
      await panel.setViewportSize({ width, height: HEIGHT });
      await panel.goto(browser.panelUrl);
      await page.bringToFront();
      await visible(panel.getByTestId('buyer-name').filter({ hasText: hong.name }), 20000);
      // The conversation is announced; from here on the panel is the tab in front. (A background
      // tab gets no animation frames, and every click would wait for them to judge stability.)
      await panel.bringToFront();

      // ── Customer tab: the composer and the card, the buyer's phone captured from the chat.
      await (await visible(panel.getByTestId('capture-phone').filter({ hasText: '0912 345 678' }))).click();
      await visible(panel.getByTestId('phone').filter({ hasText: '0912 345 678' }));
      await visible(panel.getByTestId('composer'));
      await visible(panel.getByTestId('customer-card'));
      await visible(panel.getByTestId('create-order'));
      await panel.evaluate(() => window.scrollTo(0, 0));
      await mkdir(SCREENSHOTS, { recursive: true });
      await panel.screenshot({ path: path.join(SCREENSHOTS, `panel-${width}.png`) });
      await assertFits(panel, 'Khách: ô soạn tin + thẻ khách', report);

      // A message scheduled for tomorrow: the schedule field and the outbox row, nothing typed.
      await panel.getByTestId('composer').fill('Dạ shop gửi chị bảng size và ảnh thật của mẫu áo len cổ lọ ạ 🌸');
      await panel.getByTestId('schedule').check();
      const at = await visible(panel.getByTestId('schedule-at'));
      // Tomorrow 9:00, as the field takes it: a datetime-local input, or a dd/mm/yyyy hh:mm text.
      const tomorrow = await at.evaluate((el) => {
        const d = new Date(Date.now() + 24 * 3600 * 1000);
        const p = (n) => String(n).padStart(2, '0');
        return el.type === 'datetime-local'
          ? `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T09:00:00`
          : `${p(d.getDate())}/${p(d.getMonth() + 1)}/${d.getFullYear()} 09:00`;
      });
      await at.fill(tomorrow);
      await panel.getByTestId('send').click();
      const scheduled = panel.getByTestId('outbox-item').filter({ hasText: 'bảng size' });
      await visible(scheduled.getByTestId('outbox-state').filter({ hasText: /Hẹn gửi lúc/ }));
      await visible(scheduled.getByTestId('outbox-cancel'));
      await panel.getByTestId('schedule').check();
      await visible(panel.getByTestId('schedule-at'));
      await assertFits(panel, 'Khách: hẹn giờ gửi + hộp thư đi', report);
      await panel.getByTestId('schedule').uncheck();

      // The composer's pop-ups: templates menu, media picker, emoji grid.
      await panel.getByTestId('tpl-button').click();
      await visible(panel.getByTestId('tpl-menu'));
      await assertFits(panel, 'Khách: menu mẫu tin của ô soạn tin', report);
      await panel.getByTestId('tpl-button').click();
      await panel.getByTestId('tpl-menu').waitFor({ state: 'detached' });
      await panel.getByTestId('media-button').click();
      await visible(panel.getByTestId('media-library'));
      await assertFits(panel, 'Khách: thư viện ảnh của ô soạn tin', report);
      await panel.getByTestId('media-button').click();
      await panel.getByTestId('emoji-button').click();
      await visible(panel.getByTestId('emoji-picker'));
      await assertFits(panel, 'Khách: bảng emoji', report);
      await panel.getByTestId('emoji-button').click();
      await panel.getByTestId('emoji-picker').waitFor({ state: 'detached' });

      // The address form, filled from the address the buyer wrote.
      await panel.getByTestId('add-address').click();
      await visible(panel.getByTestId('addr-form'));
      // "Kiểm tra lại" with an earlier name and the old province (issue 16): the longest line.
      await panel.getByTestId('addr-input').fill('P. Ngã Tư Sởo, Q. Đống Đa, Hà Nội');
      await visible(panel.getByTestId('addr-review'));
      await assertFits(panel, 'Khách: biểu mẫu địa chỉ (kiểm tra lại)', report);
      if (width === 320) {
        await panel.getByTestId('addr-review').scrollIntoViewIfNeeded();
        await panel.screenshot({ path: path.join(SCREENSHOTS, 'address-check-320.png') });
      }
      await panel.getByTestId('addr-input').fill('');
      await (await visible(panel.getByTestId('addr-suggestion').filter({ hasText: /Tây Sơn/ }))).click();
      await panel.waitForFunction(
        () => document.querySelector('[data-testid="addr-legacy-district"]')?.value === 'Quận Đống Đa',
        null,
        { timeout: 10000 },
      );
      await visible(panel.getByTestId('addr-save'));
      await assertFits(panel, 'Khách: biểu mẫu địa chỉ (đã điền)', report);
      await panel.getByTestId('addr-save').click();
      await visible(panel.getByTestId('address').filter({ hasText: /Tây Sơn/ }));

      // ── Products tab: the new-product form, then a product saved, then an import preview.
      await panel.getByTestId('tab-products').click();
      await visible(panel.getByTestId('products'));
      await assertFits(panel, 'Sản phẩm: danh mục trống', report);
      await panel.getByTestId('add-product').click();
      await visible(panel.getByTestId('product-form'));
      await panel.getByTestId('product-name').fill('Áo len cổ lọ');
      await panel.getByTestId('add-variant').click();
      const variants = panel.getByTestId('variant-row');
      assert.equal(await variants.count(), 2);
      for (const [i, v] of [['AL-BE-M', 'M', 'Be', '350.000', '5'], ['AL-XR-M', 'M', 'Xanh rêu', '350000', '3']].entries()) {
        const row = variants.nth(i);
        await row.getByTestId('variant-sku').fill(v[0]);
        await row.getByTestId('variant-size').fill(v[1]);
        await row.getByTestId('variant-colour').fill(v[2]);
        await row.getByTestId('variant-price').fill(v[3]);
        await row.getByTestId('variant-stock').fill(v[4]);
        await row.getByTestId('variant-stock').press('Tab');
      }
      await assertFits(panel, 'Sản phẩm: biểu mẫu sản phẩm mới (2 phân loại)', report);
      await panel.getByTestId('save-product').click();
      await visible(panel.getByTestId('product-row').filter({ hasText: 'Áo len cổ lọ' }));
      await panel.getByTestId('product-import-file').setInputFiles(path.join(PRODUCT_DATA, 'kiotviet.csv'));
      await visible(panel.getByTestId('product-import-plan'));
      await visible(panel.getByTestId('product-import-confirm'));
      await assertFits(panel, 'Sản phẩm: xem trước nhập tệp', report);
      await panel.getByTestId('product-import-confirm').click();
      await visible(panel.getByTestId('product-import-done'));
      await visible(panel.getByTestId('product-row').filter({ hasText: 'Khăn quàng cashmere' }));
      await visible(panel.getByTestId('order-settings'));
      await assertFits(panel, 'Sản phẩm: danh mục có hàng + cài đặt đơn', report);

      // ── Customer tab: the order form with a product line, then the order's detail.
      await panel.getByTestId('tab-customer').click();
      await visible(panel.getByTestId('buyer-name').filter({ hasText: hong.name }));
      await panel.getByTestId('create-order').click();
      const form = await visible(panel.getByTestId('order-form'));
      await form.getByTestId('recipient-address').fill('12 ngõ 34 Tây Sơn, Đống Đa, Hà Nội');
      await form.getByTestId('product-search').fill('ao len be');
      await (await visible(form.getByTestId('product-hit'))).click();
      await visible(form.getByTestId('order-line'));
      await form.getByTestId('product-search').fill('khan');
      await visible(form.getByTestId('product-hit'));
      await visible(form.getByTestId('form-total'));
      await assertFits(panel, 'Khách: biểu mẫu tạo đơn (1 dòng hàng, gợi ý sản phẩm)', report);
      if (width === 320) {
        await form.getByTestId('order-line').first().scrollIntoViewIfNeeded();
        await panel.screenshot({ path: path.join(SCREENSHOTS, 'panel-320-order.png') });
      }
      await form.getByTestId('product-search').fill('');
      await form.getByTestId('create-order-submit').click();
      await (await visible(panel.getByTestId('order-row'))).click();
      const detail = await visible(panel.getByTestId('order-detail'));
      await visible(detail.getByTestId('order-next-status'));
      await detail.getByTestId('edit-recipient').click();
      await visible(detail.getByTestId('recipient-form'));
      await assertFits(panel, 'Khách: chi tiết đơn (sửa người nhận mở)', report);
      await detail.getByTestId('order-back').click();
      await visible(panel.getByTestId('order-row'));
      await assertFits(panel, 'Khách: thẻ khách có địa chỉ và đơn', report);

      // ── Data tab: a customer import previewed, then done (the list gets customers from it).
      await panel.getByTestId('tab-data').click();
      await visible(panel.getByTestId('import'));
      await visible(panel.getByTestId('backup'));
      await assertFits(panel, 'Dữ liệu', report);
      await panel.getByTestId('import-file').setInputFiles(path.join(IMPORT_DATA, 'customers-vi.csv'));
      await visible(panel.getByTestId('import-plan'));
      await visible(panel.getByTestId('import-confirm'));
      await assertFits(panel, 'Dữ liệu: xem trước nhập khách', report);
      await panel.getByTestId('import-confirm').click();
      await visible(panel.getByTestId('import-done'));

      // ── List tab: the imported customers, filters visible.
      await panel.getByTestId('tab-list').click();
      await visible(panel.getByTestId('customer-list'));
      await visible(panel.getByTestId('filter-tag'));
      await visible(panel.getByTestId('filter-to'));
      await visible(panel.getByTestId('list-row').nth(3));
      await assertFits(panel, 'Danh sách khách (có bộ lọc)', report);
      if (width === 320) await panel.screenshot({ path: path.join(SCREENSHOTS, 'panel-320-list.png') });

      // ── Campaigns tab: the new-campaign screen (the imported customers cannot be reached: no
      // conversation yet), a campaign scheduled for tomorrow, the follow-up list.
      await panel.getByTestId('tab-campaigns').click();
      await visible(panel.getByTestId('campaign-runs'));
      await assertFits(panel, 'Chiến dịch: danh sách (trống)', report);
      await panel.getByTestId('campaigns-nav-new').click();
      await visible(panel.getByTestId('audience-row').nth(2));
      await panel.getByTestId('campaign-name-input').fill('Ưu đãi 12.12 cho khách cũ');
      await panel.getByTestId('campaign-text').fill('Dạ chào {ten_khach}, shop có ưu đãi 12.12 giảm 20% áo len ạ 🌸');
      await visible(panel.getByTestId('campaign-preview-text').filter({ hasText: 'ưu đãi 12.12' }));
      await assertFits(panel, 'Chiến dịch: tạo mới (người nhận, nội dung, xem trước)', report);
      if (width === 320) {
        await panel.evaluate(() => window.scrollTo(0, 0));
        await panel.screenshot({ path: path.join(SCREENSHOTS, 'campaign-new-320.png'), fullPage: true });
      }
      const when = await visible(panel.getByTestId('campaign-at'));
      await when.fill(await when.evaluate(() => {
        const d = new Date(Date.now() + 24 * 3600 * 1000);
        const p = (n) => String(n).padStart(2, '0');
        return `${p(d.getDate())}/${p(d.getMonth() + 1)}/${d.getFullYear()} 09:00`;
      }));
      await panel.getByTestId('campaign-schedule').click();
      await visible(panel.getByTestId('campaign-card'));
      await visible(panel.getByTestId('campaign-state').filter({ hasText: /Hẹn gửi lúc/ }));
      await panel.getByTestId('campaign-details').click();
      await visible(panel.getByTestId('campaign-recipient'));
      await assertFits(panel, 'Chiến dịch: hẹn giờ, chi tiết người nhận', report);
      if (width === 320) await panel.screenshot({ path: path.join(SCREENSHOTS, 'campaigns-320.png') });
      panel.once('dialog', (d) => d.accept());
      await panel.getByTestId('campaign-cancel').click();
      await visible(panel.getByTestId('campaign-state').filter({ hasText: /Đã huỷ/ }));
      await panel.getByTestId('campaigns-nav-followups').click();
      await visible(panel.getByTestId('followups'));
      await assertFits(panel, 'Chiến dịch: cần nhắn lại', report);

      // ── Templates tab: the form with an image picked from the library, and the library.
      await panel.getByTestId('tab-templates').click();
      await visible(panel.getByTestId('templates'));
      await visible(panel.getByTestId('media-library'));
      await panel.getByTestId('media-upload').setInputFiles({ name: 'bang-size-ao-len-co-lo.png', mimeType: 'image/png', buffer: Buffer.from(PNG, 'base64') });
      await visible(panel.getByTestId('media-item'));
      await assertFits(panel, 'Mẫu tin: danh sách + thư viện ảnh', report);
      await panel.getByTestId('tpl-new').click();
      const tplForm = await visible(panel.getByTestId('tpl-form'));
      await panel.getByTestId('tpl-name').fill('Cảm ơn khách');
      await panel.getByTestId('tpl-shortcut').fill('/cam_on');
      await panel.getByTestId('tpl-content').fill('Dạ shop cảm ơn {ten_khach} ạ, shop gọi số {sdt} khi giao nhé 🌸 {khong_co}');
      await visible(panel.getByTestId('tpl-warning'));
      await panel.getByTestId('tpl-add-image').click();
      await visible(tplForm.getByTestId('media-pick'));
      await assertFits(panel, 'Mẫu tin: biểu mẫu mẫu tin mới (chọn ảnh mở)', report);
      await tplForm.getByTestId('media-pick').first().click();
      await panel.getByTestId('tpl-content').fill('Dạ shop cảm ơn {ten_khach} ạ 🌸');
      await panel.getByTestId('tpl-save').click();
      await visible(panel.getByTestId('tpl-row').filter({ hasText: 'Cảm ơn khách' }));
      await visible(panel.getByTestId('tpl-edit'));
      await assertFits(panel, 'Mẫu tin: danh sách có mẫu', report);

      // ── The shortcuts overlay, from the "?" button.
      await panel.getByTestId('help-button').click();
      await visible(panel.getByTestId('help'));
      await assertFits(panel, 'Bảng phím tắt (nút ?)', report);
      await panel.keyboard.press('Escape');
      await panel.getByTestId('help').waitFor({ state: 'detached' });

      // ── The page check, from the health line (on the Customer tab).
      await panel.getByTestId('tab-customer').click();
      await visible(panel.getByTestId('buyer-name').filter({ hasText: hong.name }));
      await panel.getByTestId('check-page').click();
      await visible(panel.getByTestId('checks'), 15000);
      await visible(panel.getByTestId('layout-report'));
      await panel.getByTestId('check-page').scrollIntoViewIfNeeded();
      await assertFits(panel, 'Khách: Kiểm tra trang (mở kết quả)', report);

      // ── The header in English (longer words in the tabs).
      await panel.getByTestId('lang-switch').click();
      await visible(panel.getByTestId('tab-customer').filter({ hasText: /Customer/i }));
      await assertFits(panel, 'Khách, giao diện tiếng Anh', report);
      await panel.getByTestId('lang-switch').click();
      await visible(panel.getByTestId('tab-customer').filter({ hasText: /Khách/ }));

      assert.equal(report.length, 27, 'every screen was measured');
      const failure = format(width, report);
      assert.ok(!failure, `\n${failure}\n`);
    });
  });
}
