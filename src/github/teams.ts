/** Reading the members of an organisation's teams, for the reviewers a policy names. */
import { describeError, fail, nextCursor, reading, type GitHubClient } from './client.js';
import { PAGE_SIZE } from './queries/common.js';
import {
  ORG_TEAMS_QUERY,
  teamMembersQuery,
  type OrgTeamsAnswer,
  type TeamMembersAnswer,
} from './queries/teams.js';

/** GraphQL errors that mean "this team (or org) is not there for us", not a failure to read. */
function isMissingTeamError(e: unknown): boolean {
  const err = e as { type?: unknown; path?: unknown } | null;
  return (
    !!err &&
    (err.type === 'NOT_FOUND' || err.type === 'FORBIDDEN') &&
    Array.isArray(err.path) &&
    err.path[0] === 'organization'
  );
}

/** Members (lower-case logins) of each team slug; null for a team that does not exist or cannot be read. Paginates members. */
export async function readTeams(
  gh: GitHubClient,
  org: string,
  slugs: string[],
): Promise<Record<string, string[] | null>> {
  const result: Record<string, string[] | null> = {};
  const unique = [...new Set(slugs.map((s) => s.toLowerCase()))];
  const members = new Map<string, string[]>();
  let pending: { slug: string; cursor: string | null }[] = unique.map((slug) => ({
    slug,
    cursor: null,
  }));
  for (const slug of unique) members.set(slug, []);
  const what = `the members of teams in ${org}`;

  while (pending.length > 0) {
    const next: { slug: string; cursor: string | null }[] = [];
    for (let start = 0; start < pending.length; start += PAGE_SIZE) {
      const batch = pending.slice(start, start + PAGE_SIZE);
      const vars: Record<string, unknown> = { org };
      batch.forEach((t, i) => {
        vars[`s${i}`] = t.slug;
        vars[`c${i}`] = t.cursor;
      });
      let answer: TeamMembersAnswer | null = null;
      const missing = new Set<number>();
      let orgMissing = false;
      try {
        answer = await gh.graphql<TeamMembersAnswer>(teamMembersQuery(batch.length), vars);
      } catch (err) {
        const errors = (err as { errors?: unknown })?.errors;
        if (!Array.isArray(errors) || errors.length === 0 || !errors.every(isMissingTeamError)) {
          throw new Error(`could not read ${what}: ${describeError(err)}`, { cause: err });
        }
        answer = ((err as { data?: unknown }).data ?? null) as TeamMembersAnswer | null;
        for (const e of errors as { path: unknown[] }[]) {
          const alias = e.path[1];
          if (typeof alias === 'string' && /^t\d+$/.test(alias))
            missing.add(Number(alias.slice(1)));
          else orgMissing = true;
        }
      }
      batch.forEach((t, i) => {
        if (result[t.slug] === null) return;
        const team = orgMissing || missing.has(i) ? null : answer?.organization?.[`t${i}`];
        if (!team) {
          result[t.slug] = null;
          return;
        }
        const list = members.get(t.slug)!;
        for (const m of team.members.nodes ?? []) if (m?.login) list.push(m.login.toLowerCase());
        if (team.members.pageInfo.hasNextPage) {
          next.push({
            slug: t.slug,
            cursor: nextCursor(`the members of ${org}/${t.slug}`, team.members.pageInfo, t.cursor),
          });
        }
      });
    }
    pending = next;
  }
  for (const slug of unique) {
    if (result[slug] !== null) result[slug] = [...new Set(members.get(slug)!)];
  }
  return result;
}

/** Org teams that exist (lower-case slugs) — for validating policy team references. */
export async function listOrgTeams(gh: GitHubClient, org: string): Promise<Set<string>> {
  const what = `the teams of ${org}`;
  const out = new Set<string>();
  let cursor: string | null = null;
  for (;;) {
    const vars: Record<string, unknown> = { org, cursor };
    const answer: OrgTeamsAnswer = await reading(what, () =>
      gh.graphql<OrgTeamsAnswer>(ORG_TEAMS_QUERY, vars),
    );
    const teams = answer?.organization?.teams;
    if (!teams) fail(what, 'organization not found');
    for (const t of teams.nodes ?? []) if (t?.slug) out.add(t.slug.toLowerCase());
    if (!teams.pageInfo.hasNextPage) return out;
    cursor = nextCursor(what, teams.pageInfo, cursor);
  }
}
