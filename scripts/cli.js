#!/usr/bin/env node
// `npm run cli -- <command>`: runs the built operator CLI at once, and builds first only when a
// source file (apps/, libs/, ormconfig.ts, tsconfig*.json, package.json) is newer than the build.
// Checking takes milliseconds; a build takes a minute (docs/operations.md, "Operator command line").
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const entry = path.join(root, 'dist', 'apps', 'oauth-server', 'src', 'cli.js');

function newestSource() {
  let newest = 0;
  const visit = (file) => {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(file)) visit(path.join(file, name));
    } else if (/\.(ts|eta)$/.test(file) && !/\.spec\.ts$/.test(file)) {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  for (const dir of ['apps', 'libs']) visit(path.join(root, dir));
  for (const file of ['ormconfig.ts', 'tsconfig.json', 'tsconfig.build.json', 'package.json']) {
    if (fs.existsSync(path.join(root, file))) newest = Math.max(newest, fs.statSync(path.join(root, file)).mtimeMs);
  }
  return newest;
}

const built = fs.existsSync(entry) ? fs.statSync(entry).mtimeMs : 0;
if (built < newestSource()) {
  process.stderr.write(built ? 'Sources changed since the last build; building first…\n' : 'No build yet; building first (once)…\n');
  try {
    execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  } catch {
    process.stderr.write('The build failed (see above); the command did not run.\n');
    process.exit(1);
  }
  // tsc leaves an unchanged output file alone in some modes: mark the build as current.
  const now = new Date();
  fs.utimesSync(entry, now, now);
}
require(entry);
