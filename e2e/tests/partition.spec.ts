// The partition table, told as a user's story: open the list, open the demo snapshot, read
// heapy's title line, drill into a row, change the relation, reload, share the URL, go back.
// Every number on screen is checked against the server's JSON for the same query.
import { test, expect, type Page } from './fixtures';
import {
  TITLE_RE,
  demoSnapshot,
  expectView,
  grouped,
  partition,
  relations as relationList,
  rowAt,
  urlState,
  watchForScript,
  type PartitionView,
  type SnapshotInfo,
} from './helpers';

function demoLink(page: Page, demo: SnapshotInfo) {
  return page.locator(`[data-test="snapshot-row"][data-id="${demo.id}"]`).getByTestId('snapshot-link');
}

test('browse the demo heap: list, table, drill down, relation, reload, share, back', async ({
  page,
  browser,
  request,
}) => {
  const noScriptRan = watchForScript(page);
  const { snapshots, demo } = await demoSnapshot(request);
  const names = (await relationList(request)).map((r) => r.name);
  for (const needed of ['clodo', 'type', 'size', 'module']) expect(names).toContain(needed);

  await test.step('the start page lists the snapshots', async () => {
    await page.goto('/');
    await expect(page.getByTestId('snapshot-link')).toHaveCount(snapshots.length);
    await expect(demoLink(page, demo)).toHaveText(demo.name);
  });

  const root = await partition(request, demo.id, 'heap', 'clodo');
  await test.step('opening the demo shows heapy\'s partition of the whole heap', async () => {
    await demoLink(page, demo).click();
    await expect.poll(() => urlState(page).path).toBe(`/s/${demo.id}`);
    // the link is in the current URL scheme: version, set, relation and view
    await expect.poll(() => urlState(page)).toMatchObject({ v: '1', q: 'heap', by: 'clodo', view: 'table' });
    await expectView(page, root);
    // heapy's title line for the heap names the snapshot's object count and size.
    expect(root.title).toBe(
      `Partition of a set of ${demo.objects} objects. Total size = ${demo.total_size} bytes.`,
    );
    expect(root.header).toBe('Kind (class / dict of class)');
    // sizes: exact bytes in the cell, KiB/MiB (and the exact count again) on hover
    const size = rowAt(page, 0).getByTestId('size');
    await expect(size).toHaveText(grouped(root.rows[0].size));
    await expect(size).toHaveAttribute('title', new RegExp(`^[0-9.]+ (B|KiB|MiB|GiB) \\(${grouped(root.rows[0].size)} bytes\\)$`));
    await expect(page.getByTestId('breadcrumb')).toHaveText(['heap']);
    // the picker offers every relation the server has
    const offered = await page
      .getByTestId('relation-picker')
      .locator('option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(offered).toEqual(names);
  });

  // Drill into the biggest row that has more than one object (row 0 otherwise).
  const target = root.rows.find((r) => r.count > 1) ?? root.rows[0];
  const drilled = await partition(request, demo.id, target.query, 'clodo');
  await test.step('clicking a row drills into that row\'s set', async () => {
    const row = rowAt(page, target.index);
    await expect(row.getByTestId('row-label')).toHaveText(target.label);
    await row.locator('[role="cell"]').nth(1).click(); // the Count cell: the whole row is the target
    await expect.poll(() => urlState(page)).toMatchObject({
      path: `/s/${demo.id}`,
      q: target.query,
      by: 'clodo',
    });
    await expectView(page, drilled);
    const [, count, size] = drilled.title.match(TITLE_RE)!;
    expect(Number(count)).toBe(target.count);
    expect(Number(size)).toBe(target.size);
    await expect(page.getByTestId('breadcrumb')).toHaveCount(2);
    expect(drilled.breadcrumbs.map((b) => b.query)).toEqual(['heap', target.query]);
  });

  let byModule: PartitionView | undefined;
  await test.step('changing the relation re-partitions the same set', async () => {
    for (const by of ['type', 'module']) {
      const view = await partition(request, demo.id, target.query, by);
      await page.getByTestId('relation-picker').selectOption(by);
      await expect.poll(() => urlState(page)).toMatchObject({
        path: `/s/${demo.id}`,
        q: target.query,
        by,
      });
      await expectView(page, view);
      expect(view.title).toBe(drilled.title); // same set, another partition
      byModule = view;
    }
  });

  const sharedUrl = page.url();
  await test.step('reloading shows the same view', async () => {
    await page.reload();
    await expectView(page, byModule!);
  });

  await test.step('the URL opened in a new browser shows the same view', async () => {
    const context = await browser.newContext();
    const other = await context.newPage();
    const otherNoScript = watchForScript(other);
    await other.goto(sharedUrl);
    await expectView(other, byModule!);
    await otherNoScript();
    await context.close();
  });

  const rootByModule = await partition(request, demo.id, 'heap', 'module');
  await test.step('the first breadcrumb leads back to the whole heap', async () => {
    await page.getByTestId('breadcrumb').first().click();
    await expect.poll(() => urlState(page)).toMatchObject({ path: `/s/${demo.id}`, q: 'heap', by: 'module' });
    await expectView(page, rootByModule);
    expect(rootByModule.title).toBe(root.title);
  });

  await test.step('browser back and forward walk the history', async () => {
    await page.goBack();
    await expectView(page, byModule!);
    await page.goBack(); // before the switch to module: by type
    await expect.poll(() => urlState(page).by).toBe('type');
    await page.goForward();
    await page.goForward();
    await expectView(page, rootByModule);
  });

  await noScriptRan();
});

test('an unknown snapshot id shows the server\'s error message', async ({ page, request }) => {
  const noScriptRan = watchForScript(page);
  const r = await request.get('/api/snapshots/no-such-snapshot/partition?q=heap&by=clodo');
  expect(r.status()).toBe(404);
  const envelope = (await r.json()) as { error: { code: string; message: string } };
  expect(envelope.error.message.length).toBeGreaterThan(0);

  await page.goto('/s/no-such-snapshot?q=heap&by=clodo');
  await expect(page.getByTestId('error')).toBeVisible();
  await expect(page.getByTestId('error-message')).toHaveText(envelope.error.message);
  await expect(page.getByTestId('row')).toHaveCount(0);
  await expect(page.getByTestId('partition-title')).toHaveCount(0);
  await noScriptRan();
});

test('a malformed query shows the server\'s error, not a table', async ({ page, request }) => {
  const { demo } = await demoSnapshot(request);
  const bad = 'heap.byclodo[';
  const p = new URLSearchParams({ q: bad, by: 'clodo' });
  const r = await request.get(`/api/snapshots/${encodeURIComponent(demo.id)}/partition?${p}`);
  expect(r.ok()).toBeFalsy();
  const envelope = (await r.json()) as { error: { message: string } };

  await page.goto(`/s/${encodeURIComponent(demo.id)}?${p}`);
  await expect(page.getByTestId('error-message')).toHaveText(envelope.error.message);
  await expect(page.getByTestId('row')).toHaveCount(0);
});
