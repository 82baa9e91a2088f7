// The story end to end, with both sides in the browser and no staff action through the
// API: a beneficiary submits in Arabic and tracks; an agent records a phone complaint and the
// caller tracks it; a case is assessed, information is requested, the beneficiary answers, the
// findings and the decision are recorded, the beneficiary accepts — then the same in English.
// Every person has a browser of their own (a context: their own cookies) and switches it to
// English by the visible language link; every distinct page is checked with axe-core in the
// language of the run and photographed (flow-<lang>-NN-<who>-<what>), and every page must run
// clean under its Content-Security-Policy (the harness fails on console errors).
//
// Who does what follows our roles (docs/authorization.md), not the issue's shorthand "a handler
// assesses … the handler resolves":
//   - assessment and routing: an agent (assess is agent or supervisor; handlers may not);
//   - the request for information and the findings: the department's handler;
//   - the decision and remedy (resolve): the department's supervisor (supervisor only).
// Handlers and supervisors see only their department's cases (need-to-know), so the agent routes
// the case into the department when assessing it, before anyone there can find it.
//
// Last, a test opens every console page (sign-in, the queues, the case, intake; with their error
// states, and the audit and admin pages) in English with axe: test_console.mjs covers them in
// Arabic.

import {
  allowConsoleErrors, assert, before, checkAxe, checkLanguage, makeDepartment, makeStaff, newPage,
  open, run, shot, startServer, test,
} from './harness.mjs';

let server;
let agent;
let handler;
let supervisor;
let auditor;
let admin;
const DEPT = { code: 'licensing', nameAr: 'إدارة التراخيص', nameEn: 'Licensing' };

before(async () => {
  server = await startServer();
  await makeDepartment(server, DEPT);
  agent = await makeStaff(server, { role: 'agent' });
  handler = await makeStaff(server, { role: 'handler', department: DEPT.code });
  supervisor = await makeStaff(server, { role: 'supervisor', department: DEPT.code });
  auditor = await makeStaff(server, { role: 'auditor' });
  admin = await makeStaff(server, { role: 'admin' });
});

// -- the words people read (web/i18n/*.json and the domain's terms) -----------------------------

