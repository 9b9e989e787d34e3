// --backend: main.ts has kept chainrule/node from choosing on import when the option is given;
// here the chosen backend is set, or the reason it cannot be is said in one line.
import { getBackend, setBackend } from '../index.js';
import { nativeLoadError, registerNativeBackend } from '../node/index.js';
import { CliError, stringOption, type OptionValues } from './args.js';

/** Sets the backend named by --backend (if any) and returns the name of the one in use. */
export function selectBackend(values: OptionValues): string {
  const wanted = stringOption(values, 'backend');
  if (wanted === 'native') {
    if (!registerNativeBackend()) {
      throw new CliError(`--backend native: the native backend is not available here (${nativeLoadError() ?? 'not built'}); build it with \`node native/build.js\` in the package, or use --backend js`);
    }
    setBackend('native');
  } else if (wanted === 'js') {
    setBackend('js');
  }
  return getBackend().name;
}
