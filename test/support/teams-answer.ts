/**
 * GitHub's answer to the app's team-members query (src/github/teams.ts), for unit tests whose
 * client double answers it: the query asks for teams `s0`, `s1`, … under the aliases `t0`, `t1`, ….
 */

/** The team slugs a team-members query asks for, in order. */
export function askedSlugs(vars: Record<string, unknown> | undefined): string[] {
  const slugs: string[] = [];
  for (let i = 0; vars && `s${i}` in vars; i++) slugs.push(String(vars[`s${i}`]));
  return slugs;
}

/** One page of members for each asked team found in `teams`; null for a team that does not exist. */
export function teamMembersAnswer(teams: Record<string, string[]>, slugs: string[]) {
  const organization: Record<string, unknown> = {};
  slugs.forEach((slug, i) => {
    const members = teams[slug];
    organization[`t${i}`] = members
      ? {
          slug,
          members: {
            pageInfo: { hasNextPage: false, endCursor: null },
            nodes: members.map((login) => ({ login })),
          },
        }
      : null;
  });
  return { organization };
}
