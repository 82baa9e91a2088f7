// The staff console in a real browser: an agent signs in and records a phone complaint on a
// beneficiary's behalf, finds it in the unassigned queue, opens it and routes it to a department;
// that department's supervisor assesses it and assigns it to a handler; the handler adds an
// internal note and a public reply and asks the beneficiary for information. Every console page is checked with axe-core (WCAG 2.1 AA) under
// its own Content-Security-Policy and photographed, in Arabic, and the case page in English.

import {
  allowConsoleErrors, assert, before, checkAxe, checkLanguage, makeStaff, newPage, open, run, shot, startServer, test,
} from './harness.mjs';

let server;
let agent;
let supervisor;
let handler;
let auditor;
let admin;
let reference; // the case the agent records

before(async () => {
  server = await startServer();
  agent = await makeStaff(server, { role: 'agent' });
  supervisor = await makeStaff(server, { role: 'supervisor', department: 'finance' });
  handler = await makeStaff(server, { role: 'handler', department: 'finance' });
  auditor = await makeStaff(server, { role: 'auditor' });
  admin = await makeStaff(server, { role: 'admin' });
});

async function signIn(page, staff, { check = false } = {}) {
  await open(page, server, '/console/sign-in');
  if (check) {
    await checkLanguage(page, 'ar', 'rtl');
    await shot(page, 'console-sign-in-ar');
    await checkAxe(page, 'the sign-in page');
  }
  await page.getByLabel('البريد الإلكتروني').fill(staff.email);
  await page.getByLabel('كلمة المرور').fill(staff.password);
  await Promise.all([page.waitForURL(/\/console/), page.getByRole('button', { name: 'دخول' }).click()]);
}

// Submits the form with this id and waits for the page that answers it.
// Presses a form's button and waits for the page it leads to; with `done`, for the redirect that
// announces the action (?done=…, which the page's script then drops from the address), and for
// its success notice.
async function submit(page, formId, done) {
  await Promise.all([
    done ? page.waitForURL(new RegExp(`[?&]done=${done}$`)) : page.waitForNavigation(),
    page.locator(`#${formId} button[type="submit"]`).click(),
  ]);
  await page.waitForLoadState('load');
  if (done) await page.locator('.notice.success').first().waitFor();
}

test('a wrong password is refused on the sign-in form, in words', async () => {
  const page = await newPage();
  allowConsoleErrors(page, /status of 401/, /favicon\.ico/);
  await open(page, server, '/console/sign-in');
  await page.getByLabel('البريد الإلكتروني').fill(agent.email);
  await page.getByLabel('كلمة المرور').fill('not the password 1');
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/console/sign-in') && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'دخول' }).click(),
  ]).catch(() => []);
  assert.ok(response);
  assert.equal(response.status(), 401);
  await page.waitForSelector('#error-summary');
  await checkAxe(page, 'the sign-in page with an error');
}, { timeout: 120_000 });

test('the console sends a visitor who is not signed in to the sign-in page', async () => {
  const page = await newPage();
  await open(page, server, '/console');
  assert.match(page.url(), /\/console\/sign-in$/);
});

test('an agent records a phone complaint and finds it in the unassigned queue', async () => {
  const page = await newPage();
  await signIn(page, agent, { check: true });
  await checkLanguage(page, 'ar', 'rtl');
  await shot(page, 'console-queue-ar');
  await checkAxe(page, 'the queues');

  await open(page, server, '/console/intake');
  await shot(page, 'console-intake-ar');
  await checkAxe(page, 'the intake form');
  await page.locator('#channel').selectOption('phone');
  await page.locator('#received_at').fill('2026-01-04T09:30');
  await page.locator('#intake-form input[name="kind"][value="complaint"]').check();
  await page.locator('#beneficiary_kind').selectOption('individual');
  await page.locator('#beneficiary_name').fill('فاطمة الزهراني');
  await page.locator('#beneficiary_mobile').fill('0551234567');
  await page.locator('#category').selectOption({ index: 1 });
  await page.locator('#subject').fill('لم يصلني رد على طلب التسجيل');
  await page.locator('#description').fill('اتصلت المستفيدة وذكرت أنها قدّمت طلب تسجيل قبل شهر ولم يصلها رد.');
  await page.locator('#remedy_sought').fill('البت في طلب التسجيل');
  await page.locator('#consent_notice_shown').check();
  await submit(page, 'intake-form', 'intake');
  reference = (await page.locator('#new-reference').innerText()).trim();
  const code = (await page.locator('#new-access-code').innerText()).trim();
  assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  assert.ok(!page.url().includes(code), 'the access code is not in the URL');
  await shot(page, 'console-case-after-intake-ar');
  await checkAxe(page, 'the case page after intake');
  // The code is shown once.
  await page.reload();
  assert.equal(await page.locator('#new-access-code').count(), 0);

  await open(page, server, '/console?queue=unassigned');
  await shot(page, 'console-queue-unassigned-ar');
  await checkAxe(page, 'the unassigned queue');
  const link = page.getByRole('link', { name: reference });
  await Promise.all([page.waitForURL(new RegExp(`/console/cases/${reference}$`)), link.click()]);
  assert.equal((await page.locator('#status').innerText()).trim(), 'مستلمة');
  // An agent may assess and assign but not resolve.
  assert.equal(await page.locator('#assess-form').count(), 1);
  assert.equal(await page.locator('#resolve-form').count(), 0);
  // The agent routes it to the department whose supervisor will assess it (supervisors see
  // their department's cases only).
  await page.locator('#assign_department').selectOption('finance');
  await submit(page, 'assign-form', 'assign');
});

