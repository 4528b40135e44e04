import { DEFAULT_RECOVERY, type RecoverySettings } from './recovery.js';

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3600_000,
  d: 24 * 3600_000,
};

/**
 * A duration such as `90s`, `5m`, `1h`, `3d` or `1h30m`, in ms; a bare number is seconds. Throws
 * a RangeError naming `what` and the accepted forms when it is anything else.
 */
export function parseDuration(text: string, what: string): number {
  const t = text.trim().toLowerCase();
  if (/^\d+$/.test(t)) return Number(t) * 1000;
  const parts = [...t.matchAll(/(\d+)(ms|s|m|h|d)/g)];
  if (t === '' || parts.map((p) => p[0]).join('') !== t) {
    throw new RangeError(
      `${what}: "${text}" is not a duration; write it like 90s, 5m, 1h, 3d or 1h30m`,
    );
  }
  return parts.reduce((ms, p) => ms + Number(p[1]) * UNITS[p[2]!]!, 0);
}

function positiveInt(text: string, what: string): number {
  const n = Number(text.trim());
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`${what}: "${text}" must be a whole number of at least 1`);
  }
  return n;
}

/**
 * The recovery settings from the environment, or null when `REDELIVERY_INTERVAL` is `off`:
 *
 * - `REDELIVERY_INTERVAL` (default `5m`): time between redelivery rounds; `0` keeps only the
 *   start-up round; `off` turns redelivery and reconciliation off.
 * - `REDELIVERY_WINDOW` (default `1h`): how far back a scheduled round looks.
 * - `REDELIVERY_LOOKBACK` (default `3d`, how long github.com keeps deliveries; GitHub Enterprise
 *   Server keeps them longer): how far back the start-up round looks.
 * - `REDELIVERY_MAX_ATTEMPTS` (default `5`): attempts of one event before it is given up on.
 * - `RECONCILE_ON_START` (default `true`): after the start-up round, re-evaluate the open pull
 *   requests whose verdict may be stale.
 */
export function recoveryFromEnv(env: NodeJS.ProcessEnv): RecoverySettings | null {
  const get = (name: string) => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const interval = get('REDELIVERY_INTERVAL');
  if (interval?.toLowerCase() === 'off') return null;
  const reconcile = get('RECONCILE_ON_START')?.toLowerCase();
  if (reconcile !== undefined && !['true', 'false', '1', '0'].includes(reconcile)) {
    throw new RangeError(`RECONCILE_ON_START: "${reconcile}" must be true or false`);
  }
  const window = get('REDELIVERY_WINDOW');
  const lookback = get('REDELIVERY_LOOKBACK');
  const attempts = get('REDELIVERY_MAX_ATTEMPTS');
  return {
    ...DEFAULT_RECOVERY,
    ...(interval !== undefined
      ? { intervalMs: parseDuration(interval, 'REDELIVERY_INTERVAL') }
      : {}),
    ...(window !== undefined ? { windowMs: parseDuration(window, 'REDELIVERY_WINDOW') } : {}),
    ...(lookback !== undefined
      ? { startupLookbackMs: parseDuration(lookback, 'REDELIVERY_LOOKBACK') }
      : {}),
    ...(attempts !== undefined
      ? { maxAttempts: positiveInt(attempts, 'REDELIVERY_MAX_ATTEMPTS') }
      : {}),
    ...(reconcile !== undefined
      ? { reconcileOnStart: reconcile === 'true' || reconcile === '1' }
      : {}),
  };
}
