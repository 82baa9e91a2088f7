// The browser tests' harness: a real `shakwa serve`, Debian's Chromium driven by playwright-core,
// an axe-core check, numbered screenshots, and a small sequential test runner.
//
// Each test file is run as
//
//     node test_x.mjs --binary PATH/TO/shakwa --scratch SCRATCH_DIR [--only SUBSTRING]
//
// and looks like
//
//     import { before, checkAxe, newPage, open, run, shot, startServer, test }
//         from './harness.mjs';
//     let server;
//     before(async () => { server = await startServer(); });
//     test('the guide in Arabic', async () => {
//       const page = await newPage();
//       await open(page, server, '/guide');
//       await checkAxe(page, 'guide ar');
//     });
//     await run();
//
// Tests run one after another, in the order they were declared. Every page a test opens is watched:
// a console error (Chromium reports each Content-Security-Policy violation as one) or an uncaught
// exception fails the test, because the pages must run clean under their real CSP. The harness
// never loosens the CSP (no bypassCSP, no <script> tags added): axe-core's source is evaluated
// through the DevTools protocol, which the page's policy does not govern.
//
// Everything a run leaves is under the scratch directory, kept for a post-mortem:
//   screenshots/NN-name.jpg   every shot() in order, and NN-FAIL-test.jpg of the pages of a test
//                             that failed
//   servers/NAME-N/           each server's data directory and its stdout and stderr
//   tmp/                      Chromium's profile (a fresh one per launch) and Playwright's files
// Each run first empties those three (and nothing else: --scratch may name a shared directory).
//
// Processes are stopped by their PID: the servers with SIGTERM (SIGKILL after 30 s), Chromium
// by Playwright. If this process dies early (an exception, SIGINT, SIGTERM) an 'exit' handler
// SIGKILLs every server still running.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';
import { parseArgs } from 'node:util';

import { chromium } from 'playwright-core';

export { assert };

// -- command line and scratch directory ------------------------------------------------------

const USAGE = 'usage: node TEST.mjs --binary PATH/TO/shakwa --scratch DIR [--only SUBSTRING]';

function parseCommandLine() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        binary: { type: 'string' }, scratch: { type: 'string' }, only: { type: 'string' },
      },
    }));
  } catch (e) {
    fatal(`${e.message}\n${USAGE}`);
  }
  if (!values.binary || !values.scratch) fatal(USAGE);
  const binary = path.resolve(values.binary);
  try {
    fs.accessSync(binary, fs.constants.X_OK);
  } catch {
    fatal(`${binary}: not an executable\n${USAGE}`);
  }
  return { binary, scratch: path.resolve(values.scratch), only: values.only };
}

function fatal(message) {
  console.error(message);
  process.exit(2);
}

const OPTIONS = parseCommandLine();
export const BINARY = OPTIONS.binary;
export const SCRATCH = OPTIONS.scratch;

const SCREENSHOTS = path.join(SCRATCH, 'screenshots');
const SERVERS = path.join(SCRATCH, 'servers');
const TMP = path.join(SCRATCH, 'tmp');
for (const dir of [SCREENSHOTS, SERVERS, TMP]) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
}
// Playwright makes Chromium's fresh profile (--user-data-dir) and its own files under
// os.tmpdir(), which follows TMPDIR: keep them with the rest of the run, not in /tmp.
process.env.TMPDIR = TMP;

// -- timeouts ----------------------------------------------------------------------------------

// The CI binary is built with AddressSanitizer on two cores: start-up and requests are slow.
const SERVER_START_MS = 60_000;
const SERVER_STOP_MS = 30_000;
const CLI_MS = 60_000;
const DEFAULT_TEST_MS = 120_000;
const ACTION_MS = 30_000;
const NAVIGATION_MS = 60_000;

// -- processes to clean up whatever happens ----------------------------------------------------

const liveServers = new Set(); // ChildProcess of every server not yet known to have exited
const servers = []; // every server that started, for run() to stop and check

