import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start, type RunningApp, type StartOptions } from '../../src/main.js';
import { createStaff } from '../../src/domain/staff/staff.service.js';
import type { StaffRole } from '../../src/domain/staff/staff.entity.js';
import { StaffTokens } from '../../src/miniapp-api/auth/staff-token.js';
import { createMigratedDatabase, type Dialect, type TestDatabase } from './database.js';
import { openApiResponseChecker } from './openapi-check.js';

export type TestApp = {
  app: RunningApp;
  db: TestDatabase;
  /** fetch against the running server with optional bearer token and JSON body. */
  call(method: string, path: string, options?: { token?: string; json?: unknown; body?: string; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  /** A new staff member of the role and a bearer token for them. */
  staffWithToken(role: StaffRole, extra?: { mobile?: string; wecomUserId?: string; name?: string }): Promise<{ id: number; token: string }>;
  close(): Promise<void>;
};

/** Boots the real app (config, migration check, HTTP on an ephemeral port) on a fresh migrated database of the dialect. */
export async function bootApp(dialect: Dialect, env: Record<string, string> = {}, options: StartOptions = {}): Promise<TestApp> {
  const db = await createMigratedDatabase(dialect);
  const dataDir = mkdtempSync(join(tmpdir(), 'salesops-data-'));
  const app = await start({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    DATABASE_URL: db.url,
    JOBS_PROCESS_EVERY_MS: '100',
    ...env,
  }, options);
  const tokens = new StaffTokens(app.config.auth.appSecret, app.config.auth.tokenTtlSeconds);
  let counter = 0;
  let checker: ReturnType<typeof openApiResponseChecker> | undefined;
  // Every answer call() receives is checked against the schema the app documents for it (test fails on a mismatch).
  const documented = async () => (checker ??= openApiResponseChecker((await (await fetch(`${app.url}/openapi.json`)).json()) as Parameters<typeof openApiResponseChecker>[0]));
  return {
    app,
    db,
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let body = options.body;
      if (options.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(options.json);
      }
      const res = await fetch(`${app.url}${path}`, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON: keep the text */
      }
      const problem = (await documented())(method, path, res.status, res.headers.get('content-type'), parsed);
      if (problem) throw new Error(`response differs from /openapi.json: ${problem}`);
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async staffWithToken(role, extra = {}) {
      counter += 1;
      const staff = await createStaff(
        app.orm.em.fork(),
        { name: extra.name ?? `${role}${counter}`, role, mobile: extra.mobile, wecomUserId: extra.wecomUserId },
        { actorStaffId: null, channel: 'system' },
      );
      const { token } = await tokens.issue({ staffId: staff.id, role });
      return { id: staff.id, token };
    },
    async close() {
      await app.stop();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
