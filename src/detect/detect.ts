import type { CommitFact, GitIdentity, PullRequestFacts } from '../model/facts.js';
import type { DetectionSettings } from '../model/policy.js';
import {
  AI_TRAILER_KEYS,
  isAffirmativeTrailerValue,
  toolForBody,
  toolForBranch,
  toolForIdentity,
  toolForLogin,
  toolForTrailerValue,
} from './catalogue.js';
import type { Evidence } from '../model/evidence.js';
import { compileIdentityGlobs } from './globs.js';
import { parseIdentity } from './identity.js';
import { commitTrailers } from './trailers.js';

export interface DetectOptions {
  /** The label the app itself adds to AI-assisted PRs (`actions.label`). */
  selfLabel?: string | null;
  /**
   * The app's own bot login (`<slug>[bot]`). The `selfLabel` applied by this account is the app's
   * own output, not evidence; applied by anyone else, other bots included, it is evidence.
   */
  appLogin?: string | null;
}

/** The facts detection reads: a PR's commits, labels, author, body and branch. */
export type DetectionFacts = Pick<
  PullRequestFacts,
  'commits' | 'labels' | 'author' | 'body' | 'headRef'
>;

/**
 * Finds every sign of AI assistance in a pull request. Pure: the same facts and settings always
 * give the same evidence, in the same order (commits first, in the order given, then the PR).
 */
export function detectAi(
  settings: DetectionSettings,
  facts: DetectionFacts,
  options: DetectOptions = {},
): Evidence[] {
  const d = new Detector(settings);
  for (const commit of facts.commits) d.commit(commit);
  d.prAuthor(facts.author.login);
  d.labels(facts.labels, options.selfLabel ?? null, options.appLogin ?? null);
  d.body(facts.body);
  d.branch(facts.headRef);
  return d.evidence;
}

class Detector {
  readonly evidence: Evidence[] = [];
  private readonly seen = new Set<string>();
  private readonly trailerKeys: Map<string, string>;
  private readonly identityGlob: (name: string, email: string) => string | null;
  private readonly authors: Set<string>;
  private readonly ignored: Set<string>;
  private readonly labelNames: Set<string>;
  private readonly bodyMarkers: string[];

  constructor(private readonly s: DetectionSettings) {
    this.trailerKeys = new Map();
    if (s.builtin)
      for (const k of AI_TRAILER_KEYS) this.trailerKeys.set(k.toLowerCase(), 'built-in AI trailer');
    for (const k of s.trailers) this.trailerKeys.set(k.toLowerCase(), 'detection.trailers');
    this.identityGlob = compileIdentityGlobs(s.co_authors);
    this.authors = new Set(s.authors.map((a) => a.toLowerCase()));
    this.ignored = new Set(s.ignore_authors.map((a) => a.toLowerCase()));
    this.labelNames = new Set(s.labels.map((l) => l.toLowerCase()));
    this.bodyMarkers = s.body_markers.map((m) => m.toLowerCase()).filter((m) => m.length > 0);
  }

