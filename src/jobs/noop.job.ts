import { z } from 'zod';
import type { JobDefinition } from './job-registry.js';

const NoopData = z.object({ seq: z.number().int().optional() }).passthrough();

/** Does nothing: measures the job machinery itself (npm run bench -- jobs) and checks a worker is alive. */
export const noopJob: JobDefinition<z.infer<typeof NoopData>> = {
  name: 'noop',
  parse: (data) => NoopData.parse(data ?? {}),
  run: async () => {},
  backoff: null,
};
