import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  GENESIS,
  buildManifest,
  canonicalJson,
  chainRecords,
  checkSignature,
  keyFingerprint,
  recordHash,
  sha256Hex,
  signManifest,
} from '../../src/audit/chain.js';
import { record, sampleRecords } from './chain-records.js';

function ed25519() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    priv: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    pub: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

describe('canonical JSON', () => {
  it('sorts keys at every depth, keeps array order, has no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [{ z: null, y: 'x y' }, true], c: { e: 2, d: 'é' } })).toBe(
      '{"a":[{"y":"x y","z":null},true],"b":1,"c":{"d":"é","e":2}}',
    );
  });

  it('gives the same text for the same data, whatever the key order it was built in', () => {
    const r = record({ number: 7 });
    const shuffled = Object.fromEntries(Object.entries(r).reverse());
    expect(canonicalJson(shuffled)).toBe(canonicalJson(r));
    expect(canonicalJson(JSON.parse(JSON.stringify(r)))).toBe(canonicalJson(r));
  });

  it('leaves out undefined properties and refuses what JSON cannot hold', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/not a JSON number/);
    expect(() => canonicalJson({ a: () => 1 })).toThrow(/function is not JSON/);
  });
});

describe('the chain', () => {
  it('orders by merge time, then repository, then number, whatever order it was given', () => {
    const at = '2026-11-05T10:00:00Z';
    const recs = [
      record({ number: 3, repository: 'acme/web', mergedAt: at }),
      record({ number: 9, repository: 'acme/api', mergedAt: at }),
      record({ number: 2, repository: 'acme/web', mergedAt: at }),
      record({ number: 1, repository: 'acme/zeta', mergedAt: '2026-11-04T23:59:59Z' }),
    ];
    const ids = (xs: { repository: string; number: number }[]) =>
      xs.map((r) => `${r.repository}#${r.number}`);
    const expected = ['acme/zeta#1', 'acme/api#9', 'acme/web#2', 'acme/web#3'];
    expect(ids(chainRecords(recs))).toEqual(expected);
    expect(ids(chainRecords([...recs].reverse()))).toEqual(expected);
  });

  it('links each record to the one before and hashes its canonical JSON with that link', () => {
    const chained = chainRecords(sampleRecords());
    expect(chained[0]!.previous).toBe(GENESIS);
    for (let i = 1; i < chained.length; i++) {
      expect(chained[i]!.previous).toBe(chained[i - 1]!.sha256);
    }
    for (const c of chained) {
      const { sha256, ...content } = c;
      expect(sha256).toBe(sha256Hex(canonicalJson(content)));
      expect(recordHash(c)).toBe(sha256);
    }
    // The policy's digest is part of what is hashed.
    const first = chained[0]!;
    const other = { ...first, policy: { ...first.policy, digest: 'f'.repeat(64) } };
    expect(recordHash(other)).not.toBe(first.sha256);
  });

  it('is the same for the same records, and ignores chain fields passed back in', () => {
    const a = chainRecords(sampleRecords());
    const b = chainRecords(a.map((r) => ({ ...r, previous: 'x', sha256: 'y' })).reverse() as never);
    expect(b).toEqual(a);
    expect(buildManifest(a).head).toBe(a.at(-1)!.sha256);
    expect(buildManifest([]).head).toBe(GENESIS);
  });

  it('refuses a pull request listed twice', () => {
    expect(() => chainRecords([record({ number: 5 }), record({ number: 5 })])).toThrow(
      /acme\/payments#5 is in the report twice/,
    );
  });
});

describe('the signature of the head', () => {
  const keys = ed25519();
  const manifest = buildManifest(chainRecords(sampleRecords()), { org: 'acme' });

  it('verifies with the matching public key and names it', () => {
    const sig = signManifest(manifest, keys.priv);
    expect(sig.algorithm).toBe('ed25519');
    const check = checkSignature(manifest, sig, keys.pub);
    expect(check).toEqual({ ok: true, key: sig.key });
  });

  it('fails with another key, and says the signature names a different one', () => {
    const sig = signManifest(manifest, keys.priv);
    const other = ed25519();
    const check = checkSignature(manifest, sig, other.pub);
    expect(check.ok).toBe(false);
    expect(!check.ok && check.reason).toMatch(/does not verify with this key .*names another key/);
  });

  it('fails when the head, the count or the scope differ from what was signed', () => {
    const sig = signManifest(manifest, keys.priv);
    for (const changed of [
      { ...manifest, head: 'a'.repeat(64) },
      { ...manifest, records: manifest.records - 1 },
      { ...manifest, scope: { org: 'other' } },
    ]) {
      expect(checkSignature(changed, sig, keys.pub).ok).toBe(false);
    }
  });

  it('refuses a key that is not Ed25519, and text that is not a key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsaPem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => signManifest(manifest, rsaPem)).toThrow(/is a rsa key, not Ed25519/);
    expect(() => signManifest(manifest, 'not a key')).toThrow(/not a PEM private key/);
    expect(() => checkSignature(manifest, {}, 'garbage')).toThrow(/not a PEM public key/);
  });

  it('gives a fingerprint that is the same from the private and the public half', () => {
    const sig = signManifest(manifest, keys.priv);
    expect(keyFingerprint(createPublicKey(keys.pub))).toBe(sig.key);
  });
});
