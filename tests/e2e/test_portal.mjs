// The beneficiary portal in a real browser, as a person would use it: the home page and the
// language switch, submitting in Arabic (with a mistake first, then an attachment), the receipt,
// following the case with its reference and access code, answering a request for information
// and accepting a decision — then the same in English — and the submit and track flows again
// with JavaScript turned off. axe-core checks every page in both languages; every page is
// photographed. The staff's side of the exchange goes through the API here (test_console.mjs
// drives the console's pages).

import fs from 'node:fs';
import path from 'node:path';

import {
  SCRATCH, allowConsoleErrors, api, assert, before, checkAxe, checkLanguage, makeStaff, newPage,
  open, run, shot, startServer, test,
} from './harness.mjs';

let server;
let agent;
let handler;
let supervisor;
const DEPT = 'procurement';

before(async () => {
  server = await startServer();
  agent = await makeStaff(server, { role: 'agent' });
  handler = await makeStaff(server, { role: 'handler', department: DEPT });
  supervisor = await makeStaff(server, { role: 'supervisor', department: DEPT });
});

async function token(staff) {
  const r = await api(server, 'POST', '/api/v1/auth/login',
                      { body: { email: staff.email, password: staff.password } });
  assert.equal(r.status, 200, r.text);
  return r.json().token;
}

// A staff action through the API on the case's current version; the new version.
async function act(staff, reference, action, body = {}) {
  const t = await token(staff);
  const current = await api(server, 'GET', `/api/v1/cases/${reference}`, { token: t });
  assert.equal(current.status, 200, current.text);
  const r = await api(server, 'POST', `/api/v1/cases/${reference}/${action}`,
                      { token: t, body: { ...body, version: current.json().version } });
  assert.equal(r.status, 200, `${action}: ${r.status} ${r.text}`);
  return r.json();
}

// A case submitted through the API (for tests about what comes after); its receipt as JSON.
async function submitByApi(body) {
  const r = await api(server, 'POST', '/api/v1/cases', { body });
  assert.equal(r.status, 201, r.text);
  return r.json();
}

// Fills the submit form as a person would, by the labels they read.
async function fillSubmitForm(page, words, details) {
  await page.getByLabel(words.kind, { exact: true }).check();
  await page.getByLabel(words.beneficiaryKind).selectOption({ label: words.beneficiaryKindValue });
  await page.getByLabel(words.name, { exact: true }).fill(details.name);
  await page.getByLabel(words.organization).fill(details.organization ?? details.name);
  await page.getByLabel(words.email).fill(details.email);
  await page.getByLabel(words.preferred).selectOption({ label: words.preferredValue });
  await page.getByLabel(words.category).selectOption({ index: 1 });
  await page.getByLabel(words.subject, { exact: true }).fill(details.subject);
  await page.getByLabel(words.description).fill(details.description);
  await page.getByLabel(words.remedy).fill(details.remedy);
  await page.getByLabel(words.consent).check();
}

const ARABIC = {
  kind: 'شكوى', beneficiaryKind: 'صفة المستفيد', beneficiaryKindValue: 'القطاع الخاص',
  name: 'الاسم', organization: 'اسم الجهة', email: 'البريد الإلكتروني', preferred: 'وسيلة التواصل المفضلة',
  preferredValue: 'البريد الإلكتروني', category: 'التصنيف', subject: 'الموضوع',
  description: 'التفاصيل', remedy: 'المعالجة المطلوبة',
  consent: 'قرأت إشعار الخصوصية وأوافق عليه', submit: 'إرسال', files: 'المرفقات',
  reference: 'الرقم المرجعي', code: 'رمز الدخول', show: 'عرض الطلب',
};
const ENGLISH = {
  kind: 'complaint', beneficiaryKind: 'You are', beneficiaryKindValue: 'financial and banking sector',
  name: 'Name', organization: 'Organisation', email: 'E-mail', preferred: 'How should we contact you?', preferredValue: 'e-mail',
  category: 'Category', subject: 'Subject', description: 'Details',
  remedy: 'What would put it right?', consent: 'I have read the privacy notice and agree',
  submit: 'Submit', files: 'Attachments', reference: 'Reference number', code: 'Access code',
  show: 'Show the case',
};

async function receiptOf(page) {
  await page.waitForURL(/\/submitted$/);
  const reference = (await page.locator('#reference').innerText()).trim();
  const code = (await page.locator('#access-code').innerText()).trim();
  assert.match(reference, /^C-\d{4}-\d{6}-\d$/);
  assert.ok(code.length >= 8, `an access code: ${code}`);
  return { reference, code };
}

