import { startLiveServer } from '../helpers/live-server';
import { createBranch } from '../helpers/test-app';
import { axeViolations, launchBrowser, newContext } from '../helpers/browser';
test('dbg', async () => {
  const server = await startLiveServer();
  const b = createBranch(server.deps, { name: 'Centrale Bibliotheek' });
  const browser = await launchBrowser();
  for (const js of [false, true]) {
    const context = await newContext(browser, { javaScriptEnabled: js, width: 800 });
    const page = await context.newPage();
    for (const url of ['/login', '/', `/survey?branch=${b}`, '/survey']) {
      await page.goto(`${server.url}${url}`);
      const t0 = Date.now();
      const r = await Promise.race([axeViolations(page), new Promise((res) => setTimeout(() => res('TIMEOUT'), 8000))]);
      console.log(js, url, Date.now() - t0, r);
    }
    await context.close();
  }
  await browser.close(); await server.close();
}, 120000);
