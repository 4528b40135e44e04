import type { GitHubClient } from './client.js';
import { readTeams } from './teams.js';

export interface TeamCacheOptions {
  /** How long a team's member list is trusted; 0 reads it on every evaluation. */
  ttlMs: number;
  /** The most teams kept; the least recently used go first. */
  maxEntries: number;
  now?: () => number;
}

type Members = readonly string[] | null;

/**
 * Team members, cached for a short time and bounded in size, so that a burst of events does not
 * read the same teams again and again. A team that could not be found is cached too (as null); a
 * read that fails is not. Evaluations that need a team while another is already reading it wait
 * for that read instead of starting their own. Slugs are compared lower-case.
 */
export class TeamCache {
  private readonly entries = new Map<string, { at: number; members: Members }>();
  /** Reads under way, by `org/slug`: each resolves to the members of the teams it read. */
  private readonly pending = new Map<string, Promise<Record<string, string[] | null>>>();
  private readonly now: () => number;
  /** Bumped by {@link dropOrg}: a read that started before a drop does not refill the cache. */
  private readonly generations = new Map<string, number>();

  constructor(private readonly options: TeamCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The members (lower-case logins) of each slug, keyed by the lower-case slug; null: no such team. */
  async members(
    gh: GitHubClient,
    org: string,
    slugs: string[],
  ): Promise<Record<string, string[] | null>> {
    const wanted = [...new Set(slugs.map((s) => s.toLowerCase()))];
    if (this.options.ttlMs <= 0) return readTeams(gh, org, wanted);

    const result: Record<string, string[] | null> = {};
    const waits: Promise<void>[] = [];
    const missing: string[] = [];
    const now = this.now();
    for (const slug of wanted) {
      const key = this.key(org, slug);
      const hit = this.entries.get(key);
      if (hit && now - hit.at < this.options.ttlMs) {
        // Refresh its place in the LRU order.
        this.entries.delete(key);
        this.entries.set(key, hit);
        result[slug] = hit.members as string[] | null;
        continue;
      }
      const reading = this.pending.get(key);
      if (reading) {
        waits.push(reading.then((read) => void (result[slug] = read[slug] ?? null)));
      } else {
        missing.push(slug);
      }
    }
    if (missing.length > 0) {
      const generation = this.generation(org);
      const read = readTeams(gh, org, missing).then((got) => {
        if (this.generation(org) !== generation) return got;
        for (const slug of missing) {
          const members = got[slug] ?? null;
          this.put(this.key(org, slug), members ? Object.freeze([...members]) : null, now);
        }
        return got;
      });
      const done = read.finally(() => {
        for (const slug of missing) {
          const key = this.key(org, slug);
          if (this.pending.get(key) === done) this.pending.delete(key);
        }
      });
      for (const slug of missing) this.pending.set(this.key(org, slug), done);
      waits.push(
        done.then((got) => {
          for (const slug of missing) result[slug] = got[slug] ?? null;
        }),
      );
    }
    await Promise.all(waits);
    return result;
  }

  /**
   * Forgets every team of `org` (GitHub said its members or teams changed): the next evaluation
   * reads them again, and a read under way does not refill the cache with what it read.
   */
  dropOrg(org: string): void {
    const prefix = `${org.toLowerCase()}/`;
    this.generations.set(org.toLowerCase(), this.generation(org) + 1);
    for (const key of [...this.entries.keys()])
      if (key.startsWith(prefix)) this.entries.delete(key);
    for (const key of [...this.pending.keys()])
      if (key.startsWith(prefix)) this.pending.delete(key);
  }

  private generation(org: string): number {
    return this.generations.get(org.toLowerCase()) ?? 0;
  }

  private key(org: string, slug: string): string {
    return `${org.toLowerCase()}/${slug}`;
  }

  private put(key: string, members: Members, at: number): void {
    this.entries.delete(key);
    this.entries.set(key, { at, members });
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** Teams whose members are kept. */
  get size(): number {
    return this.entries.size;
  }

  /** Team reads under way. */
  get reading(): number {
    return new Set(this.pending.values()).size;
  }
}
