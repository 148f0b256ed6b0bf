import { z } from 'zod';
import { defineSection } from './config-section.js';

/** Customer intelligence: members per chunk of the behaviour run (each chunk is a few set-based statements). */
export const customersSection = defineSection({
  shape: {
    BEHAVIOR_CHUNK_SIZE: z.coerce.number().int().min(100).max(100_000).default(20_000),
  },
  build(e) {
    return { behaviorChunkSize: e.BEHAVIOR_CHUNK_SIZE };
  },
});
