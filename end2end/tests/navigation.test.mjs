// Journeys that move the way a person does: after opening the sign-in page, only by clicking
// what is on the screen (header links, buttons, links in lists), never by loading an address.
// A reload hides stale client state; these journeys would see it: the header after signing in
// and out, counters after approving and reading, lists after a change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  withAppAndBrowser, T, signInByClicking, collectErrors, hydrated, shot, EMPLOYEE, IT_AGENT, PASSWORD,
} from './harness.mjs';

const app = withAppAndBrowser(before, after);
const MANAGER = 'sven.lindqvist@atrium.example';

const mainNav = (page) => page.getByRole('navigation', { name: 'Main' });
const headerLink = (page, name) => mainNav(page).getByRole('link', { name, exact: true });
const badge = (page, selector) => page.locator(`.site-header ${selector} .count-badge`);

async function person(email) {
  const context = await app.browser.newContext();
  const page = await context.newPage();
  const errors = collectErrors(page);
  await signInByClicking(page, app.server.base, email);
  return { context, page, errors };
}

/// Searches the catalog from the home page and opens the item whose link matches `name`.
async function openItem(page, query, name) {
  await headerLink(page, 'Catalog').click();
  await page.getByLabel('Search the catalog').fill(query);
  await page.getByLabel('Search the catalog').press('Enter');
  await page.getByRole('heading', { name: /match/ }).waitFor();
  await page.getByRole('link', { name }).first().click();
  await page.getByRole('button', { name: 'Submit request' }).waitFor();
}

let monitorRequest;

