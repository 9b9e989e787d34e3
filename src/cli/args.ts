// Command-line parsing for `chainrule`: node:util parseArgs does the splitting; this file turns
// its errors and our own checks into one-line CliErrors and renders the help text. It imports
// nothing from the library, so `--help` answers without loading it.
import { parseArgs } from 'node:util';

/**
 * An error the user can fix: printed as one line (no stack trace) and the process exits with
 * `exitCode`: 2 for a command line that cannot be understood, 1 for everything else.
 */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: 1 | 2 = 1) {
    super(message);
    this.name = 'CliError';
  }
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** The placeholder shown in help, e.g. '<n>'. */
  value?: string;
  short?: string;
  description: string;
}

export interface CommandSpec {
  name: string;
  /** One line for the list of commands. */
  brief: string;
  summary: string;
  /** Usage lines after 'chainrule ' (the command name included). */
  usage: string[];
  options: Readonly<Record<string, OptionSpec>>;
  /** How many positional arguments the command takes. */
  positionals: { min: number; max: number; names: string };
  /** Paragraphs printed after the options. */
  notes?: string[];
  examples?: string[];
}

export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

export interface Parsed {
  values: OptionValues;
  positionals: string[];
}

/** Parses argv for one command; every mistake becomes a CliError with exit code 2. */
export function parseCommand(spec: CommandSpec, argv: string[]): Parsed {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, o] of Object.entries(spec.options)) options[name] = o.short === undefined ? { type: o.type } : { type: o.type, short: o.short };
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(spec, error);
  }
  const { values, positionals } = parsed;
  if (values.help !== true) {
    const { min, max, names } = spec.positionals;
    if (positionals.length > max) {
      const extra = positionals.slice(max).map((p) => `'${p}'`).join(', ');
      throw new CliError(`chainrule ${spec.name}: unexpected argument ${extra}${max === 0 ? ' (this command takes options only)' : ` (it takes ${names})`}; see chainrule ${spec.name} --help`, 2);
    }
    if (positionals.length < min) throw new CliError(`chainrule ${spec.name}: missing ${names}; see chainrule ${spec.name} --help`, 2);
  }
  return { values, positionals };
}

/** parseArgs' messages are long and talk about its API; say the same in the command's words. */
function usageError(spec: CommandSpec, error: unknown): CliError {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  // parseArgs quotes the option as given ('--epoch', '-x') or as declared ('-q, --quiet').
  const option = /'(?:-\w, )?(-{1,2}[^' ,]+)/.exec(message)?.[1] ?? '';
  const where = `chainrule ${spec.name}`;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new CliError(`${where}: unknown option ${option}; see ${where} --help`, 2);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/argument missing/.test(message)) return new CliError(`${where}: option ${option} needs a value`, 2);
    return new CliError(`${where}: option ${option} takes no value`, 2);
  }
  return new CliError(`${where}: ${message.split('\n')[0]}`, 2);
}

/** The help text of a command: usage, summary, options (with --help), notes and examples. */
export function commandHelp(spec: CommandSpec): string {
  const rows: [string, string][] = Object.entries(spec.options).map(([name, o]) => [
    `${o.short === undefined ? '    ' : `-${o.short}, `}--${name}${o.value === undefined ? '' : ` ${o.value}`}`, o.description,
  ]);
  rows.push(['-h, --help', 'show this help']);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  const lines = [
    ...spec.usage.map((u, i) => `${i === 0 ? 'Usage: ' : '       '}chainrule ${u}`), '', spec.summary, '', 'Options:',
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}${indentContinuation(right, width + 2)}`),
  ];
  for (const note of spec.notes ?? []) lines.push('', note);
  if (spec.examples !== undefined && spec.examples.length > 0) lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}

function indentContinuation(text: string, indent: number): string {
  return text.split('\n').join(`\n${' '.repeat(indent)}`);
}

/** A string option's value, or undefined when it was not given. */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** An integer option within [min, max]; `fallback` when it was not given. */
export function intOption(values: OptionValues, name: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const raw = stringOption(values, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^[+-]?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? (min === 1 ? 'a positive integer' : `an integer ≥ ${min}`) : `an integer from ${min} to ${max}`;
    throw new CliError(`--${name} must be ${range}, got '${raw}'`, 2);
  }
  return n;
}

/** A finite number option in [min, max) (or [min, max] when `maxIncluded`); undefined when not given. */
export function numberOption(values: OptionValues, name: string, min: number, max = Infinity, maxIncluded = false): number | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  const inRange = n >= min && (maxIncluded ? n <= max : n < max);
  if (raw.trim() === '' || !Number.isFinite(n) || !inRange) {
    const range = max === Infinity ? `a number ≥ ${min}` : `a number in [${min}, ${max}${maxIncluded ? ']' : ')'}`;
    throw new CliError(`--${name} must be ${range}, got '${raw}'`, 2);
  }
  return n;
}

/** A string option restricted to a closed set; `fallback` when it was not given. */
export function choiceOption<T extends string>(values: OptionValues, name: string, choices: readonly T[], fallback: T): T {
  const raw = stringOption(values, name);
  if (raw === undefined) return fallback;
  if (!(choices as readonly string[]).includes(raw)) throw new CliError(`--${name} must be one of ${choices.join(', ')}; got '${raw}'`, 2);
  return raw as T;
}
