import { CreateClients1764200000000 } from './1764200000000-create-clients';

/** Every migration in order; the server, ormconfig.ts and the tests all run this list. */
export const MIGRATIONS = [CreateClients1764200000000];
