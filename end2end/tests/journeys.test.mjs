// User journeys in a real browser against the real server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { withAppAndBrowser, T, signIn, hydrated, shot, newestRequest, EMPLOYEE, IT_AGENT } from './harness.mjs';

const app = withAppAndBrowser(before, after);
let orderedNumber;

test('an employee searches, is stopped by validation, orders, and follows the request', T, async () => {
  const context = await app.browser.newContext();
  const page = await context.newPage();
  await signIn(page, app.server.base, EMPLOYEE);
  const newestBefore = await newestRequest(page, app.server.base);

  await page.goto(app.server.base + '/');
  await hydrated(page);
  await shot(page, '01-catalog');
  assert.ok(await page.getByRole('heading', { name: 'Facilities' }).isVisible());
  // The server searches every department, with typo tolerance.
  await page.getByLabel('Search the catalog').fill('monitr');
  await page.getByLabel('Search the catalog').press('Enter');
  await page.getByRole('heading', { name: /matches “monitr”/ }).waitFor();
  await shot(page, '02-search');
  await page.getByRole('link', { name: /Extra monitor/ }).click();
  await page.waitForURL('**/catalog/extra-monitor');
  await hydrated(page);

  // Live validation while typing: the same rules the server applies.
  await page.getByLabel('Size').selectOption('27');
  await page.getByLabel('How many').fill('5');
  await page.getByLabel('How many').blur();
  await page.getByText('Enter 2 or less.').waitFor();
  await page.getByLabel('How many').fill('2');
  await page.getByText('Enter 2 or less.').waitFor({ state: 'detached' });

  // Submit with a required field missing: a message, and no request.
  await page.getByRole('button', { name: 'Submit request' }).click();
  await page.getByText('Deliver to is required.').waitFor();
  await shot(page, '03-validation');
  assert.match(page.url(), /\/catalog\/extra-monitor$/);

  await page.getByLabel('Deliver to').selectOption('office');
  await page.getByRole('button', { name: 'Submit request' }).click();
  await page.waitForURL(/\/requests\/REQ-\d+$/);
  orderedNumber = page.url().split('/').pop();
  await page.getByRole('heading', { name: 'Extra monitor' }).waitFor();
  assert.ok(await page.getByText('27 inch').isVisible());
  assert.ok(await page.locator('.request-meta .badge', { hasText: 'Submitted' }).isVisible());
  await shot(page, '04-request');

  const newestAfter = await newestRequest(page, app.server.base);
  assert.equal(newestAfter, orderedNumber, 'the new request tops My requests');
  if (newestBefore) {
    const n = (s) => Number(s.replace('REQ-', ''));
    assert.ok(n(newestAfter) > n(newestBefore));
  }
  // Exactly one request was created by the two submits.
  await page.goto(app.server.base + '/my-requests?state=submitted');
  const rows = await page.locator('.request-table tbody tr', { hasText: 'Extra monitor' }).count();
  assert.ok(rows >= 1);
  await shot(page, '05-my-requests');
  await context.close();
});

test('the same order works with JavaScript switched off', T, async () => {
  const context = await app.browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, app.server.base, EMPLOYEE);
  // Server-side search.
  await page.goto(app.server.base + '/');
  await page.getByLabel('Search the catalog').fill('parking');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(/\?q=parking/);
  await page.getByRole('link', { name: /Parking permit/ }).click();
  await page.waitForURL('**/catalog/parking-permit');

  // Missing answers: the server says what is wrong and keeps what was typed.
  await page.getByLabel('Licence plate').fill('B-AT 123');
  await page.getByRole('button', { name: 'Submit request' }).click();
  await page.getByText('Vehicle is required.').waitFor();
  assert.equal(await page.getByLabel('Licence plate').inputValue(), 'B-AT 123');
  await shot(page, '06-nojs-validation');

  await page.getByLabel('Vehicle').selectOption('car');
  await page.getByLabel('Yes').check();
  await page.getByRole('button', { name: 'Submit request' }).click();
  await page.waitForURL(/\/requests\/REQ-\d+$/);
  await page.getByRole('heading', { name: 'Parking permit' }).waitFor();
  assert.ok(await page.getByText('B-AT 123').isVisible());
  await shot(page, '07-nojs-request');
  await context.close();
});

