/**
 * Evidence carried over from heads that force pushes replaced. A squash or a rewrite that drops
 * the AI trailers does not make the PR less AI-assisted: what was found on an earlier head stays
 * evidence, shown with its commit and "no longer on the branch". Only an explicit, audited act
 * clears it: a person allowed to override removes the AI label after that head was replaced.
 */
import { detectAi } from '../detect/detect.js';
import type { Evidence } from '../model/evidence.js';
import type { Policy } from '../model/policy.js';
import { isBot, membership } from './approvals.js';
import type { EarlierHead, LabelRemoval, PullRequestFacts } from '../model/facts.js';
import { recordFor } from './record.js';
import type { EvidenceClearing, VerdictEvidence } from '../model/verdict.js';

export interface Carried {
  evidence: VerdictEvidence[];
  /** The removals that cleared earlier heads' evidence, when any did. */
  cleared: EvidenceClearing[];
}

const key = (e: Pick<Evidence, 'kind' | 'commit' | 'detail'>) =>
  `${e.kind}\u0000${e.commit ?? ''}\u0000${e.detail}`;
const shape = (e: Pick<Evidence, 'kind' | 'detail'>) => `${e.kind}\u0000${e.detail}`;

/** The labels whose removal by an allowed person clears carried evidence. */
function aiLabels(policy: Policy): Set<string> {
  const names = policy.detection.labels.map((l) => l.toLowerCase());
  if (policy.actions.label) names.push(policy.actions.label.toLowerCase());
  return new Set(names);
}

/** Removals of an AI label by a person the override names (never a bot): explicit, audited acts. */
function clearingRemovals(policy: Policy, facts: PullRequestFacts): LabelRemoval[] {
  const o = policy.override;
  if (!o || (o.teams.length === 0 && o.users.length === 0)) return [];
  const labels = aiLabels(policy);
  return (facts.labelRemovals ?? []).filter(
    (r) =>
      labels.has(r.name.toLowerCase()) &&
      r.by !== null &&
      !isBot(r.by) &&
      membership(r.by.login, o, facts.teams) === 'member',
  );
}

/** Commit-borne evidence of one earlier head: the app's record of it, and its own commit. */
function evidenceOf(policy: Policy, facts: PullRequestFacts, head: EarlierHead): Evidence[] {
  const out: Evidence[] = [...(recordFor(head.record, facts.number, head.sha)?.evidence ?? [])];
  if (head.commit) {
    const found = detectAi(
      policy.detection,
      { commits: [head.commit], labels: [], author: facts.author, body: '', headRef: '' },
      { selfLabel: policy.actions.label },
    );
    out.push(...found.filter((e) => e.commit));
  }
  return out;
}

/**
 * Evidence from earlier heads that the current head no longer shows, each marked with the head it
 * was found on; the same line found now (on any commit) is not repeated.
 */
export function carriedEvidence(
  policy: Policy,
  facts: PullRequestFacts,
  current: readonly Evidence[],
): Carried {
  const seen = new Set(current.map(key));
  const shapes = new Set(current.map(shape));
  const removals = clearingRemovals(policy, facts);
  const evidence: VerdictEvidence[] = [];
  const cleared = new Map<string, EvidenceClearing>();
  for (const head of facts.earlierHeads ?? []) {
    const found = evidenceOf(policy, facts, head).filter(
      (e) => !seen.has(key(e)) && !shapes.has(shape(e)),
    );
    if (found.length === 0) continue;
    const replaced = Date.parse(head.replacedAt);
    const removal = removals.find((r) => Date.parse(r.at) > replaced);
    if (removal) {
      const by = removal.by!.login;
      cleared.set(`${by}\u0000${removal.at}`, { by, label: removal.name, at: removal.at });
      continue;
    }
    for (const e of found) {
      seen.add(key(e));
      evidence.push({ ...e, earlierHead: head.sha });
    }
  }
  return { evidence, cleared: [...cleared.values()] };
}
