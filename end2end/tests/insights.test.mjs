// The leadership dashboard in a real browser: the CEO opens Insights, changes the period,
// filters by department, reads how a number is counted, opens the requests behind it and
// downloads them as CSV; an employee is refused. After the first page, everyone clicks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { withAppAndBrowser, T, signIn, shot, collectErrors, EMPLOYEE } from './harness.mjs';

const app = withAppAndBrowser(before, after);
const CEO = 'leo.martin@atrium.example';

test('the CEO reads the dashboard, its formulas and the requests behind a number', T, async () => {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await signIn(page, app.server.base, CEO);
  await page.getByRole('link', { name: 'Insights' }).click();
  await page.waitForURL('**/insights');
  const table = page.locator('table.insights-table');
  for (const department of ['IT', 'HR', 'Facilities', 'Finance']) {
    await table.locator('thead th', { hasText: department }).first().waitFor();
  }
  await shot(page, '90-insights-all-departments');

  // A quarter, then IT alone.
  await page.getByLabel('Period').selectOption('quarter');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/period=quarter/);
  await page.getByLabel('Department').selectOption({ label: 'IT' });
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/department=\d+/);
  const headings = await table.locator('thead th').allTextContents();
  assert.deepEqual(headings.map((h) => h.trim()), ['Metric', 'IT', 'All shown']);

  // How a number is counted.
  await page.getByLabel('How “SLA attained” is counted').click();
  await page.getByText(/Met ÷ \(met \+ breached\)/).waitFor();
  await shot(page, '91-insights-it-quarter-formula');

  // The requests behind "Opened" for IT, and the same as CSV.
  const opened = table.locator('tbody tr', { has: page.locator('th', { hasText: /^Opened/ }) }).locator('td').first();
  const number = Number((await opened.locator('a').textContent()).trim());
  assert.ok(number > 0, 'the demo history opened requests this quarter');
  await opened.locator('a').click();
  await page.waitForURL(/\/insights\/requests\?/);
  await page.getByRole('heading', { name: /^Opened, .+, IT$/ }).waitFor();
  const said = await page.locator('.page-head p', { hasText: 'requests' }).textContent();
  assert.match(said, new RegExp(`^${number} requests`));
  await shot(page, '92-insights-drill-down');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download CSV' }).click(),
  ]);
  const csv = readFileSync(await download.path(), 'utf8').trim().split('\r\n');
  assert.equal(csv[0], 'number,title,department,state,priority,submitted,resolved');
  // The file lists every request the number counts.
  assert.equal(csv.length - 1, number, 'the file lists what the number counts');

  // Back to the same view; narrowed to a category, the SLA figure opens the clocks behind it.
  await page.getByRole('link', { name: '← Insights' }).click();
  await page.waitForURL(/\/insights\?period=quarter&department=\d+$/);
  await page.getByLabel('Category').selectOption({ label: 'Support' });
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/category=\d+/);
  const sla = table.locator('tbody tr', { has: page.locator('th', { hasText: /^SLA attained/ }) }).locator('td').first();
  await sla.locator('a').click();
  await page.waitForURL(/metric=sla/);
  await page.getByRole('heading', { name: /^SLA clocks that stopped, .+, IT, category Support — behind “SLA attained”$/ }).waitFor();
  const clocks = Number((await page.locator('.page-head p', { hasText: 'SLA clock' }).textContent()).match(/(\d+) SLA clocks?/)[1]);
  const details = await page.locator('table.drill-table tbody td:last-child').allTextContents();
  if (await page.getByRole('link', { name: 'Older requests →' }).count() === 0) {
    const listed = details.reduce((n, d) => n + (d.match(/ (met|breached)/g) || []).length, 0);
    assert.equal(listed, clocks, 'the list holds the clocks the number counts');
  }
  assert.ok(details.length > 0 && details.every((d) => /(First response|Resolution) (met|breached)/.test(d)), details.join(' | '));
  await shot(page, '94-insights-sla-clocks');

  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('link', { name: '← Insights' }).click();
  await page.waitForURL(/\/insights\?.*category=\d+/);
  assert.equal(await page.getByLabel('Category').locator('option:checked').textContent(), 'Support');
  await shot(page, '93-insights-phone');
  assert.deepEqual(errors, []);
  await context.close();
});

test('an employee is refused the dashboard', T, async () => {
  const context = await app.browser.newContext();
  const page = await context.newPage();
  await signIn(page, app.server.base, EMPLOYEE);
  assert.equal(await page.getByRole('link', { name: 'Insights' }).count(), 0);
  const response = await page.goto(`${app.server.base}/insights`);
  assert.equal(response.status(), 403);
  await context.close();
});
