export * from './worker-pool';
export * from './worker-pool.service';
export * from './worker-pool.module';
