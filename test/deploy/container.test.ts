/**
 * The Dockerfile and compose.yaml, checked without a container engine (none runs on CI's
 * machine; `.ci/run` builds the image only where one answers): each file is parsed and what
 * matters is compared with the project itself — the user, the health check against the app's
 * /healthz, ports and settings, the command `npm start` runs, that every copied path exists, and
 * that the production install holds every package the compiled app imports.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { HEALTH_PATH } from '../../src/health.js';

const root = join(import.meta.dirname, '../..');
const read = (p: string) => readFileSync(join(root, p), 'utf8');
const pkg = JSON.parse(read('package.json')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name: string | null;
  steps: Instruction[];
}

/** The Dockerfile as stages of instructions (continuation lines joined, comments dropped). */
function dockerfile(): Stage[] {
  const lines = read('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, op, args] = /^(\S+)\s+(.*)$/.exec(line)!;
    if (op!.toUpperCase() === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args!)!;
      stages.push({ from: m[1]!, name: m[2] ?? null, steps: [] });
    } else {
      stages.at(-1)!.steps.push({ op: op!.toUpperCase(), args: args!.replace(/\s+/g, ' ') });
    }
  }
  return stages;
}

const stages = dockerfile();
const runtime = stages.at(-1)!;
const steps = (s: Stage, op: string) => s.steps.filter((i) => i.op === op).map((i) => i.args);
const env = (s: Stage): Record<string, string> =>
  Object.fromEntries(
    steps(s, 'ENV').flatMap((a) => [...a.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!])),
  );

