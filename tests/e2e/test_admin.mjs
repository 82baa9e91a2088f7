// The administration pages of the staff console in a real browser: an admin opens each of them
// (users and departments, the calendar and its holidays, the time rules, the message templates)
// in Arabic and in English, every one checked with axe-core (WCAG 2.1 AA) under its own
// Content-Security-Policy and photographed; confirms and moves a Hijri holiday and sees the move
// in the page and in the API; sends a date range the calendar refuses and finds the error beside
// the field with nothing changed; changes a template's English subject and finds it in force;
// sends broken mustache and finds the error beside the text, the text kept and nothing changed.
// An agent is refused (403) every one of these pages and forms.

import {
  allowConsoleErrors, api, assert, before, checkAxe, checkLanguage, makeStaff, newPage, open, run,
  shot, signInByApi, startServer, test,
} from './harness.mjs';

let server;
let admin;
let agent;
let token; // the admin's API session, to read what the pages changed

const HIJRI_YEAR = 1448;
const PAGES = [
  ['/console/admin', 'users'],
  ['/console/admin/calendar', 'calendar'],
  ['/console/admin/rules', 'rules'],
  ['/console/admin/templates', 'templates'],
];

before(async () => {
  server = await startServer();
  admin = await makeStaff(server, { role: 'admin' });
  agent = await makeStaff(server, { role: 'agent' });
  const r = await api(server, 'POST', '/api/v1/auth/login',
                      { body: { email: admin.email, password: admin.password } });
  assert.equal(r.status, 200, r.text);
  token = r.json().token;
});

async function holidays() {
  const r = await api(server, 'GET', `/api/v1/admin/calendar/holidays?hijri_year=${HIJRI_YEAR}`,
                      { token });
  assert.equal(r.status, 200, r.text);
  return r.json().items;
}

async function templates() {
  const r = await api(server, 'GET', '/api/v1/admin/templates', { token });
  assert.equal(r.status, 200, r.text);
  return r.json().items;
}

// Clicks the submit button of the form holding `locator` and waits for the page that answers.
async function submitFormOf(page, locator) {
  const form = locator.locator('xpath=ancestor::form');
  await Promise.all([page.waitForLoadState('load'), page.waitForURL(/.*/),
                     form.locator('button[type="submit"]').click()]);
}

function isoPlusDays(iso, days) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

for (const [lang, dir] of [['ar', 'rtl'], ['en', 'ltr']]) {
  test(`an admin opens every admin page in ${lang === 'ar' ? 'Arabic' : 'English'}`, async () => {
    const page = await newPage();
    await signInByApi(page, server, admin);
    for (const [path, name] of PAGES) {
      await open(page, server, `${path}?lang=${lang}`);
      await checkLanguage(page, lang, dir);
      // The layout links to the administration; the sub-navigation marks this page.
      assert.equal(await page.locator('header nav a[href="/console/admin"]').count(), 1);
      const current = page.locator('main nav.tabs a[aria-current="page"]');
      assert.equal(await current.getAttribute('href'), path);
      await shot(page, `admin-${name}-${lang}`);
      await checkAxe(page, `the admin ${name} page (${lang})`);
    }
    // The time rules say where they are set, and the templates page opens a template by keyboard.
    await open(page, server, `/console/admin/rules?lang=${lang}`);
    assert.match(await page.locator('#rules-config-note').innerText(),
                 lang === 'ar' ? /ملف الدليل/ : /guide file/);
    assert.ok(await page.locator('#ladder tbody tr').count() > 0);
    assert.ok(await page.locator('#categories tbody tr').count() > 0);
    await open(page, server, `/console/admin/templates?lang=${lang}`);
    const first = page.locator('details.template').first();
    await first.locator('summary').focus();
    await page.keyboard.press('Enter');
    assert.equal(await first.getAttribute('open'), '');
    await shot(page, `admin-templates-open-${lang}`);
    await checkAxe(page, `the templates page with a template open (${lang})`);
  });
}

