import { z } from 'zod';
import { defineSection } from './config-section.js';

const text = z.string().trim().min(1);
const digits = z.string().trim().regex(/^\d{5,20}$/, 'the numeric SdkAppId from the Tencent Cloud console');
const region = z.string().trim().regex(/^[a-z]+(-[a-z]+)+$/, 'a Tencent Cloud region such as ap-guangzhou');

/**
 * Tencent Cloud SMS (SendSms) and voice messages (SendTtsVoice). Each is on only when the shared API
 * key and its own app settings are all set; without them outreach uses the recording SMS gateway.
 *
 * Tencent's receipt and reply callbacks carry no signature or shared secret (a plain JSON array POSTed
 * to the URL set in the SMS console), so the callback URL itself is the secret: it ends with
 * TENCENT_SMS_CALLBACK_TOKEN, a long random path segment the route compares in constant time.
 */
export const tencentSection = defineSection({
  shape: {
    TENCENTCLOUD_SECRET_ID: text.optional(),
    TENCENTCLOUD_SECRET_KEY: text.optional(),
    TENCENT_SMS_SDK_APP_ID: digits.optional(),
    TENCENT_SMS_SIGN_NAME: text.max(20).optional(),
    TENCENT_SMS_REGION: region.default('ap-guangzhou'),
    TENCENT_API_ENDPOINT: z.string().trim().url().optional(),
    TENCENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
    TENCENT_VMS_SDK_APP_ID: digits.optional(),
    TENCENT_VMS_TEMPLATE_ID: z.string().trim().regex(/^\d{1,20}$/, 'the numeric voice template id').optional(),
    TENCENT_VMS_REGION: region.default('ap-guangzhou'),
    TENCENT_VMS_PLAY_TIMES: z.coerce.number().int().min(1).max(3).default(2),
    TENCENT_SMS_CALLBACK_TOKEN: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{24,128}$/, '24-128 URL-safe characters (e.g. openssl rand -hex 24)')
      .optional(),
  },
  check(e) {
    const problems: string[] = [];
    const hasId = Boolean(e.TENCENTCLOUD_SECRET_ID);
    const hasKey = Boolean(e.TENCENTCLOUD_SECRET_KEY);
    if (hasId !== hasKey) {
      problems.push(hasId ? 'TENCENTCLOUD_SECRET_KEY: required when TENCENTCLOUD_SECRET_ID is set' : 'TENCENTCLOUD_SECRET_ID: required when TENCENTCLOUD_SECRET_KEY is set');
    }
    const creds = hasId && hasKey;
    const sms = Boolean(e.TENCENT_SMS_SDK_APP_ID || e.TENCENT_SMS_SIGN_NAME);
    const vms = Boolean(e.TENCENT_VMS_SDK_APP_ID || e.TENCENT_VMS_TEMPLATE_ID);
    if (sms && !e.TENCENT_SMS_SDK_APP_ID) problems.push('TENCENT_SMS_SDK_APP_ID: required when TENCENT_SMS_SIGN_NAME is set');
    if (sms && !e.TENCENT_SMS_SIGN_NAME) problems.push('TENCENT_SMS_SIGN_NAME: required for mainland SMS when TENCENT_SMS_SDK_APP_ID is set');
    if (vms && !e.TENCENT_VMS_SDK_APP_ID) problems.push('TENCENT_VMS_SDK_APP_ID: required when TENCENT_VMS_TEMPLATE_ID is set');
    if (vms && !e.TENCENT_VMS_TEMPLATE_ID) problems.push('TENCENT_VMS_TEMPLATE_ID: required when TENCENT_VMS_SDK_APP_ID is set');
    if ((sms || vms) && !creds && hasId === hasKey) {
      problems.push('TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY: required when Tencent SMS or voice app settings are set');
    }
    if (creds && !sms && !vms) problems.push('TENCENT_SMS_SDK_APP_ID: Tencent Cloud credentials are set but neither SMS nor voice is configured');
    return problems;
  },
  build(e) {
    const credentials =
      e.TENCENTCLOUD_SECRET_ID && e.TENCENTCLOUD_SECRET_KEY ? { secretId: e.TENCENTCLOUD_SECRET_ID, secretKey: e.TENCENTCLOUD_SECRET_KEY } : undefined;
    const common = { endpoint: e.TENCENT_API_ENDPOINT, timeoutMs: e.TENCENT_TIMEOUT_MS };
    return {
      sms:
        credentials && e.TENCENT_SMS_SDK_APP_ID && e.TENCENT_SMS_SIGN_NAME
          ? { ...credentials, ...common, sdkAppId: e.TENCENT_SMS_SDK_APP_ID, signName: e.TENCENT_SMS_SIGN_NAME, region: e.TENCENT_SMS_REGION }
          : undefined,
      voice:
        credentials && e.TENCENT_VMS_SDK_APP_ID && e.TENCENT_VMS_TEMPLATE_ID
          ? {
              ...credentials,
              ...common,
              voiceSdkAppId: e.TENCENT_VMS_SDK_APP_ID,
              templateId: e.TENCENT_VMS_TEMPLATE_ID,
              region: e.TENCENT_VMS_REGION,
              playTimes: e.TENCENT_VMS_PLAY_TIMES,
            }
          : undefined,
      /** The last path segment of the SMS receipt/reply callback URLs; while unset the callback route should refuse every request. */
      callbackToken: e.TENCENT_SMS_CALLBACK_TOKEN,
    };
  },
});

export type TencentConfig = ReturnType<typeof tencentSection.build>;
