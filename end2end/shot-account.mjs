import { startServer, launchBrowser, signIn } from './tests/harness.mjs';
const server = await startServer();
const browser = await launchBrowser();
try {
  for (const [name, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 800 }]]) {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await signIn(page, server.base, 'emma.clark@atrium.example');
    await page.getByRole('link', { name: 'Emma Clark' }).click();
    await page.waitForURL('**/account');
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.screenshot({ path: `/tmp/shots/account-${name}.png`, fullPage: true });
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
