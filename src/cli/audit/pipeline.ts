/**
 * The audit's reading: for each repository, the merged pull requests of the window that the store
 * has not read yet (each page stored as it comes, so a run that stops keeps what it read), then
 * every stored pull request of the window without a record under this policy, classified by the
 * pure core with the policy histories and the members of the teams the policies name.
 */
import { createHash } from 'node:crypto';
import { classifyMergedPullRequest } from '../../audit/classify.js';
import type { AuditContext, PolicyHistory } from '../../audit/model.js';
import type { GitHubClient } from '../../github/client.js';
import { readMergedPullRequests } from '../../github/audit/merged-prs.js';
import { readPolicyHistories } from '../../github/audit/policy-history.js';
import { policyTeams } from '../../github/policy-for-repo.js';
import { readTeams } from '../../github/teams.js';
import { parsePolicy } from '../../policy/load.js';
import { ORG_CONFIG_REPO, POLICY_PATH } from '../../model/names.js';
import type { AuditProgress } from './progress.js';
import { missingWindows, type AuditStore, type Window } from './store.js';

export interface PipelineInput {
  gh: GitHubClient;
  org: string;
  /** Repository names of `org`. */
  repos: string[];
  window: Window;
  /** `--policy FILE`: judge everything by this text. */
  policyFile: { path: string; text: string } | null;
  appSlug: string;
  store: AuditStore;
  progress: AuditProgress;
}

/** Which policy a record was given under: the histories, or one file (by its digest). */
export function policyKey(file: PipelineInput['policyFile']): string {
  return file ? `file:${createHash('sha256').update(file.text).digest('hex')}` : 'in force';
}

/** Team slugs that some version of some policy names (a version that does not parse names none). */
function teamsNamed(texts: (string | null)[]): string[] {
  const slugs = new Set<string>();
  for (const text of texts) {
    if (text === null) continue;
    const parsed = parsePolicy(text, { file: POLICY_PATH });
    if (parsed.ok) for (const t of policyTeams(parsed.policy)) slugs.add(t);
  }
  return [...slugs].sort();
}

/** What classifying needs and is read at most once a run: histories and team members. */
class Judging {
  private readonly histories = new Map<string, PolicyHistory>();
  private readonly members: Record<string, string[] | null> = {};
  constructor(private readonly input: PipelineInput) {}

  /**
   * The policy histories of `repos` and of the org's `.github`: the stored one of a repository
   * none of whose merges were read this run, the others read again, several repositories a query.
   */
  async load(repos: string[], fresh: Set<string>): Promise<void> {
    const { gh, org, store } = this.input;
    if (this.input.policyFile) return;
    const toRead = [ORG_CONFIG_REPO];
    for (const repo of repos) {
      if (repo === ORG_CONFIG_REPO) continue;
      const stored = fresh.has(repo) ? null : store.policyHistory(`${org}/${repo}`, POLICY_PATH);
      if (stored) this.histories.set(repo, stored);
      else toRead.push(repo);
    }
    const read = await readPolicyHistories(gh, org, toRead, POLICY_PATH);
    for (const name of toRead) {
      const h = read.get(name);
      if (!h) throw new Error(`the history of ${POLICY_PATH} in ${org}/${name} was not read`);
      store.savePolicyHistory(h);
      this.histories.set(name, h);
    }
  }

  private history(repo: string): PolicyHistory {
    const h = this.histories.get(repo);
    if (!h)
      throw new Error(`the history of ${POLICY_PATH} in ${this.input.org}/${repo} was not read`);
    return h;
  }

  private async teams(texts: (string | null)[]): Promise<Record<string, string[] | null>> {
    const slugs = teamsNamed(texts);
    const missing = slugs.filter((s) => !Object.hasOwn(this.members, s));
    if (missing.length > 0)
      Object.assign(this.members, await readTeams(this.input.gh, this.input.org, missing));
    return Object.fromEntries(slugs.map((s) => [s, this.members[s] ?? null]));
  }

  /** The context for `repo`, from the histories {@link load} read. */
  async context(repo: string): Promise<AuditContext> {
    const file = this.input.policyFile;
    if (file) {
      const none = { repository: `${this.input.org}/${repo}`, path: POLICY_PATH, versions: [] };
      return {
        repoPolicy: { ...none, complete: true },
        orgPolicy: null,
        policyFile: file,
        teams: await this.teams([file.text]),
        appSlug: this.input.appSlug,
      };
    }
    const orgPolicy = this.history(ORG_CONFIG_REPO);
    const repoPolicy = this.history(repo);
    const texts = [...repoPolicy.versions, ...orgPolicy.versions].map((v) => v.text);
    return {
      repoPolicy,
      orgPolicy,
      policyFile: null,
      teams: await this.teams(texts),
      appSlug: this.input.appSlug,
    };
  }
}

/**
 * Reads what the store lacks of `repo`'s window; resolves with the number of PRs read. `accounts`
 * (co-author address → account) is the run's, so that each address is asked about once a run.
 */
async function readRepo(
  input: PipelineInput,
  repo: string,
  accounts: Map<string, string | null>,
): Promise<number> {
  const { gh, org, store, progress, window } = input;
  const full = `${org}/${repo}`;
  let read = 0;
  for (const w of missingWindows(store.progress(full).covered, window)) {
    // The reader starts each window from its first page: pages stored by an interrupted read
    // are stored again (the store replaces them), never missed.
    store.beginRead(full, w);
    for await (const batch of readMergedPullRequests(gh, {
      owner: org,
      repo,
      since: w.since,
      until: w.until,
      accounts,
    })) {
      store.savePage(full, batch, null);
      read += batch.length;
      progress.pullRequests(batch.length);
    }
    store.finishRead(full);
  }
  return read;
}

/**
 * Reads every repository, one at a time, then classifies every stored pull request of the window
 * that has no record under this policy yet. Errors propagate (the command turns them into
 * sentences); what was stored stays stored. Resolves with the pull requests read this run.
 */
export async function readAndClassify(input: PipelineInput): Promise<number> {
  const { org, store, progress, window } = input;
  progress.start(input.repos.length);
  const fresh = new Set<string>();
  const accounts = new Map<string, string | null>();
  let total = 0;
  for (const repo of input.repos) {
    const read = await readRepo(input, repo, accounts);
    if (read > 0) fresh.add(repo);
    total += read;
    progress.repoDone(`${org}/${repo}`, read);
  }

  const key = policyKey(input.policyFile);
  const judged = new Set(store.records(key, window).map((r) => `${r.repository}#${r.number}`));
  const pending = new Map<string, ReturnType<AuditStore['facts']>>();
  const names = new Map(input.repos.map((r) => [`${org}/${r}`, r]));
  for (const f of store.facts(window, [...names.keys()])) {
    if (judged.has(`${f.repository}#${f.number}`)) continue;
    const list = pending.get(f.repository) ?? [];
    list.push(f);
    pending.set(f.repository, list);
  }
  const judging = new Judging(input);
  if (pending.size > 0)
    await judging.load(
      [...pending.keys()].map((full) => names.get(full)!),
      fresh,
    );
  for (const [full, facts] of pending) {
    const repo = names.get(full)!;
    const context = await judging.context(repo);
    store.saveRecords(
      key,
      facts.map((f) => classifyMergedPullRequest(f, context)),
    );
  }
  return total;
}
