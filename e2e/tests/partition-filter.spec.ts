// A filter on a long table (the demo's byid has ~92k rows, over the page's 50k limit for
// filtering in the browser): the server labels and matches the rows, the page lists the
// matches with their own indices, and Enter on a match drills into that row's set.
import { test, expect } from './fixtures';
import { apiJson, demoSnapshot, renderedRows, urlState, viewPath, watchForScript, type PartitionView } from './helpers';

test('filtering a long byid table asks the server and lists exactly its matches', async ({ page, request }) => {
  const noScriptRan = watchForScript(page);
  const { demo } = await demoSnapshot(request);
  const head = await apiJson<PartitionView>(request, `/api/snapshots/${demo.id}/partition?q=heap&by=id&limit=1`);
  expect(head.total_rows, 'the table must be longer than the in-page filter limit').toBeGreaterThan(50_000);
  const needle = 'onerror';
  const server = await apiJson<PartitionView & { matched_rows: number }>(
    request,
    `/api/snapshots/${demo.id}/partition?q=heap&by=id&filter=${needle.toUpperCase()}&limit=20000`,
  );
  expect(server.matched_rows).toBeGreaterThan(0);
  expect(server.rows.every((r) => r.label.toLowerCase().includes(needle))).toBeTruthy();

  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(viewPath(demo.id, 'heap', 'id'));
  await page.getByTestId('filter').fill(needle);
  await expect.poll(() => urlState(page).filter).toBe(needle);
  await expect(page.getByTestId('filter-status')).toHaveText(new RegExp(`${server.matched_rows} of [\\d,]+ rows? match`));
  const shown = await renderedRows(page);
  expect(shown.map((r) => [r.index, r.label])).toEqual(server.rows.slice(0, shown.length).map((r) => [r.index, r.label]));
  // the page asked the server to filter, and did not page through the whole table
  expect(requests.some((u) => u.includes('filter=onerror'))).toBeTruthy();
  expect(requests.filter((u) => u.includes('/partition?')).length).toBeLessThan(10);

  // keyboard: down to the first match, Enter drills into its set (one object)
  await page.getByTestId('filter').press('Escape');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect.poll(() => urlState(page).q).toBe(server.rows[0].query);
  await expect(page.getByTestId('breadcrumb').last()).toContainText(server.rows[0].label);
  noScriptRan();
});