async function track(page, words, { reference, code }) {
  await open(page, server, '/track');
  await page.getByLabel(words.reference, { exact: true }).fill(reference);
  await page.getByLabel(words.code, { exact: true }).fill(code);
  await Promise.all([page.waitForURL(/\/track\/case/),
                     page.getByRole('button', { name: words.show }).click()]);
}

test('home: Arabic and right to left by default, English by its link, and remembered', async () => {
  const page = await newPage({ locale: 'en-US' });
  const response = await open(page, server, '/');
  const headers = await response.allHeaders();
  assert.match(headers['content-security-policy'], /script-src 'self'/);
  assert.doesNotMatch(headers['content-security-policy'], /unsafe-inline/);
  assert.equal(headers['x-frame-options'], 'DENY');
  assert.match(await response.headerValue('set-cookie'),
               /shakwa_csrf=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Lax/);
  await checkLanguage(page, 'ar', 'rtl');
  assert.equal(await page.locator('h1').innerText(), 'صوتكم يحسّن خدماتنا');
  assert.ok(await page.getByRole('main').isVisible());
  // The font comes from our own server (npm at build time), not from elsewhere.
  const font = await page.evaluate(async () => {
    await document.fonts.ready;
    return [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family);
  });
  assert.ok(font.some((f) => f.includes('Plex Arabic')), `fonts loaded: ${font}`);
  await shot(page, 'home-ar');
  await checkAxe(page, 'home, Arabic');

  await Promise.all([page.waitForURL(/lang=en/),
                     page.getByRole('link', { name: 'English' }).click()]);
  await checkLanguage(page, 'en', 'ltr');
  await shot(page, 'home-en');
  await checkAxe(page, 'home, English');
  // The choice is remembered: the next page, without ?lang, is English too.
  await open(page, server, '/track');
  await checkLanguage(page, 'en', 'ltr');
  await Promise.all([page.waitForURL(/lang=ar/),
                     page.getByRole('link', { name: 'العربية' }).click()]);
  await checkLanguage(page, 'ar', 'rtl');
});

