import { spawnSync, type SpawnSyncOptionsWithStringEncoding, type SpawnSyncReturns } from 'node:child_process';

/**
 * The external tools the suite holds pipec's output against (README, "Requirements"; .ci/run
 * installs them). When one is missing, the tests that need it fail with one line naming the tool
 * and how to install it, instead of an assertion about what a process that never ran printed.
 * Every test or support module that starts one of them goes through runTool() or missingTool().
 */

interface Tool {
  /** How the message names it. */
  name: string;
  install: string;
}

const TOOLS = {
  python3: { name: 'python3', install: 'install Python 3.11 and put python3 on PATH' },
  'cfn-lint': { name: 'cfn-lint', install: 'pip install cfn-lint==1.51.0' },
  aws: { name: 'the AWS CLI (aws, Python package awscli)', install: 'pip install awscli==1.45.11' },
  moto: { name: 'moto (the AWS emulator the tests run on 127.0.0.1)', install: "pip install 'moto[server]==5.2.1'" },
} satisfies Record<string, Tool>;

/** A tool the suite uses. */
export type ToolName = keyof typeof TOOLS;

/** Python modules, as an ImportError names them, and the tool that brings each. */
const MODULES: Record<string, ToolName> = { moto: 'moto', flask: 'moto', flask_cors: 'moto', werkzeug: 'moto', awscli: 'aws', botocore: 'aws', cfnlint: 'cfn-lint' };

/** A missing tool: its message is the whole report (no stack: the stack says nothing about the fix). */
export class MissingToolError extends Error {
  constructor(readonly tool: ToolName) {
    super(`${TOOLS[tool].name} is not installed (or not on PATH): ${TOOLS[tool].install}; the tests need it (README, "Requirements")`);
    this.name = 'MissingToolError';
    this.stack = `${this.name}: ${this.message}`;
  }
}

/**
 * The missing tool behind a failed start, if that is what it was: a spawn error ENOENT for
 * `command` (an executable not on PATH), or Python's "No module named 'X'" for a module in MODULES.
 */
export function missingTool(command: string, error?: unknown, stderr = ''): MissingToolError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' && command in TOOLS) return new MissingToolError(command as ToolName);
  const module = /No module named '([\w.]+)'/.exec(stderr)?.[1]?.split('.')[0];
  if (module !== undefined && module in MODULES) return new MissingToolError(MODULES[module] as ToolName);
  return undefined;
}

/**
 * spawnSync for an external tool (utf8): throws MissingToolError when the tool (or the Python
 * module it runs) is not installed; any other outcome is returned for the test to judge.
 */
export function runTool(command: ToolName, args: readonly string[], opts: Omit<SpawnSyncOptionsWithStringEncoding, 'encoding'> = {}): SpawnSyncReturns<string> {
  const r = spawnSync(command, args, { maxBuffer: 64 * 1024 * 1024, ...opts, encoding: 'utf8' });
  const missing = missingTool(command, r.error, r.stderr ?? '');
  if (missing) throw missing;
  if (r.error) throw new Error(`${command} ${args.join(' ')} did not run: ${r.error.message}`);
  return r;
}
