// Products from other tools' files, in the Products tab: a malformed CSV shows each bad row by
// its row number and writes nothing; a KiotViet export imports whole (products with their stock
// in the tab, found without diacritics by the order form's product search); an .xlsx sheet
// (inflated by the browser's DecompressionStream, as the customer import's) updates a price and
// stocks a new warehouse, which joins the settings. The CSV files are core's fixtures
// (core/order/tests/data/products/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import zlib from 'node:zlib';
import { ROOT, withBrowser, countRecords } from './harness.mjs';
import { available } from './support/catalog.mjs';

const PRODUCT_DATA = path.join(ROOT, 'core', 'order', 'tests', 'data', 'products');

/**
 * A one-sheet .xlsx: `rows` of strings (inline strings) and numbers, the sheet deflated, no
 * workbook part (the reader then takes xl/worksheets/sheet1.xml).
 */
function xlsx(rows) {
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const cell = (v, c, r) => {
    const ref = `${String.fromCharCode(65 + c)}${r}`;
    return typeof v === 'number'
      ? `<c r="${ref}"><v>${v}</v></c>`
      : `<c r="${ref}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`;
  };
  const sheet =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' +
    rows.map((row, i) => `<row r="${i + 1}">${row.map((v, c) => cell(v, c, i + 1)).join('')}</row>`).join('') +
    '</sheetData></worksheet>';
  const name = Buffer.from('xl/worksheets/sheet1.xml');
  const data = Buffer.from(sheet, 'utf8');
  const deflated = zlib.deflateRawSync(data);
  const crc = zlib.crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(0x0800, 6); // UTF-8 names
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(deflated.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0x0800, 8);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(deflated.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  central.writeUInt32LE(0, 42); // the local header's offset
  const directoryAt = local.length + name.length + deflated.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(directoryAt, 16);
  return Buffer.concat([local, name, deflated, central, name, end]);
}

test('product import: a malformed file shows its rows and writes nothing; a good one shows in the tab and in the order form; an .xlsx updates it', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'nobi-products-'));
  try {
    await withBrowser({ fixtures: { lang: 'vi' } }, async (browser) => {
      const hong = browser.site.threads.instagram[0];
      const page = await browser.openThread('instagram', hong.id);
      const panel = await browser.openPanel(page);
      await panel.getByTestId('buyer-name').filter({ hasText: hong.name }).waitFor();
      await panel.getByTestId('tab-products').click();
      const changesBefore = await countRecords(panel, 'changes');

      // One mistake per row: every row by its number, nothing written.
      await panel.getByTestId('product-import-file').setInputFiles(path.join(PRODUCT_DATA, 'malformed.csv'));
      const errors = panel.getByTestId('product-import-errors');
      await errors.waitFor();
      const text = await errors.textContent();
      assert.match(text, /Dòng 3: thiếu mã SKU/, text);
      assert.match(text, /Dòng 4, cột «Mã SKU»: mã «OK-1» đã có ở dòng 2/, text);
      assert.match(text, /Dòng 5, cột «Giá bán»: «abc» không phải giá hợp lệ/, text);
      assert.match(text, /Dòng 6, cột «Tồn kho»: tồn kho «-2» bị âm/, text);
      assert.match(text, /Dòng 7, cột «Cân nặng»: không rõ «0,5» là gam hay kg/, text);
      assert.match(text, /Dòng 8, cột «Ảnh»: «ao-so-mi\.jpg» không phải đường dẫn ảnh/, text);
      assert.match(text, /Dòng 9: mã «NO-NAME» chưa có trong danh mục/, text);
      assert.match(text, /Dòng 10, cột «Giá bán»: mã mới «NO-PRICE» chưa có giá bán/, text);
      assert.match(text, /Dòng 11, cột «Giá bán»: giá «-5000» bị âm/, text);
      // Rows 12 and 13 are fine against an empty catalog.
      assert.equal(await errors.locator('li').count(), 9, text);
      assert.ok(await panel.getByTestId('product-import-confirm').isDisabled(), 'nothing can be imported from a file with errors');
      assert.equal(await countRecords(panel, 'products'), 0);
      assert.equal(await countRecords(panel, 'changes'), changesBefore, 'nothing was written');
      assert.equal(await panel.getByTestId('product-row').count(), 0);

      // A KiotViet export: two products, four variants, with stock.
      await panel.getByTestId('product-import-file').setInputFiles(path.join(PRODUCT_DATA, 'kiotviet.csv'));
      const summary = panel.getByTestId('product-import-summary');
      await summary.waitFor();
      assert.match(await summary.textContent(), /: 2 sản phẩm mới, 0 /);
      const plan = await panel.getByTestId('product-import-plan').textContent();
      assert.match(plan, /Mã hàng → Mã SKU/, plan);
      assert.match(plan, /Giá vốn → bỏ qua/, plan);
      assert.match(plan, /AL-M-BE/, plan);
      await panel.getByTestId('product-import-confirm').click();
      await panel.getByTestId('product-import-done').filter({ hasText: /2 sản phẩm mới/ }).waitFor();
      assert.equal(await countRecords(panel, 'products'), 2);
      await panel.getByTestId('product-row').filter({ hasText: 'Áo len cổ lọ' }).waitFor();
      await panel.getByTestId('product-row').filter({ hasText: 'Khăn quàng cashmere' }).waitFor();
      assert.equal(await available(panel, 'AL-M-BE'), 12);
      assert.equal(await available(panel, 'AL-L-BE'), 5);
      assert.equal(await available(panel, 'AL-M-DEN'), 0);
      assert.equal(await available(panel, 'KHAN-01'), 3);
      const khan = panel.getByTestId('product-row').locator('tr', { hasText: 'KHAN-01' });
      assert.match(await khan.textContent(), /1\.250\.000 ₫/);

      // An .xlsx sheet: a new price, and stock in a warehouse the shop does not have yet.
      const workbook = path.join(dir, 'ton-kho.xlsx');
      await writeFile(
        workbook,
        xlsx([
          ['Mã SKU', 'Giá bán', 'Tồn kho: Kho HCM'],
          ['KHAN-01', 1300000, 7],
          [],
          ['AL-M-BE', '', 2],
        ]),
      );
      await panel.getByTestId('product-import-file').setInputFiles(workbook);
      await summary.waitFor();
      assert.match(await summary.textContent(), /: 0 sản phẩm mới, 2 sản phẩm đã có/);
      assert.match(await panel.getByTestId('product-import-warehouses').textContent(), /Kho HCM/);
      await panel.getByTestId('product-import-confirm').click();
      await panel.getByTestId('product-import-done').filter({ hasText: /2 sản phẩm đã có/ }).waitFor();
      await khan.filter({ hasText: '1.300.000 ₫' }).waitFor();
      assert.equal(await available(panel, 'KHAN-01'), 3, 'the default warehouse keeps its count');
      assert.equal(await countRecords(panel, 'products'), 2);
      const settings = await panel.getByTestId('order-settings').textContent();
      assert.match(settings, /Kho chính/);
      assert.match(settings, /Kho HCM/);

      // The order form finds an imported product without diacritics.
      await panel.getByTestId('tab-customer').click();
      await panel.getByTestId('create-order').click();
      const form = panel.getByTestId('order-form');
      await form.getByTestId('product-search').fill('khan quang');
      await form.getByTestId('product-hit').filter({ hasText: 'Khăn quàng cashmere' }).waitFor();
      await form.getByTestId('product-search').fill('ao len co lo den');
      await form.getByTestId('product-hit').filter({ hasText: 'AL-M-DEN' }).first().waitFor();

      // After a reload, the catalog is the stored one.
      await panel.reload();
      await panel.getByTestId('buyer-name').filter({ hasText: hong.name }).waitFor();
      await panel.getByTestId('tab-products').click();
      assert.equal(await available(panel, 'AL-M-BE'), 12);
      await khan.filter({ hasText: '1.300.000 ₫' }).waitFor();
      assert.deepEqual(browser.consoleErrors.filter((e) => /Nobi Pro|panic/.test(e)), []);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
