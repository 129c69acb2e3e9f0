// The visual views (treemap, referrer graph, inspector), told as a user's stories: find the
// biggest kind in the treemap, see who holds it in the graph, unfold a holder, follow an edge
// name to a dict, inspect one object, walk its path from the root, share the link. Every
// number on screen is checked against the server's JSON for the same question, and hostile
// heap strings must stay text in all three views.
import { test, expect, type APIRequestContext, type Page } from './fixtures';
import { apiJson, demoSnapshot, grouped, partition, urlState, viewPath, watchForScript, wholePartition } from './helpers';

interface TreemapCell {
  label: string;
  count: number;
  size: number;
  index: number;
  query: string;
  children: TreemapCell[];
  other: { rows: number; count: number; size: number } | null;
}
interface TreemapView {
  relation: string;
  then: string | null;
  count: number;
  size: number;
  cells: TreemapCell[];
  other: { rows: number; count: number; size: number } | null;
}
interface GraphNode {
  id: string;
  query: string;
  label: string;
  count: number;
  size: number;
  depth: number;
  current: boolean;
  expanded: boolean;
}
interface GraphView {
  query: string;
  nodes: GraphNode[];
  edges: { from: string; to: string; count: number; via: { name: string; count: number }[] }[];
  truncated: boolean;
}
interface ObjectView {
  addr: string;
  type_name: string;
  kind: string;
  size: number;
  brief: string;
  preview: string | null;
  referents: { total: number; items: { name: string; addr: string; brief: string }[] };
  referrers: { total: number; items: { name: string; addr: string; brief: string }[] };
  shpaths: { total: number; paths: { name: string; addr: string; brief: string }[][]; text: string[] };
}

const PAYLOADS = ['<img src=x onerror=alert(1)>', '</text><script>alert(1)</script>'];

