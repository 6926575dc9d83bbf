import { FETCH_LIMITS, FetchError, SafeFetcher } from '../../apps/oauth-server/src/fetch/safe-fetcher';
import type { LookupAddress } from 'node:dns';
import { HttpsTestServer, startHttpsTestServer, TEST_HOST_NAME } from '../support/https-test-server';

/**
 * The SSRF-safe fetcher against a local HTTPS server (a throwaway certificate trusted only here), with
 * a clock the test moves: https only, JSON only, size cap, no redirects, HTTP caching between a floor
 * and a ceiling, negative caching, bounded refresh (RFC 9700 §4.15, RFC 9111 §5.2.2.1).
 */
describe('SafeFetcher (RFC 9700 §4.15 server-side request forgery; RFC 9111 caching)', () => {
  let server: HttpsTestServer;
  let now: number;
  let fetcher: SafeFetcher;
  let path: string;
  let counter = 0;
  beforeAll(async () => (server = await startHttpsTestServer()));
  afterAll(() => server.close());
  beforeEach(() => {
    now = 1_000_000;
    fetcher = SafeFetcher.create({ allowLoopbackForTests: true, extraCa: server.caPem, now: () => now });
    path = `/doc-${++counter}.json`;
  });
  const url = () => `${server.origin}${path}`;
  const serve = (body: unknown, headers: Record<string, string> = {}, status = 200) =>
    server.routes.set(path, { status, headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('fetches JSON over https from the checked address', async () => {
    serve({ keys: [] });
    await expect(fetcher.fetchJson(url())).resolves.toEqual({ keys: [] });
  });

  it('RFC 9700 §4.15: refuses http URLs', async () => {
    await expect(fetcher.fetchJson(url().replace('https:', 'http:'))).rejects.toThrow(/only https/);
  });

  it('RFC 9700 §4.15: refuses loopback unless the test setting allows it', async () => {
    serve({ keys: [] });
    const strict = SafeFetcher.create({ extraCa: server.caPem });
    await expect(strict.fetchJson(url())).rejects.toThrow(FetchError);
    expect(server.hits.get(path)).toBeUndefined();
  });

  it('refuses a certificate it does not trust (no extra CA)', async () => {
    serve({ keys: [] });
    const untrusting = SafeFetcher.create({ allowLoopbackForTests: true });
    await expect(untrusting.fetchJson(url())).rejects.toThrow(/TLS or network/);
  });

  it('RFC 9700 §4.15: does not follow redirects', async () => {
    serve('{}', { location: 'https://169.254.169.254/' }, 301);
    await expect(fetcher.fetchJson(url())).rejects.toThrow(/HTTP 301/);
  });

  it('refuses a document that is not application/json', async () => {
    serve('{"keys":[]}', { 'content-type': 'text/html' });
    await expect(fetcher.fetchJson(url())).rejects.toThrow(/not application\/json/);
  });

  it('accepts application/jwk-set+json (a +json media type)', async () => {
    serve({ keys: [] }, { 'content-type': 'application/jwk-set+json' });
    await expect(fetcher.fetchJson(url())).resolves.toEqual({ keys: [] });
  });

  it('refuses a document over the size cap', async () => {
    serve(JSON.stringify({ pad: 'x'.repeat(FETCH_LIMITS.maxBytes) }));
    await expect(fetcher.fetchJson(url())).rejects.toThrow(/larger than/);
  });

  it('RFC 9111 §5.2.2.1: caches for max-age, then fetches again', async () => {
    serve({ v: 1 }, { 'cache-control': 'max-age=600' });
    await fetcher.fetchJson(url());
    now += 599_000;
    await fetcher.fetchJson(url());
    expect(server.hits.get(path)).toBe(1);
    now += 2_000;
    await fetcher.fetchJson(url());
    expect(server.hits.get(path)).toBe(2);
  });

  it('RFC 9111 §5.2.2.1: max-age=0 (and no-store) still caches for the floor', async () => {
    serve({ v: 1 }, { 'cache-control': 'no-store' });
    await fetcher.fetchJson(url());
    now += (FETCH_LIMITS.cacheFloorSeconds - 1) * 1000;
    await fetcher.fetchJson(url());
    expect(server.hits.get(path)).toBe(1);
  });

  it('RFC 9111 §5.2.2.1: a max-age beyond the ceiling is cut to the ceiling', async () => {
    serve({ v: 1 }, { 'cache-control': 'max-age=31536000' });
    await fetcher.fetchJson(url());
    now += (FETCH_LIMITS.cacheCeilingSeconds + 1) * 1000;
    await fetcher.fetchJson(url());
    expect(server.hits.get(path)).toBe(2);
  });

  it('a failure is cached for the negative-cache period', async () => {
    serve('{}', {}, 500);
    await expect(fetcher.fetchJson(url())).rejects.toThrow(/HTTP 500/);
    serve({ v: 1 });
    await expect(fetcher.fetchJson(url())).rejects.toThrow(/HTTP 500/);
    expect(server.hits.get(path)).toBe(1);
    now += (FETCH_LIMITS.negativeCacheSeconds + 1) * 1000;
    await expect(fetcher.fetchJson(url())).resolves.toEqual({ v: 1 });
  });

  it('a refresh (unknown kid) is honoured only once the copy is older than the minimum interval', async () => {
    serve({ v: 1 }, { 'cache-control': 'max-age=3600' });
    await fetcher.fetchJson(url());
    serve({ v: 2 }, { 'cache-control': 'max-age=3600' });
    await expect(fetcher.fetchJson(url(), { refresh: true })).resolves.toEqual({ v: 1 });
    now += FETCH_LIMITS.refreshMinIntervalSeconds * 1000;
    await expect(fetcher.fetchJson(url(), { refresh: true })).resolves.toEqual({ v: 2 });
    expect(server.hits.get(path)).toBe(2);
  });

  it('RFC 9700 §4.15: connects to the address that was checked, never to a second DNS answer (no rebinding)', async () => {
    serve({ pinned: true });
    // Only this resolver knows the name: the connection can succeed only through the checked address.
    const answers: LookupAddress[][] = [[{ address: '127.0.0.1', family: 4 }], [{ address: '10.0.0.1', family: 4 }]];
    const resolve = jest.fn(async () => answers.shift() ?? []);
    const pinned = SafeFetcher.create({ allowLoopbackForTests: true, extraCa: server.caPem, resolve });
    await expect(pinned.fetchJson(`https://${TEST_HOST_NAME}:${new URL(server.origin).port}${path}`)).resolves.toEqual({ pinned: true });
    expect(resolve).toHaveBeenCalledTimes(1);
  });

  it('RFC 9700 §4.15: a name with any non-public address among its answers is refused', async () => {
    serve({ v: 1 });
    const resolve = async (): Promise<LookupAddress[]> => [
      { address: '127.0.0.1', family: 4 },
      { address: '169.254.169.254', family: 4 },
    ];
    const mixed = SafeFetcher.create({ allowLoopbackForTests: true, extraCa: server.caPem, resolve });
    await expect(mixed.fetchJson(`https://${TEST_HOST_NAME}:${new URL(server.origin).port}${path}`)).rejects.toThrow(/link-local|reserved/);
    expect(server.hits.get(path)).toBeUndefined();
  });

  it(`at most ${FETCH_LIMITS.concurrentPerHost} fetches run against one host at once`, async () => {
    const paths = Array.from({ length: FETCH_LIMITS.concurrentPerHost + 1 }, (_, index) => `${path}-${index}`);
    for (const each of paths) server.routes.set(each, { body: '{}', delayMs: 300 });
    const results = await Promise.allSettled(paths.map((each) => fetcher.fetchJson(`${server.origin}${each}`)));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(FETCH_LIMITS.concurrentPerHost);
    expect(results.filter((result) => result.status === 'rejected').map((result) => String((result as PromiseRejectedResult).reason))).toEqual([
      expect.stringMatching(/too many fetches/),
    ]);
  });

  it('concurrent requests for one URL share one fetch', async () => {
    serve({ v: 1 });
    await Promise.all(Array.from({ length: 5 }, () => fetcher.fetchJson(url())));
    expect(server.hits.get(path)).toBe(1);
  });
});
