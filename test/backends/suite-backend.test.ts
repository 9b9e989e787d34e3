import { describe, expect, it } from 'vitest';
import { getBackend } from '../../src/index.js';

// test/setup-backend.ts starts every file on CHAINRULE_TEST_BACKEND's backend; this file fails if
// that silently did not happen, so that `npm run test:native` cannot pass on js alone.
describe('the backend the suite runs on', () => {
  it('is the one CHAINRULE_TEST_BACKEND names (js by default)', () => {
    expect(getBackend().name).toBe(process.env.CHAINRULE_TEST_BACKEND ?? 'js');
  });
});
