'use strict';

/*
 * The benchmark's floor: a bare Fastify app that does the least a registration endpoint could do
 * against the same PostgreSQL — parse the JSON body, one INSERT of a client-shaped row, or one
 * primary-key SELECT — through a pg.Pool of the same size as the server's default (10).
 *
 * It runs as a child process of bench/run.js (never on its own), so it gets a core of its own
 * exactly like the Tessera server does, instead of sharing the event loop with autocannon.
 * Environment: FLOOR_DATABASE_URL, FLOOR_PORT, FLOOR_POOL_SIZE. The table floor_clients must exist.
 */

const { createHash, randomBytes } = require('node:crypto');
const Fastify = require('fastify');
const { Pool } = require('pg');

const INSERT = `INSERT INTO floor_clients (client_id, secret_hash, metadata, issued_at, updated_at)
                VALUES ($1, $2, $3, $4, $4)`;
const SELECT = `SELECT client_id, secret_hash, metadata, issued_at, updated_at
                  FROM floor_clients WHERE client_id = $1`;

async function main() {
  const pool = new Pool({
    connectionString: process.env.FLOOR_DATABASE_URL,
    max: Number(process.env.FLOOR_POOL_SIZE || 10),
    connectionTimeoutMillis: 5000,
  });
  const app = Fastify({ logger: false });

  app.post('/floor/register', async (request, reply) => {
    const clientId = randomBytes(16).toString('base64url');
    const secret = randomBytes(32).toString('base64url');
    const secretHash = createHash('sha256').update(secret).digest('hex');
    await pool.query(INSERT, [clientId, secretHash, JSON.stringify(request.body), new Date()]);
    reply.code(201).header('cache-control', 'no-store');
    return { client_id: clientId, client_secret: secret };
  });

  app.get('/floor/read/:id', async (request, reply) => {
    const { rows } = await pool.query(SELECT, [request.params.id]);
    if (rows.length === 0) {
      reply.code(404);
      return { error: 'not_found' };
    }
    reply.header('cache-control', 'no-store');
    return rows[0];
  });

  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    const force = setTimeout(() => process.exit(0), 3000);
    force.unref();
    try {
      await app.close();
      await pool.end();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  // The IPC channel closes when bench/run.js goes away, however it ends: never outlive it.
  process.on('disconnect', shutdown);

  await app.listen({ port: Number(process.env.FLOOR_PORT), host: '127.0.0.1' });
  if (process.send) process.send({ ready: true });
}

main().catch((error) => {
  process.stderr.write(`floor server failed: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
