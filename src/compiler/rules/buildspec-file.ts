import type { Rule } from './types.js';

/**
 * An inline build that reads its buildspec from a file in the source (`buildspec:`) still gets
 * from pipec what lives in the CodeBuild project: `reports:` grants its role the report-group
 * permissions, `cache:` turns on the project's local cache. What lives only in a buildspec does
 * not reach the build: the report groups' files, format and base directory, and the cache's
 * paths, which the file's own `reports` and `cache.paths` decide. That is said, not dropped
 * silently (the settings that have no project-side meaning, `artifacts`, `runtimes` and
 * `exports`, are refused beside `buildspec`: PC2008).
 */
export const buildspecFile: Rule = (p, diags) => {
  for (const stage of p.stages)
    for (const a of stage.actions) {
      const project = a.project;
      if (!project?.buildspecPath) continue;
      const groups = Object.keys(project.reports);
      if (groups.length > 0)
        diags.add('PC3041', `build '${a.name}' reads '${project.buildspecPath}', so the files, format and base directory of its 'reports' (${groups.map((g) => `'${g}'`).join(', ')}) are not used: the file's 'reports' section decides them; pipec only grants the build's role the report permissions`, a.span, {
          suggestion: `write the report groups' files in the 'reports' section of ${project.buildspecPath}, or drop 'buildspec' and let pipec write the buildspec`,
        });
      if (project.cache.length > 0)
        diags.add('PC3041', `build '${a.name}' reads '${project.buildspecPath}', so the paths of its 'cache' are not used: the file's 'cache.paths' decide what is cached; pipec only turns on the project's local cache`, a.span, {
          suggestion: `list the paths under 'cache.paths' in ${project.buildspecPath}, or drop 'buildspec' and let pipec write the buildspec`,
        });
    }
};
