// The agent's desk in a real browser: an outage reported as affecting a whole site arrives as
// Critical; the agent sees who reported it and their other open requests, puts a reply template
// into the reply box, and closes the second report as a duplicate of the first. After the first
// page, everyone moves by clicking.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { withAppAndBrowser, T, signIn, hydrated, shot, collectErrors, EMPLOYEE, IT_AGENT } from './harness.mjs';

const app = withAppAndBrowser(before, after);

async function reportOutage(page, summary) {
  await page.getByRole('link', { name: 'Catalog', exact: true }).click();
  await page.locator('.item-grid').getByRole('link', { name: /Report a technical problem/ }).click();
  await page.waitForURL('**/catalog/report-it-problem');
  await hydrated(page);
  await page.getByLabel('What is wrong?').fill(summary);
  await page.getByLabel('Details').fill('The printers on the 3rd floor print nothing at all.');
  await page.getByLabel('How many people are affected?').selectOption({ label: 'Many people or a whole site' });
  await page.getByRole('radio', { name: 'Yes' }).check();
  await page.getByRole('button', { name: 'Submit request' }).click();
  await page.waitForURL(/\/requests\/REQ-\d+$/);
  return page.url().split('/').pop();
}

test('a site-wide outage arrives as critical; the agent answers from a template and closes the duplicate', T, async () => {
  const employeeContext = await app.browser.newContext();
  const employee = await employeeContext.newPage();
  const employeeErrors = collectErrors(employee);
  await signIn(employee, app.server.base, EMPLOYEE);
  const first = await reportOutage(employee, 'Printers down');
  // The impact answer set the priority.
  await employee.locator('.request-meta .priority-critical', { hasText: 'Critical' }).waitFor();
  const second = await reportOutage(employee, 'Cannot print');

  const agentContext = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const agent = await agentContext.newPage();
  const agentErrors = collectErrors(agent);
  await signIn(agent, app.server.base, IT_AGENT);
  await agent.getByRole('link', { name: 'Queue' }).click();
  await agent.waitForURL('**/queue');
  await agent.getByRole('link', { name: second }).click();
  await agent.waitForURL('**/requests/' + second);
  await hydrated(agent);

  // Who reported it, and what else of theirs is open.
  const requester = agent.locator('.requester-panel');
  await requester.getByRole('heading', { name: 'Requester' }).waitFor();
  assert.match(await requester.textContent(), /Emma Clark/);
  await requester.getByRole('link', { name: first }).waitFor();

  // A reply template, filled in for this request, lands in the reply box.
  await agent.getByLabel('Reply template').selectOption({ label: 'Need more details' });
  await agent.getByRole('button', { name: 'Use', exact: true }).click();
  await agent.waitForURL(/template=\d+/);
  await hydrated(agent);
  const box = agent.getByLabel('Add a comment');
  assert.match(await box.inputValue(), new RegExp(`^Hello Emma,[\\s\\S]*${second}[\\s\\S]*Ivan Petrov, IT$`));
  await shot(agent, '70-reply-template');
  await agent.getByRole('button', { name: 'Reply to requester' }).click();
  await agent.locator('.timeline').getByText('we need a little more').waitFor();
  // Sent: the box is empty again, not filled with the template a second time.
  assert.equal(await agent.getByLabel('Add a comment').inputValue(), '');

  // Closed as a duplicate of the first: the page says so and links to it.
  await agent.locator('.duplicate-form summary').click();
  await agent.getByLabel('Duplicate of (the request that goes on)').fill(first);
  await agent.getByLabel('What the requester is told (optional)').fill('Same outage: we follow it up there.');
  await agent.getByRole('button', { name: 'Close as duplicate' }).click();
  await agent.getByText(`${second} is closed as a duplicate of ${first}`).waitFor();
  await agent.locator('.request-meta .badge', { hasText: 'Cancelled' }).waitFor();
  const links = agent.locator('.links-panel');
  assert.match(await links.textContent(), /Duplicate of/);
  await shot(agent, '71-closed-as-duplicate');
  await links.getByRole('link', { name: first }).click();
  await agent.waitForURL('**/requests/' + first);
  assert.match(await agent.locator('.links-panel').textContent(), /Duplicate of this one/);

  // The requester hears of it, and follows the request that goes on.
  await employee.getByRole('link', { name: /Notifications/ }).click();
  await employee.waitForURL('**/notifications');
  await employee.getByText(`${second} Report a technical problem is closed as a duplicate of ${first}`).first().waitFor();
  // Mail per kind of event: replies in the daily digest, approvals at once.
  await employee.getByLabel('Replies, comments and mentions').selectOption({ label: 'Email me one daily digest' });
  await employee.getByRole('button', { name: 'Save', exact: true }).click();
  await employee.getByText('Saved.').waitFor();
  assert.equal(await employee.getByLabel('Replies, comments and mentions').inputValue(), 'daily');
  assert.equal(await employee.getByLabel('Approvals').inputValue(), 'immediate');
  await shot(employee, '73-mail-choices');

  // On a phone, the request with its panels still reads from top to bottom.
  await agent.setViewportSize({ width: 390, height: 844 });
  await shot(agent, '72-links-phone');
  const overflow = await agent.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page is ${overflow}px wider than the phone`);

  assert.deepEqual(employeeErrors, []);
  assert.deepEqual(agentErrors, []);
  await employeeContext.close();
  await agentContext.close();
});
