#!/usr/bin/env node
// The `chainrule` command. Only parsing and help are loaded up front; a command's module (and
// with it the library and the native addon) is imported once its options are known, because
// importing chainrule/node picks the backend (CHAINRULE_BACKEND must be set before that).
import { readFileSync } from 'node:fs';
import { CliError, commandHelp, parseCommand, stringOption, type CommandSpec, type Parsed } from './args.js';
import { BACKENDS, COMMANDS, topLevelHelp } from './commands.js';
import { readTrainOptions } from './train-options.js';

type Run = (parsed: Parsed) => Promise<void>;

/** Checks that need no library, run before the (slower) import of the command. */
const EARLY_CHECKS: Readonly<Record<string, (parsed: Parsed) => unknown>> = {
  train: ({ values }) => readTrainOptions(values),
};

const LOADERS: Readonly<Record<string, () => Promise<{ run: Run }>>> = {
  train: () => import('./train.js'),
  evaluate: () => import('./evaluate.js'),
  predict: () => import('./predict.js'),
  explain: () => import('./explain.js'),
};

function version(): string {
  // dist/cli/main.js and src/cli/main.ts both sit two levels below package.json.
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

async function main(argv: string[]): Promise<void> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    process.stdout.write(topic === undefined ? topLevelHelp(version()) : commandHelp(topic));
    return;
  }
  if (first === '--version' || first === '-v') {
    process.stdout.write(`${version()}\n`);
    return;
  }
  const spec = COMMANDS.find((c) => c.name === first);
  if (spec === undefined) {
    const what = first.startsWith('-') ? `unknown option ${first}` : `unknown command '${first}'`;
    throw new CliError(`chainrule: ${what}; the commands are ${COMMANDS.map((c) => c.name).join(', ')} (see chainrule --help)`, 2);
  }
  const parsed = parseCommand(spec, rest);
  if (parsed.values.help === true) {
    process.stdout.write(commandHelp(spec));
    return;
  }
  chooseBackendBeforeImport(parsed);
  EARLY_CHECKS[spec.name]?.(parsed);
  const { run } = await LOADERS[spec.name]();
  await run(parsed);
}

/**
 * With --backend given, importing chainrule/node must not pick one (nor warn that native is
 * missing): the command then sets the one asked for, and says in one line if it cannot.
 */
function chooseBackendBeforeImport(parsed: Parsed): void {
  const backend = stringOption(parsed.values, 'backend');
  if (backend === undefined) return;
  if (!(BACKENDS as readonly string[]).includes(backend)) throw new CliError(`--backend must be one of ${BACKENDS.join(', ')}; got '${backend}'`, 2);
  process.env.CHAINRULE_BACKEND = 'js';
}

/** One line for any failure: the user's mistakes as written, the library's errors by message. */
function report(error: unknown, command: CommandSpec | undefined): number {
  const prefix = command === undefined ? 'chainrule' : `chainrule ${command.name}`;
  if (process.env.CHAINRULE_DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
  if (error instanceof CliError) {
    process.stderr.write(`${error.message.startsWith('chainrule') ? error.message : `${prefix}: ${error.message}`}\n`);
    return error.exitCode;
  }
  const code = (error as { code?: unknown }).code;
  const path = (error as { path?: unknown }).path;
  let message = error instanceof Error ? error.message : String(error);
  if (code === 'ENOENT' && typeof path === 'string') message = `no such file or directory: ${path}`;
  else if (code === 'EACCES' && typeof path === 'string') message = `permission denied: ${path}`;
  else if (code === 'EISDIR' && typeof path === 'string') message = `${path} is a directory, not a file`;
  process.stderr.write(`${prefix}: ${message.split('\n')[0]}\n`);
  return 1;
}

// Output piped into `head` closes early; that is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const argv = process.argv.slice(2);
main(argv).catch((error: unknown) => {
  process.exitCode = report(error, COMMANDS.find((c) => c.name === argv[0]));
});
