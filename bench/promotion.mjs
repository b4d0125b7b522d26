// Benchmark of the environments macro (`node bench/promotion.mjs [--quick]`, run by bench/run.mjs):
// workspaces where every pipeline promotes one build through five environments (dev, qa, staging,
// prod-eu in another account and region, prod-us behind an approval), each with a smoke test that
// reads the deploy's outputs. The same pipelines are also compiled in their expanded form (what
// `pipec expand` prints), so the cost of expanding the macro shows on its own.
// Prints a Markdown table on stdout; the workspaces are deterministic.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmtMs, table, timeInterleaved } from './measure.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORK = join(ROOT, 'bench', '.work', 'promotion');
const BIN = join(ROOT, JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).bin.pipec);
const QUICK = process.argv.includes('--quick');
const SIZES = [
  { count: 100, reps: QUICK ? 2 : 7 },
  { count: 1000, reps: QUICK ? 1 : 5 },
  { count: 5000, reps: QUICK ? 1 : 3 },
];
const PER_FILE = 10;

const SHARED = `role: arn:aws:iam::111111111111:role/pipeline
region: us-east-1
account: "111111111111"
artifacts: { bucket: acme-artifacts, kms-key: arn:aws:kms:us-east-1:111111111111:key/mrk-0a1b2c3d4e5f }
promotion:
  region-store: { bucket: "acme-artifacts-\${region}", kms-key: "arn:aws:kms:\${region}:111111111111:key/mrk-0a1b2c3d4e5f" }
pipelines:
`;

/** Pipeline number `i` with its five environments, as an entry of `pipelines:`. */
function pipeline(i) {
  const name = `api-${String(i).padStart(5, '0')}`;
  return `  - name: ${name}
    source: codecommit:${name}@main
    build:
      commands: [npm ci, npm run build]
      artifacts: [template.yml, dist/**/*]
    tests:
      unit: npm test
      lint: npm run lint
    environments:
      - name: dev
        deploy:
          cloudformation:
            stack: ${name}-\${env}
            template: template.yml
            stack-role: arn:aws:iam::\${env.account}:role/cfn
            parameters: { Stage: "\${env}", Size: small }
        after:
          smoke: curl -fsS \${deploy.Url}/health
      - name: qa
      - name: staging
        deploy: { cloudformation: { parameters: { Size: medium } } }
        rollback-on-alarm: ${name}-staging-5xx
      - name: prod-eu
        account: "222222222222"
        region: eu-west-1
        approval: { notify: arn:aws:sns:us-east-1:111111111111:releases }
        deploy: { cloudformation: { parameters: { Size: large } } }
      - name: prod-us
        account: "222222222222"
        region: us-east-1
        approval: { notify: arn:aws:sns:us-east-1:111111111111:releases }
        deployment-window: "0 0 9-16 ? * MON-THU *"
`;
}

/** Writes the workspace of `count` pipelines, `PER_FILE` to a file, and the same pipelines expanded. */
async function writeWorkspaces(count) {
  const dir = join(WORK, `ws-${count}`);
  const expandedDir = join(WORK, `ws-${count}-expanded`);
  rmSync(dir, { recursive: true, force: true });
  rmSync(expandedDir, { recursive: true, force: true });
  mkdirSync(join(dir, 'pipelines'), { recursive: true });
  mkdirSync(join(expandedDir, 'pipelines'), { recursive: true });
  const { compile } = await import(join(ROOT, 'dist', 'compiler', 'compile.js'));
  const { expandToYaml } = await import(join(ROOT, 'dist', 'compiler', 'expand.js'));
  for (let f = 0; f * PER_FILE < count; f++) {
    let text = SHARED;
    for (let i = f * PER_FILE; i < Math.min(count, (f + 1) * PER_FILE); i++) text += pipeline(i);
    const file = `group-${String(f).padStart(4, '0')}.yml`;
    writeFileSync(join(dir, 'pipelines', file), text);
    const r = compile([{ path: file, bytes: new TextEncoder().encode(text) }]);
    if (r.diagnostics.list.length > 0) throw new Error(`${file}: ${r.diagnostics.list[0].code} ${r.diagnostics.list[0].message}`);
    writeFileSync(join(expandedDir, 'pipelines', file), expandToYaml(r.pipelines.map((p) => p.explicit), file));
  }
  return { dir, expandedDir };
}

const inputBytes = (dir) => readdirSync(join(dir, 'pipelines')).reduce((n, f) => n + readFileSync(join(dir, 'pipelines', f)).length, 0);
const pipec = (cwd) => ({ cmd: process.execPath, args: [BIN, 'compile', '--out', join(cwd, 'out'), '--quiet'], cwd, before: () => rmSync(join(cwd, 'out'), { recursive: true, force: true }) });

const rows = [];
let previous;
for (const { count, reps } of SIZES) {
  const { dir, expandedDir } = await writeWorkspaces(count);
  const [macro, explicit] = timeInterleaved([pipec(dir), pipec(expandedDir)], reps, 1);
  // CPU time when measured (GNU time): on a busy machine it says more about growth than wall time.
  const cost = (s) => s.cpu ?? s.median;
  const marginal = previous ? (cost(macro) - previous.cost) / (count - previous.count) : undefined;
  rows.push([
    count.toLocaleString('en-US'),
    `${(inputBytes(dir) / 2 ** 20).toFixed(1)} MiB / ${(inputBytes(expandedDir) / 2 ** 20).toFixed(1)} MiB`,
    macro.n,
    fmtMs(macro.median),
    macro.cpu === undefined ? 'n/a' : fmtMs(macro.cpu),
    fmtMs(cost(macro) / count),
    marginal === undefined ? '' : fmtMs(marginal),
    explicit.cpu === undefined ? fmtMs(explicit.median) : `${fmtMs(explicit.median)} (cpu ${fmtMs(explicit.cpu)})`,
    `${(cost(macro) / cost(explicit)).toFixed(2)}x`,
  ]);
  previous = { count, cost: cost(macro) };
}
rmSync(WORK, { recursive: true, force: true });
console.log('Every pipeline promotes through five environments (8 stages, 16 actions); "expanded" is the same workspace');
console.log('as `pipec expand` prints it, compiled without macros. Per pipeline, each added pipeline and the ratio use CPU');
console.log('time when measured (wall time otherwise); "each added pipeline": equal figures mean linear growth.');
console.log('');
console.log(table(['pipelines', 'input (macros / expanded)', 'runs', 'median', 'cpu (median)', 'per pipeline', 'each added pipeline', 'expanded', 'macros / expanded'], rows));
