// heapy's setref in the page, on a snapshot captured after heaplens.setref(): the snapshot list's
// "ref" badge counts the objects new since the reference point and opens heapnew; the partition
// page's "new since reference point" switch moves the query between heap… and heapnew… (the URL's
// q changes, so links keep it). Every number is checked against the API.
import { test, expect, type APIRequestContext } from './fixtures';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { apiJson, demoSnapshot, urlState, watchForScript, type PartitionView } from './helpers';

interface RefInfo {
  id: string;
  has_reference_point: boolean;
  capture_seq: number | null;
  process_token: string | null;
  reference: { seq: number; new_objects: number; new_size: number } | null;
}

async function setrefSnapshot(request: APIRequestContext) {
  const { snapshots, demo } = await demoSnapshot(request);
  const info = await apiJson<RefInfo>(request, `/api/snapshots/${demo.id}`);
  expect(info.has_reference_point, `${demo.id} was captured after heaplens.setref()`).toBe(true);
  const others = await Promise.all(snapshots.map((s) => apiJson<RefInfo>(request, `/api/snapshots/${s.id}`)));
  return { info, without: others.find((s) => !s.has_reference_point) };
}

const rebase = (request: APIRequestContext, id: string, q: string) =>
  apiJson<{ query: string; heapnew: boolean }>(request, `/api/snapshots/${id}/rebase?q=${encodeURIComponent(q)}`);

test('the snapshot list badges snapshots with a reference point and opens heapnew', async ({ page, request }) => {
  const noScriptRan = watchForScript(page);
  const { info, without } = await setrefSnapshot(request);
  const heapnew = await apiJson<PartitionView>(request, `/api/snapshots/${info.id}/partition?q=heapnew&limit=3`);
  expect(heapnew.count).toBe(info.reference!.new_objects);

  await page.goto('/');
  const badge = page.locator(`[data-test="snapshot-row"][data-id="${info.id}"] [data-test="ref-badge"]`);
  await expect(badge).toHaveText(`ref +${info.reference!.new_objects.toLocaleString('en-US')}`);
  if (without) {
    await expect(page.locator(`[data-test="snapshot-row"][data-id="${without.id}"] [data-test="ref-badge"]`)).toHaveCount(0);
  }
  await badge.click();
  await expect.poll(() => urlState(page).q).toBe('heapnew');
  await expect(page.getByTestId('partition-title')).toHaveText(heapnew.title);
  await expect(page.locator('[data-test="row"][data-index="0"] [data-test="row-label"]')).toHaveText(heapnew.rows[0].label);
  noScriptRan();
});

test('the switch moves the query to heapnew and back, keeping the drilled-down kind', async ({ page, request }) => {
  const noScriptRan = watchForScript(page);
  const { info } = await setrefSnapshot(request);
  const whole = await apiJson<PartitionView>(request, `/api/snapshots/${info.id}/partition?q=heap&limit=1`);
  const toNew = await rebase(request, info.id, 'heap');
  expect(toNew).toEqual({ query: 'heapnew', heapnew: true });
  const heapnew = await apiJson<PartitionView>(request, `/api/snapshots/${info.id}/partition?q=heapnew&limit=1`);

  await page.goto(`/s/${info.id}?v=1&q=heap&by=clodo`);
  const toggle = page.getByTestId('setref-toggle');
  await expect(page.getByTestId('partition-title')).toHaveText(whole.title);
  await expect(toggle).toHaveAttribute('aria-checked', 'false');
  await toggle.click();
  await expect.poll(() => urlState(page).q).toBe('heapnew');
  await expect(page.getByTestId('partition-title')).toHaveText(heapnew.title);
  await expect(toggle).toHaveAttribute('aria-checked', 'true');
  await toggle.click();
  await expect.poll(() => urlState(page).q).toBe('heap');
  await expect(page.getByTestId('partition-title')).toHaveText(whole.title);

  // a drill-down: the row is kept by its label, so the switch shows the new objects of that kind
  const kind = heapnew.rows[0].label;
  const drilled = `heap.byclodo[${JSON.stringify(kind)}].bytype`;
  const moved = await rebase(request, info.id, drilled);
  expect(moved.query).toBe(`heapnew.byclodo[${JSON.stringify(kind)}].bytype`);
  const newOfKind = await apiJson<PartitionView>(
    request,
    `/api/snapshots/${info.id}/partition?q=${encodeURIComponent(moved.query)}&by=type&limit=1`,
  );
  await page.goto(`/s/${info.id}?v=1&q=${encodeURIComponent(drilled)}&by=type`);
  await expect(toggle).toHaveAttribute('aria-checked', 'false');
  await toggle.click();
  await expect.poll(() => urlState(page).q).toBe(moved.query);
  await expect(page.getByTestId('partition-title')).toHaveText(newOfKind.title);
  noScriptRan();
});

test('a snapshot without a reference point has no switch', async ({ page, request }) => {
  // the test heap (captured without setref), stored if the server does not hold it yet
  const small = await readFile(path.join(__dirname, '..', '..', 'testdata', 'small.hls'));
  const r = await request.post('/api/snapshots?name=no-setref.hls', { data: small });
  expect([200, 201]).toContain(r.status());
  const without = (await r.json()) as RefInfo;
  expect(without.has_reference_point).toBe(false);
  await page.goto(`/s/${without.id}?v=1&q=heap&by=clodo`);
  await expect(page.getByTestId('partition-title')).toBeVisible();
  await expect(page.getByTestId('setref-toggle')).toHaveCount(0);
});

test('a set named without heap (one object) has no switch: there is no other side', async ({ page, request }) => {
  const { info } = await setrefSnapshot(request);
  const one = await apiJson<PartitionView>(request, `/api/snapshots/${info.id}/partition?q=heapnew&by=id&limit=1`);
  const addr = one.rows[0].addr!;
  await page.goto(`/s/${info.id}?v=1&q=${encodeURIComponent('@' + addr)}&by=clodo&view=table`);
  await expect(page.getByTestId('partition-title')).toBeVisible();
  await expect(page.getByTestId('setref-toggle')).toHaveCount(0);
  // while its kind's row, named from heap, has one
  await page.goto(`/s/${info.id}?v=1&q=heap.byclodo%5B0%5D&by=clodo&view=table`);
  await expect(page.getByTestId('setref-toggle')).toBeVisible();
});
