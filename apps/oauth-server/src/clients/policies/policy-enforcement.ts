import { InvalidClientMetadataError, InvalidRedirectUriError } from '@app/oauth-errors';
import { BlockList, isIP } from 'node:net';
import type { ClientMetadata, RequestedMetadata } from '../client-metadata';
import type { RegistrationPolicy } from './registration-policy';

/**
 * RFC 7591 §3.2.1: the server MAY replace requested values with suitable ones. Under a policy, an
 * omitted token_endpoint_auth_method or scope becomes what the policy allows instead of a server
 * default the policy would then refuse. Values the client did send are never replaced.
 */
export function withPolicyDefaults(requested: RequestedMetadata, policy: RegistrationPolicy): RequestedMetadata {
  const adjusted = { ...requested };
  if (adjusted.token_endpoint_auth_method == null) {
    if (policy.publicPkceClientsOnly) adjusted.token_endpoint_auth_method = 'none';
    else if (policy.tokenEndpointAuthMethods && !policy.tokenEndpointAuthMethods.includes('client_secret_basic')) {
      adjusted.token_endpoint_auth_method = policy.tokenEndpointAuthMethods[0];
    }
  }
  if (adjusted.scope == null && policy.scopes) adjusted.scope = policy.scopes.join(' ');
  return adjusted;
}

/**
 * The policy's software_ids rule (docs/registration-policies.md), the one check for both ways a
 * software_id arrives: as metadata (refused with invalid_client_metadata) or inside a software
 * statement (refused with unapproved_software_statement, RFC 7591 §3.2.2).
 */
export function admitsSoftwareId(policy: RegistrationPolicy, softwareId: unknown): boolean {
  return !policy.softwareIds || (typeof softwareId === 'string' && policy.softwareIds.includes(softwareId));
}

/**
 * The rules of the registration policy; runs after the server-wide rules, so every URI here is
 * already well-formed. Each error names the policy and the rule that refused the request.
 */
export function assertAllowedByPolicy(metadata: ClientMetadata, policy: RegistrationPolicy): void {
  const rule = (key: string) => `(registration policy "${policy.name}", rule ${key})`;
  for (const uri of metadata.redirect_uris) {
    const url = new URL(uri);
    const scheme = url.protocol.slice(0, -1).toLowerCase();
    if (policy.redirectUriSchemes && !policy.redirectUriSchemes.includes(scheme)) {
      throw new InvalidRedirectUriError(
        `redirect_uris: scheme "${scheme}" of ${uri} is not allowed; allowed: ${policy.redirectUriSchemes.join(', ')} ${rule('redirect_uris.schemes')}`,
      );
    }
    if (policy.redirectUriHosts && url.host !== '' && !hostAllowed(url.hostname.toLowerCase(), policy.redirectUriHosts)) {
      throw new InvalidRedirectUriError(
        `redirect_uris: host "${url.hostname}" is not allowed; allowed: ${policy.redirectUriHosts.join(', ')} ${rule('redirect_uris.hosts')}`,
      );
    }
  }
  const refusedGrant = policy.grantTypes && metadata.grant_types.find((grant) => !policy.grantTypes!.includes(grant));
  if (refusedGrant) {
    throw new InvalidClientMetadataError(`grant_types: "${refusedGrant}" is not allowed; allowed: ${policy.grantTypes!.join(', ')} ${rule('grant_types')}`);
  }
  if (policy.publicPkceClientsOnly && metadata.token_endpoint_auth_method !== 'none') {
    throw new InvalidClientMetadataError(
      `token_endpoint_auth_method: must be "none"; only public clients using PKCE (RFC 7636) may register ${rule('public_pkce_clients_only')}`,
    );
  }
  const methods = policy.tokenEndpointAuthMethods;
  if (methods && !methods.includes(metadata.token_endpoint_auth_method)) {
    throw new InvalidClientMetadataError(
      `token_endpoint_auth_method: "${metadata.token_endpoint_auth_method}" is not allowed; allowed: ${methods.join(', ')} ${rule('token_endpoint_auth_methods')}`,
    );
  }
  const refusedScopes = policy.scopes ? metadata.scope.split(' ').filter((scope) => !policy.scopes!.includes(scope)) : [];
  if (refusedScopes.length > 0) {
    throw new InvalidClientMetadataError(`scope: "${refusedScopes.join(' ')}" is not allowed; allowed: ${policy.scopes!.join(' ')} ${rule('scopes')}`);
  }
  if (!admitsSoftwareId(policy, metadata.software_id)) {
    throw new InvalidClientMetadataError(`software_id: ${metadata.software_id === undefined ? 'required' : `"${metadata.software_id}" is not admitted`} ${rule('software_ids')}`);
  }
  if (policy.metadataUrisMatchRedirectUris) assertMetadataUrisMatchRedirectUris(metadata, rule('metadata_uris_match_redirect_uris'));
}

// RFC 7591 §5: the server SHOULD check that logo_uri, tos_uri, client_uri and policy_uri have the same
// host and scheme as the redirect_uris, so a registration cannot borrow another site's face.
function assertMetadataUrisMatchRedirectUris(metadata: ClientMetadata, rule: string): void {
  const origins = new Set(metadata.redirect_uris.map((uri) => schemeAndHost(uri)));
  for (const field of ['client_uri', 'logo_uri', 'tos_uri', 'policy_uri'] as const) {
    const value = metadata[field];
    if (value !== undefined && !origins.has(schemeAndHost(value))) {
      throw new InvalidClientMetadataError(`${field}: must have the scheme and host of one of the redirect_uris (RFC 7591 §5) ${rule}`);
    }
  }
}

function schemeAndHost(uri: string): string {
  const url = new URL(uri);
  return `${url.protocol}//${url.hostname.toLowerCase()}`;
}

function hostAllowed(host: string, allowed: readonly string[]): boolean {
  return allowed.some((entry) => (entry.startsWith('*.') ? host.endsWith(entry.slice(1)) && host.length > entry.length - 1 : host === entry));
}

const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // RFC 1918
  ['100.64.0.0', 10], // RFC 6598 shared address space
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, including cloud metadata endpoints
  ['172.16.0.0', 12], // RFC 1918
  ['192.168.0.0', 16], // RFC 1918
  ['224.0.0.0', 3], // multicast and reserved
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 127], // unspecified and loopback
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** True for an IP address on the public internet; false for loopback, link-local, private and reserved ones. */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return isPublicAddress(mapped[1]);
  const family = isIP(bare);
  if (family === 0) return false;
  return !NON_PUBLIC.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * RFC 7591 §2 (jwks_uri) and §5: the key set must come from https and never point the server at its
 * own network. Names are checked literally here (localhost, IP literals); the server does not fetch
 * client jwks_uri today, and a future fetcher must also check the resolved address with isPublicAddress.
 */
export function assertJwksUriIsPublic(metadata: ClientMetadata): void {
  if (metadata.jwks_uri === undefined) return;
  const host = new URL(metadata.jwks_uri).hostname.toLowerCase();
  const literal = host.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost') || (isIP(literal) !== 0 && !isPublicAddress(literal))) {
    throw new InvalidClientMetadataError('jwks_uri: must not point to a loopback, link-local or private address (RFC 7591 §5)');
  }
}
