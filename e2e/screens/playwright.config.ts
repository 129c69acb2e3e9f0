// The screenshot check's own Playwright config (scripts/screens.sh runs it; the browser tests'
// config, ../playwright.config.ts, only looks in ../tests, so CI never runs this). The
// browser, its flags and the viewport are the browser tests'.
import { defineConfig } from '@playwright/test';
import tests from '../playwright.config';

export default defineConfig({
  testDir: '.',
  testMatch: 'screens.spec.ts',
  outputDir: '../test-results/screens',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 120_000,
  reporter: [['list']],
  use: { ...tests.use, trace: 'off', screenshot: 'off', deviceScaleFactor: 1 },
  projects: tests.projects,
});
