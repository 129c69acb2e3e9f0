// heapy's reference pattern in the inspector: the tree shows what the API answers for the
// object (`/api/snapshots/{id}/rp?q=@ADDR`), line by line; `[^ N]` jumps to line N, a
// triangle folds a line's referrers, and a kind makes that line's set the current query.
// In the referrer graph (`graph=rp`): a node per new set, an edge per line, toggled by a button.
import { expect, test, type APIRequestContext } from './fixtures';
import { apiJson, demoSnapshot, partition, urlState, viewPath } from './helpers';

interface RpLine {
  name: string;
  depth: number;
  parent: number | null;
  marker: string;
  seen: number | null;
  count: number;
  size: number;
  kind: string;
  set_query: string | null;
  members: string;
  text: string;
}
interface RpView {
  query: string;
  depth: number;
  lines: RpLine[];
  complete: boolean;
  text: string;
}

function rp(request: APIRequestContext, id: string, q: string) {
  return apiJson<RpView>(request, `/api/snapshots/${encodeURIComponent(id)}/rp?${new URLSearchParams({ q, depth: '7' })}`);
}

/** An object of the demo heap whose pattern has a `[^ N]` line and a line with referrers below line 0. */
async function interestingObject(request: APIRequestContext, id: string) {
  const kinds = await partition(request, id, 'heap', 'clodo', 0, 8);
  for (const k of kinds.rows) {
    const objs = await partition(request, id, k.query, 'id', 0, 5);
    for (const o of objs.rows) {
      const p = await rp(request, id, o.query);
      const seen = p.lines.some((l) => l.seen !== null);
      const nested = p.lines.some((l) => l.depth >= 2);
      if (seen && nested && p.complete && p.lines.length <= 300) return o.query;
    }
  }
  throw new Error('no object of the demo heap has a reference pattern with [^ N] and depth 2');
}

test('the inspector shows the reference pattern the API answers, and it can be walked', async ({ page, request }) => {
  test.setTimeout(120_000);
  const { demo } = await demoSnapshot(request);
  const query = await interestingObject(request, demo.id);
  await page.goto(viewPath(demo.id, query, 'clodo', { view: 'inspector' }));
  await expect(page.getByTestId('inspector-addr')).toHaveText(/^0x/, { timeout: 20_000 });
  const addr = (await page.getByTestId('inspector-addr').textContent())!;
  const api = await rp(request, demo.id, `@${addr}`);
  const rows = page.getByTestId('rp-row');

  await test.step('one row per line, as the API says', async () => {
    await expect(rows).toHaveCount(api.lines.length, { timeout: 20_000 });
    const shown = await rows.evaluateAll((els) =>
      els.map((e) => ({
        name: e.querySelector('[data-test="rp-name"]')!.textContent,
        marker: e.querySelector('[data-test="rp-marker"], [data-test="rp-seen"]')!.textContent,
        count: e.querySelector('[data-test="rp-count"]')!.textContent!.replace(/\D/g, ''),
        kind: e.querySelector('[data-test="rp-kind"]')!.textContent,
        query: e.querySelector('[data-test="rp-kind"]')!.getAttribute('data-query'),
      })),
    );
    expect(shown).toEqual(
      api.lines.map((l) => ({ name: l.name, marker: l.marker, count: String(l.count), kind: l.kind, query: l.set_query })),
    );
    const text = await page.getByTestId('rp-text').evaluate((e) => e.textContent);
    expect(text).toBe(api.text);
    expect(api.text.split('\n')[0]).toBe('Reference Pattern by <[dict of] class>.');
  });

  await test.step('[^ N] jumps to line N', async () => {
    const i = api.lines.findIndex((l) => l.seen !== null);
    const target = api.lines[i].seen!;
    await rows.nth(i).getByTestId('rp-seen').click();
    await expect(rows.nth(target)).toHaveClass(/rp-focus/);
    await expect(rows.nth(target)).toBeFocused();
  });

  await test.step('folding a line hides its referrers, unfolding shows them again', async () => {
    const below = api.lines.filter((l) => l.parent === 0).length;
    expect(below).toBeGreaterThan(0);
    const toggle = rows.nth(0).getByTestId('rp-toggle');
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await expect(rows.locator('visible=true')).toHaveCount(1);
    await toggle.click();
    await expect(rows.locator('visible=true')).toHaveCount(api.lines.length);
  });

  await test.step("a line's kind makes its set the current query", async () => {
    const i = api.lines.findIndex((l) => l.depth >= 1 && l.set_query !== null);
    const line = api.lines[i];
    await rows.nth(i).getByTestId('rp-kind').click();
    await expect.poll(() => urlState(page)).toMatchObject({ q: line.set_query, view: 'table' });
    const set = await partition(request, demo.id, line.set_query!, 'clodo', 0, 1);
    expect(set.count).toBe(line.count);
    await expect(page.getByTestId('partition-title')).toHaveText(set.title, { timeout: 20_000 });
  });
});

test('the referrer graph draws the reference pattern with graph=rp, and the button toggles it', async ({ page, request }) => {
  test.setTimeout(120_000);
  const { demo } = await demoSnapshot(request);
  const query = await interestingObject(request, demo.id);
  const api = await rp(request, demo.id, query);
  await page.goto(viewPath(demo.id, query, 'clodo', { view: 'graph', graph: 'rp' }));
  const g = page.getByTestId('graph');
  await expect(g).toHaveAttribute('data-state', 'ready', { timeout: 20_000 });
  await expect(page.getByTestId('graph-pattern')).toHaveAttribute('aria-pressed', 'true');
  // a node per line that is not [^ N]; an edge per line below line 0
  const fresh = api.lines.filter((l) => l.seen === null);
  const nodes = page.getByTestId('graph-node');
  await expect(nodes).toHaveCount(fresh.length);
  const shown = await nodes.evaluateAll((els) =>
    els.map((e) => ({ label: e.getAttribute('data-label'), query: e.getAttribute('data-query'), current: e.getAttribute('data-current') })),
  );
  expect(shown).toEqual(
    fresh.map((l, i) => ({ label: `${l.name} ${l.kind}`, query: l.set_query, current: String(i === 0) })),
  );
  await expect(page.getByTestId('graph-edge')).toHaveCount(api.lines.length - 1);
  expect(await page.getByTestId('graph-rp-text').locator('pre').evaluate((e) => e.textContent)).toBe(api.text);
  // no unfolding in a pattern: it is drawn whole
  await expect(page.getByTestId('graph-expand')).toHaveCount(0);
  await page.getByTestId('graph-pattern').click();
  await expect.poll(() => new URL(page.url()).searchParams.get('graph')).toBeNull();
  await expect(page.getByTestId('graph-pattern')).toHaveAttribute('aria-pressed', 'false');
});
