/** Where a piece of AI evidence was found. */
export type EvidenceSource = 'trailer' | 'author' | 'label' | 'body' | 'branch';

/** The finer kind of evidence, for people reading the audit trail. */
export type EvidenceKind =
  | 'trailer' // an AI trailer such as Assisted-by
  | 'co-author' // a Co-authored-by trailer, or a co-author GitHub attributes, naming an AI tool
  | 'commit-author' // a commit authored or committed by an AI identity
  | 'pr-author' // the PR opened by an AI bot or a configured login
  | 'label'
  | 'body'
  | 'branch';

export interface Evidence {
  source: EvidenceSource;
  kind: EvidenceKind;
  /** Full sha of the commit the evidence is in, when it is in a commit. */
  commit?: string;
  /** The exact line, label, login or branch that was matched. */
  detail: string;
  /** The catalogue tool it points to, when known (e.g. "Claude Code"). */
  tool?: string;
  /** Why it counts: the catalogue entry or the policy key that matched. */
  reason: string;
}
