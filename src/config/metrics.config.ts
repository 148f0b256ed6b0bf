import { z } from 'zod';
import { defineSection } from './config-section.js';

/**
 * Prometheus metrics: GET /metrics on the API port behind METRICS_TOKEN, and/or a separate listener on
 * METRICS_PORT (METRICS_HOST, loopback by default). Neither set: metrics are still counted, not served.
 */
export const metricsSection = defineSection({
  shape: {
    METRICS_TOKEN: z.string().trim().min(16, 'must be at least 16 characters').optional(),
    METRICS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
    METRICS_HOST: z.string().trim().min(1).default('127.0.0.1'),
  },
  build(e) {
    return { token: e.METRICS_TOKEN, port: e.METRICS_PORT, host: e.METRICS_HOST };
  },
});