describe('Dockerfile', () => {
  it('builds in one stage and runs from another, on a Node the package supports', () => {
    expect(stages.length).toBe(2);
    expect(stages[0]!.name).toBe('build');
    for (const s of stages) expect(s.from).toMatch(/^node:(20|22|24)[-.\w]*$/);
    expect(steps(stages[0]!, 'RUN')).toContain('npm run build');
  });

  it('installs production dependencies only in the image it runs', () => {
    const runs = steps(runtime, 'RUN').join(' && ');
    expect(runs).toMatch(/npm ci --omit=dev/);
    // The package's `prepare` builds with TypeScript, which --omit=dev leaves out.
    expect(runs).toMatch(/npm ci --omit=dev --ignore-scripts/);
    expect(runs).not.toMatch(/npm (install|i) /);
    expect(env(runtime).NODE_ENV).toBe('production');
  });

  it('builds the native SQLite binding the audit store loads, after skipping install scripts', () => {
    const runs = steps(runtime, 'RUN').join(' && ');
    const ci = runs.indexOf('npm ci --omit=dev --ignore-scripts');
    const rebuild = runs.indexOf('npm rebuild better-sqlite3');
    expect(pkg.dependencies).toHaveProperty('better-sqlite3');
    expect(rebuild).toBeGreaterThan(ci);
  });

  it('runs as an unprivileged user, set before the command', () => {
    const users = runtime.steps.filter((i) => i.op === 'USER').map((i) => i.args);
    expect(users).toEqual(['node']);
    const order = runtime.steps.map((i) => i.op);
    expect(order.indexOf('USER')).toBeLessThan(order.indexOf('CMD'));
  });

  it('runs what `npm start` runs, and listens where it exposes', () => {
    expect(JSON.parse(steps(runtime, 'CMD')[0]!)).toEqual(pkg.scripts.start!.split(' '));
    expect(steps(runtime, 'EXPOSE')).toEqual([env(runtime).PORT]);
    expect(env(runtime).HOST).toBe('0.0.0.0');
  });

  it('checks health at the app’s health path, on its port', () => {
    const [check] = steps(runtime, 'HEALTHCHECK');
    expect(check).toMatch(/--interval=\d+s --timeout=\d+s/);
    const cmd = JSON.parse(check!.replace(/^.*?CMD /, '')) as string[];
    expect(cmd.slice(0, 2)).toEqual(['node', '-e']);
    expect(cmd[2]).toContain(`'${HEALTH_PATH}'`);
    expect(cmd[2]).toContain('process.env.PORT');
  });

  it('copies only paths that exist here and that .dockerignore keeps', () => {
    const ignored = read('.dockerignore').split('\n').filter(Boolean);
    for (const s of stages) {
      for (const args of steps(s, 'COPY').filter((a) => !a.startsWith('--from'))) {
        const sources = args.split(' ').slice(0, -1);
        for (const src of sources) {
          expect(existsSync(join(root, src)), `${src} exists`).toBe(true);
          expect(ignored, `${src} is not ignored`).not.toContain(src);
        }
      }
    }
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.env', '*.pem']));
  });

  it('takes from the build stage what the build writes, including the command it runs', () => {
    const fromBuild = steps(runtime, 'COPY')
      .filter((a) => a.startsWith('--from=build '))
      .map((a) => a.split(' ')[1]!);
    expect(fromBuild).toEqual(['/app/dist/src']);
    const outDir = (JSON.parse(read('tsconfig.json')) as { compilerOptions: { outDir: string } })
      .compilerOptions.outDir;
    expect(`/app/${outDir}/src`).toBe(fromBuild[0]);
    expect(existsSync(join(root, 'src/start.ts'))).toBe(true);
    // start.js reads app.yml and the CLI's init reads policies/ next to package.json.
    expect(steps(runtime, 'COPY')).toEqual(
      expect.arrayContaining([
        'package.json package-lock.json ./',
        'app.yml ./',
        'policies ./policies',
      ]),
    );
  });

  it('the production install holds every package the compiled app imports', () => {
    const bare = new Set<string>();
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.ts')) {
          const text = readFileSync(p, 'utf8');
          for (const m of text.matchAll(
            /^(?:import|export)\s(?!type\b)[^'"]*?from\s+'([^'.][^']*)'/gm,
          )) {
            bare.add(
              m[1]!.startsWith('@') ? m[1]!.split('/').slice(0, 2).join('/') : m[1]!.split('/')[0]!,
            );
          }
          for (const m of text.matchAll(/await import\('([^'.][^']*)'\)/g))
            bare.add(m[1]!.split('/')[0]!);
        }
      }
    };
    walk(join(root, 'src'));
    const builtins = new Set(builtinModules.flatMap((b) => [b, `node:${b}`]));
    const missing = [...bare].filter((m) => !builtins.has(m) && !(m in pkg.dependencies));
    expect(bare.size).toBeGreaterThan(3);
    expect(missing).toEqual([]);
  });
});

describe('compose.yaml', () => {
  const compose = parse(read('compose.yaml')) as {
    services: Record<string, any>;
    volumes?: Record<string, unknown>;
  };
  const app = compose.services.app;
  const redis = compose.services.redis;

  it('builds the app from this Dockerfile and publishes its port', () => {
    expect(app.build).toBe('.');
    expect(app.ports).toEqual([`${app.environment.PORT}:${env(runtime).PORT}`]);
    expect(app.environment.HOST).toBe('0.0.0.0');
  });

  it('points REDIS_URL at the Redis service and waits for it to answer', () => {
    const url = new URL(app.environment.REDIS_URL);
    expect(url.protocol).toBe('redis:');
    expect(Object.keys(compose.services)).toContain(url.hostname);
    expect(app.depends_on).toEqual({ [url.hostname]: { condition: 'service_healthy' } });
    expect(redis.image).toMatch(/^redis:\d/);
    expect(redis.healthcheck.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(Number(url.port || 6379)).toBe(6379);
  });

  it('reads the app’s credentials from the .env the set-up page writes, and keeps Redis data', () => {
    expect(app.env_file).toBe('.env');
    expect(read('.gitignore').split('\n')).toContain('.env');
    const volume = (redis.volumes as string[])[0]!.split(':')[0]!;
    expect(compose.volumes).toHaveProperty(volume);
  });
});
