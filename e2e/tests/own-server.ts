// A heaplens server of a test's own (other arguments than the suite's server: a token, a data
// folder, a big snapshot), on a free loopback port; it stops with the test file or by itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { expect } from '@playwright/test';

export const ROOT = resolve(__dirname, '..', '..');
export const BIN = process.env.HEAPLENS_BIN ?? resolve(ROOT, 'target/release/heaplens');
export const DIST = process.env.HEAPLENS_DIST ?? resolve(ROOT, 'dist');

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

export interface OwnServer {
  base: string;
  process: ChildProcess;
  output: () => string;
  stop: () => void;
}

/** Starts `heaplens serve` with the built app and `args` (snapshots, flags); waits until it serves. */
export async function startServer(args: string[], env: Record<string, string> = {}): Promise<OwnServer> {
  expect(existsSync(BIN), `the release binary ${BIN} (cargo build --release -p heaplens-server)`).toBeTruthy();
  expect(existsSync(resolve(DIST, 'index.html')), `the built app in ${DIST} (trunk build --release)`).toBeTruthy();
  const port = await freePort();
  const child = spawn(BIN, ['serve', '--addr', `127.0.0.1:${port}`, '--static', DIST, '--exit-after', '900', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  await expect
    .poll(() => out.includes('serving') || child.exitCode !== null, { timeout: 60_000, message: 'the server starts' })
    .toBeTruthy();
  expect(child.exitCode, `the server failed:\n${out}`).toBeNull();
  return { base: `http://127.0.0.1:${port}`, process: child, output: () => out, stop: () => child.kill() };
}
