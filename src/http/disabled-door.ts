import { Router } from '@koa/router';
import { DomainError } from '../domain/shared/domain-error.js';
import { describeRouter, type RouteSpec } from './route-spec.js';

/** A door that configuration switched off, and the settings that switch it on. */
export type DoorOff = { door: string; label: string; settings: readonly string[] };

const OFF = Symbol.for('sales-ops.doorOff');

/** The error every route of a switched-off door answers: 503 DOOR_DISABLED naming the settings. */
export function doorDisabled(off: DoorOff): DomainError {
  return new DomainError('DOOR_DISABLED', `${off.label}未启用：请设置 ${off.settings.join('、')}`, { door: off.door, settings: [...off.settings] });
}

/**
 * The routes of a switched-off door (same methods and paths as when it is on), each answering 503
 * DOOR_DISABLED with the settings that enable it — instead of whatever the next middleware would say
 * (a 401 from staff authentication, a 400 from the JSON body parser). The app mounts it before the
 * body parser: a disabled door reads no body.
 */
export function disabledDoorRouter(off: DoorOff, specs: readonly RouteSpec[]): Router<any> {
  const router = new Router<any>();
  for (const spec of specs) {
    router[spec.method](spec.path, () => {
      throw doorDisabled(off);
    });
  }
  Object.defineProperty(router, OFF, { value: off, enumerable: false });
  return describeRouter(
    router,
    specs.map((s) => ({
      method: s.method,
      path: s.path,
      summary: `${s.summary}（${off.label}未启用）`,
      description: `${off.label}当前未启用，本接口答 503 DOOR_DISABLED。设置 ${off.settings.join('、')} 后启用。`,
      tags: s.tags,
      access: { kind: 'public' as const },
      responses: {},
      errors: ['DOOR_DISABLED' as const],
    })),
  );
}

/** True for a router built by disabledDoorRouter. */
export function isDisabledDoor(router: object): boolean {
  return OFF in router;
}
