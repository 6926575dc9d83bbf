'use strict';

/*
 * The benchmark's floor: a bare Fastify app that does the least a registration endpoint could do
 * against the same PostgreSQL — parse the JSON body, one INSERT of a client-shaped row, or one
 * primary-key SELECT — through a pg.Pool of the same size as the server's default (10).
 *
 * It runs as a child process of bench/run.js (never on its own), so it gets a core of its own
 * exactly like the Tessera server does, instead of sharing the event loop with autocannon.
 * Environment: FLOOR_DATABASE_URL, FLOOR_PORT, FLOOR_POOL_SIZE, FLOOR_PREPARED. The table floor_clients must exist.
 * FLOOR_PREPARED=true runs the INSERT and the SELECT as named prepared statements, as Tessera runs
 * its hot-path statements (DATABASE_PREPARED_STATEMENTS); otherwise they are plain parameterised queries.
 */

const { createHash, randomBytes } = require('node:crypto');
const bcrypt = require('bcrypt');
const Fastify = require('fastify');
const { Pool } = require('pg');

const INSERT = `INSERT INTO floor_clients (client_id, secret_hash, metadata, issued_at, updated_at)
                VALUES ($1, $2, $3, $4, $4)`;
const SELECT = `SELECT client_id, secret_hash, metadata, issued_at, updated_at
                  FROM floor_clients WHERE client_id = $1`;

// Issue 3, the authorization-code floor (bench/authorization-code.js): what one exchange cannot avoid,
// one statement per round trip, each committed on its own like the flow's requests. Tables floor_users … floor_tokens.
const AUTHCODE = {
  user: 'SELECT id, password_hash FROM floor_users WHERE username = $1',
  session: `INSERT INTO floor_sessions (id_hash, user_id, auth_time, expires_at) VALUES ($1, $2, now(), now() + interval '1 hour')`,
  sessionRead: 'SELECT user_id, auth_time FROM floor_sessions WHERE id_hash = $1 AND expires_at > now()',
  grant: 'INSERT INTO floor_grants (id, user_id, client_id, scope) VALUES ($1, $2, $3, $4)',
  code: `INSERT INTO floor_codes (code_hash, grant_id, client_id, user_id, redirect_uri, code_challenge, nonce, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, now() + interval '60 seconds')`,
  consume: 'DELETE FROM floor_codes WHERE code_hash = $1 AND expires_at > now() RETURNING grant_id, client_id, user_id, code_challenge',
  token: `INSERT INTO floor_tokens (jti, grant_id, client_id, user_id, scope, expires_at) VALUES ($1, $2, $3, $4, $5, now() + interval '10 minutes')`,
};
const sha256 = (value) => createHash('sha256').update(value).digest('base64url');
const random = () => randomBytes(32).toString('base64url');
const PREPARED = process.env.FLOOR_PREPARED === 'true';
const statement = (name, text, values) => (PREPARED ? { name, text, values } : { text, values });

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
    await pool.query(statement('floor_insert', INSERT, [clientId, secretHash, JSON.stringify(request.body), new Date()]));
    reply.code(201).header('cache-control', 'no-store');
    return { client_id: clientId, client_secret: secret };
  });

  app.get('/floor/read/:id', async (request, reply) => {
    const { rows } = await pool.query(statement('floor_select', SELECT, [request.params.id]));
    if (rows.length === 0) {
      reply.code(404);
      return { error: 'not_found' };
    }
    reply.header('cache-control', 'no-store');
    return rows[0];
  });

  app.post('/floor/authorization-code', async (request, reply) => {
    const { username, password, client_id: clientId } = request.body;
    // POST /login: the user's hash, one bcrypt comparison, a new session
    const { rows: users } = await pool.query(AUTHCODE.user, [username]);
    if (users.length !== 1 || !(await bcrypt.compare(password, users[0].password_hash))) {
      reply.code(401);
      return { error: 'invalid_credentials' };
    }
    const userId = users[0].id;
    const session = random();
    await pool.query(AUTHCODE.session, [sha256(session), userId]);
    // GET /authorize with the session cookie
    const { rows: sessions } = await pool.query(AUTHCODE.sessionRead, [sha256(session)]);
    if (sessions.length !== 1) throw new Error('session not found');
    // POST /authorize/decision: the remembered grant and the code
    const grantId = random();
    await pool.query(AUTHCODE.grant, [grantId, userId, clientId, 'openid profile email']);
    const code = random();
    const verifier = random();
    await pool.query(AUTHCODE.code, [sha256(code), grantId, clientId, userId, 'https://app.example.com/cb', sha256(verifier), 'nonce']);
    // POST /token: consume the code (single use), check PKCE, store the access-token record
    const { rows: codes } = await pool.query(AUTHCODE.consume, [sha256(code)]);
    if (codes.length !== 1 || codes[0].code_challenge !== sha256(verifier)) throw new Error('code not found');
    await pool.query(AUTHCODE.token, [random(), grantId, clientId, userId, 'openid profile email']);
    reply.header('cache-control', 'no-store');
    return { token_type: 'Bearer', expires_in: 600 };
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
