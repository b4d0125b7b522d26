/*
 * What reading a YAML file gives the compiler (the interface every YAML reader fills, see
 * NOTES-paths.md): plain data, the scalars kept as their written text, and the findings that stop
 * a file (duplicate keys, constructs pipec refuses). Nothing positional: a place in the file is a
 * path into the document (positions.ts), turned into line:col only when a diagnostic needs it.
 */

/** A place in a document: mapping keys (as `keyText` makes them) and list indexes, from the root. */
export type Path = readonly (string | number)[];

/** A key written twice in one mapping: the ranges (start and end offsets) of the second key and of the first. */
export interface Duplicate {
  key: string;
  at: [number, number];
  first: [number, number];
}

/** A construct pipec refuses (a non-scalar or merge key, '__proto__', too deep), at an offset. */
export interface Unsupported {
  message: string;
  at: number;
}

/** What reading one YAML document gives parse. */
export interface YamlRead {
  /** The first document's plain data: objects with own keys in written order, arrays, strings, numbers, booleans, null. */
  value: unknown;
  /** `pointer`s of the scalars kept as their written text (a number or boolean that would not survive being written back). */
  kept: ReadonlySet<string>;
  /** Keys written twice in one mapping (not again in an alias's expansion), ordered by the second key's offset. */
  duplicates: Duplicate[];
  /** The first construct pipec refuses, in document order. */
  unsupported?: Unsupported;
}

/** A reader that may decline: undefined means "not certain", and parse reads the text with the yaml package. */
export type FastReader = (text: string) => YamlRead | undefined;

/** A path as one string (a JSON pointer: '/pipelines/0/name'; the root is ''), the form `kept` holds. */
export function pointer(path: Path): string {
  let out = '';
  for (const seg of path) out += '/' + (typeof seg === 'number' ? String(seg) : seg.replace(/~/g, '~0').replace(/\//g, '~1'));
  return out;
}
