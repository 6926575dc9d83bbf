'use strict';
/* global fetch, AbortSignal, URLSearchParams -- Node ≥ 20 built-ins the shared ESLint globals do not list */

/*
 * `BENCH_SCENARIOS=login-flood npm run bench` (also part of a full run): a legitimate login from a fresh
 * address while three other addresses flood POST /login with wrong passwords (docs/security.md,
 * "Password-check flood"). Required by bench/run.js; see bench/README.md.
 *
 * 1. one user is created with the CLI (users:create, LOGIN_BCRYPT_COST of the bench server);
 * 2. unloaded: BENCH_LOGIN_FLOOD_SAMPLES logins one after another, each from an address never seen
 *    before (X-Forwarded-For; the bench server runs with HTTP_TRUST_PROXY=true), timing POST /login;
 * 3. loaded: the same while 3 flood addresses keep BENCH_LOGIN_FLOOD_CONCURRENCY wrong-password
 *    requests each in flight, every one for a username of its own (so neither throttle key stops
 *    them: each costs a password check unless the server refuses it), with the bench server's raised
 *    rate limits (RATE_LIMIT_LOGIN does not help: the worst case);
 * 4. reports both latency distributions and loaded ÷ unloaded; the target is below 2.
 *
 * A missed target is a measurement, not a failure. A legitimate login that does not answer 303 makes
 * the scenario INVALID (and the exit code 1).
 */

const { intFromEnv } = require('./env');
const { randomBytes } = require('node:crypto');

const KEY = 'login-flood';
const TARGET = 2;
const HTTP_TIMEOUT_MS = 60_000;
const FLOOD_ADDRESSES = ['192.0.2.1', '192.0.2.2', '192.0.2.3'];


const config = {
  samples: intFromEnv('BENCH_LOGIN_FLOOD_SAMPLES', 20, 5, 1000),
  concurrency: intFromEnv('BENCH_LOGIN_FLOOD_CONCURRENCY', 10, 1, 200),
};

