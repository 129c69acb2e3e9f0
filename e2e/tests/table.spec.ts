// The partition table, told as a user's story: open the list, open the demo snapshot, read
// heapy's title line, drill into a row, change the relation, reload, share the URL, go back.
// Every number on screen is checked against the server's JSON for the same query.
import { test, expect, type APIRequestContext, type Page } from '@playwright/test';

const TITLE_RE = /^Partition of a set of (\d+) objects\. Total size = (\d+) bytes\.$/;
const PAGE_ROWS = 500;

interface Row {
  index: number;
  count: number;
  size: number;
  label: string;
  query: string;
}
interface PartitionView {
  query: string;
  relation: string;
  title: string;
  header: string;
  count: number;
  size: number;
  total_rows: number;
  offset: number;
  rows: Row[];
  breadcrumbs: { query: string; label: string; relation: string | null }[];
}
interface SnapshotInfo {
  id: string;
  name: string;
  objects: number;
  total_size: number;
}

/** The snapshot under test: $HEAPLENS_SNAPSHOT (an id) if set, else the first one listed. */
async function demoSnapshot(request: APIRequestContext) {
  const { snapshots } = await apiJson<{ snapshots: SnapshotInfo[] }>(request, '/api/snapshots');
  expect(snapshots.length, 'the server has the demo snapshot loaded').toBeGreaterThan(0);
  const wanted = process.env.HEAPLENS_SNAPSHOT;
  const demo = wanted ? snapshots.find((s) => s.id === wanted) : snapshots[0];
  expect(demo, `snapshot ${wanted} is loaded`).toBeTruthy();
  return { snapshots, demo: demo! };
}

async function apiJson<T>(request: APIRequestContext, path: string): Promise<T> {
  const r = await request.get(path);
  expect(r.ok(), `${path} answered ${r.status()}`).toBeTruthy();
  return (await r.json()) as T;
}

function partition(request: APIRequestContext, id: string, q: string, by: string) {
  const p = new URLSearchParams({ q, by, offset: '0', limit: String(PAGE_ROWS) });
  return apiJson<PartitionView>(request, `/api/snapshots/${encodeURIComponent(id)}/partition?${p}`);
}

function demoLink(page: Page, demo: SnapshotInfo) {
  return page.locator(`[data-test="snapshot-row"][data-id="${demo.id}"]`).getByTestId('snapshot-link');
}

/** What the URL says is shown. */
function urlState(page: Page) {
  const u = new URL(page.url());
  return { path: u.pathname, q: u.searchParams.get('q'), by: u.searchParams.get('by') };
}

/** The labels of the first `n` rows, exactly as text. */
function shownLabels(page: Page, n = 10) {
  return page
    .getByTestId('row-label')
    .evaluateAll((els, n) => els.slice(0, n).map((e) => e.textContent ?? ''), n);
}

/** The page shows exactly the server's view: title, header, rows and their labels. */
async function expectView(page: Page, view: PartitionView) {
  await expect(page.getByTestId('partition-title')).toHaveText(view.title);
  expect(view.title).toMatch(TITLE_RE);
  await expect(page.getByTestId('relation-header')).toHaveText(view.header);
  await expect(page.getByTestId('partition-row')).toHaveCount(view.rows.length);
  expect(await shownLabels(page)).toEqual(view.rows.slice(0, 10).map((r) => r.label));
  const firstCounts = await page
    .getByTestId('partition-row')
    .evaluateAll((els) => els.slice(0, 10).map((e) => Number(e.getAttribute('data-count'))));
  expect(firstCounts).toEqual(view.rows.slice(0, 10).map((r) => r.count));
  await expect(page.getByTestId('breadcrumb')).toHaveCount(view.breadcrumbs.length);
  const crumbs = await page
    .getByTestId('breadcrumb')
    .evaluateAll((els) => els.map((e) => e.querySelector('.crumb-label')?.textContent ?? ''));
  expect(crumbs).toEqual(view.breadcrumbs.map((b) => b.label));
  await expect(page.getByTestId('relation-picker')).toHaveValue(view.relation);
}

