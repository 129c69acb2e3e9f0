// Helpers of the specs of the drawn views (treemap, referrer graph, inspector): the wire
// types they read, the server's answers for the same questions, the URL's view state and the
// graph's nodes as the page lists them (with their place on the canvas).
import { expect, type APIRequestContext, type Page } from './fixtures';
import { apiJson, urlState } from './helpers';

export interface TreemapCell {
  label: string;
  count: number;
  size: number;
  index: number;
  query: string;
  children: TreemapCell[];
  other: { rows: number; count: number; size: number } | null;
}
export interface TreemapView {
  relation: string;
  then: string | null;
  count: number;
  size: number;
  cells: TreemapCell[];
  other: { rows: number; count: number; size: number } | null;
}
export interface GraphNode {
  id: string;
  query: string;
  label: string;
  count: number;
  size: number;
  depth: number;
  current: boolean;
  expanded: boolean;
}
export interface GraphView {
  query: string;
  nodes: GraphNode[];
  edges: { from: string; to: string; count: number; via: { name: string; count: number }[] }[];
  truncated: boolean;
}
export interface ObjectView {
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

export const PAYLOADS = ['<img src=x onerror=alert(1)>', '</text><script>alert(1)</script>'];

/** A value quoted for an attribute selector: `[data-query="${esc(q)}"]`. */
export const esc = (s: string) => s.replace(/["\\]/g, (c) => `\\${c}`);

export const snap = (id: string) => `/api/snapshots/${encodeURIComponent(id)}`;

export function treemapApi(request: APIRequestContext, id: string, q: string, by: string, then?: string) {
  const p = new URLSearchParams({ q, by, limit: then ? '200' : '5000', child_limit: then ? '25' : '0' });
  if (then) p.set('then', then);
  return apiJson<TreemapView>(request, `${snap(id)}/treemap?${p}`);
}

export function graphApi(request: APIRequestContext, id: string, q: string, expand: string[] = []) {
  const p = new URLSearchParams({ q, k: '12' });
  for (const e of expand) p.append('expand', e);
  return apiJson<GraphView>(request, `${snap(id)}/graph?${p}`);
}

export function objectApi(request: APIRequestContext, id: string, addr: string) {
  return apiJson<ObjectView>(request, `${snap(id)}/objects/${addr}?limit=200`);
}

/** The URL's state, with the parameters of the visual views. */
export function viewState(page: Page) {
  const u = new URL(page.url());
  return { ...urlState(page), sel: u.searchParams.get('sel'), then: u.searchParams.get('then'), expand: u.searchParams.getAll('expand') };
}

/** The graph is drawn and its layout has come to rest (node positions are then stable). */
export async function graphAtRest(page: Page) {
  const g = page.getByTestId('graph');
  await expect(g).toHaveAttribute('data-state', 'ready', { timeout: 20_000 });
  await expect(g).toHaveAttribute('data-layout', 'resting', { timeout: 20_000 });
}

export interface ShownNode {
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
export function shownNodes(page: Page): Promise<ShownNode[]> {
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
export async function clickCanvas(page: Page, x: number, y: number) {
  const box = await page.getByTestId('graph-canvas').boundingBox();
  expect(box).toBeTruthy();
  await page.mouse.click(box!.x + x, box!.y + y);
}

/** The node's +/− (or i) control: up and right of the dot. */
export const controlOf = (n: ShownNode) => [n.x + n.r * 0.72 + 3, n.y - n.r * 0.72 - 3] as const;
