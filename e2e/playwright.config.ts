// Playwright runs the heaplens browser tests against a running `heaplens serve`.
// See README.md: HEAPLENS_URL (required) and HEAPLENS_SERVER_CMD (optional).
import { defineConfig } from '@playwright/test';

const baseURL = process.env.HEAPLENS_URL;
if (!baseURL) {
  throw new Error(
    'Set HEAPLENS_URL to the heaplens server to test, e.g. HEAPLENS_URL=http://127.0.0.1:7878 ' +
      '(and optionally HEAPLENS_SERVER_CMD to let Playwright start it); see e2e/README.md',
  );
}
const serverCmd = process.env.HEAPLENS_SERVER_CMD;

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: './playwright-report' }]],
  use: {
    baseURL,
    testIdAttribute: 'data-test',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      // Debian's chromium; never `playwright install`.
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  // Only when asked to: start the server with the given command and stop it afterwards.
  webServer: serverCmd
    ? {
        command: serverCmd,
        url: new URL('/api/snapshots', baseURL).toString(),
        reuseExistingServer: false,
        timeout: 60_000,
        stdout: 'pipe',
        stderr: 'pipe',
      }
    : undefined,
});
