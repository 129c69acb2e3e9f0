// The page's frame: "copy link" gives a URL that opens the same view elsewhere (filter
// included), old links keep working, only existing views have tabs, help is one click away.
import { test, expect } from './fixtures';
import {
  demoSnapshot,
  expectView,
  partition,
  relations,
  renderedRows,
  urlState,
  viewPath,
  watchForScript,
  wholePartition,
} from './helpers';

test('copy link, then open it in a fresh browser: the same view, filter included', async ({
  page,
  browser,
  request,
  baseURL,
}) => {
  const noScriptRan = watchForScript(page);
  const { demo } = await demoSnapshot(request);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  const byType = await wholePartition(request, demo.id, 'heap', 'type');
  const needle = 'dict';
  const matching = byType.rows.filter((r) => r.label.toLowerCase().includes(needle));

  await page.goto(viewPath(demo.id, 'heap', 'clodo'));
  await page.getByTestId('relation-picker').selectOption('type');
  await expectView(page, await partition(request, demo.id, 'heap', 'type'));
  await page.getByTestId('filter').fill(needle);
  await expect.poll(() => urlState(page).filter).toBe(needle);
  await expect.poll(async () => (await renderedRows(page)).length).toBe(matching.length);

  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('copy-link')).toHaveText(/copied/i);
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(page.url());
  const u = new URL(copied);
  expect(u.origin).toBe(new URL(baseURL!).origin);
  expect(Object.fromEntries(u.searchParams)).toEqual({
    v: '1',
    q: 'heap',
    by: 'type',
    view: 'table',
    filter: needle,
  });
  // the confirmation goes away by itself
  await expect(page.getByTestId('copy-link')).toHaveText('Copy link', { timeout: 5000 });

  const context = await browser.newContext();
  const other = await context.newPage();
  const otherNoScript = watchForScript(other);
  await other.goto(copied);
  await expect(other.getByTestId('partition-title')).toHaveText(byType.title);
  await expect(other.getByTestId('relation-picker')).toHaveValue('type');
  await expect(other.getByTestId('filter')).toHaveValue(needle);
  await expect(other.getByTestId('view-tab-table')).toHaveAttribute('aria-selected', 'true');
  await expect
    .poll(async () => (await renderedRows(other)).map((r) => r.label))
    .toEqual(matching.map((r) => r.label));
  await otherNoScript();
  await context.close();
  await noScriptRan();
});

test('without a clipboard, "copy link" shows the link selected in a field', async ({ page, request }) => {
  const { demo } = await demoSnapshot(request);
  await page.addInitScript(() => Object.defineProperty(navigator, 'clipboard', { value: undefined }));
  await page.goto(viewPath(demo.id, 'heap', 'size'));
  await expect(page.getByTestId('partition-title')).toBeVisible();
  await page.getByTestId('copy-link').click();
  const field = page.getByTestId('copy-link-field');
  await expect(field).toBeVisible();
  await expect(field).toHaveValue(page.url());
  await expect(field).toBeFocused();
  const selected = await field.evaluate((e: HTMLInputElement) => [e.selectionStart, e.selectionEnd, e.value.length]);
  expect(selected).toEqual([0, selected[2], selected[2]]);
});

test('old links (before v=) keep working and are shown in the current form', async ({ page, request }) => {
  const { demo } = await demoSnapshot(request);
  const view = await partition(request, demo.id, 'heap', 'module');
  await page.goto(`/s/${encodeURIComponent(demo.id)}?q=heap&by=module`);
  await expectView(page, view);
  await expect.poll(() => urlState(page)).toMatchObject({ v: '1', q: 'heap', by: 'module', view: 'table' });
  // a view name no heaplens knows falls back to the table
  await page.goto(viewPath(demo.id, 'heap', 'module', { view: '<script>alert(1)</script>' }));
  await expectView(page, view);
  await expect(page.getByTestId('view-tab-table')).toHaveAttribute('aria-selected', 'true');
});

test('one tab per view: each links to the same set in that view', async ({ page, request }) => {
  const { demo } = await demoSnapshot(request);
  await page.goto(viewPath(demo.id, 'heap', 'size', { filter: '56' }));
  await expect(page.getByTestId('partition-title')).toBeVisible();
  const tabs = page.locator('[role="tab"]');
  const kinds = await tabs.evaluateAll((els) => els.map((e) => e.getAttribute('data-test')!.replace('view-tab-', '')));
  expect(kinds[0]).toBe('table');
  expect([...kinds].sort()).toEqual(['domtree', 'graph', 'inspector', 'table', 'treemap']);
  await expect(page.getByTestId('view-tab-table')).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('[role="tab"][aria-selected="true"]')).toHaveCount(1);
  for (const kind of kinds) {
    const href = await page.getByTestId(`view-tab-${kind}`).getAttribute('href');
    const u = new URL(href!, page.url());
    expect(Object.fromEntries(u.searchParams)).toEqual({ v: '1', q: 'heap', by: 'size', view: kind, filter: '56' });
  }
});

test('help explains the current relation and view, one click away', async ({ page, request }) => {
  const { demo } = await demoSnapshot(request);
  const docs = Object.fromEntries((await relations(request)).map((r) => [r.name, r]));
  await page.goto(viewPath(demo.id, 'heap', 'rcs'));
  await expect(page.getByTestId('partition-title')).toBeVisible();
  await expect(page.getByTestId('help')).toHaveCount(0);
  await page.getByTestId('help-toggle').click();
  const help = page.getByTestId('help');
  await expect(help).toBeVisible();
  await expect(help.getByTestId('help-relation')).toHaveText(docs.rcs.doc);
  await expect(help).toContainText(docs.rcs.header);
  await expect(help.getByTestId('help-view')).toContainText('partition table');
  // it follows the relation
  await page.getByTestId('relation-picker').selectOption('via');
  await expect(help.getByTestId('help-relation')).toHaveText(docs.via.doc);
  // every relation is explained in it
  await help.locator('summary').click();
  for (const r of Object.values(docs)) await expect(help).toContainText(r.doc);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('help')).toHaveCount(0);
});
