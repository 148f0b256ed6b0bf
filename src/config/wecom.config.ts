import { z } from 'zod';
import { defineSection } from './config-section.js';

const REQUIRED = ['WECOM_CORP_ID', 'WECOM_AGENT_ID', 'WECOM_SECRET', 'WECOM_TOKEN', 'WECOM_ENCODING_AES_KEY'] as const;

/**
 * The WeCom self-built app: callback (token + EncodingAESKey) and server API (corp id + secret + agent id).
 * Off unless all five credentials are set; a partial set is a configuration error, not a silent "off".
 */
export const wecomSection = defineSection({
  shape: {
    WECOM_CORP_ID: z.string().trim().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ or - (e.g. ww0123456789abcdef)').optional(),
    WECOM_AGENT_ID: z.coerce.number().int().positive().optional(),
    WECOM_SECRET: z.string().trim().min(1).optional(),
    WECOM_TOKEN: z.string().trim().regex(/^[A-Za-z0-9]{1,32}$/, 'up to 32 letters or digits').optional(),
    WECOM_ENCODING_AES_KEY: z.string().trim().regex(/^[A-Za-z0-9]{43}$/, 'must be the 43-character EncodingAESKey').optional(),
    WECOM_API_BASE: z.string().url().default('https://qyapi.weixin.qq.com'),
    WECOM_SENDS_PER_MEMBER_PER_MINUTE: z.coerce.number().int().min(1).max(29).default(25),
    WECOM_INBOX_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  },
  check(e) {
    const set = REQUIRED.filter((k) => e[k] !== undefined);
    if (set.length === 0 || set.length === REQUIRED.length) return [];
    return REQUIRED.filter((k) => e[k] === undefined).map((k) => `${k}: required when ${set.join(', ')} ${set.length > 1 ? 'are' : 'is'} set (WeCom needs all five)`);
  },
  build(e) {
    if (!e.WECOM_CORP_ID || !e.WECOM_AGENT_ID || !e.WECOM_SECRET || !e.WECOM_TOKEN || !e.WECOM_ENCODING_AES_KEY) return undefined;
    return {
      corpId: e.WECOM_CORP_ID,
      agentId: e.WECOM_AGENT_ID,
      secret: e.WECOM_SECRET,
      token: e.WECOM_TOKEN,
      encodingAesKey: e.WECOM_ENCODING_AES_KEY,
      apiBase: e.WECOM_API_BASE.replace(/\/+$/, ''),
      sendsPerMemberPerMinute: e.WECOM_SENDS_PER_MEMBER_PER_MINUTE,
      inboxLeaseMs: e.WECOM_INBOX_LEASE_SECONDS * 1000,
    };
  },
});
