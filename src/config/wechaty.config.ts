import { z } from 'zod';
import { defineSection } from './config-section.js';

/** The Wechaty transport: off unless WECHATY_PUPPET names a puppet package (e.g. wechaty-puppet-service). */
export const wechatySection = defineSection({
  shape: {
    WECHATY_PUPPET: z.string().trim().regex(/^(@[a-z0-9-]+\/)?wechaty-puppet-[a-z0-9-]+$/, 'a puppet package name such as wechaty-puppet-service').optional(),
    WECHATY_PUPPET_TOKEN: z.string().trim().min(1).optional(),
  },
  check(e) {
    return e.WECHATY_PUPPET_TOKEN && !e.WECHATY_PUPPET ? ['WECHATY_PUPPET: required when WECHATY_PUPPET_TOKEN is set'] : [];
  },
  build(e) {
    return e.WECHATY_PUPPET ? { puppet: e.WECHATY_PUPPET, token: e.WECHATY_PUPPET_TOKEN } : undefined;
  },
});
