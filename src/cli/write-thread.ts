import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MessagePort, Worker } from 'node:worker_threads';
import type { OutputStage, Staged, StagedFile, StagePlan } from './output-stage.js';

/** The writer thread's entry: beside this module in dist/cli/ and in the bundle. */
const WRITER = new URL('./write-worker.js', import.meta.url);

/**
 * Slots of the control array the two threads share: STOP set by this thread, BUSY by the writer while
 * it writes a pipeline, BATCHES the batches the writer has answered (after it posted their answers).
 */
export const STOP = 0;
export const BUSY = 1;
export const BATCHES = 2;

/** What the writer thread is given: where files go, the control array, and the port it answers on. */
export interface WriterInput {
  plan: StagePlan;
  control: Int32Array;
  replies: MessagePort;
}

/** One pipeline's files to stage (`id`: the order it was asked in). */
export interface WriteItem {
  id: number;
  pipeline: string;
  files: readonly StagedFile[];
}

/** Pipelines to stage, in order, or the end of the run. */
export type WriteRequest = { batch: WriteItem[] } | { end: true };

/**
 * Pipelines are handed over in batches of about this many bytes of files: a message wakes the writer
 * (a system call on each side), and 1,000 of them cost more than the writes of a small pipeline.
 */
const BATCH_BYTES = 256 * 1024;

/**
 * Bytes of files handed over and not yet written (held here until then, and in the message queue) past which `put` waits for the writer: a slow disk
 * would otherwise keep every file of the run in memory (one thread writes each as it is made). It is
 * the writer then that the run waits for anyway. A writer that makes no progress for STALL_MS is left
 * behind (finish stages what it did not), so a writer that died cannot hang the run.
 */
const MAX_IN_FLIGHT = 4 * 1024 * 1024;
const STALL_MS = 5000;

/**
 * The writer's young generation, in MiB: what it receives dies as soon as it is written, so a small
 * one is collected often and cheaply, where V8's default (up to 3 x 16 MiB) would add its size to the
 * process's peak memory.
 */
const YOUNG_MB = 4;

/** Atomics.waitAsync (Node 16 and later; not in the ES2023 lib's types). */
const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, index: number, value: number): { async: boolean; value: Promise<string> | string } }).waitAsync;

/** What staging a pipeline did: whether its directory already held exactly its files, or the failure (OutputError's message), or nothing (a write before it failed, or the run stopped). */
export type WriteReply = { id: number; unchanged: boolean } | { id: number; failure: string } | { id: number; skipped: true };

/** A pipeline handed to the writer, kept until it answers (so this thread can stage it itself if the writer stops). */
interface Pending {
  pipeline: string;
  files: readonly StagedFile[];
  staged: Staged;
}

/**
 * A thread that writes a run's files into the staging directory while this one goes on compiling
 * (`pipec compile` on one compile thread). Writing is system calls (mkdir, open, write, close: a
 * third of a large compile's CPU on this thread with every target), which need none of the compiler,
 * so the thread loads only the stage's code and warms up nothing: it costs ~60 ms of CPU to start,
 * and takes the writes off the thread the run waits for (BENCHMARKS.md, "Writer thread").
 *
 * `put` answers at once with what staging will have done (its paths; `unchanged` is filled in by
 * `finish`); the writer stages pipelines in the order they were put, stopping at the first failure
 * as OutputStage.put does, so what is written and which failure is reported are one thread's. If the
 * writer stops unexpectedly, `finish` stages what it had not done on this thread.
 */
