import {
  InvalidSoftwareStatementError,
  TemporarilyUnavailableError,
  UnapprovedSoftwareStatementError,
} from '@app/oauth-errors';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, JWTPayload, jwtVerify } from 'jose';
import type { RequestedMetadata } from './client-metadata';
import { RegisterClientDto } from './dto/register-client.dto';
import { REGISTRATION_POLICIES } from './policies/registration-policies.module';
import type { RegistrationPolicies, SoftwareStatementTrust } from './policies/registration-policy';

type KeySet = Parameters<typeof jwtVerify>[1];

/** The verified statement: its metadata claims (RFC 7591 §2.3) and the issuer that vouched for them. */
export interface VerifiedStatement {
  issuer: string;
  metadata: RequestedMetadata;
}

/**
 * RFC 7591 §2.3 and §3.1.1: a software statement is a JWS-signed JWT whose claims are client
 * metadata. It is accepted only from a trusted issuer (iss allow-list), with an allowed algorithm,
 * under a key of the configured JWK Set, within exp and iat.
 */
@Injectable()
export class SoftwareStatementVerifier {
  private readonly logger = new Logger(SoftwareStatementVerifier.name);
  private readonly trust: SoftwareStatementTrust | undefined;
  private readonly keys: KeySet | undefined;

  constructor(@Inject(REGISTRATION_POLICIES) policies: RegistrationPolicies) {
    this.trust = policies.softwareStatements;
    if (this.trust?.jwks) {
      this.keys = createLocalJWKSet(this.trust.jwks as Parameters<typeof createLocalJWKSet>[0]);
    } else if (this.trust?.jwksUri) {
      // Operator-configured and fetched lazily, cached, refreshed when an unknown kid appears.
      this.keys = createRemoteJWKSet(new URL(this.trust.jwksUri), { timeoutDuration: 5000, cooldownDuration: 30000 });
    }
  }

  async verify(statement: string): Promise<VerifiedStatement> {
    const trust = this.trust;
    if (!trust || !this.keys) throw new UnapprovedSoftwareStatementError('software_statement: this server trusts no statement issuer');
    let unverified: JWTPayload;
    let alg: string | undefined;
    try {
      // RFC 7591 §2.3: a JWT signed with JWS — compact serialization, three parts.
      if (statement.split('.').length !== 3) throw new Error('not a JWS');
      alg = decodeProtectedHeader(statement).alg;
      unverified = decodeJwt(statement);
    } catch {
      throw new InvalidSoftwareStatementError('software_statement: not a signed JWT (RFC 7591 §2.3)');
    }
    if (!alg || !trust.algorithms.includes(alg)) {
      throw new InvalidSoftwareStatementError(`software_statement: alg "${alg}" is not accepted; accepted: ${trust.algorithms.join(', ')}`);
    }
    // RFC 7591 §2.3: iss identifies who vouches for the statement; only trusted issuers are approved.
    if (typeof unverified.iss !== 'string' || !trust.issuers.includes(unverified.iss)) {
      throw new UnapprovedSoftwareStatementError(`software_statement: issuer "${String(unverified.iss)}" is not trusted`);
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(statement, this.keys, {
        algorithms: [...trust.algorithms],
        issuer: [...trust.issuers],
        clockTolerance: trust.clockSkewSeconds,
        maxTokenAge: trust.maxAgeSeconds,
        requiredClaims: ['iat'],
      }));
    } catch (error) {
      throw this.verificationError(error);
    }
    if (payload.iat! > Date.now() / 1000 + trust.clockSkewSeconds) {
      throw new InvalidSoftwareStatementError('software_statement: iat is in the future');
    }
    return { issuer: payload.iss!, metadata: metadataClaims(payload) };
  }

  private verificationError(error: unknown): Error {
    if (error instanceof errors.JWTExpired) {
      // jose reports both exp in the past and an iat older than maxTokenAge as JWTExpired.
      return new InvalidSoftwareStatementError(
        error.claim === 'iat' ? 'software_statement: iat is older than the accepted age (max_age_seconds)' : 'software_statement: has expired (exp)',
      );
    }
    if (error instanceof errors.JWTClaimValidationFailed) {
      return new InvalidSoftwareStatementError(`software_statement: claim "${error.claim}" failed its check (${error.reason})`);
    }
    if (error instanceof errors.JWSSignatureVerificationFailed) return new InvalidSoftwareStatementError('software_statement: the signature does not verify');
    if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
      return new InvalidSoftwareStatementError('software_statement: no trusted key matches its kid and alg');
    }
    if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || (error instanceof Error && !(error instanceof errors.JOSEError))) {
      this.logger.warn({ err: error }, 'the software statement key set could not be fetched');
      return new TemporarilyUnavailableError('software_statement: the trusted key set is unavailable; retry later');
    }
    return new InvalidSoftwareStatementError('software_statement: not a valid signed JWT (RFC 7591 §2.3)');
  }
}

/**
 * The claims that are client metadata, type-checked with the same rules as a request body; other
 * claims (iss, iat, exp, jti…) are not metadata and are dropped.
 */
function metadataClaims(payload: JWTPayload): RequestedMetadata {
  const dto = plainToInstance(RegisterClientDto, payload);
  const problems = validateSync(dto, { whitelist: true, forbidUnknownValues: false });
  if (problems.length > 0) {
    throw new InvalidSoftwareStatementError(`software_statement: claim "${problems[0].property}" is not valid client metadata`);
  }
  const metadata: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(dto)) if (value !== undefined && key !== 'software_statement') metadata[key] = value;
  return metadata as RequestedMetadata;
}
