// Screenshots of every view, light and dark, into $SCREENS_OUT/<view>-<theme>.png (run by
// scripts/screens.sh, never by CI). The server serves the demo snapshot (id or alias
// $HEAPLENS_SNAPSHOT, default `demo`) and a heapy dump series; every address and id is asked
// from the API, so two builds served the same files give comparable pictures.
import { test, expect, type Page, type APIRequestContext } from '@playwright/test';
import { mkdirSync } from 'node:fs';

const OUT = process.env.SCREENS_OUT;
if (!OUT) throw new Error('Set SCREENS_OUT (scripts/screens.sh does)');
mkdirSync(OUT, { recursive: true });
const SNAP = process.env.HEAPLENS_SNAPSHOT ?? 'demo';

async function json<T>(request: APIRequestContext, path: string): Promise<T> {
  const r = await request.get(path);
  expect(r.ok(), `${path}: ${r.status()}`).toBeTruthy();
  return (await r.json()) as T;
}

const enc = encodeURIComponent;
const at = (q: string, by: string, extra = '') => `/s/${enc(SNAP)}?v=1&q=${enc(q)}&by=${by}${extra}`;

/** Every view's path, with the ids and addresses the API gives. */
async function views(request: APIRequestContext): Promise<[string, string][]> {
  const one = await json<{ rows: { addr?: string }[] }>(
    request,
    `/api/snapshots/${enc(SNAP)}/partition?q=${enc('heap.byclodo["dict (no owner)"]')}&by=id&limit=1`,
  );
  const addr = one.rows[0].addr!;
  const series = await json<{ series: { id: string }[] }>(request, '/api/series');
  const list: [string, string][] = [
    ['snapshots', '/'],
    ['partition', at('heap', 'clodo', '&view=table')],
    ['partition-drill', at('heap.byclodo[0]', 'type', '&view=table')],
    ['treemap', at('heap', 'clodo', '&view=treemap')],
    ['treemap-then', at('heap', 'clodo', '&view=treemap&then=type')],
    ['graph', at('heap.byclodo[0]', 'clodo', '&view=graph')],
    ['object', at(`@${addr}`, 'clodo', `&view=inspector&sel=${addr}`)],
    ['paths', at(`@${addr}`, 'clodo', '&view=graph')],
    ['rp', at(`@${addr}`, 'clodo', '&view=graph&graph=rp')],
    ['retained', at('heap', 'clodo', '&view=domtree')],
    ['identity', at('heapnew', 'clodo', '&view=table')],
    ['diff', `/diff?v=1&a=${enc(SNAP)}&b=${enc(SNAP)}&by=clodo&qa=heap&qb=${enc('heap.bytype["str"]')}`],
    ['diff-treemap', `/diff?v=1&a=${enc(SNAP)}&b=${enc(SNAP)}&by=clodo&qa=heap&qb=${enc('heap.bytype["str"]')}&view=treemap`],
    ['error', at('heap.byclodo[0].bytipe[1]', 'clodo', '&view=table')],
  ];
  if (series.series.length) list.push(['series', `/timeline?v=1&series=${enc(series.series[0].id)}`]);
  return list;
}

/** Waits until the page has its data and every drawing has come to rest. */
async function settle(page: Page) {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => !document.querySelector('[data-state="loading"]'), null, { timeout: 60_000 });
  const graph = page.locator('[data-test="graph"][data-state="ready"]');
  if (await graph.count()) await expect(graph).toHaveAttribute('data-layout', 'resting', { timeout: 60_000 });
  await page.waitForLoadState('networkidle');
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(700);
}

for (const theme of ['light', 'dark'] as const) {
  test(`every view, ${theme}`, async ({ browser, request }) => {
    const context = await browser.newContext({ colorScheme: theme, reducedMotion: 'reduce' });
    const page = await context.newPage();
    for (const [name, path] of await views(request)) {
      await page.goto(path);
      await settle(page);
      await page.mouse.move(0, 0);
      await page.screenshot({ path: `${OUT}/${name}-${theme}.png`, animations: 'disabled', caret: 'hide' });
    }
    await context.close();
  });
}
