import type { Browser, Page } from 'playwright-core';
import { startLiveServer, type LiveServer } from '../helpers/live-server';
import { createBranch } from '../helpers/test-app';
import { expectAccessible, launchBrowser, newContext } from '../helpers/browser';
import { LANGUAGE_CODES } from '../../server/lib/i18n';

/**
 * The survey's face labels wrap only between words, in every language, from a 320 px phone to a desktop (h23:
 * at 320 px "Tevreden" came out as "Tevre / den"). On a phone each face has its own row with its words beside
 * it; from 545 px on the five faces share one row.
 */
jest.setTimeout(180_000);

interface Faces {
  /** Words of a label that the browser put on more than one line. */
  split: string[];
  /** Per question: on how many rows its five faces are. */
  rows: number[];
}

function measureFaces(page: Page): Promise<Faces> {
  return page.evaluate(() => {
    const split: string[] = [];
    for (const span of Array.from(document.querySelectorAll<HTMLElement>('.scale-option label span'))) {
      const node = span.firstChild;
      if (!node || node.nodeType !== Node.TEXT_NODE) continue;
      for (const m of (node.textContent ?? '').matchAll(/\S+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        if (new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top))).size > 1) split.push(m[0]);
      }
    }
    const rows = Array.from(document.querySelectorAll('.scale-options')).map((g) => new Set(Array.from(g.querySelectorAll('.face')).map((f) => Math.round(f.getBoundingClientRect().top))).size);
    return { split, rows };
  });
}

describe('survey faces', () => {
  let server: LiveServer;
  let browser: Browser;
  let branch: number;
  beforeAll(async () => {
    server = await startLiveServer();
    branch = createBranch(server.deps, { name: 'Centrale Bibliotheek' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test.each([320, 545, 1280])('at %i px no label word is split in any language', async (width) => {
    const context = await newContext(browser, { width, height: 900 });
    const page = await context.newPage();
    try {
      for (const lang of LANGUAGE_CODES) {
        await page.goto(`${server.url}/language/${lang}?back=${encodeURIComponent(`/survey?branch=${branch}`)}`);
        const faces = await measureFaces(page);
        expect([lang, faces.rows.length, faces.split]).toEqual([lang, 3, []]);
        expect([lang, faces.rows]).toEqual([lang, width === 320 ? [5, 5, 5] : [1, 1, 1]]);
      }
      // The last language (uk) is among the longest; the picture is in test-output/screenshots.
      await expectAccessible(page, `survey-faces-${width}-uk`, { fitsWidth: true });
    } finally {
      await context.close();
    }
  });
});
