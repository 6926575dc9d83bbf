// The build step tsc cannot do: copy the eta page templates next to the compiled modules in dist/.
const fs = require('node:fs');
const path = require('node:path');

const source = path.join(__dirname, '..', 'apps', 'oauth-server', 'src');
const target = path.join(__dirname, '..', 'dist', 'apps', 'oauth-server', 'src');
fs.cpSync(source, target, {
  recursive: true,
  filter: (file) => fs.statSync(file).isDirectory() || file.endsWith('.eta'),
});
