import { consentRoutes } from '../miniapp-api/routes/team-data/consents.routes.js';
import type { Capability, Platform } from './capability.js';

/** A team's own data in: consents (the ledger in src/domain/compliance). */
export function wire(_platform: Platform): Capability {
  return { name: 'data', routes: { staff: [consentRoutes()] } };
}
