// The whole onboarding journey in a real browser: an employee orders onboarding; their manager
// approves from the inbox; HR completes its paperwork from the team's task queue; IT's and
// Facilities' tasks then open together and agents of those teams complete them; the request
// resolves by itself; the employee rates the service.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { withAppAndBrowser, T, signIn, hydrated, shot, EMPLOYEE, IT_AGENT } from './harness.mjs';

const app = withAppAndBrowser(before, after);

const MANAGER = 'sven.lindqvist@atrium.example';
const HR_AGENT = 'helga.berg@atrium.example';
const FACILITIES_AGENT = 'frank.dubois@atrium.example';

async function as(email, viewport) {
  const context = await app.browser.newContext(viewport ? { viewport } : {});
  const page = await context.newPage();
  await signIn(page, app.server.base, email);
  return { context, page };
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

const card = (page, title) => page.getByRole('listitem', { name: `Task: ${title}` });

test('onboarding: approval, HR, then IT and Facilities in parallel, resolved, rated', T, async () => {
  // The employee orders onboarding for a new colleague.
  const employee = await as(EMPLOYEE);
  let page = employee.page;
  await page.goto(app.server.base + '/catalog/new-hire-onboarding');
  await hydrated(page);
  await page.getByLabel("New hire's full name").fill('Ada Lovelace');
  await page.getByLabel('Personal email').fill('ada@example.org');
  await page.getByLabel('Job title').fill('Analyst');
  await page.getByLabel('Joining department').selectOption('sales');
  await page.getByLabel('Start date').fill('2031-09-01');
  await page.getByLabel('Laptop').selectOption('macbook-air');
  await page.getByLabel('No', { exact: true }).check();
  await page.getByLabel('Email and calendar').check();
  await page.getByRole('button', { name: 'Submit request' }).click();
  await page.waitForURL(/\/requests\/REQ-\d+$/);
  const url = page.url();
  const number = url.split('/').pop();
  await page.getByText('Awaiting approval').first().waitFor();

  // Their manager approves from the inbox.
  const manager = await as(MANAGER);
  await manager.page.getByRole('link', { name: /Approvals\s*1/ }).click();
  await hydrated(manager.page);
  await manager.page.getByRole('heading', { name: 'New-hire onboarding' }).waitFor();
  await manager.page.getByRole('button', { name: 'Approve' }).click();
  await manager.page.getByText(/You approved REQ-\d+\. Every approval is in/).waitFor();
  await manager.context.close();

  // HR's paperwork is the only open task; it waits in People Operations' queue.
  const hr = await as(HR_AGENT, { width: 1280, height: 900 });
  page = hr.page;
  await page.getByRole('link', { name: 'Tasks' }).click();
  await page.waitForURL('**/tasks');
  await hydrated(page);
  const paperwork = card(page, 'Contract and paperwork');
  await paperwork.waitFor();
  assert.ok(await paperwork.getByText(number).isVisible());
  await shot(page, '40-hr-task-queue');
  await paperwork.getByRole('button', { name: 'Take “Contract and paperwork”' }).click();
  await page.getByText(`“Contract and paperwork” on ${number} is yours.`).waitFor();
  await card(page, 'Contract and paperwork').getByText('Assigned to Helga Berg').waitFor();
  await card(page, 'Contract and paperwork').getByLabel('Note (optional)').fill('Contract signed and filed.');
  await card(page, 'Contract and paperwork').getByRole('button', { name: 'Mark “Contract and paperwork” done' }).click();
  await page.getByText(`“Contract and paperwork” on ${number} is done.`).waitFor();
  await hr.context.close();

  // IT and Facilities tasks are open together; an IT agent completes IT's from the request.
  const it = await as(IT_AGENT, { width: 1280, height: 1000 });
  page = it.page;
  await page.goto(url);
  await hydrated(page);
  const laptop = card(page, 'Laptop and accounts');
  const desk = card(page, 'Desk and badge');
  assert.equal(await laptop.locator('.task-state').textContent(), 'Open');
  assert.equal(await desk.locator('.task-state').textContent(), 'Open');
  await page.getByText('1 of 3 tasks done.', { exact: false }).waitFor();
  // IT cannot do Facilities' task.
  assert.equal(await desk.getByRole('button', { name: /Mark .* done/ }).count(), 0);
  await shot(page, '41-parallel-tasks');
  // A note with a file for the record: uploaded when chosen, listed on the comment.
  await page.getByLabel('Add a comment').fill('Laptop imaged; the hand-over sheet is attached. @frank.dubois the desk is yours.');
  await page.locator('#comment-files').setInputFiles({ name: 'handover.pdf', mimeType: 'application/pdf', buffer: PDF });
  await page.getByRole('button', { name: 'Remove the file handover.pdf' }).waitFor();
  await page.getByRole('button', { name: 'Reply to requester' }).click();
  await page.locator('.timeline').getByRole('link', { name: 'handover.pdf' }).waitFor();
  await laptop.getByRole('button', { name: 'Mark “Laptop and accounts” done' }).click();
  await page.getByText(`“Laptop and accounts” on ${number} is done.`).waitFor();
  await it.context.close();

  // Facilities completes the last task: the request resolves by itself.
  const facilities = await as(FACILITIES_AGENT);
  page = facilities.page;
  await page.goto(app.server.base + '/tasks?show=open');
  await hydrated(page);
  await page.getByRole('link', { name: /Notifications\s*\d+/ }).waitFor();
  // A task is done by whoever has it: if the team's rule gave it to a colleague, take it over.
  const takeDesk = card(page, 'Desk and badge').getByRole('button', { name: 'Take “Desk and badge”' });
  if (await takeDesk.count()) {
    await takeDesk.click();
    await page.getByText(/“Desk and badge” on REQ-\d+ is yours\./).waitFor();
  }
  await card(page, 'Desk and badge').getByRole('button', { name: 'Mark “Desk and badge” done' }).click();
  await page.getByText('Every task is done: the request is resolved.', { exact: false }).waitFor();
  await facilities.context.close();

  // The employee sees it resolved, with the story, and rates it once.
  page = employee.page;
  await page.goto(url);
  await hydrated(page);
  await page.locator('.request-meta').getByText('Resolved', { exact: true }).waitFor();
  // They read that the paperwork was done; HR's note was for those who work on it.
  await page.getByText('completed “Contract and paperwork”', { exact: true }).waitFor();
  assert.equal(await page.getByText('Contract signed and filed.', { exact: false }).count(), 0);
  await page.getByText('3 of 3 tasks done.', { exact: false }).waitFor();
  await page.getByLabel('5 · excellent').check();
  await page.getByLabel('Anything to add? (optional)').fill('Ada had everything on her first day.');
  await page.getByRole('button', { name: 'Send rating' }).click();
  await page.getByRole('region', { name: 'Rating' }).getByText('5 out of 5').waitFor();
  await page.getByText('rated the service 5 out of 5: “Ada had everything on her first day.”').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Send rating' }).count(), 0);
  await shot(page, '42-resolved-and-rated');
  // The notification centre told them along the way.
  await page.getByRole('link', { name: /Notifications\s*\d+/ }).click();
  await page.waitForURL('**/notifications');
  await hydrated(page);
  await page.getByRole('link', { name: `${number} New-hire onboarding is resolved` }).waitFor();
  await page.getByRole('link', { name: `${number} New-hire onboarding is approved` }).waitFor();
  await shot(page, '43-notifications');
  await page.getByRole('button', { name: 'Mark all read' }).click();
  await page.getByText('Nothing unread.').waitFor();
  await employee.context.close();
});

test('a task goes to another department’s team with a reason, and works without JavaScript', T, async () => {
  const employee = await as(EMPLOYEE);
  await employee.page.goto(app.server.base + '/catalog/mobile-phone');
  await hydrated(employee.page);
  await employee.page.getByLabel('Model').selectOption('pixel');
  await employee.page.getByLabel('No', { exact: true }).check();
  await employee.page.getByLabel('Why do you need a company phone?').fill('On call for enterprise customers.');
  await employee.page.getByRole('button', { name: 'Submit request' }).click();
  await employee.page.waitForURL(/\/requests\/REQ-\d+$/);
  const url = employee.page.url();
  await employee.context.close();
  const manager = await as(MANAGER);
  await manager.page.goto(url);
  await hydrated(manager.page);
  await manager.page.getByRole('button', { name: 'Approve' }).click();
  await manager.page.getByText(/You approved REQ-\d+/).waitFor();
  await manager.context.close();

  // Without JavaScript: plain form posts, and the page comes back.
  const context = await app.browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, app.server.base, IT_AGENT);
  await page.goto(url);
  const order = card(page, 'Order the phone');
  await order.locator('summary').click();
  await order.getByLabel('Team').selectOption({ label: 'Finance · Procurement' });
  await order.getByLabel('Why').fill('Procurement orders devices this quarter.');
  await order.getByRole('button', { name: 'Send to that team' }).click();
  await page.waitForURL(url);
  await page.getByText('sent “Order the phone” from IT · Service Desk to Finance · Procurement: “Procurement orders devices this quarter.”').waitFor();
  await card(page, 'Order the phone').getByText('Finance · Procurement').waitFor();
  await context.close();
});

