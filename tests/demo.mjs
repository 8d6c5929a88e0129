// `./build.sh demo`: Chromium with the built extension on the fixture pages, so a newcomer can see
// Nobi Pro work without an Instagram account. Headed when a display exists (the browser stays
// open until you close it); headless otherwise, saving screenshots to tests/out/demo/.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { launch, OUT } from './e2e/harness.mjs';

const headed = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const browser = await launch({ headless: !headed, fixtures: { lang: 'vi' } });
const ig = browser.site.threads.instagram[0];
const fb = browser.site.threads.facebook[0];
const messenger = await browser.openThread('messenger', fb.id);
const instagram = await browser.openThread('instagram', ig.id);
const panel = await browser.openPanel(instagram);
await panel.getByTestId('buyer-name').filter({ hasText: ig.name }).waitFor();

if (headed) {
  console.log('Nobi Pro demo: the panel is the last tab; fixture threads are open on Instagram and Messenger.');
  console.log('Close the browser window to end the demo.');
  await new Promise((resolve) => browser.context.on('close', resolve));
} else {
  const dir = path.join(OUT, 'demo');
  await mkdir(dir, { recursive: true });
  await panel.getByRole('button', { name: 'Xin chào 👋 chị ơi' }).click();
  await panel.getByTestId('send').click();
  await panel.getByTestId('send-status').filter({ hasText: /Đã gửi/ }).waitFor();
  for (const [name, page] of [['instagram', instagram], ['messenger', messenger], ['panel', panel]]) {
    await page.screenshot({ path: path.join(dir, `${name}.png`) });
  }
  console.log(`No display: ran headless, sent a greeting, saved screenshots in ${dir}`);
  await browser.close();
}
