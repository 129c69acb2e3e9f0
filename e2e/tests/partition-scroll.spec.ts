// The biggest table the demo heap has (heap by id: one row per object, ~92k rows; no relation
// of the demo reaches 100k) scrolls smoothly: few rows in the DOM, pages fetched as the user
// scrolls, placeholders that do not move when their rows arrive.
import { test, expect } from './fixtures';
import { demoSnapshot, partition, renderedRows, rowAt, table, viewPath, watchForScript } from './helpers';

const ROW_H = 22;
const HEAD_H = 24;

test('a ~100k-row table scrolls: virtual rows, pages on demand, nothing jumps', async ({ page, request }) => {
  test.setTimeout(120_000);
  const noScriptRan = watchForScript(page);
  const { demo } = await demoSnapshot(request);
  const first = await partition(request, demo.id, 'heap', 'id', 0, 30);
  const n = first.total_rows;
  expect(n, 'heap by id has a row per object').toBeGreaterThan(50_000);
  console.log(`heap by id: ${n} rows`);

  const pageRequests: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/partition?')) pageRequests.push(new URL(r.url()).searchParams.get('offset') ?? '');
  });
  await page.goto(viewPath(demo.id, 'heap', 'id'));
  await expect(page.getByTestId('partition-title')).toHaveText(first.title);
  await expect.poll(async () => (await renderedRows(page)).slice(0, 5).map((r) => r.label)).toEqual(
    first.rows.slice(0, 5).map((r) => r.label),
  );
  const box = table(page);
  // the body is as tall as every row; only a screenful is in the DOM
  expect(await box.evaluate((e) => e.scrollHeight)).toBe(n * ROW_H + HEAD_H);
  expect(await page.locator('[data-test="row"], [data-test="row-pending"]').count()).toBeLessThan(80);

  await test.step('a jump to the middle: placeholders, then rows in the same place', async () => {
    const target = Math.floor(n / 2);
    const expected = await partition(request, demo.id, 'heap', 'id', target, 5);
    // pages answer slowly now, so the placeholders can be seen
    const slow = '**/api/snapshots/*/partition?*';
    await page.route(slow, async (route) => {
      await new Promise((r) => setTimeout(r, 500));
      await route.continue().catch(() => {}); // handled already if the route was removed meanwhile
    });
    await box.evaluate((e, top) => (e.scrollTop = top), target * ROW_H);
    // where row `target` belongs: its index times the row height, under the header
    const slotY = await box.evaluate(
      (e, [i, rowH, headH]) => e.getBoundingClientRect().top + e.clientTop + headH + i * rowH - e.scrollTop,
      [target, ROW_H, HEAD_H],
    );
    const yOf = (testId: string) =>
      page.evaluate(
        ([i, id]) => document.querySelector(`[data-test="${id}"][data-index="${i}"]`)?.getBoundingClientRect().top ?? null,
        [String(target), testId],
      );
    // its placeholder (if we see it before the data comes) and the row sit in that slot
    let sawPlaceholder = false;
    await expect
      .poll(async () => {
        const pending = await yOf('row-pending');
        sawPlaceholder ||= pending !== null;
        return pending ?? (await yOf('row'));
      })
      .toBeCloseTo(slotY, 0);
    await expect(rowAt(page, target).getByTestId('row-label')).toHaveText(expected.rows[0].label);
    expect(await yOf('row')).toBeCloseTo(slotY, 0); // nothing jumped when the data came
    expect(sawPlaceholder, 'a placeholder held the row\'s place while it loaded').toBe(true);
    await page.unroute(slow, { behavior: 'ignoreErrors' });
    expect(await page.locator('[data-test="row"], [data-test="row-pending"]').count()).toBeLessThan(80);
  });

  await test.step('the end of the table', async () => {
    await box.evaluate((e) => (e.scrollTop = e.scrollHeight));
    const last = await partition(request, demo.id, 'heap', 'id', n - 1, 1);
    await expect(rowAt(page, n - 1).getByTestId('row-label')).toHaveText(last.rows[0].label);
    await expect(rowAt(page, n - 1)).toBeInViewport();
  });

  await test.step('wheel scrolling stays smooth', async () => {
    await box.evaluate((e) => (e.scrollTop = 0));
    await box.hover();
    await page.evaluate(() => {
      const w = window as unknown as { frames_: number[]; stop_: boolean };
      w.frames_ = [];
      w.stop_ = false;
      let last = performance.now();
      const tick = (t: number) => {
        w.frames_.push(t - last);
        last = t;
        if (!w.stop_) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const before = pageRequests.length;
    for (let i = 0; i < 60; i++) {
      await page.mouse.wheel(0, 400);
      await page.waitForTimeout(16);
    }
    const frames = await page.evaluate(() => {
      const w = window as unknown as { frames_: number[]; stop_: boolean };
      w.stop_ = true;
      return w.frames_.slice(1).sort((a, b) => a - b);
    });
    const p95 = frames[Math.floor(frames.length * 0.95)];
    const worst = frames[frames.length - 1];
    console.log(`wheel scroll: ${frames.length} frames, median ${frames[frames.length >> 1].toFixed(1)} ms, ` +
      `p95 ${p95.toFixed(1)} ms, worst ${worst.toFixed(1)} ms; ${pageRequests.length - before} page requests`);
    expect(p95, 'frames while scrolling (ms, p95)').toBeLessThan(100);
    const top = await box.evaluate((e) => e.scrollTop);
    expect(top).toBeGreaterThan(10_000);
    // the rows on screen get loaded, right where they are
    const pos = Math.ceil(top / ROW_H) + 2;
    const expected = await partition(request, demo.id, 'heap', 'id', pos, 1);
    await expect(rowAt(page, pos).getByTestId('row-label')).toHaveText(expected.rows[0].label);
    // pages were fetched for what was on screen, not for every row passed
    expect(pageRequests.length - before).toBeLessThan(30);
  });
  await noScriptRan();
});
