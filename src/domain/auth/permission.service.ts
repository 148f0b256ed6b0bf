import type { EntityManager } from '@mikro-orm/core';
import type { StaffRole } from '../staff/staff.entity.js';
import { RolePermissionSchema } from './role-permission.entity.js';

/**
 * Resolves a role to its permission strings from role_permissions. Cached briefly: a change an admin
 * makes is in force within `ttlMs`, and a request never waits on more than one small indexed read.
 */
export class PermissionService {
  readonly #cache = new Map<string, { at: number; permissions: ReadonlySet<string> }>();
  readonly #ttlMs: number;

  constructor(ttlMs = 30_000) {
    this.#ttlMs = ttlMs;
  }

  async permissionsFor(em: EntityManager, role: StaffRole): Promise<ReadonlySet<string>> {
    const hit = this.#cache.get(role);
    if (hit && Date.now() - hit.at < this.#ttlMs) return hit.permissions;
    const rows = await em.find(RolePermissionSchema, { role }, { disableIdentityMap: true });
    const permissions = new Set(rows.map((r) => r.permission));
    this.#cache.set(role, { at: Date.now(), permissions });
    return permissions;
  }
}
