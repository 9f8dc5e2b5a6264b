import { startLiveServer } from '../helpers/live-server';
import { createUser } from '../helpers/test-app';
import { axeViolations, launchBrowser, newContext, signInWithBrowser } from '../helpers/browser';
test('debug', async () => {
  const server = await startLiveServer();
  await createUser(server.deps, 'admin', [], 'admin@bieb.test');
  const browser = await launchBrowser();
  for (const js of [true, false]) {
    const context = await newContext(browser, { javaScriptEnabled: js });
    const page = await context.newPage();
    console.log('login', js, Date.now());
    await signInWithBrowser(page, server.url, 'admin@bieb.test');
    console.log('signed in', page.url(), Date.now());
    console.log(await axeViolations(page));
    console.log('axe done', Date.now());
    await context.close();
  }
  await browser.close();
  await server.close();
}, 120000);