test('an admin designs a task plan with a cross-department step; the next order gets its tasks', T, async () => {
  const admin = await as('sofia.alvarez@atrium.example', { width: 1400, height: 1000 });
  let page = admin.page;
  await page.goto(app.server.base + '/admin/catalog/extra-monitor');
  await hydrated(page);
  await page.getByRole('button', { name: 'Add task' }).click();
  await page.locator('#t0-title').fill('Deliver the monitor');
  await page.locator('#t0-title').blur();
  await page.locator('#t0-team').selectOption({ label: 'IT · End-User Computing' });
  await page.getByRole('button', { name: 'Add task' }).click();
  await page.locator('#t1-title').fill('Check the desk ergonomics');
  await page.locator('#t1-title').blur();
  // A second task starts after the first by default; the admin makes it run in parallel.
  assert.ok(await page.locator('#t1-after-task-1').isChecked());
  await page.locator('#t1-after-task-1').uncheck();
  // No team yet: saving explains what is missing.
  await page.getByRole('button', { name: 'Save draft' }).click();
  await page.getByText('“Check the desk ergonomics”: choose the team that does it').first().waitFor();
  await page.locator('#t1-team').selectOption({ label: 'Facilities · Workplace Services' });
  await page.locator('#t1-hours').fill('8');
  await page.locator('#t1-hours').blur();
  await page.getByRole('button', { name: 'Save draft' }).click();
  await page.getByRole('button', { name: 'Saved' }).waitFor();
  await shot(page, '44-task-plan-designer');
  await page.getByRole('button', { name: 'Publish…' }).click();
  await page.getByRole('button', { name: /^Publish version \d+$/ }).click();
  await page.getByText(/Published version \d+\./).waitFor();
  await admin.context.close();

  const employee = await as(EMPLOYEE);
  page = employee.page;
  await page.goto(app.server.base + '/catalog/extra-monitor');
  await hydrated(page);
  await page.getByLabel('Size').selectOption({ index: 1 });
  await page.getByLabel('Deliver to').selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Submit request' }).click();
  await page.waitForURL(/\/requests\/REQ-\d+$/);
  // No approval on this item: straight to fulfilment, both tasks open at once.
  await page.locator('.request-meta').getByText('In fulfilment', { exact: true }).waitFor();
  assert.equal(await card(page, 'Deliver the monitor').locator('.task-state').textContent(), 'Open');
  assert.equal(await card(page, 'Check the desk ergonomics').locator('.task-state').textContent(), 'Open');
  await employee.context.close();
});