process.on('exit', () => {
  for (const child of liveServers) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});
// Node's default for these signals is to die without running 'exit' handlers.
for (const [signal, number] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]]) {
  process.on(signal, () => {
    console.error(`e2e: ${signal}: stopping`);
    process.exit(128 + number);
  });
}

// -- the server ----------------------------------------------------------------------------------

// A password that meets the strength rules (12+ characters, letters with digits or symbols) and
// contains no e-mail's local part (tests/system/shakwa_process.py uses the same).
export const STAFF_PASSWORD = 'Qm7#vT2pLx9!wR';

const ADMIN = { email: 'admin@e2e.example', name: 'E2E Admin', role: 'admin' };

let serverCount = 0;

/** This process's environment without any SHAKWA_* variable, plus `extra`. */
function serverEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('SHAKWA_')) env[k] = v;
  }
  return { ...env, ...extra };
}

/** Runs `shakwa ARGS` to completion; returns {status, stdout, stderr}; throws if it failed. */
export function runCli(args, { input, env } = {}) {
  const r = spawnSync(BINARY, args, {
    input, env: serverEnv(env), encoding: 'utf8', timeout: CLI_MS, killSignal: 'SIGKILL',
  });
  if (r.error) throw new Error(`shakwa ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(`shakwa ${args.join(' ')} exited with ${r.status ?? r.signal}\n` +
                    `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
  return r;
}

function tail(file, chars = 4000) {
  try {
    return fs.readFileSync(file, 'utf8').slice(-chars);
  } catch {
    return '';
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `shakwa serve` on 127.0.0.1 and a port of the kernel's choosing, on a fresh data
 * directory under <scratch>/servers/, with an admin account made first from the command line
 * (makeStaff() signs it in). Resolves once the server has logged "listening" and /readyz answers
 * 200; throws with its logs if that takes more than 60 s or it exits.
 *
 * options: env (SHAKWA_* settings for it; this process's own SHAKWA_* are never passed on),
 *          args (more `serve` arguments), name (of its folder).
 * Returns {url, port, data, pid, stdoutPath, stderrPath, stop()}; stop() sends SIGTERM (SIGKILL
 * after 30 s) and throws, with stderr, unless it exits 0: a sanitizer report fails the test run.
 * Servers still running when run() ends are stopped by it.
 */
export async function startServer({ env = {}, args = [], name = 'server' } = {}) {
  serverCount += 1;
  const root = path.join(SERVERS, `${name}-${serverCount}`);
  const data = path.join(root, 'data');
  fs.mkdirSync(root, { recursive: true });
  runCli(['migrate', '--data', data], { env });
  runCli(['user', 'add', ADMIN.email, '--name', ADMIN.name, '--role', ADMIN.role,
          '--password-stdin', '--data', data], { input: `${STAFF_PASSWORD}\n`, env });

  const stdoutPath = path.join(root, 'stdout');
  const stderrPath = path.join(root, 'stderr');
  // Files, not pipes: a pipe nobody drains would fill up and stall the server's logging.
  const out = fs.openSync(stdoutPath, 'w');
  const err = fs.openSync(stderrPath, 'w');
  let child;
  try {
    child = spawn(BINARY, ['serve', '--data', data, '--listen', '127.0.0.1:0', ...args], {
      stdio: ['ignore', out, err], env: serverEnv(env),
    });
  } finally {
    fs.closeSync(out);
    fs.closeSync(err);
  }
  liveServers.add(child);
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      liveServers.delete(child);
      resolve(code ?? signal);
    });
  });
  let exitStatus; // set once the process has exited
  exited.then((status) => { exitStatus = status; });

  const logs = () => `stdout:\n${tail(stdoutPath)}\nstderr:\n${tail(stderrPath)}`;
  const deadline = Date.now() + SERVER_START_MS;
  let port;
  while (port === undefined) {
    for (const line of fs.readFileSync(stdoutPath, 'utf8').split('\n')) {
      if (!line.includes('"listening"')) continue;
      try {
        const entry = JSON.parse(line);
        if (entry.msg === 'listening') port = Number(entry.port);
      } catch {
        // A line still being written.
      }
    }
    if (port !== undefined) break;
    if (exitStatus !== undefined) {
      throw new Error(`shakwa serve exited with ${exitStatus} before listening\n${logs()}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`shakwa serve did not log 'listening' within ${SERVER_START_MS / 1000} s` +
                      `\n${logs()}`);
    }
    await sleep(50);
  }
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    try {
      const r = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) });
      if (r.status === 200) break;
    } catch {
      // Not answering yet.
    }
    if (exitStatus !== undefined) {
      throw new Error(`shakwa serve exited with ${exitStatus}\n${logs()}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`shakwa serve: /readyz not 200 within ${SERVER_START_MS / 1000} s` +
                      `\n${logs()}`);
    }
    await sleep(100);
  }

  const server = {
    url, port, data, pid: child.pid, stdoutPath, stderrPath,
    adminToken: null, departments: new Set(), staffCount: 0, stopping: null,
    // Idempotent: a second call answers as the first did.
    stop() {
      server.stopping ??= stopServer();
      return server.stopping;
    },
  };
  async function stopServer() {
    if (exitStatus === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), SERVER_STOP_MS);
      exitStatus = await exited;
      clearTimeout(timer);
    }
    if (exitStatus !== 0) {
      throw new Error(`shakwa serve (pid ${child.pid}) exited with ${exitStatus}\n${logs()}`);
    }
  }
  servers.push(server);
  return server;
}

