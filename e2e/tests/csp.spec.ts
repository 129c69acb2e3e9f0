// The page under the server's web security: it runs with its Content-Security-Policy (no
// violation: the `cspGuard` of ./fixtures fails any test that has one), the guard itself
// catches a violation, and a page of another site cannot upload (403, nothing stored).
import { test, expect } from './fixtures';
import { demoSnapshot } from './helpers';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

test('the app runs under its Content-Security-Policy', async ({ page, request }) => {
  const { demo } = await demoSnapshot(request);
  const res = await page.goto(`/s/${demo.id}?v=1&view=treemap`);
  const headers = res!.headers();
  expect(headers['content-security-policy']).toMatch(/script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/]+=*'/);
  expect(headers['content-security-policy']).toContain("object-src 'none'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('same-origin');
  await expect(page.getByTestId('partition-title')).toBeVisible();
  await page.waitForTimeout(500);
  await page.screenshot({ path: 'test-results/csp-treemap.png' });
  await page.goto(`/s/${demo.id}?v=1&view=graph`);
  await expect(page.getByTestId('graph-canvas')).toBeVisible();
  await page.waitForTimeout(500);
  await page.screenshot({ path: 'test-results/csp-graph.png' });
});

test.fail('the guard fails a test whose page breaks the policy', async ({ page, request }) => {
  const { demo } = await demoSnapshot(request);
  await page.goto(`/s/${demo.id}?v=1`);
  await expect(page.getByTestId('partition-title')).toBeVisible();
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.injected = 1;';
    document.head.append(s);
  });
  expect(await page.evaluate(() => (window as unknown as { injected?: number }).injected)).toBeUndefined();
  await page.waitForTimeout(200);
});

test('a page of another site cannot upload', async ({ page, request, baseURL }) => {
  // a page of another origin on this machine (a real one: loopback to loopback, so no
  // Private Network Access block in the browser; the server's refusal is what is tested)
  const attackerSite = createServer((_, res) => res.end('<p>another site</p>'));
  await new Promise<void>((ok) => attackerSite.listen(0, '127.0.0.1', ok));
  const port = (attackerSite.address() as AddressInfo).port;
  await page.goto(`http://localhost:${port}/`);
  const answer = page.waitForResponse((r) => r.url().includes('cross-site-upload'));
  const status = await page.evaluate(async (base) => {
    // what any web page can send without asking: a `no-cors` POST of text/plain
    await fetch(`${base}/api/snapshots?name=cross-site-upload`, {
      method: 'POST',
      mode: 'no-cors',
      headers: { 'content-type': 'text/plain' },
      body: 'HLSNAP',
    });
    return 'sent';
  }, baseURL);
  expect(status).toBe('sent');
  expect((await answer).status(), 'the server refused the request (the page could not see it anyway)').toBe(403);
  const direct = await request.post('/api/snapshots?name=cross-site-upload', {
    headers: { origin: 'http://attacker.example', 'content-type': 'text/plain' },
    data: 'HLSNAP',
  });
  expect(direct.status()).toBe(403);
  expect((await direct.json()).error.code).toBe('cross_site');
  attackerSite.close();
  const { snapshots } = await demoSnapshot(request);
  expect(snapshots.map((s) => s.name)).not.toContain('cross-site-upload');
});
