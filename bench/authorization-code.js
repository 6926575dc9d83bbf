'use strict';
/* global fetch, AbortSignal, URLSearchParams -- Node ≥ 20 built-ins the shared ESLint globals do not list */

/*
 * Issue 3: the whole authorization-code exchange over HTTP (RFC 6749 §4.1 with PKCE S256, state and
 * nonce), as a browser and a client would do it, next to a floor doing the exchange's unavoidable
 * work bare. Required by bench/run.js; see bench/README.md.
 *
 * One exchange, each worker with its own cookie jar (a fresh one per exchange, so every exchange logs in):
 *   GET /authorize → 303 /login → GET /login (form, CSRF cookie) → POST /login (bcrypt) → 303 /authorize
 *   → GET /authorize → 200 consent page → POST /authorize/decision (Allow, CSRF) → 303 redirect_uri?code
 *   → POST /token (Basic, authorization_code, code_verifier) → 200 with access_token and id_token.
 * "remembered" skips the consent page: GET /authorize after the login already answers 303 with the code.
 *
 * Scenarios run by a pool of BENCH_AUTHCODE_WORKERS workers (not autocannon: each exchange is a
 * sequence of dependent requests); each one returns the same shape as an autocannon run, so run.js
 * checks, combines and reports it like the others. Status keys: "200" for a completed exchange,
 * "<step> <status>" for an exchange that went wrong, which makes the scenario INVALID.
 */

const { intFromEnv } = require('./env');
const { execFile } = require('node:child_process');
const { createHash, randomBytes } = require('node:crypto');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const CLI_ENTRY = path.join(ROOT, 'dist', 'apps', 'oauth-server', 'src', 'cli.js');

const PASSWORD = 'bench correct horse battery staple';
const SCOPE = 'openid profile email';
const REDIRECT_URI = 'https://app.example.com/cb';
const HTTP_TIMEOUT_MS = 10_000;
const CLI_TIMEOUT_MS = 60_000;
const KEYS = ['floor-authorization-code', 'authorization-code', 'authorization-code-remembered'];


const config = {
  workers: intFromEnv('BENCH_AUTHCODE_WORKERS', 8, 1, 64),
  bcryptCost: intFromEnv('BENCH_BCRYPT_COST', 10, 10, 15), // LOGIN_BCRYPT_COST for the server, the users and the floor
  // Upper bound of first-time exchanges per worker over the whole run (one fresh client each); the
  // pool is registered up front. Running out makes the scenario INVALID, never silently slower.
  maxPerWorker: intFromEnv('BENCH_AUTHCODE_MAX_PER_WORKER', 0, 0, 100_000),
};

/** Filled by prepare(): users (one per worker), the client pool, each worker's position in it. */
const context = { users: [], clients: [], remembered: null, nextClient: [], prepared: false };

// ─── a browser with a cookie jar, over fetch ────────────────────────────────────────────────────

class StepError extends Error {
  constructor(step, status, detail) {
    super(`${step}: HTTP ${status}${detail ? ` — ${detail}` : ''}`);
    this.key = `${step} ${status}`;
  }
}

class Browser {
  constructor(origin) {
    this.origin = origin;
    this.cookies = new Map();
  }

