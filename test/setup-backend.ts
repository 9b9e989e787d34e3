// The backend every test file starts on. `npm test` runs the suite on js; .ci/run runs it once
// more with CHAINRULE_TEST_BACKEND=native, so that every op, layer, loss, optimizer and example
// is also checked through the native backend (at its usual size thresholds: small arrays go to
// js there, as in use). The kernel-by-kernel comparisons of test/backends force every size
// through C++ themselves.
import { beforeAll } from 'vitest';
import { setBackend } from '../src/backend/registry.js';
import { nativeLoadError, registerNativeBackend } from '../src/node/native.js';

const wanted = process.env.CHAINRULE_TEST_BACKEND ?? 'js';
if (wanted !== 'js' && wanted !== 'native') {
  throw new Error(`CHAINRULE_TEST_BACKEND=${wanted}: expected js or native`);
}
if (wanted === 'native' && !registerNativeBackend()) {
  throw new Error(`CHAINRULE_TEST_BACKEND=native, but the native addon did not load (${nativeLoadError() ?? 'unknown reason'})`);
}

beforeAll(() => {
  setBackend(wanted);
});
