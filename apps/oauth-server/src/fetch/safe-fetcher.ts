import { APP_CONFIG, AppConfig } from '@app/config';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { rootCertificates } from 'node:tls';
import { classifyAddress } from './address-policy';

/** A fetch that was refused or failed; `reason` is safe to show to the client (no internal detail). */
export class FetchError extends Error {}

export interface SafeFetcherOptions {
  /** Tests only (FETCH_ALLOW_LOOPBACK_FOR_TESTS): 127.0.0.0/8 and ::1 are allowed too. */
  allowLoopbackForTests?: boolean;
  /** PEM certificates trusted in addition to the system CAs (FETCH_EXTRA_CA_FILE). */
  extraCa?: string;
  now?: () => number;
  /** Tests only: answers DNS queries instead of the system resolver. */
  resolve?: (host: string) => Promise<LookupAddress[]>;
}

export const FETCH_LIMITS = {
  timeoutMs: 5_000,
  maxBytes: 64 * 1024,
  /** HTTP caching (RFC 9111 §5.2.2.1 max-age) is honoured between these bounds. */
  cacheFloorSeconds: 60,
  cacheCeilingSeconds: 24 * 3600,
  /** Without max-age. */
  cacheDefaultSeconds: 300,
  /** A failed fetch is not retried for this long. */
  negativeCacheSeconds: 30,
  /** A cached document is fetched again on demand (unknown kid) at most this often. */
  refreshMinIntervalSeconds: 10,
  concurrentPerHost: 2,
} as const;

interface CacheEntry {
  value?: unknown;
  error?: FetchError;
  fetchedAt: number;
  expiresAt: number;
}

/**
 * The one way the server fetches a URL a client gave it (jwks_uri; Client ID Metadata Documents
 * later). RFC 9700 §4.15 / RFC 7591 §5 server-side request forgery: https only; the name is resolved
 * and every address must be public (address-policy.ts); the connection goes to the address that was
 * checked (the `lookup` handed to https.request answers with it, so a second DNS answer cannot
 * rebind it); no redirects, a short timeout, a small size cap, JSON only. Results are cached per
 * RFC 9111 max-age between a floor and a ceiling; failures are cached briefly; at most a few
 * fetches run per host at once.
 */
