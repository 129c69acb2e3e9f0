// Shared helpers of the browser tests: the server's JSON for the same questions the page asks,
// what the page shows, and a guard that heap strings never run as script.
import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';

export const TITLE_RE = /^Partition of a set of (\d+) objects\. Total size = (\d+) bytes\.$/;
export const PAGE_ROWS = 500;

export interface Row {
  index: number;
  count: number;
  count_pct: number;
  size: number;
  size_pct: number;
  cumulative: number;
  cumulative_pct: number;
  label: string;
  query: string;
}
export interface PartitionView {
  snapshot: string;
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
export interface SnapshotInfo {
  id: string;
  name: string;
  objects: number;
  total_size: number;
}
export interface RelationInfo {
  name: string;
  header: string;
  doc: string;
}

export async function apiJson<T>(request: APIRequestContext, path: string): Promise<T> {
  const r = await request.get(path);
  expect(r.ok(), `${path} answered ${r.status()}`).toBeTruthy();
  return (await r.json()) as T;
}

/** The snapshot under test: $HEAPLENS_SNAPSHOT (an id) if set, else the first one listed. */
export async function demoSnapshot(request: APIRequestContext) {
  const { snapshots } = await apiJson<{ snapshots: SnapshotInfo[] }>(request, '/api/snapshots');
  expect(snapshots.length, 'the server has the demo snapshot loaded').toBeGreaterThan(0);
  const wanted = process.env.HEAPLENS_SNAPSHOT;
  // the id, or the name-derived id a file from the server's command line also answers to
  const demo = wanted ? snapshots.find((s) => s.id === wanted || s.store?.alias === wanted) : snapshots[0];
  expect(demo, `snapshot ${wanted} is loaded`).toBeTruthy();
  return { snapshots, demo: demo! };
}

export function relations(request: APIRequestContext) {
  return apiJson<{ relations: RelationInfo[] }>(request, '/api/relations').then((r) => r.relations);
}

export function partition(
  request: APIRequestContext,
  id: string,
  q: string,
  by: string,
  offset = 0,
  limit = PAGE_ROWS,
) {
  const p = new URLSearchParams({ q, by, offset: String(offset), limit: String(limit) });
  return apiJson<PartitionView>(request, `/api/snapshots/${encodeURIComponent(id)}/partition?${p}`);
}

/** Every row of a partition, in one answer. */
export async function wholePartition(request: APIRequestContext, id: string, q: string, by: string) {
  const first = await partition(request, id, q, by, 0, 1);
  return partition(request, id, q, by, 0, Math.max(first.total_rows, 1));
}

/** The page's URL for a view (the app's own form, version 1). */
export function viewPath(id: string, q: string, by: string, extra: Record<string, string> = {}) {
  const p = new URLSearchParams({ v: '1', q, by, view: 'table', ...extra });
  return `/s/${encodeURIComponent(id)}?${p}`;
}

/** What the URL says is shown. */
export function urlState(page: Page) {
  const u = new URL(page.url());
  const g = (k: string) => u.searchParams.get(k);
  return { path: u.pathname, v: g('v'), q: g('q'), by: g('by'), view: g('view'), filter: g('filter') };
}

export const table = (page: Page) => page.getByTestId('partition-table');

/** The rendered, loaded rows in index order: index, label text, count. */
export async function renderedRows(page: Page) {
  const rows = await page.getByTestId('row').evaluateAll((els) =>
    els.map((e) => ({
      index: Number(e.getAttribute('data-index')),
      label: e.querySelector('[data-test="row-label"]')?.textContent ?? '',
      count: Number(e.getAttribute('data-count')),
      size: Number(e.getAttribute('data-size')),
      selected: e.getAttribute('aria-selected') === 'true',
    })),
  );
  return rows.sort((a, b) => a.index - b.index);
}

/** The first `n` rows shown, once loaded. */
export async function firstRows(page: Page, n = 10) {
  return (await renderedRows(page)).slice(0, n);
}

/** Row `index` of the table (rendered only when scrolled into view). */
export function rowAt(page: Page, index: number): Locator {
  return page.locator(`[data-test="row"][data-index="${index}"]`);
}

/** The index of the row selected with the keyboard, or null. */
export async function selectedIndex(page: Page) {
  const sel = (await renderedRows(page)).filter((r) => r.selected);
  return sel.length === 1 ? sel[0].index : sel.length === 0 ? null : -1;
}

export const grouped = (n: number) => n.toLocaleString('en-US');

/** The page shows exactly the server's view: title, header, first rows, breadcrumbs, relation. */
export async function expectView(page: Page, view: PartitionView) {
  await expect(page.getByTestId('partition-title')).toHaveText(view.title);
  await expect(page.getByTestId('relation-header')).toHaveText(view.header);
  const n = Math.min(10, view.rows.length);
  await expect
    .poll(async () => (await firstRows(page, n)).map((r) => [r.index, r.label, r.count]))
    .toEqual(view.rows.slice(0, n).map((r) => [r.index, r.label, r.count]));
  await expect(page.getByTestId('row-count')).toContainText(
    `${grouped(view.total_rows)} ${view.total_rows === 1 ? 'row' : 'rows'}`,
  );
  await expect(page.getByTestId('breadcrumb')).toHaveCount(view.breadcrumbs.length);
  const crumbs = await page
    .getByTestId('breadcrumb')
    .evaluateAll((els) => els.map((e) => e.querySelector('.crumb-label')?.textContent ?? ''));
  expect(crumbs).toEqual(view.breadcrumbs.map((b) => b.label));
  await expect(page.getByTestId('relation-picker')).toHaveValue(view.relation);
}

/** Hostile heap strings must stay text: no alert() ran, no element was made from a label. */
export function watchForScript(page: Page) {
  const dialogs: string[] = [];
  page.on('dialog', async (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    await d.dismiss();
  });
  return async () => {
    expect(dialogs, 'a heap string ran as script').toEqual([]);
    await expect(page.locator('img[src="x"]')).toHaveCount(0);
    await expect(page.locator('svg[onload]')).toHaveCount(0);
    await expect(page.locator('body script')).toHaveCount(0);
  };
}

/** Drops a file (bytes) named `name` on the upload zone, like a user dragging it from a file manager. */
export async function dropFile(page: Page, name: string, bytes: Buffer) {
  const dataTransfer = await page.evaluateHandle(
    ({ name, b64 }) => {
      const bin = atob(b64);
      const data = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) data[i] = bin.charCodeAt(i);
      const dt = new DataTransfer();
      dt.items.add(new File([data], name, { type: 'application/octet-stream' }));
      return dt;
    },
    { name, b64: bytes.toString('base64') },
  );
  const zone = page.getByTestId('upload-zone');
  await zone.dispatchEvent('dragenter', { dataTransfer });
  await zone.dispatchEvent('dragover', { dataTransfer });
  await expect(zone).toHaveClass(/over/);
  await zone.dispatchEvent('drop', { dataTransfer });
}