const WORDS = {
  ar: {
    lang: 'ar', dir: 'rtl', other: 'English', department: DEPT.nameAr,
    // The portal.
    navSubmit: 'تقديم شكوى أو مقترح', navTrack: 'متابعة طلب',
    kind: 'شكوى', beneficiaryKind: 'صفة المستفيد', beneficiaryKindValue: 'القطاع الخاص',
    name: 'الاسم', organization: 'اسم الجهة', email: 'البريد الإلكتروني',
    preferred: 'وسيلة التواصل المفضلة', preferredValue: 'البريد الإلكتروني', category: 'التصنيف',
    subject: 'الموضوع', description: 'التفاصيل', remedy: 'المعالجة المطلوبة',
    consent: 'قرأت إشعار الخصوصية وأوافق عليه', submit: 'إرسال',
    submittedHeading: 'تم استلام طلبكم', reference: 'الرقم المرجعي', code: 'رمز الدخول',
    show: 'عرض الطلب', answerHeading: 'طلبنا منكم معلومات', answerLabel: 'إجابتكم',
    answerButton: 'إرسال الإجابة', doneAnswer: 'وصلتنا إجابتكم، وعادت المعالجة إلى مسارها.',
    decideHeading: 'ما رأيكم في القرار؟', accept: 'أقبل القرار',
    doneAccept: 'سجّلنا قبولكم للقرار، وأُغلق الطلب. شكرًا لكم.',
    clockPaused: 'توقف احتساب المدة إلى أن تصلنا إجابتكم.',
    byCentre: 'المركز', byYou: 'أنتم',
    evReceived: 'استلام الطلب', evInfoRequested: 'طلب معلومات', evInfoProvided: 'إجابتكم',
    evResolved: 'إصدار القرار', evAccepted: 'قبول القرار',
    // Statuses (src/domain/case.cpp); the portal addresses the beneficiary (yourAwaiting).
    received: 'مستلمة', assessed: 'تم التقييم', inProgress: 'قيد المعالجة',
    awaiting: 'بانتظار رد المستفيد', yourAwaiting: 'بانتظار ردكم', resolved: 'صدر القرار', closed: 'مغلقة',
    // The console.
    password: 'كلمة المرور', signIn: 'دخول', queuesNav: 'قوائم العمل',
    qAll: 'كل الطلبات', qMine: 'المسندة إليّ', qDepartment: 'طلبات إدارتي',
    qUnassigned: 'غير المسندة', qDueSoon: 'يحل موعدها قريبًا', qOverdue: 'المتأخرة',
    qEscalated: 'المصعّدة',
    severity: 'الخطورة', complexity: 'التعقيد', impact: 'الأثر', priority: 'الأولوية',
    cDepartment: 'الإدارة', assessButton: 'حفظ التقييم', doneAssess: 'حُفظ التقييم.',
    assigneeId: 'رقم الموظف المكلّف', assignButton: 'إسناد', doneAssign: 'أُسند الطلب.',
    medium: 'متوسطة', simple: 'بسيطة', individual: 'فردي', high: 'عالية',
    requestLabel: 'ما المطلوب', requestButton: 'إرسال الطلب',
    doneRequest: 'أُرسل طلب المعلومات إلى المستفيد، وتوقف احتساب المدة.',
    clockPausedBadge: 'المدة متوقفة',
    rootCause: 'السبب الجذري', outcome: 'النتيجة', upheld: 'مقبولة',
    findingsButton: 'حفظ النتائج', doneFindings: 'حُفظت نتائج الدراسة.',
    decision: 'القرار', correction: 'تصحيح', resolveButton: 'إصدار القرار',
    doneResolve: 'سُجّل القرار وأُبلغ المستفيد.',
    public: 'يراه المستفيد', byBeneficiary: 'المستفيد',
    cEvAssessed: 'التقييم الأولي', cEvInfoRequested: 'طلب معلومات من المستفيد',
    cEvInfoProvided: 'إجابة المستفيد', cEvFindings: 'نتائج الدراسة', cEvResolved: 'إصدار القرار',
    cEvAccepted: 'قبول المستفيد للقرار',
    // Intake.
    navIntake: 'تسجيل بلاغ نيابة عن مستفيد', channel: 'قناة الاستلام', phone: 'الهاتف',
    individualKind: 'فرد', mobile: 'رقم الجوال', phoneCall: 'اتصال هاتفي',
    intakeConsent: 'قرأت إشعار الخصوصية على المستفيد ووافق عليه', intakeButton: 'تسجيل الطلب',
    doneIntake: 'سُجّل الطلب.', readOut: 'اقرأ الرقم المرجعي ورمز الدخول على المستفيد الآن',
  },
  en: {
    lang: 'en', dir: 'ltr', other: 'العربية', department: DEPT.nameEn,
    navSubmit: 'Submit a complaint or suggestion', navTrack: 'Track a case',
    kind: 'complaint', beneficiaryKind: 'You are',
    beneficiaryKindValue: 'financial and banking sector', name: 'Name',
    organization: 'Organisation', email: 'E-mail', preferred: 'How should we contact you?',
    preferredValue: 'e-mail', category: 'Category', subject: 'Subject', description: 'Details',
    remedy: 'What would put it right?', consent: 'I have read the privacy notice and agree',
    submit: 'Submit', submittedHeading: 'We have received your case',
    reference: 'Reference number', code: 'Access code', show: 'Show the case',
    answerHeading: 'We asked you for information', answerLabel: 'Your answer',
    answerButton: 'Send the answer', doneAnswer: 'Your answer has reached us and the work goes on.',
    decideHeading: 'Do you accept the decision?', accept: 'I accept the decision',
    doneAccept: 'Your acceptance is recorded and the case is closed. Thank you.',
    clockPaused: 'The clock is stopped until your answer reaches us.',
    byCentre: 'The centre', byYou: 'You',
    evReceived: 'Case received', evInfoRequested: 'Information requested',
    evInfoProvided: 'Your answer', evResolved: 'Decision given', evAccepted: 'Decision accepted',
    received: 'received', assessed: 'assessed', inProgress: 'in progress',
    awaiting: 'awaiting the beneficiary', yourAwaiting: 'awaiting your reply', resolved: 'decision issued', closed: 'closed',
    password: 'Password', signIn: 'Sign in', queuesNav: 'Work queues',
    qAll: 'All cases', qMine: 'Assigned to me', qDepartment: 'My department',
    qUnassigned: 'Unassigned', qDueSoon: 'Due soon', qOverdue: 'Overdue', qEscalated: 'Escalated',
    severity: 'Severity', complexity: 'Complexity', impact: 'Impact', priority: 'Priority',
    cDepartment: 'Department', assessButton: 'Save assessment',
    doneAssess: 'The assessment has been saved.',
    assigneeId: 'Assignee\'s staff number', assignButton: 'Assign',
    doneAssign: 'The case has been assigned.',
    medium: 'medium', simple: 'simple', individual: 'one beneficiary', high: 'high',
    requestLabel: 'What is needed', requestButton: 'Send request',
    doneRequest: 'The request for information has been sent; the clock is paused.',
    clockPausedBadge: 'clock paused',
    rootCause: 'Root cause', outcome: 'Outcome', upheld: 'upheld', findingsButton: 'Save findings',
    doneFindings: 'The findings have been saved.',
    decision: 'Decision', correction: 'correction', resolveButton: 'Record decision',
    doneResolve: 'The decision has been recorded and the beneficiary told.',
    public: 'public', byBeneficiary: 'the beneficiary',
    cEvAssessed: 'Assessed', cEvInfoRequested: 'Information requested',
    cEvInfoProvided: 'The beneficiary answered', cEvFindings: 'Findings', cEvResolved: 'Decision',
    cEvAccepted: 'The beneficiary accepted',
    navIntake: 'Record for a beneficiary', channel: 'Channel', phone: 'phone',
    individualKind: 'individual', mobile: 'Mobile number', phoneCall: 'phone call',
    intakeConsent: 'I read the privacy notice to the beneficiary and they agreed',
    intakeButton: 'Record the case', doneIntake: 'The case has been recorded.',
    readOut: 'Read the reference and the access code out to the beneficiary now',
  },
};

