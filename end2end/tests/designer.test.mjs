// The catalog designer in a real browser: an HR admin adds a conditional field, previews it,
// publishes; an employee orders the item and meets the field only when it applies.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { withAppAndBrowser, T, signIn, hydrated, shot, collectErrors, EMPLOYEE } from './harness.mjs';

const HR_ADMIN = 'hannah.schmidt@atrium.example';
const app = withAppAndBrowser(before, after);

test('an HR admin builds a conditional field, previews and publishes it; an employee orders', T, async () => {
  const context = await app.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await signIn(page, app.server.base, HR_ADMIN);
  await page.getByRole('link', { name: 'Catalog admin' }).click();
  await page.waitForURL('**/admin/catalog');
  // Only HR's items are listed for an HR admin.
  assert.equal(await page.getByRole('link', { name: 'Design New laptop' }).count(), 0);
  await page.getByRole('link', { name: 'Design Training or course' }).click();
  await page.waitForURL('**/admin/catalog/training-request');
  await hydrated(page);

  // A yes/no question…
  await page.getByLabel('Type of the new field').selectOption('yes/no');
  await page.getByRole('button', { name: 'Add field' }).click();
  await page.locator('#f4-label').fill('Travel needed?');
  assert.equal(await page.locator('#f4-key').inputValue(), 'travel_needed', 'the key follows the label');
  // …and a select that only matters when the answer is yes.
  await page.getByLabel('Type of the new field').selectOption('select');
  await page.getByRole('button', { name: 'Add field' }).click();
  await page.locator('#f5-label').fill('Travel mode');
  await page.locator('#f5-options').fill('Train\nPlane');
  await page.locator('#f5-options').blur();
  await page.locator('#f5-required').check();

  await page.getByRole('button', { name: 'Add rule' }).click();
  await page.locator('#r0-field-0').selectOption('travel_needed');
  await page.locator('#r0-op-0').selectOption('equals');
  // A yes/no question's values are chosen, not typed.
  await page.locator('#r0-value-0').selectOption('true');
  await page.locator('#r0-target-0').selectOption('travel_mode');

  // The live preview applies the rule.
  const preview = page.locator('.preview');
  await preview.locator('#field-travel_mode').waitFor({ state: 'hidden' });
  await preview.locator('#field-travel_needed-yes').check();
  await preview.locator('#field-travel_mode').waitFor({ state: 'visible' });
  await shot(page, '12-designer');

  await page.getByRole('button', { name: 'Save draft' }).click();
  await page.getByRole('button', { name: 'Saved' }).waitFor();
  // Publishing asks first and says what changes.
  await page.getByRole('button', { name: 'Publish…' }).click();
  const confirm = page.locator('.publish-confirm');
  await confirm.getByRole('heading', { name: 'Publish version 2?' }).waitFor();
  await confirm.getByText('Added field “Travel mode” (select)').waitFor();
  await confirm.getByRole('button', { name: 'Publish version 2' }).click();
  await page.getByText('Published version 2.').waitFor();
  await page.getByRole('button', { name: 'What changed in v2' }).click();
  await page.getByText('Added field “Travel mode” (select)').waitFor();
  await shot(page, '13-published');
  await context.close();

  const employeeContext = await app.browser.newContext();
  const employee = await employeeContext.newPage();
  await signIn(employee, app.server.base, EMPLOYEE);
  await employee.goto(app.server.base + '/catalog/training-request');
  await hydrated(employee);
  await employee.locator('#field-course').fill('RustConf');
  await employee.locator('#field-cost').fill('800');
  await employee.locator('#field-date').fill('2031-05-05');
  await employee.locator('#field-benefit').fill('Learn to build better services for everyone.');
  assert.equal(await employee.locator('#field-travel_mode').isVisible(), false);
  await employee.locator('#field-travel_needed-yes').check();
  await employee.locator('#field-travel_mode').waitFor({ state: 'visible' });
  await employee.getByRole('button', { name: 'Submit request' }).click();
  await employee.getByText('Travel mode is required.').waitFor();
  await employee.locator('#field-travel_mode').selectOption('train');
  await employee.getByRole('button', { name: 'Submit request' }).click();
  await employee.waitForURL(/\/requests\/REQ-\d+$/);
  await employee.getByRole('heading', { name: 'Training or course' }).waitFor();
  assert.ok(await employee.getByText('Train', { exact: true }).isVisible());
  assert.ok(await employee.getByText('Submitted with version 2').isVisible());
  await shot(employee, '14-ordered-new-version');
  await employeeContext.close();
});

