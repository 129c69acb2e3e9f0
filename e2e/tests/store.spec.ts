// Adding a snapshot from the start page: drag and drop with a progress bar, ending in the new
// snapshot's view; a file the server refuses shows the server's own message.
import { test, expect, type Page } from './fixtures';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { apiJson, dropFile, partition, urlState, watchForScript, type SnapshotInfo } from './helpers';

const SMALL = path.join(__dirname, '..', '..', 'testdata', 'small.hls');

/** Records every value the progress bar shows (it lives until the page changes). */
async function recordProgress(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { progressSeen: number[] };
    w.progressSeen = [];
    const bar = document.querySelector('[data-test="upload-progress"]')!;
    new MutationObserver(() => w.progressSeen.push(Number(bar.getAttribute('aria-valuenow')))).observe(bar, {
      attributes: true,
      attributeFilter: ['aria-valuenow'],
    });
  });
  return () => page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
}

test('drag and drop a snapshot: progress bar, then its view', async ({ page, request }) => {
  const noScriptRan = watchForScript(page);
  const bytes = await readFile(SMALL);
  const before = await apiJson<{ snapshots: SnapshotInfo[] }>(request, '/api/snapshots');

  await page.goto('/');
  await expect(page.getByTestId('snapshot-row').first()).toBeVisible();
  // Slow the upload down (1 MB/s) so the progress can be seen on a local server.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: 1_000_000,
  });
  const progressSeen = await recordProgress(page);
  await dropFile(page, 'small.hls', bytes);

  await expect(page.getByTestId('upload-message')).toContainText('small.hls');
  await expect(page.getByTestId('upload-progress')).toBeVisible();
  // ... and it ends in the new snapshot's view
  // its id names its bytes: the first 16 hex digits of their SHA-256 (an earlier test may
  // have stored the same file: then it is that snapshot, not a second one)
  const contentId = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  const existed = before.snapshots.some((s) => s.id === contentId);
  await expect.poll(() => urlState(page).path, { timeout: 30_000 }).toBe(`/s/${contentId}`);
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
  const id = decodeURIComponent(urlState(page).path.slice(3));
  const after = await apiJson<{ snapshots: SnapshotInfo[] }>(request, '/api/snapshots');
  expect(after.snapshots.length).toBe(before.snapshots.length + (existed ? 0 : 1));
  const info = after.snapshots.find((s) => s.id === id)!;
  expect(info, `the server lists ${id}`).toBeTruthy();
  const view = await partition(request, id, 'heap', 'clodo');
  await expect(page.getByTestId('partition-title')).toHaveText(view.title);
  await expect(page.getByTestId('snapshot-name')).toHaveText(info.name);

  const seen = await progressSeen();
  expect(seen.some((v) => v > 0 && v < 100), `progress went through intermediate values: ${seen}`).toBeTruthy();
  expect(seen[seen.length - 1]).toBe(100);
  await noScriptRan();
});

test('a corrupt file shows the server\'s message and changes nothing', async ({ page, request }) => {
  const bytes = Buffer.from('HLS? no: this is not a heaplens snapshot <img src=x onerror=alert(1)>\n');
  const r = await request.post('/api/snapshots?name=corrupt.hls', { data: bytes });
  expect(r.status()).toBe(400);
  const envelope = (await r.json()) as { error: { code: string; message: string } };
  expect(envelope.error.code).toBe('bad_snapshot');
  const before = await apiJson<{ snapshots: SnapshotInfo[] }>(request, '/api/snapshots');

  const noScriptRan = watchForScript(page);
  await page.goto('/');
  await expect(page.getByTestId('snapshot-row').first()).toBeVisible();
  await dropFile(page, 'corrupt.hls', bytes);
  const error = page.getByTestId('upload-error');
  await expect(error).toBeVisible();
  await expect(error).toContainText('corrupt.hls');
  await expect(error.getByTestId('error-message')).toHaveText(envelope.error.message);
  await expect(error.getByTestId('error')).toContainText('Unreadable snapshot');
  await expect(error.getByTestId('error')).toContainText('HTTP 400');
  expect(urlState(page).path).toBe('/');
  const after = await apiJson<{ snapshots: SnapshotInfo[] }>(request, '/api/snapshots');
  expect(after.snapshots.length).toBe(before.snapshots.length);
  await noScriptRan();
});

test('too large a file shows the server\'s 413 message (answer stubbed: the test server accepts 4 GiB)', async ({
  page,
}) => {
  const message = "snapshot upload is larger than this server's limit of 1024 bytes";
  await page.route('**/api/snapshots?name=*', (route) =>
    route.request().method() === 'POST'
      ? route.fulfill({
          status: 413,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'too_large', message } }),
        })
      : route.continue(),
  );
  await page.goto('/');
  await expect(page.getByTestId('snapshot-row').first()).toBeVisible();
  // through the file picker this time
  await page.getByTestId('upload-input').setInputFiles({
    name: 'huge.hls',
    mimeType: 'application/octet-stream',
    buffer: Buffer.alloc(4096, 7),
  });
  const error = page.getByTestId('upload-error');
  await expect(error.getByTestId('error-message')).toHaveText(message);
  await expect(error.getByTestId('error')).toContainText('Snapshot too large');
  await expect(error.getByTestId('error')).toContainText('HTTP 413');
});
