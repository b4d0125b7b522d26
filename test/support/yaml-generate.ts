import { prng } from './mutate.js';

/**
 * Seeded YAML documents for the fast reader's differential test: nested block mappings and lists,
 * compact lists of mappings, flow collections, every kind of scalar the core schema reads (numbers
 * written many ways, booleans, nulls, quoted texts with escapes, block scalars with chomping),
 * comments, blank lines and a leading `---`. Most are valid YAML; the mutations make the rest.
 */
export function generateYaml(seed: number): string {
  const rnd = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const lines: string[] = [];
  if (rnd() < 0.2) lines.push(pick(['---', '--- # start', '# a comment', '']));

  const scalar = (): string =>
    pick([
      () => pick(SCALARS),
      () => `'${pick(TEXTS).replace(/'/g, "''")}'`,
      () => JSON.stringify(pick(TEXTS)),
      () => `"${pick(ESCAPED)}"`,
      () => pick(TEXTS).replace(/^[-?:,[\]{}#&*!|>'"%@`]+/, '').replace(/ #|: |:$/g, '') || 'x',
      () => String(Math.floor(rnd() * 2000) - 1000),
    ])();
  const key = (): string => pick([...KEYS, ...KEYS, `'${pick(KEYS)}'`, `"${pick(KEYS)}"`, pick(SCALARS).replace(/^[[{'"|>]/, 'k')]);
  const flow = (depth: number): string => {
    const n = Math.floor(rnd() * 4);
    if (rnd() < 0.6 || depth > 1) return `[${Array.from({ length: n }, () => (rnd() < 0.2 && depth < 2 ? flow(depth + 1) : scalar())).join(pick([', ', ',', ' , ']))}]`;
    return `{${Array.from({ length: n }, () => `${pick(KEYS)}: ${rnd() < 0.2 ? flow(depth + 1) : scalar()}`).join(', ')}}`;
  };
  const block = (indent: number): string[] => {
    const pad = ' '.repeat(indent);
    const header = pick(['|', '|-', '>', '>-', '| # text', '|+', '|2']);
    const body = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => pick(['echo hi', 'npm test', '', '  more indented', '# not a comment', 'a: b', '- c']));
    return [header, ...body.map((l) => (l === '' ? pick(['', pad]) : pad + l))];
  };
  const value = (indent: number, depth: number, out: string[], prefix: string): void => {
    const r = rnd();
    const pad = ' '.repeat(indent);
    if (depth > 3 || r < 0.45) out.push(`${prefix} ${scalar()}${rnd() < 0.1 ? ' # note' : ''}`);
    else if (r < 0.55) out.push(`${prefix} ${flow(0)}`);
    else if (r < 0.62) {
      const [h, ...body] = block(indent + 2);
      out.push(`${prefix} ${h}`, ...body);
    } else if (r < 0.66) out.push(prefix.replace(/ $/, ''));
    else if (r < 0.83) {
      out.push(prefix.replace(/ $/, ''));
      mapping(indent + pick([2, 2, 4]), depth + 1, out);
    } else {
      out.push(prefix.replace(/ $/, ''));
      list(rnd() < 0.3 ? indent : indent + 2, depth + 1, out);
    }
    if (rnd() < 0.08) out.push(pick(['', `${pad}# comment`, '# at column 0', '   ']));
  };
  const mapping = (indent: number, depth: number, out: string[], firstPrefix?: string): void => {
    const n = 1 + Math.floor(rnd() * 5);
    for (let i = 0; i < n; i++) {
      const pre = i === 0 && firstPrefix !== undefined ? firstPrefix : ' '.repeat(indent);
      value(indent, depth, out, `${pre}${key()}:${pick([' ', ' ', '  '])}`);
    }
  };
  const list = (indent: number, depth: number, out: string[]): void => {
    const n = 1 + Math.floor(rnd() * 4);
    const pad = ' '.repeat(indent);
    for (let i = 0; i < n; i++) {
      const r = rnd();
      if (r < 0.4 && depth < 4) mapping(indent + 2, depth + 1, out, `${pad}- `);
      else if (r < 0.5 && depth < 4) {
        out.push(`${pad}-`);
        mapping(indent + 2, depth + 1, out);
      } else value(indent, depth, out, `${pad}-${' '}`);
    }
  };
  if (rnd() < 0.1) list(0, 0, lines);
  else mapping(0, 0, lines);
  return lines.join('\n') + pick(['\n', '\n', '', '\n\n']);
}

const KEYS = ['name', 'stages', 'build', 'commands', 'env', 'a', 'b', 'key with spaces', 'x-y', 'on', 'yes', '1', '2.0', 'true', 'null', '~', 'Name', 'a.b', 'path/to', 'k~1'];
const SCALARS = [
  '1', '0', '-0', '+1', '007', '0o17', '0x1F', '0xff', '1.0', '1.5', '3.10', '.5', '1.', '1e3', '1E-2', '-1.5e+3', '.inf', '-.Inf', '.NaN', '.nan',
  'true', 'false', 'True', 'FALSE', 'yes', 'no', 'on', 'null', 'Null', 'NULL', '~', 'nulls', '12345678901234567890', '9007199254740993',
  '1_000', '0b101', '1:2', 'a:b', 'http://x.y/z?q=1#frag', 'a#b', 'x]', 'x}', 'a,b', '-x', '--flag', '$VAR', '${VAR}', 'arn:aws:iam::1:role/x',
  'codecommit:web@main', 'dist/**/*', 'a - b', 'é', '日本', '😀',
];
const TEXTS = ["it's", 'say "hi"', 'a: b', 'c # d', '', ' padded ', 'back\\slash', '- dash', '[not flow]', '{not map}', '#hash', '@at', '`tick`', '%pct', '1.0', 'true'];
const ESCAPED = ['\\n', '\\t', '\\\\', '\\"', '\\/', '\\x41', '\\u00e9', '\\U0001F600', '\\0', '\\e', '\\ ', '\\_', '\\N', 'a\\qb', '\\x4', '\\u12'];

/** Hand-written texts at the edges of what the fast reader reads (spacing, comments, block scalar ends, numbers, escapes, keys). */
export const EDGE_CASES: readonly string[] = [
  'a  : 1\nb   :  2\n', '"a" : 1\n\'b\'  : x\n', '-   a: 1\n    b: 2\n-  - x\n   - y\n', 'a: [b,\n  {c: d,\n   e: [f]}\n  ]\n',
  'a: b    # c\n', "a: 'it''s'\n", '--- \na: 1\n', '---   # c\na: 1\n', 'a: |\n  x\n# c\n  y\n', 'a: |\n  x\n    # c\n  y\n',
  'a: |\n  x  \n  y \n', 'a: |\n  x\n\n\n', 'a: |-\n  x\n\n', 'a: >\n  x\n\n\n  y\n   z\n  w\n', 'a: >-\n   x\n  y\n',
  'a: \u00a0x\n', 'a: x\u00a0\n', 'a: { }\nb: [ ]\nc: [[]]\n', 'a: [b, c] # comment\n', 'a: {b: c}d\n', 'a: -.inf\nb: +.5\nc: 0.\nd: 00\ne: -0.0\nf: 1e400\ng: 1e-400\nh: 0o\ni: 0x\nj: .\nk: 1.2.3\n',
  'a: "\\x41\\u00e9\\U0001F600\\ud83d"\n', 'a: "a\\\nb"\n', '- a\n-\n- c\n', 'a:\n-\n  b\n', 'a: "x":\n', '[a, b]\n', '{a: 1}\n', '"x"\n', '1.0\n', 'a: !!str 1\n',
  'a: &x 1\nb: *x\n', '%YAML 1.2\n---\na: 1\n', 'a: 1\n---\nb: 2\n', 'a: 1\n...\n', 'a:\n  b: 1\n c: 2\n', 'a: x\n  y\n', 'a: [x\n  y]\n', 'a: {x: 1,\n y: 2}\n',
  'a:\n  - b\n  -c\n', '? a\n: b\n', 'a: b: c\n', '- a: 1\n  - b\n', 'a: 1 # c\n#d\n  # e\nb: 2\n', 'a: >\n\n  x\n', 'a: |\n \n  x\n', 'a: |\n   \n  x\n',
  '__proto__: 1\n', 'a: {__proto__: 1}\n', '<<: {a: 1}\n', '"<<": 1\n', 'a: 1\na: 2\n', '1: a\n"1": b\n', 'true: 1\nTrue: 2\n~: 3\nnull: 4\n',
  'a: {"b":1, \'c\':2}\n', 'a: {b:1}\n', 'a: [b:1]\n', 'a: [b: 1]\n', 'a: [b, ]\n', 'a: ["b" c]\n', 'k' + 'x'.repeat(1100) + ': 1\n', 'a: é\n日本: 😀\n',
  'a: -\n', 'a: - b\n', 'a: -b\n', '- -1\n- - -2\n', 'a: |2\n   x\n', 'a: |+\n  x\n\n', 'a: >1\n  x\n', 'a:    \n  b\n', 'a: # c\n  b: 1\n',
];
