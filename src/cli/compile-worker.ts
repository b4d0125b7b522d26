// A worker thread of `pipec compile`/`validate` on a large workspace (see compile-workspace.ts): takes
// the next file not yet taken, compiles and emits it, and posts the result as data, until none is left.
import { parentPort, workerData } from 'node:worker_threads';
import { compileFileUnit } from '../compiler/compile.js';
import { SourceFile } from '../compiler/source.js';
import { targetByName, type Target } from '../targets/index.js';
import { emitUnit, toWire, type WorkerInput, type WorkerMessage } from './compile-unit.js';

const input = workerData as WorkerInput;
const targets = input.targets.map((n) => targetByName(n)).filter((t): t is Target => t !== undefined);
const post = (m: WorkerMessage): void => parentPort?.postMessage(m);
for (let i = Atomics.add(input.counter, 0, 1); i < input.files.length; i = Atomics.add(input.counter, 0, 1)) {
  const f = input.files[i] as { path: string; text: string };
  const unit = compileFileUnit(new SourceFile(f.path, f.text));
  post({ index: i, unit: toWire(unit, emitUnit(unit, targets, input.options)) });
}
post({ done: true });
