/** How long ago `then` was, from `now`, in the largest sensible unit: "just now", "45s ago", "3m ago", "2h ago", "4d ago". */
export function ago(then: Date | undefined, now: number): string {
  if (!then) return '';
  const s = Math.max(0, Math.round((now - then.getTime()) / 1000));
  if (s < 5) return 'just now';
  return `${span(s)} ago`;
}

/** A duration between two times, as "45s", "3m 05s", "2h 10m" or "4d 3h". */
export function duration(from: Date | undefined, to: Date | number | undefined): string {
  if (!from || to === undefined) return '';
  const end = typeof to === 'number' ? to : to.getTime();
  return span(Math.max(0, Math.round((end - from.getTime()) / 1000)));
}

function span(s: number): string {
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

/** A timestamp as UTC, to the second: "2027-01-15 08:00:35Z". */
export function utc(d: Date | undefined): string {
  if (!d) return '';
  return `${d.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** A short form of a commit id or execution id for tables (the first 8 characters of a hex id). */
export function short(id: string | undefined): string {
  if (!id) return '';
  return /^[0-9a-f-]{12,}$/i.test(id) ? id.slice(0, 8) : id;
}
