// The agent's workspace in a real browser: an agent takes a request and asks the requester a
// question; the requester answers from the "Waiting on you" banner; the agent finds "Requester
// replied" in their queue and answers. After the first page, everyone moves by clicking.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { withAppAndBrowser, T, signIn, hydrated, shot, collectErrors, EMPLOYEE, IT_AGENT } from './harness.mjs';

const app = withAppAndBrowser(before, after);

test('a question, the requester\'s reply, and the owner who hears of it', T, async () => {
  // The employee orders.
  const employeeContext = await app.browser.newContext();
  const employee = await employeeContext.newPage();
  const employeeErrors = collectErrors(employee);
  await signIn(employee, app.server.base, EMPLOYEE);
  await employee.locator('.item-grid').getByRole('link', { name: /Extra monitor/ }).click();
  await employee.waitForURL('**/catalog/extra-monitor');
  await hydrated(employee);
  await employee.getByLabel('Size').selectOption('27');
  await employee.getByLabel('How many').fill('1');
  await employee.getByLabel('Deliver to').selectOption('office');
  await employee.getByRole('button', { name: 'Submit request' }).click();
  await employee.waitForURL(/\/requests\/REQ-\d+$/);
  const number = employee.url().split('/').pop();

  // The agent finds it among requests nobody owns, takes it, and asks a question.
  const agentContext = await app.browser.newContext();
  const agent = await agentContext.newPage();
  const agentErrors = collectErrors(agent);
  await signIn(agent, app.server.base, IT_AGENT);
  await agent.getByRole('link', { name: 'Queue' }).click();
  await agent.waitForURL('**/queue');
  await agent.getByLabel('Owner').selectOption('nobody');
  await agent.getByRole('button', { name: 'Apply' }).click();
  await agent.waitForURL(/owner=nobody/);
  const unowned = agent.locator('.request-table tbody tr', { hasText: number });
  assert.equal(await unowned.locator('td.col-tablet').first().textContent(), 'Nobody yet');
  await agent.getByRole('link', { name: number }).click();
  await agent.waitForURL('**/requests/' + number);
  await agent.getByRole('button', { name: 'Take it' }).click();
  await agent.getByText(`${number} is yours.`).waitFor();
  await agent.getByText('You own this request').waitFor();
  await agent.getByRole('button', { name: 'Start work' }).click();
  await agent.locator('.request-meta .badge', { hasText: 'In fulfilment' }).waitFor();
  await agent.getByLabel('Note to the requester (optional)').fill('Which desk should it go to?');
  await agent.getByRole('button', { name: 'Wait on requester' }).click();
  await agent.locator('.request-meta .badge', { hasText: 'Waiting on requester' }).waitFor();

  // The employee's home page starts with what needs them; the question is at the top of the
  // request, answered there.
  await employee.getByRole('link', { name: 'Catalog' }).click();
  const needs = employee.locator('.needs-action');
  await needs.getByRole('heading', { name: 'Needs your action' }).waitFor();
  await shot(employee, '59-needs-your-action');
  await needs.getByRole('link', { name: new RegExp(number) }).click();
  await employee.waitForURL('**/requests/' + number);
  const banner = employee.locator('.waiting-banner');
  await banner.getByRole('heading', { name: 'Waiting on you' }).waitFor();
  assert.equal((await banner.locator('.question').textContent()).trim(), 'Which desk should it go to?');
  assert.match(await employee.locator('.request-owner').textContent(), /Owner: Ivan Petrov/);
  await shot(employee, '60-waiting-on-you');
  await banner.getByLabel('Your reply').fill('Desk 4, second floor.');
  await banner.getByRole('button', { name: 'Send reply' }).click();
  await employee.locator('.request-meta .badge', { hasText: 'In fulfilment' }).waitFor();
  await employee.locator('.waiting-banner').waitFor({ state: 'detached' });

  // The owner hears of it, and their queue, by last update, shows who replied at the top.
  await agent.getByRole('link', { name: 'Queue' }).click();
  await agent.waitForURL('**/queue');
  await agent.getByRole('link', { name: 'Updated', exact: true }).click();
  await agent.waitForURL(/sort=updated/);
  const first = agent.locator('.request-table tbody tr').first();
  assert.equal(await first.getByRole('link', { name: number }).count(), 1, 'the replied request is at the top');
  await first.locator('.reply-tag', { hasText: 'Requester replied' }).waitFor();
  assert.equal(await agent.locator('th[aria-sort="descending"]').textContent(), 'Updated ↓');
  await shot(agent, '61-queue-requester-replied');
  // Opening the notification marks it read and goes to the request.
  await agent.getByRole('link', { name: /Notifications/ }).click();
  await agent.waitForURL('**/notifications');
  const unread = async () => {
    const badge = agent.locator('.notifications-link .count-badge');
    return (await badge.count()) === 0 ? 0 : Number(await badge.textContent());
  };
  const unreadBefore = await unread();
  assert.ok(unreadBefore > 0);
  await agent.getByRole('link', { name: `Emma Clark replied on ${number}` }).first().click();
  await agent.waitForURL('**/requests/' + number);
  assert.equal(await unread(), unreadBefore - 1, 'the opened notification is read');
  await agent.locator('.reply-banner').waitFor();
  await agent.getByLabel('Add a comment').fill('It will be on desk 4 tomorrow.');
  await agent.getByRole('button', { name: 'Reply to requester' }).click();
  await agent.locator('.reply-banner').waitFor({ state: 'detached' });
  await agent.getByRole('link', { name: 'Queue' }).click();
  await agent.waitForURL('**/queue');
  await agent.locator('.request-table tbody tr', { hasText: number }).waitFor();
  assert.equal(await agent.locator('.request-table tbody tr', { hasText: number }).locator('.reply-tag').count(), 0);

  // Resolved; the employee finds it is not fixed and reopens it with a reason.
  await agent.getByRole('link', { name: number }).click();
  await agent.waitForURL('**/requests/' + number);
  await agent.getByRole('button', { name: 'Resolve' }).click();
  await agent.locator('.request-meta .badge', { hasText: 'Resolved' }).waitFor();
  await employee.getByRole('link', { name: 'My requests' }).click();
  await employee.getByRole('link', { name: number }).click();
  await employee.waitForURL('**/requests/' + number);
  await employee.getByRole('button', { name: 'Reopen' }).click();
  await employee.getByText('Say what is still wrong').waitFor();
  await employee.getByLabel('Reason (needed to reopen)').fill('It flickers when it warms up.');
  await employee.getByRole('button', { name: 'Reopen' }).click();
  await employee.locator('.request-meta .badge', { hasText: 'In fulfilment' }).waitFor();
  await employee.getByText('It flickers when it warms up.').waitFor();

  assert.deepEqual(employeeErrors, []);
  assert.deepEqual(agentErrors, []);
  await employeeContext.close();
  await agentContext.close();
});

