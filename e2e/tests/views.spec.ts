// The drawn views (treemap, referrer graph, inspector) together, told as a user's story: find
// the biggest kind in the treemap, see who holds it in the graph, unfold a holder, follow an
// edge name to a dict, inspect one object, walk its path from the root, share the link. Every
// number on screen is checked against the server's JSON for the same question; hostile heap
// strings must stay text in all three views; each view shows the server's errors.
// One view alone: treemap.spec.ts, graph.spec.ts, object.spec.ts (the inspector), rp.spec.ts,
// retained.spec.ts; the table: partition*.spec.ts.
import { test, expect } from './fixtures';
import { demoSnapshot, grouped, partition, viewPath, watchForScript, wholePartition } from './helpers';
import { type TreemapCell, type GraphNode, type ObjectView, PAYLOADS, esc, treemapApi, graphApi, objectApi, viewState, graphAtRest, shownNodes, clickCanvas, controlOf } from './views';

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
