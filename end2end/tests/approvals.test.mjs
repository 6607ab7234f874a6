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
  await manager.getByLabel('Reason for rejecting').fill('Your current phone covers travel; use roaming.');
  await manager.getByRole('button', { name: 'Reject' }).click();
  await manager.getByText(/You rejected REQ-\d+/).waitFor();
  await managerContext.close();

  await employee.goto(url);
  await employee.getByText('Rejected', { exact: true }).first().waitFor();
  await employee.getByText('Rejected at “Manager approval”: Your current phone covers travel; use roaming.').waitFor();
  await shot(employee, '32-rejected');
  await employeeContext.close();
});
