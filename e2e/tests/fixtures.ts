// `test` of every spec: Playwright's, with an automatic guard that fails a test on any
// Content-Security-Policy violation of the page (the server sends a strict CSP: a blocked
// script, style or request would break the app silently). Everything else is Playwright's.
import { test as base, expect } from '@playwright/test';

export * from '@playwright/test';

export const test = base.extend<{ cspGuard: void }>({
  cspGuard: [
    async ({ page }, use) => {
      const violations: string[] = [];
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) =>
          console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`),
        );
      });
      page.on('console', (msg) => {
        const text = msg.text();
        if (/CSP violation|Content Security Policy/.test(text)) violations.push(text);
      });
      await use();
      expect(violations, 'Content-Security-Policy violations on the page').toEqual([]);
    },
    { auto: true },
  ],
});
