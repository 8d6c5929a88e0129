// Customers from an Excel workbook (.xlsx), inflated by the browser's DecompressionStream: a
// workbook with errors shows each bad row by its sheet row number and writes nothing; a good
// one imports whole, and the list finds its customers without diacritics. The fixtures are
// written by core/crm/tests/data/import/make_xlsx.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT, withBrowser, countRecords } from './harness.mjs';

const IMPORT_DATA = path.join(ROOT, 'core', 'crm', 'tests', 'data', 'import');


test('importing a malformed XLSX shows each bad row by its sheet row and writes nothing; a good workbook imports', async () => {
  await withBrowser({}, async (browser) => {
    const panel = await browser.openPanel();
    await panel.getByTestId('tab-data').click();
    const changesBefore = await countRecords(panel, 'changes');

    await panel.getByTestId('import-file').setInputFiles(path.join(IMPORT_DATA, 'customers-malformed.xlsx'));
    const errors = panel.getByTestId('import-errors');
    await errors.waitFor();
    const text = await errors.textContent();
    assert.match(text, /Dòng 3, cột «SĐT»: «012345» không phải số di động/, text);
    assert.match(text, /Dòng 4, cột «Ngày sinh»: «31\/02\/1990»/, text);
    // Row 5 of the sheet is empty: the numbers are the sheet's, not a count of rows.
    assert.match(text, /Dòng 6, cột «SĐT»: số 0912345678 đã có ở dòng 2/, text);
    assert.match(text, /Dòng 10, cột «I»: ô này có dữ liệu/, text);
    assert.match(text, /Dòng 11, cột «Ngày sinh»: «1990»/, text);
    assert.equal(await errors.locator('li').count(), 8, text);
    assert.ok(await panel.getByTestId('import-confirm').isDisabled(), 'nothing can be imported from a file with errors');
    assert.equal(await countRecords(panel, 'customers'), 0);
    assert.equal(await countRecords(panel, 'changes'), changesBefore, 'nothing was written');

    await panel.getByTestId('import-file').setInputFiles(path.join(IMPORT_DATA, 'customers-vi.xlsx'));
    const summary = panel.getByTestId('import-summary');
    await summary.waitFor();
    assert.match(await summary.textContent(), /: 30 /);
    await panel.getByTestId('import-confirm').click();
    await panel.getByTestId('import-done').waitFor();
    assert.equal(await countRecords(panel, 'customers'), 30);

    // In the list, found without diacritics: rich text, character references, a phone Excel
    // stored as a number (its 0 restored).
    await panel.getByTestId('tab-list').click();
    await panel.getByTestId('list-count').filter({ hasText: '30 khách' }).waitFor();
    const search = panel.getByTestId('list-search');
    for (const [query, name] of [
      ['tran van minh', 'Trần Văn Minh'],
      ['le thi hong nhung', 'Lê Thị Hồng Nhung'],
      ['bui ngoc anh', 'Bùi Ngọc Ánh'],
      ['0369852147', 'Bùi Ngọc Ánh'],
    ]) {
      await search.fill(query);
      await panel.getByTestId('list-row').filter({ hasText: name }).waitFor();
      assert.equal(await panel.getByTestId('list-row').count(), 1, `query ${query}`);
    }
    assert.deepEqual(browser.consoleErrors.filter((e) => /Nobi Pro|panic/.test(e)), []);
  });
});