// The whole exchange in one language: submit (a mistake first), receipt, track, answer a request
// for information, accept the decision.
async function wholeCase(words, language) {
  const page = await newPage();
  await open(page, server, language === 'en' ? '/submit?lang=en' : '/submit');
  await checkLanguage(page, language, language === 'en' ? 'ltr' : 'rtl');
  await shot(page, `submit-${language}`);
  await checkAxe(page, `the submit form (${language})`);

  const details = language === 'en'
    ? { name: 'Gulf Bank', email: 'ops@bank.example', subject: 'Guarantee release delayed',
        description: 'The final guarantee for contract 4471 has not been released.',
        remedy: 'Release the guarantee' }
    : { name: 'شركة الرواد للمقاولات', email: 'info@rowad.example',
        subject: 'تأخر صرف المستخلص رقم ٧',
        description: 'رُفع المستخلص في الأول من الشهر ولم يُصرف حتى الآن.',
        remedy: 'صرف المستخلص' };
  // First a mistake: everything but the details. The form comes back with the error at the top
  // and next to the field, and what was typed is still there.
  await fillSubmitForm(page, words, details);
  await page.getByLabel(words.description).fill('');
  allowConsoleErrors(page, /status of 422/);
  await page.getByRole('button', { name: words.submit }).click();
  await page.waitForSelector('#error-summary');
  assert.equal(await page.locator('#description-error').count(), 1);
  assert.equal(await page.locator('#description').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByLabel(words.subject, { exact: true }).inputValue(), details.subject);
  assert.equal(await page.getByLabel(words.email).inputValue(), details.email);
  assert.ok(await page.getByLabel(words.consent).isChecked());
  // The summary links to the field, and the script has moved focus to the summary.
  assert.equal(await page.locator('#error-summary a[href="#description"]').count(), 1);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'error-summary');
  await shot(page, `submit-errors-${language}`);
  await checkAxe(page, `the submit form with errors (${language})`);

  // Then right, with a PDF attached.
  await page.getByLabel(words.description).fill(details.description);
  const pdf = path.join(SCRATCH, `statement-${language}.pdf`);
  fs.writeFileSync(pdf, '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
  await page.getByLabel(words.files).setInputFiles(pdf);
  await page.getByRole('button', { name: words.submit }).click();
  const receipt = await receiptOf(page);
  const text = await page.locator('main').innerText();
  // Dates in Hijri and Gregorian.
  assert.match(text, language === 'en' ? /AH/ : /هـ/);
  assert.match(text, language === 'en' ? /\d{4}\)/ : /م/);
  assert.ok(await page.getByRole('button', { name: language === 'en' ? 'Print the receipt' : 'طباعة الإيصال' }).isVisible());
  await shot(page, `receipt-${language}`);
  await checkAxe(page, `the receipt (${language})`);
  // The access code is nowhere in the address bar, and the case was recorded as typed.
  assert.ok(!page.url().includes(receipt.code));
  const t = await token(agent);
  const recorded = (await api(server, 'GET', `/api/v1/cases/${receipt.reference}`, { token: t })).json();
  assert.equal(recorded.subject, details.subject);
  assert.equal(recorded.channel, 'portal');
  assert.equal(recorded.language, language);
  assert.equal(recorded.attachments.length, 1);

  // A new browser (nothing remembered) follows the case with the reference and the code.
  const other = await newPage();
  if (language === 'en') await open(other, server, '/?lang=en');
  await track(other, words, receipt);
  assert.equal(await other.locator('#status').innerText(),
               language === 'en' ? 'received' : 'مستلمة');
  await shot(other, `case-received-${language}`);
  await checkAxe(other, `the case page (${language})`);

  // The centre asks for information; the beneficiary sees it and answers.
  await act(agent, receipt.reference, 'assess', {
    severity: 'medium', complexity: 'simple', impact: 'individual', priority: 'normal',
    category: recorded.category, department: DEPT, immediate_action_needed: false,
  });
  const question = language === 'en' ? 'Please send the payment order number.' : 'يرجى تزويدنا برقم أمر الدفع';
  await act(handler, receipt.reference, 'request-info', { text: question });
  await other.reload();
  assert.match(await other.locator('#timeline').innerText(), new RegExp(question.slice(0, 12)));
  await shot(other, `case-information-requested-${language}`);
  await checkAxe(other, `the case awaiting an answer (${language})`);
  const answer = language === 'en' ? 'Payment order 55123.' : 'رقم أمر الدفع 55123';
  await other.getByLabel(language === 'en' ? 'Your answer' : 'إجابتكم').fill(answer);
  await Promise.all([other.waitForURL(/done=answer/),
                     other.getByRole('button', { name: language === 'en' ? 'Send the answer' : 'إرسال الإجابة' }).click()]);
  assert.match(await other.locator('#timeline').innerText(), /55123/);
  assert.equal(await other.locator('#status').innerText(),
               language === 'en' ? 'in progress' : 'قيد المعالجة');

  // The decision; the beneficiary accepts it and the case closes.
  await act(supervisor, receipt.reference, 'findings', { root_cause: 'late approval', outcome: 'upheld' });
  const decision = language === 'en' ? 'The guarantee will be released within three working days.' : 'يُصرف المستخلص خلال ثلاثة أيام عمل';
  await act(supervisor, receipt.reference, 'resolve', { decision, remedies: ['correction'] });
  await other.reload();
  assert.equal(await other.locator('#decision').innerText(), decision);
  await shot(other, `case-decided-${language}`);
  await checkAxe(other, `the decided case (${language})`);
  await Promise.all([other.waitForURL(/done=accept/),
                     other.getByRole('button', { name: language === 'en' ? 'I accept the decision' : 'أقبل القرار', exact: true }).click()]);
  assert.equal(await other.locator('#status').innerText(), language === 'en' ? 'closed' : 'مغلقة');
  await shot(other, `case-closed-${language}`);
  const after = (await api(server, 'GET', `/api/v1/cases/${receipt.reference}`, { token: t })).json();
  assert.equal(after.status, 'closed');
}

test('a beneficiary submits in Arabic, follows the case, answers and accepts', async () => {
  await wholeCase(ARABIC, 'ar');
}, { timeout: 240_000 });

test('the same in English', async () => {
  await wholeCase(ENGLISH, 'en');
}, { timeout: 240_000 });

