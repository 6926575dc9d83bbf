/**
 * One runner for every test: unit specs beside the code, integration and end-to-end tests in
 * test/. TypeScript is compiled by SWC (decorator metadata on).
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testRegex: '.*\\.(spec|int-spec|e2e-spec)\\.ts$',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  transform: { '^.+\\.(t|j|mj|cj)s$': swc },
  // Many dependencies ship ES modules only (NestJS 12 among them) and PGlite's CommonJS build uses
  // import() for Node built-ins: Jest can run them only once compiled to CommonJS (cached after one run).
  transformIgnorePatterns: [],
  moduleNameMapper: {
    '^@app/(config|crypto|database|hashing|logging|oauth-errors|worker-pool)$': '<rootDir>/libs/$1/src',
  },
  testTimeout: 60000,
  maxWorkers: 2,
};