/** The login page for `address`: its cookies and the form's hidden fields. */
async function openLoginPage(origin, address) {
  const response = await fetch(`${origin}/login`, { headers: { 'x-forwarded-for': address }, signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  const html = await response.text();
  const field = (name) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
  return { cookie, csrf_token: field('csrf_token'), return_to: field('return_to') };
}

/** POST /login with a page's cookie and fields; resolves with the status and the time it took. */
async function postLogin(origin, address, page, username, password) {
  const started = process.hrtime.bigint();
  const response = await fetch(`${origin}/login`, {
    method: 'POST',
    headers: { 'x-forwarded-for': address, cookie: page.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf_token: page.csrf_token, return_to: page.return_to, username, password }).toString(),
    redirect: 'manual',
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  await response.arrayBuffer();
  return { status: response.status, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

let nextAddress = 0;
/** An address no earlier request used (198.18.0.0/15, the benchmarking range of RFC 2544). */
function freshAddress() {
  nextAddress += 1;
  return `198.18.${Math.floor(nextAddress / 250)}.${(nextAddress % 250) + 1}`;
}

async function legitimateLogins(origin, username, password, count) {
  const latencies = [];
  const statuses = {};
  for (let i = 0; i < count; i += 1) {
    const address = freshAddress();
    const page = await openLoginPage(origin, address);
    const started = process.hrtime.bigint();
    try {
      const { status, ms } = await postLogin(origin, address, page, username, password);
      statuses[status] = (statuses[status] || 0) + 1;
      latencies.push(ms);
    } catch (error) {
      // A login that timed out (HTTP_TIMEOUT_MS) counts with the time it was given; the scenario is INVALID.
      statuses[error.name] = (statuses[error.name] || 0) + 1;
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  return { latencies, statuses };
}

/** Keeps `concurrency` wrong-password logins in flight from each flood address until stop() is called. */
function startFlood(origin) {
  const statuses = {};
  let stopped = false;
  let requests = 0;
  const startedAt = Date.now();
  const worker = async (address) => {
    const page = await openLoginPage(origin, address);
    while (!stopped) {
      const username = `flood${randomBytes(6).toString('hex')}`;
      try {
        const { status } = await postLogin(origin, address, page, username, 'not the password of anyone');
        statuses[status] = (statuses[status] || 0) + 1;
      } catch (error) {
        statuses[error.name] = (statuses[error.name] || 0) + 1;
      }
      requests += 1;
    }
  };
  const running = Promise.all(FLOOD_ADDRESSES.flatMap((address) => Array.from({ length: config.concurrency }, () => worker(address))));
  return {
    async stop() {
      stopped = true;
      await running;
      return { statuses, requests, seconds: (Date.now() - startedAt) / 1000 };
    },
  };
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function summary(latencies) {
  return { p50: percentile(latencies, 50), p90: percentile(latencies, 90), max: Math.max(...latencies) };
}

/** Runs the scenario against the bench server and returns its report section and validity. */
async function run({ server, createUser, password, progress, sleep }) {
  const username = `flooduser${randomBytes(3).toString('hex')}`;
  progress(`login-flood: creating the user ${username} with the CLI`);
  await createUser(username);
  await legitimateLogins(server.origin, username, password, 5); // warm-up
  progress(`login-flood: ${config.samples} unloaded logins, each from a fresh address`);
  const unloaded = await legitimateLogins(server.origin, username, password, config.samples);
  progress(`login-flood: the same during a flood of wrong passwords from ${FLOOD_ADDRESSES.length} addresses × ${config.concurrency} in flight`);
  const flood = startFlood(server.origin);
  await sleep(2000); // let the flood fill the server's queue first
  const loaded = await legitimateLogins(server.origin, username, password, config.samples);
  const flooded = await flood.stop();
  const before = summary(unloaded.latencies);
  const during = summary(loaded.latencies);
  const ratio = during.p50 / before.p50;
  const valid = (unloaded.statuses[303] || 0) === config.samples && (loaded.statuses[303] || 0) === config.samples;
  const ms = (value) => value.toFixed(1);
  const describe = (statuses) =>
    Object.entries(statuses)
      .map(([status, count]) => `${status}: ${count}`)
      .join(', ');
  const lines = [
    '### Login during a password flood (login-flood)',
    '',
    '| legitimate POST /login, fresh address each | p50 ms | p90 ms | max ms | statuses |',
    '|---|---:|---:|---:|---|',
    `| unloaded (${config.samples} logins) | ${ms(before.p50)} | ${ms(before.p90)} | ${ms(before.max)} | ${describe(unloaded.statuses)} |`,
    `| during the flood (${config.samples} logins) | ${ms(during.p50)} | ${ms(during.p90)} | ${ms(during.max)} | ${describe(loaded.statuses)} |`,
    '',
    `Loaded ÷ unloaded p50: **${ratio.toFixed(2)}** (target < ${TARGET}: ${!valid ? '**INVALID**' : ratio < TARGET ? 'met' : '**NO**'}); p90: ${(during.p90 / before.p90).toFixed(2)}. ` +
      `Flood: ${flooded.requests} wrong-password requests in ${flooded.seconds.toFixed(1)} s from ${FLOOD_ADDRESSES.length} addresses ` +
      `(${config.concurrency} in flight each, BENCH_LOGIN_FLOOD_CONCURRENCY), each for a new username; answers: ${describe(flooded.statuses)} ` +
      '(401: the password was checked; 503: refused at once by LOGIN_PASSWORD_CHECK_MAX_PENDING).',
    '',
  ];
  return { key: KEY, valid, ratio, target: TARGET, markdown: lines.join('\n'), unloaded: before, loaded: during, flood: flooded };
}

module.exports = { KEY, config, run };
