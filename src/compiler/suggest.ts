/**
 * Edit distance where swapping two neighbouring letters counts as one edit (`biuld` -> `build`),
 * bounded: returns max+1 as soon as the distance must exceed max.
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, (before[j - 2] ?? 0) + 1);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    before = prev;
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** The closest candidate to `word` if it is near enough to be a likely typo, else undefined. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  const max = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDist = max + 1;
  for (const c of candidates) {
    if (c === word) continue;
    const cl = c.toLowerCase();
    const d = cl === lower || cl.replace(/[-_]/g, '') === lower.replace(/[-_]/g, '') ? 0 : editDistance(lower, cl, max);
    if (d < bestDist || (d === bestDist && best !== undefined && c < best)) {
      best = c;
      bestDist = d;
    }
  }
  return bestDist <= max ? best : undefined;
}

/** "a, b or c" for messages that list the valid choices. */
export function choices(items: readonly string[], quote = true): string {
  const q = items.map((s) => (quote ? `'${s}'` : s));
  if (q.length <= 1) return q.join('');
  return `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}`;
}
