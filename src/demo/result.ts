/** What a demo run produced, step by step: the plain data the terminal output and the page are written from. */

/** The audit report's folder, inside the demo's output folder. */
export const AUDIT_DIR = 'audit';

/** The audit run after the story. */
export interface DemoAudit {
  /** What `ai-governance audit` printed. */
  summary: string;
  /** The report's page, absolute. */
  page: string;
  /** The command, as a user would type it against the real GitHub. */
  command: string;
}

export interface CheckRunView {
  name: string;
  status: string;
  conclusion: string | null;
  title: string | null;
  summary: string | null;
  text: string | null;
}

export interface StepResult {
  /** 1-based. */
  number: number;
  title: string;
  story: string;
  pr: {
    number: number;
    title: string;
    author: string;
    headSha: string;
    labels: string[];
    /** Reviewers the PR is waiting for, `@login` or `@org/team`. */
    requestedReviewers: string[];
  };
  /** The app's check run on the PR's head commit; null when it wrote none. */
  check: CheckRunView | null;
  /** The app's audit comment on the PR; null when there is none. */
  comment: { body: string; change: 'new' | 'updated' | 'unchanged' } | null;
  /** Milliseconds the app took to answer the step's webhooks. */
  ms: number;
}

export interface DemoResult {
  steps: StepResult[];
  /** The table `ai-governance simulate` printed for a proposed policy change, after the story. */
  simulation: string;
  /** What `ai-governance audit` found once the pull requests were merged; null until then. */
  audit: DemoAudit | null;
  /** The page written, absolute. */
  page: string;
  /** Where the policy came from, as given or `policies/demo.yml`. */
  policyFile: string;
  policyText: string;
  /** Teams created because the policy named them. */
  addedTeams: string[];
  ms: number;
}
