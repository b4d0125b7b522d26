import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BIN, ROOT } from './support/cli.js';
import { startMoto, type Moto } from './support/moto.js';
import { provisionDependencies } from './live/support.js';

/**
 * The package as users get it: `npm pack`, installed from the tarball into an empty folder (offline,
 * from the npm cache), runs `npx pipec validate` and `npx pipec schema`; the GitHub Action's script
 * runs locally with its inputs as environment variables (plan against moto, the pull-request comment
 * to a loopback stand-in for the GitHub API); the pre-commit hook definitions name real commands.
 * `npm test` builds first, so the tarball is packed from that build (--ignore-scripts skips prepack's own).
 */

const GOOD = 'name: web\nrole: arn:aws:iam::111111111111:role/pipeline\nartifacts: acme-artifacts\nsource: codecommit:web@main\nbuild: { commands: [make] }\n';
const BAD = 'name: web\nrole: arn:aws:iam::111111111111:role/pipeline\nartifacts: acme-artifacts\nsource: codecommit:web@main\nbuild: { comands: [make] }\n';
const scratch = mkdtempSync(join(tmpdir(), 'pipec-dist-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * Installs the tarball into `app` from the npm cache alone: npm resolves names through the registry
 * unless a lockfile pins them, so the app gets one made of the tarball and pipec's own lockfile's
 * runtime entries (whose tarballs `npm ci` put in the cache). No network.
 */
function offlineInstall(app: string, tarball: string): void {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, Record<string, unknown>> };
  const own = lock.packages[''] as Record<string, unknown>;
  const bytes = readFileSync(tarball);
  writeFileSync(join(app, 'pipec.tgz'), bytes);
  const packages: Record<string, unknown> = {
    '': { name: 'app', version: '1.0.0', dependencies: { pipec: 'file:pipec.tgz' } },
    'node_modules/pipec': { version: own.version, resolved: 'file:pipec.tgz', integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`, dependencies: own.dependencies, bin: own.bin, engines: own.engines, license: own.license },
  };
  for (const [path, entry] of Object.entries(lock.packages)) if (path !== '' && entry.dev !== true) packages[path] = entry;
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, dependencies: { pipec: 'file:pipec.tgz' } }));
  writeFileSync(join(app, 'package-lock.json'), JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages }));
  execFileSync('npm', ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: app, encoding: 'utf8', stdio: 'pipe' });
}

describe('the npm package', () => {
  let tarball = '';
  let files: string[] = [];
  const app = join(scratch, 'app');
  beforeAll(() => {
    const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], { cwd: ROOT, encoding: 'utf8' });
    const info = JSON.parse(out) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = join(scratch, info[0]?.filename as string);
    files = (info[0]?.files ?? []).map((f) => f.path).sort();
    mkdirSync(app);
    offlineInstall(app, tarball);
  }, 240000);

  it('ships only what runs: the bundle (chunks, their V8 code caches, the CommonJS marker), templates, schema, the action script, LICENSE, README', () => {
    for (const f of files) expect(f, f).toMatch(/^(dist\/bundle\/([^/]+\.js(\.cache)?|package\.json)|templates\/(init\/)?[^/]+\.hbs|schema\/pipeline\.schema\.json|action\/run\.mjs|LICENSE|README\.md|package\.json)$/);
    for (const must of ['dist/bundle/pipec.js', 'dist/bundle/load.js', 'dist/bundle/compile-worker.js', 'dist/bundle/write-worker.js', 'dist/bundle/package.json', 'dist/bundle/model.js.cache', 'schema/pipeline.schema.json', 'templates/buildspec.yml.hbs', 'templates/init/minimal.yml.hbs', 'templates/init/_header.yml.hbs', 'LICENSE']) expect(files).toContain(must);
  });

  it('declares license, repository, homepage and bugs; builds on prepack, not on install; bundled dependencies are not installed again', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string> & string>;
    expect(pkg.license).toBe('MIT');
    expect(pkg.repository).toMatchObject({ type: 'git' });
    expect(typeof pkg.homepage).toBe('string');
    expect(pkg.bugs).toHaveProperty('url');
    expect(pkg.scripts).toHaveProperty('prepack');
    expect(pkg.scripts).not.toHaveProperty('prepare');
    const bundled = (readFileSync(join(ROOT, 'rolldown.config.mjs'), 'utf8').match(/const BUNDLED = \[([^\]]*)\]/)?.[1] ?? '').match(/'([^']+)'/g)?.map((s) => s.slice(1, -1)) ?? [];
    expect(bundled.length).toBeGreaterThan(0);
    for (const b of bundled) {
      expect(Object.keys(pkg.dependencies as object), b).not.toContain(b);
      expect(readdirSync(join(app, 'node_modules'))).not.toContain(b);
    }
  });

  it('npx pipec validate and npx pipec schema work in a folder that only installed the tarball', () => {
    writeFileSync(join(app, 'pipeline.yml'), GOOD);
    const v = spawnSync('npx', ['--offline', 'pipec', 'validate'], { cwd: app, encoding: 'utf8' });
    expect(v.stderr).toBe('');
    expect(v.stdout).toBe('ok: 1 pipeline, no problems\n');
    expect(v.status).toBe(0);
    const s = spawnSync('npx', ['--offline', 'pipec', 'schema'], { cwd: app, encoding: 'utf8' });
    expect(s.status).toBe(0);
    expect(s.stdout).toBe(readFileSync(join(app, 'node_modules', 'pipec', 'schema', 'pipeline.schema.json'), 'utf8'));
    writeFileSync(join(app, 'pipeline.yml'), BAD);
    const bad = spawnSync('npx', ['--offline', 'pipec', 'validate'], { cwd: app, encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("error[PC2001]: unknown key 'comands'");
  });

  it('npx pipec init writes a pipeline file from the shipped templates that npx pipec validate accepts', () => {
    const init = spawnSync('npx', ['--offline', 'pipec', 'init', 'started/pipeline.yml', '--template', 'blue-green-ecs', '--source', 'gitlab:acme/shop@main'], { cwd: app, encoding: 'utf8' });
    expect(init.stderr).toContain('wrote started/pipeline.yml: template blue-green-ecs');
    expect(init.status).toBe(0);
    const v = spawnSync('npx', ['--offline', 'pipec', 'validate', '--strict', 'started/pipeline.yml'], { cwd: app, encoding: 'utf8' });
    expect(v.stdout).toBe('ok: 1 pipeline, no problems\n');
    expect(v.status).toBe(0);
  });
});

describe('the GitHub Action (action.yml), its script run locally', () => {
  let moto: Moto;
  let api: Server;
  let apiUrl = '';
  const requests: Array<{ method: string; url: string; body: string; auth: string }> = [];
  beforeAll(async () => {
    moto = await startMoto({ accountId: '111111111111' });
    api = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        requests.push({ method: req.method ?? '', url: req.url ?? '', body, auth: req.headers.authorization ?? '' });
        res.setHeader('content-type', 'application/json');
        res.end(req.method === 'GET' ? '[]' : '{"id": 1}');
      });
    });
    await new Promise<void>((done) => api.listen(0, '127.0.0.1', done));
    apiUrl = `http://127.0.0.1:${(api.address() as { port: number }).port}`;
  }, 120000);
  afterAll(async () => {
    await moto?.stop();
    await new Promise((done) => api?.close(done));
  });

  // Asynchronous: the stand-in GitHub API answers from this process, which a synchronous spawn would block.
  const runAction = (dir: string, inputs: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> =>
    new Promise((done) => {
      const child = spawn(process.execPath, [join(ROOT, 'action', 'run.mjs')], { cwd: dir, env: { PATH: process.env.PATH, PIPEC: `${process.execPath} ${BIN}`, ...inputs } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.on('close', (status) => done({ status, stdout, stderr }));
    });

  it('action.yml runs the script with every input as an INPUT_ variable', () => {
    const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown>; runs: { steps: Array<{ run: string; env: Record<string, string> }> } };
    const step = action.runs.steps[0] as { run: string; env: Record<string, string> };
    expect(step.run).toContain('action/run.mjs');
    for (const name of Object.keys(action.inputs)) if (name !== 'working-directory' && name !== 'version') expect(step.env, name).toHaveProperty(`INPUT_${name.toUpperCase().replace(/-/g, '_')}`);
  });

  it('validate: problems become annotations, exit 1; nothing is planned', async () => {
    const dir = join(scratch, 'action-bad');
    mkdirSync(dir);
    writeFileSync(join(dir, 'pipeline.yml'), BAD);
    const r = await runAction(dir, { INPUT_PLAN: 'true' });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("::error file=pipeline.yml,line=5,col=10,endLine=5,endColumn=17,title=PC2001 unknown-key::unknown key 'comands'");
    expect(r.stdout).not.toContain('pipec plan');
  });

  it('plan: the markdown plan goes to the job summary and, on a pull request, into one comment', async () => {
    const dir = join(scratch, 'action-plan');
    mkdirSync(dir);
    writeFileSync(join(dir, 'pipeline.yml'), GOOD);
    // the role, bucket and project the pipeline relies on (plan checks them), as a real account has them
    await provisionDependencies(moto.endpoint, dir);
    writeFileSync(join(dir, 'event.json'), JSON.stringify({ pull_request: { number: 7 } }));
    writeFileSync(join(dir, 'summary.md'), '');
    writeFileSync(join(dir, 'output.txt'), '');
    const r = await runAction(dir, {
      ...moto.env,
      INPUT_PLAN: 'true',
      INPUT_COMMENT: 'true',
      INPUT_GITHUB_TOKEN: 'test-token',
      GITHUB_API_URL: apiUrl,
      GITHUB_REPOSITORY: 'acme/web',
      GITHUB_EVENT_PATH: join(dir, 'event.json'),
      GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
      GITHUB_OUTPUT: join(dir, 'output.txt'),
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('### pipec plan');
    expect(readFileSync(join(dir, 'output.txt'), 'utf8')).toBe('changes=true\n');
    const post = requests.find((q) => q.method === 'POST');
    expect(post?.url).toBe('/repos/acme/web/issues/7/comments');
    expect(post?.auth).toBe('Bearer test-token');
    expect(JSON.parse(post?.body ?? '{}').body).toContain('<!-- pipec-plan -->');
    expect(r.stdout).toContain('posted the plan comment on pull request #7');
  });
});

describe('pre-commit hooks (.pre-commit-hooks.yaml)', () => {
  it('each hook runs a pipec command that passes on a good file and fails on a bad one', () => {
    const hooks = parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Array<{ id: string; entry: string; language: string; files: string }>;
    expect(hooks.length).toBeGreaterThan(0);
    for (const h of hooks) {
      expect(h.language).toBe('node');
      expect(new RegExp(h.files).test('pipelines/api.yml') && new RegExp(h.files).test('pipeline.yml') && !new RegExp(h.files).test('src/app.yml')).toBe(true);
      const [cmd, ...args] = h.entry.split(' ');
      expect(cmd).toBe('pipec');
      const dir = join(scratch, `hook-${h.id}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'pipeline.yml'), GOOD);
      writeFileSync(join(dir, 'broken.yml'), BAD);
      expect(spawnSync(process.execPath, [BIN, ...args, 'pipeline.yml'], { cwd: dir }).status, h.id).toBe(0);
      expect(spawnSync(process.execPath, [BIN, ...args, 'broken.yml'], { cwd: dir }).status, h.id).toBe(1);
    }
  });
});
