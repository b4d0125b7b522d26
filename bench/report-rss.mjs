// Preloaded with --import by bench/measure.mjs where GNU time is missing: writes the process's
// peak resident memory (KiB) to the file named by PIPEC_BENCH_RSS_FILE when it exits.
import { writeFileSync } from 'node:fs';

const file = process.env.PIPEC_BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
