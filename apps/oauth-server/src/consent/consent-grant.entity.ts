import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A user's standing consent for one client: the scopes granted so far. */
@Entity({ name: 'consent_grants' })
export class ConsentGrant {
  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'client_id', type: 'text' })
  clientId: string;

  /** Space-separated granted scopes (RFC 6749 §3.3 syntax). */
  @Column({ name: 'scope', type: 'text' })
  scope: string;

  /** RFC 8707: consent per resource — resource indicator → space-separated scopes granted for it. */
  @Column({ name: 'resource_scopes', type: 'jsonb' })
  resourceScopes: Record<string, string>;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
