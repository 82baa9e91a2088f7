// The published complaints guide (GET /guide) in a real browser: Arabic by default and right to
// left, English on request and left to right, the language switch a person would click, and
// axe-core's WCAG 2.1 AA check on both, all under the page's own Content-Security-Policy.

import {
  assert, before, checkAxe, checkLanguage, newPage, open, run, shot, startServer, test,
} from './harness.mjs';

let server;

before(async () => {
  server = await startServer();
});

test('the guide is Arabic and right to left by default', async () => {
  const page = await newPage({ locale: 'ar-SA' });
  const response = await open(page, server, '/guide');
  assert.match(response.headers()['content-security-policy'] ?? '', /default-src 'none'/);
  await checkLanguage(page, 'ar', 'rtl');
  assert.equal(await page.locator('h1').innerText(), 'دليل الشكاوى');
  await shot(page, 'guide-ar');
  await checkAxe(page, 'the guide, Arabic');
});

test('the guide is English and left to right with ?lang=en', async () => {
  const page = await newPage({ locale: 'ar-SA' });
  await open(page, server, '/guide?lang=en');
  await checkLanguage(page, 'en', 'ltr');
  assert.match(await page.locator('h1').innerText(), /guide/i);
  await shot(page, 'guide-en');
  await checkAxe(page, 'the guide, English');
});

test('a reader of the Arabic guide switches to English with its link', async () => {
  const page = await newPage({ locale: 'ar-SA' });
  await open(page, server, '/guide');
  await Promise.all([
    page.waitForURL(/lang=en/),
    page.getByRole('link', { name: 'English' }).click(),
  ]);
  await checkLanguage(page, 'en', 'ltr');
});

await run();
