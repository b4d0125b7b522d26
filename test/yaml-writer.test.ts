import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Commented, commented, Fixed, fixed, literalBlock, toJson, toYaml, yamlScalar } from '../src/targets/yaml-writer.js';
import { prng } from './support/mutate.js';
import { referenceToYaml } from './support/yaml-writer-reference.js';

// The rule yamlScalar followed as regular expressions, before it became one pass over the characters:
// the two must agree on every string (the templates' bytes depend on it).
const RESERVED = /^(y|n|yes|no|true|false|on|off|null|~|\.inf|-\.inf|\+\.inf|\.nan|=|<<)$/i;
const PLAIN = /^[A-Za-z_./$][\w./$@%=+()'"`;&|<>*!?^~:#{}[\],\\-]*(?: [\w./$@%=+()'"`;&|<>*!?^~:#{}[\],\\-]+)*$/;
function byRegex(text: string): string {
  if (PLAIN.test(text) && !RESERVED.test(text) && !/: |:$| #|^\.\d/.test(text)) return text;
  return JSON.stringify(text);
}

const WORDS = ['y', 'N', 'yes', 'No', 'TRUE', 'false', 'On', 'oFF', 'null', 'Null', '~', '.inf', '.INF', '-.inf', '+.Inf', '.nan', '.NaN', '=', '<<', '.5', '.x', 'arn:aws:s3:::b/*', '${AWS::Region}', 'a: b', 'a:b', 'a:', 'a #b', 'a#b', '#a', '0x1F', '3.10', '-a', '@a', 'é', 'a\tb', 'a  b', ' a', 'a ', ''];
const ALPHABET = "aZ09_./$@%=+()'\"`;&|<>*!?^~:#{}[],\\- \t\n\r\u0000\u007f\u00e9\ufeff-yesnotrulfainfq";

describe('yamlScalar', () => {
  it('agrees with the regular-expression rule on chosen and on 200,000 generated strings', () => {
    for (const w of WORDS) expect([w, yamlScalar(w)]).toEqual([w, byRegex(w)]);
    const next = prng(14);
    for (let i = 0; i < 200_000; i++) {
      let s = '';
      const n = Math.floor(next() * 8);
      for (let j = 0; j < n; j++) s += next() < 0.1 ? (WORDS[Math.floor(next() * WORDS.length)] as string) : ALPHABET.charAt(Math.floor(next() * ALPHABET.length));
      if (yamlScalar(s) !== byRegex(s)) expect([s, yamlScalar(s)]).toEqual([s, byRegex(s)]);
    }
  });

  it('writes what YAML reads back as the same string', () => {
    for (const w of WORDS) if (!w.includes('\u0000')) expect(parse(`k: ${yamlScalar(w)}`)).toEqual({ k: w });
  });
});

describe('toYaml', () => {
  it('writes mappings, lists, empty collections, comments, literal blocks and scalars', () => {
    const tree = {
      A: 'plain',
      B: commented({ C: [1, true, null, 'x: y'], D: [], E: {} }, 'why\n\nmore'),
      F: [{ G: 'g', H: [['i', 'j'], []] }, commented('k', 'item'), {}, [], 'two\nlines\n'],
      I: undefined,
      J: 'kept\n\n',
    };
    expect(toYaml(tree, 'head')).toBe(
      [
        '# head',
        'A: plain',
        '# why',
        '#',
        '# more',
        'B:',
        '  C:',
        '    - 1',
        '    - true',
        '    - null',
        '    - "x: y"',
        '  D: []',
        '  E: {}',
        'F:',
        '  - G: g',
        '    H:',
        '      -',
        '        - i',
        '        - j',
        '      - []',
        '  # item',
        '  - k',
        '  - {}',
        '  - []',
        '  - |',
        '    two',
        '    lines',
        'J: |+',
        '  kept',
        '',
        '',
      ].join('\n'),
    );
    expect(parse(toYaml(tree))).toEqual({ A: 'plain', B: { C: [1, true, null, 'x: y'], D: [], E: {} }, F: [{ G: 'g', H: [['i', 'j'], []] }, 'k', {}, [], 'two\nlines\n'], J: 'kept\n\n' });
    expect(toYaml({})).toBe('\n');
  });

  it('writes a literal block only for text that reads back the same', () => {
    expect(literalBlock('a\nb', '  ')).toBe('|-\n  a\n  b');
    expect(literalBlock('a\n\nb\n', '  ')).toBe('|\n  a\n\n  b');
    expect(literalBlock(' a\nb', '  ')).toBeUndefined();
    expect(literalBlock('a\r\nb', '  ')).toBeUndefined();
    expect(literalBlock('one line', '  ')).toBeUndefined();
  });

  it('writes what the emitter it replaced wrote, on 20,000 generated trees (Fixed values as their value)', () => {
    const next = prng(1414);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
    const KEYS = ['Type', 'Properties', 'a b', 'x: y', '', 'yes', '#k', 'Fn::Sub', 'é', '0'];
    const TEXTS = ['plain', 'two\nlines', 'trail\n\n', ' lead\nx', 'a\r\nb', '', 'yes', 'arn:${AWS::Partition}:s3:::b/*', 'say "hi"', '#', 'x\n'];
    const COMMENTS = ['why', 'one\ntwo', '', 'a\n\nb'];
    const value = (depth: number): unknown => {
      const r = next();
      if (depth > 4 || r < 0.35) return pick<unknown>([...TEXTS, 1, 0, -2.5, true, false, null, undefined]);
      const v = r < 0.65 ? map(depth + 1) : Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
      const f = next() < 0.2 ? fixed(v) : v;
      return next() < 0.15 ? commented(f, pick(COMMENTS)) : f;
    };
    const map = (depth: number): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      const n = Math.floor(next() * 4);
      for (let i = 0; i < n; i++) out[pick(KEYS)] = next() < 0.1 ? commented(value(depth), pick(COMMENTS)) : value(depth);
      return out;
    };
    for (let i = 0; i < 20_000; i++) {
      const tree = map(0);
      const header = next() < 0.3 ? pick(COMMENTS) : undefined;
      const got = toYaml(tree, header);
      if (got !== referenceToYaml(tree, header)) expect(got).toBe(referenceToYaml(tree, header));
      // a Fixed value is written again from its cache: the same text a second time
      if (toYaml(tree, header) !== got) expect(toYaml(tree, header)).toBe(got);
      const json = toJson(tree);
      if (json !== toJson(plain(tree))) expect(json).toBe(toJson(plain(tree)));
    }
  });
});

/** A tree with its Fixed values replaced by their values (comments kept). */
function plain(v: unknown): unknown {
  if (v instanceof Fixed) return plain(v.value);
  if (v instanceof Commented) return commented(plain(v.value), v.comment);
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}