export class StageWriter {
  private next = 0;
  private batch: WriteItem[] = [];
  private batchBytes = 0;
  /** Bytes of each batch sent, in order, from the first the writer has not answered. */
  private inFlight: number[] = [];
  private inFlightBytes = 0;
  private answered = 0;
  /** Batches posted to the writer. */
  private sent = 0;
  private stalled = false;
  private gone = false;
  private readonly pending = new Map<number, Pending>();
  private readonly failed = new Set<Staged>();
  private failure: string | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly stage: OutputStage,
    private readonly worker: Worker,
    private readonly replies: MessagePort,
    private readonly control: Int32Array,
    private readonly receive: (port: MessagePort) => { message: unknown } | undefined,
  ) {
    this.exited = new Promise((resolve) => {
      // An error is the writer stopping (finish stages what it had not done); the listener keeps it from ending the process.
      worker.on('error', () => undefined);
      worker.on('exit', () => {
        this.gone = true;
        resolve();
      });
    });
    stage.onAbandon(() => this.stop());
  }

  /** Starts the writer for `stage`; undefined when there is no writer entry (run from sources, as the tests do; they may name the bundle's). */
  static async start(stage: OutputStage, entry: URL = WRITER): Promise<StageWriter | undefined> {
    if (!existsSync(fileURLToPath(entry))) return undefined;
    const { Worker, MessageChannel, receiveMessageOnPort } = await import('node:worker_threads');
    const { port1, port2 } = new MessageChannel();
    const control = new Int32Array(new SharedArrayBuffer(12));
    const input: WriterInput = { plan: stage.plan, control, replies: port2 };
    const worker = new Worker(entry, { workerData: input, transferList: [port2], stdout: false, stderr: false, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB } });
    return new StageWriter(stage, worker, port1, control, receiveMessageOnPort);
  }

  /** Hands one pipeline's files to the writer; what staging will have done (undefined once a write has failed, as OutputStage.put). */
  put(pipeline: string, files: readonly StagedFile[]): Staged | undefined {
    this.drain();
    if (this.failure !== undefined) return undefined;
    const id = this.next++;
    const staged: Staged = { paths: files.map((f) => f.path), unchanged: false };
    this.pending.set(id, { pipeline, files, staged });
    this.batch.push({ id, pipeline, files });
    for (const f of files) this.batchBytes += f.content.length;
    if (this.batchBytes >= BATCH_BYTES) this.send();
    return staged;
  }

  /** Hands the batch so far to the writer; first waits while too much is not written yet (MAX_IN_FLIGHT). */
  private send(): void {
    if (this.batch.length === 0) return;
    this.settle();
    while (!this.stalled && this.inFlightBytes + this.batchBytes > MAX_IN_FLIGHT) {
      const seen = this.answered;
      if (Atomics.wait(this.control, BATCHES, seen, STALL_MS) === 'timed-out' && Atomics.load(this.control, BATCHES) === seen) this.stalled = true;
      this.settle();
    }
    this.worker.postMessage({ batch: this.batch } satisfies WriteRequest);
    this.sent++;
    this.inFlight.push(this.batchBytes);
    this.inFlightBytes += this.batchBytes;
    this.batch = [];
    this.batchBytes = 0;
  }

  /** Counts the batches the writer has answered since, and takes their answers (which it posted first). */
  private settle(): void {
    const done = Atomics.load(this.control, BATCHES);
    for (; this.answered < done; this.answered++) this.inFlightBytes -= this.inFlight.shift() ?? 0;
    this.drain();
  }

  /**
   * Waits for the writer to stage everything put, and returns the Staged of the pipelines that were
   * not staged after all (a write failed there or before; the failure is the stage's, for finish).
   */
  async finish(): Promise<ReadonlySet<Staged>> {
    this.send();
    this.worker.postMessage({ end: true } satisfies WriteRequest);
    // Every batch answered, or the writer gone. Not its exit: a thread that ends tears its heap down
    // first, which this one need not wait for (the writer ends by itself, having written everything).
    for (let seen = Atomics.load(this.control, BATCHES); seen < this.sent && !this.gone; seen = Atomics.load(this.control, BATCHES)) {
      const wait = waitAsync(this.control, BATCHES, seen);
      if (wait.async) await Promise.race([wait.value, this.exited]);
    }
    this.drain();
    // Not answered: the writer stopped. Staged here, in order, as one thread would have.
    for (const [, p] of [...this.pending].sort(([a], [b]) => a - b)) {
      const done = this.failure === undefined ? this.stage.put(p.pipeline, p.files) : undefined;
      if (done) p.staged.unchanged = done.unchanged;
      else this.failed.add(p.staged);
    }
    this.pending.clear();
    this.replies.close();
    return this.failed;
  }

  /** Stops the writer before the staging directory is removed (an interrupted or failed run): no file is written after this returns. */
  stop(): void {
    Atomics.store(this.control, STOP, 1);
    while (Atomics.load(this.control, BUSY) === 1) Atomics.wait(this.control, BUSY, 1, 100);
    void this.worker.terminate();
  }

  /** Takes the writer's answers so far. */
  private drain(): void {
    for (let m = this.receive(this.replies); m; m = this.receive(this.replies)) for (const r of m.message as WriteReply[]) this.take(r);
  }

  /** One of the writer's answers. */
  private take(r: WriteReply): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    if ('unchanged' in r) p.staged.unchanged = r.unchanged;
    else {
      this.failed.add(p.staged);
      if ('failure' in r && this.failure === undefined) {
        this.failure = r.failure;
        this.stage.fail(r.failure);
      }
    }
  }
}
