/**
 * Headless Chromium driven through the DevTools protocol over a pipe (`--remote-debugging-pipe`:
 * JSON messages ending in a NUL byte, written to the browser's fd 3 and read from its fd 4), so a
 * test can open a page with the network off, evaluate expressions in it and see every console
 * message, exception and request. No port is opened and no profile is left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export const CHROMIUM = '/usr/bin/chromium';

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

/** What the page said and fetched while it was open. */
export interface PageLog {
  /** Console messages of type error or warning, and log entries of level error or warning. */
  problems: string[];
  /** Uncaught exceptions. */
  exceptions: string[];
  /** Every URL the page requested. */
  requests: string[];
}

/** A page opened by {@link Browser.open}. */
export interface OpenedPage {
  /** Evaluates an expression in the page and gives its value. */
  evaluate: <T>(expression: string) => Promise<T>;
  log: PageLog;
}

export class Browser {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }
  >();
  private readonly listeners: ((m: Message) => void)[] = [];
  private buffer = '';
  private stderr = '';

  private constructor(private readonly child: ChildProcess) {
    const out = child.stdio[4] as Readable;
    out.setEncoding('utf8');
    out.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf('\0')) >= 0) {
        const raw = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 1);
        this.dispatch(JSON.parse(raw) as Message);
      }
    });
    child.stderr?.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    child.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error(`Chromium exited\n${this.stderr}`));
      this.pending.clear();
    });
  }

  static launch(profile: string): Browser {
    const child = spawn(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--window-size=1200,900',
        `--user-data-dir=${profile}`,
        '--remote-debugging-pipe',
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
    );
    return new Browser(child);
  }

  private dispatch(m: Message): void {
    if (m.id !== undefined) {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error) p?.reject(new Error(m.error.message));
      else p?.resolve(m.result ?? {});
      return;
    }
    for (const l of [...this.listeners]) l(m);
  }

  send(method: string, params: object = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const input = this.child.stdio[3] as Writable;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      input.write(JSON.stringify({ id, method, params, sessionId }) + '\0');
    });
  }

  /** Resolves with the first event of this name (in this session) that `when` accepts. */
  waitFor(method: string, sessionId: string, timeoutMs = 30_000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off(listener);
        reject(new Error(`no ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (m: Message) => {
        if (m.method !== method || m.sessionId !== sessionId) return;
        clearTimeout(timer);
        this.off(listener);
        resolve(m);
      };
      this.listeners.push(listener);
    });
  }

  private off(l: (m: Message) => void): void {
    const i = this.listeners.indexOf(l);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  /**
   * Opens `url` in a new tab with the network emulated offline and resolves when it has loaded,
   * with a function that evaluates an expression in the page and the page's log.
   */
  async open(url: string): Promise<OpenedPage> {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = (await this.send('Target.attachToTarget', {
      targetId,
      flatten: true,
    })) as { sessionId: string };
    const log: PageLog = { problems: [], exceptions: [], requests: [] };
    this.listeners.push((m) => {
      if (m.sessionId !== sessionId || !m.params) return;
      const p = m.params as Record<string, any>;
      if (m.method === 'Runtime.exceptionThrown') {
        log.exceptions.push(
          String(p.exceptionDetails?.exception?.description ?? p.exceptionDetails?.text),
        );
      } else if (m.method === 'Runtime.consoleAPICalled' && /error|warn|assert/.test(p.type)) {
        log.problems.push(`console.${p.type}: ${JSON.stringify(p.args)}`);
      } else if (m.method === 'Log.entryAdded' && /error|warning/.test(p.entry?.level)) {
        log.problems.push(`${p.entry.source} ${p.entry.level}: ${p.entry.text}`);
      } else if (m.method === 'Network.requestWillBeSent') {
        log.requests.push(String(p.request?.url));
      }
    });
    for (const method of ['Runtime.enable', 'Log.enable', 'Page.enable', 'Network.enable']) {
      await this.send(method, {}, sessionId);
    }
    await this.send(
      'Network.emulateNetworkConditions',
      { offline: true, latency: 0, downloadThroughput: 0, uploadThroughput: 0 },
      sessionId,
    );
    const loaded = this.waitFor('Page.loadEventFired', sessionId);
    await this.send('Page.navigate', { url }, sessionId);
    await loaded;
    const evaluate = async <T>(expression: string): Promise<T> => {
      const r = (await this.send(
        'Runtime.evaluate',
        { expression, returnByValue: true, awaitPromise: true },
        sessionId,
      )) as { result: { value: T }; exceptionDetails?: { text: string } };
      if (r.exceptionDetails) throw new Error(`evaluation failed: ${r.exceptionDetails.text}`);
      return r.result.value;
    };
    return { evaluate, log };
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await this.send('Browser.close').catch(() => undefined);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * Launches headless Chromium with a new temporary folder for its profile and for whatever the test
 * writes beside it; `close` ends the browser and removes the folder. Fails, saying how to install
 * it, where Debian's Chromium is missing.
 */
export function launchInTempDir(prefix: string): {
  dir: string;
  browser: Browser;
  close: () => Promise<void>;
} {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: this check needs Debian's Chromium. ` +
        'Install it with `apt-get install -y chromium` (.ci/run does this when it is missing).',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const browser = Browser.launch(join(dir, 'profile'));
  return {
    dir,
    browser,
    close: async () => {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
