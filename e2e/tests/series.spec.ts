// The timeline page (heapy's pb() in the browser) on real series made in the test:
// a heapy dump file of several tables of the demo heap (exported by the server as heapy
// packages, concatenated, uploaded), and two uploads of testdata/small.hls (snapshots of one
// process). The chart's areas carry the values they draw; they must equal /api/series.
import { test, expect, type APIRequestContext, type Page } from './fixtures';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { apiJson, demoSnapshot, watchForScript } from './helpers';
import { BIN } from './own-server';


interface SeriesInfo {
  id: string;
  source: string;
  snapshots: string[];
  samples: number;
}
interface SeriesView {
  info: SeriesInfo;
  measure: string;
  kinds: string[];
  samples: { index: number; timemade: number; count: number; size: number; snapshot?: string }[];
  values: [number, number][][];
}
interface PackageView {
  text: string;
  rows: { label: string }[];
}

/** A dump file of the demo heap's tables of these sets by clodo, uploaded; its series. */
async function uploadDump(request: APIRequestContext, queries: string[]): Promise<SeriesInfo> {
  const { demo } = await demoSnapshot(request);
  let text = '';
  for (const q of queries) {
    const r = await request.get(`/api/snapshots/${demo.id}/heapy-dump?q=${encodeURIComponent(q)}&by=clodo`);
    expect(r.ok()).toBeTruthy();
    text += await r.text();
  }
  const r = await request.post('/api/snapshots?name=e2e-timeline.dump', { data: Buffer.from(text) });
  expect(r.status()).toBe(201);
  return (await r.json()) as SeriesInfo;
}

/** The values each drawn area carries, by kind, in drawing order. */
async function drawnAreas(page: Page) {
  const areas = page.getByTestId('area');
  await expect(areas.first()).toBeAttached();
  return areas.evaluateAll((els) =>
    els.map((e) => ({ kind: e.getAttribute('data-kind'), values: (e.getAttribute('data-values') ?? '').split(',').map(Number) })),
  );
}

function expected(view: SeriesView) {
  const m = view.measure === 'count' ? 0 : 1;
  return view.kinds.map((kind, j) => ({ kind, values: view.values.map((row) => Math.max(0, row[j][m])) }));
}

/** Moves the pointer over sample i of the chart (its x from the drawn tick). */
async function pointAt(page: Page, i: number) {
  const overlay = page.getByTestId('timeline-overlay');
  const box = (await overlay.boundingBox())!;
  const ticks = await page.getByTestId('sample-tick').evaluateAll((els) => els.map((e) => Number(e.getAttribute('x1')) / 1000));
  return { x: Math.min(box.width - 1, Math.max(1, ticks[i] * box.width)), y: box.height / 2 };
}

test('a heapy dump series: areas equal the API, hover, A/B markers and heapy B.diff(A)', async ({ page, request }) => {
  const queries = ['heap.byclodo[0]', 'heap.byclodo[0] | heap.byclodo[1]', 'heap - heap.byclodo[2]', 'heap'];
  const series = await uploadDump(request, queries);
  expect(series.samples).toBe(queries.length);
  const guard = watchForScript(page);
  await page.goto(`/timeline?v=1&series=${series.id}&by=clodo&measure=size`);
  await expect(page.getByTestId('timeline-chart')).toHaveAttribute('data-samples', String(queries.length));
  const bySize = await apiJson<SeriesView>(request, `/api/series/${series.id}?measure=size`);
  expect(await drawnAreas(page)).toEqual(expected(bySize));
  // the last sample's table is shown as guppy prints the package
  const last = await apiJson<PackageView>(request, `/api/series/${series.id}/packages/${queries.length - 1}`);
  await expect(page.getByTestId('package-text')).toHaveText(last.text);

  // hover: the sample's time and values
  const overlay = page.getByTestId('timeline-overlay');
  await overlay.hover({ position: await pointAt(page, 2) });
  const tip = page.getByTestId('timeline-tip');
  await expect(tip).toContainText('sample 2');
  await expect(tip).toContainText(`${bySize.samples[2].count.toLocaleString('en-US')} objects`);
  await overlay.hover({ position: { x: 1, y: 1 } });
  await page.mouse.move(0, 0);
  await expect(tip).toHaveCount(0);

  // A then B: markers in the URL and on the chart, heapy's B - A below
  await overlay.click({ position: await pointAt(page, 1) });
  await expect(page).toHaveURL(/[?&]a=1(&|$)/);
  await overlay.click({ position: await pointAt(page, 3) });
  await expect(page).toHaveURL(/[?&]a=1&b=3(&|$)/);
  await expect(page.getByTestId('marker-a')).toHaveAttribute('data-index', '1');
  await expect(page.getByTestId('marker-b')).toHaveAttribute('data-index', '3');
  const diff = await apiJson<PackageView>(request, `/api/series/${series.id}/diff?a=3&b=1`);
  await expect(page.getByTestId('diff-text')).toHaveText(diff.text);
  await expect(page.getByTestId('diff-text')).toContainText('Summary of difference operation (A-B).');
  const sample1 = await apiJson<PackageView>(request, `/api/series/${series.id}/packages/1`);
  await expect(page.getByTestId('package-text')).toHaveText(sample1.text);
  // a dump has no snapshots to open
  await expect(page.getByTestId('open-diff')).toHaveCount(0);

  // by count; the link reproduces the view
  await page.getByTestId('measure-count').click();
  await expect(page).toHaveURL(/measure=count/);
  const byCount = await apiJson<SeriesView>(request, `/api/series/${series.id}?measure=count`);
  await expect.poll(async () => JSON.stringify(await drawnAreas(page))).toBe(JSON.stringify(expected(byCount)));
  const fresh = await page.context().browser()!.newPage();
  await fresh.goto(page.url());
  await expect(fresh.getByTestId('marker-b')).toHaveAttribute('data-index', '3');
  expect(await drawnAreas(fresh)).toEqual(expected(byCount));
  await fresh.close();
  await guard();
});