/** A value quoted for an attribute selector: `[data-query="${esc(q)}"]`. */
const esc = (s: string) => s.replace(/["\\]/g, (c) => `\\${c}`);

const snap = (id: string) => `/api/snapshots/${encodeURIComponent(id)}`;

function treemapApi(request: APIRequestContext, id: string, q: string, by: string, then?: string) {
  const p = new URLSearchParams({ q, by, limit: then ? '200' : '5000', child_limit: then ? '25' : '0' });
  if (then) p.set('then', then);
  return apiJson<TreemapView>(request, `${snap(id)}/treemap?${p}`);
}

function graphApi(request: APIRequestContext, id: string, q: string, expand: string[] = []) {
  const p = new URLSearchParams({ q, k: '12' });
  for (const e of expand) p.append('expand', e);
  return apiJson<GraphView>(request, `${snap(id)}/graph?${p}`);
}

function objectApi(request: APIRequestContext, id: string, addr: string) {
  return apiJson<ObjectView>(request, `${snap(id)}/objects/${addr}?limit=200`);
}

/** The URL's state, with the parameters of the visual views. */
function viewState(page: Page) {
  const u = new URL(page.url());
  return { ...urlState(page), sel: u.searchParams.get('sel'), then: u.searchParams.get('then'), expand: u.searchParams.getAll('expand') };
}

/** The graph is drawn and its layout has come to rest (node positions are then stable). */
async function graphAtRest(page: Page) {
  const g = page.getByTestId('graph');
  await expect(g).toHaveAttribute('data-state', 'ready', { timeout: 20_000 });
  await expect(g).toHaveAttribute('data-layout', 'resting', { timeout: 20_000 });
}

interface ShownNode {
  query: string | null;
  addr: string | null;
  label: string;
  current: boolean;
  expanded: boolean;
  x: number;
  y: number;
  r: number;
}

/** The graph's nodes as the page lists them (with their place on the canvas). */
function shownNodes(page: Page): Promise<ShownNode[]> {
  return page.getByTestId('graph-node').evaluateAll((els) =>
    els.map((e) => ({
      query: e.getAttribute('data-query'),
      addr: e.getAttribute('data-addr'),
      label: e.getAttribute('data-label') ?? '',
      current: e.getAttribute('data-current') === 'true',
      expanded: e.getAttribute('data-expanded') === 'true',
      x: Number(e.getAttribute('data-x')),
      y: Number(e.getAttribute('data-y')),
      r: Number(e.getAttribute('data-r')),
    })),
  );
}

/** A click on the graph's canvas at (x, y) in its own pixels, as a user would. */
async function clickCanvas(page: Page, x: number, y: number) {
  const box = await page.getByTestId('graph-canvas').boundingBox();
  expect(box).toBeTruthy();
  await page.mouse.click(box!.x + x, box!.y + y);
}

/** The node's +/− (or i) control: up and right of the dot. */
const controlOf = (n: ShownNode) => [n.x + n.r * 0.72 + 3, n.y - n.r * 0.72 - 3] as const;

test('the story: biggest kind in the treemap, who holds it, an object, its path, a shared link', async ({
  page,
  browser,
  request,
  baseURL,
}) => {
  test.setTimeout(150_000);
  const noScriptRan = watchForScript(page);
  const { demo } = await demoSnapshot(request);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  let biggest: TreemapCell;

  await test.step('open the demo and find the biggest kind in the treemap', async () => {
    await page.goto('/');
    await page.locator(`[data-test="snapshot-row"][data-id="${demo.id}"]`).getByTestId('snapshot-link').click();
    await expect(page.getByTestId('partition-title')).toBeVisible();
    await page.getByTestId('view-tab-treemap').click();
    await expect.poll(() => viewState(page).view).toBe('treemap');
    const tm = await treemapApi(request, demo.id, 'heap', 'clodo');
    await expect(page.getByTestId('treemap')).toHaveAttribute('data-state', 'ready');
    const drawn = tm.cells.length + (tm.other ? 1 : 0);
    await expect(page.getByTestId('treemap')).toHaveAttribute('data-cells', String(drawn));
    biggest = tm.cells.reduce((a, b) => (b.size > a.size ? b : a));
    const cell = page.locator(`[data-test="treemap-cell"][data-query="${biggest.query}"]`);
    await expect(cell.locator('.tm-label')).toHaveText(biggest.label);
    // the biggest rectangle is the biggest kind
    const areas = await page.getByTestId('treemap-cell').evaluateAll((els) =>
      els.map((e) => [e.getAttribute('data-query'), e.getBoundingClientRect().width * e.getBoundingClientRect().height] as const),
    );
    const largest = areas.reduce((a, b) => (b[1] > a[1] ? b : a));
    expect(largest[0]).toBe(biggest.query);
    // hovering shows its label, count and exact size
    await cell.hover();
    await expect(page.getByTestId('treemap-tip-label')).toHaveText(biggest.label);
    await expect(page.getByTestId('treemap-tip-size')).toHaveText(
      `${grouped(biggest.count)} objects · ${grouped(biggest.size)} bytes`,
    );
    // a click makes it the set; the view stays the treemap
    await cell.click();
    await expect.poll(() => viewState(page)).toMatchObject({ q: biggest.query, view: 'treemap' });
    const set = await partition(request, demo.id, biggest.query, 'clodo');
    await expect(page.getByTestId('partition-title')).toHaveText(set.title);
    await expect(page.getByTestId('breadcrumb')).toHaveCount(2);
  });

  await test.step('the path bar zooms back out, and in again', async () => {
    await page.getByTestId('breadcrumb').first().click();
    await expect.poll(() => viewState(page)).toMatchObject({ q: 'heap', view: 'treemap' });
    await expect(page.getByTestId('treemap')).toHaveAttribute('data-state', 'ready');
    await page.goBack();
    await expect.poll(() => viewState(page).q).toBe(biggest.query);
  });

  let holder: GraphNode;
  await test.step('switch to the graph: who holds it', async () => {
    await page.getByTestId('view-tab-graph').click();
    await expect.poll(() => viewState(page)).toMatchObject({ q: biggest.query, view: 'graph' });
    const g = await graphApi(request, demo.id, biggest.query);
    await graphAtRest(page);
    const nodes = await shownNodes(page);
    expect(nodes.map((n) => n.query).sort()).toEqual(g.nodes.map((n) => n.query).sort());
    expect(nodes.find((n) => n.current)?.query).toBe(g.query);
    await expect(page.getByTestId('graph-summary')).toContainText(`${g.nodes.length - 1} kinds of referrers`);
    // every reference is listed with its edge names
    await expect(page.getByTestId('graph-edge')).toHaveCount(g.edges.length);
    const shownVia = await page.getByTestId('graph-edge').evaluateAll((els) => els.map((e) => e.getAttribute('data-via')));
    for (const e of g.edges) expect(shownVia).toContain(e.via.map((v) => v.name).join(', '));
    // hovering a node tells its count and size
    holder = g.nodes.filter((n) => !n.current).reduce((a, b) => (b.size > a.size ? b : a));
    const shown = nodes.find((n) => n.query === holder.query)!;
    const box = (await page.getByTestId('graph-canvas').boundingBox())!;
    await page.mouse.move(box.x + shown.x, box.y + shown.y);
    await expect(page.getByTestId('graph-tip-label')).toHaveText(holder.label);
    await expect(page.getByTestId('graph-tip-size')).toContainText(`${grouped(holder.count)} objects · ${grouped(holder.size)} bytes`);
  });

  let expandedLink = '';
  await test.step('unfold the biggest holder: its own holders appear, one level nearer the root', async () => {
    const nodes = await shownNodes(page);
    const shown = nodes.find((n) => n.query === holder.query)!;
    await clickCanvas(page, ...controlOf(shown));
    await expect.poll(() => viewState(page).expand).toEqual([holder.query]);
    const g = await graphApi(request, demo.id, biggest.query, [holder.query]);
    await expect(page.getByTestId('graph-node')).toHaveCount(g.nodes.length);
    await graphAtRest(page);
    const after = await shownNodes(page);
    expect(after.find((n) => n.query === holder.query)?.expanded).toBe(true);
    expect(g.nodes.filter((n) => n.depth === 2).length).toBeGreaterThan(0);
    expect(after.map((n) => n.query).sort()).toEqual(g.nodes.map((n) => n.query).sort());
    await page.getByTestId('copy-link').click();
    await expect(page.getByTestId('copy-link')).toHaveText(/copied/i);
    expandedLink = await page.evaluate(() => navigator.clipboard.readText());
    expect(expandedLink).toBe(page.url());
  });

  let dictQuery = '';
  await test.step('click through an edge name to the dicts that hold by it', async () => {
    await graphAtRest(page);
    const nodes = await shownNodes(page);
    const labels = await page.getByTestId('graph-edge').evaluateAll((els) =>
      els.map((e) => ({
        from: e.getAttribute('data-from') ?? '',
        fromQuery: e.getAttribute('data-from-query'),
        via: e.getAttribute('data-via') ?? '',
        x: e.getAttribute('data-x'),
        y: e.getAttribute('data-y'),
      })),
    );
    const candidates = labels.filter((l) => l.from.startsWith('dict') && l.fromQuery && l.x !== null);
    expect(candidates.length, 'a dict holds the set by some edge name').toBeGreaterThan(0);
    // a label that no node covers and no other label crowds
    const free = candidates.find((l) => {
      const [x, y] = [Number(l.x), Number(l.y)];
      const onNode = nodes.some((n) => Math.hypot(n.x - x, n.y - y) < n.r + 8);
      const crowded = labels.some((o) => o !== l && o.x !== null && Math.abs(Number(o.x) - x) < 50 && Math.abs(Number(o.y) - y) < 12);
      return !onNode && !crowded;
    });
    const pick = free ?? candidates[0];
    test.info().annotations.push({ type: 'edge name clicked', description: free ? 'on the canvas' : 'in the list' });
    if (free) {
      await clickCanvas(page, Number(pick.x), Number(pick.y));
    } else {
      // too crowded to aim at: the same action from the graph's list (keyboard users' way)
      const item = page.locator(`[data-test="graph-edge"][data-from-query="${esc(pick.fromQuery!)}"]`).first();
      await item.getByTestId('graph-edge-open').focus();
      await page.keyboard.press('Enter');
    }
    dictQuery = pick.fromQuery!;
    await expect.poll(() => viewState(page)).toMatchObject({ q: dictQuery, view: 'graph', expand: [] });
    const set = await partition(request, demo.id, dictQuery, 'clodo');
    await expect(page.getByTestId('partition-title')).toHaveText(set.title);
    await graphAtRest(page);
    expect((await shownNodes(page)).find((n) => n.current)?.label).toMatch(/^dict/);
  });

  let obj: ObjectView;
  await test.step('open one of the dicts in the inspector', async () => {
    await page.getByTestId('view-tab-inspector').click();
    const first = await partition(request, demo.id, dictQuery, 'id', 0, 50);
    const picks = page.getByTestId('inspect-pick');
    if (first.count > 1) {
      await expect(picks).toHaveCount(first.rows.length);
      await expect(picks.first().locator('.ix-pick-label')).toHaveText(first.rows[0].label);
      await picks.first().click();
    }
    await expect.poll(() => viewState(page).sel, { timeout: 20_000 }).toMatch(/^0x[0-9a-f]+$/);
    const sel = viewState(page).sel!;
    expect(viewState(page)).toMatchObject({ view: 'inspector', q: `@${sel}` });
    obj = await objectApi(request, demo.id, sel);
    await expect(page.getByTestId('inspector-addr')).toHaveText(obj.addr);
    await expect(page.getByTestId('inspector-type')).toHaveText(obj.type_name);
    await expect(page.getByTestId('inspector-kind')).toHaveText(obj.kind);
    await expect(page.getByTestId('inspector-brief')).toHaveText(obj.brief);
    await expect(page.getByTestId('inspector-size')).toContainText(`${grouped(obj.size)} bytes`);
    expect(obj.kind).toMatch(/^dict/);
    // the set it came from holds it
    const member = await partition(request, demo.id, `(${dictQuery}) & @${sel}`, 'unity');
    expect(member.count).toBe(1);
    await expect(page.getByTestId('referrer-row')).toHaveCount(Math.min(obj.referrers.total, 200));
    await expect(page.getByTestId('referent-row')).toHaveCount(Math.min(obj.referents.total, 200));
    await expect(page.getByTestId('shpaths-text')).toHaveText(obj.shpaths.text.join('\n'));
  });

  await test.step('follow a step of its shortest path from the root', async () => {
    const path = obj.shpaths.paths[0];
    expect(path.length, 'the dict is reachable from the root').toBeGreaterThan(1);
    const step = path[path.length - 2];
    await page.getByTestId('path').first().getByTestId('path-step').nth(path.length - 2).click();
    await expect.poll(() => viewState(page).sel).toBe(step.addr);
    await expect(page.getByTestId('inspector-addr')).toHaveText(step.addr);
    await expect(page.getByTestId('inspector-brief')).toHaveText(step.brief);
    // and back along a referent row to where we came from (when it is among the first listed)
    const back = page.locator(`[data-test="referent-row"][data-addr="${obj.addr}"]`).first();
    if ((await back.count()) > 0) {
      await back.click();
      await expect.poll(() => viewState(page).sel).toBe(obj.addr);
      await page.goBack();
      await expect.poll(() => viewState(page).sel).toBe(step.addr);
    }
  });

  await test.step('copy the link; a fresh browser shows the same object, and the same unfolded graph', async () => {
    await page.getByTestId('copy-link').click();
    await expect(page.getByTestId('copy-link')).toHaveText(/copied/i);
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(page.url());
    const context = await browser.newContext();
    const other = await context.newPage();
    const otherNoScript = watchForScript(other);
    await other.goto(copied);
    await expect(other.getByTestId('view-tab-inspector')).toHaveAttribute('aria-selected', 'true');
    await expect(other.getByTestId('inspector-addr')).toHaveText(viewState(page).sel!);
    await other.goto(expandedLink);
    await expect(other.getByTestId('view-tab-graph')).toHaveAttribute('aria-selected', 'true');
    const g = await graphApi(request, demo.id, biggest.query, [holder.query]);
    await expect(other.getByTestId('graph-node')).toHaveCount(g.nodes.length);
    await expect(other.locator(`[data-test="graph-node"][data-expanded="true"][data-query="${esc(holder.query)}"]`)).toHaveCount(1);
    await otherNoScript();
    await context.close();
  });
  await noScriptRan();
});

test('the treemap splits each row by a second relation kept in the URL; old links stay one level', async ({
  page,
  request,
}) => {
  const { demo } = await demoSnapshot(request);
  await page.goto(viewPath(demo.id, 'heap', 'clodo', { view: 'treemap' }));
  await expect(page.getByTestId('treemap')).toHaveAttribute('data-state', 'ready');
  expect(viewState(page).then).toBeNull();
  await expect(page.locator('.tm-parent')).toHaveCount(0);
  await page.getByTestId('treemap-then').selectOption('type');
  await expect.poll(() => viewState(page).then).toBe('type');
  const tm = await treemapApi(request, demo.id, 'heap', 'clodo', 'type');
  const cells = tm.cells.reduce((n, c) => n + 1 + c.children.length + (c.children.length && c.other ? 1 : 0), 0);
  await expect(page.getByTestId('treemap')).toHaveAttribute('data-cells', String(cells + (tm.other ? 1 : 0)));
  await expect(page.locator('.tm-parent').first()).toBeVisible();
  // a child cell's link drills into both steps
  const child = tm.cells[1].children[0];
  const el = page.locator(`[data-test="treemap-cell"][data-query="${esc(child.query)}"]`);
  await el.hover();
  await expect(page.getByTestId('treemap-tip-label')).toHaveText(child.label);
  await el.click();
  await expect.poll(() => viewState(page)).toMatchObject({ q: child.query, view: 'treemap', then: 'type' });
  // reload keeps the second level
  await page.reload();
  await expect(page.getByTestId('treemap-then')).toHaveValue('type');
  // per-object relations split into objects: a cell then opens the inspector
  await page.goto(viewPath(demo.id, 'heap.byclodo[1]', 'id', { view: 'treemap' }));
  await expect(page.getByTestId('treemap')).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('treemap-then')).toBeDisabled();
  const ids = await treemapApi(request, demo.id, 'heap.byclodo[1]', 'id');
  await page.locator(`[data-test="treemap-cell"][data-query="${esc(ids.cells[0].query)}"]`).click();
  await expect.poll(() => viewState(page).view, { timeout: 20_000 }).toBe('inspector');
  const sel = viewState(page).sel!;
  expect((await partition(request, demo.id, `(${ids.cells[0].query}) & @${sel}`, 'unity')).count).toBe(1);
  await expect(page.getByTestId('inspector-addr')).toHaveText(sel);
});

test('a single object in the graph shows its referrer chains from the root', async ({ page, request }) => {
  const { demo } = await demoSnapshot(request);
  const dicts = await partition(request, demo.id, 'heap.byclodo["dict (no owner)"]', 'id', 0, 1);
  const row = dicts.rows[0];
  // via the inspector's link (the object's address is what the chains are about)
  await page.goto(viewPath(demo.id, row.query, 'clodo', { view: 'inspector' }));
  await expect(page.getByTestId('inspector-addr')).toHaveText(/^0x/, { timeout: 20_000 });
  const addr = (await page.getByTestId('inspector-addr').textContent())!;
  const o = await objectApi(request, demo.id, addr);
  await page.getByTestId('inspector-graph-link').click();
  await expect.poll(() => viewState(page)).toMatchObject({ q: `@${addr}`, view: 'graph' });
  await graphAtRest(page);
  const nodes = await shownNodes(page);
  const onPaths = new Set(o.shpaths.paths.flat().map((s) => s.addr));
  expect(nodes.filter((n) => n.addr !== '0x0').map((n) => n.addr).sort()).toEqual([...onPaths].sort());
  expect(nodes.find((n) => n.current)?.addr).toBe(addr);
  const names = o.shpaths.paths.flat().map((s) => s.name);
  const via = await page.getByTestId('graph-edge').evaluateAll((els) => els.map((e) => e.getAttribute('data-via') ?? ''));
  for (const n of names) expect(via.join('\n')).toContain(n);
  await expect(page.getByTestId('graph-paths').locator('pre')).toHaveText(o.shpaths.text.join('\n'));
  // the object's i control opens it in the inspector
  const target = nodes.find((n) => n.current)!;
  await clickCanvas(page, ...controlOf(target));
  await expect.poll(() => viewState(page)).toMatchObject({ view: 'inspector', sel: addr });
});

test('hostile heap strings stay text in the treemap, the graph and the inspector', async ({ page, request }) => {
  test.setTimeout(90_000);
  const noScriptRan = watchForScript(page);
  const { demo } = await demoSnapshot(request);
  const via = await wholePartition(request, demo.id, 'heap', 'via');
  const hits = PAYLOADS.map((p) => via.rows.find((r) => r.label.includes(p)));
  for (const [i, h] of hits.entries()) expect(h, `an edge is named by ${PAYLOADS[i]}`).toBeTruthy();
  const union = hits.map((h) => h!.query).join(' | ');

  await test.step('treemap: labels and tooltips', async () => {
    await page.goto(viewPath(demo.id, union, 'via', { view: 'treemap' }));
    await expect(page.getByTestId('treemap')).toHaveAttribute('data-state', 'ready');
    const tm = await treemapApi(request, demo.id, union, 'via');
    const labels = await page.locator('[data-test="treemap-cell"] .tm-label').allTextContents();
    expect(labels.sort()).toEqual(tm.cells.map((c) => c.label).sort());
    for (const p of PAYLOADS) expect(labels.some((l) => l.includes(p))).toBeTruthy();
    for (const c of tm.cells) {
      await page.locator(`[data-test="treemap-cell"][data-query="${esc(c.query)}"]`).hover();
      await expect(page.getByTestId('treemap-tip-label')).toHaveText(c.label);
    }
    await noScriptRan();
  });

  await test.step('graph: edge names and tooltips', async () => {
    await page.goto(viewPath(demo.id, union, 'clodo', { view: 'graph' }));
    await graphAtRest(page);
    const g = await graphApi(request, demo.id, union);
    const names = g.edges.flatMap((e) => e.via.map((v) => v.name));
    const hostile = names.filter((n) => PAYLOADS.some((p) => n.includes(p)));
    expect(hostile.length, 'a hostile edge name is among the commonest').toBeGreaterThan(0);
    const listed = await page.getByTestId('graph-edge-open').allTextContents();
    for (const n of hostile) expect(listed.join('\n')).toContain(n);
    // hover the holder: the tooltip names the edges as text
    const holder = (await shownNodes(page)).find((n) => !n.current)!;
    const box = (await page.getByTestId('graph-canvas').boundingBox())!;
    await page.mouse.move(box.x + holder.x, box.y + holder.y);
    await expect(page.getByTestId('graph-tip')).toContainText(hostile[0]);
    await noScriptRan();
  });

  await test.step('inspector: briefs, values and edge names', async () => {
    const customer = hits[0]!.query; // the object held by that name
    await page.goto(viewPath(demo.id, customer, 'clodo', { view: 'inspector' }));
    await expect(page.getByTestId('inspector-addr')).toHaveText(/^0x/, { timeout: 20_000 });
    const o = await objectApi(request, demo.id, (await page.getByTestId('inspector-addr').textContent())!);
    const names = await page.locator('[data-test="referrer-row"] .ix-name').allTextContents();
    expect(names).toEqual(o.referrers.items.map((e) => e.name));
    expect(names.some((n) => n.includes(PAYLOADS[0]))).toBeTruthy();
    // the hostile string itself, in the record's __dict__
    const attrs = o.referents.items.find((e) => e.name === '.__dict__');
    expect(attrs, 'the record has a __dict__').toBeTruthy();
    await page.locator(`[data-test="referent-row"][data-addr="${attrs!.addr}"]`).click();
    await expect(page.getByTestId('inspector-addr')).toHaveText(attrs!.addr);
    const d = await objectApi(request, demo.id, attrs!.addr);
    const str = d.referents.items.find((e) => e.brief.includes(PAYLOADS[0]));
    expect(str, 'the record refers to the hostile string').toBeTruthy();
    await expect(page.locator('[data-test="referent-row"] .ix-brief')).toContainText([str!.brief]);
    await page.locator(`[data-test="referent-row"][data-addr="${str!.addr}"]`).click();
    await expect(page.getByTestId('inspector-addr')).toHaveText(str!.addr);
    const s = await objectApi(request, demo.id, str!.addr);
    await expect(page.getByTestId('inspector-brief')).toHaveText(s.brief);
    if (s.preview) await expect(page.getByTestId('inspector-preview')).toHaveText(s.preview);
    await noScriptRan();
  });
});

test('each view shows the server\'s error in a box, and its help', async ({ page, request }) => {
  const { demo } = await demoSnapshot(request);
  await page.goto(viewPath(demo.id, 'heap', 'clodo', { view: 'treemap', then: 'bogus' }));
  await expect(page.getByTestId('treemap').getByTestId('error-message')).toContainText('unknown relation "bogus"');
  await page.goto(viewPath(demo.id, 'heap', 'clodo', { view: 'graph', expand: 'heap.byclodo[' }));
  await expect(page.getByTestId('graph').getByTestId('error-message')).toContainText('in expand parameter 1');
  await page.goto(viewPath(demo.id, 'heap', 'clodo', { view: 'inspector', sel: '0x1' }));
  await expect(page.getByTestId('inspector').getByTestId('error-message')).toHaveText('no object at address 0x1');

  for (const [view, words] of [
    ['treemap', 'squarified treemap'],
    ['graph', 'Who holds the set'],
    ['inspector', 'shortest paths from the root'],
  ] as const) {
    await page.goto(viewPath(demo.id, 'heap', 'clodo', { view }));
    await page.getByTestId('help-toggle').click();
    await expect(page.getByTestId('help').getByTestId('help-view')).toContainText(words);
    await page.keyboard.press('Escape');
  }
});
