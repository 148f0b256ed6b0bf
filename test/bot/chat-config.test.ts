import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const base = () => ({ NODE_ENV: 'test', DATA_DIR: mkdtempSync(join(tmpdir(), 'chat-config-')) });
const problems = (env: Record<string, string>) => {
  try {
    loadConfig({ ...base(), ...env });
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};

describe('chat-ops configuration', () => {
  it('leaves every chat door off when nothing is set', () => {
    const c = loadConfig(base());
    expect([c.wecom, c.wechaty, c.miniapp]).toEqual([undefined, undefined, undefined]);
  });

  it('builds the WeCom section from all five settings', () => {
    const c = loadConfig({ ...base(), WECOM_CORP_ID: 'ww0123456789abcdef', WECOM_AGENT_ID: '1000002', WECOM_SECRET: 's', WECOM_TOKEN: 'QDG6eK', WECOM_ENCODING_AES_KEY: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C' });
    expect(c.wecom).toMatchObject({ corpId: 'ww0123456789abcdef', agentId: 1000002, apiBase: 'https://qyapi.weixin.qq.com', sendsPerMemberPerMinute: 25 });
  });

  it('reports a partial or malformed set-up, every problem at once', () => {
    const p = problems({ WECOM_CORP_ID: 'ww01', WECOM_ENCODING_AES_KEY: 'short', WECHATY_PUPPET_TOKEN: 't', MINIAPP_APPID: 'wx0123456789abcdef' });
    expect(p.join('\n')).toMatch(/WECOM_ENCODING_AES_KEY: must be the 43-character EncodingAESKey/);
    expect(problems({ WECOM_CORP_ID: 'ww01' }).join('\n')).toMatch(/WECOM_SECRET: required/);
    const cross = problems({ WECOM_CORP_ID: 'ww01', WECHATY_PUPPET_TOKEN: 't', MINIAPP_APPID: 'wx0123456789abcdef' }).join('\n');
    expect(cross).toMatch(/WECHATY_PUPPET: required when WECHATY_PUPPET_TOKEN is set/);
    expect(cross).toMatch(/MINIAPP_SECRET: required when MINIAPP_APPID is set/);
    expect(cross).toMatch(/WECOM_AGENT_ID: required/);
  });
});
