import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MergedPullRequestFacts } from '../../src/audit/model.js';
import { mergeWindows } from '../../src/cli/audit/windows.js';
import {
  AuditStoreError,
  missingWindows,
  openAuditStore,
  type AuditStore,
} from '../../src/cli/audit/store.js';
import { SCHEMA_VERSION, STORE_APPLICATION_ID } from '../../src/cli/audit/store-schema.js';
import { facts as prFacts, review, user } from '../evaluate/builders.js';
import { record } from './chain-records.js';

let dir: string;
let path: string;
const open: AuditStore[] = [];

async function store(p = path): Promise<AuditStore> {
  const s = await openAuditStore(p);
  open.push(s);
  return s;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'aig-audit-store-'));
  path = join(dir, 'audit.sqlite');
});
afterEach(() => {
  for (const s of open.splice(0)) {
    try {
      s.close();
    } catch {
      // closed by the test
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

function merged(repository: string, number: number, mergedAt: string): MergedPullRequestFacts {
  return {
    ...prFacts({
      repository,
      number,
      reviews: [review('alice', 'APPROVED'), review('bob', 'COMMENTED')],
    }),
    repository,
    number,
    url: `https://github.com/${repository}/pull/${number}`,
    createdAt: '2026-10-01T08:00:00Z',
    readyForReviewAt: '2026-10-01T08:00:00Z',
    mergedAt,
    mergedBy: user('lead'),
    mergeCommitSha: 'd'.repeat(40),
    labelEvents: [],
    labelEventsComplete: true,
    reviewsComplete: true,
    headChecks: [],
  };
}

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const window = { since: '2026-09-01T00:00:00Z', until: '2026-12-01T00:00:00Z' };

describe('the audit store', () => {
  it('is created marked as this store, at this schema version', async () => {
    (await store()).close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('application_id', { simple: true })).toBe(STORE_APPLICATION_ID);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('keeps the facts read, so another policy can judge them without reading GitHub again', async () => {
    const s = await store();
    const a = merged('acme/api', 1, '2026-10-02T10:00:00Z');
    const b = merged('acme/web', 2, '2026-10-01T10:00:00Z');
    const late = merged('acme/api', 3, '2026-12-02T10:00:00Z');
    s.beginRead('acme/api', window);
    s.savePage('acme/api', [a, late], 'cursor-1');
    s.beginRead('acme/web', window);
    s.savePage('acme/web', [b], null);
    s.close();
    const again = await store();
    expect(again.facts(window)).toEqual([b, a]);
    expect(again.facts(window, ['acme/api'])).toEqual([a]);
    // A pull request read again replaces what was stored for it.
    again.savePage('acme/api', [{ ...a, title: 'Renamed' }], 'cursor-2');
    expect(again.facts(window, ['acme/api'])[0]!.title).toBe('Renamed');
  });

  it('keeps the records per policy, each policy apart', async () => {
    const s = await store();
    const inForce = [record({ number: 1, mergedAt: '2026-10-03T00:00:00Z' })];
    const whatIf = [
      record({
        number: 1,
        mergedAt: '2026-10-03T00:00:00Z',
        class: 'merged_without_required_approval',
      }),
    ];
    s.saveRecords('in force', inForce);
    s.saveRecords('file:abc', whatIf);
    expect(s.records('in force', window)).toEqual(inForce);
    expect(s.records('file:abc', window)).toEqual(whatIf);
    expect(s.records('in force', { since: '2026-11-01T00:00:00Z', until: window.until })).toEqual(
      [],
    );
  });

  it('resumes an interrupted read from the last page stored, and reads only what merged since', async () => {
    let s = await store();
    expect(s.beginRead('acme/api', window)).toBeNull();
    s.savePage('acme/api', [merged('acme/api', 1, '2026-10-02T10:00:00Z')], 'page-2');
    s.close(); // interrupted: finishRead never ran

    s = await store();
    expect(s.progress('acme/api')).toEqual({
      covered: null,
      pending: { ...window, cursor: 'page-2' },
    });
    expect(s.beginRead('acme/api', window)).toBe('page-2');
    s.savePage('acme/api', [merged('acme/api', 2, '2026-11-02T10:00:00Z')], null);
    s.finishRead('acme/api');
    expect(s.progress('acme/api')).toEqual({ covered: window, pending: null });

    // The next run, a month on: only the month since is left to read.
    const next = { since: '2026-10-01T00:00:00Z', until: '2027-01-01T00:00:00Z' };
    expect(missingWindows(s.progress('acme/api').covered, next)).toEqual([
      { since: window.until, until: next.until },
    ]);
    // Reading another window starts afresh, and the covered window grows once it is done.
    expect(s.beginRead('acme/api', { since: window.until, until: next.until })).toBeNull();
    s.savePage('acme/api', [], null);
    s.finishRead('acme/api');
    expect(s.progress('acme/api').covered).toEqual({ since: window.since, until: next.until });
    expect(s.facts(next).map((f) => f.number)).toEqual([1, 2]);
  });

  it('stores a page and its cursor together or not at all', async () => {
    const s = await store();
    s.beginRead('acme/api', window);
    s.savePage('acme/api', [merged('acme/api', 1, '2026-10-02T10:00:00Z')], 'page-2');
    expect(() =>
      s.savePage(
        'acme/api',
        [
          merged('acme/api', 2, '2026-10-03T10:00:00Z'),
          merged('acme/web', 9, '2026-10-03T10:00:00Z'),
        ],
        'page-3',
      ),
    ).toThrow(/a page of acme\/api holds acme\/web#9/);
    expect(s.facts(window).map((f) => f.number)).toEqual([1]);
    expect(s.progress('acme/api').pending?.cursor).toBe('page-2');
    expect(() => s.savePage('acme/other', [], 'x')).toThrow(/no read of acme\/other is under way/);
    expect(() => s.finishRead('acme/other')).toThrow(/no read of acme\/other is under way/);
  });
});

describe('a file that is not this store', () => {
  async function refused(pattern: RegExp) {
    const before = sha(path);
    await expect(openAuditStore(path)).rejects.toThrow(AuditStoreError);
    await expect(openAuditStore(path)).rejects.toThrow(pattern);
    expect(sha(path)).toBe(before);
    expect(existsSync(`${path}-wal`)).toBe(false);
  }

  it('refuses garbage bytes and an empty file, and leaves them as they are', async () => {
    writeFileSync(path, 'these are not the bytes of a database\n'.repeat(200));
    await refused(/is not an SQLite database; it was left as it is/);
    writeFileSync(path, '');
    await refused(/is not an SQLite database/);
  });

  it("refuses another application's SQLite database", async () => {
    const other = new Database(path);
    other.exec("CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('mine')");
    other.close();
    await refused(/is an SQLite database of another application \(application_id 0\)/);
  });

  it('refuses a store written by a newer version', async () => {
    (await store()).close();
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.pragma('journal_mode = DELETE');
    db.close();
    await refused(/was written by a newer ai-governance \(store schema 2; this one reads 1\)/);
  });

  it('refuses a store whose pages were damaged', async () => {
    const s = await store();
    s.beginRead('acme/api', window);
    s.savePage(
      'acme/api',
      Array.from({ length: 50 }, (_, i) => merged('acme/api', i + 1, '2026-10-02T10:00:00Z')),
      null,
    );
    s.close();
    const db = new Database(path);
    db.pragma('journal_mode = DELETE');
    db.close();
    const bytes = readFileSync(path);
    // Keep the header (first page's first 100 bytes); scribble over the rest of the file.
    for (let i = 4096; i < bytes.length; i += 7) bytes[i] = (bytes[i]! + 101) & 0xff;
    writeFileSync(path, bytes);
    await refused(/(is damaged|cannot be read as an audit store)/);
  });

  it('refuses a folder', async () => {
    await expect(openAuditStore(dir)).rejects.toThrow(/is not a file/);
  });
});

describe('windows of merge time', () => {
  it('says what is left to read before and after what is covered', () => {
    const covered = { since: '2026-10-01T00:00:00Z', until: '2026-11-01T00:00:00Z' };
    expect(missingWindows(null, window)).toEqual([window]);
    expect(missingWindows(covered, window)).toEqual([
      { since: window.since, until: covered.since },
      { since: covered.until, until: window.until },
    ]);
    expect(
      missingWindows(covered, { since: '2026-10-05T00:00:00Z', until: covered.until }),
    ).toEqual([]);
    const apart = { since: '2027-01-01T00:00:00Z', until: '2027-02-01T00:00:00Z' };
    expect(missingWindows(covered, apart)).toEqual([apart]);
  });

  it('grows the covered window only over what touches it', () => {
    const a = { since: '2026-10-01T00:00:00Z', until: '2026-11-01T00:00:00Z' };
    expect(
      mergeWindows(a, { since: '2026-11-01T00:00:00Z', until: '2026-12-01T00:00:00Z' }),
    ).toEqual({ since: a.since, until: '2026-12-01T00:00:00Z' });
    const later = { since: '2027-01-01T00:00:00Z', until: '2027-02-01T00:00:00Z' };
    expect(mergeWindows(a, later)).toEqual(later);
    expect(() => mergeWindows(a, { since: 'yesterday', until: a.until })).toThrow(/not an ISO/);
  });
});

describe('a run killed while it writes', () => {
  it('leaves every page with its cursor, or neither (dist/ is built by npm test first)', async () => {
    const storeJs = join(import.meta.dirname, '../../dist/src/cli/audit/store.js');
    // A writer that stores pages of 20 pull requests, each page with the cursor after it, until
    // it is killed.
    const script = `
      const { openAuditStore } = await import(${JSON.stringify(pathToFileURL(storeJs).href)});
      const s = await openAuditStore(process.argv[1]);
      const w = ${JSON.stringify(window)};
      s.beginRead('acme/api', w);
      const fact = ${JSON.stringify(merged('acme/api', 0, '2026-10-02T10:00:00Z'))};
      for (let page = 1; ; page++) {
        const facts = Array.from({ length: 20 }, (_, k) => ({ ...fact, number: page * 20 + k }));
        s.savePage('acme/api', facts, 'page-' + page);
        if (page === 30) process.stdout.write('ready\\n');
      }`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, path], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      child.on('exit', (code) => reject(new Error(`the writer stopped by itself (${code})`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));

    const s = await store();
    const cursor = s.progress('acme/api').pending!.cursor!;
    const pages = Number(/^page-(\d+)$/.exec(cursor)![1]);
    expect(pages).toBeGreaterThanOrEqual(30);
    const numbers = s.facts(window).map((f) => f.number);
    expect(numbers).toHaveLength(pages * 20);
    expect(Math.max(...numbers)).toBe(pages * 20 + 19);
  });
});
