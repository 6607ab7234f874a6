// Service levels in a real browser: an agent sorts the queue by due time, opens a breached
// request and reads why it breached; the IT admin changes the department's calendar and sees
// an open request's due time move. After the first page, everyone moves by clicking.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { withAppAndBrowser, T, signIn, hydrated, shot, collectErrors, EMPLOYEE, IT_AGENT } from './harness.mjs';

const app = withAppAndBrowser(before, after);
const IT_ADMIN = 'ines.okafor@atrium.example';

test('an agent finds the breached request first and reads why it breached', T, async () => {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const agent = await context.newPage();
  const errors = collectErrors(agent);
  await signIn(agent, app.server.base, IT_AGENT);
  await agent.getByRole('link', { name: 'Queue' }).click();
  await agent.waitForURL('**/queue');
  // The "Due" heading orders by due time, soonest (breached) first.
  await agent.locator('thead').getByRole('link', { name: /^Due/ }).click();
  await agent.waitForURL(/sort=due/);
  const first = agent.locator('.request-table tbody tr').first();
  assert.equal((await first.locator('.sla-badge').textContent()).trim(), 'Breached');
  await shot(agent, '80-queue-due-soonest');
  const number = (await first.locator('td a').first().textContent()).trim();
  await first.getByRole('link', { name: number }).click();
  await agent.waitForURL('**/requests/' + number);
  await hydrated(agent);

  // The clocks say what happened, in words: the breached one is open already.
  const clocks = agent.locator('section.clocks');
  await clocks.getByRole('heading', { name: 'Service levels' }).waitFor();
  const breached = clocks.locator('.clock-breached').first();
  await breached.locator('.sla-badge', { hasText: 'Breached' }).waitFor();
  const story = await breached.locator('.clock-story ol').textContent();
  assert.match(story, /Started /);
  assert.match(story, /Breached .+ — \d+ h target on the Berlin office hours calendar\./);
  assert.equal(await breached.locator('.clock-story').getAttribute('open'), '');
  // The timeline says what the breach did.
  await agent.locator('.timeline').getByText(/SLA breached/).first().waitFor();
  await shot(agent, '81-breached-request-explained');
  await agent.setViewportSize({ width: 390, height: 844 });
  await shot(agent, '82-breached-request-phone');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the department admin shortens the working day and the due time moves', T, async () => {
  // The employee reports a problem: it is due within the IT calendar's working hours.
  const employeeContext = await app.browser.newContext();
  const employee = await employeeContext.newPage();
  await signIn(employee, app.server.base, EMPLOYEE);
  await employee.getByRole('link', { name: 'Catalog', exact: true }).click();
  await employee.locator('.item-grid').getByRole('link', { name: /Report a technical problem/ }).click();
  await employee.waitForURL('**/catalog/report-it-problem');
  await hydrated(employee);
  await employee.getByLabel('What is wrong?').fill('Scanner jams');
  await employee.getByLabel('Details').fill('The scanner on the 2nd floor jams on every page.');
  await employee.getByLabel('How many people are affected?').selectOption({ label: 'Just me' });
  await employee.getByRole('radio', { name: 'Yes' }).check();
  await employee.getByRole('button', { name: 'Submit request' }).click();
  await employee.waitForURL(/\/requests\/REQ-\d+$/);
  const number = employee.url().split('/').pop();
  // The requester sees the clocks too.
  await employee.locator('section.clocks .clock-running').first().waitFor();
  await employeeContext.close();

  const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const admin = await context.newPage();
  const errors = collectErrors(admin);
  await signIn(admin, app.server.base, IT_ADMIN);
  const openRequest = async () => {
    await admin.getByRole('link', { name: 'Queue' }).click();
    await admin.waitForURL('**/queue');
    await admin.getByLabel('Search').fill(number);
    await admin.getByRole('button', { name: 'Apply' }).click();
    await admin.waitForURL(/q=REQ/);
    await admin.getByRole('link', { name: number }).click();
    await admin.waitForURL('**/requests/' + number);
    const summary = admin.locator('section.clocks .clock', { has: admin.getByRole('heading', { name: /^Resolution/ }) })
      .locator('.clock-summary');
    return (await summary.textContent()).trim();
  };
  const before = await openRequest();
  assert.match(before, /^Due .+ left\)/);

  await admin.getByRole('link', { name: 'Catalog admin' }).click();
  await admin.waitForURL('**/admin/catalog');
  await admin.getByRole('link', { name: 'Business calendars' }).click();
  await admin.waitForURL('**/admin/calendars');
  await hydrated(admin);
  const calendar = admin.getByRole('article', { name: 'Berlin office hours' });
  for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']) {
    await calendar.getByLabel(day, { exact: true }).fill('08:00–09:00');
  }
  await calendar.getByRole('button', { name: 'Save calendar' }).click();
  await admin.getByText('Calendar saved.').waitFor();
  await calendar.getByText('Versions (2)').waitFor();
  await shot(admin, '83-calendar-changed');

  const after = await openRequest();
  assert.match(after, /^Due .+ left\)/);
  assert.notEqual(after, before, 'one working hour a day: the due time moves later');
  await shot(admin, '84-due-time-moved');
  assert.deepEqual(errors, []);
  await context.close();
});
