import { admitsSoftwareId } from './policy-enforcement';
import type { RegistrationPolicy } from './registration-policy';

const policy = (softwareIds?: string[]): RegistrationPolicy => ({
  name: 'partners',
  publicPkceClientsOnly: false,
  requireSoftwareStatement: false,
  metadataUrisMatchRedirectUris: false,
  trusted: false,
  quotas: {},
  ...(softwareIds ? { softwareIds } : {}),
});

describe('admitsSoftwareId: the software_ids rule (docs/registration-policies.md), for metadata and software statements alike', () => {
  it('a policy without software_ids admits any software_id, or none', () => {
    expect(admitsSoftwareId(policy(), undefined)).toBe(true);
    expect(admitsSoftwareId(policy(), 'anything')).toBe(true);
  });

  it('a policy with software_ids admits only those: a missing, unlisted or non-string software_id is refused', () => {
    const partners = policy(['approved-app']);
    expect(admitsSoftwareId(partners, 'approved-app')).toBe(true);
    expect(admitsSoftwareId(partners, undefined)).toBe(false);
    expect(admitsSoftwareId(partners, 'unknown-app')).toBe(false);
    expect(admitsSoftwareId(partners, ['approved-app'])).toBe(false);
  });
});
