import type { RouteLeg, RoutePlan } from '../domain/routing/routing-policy.js';

/**
 * A route plan as FreeSWITCH's bridge application reads it: steps tried one after another are joined
 * with `|`, legs of one step ring together and are joined with `,`; each leg carries its own
 * `[leg_timeout=N]`. Office phones are registered users (`user/8001`), mobiles go out through the
 * DAG1000's sofia gateway. An empty plan gives an empty string (straight to voicemail).
 */
export function bridgeString(plan: Pick<RoutePlan, 'steps'>, options: { gateway: string }): string {
  return plan.steps
    .filter((step) => step.legs.length > 0)
    .map((step) => step.legs.map((leg) => `[leg_timeout=${leg.timeoutSec}]${dialTarget(leg, options.gateway)}`).join(','))
    .join('|');
}

export function dialTarget(leg: Pick<RouteLeg, 'kind' | 'target'>, gateway: string): string {
  const target = leg.target.replace(/[^0-9A-Za-z*#+]/g, '');
  return leg.kind === 'office' ? `user/${target}` : `sofia/gateway/${gateway}/${target}`;
}
