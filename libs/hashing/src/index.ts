export * from './hashing.module';
export * from './secret-hasher.service';
