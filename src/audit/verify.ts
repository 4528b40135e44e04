/**
 * `audit verify`, the pure part: recompute the chain over prs.jsonl as it stands, compare it with
 * the manifest (chain.json) and, when a public key is given, check the manifest's signature.
 * Every break is named: the record changed (its line and repo#number), the record missing (where,
 * and the hash the next record expected), the records out of place. Nothing here reads the disk.
 */
import {
  CHAIN_FORMAT,
  GENESIS,
  checkSignature,
  compareRecords,
  recordHash,
  type ChainManifest,
  type JsonValue,
} from './chain.js';

export type ProblemKind =
  | 'unreadable'
  | 'changed'
  | 'removed'
  | 'reordered'
  | 'duplicate'
  | 'added'
  | 'manifest'
  | 'signature';

export interface VerifyProblem {
  kind: ProblemKind;
  /** The line of prs.jsonl it is about (1-based), when it is about one. */
  line: number | null;
  /** `owner/name#number` of the record it is about, when known. */
  record: string | null;
  message: string;
}

export interface VerifyInput {
  /** prs.jsonl as read. */
  jsonl: string;
  /** chain.json as read; null when the file is missing. */
  manifest: string | null;
  /** chain.sig as read; null when the file is missing. */
  signature: string | null;
  /** The public key (PEM) to check the signature with; null when none was given. */
  publicKey: string | null;
}

export interface VerifyResult {
  ok: boolean;
  /** How many records prs.jsonl holds (lines that parse as records). */
  records: number;
  /** The chain's head recomputed from the records as they stand now. */
  head: string;
  problems: VerifyProblem[];
  /** `verified`, `not checked` (no key given) or `failed`. */
  signature: 'verified' | 'not checked' | 'failed';
  /** The fingerprint of the key that verified the signature. */
  signedBy: string | null;
}

interface Entry {
  line: number;
  id: string;
  data: Record<string, unknown>;
  stated: string;
  previous: string;
  computed: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

function short(hash: string): string {
  return `${hash.slice(0, 12)}…`;
}

function parseLines(jsonl: string, problems: VerifyProblem[]): Entry[] {
  const lines = jsonl.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const entries: Entry[] = [];
  lines.forEach((text, i) => {
    const line = i + 1;
    const bad = (message: string) =>
      problems.push({ kind: 'unreadable', line, record: null, message });
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      bad(`line ${line} is not JSON`);
      return;
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      bad(`line ${line} is not a record`);
      return;
    }
    const d = data as Record<string, unknown>;
    if (
      typeof d.repository !== 'string' ||
      typeof d.number !== 'number' ||
      typeof d.mergedAt !== 'string' ||
      typeof d.sha256 !== 'string' ||
      typeof d.previous !== 'string' ||
      !HEX64.test(d.sha256) ||
      !HEX64.test(d.previous)
    ) {
      bad(`line ${line} lacks a record's repository, number, mergedAt, previous or sha256`);
      return;
    }
    let computed: string;
    try {
      computed = recordHash(d as never);
    } catch (err) {
      bad(`line ${line}: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    entries.push({
      line,
      id: `${d.repository}#${d.number}`,
      data: d,
      stated: d.sha256,
      previous: d.previous,
      computed,
    });
  });
  return entries;
}

function checkLinks(entries: Entry[], problems: VerifyProblem[]): void {
  const byHash = new Map(entries.map((e) => [e.stated, e]));
  const firstLine = new Map<string, number>();
  entries.forEach((e, k) => {
    const at = (kind: ProblemKind, message: string) =>
      problems.push({ kind, line: e.line, record: e.id, message });
    const seen = firstLine.get(e.id);
    if (seen !== undefined) at('duplicate', `line ${e.line} (${e.id}) repeats line ${seen}`);
    else firstLine.set(e.id, e.line);

    if (e.computed !== e.stated) {
      at(
        'changed',
        `line ${e.line} (${e.id}) was changed: its content hashes to ${short(e.computed)}, the chain recorded ${short(e.stated)}`,
      );
    }
    const before = k > 0 ? entries[k - 1]! : null;
    const expected = before ? before.stated : GENESIS;
    if (e.previous === expected) {
      if (before && compareRecords(before.data as never, e.data as never) > 0) {
        at(
          'reordered',
          `line ${e.line} (${e.id}, merged ${String(e.data.mergedAt)}) stands after line ${before.line} (${before.id}, merged ${String(before.data.mergedAt)}), out of the report's order`,
        );
      }
      return;
    }
    if (e.previous === GENESIS) {
      at(
        'reordered',
        `line ${e.line} (${e.id}) is the chain's first record, but stands after line ${before!.line} (${before!.id})`,
      );
      return;
    }
    const follows = byHash.get(e.previous);
    if (follows && follows !== e) {
      at(
        'reordered',
        `line ${e.line} (${e.id}) follows ${follows.id} (line ${follows.line}) in the chain, but stands ${
          before ? `after line ${before.line} (${before.id})` : 'first'
        }`,
      );
      return;
    }
    at(
      'removed',
      before
        ? `a record is missing between line ${before.line} (${before.id}) and line ${e.line} (${e.id}): ${e.id} follows a record hashed ${short(e.previous)}, which is not in the report (or line ${before.line} was changed and its hash rewritten)`
        : `the chain's first record is missing: line ${e.line} (${e.id}) follows a record hashed ${short(e.previous)}, which is not in the report`,
    );
  });
}

