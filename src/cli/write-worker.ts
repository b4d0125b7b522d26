// The writer thread of a large `pipec compile` (see write-thread.ts): stages each pipeline's files
// into the staging directory, in the order they come, and answers on its port what staging did. It
// loads the stage's code only, none of the compiler. After the first failure it writes nothing more
// (OutputStage.put's rule); once the main thread sets STOP (the run is being abandoned) it writes
// nothing more either, and BUSY tells the main thread when a pipeline's writes are under way; BATCHES
// counts the batches answered, which the main thread waits on when too much is not written yet.
import { parentPort, workerData } from 'node:worker_threads';
import { OutputError } from './output-path.js';
import { stagePipeline } from './output-stage.js';
import { BATCHES, BUSY, STOP, type WriteItem, type WriteReply, type WriteRequest, type WriterInput } from './write-thread.js';

const { plan, control, replies } = workerData as WriterInput;
let failed = false;
/** The answers of the batch at hand, sent together when it is done. */
let answers: WriteReply[] = [];
const answer = (r: WriteReply): void => {
  answers.push(r);
};
parentPort?.on('message', (m: WriteRequest) => {
  if ('end' in m) {
    parentPort?.close();
    replies.close();
    return;
  }
  try {
    for (const item of m.batch) stage(item);
  } finally {
    // The answers first: the main thread takes them once it sees the count go up.
    replies.postMessage(answers);
    answers = [];
    Atomics.add(control, BATCHES, 1);
    Atomics.notify(control, BATCHES);
  }
});

/** Stages one pipeline and answers what it did. */
function stage(m: WriteItem): void {
  if (failed) return answer({ id: m.id, skipped: true });
  // BUSY before STOP is read: the main thread sets STOP before it reads BUSY, so one of the two sees the other.
  Atomics.store(control, BUSY, 1);
  try {
    if (Atomics.load(control, STOP) === 1) return answer({ id: m.id, skipped: true });
    try {
      answer({ id: m.id, unchanged: stagePipeline(plan, m.pipeline, m.files).unchanged });
    } catch (e) {
      if (!(e instanceof OutputError)) throw e;
      failed = true;
      answer({ id: m.id, failure: e.message });
    }
  } finally {
    Atomics.store(control, BUSY, 0);
    Atomics.notify(control, BUSY);
  }
}