test('snapshots of one process: a series with links to each snapshot and to the diff page', async ({ page, request }) => {
  // two different files of one process: synthetic heaps of two seeds share the META that
  // identifies a process (the store keeps one snapshot per content: the same bytes twice are one)
  const dir = mkdtempSync(path.join(tmpdir(), 'heaplens-timeline-'));
  const files = [1, 2].map((seed) => {
    const f = path.join(dir, `synth-${seed}.hls`);
    execFileSync(BIN, ['synth', '3000', f, '--seed', String(seed)]);
    return f;
  });
  const ids: string[] = [];
  for (const [i, file] of files.entries()) {
    const r = await request.post(`/api/snapshots?name=timeline-${i + 1}.hls`, { data: await readFile(file) });
    expect([200, 201], 'stored (or already there from an earlier run)').toContain(r.status());
    ids.push(((await r.json()) as { id: string }).id);
  }
  expect(new Set(ids).size).toBe(2);
  const { series } = await apiJson<{ series: SeriesInfo[] }>(request, '/api/series');
  const s = series.find((x) => x.source === 'snapshots' && ids.every((id) => x.snapshots.includes(id)))!;
  expect(s, 'the uploads of one process form a series').toBeTruthy();
  // the start page links to it
  await page.goto('/');
  await page.locator(`[data-test="series-row"][data-id="${s.id}"] [data-test="series-link"]`).click();
  await expect(page).toHaveURL(new RegExp(`/timeline\\?v=1&series=${s.id}&by=clodo&measure=size`));
  const view = await apiJson<SeriesView>(request, `/api/series/${s.id}?by=type&measure=count`);
  await page.getByTestId('timeline-by').selectOption('type');
  await page.getByTestId('measure-count').click();
  await expect.poll(async () => JSON.stringify(await drawnAreas(page))).toBe(JSON.stringify(expected(view)));
  const a = s.snapshots.indexOf(ids[0]);
  const b = s.snapshots.indexOf(ids[1]);
  const overlay = page.getByTestId('timeline-overlay');
  // equal capture times: samples are evenly spaced
  await overlay.click({ position: await pointAt(page, a) });
  await overlay.click({ position: await pointAt(page, b) });
  await expect(page.getByTestId('open-diff')).toHaveAttribute('href', `/diff?v=1&a=${ids[0]}&b=${ids[1]}`);
  await expect(page.getByTestId('open-snapshot')).toHaveAttribute('href', new RegExp(`^/s/${ids[0]}\\?`));
});

test('an unknown series shows the server error, no series parameter lists the series', async ({ page }) => {
  await page.goto('/timeline?v=1&series=nope');
  await expect(page.getByText('no series with id "nope"')).toBeVisible();
  await page.goto('/timeline?v=1');
  await expect(page.getByTestId('series-table')).toBeVisible();
});

test('a heapy dump dropped on the upload zone opens its timeline; a cut one shows the line', async ({ page, request }) => {
  const { demo } = await demoSnapshot(request);
  const r = await request.get(`/api/snapshots/${demo.id}/heapy-dump?q=heap&by=type`);
  const text = await r.text();
  await page.goto('/');
  const drop = async (name: string, body: string) => {
    const dataTransfer = await page.evaluateHandle(
      ({ name, body }) => {
        const dt = new DataTransfer();
        dt.items.add(new File([body], name, { type: 'text/plain' }));
        return dt;
      },
      { name, body },
    );
    const zone = page.getByTestId('upload-zone');
    await zone.dispatchEvent('dragenter', { dataTransfer });
    await zone.dispatchEvent('dragover', { dataTransfer });
    await zone.dispatchEvent('drop', { dataTransfer });
  };
  const cut = text.slice(0, text.indexOf('.r: ') + 6);
  await drop('cut.dump', cut);
  const line = cut.split('\n').length;
  await expect(page.getByText(`heapy dump, line ${line}:`)).toBeVisible();
  await drop('types.dump', text + text);
  await expect(page).toHaveURL(/\/timeline\?v=1&series=types/);
  await expect(page.getByTestId('timeline-chart')).toHaveAttribute('data-samples', '2');
});
