export * from './data-source-options';
export * from './migrations';
export * from './migrate';
export * from './statements';