function parseManifest(text: string | null, problems: VerifyProblem[]): ChainManifest | null {
  const bad = (message: string) => {
    problems.push({ kind: 'manifest', line: null, record: null, message });
    return null;
  };
  if (text === null) {
    return bad('chain.json is missing: how many records the report holds cannot be checked');
  }
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return bad('chain.json is not JSON');
  }
  const d = m as Partial<ChainManifest> | null;
  if (
    typeof d !== 'object' ||
    d === null ||
    d.format !== CHAIN_FORMAT ||
    d.algorithm !== 'sha256' ||
    d.genesis !== GENESIS ||
    typeof d.records !== 'number' ||
    typeof d.head !== 'string' ||
    typeof d.scope !== 'object' ||
    d.scope === null ||
    Array.isArray(d.scope)
  ) {
    return bad(`chain.json is not a ${CHAIN_FORMAT} manifest`);
  }
  return d as ChainManifest;
}

/**
 * The head of the chain recomputed from the records' content alone, in the order they stand: each
 * hashed with the recomputed hash before it, whatever `previous` and `sha256` the lines state.
 * It equals the head written only when no record was changed, removed, added or moved.
 */
function recomputedHead(entries: Entry[]): string {
  let previous = GENESIS;
  for (const e of entries) previous = recordHash({ ...(e.data as object), previous } as never);
  return previous;
}

function checkManifest(
  m: ChainManifest,
  entries: Entry[],
  head: string,
  problems: VerifyProblem[],
): void {
  const n = entries.length;
  const last = entries.at(-1);
  if (m.records > n) {
    problems.push({
      kind: 'removed',
      line: null,
      record: null,
      message: `the report holds ${n} records, chain.json says ${m.records}: ${m.records - n} removed${
        m.head !== head && !entries.some((e) => e.stated === m.head)
          ? ` (the chain's last record, hashed ${short(m.head)}, is not in the report${last ? `; it came after ${last.id} or later` : ''})`
          : ''
      }`,
    });
  } else if (m.records < n) {
    problems.push({
      kind: 'added',
      line: null,
      record: null,
      message: `the report holds ${n} records, chain.json says ${m.records}: ${n - m.records} added`,
    });
  }
  if (m.head !== head && m.records === n) {
    problems.push({
      kind: 'manifest',
      line: last?.line ?? null,
      record: last?.id ?? null,
      message: `the chain's head is ${short(head)} now, chain.json recorded ${short(m.head)}`,
    });
  }
}

/** Checks a report; `ok` only when every record, link, count and (if asked) the signature hold. */
export function verifyReport(input: VerifyInput): VerifyResult {
  const problems: VerifyProblem[] = [];
  const entries = parseLines(input.jsonl, problems);
  checkLinks(entries, problems);
  const manifest = parseManifest(input.manifest, problems);
  const head = recomputedHead(entries);
  if (manifest) checkManifest(manifest, entries, head, problems);

  let signature: VerifyResult['signature'] = 'not checked';
  let signedBy: string | null = null;
  if (input.publicKey !== null) {
    signature = 'failed';
    const fail = (message: string) =>
      problems.push({ kind: 'signature', line: null, record: null, message });
    if (input.signature === null) {
      fail('a public key was given, but the report has no chain.sig');
    } else if (!manifest) {
      fail('the signature cannot be checked without chain.json');
    } else {
      let sig: unknown;
      try {
        sig = JSON.parse(input.signature);
      } catch {
        sig = null;
      }
      // The signature must sign the chain as recomputed now, not merely the manifest's words.
      const recomputed: ChainManifest = {
        ...manifest,
        records: entries.length,
        head,
        scope: manifest.scope as Record<string, JsonValue>,
      };
      const check = checkSignature(recomputed, sig, input.publicKey);
      if (check.ok) {
        signature = 'verified';
        signedBy = check.key;
      } else fail(check.reason);
    }
  }
  return {
    ok: problems.length === 0,
    records: entries.length,
    head,
    problems,
    signature,
    signedBy,
  };
}