test('a licence plate is checked against its pattern while typed; only a form with a pattern fetches the pattern engine', T, async () => {
  const context = await app.browser.newContext();
  const page = await context.newPage();
  await signIn(page, app.server.base, EMPLOYEE);
  // The order page's bundle loads regex-lite as a chunk of its own (`split_judge_…`), only when
  // one of the form's patterns has an answer to judge.
  const engineFetches = () => page.evaluate(() => performance.getEntriesByType('resource')
    .filter((r) => /split_judge_/.test(r.name)).length);
  await page.goto(app.server.base + '/');
  await page.getByLabel('Search the catalog').fill('monitor');
  await page.getByLabel('Search the catalog').press('Enter');
  await page.getByRole('link', { name: /Extra monitor/ }).click();
  await page.waitForURL('**/catalog/extra-monitor');
  await hydrated(page);
  await page.getByLabel('How many').fill('2');
  await page.getByLabel('How many').press('Tab');
  await page.waitForLoadState('networkidle');
  assert.equal(await engineFetches(), 0, 'a form without a pattern never fetches the engine');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Catalog' }).click();
  await page.getByLabel('Search the catalog').fill('parking');
  await page.getByLabel('Search the catalog').press('Enter');
  await page.getByRole('link', { name: /Parking permit/ }).click();
  await page.waitForURL('**/catalog/parking-permit');
  await hydrated(page);
  const message = page.getByText('Use letters, digits, spaces and hyphens, as on the plate.');
  await page.getByLabel('Licence plate').fill('B-AT 123!');
  await page.getByLabel('Licence plate').press('Tab');
  await message.waitFor();
  assert.ok(await engineFetches() >= 1, 'the form with a pattern fetched the engine');
  await shot(page, '07b-pattern-live');
  // Corrected, the message goes at once (the engine is there now).
  await page.getByLabel('Licence plate').fill('B-AT 123');
  await message.waitFor({ state: 'hidden' });
  // And the browser stops a wrong plate before it is sent, as the server would refuse it.
  await page.getByLabel('Licence plate').fill('B-AT #1');
  await page.getByLabel('Vehicle').selectOption('car');
  await page.getByLabel('Yes').check();
  await page.getByRole('button', { name: 'Submit request' }).click();
  await message.waitFor();
  assert.match(page.url(), /\/catalog\/parking-permit$/, 'not sent');
  await context.close();
});

test('an agent resolves the request with a public comment the employee then sees', T, async () => {
  assert.ok(orderedNumber, 'the first journey ordered a request');
  const agentContext = await app.browser.newContext();
  const agent = await agentContext.newPage();
  await signIn(agent, app.server.base, IT_AGENT);
  await agent.goto(app.server.base + '/queue');
  await agent.getByRole('link', { name: orderedNumber }).waitFor();
  await shot(agent, '08-queue');
  await agent.getByRole('link', { name: orderedNumber }).click();
  await agent.waitForURL('**/requests/' + orderedNumber);
  await hydrated(agent);

  await agent.getByRole('button', { name: 'Start work' }).click();
  await agent.locator('.request-meta .badge', { hasText: 'In fulfilment' }).waitFor();

  await agent.getByLabel('Add a comment').fill('Checked stock with the supplier.');
  await agent.getByRole('button', { name: 'Internal note' }).click();
  await agent.getByText('Checked stock with the supplier.').waitFor();

  await agent.getByLabel('Note to the requester (optional)').fill('Your monitor is on your desk.');
  await agent.getByRole('button', { name: 'Resolve' }).click();
  await agent.locator('.request-meta .badge', { hasText: 'Resolved' }).waitFor();
  await shot(agent, '09-agent-resolved');
  await agentContext.close();

  const employeeContext = await app.browser.newContext();
  const employee = await employeeContext.newPage();
  await signIn(employee, app.server.base, EMPLOYEE);
  await employee.goto(app.server.base + '/requests/' + orderedNumber);
  await employee.getByText('Your monitor is on your desk.').waitFor();
  assert.ok(await employee.locator('.request-meta .badge', { hasText: 'Resolved' }).isVisible());
  assert.equal(await employee.getByText('Checked stock with the supplier.').count(), 0, 'internal notes stay internal');
  await shot(employee, '10-employee-sees-resolution');
  await employeeContext.close();
});

