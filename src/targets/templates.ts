import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { yamlScalar } from './yaml-writer.js';

type Handlebars = typeof import('handlebars');
type TemplateFn = (data: unknown) => string;

/** The templates shipped with pipec (`templates/` beside `dist/`). */
export const SHIPPED_TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));

/** Partials every template may use; each is `<name>.hbs` and can be overridden like a template. */
const PARTIALS = ['buildspec-phase', 'buildspec-artifact'] as const;

/** A template that cannot be read, compiled or rendered: the user's fault when it is theirs. */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly userTemplate: boolean,
  ) {
    super(message);
  }
}

let handlebars: Handlebars | undefined;

/** Handlebars is loaded on first use, so commands and targets that render nothing never pay for it. */
function loadHandlebars(): Handlebars {
  if (!handlebars) handlebars = createRequire(import.meta.url)('handlebars') as Handlebars;
  return handlebars;
}

/** Renders named templates, taking each file from the user's directory when it has one, else from pipec's. */
export class TemplateSet {
  private readonly env: ReturnType<Handlebars['create']>;
  private readonly compiled = new Map<string, { fn: TemplateFn; file: string; user: boolean }>();
  private partialsLoaded = false;

  constructor(private readonly userDir?: string) {
    this.env = loadHandlebars().create();
    this.env.registerHelper('yaml', (v: unknown) => yamlScalar(String(v)));
    this.env.registerHelper('json', (v: unknown) => JSON.stringify(v));
  }

  /** Where a template or partial file comes from. */
  private locate(file: string): { path: string; user: boolean } {
    if (this.userDir) {
      const mine = join(this.userDir, file);
      if (existsSync(mine)) return { path: mine, user: true };
    }
    return { path: join(SHIPPED_TEMPLATES, file), user: false };
  }

  private read(file: string): { text: string; path: string; user: boolean } {
    const at = this.locate(file);
    try {
      return { text: readFileSync(at.path, 'utf8'), ...at };
    } catch (e) {
      throw new TemplateError(`cannot read template '${at.path}': ${(e as Error).message}`, at.path, at.user);
    }
  }

  private loadPartials(): void {
    if (this.partialsLoaded) return;
    this.partialsLoaded = true;
    for (const name of PARTIALS) {
      const t = this.read(`${name}.hbs`);
      try {
        this.env.parse(t.text);
        this.env.registerPartial(name, this.env.compile(t.text, { noEscape: true }));
      } catch (e) {
        throw new TemplateError(`template '${t.path}': ${(e as Error).message}`, t.path, t.user);
      }
    }
  }

  /** Renders `file` (for example `buildspec.yml.hbs`) with `data`. */
  render(file: string, data: unknown): { text: string; file: string; user: boolean } {
    this.loadPartials();
    let t = this.compiled.get(file);
    if (!t) {
      const src = this.read(file);
      try {
        this.env.parse(src.text);
      } catch (e) {
        throw new TemplateError(`template '${src.path}': ${(e as Error).message}`, src.path, src.user);
      }
      t = { fn: this.env.compile(src.text, { noEscape: true }), file: src.path, user: src.user };
      this.compiled.set(file, t);
    }
    try {
      return { text: t.fn(data), file: t.file, user: t.user };
    } catch (e) {
      throw new TemplateError(`template '${t.file}': ${(e as Error).message}`, t.file, t.user);
    }
  }
}

const sets = new Map<string, TemplateSet>();

/** One template set per directory, so templates compile once for any number of pipelines. */
export function templateSet(userDir?: string): TemplateSet {
  const key = userDir ?? '';
  let s = sets.get(key);
  if (!s) {
    s = new TemplateSet(userDir);
    sets.set(key, s);
  }
  return s;
}
