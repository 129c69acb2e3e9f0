// Screenshots of the main views, light and dark: node screenshots.mjs OUT_DIR (HEAPLENS_URL set).
import { chromium } from '@playwright/test';

const base = process.env.HEAPLENS_URL;
const out = process.argv[2] ?? 'screenshots';
if (!base) throw new Error('set HEAPLENS_URL');

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
});
const snaps = await (await fetch(new URL('/api/snapshots', base))).json();
const id = encodeURIComponent(snaps.snapshots[0].id);
const views = {
  list: '/',
  table: `/s/${id}?q=heap&by=clodo`,
  drill: `/s/${id}?q=${encodeURIComponent('heap.byclodo[0]')}&by=type`,
  module: `/s/${id}?q=heap&by=module`,
  error: '/s/no-such-snapshot?q=heap&by=clodo',
  badquery: `/s/${id}?q=${encodeURIComponent('heap.byclodo[0].bytipe[1]')}&by=clodo`,
};
for (const scheme of ['light', 'dark']) {
  const ctx = await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  for (const [name, path] of Object.entries(views)) {
    await page.goto(new URL(path, base).toString());
    await page.waitForSelector('[data-test="partition-title"], [data-test="snapshot-link"], [data-test="error"]');
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${out}/${name}-${scheme}.png` });
    if (name === 'table') {
      await page.mouse.wheel(0, 900);
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${out}/${name}-scrolled-${scheme}.png` });
    }
  }
  await ctx.close();
}
await browser.close();
