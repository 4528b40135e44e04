/** The members of an org's teams, several teams a query, and the list of its teams. */
import { FORWARD, PAGE_SIZE, aliased, type ForwardPage } from './common.js';

export interface RawTeam {
  slug: string;
  members: ForwardPage<{ login: string }>;
}

/** Answer to {@link teamMembersQuery}: aliases t0, t1, ... */
export interface TeamMembersAnswer {
  organization: Record<string, RawTeam | null> | null;
}

export interface OrgTeamsAnswer {
  organization: {
    teams: ForwardPage<{ slug: string }>;
  } | null;
}

/**
 * Members of several teams at once (aliases t0.., variables $s{i} slug, $c{i} cursor or null).
 * `membership: ALL` includes members of child teams, as GitHub's team review requests do.
 */
export function teamMembersQuery(count: number): string {
  const { vars, fields } = aliased(
    count,
    'teamMembersQuery needs at least one team',
    (i) => `$s${i}: String!, $c${i}: String`,
    (i) =>
      `t${i}: team(slug: $s${i}) { slug members(first: ${PAGE_SIZE}, after: $c${i}, membership: ALL) { ${FORWARD} nodes { login } } }`,
  );
  return `query TeamMembers($org: String!, ${vars}) {
  organization(login: $org) {
    ${fields.join('\n    ')}
  }
}`;
}

export const ORG_TEAMS_QUERY = `query OrgTeams($org: String!, $cursor: String) {
  organization(login: $org) {
    teams(first: ${PAGE_SIZE}, after: $cursor) { ${FORWARD} nodes { slug } }
  }
}`;
