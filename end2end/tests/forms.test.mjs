// Repeating groups, attachments and the richer rule editor, in a real browser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { withAppAndBrowser, T, signIn, hydrated, shot, EMPLOYEE } from './harness.mjs';

const FINANCE_ADMIN = 'farah.haddad@atrium.example';
const app = withAppAndBrowser(before, after);

// The smallest files recognisable by their content.
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

test('an employee adds visitors row by row; rows are checked one by one and shown as a table', T, async () => {
  const context = await app.browser.newContext({ viewport: { width: 1200, height: 1000 } });
  const page = await context.newPage();
  await signIn(page, app.server.base, EMPLOYEE);
  await page.goto(app.server.base + '/catalog/visitor-passes');
  await hydrated(page);
  await page.getByLabel('Day of the visit').fill('2031-03-04');
  await page.getByLabel('Host').fill('petr');
  await page.getByRole('button', { name: /Ivan Petrov — ivan\.petrov@atrium\.example/ }).click();
  await page.getByLabel('No', { exact: true }).check();

  // One row to begin with; two more added, the middle one removed again.
  const group = page.locator('[data-field="visitors"]');
  assert.equal(await group.locator('.group-row').count(), 1);
  await page.getByRole('button', { name: 'Add a row to “Visitors”' }).click();
  await page.getByRole('button', { name: 'Add a row to “Visitors”' }).click();
  assert.equal(await group.locator('.group-row').count(), 3);
  await page.locator('[id="field-visitors.1.name"]').fill('Someone Else');
  await page.getByRole('button', { name: 'Remove row 2 of Visitors' }).click();
  assert.equal(await group.locator('.group-row').count(), 2);
  await group.getByText('Visitors 2').waitFor();

  await page.locator('[id="field-visitors.0.name"]').fill('Ada Lovelace');
  await page.locator('[id="field-visitors.0.company"]').fill('Analytical Engines');
  // The second visitor has a company but no name yet, and a mistyped email.
  await page.locator('[id="field-visitors.2.company"]').fill('US Navy');
  await page.locator('[id="field-visitors.2.email"]').fill('grace-at-navy');
  // Leave the field first: its message appears on leaving, and would move the button.
  await page.keyboard.press('Tab');
  await page.getByRole('button', { name: 'Submit request' }).click();
  await page.getByText('Full name is required.').waitFor();
  await page.getByText('Enter an email address like name@example.com.').waitFor();
  await shot(page, '20-group-errors');
  await page.locator('[id="field-visitors.2.name"]').fill('Grace Hopper');
  await page.locator('[id="field-visitors.2.email"]').fill('grace@navy.example');
  await page.getByRole('button', { name: 'Submit request' }).click();
  await page.waitForURL(/\/requests\/REQ-\d+$/);

  const table = page.locator('table.answer-rows');
  await table.waitFor();
  assert.deepEqual(await table.locator('th').allTextContents(), ['Full name', 'Company', 'Email']);
  assert.deepEqual(await table.locator('tbody tr').first().locator('td').allTextContents(), ['Ada Lovelace', 'Analytical Engines', '']);
  assert.deepEqual(await table.locator('tbody tr').nth(1).locator('td').allTextContents(), ['Grace Hopper', 'US Navy', 'grace@navy.example']);
  await shot(page, '21-group-request');
  await context.close();
});

test('a receipt is checked by its content, uploaded, and downloadable from the request', T, async () => {
  const context = await app.browser.newContext({ viewport: { width: 1200, height: 1000 } });
  const page = await context.newPage();
  await signIn(page, app.server.base, EMPLOYEE);
  await page.goto(app.server.base + '/catalog/expense-reimbursement');
  await hydrated(page);
  await page.getByLabel('Amount').fill('42.50');
  await page.getByLabel('Date of expense').fill('2026-11-02');
  await page.getByLabel('Category').selectOption('meals');
  await page.getByLabel('What was it for?').fill('Lunch with a client');

  // Submitting without the receipt is refused in the browser.
  await page.getByRole('button', { name: 'Submit request' }).click();
  await page.getByText('Receipt is required.').waitFor();

  // A PNG dressed up as a PDF is refused, with the reason.
  const input = page.locator('#field-receipt');
  await input.setInputFiles({ name: 'receipt.pdf', mimeType: 'application/pdf', buffer: PNG });
  await page.getByText('“receipt.pdf” does not match its content').waitFor();
  // The real PDF is accepted.
  await input.setInputFiles({ name: 'receipt.pdf', mimeType: 'application/pdf', buffer: PDF });
  await page.getByText(/Attached: receipt\.pdf/).waitFor();
  assert.equal(await page.getByText('“receipt.pdf” does not match its content').count(), 0);
  // Taken away again, the receipt is missing once more, and the input has the focus back.
  await page.getByRole('button', { name: 'Remove the file receipt.pdf' }).click();
  await page.getByText('Receipt is required.').waitFor();
  await page.getByText('PDF or image (PNG, JPEG, GIF, WebP), up to 5 MB.').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'field-receipt');
  // While the file is on its way (held back here), the request waits for it.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route('**/attachments?item=*', async (route) => { await held; await route.continue(); });
  await input.setInputFiles({ name: 'receipt.pdf', mimeType: 'application/pdf', buffer: PDF });
  await page.getByText('Uploading…').waitFor();
  await page.getByRole('button', { name: 'Submit request' }).click();
  await page.getByText('The file is still uploading: send the request once it is attached.').waitFor();
  await page.getByText('1 answer needs attention.').waitFor();
  assert.match(page.url(), /\/catalog\/expense-reimbursement$/);
  release();
  await page.getByText(/Attached: receipt\.pdf/).waitFor();
  await page.unroute('**/attachments?item=*');
  assert.equal(await page.getByText('The file is still uploading').count(), 0);
  assert.equal(await page.getByText('Receipt is required.').count(), 0);
  await shot(page, '22-attachment');
  await page.getByRole('button', { name: 'Submit request' }).click();
  await page.waitForURL(/\/requests\/REQ-\d+$/);

  const link = page.getByRole('link', { name: 'receipt.pdf' });
  await link.waitFor();
  const href = await link.getAttribute('href');
  const download = await page.request.get(app.server.base + href);
  assert.equal(download.status(), 200);
  assert.equal(download.headers()['content-type'], 'application/pdf');
  assert.deepEqual(Buffer.from(await download.body()), PDF);
  await context.close();

  // Someone who may not see the request cannot fetch its file either.
  const other = await app.browser.newContext();
  const stranger = await other.newPage();
  await signIn(stranger, app.server.base, 'daniel.novak@atrium.example');
  assert.equal((await stranger.request.get(app.server.base + href)).status(), 404);
  await other.close();
});

