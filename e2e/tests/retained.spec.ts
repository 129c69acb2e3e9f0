// Retained sizes in the page (issue 5): the table's Retained column, the treemap sized by
// retained size and the dominator tree view, each checked against the API (whose numbers the
// route tests check against `.dominos`, and capture/tests against guppy3's domisize).
import { test, expect } from './fixtures';
import { apiJson, demoSnapshot, grouped, partition, rowAt, urlState, viewPath, watchForScript } from './helpers';

interface RetainedView { rows: { index: number; retained: number }[]; heap_size: number }
interface DomNode { addr: string; kind: string; brief: string; size: number; retained: number; children: number }
interface DomTreeView { nodes: DomNode[]; total: number; rest_count: number; heap_size: number; parent: DomNode | null }

test('the table has each row’s retained size', async ({ page, request }) => {
  const noScriptRan = watchForScript(page);
  const { demo } = await demoSnapshot(request);
  const want = await apiJson<RetainedView>(request, `/api/snapshots/${demo.id}/retained?q=heap&by=type&rows=0,1,2,3,4`);
  await page.goto(viewPath(demo.id, 'heap', 'type'));
  await expect(page.getByTestId('retained-header')).toHaveText('Retained');
  for (const r of want.rows) {
    const cell = rowAt(page, r.index).getByTestId('retained');
    await expect(cell).toHaveText(grouped(r.retained));
    await expect(cell).toHaveAttribute('data-retained', String(r.retained));
  }
  // a retained size is at least the row's own size
  const size0 = Number(await rowAt(page, 0).getAttribute('data-size'));
  expect(want.rows[0].retained).toBeGreaterThanOrEqual(size0);
  noScriptRan();
});

test('the treemap can be sized by retained size, and the link keeps it', async ({ page, request }) => {
  const { demo } = await demoSnapshot(request);
  const tm = await apiJson<{ cells: { label: string; retained: number }[] }>(
    request, `/api/snapshots/${demo.id}/treemap?q=heap&by=clodo&measure=retained&limit=60`);
  await page.goto(viewPath(demo.id, 'heap', 'clodo', { view: 'treemap' }));
  await expect(page.getByTestId('treemap')).toHaveAttribute('data-state', 'ready');
  await page.getByTestId('treemap-measure').selectOption('retained');
  await expect.poll(() => new URL(page.url()).searchParams.get('measure')).toBe('retained');
  await expect(page.getByTestId('treemap')).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('treemap')).toHaveAttribute('data-cells', String(tm.cells.length));
  await expect(page.getByTestId('treemap-summary')).toContainText('sized by retained size');
  await expect(page.getByTestId('treemap-then')).toBeDisabled();
  // reloading the link shows the same
  await page.reload();
  await expect(page.getByTestId('treemap-measure')).toHaveValue('retained');
  await expect(page.getByTestId('treemap')).toHaveAttribute('data-cells', String(tm.cells.length));
});

