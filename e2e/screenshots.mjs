// Screenshots of the main views, light and dark: node screenshots.mjs OUT_DIR (HEAPLENS_URL set).
import { chromium, selectors } from '@playwright/test';
import { mkdir } from 'node:fs/promises';

const base = process.env.HEAPLENS_URL;
const out = process.argv[2] ?? 'screenshots';
if (!base) throw new Error('set HEAPLENS_URL');
await mkdir(out, { recursive: true });
selectors.setTestIdAttribute('data-test');

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
});
const snaps = await (await fetch(new URL('/api/snapshots', base))).json();
const id = encodeURIComponent(process.env.HEAPLENS_SNAPSHOT ?? snaps.snapshots[0].id);
const at = (q, by, extra = '') => `/s/${id}?v=1&q=${encodeURIComponent(q)}&by=${by}&view=table${extra}`;
// name → [path, what to do before the picture]
const views = {
  list: ['/'],
  table: [at('heap', 'clodo')],
  drill: [at('heap.byclodo[0]', 'type')],
  module: [at('heap', 'module')],
  filter: [at('heap', 'via', '&filter=' + encodeURIComponent('<img'))],
  keyboard: [at('heap', 'clodo'), async (page) => {
    await page.locator('body').press('ArrowDown');
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
  }],
  help: [at('heap', 'rcs'), (page) => page.getByTestId('help-toggle').click()],
  byid: [at('heap', 'id'), async (page) => {
    await page.getByTestId('partition-table').evaluate((e) => (e.scrollTop = e.scrollHeight / 2));
  }],
  error: ['/s/no-such-snapshot?q=heap&by=clodo'],
  badquery: [at('heap.byclodo[0].bytipe[1]', 'clodo')],
  'upload-error': ['/', async (page) => {
    await page.getByTestId('upload-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await page.getByTestId('upload-error').waitFor();
  }],
};
for (const scheme of ['light', 'dark']) {
  const ctx = await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  for (const [name, [path, act]] of Object.entries(views)) {
    await page.goto(new URL(path, base).toString());
    await page.waitForSelector('[data-test="partition-title"], [data-test="snapshot-link"], [data-test="error"]');
    await page.waitForTimeout(400);
    if (act) await act(page);
    await page.waitForTimeout(name === 'byid' ? 30 : 500);
    await page.screenshot({ path: `${out}/${name}-${scheme}.png` });
  }
  await ctx.close();
}
await browser.close();
