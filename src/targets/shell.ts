/**
 * Words of the shell commands pipec prints for users to paste (the deploy commands in stack
 * headers, plan's commands for another account): a word that bash would split, expand or glob is
 * single-quoted, so the command runs verbatim whatever a tag value or parameter holds.
 */

/** Characters that bash passes through unquoted and unchanged. */
const PLAIN = /^[A-Za-z0-9_.,:/=+@%-]+$/;

/** `s` as one bash word: as is when plain, else single-quoted (a `'` written as `'\''`). */
export function shellWord(s: string): string {
  return PLAIN.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The `--tags` words of `aws cloudformation deploy` for these tags, or nothing when there are none.
 * The AWS CLI splits each word at its first `=`, so a key holding `=` cannot be passed this way:
 * those are returned apart, for the caller to say so.
 */
export function deployTagArgs(tags: ReadonlyArray<{ key: string; value: string }>): { args: string[]; unpassable: string[] } {
  const passable = tags.filter((t) => !t.key.includes('='));
  const words = passable.map((t) => shellWord(`${t.key}=${t.value}`));
  return { args: words.length > 0 ? [`--tags ${words.join(' ')}`] : [], unpassable: tags.filter((t) => t.key.includes('=')).map((t) => t.key) };
}
