import { parseAllDocuments, type Document } from 'yaml';
import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../src/compiler/diagnostics.js';
import { parseSource } from '../src/compiler/parse.js';
import { Built, Loc, madeAt, PARSE_OPTIONS, placeAt, rootLoc } from '../src/compiler/positions.js';
import { SourceFile } from '../src/compiler/source.js';
import { readYaml, UNSUPPORTED } from '../src/compiler/yaml-data.js';
import { writtenJson } from '../src/compiler/written-json.js';
import { pointer } from '../src/compiler/yaml-read.js';

/**
 * Issue 14, item 1: positions as data. Reading YAML records nothing positional; a place is a path into
 * the document, turned into offsets only when a span is read; what a macro builds records the places
 * of the YAML that caused it.
 */

const read = (text: string) => readYaml(parseAllDocuments(text, PARSE_OPTIONS)[0] as Document.Parsed);
const text = (span: { file: SourceFile; start: number; end: number }) => span.file.text.slice(span.start, span.end);

describe('readYaml: one walk gives the data and every finding', () => {
  it('reads plain data, and keeps as text the numbers that would not survive being written back', () => {
    const r = read('name: app\nversion: 3.10\nlist: [1, 2.50, true, True]\nn: 7\n');
    expect(r.value).toEqual({ name: 'app', version: '3.10', list: [1, '2.50', true, 'True'], n: 7 });
    expect([...r.kept].sort()).toEqual(['/list/1', '/list/3', '/version']);
    expect(r.duplicates).toEqual([]);
    expect(r.unsupported).toBeUndefined();
  });

  it('finds duplicate keys in order, `1` and "1" being the same key, and not again in an alias expansion', () => {
    const r = read('a: &x\n  k: 1\n  k: 2\nb: *x\nc: 1\n"c": 2\n1: x\n"1": y\n');
    expect(r.duplicates.map((d) => d.key)).toEqual(['k', 'c', '1']);
    expect(r.duplicates[0]?.at[0]).toBeLessThan(r.duplicates[1]?.at[0] ?? 0);
  });

  it('reports the first construct it refuses in document order', () => {
    expect(read('a:\n  <<: {x: 1}\n[k]: 2\n').unsupported?.message).toBe(UNSUPPORTED.merge);
    expect(read('a: 1\n[k]: 2\n__proto__: 3\n').unsupported?.message).toBe(UNSUPPORTED.key);
    expect(read('a: 1\n__proto__: 3\n').unsupported).toEqual({ message: UNSUPPORTED.proto, at: 5 });
    let deep = 'x';
    for (let i = 0; i < 70; i++) deep = `[${deep}]`;
    expect(read(`a: ${deep}\n`).unsupported?.message).toBe(UNSUPPORTED.deep);
  });

  it('escapes pointers as JSON pointers do', () => {
    expect(pointer(['a/b', 'c~d', 0])).toBe('/a~1b/c~0d/0');
    expect(pointer([])).toBe('');
  });
});

describe('places: paths resolved only when read', () => {
  const yaml = 'name: app\nbase: &b\n  image: node\nbuild: *b\nstages:\n  - name: one\n    actions: []\n';

  it('turns a path into the key, the value as written, or the node an alias stands for', () => {
    const file = new SourceFile('p.yml', yaml);
    const root = rootLoc(file);
    expect(text(root.key('name'))).toBe('name');
    expect(text(root.child('name'))).toBe('app');
    expect(text(root.child('stages').child(0).child('name'))).toBe('one');
    expect(text(root.child('build'))).toBe('*b');
    expect(text(root.child('build').node())).toBe('image: node\n');
    // Through an alias, into what it stands for.
    expect(text(root.child('build').child('image'))).toBe('node');
  });

  it('places what was not written at the mapping it would be in', () => {
    const file = new SourceFile('p.yml', yaml);
    const stage = rootLoc(file).child('stages').child(0);
    expect(text(stage.child('missing'))).toBe(text(stage.node()));
    expect(text(stage.key('missing'))).toBe(text(stage.node()));
    expect(text(placeAt(stage, ['missing', 'deeper', 3]))).toBe(text(stage.node()));
    expect(text(placeAt(stage, ['actions'], 'key'))).toBe('actions');
  });

  it('parses the text for positions only when a span is read, once per file', () => {
    const file = new SourceFile('p.yml', yaml);
    const at = rootLoc(file).child('stages').child(0).child('name');
    expect(file.located).toBeUndefined();
    expect(at.path).toEqual(['stages', 0, 'name']);
    expect(file.located).toBeUndefined();
    expect(at.file.position(at.start)).toEqual({ line: 6, col: 11 });
    const located = file.located;
    expect(located).toBeDefined();
    void rootLoc(file).child('name').start;
    expect(file.located).toBe(located);
  });

  it('knows the numbers kept as text by their path, for JSON written as the file wrote it', () => {
    const file = new SourceFile('p.yml', 'params: {a: 0.50, b: 1, c: "0.50"}\n');
    const r = read(file.text);
    file.kept = r.kept;
    const params = (r.value as { params: unknown }).params;
    expect(writtenJson(params, rootLoc(file).child('params'))).toBe('{"a":0.50,"b":1,"c":"0.50"}');
    // Without its place, a value is only what it holds.
    expect(writtenJson(params)).toBe('{"a":"0.50","b":1,"c":"0.50"}');
  });

  it("records, for what a macro builds, the place of the YAML that caused each key", () => {
    const file = new SourceFile('p.yml', yaml);
    const root = rootLoc(file);
    const built = new Built(root.child('build'), new Map([['renamed', root.child('name')]]), root.child('stages').child(0));
    expect(text(built)).toBe('*b');
    expect(text(built.child('renamed'))).toBe('app');
    expect(text(built.key('renamed'))).toBe('name');
    // Other keys are looked up in the mapping it copies.
    expect(text(built.child('actions'))).toBe('[]');
    const sealed = madeAt(root.child('name'));
    expect(text(sealed.child('anything').child(2))).toBe('app');
  });
});

describe('parse keeps no table of positions', () => {
  it('returns plain data: objects with only their own keys', () => {
    const diags = new Diagnostics();
    const parsed = parseSource(new SourceFile('p.yml', 'name: app\nstages:\n  - name: one\n'), diags);
    expect(diags.list).toEqual([]);
    const value = parsed?.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Reflect.ownKeys(value)).toEqual(['name', 'stages']);
    expect(Reflect.ownKeys((value.stages as object[])[0] as object)).toEqual(['name']);
  });

  it('a Loc is a Span: diagnostics read its offsets like any other', () => {
    const file = new SourceFile('p.yml', 'a:\n  b: c\n');
    const at = new Loc(file, ['a', 'b']);
    expect([at.start, at.end]).toEqual([8, 9]);
  });
});
