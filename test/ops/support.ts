import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import type { RunResult } from '../support/cli.js';
import { expectGolden } from '../support/golden.js';
import { awsTestEnv, startMoto, type Moto } from '../support/moto.js';
import { provisionDependencies } from '../live/support.js';

const here = dirname(fileURLToPath(import.meta.url));

/** The virtual time the emulator's clock starts at in these tests: 2027-01-15T08:00:00Z. */
export const T0 = Date.UTC(2027, 0, 15, 8, 0, 0) / 1000;

/**
 * moto with the execution emulator (test/support/codepipeline_executions.py), its clock frozen
 * and moved only by the tests: by `advance`, or by pipec's own waits between looks (the
 * in-process runner's `sleep` advances it), so every run is fast and prints the same bytes.
 */
export interface Emulator {
  moto: Moto;
  endpoint: string;
  /** The virtual time, in seconds. */
  now: number;
  control(path: string, body?: Record<string, unknown>): Promise<Record<string, unknown>>;
  advance(seconds: number): Promise<void>;
  inject(pipeline: string, stage: string, action: string, fault: { errorCode?: string; message?: string; times?: number; durationSeconds?: number; externalExecutionUrl?: string }): Promise<void>;
  /** Empties moto and the emulator, freezes the clock at T0 and creates what the pipelines rely on. */
  reset(): Promise<void>;
}

/** Starts moto with the emulator. */
export async function startEmulator(): Promise<Emulator> {
  const moto = await startMoto({ accountId: '111111111111' });
  const emu: Emulator = {
    moto,
    endpoint: moto.endpoint,
    now: T0,
    async control(path, body = {}) {
      const res = await fetch(`${moto.endpoint}/_pipec/${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      const out = (await res.json()) as Record<string, unknown>;
      if (!res.ok) throw new Error(`emulator control ${path}: ${JSON.stringify(out)}`);
      if (typeof out.now === 'number') emu.now = out.now;
      return out;
    },
    async advance(seconds) {
      await emu.control('clock', { advance: seconds });
    },
    async inject(pipeline, stage, action, fault) {
      await emu.control('inject', { pipeline, stage, action, ...fault });
    },
    async reset() {
      await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
      await emu.control('reset');
      await emu.control('clock', { mode: 'manual', now: T0 });
      // what the workspace's pipelines rely on (role, artifact bucket, CodeBuild projects), which a real account has
      await provisionDependencies(moto.endpoint, join(here, 'workspace'));
    },
  };
  return emu;
}

/** Runs pipec in this process against the emulator, its clock being the emulator's. */
export async function ops(emu: Emulator, args: string[], opts: { cwd: string; tty?: boolean; input?: string; env?: Record<string, string | undefined> }): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const stdin = new PassThrough();
  if (opts.input !== undefined) stdin.end(opts.input);
  const code = await main(args, {
    cwd: opts.cwd,
    env: { ...awsTestEnv(emu.endpoint), ...opts.env },
    stdout: { write: (s: string) => (stdout += s), isTTY: opts.tty ?? false },
    stderr: { write: (s: string) => (stderr += s), isTTY: opts.tty ?? false },
    stdinIsTTY: opts.tty ?? false,
    stdin,
    now: () => Math.round(emu.now * 1000),
    sleep: (ms) => emu.advance(ms / 1000),
  });
  return { code, stdout, stderr };
}

/** Compares text with test/ops/golden/NAME (`npm run snapshots:update` rewrites it). */
export function golden(name: string, text: string): void {
  expectGolden(join(here, 'golden', name), text);
}

/** The workspace of these tests: test/ops/workspace (pipelines/shop.yml and pipelines/feed.yml). */
export const WORKSPACE = join(here, 'workspace');