// What each person types, in the language of the run.
const STORY = {
  ar: {
    beneficiary: { name: 'شركة الأفق للتوريدات', email: 'info@ufuq.example' },
    subject: 'تأخر إصدار ترخيص المنشأة',
    description: 'قدّمنا طلب الترخيص قبل ستة أسابيع ولم يصلنا أي رد حتى الآن.',
    remedy: 'البت في طلب الترخيص',
    question: 'يرجى تزويدنا برقم طلب الترخيص وتاريخ تقديمه.',
    answer: 'رقم الطلب 77812، قُدّم في الثالث من الشهر الماضي.',
    rootCause: 'تعطل الطلب في مرحلة المراجعة الفنية دون إشعار.',
    decision: 'صدر الترخيص اليوم، ونعتذر عن التأخير.',
    caller: { name: 'خالد الحربي', mobile: '0559876543' },
    phoneSubject: 'تعذر تحديث بيانات المنشأة',
    phoneDescription: 'اتصل المستفيد وذكر أن تحديث بيانات منشأته يُرفض دون سبب.',
    phoneRemedy: 'تحديث البيانات',
  },
  en: {
    beneficiary: { name: 'Horizon Trading Bank', email: 'ops@horizon.example' },
    subject: 'Licence renewal delayed',
    description: 'We applied to renew our licence six weeks ago and have heard nothing since.',
    remedy: 'Decide on the renewal',
    question: 'Please send the application number and the date you applied.',
    answer: 'Application 88123, sent on the 3rd of last month.',
    rootCause: 'The application was stuck in technical review without notice.',
    decision: 'The licence was renewed today; we apologise for the delay.',
    caller: { name: 'Sarah Williams', mobile: '0551239876' },
    phoneSubject: 'Cannot update our company details',
    phoneDescription: 'The caller says updating the company details is refused with no reason.',
    phoneRemedy: 'Update the details',
  },
};

// -- helpers --------------------------------------------------------------------------------------

/** Switches this browser to the language by the visible link in the header. */
async function switchLanguage(page, w) {
  await Promise.all([
    page.waitForURL(new RegExp(`lang=${w.lang}`)),
    page.getByRole('link', { name: WORDS[w.lang === 'en' ? 'ar' : 'en'].other, exact: true }).click(),
  ]);
  await checkLanguage(page, w.lang, w.dir);
}

/** The case page's status, as the person reads it. */
async function statusOf(page) {
  return (await page.locator('#status').innerText()).trim();
}

/** The success notice at the top of the page. */
async function noticeOf(page) {
  return (await page.locator('.notice.success').innerText()).trim();
}

/** The entry of the timeline that has this text (exactly one). */
async function timelineEntry(page, text, selector = '#timeline li') {
  const entry = page.locator(selector, { hasText: text });
  assert.equal(await entry.count(), 1, `one timeline entry with "${text}" on ${page.url()}`);
  return (await entry.innerText()).trim();
}

/** A staff member signs in with the form on /console/sign-in, in the language of the run. */
async function signIn(page, staff, w, { check = null, home = /\/console(\?.*)?$/ } = {}) {
  await open(page, server, '/console/sign-in');
  if (w.lang === 'en') await switchLanguage(page, w);
  await checkLanguage(page, w.lang, w.dir);
  if (check) {
    await shot(page, check);
    await checkAxe(page, `the sign-in page (${w.lang})`);
  }
  await page.getByLabel(w.email, { exact: true }).fill(staff.email);
  await page.getByLabel(w.password, { exact: true }).fill(staff.password);
  await Promise.all([
    // The role's home (/console, not /console/sign-in) answers a good sign-in.
    page.waitForURL(home),
    page.getByRole('button', { name: w.signIn, exact: true }).click(),
  ]);
  await checkLanguage(page, w.lang, w.dir);
  assert.match(await page.locator('header .who').innerText(), new RegExp(staff.name),
               `${staff.name} is shown signed in`);
}

/** Opens a queue by its tab; the queue's row of this case (asserted to be there). */
async function queueRow(page, w, tab, reference) {
  await Promise.all([
    page.waitForURL(/queue=/),
    page.getByRole('navigation', { name: w.queuesNav }).getByRole('link', { name: tab, exact: true })
      .click(),
  ]);
  assert.equal(await page.locator('#cases-heading').innerText(), tab);
  const row = page.locator('#queue tbody tr', { has: page.getByRole('link', { name: reference }) });
  assert.equal(await row.count(), 1, `${reference} in the queue "${tab}"`);
  return row;
}

/** Opens the case from its link in a queue row. */
async function openCase(page, row, reference) {
  await Promise.all([
    page.waitForURL(new RegExp(`/console/cases/${reference}$`)),
    row.getByRole('link', { name: reference }).click(),
  ]);
}

