/** What the renderers need to know besides the verdict: the head, where the policy is, its problems. */
import type { PolicyError } from '../model/policy.js';
import type { HeadRecord } from '../model/record.js';

export interface RenderContext {
  /** The PR head commit the verdict is for. */
  headSha: string;
  /** Where the policy was read from, for messages (normally `.github/ai-governance.yml`). */
  policyFile: string;
  /** The repository owner, to write teams as `@org/slug` (as text, never pinging). */
  org?: string;
  /** Problems in the policy file, each shown as `file:line:column: message; fix`. */
  policyErrors?: PolicyError[];
  /** The repository has no policy file. */
  noPolicy?: boolean;
  /** Absolute https URL of the policy reference (docs/policy.md), linked when there is no policy. */
  policyDocsUrl?: string;
  /** The app's record of the head, kept at the end of the check run's text (see record.ts). */
  record?: HeadRecord;
}
