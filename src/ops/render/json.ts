/** A value as JSON text for --format json: dates as ISO-8601 strings, two-space indent, a final newline. */
export function toJsonText(value: unknown): string {
  return `${JSON.stringify(value, (_k, v: unknown) => (v instanceof Date ? v.toISOString() : v), 2)}\n`;
}
