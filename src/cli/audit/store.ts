/**
 * The audit's store: one SQLite file (`--db`) over better-sqlite3 that keeps the facts read per
 * merged pull request (so a run with another --policy judges again without reading GitHub), the
 * policy histories, the records each policy gave, and per repository how far reading got (so an
 * interrupted run resumes where it stopped and the next run reads only what merged since).
 *
 * A file that is not this store (another SQLite database, garbage, a newer schema) is refused and
 * never written to: it is checked read-only before it is opened for writing. Every write is one
 * transaction. better-sqlite3 is loaded on demand (`openAuditStore`), so that only the audit
 * command needs its native module.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import type { AuditRecord, MergedPullRequestFacts, PolicyHistory } from '../../audit/model.js';
import { SCHEMA, SCHEMA_VERSION, STORE_APPLICATION_ID } from './store-schema.js';
import { mergeWindows, type Window } from './windows.js';

export { missingWindows, type Window } from './windows.js';

export class AuditStoreError extends Error {
  override name = 'AuditStoreError';
}

/** How far reading a repository got. */
export interface ReadProgress {
  /** Every pull request merged in this window has been read and stored; null when none yet. */
  covered: Window | null;
  /** A read under way: its window and the reader's cursor after the last page stored. */
  pending: (Window & { cursor: string | null }) | null;
}

type Db = BetterSqlite3.Database;
type DatabaseConstructor = typeof BetterSqlite3;

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