test('an employee signs in, orders, finds the request in My requests, and signs out — all by clicking', T, async () => {
  const { context, page, errors } = await person(EMPLOYEE);
  // The whole header, at once, without a reload.
  for (const name of ['Catalog', 'My requests', 'Approvals']) await headerLink(page, name).waitFor();
  await page.locator('.site-header').getByRole('link', { name: /^Notifications/ }).waitFor();
  await page.locator('.site-header .user-name', { hasText: 'Emma Clark' }).waitFor();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  assert.equal(await headerLink(page, 'Queue').count(), 0, 'employees have no queue');
  await shot(page, '60-signed-in-header');

  await openItem(page, 'monitr', /Extra monitor/);
  await page.getByLabel('Size').selectOption('27');
  await page.getByLabel('How many').fill('1');
  await page.getByLabel('Deliver to').selectOption('office');
  await page.getByRole('button', { name: 'Submit request' }).click();
  await page.waitForURL(/\/requests\/REQ-\d+$/);
  monitorRequest = page.url().split('/').pop();

  // The request page has the header too: My requests is one click away, and lists the new one.
  await headerLink(page, 'My requests').click();
  await page.waitForURL('**/my-requests');
  await page.getByRole('link', { name: monitorRequest }).click();
  await page.waitForURL('**/requests/' + monitorRequest);
  await page.getByRole('heading', { name: 'Extra monitor' }).waitFor();

  // Signing out shows the signed-out header at once.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/login');
  await page.getByRole('heading', { name: 'Sign in to Atrium' }).waitFor();
  await headerLink(page, 'My requests').waitFor({ state: 'detached' });
  assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 0);
  assert.equal(await page.locator('.site-header .user-name').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('an agent opens the queue, a request, resolves it, and the queue no longer lists it', T, async () => {
  assert.ok(monitorRequest, 'the first journey ordered a request');
  const { context, page, errors } = await person(IT_AGENT);
  await headerLink(page, 'Tasks').waitFor();
  await headerLink(page, 'Queue').click();
  await page.waitForURL('**/queue');
  await page.getByRole('link', { name: monitorRequest }).click();
  await page.waitForURL('**/requests/' + monitorRequest);
  await page.getByRole('button', { name: 'Start work' }).click();
  await page.locator('.request-meta .badge', { hasText: 'In fulfilment' }).waitFor();
  await page.getByLabel('Note to the requester (optional)').fill('On your desk tomorrow morning.');
  await page.getByRole('button', { name: 'Resolve' }).click();
  await page.locator('.request-meta .badge', { hasText: 'Resolved' }).waitFor();

  // Back to the queue by its link: the list is read again, and the resolved request is gone.
  await headerLink(page, 'Queue').click();
  await page.waitForURL('**/queue');
  await page.locator('.request-table').waitFor();
  assert.equal(await page.getByRole('link', { name: monitorRequest }).count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a manager approves from the inbox; both headers\' counters follow without a reload', T, async () => {
  const employee = await person(EMPLOYEE);
  let page = employee.page;
  // Start from nothing unread, by clicking.
  await page.locator('.site-header').getByRole('link', { name: /^Notifications/ }).click();
  await page.waitForURL('**/notifications');
  await page.getByRole('button', { name: 'Mark all read' }).click();
  await page.getByText('Nothing unread.').waitFor();
  await badge(page, '.notifications-link').waitFor({ state: 'detached' });

  await openItem(page, 'phone', /Mobile phone/);
  await page.getByLabel('Model').selectOption('pixel');
  await page.getByLabel('No', { exact: true }).check();
  await page.getByLabel('Why do you need a company phone?').fill('On call every other week.');
  await page.getByRole('button', { name: 'Submit request' }).click();
  await page.waitForURL(/\/requests\/REQ-\d+$/);
  const number = page.url().split('/').pop();
  await page.getByText('Awaiting approval').first().waitFor();

  const manager = await person(MANAGER);
  const inbox = manager.page;
  await badge(inbox, 'a[href="/approvals"]').waitFor();
  const waitingBefore = Number(await badge(inbox, 'a[href="/approvals"]').textContent());
  assert.ok(waitingBefore >= 1);
  await mainNav(inbox).getByRole('link', { name: /^Approvals/ }).click();
  await inbox.waitForURL('**/approvals');
  const card = inbox.locator('.approval-card', { hasText: number });
  await card.getByRole('button', { name: 'Approve' }).click();
  await inbox.getByText(`You approved ${number}.`, { exact: false }).waitFor();
  // The header's count moves down at once.
  if (waitingBefore === 1) {
    await badge(inbox, 'a[href="/approvals"]').waitFor({ state: 'detached' });
  } else {
    await badge(inbox, 'a[href="/approvals"]').filter({ hasText: String(waitingBefore - 1) }).waitFor();
  }
  await shot(inbox, '61-approved-counter');
  assert.deepEqual(manager.errors, []);
  await manager.context.close();

  // The employee, still on the same page, moves on by clicking: the bell shows the news.
  await headerLink(page, 'My requests').click();
  await page.waitForURL('**/my-requests');
  await badge(page, '.notifications-link').waitFor();
  await page.locator('.site-header').getByRole('link', { name: /^Notifications/ }).click();
  await page.waitForURL('**/notifications');
  await page.getByRole('button', { name: 'Mark all read' }).click();
  await page.getByText('Nothing unread.').waitFor();
  await badge(page, '.notifications-link').waitFor({ state: 'detached' });
  await page.getByRole('link', { name: new RegExp(number) }).first().click();
  await page.waitForURL('**/requests/' + number);
  await page.getByText('Approved', { exact: true }).first().waitFor();
  assert.deepEqual(employee.errors, []);
  await employee.context.close();
});

test('a sign-in link with a crafted next= lands on the portal\'s own page', T, async () => {
  for (const javaScriptEnabled of [true, false]) {
    const context = await app.browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    await page.goto(`${app.server.base}/login?next=/%09/evil.example`);
    if (javaScriptEnabled) await hydrated(page);
    await page.getByLabel('Email').fill(EMPLOYEE);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    const landed = new URL(page.url());
    assert.equal(landed.origin, app.server.base, `JavaScript ${javaScriptEnabled}: stays on the portal`);
    assert.equal(landed.pathname, '/');
    await page.getByRole('heading', { name: 'Facilities' }).waitFor();
    await context.close();
  }
});

/// The page is no wider than the screen: nothing to scroll sideways to.
async function fitsTheScreen(page, what) {
  const { wide, screen } = await page.evaluate(() => ({
    wide: document.documentElement.scrollWidth,
    screen: document.documentElement.clientWidth,
  }));
  assert.ok(wide <= screen, `${what} is ${wide}px wide on a ${screen}px screen`);
}

/// Opens the phone menu and follows one of its links.
async function viaMenu(page, name, url) {
  await page.locator('.site-menu-button').click();
  await headerLink(page, name).click();
  await page.waitForURL(url);
}

test('on a phone the header folds into a menu, and the pages fit the screen', T, async () => {
  const context = await app.browser.newContext({
    viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
  });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await signInByClicking(page, app.server.base, IT_AGENT);
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  assert.equal(await headerLink(page, 'My requests').isVisible(), false, 'the links are folded away');
  await fitsTheScreen(page, 'the catalog');
  await shot(page, '70-phone-catalog');

  await page.locator('.site-menu-button').click();
  await headerLink(page, 'Queue').waitFor();
  await shot(page, '71-phone-menu');
  await headerLink(page, 'Queue').click();
  await page.waitForURL('**/queue');
  await page.locator('.request-table').waitFor();
  await headerLink(page, 'Queue').waitFor({ state: 'hidden' });
  await fitsTheScreen(page, 'the queue');
  await shot(page, '72-phone-queue');

  await page.locator('.request-table tbody tr td a').first().click();
  await page.waitForURL(/\/requests\/REQ-\d+$/);
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await fitsTheScreen(page, 'a request');
  await shot(page, '73-phone-request');

  await viaMenu(page, 'My requests', '**/my-requests');
  await fitsTheScreen(page, 'My requests');
  await shot(page, '74-phone-my-requests');
  await viaMenu(page, 'Approvals', '**/approvals');
  await fitsTheScreen(page, 'the approvals inbox');
  await shot(page, '75-phone-approvals');

  await viaMenu(page, 'Catalog', (url) => url.pathname === '/');
  await page.getByLabel('Search the catalog').fill('monitor');
  await page.getByLabel('Search the catalog').press('Enter');
  await page.getByRole('link', { name: /Extra monitor/ }).first().click();
  await page.getByRole('button', { name: 'Submit request' }).waitFor();
  await fitsTheScreen(page, 'an order form');
  await shot(page, '76-phone-order-form');
  assert.deepEqual(errors, []);
  await context.close();
});