  private add(e: Evidence): void {
    const key = `${e.kind}\u0000${e.commit ?? ''}\u0000${e.detail}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.evidence.push(e);
  }

  commit(c: CommitFact): void {
    // Addresses of AI co-authors already found in this commit's trailers.
    const found = new Set<string>();
    for (const t of commitTrailers(c.message)) {
      const key = t.key.toLowerCase();
      if (key === 'co-authored-by') {
        const id = parseIdentity(t.value);
        const why = this.identityReason(id.name, id.email);
        if (why) {
          found.add(id.email.toLowerCase());
          this.add({ source: 'trailer', kind: 'co-author', commit: c.sha, detail: t.raw, ...why });
        }
        continue;
      }
      const reason = this.trailerKeys.get(key);
      if (reason && isAffirmativeTrailerValue(t.value)) {
        const tool = toolForTrailerValue(t.value);
        this.add({
          source: 'trailer',
          kind: 'trailer',
          commit: c.sha,
          detail: t.raw,
          ...(tool === undefined ? {} : { tool }),
          reason,
        });
      }
    }
    const [primary, ...coAuthors] = c.authors;
    if (primary) this.commitIdentity(c.sha, primary, 'author');
    this.commitIdentity(c.sha, c.committer, 'committer');
    // The co-authors GitHub itself attributes to the commit, wherever it read them from.
    for (const co of coAuthors) {
      if (!found.has(co.email.toLowerCase())) this.commitIdentity(c.sha, co, 'co-author');
    }
    this.text(c.message, c.sha);
  }

  private commitIdentity(
    sha: string,
    id: GitIdentity,
    role: 'author' | 'committer' | 'co-author',
  ): void {
    const login = id.login?.toLowerCase() ?? null;
    if (login && this.ignored.has(login)) return;
    const kind = role === 'co-author' ? 'co-author' : 'commit-author';
    const detail = `${role}: ${id.name} <${id.email}>${login ? ` (@${login})` : ''}`;
    if (login && this.authors.has(login)) {
      this.add({
        source: 'author',
        kind,
        commit: sha,
        detail,
        reason: 'detection.authors',
      });
      return;
    }
    const loginTool = login && this.s.builtin ? toolForLogin(login) : undefined;
    if (loginTool) {
      this.add({
        source: 'author',
        kind,
        commit: sha,
        detail,
        tool: loginTool.name,
        reason: `built-in catalogue: ${loginTool.name}`,
      });
      return;
    }
    const why = this.identityReason(id.name, id.email);
    if (why) this.add({ source: 'author', kind, commit: sha, detail, ...why });
  }

  private identityReason(name: string, email: string): { tool?: string; reason: string } | null {
    if (this.s.builtin) {
      const tool = toolForIdentity(name, email);
      if (tool) return { tool: tool.name, reason: `built-in catalogue: ${tool.name}` };
    }
    const glob = this.identityGlob(name, email);
    if (glob) return { reason: `detection.co_authors: ${glob}` };
    return null;
  }

  prAuthor(rawLogin: string): void {
    const login = rawLogin.toLowerCase();
    if (this.ignored.has(login)) return;
    const detail = `@${rawLogin}`;
    if (this.authors.has(login)) {
      this.add({ source: 'author', kind: 'pr-author', detail, reason: 'detection.authors' });
      return;
    }
    const tool = this.s.builtin ? toolForLogin(login) : undefined;
    if (tool) {
      this.add({
        source: 'author',
        kind: 'pr-author',
        detail,
        tool: tool.name,
        reason: `built-in catalogue: ${tool.name}`,
      });
    }
  }

  labels(
    labels: DetectionFacts['labels'],
    selfLabel: string | null,
    appLogin: string | null,
  ): void {
    const self = selfLabel?.toLowerCase() ?? null;
    const app = appLogin?.toLowerCase() ?? null;
    for (const l of labels) {
      const name = l.name.toLowerCase();
      if (!this.labelNames.has(name)) continue;
      const appliedByApp =
        name === self && app !== null && l.appliedBy?.login.toLowerCase() === app;
      if (appliedByApp) continue;
      this.add({ source: 'label', kind: 'label', detail: l.name, reason: 'detection.labels' });
    }
  }

  body(body: string): void {
    this.text(body, undefined);
  }

  /** Body markers, in a PR body (no commit) or a commit message. */
  private text(text: string, commit: string | undefined): void {
    if (!text) return;
    if (this.s.builtin) {
      const hit = toolForBody(text);
      if (hit) {
        this.add({
          source: 'body',
          kind: 'body',
          ...(commit ? { commit } : {}),
          detail: hit.line,
          tool: hit.tool.name,
          reason: `built-in catalogue: ${hit.tool.name}`,
        });
      }
    }
    if (this.bodyMarkers.length === 0) return;
    for (const line of text.split(/\r?\n/)) {
      const lower = line.toLowerCase();
      const marker = this.bodyMarkers.find((m) => lower.includes(m));
      if (marker) {
        this.add({
          source: 'body',
          kind: 'body',
          ...(commit ? { commit } : {}),
          detail: line.trim(),
          reason: `detection.body_markers: ${marker}`,
        });
      }
    }
  }

  branch(headRef: string): void {
    if (!this.s.builtin || !headRef) return;
    const tool = toolForBranch(headRef);
    if (tool) {
      this.add({
        source: 'branch',
        kind: 'branch',
        detail: headRef,
        tool: tool.name,
        reason: `built-in catalogue: ${tool.name}`,
      });
    }
  }
}
