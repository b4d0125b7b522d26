// What an account stack's header says of its --template-bucket (issue 10: the printed commands work
// verbatim; test/live/printed-commands.test.ts runs the YAML form on moto): the AWS CLI puts the
// template there with that account's credentials, and CloudFormation reads it with them, so a
// bucket of another account must grant both. In JSON the header is Metadata.pipec: the note is the
// entry after the deploy command, and the file stays valid JSON.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { wideBuilds } from './support/big-pipelines.js';
import { runCli } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'pipec-tb-header-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NOTE =
  "The AWS CLI puts this template into bucket acme-templates with the credentials of account 222222222222, and CloudFormation reads it with them: if the bucket is another account's, its bucket policy must allow arn:aws:iam::222222222222:root s3:PutObject and s3:GetObject on arn:aws:s3:::acme-templates/pipec/*.";

describe("an account stack over 51,200 bytes: its header's note on the bucket", () => {
  it('follows the deploy command, in YAML and in JSON; stacks of the pipeline account get none', async () => {
    // (JSON is written compact: twice the builds to pass the limit)
    writeFileSync(join(dir, 'pipeline.yml'), wideBuilds(36));
    for (const format of ['yaml', 'json'] as const) {
      const r = await runCli(['compile', join(dir, 'pipeline.yml'), '-t', 'cloudformation', '--cfn-format', format, '--template-bucket', 'acme-templates', '--template-bucket', 'eu-west-1=acme-templates-eu', '-o', join(dir, format), '-q']);
      expect(r.code, r.stderr).toBe(0);
      const ext = format === 'yaml' ? 'yml' : 'json';
      const account = readFileSync(join(dir, format, 'bigwide', `cloudformation.account-222222222222.${ext}`), 'utf8');
      const header = format === 'yaml' ? account.split('\n').filter((l) => l.startsWith('# ')).map((l) => l.slice(2)) : (JSON.parse(account) as { Metadata: { pipec: string[] } }).Metadata.pipec;
      const at = header.findIndex((l) => l.includes('aws cloudformation deploy'));
      expect(header[at], format).toContain('--stack-name bigwide-pipeline-roles --s3-bucket acme-templates --s3-prefix pipec/bigwide-pipeline-roles ');
      expect(header[at + 1], format).toBe(NOTE);
      for (const file of [`cloudformation.eu-west-1.${ext}`, `cloudformation.${ext}`]) expect(readFileSync(join(dir, format, 'bigwide', file), 'utf8'), `${format} ${file}`).not.toContain('The AWS CLI puts this template');
    }
  });
});
