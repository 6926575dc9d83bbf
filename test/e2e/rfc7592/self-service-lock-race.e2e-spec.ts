import { createTestApp, TestApp } from '../../support/test-app';

const ROUNDS = 30;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * RFC 7592 §2: the operator lock (`clients:lock`, self_service) decides what the registration access
 * token may still do. A PUT reads the client with its token, then writes: if the lock commits in
 * between, the write must see it and be refused (ClientsService.update decides again on the row it
 * locks; the conditional UPDATE of the unchanged row applies only if self_service is as read).
 * Each round races one PUT against the lock. The lock's UPDATE returns the client_name it found:
 * if that is still the old name, the lock came first and the PUT must be refused with the name
 * unchanged; if it is the new one, the PUT came first and succeeded.
 */
describe.each(['on-every-use', 'never'])('RFC 7592 §2: a PUT racing the operator lock is refused once the lock has committed (REGISTRATION_TOKEN_ROTATION=%s)', (rotation) => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp({ REGISTRATION_TOKEN_ROTATION: rotation })));
  afterAll(() => app.close());

  it(`${ROUNDS} rounds: no update is applied after the lock`, async () => {
    const leaks: string[] = [];
    const outcomes = { lockFirst: 0, putFirst: 0 };
    for (let round = 0; round < ROUNDS; round += 1) {
      const reg = await app.registerClient({ client_name: `before-${round}` });
      const put = app.http
        .put(`/register/${reg.client_id}`)
        .auth(reg.registration_access_token, { type: 'bearer' })
        .send({ client_id: reg.client_id, client_secret: reg.client_secret, redirect_uris: reg.redirect_uris, client_name: `after-${round}` })
        .then((res) => res.status);
      // Spread the lock over the PUT's life: before its read, between read and write, after.
      const lock = pause(round % 10).then(async () => {
        // What ClientsRepository.setSelfService does for `clients:lock`, returning the name it found.
        const rows: { name: string }[] = await app.dataSource.query(
          `WITH locked AS (UPDATE clients SET self_service = 'none', updated_at = now() WHERE client_id = $1 RETURNING metadata->>'client_name' AS name)
           SELECT name FROM locked`,
          [reg.client_id],
        );
        return rows[0].name;
      });
      const [status, nameSeenByLock] = await Promise.all([put, lock]);
      const [row] = await app.dataSource.query(`SELECT metadata->>'client_name' AS name, self_service FROM clients WHERE client_id = $1`, [reg.client_id]);
      expect(row.self_service).toBe('none');
      if (nameSeenByLock === `before-${round}`) {
        outcomes.lockFirst += 1;
        if (status !== 403 || row.name !== `before-${round}`) leaks.push(`round ${round}: lock first, then PUT ${status} and name ${row.name}`);
      } else {
        outcomes.putFirst += 1;
        if (status !== 200 || row.name !== `after-${round}`) leaks.push(`round ${round}: PUT first, yet ${status} and name ${row.name}`);
      }
    }
    expect(leaks).toEqual([]);
    expect(outcomes.lockFirst).toBeGreaterThan(0); // the case this test is about did occur
  });
});
