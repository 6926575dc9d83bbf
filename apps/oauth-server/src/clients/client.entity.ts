import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ClientMetadata } from './client-metadata';

/** Who may use RFC 7592 self-service on a client; operators lock it with `clients:lock`. */
export type SelfService = 'full' | 'read-only' | 'none';

/** How a client was admitted at registration (RFC 7591 §3: open, initial access token, software statement). */
export type Admission = 'anonymous' | 'initial_access_token' | 'software_statement';

@Entity({ name: 'clients' })
export class Client {
  @PrimaryColumn({ name: 'client_id', type: 'text' })
  clientId: string;

  /** HMAC-SHA-256 of the client secret; null for public clients (token_endpoint_auth_method none). */
  @Column({ name: 'secret_hash', type: 'text', nullable: true })
  secretHash: string | null;

  @Column({ name: 'secret_expires_at', type: 'timestamptz', nullable: true })
  secretExpiresAt: Date | null;

  /** The registered RFC 7591 §2 metadata with defaults applied. */
  @Column({ name: 'metadata', type: 'jsonb' })
  metadata: ClientMetadata;

  @Column({ name: 'self_service', type: 'text', default: 'full' })
  selfService: SelfService;

  @Column({ name: 'issued_at', type: 'timestamptz' })
  issuedAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  // The columns below are loaded with the entity (findById, the locked row of an update); the
  // registration-token join of RFC 7592 requests loads only registrationPolicy and softwareStatementClaims.

  /** The registration policy that admitted the client; every RFC 7592 update is judged under it. */
  @Column({ name: 'registration_policy', type: 'text', default: 'default' })
  registrationPolicy?: string;

  /** How it was admitted; a `trusted` policy vouches only for a token or a statement (RFC 9700 §4.11.2). */
  @Column({ name: 'admitted_by', type: 'text', default: 'anonymous' })
  admittedBy?: Admission;

  /** The initial access token it registered with (null: anonymous, the static token, or since revoked). */
  @Column({ name: 'initial_access_token_id', type: 'uuid', nullable: true })
  initialAccessTokenId?: string | null;

  /** Source address of the registration request, for the per-address quota and the audit trail. */
  @Column({ name: 'registered_from', type: 'text', nullable: true })
  registeredFrom?: string | null;

  /** The verified software statement's metadata claims; they keep precedence on every update. */
  @Column({ name: 'software_statement_claims', type: 'jsonb', nullable: true })
  softwareStatementClaims?: Partial<ClientMetadata> | null;

  /** Last authorization or token request; null = never used (the sweeper removes such clients). */
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt?: Date | null;

  /** HMAC of the secret replaced by an operator rotation; accepted until previousSecretExpiresAt. */
  @Column({ name: 'previous_secret_hash', type: 'text', nullable: true })
  previousSecretHash?: string | null;

  @Column({ name: 'previous_secret_expires_at', type: 'timestamptz', nullable: true })
  previousSecretExpiresAt?: Date | null;

  /** RFC 7662 §2.1 / §4: a resource server the operator allows to introspect other clients' tokens. */
  @Column({ name: 'introspection_allowed', type: 'boolean', default: false })
  introspectionAllowed?: boolean;
}
