/** Keeping rendered output within GitHub's size limits: rows are dropped, then text is cut. */
/** How many rows or items each part may show; halved until the output fits. */
export interface Limits {
  evidence: number;
  requirements: number;
  /** Files named in the requirements table, per rule. */
  filesPerRule: number;
  /** Files listed per rule in the check's details text. */
  listedFiles: number;
  /** Logins named in one cell or sentence. */
  people: number;
  discounted: number;
  errors: number;
  history: number;
}

export const FULL_LIMITS: Readonly<Limits> = {
  evidence: 100,
  requirements: 50,
  filesPerRule: 5,
  listedFiles: 1000,
  people: 20,
  discounted: 50,
  errors: 20,
  history: 50,
};

/** The limits at a given level of shrinking: each halved `level` times. */
export function shrinkLimits(level: number, base: Readonly<Limits> = FULL_LIMITS): Limits {
  const out = { ...base };
  for (const key of Object.keys(out) as (keyof Limits)[]) {
    out[key] = Math.floor(base[key] / 2 ** level);
  }
  return out;
}

/** UTF-8 bytes, which is never less than the character count GitHub measures. */
export function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

const CUT_NOTE = '\n\n*… cut to fit within GitHub’s size limit.*\n';

/**
 * Render with shrinking limits until the result fits in `budget` bytes; as a last resort cut the
 * text itself. Never throws for size.
 */
export function fitToBudget(
  render: (limits: Limits) => string,
  budget: number,
  levels: Iterable<Limits> = shrinkingLimits(),
): string {
  let out = '';
  for (const limits of levels) {
    out = render(limits);
    if (byteLength(out) <= budget) return out;
  }
  return cutToBytes(out, budget);
}

/** Every limit halved at each step, down to nothing. */
export function* shrinkingLimits(): Generator<Limits> {
  for (let level = 0; level <= 16; level++) yield shrinkLimits(level);
}

/** Keep a prefix of whole characters that, with a note, fits in `budget` bytes. */
export function cutToBytes(s: string, budget: number, note = CUT_NOTE): string {
  if (byteLength(s) <= budget) return s;
  const room = Math.max(0, budget - byteLength(note));
  let used = 0;
  let end = 0;
  for (const ch of s) {
    const size = byteLength(ch);
    if (used + size > room) break;
    used += size;
    end += ch.length;
  }
  return s.slice(0, end) + note;
}
