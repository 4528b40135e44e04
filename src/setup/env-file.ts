import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Sets keys in a .env file, keeping its other lines (comments included) as they were. Values
 * with line breaks (the private key) are written double-quoted with `\n`, which Probot's and
 * Node's .env readers both turn back into line breaks.
 */
export function updateEnvFile(path: string, values: Record<string, string>): void {
  const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : [];
  const format = (v: string) => (/[\n"#\s]/.test(v) ? `"${v.replace(/\n/g, '\\n')}"` : v);
  const pending = new Map(Object.entries(values));
  const out = lines.map((line) => {
    const key = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
    if (!key || !pending.has(key)) return line;
    const value = pending.get(key)!;
    pending.delete(key);
    return `${key}=${format(value)}`;
  });
  while (out.length > 0 && out.at(-1) === '') out.pop();
  for (const [k, v] of pending) out.push(`${k}=${format(v)}`);
  writeFileSync(path, `${out.join('\n')}\n`, { mode: 0o600 });
}
