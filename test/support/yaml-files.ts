import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every .yml/.yaml file under `dir`, in name order, leaving out node_modules, dist and dot folders. */
export function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    if (e === 'node_modules' || e === 'dist' || e.startsWith('.')) continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(e)) out.push(p);
  }
  return out;
}
