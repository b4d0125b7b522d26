// The GitHub Action's script (action.yml). Inputs arrive as INPUT_* environment variables, so it runs
// the same locally: INPUT_PLAN=true PIPEC="node dist/bundle/pipec.js" node action/run.mjs
//   1. pipec validate --format github: each problem becomes an annotation on the pull request.
//   2. with INPUT_PLAN=true: pipec plan --format markdown, written to the job summary and posted
//      as a pull-request comment (one comment, updated on each push, found by a hidden marker).
// Exit status: pipec's (1 problems, 2 bad usage), 0 when all went well.
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';

const env = process.env;
const MARKER = '<!-- pipec-plan -->';
const pipec = (env.PIPEC || 'npx --yes pipec').split(' ').filter(Boolean);
const files = (env.INPUT_FILES || '').split(/\s+/).filter(Boolean);
const selection = (env.INPUT_PIPELINES || '').split(',').map((s) => s.trim()).filter(Boolean).flatMap((p) => ['--pipeline', p]);
const yes = (name) => /^true$/i.test((env[name] || '').trim());

function run(args) {
  const r = spawnSync(pipec[0], [...pipec.slice(1), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  if (r.error) {
    console.error(`pipec could not be started (${pipec.join(' ')}): ${r.error.message}`);
    return { code: 1, stdout: '', stderr: '' };
  }
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

function setOutput(name, value) {
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `${name}=${value}\n`);
}

/** The pull request's number, from the event that started the workflow. */
function pullRequest() {
  if (!env.GITHUB_EVENT_PATH) return undefined;
  try {
    const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8'));
    return event.pull_request?.number ?? (event.issue?.pull_request ? event.issue.number : undefined);
  } catch {
    return undefined;
  }
}

/** Posts the plan as the pull request's pipec comment, or updates the one posted before. */
async function comment(body) {
  const number = pullRequest();
  if (!number) return console.log('pipec: not a pull request; the plan is in the job summary only');
  if (!env.INPUT_GITHUB_TOKEN || !env.GITHUB_REPOSITORY) return console.log('pipec: no token or repository; the plan is not posted');
  const api = `${env.GITHUB_API_URL || 'https://api.github.com'}/repos/${env.GITHUB_REPOSITORY}/issues`;
  const headers = { authorization: `Bearer ${env.INPUT_GITHUB_TOKEN}`, accept: 'application/vnd.github+json', 'content-type': 'application/json' };
  const list = await fetch(`${api}/${number}/comments?per_page=100`, { headers });
  const existing = list.ok ? (await list.json()).find((c) => typeof c.body === 'string' && c.body.includes(MARKER)) : undefined;
  const res = existing
    ? await fetch(`${api}/comments/${existing.id}`, { method: 'PATCH', headers, body: JSON.stringify({ body }) })
    : await fetch(`${api}/${number}/comments`, { method: 'POST', headers, body: JSON.stringify({ body }) });
  if (!res.ok) console.log(`pipec: could not post the plan comment (HTTP ${res.status}); it is in the job summary`);
  else console.log(`pipec: ${existing ? 'updated' : 'posted'} the plan comment on pull request #${number}`);
}

const validate = run(['validate', ...files, ...selection, '--format', 'github', ...(yes('INPUT_STRICT') ? ['--strict'] : [])]);
process.stdout.write(validate.stdout);
process.stderr.write(validate.stderr);
let status = validate.code;
if (status === 0 && yes('INPUT_PLAN')) {
  const plan = run(['plan', ...files, ...selection, '--format', 'markdown', '--detailed-exitcode']);
  process.stderr.write(plan.stderr);
  if (plan.code === 0 || plan.code === 2) {
    setOutput('changes', plan.code === 2 ? 'true' : 'false');
    const body = `${MARKER}\n${plan.stdout}`;
    process.stdout.write(plan.stdout);
    if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, plan.stdout);
    if (yes('INPUT_COMMENT') || env.INPUT_COMMENT === undefined) await comment(body);
  } else status = plan.code;
}
process.exitCode = status;
