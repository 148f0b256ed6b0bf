import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, settingNames } from '../../src/config.js';

const dirs: string[] = [];
const dataDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'cfg-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const cfg = loadConfig({ DATA_DIR: dataDir() });
    expect(cfg.http.port).toBe(3000);
    expect(cfg.database.kind).toBe('sqlite');
    expect(cfg.database.kind === 'sqlite' && cfg.database.file.endsWith('data/app.sqlite')).toBe(true);
    expect(cfg.businessTimeZone).toBe('Asia/Shanghai');
    expect(cfg.mongodbUrl).toBeUndefined();
  });

  it('parses a MySQL URL', () => {
    const cfg = loadConfig({ DATA_DIR: dataDir(), DATABASE_URL: 'mysql://app:s%40cret@db.internal:3307/sales' });
    expect(cfg.database).toEqual({ kind: 'mysql', host: 'db.internal', port: 3307, user: 'app', password: 's@cret', dbName: 'sales' });
  });

  it('lists every bad setting in one error', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', BUSINESS_TZ: 'Mars/Olympus', MONGODB_URL: 'http://x', LOG_LEVEL: 'loud' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'BUSINESS_TZ', 'MONGODB_URL', 'LOG_LEVEL']) expect(problems).toContain(name);
  });

  it('reports an invalid setting together with another section\'s missing ones (MINIAPP_APPID does not hide WeCom)', () => {
    let error: unknown;
    try {
      loadConfig({ DATA_DIR: dataDir(), MINIAPP_APPID: 'not-an-appid', WECOM_CORP_ID: 'ww0123456789abcdef', WECOM_TOKEN: 'bad token!' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.some((p) => p.startsWith('MINIAPP_APPID:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('MINIAPP_SECRET: required'))).toBe(true);
    expect(problems.some((p) => p.startsWith('WECOM_TOKEN:') && !p.includes('required'))).toBe(true);
    for (const name of ['WECOM_AGENT_ID', 'WECOM_SECRET', 'WECOM_ENCODING_AES_KEY']) expect(problems.some((p) => p.startsWith(`${name}: required`))).toBe(true);
    // Each problem once.
    expect(new Set(problems).size).toBe(problems.length);
    expect(problems.filter((p) => p.startsWith('WECOM_TOKEN')).length).toBe(1);
  });

  it('rejects an unsupported database URL and production without APP_SECRET, together', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x/y' })).toThrowError(
      /DATABASE_URL: unsupported scheme[\s\S]*APP_SECRET: required when NODE_ENV=production/,
    );
  });

  it('generates a development secret once and keeps it in the data folder', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir }).auth.appSecret;
    const second = loadConfig({ DATA_DIR: dir }).auth.appSecret;
    expect(first).toHaveLength(64);
    expect(second).toBe(first);
    expect(readFileSync(join(dir, 'app-secret'), 'utf8').trim()).toBe(first);
    expect(loadConfig({ DATA_DIR: dataDir() }).auth.appSecret).not.toBe(first);
  });

  it('uses APP_SECRET when given and never writes it to disk', () => {
    const dir = dataDir();
    const secret = 'p'.repeat(40);
    expect(loadConfig({ DATA_DIR: dir, NODE_ENV: 'production', APP_SECRET: secret, OUTREACH_DRY_RUN: 'true' }).auth.appSecret).toBe(secret);
    expect(() => readFileSync(join(dir, 'app-secret'))).toThrow();
  });
});

describe('production never pretends', () => {
  const prod = { NODE_ENV: 'production', APP_SECRET: 'p'.repeat(40) };
  const tencent = { TENCENTCLOUD_SECRET_ID: 'AKID0000', TENCENTCLOUD_SECRET_KEY: 'k'.repeat(32) };
  const sms = { ...tencent, TENCENT_SMS_SDK_APP_ID: '1400000001', TENCENT_SMS_SIGN_NAME: '测试KTV' };

  it('refuses to start in production without an SMS and a voice carrier, naming both and the way out', () => {
    expect(() => loadConfig({ ...prod, DATA_DIR: dataDir() })).toThrowError(
      /TENCENT_SMS_SDK_APP_ID: NODE_ENV=production needs an SMS carrier[\s\S]*OUTREACH_DRY_RUN=true[\s\S]*FREESWITCH_ESL_HOST: NODE_ENV=production needs a voice carrier/,
    );
    expect(() => loadConfig({ ...prod, ...sms, DATA_DIR: dataDir() })).toThrowError(/needs a voice carrier/);
    expect(() => loadConfig({ ...prod, ...sms, DATA_DIR: dataDir() })).not.toThrowError(/needs an SMS carrier/);
  });

  it('starts in production with carriers, or with OUTREACH_DRY_RUN=true said explicitly', () => {
    const full = { ...prod, ...sms, TENCENT_VMS_SDK_APP_ID: '1400000002', TENCENT_VMS_TEMPLATE_ID: '200001', DATA_DIR: dataDir() };
    expect(loadConfig(full).outreach.dryRun).toBe(false);
    expect(loadConfig({ ...prod, ...sms, FREESWITCH_ESL_HOST: '127.0.0.1', FREESWITCH_ESL_PASSWORD: 'secret', DATA_DIR: dataDir() }).outreach.dryRun).toBe(false);
    expect(loadConfig({ ...prod, OUTREACH_DRY_RUN: 'true', DATA_DIR: dataDir() }).outreach.dryRun).toBe(true);
    expect(() => loadConfig({ ...prod, OUTREACH_DRY_RUN: 'yes', DATA_DIR: dataDir() })).toThrowError(/OUTREACH_DRY_RUN/);
    // Outside production a missing carrier is a dry run (the gateways say so), not an error.
    expect(loadConfig({ DATA_DIR: dataDir() }).outreach.dryRun).toBe(false);
  });
});

describe('.env.example', () => {
  const example = readFileSync('.env.example', 'utf8');
  const documented = new Map(
    example
      .split('\n')
      .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const),
  );

  it('lists every setting the service reads', () => {
    expect(settingNames().filter((name) => !documented.has(name))).toEqual([]);
  });

  it('holds safe defaults: loaded as they are, they make a valid development configuration', () => {
    const env = Object.fromEntries(documented);
    const cfg = loadConfig({ ...env, DATA_DIR: dataDir() });
    expect(cfg.database.kind).toBe('sqlite');
    expect(cfg.tencent.sms).toBeUndefined();
    expect(cfg.model.chat).toBeUndefined();
  });
});
