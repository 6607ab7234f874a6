// Approvals in a real browser: an employee orders an item that needs their manager's approval;
// the manager approves from the Approvals inbox in one click, or rejects with a reason that the
// employee then reads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { withAppAndBrowser, T, signIn, hydrated, shot, EMPLOYEE } from './harness.mjs';

const app = withAppAndBrowser(before, after);

/// Orders a mobile phone as the employee; returns the request's address and the approver's name.
async function orderPhone(page, why) {
  await page.goto(app.server.base + '/catalog/mobile-phone');
  await hydrated(page);
  await page.getByLabel('Model').selectOption('pixel');
  await page.getByLabel('No', { exact: true }).check();
  await page.getByLabel('Why do you need a company phone?').fill(why);
  await page.getByRole('button', { name: 'Submit request' }).click();
  await page.waitForURL(/\/requests\/REQ-\d+$/);
  await page.getByText('Awaiting approval').first().waitFor();
  const row = page.locator('.approvals-table tbody tr').first();
  const cells = await row.locator('td').allTextContents();
  assert.equal(cells[0], 'Manager approval');
  assert.equal(cells[2], 'Waiting');
  return { url: page.url(), approver: cells[1] };
}

const emailOf = (name) => name.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(' ', '.') + '@atrium.example';

test('a manager approves from the inbox in one click; the employee sees it approved', T, async () => {
  const employeeContext = await app.browser.newContext();
  const employee = await employeeContext.newPage();
  await signIn(employee, app.server.base, EMPLOYEE);
  const { url, approver } = await orderPhone(employee, 'On call for enterprise customers every other week.');
  await shot(employee, '30-awaiting-approval');

  const managerContext = await app.browser.newContext();
  const manager = await managerContext.newPage();
  await signIn(manager, app.server.base, emailOf(approver));
  // The header counts what waits on them.
  await manager.getByRole('link', { name: /Approvals\s*1/ }).click();
  await manager.waitForURL('**/approvals');
  await hydrated(manager);
  await manager.getByRole('heading', { name: 'Mobile phone' }).waitFor();
  await shot(manager, '31-approvals-inbox');
  await manager.getByRole('button', { name: 'Approve' }).click();
  await manager.getByText(/You approved REQ-\d+\. Every approval is in/).waitFor();
  await manager.getByText('Nothing waits on you.').waitFor();
  await managerContext.close();

  await employee.goto(url);
  await employee.getByText('Approved', { exact: true }).first().waitFor();
  await employee.getByText('approved (Manager approval)').waitFor();
  await employeeContext.close();
});

test('a rejection needs a reason, which the employee reads on the request', T, async () => {
  const employeeContext = await app.browser.newContext();
  const employee = await employeeContext.newPage();
  await signIn(employee, app.server.base, EMPLOYEE);
  const { url, approver } = await orderPhone(employee, 'I would like a second phone for travel.');

  const managerContext = await app.browser.newContext();
  const manager = await managerContext.newPage();
  await signIn(manager, app.server.base, emailOf(approver));
  await manager.goto(url);
  await hydrated(manager);
  await manager.getByLabel('Comment (a reason is needed to reject)').fill('Your current phone covers travel; use roaming.');
  await manager.getByRole('button', { name: 'Reject' }).click();
  await manager.getByText(/You rejected REQ-\d+/).waitFor();
  await managerContext.close();

  await employee.goto(url);
  await employee.getByText('Rejected', { exact: true }).first().waitFor();
  await employee.getByText('Rejected at “Manager approval”: Your current phone covers travel; use roaming.').waitFor();
  await shot(employee, '32-rejected');
  await employeeContext.close();
});

test('an admin adds an approval stage in the designer; the next order waits for it', T, async () => {
  const adminContext = await app.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const admin = await adminContext.newPage();
  await signIn(admin, app.server.base, 'sofia.alvarez@atrium.example');
  await admin.goto(app.server.base + '/admin/catalog/extra-monitor');
  await hydrated(admin);
  await admin.getByRole('button', { name: 'Add approval stage' }).click();
  await admin.locator('#a0-name').fill('Manager and IT approval');
  await admin.locator('#a0-name').blur();
  await admin.locator('#a0-decision').selectOption('all');
  await admin.getByRole('button', { name: 'Add approver' }).click();
  await admin.locator('#a0-approver-1').selectOption('user');
  await admin.locator('#a0-approver-1-value').fill('nobody@atrium.example');
  await admin.locator('#a0-approver-1-value').blur();
  // An approver who does not exist is refused when saving, with the reason.
  await admin.getByRole('button', { name: 'Save draft' }).click();
  await admin.getByText('nobody with the email nobody@atrium.example can sign in').waitFor();
  await admin.locator('#a0-approver-1-value').fill('ivan.petrov@atrium.example');
  await admin.locator('#a0-approver-1-value').blur();
  await admin.getByRole('button', { name: 'Save draft' }).click();
  await admin.getByRole('button', { name: 'Saved' }).waitFor();
  await shot(admin, '33-approval-designer');
  await admin.getByRole('button', { name: 'Publish…' }).click();
  await admin.getByRole('button', { name: /^Publish version \d+$/ }).click();
  await admin.getByText(/Published version 2\./).waitFor();
  await adminContext.close();

  const employeeContext = await app.browser.newContext();
  const employee = await employeeContext.newPage();
  await signIn(employee, app.server.base, EMPLOYEE);
  await employee.goto(app.server.base + '/catalog/extra-monitor');
  await hydrated(employee);
  await employee.getByLabel('Size').selectOption({ index: 1 });
  await employee.getByLabel('Deliver to').selectOption({ index: 1 });
  await employee.getByRole('button', { name: 'Submit request' }).click();
  await employee.waitForURL(/\/requests\/REQ-\d+$/);
  await employee.getByText('Awaiting approval').first().waitFor();
  const approvers = await employee.locator('.approvals-table tbody tr td:nth-child(2)').allTextContents();
  assert.deepEqual(approvers.sort(), ['Ivan Petrov', 'Sven Lindqvist']);
  await employeeContext.close();
});

