/**
 * `npm ci` installs without an EBADENGINE warning: every package the app runs with accepts the
 * lowest version of each Node major the package's own `engines` allows (20.18.1, 22, 24), and
 * every package installed here, development tools included, accepts the Node running the tests.
 * The ranges are read from the lock, as npm reads them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  engines: { node: string };
};
interface LockEntry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  engines?: { node?: string } | string[];
}
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry>;
};

/** The lowest version of `major` that `range` admits (patch and minor searched up to 39). */
function lowestOf(major: number, range: string): string | null {
  const candidates = Array.from(
    { length: 40 * 40 },
    (_, i) => `${major}.${Math.floor(i / 40)}.${i % 40}`,
  );
  return semver.minSatisfying(candidates, range);
}

function refusals(entries: [string, LockEntry][], nodes: string[]): string[] {
  const refused: string[] = [];
  for (const [path, entry] of entries) {
    const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
    if (!path || !range) continue;
    for (const node of nodes) {
      if (!semver.satisfies(node, range)) {
        refused.push(`${path}@${entry.version} requires node ${range}, not ${node}`);
      }
    }
  }
  return refused;
}

const supported = [20, 22, 24].map((major) => lowestOf(major, pkg.engines.node));

describe('engines', () => {
  it('the package supports Node 20.18.1, 22 and 24', () => {
    expect(supported).toEqual(['20.18.1', '22.0.0', '24.0.0']);
  });

  it('every package the app runs with accepts each of those Node versions', () => {
    const runtime = Object.entries(lock.packages).filter(([, e]) => !e.dev);
    expect(runtime.length).toBeGreaterThan(50);
    expect(refusals(runtime, supported as string[])).toEqual([]);
  });

  it('every package installed here accepts the Node running the tests', () => {
    // Optional packages for other platforms are in the lock but not installed; npm skips them.
    const installed = Object.entries(lock.packages).filter(
      ([path, e]) => !e.optional || existsSync(join(root, path)),
    );
    expect(refusals(installed, [process.versions.node])).toEqual([]);
  });
});
