/** The accounts layer of the fake GitHub's state: users, organisations, teams and roles. */

import type {
  FakeOrg,
  FakeRepo,
  FakeTeam,
  FakeUser,
  Permission,
  StateOptions,
  UserType,
} from '../model.js';
import { StateBase } from './base.js';

export class AccountsState extends StateBase {
  constructor(options: StateOptions = {}) {
    super(options);
    this.addUser(this.botLogin, { type: 'Bot' });
  }

  addUser(
    login: string,
    opts: { type?: UserType; name?: string | null; email?: string | null } = {},
  ): FakeUser {
    const existing = this.user(login);
    if (existing) return existing;
    const type: UserType = opts.type ?? (login.endsWith('[bot]') ? 'Bot' : 'User');
    const id = this.nextId();
    const user: FakeUser = {
      login,
      id,
      type,
      name: opts.name === undefined ? (type === 'Bot' ? null : titleCase(login)) : opts.name,
      email: opts.email === undefined ? `${id}+${login}@users.noreply.github.com` : opts.email,
    };
    this.users.set(login.toLowerCase(), user);
    return user;
  }

  user(login: string): FakeUser | undefined {
    return this.users.get(login.toLowerCase());
  }

  /** The account, registering it as a plain user when it is not known yet. */
  account(login: string): FakeUser {
    return this.user(login) ?? this.addUser(login);
  }

  userByEmail(email: string): FakeUser | undefined {
    const e = email.toLowerCase();
    for (const u of this.users.values()) if (u.email?.toLowerCase() === e) return u;
    return undefined;
  }

  addOrg(login: string): FakeOrg {
    const existing = this.org(login);
    if (existing) return existing;
    const org: FakeOrg = {
      login,
      id: this.nextId(),
      teams: new Map(),
      members: new Set(),
      basePermission: 'write',
    };
    this.orgs.set(login.toLowerCase(), org);
    return org;
  }

  org(login: string): FakeOrg | undefined {
    return this.orgs.get(login.toLowerCase());
  }

  addTeam(
    org: string,
    slug: string,
    members: string[] = [],
    opts: { name?: string; parent?: string } = {},
  ): FakeTeam {
    const o = this.addOrg(org);
    for (const m of members) this.account(m);
    const team: FakeTeam = {
      slug,
      name: opts.name ?? titleCase(slug),
      id: this.nextId(),
      members: [...members],
      parent: opts.parent ?? null,
    };
    o.teams.set(slug.toLowerCase(), team);
    return team;
  }

  /** Adds people to an organisation without putting them in a team. */
  addOrgMember(org: string, ...logins: string[]): void {
    const o = this.addOrg(org);
    for (const l of logins) o.members.add(this.account(l).login.toLowerCase());
  }

  /** Whether someone belongs to the organisation (directly or through a team). */
  isOrgMember(org: string, login: string): boolean {
    const o = this.org(org);
    if (!o) return false;
    const l = login.toLowerCase();
    if (o.members.has(l)) return true;
    return [...o.teams.values()].some((t) => t.members.some((m) => m.toLowerCase() === l));
  }

  /** Someone's role on a repository: their own, the owner's, the org's base permission or none. */
  permission(repo: FakeRepo, login: string): Permission {
    const l = login.toLowerCase();
    const own = repo.permissions.get(l);
    if (own) return own;
    if (repo.owner.toLowerCase() === l) return 'admin';
    const org = this.org(repo.owner);
    if (org && this.isOrgMember(org.login, l)) return org.basePermission;
    return repo.private ? 'none' : 'read';
  }

  /** Whether someone can push to a repository (GraphQL's `authorCanPushToRepository`). */
  canPush(repo: FakeRepo, login: string): boolean {
    return ['write', 'maintain', 'admin'].includes(this.permission(repo, login));
  }

  team(org: string, slug: string): FakeTeam | undefined {
    return this.org(org)?.teams.get(slug.toLowerCase());
  }

  setTeamMembers(org: string, slug: string, members: string[]): void {
    const t = this.team(org, slug);
    if (!t) throw new Error(`no team ${org}/${slug}`);
    for (const m of members) this.account(m);
    t.members = [...members];
  }

  /** Direct members and members of child teams, each once, as `membership: ALL` lists them. */
  teamMembersAll(org: string, slug: string): string[] {
    const o = this.org(org);
    if (!o) return [];
    const out = new Set<string>();
    const visit = (s: string, depth: number) => {
      const t = o.teams.get(s.toLowerCase());
      if (!t || depth > 10) return;
      t.members.forEach((m) => out.add(m));
      for (const child of o.teams.values()) {
        if (child.parent?.toLowerCase() === s.toLowerCase()) visit(child.slug, depth + 1);
      }
    };
    visit(slug, 0);
    return [...out];
  }
}

function titleCase(login: string): string {
  return login
    .replace(/\[bot\]$/, '')
    .split(/[-_]/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');
}
