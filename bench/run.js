'use strict';
/* global fetch, AbortSignal -- Node ≥ 20 built-ins the shared ESLint globals do not list */

/*
 * `npm run bench`: Tessera's registration endpoints under autocannon on a real PostgreSQL, each
 * next to a floor measured in the same run — a bare Fastify route doing one INSERT or one
 * primary-key SELECT through pg on the same database. See bench/README.md.
 *
 * What it does, in order:
 *   1. creates a fresh database tessera_bench_<random> (dropped again at the end, also on failure);
 *   2. starts the built server (dist/) and the floor server (bench/floor-server.js) as child processes;
 *   3. pre-registers a pool of clients (and floor rows) for the read/update/rejected scenarios;
 *   4. per scenario: a warm-up run, then the measured run(s) next to its floor, counting every status
 *      code and waiting for the server's background work (audit writes) to drain in between;
 *   5. prints a Markdown report and writes it to bench/results/latest.md (+ latest.json).
 *
 * A missed target is a measurement, not a failure: exit code 0. A scenario whose responses did
 * not all have the expected status is marked INVALID and makes the exit code 1, as does any error
 * in setting up.
 */

const { intFromEnv } = require('./env');
const autocannon = require('autocannon');
const { fork, spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const pg = require('pg');
const authorizationCode = require('./authorization-code');
const loginFlood = require('./login-flood');

const ROOT = path.resolve(__dirname, '..');
const SERVER_ENTRY = path.join(ROOT, 'dist', 'apps', 'oauth-server', 'src', 'main.js');
const FLOOR_ENTRY = path.join(__dirname, 'floor-server.js');
const RESULTS_DIR = path.join(__dirname, 'results');

const ROTATIONS = ['never', 'on-update', 'on-every-use'];
const settings = {
  durationSeconds: intFromEnv('BENCH_DURATION_SECONDS', 10, 1, 600),
  // The server's JIT needs ~10 s of register load to settle (measured: 1420 req/s in its first 5 s,
  // ~2100 from the 10th second on); a shorter warm-up measures start-up, not the running server.
  warmupSeconds: intFromEnv('BENCH_WARMUP_SECONDS', 10, 0, 60),
  rounds: intFromEnv('BENCH_ROUNDS', 1, 1, 10),
  connections: intFromEnv('BENCH_CONNECTIONS', 10, 1, 200),
  clients: intFromEnv('BENCH_CLIENTS', 200, 10, 5000),
  // The server's default DATABASE_POOL_SIZE; the floor's pg.Pool gets the same.
  poolSize: 10,
  tokenRotation: oneOfFromEnv('BENCH_TOKEN_ROTATION', 'never', ROTATIONS),
  // raised: the rate limiter runs on every request (its cost counts) with limits no run can reach; off: RATE_LIMIT_ENABLED=false
  rateLimit: oneOfFromEnv('BENCH_RATE_LIMIT', 'raised', ['raised', 'off']),
  // false: the floor's INSERT and SELECT are plain parameterised queries; true: named prepared statements, like Tessera's hot path
  floorPrepared: oneOfFromEnv('BENCH_FLOOR_PREPARED', 'false', ['false', 'true']) === 'true',
  adminUrl: process.env.BENCH_ADMIN_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
  only: listFromEnv('BENCH_SCENARIOS'),
  serverNodeArgs: (process.env.BENCH_SERVER_NODE_ARGS || '').split(' ').filter(Boolean),
};

const STARTUP_TIMEOUT_MS = 60_000;
const HTTP_TIMEOUT_MS = 10_000;
const SERVER_SHUTDOWN_GRACE_SECONDS = 10; // SHUTDOWN_GRACE_SECONDS given to the server
const CHILD_EXIT_TIMEOUT_MS = (SERVER_SHUTDOWN_GRACE_SECONDS + 5) * 1000;
const DRAIN_TIMEOUT_MS = 60_000; // background jobs (the worker pool's queue) must finish before the next scenario
const RAISED_RATE_LIMIT = '999999/1';
const MAX_LATENCY_SAMPLES = 5_000_000; // bounds memory: ~40 MB of doubles at most
const LOG_TAIL_LINES = 40;

const REGISTER_BODY = JSON.stringify({ redirect_uris: ['https://app.example.com/cb'], client_name: 'bench' });
// Issue 3: confidential clients of the client_credentials grant (RFC 6749 §4.4), for POST /token.
const SERVICE_BODY = JSON.stringify({ grant_types: ['client_credentials'], redirect_uris: [], scope: 'email', client_name: 'bench-service' });

/** Everything cleanup() must undo; filled in as the run goes. */
const state = {
  admin: null, // pg.Client on the maintenance database, used to create and drop the bench database
  db: null, // pg.Client on the bench database (floor table, row counts)
  dbName: null,
  server: null, // { child, logs }
  floor: null,
  cannon: null, // the running autocannon instance, if any
  aborted: false, // set on SIGINT/SIGTERM: start nothing new
  cleaning: null,
};

// ─── helpers ────────────────────────────────────────────────────────────────────────────────────


function oneOfFromEnv(name, fallback, allowed) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!allowed.includes(raw)) throw new Error(`${name}=${raw}: expected one of ${allowed.join(', ')}`);
  return raw;
}

function listFromEnv(name) {
  const raw = process.env[name];
  if (!raw) return null;
  return raw.split(',').map((item) => item.trim()).filter(Boolean);
}

