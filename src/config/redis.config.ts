import { z } from 'zod';
import { defineSection } from './config-section.js';

/**
 * Several processes acting as one (README: Several processes): REDIS_URL carries live-board events
 * between processes over pub/sub; unset, a single process keeps them in memory. REDIS_PREFIX names the
 * channels, so two deployments can share one Redis.
 */
export const redisSection = defineSection({
  shape: {
    REDIS_URL: z
      .string()
      .trim()
      .regex(/^rediss?:\/\/[^\s]+$/, 'must look like redis://host:6379 (or rediss:// for TLS)')
      .optional(),
    REDIS_PREFIX: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits and _ . : - only, at most 64')
      .default('salesops'),
  },
  build(e) {
    return { url: e.REDIS_URL, prefix: e.REDIS_PREFIX };
  },
});
