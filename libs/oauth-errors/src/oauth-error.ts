/**
 * The one family of protocol errors. Throw these anywhere below a controller; OAuthExceptionFilter
 * alone turns them into the wire format. `error` is the RFC error code.
 */
export abstract class OAuthError extends Error {
  abstract readonly error: string | undefined;
  abstract readonly status: number;
  /** Parameters of a `WWW-Authenticate: Bearer …` challenge; the filter adds the realm. */
  readonly bearerChallenge: Record<string, string> | undefined = undefined;
  /** Extra response headers, e.g. RFC 6749 §5.2's `WWW-Authenticate: Basic` on invalid_client. */
  readonly headers: Record<string, string> = {};
  /** false when the redirect target itself is not trusted (used by /authorize). */
  readonly redirectable: boolean = true;

  constructor(
    readonly description?: string,
    options?: { cause?: unknown },
  ) {
    super(description ?? '', options);
    this.name = new.target.name;
  }
}
