/**
 * The one family of protocol errors. Throw these anywhere below a controller; OAuthExceptionFilter
 * alone turns them into the wire format. `error` is the RFC error code.
 */
export abstract class OAuthError extends Error {
  /**
   * Protocol errors are answers, not faults: no stack trace is captured for them (capturing one is
   * a large share of what a rejected request costs). ServerError keeps its stack.
   */
  static readonly capturesStack: boolean = false;

  abstract readonly error: string | undefined;
  abstract readonly status: number;
  /** Parameters of a `WWW-Authenticate: Bearer …` challenge; the filter adds the realm. */
  readonly bearerChallenge: Record<string, string> | undefined = undefined;
  /**
   * RFC 6749 §5.2: answer with a `WWW-Authenticate: Basic` challenge (invalid_client after Basic
   * authentication); the filter adds the realm, the issuer, as it does for Bearer.
   */
  readonly basicChallenge: boolean = false;
  /** Extra response headers. */
  readonly headers: Record<string, string> = {};
  /** false when the redirect target itself is not trusted (used by /authorize). */
  readonly redirectable: boolean = true;

  constructor(
    readonly description?: string,
    options?: { cause?: unknown },
  ) {
    const stackTraceLimit = Error.stackTraceLimit;
    if (!(new.target as unknown as typeof OAuthError).capturesStack) Error.stackTraceLimit = 0;
    try {
      super(description ?? '', options);
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    this.name = new.target.name;
  }
}
