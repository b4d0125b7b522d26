import { isKeptAt, type Place } from './positions.js';
import { yamlBoolean, yamlNumber } from './yaml-data.js';

/**
 * JSON text of a value as the file wrote it at `at`, keys sorted: a number or boolean that the parser
 * kept as text (`0.50`, `1e3`, `True`) is written as the JSON number or boolean it is, as written where
 * JSON allows (`0.50`), so JSON-valued settings keep both the type and the digits.
 */
export function writtenJson(value: unknown, at?: Place): string {
  const write = (v: unknown, place: Place | undefined): string => {
    const kept = place !== undefined && isKeptAt(place);
    if (kept && typeof v === 'string') {
      const b = yamlBoolean(v);
      if (b !== undefined) return String(b);
      if (/^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$/.test(v)) return v;
      const n = yamlNumber(v);
      if (n !== undefined && Number.isFinite(n)) return JSON.stringify(n);
      return JSON.stringify(v);
    }
    if (Array.isArray(v)) return `[${v.map((x, i) => write(x, place?.child(i))).join(',')}]`;
    if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${write((v as Record<string, unknown>)[k], place?.child(k))}`).join(',')}}`;
    }
    return JSON.stringify(v) ?? 'null';
  };
  return write(value, at);
}