/**
 * One HTTP request to the server, as `fetch` makes it: {status, headers, text, json}.
 * body: an object (sent as JSON) or a string; token: a staff session (Authorization: Bearer);
 * language: Accept-Language (default en, for readable failures).
 */
export async function api(server, method, urlPath,
                          { body, token, headers = {}, language = 'en' } = {}) {
  const h = { 'Accept-Language': language, ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let payload = body;
  if (body !== undefined && typeof body !== 'string') {
    payload = JSON.stringify(body);
    h['Content-Type'] ??= 'application/json';
  }
  const r = await fetch(server.url + urlPath, {
    method, headers: h, body: payload, signal: AbortSignal.timeout(ACTION_MS),
  });
  const text = await r.text();
  return {
    status: r.status,
    headers: r.headers,
    text,
    json() {
      return JSON.parse(text);
    },
  };
}

async function adminToken(server) {
  if (!server.adminToken) {
    const r = await api(server, 'POST', '/api/v1/auth/login',
                        { body: { email: ADMIN.email, password: STAFF_PASSWORD } });
    assert.equal(r.status, 200, `admin sign-in: ${r.status} ${r.text}`);
    server.adminToken = r.json().token;
  }
  return server.adminToken;
}

/**
 * Adds a department through the admin API (POST /api/v1/admin/departments), once per server:
 * a code already added by this harness is left alone.
 */
export async function makeDepartment(server,
                                     { code, nameAr = `إدارة ${code}`, nameEn = `Dept ${code}` }) {
  if (server.departments.has(code)) return;
  const r = await api(server, 'POST', '/api/v1/admin/departments', {
    token: await adminToken(server), body: { code, name_ar: nameAr, name_en: nameEn },
  });
  assert.equal(r.status, 201, `add department ${code}: ${r.status} ${r.text}`);
  server.departments.add(code);
}

/**
 * Adds a staff user through the admin API (POST /api/v1/admin/users), adding the department
 * first if this harness has not. Handlers and supervisors need one. Defaults: a unique e-mail
 * <role>.<n>@e2e.example, STAFF_PASSWORD, a name from the role.
 * Returns {id, email, password, name, role, department}.
 */
export async function makeStaff(server,
                                { role, department, email, password = STAFF_PASSWORD, name } = {}) {
  assert.ok(role, 'makeStaff: a role is needed');
  server.staffCount += 1;
  email ??= `${role}.${server.staffCount}@e2e.example`;
  name ??= `E2E ${role} ${server.staffCount}`;
  if (department) await makeDepartment(server, { code: department });
  const body = { email, name, role, password };
  if (department) body.department = department;
  const r = await api(server, 'POST', '/api/v1/admin/users',
                      { token: await adminToken(server), body });
  assert.equal(r.status, 201, `add user ${email} (${role}): ${r.status} ${r.text}`);
  return { id: r.json().id, email, password, name, role, department };
}

// -- the browser ---------------------------------------------------------------------------------

const CHROMIUM = '/usr/bin/chromium'; // Debian's; Playwright's own builds cannot be fetched here
const CHROMIUM_ARGS = [
  '--no-sandbox', // we run as root, where Chromium's sandbox refuses to start
  '--disable-gpu',
  // Nothing may leave the machine: no QUIC probes, no update, sync or background traffic.
  '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

let browserPromise = null;

/** The run's Chromium, launched on first use (headless, a fresh profile under <scratch>/tmp). */
export function browser() {
  browserPromise ??= chromium.launch({
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000,
    // Debian's Chromium keeps its crash-report database under ~/.config: keep it in the run.
    env: {
      ...process.env,
      XDG_CONFIG_HOME: path.join(TMP, 'config'),
      XDG_CACHE_HOME: path.join(TMP, 'cache'),
    },
  });
  return browserPromise;
}

// What each watched page has recorded: Page -> {problems: [string], allowed: [RegExp]}
const watched = new WeakMap();

/**
 * A new page in a new browser context (its own cookies, so a beneficiary and a staff member can
 * be signed in side by side). Closed when the current test ends; its console errors, CSP
 * violations and uncaught exceptions fail that test.
 *
 * options: Playwright context options; defaults locale 'ar-SA' (it sets Accept-Language),
 * timezoneId 'Asia/Riyadh', viewport 1280x800. javaScriptEnabled: false for the no-script flows.
 */
export async function newPage(options = {}) {
  const context = await (await browser()).newContext({
    locale: 'ar-SA', timezoneId: 'Asia/Riyadh', viewport: { width: 1280, height: 800 }, ...options,
  });
  context.setDefaultTimeout(ACTION_MS);
  context.setDefaultNavigationTimeout(NAVIGATION_MS);
  const page = await context.newPage();
  const record = { problems: [], allowed: [] };
  watched.set(page, record);
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const where = msg.location().url ? ` (${msg.location().url}:${msg.location().lineNumber})` : '';
    record.problems.push(`console error: ${msg.text()}${where}`);
  });
  page.on('pageerror', (error) => {
    record.problems.push(`uncaught exception: ${error.stack || error.message}`);
  });
  (current?.contexts ?? orphanContexts).push({ context, page });
  return page;
}