test('a beneficiary who does not accept the decision says why, and the case reopens', async () => {
  const submitted = await submitByApi({
    kind: 'complaint', channel: 'portal', category: 'payments', subject: 'غرامة تأخير غير مستحقة',
    description: 'فُرضت غرامة تأخير رغم أن التأخير من الجهة', remedy_sought: 'إلغاء الغرامة',
    language: 'ar', consent_notice_shown: true,
    beneficiary: { kind: 'individual', name: 'خالد', mobile: '0551234567' },
  });
  const { reference, access_code: code } = submitted;
  await act(agent, reference, 'assess', {
    severity: 'medium', complexity: 'simple', impact: 'individual', priority: 'normal',
    category: 'payments', department: DEPT, immediate_action_needed: false,
  });
  await act(handler, reference, 'notes', { text: 'بدء الدراسة' });
  await act(handler, reference, 'request-info', { text: 'يرجى إرفاق خطاب الجهة' });
  const page = await newPage();
  await track(page, ARABIC, { reference, code });
  await page.getByLabel('إجابتكم').fill('أرسلنا الخطاب بالبريد');
  await Promise.all([page.waitForURL(/done=answer/),
                     page.getByRole('button', { name: 'إرسال الإجابة' }).click()]);
  await act(supervisor, reference, 'findings', { root_cause: 'خطأ في الاحتساب', outcome: 'not_upheld' });
  await act(supervisor, reference, 'resolve', { decision: 'الغرامة مستحقة وفق العقد', remedies: ['explanation'] });
  await page.reload();
  // Not accepting without a reason: the reason is asked for beside its box, nothing changes.
  allowConsoleErrors(page, /status of 422/);
  await page.getByRole('button', { name: 'لا أقبل القرار' }).click();
  await page.waitForSelector('#error-summary');
  assert.equal(await page.locator('#status').innerText(), 'صدر القرار');
  await checkAxe(page, 'the decided case with an error');
  await page.getByLabel('سبب عدم القبول').fill('التأخير سببه تأخر اعتماد الجهة للمخططات');
  await Promise.all([page.waitForURL(/done=appeal/),
                     page.getByRole('button', { name: 'لا أقبل القرار' }).click()]);
  assert.equal(await page.locator('#status').innerText(), 'قيد المعالجة');
  assert.match(await page.locator('#timeline').innerText(), /تأخر اعتماد الجهة/);
  await shot(page, 'case-appealed-ar');
  // The staff side sees it reopened.
  const staff = (await api(server, 'GET', `/api/v1/cases/${reference}`, { token: await token(supervisor) })).json();
  assert.equal(staff.status, 'in_progress');
}, { timeout: 180_000 });

test('a wrong access code opens nothing and says so', async () => {
  const page = await newPage();
  const submitted = await submitByApi({
    kind: 'suggestion', channel: 'portal', category: 'other', subject: 'اقتراح',
    description: 'اقتراح لتحسين البوابة', language: 'ar', consent_notice_shown: true,
    beneficiary: { kind: 'individual', name: 'سارة', email: 'sara@example.org' },
  });
  allowConsoleErrors(page, /status of 422/);
  await open(page, server, '/track');
  await page.getByLabel(ARABIC.reference, { exact: true }).fill(submitted.reference);
  await page.getByLabel(ARABIC.code, { exact: true }).fill('AAAA-BBBB-CCCC');
  await page.getByRole('button', { name: ARABIC.show }).click();
  await page.waitForSelector('#error-summary');
  assert.match(await page.locator('#access_code-error').innerText(), /لم نجد/);
  // The reference stays typed; the code is never sent back.
  assert.equal(await page.getByLabel(ARABIC.reference, { exact: true }).inputValue(),
               submitted.reference);
  assert.equal(await page.getByLabel(ARABIC.code, { exact: true }).inputValue(), '');
  assert.ok(!(await page.context().cookies()).some((c) => c.name === 'shakwa_case'));
  await shot(page, 'track-wrong-code-ar');
  await checkAxe(page, 'the track form with an error');
});

