// Optimizer and scheduler state dicts are JSON-like trees with tensors among their leaves. For a
// checkpoint the tensors go into the safetensors data (exact bits, no text round trip) and the
// rest into the header as JSON, with a marker where each tensor was.
import { Tensor } from '../tensor/tensor.js';
import { setOwn } from './own-property.js';
import type { JsonValue } from './registry.js';

// JSON has no NaN, ±Infinity or −0 (ReduceLROnPlateau starts from best = Infinity): markers keep
// every double exact. Other numbers survive JSON.stringify/parse bit for bit.
const SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };

/**
 * The JSON form of `value`, with each tensor moved into `tensors` under `prefix.path`
 * (e.g. `optimizer.state.0.expAvg`) and replaced by {"$tensor": name}.
 */
export function splitTensors(value: unknown, prefix: string, tensors: Map<string, Tensor>): JsonValue {
  const walk = (v: unknown, path: string): JsonValue => {
    if (v instanceof Tensor) {
      tensors.set(path, v);
      return { $tensor: path };
    }
    if (typeof v === 'number') {
      if (Number.isFinite(v) && !Object.is(v, -0)) return v;
      return { $number: Object.is(v, -0) ? '-0' : String(v) };
    }
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (Array.isArray(v)) {
      return v.map((item, i) => {
        if (item === undefined) throw new TypeError(`checkpoint: cannot store undefined at ${path}[${i}]`);
        return walk(item, `${path}.${i}`);
      });
    }
    if (typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
      const out: Record<string, JsonValue> = {};
      for (const [key, item] of Object.entries(v)) {
        if (key.startsWith('$')) throw new TypeError(`checkpoint: key '${key}' at ${path} starts with '$', which marks tensors and numbers in checkpoint files`);
        if (item !== undefined) setOwn(out, key, walk(item, `${path}.${key}`));
      }
      return out;
    }
    throw new TypeError(`checkpoint: cannot store ${v === undefined ? 'undefined' : typeof v === 'object' ? `a ${v.constructor?.name ?? 'object'}` : `a ${typeof v}`} at ${path}; state dicts must hold JSON values and Tensors`);
  };
  return walk(value, prefix);
}

/** The inverse of splitTensors: the markers replaced by the file's tensors and numbers. */
export function joinTensors(json: unknown, tensors: Readonly<Record<string, Tensor>>, where: string): unknown {
  const walk = (v: unknown, path: string): unknown => {
    if (Array.isArray(v)) return v.map((item, i) => walk(item, `${path}[${i}]`));
    if (v === null || typeof v !== 'object') return v;
    const obj = v as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1 && keys[0] === '$tensor') {
      const name = obj.$tensor;
      if (typeof name !== 'string' || !Object.hasOwn(tensors, name)) throw new RangeError(`${where}: ${path} refers to tensor ${JSON.stringify(name)}, which the file does not have`);
      return tensors[name];
    }
    if (keys.length === 1 && keys[0] === '$number') {
      const text = obj.$number;
      if (typeof text !== 'string' || !Object.hasOwn(SPECIAL, text)) throw new RangeError(`${where}: ${path} holds the unknown number marker ${JSON.stringify(text)}`);
      return SPECIAL[text];
    }
    const out: Record<string, unknown> = {};
    for (const key of keys) setOwn(out, key, walk(obj[key], `${path}.${key}`));
    return out;
  };
  return walk(json, 'checkpoint');
}