function why(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Refuses, without writing to it, a file that is not an audit store this version can read. */
function checkExisting(path: string, Database: DatabaseConstructor): void {
  const refuse = (what: string) =>
    new AuditStoreError(`${path} ${what}; it was left as it is (give another --db, or move it)`);
  if (!statSync(path).isFile()) throw refuse('is not a file');
  const head = Buffer.alloc(16);
  const fd = openSync(path, 'r');
  let n: number;
  try {
    n = readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (n < 16 || !head.equals(SQLITE_HEADER)) throw refuse('is not an SQLite database');
  let db: Db | null = null;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const appId = db.pragma('application_id', { simple: true }) as number;
    const version = db.pragma('user_version', { simple: true }) as number;
    if (appId !== STORE_APPLICATION_ID) {
      throw refuse(`is an SQLite database of another application (application_id ${appId})`);
    }
    if (version > SCHEMA_VERSION) {
      throw refuse(
        `was written by a newer ai-governance (store schema ${version}; this one reads ${SCHEMA_VERSION})`,
      );
    }
    if (version < 1) throw refuse('has no store schema');
    const check = db.pragma('quick_check', { simple: true }) as string;
    if (check !== 'ok') throw refuse(`is damaged (${check})`);
  } catch (err) {
    if (err instanceof AuditStoreError) throw err;
    throw refuse(`cannot be read as an audit store (${why(err)})`);
  } finally {
    db?.close();
  }
}

/** better-sqlite3, its native module loaded (an in-memory database opened and closed). */
async function loadDriver(): Promise<DatabaseConstructor> {
  let Database: DatabaseConstructor;
  try {
    Database = (await import('better-sqlite3')).default;
  } catch (err) {
    throw new AuditStoreError(`the audit store needs the better-sqlite3 package (${why(err)})`);
  }
  try {
    new Database(':memory:').close();
  } catch (err) {
    throw new AuditStoreError(
      "the audit store needs better-sqlite3's native module, which is not built for this Node " +
        '(an install with --ignore-scripts skips building it): run `npm rebuild better-sqlite3` ' +
        `where ai-governance is installed (${why(err).split('\n')[0]})`,
    );
  }
  return Database;
}

/**
 * Opens the store at `path`, creating it when there is no file. Throws AuditStoreError when the
 * file is not an audit store, or when better-sqlite3's native module cannot be loaded.
 */
export async function openAuditStore(path: string): Promise<AuditStore> {
  const Database = await loadDriver();
  const exists = existsSync(path);
  let db: Db;
  try {
    if (exists) checkExisting(path, Database);
    db = new Database(path, { fileMustExist: exists });
  } catch (err) {
    if (err instanceof AuditStoreError) throw err;
    throw new AuditStoreError(`cannot open the audit store ${path}: ${why(err)}`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    if (!exists) {
      db.transaction(() => {
        db.exec(SCHEMA);
        db.pragma(`application_id = ${STORE_APPLICATION_ID}`);
        db.pragma(`user_version = ${SCHEMA_VERSION}`);
      })();
    }
  } catch (err) {
    db.close();
    throw new AuditStoreError(`cannot set up the audit store ${path}: ${why(err)}`);
  }
  return new AuditStore(db);
}

export class AuditStore {
  constructor(private readonly db: Db) {}

  close(): void {
    this.db.close();
  }

  /** How far reading `repository` got. */
  progress(repository: string): ReadProgress {
    const row = this.db
      .prepare(
        `SELECT covered_since, covered_until, pending_since, pending_until, pending_cursor
         FROM progress WHERE repository = ?`,
      )
      .get(repository) as
      | {
          covered_since: string | null;
          covered_until: string | null;
          pending_since: string | null;
          pending_until: string | null;
          pending_cursor: string | null;
        }
      | undefined;
    if (!row) return { covered: null, pending: null };
    return {
      covered:
        row.covered_since && row.covered_until
          ? { since: row.covered_since, until: row.covered_until }
          : null,
      pending:
        row.pending_since && row.pending_until
          ? { since: row.pending_since, until: row.pending_until, cursor: row.pending_cursor }
          : null,
    };
  }

  /**
   * Starts (or resumes) reading `window` of `repository`: returns the cursor to read from, the
   * one stored by the last page of an interrupted read of the same window, or null.
   */
  beginRead(repository: string, window: Window): string | null {
    return this.db.transaction(() => {
      const { pending } = this.progress(repository);
      if (pending && pending.since === window.since && pending.until === window.until) {
        return pending.cursor;
      }
      this.db
        .prepare(
          `INSERT INTO progress (repository, pending_since, pending_until, pending_cursor)
           VALUES (?, ?, ?, NULL)
           ON CONFLICT (repository) DO UPDATE SET pending_since = excluded.pending_since,
             pending_until = excluded.pending_until, pending_cursor = NULL`,
        )
        .run(repository, window.since, window.until);
      return null;
    })();
  }

  /** Stores one page of merged pull requests and the cursor after it, together or not at all. */
  savePage(repository: string, facts: readonly MergedPullRequestFacts[], cursor: string | null) {
    const put = this.db.prepare(
      `INSERT INTO pull_requests (repository, number, merged_at, facts) VALUES (?, ?, ?, ?)
       ON CONFLICT (repository, number) DO UPDATE SET merged_at = excluded.merged_at,
         facts = excluded.facts`,
    );
    const move = this.db.prepare(
      `UPDATE progress SET pending_cursor = ? WHERE repository = ? AND pending_since IS NOT NULL`,
    );
    this.db.transaction(() => {
      for (const f of facts) {
        if (f.repository !== repository) {
          throw new AuditStoreError(`a page of ${repository} holds ${f.repository}#${f.number}`);
        }
        put.run(f.repository, f.number, f.mergedAt, JSON.stringify(f));
      }
      if (move.run(cursor, repository).changes !== 1) {
        throw new AuditStoreError(`no read of ${repository} is under way (call beginRead first)`);
      }
    })();
  }

  /** Marks the read under way as complete: its window joins what is covered. */
  finishRead(repository: string): void {
    this.db.transaction(() => {
      const { covered, pending } = this.progress(repository);
      if (!pending) throw new AuditStoreError(`no read of ${repository} is under way`);
      const merged = covered ? mergeWindows(covered, pending) : pending;
      this.db
        .prepare(
          `UPDATE progress SET covered_since = ?, covered_until = ?, pending_since = NULL,
             pending_until = NULL, pending_cursor = NULL WHERE repository = ?`,
        )
        .run(merged.since, merged.until, repository);
    })();
  }

  /** The stored facts of the pull requests merged in `window`, in `repositories` if given. */
  facts(window: Window, repositories?: readonly string[]): MergedPullRequestFacts[] {
    const rows = this.db
      .prepare(
        `SELECT repository, facts FROM pull_requests
         WHERE julianday(merged_at) >= julianday(?) AND julianday(merged_at) <= julianday(?)
         ORDER BY julianday(merged_at), repository, number`,
      )
      .all(window.since, window.until) as { repository: string; facts: string }[];
    const only = repositories ? new Set(repositories) : null;
    return rows
      .filter((r) => !only || only.has(r.repository))
      .map((r) => JSON.parse(r.facts) as MergedPullRequestFacts);
  }

  savePolicyHistory(history: PolicyHistory): void {
    this.db
      .prepare(
        `INSERT INTO policy_histories (repository, path, history) VALUES (?, ?, ?)
         ON CONFLICT (repository, path) DO UPDATE SET history = excluded.history`,
      )
      .run(history.repository, history.path, JSON.stringify(history));
  }

  policyHistory(repository: string, path: string): PolicyHistory | null {
    const row = this.db
      .prepare(`SELECT history FROM policy_histories WHERE repository = ? AND path = ?`)
      .get(repository, path) as { history: string } | undefined;
    return row ? (JSON.parse(row.history) as PolicyHistory) : null;
  }

  /**
   * Keeps the records one policy gave (`policyKey`: e.g. "in force", or "file:" and the digest
   * of a --policy file), replacing those it gave before for the same pull requests.
   */
  saveRecords(policyKey: string, records: readonly AuditRecord[]): void {
    const put = this.db.prepare(
      `INSERT INTO records (policy_key, repository, number, merged_at, record) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (policy_key, repository, number) DO UPDATE SET merged_at = excluded.merged_at,
         record = excluded.record`,
    );
    this.db.transaction(() => {
      for (const r of records) {
        put.run(policyKey, r.repository, r.number, r.mergedAt, JSON.stringify(r));
      }
    })();
  }

  records(policyKey: string, window: Window): AuditRecord[] {
    const rows = this.db
      .prepare(
        `SELECT record FROM records WHERE policy_key = ?
         AND julianday(merged_at) >= julianday(?) AND julianday(merged_at) <= julianday(?)
         ORDER BY julianday(merged_at), repository, number`,
      )
      .all(policyKey, window.since, window.until) as { record: string }[];
    return rows.map((r) => JSON.parse(r.record) as AuditRecord);
  }
}