test('the dominator tree opens level by level, biggest retainers first', async ({ page, request }) => {
  const noScriptRan = watchForScript(page);
  const { demo } = await demoSnapshot(request);
  const top = await apiJson<DomTreeView>(request, `/api/snapshots/${demo.id}/domtree?q=heap&limit=100`);
  await page.goto(viewPath(demo.id, 'heap', 'clodo'));
  await page.getByTestId('view-tab-domtree').click();
  await expect.poll(() => urlState(page).view).toBe('domtree');
  const nodes = page.getByTestId('domtree-node');
  await expect(nodes).toHaveCount(top.nodes.length);
  const first = top.nodes[0];
  const firstLine = page.locator(`[data-test="domtree-node"][data-addr="${first.addr}"]`);
  await expect(firstLine.getByTestId('domtree-retained')).toHaveText(grouped(first.retained));
  await expect(firstLine).toContainText(first.brief);
  // open the biggest: its children appear under it, one level deeper, and the URL records it
  const kids = await apiJson<DomTreeView>(request, `/api/snapshots/${demo.id}/domtree?addr=${first.addr}&limit=100`);
  expect(kids.nodes.length).toBeGreaterThan(0);
  await firstLine.getByTestId('domtree-toggle').click();
  await expect.poll(() => new URL(page.url()).searchParams.getAll('open')).toEqual([first.addr]);
  const child = page.locator(`[data-test="domtree-node"][data-addr="${kids.nodes[0].addr}"][data-depth="1"]`);
  await expect(child).toBeVisible();
  await expect(nodes).toHaveCount(top.nodes.length + kids.nodes.length);
  const order = await nodes.evaluateAll((els) => els.map((e) => e.getAttribute('data-addr')));
  expect(order[1]).toBe(kids.nodes[0].addr);
  // a copied link opens the same tree
  const link = page.url();
  const page2 = await page.context().newPage();
  await page2.goto(link);
  await expect(page2.locator(`[data-test="domtree-node"][data-addr="${kids.nodes[0].addr}"][data-depth="1"]`)).toBeVisible();
  await page2.close();
  // "retained set" opens heapy's dominos of the object, whose size is the retained size
  await firstLine.getByTestId('domtree-retained-set').click();
  await expect.poll(() => urlState(page).q).toBe(`@${first.addr}.dominos`);
  await expect(page.locator('body')).toContainText(`Total size = ${first.retained} bytes.`);
  noScriptRan();
});

// Issue 16, item 5: a drill while the Retained column is loading must not ask the old table's
// rows of the new set (the server answers 400 for rows past its end) nor apply an old answer.
test('a drill while retained sizes load asks only the new table’s rows', async ({ page, request }) => {
  const { demo } = await demoSnapshot(request);
  const top = await partition(request, demo.id, 'heap', 'type', 0, 1);
  expect(top.total_rows, 'heap by type has many rows').toBeGreaterThan(40);
  const target = top.rows[0];
  const drilled = await partition(request, demo.id, target.query, 'type', 0, 1);
  expect(drilled.total_rows).toBe(1);
  const want = await apiJson<RetainedView>(
    request, `/api/snapshots/${demo.id}/retained?q=${encodeURIComponent(target.query)}&by=type&rows=0`);

  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });
  const asked: { q: string; rows: number[] }[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!u.pathname.endsWith('/retained')) return;
    asked.push({ q: u.searchParams.get('q') ?? '', rows: (u.searchParams.get('rows') ?? '').split(',').map(Number) });
  });
  // Retained sizes answer slowly, the drilled set's first page slower still: the old table's
  // answer arrives while its rows are still shown under the new set's URL.
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  await page.route((u) => u.pathname.endsWith('/retained'), async (route) => {
    await sleep(800);
    await route.continue().catch(() => {});
  });
  await page.route((u) => u.pathname.endsWith('/partition') && u.searchParams.get('q') === target.query, async (route) => {
    await sleep(2000);
    await route.continue().catch(() => {});
  });

  await page.goto(viewPath(demo.id, 'heap', 'type'));
  await expect(rowAt(page, 0)).toBeVisible();
  await expect.poll(() => asked.filter((a) => a.q === 'heap').length, 'the column is loading').toBeGreaterThan(0);
  await expect(rowAt(page, 0).getByTestId('retained-pending')).toBeVisible();
  await rowAt(page, 0).locator('[role="cell"]').nth(1).click(); // drill while it loads
  await expect.poll(() => urlState(page).q).toBe(target.query);
  await expect(page.getByTestId('partition-title')).toHaveText(drilled.title);
  await expect.poll(() => asked.filter((a) => a.q === target.query).length).toBeGreaterThan(0);
  await page.waitForTimeout(1500); // any late request or answer
  for (const a of asked.filter((a) => a.q === target.query)) {
    expect(a.rows.filter((i) => i >= drilled.total_rows), `rows asked of ${a.q}`).toEqual([]);
  }
  expect(problems).toEqual([]);
  const cell = rowAt(page, 0).getByTestId('retained');
  await expect(cell).toHaveAttribute('data-retained', String(want.rows[0].retained));
  await expect(page.getByTestId('retained-header')).not.toHaveAttribute('title', /could not be computed/);
});
