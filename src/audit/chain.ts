/**
 * The hash chain over an audit report, and the Ed25519 signature of its head.
 *
 * Records are put in one fixed order (merge time, then repository, then number). Each carries
 * `previous`, the hash of the record before it (GENESIS for the first), and `sha256`, the SHA-256
 * of its own canonical JSON with `previous` in it and `sha256` left out. The last hash is the
 * chain's head; the manifest states the head and the number of records, and a signature signs
 * the manifest. Pure, apart from node:crypto.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { AuditRecord } from './model.js';

/** `previous` of the first record. */
export const GENESIS = '0'.repeat(64);

export const CHAIN_FORMAT = 'ai-governance-audit-chain/1';

/** A record as it stands in prs.jsonl: the record, the hash before it and its own hash. */
export type ChainedRecord = AuditRecord & { previous: string; sha256: string };

/** What the chain says about the whole report; chain.json holds it, the signature signs it. */
export interface ChainManifest {
  format: typeof CHAIN_FORMAT;
  /** How each record is hashed. */
  algorithm: 'sha256';
  genesis: string;
  /** How many records the chain holds. */
  records: number;
  /** The last record's sha256; GENESIS when there is none. */
  head: string;
  /** What the report covers (org, window, policy file...), as the command states it. */
  scope: Record<string, JsonValue>;
}

export interface ChainSignature {
  algorithm: 'ed25519';
  /** `sha256:` and the hex SHA-256 of the public key (DER, SubjectPublicKeyInfo). */
  key: string;
  /** Base64 signature of the manifest's canonical JSON. */
  signature: string;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

/**
 * JSON with object keys sorted (by UTF-16 code units, as RFC 8785 does), no whitespace, arrays
 * in their order; properties whose value is undefined are left out, as JSON.stringify does. The
 * same data always gives the same text.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`canonical JSON: ${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
      }
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
    }
    default:
      throw new Error(`canonical JSON: a ${typeof value} is not JSON`);
  }
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The hash a chained record should carry: its canonical JSON, `previous` in, `sha256` out. */
export function recordHash(record: AuditRecord & { previous: string }): string {
  const { sha256: _ignored, ...content } = record as AuditRecord & {
    previous: string;
    sha256?: string;
  };
  return sha256Hex(canonicalJson(content));
}

function time(iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
}

/** The report's fixed order: merged earlier first, then repository, then number. */
export function compareRecords(
  a: Pick<AuditRecord, 'mergedAt' | 'repository' | 'number'>,
  b: Pick<AuditRecord, 'mergedAt' | 'repository' | 'number'>,
): number {
  const ta = time(a.mergedAt);
  const tb = time(b.mergedAt);
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (a.mergedAt !== b.mergedAt) return a.mergedAt < b.mergedAt ? -1 : 1;
  if (a.repository !== b.repository) return a.repository < b.repository ? -1 : 1;
  return a.number - b.number;
}

/** The records in the fixed order, each chained to the one before it. */
export function chainRecords(records: readonly AuditRecord[]): ChainedRecord[] {
  const seen = new Set<string>();
  for (const r of records) {
    const id = `${r.repository}#${r.number}`;
    if (seen.has(id)) throw new Error(`audit chain: ${id} is in the report twice`);
    seen.add(id);
  }
  const ordered = [...records].sort(compareRecords);
  const out: ChainedRecord[] = [];
  let previous = GENESIS;
  for (const record of ordered) {
    // Strip any chain fields a caller passed back in: the chain is recomputed, never trusted.
    const {
      previous: _p,
      sha256: _s,
      ...plain
    } = record as AuditRecord & {
      previous?: string;
      sha256?: string;
    };
    const linked = { ...(plain as AuditRecord), previous };
    const sha256 = recordHash(linked);
    out.push({ ...linked, sha256 });
    previous = sha256;
  }
  return out;
}

export function chainHead(chained: readonly ChainedRecord[]): string {
  return chained.at(-1)?.sha256 ?? GENESIS;
}

export function buildManifest(
  chained: readonly ChainedRecord[],
  scope: Record<string, JsonValue> = {},
): ChainManifest {
  return {
    format: CHAIN_FORMAT,
    algorithm: 'sha256',
    genesis: GENESIS,
    records: chained.length,
    head: chainHead(chained),
    scope,
  };
}

/** The bytes a signature covers: the manifest's canonical JSON. */
export function signedMessage(manifest: ChainManifest): Buffer {
  return Buffer.from(canonicalJson(manifest), 'utf8');
}

function keyError(what: string, err: unknown): Error {
  return new Error(`${what}: ${err instanceof Error ? err.message : String(err)}`);
}

/** An Ed25519 key from PEM text, made by `create`; any other key or text is refused. */
function ed25519Key(pem: string, name: string, kind: string, create: (pem: string) => KeyObject) {
  let key: KeyObject;
  try {
    key = create(pem);
  } catch (err) {
    throw keyError(`${name} is not a PEM ${kind} key`, err);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`${name} is a ${key.asymmetricKeyType ?? 'unknown'} key, not Ed25519`);
  }
  return key;
}

/** An Ed25519 private key from PEM text; any other key or text is refused. */
export function privateSigningKey(pem: string, name = 'the signing key'): KeyObject {
  return ed25519Key(pem, name, 'private', createPrivateKey);
}

/** An Ed25519 public key from PEM text (a private key's PEM gives its public half). */
export function publicVerifyKey(pem: string, name = 'the public key'): KeyObject {
  return ed25519Key(pem, name, 'public', createPublicKey);
}

/** `sha256:` + hex of the public key's DER (SubjectPublicKeyInfo). */
export function keyFingerprint(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const der = pub.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(der).digest('hex')}`;
}

export function signManifest(manifest: ChainManifest, privateKeyPem: string): ChainSignature {
  const key = privateSigningKey(privateKeyPem);
  return {
    algorithm: 'ed25519',
    key: keyFingerprint(key),
    signature: sign(null, signedMessage(manifest), key).toString('base64'),
  };
}

export type SignatureCheck = { ok: true; key: string } | { ok: false; reason: string };

/**
 * Whether `sig` is a signature of `manifest` by the key `publicKeyPem`. The manifest given should
 * be the one recomputed from the records, so that a valid signature vouches for them.
 */
export function checkSignature(
  manifest: ChainManifest,
  sig: unknown,
  publicKeyPem: string,
): SignatureCheck {
  const key = publicVerifyKey(publicKeyPem);
  const fingerprint = keyFingerprint(key);
  if (
    typeof sig !== 'object' ||
    sig === null ||
    (sig as ChainSignature).algorithm !== 'ed25519' ||
    typeof (sig as ChainSignature).signature !== 'string'
  ) {
    return { ok: false, reason: 'the signature file is not an Ed25519 signature of this format' };
  }
  const { signature, key: named } = sig as ChainSignature;
  const bytes = Buffer.from(signature, 'base64');
  if (bytes.length !== 64 || bytes.toString('base64') !== signature) {
    return { ok: false, reason: 'the signature is not 64 bytes of base64' };
  }
  if (verify(null, signedMessage(manifest), key, bytes)) return { ok: true, key: fingerprint };
  if (typeof named === 'string' && named !== fingerprint) {
    return {
      ok: false,
      reason: `the signature does not verify with this key (${fingerprint}); the signature file names another key (${named})`,
    };
  }
  return {
    ok: false,
    reason: `the signature does not verify with this key (${fingerprint}): the report or its signature was changed after signing`,
  };
}
