// `npm install` runs this (package.json "install"): builds the native addon with node-gyp.
// It never fails the install: without a compiler or headers, chainrule runs on its js backend
// and says so in one line when 'chainrule/node' is imported.
//
//   node native/build.js          build (or rebuild) build/Release/chainrule_native.node
//
// CHAINRULE_SKIP_NATIVE_BUILD=1 skips the build.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => process.stdout.write(`chainrule: ${line}\n`);

if (process.env.CHAINRULE_SKIP_NATIVE_BUILD) {
  say('native addon build skipped (CHAINRULE_SKIP_NATIVE_BUILD); chainrule will run on its js backend');
  process.exit(0);
}

// npm hands its bundled node-gyp to install scripts; otherwise look for one beside npm or on PATH.
function findNodeGyp() {
  const candidates = [process.env.npm_config_node_gyp];
  try {
    candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed as a package: fine, try npm's own copy
  }
  candidates.push(path.join(path.dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'));
  return candidates.find((c) => c && existsSync(c));
}

const gyp = findNodeGyp();
// -j max: one compiler per core (the kernel families are independent translation units).
const args = gyp ? [gyp, 'rebuild', '-j', 'max'] : ['rebuild', '-j', 'max'];
// Headers installed with this Node (…/include/node) spare node-gyp a download, which fails on
// machines without internet access.
const prefix = path.resolve(path.dirname(process.execPath), '..');
if (existsSync(path.join(prefix, 'include/node/node_api.h')) && existsSync(path.join(prefix, 'include/node/common.gypi'))) {
  args.push(`--nodedir=${prefix}`);
}
const started = Date.now();
const result = gyp
  ? spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' })
  : spawnSync('node-gyp', args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', shell: process.platform === 'win32' });

if (result.status === 0) {
  say(`native addon built in ${((Date.now() - started) / 1000).toFixed(1)} s (build/Release/chainrule_native.node)`);
} else {
  // The compiler's own words, then one line that says what it means for the user.
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').filter((l) => !l.startsWith('gyp info'));
  if (output.length > 0) process.stdout.write(output.slice(-30).join('\n') + '\n');
  const why = result.error ? result.error.message : `node-gyp exited with ${result.status ?? result.signal}`;
  say(`the native addon did not build (${why}); chainrule will run on its js backend`);
}
process.exit(0);
