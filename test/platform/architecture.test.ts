import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const oxlint = (paths: string[]) => {
  try {
    return { code: 0, out: execFileSync('node_modules/.bin/oxlint', ['-c', '.oxlintrc.json', ...paths], { encoding: 'utf8' }) };
  } catch (err) {
    const e = err as { status: number; stdout: string };
    return { code: e.status, out: e.stdout };
  }
};

describe('architecture rules', () => {
  it('runs on Node 24 from the node devDependency', () => {
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24);
  });

  it('the source tree passes the linter', () => {
    const res = oxlint(['src', 'test', 'bench']);
    expect(res.out).toMatch(/Found 0 warnings and 0 errors/);
    expect(res.code).toBe(0);
  });

  it('rejects SDK or door imports in src/domain and door-to-door imports', () => {
    const domainDir = 'src/domain/__lint_probe__';
    const doorFile = 'src/bot/__lint_probe__.ts';
    mkdirSync(domainDir, { recursive: true });
    try {
      writeFileSync(`${domainDir}/a.ts`, "import Koa from 'koa';\nexport const a = Koa;\n");
      writeFileSync(`${domainDir}/b.ts`, "import { Agenda } from 'agenda';\nexport const b = Agenda;\n");
      writeFileSync(`${domainDir}/c.ts`, "import { x } from '../../telephony/x.js';\nexport const c = x;\n");
      writeFileSync(`${domainDir}/d.ts`, "import { SmsClient } from 'tencentcloud-sdk-nodejs/tencentcloud/services/sms/v20210111/sms_client.js';\nexport const d = SmsClient;\n");
      writeFileSync(doorFile, "import { y } from '../miniapp-api/y.js';\nexport const e = y;\n");
      const res = oxlint([domainDir, doorFile]);
      expect(res.code).not.toBe(0);
      expect(res.out).toMatch(/Found 0 warnings and 5 errors/);
    } finally {
      rmSync(domainDir, { recursive: true, force: true });
      rmSync(doorFile, { force: true });
    }
  });

  it('keeps src/http (route descriptions shared by the doors that serve HTTP) free of door imports', () => {
    const probe = 'src/http/__lint_probe__.ts';
    try {
      writeFileSync(probe, "import { z } from '../miniapp-api/z.js';\nimport { w } from '../bot/w.js';\nexport const p = [z, w];\n");
      const res = oxlint([probe]);
      expect(res.out).toMatch(/Found 0 warnings and 2 errors/);
    } finally {
      rmSync(probe, { force: true });
    }
  });

  it('tests wait on events through one helper: no test or support file arms a timer of its own (fakes may, to play the real system\'s delays)', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
      });
    const own = files('test').filter((f) => f !== join('test', 'support', 'wait-for.ts') && !basename(f).startsWith('fake-'));
    const timers = own.filter((f) => /\bset(Timeout|Interval)\(|timers\/promises/.test(readFileSync(f, 'utf8')));
    expect(timers).toEqual([]);
    // Waiting helpers are imported from wait-for.ts, never written again (a local name for it is fine).
    const copies = own.filter((f) => /(function|const|let)\s+(waitFor|waitUntil|sleep|delay|poll|eventually)\s*(=\s*(async\s*)?\(|\(|<)/.test(readFileSync(f, 'utf8')) && !/from '(\.\.?\/)+(support\/)?wait-for\.js'/.test(readFileSync(f, 'utf8')));
    expect(copies).toEqual([]);
  });
});