@Injectable()
export class SafeFetcher {
  private readonly logger = new Logger(SafeFetcher.name);
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly perHost = new Map<string, number>();
  private readonly options: Required<Omit<SafeFetcherOptions, 'extraCa'>> & { ca?: string[] };

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.options = SafeFetcher.resolveOptions({
      allowLoopbackForTests: config.fetch.allowLoopbackForTests,
      extraCa: config.fetch.extraCaFile ? readFileSync(config.fetch.extraCaFile, 'utf8') : undefined,
    });
  }

  /** A fetcher outside Nest (tests). */
  static create(options: SafeFetcherOptions = {}): SafeFetcher {
    const fetcher = new SafeFetcher({ fetch: { allowLoopbackForTests: false, extraCaFile: undefined } } as unknown as AppConfig);
    Object.assign(fetcher, { options: SafeFetcher.resolveOptions(options) });
    return fetcher;
  }

  private static resolveOptions(options: SafeFetcherOptions): SafeFetcher['options'] {
    return {
      allowLoopbackForTests: options.allowLoopbackForTests ?? false,
      now: options.now ?? Date.now,
      resolve: options.resolve ?? systemResolve,
      ca: options.extraCa ? [...rootCertificates, options.extraCa] : undefined,
    };
  }

  /**
   * The JSON document at `url`, from the cache while it is fresh. `refresh` asks for a newer copy
   * (a key set without the presented kid); it is honoured at most every refreshMinIntervalSeconds.
   */
  async fetchJson(url: string, options: { refresh?: boolean } = {}): Promise<unknown> {
    const now = this.options.now();
    const cached = this.cache.get(url);
    if (cached && cached.expiresAt > now) {
      const mayRefresh = options.refresh && cached.error === undefined && now - cached.fetchedAt >= FETCH_LIMITS.refreshMinIntervalSeconds * 1000;
      if (!mayRefresh) {
        if (cached.error) throw cached.error;
        return cached.value;
      }
    }
    const running = this.inFlight.get(url);
    if (running) return running;
    const fetching = this.fetchAndCache(url).finally(() => this.inFlight.delete(url));
    this.inFlight.set(url, fetching);
    return fetching;
  }

  private async fetchAndCache(url: string): Promise<unknown> {
    try {
      const { value, maxAgeSeconds } = await this.fetchOnce(url);
      const ttl = Math.min(Math.max(maxAgeSeconds ?? FETCH_LIMITS.cacheDefaultSeconds, FETCH_LIMITS.cacheFloorSeconds), FETCH_LIMITS.cacheCeilingSeconds);
      const now = this.options.now();
      this.cache.set(url, { value, fetchedAt: now, expiresAt: now + ttl * 1000 });
      return value;
    } catch (cause) {
      const error = cause instanceof FetchError ? cause : new FetchError('the document could not be fetched', { cause });
      this.logger.warn({ url: url.slice(0, 200), reason: error.message }, 'fetch refused or failed');
      const now = this.options.now();
      this.cache.set(url, { error, fetchedAt: now, expiresAt: now + FETCH_LIMITS.negativeCacheSeconds * 1000 });
      throw error;
    } finally {
      this.evictExpired();
    }
  }

  private async fetchOnce(url: string): Promise<{ value: unknown; maxAgeSeconds: number | undefined }> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw new FetchError('not an absolute URL');
    }
    if (target.protocol !== 'https:') throw new FetchError('only https URLs are fetched');
    if (target.username || target.password) throw new FetchError('URLs with credentials are not fetched');
    const host = target.hostname.replace(/^\[|\]$/g, '');
    const address = await this.resolvePublic(host);
    const count = this.perHost.get(host) ?? 0;
    if (count >= FETCH_LIMITS.concurrentPerHost) throw new FetchError('too many fetches from this host at once');
    this.perHost.set(host, count + 1);
    try {
      return await this.get(target, host, address);
    } finally {
      const left = (this.perHost.get(host) ?? 1) - 1;
      if (left > 0) this.perHost.set(host, left);
      else this.perHost.delete(host);
    }
  }

  /** Resolves the name; every address it has must be public, and the first one is used. */
  private async resolvePublic(host: string): Promise<LookupAddress> {
    const addresses = await this.options.resolve(host).catch(() => {
      throw new FetchError('the host name does not resolve');
    });
    if (addresses.length === 0) throw new FetchError('the host name does not resolve');
    for (const { address } of addresses) {
      if (this.options.allowLoopbackForTests && isLoopback(address)) continue;
      const verdict = classifyAddress(address);
      if (!verdict.public) throw new FetchError(`the host resolves to a ${verdict.reason}`);
    }
    return addresses[0];
  }

  private get(target: URL, host: string, address: LookupAddress): Promise<{ value: unknown; maxAgeSeconds: number | undefined }> {
    // The connection is made to the address checked above, whatever a second lookup would say.
    const pinned: LookupFunction = (_hostname, options, callback) => {
      if (options.all) (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, [address]);
      else callback(null, address.address, address.family);
    };
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        {
          host,
          port: target.port || 443,
          path: `${target.pathname}${target.search}`,
          method: 'GET',
          headers: { accept: 'application/json', 'user-agent': 'Tessera' },
          lookup: pinned,
          agent: false,
          ca: this.options.ca,
          // RFC 6066 §3: SNI carries names only, never an IP literal
          servername: classifyLiteral(host) ? undefined : host,
          timeout: FETCH_LIMITS.timeoutMs,
        },
        (response) => {
          const status = response.statusCode ?? 0;
          // No redirects: a 3xx could point anywhere, including the internal network.
          if (status !== 200) {
            response.destroy();
            return reject(new FetchError(`the server answered HTTP ${status}`));
          }
          const mediaType = (response.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
          if (mediaType !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(mediaType)) {
            response.destroy();
            return reject(new FetchError('the document is not application/json'));
          }
          const declared = Number(response.headers['content-length'] ?? 0);
          if (declared > FETCH_LIMITS.maxBytes) {
            response.destroy();
            return reject(new FetchError(`the document is larger than ${FETCH_LIMITS.maxBytes} bytes`));
          }
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > FETCH_LIMITS.maxBytes) {
              response.destroy();
              reject(new FetchError(`the document is larger than ${FETCH_LIMITS.maxBytes} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          response.on('error', () => reject(new FetchError('the connection failed')));
          response.on('end', () => {
            try {
              resolve({ value: JSON.parse(Buffer.concat(chunks).toString('utf8')), maxAgeSeconds: maxAge(response.headers['cache-control']) });
            } catch {
              reject(new FetchError('the document is not valid JSON'));
            }
          });
        },
      );
      const deadline = setTimeout(() => req.destroy(new FetchError('the server did not answer in time')), FETCH_LIMITS.timeoutMs);
      req.on('close', () => clearTimeout(deadline));
      req.on('timeout', () => req.destroy(new FetchError('the server did not answer in time')));
      req.on('error', (error) => reject(error instanceof FetchError ? error : new FetchError('the connection failed (TLS or network)')));
      req.end();
    });
  }

  private evictExpired(): void {
    if (this.cache.size < 1000) return;
    const now = this.options.now();
    for (const [url, entry] of this.cache) if (entry.expiresAt <= now) this.cache.delete(url);
  }
}

/** RFC 9111 §5.2.2.1 max-age; no-store and no-cache count as 0 (the floor then applies). */
function maxAge(header: string | undefined): number | undefined {
  if (!header) return undefined;
  if (/(^|,)\s*(no-store|no-cache)\s*(,|$)/i.test(header)) return 0;
  const match = /(^|,)\s*max-age\s*=\s*"?(\d{1,10})"?\s*(,|$)/i.exec(header);
  return match ? Number(match[2]) : undefined;
}

function systemResolve(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => dnsLookup(host, { all: true, verbatim: true }, (error, found) => (error ? reject(error) : resolve(found))));
}

function classifyLiteral(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

function isLoopback(address: string): boolean {
  return /^127\./.test(address) || address === '::1' || /^::ffff:127\./i.test(address);
}
