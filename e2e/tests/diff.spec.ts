// heapy's A.diff(B) in the page: pick A and B on the start page, see heapy's summary block and
// the rows (checked against /api/diff), growth and shrinkage coloured, another relation, the
// drill-in to a row's objects, the growth treemap, "copy as heapy text" and a bad link.
// Two snapshots: $HEAPLENS_DIFF_A and $HEAPLENS_DIFF_B (ids) if set, else the last two listed;
// with one snapshot, it is diffed against itself without its strs (qb).
import { test, expect, type APIRequestContext, type Page } from './fixtures';
import { apiJson, demoSnapshot, watchForScript, type PartitionView } from './helpers';

interface DiffRow {
  index: number;
  label: string;
  count: number;
  count_a: number;
  count_b: number;
  size: number;
  size_a: number;
  size_b: number;
  cumulative: number;
  pct_of_b: string;
  query_a?: string;
  query_b?: string;
}
interface DiffView {
  a: string;
  b: string;
  qa: string;
  qb: string;
  relation: string;
  header: string;
  count: number;
  size: number;
  total_rows: number;
  rows: DiffRow[];
  text: string;
}

async function pair(request: APIRequestContext) {
  const { snapshots, demo } = await demoSnapshot(request);
  const envA = process.env.HEAPLENS_DIFF_A;
  const envB = process.env.HEAPLENS_DIFF_B;
  if (envA && envB) return { a: envA, b: envB, qb: null as string | null };
  if (snapshots.length >= 2) {
    const n = snapshots.length;
    return { a: snapshots[n - 1].id, b: snapshots[n - 2].id, qb: null as string | null };
  }
  return { a: demo.id, b: demo.id, qb: 'heap - heap.bytype["str"]' };
}

function diffApi(request: APIRequestContext, a: string, b: string, by: string, qb: string | null) {
  const p = new URLSearchParams({ a, b, by, limit: '5000' });
  if (qb) {
    p.set('qa', 'heap');
    p.set('qb', qb);
  }
  return apiJson<DiffView>(request, `/api/diff?${p}`);
}

function diffPath(a: string, b: string, by: string, qb: string | null, view = 'table') {
  const p = new URLSearchParams({ v: '1', a, b, by });
  if (qb) {
    p.set('qa', 'heap');
    p.set('qb', qb);
  }
  p.set('view', view);
  return `/diff?${p}`;
}

const num = (s: string) => Number(s.replace(/[,+]/g, ''));

/** The table's first rows as the page shows them. */
async function shownRows(page: Page, n: number) {
  const rows = page.getByTestId('diff-row');
  await expect(rows.first()).toBeVisible();
  return rows.evaluateAll(
    (els, n) =>
      els.slice(0, n).map((e) => ({
        index: Number(e.getAttribute('data-index')),
        cls: e.className,
        count: e.querySelector('[data-test="diff-count"]')!.textContent!,
        size: e.querySelector('[data-test="diff-size"]')!.textContent!,
        cumulative: e.querySelector('[data-test="diff-cumulative"]')!.textContent!,
        pct: e.querySelector('[data-test="diff-pct"]')!.textContent!,
        label: e.querySelector('[data-test="diff-label"]')!.textContent!,
      })),
    n,
  );
}

async function expectTable(page: Page, api: DiffView) {
  // heapy's summary block: the text up to the row header
  const block = api.text.split('\n').filter((_, i, all) => i < all.findIndex((l) => l.startsWith(' Index  Count')) || !all.some((l) => l.startsWith(' Index  Count')));
  await expect(page.getByTestId('diff-summary')).toHaveText(block.join('\n').trimEnd());
  const n = Math.min(api.rows.length, 25);
  const shown = await shownRows(page, n);
  expect(shown.length).toBe(n);
  shown.forEach((r, i) => {
    const want = api.rows[i];
    expect([r.index, r.label, num(r.count), num(r.size), num(r.cumulative), r.pct]).toEqual([
      want.index,
      want.label,
      want.count,
      want.size,
      want.cumulative,
      want.pct_of_b,
    ]);
    const expected = want.size > 0 || (want.size === 0 && want.count > 0) ? 'diff-grow' : want.size < 0 || want.count < 0 ? 'diff-shrink' : 'diff-same';
    expect(r.cls, `row ${i} colour`).toContain(expected);
  });
}

