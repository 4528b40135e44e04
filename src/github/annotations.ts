/** Check run annotations: the policy file's offending lines, or the critical files. */
import type { Verdict } from '../model/verdict.js';
import type { PolicyError } from '../model/policy.js';
import type { Annotation } from './check-run.js';

/** Annotations on the policy file's lines, for the files that live in this repository. */
export function policyAnnotations(errors: PolicyError[], repoFull: string): Annotation[] {
  const prefix = `${repoFull.toLowerCase()}:`;
  return errors.flatMap((e) => {
    const path = e.file.toLowerCase().startsWith(prefix) ? e.file.slice(prefix.length) : e.file;
    if (path.includes(':')) return [];
    return [
      {
        path,
        start_line: e.line,
        end_line: e.line,
        annotation_level: 'failure' as const,
        title: 'Invalid AI Governance policy',
        message: `${e.message}; ${e.fix}`,
      },
    ];
  });
}

function who(r: { teams: string[]; users: string[] }): string {
  const names = [...r.teams.map((t) => `team ${t}`), ...r.users.map((u) => u)];
  return names.length > 0 ? names.join(', ') : 'any eligible reviewer';
}

/** One annotation per critical file, saying which rule it falls under and what it needs. */
export function fileAnnotations(v: Verdict): Annotation[] {
  const out: Annotation[] = [];
  for (const r of v.requirements) {
    for (const path of r.files) {
      out.push({
        path,
        start_line: 1,
        end_line: 1,
        annotation_level: 'notice',
        title: `Critical path: ${r.rule}`,
        message: `Falls under "${r.rule}": ${r.approvals} approval(s) required from ${who(r.reviewers)}.`,
      });
    }
  }
  return out;
}