/** Presses the button of one of the case page's forms; waits for the page saying it is done. */
async function press(page, formId, button, done) {
  await Promise.all([
    page.waitForURL(new RegExp(`[?&]done=${done}$`)),
    page.locator(`#${formId}`).getByRole('button', { name: button, exact: true }).click(),
  ]);
}

/** Fills the portal's submit form as a person would, by the labels they read. */
async function fillSubmitForm(page, w, story) {
  await page.getByLabel(w.kind, { exact: true }).check();
  await page.getByLabel(w.beneficiaryKind).selectOption({ label: w.beneficiaryKindValue });
  await page.getByLabel(w.name, { exact: true }).fill(story.beneficiary.name);
  await page.getByLabel(w.organization).fill(story.beneficiary.name);
  await page.getByLabel(w.email).fill(story.beneficiary.email);
  await page.getByLabel(w.preferred).selectOption({ label: w.preferredValue });
  await page.getByLabel(w.category).selectOption({ index: 1 });
  await page.getByLabel(w.subject, { exact: true }).fill(story.subject);
  await page.getByLabel(w.description).fill(story.description);
  await page.getByLabel(w.remedy).fill(story.remedy);
  await page.getByLabel(w.consent).check();
}

/** The track form, filled and sent; lands on the case page. */
async function track(page, w, { reference, code }) {
  await page.getByLabel(w.reference, { exact: true }).fill(reference);
  await page.getByLabel(w.code, { exact: true }).fill(code);
  await Promise.all([page.waitForURL(/\/track\/case$/),
                     page.getByRole('button', { name: w.show, exact: true }).click()]);
}

// -- the story ------------------------------------------------------------------------------------

