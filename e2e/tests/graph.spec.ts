// The referrer graph view: a single object's referrer chains from the root (its shortest
// paths), checked against the server's /objects answer.
import { test, expect } from './fixtures';
import { demoSnapshot, partition, viewPath } from './helpers';
import { objectApi, viewState, graphAtRest, shownNodes, clickCanvas, controlOf } from './views';

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
