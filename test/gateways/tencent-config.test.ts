import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const base = { APP_SECRET: 'x'.repeat(40), DATA_DIR: '/tmp/tencent-config-test' };
const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig({ ...base, ...env });
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};

describe('Tencent Cloud config section', () => {
  it('is off without credentials, and builds SMS and voice options with the documented defaults', () => {
    expect(loadConfig(base).tencent).toEqual({ sms: undefined, voice: undefined, callbackToken: undefined });
    const cfg = loadConfig({
      ...base,
      TENCENTCLOUD_SECRET_ID: 'AKIDabc',
      TENCENTCLOUD_SECRET_KEY: 'key',
      TENCENT_SMS_SDK_APP_ID: '1400006666',
      TENCENT_SMS_SIGN_NAME: '腾讯云',
      TENCENT_VMS_SDK_APP_ID: '1400007777',
      TENCENT_VMS_TEMPLATE_ID: '4356',
    }).tencent;
    expect(cfg.sms).toEqual({ secretId: 'AKIDabc', secretKey: 'key', sdkAppId: '1400006666', signName: '腾讯云', region: 'ap-guangzhou', endpoint: undefined, timeoutMs: 5000 });
    expect(cfg.voice).toMatchObject({ voiceSdkAppId: '1400007777', templateId: '4356', region: 'ap-guangzhou', playTimes: 2, timeoutMs: 5000 });
  });

  it('lists partial settings as problems', () => {
    expect(problemsOf({ TENCENTCLOUD_SECRET_ID: 'AKIDabc', TENCENT_SMS_SDK_APP_ID: '1400006666', TENCENT_SMS_SIGN_NAME: 's' })).toEqual([
      'TENCENTCLOUD_SECRET_KEY: required when TENCENTCLOUD_SECRET_ID is set',
    ]);
    expect(problemsOf({ TENCENT_SMS_SDK_APP_ID: '1400006666' }).join('\n')).toMatch(/TENCENT_SMS_SIGN_NAME[\s\S]*TENCENTCLOUD_SECRET_ID\/TENCENTCLOUD_SECRET_KEY/);
    expect(problemsOf({ TENCENTCLOUD_SECRET_ID: 'a', TENCENTCLOUD_SECRET_KEY: 'b' })).toHaveLength(1);
    expect(problemsOf({ TENCENT_SMS_CALLBACK_TOKEN: 'short', TENCENT_TIMEOUT_MS: '0' }).join('\n')).toMatch(/TENCENT_SMS_CALLBACK_TOKEN[\s\S]*TENCENT_TIMEOUT_MS|TENCENT_TIMEOUT_MS[\s\S]*TENCENT_SMS_CALLBACK_TOKEN/);
  });
});
