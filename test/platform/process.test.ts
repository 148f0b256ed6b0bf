import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROCESS_START_MS, startServer } from '../support/server-process.js';
import { waitFor } from '../support/wait-for.js';

const dataDir = mkdtempSync(join(tmpdir(), 'proc-'));
const started: number[] = [];
afterAll(() => {
  // A test that failed half-way must not leave a server behind.
  for (const pid of started) if (alive(pid) && ours(pid)) process.kill(pid, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

const env = (name: string, extra: Record<string, string> = {}) => ({ DATA_DIR: dataDir, DATABASE_URL: `sqlite:${join(dataDir, `${name}.sqlite`)}`, ...extra });

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Still one of the processes this file started (a pid can be reused once its process is gone). */
function ours(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`DATA_DIR=${dataDir}`);
  } catch {
    return false;
  }
}

/** Every process below `pid` (Linux /proc), children first. */
function descendants(pid: number): number[] {
  const children = readdirSync(`/proc/${pid}/task`).flatMap((task) => {
    try {
      return readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  });
  return children.flatMap((child) => [child, ...descendants(child)]);
}

/** Resolves true once a TCP connection to the url is refused (nobody listens any more). */
const refused = (url: string) =>
  new Promise<boolean>((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

describe('server process', () => {
  it('refuses bad configuration with one message listing every problem, exit code 1 and no stack trace', async () => {
    const s = startServer(env('bad', { PORT: '-1', BUSINESS_TZ: 'Nowhere/City', NODE_ENV: 'production' }));
    expect((await s.exited).code).toBe(1);
    expect(s.err()).toContain('Invalid configuration');
    expect(s.err()).toMatch(/PORT/);
    expect(s.err()).toMatch(/BUSINESS_TZ/);
    expect(s.err()).toMatch(/APP_SECRET/);
    expect(s.err()).not.toMatch(/\n\s+at /);
  }, 2 * PROCESS_START_MS);

  it('in production, refuses to start without carriers unless OUTREACH_DRY_RUN=true is said explicitly', async () => {
    const prod = { NODE_ENV: 'production', APP_SECRET: 'p'.repeat(40), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' };
    const refusedStart = startServer(env('prod-no-carrier', prod));
    expect((await refusedStart.exited).code).toBe(1);
    expect(refusedStart.err()).toMatch(/NODE_ENV=production needs an SMS carrier/);
    expect(refusedStart.err()).toMatch(/NODE_ENV=production needs a voice carrier/);
    expect(refusedStart.err()).toContain('OUTREACH_DRY_RUN=true');

    const dry = startServer(env('prod-dry-run', { ...prod, OUTREACH_DRY_RUN: 'true' }));
    started.push(dry.child.pid!);
    await dry.listening;
    // Built before it listens: the dry run is said in the log, for SMS and for calls.
    const warned = dry.out().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { dryRun?: boolean; msg: string }).filter((l) => l.dryRun === true).map((l) => l.msg);
    expect(warned).toEqual([expect.stringMatching(/^SMS dry run: .*\(OUTREACH_DRY_RUN=true\)$/), expect.stringMatching(/^outreach calls dry run: .*\(OUTREACH_DRY_RUN=true\)$/)]);
    dry.child.kill('SIGTERM');
    expect(await dry.exited).toEqual({ code: 0, signal: null });
  }, 3 * PROCESS_START_MS);

  it('drains and exits 0 on SIGTERM, finishing a request already in flight', async () => {
    const s = startServer(env('drain', { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' }));
    started.push(s.child.pid!);
    const url = await s.listening;
    // A request whose body is still arriving when SIGTERM lands. "Expect: 100-continue" makes the
    // server say when it has taken the request (node answers 100 once its handler has it).
    const body = JSON.stringify({ name: '张三', role: 'sales' });
    const req = request(`${url}/api/staff`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), expect: '100-continue' },
    });
    let bodySent = false;
    const answered = new Promise<number>((resolve, reject) => {
      req.on('response', (res) => {
        res.resume();
        // The body parser reads the whole body first: an answer before it is sent would prove nothing.
        if (!bodySent) reject(new Error('answered before the body was sent'));
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
    });
    const taken = new Promise<void>((resolve) => req.once('continue', resolve));
    req.flushHeaders();
    await taken;

    s.child.kill('SIGTERM');
    await s.logged('shutting down: no new requests');
    // Shutdown under way: the port no longer accepts connections, and our request is still open.
    await waitFor(() => refused(url), 'the port to stop accepting connections');
    bodySent = true;
    req.end(body);
    expect(await answered).toBe(401);
    expect(await s.exited).toEqual({ code: 0, signal: null });
    expect(s.out()).toContain('shutdown complete');
  }, 2 * PROCESS_START_MS);
});

/**
 * The README's start command, as an operator runs it: `npm start`. npm runs the script through
 * `sh -c` and forwards SIGTERM and SIGINT to that shell only; unless the shell hands its place to
 * node (exec), node never hears the signal and stays behind, listening, after npm has gone.
 */
describe('npm start', () => {
  const npmStart = (name: string, detached = false) => {
    const s = startServer(env(name, { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' }), { command: ['npm', 'start'], detached });
    started.push(s.child.pid!);
    return s;
  };

  it('stops the server cleanly on SIGTERM to npm: the port closes and no node process remains', async () => {
    const s = npmStart('npm-term');
    const url = await s.listening;
    const below = descendants(s.child.pid!);
    started.push(...below);
    expect(below.length).toBeGreaterThan(0);
    s.child.kill('SIGTERM');
    expect(await s.exited).toEqual({ code: 0, signal: null });
    await waitFor(() => below.every((pid) => !alive(pid)), 'every process npm started to exit', PROCESS_START_MS);
    expect(await refused(url)).toBe(true);
    expect(s.out()).toContain('shutdown complete');
  }, 2 * PROCESS_START_MS);

  it('stops the server cleanly on Ctrl-C (SIGINT to the whole process group, as a terminal sends it)', async () => {
    const s = npmStart('npm-int', true);
    const url = await s.listening;
    const below = descendants(s.child.pid!);
    started.push(...below);
    process.kill(-s.child.pid!, 'SIGINT');
    const { code, signal } = await s.exited;
    // npm exits as its script did: 0 after a clean stop (a crash would be 1, a kill by SIGINT 130).
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    await waitFor(() => below.every((pid) => !alive(pid)), 'every process npm started to exit', PROCESS_START_MS);
    expect(await refused(url)).toBe(true);
    expect(s.out()).toContain('shutdown complete');
  }, 2 * PROCESS_START_MS);
});