/** Hostile heap strings must stay text: no alert() ran, no <img src=x> was made. */
function watchForScript(page: Page) {
  const dialogs: string[] = [];
  page.on('dialog', async (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    await d.dismiss();
  });
  return async () => {
    expect(dialogs, 'a heap string ran as script').toEqual([]);
    await expect(page.locator('img[src="x"]')).toHaveCount(0);
  };
}

test('browse the demo heap: list, table, drill down, relation, reload, share, back', async ({
  page,
  browser,
  request,
}) => {
  const noScriptRan = watchForScript(page);
  const { snapshots, demo } = await demoSnapshot(request);
  const { relations } = await apiJson<{ relations: { name: string; header: string }[] }>(
    request,
    '/api/relations',
  );
  const names = relations.map((r) => r.name);
  for (const needed of ['clodo', 'type', 'size', 'module']) expect(names).toContain(needed);

  await test.step('the start page lists the snapshots', async () => {
    await page.goto('/');
    await expect(page.getByTestId('snapshot-link')).toHaveCount(snapshots.length);
    await expect(demoLink(page, demo)).toHaveText(demo.name);
  });

  const root = await partition(request, demo.id, 'heap', 'clodo');
  await test.step('opening the demo shows heapy\'s partition of the whole heap', async () => {
    await demoLink(page, demo).click();
    await expect.poll(() => urlState(page).path).toBe(`/s/${demo.id}`);
    await expectView(page, root);
    // heapy's title line for the heap names the snapshot's object count and size.
    expect(root.title).toBe(
      `Partition of a set of ${demo.objects} objects. Total size = ${demo.total_size} bytes.`,
    );
    expect(root.header).toBe('Kind (class / dict of class)');
    await expect(page.getByTestId('breadcrumb')).toHaveText(['heap']);
    // the picker offers every relation the server has
    const offered = await page
      .getByTestId('relation-picker')
      .locator('option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(offered).toEqual(names);
  });

  // Drill into the biggest row that has more than one object (row 0 otherwise).
  const target = root.rows.find((r) => r.count > 1) ?? root.rows[0];
  const drilled = await partition(request, demo.id, target.query, 'clodo');
  await test.step('clicking a row drills into that row\'s set', async () => {
    const row = page.locator(`[data-test="partition-row"][data-index="${target.index}"]`);
    await expect(row.getByTestId('row-label')).toHaveText(target.label);
    await row.locator('td').nth(1).click(); // the Count cell: the whole row is the target
    await expect.poll(() => urlState(page)).toEqual({
      path: `/s/${demo.id}`,
      q: target.query,
      by: 'clodo',
    });
    await expectView(page, drilled);
    const [, count, size] = drilled.title.match(TITLE_RE)!;
    expect(Number(count)).toBe(target.count);
    expect(Number(size)).toBe(target.size);
    await expect(page.getByTestId('breadcrumb')).toHaveCount(2);
    expect(drilled.breadcrumbs.map((b) => b.query)).toEqual(['heap', target.query]);
  });

  let byModule: PartitionView | undefined;
  await test.step('changing the relation re-partitions the same set', async () => {
    for (const by of ['type', 'module']) {
      const view = await partition(request, demo.id, target.query, by);
      await page.getByTestId('relation-picker').selectOption(by);
      await expect.poll(() => urlState(page)).toEqual({
        path: `/s/${demo.id}`,
        q: target.query,
        by,
      });
      await expectView(page, view);
      expect(view.title).toBe(drilled.title); // same set, another partition
      byModule = view;
    }
  });

  const sharedUrl = page.url();
  await test.step('reloading shows the same view', async () => {
    await page.reload();
    await expectView(page, byModule!);
  });

  await test.step('the URL opened in a new browser shows the same view', async () => {
    const context = await browser.newContext();
    const other = await context.newPage();
    const otherNoScript = watchForScript(other);
    await other.goto(sharedUrl);
    await expectView(other, byModule!);
    await otherNoScript();
    await context.close();
  });

  const rootByModule = await partition(request, demo.id, 'heap', 'module');
  await test.step('the first breadcrumb leads back to the whole heap', async () => {
    await page.getByTestId('breadcrumb').first().click();
    await expect.poll(() => urlState(page)).toEqual({ path: `/s/${demo.id}`, q: 'heap', by: 'module' });
    await expectView(page, rootByModule);
    expect(rootByModule.title).toBe(root.title);
  });

  await test.step('browser back and forward walk the history', async () => {
    await page.goBack();
    await expectView(page, byModule!);
    await page.goBack(); // before the switch to module: by type
    await expect.poll(() => urlState(page).by).toBe('type');
    await page.goForward();
    await page.goForward();
    await expectView(page, rootByModule);
  });

  await noScriptRan();
});

test('a partition with many rows shows the first page and a "show more" control', async ({
  page,
  request,
}) => {
  const noScriptRan = watchForScript(page);
  const { demo } = await demoSnapshot(request);
  const { relations } = await apiJson<{ relations: { name: string }[] }>(request, '/api/relations');
  let big: PartitionView | undefined;
  for (const { name } of relations) {
    const v = await partition(request, demo.id, 'heap', name);
    if (v.total_rows > PAGE_ROWS) {
      big = v;
      break;
    }
  }
  test.skip(!big, `no relation splits the demo heap into more than ${PAGE_ROWS} rows`);
  await page.goto(`/s/${encodeURIComponent(demo.id)}?q=heap&by=${big!.relation}`);
  await expectView(page, big!);
  await expect(page.getByTestId('row-count')).toHaveText(
    `${PAGE_ROWS.toLocaleString('en-US')} of ${big!.total_rows.toLocaleString('en-US')} rows`,
  );
  await page.getByTestId('more-rows').click();
  const expected = Math.min(big!.total_rows, 2 * PAGE_ROWS);
  await expect(page.getByTestId('partition-row')).toHaveCount(expected);
  const p = new URLSearchParams({ q: 'heap', by: big!.relation, offset: String(PAGE_ROWS), limit: String(PAGE_ROWS) });
  const second = await apiJson<PartitionView>(
    request,
    `/api/snapshots/${encodeURIComponent(demo.id)}/partition?${p}`,
  );
  const labels = await page
    .getByTestId('row-label')
    .evaluateAll((els, from) => els.slice(from, from + 5).map((e) => e.textContent), PAGE_ROWS);
  expect(labels).toEqual(second.rows.slice(0, 5).map((r) => r.label));
  const indexes = await page
    .getByTestId('partition-row')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-index'))));
  expect(indexes).toEqual(indexes.map((_, i) => i)); // no gaps, no duplicates
  await noScriptRan();
});

test('an unknown snapshot id shows the server\'s error message', async ({ page, request }) => {
  const noScriptRan = watchForScript(page);
  const r = await request.get('/api/snapshots/no-such-snapshot/partition?q=heap&by=clodo');
  expect(r.status()).toBe(404);
  const envelope = (await r.json()) as { error: { code: string; message: string } };
  expect(envelope.error.message.length).toBeGreaterThan(0);

  await page.goto('/s/no-such-snapshot?q=heap&by=clodo');
  await expect(page.getByTestId('error')).toBeVisible();
  await expect(page.getByTestId('error-message')).toHaveText(envelope.error.message);
  await expect(page.getByTestId('partition-row')).toHaveCount(0);
  await expect(page.getByTestId('partition-title')).toHaveCount(0);
  await noScriptRan();
});

test('a malformed query shows the server\'s error, not a table', async ({ page, request }) => {
  const { demo } = await demoSnapshot(request);
  const bad = 'heap.byclodo[';
  const p = new URLSearchParams({ q: bad, by: 'clodo' });
  const r = await request.get(`/api/snapshots/${encodeURIComponent(demo.id)}/partition?${p}`);
  expect(r.ok()).toBeFalsy();
  const envelope = (await r.json()) as { error: { message: string } };

  await page.goto(`/s/${encodeURIComponent(demo.id)}?${p}`);
  await expect(page.getByTestId('error-message')).toHaveText(envelope.error.message);
  await expect(page.getByTestId('partition-row')).toHaveCount(0);
});
