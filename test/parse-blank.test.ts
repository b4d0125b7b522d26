import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onlyBlankOrComments } from '../src/compiler/parse.js';
import { prng } from './support/mutate.js';

// parse.ts's character-code scan for a blank or comment-only file held to the line-by-line version it
// replaced (copied here as it was), on the examples and on generated texts of the characters it looks at.

function oldOnlyBlankOrComments(text: string): boolean {
  for (const line of text.split(/\r\n?|\n/)) {
    const t = line.trimStart();
    if (t !== '' && !t.startsWith('#')) return false;
  }
  return true;
}

/** Line ends, `#`, white space of every kind `\s` matches, and a few others. */
const ALPHABET = [' ', ' ', ' ', '\n', '\n', '\r', '\t', '\v', '\f', '#', '-', '?', '[', ']', '{', '}', '"', "'", '\\', 'a', 'b', ':', '\u00a0', '\u1680', '\u2000', '\u200a', '\u200b', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff', '\u0085', 'é'];

function generated(rnd: () => number, length: number, alphabet: readonly string[]): string {
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
  return s;
}

function texts(): string[] {
  const out: string[] = [];
  const rnd = prng(14);
  for (let i = 0; i < 4000; i++) out.push(generated(rnd, Math.floor(rnd() * 60), ALPHABET));
  // Blank and comment-only texts, which the random ones seldom are.
  const blank = [' ', '\n', '\r', '\r\n', '\t', '\u00a0', '\u2028', '\ufeff', '# x', ' #y', '#\u2028z'];
  for (let i = 0; i < 2000; i++) out.push(generated(rnd, Math.floor(rnd() * 12), rnd() < 0.8 ? blank : [...blank, 'a', '-']));
  const examples = join(__dirname, '..', 'examples');
  for (const dir of readdirSync(examples)) {
    try {
      out.push(readFileSync(join(examples, dir, 'pipeline.yml'), 'utf8'));
    } catch {
      // An example without a pipeline.yml (a workspace of pipelines/).
    }
  }
  return out;
}

describe('parse.ts onlyBlankOrComments', () => {
  const all = texts();

  it('onlyBlankOrComments says what the line-by-line version said', () => {
    let blank = 0;
    for (const t of all) {
      const want = oldOnlyBlankOrComments(t);
      if (want) blank++;
      expect([t, onlyBlankOrComments(t)]).toEqual([t, want]);
    }
    expect(blank).toBeGreaterThan(500);
  });
});
