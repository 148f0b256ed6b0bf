import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dataDir = mkdtempSync(join(tmpdir(), 'proc-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Runs the real server entry point the way `npm start` does, on this Node 24. */
function server(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, DATABASE_URL: `sqlite:${join(dataDir, 'p.sqlite')}`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('server process', () => {
  it('refuses bad configuration with one message listing every problem, exit code 1 and no stack trace', async () => {
    const s = server({ PORT: '-1', BUSINESS_TZ: 'Nowhere/City', NODE_ENV: 'production' });
    expect(await s.exited).toBe(1);
    expect(s.err()).toContain('Invalid configuration');
    expect(s.err()).toMatch(/PORT/);
    expect(s.err()).toMatch(/BUSINESS_TZ/);
    expect(s.err()).toMatch(/APP_SECRET/);
    expect(s.err()).not.toMatch(/\n\s+at /);
  });

  it('drains and exits 0 on SIGTERM, finishing a request already in flight', async () => {
    const s = server({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    await waitFor(() => s.out().includes('http door listening'), 20_000);
    const url = JSON.parse(s.out().split('\n').find((l) => l.includes('http door listening'))!).url as string;
    // A request whose body is still arriving when SIGTERM lands: the server must finish it, then exit.
    const body = JSON.stringify({ name: '张三', role: 'sales' });
    const req = request(`${url}/api/staff`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } });
    const answered = new Promise<number>((resolve, reject) => {
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
    });
    req.write(body.slice(0, 10));
    await new Promise((r) => setTimeout(r, 300));
    s.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    req.end(body.slice(10));
    expect(await answered).toBe(401);
    expect(await s.exited).toBe(0);
    expect(s.out()).toContain('shutdown complete');
  });
});