test('a delegate approves for an absent manager, and it shows on the request', T, async () => {
  const managerContext = await app.browser.newContext();
  const manager = await managerContext.newPage();
  await signIn(manager, app.server.base, 'sven.lindqvist@atrium.example');
  await manager.goto(app.server.base + '/approvals');
  await hydrated(manager);
  const today = new Date().toISOString().slice(0, 10);
  const nextWeek = new Date(Date.now() + 7 * 86400000).toISOString().slice(0, 10);
  await manager.getByLabel("Colleague's email").fill('ivan.petrov@atrium.example');
  await manager.getByLabel('First day').fill(today);
  await manager.getByLabel('Last day').fill(nextWeek);
  await manager.getByRole('button', { name: 'Add delegation' }).click();
  await manager.getByText(`Ivan Petrov approves for you from ${today} to ${nextWeek}`).waitFor();
  await shot(manager, '34-delegation');
  await managerContext.close();

  const employeeContext = await app.browser.newContext();
  const employee = await employeeContext.newPage();
  await signIn(employee, app.server.base, EMPLOYEE);
  await employee.goto(app.server.base + '/catalog/mobile-phone');
  await hydrated(employee);
  await employee.getByLabel('Model').selectOption('iphone');
  await employee.getByLabel('No', { exact: true }).check();
  await employee.getByLabel('Why do you need a company phone?').fill('Standby duty for the payments platform.');
  await employee.getByRole('button', { name: 'Submit request' }).click();
  await employee.waitForURL(/\/requests\/REQ-\d+$/);
  const url = employee.url();
  await employee.locator('.approvals-table').getByText('Ivan Petrov (for Sven Lindqvist)').waitFor();

  const delegateContext = await app.browser.newContext();
  const delegate = await delegateContext.newPage();
  await signIn(delegate, app.server.base, 'ivan.petrov@atrium.example');
  await delegate.goto(app.server.base + '/approvals');
  await hydrated(delegate);
  const card = delegate.locator('.approval-card', { hasText: 'For Sven Lindqvist, who is away' });
  await card.waitFor();
  await card.getByRole('button', { name: 'Approve' }).click();
  await delegate.getByText(/You approved REQ-\d+/).waitFor();
  await delegateContext.close();

  await employee.goto(url);
  await employee.getByText('Approved', { exact: true }).first().waitFor();
  await employeeContext.close();
});

test('a manager approves two requests at once from cards that show the answers that matter', T, async () => {
  const employeeContext = await app.browser.newContext();
  const employee = await employeeContext.newPage();
  await signIn(employee, app.server.base, EMPLOYEE);
  const first = await orderPhone(employee, 'On call every other week.');
  const second = await orderPhone(employee, 'A second line for the support rota.');
  await employeeContext.close();
  const numbers = [first.url, second.url].map((u) => u.split('/').pop()).sort();

  // The manager, or the colleague approving for them while they are away (an earlier journey).
  const approver = first.approver.replace(/ \(for .*\)$/, '');
  const managerContext = await app.browser.newContext();
  const manager = await managerContext.newPage();
  await signIn(manager, app.server.base, emailOf(approver));
  await manager.getByRole('link', { name: /Approvals\s*\d+/ }).click();
  await manager.waitForURL('**/approvals');
  for (const number of numbers) {
    const card = manager.locator('.approval-card', { hasText: number });
    // The key facts the item's designer marked: the model and the data plan.
    await card.locator('.facts', { hasText: 'Pixel' }).waitFor();
    await manager.getByLabel(`Select ${number}`).check();
  }
  await shot(manager, '33-approve-several');
  await manager.getByLabel('Comment for all (a reason is needed to reject)').fill('Both fine.');
  await manager.getByRole('button', { name: 'Approve ticked' }).click();
  await manager.getByText(`Done for 2 of 2: ${numbers.join(', ')}.`).waitFor();
  for (const number of numbers) {
    assert.equal(await manager.locator('.approval-card', { hasText: number }).count(), 0, `${number} is decided`);
  }
  // Their decisions are listed below.
  const past = manager.locator('section', { has: manager.getByRole('heading', { name: 'Your recent decisions' }) });
  for (const number of numbers) await past.getByRole('link', { name: new RegExp(number) }).waitFor();
  await managerContext.close();
});
