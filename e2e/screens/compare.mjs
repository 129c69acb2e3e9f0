// Compares two screenshot sets pixel by pixel: node compare.mjs BEFORE_DIR AFTER_DIR [DIFF_DIR]
// Prints each picture's share of differing pixels; fails (exit 1) when one differs in more
// than 0.1% of its pixels (SCREENS_MAX_PERCENT), has another size, or is in one set only.
// pixelmatch's threshold 0.1 (its default): anti-aliasing noise is not counted; the pixels
// that are not identical at all are printed beside it, for the record.
import { readFileSync, readdirSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import pixelmatch from 'pixelmatch';

const [before, after, diffDir] = process.argv.slice(2);
if (!before || !after) {
  console.error('usage: node compare.mjs BEFORE_DIR AFTER_DIR [DIFF_DIR]');
  process.exit(2);
}
const max = Number(process.env.SCREENS_MAX_PERCENT ?? '0.1');
const pngs = (d) => new Set(readdirSync(d).filter((f) => f.endsWith('.png')));
const a = pngs(before);
const b = pngs(after);
if (diffDir) mkdirSync(diffDir, { recursive: true });
let bad = 0;
for (const name of [...new Set([...a, ...b])].sort()) {
  if (!a.has(name) || !b.has(name)) {
    console.log(`${name.padEnd(28)} only in ${a.has(name) ? before : after}`);
    bad++;
    continue;
  }
  const x = PNG.sync.read(readFileSync(join(before, name)));
  const y = PNG.sync.read(readFileSync(join(after, name)));
  if (x.width !== y.width || x.height !== y.height) {
    console.log(`${name.padEnd(28)} size ${x.width}x${x.height} vs ${y.width}x${y.height}`);
    bad++;
    continue;
  }
  const out = new PNG({ width: x.width, height: x.height });
  const n = pixelmatch(x.data, y.data, out.data, x.width, x.height, { threshold: 0.1 });
  const pct = (100 * n) / (x.width * x.height);
  // for the record: pixels not byte-equal at all (anti-aliasing included)
  const exact = pixelmatch(x.data, y.data, null, x.width, x.height, { threshold: 0, includeAA: true });
  const over = pct > max;
  if (over) bad++;
  if (diffDir && n) writeFileSync(join(diffDir, name), PNG.sync.write(out));
  console.log(
    `${name.padEnd(28)} ${String(n).padStart(8)} px ${pct.toFixed(4).padStart(9)}%` +
      `  (${exact} px not identical)${over ? `  > ${max}%` : ''}`,
  );
}
console.log(bad ? `${bad} picture(s) differ by more than ${max}% or do not pair` : `all pictures within ${max}%`);
process.exit(bad ? 1 : 0);
