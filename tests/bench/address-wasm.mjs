// Speed of the address engine's wasm module (ui/address, built into dist/panel/address) in
// headless Chromium: data load (warm_up) in fresh pages, then parse_address over the dev set.
//
//   node tests/bench/address-wasm.mjs [PKG_DIR]      (or NOBI_ADDRESS_PKG=PKG_DIR)
//
// PKG_DIR is the wasm-bindgen --target web output holding nobi_address_wasm.js and
// nobi_address_wasm_bg.wasm (default dist/panel/address). Prints a markdown table in the style of
// `nobi bench`; figures are reported, never asserted.
//
// Timing: performance.now() is coarsened by Chromium (100 µs, 5 µs when cross-origin isolated),
// so the page is served cross-origin isolated and each address is parsed REPS times in a row; the
// per-address figure is that batch's mean, and the table shows the median and p90 over addresses.
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PKG = resolve(process.argv[2] || process.env.NOBI_ADDRESS_PKG || join(ROOT, 'dist/panel/address'));
const DEV_SET = join(ROOT, 'core/tests/data/address_dev.tsv');
const HELDOUT_SET = join(ROOT, 'core/tests/data/address_heldout.tsv');
const HELDOUT_2026 = [join(ROOT, 'core/tests/data/address_heldout2026.tsv'), join(ROOT, 'core/tests/data/address_heldout2026b.tsv')];
const ORIGIN = 'https://nobi-bench.test';
const LOAD_RUNS = 9;
const REPS = 10;

for (const f of ['nobi_address_wasm.js', 'nobi_address_wasm_bg.wasm']) {
  if (!existsSync(join(PKG, f))) {
    console.error(`address-wasm bench: ${join(PKG, f)} is missing. Build the module first (./build.sh), or pass the wasm-bindgen output directory as the first argument.`);
    process.exit(2);
  }
}

// First column of the TSV sets, header skipped.
const inputs = (path) => existsSync(path)
  ? readFileSync(path, 'utf8').split('\n').slice(1).map((l) => l.split('\t')[0]).filter((s) => s && !s.startsWith('#'))
  : [];
const dev = inputs(DEV_SET);
const heldout = inputs(HELDOUT_SET);
const heldout2026 = HELDOUT_2026.flatMap(inputs);

const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
const PAGE = '<!doctype html><meta charset="utf-8"><title>address wasm bench</title>';

const args = ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
if (process.getuid && process.getuid() === 0) args.push('--no-sandbox'); // Chromium refuses root otherwise
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args });

async function freshPage() {
  const context = await browser.newContext();
  await context.route(`${ORIGIN}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    const headers = {
      // Cross-origin isolation: finer performance.now().
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
    };
    if (path === '/' || path === '/index.html') {
      return route.fulfill({ status: 200, headers: { ...headers, 'Content-Type': TYPES['.html'] }, body: PAGE });
    }
    const file = join(PKG, path.replace(/^\/pkg\//, ''));
    if (!path.startsWith('/pkg/') || !existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
    const ext = file.slice(file.lastIndexOf('.'));
    return route.fulfill({ status: 200, headers: { ...headers, 'Content-Type': TYPES[ext] || 'application/octet-stream' }, body: readFileSync(file) });
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${ORIGIN}/`);
  return { context, page };
}

// Loads the module in a fresh page: instantiate ms, warm_up ms (as measured inside wasm and around it).
async function load(page) {
  return page.evaluate(async () => {
    const t0 = performance.now();
    const mod = await import('/pkg/nobi_address_wasm.js');
    await mod.default({ module_or_path: '/pkg/nobi_address_wasm_bg.wasm' });
    const t1 = performance.now();
    const inside = mod.warm_up();
    const t2 = performance.now();
    let again = NaN;
    if (mod.reload_ms) {
      const t3 = performance.now();
      mod.reload_ms();
      again = performance.now() - t3;
    }
    window.__addr = mod;
    return { instantiate: t1 - t0, warmUp: t2 - t1, inside, again, isolated: self.crossOriginIsolated };
  });
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };

const loads = [];
let isolated = false;
for (let i = 0; i < LOAD_RUNS; i++) {
  const { context, page } = await freshPage();
  const r = await load(page);
  isolated = r.isolated;
  loads.push(r);
  await context.close();
}

const { context, page } = await freshPage();
await load(page);
async function timeSet(lines) {
  return page.evaluate(({ lines, reps }) => {
    const mod = window.__addr;
    // One untimed pass: JIT tiers, caches.
    for (const s of lines) mod.parse_address(s);
    const per = [];
    let sink = 0;
    for (const s of lines) {
      const t = performance.now();
      for (let r = 0; r < reps; r++) sink += mod.parse_address(s).confidence;
      per.push(((performance.now() - t) * 1000) / reps);
    }
    window.__sink = sink;
    return per;
  }, { lines, reps: REPS });
}
const devTimes = await timeSet(dev);
const heldTimes = heldout.length ? await timeSet(heldout) : [];
const held2026Times = heldout2026.length ? await timeSet(heldout2026) : [];
const sample = await page.evaluate(() => window.__addr.parse_address('so 5 ngo 12 phuong lang ha dong da ha noi'));
const dataVersion = await page.evaluate(() => window.__addr.data_version());
await context.close();
await browser.close();

const rows = [];
const row = (what, value, target, ok) => rows.push({ what, value, target, ok });
const ms = (x) => x.toFixed(1);
const us = (x) => x.toFixed(1);
const warm = loads.map((l) => l.warmUp);
row('address wasm data version', dataVersion, '-', '-');
row(`address wasm data load (warm_up), median ms of ${LOAD_RUNS} fresh pages`, ms(median(warm)), '<= 20', median(warm) <= 20 ? 'yes' : 'NO');
row('address wasm data load (warm_up), min ms (least disturbed by other load)', ms(Math.min(...warm)), '-', '-');
row('address wasm data load (warm_up), max ms', ms(Math.max(...warm)), '-', '-');
const again = loads.map((l) => l.again).filter((x) => !Number.isNaN(x));
if (again.length) row('address wasm data parse again in the same page (code compiled), median ms', ms(median(again)), '-', '-');
row('address wasm module fetch+instantiate, median ms', ms(median(loads.map((l) => l.instantiate))), '-', '-');
row(`address wasm parse_address, median µs/address (dev set, ${dev.length} rows)`, us(median(devTimes)), '<= 60', median(devTimes) <= 60 ? 'yes' : 'NO');
row('address wasm parse_address, p90 µs/address (dev set)', us(pct(devTimes, 0.9)), '-', '-');
if (heldTimes.length) {
  row(`address wasm parse_address, median µs/address (held-out set, ${heldout.length} rows)`, us(median(heldTimes)), '<= 60', median(heldTimes) <= 60 ? 'yes' : 'NO');
  row('address wasm parse_address, p90 µs/address (held-out set)', us(pct(heldTimes, 0.9)), '-', '-');
}
if (held2026Times.length) {
  row(`address wasm parse_address, median µs/address (held-out 2026 + 2026b, ${heldout2026.length} rows)`, us(median(held2026Times)), '<= 60', median(held2026Times) <= 60 ? 'yes' : 'NO');
  row('address wasm parse_address, p90 µs/address (held-out 2026 + 2026b)', us(pct(held2026Times, 0.9)), '-', '-');
}

const w = Math.max(4, ...rows.map((r) => r.what.length));
const v = Math.max(5, ...rows.map((r) => r.value.length));
console.log(`| ${'what'.padEnd(w)} | ${'value'.padStart(v)} | target | ok |`);
for (const r of rows) console.log(`| ${r.what.padEnd(w)} | ${r.value.padStart(v)} | ${r.target} | ${r.ok} |`);
if (!isolated) console.log('(page was not cross-origin isolated: timer resolution 100 µs, per-address figures are batch means)');
if (!sample || !sample.current) console.log('warning: the sample address did not parse; is the module the right build?');