test('an HR admin builds a rule that refuses a return before the start; the preview and the order form refuse it', T, async () => {
  const context = await app.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await signIn(page, app.server.base, HR_ADMIN);
  await page.getByRole('link', { name: 'Catalog admin' }).click();
  await page.waitForURL('**/admin/catalog');
  await page.getByRole('link', { name: 'Design Sabbatical' }).click();
  await page.waitForURL('**/admin/catalog/sabbatical');
  await hydrated(page);
  await page.getByLabel('Type of the new field').selectOption('date');
  await page.getByRole('button', { name: 'Add field' }).click();
  await page.locator('#f3-label').fill('Back at work');
  await page.locator('#f3-label').blur();

  // "When Back at work is less than the answer to Preferred start, refuse Back at work."
  await page.getByRole('button', { name: 'Add rule' }).click();
  await page.locator('#r0-field-0').selectOption('back_at_work');
  await page.locator('#r0-op-0').selectOption('is less than');
  await page.locator('#r0-with-0').selectOption('from');
  assert.equal(await page.locator('#r0-value-0').count(), 0, 'no value to type when comparing with a field');
  await page.locator('#r0-effect-0').selectOption('refuse');
  await page.locator('#r0-message-0').fill('You come back after you leave.');
  // What was typed stays when another control changes.
  await page.locator('#r0-target-0').selectOption('back_at_work');
  assert.equal(await page.locator('#r0-message-0').inputValue(), 'You come back after you leave.');

  // The preview refuses a return before the start, and takes one after it.
  const preview = page.locator('.preview');
  await preview.locator('#field-from').fill('2031-06-01');
  await preview.locator('#field-from').blur();
  await preview.locator('#field-back_at_work').fill('2031-05-01');
  await preview.locator('#field-back_at_work').blur();
  await preview.getByText('You come back after you leave.').waitFor();
  await shot(page, '65-designer-cross-field-rule');
  await preview.locator('#field-back_at_work').fill('2031-12-01');
  await preview.locator('#field-back_at_work').blur();
  await preview.getByText('You come back after you leave.').waitFor({ state: 'detached' });

  await page.getByRole('button', { name: 'Save draft' }).click();
  await page.getByRole('button', { name: 'Saved' }).waitFor();
  await page.getByRole('button', { name: 'Publish…' }).click();
  const confirm = page.locator('.publish-confirm');
  await confirm.getByText('Added field “Back at work” (date)').waitFor();
  await confirm.getByRole('button', { name: /^Publish version \d+$/ }).click();
  await page.getByText(/Published version \d+\./).waitFor();
  assert.deepEqual(errors, []);
  await context.close();

  // The employee's order form refuses it as they type, and the server on submit.
  const employeeContext = await app.browser.newContext();
  const employee = await employeeContext.newPage();
  const employeeErrors = collectErrors(employee);
  await signIn(employee, app.server.base, EMPLOYEE);
  await employee.locator('.item-grid').getByRole('link', { name: /Sabbatical/ }).click();
  await employee.waitForURL('**/catalog/sabbatical');
  await hydrated(employee);
  await employee.getByLabel('How many months?').fill('3');
  await employee.locator('#field-from').fill('2031-06-01');
  await employee.locator('#field-back_at_work').fill('2031-05-01');
  await employee.getByRole('button', { name: 'Submit request' }).click();
  await employee.getByText('You come back after you leave.').waitFor();
  assert.match(employee.url(), /\/catalog\/sabbatical$/, 'nothing was filed');
  await employee.locator('#field-back_at_work').fill('2031-09-01');
  await employee.getByRole('button', { name: 'Submit request' }).click();
  await employee.waitForURL(/\/requests\/REQ-\d+$/);
  assert.deepEqual(employeeErrors, []);
  await employeeContext.close();
});

test('an HR admin creates a new item from scratch and publishes it', T, async () => {
  const context = await app.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await signIn(page, app.server.base, HR_ADMIN);
  await page.goto(app.server.base + '/admin/catalog');
  await hydrated(page);
  // A category of its own first.
  await page.getByLabel('Category name').fill('Wellbeing');
  await page.getByRole('button', { name: 'Add category' }).click();
  await page.getByText('Category “wellbeing” added').waitFor();
  await page.getByLabel('Name', { exact: true }).fill('Wellbeing session');
  await page.getByLabel('Category', { exact: true }).selectOption('hr/wellbeing');
  await page.getByLabel('Short description').fill('Book a session with a coach.');
  await page.getByRole('button', { name: 'Create and design' }).click();
  await page.waitForURL('**/admin/catalog/wellbeing-session');
  await hydrated(page);
  await page.getByText('Draft, never published').waitFor();
  await page.getByRole('button', { name: 'Add field' }).click();
  await page.locator('#f0-label').fill('Topic');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await page.getByRole('button', { name: 'Saved' }).waitFor();
  await page.getByRole('button', { name: 'Publish…' }).click();
  await page.getByRole('button', { name: /^Publish version \d+$/ }).click();
  await page.getByText('Published version 1.').waitFor();
  // The catalog entry: a longer description and a shorter delivery time.
  await page.getByLabel('Description', { exact: true }).fill('Thirty minutes with a certified coach, in person or online.');
  await page.getByLabel('Usual delivery (business days)').fill('1');
  await page.getByRole('button', { name: 'Save catalog entry' }).click();
  await page.getByText('Saved.', { exact: true }).waitFor();
  await shot(page, '16-new-item');
  await context.close();

  const employeeContext = await app.browser.newContext();
  const employee = await employeeContext.newPage();
  await signIn(employee, app.server.base, EMPLOYEE);
  await employee.goto(app.server.base + '/?q=wellbeing');
  await employee.getByRole('link', { name: /Wellbeing session/ }).click();
  await employee.getByLabel('Topic').waitFor();
  await employee.getByText('Thirty minutes with a certified coach').waitFor();
  await employee.getByText('Usually delivered in 1 business day').waitFor();
  await employeeContext.close();
});

