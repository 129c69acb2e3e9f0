// The object view (the inspector): a byid row's "inspect" action opens its object, whose
// address, brief, size and retained size equal the server's /objects answer, and "Retained
// set" opens heapy's dominos of it. More of the inspector: views.spec.ts (the story, hostile
// strings), rp.spec.ts (its reference pattern).
import { test, expect } from './fixtures';
import { apiJson, demoSnapshot, urlState, viewPath, watchForScript, type PartitionView } from './helpers';

test('a byid row opens its object in the inspector', async ({ page, request }) => {
  const noScriptRan = watchForScript(page);
  const { demo } = await demoSnapshot(request);
  const byType = await apiJson<PartitionView & { rows: { addr?: string }[] }>(
    request,
    `/api/snapshots/${demo.id}/partition?q=${encodeURIComponent('heap.bytype["str"]')}&by=id&limit=5`,
  );
  const first = byType.rows[0];
  expect(first.addr, 'per-object rows carry their address').toMatch(/^0x[0-9a-f]+$/);
  const obj = await apiJson<{ addr: string; brief: string; size: number }>(
    request,
    `/api/snapshots/${demo.id}/objects/${first.addr}`,
  );
  await page.goto(viewPath(demo.id, 'heap.bytype["str"]', 'id'));
  await page.locator('[data-test="row"][data-index="0"] [data-test="row-inspect"]').click();
  await expect.poll(() => new URL(page.url()).searchParams.get('sel')).toBe(first.addr);
  await expect(page.getByTestId('inspector-addr')).toHaveText(first.addr!);
  await expect(page.getByTestId('inspector-brief')).toHaveText(obj.brief);
  await expect(page.getByTestId('inspector-size')).toContainText(obj.size.toLocaleString('en-US'));
  // what it retains: the number shown, and the set behind "Retained set" (heapy's dominos)
  const retained = (obj as unknown as { retained: number }).retained;
  expect(retained).toBeGreaterThanOrEqual(obj.size);
  await expect(page.getByTestId('inspector-retained')).toContainText(retained.toLocaleString('en-US'));
  await page.getByTestId('inspector-dominos-link').click();
  await expect.poll(() => urlState(page).q).toBe(`@${first.addr}.dominos`);
  await expect(page.getByTestId('view-tab-table')).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('body')).toContainText(`Total size = ${retained} bytes.`);
  noScriptRan();
});
