// Page weight: what a browser downloads to use each page (JavaScript and WebAssembly,
// compressed as served), against the budgets in budgets.json. Starts the real server
// (ATRIUM_BIN, a release build) on a copy of the demo, opens each page in Chromium as the
// person it is for, waits until every island on it has hydrated, and adds up the encoded
// sizes of the scripts and WASM it fetched. Prints a table; exits non-zero when a page is over
// its budget.
//
//   ATRIUM_BIN=…/release/atrium ATRIUM_SITE_ROOT=target/site node end2end/load/page-weight.mjs
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, signIn, hydrated, EMPLOYEE, IT_AGENT } from '../tests/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { pages } = JSON.parse(readFileSync(join(here, 'budgets.json'), 'utf8'));
const PEOPLE = { employee: EMPLOYEE, agent: IT_AGENT, admin: 'sofia.alvarez@atrium.example' };

// The bytes a file takes on the wire when the browser accepts brotli, as browsers do over HTTPS
// (Chromium asks for brotli only over HTTPS, and the test server speaks plain HTTP); also which
// encoding the server chose.
function served(url) {
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'accept-encoding': 'br, gzip' } }, (response) => {
      let bytes = 0;
      response.on('data', (chunk) => { bytes += chunk.length; });
      response.on('end', () => resolve({ bytes, encoding: response.headers['content-encoding'] || 'none', status: response.statusCode }));
    }).on('error', reject);
  });
}

const server = await startServer();
const browser = await launchBrowser();
const rows = [];
let over = 0;
try {
  const sessions = {};
  for (const [who, email] of Object.entries(PEOPLE)) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, server.base, email);
    sessions[who] = context;
  }
  // A request of the employee's own, for "a request".
  const lister = await sessions.employee.newPage();
  await lister.goto(`${server.base}/my-requests`);
  const request = (await lister.locator('.request-table tbody tr td a').first().textContent()).trim();
  await lister.close();

  for (const { name, who, path, budget_kb: budget, target_kb: target } of pages) {
    const page = await sessions[who].newPage();
    const url = `${server.base}${path === 'REQUEST' ? `/requests/${request}` : path}`;
    const response = await page.goto(url);
    if (response.status() !== 200) throw new Error(`${name}: ${url} answered ${response.status()}`);
    await hydrated(page);
    // Lazy islands fetch their chunk when they hydrate; give late fetches a moment.
    await page.waitForLoadState('networkidle');
    const fetched = await page.evaluate(() => performance.getEntriesByType('resource')
      .filter((r) => /\.(js|wasm)(\?|$)/.test(r.name))
      .map((r) => ({ url: r.name, raw: r.decodedBodySize })));
    const files = [];
    // A module preloaded and then imported is one download.
    const unique = [...new Map(fetched.map((f) => [f.url, f])).values()];
    for (const { url: file, raw } of unique) {
      const { bytes, encoding, status } = await served(file);
      if (status !== 200) throw new Error(`${file} answered ${status}`);
      files.push({ name: `${file.split('/').pop()} (${encoding})`, bytes, raw });
    }
    const bytes = files.reduce((sum, f) => sum + f.bytes, 0);
    const raw = files.reduce((sum, f) => sum + f.raw, 0);
    const kb = bytes / 1024;
    const ok = kb <= budget;
    if (!ok) over += 1;
    rows.push({ name, path, kb, raw: raw / 1024, budget, target: target ?? budget, ok, files: files.map((f) => `${f.name} ${(f.bytes / 1024).toFixed(0)} KB`).join(', ') });
    await page.close();
  }
} finally {
  await browser.close();
  await server.stop();
}

console.log('| page | downloaded (compressed) | uncompressed | budget | target | files |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.name} (\`${r.path}\`) | ${r.kb.toFixed(1)} KB${r.ok ? '' : ' **over**'} | ${r.raw.toFixed(0)} KB | ${r.budget} KB | ${r.target} KB${r.kb <= r.target ? '' : ' (not yet)'} | ${r.files || 'none'} |`);
}
if (over) {
  console.error(`${over} page(s) over budget`);
  process.exit(1);
}
