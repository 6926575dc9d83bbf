import type { Response } from 'supertest';
import { createTestApp, TestApp } from '../../support/test-app';

const bearer = { type: 'bearer' as const };
// Bounded repetitions: the race is timing-dependent, so one round proves little.
const ROUNDS = 20;
const after = (milliseconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, milliseconds));

describe('RFC 7592 §2.1–2.3: a read or update that loses the race with a delete, REGISTRATION_TOKEN_ROTATION=on-every-use', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp({ REGISTRATION_TOKEN_ROTATION: 'on-every-use' })));
  afterAll(() => app.close());

  it(`RFC 7592 §2.1 / RFC 6750 §3.1: GET and PUT racing DELETE answer 200 or 401 invalid_token, never 5xx; nothing works afterwards (${ROUNDS} rounds)`, async () => {
    const failures: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const reg = await app.registerClient();
      const path = `/register/${reg.client_id}`;
      const read = () => app.http.get(path).auth(reg.registration_access_token, bearer);
      const update = () =>
        app.http
          .put(path)
          .auth(reg.registration_access_token, bearer)
          .send({ client_id: reg.client_id, client_secret: reg.client_secret, redirect_uris: reg.redirect_uris });
      // The DELETE goes first, so the reads' and updates' guards still find the client while it is being deleted.
      const [deleted, reads, updates] = await Promise.all([
        app.http.delete(path).auth(reg.registration_access_token, bearer),
        // Spread over the DELETE's few milliseconds, so some guards pass just before its commit.
        Promise.all(Array.from({ length: 8 }, (_, index) => after(index).then(read))),
        Promise.all(Array.from({ length: 4 }, (_, index) => after(index).then(update))),
      ]);
      if (deleted.status !== 204) failures.push(`round ${round}: DELETE ${deleted.status}`);
      const answers: Response[] = [...reads, ...updates];
      for (const answer of answers) {
        if (answer.status === 200) continue;
        // RFC 7592 §2.1: a client that does not exist (any more) is 401 invalid_token
        if (answer.status !== 401 || answer.body.error !== 'invalid_token') failures.push(`round ${round}: ${answer.status} ${JSON.stringify(answer.body)}`);
      }
      // RFC 7592 §2.3: the client and every registration access token of it are gone, rotated ones included.
      const tokens = [reg.registration_access_token, ...answers.map((answer) => answer.body.registration_access_token as string | undefined)];
      for (const token of tokens.filter((value): value is string => value !== undefined)) {
        const after = await app.http.get(path).auth(token, bearer);
        if (after.status !== 401) failures.push(`round ${round}: a token still reads the deleted client (${after.status})`);
      }
    }
    expect(failures).toEqual([]);
    const [{ left }] = await app.dataSource.query(`SELECT count(*)::int AS left FROM registration_tokens`);
    expect(left).toBe(0);
  });
});
