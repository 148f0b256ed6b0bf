import { z } from 'zod';
import { defineSection } from './config-section.js';

/** The WeChat mini-program login (jscode2session): off unless both MINIAPP_APPID and MINIAPP_SECRET are set. */
export const miniappSection = defineSection({
  shape: {
    MINIAPP_APPID: z.string().trim().regex(/^wx[0-9a-f]{16}$/i, 'a mini-program AppID such as wx0123456789abcdef').optional(),
    MINIAPP_SECRET: z.string().trim().min(1).optional(),
    WECHAT_API_BASE: z.string().url().default('https://api.weixin.qq.com'),
  },
  check(e) {
    if (Boolean(e.MINIAPP_APPID) === Boolean(e.MINIAPP_SECRET)) return [];
    return [e.MINIAPP_APPID ? 'MINIAPP_SECRET: required when MINIAPP_APPID is set' : 'MINIAPP_APPID: required when MINIAPP_SECRET is set'];
  },
  build(e) {
    if (!e.MINIAPP_APPID || !e.MINIAPP_SECRET) return undefined;
    return { appId: e.MINIAPP_APPID, secret: e.MINIAPP_SECRET, apiBase: e.WECHAT_API_BASE.replace(/\/+$/, '') };
  },
});