async function wholeStory(lang) {
  const w = WORDS[lang];
  const story = STORY[lang];
  const name = (n, who, what) => `flow-${lang}-${String(n).padStart(2, '0')}-${who}-${what}`;

  // 1. The beneficiary submits in the portal and gets a receipt.
  const portal = await newPage();
  await open(portal, server, '/');
  if (lang === 'en') await switchLanguage(portal, w);
  await checkLanguage(portal, w.lang, w.dir);
  // The home page's own button (the header has the same link).
  await Promise.all([
    portal.waitForURL(/\/submit$/),
    portal.getByRole('main').getByRole('link', { name: w.navSubmit, exact: true }).click(),
  ]);
  await checkLanguage(portal, w.lang, w.dir);
  await fillSubmitForm(portal, w, story);
  await shot(portal, name(1, 'beneficiary', 'submit'));
  await checkAxe(portal, `the submit form (${lang})`);
  await Promise.all([portal.waitForURL(/\/submitted$/),
                     portal.getByRole('button', { name: w.submit, exact: true }).click()]);
  assert.equal((await portal.locator('h1').innerText()).trim(), w.submittedHeading);
  const reference = (await portal.locator('#reference').innerText()).trim();
  const code = (await portal.locator('#access-code').innerText()).trim();
  assert.match(reference, /^C-\d{4}-\d{6}-\d$/);
  assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  assert.ok(!portal.url().includes(code), 'the access code is not in the address');
  assert.match(await portal.locator('.receipt').innerText(), new RegExp(story.subject));
  await shot(portal, name(1, 'beneficiary', 'receipt'));
  await checkAxe(portal, `the receipt (${lang})`);

  // ... and follows it from a fresh browser (nothing remembered) with the reference and the code.
  const ben = await newPage();
  await open(ben, server, lang === 'en' ? '/track?lang=en' : '/track');
  await checkLanguage(ben, w.lang, w.dir);
  await shot(ben, name(1, 'beneficiary', 'track-form'));
  await checkAxe(ben, `the track form (${lang})`);
  await track(ben, w, { reference, code });
  await checkLanguage(ben, w.lang, w.dir);
  assert.equal(await statusOf(ben), w.received);
  assert.match(await timelineEntry(ben, w.evReceived), new RegExp(w.evReceived));
  assert.equal(await ben.locator('#answer-text').count(), 0, 'nothing to answer yet');
  await shot(ben, name(1, 'beneficiary', 'case-received'));
  await checkAxe(ben, `the case page, received (${lang})`);

  // 2. The agent signs in, finds the case in the unassigned queue, opens it and assesses it into
  //    the department. In English the agent also assigns it to the handler by staff number, so
  //    that the handler finds it under "Assigned to me" (in Arabic: "My department").
  const agentPage = await newPage();
  await signIn(agentPage, agent, w, { check: name(2, 'agent', 'sign-in') });
  await shot(agentPage, name(2, 'agent', 'queues'));
  await checkAxe(agentPage, `the queues, agent (${lang})`);
  const row = await queueRow(agentPage, w, w.qUnassigned, reference);
  assert.match(await row.innerText(), new RegExp(story.subject));
  assert.match(await row.innerText(), new RegExp(w.received));
  await shot(agentPage, name(2, 'agent', 'unassigned-queue'));
  await checkAxe(agentPage, `the unassigned queue (${lang})`);
  await openCase(agentPage, row, reference);
  assert.equal(await statusOf(agentPage), w.received);
  assert.equal((await agentPage.locator('#subject').innerText()).trim(), story.subject);
  await shot(agentPage, name(2, 'agent', 'case'));
  await checkAxe(agentPage, `the case page, agent (${lang})`);
  const assess = agentPage.locator('#assess-form');
  await assess.getByLabel(w.severity, { exact: true }).selectOption({ label: w.medium });
  await assess.getByLabel(w.complexity, { exact: true }).selectOption({ label: w.simple });
  await assess.getByLabel(w.impact, { exact: true }).selectOption({ label: w.individual });
  await assess.getByLabel(w.priority, { exact: true }).selectOption({ label: w.high });
  await assess.getByLabel(w.cDepartment, { exact: true }).selectOption({ label: w.department });
  await press(agentPage, 'assess-form', w.assessButton, 'assess');
  assert.equal(await noticeOf(agentPage), w.doneAssess);
  assert.equal(await statusOf(agentPage), w.assessed);
  assert.equal((await agentPage.locator('#department').innerText()).trim(), w.department);
  assert.match(await timelineEntry(agentPage, w.cEvAssessed, '#timeline li.internal, #timeline li.public'),
               new RegExp(w.cEvAssessed));
  if (lang === 'en') {
    await agentPage.locator('#assign-form').getByLabel(w.assigneeId).fill(String(handler.id));
    await press(agentPage, 'assign-form', w.assignButton, 'assign');
    assert.equal(await noticeOf(agentPage), w.doneAssign);
    assert.equal((await agentPage.locator('#assignee').innerText()).trim(), `#${handler.id}`);
    // Assigned to a person, the work has started.
    assert.equal(await statusOf(agentPage), w.inProgress);
  }
  const routed = lang === 'en' ? w.inProgress : w.assessed;
  await shot(agentPage, name(2, 'agent', 'assessed'));
  await checkAxe(agentPage, `the case page, assessed (${lang})`);

  // The beneficiary sees that it has been assessed (and in English, that work has started).
  await ben.reload();
  assert.equal(await statusOf(ben), routed);

  // 3. The handler signs in, finds the case and asks the beneficiary for information.
  const handlerPage = await newPage();
  await signIn(handlerPage, handler, w);
  const tab = lang === 'en' ? w.qMine : w.qDepartment;
  const handlerRow = await queueRow(handlerPage, w, tab, reference);
  assert.match(await handlerRow.innerText(), new RegExp(routed));
  await shot(handlerPage, name(3, 'handler', lang === 'en' ? 'mine-queue' : 'department-queue'));
  await checkAxe(handlerPage, `the queue "${tab}" (${lang})`);
  await openCase(handlerPage, handlerRow, reference);
  // A handler may not assess, assign or resolve (the forms are not there).
  for (const form of ['assess-form', 'assign-form', 'resolve-form']) {
    assert.equal(await handlerPage.locator(`#${form}`).count(), 0, `no ${form} for a handler`);
  }
  await handlerPage.getByLabel(w.requestLabel, { exact: true }).fill(story.question);
  await press(handlerPage, 'request-info-form', w.requestButton, 'request-info');
  assert.equal(await noticeOf(handlerPage), w.doneRequest);
  assert.equal(await statusOf(handlerPage), w.awaiting);
  assert.match(await handlerPage.locator('#clock-paused').innerText(), new RegExp(w.clockPausedBadge));
  const asked = await timelineEntry(handlerPage, story.question, '#timeline li.public');
  assert.match(asked, new RegExp(w.cEvInfoRequested));
  assert.match(asked, new RegExp(w.public));
  await shot(handlerPage, name(3, 'handler', 'request-info'));
  await checkAxe(handlerPage, `the case page, information requested (${lang})`);

  // 4. The beneficiary reloads the case page, sees the request and answers it.
  await ben.reload();
  assert.equal(await statusOf(ben), w.yourAwaiting);
  assert.match(await ben.locator('.status-panel').innerText(), new RegExp(w.clockPaused));
  const request = await timelineEntry(ben, story.question);
  assert.match(request, new RegExp(w.evInfoRequested));
  assert.match(request, new RegExp(w.byCentre));
  assert.equal((await ben.locator('#answer-heading').innerText()).trim(), w.answerHeading);
  await shot(ben, name(4, 'beneficiary', 'information-requested'));
  await checkAxe(ben, `the case page, information requested (${lang})`);
  await ben.getByLabel(w.answerLabel, { exact: true }).fill(story.answer);
  await Promise.all([ben.waitForURL(/done=answer/),
                     ben.getByRole('button', { name: w.answerButton, exact: true }).click()]);
  assert.equal(await noticeOf(ben), w.doneAnswer);
  assert.equal(await statusOf(ben), w.inProgress);
  const answered = await timelineEntry(ben, story.answer);
  assert.match(answered, new RegExp(w.evInfoProvided));
  assert.match(answered, new RegExp(w.byYou));
  assert.equal(await ben.locator('#answer-text').count(), 0, 'nothing left to answer');
  await shot(ben, name(4, 'beneficiary', 'answered'));
  await checkAxe(ben, `the case page, answered (${lang})`);

  // 5. The handler sees the answer in the public timeline and records the findings.
  await handlerPage.reload();
  assert.equal(await statusOf(handlerPage), w.inProgress);
  const answer = await timelineEntry(handlerPage, story.answer, '#timeline li.public');
  assert.match(answer, new RegExp(w.cEvInfoProvided));
  assert.match(answer, new RegExp(w.byBeneficiary));
  assert.equal(await handlerPage.locator('#clock-paused').count(), 0, 'the clock runs again');
  await shot(handlerPage, name(5, 'handler', 'answer-received'));
  await checkAxe(handlerPage, `the case page, answered (${lang})`);
  const findings = handlerPage.locator('#findings-form');
  await findings.getByLabel(w.rootCause, { exact: true }).fill(story.rootCause);
  await findings.getByLabel(w.outcome, { exact: true }).selectOption({ label: w.upheld });
  await press(handlerPage, 'findings-form', w.findingsButton, 'findings');
  assert.equal(await noticeOf(handlerPage), w.doneFindings);
  assert.match(await handlerPage.locator('#handling').innerText(), new RegExp(story.rootCause));
  assert.match(await timelineEntry(handlerPage, w.cEvFindings, '#timeline li.internal'),
               new RegExp(w.cEvFindings));
  await shot(handlerPage, name(5, 'handler', 'findings'));
  await checkAxe(handlerPage, `the case page, findings (${lang})`);

  // 6. The department's supervisor finds it in the department's queue and decides.
  const supervisorPage = await newPage();
  await signIn(supervisorPage, supervisor, w);
  const supervisorRow = await queueRow(supervisorPage, w, w.qDepartment, reference);
  await shot(supervisorPage, name(6, 'supervisor', 'department-queue'));
  await checkAxe(supervisorPage, `the department queue, supervisor (${lang})`);
  await openCase(supervisorPage, supervisorRow, reference);
  assert.match(await supervisorPage.locator('#handling').innerText(), new RegExp(story.rootCause));
  const resolve = supervisorPage.locator('#resolve-form');
  await resolve.getByLabel(w.decision, { exact: true }).fill(story.decision);
  await resolve.getByLabel(w.correction, { exact: true }).check();
  await shot(supervisorPage, name(6, 'supervisor', 'case'));
  await checkAxe(supervisorPage, `the case page, supervisor (${lang})`);
  await press(supervisorPage, 'resolve-form', w.resolveButton, 'resolve');
  assert.equal(await noticeOf(supervisorPage), w.doneResolve);
  assert.equal(await statusOf(supervisorPage), w.resolved);
  assert.match(await timelineEntry(supervisorPage, story.decision, '#timeline li.public'),
               new RegExp(w.cEvResolved));
  await shot(supervisorPage, name(6, 'supervisor', 'resolved'));
  await checkAxe(supervisorPage, `the case page, decided (${lang})`);

  // 7. The beneficiary sees the decision and accepts it; the case is closed on both sides.
  await ben.reload();
  assert.equal(await statusOf(ben), w.resolved);
  assert.equal((await ben.locator('#decision').innerText()).trim(), story.decision);
  assert.match(await ben.locator('.status-panel').innerText(), new RegExp(w.correction));
  assert.match(await timelineEntry(ben, story.decision), new RegExp(w.evResolved));
  assert.equal((await ben.locator('#decide-heading').innerText()).trim(), w.decideHeading);
  await shot(ben, name(7, 'beneficiary', 'decision'));
  await checkAxe(ben, `the case page, decided (${lang})`);
  await Promise.all([ben.waitForURL(/done=accept/),
                     ben.getByRole('button', { name: w.accept, exact: true }).click()]);
  assert.equal(await noticeOf(ben), w.doneAccept);
  assert.equal(await statusOf(ben), w.closed);
  assert.match(await timelineEntry(ben, w.evAccepted), new RegExp(w.byYou));
  assert.equal(await ben.locator('#decide-heading').count(), 0, 'nothing left to decide');
  await shot(ben, name(7, 'beneficiary', 'closed'));
  await checkAxe(ben, `the case page, closed (${lang})`);

  await supervisorPage.reload();
  assert.equal(await statusOf(supervisorPage), w.closed);
  assert.match(await timelineEntry(supervisorPage, w.cEvAccepted, '#timeline li.public'),
               new RegExp(w.byBeneficiary));
  assert.equal(await supervisorPage.locator('#resolve-form').count(), 0, 'nothing left to resolve');
  await shot(supervisorPage, name(7, 'supervisor', 'closed'));
  await checkAxe(supervisorPage, `the case page, closed (${lang})`);
  await handlerPage.reload();
  assert.equal(await statusOf(handlerPage), w.closed);
}

