'use strict';
/*
 * Lets a child process run the server straight from TypeScript (as Jest does, through SWC), so the
 * multi-process tests (graceful shutdown, two instances) need no `npm run build`:
 *   node -r ./test/support/swc-register.js apps/oauth-server/src/main.ts
 * Compiles .ts (and ESM-only dependencies) to CommonJS on load and resolves the @app/* aliases.
 */
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

const ROOT = path.resolve(__dirname, '..', '..');
const ALIASES = /^@app\/([a-z-]+)$/;
const options = (filename) => ({
  filename,
  sourceMaps: 'inline',
  jsc: {
    parser: { syntax: filename.endsWith('.ts') ? 'typescript' : 'ecmascript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
});

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const alias = ALIASES.exec(request);
  if (alias) request = path.join(ROOT, 'libs', alias[1], 'src');
  return resolve.call(this, request, ...rest);
};

require.extensions['.ts'] = (module, filename) => {
  module._compile(transformSync(fs.readFileSync(filename, 'utf8'), options(filename)).code, filename);
};
// ESM-only packages (NestJS 12 among them) reached through require(): compile them too, as Jest does.
const loadJs = require.extensions['.js'];
require.extensions['.js'] = (module, filename) => {
  try {
    return loadJs(module, filename);
  } catch (error) {
    if (error && (error.code === 'ERR_REQUIRE_ESM' || error instanceof SyntaxError)) {
      return module._compile(transformSync(fs.readFileSync(filename, 'utf8'), options(filename)).code, filename);
    }
    throw error;
  }
};
