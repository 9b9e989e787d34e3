/**
 * Sets obj[key] as an own enumerable property. Plain assignment of the key '__proto__' would
 * replace the object's prototype instead, and names in files are arbitrary strings.
 */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
