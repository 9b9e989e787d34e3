// Argument checks shared by optimizers and schedulers. Each throws a message that names where the
// value came from (`SGD: lr`, `SGD: paramGroups[1].momentum`) and the value itself, and is called
// before anything changes. They check the type too, since options may come from JSON or from
// plain JavaScript.

function show(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  return typeof value;
}

export function fail(where: string, expected: string, value: unknown): never {
  throw new RangeError(`${where} must be ${expected}; got ${show(value)}`);
}

export function checkNumber(where: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(where, 'a finite number', value);
  return value;
}

export function checkPositive(where: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) fail(where, 'a positive finite number', value);
  return value;
}

export function checkNonNegative(where: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(where, 'a finite number ≥ 0', value);
  return value;
}

/** lo ≤ value < hi, or lo ≤ value ≤ hi with closed. */
export function checkRange(where: string, value: unknown, lo: number, hi: number, closed: boolean): number {
  const ok = typeof value === 'number' && value >= lo && (closed ? value <= hi : value < hi);
  if (!ok) fail(where, `in [${lo}, ${hi}${closed ? ']' : ')'}`, value);
  return value as number;
}

export function checkInteger(where: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) fail(where, `an integer ≥ ${min}`, value);
  return value;
}

export function checkBoolean(where: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(where, 'true or false', value);
  return value;
}

export function checkOneOf<T extends string>(where: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) fail(where, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
  return value as T;
}

/** Refuses keys outside `known`: a misspelt option would otherwise be silently ignored. */
export function checkKeys(where: string, value: object, known: readonly string[], what = 'option'): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new RangeError(`${where}: unknown ${what} '${key}'; expected one of ${known.join(', ')}`);
    }
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