test('a finance admin combines conditions, limits options, and restricts an item to a role', T, async () => {
  const context = await app.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await signIn(page, app.server.base, FINANCE_ADMIN);
  await page.goto(app.server.base + '/admin/catalog/purchase-request');
  await hydrated(page);

  // A second rule: when the amount is over 10,000 OR the cost centre is Technology, only
  // the Operations and Technology cost centres may be chosen… (a contrived but visible rule).
  await page.getByRole('button', { name: 'Add rule' }).click();
  const rule = page.locator('.rule-editor').nth(1);
  await rule.locator('#r1-field-0').selectOption('amount');
  await rule.locator('#r1-op-0').selectOption('is greater than');
  await rule.locator('#r1-value-0').fill('10000');
  await rule.locator('#r1-value-0').blur();
  await rule.getByRole('button', { name: 'Add condition' }).click();
  await rule.locator('#r1-field-1').selectOption('supplier');
  await rule.locator('#r1-op-1').selectOption('contains');
  await rule.locator('#r1-value-1').fill('cloud');
  await rule.locator('#r1-value-1').blur();
  await rule.locator('#r1-join').selectOption('any');
  await rule.locator('#r1-effect-0').selectOption('restrict_options');
  await rule.locator('#r1-target-0').selectOption('cost_center');
  await rule.getByLabel('200 — Sales & Marketing').uncheck();
  await rule.getByLabel('400 — People').uncheck();

  // The preview follows: with a cloud supplier only two cost centres remain.
  const preview = page.locator('.preview');
  const options = preview.locator('#field-cost_center option:not([hidden])');
  assert.equal(await options.count(), 5, 'the prompt and four cost centres');
  await preview.locator('#field-supplier').fill('Acme Cloud');
  await preview.locator('#field-supplier').blur();
  await page.waitForFunction(() => document.querySelectorAll('.preview #field-cost_center option:not([hidden])').length === 3);
  await shot(page, '23-rule-any-restrict');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await page.getByRole('button', { name: 'Saved' }).waitFor();

  // Who may order: agents only.
  await page.getByLabel('Only people with one of these roles').check();
  await page.locator('#audience-role-agent').check();
  await page.getByRole('button', { name: 'Save who may order' }).click();
  await page.getByText('Saved. It applies at once.').waitFor();
  await context.close();

  const employeeContext = await app.browser.newContext();
  const employee = await employeeContext.newPage();
  await signIn(employee, app.server.base, EMPLOYEE);
  const response = await employee.goto(app.server.base + '/catalog/purchase-request');
  assert.equal(response.status(), 403);
  await employeeContext.close();
});

test('an admin adds a field to every row of a group and limits its rows; the preview follows', T, async () => {
  const context = await app.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await signIn(page, app.server.base, 'sofia.alvarez@atrium.example');
  await page.goto(app.server.base + '/admin/catalog/visitor-passes');
  await hydrated(page);
  // Field 3 is the group; its row fields are numbered 3.1, 3.2, …
  await page.getByRole('button', { name: 'Add a field to each row' }).click();
  await page.locator('#f2-3-label').fill('Needs Wi-Fi');
  await page.locator('#f2-3-type').selectOption('yes/no');
  await page.getByLabel('Most rows').fill('2');
  await page.getByLabel('Most rows').blur();
  const preview = page.locator('.preview');
  await preview.locator('[id="field-visitors.0.needs_wi_fi-yes"]').waitFor();
  await preview.getByRole('button', { name: 'Add a row to “Visitors”' }).click();
  assert.ok(await preview.getByRole('button', { name: 'Add a row to “Visitors”' }).isDisabled(), 'two rows at most');
  await shot(page, '24-designer-group');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await page.getByRole('button', { name: 'Saved' }).waitFor();
  await context.close();
});
