// Keyboard only: "/" to filter, Escape to leave the field, arrows to select, Enter to drill
// in, Backspace to go back up (with the row we came from selected again).
import { test, expect } from './fixtures';
import {
  demoSnapshot,
  expectView,
  partition,
  renderedRows,
  selectedIndex,
  urlState,
  viewPath,
  watchForScript,
  wholePartition,
} from './helpers';

test('keyboard only: filter, select, drill in, go back up', async ({ page, request }) => {
  const noScriptRan = watchForScript(page);
  const { demo } = await demoSnapshot(request);
  const all = await wholePartition(request, demo.id, 'heap', 'clodo');
  const needle = 'Dict Of'; // any case
  const matching = all.rows.filter((r) => r.label.toLowerCase().includes(needle.toLowerCase()));
  expect(matching.length, 'the demo has "dict of" rows').toBeGreaterThan(2);

  await page.goto(viewPath(demo.id, 'heap', 'clodo'));
  await expectView(page, await partition(request, demo.id, 'heap', 'clodo'));
  const filter = page.getByTestId('filter');

  await test.step('"/" focuses the filter; typing narrows the rows and goes into the URL', async () => {
    await page.keyboard.press('/');
    await expect(filter).toBeFocused();
    await page.keyboard.type(needle);
    await expect(filter).toHaveValue(needle);
    await expect.poll(() => urlState(page).filter).toBe(needle);
    // the rows on screen are the first matching ones, in order
    await expect
      .poll(async () => {
        const shown = (await renderedRows(page)).map((r) => r.label);
        return shown.length >= Math.min(10, matching.length) &&
          JSON.stringify(shown) === JSON.stringify(matching.slice(0, shown.length).map((r) => r.label));
      })
      .toBe(true);
    await expect(page.getByTestId('filter-status')).toHaveText(
      `${matching.length} of ${all.total_rows} rows match`,
    );
  });

  await test.step('arrows while typing stay in the field; Escape leaves it, keeping the filter', async () => {
    await page.keyboard.press('ArrowDown');
    expect(await selectedIndex(page)).toBeNull();
    await page.keyboard.press('Escape');
    await expect(filter).not.toBeFocused();
    await expect(filter).toHaveValue(needle);
    await expect(page.getByTestId('partition-table')).toBeFocused();
  });

  await test.step('ArrowDown/ArrowUp move a visible selection', async () => {
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => selectedIndex(page)).toBe(matching[0].index);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => selectedIndex(page)).toBe(matching[2].index);
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => selectedIndex(page)).toBe(matching[1].index);
    const selected = page.locator('[data-test="row"][aria-selected="true"]');
    await expect(selected).toHaveClass(/selected/);
    await expect(selected).toBeInViewport();
    // the focus is visible: the selected row is drawn differently from its neighbours
    const bg = await selected.evaluate((e) => getComputedStyle(e).boxShadow);
    expect(bg).not.toBe('none');
  });

  const target = matching[1];
  const drilled = await partition(request, demo.id, target.query, 'clodo');
  await test.step('Enter drills into the selected row (the filter was about the old labels)', async () => {
    await page.keyboard.press('Enter');
    await expect.poll(() => urlState(page)).toMatchObject({ q: target.query, by: 'clodo', filter: null });
    await expectView(page, drilled);
    await expect(filter).toHaveValue('');
    expect(await selectedIndex(page)).toBeNull();
  });

  await test.step('Backspace goes up one breadcrumb and selects the row we came from', async () => {
    await page.keyboard.press('Backspace');
    await expect.poll(() => urlState(page)).toMatchObject({ q: 'heap', by: 'clodo' });
    await expect(page.getByTestId('partition-title')).toHaveText(all.title);
    await expect.poll(() => selectedIndex(page)).toBe(target.index);
    // and Enter goes straight back in
    await page.keyboard.press('Enter');
    await expect.poll(() => urlState(page).q).toBe(target.query);
    await page.keyboard.press('Backspace');
    await expect.poll(() => urlState(page).q).toBe('heap');
  });

  await test.step('Backspace in the filter field edits the text, it does not navigate', async () => {
    await page.keyboard.press('/');
    await page.keyboard.type('strx');
    await page.keyboard.press('Backspace');
    await expect(filter).toHaveValue('str');
    await expect.poll(() => urlState(page)).toMatchObject({ q: 'heap', filter: 'str' });
    await page.keyboard.press('Escape');
    await page.keyboard.press('End');
    const shown = all.rows.filter((r) => r.label.toLowerCase().includes('str'));
    await expect.poll(() => selectedIndex(page)).toBe(shown[shown.length - 1].index);
    await page.keyboard.press('Home');
    await expect.poll(() => selectedIndex(page)).toBe(shown[0].index);
  });
  await noScriptRan();
});