// A "make read-only" rule must hold for every kind of control, not only for text inputs: check
// boxes and radio buttons have no `readonly`, so they refuse the click instead.
test('a rule that locks fields keeps a checkbox, a yes/no and a multi select as they are', T, async () => {
  const context = await app.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await signIn(page, app.server.base, HR_ADMIN);
  await page.getByRole('link', { name: 'Catalog admin' }).click();
  await page.waitForURL('**/admin/catalog');
  await hydrated(page);
  await page.getByLabel('Name', { exact: true }).fill('Desk booking');
  const category = page.getByLabel('Category', { exact: true });
  await category.selectOption(await category.locator('option[value^="hr/"]').first().getAttribute('value'));
  await page.getByLabel('Short description').fill('Book a desk for a day.');
  await page.getByRole('button', { name: 'Create and design' }).click();
  await page.waitForURL('**/admin/catalog/desk-booking');
  await hydrated(page);
  const addField = async (type, label) => {
    await page.getByLabel('Type of the new field').selectOption(type);
    await page.getByRole('button', { name: 'Add field' }).click();
    await page.locator('input[id$="-label"]').last().fill(label);
  };
  await addField('short text', 'Reason');
  await addField('checkbox', 'Monitor');
  await addField('yes/no', 'Standing desk');
  await addField('multi select', 'Extras');
  await page.locator('#f3-options').fill('Lamp\nPlant');
  await page.locator('#f3-options').blur();
  // When a reason is given, the other three are locked.
  await page.getByRole('button', { name: 'Add rule' }).click();
  await page.locator('#r0-field-0').selectOption('reason');
  await page.locator('#r0-op-0').selectOption('is not empty');
  const lock = async (n, field) => {
    if (n > 0) await page.getByRole('button', { name: 'Add effect' }).click();
    await page.locator(`#r0-effect-${n}`).selectOption('read_only');
    await page.locator(`#r0-target-${n}`).selectOption(field);
  };
  await lock(0, 'monitor');
  await lock(1, 'standing_desk');
  await lock(2, 'extras');

  const preview = page.locator('.preview');
  const monitor = preview.locator('#field-monitor');
  const standing = preview.locator('#field-standing_desk-yes');
  const lamp = preview.locator('#field-extras-lamp');
  // Unlocked, each control answers.
  await monitor.click();
  assert.equal(await monitor.isChecked(), true);
  await monitor.click();
  assert.equal(await monitor.isChecked(), false);
  // Locked, none of them changes, by mouse or by keyboard.
  await preview.locator('#field-reason').fill('Back pain');
  await preview.locator('#field-monitor[aria-readonly="true"]').waitFor();
  await monitor.click();
  assert.equal(await monitor.isChecked(), false, 'a locked checkbox stays as it was');
  await standing.click();
  assert.equal(await standing.isChecked(), false, 'a locked yes/no stays unanswered');
  await lamp.click();
  assert.equal(await lamp.isChecked(), false, 'a locked multi select keeps its choice');
  await monitor.focus();
  await page.keyboard.press('Space');
  assert.equal(await monitor.isChecked(), false, 'the keyboard cannot tick it either');
  await shot(page, '17-locked-fields');
  // The lock lifts with the rule.
  await preview.locator('#field-reason').fill('');
  await preview.locator('#field-monitor:not([aria-readonly])').waitFor();
  await standing.click();
  assert.equal(await standing.isChecked(), true);
  assert.deepEqual(errors, []);
  await context.close();
});

test('an employee cannot open the catalog admin', T, async () => {
  const context = await app.browser.newContext();
  const page = await context.newPage();
  await signIn(page, app.server.base, EMPLOYEE);
  const response = await page.goto(app.server.base + '/admin/catalog');
  assert.equal(response.status(), 403);
  const designer = await page.goto(app.server.base + '/admin/catalog/new-laptop');
  assert.equal(designer.status(), 403);
  const missing = await page.goto(app.server.base + '/admin/catalog/no-such-item');
  assert.equal(missing.status(), 403, 'an unknown slug is refused like an existing one');
  const download = await page.request.get(app.server.base + '/admin/catalog/new-laptop/export');
  assert.equal(download.status(), 403);
  await context.close();
});
