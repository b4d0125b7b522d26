import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../src/compiler/diagnostics.js';
import { parseSource } from '../src/compiler/parse.js';
import { SourceFile } from '../src/compiler/source.js';
import { readFast } from '../src/compiler/yaml-fast.js';
import type { YamlRead } from '../src/compiler/yaml-read.js';
import { pipelineYaml } from '../bench/workspace.mjs';
import { ROOT } from './support/cli.js';
import { mutants, prng } from './support/mutate.js';
import { EDGE_CASES, generateYaml } from './support/yaml-generate.js';
import { reference } from './support/yaml-reference.js';
import { yamlFiles } from './support/yaml-files.js';

/**
 * The fast YAML reader against the yaml package's path (parse.ts without the fast reader): wherever
 * the fast reader answers, its data (values, key order), kept texts and duplicate keys are exactly
 * the yaml path's, and the yaml path finds nothing else. Inputs: every YAML file of the repository
 * (examples, fixtures, goldens, init templates), the YAML written inside the tests, the benchmark's
 * pipelines, seeded generated documents, and seeded mutants of all of them.
 */


/** YAML written in the tests' template literals (those without substitutions). */
function testYaml(): string[] {
  const out: string[] = [];
  for (const f of readdirSync(join(ROOT, 'test'), { recursive: true }) as string[]) {
    if (!f.endsWith('.ts')) continue;
    const src = readFileSync(join(ROOT, 'test', f), 'utf8');
    for (const m of src.matchAll(/`([^`$\\]*\n[^`$\\]*)`/g)) if (/^\s*[\w-]+:/m.test(m[1] as string)) out.push(m[1] as string);
  }
  return out;
}

const FILES = yamlFiles(ROOT);
const CORPUS: Array<{ name: string; text: string }> = [
  // decodeSource drops a leading byte order mark before parsing.
  ...FILES.map((f) => ({ name: relative(ROOT, f), text: readFileSync(f, 'utf8').replace(/^\uFEFF/, '') })),
  ...testYaml().map((text, i) => ({ name: `test literal ${i}`, text })),
  ...Array.from({ length: 8 }, (_, i) => ({ name: `bench pipeline ${i}`, text: pipelineYaml(i) })),
  ...EDGE_CASES.map((text, i) => ({ name: `edge case ${i}`, text })),
];

/** What is different between the fast reader's answer and the yaml path's; '' when they agree. */
function difference(text: string, fast: YamlRead): string {
  const ref = reference(text);
  if (ref === 'error') return 'the yaml path reports a finding the fast reader did not';
  if (JSON.stringify(fast.duplicates) !== JSON.stringify(ref.duplicates)) return `duplicates ${JSON.stringify(fast.duplicates)} != ${JSON.stringify(ref.duplicates)}`;
  if (JSON.stringify(fast.unsupported) !== JSON.stringify(ref.unsupported)) return `unsupported ${JSON.stringify(fast.unsupported)} != ${JSON.stringify(ref.unsupported)}`;
  const a = canon(fast.value);
  const b = canon(ref.value);
  if (a !== b) return `value ${a} != ${b}`;
  const kept = JSON.stringify([...fast.kept].sort());
  if (kept !== JSON.stringify([...ref.kept].sort())) return `kept ${kept} != ${JSON.stringify([...ref.kept].sort())}`;
  return '';
}

/** Exact text of plain data: types, key order, -0 and NaN included. */
function canon(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.keys(v).map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k])}`).join(',')}}`;
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  return `${typeof v}:${JSON.stringify(v)}`;
}

/** Character edits around YAML's significant characters (mutate.ts makes the line-level ones). */
function charMutants(text: string, seed: number, count: number): string[] {
  const rnd = prng(seed);
  const chars = [' ', ' ', '\n', '\r', '\r\n', ':', '-', '#', "'", '"', '[', ']', '{', '}', ',', '|', '>', '?', '&', '*', '!', '0', '.', 'e', '\\', '\t', '~', '  '];
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    let t = text;
    const edits = 1 + Math.floor(rnd() * 2);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(rnd() * (t.length + 1));
      const r = rnd();
      if (r < 0.5) t = t.slice(0, at) + (chars[Math.floor(rnd() * chars.length)] as string) + t.slice(at);
      else if (r < 0.8) t = t.slice(0, at) + t.slice(at + 1);
      else t = t.slice(0, at) + t.slice(at + 1, at + 2) + t.slice(at, at + 1) + t.slice(at + 2);
    }
    out.push(t);
  }
  return out;
}

/** Runs the comparison over inputs; returns failures (at most 10) and how many the fast reader answered. */
function compare(inputs: Iterable<{ name: string; text: string }>): { failures: string[]; answered: number; total: number } {
  const failures: string[] = [];
  let answered = 0;
  let total = 0;
  for (const { name, text } of inputs) {
    total++;
    const fast = readFast(text);
    if (!fast) continue;
    answered++;
    const diff = difference(text, fast);
    if (diff && failures.length < 10) failures.push(`${name}: ${diff}\n--- input ---\n${text.length > 1200 ? `${text.slice(0, 1200)}...` : text}\n---`);
  }
  if (process.env.PIPEC_FAST_STATS) console.log(`answered ${answered} of ${total}`);
  return { failures, answered, total };
}

