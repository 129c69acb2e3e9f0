// Strings from the heap are data: the demo heap holds HTML and script payloads as dict keys
// and string values; the table, the filter, the breadcrumbs and the title show them as text.
import { test, expect } from './fixtures';
import {
  apiJson,
  demoSnapshot,
  type PartitionView,
  partition,
  renderedRows,
  rowAt,
  urlState,
  viewPath,
  watchForScript,
  wholePartition,
} from './helpers';

const PAYLOADS = ['<img src=x onerror=alert(1)>', '</text><script>alert(1)</script>', '"><svg onload=alert(1)>'];

test('hostile labels render as text in the table, the filter and the breadcrumbs', async ({ page, request }) => {
  test.setTimeout(90_000);
  const noScriptRan = watchForScript(page);
  const { demo } = await demoSnapshot(request);
  const via = await wholePartition(request, demo.id, 'heap', 'via');
  for (const payload of PAYLOADS) {
    const hit = via.rows.find((r) => r.label.includes(payload));
    expect(hit, `the demo heap has an edge named by ${payload}`).toBeTruthy();
    // the filter (from the URL) brings the row up; its label is the exact text
    await page.goto(viewPath(demo.id, 'heap', 'via', { filter: payload }));
    await expect(page.getByTestId('filter')).toHaveValue(payload);
    await expect(rowAt(page, hit!.index).getByTestId('row-label')).toHaveText(hit!.label);
    const shown = await renderedRows(page);
    expect(shown.every((r) => r.label.includes(payload))).toBeTruthy();
    await noScriptRan();
  }

  await test.step('drilling into a hostile row: breadcrumb and title stay text', async () => {
    const hit = via.rows.find((r) => r.label.includes(PAYLOADS[0]))!;
    await page.goto(viewPath(demo.id, 'heap', 'via', { filter: PAYLOADS[0] }));
    await rowAt(page, hit.index).locator('[role="cell"]').first().click();
    await expect.poll(() => urlState(page).q).toBe(hit.query);
    const drilled = await partition(request, demo.id, hit.query, 'via');
    await expect(page.getByTestId('partition-title')).toHaveText(drilled.title);
    await expect(page.getByTestId('breadcrumb').last()).toContainText(hit.label);
    await noScriptRan();
  });

  await test.step('byid briefs of hostile strings', async () => {
    await page.goto(viewPath(demo.id, 'heap', 'id', { filter: 'onerror=alert' }));
    await expect
      .poll(async () => (await renderedRows(page)).map((r) => r.label).join('\n'), { timeout: 30_000 })
      .toContain("str: '<img src=x onerror=alert(1)>'");
    await noScriptRan();
  });

  await test.step('the dominator tree shows a hostile string as text', async () => {
    const p = new URLSearchParams({ q: 'heap', by: 'id', filter: 'onerror=alert', limit: '20' });
    const found = await apiJson<PartitionView>(request, `/api/snapshots/${demo.id}/partition?${p}`);
    const str = found.rows.find((r) => r.label.startsWith("str: '<img"))!;
    expect(str, 'a hostile str in the demo heap').toBeTruthy();
    await page.goto(viewPath(demo.id, str.query, 'clodo', { view: 'domtree' }));
    const node = page.getByTestId('domtree-node').first();
    await expect(node).toContainText("'<img src=x onerror=alert(1)>'");
    await expect(page.locator('[data-test="domtree"] img, [data-test="domtree"] svg, [data-test="domtree"] script')).toHaveCount(0);
    await noScriptRan();
  });
});
