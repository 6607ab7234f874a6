// Starts the real Atrium server on a free port with a fresh SQLite database, and a headless
// Debian Chromium driven by playwright-core.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const artifacts = join(here, '..', 'artifacts');
mkdirSync(artifacts, { recursive: true });

export const PASSWORD = 'atrium-demo';
export const EMPLOYEE = 'emma.clark@atrium.example';
export const IT_AGENT = 'ivan.petrov@atrium.example';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

// The demo organisation with its history, seeded once per server binary by `atrium seed` (its
// history is played through the use cases and takes a while in a debug build) and copied for
// each journey, which then starts from the same fresh demo.
function demoTemplate(bin) {
  const { size, mtimeMs } = statSync(bin);
  const file = join(tmpdir(), `atrium-e2e-demo-${size}-${Math.floor(mtimeMs)}.db`);
  if (!existsSync(file)) {
    const building = `${file}.${process.pid}`;
    const seeded = spawnSync(bin, ['seed'], {
      env: { ...process.env, DATABASE_URL: `sqlite://${building}?mode=rwc`, RUST_LOG: 'warn' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (seeded.status !== 0) throw new Error(`atrium seed exited with ${seeded.status}`);
    if (existsSync(`${building}-wal`)) renameSync(`${building}-wal`, `${file}-wal`);
    renameSync(building, file);
  }
  return file;
}

function copyDatabase(from, to) {
  copyFileSync(from, to);
  if (existsSync(`${from}-wal`)) copyFileSync(`${from}-wal`, `${to}-wal`);
}

export async function startServer(extraEnv = {}) {
  const bin = process.env.ATRIUM_BIN;
  const siteRoot = process.env.ATRIUM_SITE_ROOT;
  if (!bin || !siteRoot) throw new Error('ATRIUM_BIN and ATRIUM_SITE_ROOT must be set (scripts/test does this)');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'atrium-e2e-'));
  copyDatabase(demoTemplate(bin), join(dir, 'atrium.db'));
  const child = spawn(bin, [], {
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${join(dir, 'atrium.db')}?mode=rwc`,
      ATRIUM_FILES: join(dir, 'files'),
      ATRIUM_LISTEN: `127.0.0.1:${port}`,
      ATRIUM_SITE_ROOT: siteRoot,
      RUST_LOG: process.env.RUST_LOG ?? 'warn',
      ...extraEnv,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${base}/readyz`);
      if (res.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) throw new Error('server did not become ready in 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base,
    pid: child.pid,
    stop: () => new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    }),
  };
}

/// Keeps what each page said (console, uncaught errors, failed requests), for `hydrated` to
/// show when a page never hydrates.
function keepPageLog(browser) {
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args) => {
    const context = await newContext(...args);
    context.on('page', (page) => {
      page.log = [];
      page.on('console', (m) => page.log.push(`console ${m.type()}: ${m.text().slice(0, 400)}`));
      page.on('pageerror', (e) => page.log.push(`page error: ${e.message}`));
      page.on('requestfailed', (r) => page.log.push(`failed: ${r.url()} ${r.failure()?.errorText}`));
      page.on('response', async (r) => {
        if (r.request().isNavigationRequest() && r.frame() === page.mainFrame()) {
          const h = await r.allHeaders().catch(() => ({}));
          page.log.push(`document ${r.status()} ${r.url()} policy: ${(h['content-security-policy'] ?? 'none').slice(0, 40)}`);
        }
      });
    });
    return context;
  };
  return browser;
}

export async function launchBrowser() {
  return keepPageLog(await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  }));
}

export async function signIn(page, base, email) {
  await page.goto(`${base}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/// Signs in the way a person does with JavaScript on: the sign-in page has hydrated, the form
/// is submitted by the app (no full page load), and from then on the test moves only by clicking.
export async function signInByClicking(page, base, email) {
  await page.goto(`${base}/login`);
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/// Collects errors the page reports (console errors, uncaught exceptions, failed hydration);
/// a journey asserts at its end that there were none.
export function collectErrors(page) {
  const errors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  return errors;
}

/// Waits until the page is ready for a person: every island on it has hydrated (each counts
/// itself on <body data-islands>; lazy ones arrive after the page's script). A page without
/// islands is server-rendered HTML and ready once loaded.
export async function hydrated(page) {
  try {
    await page.waitForFunction(() => {
      const islands = document.querySelectorAll('leptos-island').length;
      return islands <= Number(document.body?.dataset.islands ?? 0);
    }, null, { timeout: 60_000 });
  } catch (error) {
    // Say what the page loaded, so a page that never hydrates can be told apart: the bundle
    // not fetched, fetched but not run, or run and failed.
    const state = await page.evaluate(() => ({
      url: location.href,
      bundle: performance.getEntriesByType('resource')
        .filter((r) => r.name.includes('/pkg/'))
        .map((r) => `${r.name.split('/pkg/')[1]} ${Math.round(r.duration)} ms, ${r.transferSize} B, status ${r.responseStatus}`),
      scripts: [...document.scripts].map((s) => `${s.type || 'classic'} nonce:${s.nonce ? 'yes' : 'no'} ${s.src || s.textContent.slice(0, 60)}`),
    })).catch((e) => `unreadable: ${e.message}`);
    throw new Error(`${error.message}\npage state: ${JSON.stringify(state, null, 2)}\npage log:\n${(page.log ?? []).join('\n')}`);
  }
}

export async function shot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

/// The newest request number in "My requests", or null.
export async function newestRequest(page, base) {
  await page.goto(`${base}/my-requests`);
  const first = page.locator('.request-table tbody tr td a').first();
  return (await first.count()) ? (await first.textContent()).trim() : null;
}

/// Registers before/after hooks that start a fresh server and browser for a test file, and
/// returns an object whose `server` and `browser` are set once they are up.
export function withAppAndBrowser(before, after) {
  const ctx = { server: null, browser: null };
  before(async () => {
    ctx.server = await startServer();
    ctx.browser = await launchBrowser();
  }, { timeout: 90_000 });
  after(async () => {
    await ctx.browser?.close();
    await ctx.server?.stop();
  });
  return ctx;
}

/// Per-test deadline: a stuck step fails the run instead of stalling it.
export const T = { timeout: 120_000 };
