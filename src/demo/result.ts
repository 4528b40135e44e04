/** What a demo run produced, step by step: the plain data the terminal output and the page are written from. */

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
  /** The page written, absolute. */
  page: string;
  /** Where the policy came from, as given or `policies/demo.yml`. */
  policyFile: string;
  policyText: string;
  /** Teams created because the policy named them. */
  addedTeams: string[];
  ms: number;
}
