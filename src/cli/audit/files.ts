/**
 * The report's files on disk, never half-written: each is written to a temporary file in the
 * output folder, flushed, then renamed over its name (a rename within one folder is atomic), so a
 * reader sees the old file or the new one. `assertWritableOut` is called before anything is read
 * from GitHub, so an unwritable --out fails at once.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ? `${e.code}: ${e.message}` : String(err);
}

export class OutputDirError extends Error {
  override name = 'OutputDirError';
}

/**
 * Makes sure `dir` is (or can be made) a folder this process can write files into and rename
 * files in, by creating and removing a file there. Throws OutputDirError saying why not.
 */
export function assertWritableOut(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new OutputDirError(`the output folder ${dir} is not a folder`);
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new OutputDirError(`cannot create the output folder ${dir} (${reason(err)})`);
  }
  const probe = join(dir, `.ai-governance-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    writeFileAtomic(probe, '');
    unlinkSync(probe);
  } catch (err) {
    rmSync(probe, { force: true });
    throw new OutputDirError(`cannot write in the output folder ${dir} (${reason(err)})`);
  }
}

/** Writes `text` to `path` through a temporary file beside it and a rename. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'wx', 0o644);
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== null) closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Writes the report's files into `dir`, each atomically, in the order given (the manifest and its
 * signature last); files named in `stale` that are not being written are removed first (a
 * signature left from an earlier, signed run would not match the new report).
 */
export function writeReportFiles(
  dir: string,
  files: Record<string, string>,
  stale: readonly string[] = [],
): string[] {
  for (const name of stale) {
    if (!Object.hasOwn(files, name)) rmSync(join(dir, name), { force: true });
  }
  const written: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    writeFileAtomic(path, text);
    written.push(path);
  }
  return written;
}
