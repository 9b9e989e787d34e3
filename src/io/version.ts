/**
 * The library version written into every file chainrule saves. The core cannot read package.json
 * (it runs in browsers as is), so it is kept here; a test checks that the two agree.
 */
export const VERSION = '0.1.0';
