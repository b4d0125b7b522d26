// A worker thread of `pipec compile`/`validate` on a large workspace (see compile-pool.ts): takes the
// next task (a file, or a part of a large one) not yet taken, compiles and emits it, writes its pipelines' files into the staging
// directory itself, and posts back only what the merge needs (diagnostics, names, what was staged),
// until no file is left. It loads the compiler and the targets, not the rest of the CLI.
import { parentPort, workerData } from 'node:worker_threads';
import { SourceFile } from '../compiler/source.js';
import { targetByName, type Target } from '../targets/index.js';
import { taskRunner, toWire, type EmitSink, type Task, type WorkerInput, type WorkerMessage } from './compile-unit.js';
import { OutputError } from './output-path.js';
import { stagePipeline } from './output-stage.js';

const input = workerData as WorkerInput;
const targets = input.targets.map((n) => targetByName(n)).filter((t): t is Target => t !== undefined);
const post = (m: WorkerMessage): void => parentPort?.postMessage(m);
let failure: string | undefined;
const plan = input.stage;
const sink: EmitSink = {
  keep: input.keep,
  ...(input.wanted ? { wanted: new Set(input.wanted) } : {}),
  ...(plan
    ? {
        stage: (pipeline, files) => {
          if (failure !== undefined) return undefined;
          try {
            return stagePipeline(plan, pipeline, files);
          } catch (e) {
            if (!(e instanceof OutputError)) throw e;
            failure = e.message;
            return undefined;
          }
        },
      }
    : {}),
};
// The file of the task at hand, made once for all the parts of it this thread takes.
let current: { index: number; file: SourceFile } | undefined;
const fileOf = (index: number): SourceFile => {
  if (current?.index !== index) {
    const f = input.files[index] as { path: string; text: string };
    current = { index, file: new SourceFile(f.path, f.text) };
  }
  return current.file;
};
const run = taskRunner(fileOf, targets, input.options, sink);
for (let i = Atomics.add(input.counter, 0, 1); i < input.tasks.length; i = Atomics.add(input.counter, 0, 1)) {
  const before = failure;
  const { unit, emission } = run(input.tasks[i] as Task);
  post({ index: i, unit: toWire(unit, emission, before === undefined ? failure : undefined) });
}
post({ done: true });
