import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHIPPED_TEMPLATE_SPECS } from './shipped-templates-compiled.js';
import { SHIPPED_TEMPLATE_TEXTS } from './shipped-templates.js';
import { yamlScalar } from './yaml-writer.js';

type Handlebars = typeof import('handlebars');
type TemplateFn = (data: unknown) => string;
type HandlebarsEnv = ReturnType<Handlebars['create']>;
type TemplateSpecification = Parameters<Handlebars['template']>[0];

/** How every template is compiled; scripts/embed-templates.mjs precompiles pipec's own with the same. */
const COMPILE_OPTIONS = { noEscape: true } as const;

/** Where pipec's own templates are (`templates/` beside `dist/`); named in messages only, never read: their texts are built in. */
export const SHIPPED_TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));

/** Partials every template may use; each is `<name>.hbs` and can be overridden like a template. */
const PARTIALS = ['buildspec-phase', 'buildspec-artifact'] as const;

/** Every template file a user may override (`--templates DIR`): the CLI reads these names from that directory. */
export const TEMPLATE_FILES: readonly string[] = Object.keys(SHIPPED_TEMPLATE_TEXTS);

/**
 * A user's template as the CLI read it from `--templates DIR`: its text, or why it could not be read
 * (reported when the template is needed, as PC4006, like any other problem with the user's template).
 */
export type UserTemplate = { path: string; text: string } | { path: string; error: string };

/** The user's templates by file name (`buildspec.yml.hbs`); a name that is missing uses pipec's own. */
export type UserTemplates = Readonly<Record<string, UserTemplate>>;

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
let runtime: Handlebars | undefined;

/**
 * Handlebars is loaded on first use, so commands and targets that render nothing never pay for it:
 * its runtime alone when every template is pipec's own (compiled at build time,
 * shipped-templates-compiled.ts), the whole of it (the compiler too) for the user's templates.
 */
function loadHandlebars(compiler: boolean): Handlebars {
  if (compiler) return (handlebars ??= createRequire(import.meta.url)('handlebars') as Handlebars);
  return (runtime ??= createRequire(import.meta.url)('handlebars/runtime') as Handlebars);
}

/** Renders named templates, the user's text when they gave one (`--templates DIR`), else pipec's own; reads no file. */
export class TemplateSet {
  private handlebarsEnv: HandlebarsEnv | undefined;
  private readonly compiled = new Map<string, { fn: TemplateFn; file: string; user: boolean }>();
  private partialsLoaded = false;
  /** No template of the user's: every one is pipec's own, compiled at build time. */
  private readonly precompiled: boolean;

  constructor(private readonly user: UserTemplates = {}) {
    this.precompiled = Object.keys(user).length === 0;
  }

  /** Handlebars, loaded when a template is first rendered with it. */
  private get env(): HandlebarsEnv {
    if (!this.handlebarsEnv) {
      this.handlebarsEnv = loadHandlebars(!this.precompiled).create();
      this.handlebarsEnv.registerHelper('yaml', (v: unknown) => yamlScalar(String(v)));
      this.handlebarsEnv.registerHelper('json', (v: unknown) => JSON.stringify(v));
    }
    return this.handlebarsEnv;
  }

  /** Whether every one of these templates is pipec's own (none replaced by the user's). */
  allShipped(files: readonly string[]): boolean {
    return files.every((f) => !Object.hasOwn(this.user, f));
  }

  /** A template's text and where it comes from. */
  private read(file: string): { text: string; path: string; user: boolean } {
    const mine = Object.hasOwn(this.user, file) ? this.user[file] : undefined;
    if (mine) {
      if ('error' in mine) throw new TemplateError(`cannot read template '${mine.path}': ${mine.error}`, mine.path, true);
      return { text: mine.text, path: mine.path, user: true };
    }
    const path = join(SHIPPED_TEMPLATES, file);
    const text = Object.hasOwn(SHIPPED_TEMPLATE_TEXTS, file) ? SHIPPED_TEMPLATE_TEXTS[file] : undefined;
    if (text === undefined) throw new TemplateError(`cannot read template '${path}': pipec has no template of that name`, path, false);
    return { text, path, user: false };
  }

  /** pipec's own template `file`, compiled at build time (read() has already said it exists). */
  private spec(file: string): TemplateSpecification {
    return SHIPPED_TEMPLATE_SPECS[file] as TemplateSpecification;
  }

  private loadPartials(): void {
    if (this.partialsLoaded) return;
    this.partialsLoaded = true;
    for (const name of PARTIALS) {
      const t = this.read(`${name}.hbs`);
      try {
        if (this.precompiled) {
          this.env.registerPartial(name, this.env.template(this.spec(`${name}.hbs`)));
          continue;
        }
        this.env.parse(t.text);
        this.env.registerPartial(name, this.env.compile(t.text, COMPILE_OPTIONS));
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
      if (this.precompiled) t = { fn: this.env.template(this.spec(file)), file: src.path, user: false };
      else {
        try {
          this.env.parse(src.text);
        } catch (e) {
          throw new TemplateError(`template '${src.path}': ${(e as Error).message}`, src.path, src.user);
        }
        t = { fn: this.env.compile(src.text, COMPILE_OPTIONS), file: src.path, user: src.user };
      }
      this.compiled.set(file, t);
    }
    try {
      return { text: t.fn(data), file: t.file, user: t.user };
    } catch (e) {
      throw new TemplateError(`template '${t.file}': ${(e as Error).message}`, t.file, t.user);
    }
  }
}

let shipped: TemplateSet | undefined;
const sets = new WeakMap<UserTemplates, TemplateSet>();

/** One template set per set of user templates, so templates compile once for any number of pipelines. */
export function templateSet(user?: UserTemplates): TemplateSet {
  if (!user) return (shipped ??= new TemplateSet());
  let s = sets.get(user);
  if (!s) {
    s = new TemplateSet(user);
    sets.set(user, s);
  }
  return s;
}
