/**
 * The override label: who applied it, whether they may override, and whether it was applied on
 * the head being judged (with `latest_push_only`, an override, like an approval, covers only the
 * commit it was given on). Also the record the app keeps on the head, which is how it knows.
 */
import type { Evidence } from '../model/evidence.js';
import type { Policy } from '../model/policy.js';
import { isBot, membership } from './approvals.js';
import type { LabelFact, PullRequestFacts } from '../model/facts.js';
import { recordedEvidence, recordFor } from './record.js';
import { type HeadRecord } from '../model/record.js';
import type { OverrideResult } from '../model/verdict.js';

function overrideLabel(policy: Policy, facts: PullRequestFacts): LabelFact | undefined {
  const o = policy.override;
  if (!o) return undefined;
  return facts.labels.find((l) => l.name.toLowerCase() === o.label.toLowerCase());
}

export function judgeOverride(
  policy: Policy,
  facts: PullRequestFacts,
  errors: string[],
): OverrideResult | null {
  const o = policy.override;
  const label = overrideLabel(policy, facts);
  if (!o || !label) return null;
  const by = label.appliedBy;
  const base = { label: label.name, appliedBy: by?.login ?? null };
  if (!by) {
    return { ...base, allowed: false, detail: 'GitHub did not say who applied the label' };
  }
  if (isBot(by)) {
    return { ...base, allowed: false, detail: `@${by.login} is a bot and cannot override` };
  }
  if (o.teams.length === 0 && o.users.length === 0) {
    return { ...base, allowed: false, detail: 'the policy names nobody who may override' };
  }
  const m = membership(by.login, o, facts.teams);
  if (typeof m === 'object') {
    errors.push(
      `could not read the members of override team ${m.unknownTeam}: it does not exist or the app cannot see it`,
    );
    return { ...base, allowed: false, detail: `membership of ${m.unknownTeam} could not be read` };
  }
  if (m === 'not-member') {
    return {
      ...base,
      allowed: false,
      detail: `@${by.login} applied the label but is not allowed to override`,
    };
  }
  const earlier = appliedBeforeHead(policy, facts, label);
  if (earlier) {
    return {
      ...base,
      allowed: false,
      stale: true,
      detail: `@${by.login} applied it ${earlier}; an override covers only the commit it was applied on, so remove the label and apply it again to override ${facts.headSha.slice(0, 7)}`,
    };
  }
  return { ...base, allowed: true, detail: `applied by @${by.login}` };
}

/**
 * Why the label cannot be known to have been applied on the current head, or null when it was
 * (or when `latest_push_only` is off, or the adapter keeps no records, as the CLI). The head's
 * record says which application of the label was already there when the app first judged the
 * head: only a later one was applied on this head. No time set by the pusher (commit dates) is
 * trusted.
 */
function appliedBeforeHead(
  policy: Policy,
  facts: PullRequestFacts,
  label: LabelFact,
): string | null {
  if (!policy.approval.latest_push_only || facts.headRecord === undefined) return null;
  const head = facts.headSha.slice(0, 7);
  const record = recordFor(facts.headRecord, facts.number, facts.headSha);
  if (!record)
    return `before the latest commit ${head} was pushed (or before the app had judged it)`;
  if (!label.eventId) return 'at a time GitHub did not say';
  if (record.overrideAtFirstSight === label.eventId) {
    return `before the latest commit ${head} was pushed`;
  }
  return null;
}

/**
 * The record to keep on the head after this evaluation: what was known at first sight stays as
 * it was; the evidence is what this evaluation found or carried.
 */
export function nextRecord(
  policy: Policy,
  facts: PullRequestFacts,
  evidence: readonly Evidence[],
): HeadRecord | undefined {
  if (facts.headRecord === undefined || facts.number === undefined) return undefined;
  const known = recordFor(facts.headRecord, facts.number, facts.headSha);
  return {
    pr: facts.number,
    head: facts.headSha,
    overrideAtFirstSight: known
      ? known.overrideAtFirstSight
      : (overrideLabel(policy, facts)?.eventId ?? null),
    evidence: recordedEvidence(evidence),
  };
}
