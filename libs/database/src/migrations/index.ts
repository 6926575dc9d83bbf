import { CreateClients1764200000000 } from './1764200000000-create-clients';
import { CreateAuthorizationCodeFlow1764210000000 } from './1764210000000-create-authorization-code-flow';
import { RegistrationPolicies1764220000000 } from './1764220000000-registration-policies';
import { CreateAuditEvents1764230000000 } from './1764230000000-create-audit-events';
import { PartialRegistrationIndexes1764240000000 } from './1764240000000-partial-registration-indexes';
import { RegistrationTokenHashKey1764250000000 } from './1764250000000-registration-token-hash-key';
import { ClientAdmittedBy1764330000000 } from './1764330000000-client-admitted-by';
import { IntrospectionAndKeyRevocation1764340000000 } from './1764340000000-introspection-and-key-revocation';
import { UserDisabledAt1764370000000 } from './1764370000000-user-disabled-at';
import { ResourceIndicators1764410000000 } from './1764410000000-resource-indicators';
import { ClientAssertionJtis1764430000000 } from './1764430000000-client-assertion-jtis';

/** Every migration in order; the server, ormconfig.ts and the tests all run this list. */
export const MIGRATIONS = [
  CreateClients1764200000000,
  CreateAuthorizationCodeFlow1764210000000,
  RegistrationPolicies1764220000000,
  CreateAuditEvents1764230000000,
  PartialRegistrationIndexes1764240000000,
  RegistrationTokenHashKey1764250000000,
  ClientAdmittedBy1764330000000,
  IntrospectionAndKeyRevocation1764340000000,
  UserDisabledAt1764370000000,
  ResourceIndicators1764410000000,
  ClientAssertionJtis1764430000000,
];