test('a supervisor assesses the case and assigns it to a handler', async () => {
  assert.ok(reference, 'the intake test ran first');
  const page = await newPage();
  await signIn(page, supervisor);
  await open(page, server, `/console/cases/${reference}`);
  await shot(page, 'console-case-supervisor-ar');
  await checkAxe(page, 'the case page (supervisor)');

  await page.locator('#assess_priority').selectOption('high');
  await page.locator('#assess_severity').selectOption('medium');
  await page.locator('#assess_department').selectOption('finance');
  await submit(page, 'assess-form', 'assess');
  await page.waitForSelector('.notice.success');

  // A staff number that is not one: the page comes back (422) with the error at the field.
  allowConsoleErrors(page, /status of 422/);
  await page.locator('#assign_department').selectOption('finance');
  await page.locator('#assign_assignee_id').fill('abc');
  await submit(page, 'assign-form');
  await page.waitForSelector('#error-summary');
  assert.ok(await page.locator('#assign_assignee_id-error').isVisible());
  await checkAxe(page, 'the case page with an error');

  await page.locator('#assign_assignee_id').fill(String(handler.id));
  await submit(page, 'assign-form', 'assign');
  assert.equal((await page.locator('#assignee').innerText()).trim(), `#${handler.id}`);
});

test('the handler adds an internal note, a public reply and asks for information', async () => {
  assert.ok(reference, 'the intake test ran first');
  const page = await newPage();
  await signIn(page, handler);
  await open(page, server, '/console?queue=mine');
  await checkAxe(page, 'the handler\'s queue');
  await open(page, server, `/console/cases/${reference}`);
  // A handler may not assess, assign or resolve.
  assert.equal(await page.locator('#assess-form').count(), 0);
  assert.equal(await page.locator('#assign-form').count(), 0);
  assert.equal(await page.locator('#resolve-form').count(), 0);

  await page.locator('#note_text').fill('راجعت النظام: الطلب عالق في مرحلة التدقيق.');
  await submit(page, 'note-form', 'note');
  const internal = page.locator('#timeline li.internal').first();
  assert.match(await internal.innerText(), /داخلي/);

  await page.locator('#reply_text').fill('نعمل على طلبكم وسنبلغكم بالنتيجة.');
  await submit(page, 'reply-form', 'reply');
  assert.match(await page.locator('#timeline li.public').first().innerText(), /نعمل على طلبكم/);

  await page.locator('#request_info_text').fill('يرجى تزويدنا برقم طلب التسجيل.');
  await submit(page, 'request-info-form', 'request-info');
  assert.equal((await page.locator('#status').innerText()).trim(), 'بانتظار رد المستفيد');
  await shot(page, 'console-case-handler-ar');
  await checkAxe(page, 'the case page (handler)');

  await open(page, server, `/console/cases/${reference}?lang=en`);
  await checkLanguage(page, 'en', 'ltr');
  await shot(page, 'console-case-en');
  await checkAxe(page, 'the case page in English');
});

test('a handler may not record a case (403)', async () => {
  const page = await newPage();
  await signIn(page, handler);
  await open(page, server, '/console/intake', { status: 403 });
  await checkAxe(page, 'the 403 page');
});

test('the auditor reads the audit trail and the admin the users', async () => {
  const page = await newPage();
  await signIn(page, auditor);
  assert.match(page.url(), /\/console\/audit$/);
  await shot(page, 'console-audit-ar');
  await checkAxe(page, 'the audit page');

  const adminPage = await newPage();
  await signIn(adminPage, admin);
  assert.match(adminPage.url(), /\/console\/admin$/);
  await shot(adminPage, 'console-admin-ar');
  await checkAxe(adminPage, 'the admin page');
  await adminPage.locator('#department_code').fill('legal');
  await adminPage.locator('#department_name_ar').fill('الشؤون القانونية');
  await adminPage.locator('#department_name_en').fill('Legal');
  await Promise.all([
    adminPage.waitForURL(/done=department/),
    adminPage.getByRole('button', { name: 'إضافة الإدارة' }).click(),
  ]);
  assert.match(await adminPage.locator('#departments').innerText(), /legal/);
});

test('signing out ends the session', async () => {
  const page = await newPage();
  await signIn(page, agent);
  await Promise.all([
    page.waitForURL(/\/console\/sign-in$/),
    page.getByRole('button', { name: 'تسجيل الخروج' }).click(),
  ]);
  await open(page, server, '/console');
  assert.match(page.url(), /\/console\/sign-in$/);
});

await run();
