import { didYouMean } from '../compiler/suggest.js';

/** What a source holds: code to build (a repository or a zip in S3), or a container image (ECR). */
export type SourceHolds = 'code' | 'image';

/** A source kind `pipec init --source` knows: the shorthands of the language (docs/language.md#sources). */
interface SourceKind {
  kind: string;
  holds: SourceHolds;
  /** The host, in words, for the comment. */
  host: string;
  /** Through a CodeStar connection (the pipeline's `connection:`). */
  connection: boolean;
  /** The location when only the kind is given, from the pipeline's slug. */
  example: (slug: string) => string;
}

const repo = (kind: string, host: string): SourceKind => ({ kind, holds: 'code', host, connection: true, example: (slug) => `${kind}:my-org/${slug}@main` });

/** Every source shorthand of the language, in the order `pipec init --help` lists them. */
export const SOURCE_KINDS: readonly SourceKind[] = [
  repo('github', 'GitHub'),
  repo('github-enterprise', 'GitHub Enterprise Server'),
  repo('bitbucket', 'Bitbucket Cloud'),
  repo('gitlab', 'GitLab.com'),
  repo('gitlab-self-managed', 'GitLab self-managed'),
  repo('connection', "the connection's host"),
  { kind: 'codecommit', holds: 'code', host: 'CodeCommit', connection: false, example: (slug) => `codecommit:${slug}@main` },
  { kind: 's3', holds: 'code', host: 'S3', connection: false, example: (slug) => `s3:${slug}-source/${slug}.zip` },
  { kind: 'ecr', holds: 'image', host: 'ECR', connection: false, example: (slug) => `ecr:${slug}@latest` },
];

/** A source as `pipec init` writes it. */
export interface InitSource {
  kind: string;
  holds: SourceHolds;
  /** The shorthand written in the file, such as `github:my-org/web@main`. */
  shorthand: string;
  /** The YAML lines (comments, `connection:` where needed, `source:`) for the file. */
  block: string;
}

/** Thrown for a `--source` that cannot be read; the CLI prints it as a usage error. */
export class SourceError extends Error {}

/** A name part: no spaces, quotes, `#` or other characters that would need quoting in YAML. */
const PART = /^[A-Za-z0-9][A-Za-z0-9._\-/]*$/;

/**
 * Reads `--source`: a shorthand of the language (`github:org/repo@main`, `codecommit:repo@main`,
 * `s3:bucket/key.zip`, `ecr:repo@tag`), or just its kind (`github`), which gets a placeholder
 * location named after the pipeline.
 */
export function readSource(text: string, slug: string, region: string, account: string): InitSource {
  const colon = text.indexOf(':');
  const kindText = colon >= 0 ? text.slice(0, colon) : text;
  const kind = SOURCE_KINDS.find((k) => k.kind === kindText);
  if (!kind) {
    const guess = didYouMean(kindText, SOURCE_KINDS.map((k) => k.kind));
    throw new SourceError(
      `--source '${text}': unknown source kind '${kindText}'${guess ? `; did you mean '${guess}${colon >= 0 ? text.slice(colon) : ''}'?` : `; kinds: ${SOURCE_KINDS.map((k) => k.kind).join(', ')}`}`,
    );
  }
  const shorthand = colon >= 0 ? text : kind.example(slug);
  const rest = shorthand.slice(kind.kind.length + 1);
  checkLocation(kind, shorthand, rest);
  return { kind: kind.kind, holds: kind.holds, shorthand, block: sourceBlock(kind, shorthand, rest, region, account) };
}

/** The location after `kind:`, checked as the compiler reads it, with the form to write when it is wrong. */
function checkLocation(kind: SourceKind, text: string, rest: string): void {
  const form =
    kind.kind === 's3' ? 's3:bucket/path/to/object.zip' : kind.kind === 'ecr' ? 'ecr:repository@tag' : kind.kind === 'codecommit' ? 'codecommit:repository@branch' : `${kind.kind}:owner/repository@branch`;
  const bad = (): never => {
    throw new SourceError(`--source '${text}': write ${form}`);
  };
  if (kind.kind === 's3') {
    const slash = rest.indexOf('/');
    if (slash <= 0 || slash === rest.length - 1 || !PART.test(rest)) bad();
    return;
  }
  const at = rest.lastIndexOf('@');
  const name = at >= 0 ? rest.slice(0, at) : rest;
  const ref = at >= 0 ? rest.slice(at + 1) : '';
  if (!name || !PART.test(name) || (ref !== '' && !PART.test(ref))) bad();
  if (kind.kind !== 'ecr' && ref === '') bad();
  if (kind.connection && !/^[^/]+\/[^/]+/.test(name)) bad();
}

/** The lines of the file that say where the pipeline's input comes from. */
function sourceBlock(kind: SourceKind, shorthand: string, rest: string, region: string, account: string): string {
  const lines: string[] = [];
  const docs = 'https://github.com/pipec/pipec/blob/main/docs/language.md#sources';
  if (kind.connection) {
    lines.push(
      `# A CodeStar connection lets CodePipeline read the repository on ${kind.host}. Create it once`,
      '# (console: Developer Tools > Settings > Connections, then "Update pending connection" to',
      '# authorise it) and put its ARN here; every connection source of this file uses it.',
      `connection: arn:aws:codestar-connections:${region}:${account}:connection/replace-with-your-connection-id`,
    );
  }
  const at = rest.lastIndexOf('@');
  const name = kind.kind === 's3' ? rest : rest.slice(0, at >= 0 ? at : undefined);
  const ref = at >= 0 ? rest.slice(at + 1) : 'latest';
  if (kind.kind === 's3') {
    const slash = rest.indexOf('/');
    lines.push(
      `# Source: the zip file ${rest.slice(slash + 1)} in the S3 bucket ${rest.slice(0, slash)}, which must be versioned;`,
      '# each new version of the object starts the pipeline. The zip is the code the build runs in.',
    );
  } else if (kind.kind === 'ecr') {
    lines.push(
      `# Source: the image tagged ${ref} in the ECR repository ${name}; each push of that tag starts`,
      '# the pipeline. The artifact \'Source\' holds imageDetail.json, whose ImageURI names the image.',
    );
  } else {
    lines.push(`# Source: branch ${ref} of ${name} on ${kind.host}; each push to it starts the pipeline.`);
  }
  lines.push(`# Other sources (and several at once, with sources:): ${docs}`, `source: ${shorthand}`);
  return lines.join('\n');
}
