/** Figures and tables for the benchmark's output. */

/** The value below which `p` (0–100) percent of the samples lie (nearest rank). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function mean(samples: readonly number[]): number {
  return samples.length === 0 ? Number.NaN : samples.reduce((a, b) => a + b, 0) / samples.length;
}

/** Milliseconds, with one decimal below 100 and none above. */
export function ms(v: number): string {
  if (!Number.isFinite(v)) return '–';
  return v < 100 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`;
}

export function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(0)} MB`;
}

/** A per-evaluation count: whole numbers as they are, averages with one decimal. */
export function count(v: number): string {
  if (!Number.isFinite(v)) return '–';
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

/** A Markdown table, columns padded so that it also reads well in a terminal. */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}

export interface GoalResult {
  goal: string;
  pass: boolean;
  /** The figure that decided it. */
  detail: string;
  /** Why it was missed, when it was. */
  cause?: string;
}

export function goalLine(g: GoalResult): string {
  const head = `${g.pass ? 'PASS' : 'GAP '} ${g.goal}: ${g.detail}`;
  return g.pass || !g.cause ? head : `${head}\n     cause: ${g.cause}`;
}