test('on a phone, the queue keeps number, request and state, and says who owns each', T, async () => {
  const context = await app.browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await signIn(page, app.server.base, IT_AGENT);
  // On a phone the links are in the menu.
  await page.locator('.site-menu-button').click();
  await page.getByRole('link', { name: 'Queue' }).click();
  await page.waitForURL('**/queue');
  await page.locator('.request-table').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px too wide)`);
  assert.ok(await page.locator('.request-table .owner-line').first().isVisible());
  await shot(page, '62-queue-phone');
  await context.close();
});

test('a leave request is confidential: leadership gets 404 on it', T, async () => {
  const context = await app.browser.newContext();
  const page = await context.newPage();
  await signIn(page, app.server.base, EMPLOYEE);
  await page.locator('.item-grid').getByRole('link', { name: /Leave request/ }).click();
  await page.waitForURL('**/catalog/leave-request');
  await hydrated(page);
  await page.getByLabel('Type of leave').selectOption('annual');
  await page.getByLabel('First day').fill('2027-03-01');
  await page.getByLabel('Last day').fill('2027-03-05');
  // Monday to Friday holds five working days: six are refused as they are typed.
  await page.getByLabel('Working days').fill('6');
  await page.getByLabel('Working days').press('Tab');
  const tooMany = page.getByText('That is more than the working days (Monday to Friday)');
  await tooMany.waitFor();
  await page.getByLabel('Working days').fill('5');
  await page.getByLabel('Working days').press('Tab');
  await tooMany.waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Submit request' }).click();
  await page.waitForURL(/\/requests\/REQ-\d+$/);
  const number = page.url().split('/').pop();
  await page.locator('.confidential-tag').waitFor();
  await page.locator('.request-meta .badge', { hasText: 'Awaiting approval' }).waitFor();
  await context.close();

  const leaderContext = await app.browser.newContext();
  const leader = await leaderContext.newPage();
  await signIn(leader, app.server.base, 'leo.martin@atrium.example');
  // Leadership types the request's address (a number guessed or passed on): no link leads there.
  const response = await leader.goto(app.server.base + '/requests/' + number);
  assert.equal(response.status(), 404);
  assert.equal(await leader.getByText('Awaiting approval').count(), 0, 'nothing of the request shows');
  await leaderContext.close();
});

test('an agent takes two unowned requests with one bulk action and sets their priority', T, async () => {
  // Two new requests nobody owns yet.
  const employeeContext = await app.browser.newContext();
  const employee = await employeeContext.newPage();
  await signIn(employee, app.server.base, EMPLOYEE);
  const ordered = [];
  for (let i = 0; i < 2; i++) {
    if (i > 0) await employee.getByRole('link', { name: 'Catalog' }).click();
    await employee.locator('.item-grid').getByRole('link', { name: /Extra monitor/ }).click();
    await employee.waitForURL('**/catalog/extra-monitor');
    await hydrated(employee);
    await employee.getByLabel('Size').selectOption('24');
    await employee.getByLabel('How many').fill('1');
    await employee.getByLabel('Deliver to').selectOption('office');
    await employee.getByRole('button', { name: 'Submit request' }).click();
    await employee.waitForURL(/\/requests\/REQ-\d+$/);
    ordered.push(employee.url().split('/').pop());
  }
  await employeeContext.close();

  const context = await app.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await signIn(page, app.server.base, IT_AGENT);
  await page.getByRole('link', { name: 'Queue' }).click();
  await page.waitForURL('**/queue');
  await page.getByRole('link', { name: 'Unassigned in my teams' }).click();
  await page.waitForURL(/owner=nobody&team=mine/);
  assert.equal(await page.getByRole('link', { name: 'Unassigned in my teams' }).getAttribute('aria-current'), 'page');
  // The view puts the longest waiting first; the number's heading turns it round.
  await page.getByRole('link', { name: 'Number ↑' }).click();
  await page.waitForURL(/owner=nobody&team=mine$/);
  const numbers = ordered.sort();
  for (const number of numbers) await page.getByRole('link', { name: number }).waitFor();
  for (const number of numbers) await page.getByLabel(`Select ${number}`).check();
  await shot(page, '63-bulk-ticked');
  await page.getByRole('button', { name: 'Take them' }).click();
  await page.getByText(`Done for 2 of 2: ${numbers.join(', ')}.`).waitFor();
  // They left "nobody's yet" and are in "mine".
  for (const number of numbers) assert.equal(await page.getByRole('link', { name: number }).count(), 0);
  await page.getByRole('link', { name: 'My open' }).click();
  await page.waitForURL(/owner=me/);
  for (const number of numbers) await page.getByLabel(`Select ${number}`).check();
  await page.getByLabel('New priority').selectOption('high');
  await page.getByRole('button', { name: 'Set priority' }).click();
  await page.getByText(`Done for 2 of 2: ${numbers.join(', ')}.`).waitFor();
  for (const number of numbers) {
    const row = page.locator('.request-table tbody tr', { hasText: number });
    await row.locator('.priority', { hasText: 'High' }).waitFor();
  }
  await shot(page, '64-bulk-done');
  assert.deepEqual(errors, []);
  await context.close();
});

test('an employee orders for a colleague, who finds it among their requests', T, async () => {
  const context = await app.browser.newContext();
  const page = await context.newPage();
  const errors = collectErrors(page);
  await signIn(page, app.server.base, EMPLOYEE);
  await page.locator('.item-grid').getByRole('link', { name: /Extra monitor/ }).click();
  await page.waitForURL('**/catalog/extra-monitor');
  await hydrated(page);
  await page.getByLabel('Size').selectOption('27');
  await page.getByLabel('How many').fill('1');
  await page.getByLabel('Deliver to').selectOption('office');
  await page.getByText('Ordering for someone else?').click();
  await page.getByLabel('Who is it for?').fill('Daniel');
  await page.getByRole('button', { name: /Daniel Novak/ }).click();
  assert.equal(await page.getByLabel('Who is it for?').inputValue(), 'daniel.novak@atrium.example');
  await shot(page, '66-order-for-someone-else');
  await page.getByRole('button', { name: 'Submit request' }).click();
  await page.waitForURL(/\/requests\/REQ-\d+$/);
  const number = page.url().split('/').pop();
  await page.getByText('For Daniel Novak, requested by Emma Clark').waitFor();
  assert.deepEqual(errors, []);
  await context.close();

  const colleagueContext = await app.browser.newContext();
  const colleague = await colleagueContext.newPage();
  await signIn(colleague, app.server.base, 'daniel.novak@atrium.example');
  await colleague.getByRole('link', { name: 'My requests' }).click();
  await colleague.waitForURL('**/my-requests');
  await colleague.getByRole('link', { name: number }).click();
  await colleague.waitForURL('**/requests/' + number);
  await colleague.getByText('For Daniel Novak, requested by Emma Clark').waitFor();
  await colleague.getByRole('link', { name: /Notifications/ }).click();
  await colleague.getByRole('link', { name: 'Emma Clark ordered Extra monitor for you' }).waitFor();
  await colleagueContext.close();
});

test('a search that finds nothing offers each department\'s "Something else"', T, async () => {
  const context = await app.browser.newContext();
  const page = await context.newPage();
  const errors = collectErrors(page);
  await signIn(page, app.server.base, EMPLOYEE);
  await page.getByLabel('Search the catalog').fill('xylophone');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('heading', { name: /Nothing matches/ }).waitFor();
  const offered = page.locator('.something-else');
  await offered.getByRole('heading', { name: 'Not in the catalog? Ask a department directly' }).waitFor();
  await shot(page, '65-something-else');
  await offered.getByRole('link', { name: /Something else \(Facilities\)/ }).click();
  await page.waitForURL('**/catalog/facilities-enquiry');
  await hydrated(page);
  await page.getByLabel('Subject').fill('Zebra crossing at the car park');
  await page.getByLabel('What do you need?').fill('The paint has worn off; it is hard to see at night.');
  await page.getByRole('button', { name: 'Submit request' }).click();
  await page.waitForURL(/\/requests\/REQ-\d+$/);
  await page.getByRole('heading', { name: 'Something else (Facilities)' }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});
