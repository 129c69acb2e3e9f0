// The team server's access control, as users meet it (issue 6): a server started with an
// access token asks for it on the page; once logged in, a user uploads a snapshot and makes a
// read-only share link; a teammate opening that link in a fresh browser (no token, no cookies)
// sees that snapshot and nothing else.
import { test, expect } from './fixtures';
import { readFile } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dropFile, urlState, watchForScript } from './helpers';
import { ROOT, startServer, type OwnServer } from './own-server';

const TOKEN = 'e2e-token-7f3a91c2d4b5';
const DEMO = process.env.HEAPLENS_DEMO_FILE ?? path.join(ROOT, 'target', 'demo', 'demo.hls');
const SMALL = path.join(ROOT, 'testdata', 'small.hls');
let server: OwnServer;

test.beforeAll(async () => {
  const data = mkdtempSync(path.join(tmpdir(), 'heaplens-e2e-access-'));
  server = await startServer(['--data', data, DEMO], { HEAPLENS_TOKEN: TOKEN });
});
test.afterAll(() => server?.stop());

test('log in, upload, share read-only; the link opens that snapshot only', async ({ browser }) => {
  test.setTimeout(120_000);
  const owner = await browser.newContext({ baseURL: server.base });
  const page = await owner.newPage();
  const noScriptRan = watchForScript(page);

  // without the token: nothing of the heaps, a form asking for it
  await page.goto('/');
  await expect(page.getByTestId('error')).toHaveAttribute('data-code', 'unauthorized');
  await expect(page.locator('body')).not.toContainText('demo service');
  await page.getByTestId('login-token').fill('wrong-token-wrong-token');
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('login-error')).toContainText('wrong access token');
  await page.getByTestId('login-token').fill(TOKEN);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('snapshot-row')).toHaveCount(1);

  // upload a snapshot: it opens in its own view
  await dropFile(page, 'teammate.hls', await readFile(SMALL));
  await expect.poll(() => urlState(page).path, { timeout: 30_000 }).toMatch(/^\/s\//);
  const id = decodeURIComponent(urlState(page).path.slice(3));
  await expect(page.getByTestId('partition-title')).toBeVisible();
  const title = await page.getByTestId('partition-title').textContent();

  // rename, tag and annotate it on the start page; the list shows it (and keeps it: the store)
  await page.goto('/');
  const row = page.locator(`[data-test="snapshot-row"][data-id="${id}"]`);
  await row.getByTestId('snapshot-edit').click();
  await row.getByTestId('snapshot-name').fill('checkout service, before deploy');
  await row.getByTestId('snapshot-tags').fill('prod, leak');
  await row.getByTestId('snapshot-note-input').fill('grew 2x overnight');
  await row.getByTestId('snapshot-save').click();
  await expect(row.getByTestId('snapshot-link')).toHaveText('checkout service, before deploy');
  await expect(row.getByTestId('snapshot-tag')).toHaveText(['leak', 'prod']);
  await expect(row.getByTestId('snapshot-note')).toHaveText('grew 2x overnight');
  await page.reload();
  await expect(page.locator(`[data-test="snapshot-row"][data-id="${id}"] [data-test="snapshot-tag"]`)).toHaveCount(2);
  await page.goto(`/s/${id}`);
  await expect(page.getByTestId('partition-title')).toHaveText(title!);

  // a read-only link, valid for a day
  await page.getByTestId('share-open').click();
  await page.getByTestId('share-lifetime').selectOption('86400');
  await page.getByTestId('share-make').click();
  const link = await page.getByTestId('share-url').inputValue();
  expect(link).toMatch(new RegExp(`^${server.base}/share/`));
  // the dialog lists it, with when it expires
  await expect(page.getByTestId('share-link-row')).toHaveCount(1);
  noScriptRan();

  // a teammate: a fresh browser context, no token
  const mate = await browser.newContext({ baseURL: server.base });
  const p2 = await mate.newPage();
  await p2.goto(link);
  await expect.poll(() => new URL(p2.url()).pathname).toBe(`/s/${encodeURIComponent(id)}`);
  await expect(p2.getByTestId('partition-title')).toHaveText(title!);
  await expect(p2.getByTestId('share-open')).toHaveCount(0);
  // the start page lists that snapshot alone; the others answer 403
  await p2.goto('/');
  await expect(p2.getByTestId('snapshot-row')).toHaveCount(1);
  const others = await p2.evaluate(async () => {
    const list = await (await fetch('/api/snapshots')).json();
    const demo = await fetch('/api/snapshots/demo/partition');
    const upload = await fetch('/api/snapshots?name=x.hls', { method: 'POST', body: 'HLS' });
    return { ids: list.snapshots.map((s: { id: string }) => s.id), demo: demo.status, upload: upload.status };
  });
  expect(others).toEqual({ ids: [id], demo: 403, upload: 403 });
  // a second link, to a redacted copy: the teammate sees the tables, not the strings
  await page.getByTestId('share-values').selectOption('redact');
  await page.getByTestId('share-make').click();
  const redactedLink = await page.getByTestId('share-url').inputValue();
  expect(redactedLink).not.toBe(link);
  const mate2 = await browser.newContext({ baseURL: server.base });
  const p3 = await mate2.newPage();
  await p3.goto(redactedLink);
  await expect.poll(() => new URL(p3.url()).pathname).toMatch(/^\/s\//);
  const copyId = decodeURIComponent(new URL(p3.url()).pathname.slice(3));
  expect(copyId).not.toBe(id);
  await p3.goto(`/s/${copyId}?v=1&q=${encodeURIComponent('heap.bytype["str"]')}&by=id&view=table`);
  await expect(p3.getByTestId('row').first()).toBeVisible();
  const strLabels = await p3.getByTestId('row-label').allTextContents();
  expect(strLabels.length).toBeGreaterThan(5);
  expect(strLabels.every((l) => l.startsWith('<redacted len='))).toBeTruthy();
  const original = await p3.evaluate(async (orig) => (await fetch(`/api/snapshots/${orig}`)).status, id);
  expect(original).toBe(403);
  await mate2.close();

  // the first link is revoked in the dialog: the teammate's browser loses the snapshot, and
  // the link opens nothing any more
  await page.getByTestId('share-values').selectOption('all');
  await expect(page.getByTestId('share-link-row')).toHaveCount(1);
  await page.getByTestId('share-revoke').click();
  await expect(page.getByTestId('share-none')).toBeVisible();
  const revoked = await p2.evaluate(async (sid) => (await fetch(`/api/snapshots/${sid}`)).status, id);
  expect(revoked).toBe(401);
  const late = await (await browser.newContext({ baseURL: server.base })).request.get(link, { maxRedirects: 0 });
  expect(late.status()).toBe(403);

  // and a context with neither link nor token gets nothing
  const stranger = await (await browser.newContext({ baseURL: server.base })).request.get('/api/snapshots');
  expect(stranger.status()).toBe(401);
  await owner.close();
  await mate.close();
});