  async request(method, target, form) {
    const headers = {};
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(new URL(target, this.origin), {
      method,
      headers,
      body: form ? new URLSearchParams(form).toString() : undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attributes.some((attribute) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(attribute));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    return { status: response.status, location: response.headers.get('location'), text };
  }
}

function decodeEntities(value) {
  return value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Every hidden input of the form posting to `action` (as test/support/oauth-flow.ts reads them). */
function formFields(html, action, step) {
  const start = html.indexOf(`action="${action}"`);
  if (start < 0) throw new StepError(step, 200, `no form posting to ${action}`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const fields = {};
  for (const match of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[match[1]] = decodeEntities(match[2]);
  return fields;
}

function expect(step, response, status) {
  if (response.status !== status) throw new StepError(step, response.status, response.text.slice(0, 200).replace(/\s+/g, ' '));
  if (status === 303 && !response.location) throw new StepError(step, response.status, 'no Location');
}

/**
 * One whole exchange. `consent`: true = the consent page must come (and is allowed), false = it
 * must not (remembered). Throws StepError on any unexpected answer.
 */
async function exchange(origin, user, client, consent) {
  const browser = new Browser(origin);
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: client.id,
    redirect_uri: REDIRECT_URI,
    scope: SCOPE,
    state,
    nonce,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const start = await browser.request('GET', `/authorize?${query}`);
  expect('authorize', start, 303);
  if (!start.location.startsWith('/login')) throw new StepError('authorize', 303, `to ${start.location} instead of /login`);
  const page = await browser.request('GET', start.location);
  expect('login-page', page, 200);
  const login = await browser.request('POST', '/login', {
    ...formFields(page.text, '/login', 'login-page'),
    username: user,
    password: PASSWORD,
  });
  expect('login', login, 303);
  let back = await browser.request('GET', login.location);
  if (consent) {
    expect('consent-page', back, 200);
    back = await browser.request('POST', '/authorize/decision', { ...formFields(back.text, '/authorize/decision', 'consent-page'), decision: 'allow' });
    expect('decision', back, 303);
  } else {
    expect('authorize-remembered', back, 303);
  }
  const callback = new URL(back.location, origin);
  if (`${callback.origin}${callback.pathname}` !== REDIRECT_URI || callback.searchParams.get('state') !== state || !callback.searchParams.get('code')) {
    throw new StepError(consent ? 'decision' : 'authorize-remembered', back.status, `redirected to ${back.location.slice(0, 200)}`);
  }
  const token = await fetch(`${origin}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: client.basic },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: callback.searchParams.get('code'), redirect_uri: REDIRECT_URI, code_verifier: verifier }).toString(),
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  const body = await token.text();
  if (token.status !== 200) throw new StepError('token', token.status, body.slice(0, 200));
  let json;
  try {
    json = JSON.parse(body);
  } catch {
    throw new StepError('token', 200, 'not JSON');
  }
  if (!json.access_token || !json.id_token) throw new StepError('token', 200, 'no access_token or id_token');
}

// ─── driving: a bounded pool of workers for a bounded time ──────────────────────────────────────

/**
 * Runs `once(worker)` in `workers` concurrent loops for `duration` seconds; resolves with the shape
 * of an autocannon run (result.requests.total, errors, timeouts, mismatches; latencies; statuses).
 * Each loop stops at the deadline (an exchange in flight finishes and counts) or when `once` says so.
 */
async function drive({ duration, workers, once, state }) {
  if (state.aborted) throw new Error('aborted');
  const latencies = [];
  const statuses = {};
  let errors = 0;
  let timeouts = 0;
  let firstError;
  let total = 0;
  const deadline = Date.now() + duration * 1000;
  const loop = async (worker) => {
    while (Date.now() < deadline && !state.aborted) {
      const started = process.hrtime.bigint();
      let key = '200';
      let stop = false;
      try {
        await once(worker);
      } catch (error) {
        firstError ??= error;
        stop = Boolean(error && error.stop);
        if (error instanceof StepError) key = error.key;
        else {
          key = null; // counted as an error or a timeout, not as a status
          if (error && error.name === 'TimeoutError') timeouts += 1;
          else errors += 1;
        }
      }
      total += 1;
      if (key) statuses[key] = (statuses[key] || 0) + 1;
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (stop) return;
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, worker) => loop(worker)));
  // result.requests.total counts the exchanges that answered (completed or not), like autocannon's responses
  return { result: { requests: { total: total - errors - timeouts }, errors, timeouts, mismatches: 0 }, latencies, statuses, firstError };
}

// ─── preparing: users through the CLI, clients through POST /register ───────────────────────────

function cliCreateUser(env, username) {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [CLI_ENTRY, 'users:create', username, '--email', `${username}@example.com`, '--name', 'Bench User'],
      { cwd: ROOT, env, timeout: CLI_TIMEOUT_MS },
      (error, stdout, stderr) => (error ? reject(new Error(`users:create ${username} failed: ${error.message}\n${stderr}${stdout}`)) : resolve()),
    );
    child.stdin.end(`${PASSWORD}\n`);
  });
}

/** True when one of this module's scenarios was selected. */
function wanted(scenarios) {
  return scenarios.some((scenario) => KEYS.includes(scenario.key));
}

/**
 * Creates one user per worker with the CLI (same DATABASE_URL and LOGIN_BCRYPT_COST as the server,
 * which keeps running: users live in PostgreSQL), registers the client pool, and runs one exchange
 * per worker — the sanity probe, which also leaves a remembered consent for the "remembered" scenario.
 */
async function prepare({ server, databaseUrl, tokenHashKey, registerPool, settings, progress }) {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl, ISSUER: server.origin, TOKEN_HASH_KEY: tokenHashKey, LOGIN_BCRYPT_COST: String(config.bcryptCost) };
  const prefix = `bench${randomBytes(3).toString('hex')}`;
  context.users = Array.from({ length: config.workers }, (_, index) => `${prefix}w${index}`);
  progress(`authorization-code: creating ${config.workers} users with the CLI (users:create, bcrypt cost ${config.bcryptCost})`);
  // two at a time: each CLI run boots the application
  for (let index = 0; index < context.users.length; index += 2) await Promise.all(context.users.slice(index, index + 2).map((user) => cliCreateUser(env, user)));
  const seconds = settings.warmupSeconds + settings.durationSeconds * settings.rounds;
  const perWorker = config.maxPerWorker || Math.max(200, 40 * seconds);
  config.maxPerWorker = perWorker;
  progress(`authorization-code: registering ${perWorker + 1} clients (${perWorker} exchanges per worker at most, each with a client the user has not consented to)`);
  context.clients = await registerPool(`${server.origin}/register`, perWorker + 1, false);
  context.remembered = context.clients[perWorker];
  context.nextClient = context.users.map(() => 0);
  await Promise.all(context.users.map((user) => exchange(server.origin, user, context.remembered, true)));
  context.prepared = true;
}

function defineScenarios({ server, floor, state }) {
  const common = { expected: 200, authorizationCode: true };
  // Every scenario runs `once` in each of the workers, over and over, for the measured duration.
  const repeat = (once) => ({ duration }) => drive({ duration, workers: config.workers, state, once });
  return [
    {
      ...common,
      key: 'floor-authorization-code',
      name: 'floor: bcrypt + 7 statements',
      label: `floor: bcrypt (cost ${config.bcryptCost}) + 7 single-row statements — \`POST /floor/authorization-code\``,
      isFloor: true,
      origin: floor.origin,
      drive: repeat(async (worker) => {
        const response = await fetch(`${floor.origin}/floor/authorization-code`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: `floor${worker}`, password: PASSWORD, client_id: 'floor-client' }),
          signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
        });
        const text = await response.text();
        if (response.status !== 200) throw new StepError('floor', response.status, text.slice(0, 200));
      }),
    },
    {
      ...common,
      key: 'authorization-code',
      name: 'authorization code (first consent)',
      label: 'authorization code, first-time consent — authorize → login → consent → `POST /token` (exchanges/s)',
      floorKey: 'floor-authorization-code',
      origin: server.origin,
      drive: repeat(async (worker) => {
        const index = context.nextClient[worker];
        if (index >= config.maxPerWorker) {
          const error = new StepError('client-pool-exhausted', 0, 'raise BENCH_AUTHCODE_MAX_PER_WORKER');
          error.stop = true; // this worker stops; the scenario is INVALID
          throw error;
        }
        context.nextClient[worker] = index + 1;
        await exchange(server.origin, context.users[worker], context.clients[index], true);
      }),
    },
    {
      ...common,
      key: 'authorization-code-remembered',
      name: 'authorization code (remembered consent)',
      label: 'authorization code, remembered consent — authorize → login → `POST /token` (exchanges/s)',
      floorKey: 'floor-authorization-code',
      origin: server.origin,
      drive: repeat((worker) => exchange(server.origin, context.users[worker], context.remembered, false)),
    },
  ];
}

/** The floor's tables and users (same bcrypt cost and password), created before the floor runs. */
async function prepareFloor(db) {
  const bcrypt = require('bcrypt');
  await db.query(`
    CREATE TABLE floor_users (id text PRIMARY KEY, username text UNIQUE NOT NULL, password_hash text NOT NULL);
    CREATE TABLE floor_sessions (id_hash text PRIMARY KEY, user_id text NOT NULL, auth_time timestamptz NOT NULL, expires_at timestamptz NOT NULL);
    CREATE TABLE floor_grants (id text PRIMARY KEY, user_id text NOT NULL, client_id text NOT NULL, scope text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
    CREATE TABLE floor_codes (code_hash text PRIMARY KEY, grant_id text NOT NULL, client_id text NOT NULL, user_id text NOT NULL, redirect_uri text NOT NULL,
                              code_challenge text NOT NULL, nonce text, expires_at timestamptz NOT NULL);
    CREATE TABLE floor_tokens (jti text PRIMARY KEY, grant_id text NOT NULL, client_id text NOT NULL, user_id text NOT NULL, scope text NOT NULL, expires_at timestamptz NOT NULL)`);
  const hash = await bcrypt.hash(PASSWORD, config.bcryptCost);
  for (let worker = 0; worker < config.workers; worker++) {
    await db.query('INSERT INTO floor_users (id, username, password_hash) VALUES ($1, $2, $3)', [randomBytes(16).toString('hex'), `floor${worker}`, hash]);
  }
}

function reportNotes() {
  return [
    `- authorization code (issue 3): ${config.workers} concurrent workers (BENCH_AUTHCODE_WORKERS), each running whole exchanges one after another ` +
      'over fetch with a fresh cookie jar per exchange: GET /authorize → GET /login → POST /login → GET /authorize → [consent page → POST /authorize/decision] → POST /token ' +
      '(PKCE S256, state, nonce, client_secret_basic); "requests" are exchanges, latency is per whole exchange; ' +
      `LOGIN_BCRYPT_COST=${config.bcryptCost} for the server, its ${config.workers} users (created with \`cli.js users:create\`) and the floor; ` +
      `first-time consent uses a client the user never saw (pool of ${config.maxPerWorker} per worker), remembered consent one client each user already allowed; ` +
      'floor: the same workers posting to /floor/authorization-code (SELECT user, bcrypt compare, INSERT session, SELECT session, INSERT grant, INSERT code, DELETE code RETURNING, INSERT token)',
  ];
}

module.exports = { KEYS, PASSWORD, config, context, prepare, prepareFloor, defineScenarios, reportNotes, wanted, cliCreateUser };
