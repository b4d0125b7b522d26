/**
 * A short, stable hash of a name (FNV-1a, 32 bits, 8 hex digits): what keeps two names apart once
 * a derived AWS name had to shorten or respell them (CodeBuild projects, CloudTrail trails).
 */
export function shortHash(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h.toString(16).padStart(8, '0');
}