describe('fast YAML reader (yaml-fast.ts) against the yaml package path', () => {
  it('has a corpus: examples, fixtures, goldens, test literals', () => {
    expect(FILES.filter((f) => f.includes('/examples/')).length).toBeGreaterThan(15);
    expect(CORPUS.length).toBeGreaterThan(300);
  });

  it('answers for every example and every valid fixture, with the yaml path data', () => {
    // Anchors and aliases are the yaml package's to read.
    const must = CORPUS.filter((c) => (/^(examples|test\/fixtures\/ok)\//.test(c.name) && !c.name.includes('anchors')) || c.name.startsWith('bench'));
    const unanswered = must.filter((c) => readFast(c.text) === undefined || readFast(c.text.replace(/\n/g, '\r\n')) === undefined).map((c) => c.name);
    expect(unanswered).toEqual([]);
    expect(compare(must).failures).toEqual([]);
  });

  it('declines what only the yaml package reads or reports', () => {
    const declined = ['a: &x 1\nb: *x\n', 'a: !Ref x\n', '%YAML 1.2\n---\na: 1\n', 'a: 1\n---\nb: 2\n', 'a: 1\n...\n', 'a:\n\tb: 1\n',
      'a: x\n  y\n', 'a: "x\n  y"\n', '? a\n: b\n', '[a]: 1\n', 'a:\n  b: 1\n c: 2\n', 'a: b: c\n', 'a: |+\n  x\n', '---\n', '~\n', 'a: {b: c}d\n', 'a: 1\rb: 2\n'];
    expect(declined.filter((t) => readFast(t) !== undefined)).toEqual([]);
  });

  it('agrees on every file and test literal of the repository, also with CR LF line ends', () => {
    const r = compare([...CORPUS, ...CORPUS.map((c) => ({ name: `${c.name} (CR LF)`, text: c.text.replace(/\n/g, '\r\n') }))]);
    expect(r.failures).toEqual([]);
    expect(r.answered).toBeGreaterThan(r.total / 2);
  });

  it('agrees on seeded generated documents', () => {
    const docs = Array.from({ length: 3000 }, (_, i) => ({ name: `generated ${i}`, text: generateYaml(20261202 + i) }));
    for (let i = 0; i < 500; i++) docs.push({ name: `generated ${i} (CR LF)`, text: generateYaml(20261202 + i).replace(/\n/g, '\r\n') });
    const r = compare(docs);
    expect(r.failures).toEqual([]);
    expect(r.answered).toBeGreaterThan(docs.length / 4);
  });

  it('parse gives the same data, kept texts and diagnostics (positions included) with and without it', () => {
    const inputs = [...CORPUS, ...Array.from({ length: 400 }, (_, i) => ({ name: `generated ${i}`, text: generateYaml(4000 + i) }))];
    CORPUS.forEach((c, i) => charMutants(c.text, 3000 + i, 2).forEach((text, n) => inputs.push({ name: `${c.name} char mutant ${n}`, text })));
    // Windows line ends: findings' offsets count the CRs.
    CORPUS.forEach((c) => inputs.push({ name: `${c.name} (CR LF)`, text: c.text.replace(/\n/g, '\r\n') }));
    inputs.push({ name: 'duplicates (CR LF)', text: 'a: 1\r\nb:\r\n  c: 2\r\n  c: 3\r\na: 4\r\n<<: 5\r\n' });
    const failures: string[] = [];
    for (const { name, text } of inputs) {
      const [a, b] = [readFast, undefined].map((fast) => {
        const file = new SourceFile('pipeline.yml', text);
        const diags = new Diagnostics();
        const parsed = parseSource(file, diags, fast);
        const findings = diags.list.map((d) => ({ code: d.code, message: d.message, at: d.span ? [d.span.start, d.span.end] : null, notes: d.notes.map((n) => [n.message, n.span?.start, n.span?.end]), suggestion: d.suggestion }));
        return JSON.stringify({ value: parsed ? canon(parsed.value) : null, kept: [...(file.kept ?? [])].sort(), findings });
      });
      if (a !== b && failures.length < 10) failures.push(`${name}:\n  fast: ${a}\n  yaml: ${b}`);
    }
    expect(failures).toEqual([]);
  });

  it('agrees on seeded mutants of the corpus and of generated documents', () => {
    const inputs: Array<{ name: string; text: string }> = [];
    CORPUS.forEach((c, i) => {
      for (const [n, m] of mutants(c.text, 7000 + i, 6).entries()) inputs.push({ name: `${c.name} mutant ${n} (${m.edits.join(', ')})`, text: m.text });
      for (const [n, t] of charMutants(c.text, 9000 + i, 6).entries()) inputs.push({ name: `${c.name} char mutant ${n}`, text: t });
    });
    for (let i = 0; i < 1500; i++) for (const [n, t] of charMutants(generateYaml(500 + i), 100 + i, 4).entries()) inputs.push({ name: `generated ${i} char mutant ${n}`, text: t });
    const r = compare(inputs);
    expect(r.failures).toEqual([]);
    expect(r.answered).toBeGreaterThan(inputs.length / 5);
  }, 120_000);
});
