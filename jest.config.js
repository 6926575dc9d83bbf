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

// Shared by both projects; the unit project is the quick tier (`npm run test:unit`).
const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj|cj)s$': swc },
  // Many dependencies ship ES modules only (NestJS 12 among them) and PGlite's CommonJS build uses
  // import() for Node built-ins: Jest can run them only once compiled to CommonJS (cached after one run).
  transformIgnorePatterns: [],
  moduleNameMapper: {
    '^@app/(config|crypto|database|hashing|logging|oauth-errors|worker-pool)$': '<rootDir>/libs/$1/src',
  },
};

/**
 * Two tiers, each file in exactly one, so `npm test` (both projects) runs every file once:
 * - unit: `*.spec.ts` beside the code — pure rules and services over in-memory fakes
 *   (test/support/fakes); no database, no Nest application. `npm run test:unit`.
 * - database: `test/**\/*.int-spec.ts` and `*.e2e-spec.ts` against PostgreSQL (DATABASE_URL) or PGlite.
 */
module.exports = {
  testTimeout: 60000,
  maxWorkers: 2,
  projects: [
    { ...common, displayName: 'unit', testRegex: '\\.spec\\.ts$', roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'] },
    { ...common, displayName: 'database', testRegex: '\\.(int-spec|e2e-spec)\\.ts$', roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'] },
  ],
};