/** An agent records a phone complaint for a caller; the caller follows it in the portal. */
async function phoneComplaint(lang) {
  const w = WORDS[lang];
  const story = STORY[lang];
  const name = (what) => `flow-${lang}-08-${what}`;

  const agentPage = await newPage();
  await signIn(agentPage, agent, w);
  await Promise.all([agentPage.waitForURL(/\/console\/intake$/),
                     agentPage.getByRole('link', { name: w.navIntake, exact: true }).click()]);
  await checkLanguage(agentPage, w.lang, w.dir);
  const form = agentPage.locator('#intake-form');
  await form.getByLabel(w.channel, { exact: true }).selectOption({ label: w.phone });
  await form.getByLabel(w.kind, { exact: true }).check();
  await form.getByLabel(w.beneficiaryKind, { exact: true }).selectOption({ label: w.individualKind });
  await form.getByLabel(w.name, { exact: true }).fill(story.caller.name);
  await form.getByLabel(w.mobile, { exact: true }).fill(story.caller.mobile);
  await form.getByLabel(w.preferred, { exact: true }).selectOption({ label: w.phoneCall });
  await form.getByLabel(w.category, { exact: true }).selectOption({ index: 1 });
  await form.getByLabel(w.subject, { exact: true }).fill(story.phoneSubject);
  await form.getByLabel(w.description, { exact: true }).fill(story.phoneDescription);
  await form.getByLabel(w.remedy, { exact: true }).fill(story.phoneRemedy);
  await form.getByLabel(w.intakeConsent, { exact: true }).check();
  await shot(agentPage, name('agent-intake'));
  await checkAxe(agentPage, `the intake form (${lang})`);
  await Promise.all([agentPage.waitForURL(/done=intake$/),
                     form.getByRole('button', { name: w.intakeButton, exact: true }).click()]);
  const notice = await noticeOf(agentPage);
  assert.match(notice, new RegExp(w.doneIntake.replace('.', '\\.')));
  assert.match(notice, new RegExp(w.readOut));
  const reference = (await agentPage.locator('#new-reference').innerText()).trim();
  const code = (await agentPage.locator('#new-access-code').innerText()).trim();
  assert.match(reference, /^C-\d{4}-\d{6}-\d$/);
  assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  assert.ok(!agentPage.url().includes(code), 'the access code is not in the address');
  assert.equal(await statusOf(agentPage), w.received);
  assert.match(await agentPage.locator('.status-panel').innerText(), new RegExp(w.phone));
  assert.match(await agentPage.locator('#beneficiary').innerText(), new RegExp(story.caller.name));
  await shot(agentPage, name('agent-recorded'));
  await checkAxe(agentPage, `the case page after intake (${lang})`);

  // The caller, told the reference and the code on the phone, follows the case in the portal.
  const caller = await newPage();
  await open(caller, server, '/');
  if (lang === 'en') await switchLanguage(caller, w);
  await Promise.all([
    caller.waitForURL(/\/track$/),
    caller.getByRole('main').getByRole('link', { name: w.navTrack, exact: true }).click(),
  ]);
  await track(caller, w, { reference, code });
  await checkLanguage(caller, w.lang, w.dir);
  assert.equal(await statusOf(caller), w.received);
  assert.match(await caller.locator('.status-panel').innerText(), new RegExp(story.phoneSubject));
  assert.match(await timelineEntry(caller, w.evReceived), new RegExp(w.evReceived));
  await shot(caller, name('caller-tracks'));
  await checkAxe(caller, `the case page of a phone complaint (${lang})`);
}