test('an admin confirms and moves a holiday, and a bad range changes nothing', async () => {
  const before = (await holidays()).find((h) => h.basis === 'hijri');
  assert.ok(before, 'a Hijri holiday in 1448');
  assert.equal(before.provisional, true);
  const page = await newPage();
  allowConsoleErrors(page, /status of 422/);
  await signInByApi(page, server, admin);
  await open(page, server, `/console/admin/calendar?year=${HIJRI_YEAR}&lang=en`);
  assert.match(await page.locator('#holidays-heading').innerText(), /1448/);
  assert.match(await page.locator('#previous-year').getAttribute('href'), /year=1447$/);
  assert.match(await page.locator('#next-year').getAttribute('href'), /year=1449$/);
  assert.equal((await page.locator(`#holiday-${before.key} .holiday-status`).innerText()).trim(),
               'Provisional');

  // Moved a day later.
  const first = isoPlusDays(before.first, 1);
  const last = isoPlusDays(before.last, 1);
  await page.locator(`#${before.key}-first`).fill(first);
  await page.locator(`#${before.key}-last`).fill(last);
  await submitFormOf(page, page.locator(`#${before.key}-first`));
  // The notice of what was done (the address's ?done= may be dropped by the page's script).
  assert.equal(await page.locator('main .notice.success[role="status"]').count(), 1);
  assert.equal((await page.locator(`#holiday-${before.key} .holiday-status`).innerText()).trim(),
               'Confirmed');
  assert.equal(await page.locator(`#holiday-${before.key} time`).first().getAttribute('datetime'),
               first);
  let now = (await holidays()).find((h) => h.key === before.key);
  assert.equal(now.first, first);
  assert.equal(now.last, last);
  assert.equal(now.provisional, false);
  await shot(page, 'admin-calendar-moved-en');
  await checkAxe(page, 'the calendar after a move');

  // The last day before the first: refused beside the field, nothing changed.
  await page.locator(`#${before.key}-first`).fill(last);
  await page.locator(`#${before.key}-last`).fill(isoPlusDays(last, -3));
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    submitFormOf(page, page.locator(`#${before.key}-first`)),
  ]);
  assert.equal(response.status(), 422);
  await page.waitForSelector('#error-summary');
  const error = page.locator(`#${before.key}-last-error`);
  assert.equal(await error.count(), 1);
  assert.ok((await error.innerText()).trim().length > 0);
  assert.equal(await page.locator(`#${before.key}-last`).getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator(`#${before.key}-last`).inputValue(), isoPlusDays(last, -3));
  assert.equal(await page.locator('#error-summary a').first().getAttribute('href'),
               `#${before.key}-last`);
  now = (await holidays()).find((h) => h.key === before.key);
  assert.equal(now.first, first);
  assert.equal(now.last, last);
  await shot(page, 'admin-calendar-error-en');
  await checkAxe(page, 'the calendar with an error');
});

test('an admin changes a template\'s English subject, and broken mustache changes nothing', async () => {
  const [template] = await templates();
  const name = template.name;
  const page = await newPage();
  allowConsoleErrors(page, /status of 422/);
  await signInByApi(page, server, admin);
  await open(page, server, '/console/admin/templates?lang=en');
  await page.locator(`#template-${name} summary`).click();
  const subject = page.locator(`#tpl-${name}-en-subject-body`);
  assert.equal(await subject.inputValue(), template.bodies.en.subject);
  const wording = 'Your case {{reference}}: new wording';
  await subject.fill(wording);
  await submitFormOf(page, subject);
  assert.equal(await page.locator(`#template-${name} .notice.success`).count(), 1);
  assert.equal(await page.locator(`#template-${name}`).getAttribute('open'), '');
  assert.equal(await page.locator(`#tpl-${name}-en-subject-body`).inputValue(), wording);
  let now = (await templates()).find((t) => t.name === name);
  assert.equal(now.bodies.en.subject, wording);
  await shot(page, 'admin-templates-saved-en');
  await checkAxe(page, 'the templates page after a save');

  const broken = 'Your case {{#reference}} never closed';
  await page.locator(`#tpl-${name}-en-subject-body`).fill(broken);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    submitFormOf(page, page.locator(`#tpl-${name}-en-subject-body`)),
  ]);
  assert.equal(response.status(), 422);
  await page.waitForSelector('#error-summary');
  const field = page.locator(`#tpl-${name}-en-subject-body`);
  assert.equal(await field.inputValue(), broken);
  assert.equal(await field.getAttribute('aria-invalid'), 'true');
  assert.ok((await page.locator(`#tpl-${name}-en-subject-body-error`).innerText()).trim().length > 0);
  assert.equal(await page.locator(`#template-${name}`).getAttribute('open'), '');
  now = (await templates()).find((t) => t.name === name);
  assert.equal(now.bodies.en.subject, wording);
  await shot(page, 'admin-templates-error-en');
  await checkAxe(page, 'the templates page with an error');
});

test('an agent is refused the admin pages and forms (403)', async () => {
  const page = await newPage();
  allowConsoleErrors(page, /status of 403/);
  await signInByApi(page, server, agent);
  for (const [path] of PAGES) await open(page, server, path, { status: 403 });
  await checkAxe(page, 'the 403 page');
  assert.equal(await page.locator('header nav a[href="/console/admin"]').count(), 0);
  const [template] = await templates();
  const before = (await holidays()).find((h) => h.basis === 'hijri');
  for (const [path, form] of [
    [`/console/admin/calendar/${before.key}/${HIJRI_YEAR}`, { first: before.first, last: before.last }],
    [`/console/admin/templates/${template.name}/en/subject`, { body: 'hijacked' }],
  ]) {
    const r = await page.context().request.post(`${server.url}${path}`, { form, maxRedirects: 0 });
    assert.equal(r.status(), 403, `${path}: ${r.status()}`);
  }
  assert.deepEqual((await holidays()).find((h) => h.key === before.key), before);
  assert.equal((await templates())[0].bodies.en.subject, template.bodies.en.subject);
});

await run();
