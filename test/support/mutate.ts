/**
 * Seeded mutations of YAML text for the fuzz test: the edits a hurried user makes (a line lost,
 * doubled or moved, a character dropped or swapped, indentation off by one, a tab, a scalar retyped).
 * Deterministic: the same seed gives the same inputs on every machine.
 */

/** A small deterministic PRNG (mulberry32); returns floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Mutation {
  name: string;
  apply(text: string, rnd: () => number): string;
}

const pick = <T>(list: readonly T[], rnd: () => number): T => list[Math.floor(rnd() * list.length)] as T;
const index = (n: number, rnd: () => number): number => Math.floor(rnd() * n);

function onLines(text: string, edit: (lines: string[], rnd: () => number) => void, rnd: () => number): string {
  const lines = text.split('\n');
  edit(lines, rnd);
  return lines.join('\n');
}

/** Lines with something on them (not blank, not a comment): editing those changes the document. */
function contentLines(lines: readonly string[]): number[] {
  const out: number[] = [];
  lines.forEach((l, i) => {
    if (l.trim() !== '' && !l.trim().startsWith('#')) out.push(i);
  });
  return out.length > 0 ? out : [0];
}

// Values that change a scalar's type, or a collection's, or make it empty or odd.
const RETYPED = ['42', '-1', '0', '3.10', '1e400', 'true', 'no', 'null', '~', '""', "''", '[]', '{}', '[a, b]', '{ a: 1 }', '[1, [2, [3]]]', '"x"', '!!binary aGk=', '&a x', '*nope', '!Ref X', '2026-12-01', '0x1F', '.inf', '- x', 'a: b: c', '"\\u0000"', 'x'.repeat(2000)];

export const MUTATIONS: readonly Mutation[] = [
  { name: 'delete a line', apply: (t, r) => onLines(t, (l, rr) => void l.splice(pick(contentLines(l), rr), 1), r) },
  {
    name: 'duplicate a line',
    apply: (t, r) =>
      onLines(t, (l, rr) => {
        const i = pick(contentLines(l), rr);
        l.splice(i, 0, l[i] as string);
      }, r),
  },
  {
    name: 'swap two lines',
    apply: (t, r) =>
      onLines(t, (l, rr) => {
        const c = contentLines(l);
        const i = pick(c, rr);
        const j = pick(c, rr);
        [l[i], l[j]] = [l[j] as string, l[i] as string];
      }, r),
  },
  {
    name: 'indent a line',
    apply: (t, r) =>
      onLines(t, (l, rr) => {
        const i = pick(contentLines(l), rr);
        l[i] = pick([' ', '  ', '    ', '\t'], rr) + l[i];
      }, r),
  },
  {
    name: 'dedent a line',
    apply: (t, r) =>
      onLines(t, (l, rr) => {
        const i = pick(contentLines(l), rr);
        l[i] = (l[i] as string).replace(pick([/^ /, /^ {2}/, /^ +/], rr), '');
      }, r),
  },
  {
    name: 'replace indentation with a tab',
    apply: (t, r) =>
      onLines(t, (l, rr) => {
        const i = pick(contentLines(l), rr);
        l[i] = (l[i] as string).replace(/^ {2}/, '\t');
      }, r),
  },
  {
    name: 'delete a character',
    apply: (t, r) => {
      const i = index(t.length, r);
      return t.slice(0, i) + t.slice(i + 1);
    },
  },
  {
    name: 'duplicate a character',
    apply: (t, r) => {
      const i = index(t.length, r);
      return t.slice(0, i) + t.slice(i, i + 1) + t.slice(i);
    },
  },
  {
    name: 'swap two characters',
    apply: (t, r) => {
      const i = index(Math.max(1, t.length - 1), r);
      return t.slice(0, i) + t.slice(i + 1, i + 2) + t.slice(i, i + 1) + t.slice(i + 2);
    },
  },
  {
    name: 'insert a YAML character',
    apply: (t, r) => {
      const i = index(t.length + 1, r);
      return t.slice(0, i) + pick([':', '-', '[', ']', '{', '}', '"', "'", '#', '&', '*', '!', '|', '>', '%', '@', '`', ',', '?', '\t', '\n', ' ', '\u00a0', '\ufeff'], r) + t.slice(i);
    },
  },
  {
    name: 'retype a scalar',
    apply: (t, r) =>
      onLines(t, (l, rr) => {
        const withValue = contentLines(l).filter((i) => /:\s*\S/.test(l[i] as string) || /^\s*- \S/.test(l[i] as string));
        if (withValue.length === 0) return;
        const i = pick(withValue, rr);
        const line = l[i] as string;
        const m = /^(\s*(?:- )?[^:#]*:\s*)(.*)$/.exec(line) ?? /^(\s*- )(.*)$/.exec(line);
        if (m) l[i] = `${m[1]}${pick(RETYPED, rr)}`;
      }, r),
  },
  {
    name: 'retype a list item or key',
    apply: (t, r) =>
      onLines(t, (l, rr) => {
        const i = pick(contentLines(l), rr);
        l[i] = (l[i] as string).replace(/^(\s*)(- )?([A-Za-z][\w-]*)/, (_m, sp: string, dash: string | undefined, key: string) => `${sp}${dash ?? ''}${pick([key.toUpperCase(), `${key}s`, key.slice(1), '42', 'null', '<<', '__proto__', 'constructor', 'toString', key.replace(/-/g, '_')], rr)}`);
      }, r),
  },
];

/** `count` mutants of `text`, each one to three mutations deep, with the names of the mutations applied. */
export function mutants(text: string, seed: number, count: number): Array<{ text: string; edits: string[] }> {
  const rnd = prng(seed);
  const out: Array<{ text: string; edits: string[] }> = [];
  for (let n = 0; n < count; n++) {
    let t = text;
    const edits: string[] = [];
    const depth = 1 + Math.floor(rnd() * 3);
    for (let d = 0; d < depth; d++) {
      const m = pick(MUTATIONS, rnd);
      t = m.apply(t, rnd);
      edits.push(m.name);
    }
    out.push({ text: t, edits });
  }
  return out;
}
