export * from './data-source-options';
export * from './migrations';
export * from './migrate';
export * from './statements';
export { claimDataDir } from './data-dir-lock';