test('the story in Arabic: submit, track, assess, ask, answer, find, decide, accept', async () => {
  await wholeStory('ar');
}, { timeout: 420_000 });

test('an agent records a phone complaint in Arabic and the caller tracks it', async () => {
  await phoneComplaint('ar');
}, { timeout: 240_000 });

test('the same story in English', async () => {
  await wholeStory('en');
}, { timeout: 420_000 });

test('an agent records a phone complaint in English and the caller tracks it', async () => {
  await phoneComplaint('en');
}, { timeout: 240_000 });

// -- every console page in English ------------------------------------------------------------

test('every console page in English passes axe', async () => {
  const w = WORDS.en;
  const label = (what) => `${what} (console, en)`;
  const page = await newPage();

  // Sign-in, first with a wrong password (401, the error at the top and by the field).
  await open(page, server, '/console/sign-in?lang=en');
  await checkLanguage(page, 'en', 'ltr');
  await shot(page, 'console-en-sign-in');
  await checkAxe(page, label('sign-in'));
  allowConsoleErrors(page, /status of 401/, /status of 422/, /status of 403/);
  await page.getByLabel(w.email, { exact: true }).fill(agent.email);
  await page.getByLabel(w.password, { exact: true }).fill('not the password 1');
  await page.getByRole('button', { name: w.signIn, exact: true }).click();
  await page.waitForSelector('#error-summary');
  await checkLanguage(page, 'en', 'ltr');
  await shot(page, 'console-en-sign-in-error');
  await checkAxe(page, label('sign-in with an error'));
  await page.getByLabel(w.password, { exact: true }).fill(agent.password);
  await Promise.all([page.waitForURL(/\/console(\?.*)?$/),
                     page.getByRole('button', { name: w.signIn, exact: true }).click()]);

  // Every queue the agent has (no "My department": the agent has none).
  assert.equal(await page.getByRole('navigation', { name: w.queuesNav })
    .getByRole('link', { name: w.qDepartment }).count(), 0);
  await checkLanguage(page, 'en', 'ltr');
  await checkAxe(page, label(w.qAll));
  for (const tab of [w.qMine, w.qUnassigned, w.qDueSoon, w.qOverdue, w.qEscalated]) {
    await Promise.all([
      page.waitForURL(/queue=/),
      page.getByRole('navigation', { name: w.queuesNav }).getByRole('link', { name: tab, exact: true })
        .click(),
    ]);
    assert.equal(await page.locator('#cases-heading').innerText(), tab);
    await shot(page, `console-en-queue-${tab}`);
    await checkAxe(page, label(`the queue "${tab}"`));
  }
  // Filters that do not parse (the same message as the API's).
  await open(page, server, '/console?queue=nope', { status: 422 });
  await page.waitForSelector('#error-summary');
  await checkAxe(page, label('the queues with an error'));

  // Intake: first with nothing filled in (422, every error shown), then a case.
  await open(page, server, '/console/intake');
  await shot(page, 'console-en-intake');
  await checkAxe(page, label('intake'));
  await page.locator('#intake-form').getByRole('button', { name: w.intakeButton, exact: true })
    .click();
  await page.waitForSelector('#error-summary');
  await checkLanguage(page, 'en', 'ltr');
  await shot(page, 'console-en-intake-errors');
  await checkAxe(page, label('intake with errors'));
  const form = page.locator('#intake-form');
  await form.getByLabel(w.channel, { exact: true }).selectOption({ label: 'walk-in' });
  await form.getByLabel('suggestion', { exact: true }).check();
  await form.getByLabel(w.beneficiaryKind, { exact: true }).selectOption({ label: w.individualKind });
  await form.getByLabel(w.name, { exact: true }).fill('Omar Khan');
  await form.getByLabel(w.email, { exact: true }).fill('omar@example.org');
  await form.getByLabel(w.category, { exact: true }).selectOption({ index: 1 });
  await form.getByLabel(w.subject, { exact: true }).fill('Longer opening hours');
  await form.getByLabel(w.description, { exact: true }).fill('Open the service desk on Saturdays.');
  await form.getByLabel(w.intakeConsent, { exact: true }).check();
  await Promise.all([page.waitForURL(/done=intake$/),
                     form.getByRole('button', { name: w.intakeButton, exact: true }).click()]);
  const reference = (await page.locator('#new-reference').innerText()).trim();
  await checkAxe(page, label('the case after intake'));

  // The case as the agent sees it, with an error on one of its forms, and routed.
  await page.reload();
  await shot(page, 'console-en-case-agent');
  await checkAxe(page, label('the case (agent)'));
  await page.locator('#assign-form').getByLabel(w.assigneeId).fill('abc');
  await page.locator('#assign-form').getByRole('button', { name: w.assignButton, exact: true })
    .click();
  await page.waitForSelector('#error-summary');
  assert.ok(await page.locator('#assign_assignee_id-error').isVisible());
  await shot(page, 'console-en-case-error');
  await checkAxe(page, label('the case with an error'));
  await open(page, server, `/console/cases/${reference}`);
  await page.locator('#assess-form').getByLabel(w.cDepartment, { exact: true })
    .selectOption({ label: w.department });
  await press(page, 'assess-form', w.assessButton, 'assess');

  // The same case as the department's supervisor (every action form) and its queue.
  const sup = await newPage();
  await signIn(sup, supervisor, w);
  await queueRow(sup, w, w.qDepartment, reference);
  await checkAxe(sup, label('the department queue'));
  await open(sup, server, `/console/cases/${reference}`);
  assert.equal(await sup.locator('#resolve-form').count(), 1);
  await shot(sup, 'console-en-case-supervisor');
  await checkAxe(sup, label('the case (supervisor)'));
  // An address that is not a case's (its check digit is wrong): the error page.
  await open(sup, server, '/console/cases/C-2000-000001-0', { status: 400 });
  await checkLanguage(sup, 'en', 'ltr');
  await checkAxe(sup, label('the error page'));

  // The handler: the 403 page (no intake); the auditor's trail; the admin's users.
  const hand = await newPage();
  await signIn(hand, handler, w);
  await open(hand, server, '/console/intake', { status: 403 });
  await checkLanguage(hand, 'en', 'ltr');
  await checkAxe(hand, label('the 403 page'));
  const aud = await newPage();
  await signIn(aud, auditor, w, { home: /\/console\/audit$/ });
  await checkLanguage(aud, 'en', 'ltr');
  await shot(aud, 'console-en-audit');
  await checkAxe(aud, label('the audit trail'));
  const adm = await newPage();
  await signIn(adm, admin, w, { home: /\/console\/admin$/ });
  await checkLanguage(adm, 'en', 'ltr');
  await shot(adm, 'console-en-admin');
  await checkAxe(adm, label('users and departments'));
}, { timeout: 300_000 });

await run();
