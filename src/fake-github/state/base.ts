/**
 * The first layer of the fake GitHub's state: the app, the maps that hold the world, and the
 * deterministic clock, ids and shas every other layer draws from. Ids count up, shas are hashes
 * of a counter, and the clock moves one second per event from a fixed start, so the same story
 * always gives the same data.
 */

import { createHash } from 'node:crypto';
import type { FakeApp, FakeOrg, FakeRepo, FakeUser, StateOptions } from '../model.js';

const DEFAULT_START = '2025-01-06T09:00:00Z';

export class StateBase {
  readonly app: FakeApp;
  readonly users = new Map<string, FakeUser>();
  readonly orgs = new Map<string, FakeOrg>();
  readonly repos = new Map<string, FakeRepo>();
  private clock: number;
  private ids = 1000;
  private shas = 0;

  constructor(options: StateOptions = {}) {
    this.clock = Date.parse(options.start ?? DEFAULT_START);
    if (Number.isNaN(this.clock)) throw new Error(`bad start time ${options.start}`);
    this.app = {
      id: options.app?.id ?? 4242,
      slug: options.app?.slug ?? 'ai-governance',
      name: options.app?.name ?? 'AI Governance',
      owner: options.app?.owner ?? 'ai-governance',
      installationId: options.app?.installationId ?? 777,
      publicKey: options.app?.publicKey ?? null,
    };
  }

  // ------------------------------------------------------------------------------------------
  // Clock, ids and shas

  /** The current time, then one second later for the next event. */
  now(): string {
    const t = new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
    this.clock += 1000;
    return t;
  }

  /** Moves the clock on to `iso` (never back): time passing between events. */
  advanceClock(iso: string): void {
    const t = Date.parse(iso);
    if (Number.isNaN(t)) throw new Error(`bad time ${iso}`);
    this.clock = Math.max(this.clock, t);
  }

  nextId(): number {
    return ++this.ids;
  }

  newSha(...parts: string[]): string {
    return createHash('sha1')
      .update(`${++this.shas}\0${parts.join('\0')}`)
      .digest('hex');
  }

  /** Accounts (lower-case) with an installation of their own; every other account shares the app's. */
  private readonly installations = new Map<string, number>();

  /**
   * Installs the app on `owner` as an installation of its own (GitHub gives each account its own
   * installation, with its own token and limits) and returns its id. The fake does not check which
   * repositories a token may reach.
   */
  installOn(owner: string): number {
    const key = owner.toLowerCase();
    let id = this.installations.get(key);
    if (id === undefined) {
      id = this.app.installationId + 1000 + this.installations.size;
      this.installations.set(key, id);
    }
    return id;
  }

  /** The installation webhooks about `owner`'s repositories carry. */
  installationFor(owner: string): number {
    return this.installations.get(owner.toLowerCase()) ?? this.app.installationId;
  }

  isInstallation(id: number): boolean {
    return id === this.app.installationId || [...this.installations.values()].includes(id);
  }

  /** The app's bot account, as REST shows it. */
  get botLogin(): string {
    return `${this.app.slug}[bot]`;
  }
}