/**
 * Console errors on this page matching any of the patterns do not fail the test, e.g. Chromium's
 * "Failed to load resource: … status of 422" when a form is meant to come back with errors.
 */
export function allowConsoleErrors(page, ...patterns) {
  watched.get(page).allowed.push(...patterns);
}

function unexpectedProblems(page) {
  const record = watched.get(page);
  if (!record) return [];
  return record.problems.filter((p) => !record.allowed.some((re) => re.test(p)));
}

/**
 * Navigates to server.url + urlPath and asserts the HTTP status of the answer (default 200).
 * Chromium logs an error status as a console error ("Failed to load resource"): one expected
 * here is allowed. Returns Playwright's Response.
 */
export async function open(page, server, urlPath, { status = 200 } = {}) {
  if (status >= 400) {
    allowConsoleErrors(page, new RegExp(`responded with a status of ${status}\\b`));
  }
  const response = await page.goto(server.url + urlPath, { waitUntil: 'load' });
  assert.ok(response, `GET ${urlPath}: no response`);
  assert.equal(response.status(), status, `GET ${urlPath}: HTTP ${response.status()}`);
  return response;
}

/** Asserts the <html> element's lang and dir attributes. */
export async function checkLanguage(page, lang, dir) {
  const html = page.locator('html');
  assert.equal(await html.getAttribute('lang'), lang, `<html lang> on ${page.url()}`);
  assert.equal(await html.getAttribute('dir'), dir, `<html dir> on ${page.url()}`);
}