test('codes tried through a forged cookie count against the same limit as the track form', async () => {
  const submitted = await submitByApi({
    kind: 'suggestion', channel: 'portal', category: 'other', subject: 'اقتراح آخر',
    description: 'تحسين صفحة البحث', language: 'ar', consent_notice_shown: true,
    beneficiary: { kind: 'individual', name: 'ريم', email: 'reem@example.org' },
  });
  const { reference, access_code: code } = submitted;
  const page = await newPage();
  const url = new URL(server.url);
  // Ten guesses, each a cookie the page never gave: each is refused (back to the track form).
  for (let i = 0; i < 10; i += 1) {
    await page.context().addCookies([{ name: 'shakwa_case', value: `${reference}~WRNG-CODE-${String(i).padStart(4, '0')}`,
                                       domain: url.hostname, path: '/' }]);
    await open(page, server, '/track/case');
    assert.match(page.url(), /\/track$/);
  }
  // Now even the right code, typed on the form, waits: the reference is closed to guessing.
  allowConsoleErrors(page, /status of 429/);
  await page.getByLabel(ARABIC.reference, { exact: true }).fill(reference);
  await page.getByLabel(ARABIC.code, { exact: true }).fill(code);
  await page.getByRole('button', { name: ARABIC.show }).click();
  await page.waitForSelector('#error-summary');
  assert.match(await page.locator('#error-summary').innerText(), /محاولات كثيرة خاطئة؛ حاول بعد \d+ دقيقة/);
  assert.ok(!(await page.context().cookies()).some((c) => c.name === 'shakwa_case'));
});

test('by keyboard alone: the skip link first, then the track form filled and sent', async () => {
  const submitted = await submitByApi({
    kind: 'remark', channel: 'portal', category: 'other', subject: 'ملاحظة على البوابة',
    description: 'الخط صغير في صفحة العقود', language: 'ar', consent_notice_shown: true,
    beneficiary: { kind: 'individual', name: 'نورة', email: 'noura@example.org' },
  });
  const page = await newPage();
  await open(page, server, '/track');
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => ({ text: document.activeElement.textContent.trim(),
                                             href: document.activeElement.getAttribute('href') }));
  assert.deepEqual(first, { text: 'انتقل إلى المحتوى', href: '#main' });
  // The skip link is visible when focused (it hides off-screen otherwise).
  assert.ok(await page.locator('.skip-link').isVisible());
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
  // From the main content, the first field is the reference, then the code, then the button.
  for (let i = 0; i < 10; i += 1) {
    if (await page.evaluate(() => document.activeElement.id) === 'reference') break;
    await page.keyboard.press('Tab');
  }
  assert.equal(await page.evaluate(() => document.activeElement.id), 'reference');
  await page.keyboard.type(submitted.reference);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'access_code');
  await page.keyboard.type(submitted.access_code);
  await Promise.all([page.waitForURL(/\/track\/case/), page.keyboard.press('Enter')]);
  assert.equal(await page.locator('#status').innerText(), 'مستلمة');
});

test('a form without its CSRF token changes nothing', async () => {
  const before = (await api(server, 'GET', '/api/v1/cases?limit=200', { token: await token(agent) })).json().items.length;
  const r = await fetch(`${server.url}/submit`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'kind=complaint&subject=x&description=y&category=other',
    redirect: 'manual',
  });
  assert.equal(r.status, 422);
  assert.match(await r.text(), /انتهت صلاحية النموذج/);
  const after = (await api(server, 'GET', '/api/v1/cases?limit=200', { token: await token(agent) })).json().items.length;
  assert.equal(after, before);
  // And from another site, even with a token that matches its cookie.
  const token64 = 'a'.repeat(64);
  const cross = await fetch(`${server.url}/submit`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://evil.example',
               Cookie: `shakwa_csrf=${token64}` },
    body: `csrf=${token64}&kind=complaint`,
    redirect: 'manual',
  });
  assert.equal(cross.status, 422);
});

test('without JavaScript: submit and track still work', async () => {
  const page = await newPage({ javaScriptEnabled: false });
  await open(page, server, '/submit');
  await fillSubmitForm(page, ARABIC, {
    name: 'محمد العتيبي', email: 'm@example.org', subject: 'تعذر الدخول إلى المنصة',
    description: 'تظهر رسالة خطأ عند تسجيل الدخول', remedy: 'إصلاح الدخول',
  });
  await page.getByRole('button', { name: ARABIC.submit }).click();
  const receipt = await receiptOf(page);
  // The print button needs the script; without it, it stays hidden.
  assert.equal(await page.locator('[data-print]').isVisible(), false);
  await shot(page, 'receipt-no-js');
  const other = await newPage({ javaScriptEnabled: false });
  await track(other, ARABIC, receipt);
  assert.equal(await other.locator('#status').innerText(), 'مستلمة');
  await shot(other, 'case-no-js');
  // Leaving forgets the case in this browser.
  await Promise.all([other.waitForURL(/\/track$/),
                     other.getByRole('button', { name: 'إنهاء المتابعة' }).click()]);
  await open(other, server, '/track/case').catch(() => {});
  assert.match(other.url(), /\/track$/);
});

await run();
