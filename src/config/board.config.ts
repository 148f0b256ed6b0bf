import { z } from 'zod';
import { defineSection } from './config-section.js';

/**
 * The live board (/board/): BOARD_PUBLIC_URL is the address managers reach it at (scheme and host, e.g.
 * https://ops.example.com), used for WeCom's OAuth2 redirect_uri; unset, the request's own origin is used
 * (behind a proxy that sets X-Forwarded-Proto/Host).
 */
export const boardSection = defineSection({
  shape: {
    BOARD_PUBLIC_URL: z
      .string()
      .trim()
      .url('must be an absolute URL such as https://ops.example.com')
      .refine((u) => /^https?:\/\//.test(u), 'must start with http:// or https://')
      .optional(),
  },
  build(e) {
    return { publicUrl: e.BOARD_PUBLIC_URL?.replace(/\/+$/, '') };
  },
});