test('pick A and B on the start page, the diff table matches the API', async ({ page, request }) => {
  const noScriptRan = watchForScript(page);
  const { a, b, qb } = await pair(request);
  await page.goto('/');
  if (a !== b) {
    await page.locator(`[data-test="snapshot-row"][data-id="${a}"] [data-test="pick-a"]`).check();
    await expect(page.getByTestId('diff-link')).toHaveAttribute('aria-disabled', 'true');
    await page.locator(`[data-test="snapshot-row"][data-id="${b}"] [data-test="pick-b"]`).check();
    await page.getByTestId('diff-link').click();
    await expect(page).toHaveURL(new RegExp(`/diff\\?v=1&a=${a}&b=${b}&by=clodo&view=table$`));
  } else {
    await page.goto(diffPath(a, b, 'clodo', qb));
  }
  const api = await diffApi(request, a, b, 'clodo', qb);
  expect(api.total_rows, 'the two sets differ').toBeGreaterThan(0);
  await expectTable(page, api);
  // a copied link shows the same view
  await page.goto(page.url());
  await expectTable(page, api);
  await noScriptRan();
});

test('another relation, and a row drills into its objects in A', async ({ page, request }) => {
  const { a, b, qb } = await pair(request);
  await page.goto(diffPath(a, b, 'clodo', qb));
  await expect(page.getByTestId('diff-row').first()).toBeVisible();
  await page.getByTestId('diff-relation').selectOption('type');
  await expect.poll(() => new URL(page.url()).searchParams.get('by')).toBe('type');
  const api = await diffApi(request, a, b, 'type', qb);
  await expectTable(page, api);
  // the first row that A has: its link opens A's objects of that row (one row each, byid)
  const row = api.rows.find((r) => r.query_a)!;
  await page.locator(`[data-test="diff-row"][data-index="${row.index}"] [data-test="diff-drill-a"]`).click();
  await expect.poll(() => new URL(page.url()).pathname).toBe(`/s/${a}`);
  const u = new URL(page.url());
  expect([u.searchParams.get('q'), u.searchParams.get('by')]).toEqual([row.query_a, 'id']);
  const objects = await apiJson<PartitionView>(
    request,
    `/api/snapshots/${a}/partition?${new URLSearchParams({ q: row.query_a!, by: 'id', limit: '1' })}`,
  );
  expect([objects.count, objects.size]).toEqual([row.count_a, row.size_a]);
  await expect(page.getByTestId('partition-title')).toHaveText(objects.title);
});

test('the growth treemap has one rectangle per row that grew', async ({ page, request }) => {
  const { a, b, qb } = await pair(request);
  const api = await diffApi(request, a, b, 'clodo', qb);
  const grew = api.rows.filter((r) => r.size > 0);
  await page.goto(diffPath(a, b, 'clodo', qb));
  await page.getByTestId('diff-tab-treemap').click();
  await expect.poll(() => new URL(page.url()).searchParams.get('view')).toBe('treemap');
  await expect(page.getByTestId('diff-treemap')).toHaveAttribute('data-cells', String(Math.min(grew.length, 2000)));
  await expect(page.getByTestId('diff-treemap-cell')).toHaveCount(Math.min(grew.length, 2000));
  if (grew.length > 0) {
    const first = page.locator(`[data-test="diff-treemap-cell"][data-index="${grew[0].index}"]`);
    await expect(first).toHaveAttribute('title', new RegExp(`^${grew[0].label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`));
  }
});

test('copy as heapy text puts the API text on the clipboard', async ({ page, context, request }) => {
  const { a, b, qb } = await pair(request);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const api = await diffApi(request, a, b, 'size', qb);
  await page.goto(diffPath(a, b, 'size', qb));
  await page.getByTestId('copy-diff-text').click();
  await expect(page.getByTestId('copy-text-status')).toContainText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(api.text);
});

test('a link with an unknown snapshot says so', async ({ page }) => {
  await page.goto('/diff?v=1&a=no-such-snapshot&b=other&by=clodo');
  await expect(page.locator('body')).toContainText('no snapshot with id "no-such-snapshot"');
  await page.goto('/diff?v=1&by=clodo');
  await expect(page.locator('body')).toContainText('Pick two snapshots');
});