/**
 * Signs the page's browser context in as a staff member through the API
 * (POST /api/v1/auth/login): the context's request client shares its cookie jar, so the page then
 * carries the session cookie. For tests that are not about the sign-in page itself.
 */
export async function signInByApi(page, server, staff) {
  const r = await page.context().request.post(`${server.url}/api/v1/auth/login`, {
    data: { email: staff.email, password: staff.password }, headers: { 'Accept-Language': 'en' },
  });
  assert.equal(r.status(), 200, `sign-in of ${staff.email}: ${r.status()} ${await r.text()}`);
}

// -- accessibility -------------------------------------------------------------------------------

const AXE_SOURCE =
    fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const axeChecked = new Set(); // fingerprints of the markup of pages axe passed
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Runs axe-core on the page as it is now, for WCAG 2.1 A and AA; throws, listing every
 * violation (rule, impact, the elements' selectors, help), if there is any. `label` names the
 * page in the message.
 */
export async function checkAxe(page, label) {
  // A page whose markup (every element, its attributes but form values and links, and whether it
  // holds text) is the same as one already checked in this run gets the same verdict: the flows
  // pass the same page many times with other words in it, and axe costs most of a second a page.
  const markup = await page.evaluate(() => {
    const lines = [];
    const walk = (el) => {
      let line = el.tagName;
      for (const a of el.attributes) {
        const keepValue = !['value', 'href', 'action', 'datetime'].includes(a.name);
        line += ` ${a.name}${keepValue ? `=${a.value}` : ''}`;
      }
      lines.push(`${line} ${el.textContent.trim() ? 'T' : 'E'}`);
      for (const child of el.children) walk(child);
    };
    walk(document.documentElement);
    return lines.join('\n');
  });
  const fingerprint = createHash('sha256').update(markup).digest('hex');
  if (axeChecked.has(fingerprint)) return;
  // Evaluated through the DevTools protocol, as a script of its own: the page's CSP (no inline
  // scripts) stays in force for everything the page itself does.
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async (tags) => {
    const results = await window.axe.run(document, {
      runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'],
    });
    return results.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
    }));
  }, AXE_TAGS);
  if (violations.length === 0) {
    axeChecked.add(fingerprint);
    return;
  }
  const lines = [`axe: ${violations.length} violation(s) on ${label} (${page.url()}):`];
  for (const v of violations) {
    lines.push(`  ${v.id} [${v.impact}] ${v.help} (${v.helpUrl})`);
    for (const n of v.nodes) {
      lines.push(`    - ${n.target}`);
      if (n.summary) lines.push(...n.summary.split('\n').map((s) => `        ${s}`));
    }
  }
  throw new assert.AssertionError({ message: lines.join('\n') });
}

// -- screenshots ---------------------------------------------------------------------------------

let shotCount = 0;

/** A full-page screenshot to <scratch>/screenshots/NN-name.jpg, numbered in order; the path. */
export async function shot(page, name) {
  shotCount += 1;
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '-');
  // JPEG: a long page's PNG takes most of a second to encode, and a person reads either as well.
  const file = path.join(SCREENSHOTS, `${String(shotCount).padStart(2, '0')}-${safe}.jpg`);
  await page.screenshot({ path: file, fullPage: true, type: 'jpeg', quality: 80 });
  return file;
}

// -- the runner ----------------------------------------------------------------------------------

const tests = [];
const befores = [];
const afters = [];
let current = null; // {name, contexts} of the test running
const orphanContexts = []; // pages opened outside a test (in before()), closed at the end
let started = false;

/** Declares a test; fn is async. options.timeout: milliseconds (default 120 s). */
export function test(name, fn, { timeout = DEFAULT_TEST_MS } = {}) {
  if (started) throw new Error(`test('${name}') declared after run() started`);
  tests.push({ name, fn, timeout });
}

