// heapy's heapu in the page: the start page counts the objects the GC tracked but the root did
// not reach, and the count links to them as a set, partitioned by type as heapy shows heapu.
import { test, expect } from './fixtures';
import { apiJson, demoSnapshot, urlState, watchForScript, type PartitionView } from './helpers';

test('the unreachable count opens heapu by type', async ({ page, request }) => {
  const noScriptRan = watchForScript(page);
  const { demo } = await demoSnapshot(request);
  const info = await apiJson<{ unreachable: number }>(request, `/api/snapshots/${demo.id}`);
  const heapu = await apiJson<PartitionView>(request, `/api/snapshots/${demo.id}/partition?q=heapu&by=type&limit=5`);
  expect(info.unreachable, 'the demo heap has unreachable objects').toBeGreaterThan(0);
  expect(heapu.count).toBe(info.unreachable);

  await page.goto('/');
  const link = page.locator(`[data-test="snapshot-row"][data-id="${demo.id}"] [data-test="heapu-link"]`);
  await expect(link).toHaveText(info.unreachable.toLocaleString('en-US'));
  await link.click();
  await expect.poll(() => [urlState(page).q, urlState(page).by]).toEqual(['heapu', 'type']);
  await expect(page.locator('body')).toContainText(heapu.title);
  await expect(page.locator('[data-test="row"][data-index="0"] [data-test="row-label"]')).toHaveText(heapu.rows[0].label);
  noScriptRan();
});
