import type { EntityManager } from '@mikro-orm/core';
import type { Clock } from '../ports/clock.port.js';
import { CampaignSchema } from './campaign.entity.js';
import { attributionWindow, refreshTracking } from './campaign-performance.query.js';

/**
 * The minutely refresh: every running campaign's tracking brought up to date; a campaign whose
 * attribution window has closed is refreshed a last time and marked completed.
 */
export async function refreshRunningCampaigns(newEm: () => EntityManager, deps: { clock: Clock; smsCostFen: number }): Promise<number> {
  const now = deps.clock.now();
  const running = await newEm().find(CampaignSchema, { status: 'running' }, { disableIdentityMap: true });
  for (const campaign of running) {
    const em = newEm();
    await refreshTracking(em, campaign, deps.smsCostFen);
    const window = attributionWindow(campaign);
    if (window && window.to <= now) await em.nativeUpdate(CampaignSchema, { id: campaign.id, status: 'running' }, { status: 'completed', completedAt: now, updatedAt: now });
  }
  return running.length;
}
