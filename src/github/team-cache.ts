import type { GitHubClient } from './client.js';
import { readTeams } from './facts.js';

export interface TeamCacheOptions {
  /** How long a team's member list is trusted; 0 reads it on every evaluation. */
  ttlMs: number;
  /** The most teams kept; the least recently used go first. */
  maxEntries: number;
  now?: () => number;
}

/**
 * Team members, cached for a short time and bounded in size, so that a burst of events does not
 * read the same teams again and again. A team that could not be found is cached too (as null).
 */
export class TeamCache {
  private readonly entries = new Map<string, { at: number; members: string[] | null }>();
  private readonly now: () => number;

  constructor(private readonly options: TeamCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  async members(
    gh: GitHubClient,
    org: string,
    slugs: string[],
  ): Promise<Record<string, string[] | null>> {
    const result: Record<string, string[] | null> = {};
    const missing: string[] = [];
    const now = this.now();
    for (const slug of slugs) {
      const key = `${org.toLowerCase()}/${slug}`;
      const hit = this.entries.get(key);
      if (hit && now - hit.at < this.options.ttlMs) {
        // Refresh its place in the LRU order.
        this.entries.delete(key);
        this.entries.set(key, hit);
        result[slug] = hit.members;
      } else {
        missing.push(slug);
      }
    }
    if (missing.length > 0) {
      const read = await readTeams(gh, org, missing);
      for (const slug of missing) {
        const members = read[slug] ?? null;
        result[slug] = members;
        if (this.options.ttlMs > 0) this.put(`${org.toLowerCase()}/${slug}`, members, now);
      }
    }
    return result;
  }

  private put(key: string, members: string[] | null, at: number): void {
    this.entries.delete(key);
    this.entries.set(key, { at, members });
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
