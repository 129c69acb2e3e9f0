// Exports of the whole partition: CSV and JSON files built in the page, and heapy's text on
// the clipboard; each compared with the server's answer for the same set.
import { test, expect, type Download } from './fixtures';
import { readFile } from 'node:fs/promises';
import { demoSnapshot, viewPath, watchForScript, wholePartition } from './helpers';

/** RFC 4180: quoted fields, doubled quotes, CRLF between records. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  expect(field, 'the file ends with CRLF').toBe('');
  return records;
}

async function saved(download: Download) {
  return readFile((await download.path())!, 'utf8');
}

test('CSV and JSON downloads hold the whole partition, exactly', async ({ page, request }) => {
  const noScriptRan = watchForScript(page);
  const { demo } = await demoSnapshot(request);
  // by via: thousands of rows (more than one chunk), labels full of commas and quotes
  const whole = await wholePartition(request, demo.id, 'heap', 'via');
  expect(whole.rows.length).toBe(whole.total_rows);
  expect(whole.rows.some((r) => r.label.includes(',') && r.label.includes('"'))).toBeTruthy();

  // a filter narrows the table, not the files
  await page.goto(viewPath(demo.id, 'heap', 'via', { filter: 'globals' }));
  await expect(page.getByTestId('partition-title')).toHaveText(whole.title);

  await test.step('CSV', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-csv').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`heaplens-${demo.id}-heap-by-via.csv`);
    const records = parseCsv(await saved(download));
    expect(records[0]).toEqual([
      'index', 'count', 'count_pct', 'size', 'size_pct', 'cumulative', 'cumulative_pct', 'label', 'query',
    ]);
    expect(records.length - 1).toBe(whole.total_rows);
    // a cell a spreadsheet would run as a formula starts with ' (OWASP's CSV injection advice)
    const cell = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
    const asCsv = whole.rows.map((r) => [
      String(r.index), String(r.count), String(r.count_pct), String(r.size), String(r.size_pct),
      String(r.cumulative), String(r.cumulative_pct), cell(r.label), cell(r.query),
    ]);
    expect(records.slice(1)).toEqual(asCsv);
    await expect(page.getByTestId('export-status')).toContainText('Saved');
  });

  await test.step('JSON', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-json').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`heaplens-${demo.id}-heap-by-via.json`);
    expect(JSON.parse(await saved(download))).toEqual(whole);
  });
  await noScriptRan();
});

test('"copy as text" puts heapy\'s whole table on the clipboard', async ({ page, request, baseURL }) => {
  const { demo } = await demoSnapshot(request);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  const p = new URLSearchParams({ q: 'heap', by: 'size', all: 'true' });
  const r = await request.get(`/api/snapshots/${encodeURIComponent(demo.id)}/table?${p}`);
  expect(r.ok()).toBeTruthy();
  const text = await r.text();
  expect(text).toContain('Individual Size');

  await page.goto(viewPath(demo.id, 'heap', 'size'));
  await expect(page.getByTestId('partition-title')).toBeVisible();
  await page.getByTestId('copy-text').click();
  await expect(page.getByTestId('export-status')).toContainText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(text);
});
