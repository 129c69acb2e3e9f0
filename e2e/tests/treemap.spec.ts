// The treemap view: each row split by a second relation kept in the URL (old links stay one
// level), a child cell's link, per-object relations opening the inspector; checked against
// the server's /treemap.
import { test, expect } from './fixtures';
import { demoSnapshot, partition, viewPath } from './helpers';
import { esc, treemapApi, viewState } from './views';

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
