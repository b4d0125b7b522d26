import type { Rule } from './types.js';

/**
 * An inline build with several outputs writes them as buildspec secondary artifacts, whose
 * identifiers are the output names: CodeBuild accepts only letters, digits and _ there, and
 * `artifacts: { Name: files }` must name exactly the action's outputs.
 */
export const buildOutputs: Rule = (p, diags) => {
  for (const stage of p.stages)
    for (const a of stage.actions) {
      const project = a.project;
      if (!project || project.buildspecPath) continue;
      // One output and no per-output files: nothing to say (the usual build).
      if (a.outputs.length <= 1 && !project.outputArtifacts) continue;
      const names = a.outputs.map((o) => o.name);
      const perOutput = project.outputArtifacts;
      if (perOutput) {
        for (const key of Object.keys(perOutput))
          if (!names.includes(key))
            diags.add('PC3030', `build '${a.name}' gives files for output '${key}', which is not one of its outputs (${names.map((n) => `'${n}'`).join(', ') || 'none'})`, a.spans.outputs ?? a.span, {
              suggestion: `add '${key}' to 'outputs', or remove it from 'artifacts'`,
            });
        for (const o of a.outputs)
          if (!Object.hasOwn(perOutput, o.name)) diags.add('PC3030', `build '${a.name}' has output '${o.name}' but 'artifacts' names no files for it`, o.span);
      } else if (names.length > 1 && !project.artifacts)
        diags.add('PC3030', `build '${a.name}' has ${names.length} outputs but no 'artifacts' saying which files go in each`, a.spans.outputs ?? a.span, {
          suggestion: `write 'artifacts: { ${names.map((n) => `${n}: [files]`).join(', ')} }'`,
        });
      if (names.length > 1)
        for (const o of a.outputs)
          if (!/^[A-Za-z0-9_]{1,127}$/.test(o.name))
            diags.add('PC3030', `output '${o.name}' of build '${a.name}' becomes a buildspec secondary-artifact identifier, which allows only letters, digits and _`, o.span, {
              suggestion: `rename it to '${o.name.replace(/[^A-Za-z0-9_]/g, '_')}'`,
            });
    }
};