/** Runs once before the first test (e.g. start the server); a failure fails every test. */
export function before(fn) {
  befores.push(fn);
}

/** Runs once after the last test, even if tests failed. */
export function after(fn) {
  afters.push(fn);
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// A function that throws before its first await rejects like one that throws after it.
const call = (fn) => Promise.resolve().then(fn);

function describe(error) {
  return error?.stack || String(error);
}

const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/**
 * Runs the declared tests in order, prints "ok"/"FAIL" for each and a closing
 * "e2e: N passed, N failed" line (the plain form CI's log reader counts), stops the servers and
 * the browser, and exits 1 if anything failed (a test, a before/after hook, or a server that did
 * not exit 0) or no test ran.
 */
export async function run() {
  started = true;
  const t0 = performance.now();
  const selected = tests.filter((t) => !OPTIONS.only || t.name.includes(OPTIONS.only));
  let passed = 0;
  let failed = 0;
  let setupError = null;
  try {
    for (const fn of befores) await withTimeout(call(fn), DEFAULT_TEST_MS, 'before()');
  } catch (e) {
    setupError = e;
    console.log(`FAIL before(): ${describe(e)}`);
  }
  for (const t of selected) {
    if (setupError) {
      console.log(`FAIL ${t.name}: not run, before() failed`);
      failed += 1;
      continue;
    }
    current = { name: t.name, contexts: [] };
    const start = performance.now();
    let error = null;
    try {
      await withTimeout(call(t.fn), t.timeout, `test '${t.name}'`);
    } catch (e) {
      error = e;
    }
    const problems = current.contexts.flatMap(({ page }) =>
      unexpectedProblems(page).map((p) => `${page.url()}: ${p}`));
    if (!error && problems.length) {
      error = new Error(`the page reported errors (console errors include CSP violations):\n  ${
        problems.join('\n  ')}`);
    } else if (error && problems.length) {
      error.message += `\n(the page also reported:\n  ${problems.join('\n  ')})`;
    }
    if (error) {
      for (const { page } of current.contexts) {
        if (!page.isClosed()) await shot(page, `FAIL-${t.name}`).catch(() => {});
      }
    }
    for (const { context } of current.contexts) await context.close().catch(() => {});
    current = null;
    if (error) {
      failed += 1;
      console.log(`FAIL ${t.name} (${seconds(start)})\n${describe(error)}`);
    } else {
      passed += 1;
      console.log(`ok ${t.name} (${seconds(start)})`);
    }
  }

  const teardownErrors = [];
  for (const fn of afters) {
    await withTimeout(call(fn), DEFAULT_TEST_MS, 'after()').catch((e) => teardownErrors.push(e));
  }
  for (const { context, page } of orphanContexts) {
    const problems = unexpectedProblems(page);
    if (problems.length) {
      teardownErrors.push(
          new Error(`a page opened outside a test reported:\n  ${problems.join('\n  ')}`));
    }
    await context.close().catch(() => {});
  }
  if (browserPromise) {
    await browserPromise.then((b) => b.close()).catch((e) => teardownErrors.push(e));
  }
  for (const server of servers) {
    // A server a test stopped itself has had its exit checked there.
    if (!server.stopping) await server.stop().catch((e) => teardownErrors.push(e));
  }
  for (const e of teardownErrors) console.log(`FAIL teardown: ${describe(e)}`);

  if (selected.length === 0) console.log(`e2e: no test matched --only ${OPTIONS.only ?? ''}`);
  console.log(`screenshots: ${SCREENSHOTS} (${shotCount}); time: ${seconds(t0)}`);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  process.exitCode = failed || teardownErrors.length || selected.length === 0 ? 1 : 0;
}

// A file that declares tests but never calls run() would otherwise pass having run nothing.
process.on('beforeExit', () => {
  if (!started && tests.length) {
    console.log('e2e: the test file declared tests but never called run()');
    process.exitCode = 1;
  }
});