function progress(message) {
  process.stderr.write(`[bench] ${message}\n`);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function packageVersion(name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

// Linux reports process CPU time in clock ticks of USER_HZ, which is 100 on every mainstream kernel.
const CLOCK_TICKS_PER_SECOND = 100;

/** user+system CPU seconds of one process from /proc (Linux); NaN elsewhere. */
function processCpuSeconds(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

/**
 * user+system CPU seconds, by pid, of the PostgreSQL processes working for this run: the backends of the bench
 * database plus the shared WAL writer, background writer and checkpointer. Backends of other databases
 * (other people's tests on the same cluster) are left out. NaN without /proc.
 */
function postgresCpuByPid() {
  const byPid = new Map();
  let entries;
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return null;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== 'postgres') continue;
      const title = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const ours = (state.dbName && title.includes(` ${state.dbName} `)) || /(walwriter|background writer|checkpointer)/.test(title);
      if (!ours) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byPid.set(entry, (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND);
    } catch {
      // the process ended meanwhile
    }
  }
  return byPid;
}

/** CPU seconds the PostgreSQL processes spent between two snapshots (new backends count from zero). */
function postgresCpuBetween(before, after) {
  if (!before || !after) return NaN;
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}

/** Busy CPU seconds of the whole machine (all cores) from /proc/stat; NaN elsewhere. */
function machineBusySeconds() {
  try {
    const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
    const [user, nice, system, _idle, _iowait, irq, softirq, steal] = fields;
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

function cpuSnapshot(pid) {
  const own = process.cpuUsage();
  return {
    at: process.hrtime.bigint(),
    app: processCpuSeconds(pid),
    postgres: postgresCpuByPid(),
    runner: (own.user + own.system) / 1e6,
    machine: machineBusySeconds(),
  };
}

/** CPU seconds used between two snapshots, by whom, and the wall-clock seconds between them. */
function cpuUsed(before, after) {
  return {
    wall: Number(after.at - before.at) / 1e9,
    app: after.app - before.app,
    postgres: postgresCpuBetween(before.postgres, after.postgres),
    runner: after.runner - before.runner,
    machine: after.machine - before.machine,
  };
}

function withDatabase(url, database) {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function http(method, url, { body, headers = {} } = {}) {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body,
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

/** Keeps the last lines a child printed, and counts them, for the report and for failures. */
function captureLines(stream, logs) {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop();
    for (const line of lines) {
      if (!line.trim()) continue;
      logs.count += 1;
      logs.tail.push(line);
      if (logs.tail.length > LOG_TAIL_LINES) logs.tail.shift();
    }
  });
}

function waitForExit(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function stopChild(handle, name) {
  if (!handle) return;
  const { child } = handle;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if (!(await waitForExit(child, CHILD_EXIT_TIMEOUT_MS))) {
    progress(`${name} did not stop within ${CHILD_EXIT_TIMEOUT_MS / 1000} s of SIGTERM; killing it. Its last output:\n${handle.logs.tail.slice(-10).join('\n')}`);
    child.kill('SIGKILL');
    await waitForExit(child, CHILD_EXIT_TIMEOUT_MS);
  }
}

/** Polls `url` until it answers 200, the child dies or the deadline passes — bounded in time and count. */
async function waitUntilReady(url, handle, name) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let lastProblem = 'no answer yet';
  for (let attempt = 0; attempt < 600 && Date.now() < deadline; attempt++) {
    if (handle.child.exitCode !== null || handle.child.signalCode !== null) {
      throw new Error(`${name} exited during start-up (${handle.child.exitCode ?? handle.child.signalCode}):\n${handle.logs.tail.join('\n')}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
      lastProblem = `HTTP ${response.status}`;
    } catch (error) {
      lastProblem = error.message;
    }
    await sleep(100);
  }
  throw new Error(`${name} was not ready within ${STARTUP_TIMEOUT_MS / 1000} s (${lastProblem}):\n${handle.logs.tail.join('\n')}`);
}

// ─── database and processes ─────────────────────────────────────────────────────────────────────

async function createDatabase() {
  state.admin = new pg.Client({ connectionString: settings.adminUrl, connectionTimeoutMillis: 5000 });
  try {
    await state.admin.connect();
  } catch (error) {
    state.admin = null;
    throw new Error(
      `cannot reach PostgreSQL at ${settings.adminUrl} (${error.message}). ` +
        'If it is down: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
    );
  }
  const name = `tessera_bench_${randomBytes(6).toString('hex')}`;
  await state.admin.query(`CREATE DATABASE ${name}`);
  state.dbName = name;
  const url = withDatabase(settings.adminUrl, name);
  state.db = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await state.db.connect();
  // The floor's own table, shaped like Tessera's clients table: text id, text hash, jsonb, timestamps.
  await state.db.query(`
    CREATE TABLE floor_clients (
      client_id    text PRIMARY KEY,
      secret_hash  text NULL,
      metadata     jsonb NOT NULL,
      issued_at    timestamptz NOT NULL DEFAULT now(),
      updated_at   timestamptz NOT NULL DEFAULT now()
    )`);
  return url;
}

async function databaseFacts() {
  const { rows } = await state.db.query(
    `SELECT current_setting('server_version') AS version, current_setting('fsync') AS fsync,
            current_setting('synchronous_commit') AS synchronous_commit,
            current_setting('shared_buffers') AS shared_buffers`,
  );
  return rows[0];
}

async function countRows(table) {
  const { rows } = await state.db.query(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0].n;
}

async function startServer(databaseUrl) {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  // A clean environment: nothing from the caller's shell (DATABASE_POOL_SIZE, LOG_LEVEL, …) leaks in.
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    ISSUER: origin,
    LOG_LEVEL: 'warn',
    TOKEN_HASH_KEY: randomBytes(32).toString('hex'),
    // Issue 3: set explicitly, the floor compares at the same cost (bench/authorization-code.js)
    LOGIN_BCRYPT_COST: String(authorizationCode.config.bcryptCost),
    REGISTRATION_TOKEN_ROTATION: settings.tokenRotation,
    // bench/login-flood.js gives each simulated client its own address through X-Forwarded-For.
    HTTP_TRUST_PROXY: 'true',
    SHUTDOWN_GRACE_SECONDS: String(SERVER_SHUTDOWN_GRACE_SECONDS),
    ...(settings.rateLimit === 'off'
      ? { RATE_LIMIT_ENABLED: 'false' }
      : { RATE_LIMIT_REGISTER: RAISED_RATE_LIMIT, RATE_LIMIT_MANAGEMENT: RAISED_RATE_LIMIT, RATE_LIMIT_TOKEN: RAISED_RATE_LIMIT, RATE_LIMIT_LOGIN: RAISED_RATE_LIMIT }),
  };
  const child = spawn(process.execPath, [...settings.serverNodeArgs, SERVER_ENTRY], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const handle = { child, logs: { count: 0, tail: [] }, origin, env };
  state.server = handle;
  captureLines(child.stdout, handle.logs);
  captureLines(child.stderr, handle.logs);
  child.on('error', (error) => handle.logs.tail.push(`spawn error: ${error.message}`));
  await waitUntilReady(`${origin}/.well-known/oauth-authorization-server`, handle, 'the Tessera server');
  return handle;
}

async function startFloor(databaseUrl) {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child = fork(FLOOR_ENTRY, [], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      FLOOR_DATABASE_URL: databaseUrl,
      FLOOR_PORT: String(port),
      FLOOR_POOL_SIZE: String(settings.poolSize),
      FLOOR_PREPARED: String(settings.floorPrepared),
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const handle = { child, logs: { count: 0, tail: [] }, origin };
  state.floor = handle;
  captureLines(child.stdout, handle.logs);
  captureLines(child.stderr, handle.logs);
  // The floor has no discovery document; a read of a missing row answering 404 proves it is up.
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (let attempt = 0; attempt < 600 && Date.now() < deadline; attempt++) {
    if (child.exitCode !== null) throw new Error(`the floor server exited during start-up:\n${handle.logs.tail.join('\n')}`);
    try {
      const response = await fetch(`${origin}/floor/read/none`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 404) return handle;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`the floor server was not ready within ${STARTUP_TIMEOUT_MS / 1000} s:\n${handle.logs.tail.join('\n')}`);
}

/** Registers `count` clients, 10 at a time; every one must answer 201 with its credentials. */
async function registerPool(url, count, isFloor, body = REGISTER_BODY) {
  const pool = new Array(count);
  let next = 0;
  let failed = false;
  const fail = (message) => {
    failed = true; // the other workers stop at their next turn
    throw new Error(message);
  };
  const worker = async () => {
    while (next < count && !failed && !state.aborted) {
      const index = next++;
      const { status, json, text } = await http('POST', url, { body });
      if (status !== 201 || !json || !json.client_id) {
        fail(`pre-registration at ${url} answered ${status}: ${text.slice(0, 300)}`);
      }
      if (!isFloor && (!json.client_secret || !json.registration_access_token)) {
        fail(`pre-registration did not return a client_secret and registration_access_token: ${text.slice(0, 300)}`);
      }
      pool[index] = {
        id: json.client_id,
        path: `/${isFloor ? 'floor/read' : 'register'}/${encodeURIComponent(json.client_id)}`,
        secret: json.client_secret,
        // RFC 6749 §2.3.1 client_secret_basic (the registration default)
        basic: `Basic ${Buffer.from(`${encodeURIComponent(json.client_id)}:${encodeURIComponent(json.client_secret || '')}`).toString('base64')}`,
        token: json.registration_access_token,
        // A well-formed bearer token that was never issued: the rejected-token path.
        wrongToken: randomBytes(32).toString('base64url'),
        updateBody: JSON.stringify({
          client_id: json.client_id,
          client_secret: json.client_secret,
          redirect_uris: ['https://app.example.com/cb'],
          client_name: 'bench-updated',
        }),
      };
    }
  };
  await Promise.all(Array.from({ length: 10 }, worker));
  if (state.aborted) throw new Error('aborted');
  return pool;
}

// ─── background work ───────────────────────────────────────────────────────────────────────────

/**
 * The server's worker pool (audit writes and other work kept off the request path), read from its
 * Prometheus /metrics. Null when the server has no such metrics.
 */
async function backgroundJobs(origin) {
  let text;
  try {
    const response = await fetch(`${origin}/metrics`, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
    text = await response.text();
    if (response.status !== 200) return null;
  } catch {
    return null;
  }
  // Sums every series of `metric` whose labels include label="value" (other labels, such as the
  // worker pool's lane, are summed over).
  const read = (metric, label, value) => {
    let total = NaN;
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${metric}{`)) continue;
      const close = line.lastIndexOf('}');
      if (!line.slice(metric.length + 1, close).split(',').includes(`${label}="${value}"`)) continue;
      const number = Number(line.slice(close + 1).trim().split(' ')[0]);
      if (Number.isFinite(number)) total = (Number.isFinite(total) ? total : 0) + number;
    }
    return total;
  };
  const jobs = {
    queued: read('tessera_worker_pool_jobs', 'state', 'queued'),
    running: read('tessera_worker_pool_jobs', 'state', 'running'),
    done: read('tessera_worker_pool_jobs_finished_total', 'outcome', 'done'),
    failed: read('tessera_worker_pool_jobs_finished_total', 'outcome', 'failed'),
    rejected: read('tessera_worker_pool_jobs_finished_total', 'outcome', 'rejected'),
    timedOut: read('tessera_worker_pool_jobs_finished_total', 'outcome', 'timed_out'),
  };
  return Number.isFinite(jobs.queued) && Number.isFinite(jobs.running) ? jobs : null;
}

/** Waits until the worker pool is idle, bounded in time; returns the last reading and how long it took. */
async function drainBackgroundJobs(origin) {
  const started = Date.now();
  let jobs = await backgroundJobs(origin);
  for (let attempt = 0; jobs && jobs.queued + jobs.running > 0 && attempt < 1000; attempt++) {
    if (Date.now() - started > DRAIN_TIMEOUT_MS || state.aborted) break;
    await sleep(100);
    jobs = await backgroundJobs(origin);
  }
  return { jobs, seconds: (Date.now() - started) / 1000 };
}

// ─── measuring ──────────────────────────────────────────────────────────────────────────────────

/**
 * One autocannon run. Latencies are recorded here from every response (autocannon's own histogram
 * has 1 ms resolution, too coarse for a floor of a few ms), and so is every status code.
 */
function cannon(options) {
  return new Promise((resolve, reject) => {
    if (state.aborted) {
      reject(new Error('aborted'));
      return;
    }
    const latencies = [];
    const statuses = {};
    let firstError;
    let watchdog;
    const instance = autocannon(options, (error, result) => {
      clearTimeout(watchdog);
      state.cannon = null;
      if (error) reject(error);
      else resolve({ result, latencies, statuses, firstError });
    });
    state.cannon = instance;
    instance.on('response', (_client, status, _bytes, milliseconds) => {
      statuses[status] = (statuses[status] || 0) + 1;
      if (latencies.length < MAX_LATENCY_SAMPLES) latencies.push(milliseconds);
    });
    instance.on('reqError', (error) => {
      firstError ??= error;
    });
    // autocannon ends on its own after `duration`; this only guards against a run that hangs.
    watchdog = setTimeout(() => instance.stop(), (options.duration + 30) * 1000);
  });
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

function wrongCount(run, expected) {
  let wrong = run.result.errors + run.result.timeouts + run.result.mismatches;
  for (const [status, count] of Object.entries(run.statuses)) {
    if (Number(status) !== expected) wrong += count;
  }
  return wrong;
}

function describeStatuses(statuses) {
  const parts = Object.entries(statuses).map(([status, count]) => `${status}×${count}`);
  return parts.length ? parts.join(', ') : 'none';
}

/** Rotates through a pool: consecutive requests (and so the 10 in flight) hit different clients. */
function rotating(pool, build) {
  let next = 0;
  return (request, context) => {
    const entry = pool[next];
    next = (next + 1) % pool.length;
    context.entry = entry;
    return build(request, entry);
  };
}

/** With token rotation on, a response may carry the client's new registration access token. */
function keepRotatedToken(status, body, context) {
  if (status !== 200 || !context.entry) return;
  try {
    const token = JSON.parse(body).registration_access_token;
    if (token) context.entry.token = token;
  } catch {
    // not JSON: the status check already counts it
  }
}

/**
 * One measured slice of a scenario: its warm-up (first slice only), a drain of the server's
 * background work, the measured autocannon run, and every check on what came back.
 */
async function measureSlice(scenario, round) {
  const base = {
    url: scenario.origin,
    connections: settings.connections,
    pipelining: 1,
    timeout: 10,
    requests: scenario.requests ? scenario.requests() : undefined,
  };
  // A scenario with its own driver (the authorization-code workers) instead of autocannon; same result shape.
  const load = scenario.drive || cannon;
  const label = settings.rounds > 1 ? `${scenario.name} (round ${round}/${settings.rounds})` : scenario.name;
  const serverLogsBefore = state.server.logs.count;
  const before = scenario.countTable ? await countRows(scenario.countTable) : undefined;
  let warmup;
  if (round === 1 && settings.warmupSeconds > 0) {
    progress(`${label}: warm-up ${settings.warmupSeconds} s`);
    warmup = await load({ ...base, duration: settings.warmupSeconds });
  }
  const appPid = scenario.isFloor ? state.floor.child.pid : state.server.child.pid;
  // Audit writes queued by the warm-up (or the scenario before) must not run during this one.
  const jobsBefore = (await drainBackgroundJobs(state.server.origin)).jobs;
  progress(`${label}: measuring ${settings.durationSeconds} s`);
  const cpuBefore = cpuSnapshot(appPid);
  const run = await load({ ...base, requests: base.requests && scenario.requests(), duration: settings.durationSeconds });
  const cpuAfter = cpuSnapshot(appPid);
  const jobsAtEnd = await backgroundJobs(state.server.origin);
  const drained = await drainBackgroundJobs(state.server.origin);

  const problems = [];
  const wrong = wrongCount(run, scenario.expected);
  if (wrong > 0) {
    problems.push(
      `${wrong} of ${run.result.requests.total + run.result.errors} requests did not answer ${scenario.expected} ` +
        `(statuses: ${describeStatuses(run.statuses)}; errors ${run.result.errors}, timeouts ${run.result.timeouts}` +
        `${run.firstError ? `; first error: ${run.firstError.message}` : ''})`,
    );
  }
  if (warmup && wrongCount(warmup, scenario.expected) > 0) {
    problems.push(`warm-up had unexpected answers too (statuses: ${describeStatuses(warmup.statuses)}, errors ${warmup.result.errors})`);
  }
  if (scenario.countTable) {
    // Every 201 must be a committed row. A row may lack its 201 only for the requests still in flight
    // when autocannon stopped (at most one per connection per run): those were served, not counted.
    const inserted = (await countRows(scenario.countTable)) - before;
    const created = (run.statuses[201] || 0) + ((warmup && warmup.statuses[201]) || 0);
    const inFlight = settings.connections * (warmup ? 2 : 1);
    if (inserted < created || inserted > created + inFlight) {
      problems.push(`${created} responses said 201 but ${inserted} rows were inserted into ${scenario.countTable}`);
    }
  }
  if (scenario.verify) {
    const problem = await scenario.verify(run);
    if (problem) problems.push(problem);
  }

  let background = null;
  if (!scenario.isFloor && jobsBefore && jobsAtEnd && drained.jobs) {
    background = {
      done: drained.jobs.done - jobsBefore.done,
      backlogAtEnd: jobsAtEnd.queued + jobsAtEnd.running,
      drainSeconds: drained.jobs.queued + drained.jobs.running === 0 ? drained.seconds : NaN,
      rejected: drained.jobs.rejected - jobsBefore.rejected,
      failed: drained.jobs.failed - jobsBefore.failed + (drained.jobs.timedOut - jobsBefore.timedOut),
    };
  }
  return {
    run,
    cpu: cpuUsed(cpuBefore, cpuAfter),
    background,
    backgroundTracked: scenario.isFloor || background !== null,
    serverLogLines: scenario.isFloor ? 0 : state.server.logs.count - serverLogsBefore,
    problems: problems.map((problem) => (settings.rounds > 1 ? `round ${round}: ${problem}` : problem)),
  };
}

/** One result per scenario from all its slices: counts and CPU summed, percentiles over every latency. */
function combine(scenario, slices) {
  const sum = (pick) => slices.reduce((total, slice) => total + pick(slice), 0);
  const total = sum((slice) => slice.run.result.requests.total);
  const statuses = {};
  for (const slice of slices) {
    for (const [status, count] of Object.entries(slice.run.statuses)) statuses[status] = (statuses[status] || 0) + count;
  }
  const sorted = Float64Array.from(slices.flatMap((slice) => slice.run.latencies)).sort();
  const used = {};
  for (const key of ['wall', 'app', 'postgres', 'runner', 'machine']) used[key] = sum((slice) => slice.cpu[key]);
  const cpu = {
    appCores: used.app / used.wall,
    postgresCores: used.postgres / used.wall,
    runnerCores: used.runner / used.wall,
    // Whatever else ran on the machine meanwhile: a benchmark next to a busy neighbour is not comparable.
    otherCores: Math.max(0, (used.machine - used.app - used.postgres - used.runner) / used.wall),
    appMicrosPerRequest: total > 0 ? (used.app * 1e6) / total : NaN,
    postgresMicrosPerRequest: total > 0 ? (used.postgres * 1e6) / total : NaN,
  };

  const problems = slices.flatMap((slice) => slice.problems);
  const warnings = [];
  let background = null;
  if (!scenario.isFloor && slices.every((slice) => slice.background)) {
    background = {
      done: sum((slice) => slice.background.done),
      backlogAtEnd: Math.max(...slices.map((slice) => slice.background.backlogAtEnd)),
      drainSeconds: Math.max(...slices.map((slice) => slice.background.drainSeconds)),
      rejected: sum((slice) => slice.background.rejected),
      failed: sum((slice) => slice.background.failed),
    };
    if (background.rejected > 0) {
      warnings.push(`${background.rejected} background jobs (audit records) were refused by the full worker pool and only logged`);
    }
    if (background.failed > 0) warnings.push(`${background.failed} background jobs failed or timed out`);
    if (!Number.isFinite(background.drainSeconds)) warnings.push(`background jobs still pending ${DRAIN_TIMEOUT_MS / 1000} s after a run`);
  } else if (!scenario.isFloor) {
    warnings.push("could not read the worker pool from the server's /metrics: background work was not tracked");
  }
  const serverLogLines = sum((slice) => slice.serverLogLines);
  if (serverLogLines > 0) warnings.push(`the server logged ${serverLogLines} lines at warn level or above (see the log tail below)`);

  return {
    key: scenario.key,
    name: scenario.name,
    isFloor: Boolean(scenario.isFloor),
    floorKey: scenario.floorKey,
    target: scenario.target,
    expected: scenario.expected,
    requestsPerSecond: total / used.wall,
    total,
    durationSeconds: used.wall,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
    statuses,
    errors: sum((slice) => slice.run.result.errors),
    timeouts: sum((slice) => slice.run.result.timeouts),
    serverLogLines,
    cpu,
    background,
    problems,
    warnings,
    valid: problems.length === 0,
  };
}

/**
 * Runs each floor with the scenarios measured against it, round after round (floor, its scenarios,
 * floor, …), so that a machine getting busier or quieter during the run shifts floor and scenario alike.
 */
async function measureAll(scenarios) {
  const groups = scenarios
    .filter((scenario) => scenario.isFloor)
    .map((floor) => [floor, ...scenarios.filter((scenario) => scenario.floorKey === floor.key)]);
  const results = [];
  for (const group of groups) {
    const slices = new Map(group.map((scenario) => [scenario.key, []]));
    for (let round = 1; round <= settings.rounds; round++) {
      for (const scenario of group) slices.get(scenario.key).push(await measureSlice(scenario, round));
    }
    for (const scenario of group) {
      const result = combine(scenario, slices.get(scenario.key));
      results.push(result);
      progress(
        `${scenario.name}: ${fixed(result.requestsPerSecond, 0)} req/s, p50 ${fixed(result.p50, 2)} ms, p99 ${fixed(result.p99, 2)} ms` +
          `${result.valid ? '' : ' — INVALID'}${result.warnings.length ? ` — ${result.warnings.length} warning(s)` : ''}`,
      );
    }
  }
  return results;
}

function defineScenarios(server, floor, pools) {
  const json = { 'content-type': 'application/json' };
  const capture = settings.tokenRotation !== 'never';
  const register = (path) => () => [{ method: 'POST', path, headers: json, body: REGISTER_BODY }];
  return [
    {
      key: 'floor-select',
      name: 'floor: one PK SELECT',
      label: 'floor: PK SELECT — `GET /floor/read/{id}`',
      isFloor: true,
      origin: floor.origin,
      expected: 200,
      requests: () => [{ method: 'GET', setupRequest: rotating(pools.floor, (request, entry) => ({ ...request, path: entry.path })) }],
    },
    {
      key: 'read',
      name: 'read',
      label: 'read — `GET /register/{id}`',
      floorKey: 'floor-select',
      target: 0.6,
      origin: server.origin,
      expected: 200,
      requests: () => [
        {
          method: 'GET',
          setupRequest: rotating(pools.server, (request, entry) => ({
            ...request,
            path: entry.path,
            headers: { ...request.headers, authorization: `Bearer ${entry.token}` },
          })),
          ...(settings.tokenRotation === 'on-every-use' ? { onResponse: keepRotatedToken } : {}),
        },
      ],
    },
    {
      key: 'rejected-token',
      name: 'rejected token',
      label: 'rejected token — `GET /register/{id}`, unknown bearer → 401',
      floorKey: 'floor-select',
      target: 0.7,
      origin: server.origin,
      expected: 401,
      requests: () => [
        {
          method: 'GET',
          setupRequest: rotating(pools.server, (request, entry) => ({
            ...request,
            path: entry.path,
            headers: { ...request.headers, authorization: `Bearer ${entry.wrongToken}` },
          })),
        },
      ],
    },
    {
      key: 'floor-insert',
      name: 'floor: one INSERT',
      label: 'floor: INSERT — `POST /floor/register`',
      isFloor: true,
      origin: floor.origin,
      expected: 201,
      countTable: 'floor_clients',
      requests: register('/floor/register'),
    },
    {
      key: 'register',
      name: 'register',
      label: 'register — `POST /register`',
      floorKey: 'floor-insert',
      target: 0.5,
      origin: server.origin,
      expected: 201,
      countTable: 'clients',
      requests: register('/register'),
    },
    {
      key: 'update',
      name: 'update',
      label: 'update — `PUT /register/{id}`',
      floorKey: 'floor-insert',
      target: undefined, // the issue sets no target for update; its ratio is reported all the same
      origin: server.origin,
      expected: 200,
      requests: () => [
        {
          method: 'PUT',
          setupRequest: rotating(pools.server, (request, entry) => ({
            ...request,
            path: entry.path,
            headers: { ...request.headers, ...json, authorization: `Bearer ${entry.token}` },
            body: entry.updateBody,
          })),
          ...(capture ? { onResponse: keepRotatedToken } : {}),
        },
      ],
      // The 200s must have changed the rows: every pre-registered client now carries the new name.
      verify: async (run) => {
        if ((run.statuses[200] || 0) < pools.server.length) return undefined;
        const { rows } = await state.db.query(
          `SELECT count(*)::int AS n FROM clients WHERE client_id = ANY($1) AND metadata->>'client_name' = 'bench-updated'`,
          [pools.server.map((entry) => entry.id)],
        );
        return rows[0].n === pools.server.length
          ? undefined
          : `only ${rows[0].n} of ${pools.server.length} updated clients carry the new client_name`;
      },
    },
    {
      // Issue 3: RFC 6749 §4.4 — client authentication (HMAC of the secret), one RS256-signed RFC 9068 JWT
      // and one INSERT of its record (for revocation and introspection) per request.
      key: 'client-credentials',
      name: 'client_credentials token',
      label: 'client_credentials — `POST /token` (Basic, RS256 JWT + record INSERT)',
      floorKey: 'floor-insert',
      target: undefined, // the issue sets no target; the ratio to the INSERT floor is reported
      origin: server.origin,
      expected: 200,
      requests: () => [
        {
          method: 'POST',
          setupRequest: rotating(pools.service, (request, entry) => ({
            ...request,
            path: '/token',
            headers: { ...request.headers, 'content-type': 'application/x-www-form-urlencoded', authorization: entry.basic },
            body: 'grant_type=client_credentials',
          })),
        },
      ],
      // Every 200 stored its access-token record (warm-up and earlier probes add more).
      verify: async (run) => {
        const { rows } = await state.db.query('SELECT count(*)::int AS n FROM access_tokens');
        const issued = run.statuses[200] || 0;
        return rows[0].n >= issued ? undefined : `${issued} tokens answered 200 but only ${rows[0].n} access_tokens rows exist`;
      },
    },
    ...authorizationCode.defineScenarios({ server, floor, state }),
  ];
}

function selectScenarios(all) {
  if (!settings.only) return all;
  const known = new Set([...all.map((scenario) => scenario.key), loginFlood.KEY]);
  const unknown = settings.only.filter((key) => !known.has(key));
  if (unknown.length) throw new Error(`BENCH_SCENARIOS: unknown ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
  const wanted = new Set(settings.only);
  for (const scenario of all) if (wanted.has(scenario.key) && scenario.floorKey) wanted.add(scenario.floorKey);
  return all.filter((scenario) => wanted.has(scenario.key));
}

// ─── report ─────────────────────────────────────────────────────────────────────────────────────

/** Two decimals, or three where two would round a miss up to its target (0.4976 → 0.498, not 0.50). */
function ratioText(ratio, target) {
  if (!Number.isFinite(ratio)) return '—';
  const short = ratio.toFixed(2);
  return target !== undefined && ratio < target && Number(short) >= target ? ratio.toFixed(3) : short;
}

function fixed(value, digits) {
  return Number.isFinite(value) ? value.toFixed(digits) : '—';
}

function buildReport(results, machine, scenarios) {
  const byKey = Object.fromEntries(results.map((result) => [result.key, result]));
  const labels = Object.fromEntries(scenarios.map((scenario) => [scenario.key, scenario.label]));
  const rows = [];
  const missed = [];
  const met = [];
  const invalid = [];
  const order = ['register', 'read', 'update', 'rejected-token', 'client-credentials', 'authorization-code', 'authorization-code-remembered', 'floor-insert', 'floor-select', 'floor-authorization-code'];
  for (const key of order) {
    const result = byKey[key];
    if (!result) continue;
    if (!result.valid) invalid.push(result.name);
    const floor = result.floorKey ? byKey[result.floorKey] : undefined;
    let ratio = NaN;
    let verdict = '—';
    if (floor) {
      ratio = result.requestsPerSecond / floor.requestsPerSecond;
      if (!result.valid || !floor.valid) {
        verdict = '**INVALID**';
      } else if (result.target === undefined) {
        verdict = 'n/a';
      } else if (ratio >= result.target) {
        verdict = 'yes';
        met.push(`${result.name} ${ratioText(ratio, result.target)} ≥ ${result.target.toFixed(2)}`);
      } else {
        verdict = '**NO**';
        missed.push(`${result.name} ${ratioText(ratio, result.target)} < ${result.target.toFixed(2)}`);
      }
    } else if (!result.valid) {
      verdict = '**INVALID**';
    }
    rows.push(
      `| ${labels[key]} | ${fixed(result.requestsPerSecond, 0)} | ${fixed(result.p50, 2)} | ${fixed(result.p99, 2)} | ` +
        `${floor ? fixed(floor.requestsPerSecond, 0) : '—'} | ${floor ? ratioText(ratio, result.target) : '—'} | ` +
        `${result.target === undefined ? '—' : `≥ ${result.target.toFixed(2)}`} | ${verdict} |`,
    );
  }

  const lines = [];
  lines.push(`## Tessera benchmark — ${machine.finishedAt}`);
  lines.push('');
  lines.push('| scenario | req/s | p50 ms | p99 ms | floor req/s | ratio | target | met? |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|:---:|');
  lines.push(...rows);
  lines.push('');
  if (invalid.length) lines.push(`**INVALID scenarios (their numbers do not count):** ${invalid.join('; ')} — see Problems below.`);
  if (missed.length) lines.push(`**Targets missed:** ${missed.join('; ')}.`);
  if (met.length) lines.push(`Targets met: ${met.join('; ')}.`);
  if (!missed.length && !invalid.length && met.length) lines.push('**All targets met.**');
  lines.push('');
  lines.push(
    'Ratio = scenario req/s ÷ its floor\'s req/s, both measured in this run. Floors: the INSERT floor for register and ' +
      'update (and client_credentials, which stores one access-token record), the primary-key SELECT floor for read and the rejected-token path, ' +
      'the bcrypt + 7 statements floor for the authorization-code exchanges (counted per whole exchange, not per request). p50/p99 are exact percentiles of every ' +
      'response latency seen by autocannon (by the exchange workers for the authorization code).',
  );
  lines.push('');
  lines.push('### Responses');
  lines.push('');
  lines.push(
    '| scenario | requests | expected | statuses seen | errors | timeouts | server log lines (warn+) | background jobs done | backlog at end → drained in | jobs refused / failed | valid |',
  );
  lines.push('|---|---:|---:|---|---:|---:|---:|---:|---:|---:|:---:|');
  for (const key of order) {
    const result = byKey[key];
    if (!result) continue;
    const jobs = result.background;
    lines.push(
      `| ${result.name} | ${result.total} | ${result.expected} | ${describeStatuses(result.statuses)} | ${result.errors} | ` +
        `${result.timeouts} | ${result.isFloor ? '—' : result.serverLogLines} | ` +
        (jobs ? `${jobs.done} | ${jobs.backlogAtEnd} → ${fixed(jobs.drainSeconds, 1)} s | ${jobs.rejected} / ${jobs.failed} | ` : '— | — | — | ') +
        `${result.valid ? 'yes' : '**no**'} |`,
    );
  }
  lines.push('');
  lines.push(
    'Background jobs are the work the server queues off the request path in its background worker pool, read from its /metrics: ' +
      'a backlog left at the end of a run is work the req/s above did not pay for; the runner waits for it to drain ' +
      'before the next scenario starts.',
  );
  lines.push('');
  lines.push('### Where the CPU went (measured runs)');
  lines.push('');
  lines.push(
    '| scenario | app process, cores | PostgreSQL, cores | autocannon, cores | anything else, cores | app CPU µs/request | PostgreSQL CPU µs/request |',
  );
  lines.push('|---|---:|---:|---:|---:|---:|---:|');
  for (const key of order) {
    const result = byKey[key];
    if (!result) continue;
    const { cpu } = result;
    lines.push(
      `| ${result.name} | ${fixed(cpu.appCores, 2)} | ${fixed(cpu.postgresCores, 2)} | ${fixed(cpu.runnerCores, 2)} | ` +
        `${fixed(cpu.otherCores, 2)} | ` +
        `${fixed(cpu.appMicrosPerRequest, 0)} | ${fixed(cpu.postgresMicrosPerRequest, 0)} |`,
    );
  }
  lines.push('');
  lines.push(
    `"app" is the Tessera server for the Tessera scenarios and the floor server for the floors; PostgreSQL counts the ` +
      "backends of the bench database and the WAL writer, background writer and checkpointer. The " +
      `${machine.cores} cores are shared by all of them. An app process near 1.00 core is saturated (Node runs the ` +
      'request path on one thread); "anything else" well above 0.1 means a neighbour was busy and the run is noisy.',
  );
  lines.push('');
  const problems = results.flatMap((result) => result.problems.map((problem) => `- ${result.name}: ${problem}`));
  if (problems.length) {
    lines.push('### Problems (these make a scenario invalid)');
    lines.push('');
    lines.push(...problems);
    lines.push('');
  }
  const warnings = results.flatMap((result) => result.warnings.map((warning) => `- ${result.name}: ${warning}`));
  if (warnings.length) {
    lines.push('### Warnings');
    lines.push('');
    lines.push(...warnings);
    lines.push('');
  }
  lines.push('### Machine');
  lines.push('');
  lines.push(`- CPU: ${machine.cpuModel}, ${machine.cores} cores; memory ${machine.memoryGb} GB; ${machine.os}`);
  lines.push(`- Node.js ${machine.node}; autocannon ${machine.versions.autocannon}, fastify ${machine.versions.fastify}, pg ${machine.versions.pg}`);
  lines.push(
    `- PostgreSQL ${machine.pg.version} on 127.0.0.1 (fsync=${machine.pg.fsync}, synchronous_commit=${machine.pg.synchronous_commit}, ` +
      `shared_buffers=${machine.pg.shared_buffers})`,
  );
  lines.push(`- load average (1 min) before / after: ${machine.loadBefore} / ${machine.loadAfter}`);
  lines.push('- server, floor, autocannon and PostgreSQL all share this machine; loopback only');
  lines.push('');
  lines.push('### Settings');
  lines.push('');
  lines.push(
    `- autocannon: ${settings.connections} connections, pipelining 1; per scenario ${settings.warmupSeconds} s warm-up (discarded) then ` +
      (settings.rounds > 1
        ? `${settings.rounds} rounds of ${settings.durationSeconds} s measured, interleaved with its floor (floor, scenarios, floor, …); figures over all rounds`
        : `${settings.durationSeconds} s measured`) +
      '; one scenario at a time; req/s = responses ÷ measured seconds',
  );
  lines.push(
    `- Tessera (\`dist/\`, its own process): DATABASE_POOL_SIZE default (${settings.poolSize}), LOG_LEVEL=warn, ` +
      `REGISTRATION_MODE=open, REGISTRATION_TOKEN_ROTATION=${settings.tokenRotation}` +
      (settings.tokenRotation === 'never'
        ? ' (set for the benchmark: the same registration access token serves every read and update, where rotation ' +
          'would issue and store a new token per request)'
        : ' (new tokens from responses are picked up for later requests)') +
      (settings.rateLimit === 'off'
        ? ', RATE_LIMIT_ENABLED=false (no rate limiter at all)'
        : `, rate limiter on with RATE_LIMIT_REGISTER, RATE_LIMIT_MANAGEMENT, RATE_LIMIT_TOKEN and RATE_LIMIT_LOGIN raised to ${RAISED_RATE_LIMIT} (its cost counts, its limit never hits)`) +
      `, LOGIN_BCRYPT_COST=${authorizationCode.config.bcryptCost}, SHUTDOWN_GRACE_SECONDS=${SERVER_SHUTDOWN_GRACE_SECONDS}; everything else at its default` +
      (settings.serverNodeArgs.length ? `; node ${settings.serverNodeArgs.join(' ')}` : ''),
  );
  lines.push(
    `- floor (bench/floor-server.js, its own process): bare Fastify, no logger, pg.Pool max ${settings.poolSize}, table floor_clients in the same database; ` +
      (settings.floorPrepared
        ? 'INSERT and SELECT as named prepared statements (BENCH_FLOOR_PREPARED=true), as Tessera runs its hot-path statements'
        : 'INSERT and SELECT as plain parameterised queries (Tessera runs its hot-path statements as named prepared statements; BENCH_FLOOR_PREPARED=true gives the floor the same)'),
  );
  lines.push(
    `- ${settings.clients} clients pre-registered (and ${settings.clients} floor rows); read, update and rejected-token rotate through them, ` +
      'so the requests in flight hit different clients; register body `' + REGISTER_BODY + '`',
  );
  if (authorizationCode.wanted(scenarios)) lines.push(...authorizationCode.reportNotes());
  lines.push(`- database ${machine.database}, created for this run and dropped after it`);
  lines.push('');
  return { markdown: lines.join('\n'), missed, invalid };
}

// ─── main ───────────────────────────────────────────────────────────────────────────────────────

async function cleanup() {
  state.cleaning ??= (async () => {
    if (state.cannon) {
      try {
        state.cannon.stop();
      } catch {
        // already stopped
      }
    }
    await Promise.all([stopChild(state.server, 'the Tessera server'), stopChild(state.floor, 'the floor server')]);
    if (state.db) await state.db.end().catch(() => undefined);
    if (state.admin && state.dbName) {
      try {
        await state.admin.query(`DROP DATABASE IF EXISTS ${state.dbName} WITH (FORCE)`);
        progress(`dropped database ${state.dbName}`);
      } catch (error) {
        progress(`could not drop database ${state.dbName}: ${error.message} — drop it by hand`);
      }
    }
    if (state.admin) await state.admin.end().catch(() => undefined);
  })();
  return state.cleaning;
}

async function main() {
  if (!fs.existsSync(SERVER_ENTRY)) throw new Error(`${path.relative(ROOT, SERVER_ENTRY)} is missing: run \`npm run build\` first`);
  const loadBefore = os.loadavg()[0].toFixed(2);

  const databaseUrl = await createDatabase();
  progress(`database ${state.dbName} created`);
  const pgFacts = await databaseFacts();
  const server = await startServer(databaseUrl);
  progress(`Tessera listening on ${server.origin} (REGISTRATION_TOKEN_ROTATION=${settings.tokenRotation})`);
  const floor = await startFloor(databaseUrl);
  progress(`floor listening on ${floor.origin}`);

  progress(`pre-registering ${settings.clients} clients and ${settings.clients} floor rows`);
  const pools = {
    server: await registerPool(`${server.origin}/register`, settings.clients, false),
    service: await registerPool(`${server.origin}/register`, Math.min(settings.clients, 50), false, SERVICE_BODY),
    floor: await registerPool(`${floor.origin}/floor/register`, settings.clients, true),
  };
  // Sanity check of each path once before loading it, so a broken path fails loudly and early.
  const probe = pools.server[0];
  const readOnce = await http('GET', server.origin + probe.path, { headers: { authorization: `Bearer ${probe.token}` } });
  if (readOnce.status !== 200) throw new Error(`GET ${probe.path} answered ${readOnce.status}: ${readOnce.text.slice(0, 300)}`);
  const rejectedOnce = await http('GET', server.origin + probe.path, { headers: { authorization: `Bearer ${probe.wrongToken}` } });
  if (rejectedOnce.status !== 401) throw new Error(`GET ${probe.path} with a wrong token answered ${rejectedOnce.status}`);

  const service = pools.service[0];
  const tokenOnce = await http('POST', `${server.origin}/token`, {
    body: 'grant_type=client_credentials',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: service.basic },
  });
  if (tokenOnce.status !== 200) throw new Error(`POST /token (client_credentials) answered ${tokenOnce.status}: ${tokenOnce.text.slice(0, 300)}`);

  const scenarios = selectScenarios(defineScenarios(server, floor, pools));
  if (authorizationCode.wanted(scenarios)) {
    await authorizationCode.prepareFloor(state.db);
    await authorizationCode.prepare({
      server,
      databaseUrl,
      tokenHashKey: server.env.TOKEN_HASH_KEY,
      registerPool,
      settings,
      progress,
    });
  }
  const results = await measureAll(scenarios);
  // Not a req/s scenario next to a floor: latency of one login with and without a flood (bench/login-flood.js).
  let flood;
  if (!settings.only || settings.only.includes(loginFlood.KEY)) {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl, ISSUER: server.origin, TOKEN_HASH_KEY: server.env.TOKEN_HASH_KEY, LOGIN_BCRYPT_COST: server.env.LOGIN_BCRYPT_COST };
    flood = await loginFlood.run({ server, createUser: (username) => authorizationCode.cliCreateUser(env, username), password: authorizationCode.PASSWORD, progress, sleep });
  }

  const machine = {
    finishedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpuModel: (os.cpus()[0] && os.cpus()[0].model.trim()) || 'unknown',
    cores: os.cpus().length,
    memoryGb: (os.totalmem() / 2 ** 30).toFixed(1),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    pg: pgFacts,
    versions: { autocannon: packageVersion('autocannon'), fastify: packageVersion('fastify'), pg: packageVersion('pg') },
    loadBefore,
    loadAfter: os.loadavg()[0].toFixed(2),
    database: state.dbName,
  };
  const report = buildReport(results, machine, scenarios);
  if (flood) {
    report.markdown += `\n${flood.markdown}`;
    if (!flood.valid) report.invalid.push('login-flood');
    else if (flood.ratio >= flood.target) report.missed.push(`login-flood ${flood.ratio.toFixed(2)} ≥ ${flood.target}`);
  }
  if (state.server.logs.count > 0) {
    const tail = state.server.logs.tail.slice(-6).map((line) => (line.length > 400 ? `${line.slice(0, 400)} …` : line));
    report.markdown += `\n### Server log (last lines, warn and above)\n\n\`\`\`\n${tail.join('\n')}\n\`\`\`\n`;
  }
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(RESULTS_DIR, 'latest.md'), `${report.markdown}\n`);
  fs.writeFileSync(path.join(RESULTS_DIR, 'latest.json'), `${JSON.stringify({ settings, machine, results, loginFlood: flood }, null, 2)}\n`);
  process.stdout.write(`\n${report.markdown}\n`);
  progress(`written to ${path.relative(ROOT, path.join(RESULTS_DIR, 'latest.md'))}`);
  if (report.missed.length) progress(`TARGETS MISSED: ${report.missed.join('; ')} (a measurement, not a failure: exit code 0)`);
  return report.invalid.length ? 1 : 0;
}

let exiting = false;
async function exitAfterCleanup(code) {
  if (exiting) return;
  exiting = true;
  await cleanup().catch((error) => progress(`cleanup failed: ${error.message}`));
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    progress(`${signal}: stopping and cleaning up`);
    state.aborted = true;
    void exitAfterCleanup(130);
  });
}
process.on('uncaughtException', (error) => {
  progress(`failed: ${error.stack || error}`);
  void exitAfterCleanup(1);
});
process.on('unhandledRejection', (error) => {
  progress(`failed: ${(error && error.stack) || error}`);
  void exitAfterCleanup(1);
});

main().then(
  (code) => exitAfterCleanup(code),
  (error) => {
    progress(`failed: ${error.stack || error.message || error}`);
    return exitAfterCleanup(1);
  },
);