test('an employee cannot open the queue or someone else\'s request', T, async () => {
  const context = await app.browser.newContext();
  const page = await context.newPage();
  await signIn(page, app.server.base, 'daniel.novak@atrium.example');
  const queue = await page.goto(app.server.base + '/queue');
  assert.equal(queue.status(), 403);
  await page.getByRole('heading', { name: 'No access' }).waitFor();
  const other = await page.goto(app.server.base + '/requests/' + orderedNumber);
  assert.equal(other.status(), 404);
  await context.close();
});

test('a conditional field appears only when it applies and is then required', T, async () => {
  const context = await app.browser.newContext();
  const page = await context.newPage();
  await signIn(page, app.server.base, EMPLOYEE);
  await page.goto(app.server.base + '/catalog/new-laptop');
  await hydrated(page);
  const peripheral = page.getByLabel('Which peripheral?');
  assert.equal(await peripheral.isVisible(), false, 'hidden until peripherals are wanted');

  await page.getByLabel('Model').selectOption('thinkpad');
  await page.getByLabel('Reason').selectOption('replacement');
  await page.getByLabel('Needed by').fill('2031-03-02');
  await page.getByLabel('Yes').check();
  await peripheral.waitFor({ state: 'visible' });

  // Shown by the rule, and required: the same rules engine as the server.
  await page.getByRole('button', { name: 'Submit request' }).click();
  await page.getByText('Which peripheral? is required.').waitFor();
  await shot(page, '11-conditional-field');

  // Answering "No" hides it again and the message goes with it.
  await page.getByLabel('No', { exact: true }).check();
  await peripheral.waitFor({ state: 'hidden' });
  await page.getByLabel('Yes').check();
  await peripheral.selectOption('headset');
  await page.getByRole('button', { name: 'Submit request' }).click();
  await page.waitForURL(/\/requests\/REQ-\d+$/);
  await page.getByRole('heading', { name: 'New laptop' }).waitFor();
  assert.ok(await page.getByText('Headset').isVisible());
  assert.ok(await page.getByText('ThinkPad X1 Carbon (Windows)').isVisible());
  await context.close();
});

test('multi-select answers and section headings, with and without JavaScript', T, async () => {
  for (const javaScriptEnabled of [true, false]) {
    const context = await app.browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    await signIn(page, app.server.base, EMPLOYEE);
    await page.goto(app.server.base + '/catalog/new-hire-onboarding');
    if (javaScriptEnabled) await hydrated(page);
    assert.ok(await page.getByRole('heading', { name: 'Equipment and workplace' }).isVisible());
    await page.getByLabel("New hire's full name").fill('Ada Lovelace');
    await page.getByLabel('Personal email').fill('ada@example.org');
    await page.getByLabel('Job title').fill('Analyst');
    await page.getByLabel('Joining department').selectOption('finance');
    if (javaScriptEnabled) {
      // The person picker searches the directory as you type.
      await page.getByLabel('Buddy').fill('petr');
      await page.getByRole('button', { name: /Ivan Petrov — ivan\.petrov@atrium\.example/ }).click();
      await page.getByText('Ivan Petrov · Service Desk Analyst · IT').waitFor();
    } else {
      await page.getByLabel('Buddy').fill('ivan.petrov@atrium.example');
    }
    await page.getByLabel('Start date').fill('2031-09-01');
    await page.getByLabel('Laptop').selectOption('thinkpad');
    await page.getByLabel('No', { exact: true }).check();
    // Nothing ticked yet: at least one account is required.
    await page.getByRole('button', { name: 'Submit request' }).click();
    await page.getByText('Choose at least one option for “Accounts to create”.').waitFor();
    await page.getByLabel('Email and calendar').check();
    await page.getByLabel('Jira').check();
    await page.getByRole('button', { name: 'Submit request' }).click();
    await page.waitForURL(/\/requests\/REQ-\d+$/);
    await page.getByText('Email and calendar, Jira').waitFor();
    assert.ok(await page.getByText('Finance', { exact: true }).count() >= 1);
    await page.getByText('Ivan Petrov (ivan.petrov@atrium.example)').waitFor();
    if (javaScriptEnabled) await shot(page, '15-multi-select-request');
    await context.close();
  }
});
