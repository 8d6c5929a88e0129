// The end-to-end harness: the built dist/ loaded into Debian's Chromium (headless), the fixture
// pages served at the real Instagram/Facebook URLs with context.route, and the side panel opened
// as an ordinary tab (chrome.sidePanel.open needs a user gesture that tests cannot give).
import { chromium } from 'playwright-core';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveFixtures } from '../fixtures/server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '..', '..');
export const DIST = process.env.NOBI_DIST || path.join(ROOT, 'dist');
export const OUT = path.join(ROOT, 'tests', 'out');
export const SCREENSHOTS = path.join(ROOT, 'docs', 'screenshots');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** Launches Chromium with the extension. Pass `userDataDir` to reuse a profile (reload tests). */
export async function launch({ fixtures = {}, userDataDir, headless = true, locale = 'vi-VN', dist = DIST } = {}) {
  const profile = userDataDir ?? (await mkdtemp(path.join(tmpdir(), 'nobi-e2e-')));
  const context = await chromium.launchPersistentContext(profile, {
    headless,
    executablePath: CHROMIUM,
    locale,
    viewport: { width: 1280, height: 800 },
    args: [
      `--disable-extensions-except=${dist}`,
      `--load-extension=${dist}`,
      // This machine has no network beyond package registries: keep Chromium from trying.
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-gpu',
      '--disable-quic',
    ],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL(worker.url()).host;
  const site = await serveFixtures(context, fixtures);
  const consoleErrors = [];
  context.on('page', (page) =>
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(`${page.url()}: ${m.text()}`)),
  );
  return {
    context,
    extensionId,
    site,
    worker,
    consoleErrors,
    panelUrl: `chrome-extension://${extensionId}/panel/panel.html`,
    /** Opens a fixture thread and waits until its composer is there. */
    async openThread(surface, threadId, options = {}) {
      const page = await context.newPage();
      await page.goto(site.url(surface, threadId, options));
      await page.waitForFunction(() => window.__fixture && window.__fixture.composerReady());
      return page;
    },
    /** Opens the side panel page as a tab, then puts `beside` back in front, as the agent sees it. */
    async openPanel(beside) {
      const panel = await context.newPage();
      await panel.setViewportSize({ width: 400, height: 800 });
      await panel.goto(this.panelUrl);
      if (beside) await beside.bringToFront();
      return panel;
    },
    async close({ keepProfile = false } = {}) {
      await context.close();
      if (!keepProfile && !userDataDir) await rm(profile, { recursive: true, force: true });
    },
    profile,
  };
}

/** Runs `body(browser)` with a freshly launched browser, and always closes it. */
export async function withBrowser(options, body) {
  const browser = await launch(options);
  try {
    return await body(browser);
  } finally {
    await browser.close();
  }
}

/** Saves a screenshot of the page next to the panel, as one picture, for the README. */
export async function screenshotSideBySide(context, page, panel, name) {
  await mkdir(SCREENSHOTS, { recursive: true });
  const left = await page.screenshot();
  const right = await panel.screenshot();
  const sheet = await context.newPage();
  await sheet.setViewportSize({ width: 1280 + 400 + 8, height: 800 });
  const img = (b) => `<img src="data:image/png;base64,${b.toString('base64')}">`;
  await sheet.setContent(
    `<body style="margin:0;display:flex;gap:8px;background:#ccd0d5">${img(left)}${img(right)}</body>`,
  );
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await sheet.screenshot({ path: file });
  await sheet.close();
  return file;
}

/** The number of records in one store of the panel's IndexedDB, read from an extension page. */
export function countRecords(panel, store) {
  return panel.evaluate(
    (store) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('nobi-pro');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction(store).objectStore(store).count();
          req.onsuccess = () => { db.close(); resolve(req.result); };
          req.onerror = () => reject(req.error);
        };
      }),
    store,
  );
}

/** Every record of one store of the panel's IndexedDB, read from an extension page. */
export function readRecords(panel, store) {
  return panel.evaluate(
    (store) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('nobi-pro');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction(store).objectStore(store).getAll();
          req.onsuccess = () => { db.close(); resolve(req.result); };
          req.onerror = () => reject(req.error);
        };
      }),
    store,
  );
}
