import { fileURLToPath } from 'node:url';

/**
 * A file the package ships beside dist/ (schema/, templates/), by its path in the package. This
 * module sits two levels below the package root in src/, in dist/ and in the bundle's chunks
 * (dist/bundle/), so one relative URL finds the root from all three.
 */
export function shippedFile(path: string): string {
  return fileURLToPath(new URL(`../../${path}`, import.meta.url));
}
