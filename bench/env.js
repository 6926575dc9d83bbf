'use strict';
/** Reading the benchmark's BENCH_* settings: a bad value stops the run with a message naming it. */

function intFromEnv(name, fallback, min, max) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name}=${raw}: expected an integer from ${min} to ${max}`);
  return value;
}

module.exports = { intFromEnv };
