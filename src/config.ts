import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { parseDatabaseUrl, type DatabaseTarget } from './db/database-url.js';
import type { ConfigSection } from './config/config-section.js';
import { modelSection } from './config/model.config.js';
import { outreachSection } from './config/outreach.config.js';
import { customersSection } from './config/customers.config.js';
import { recordingsSection, telephonySection } from './config/telephony.config.js';
import { wecomSection } from './config/wecom.config.js';
import { wechatySection } from './config/wechaty.config.js';
import { miniappSection } from './config/miniapp.config.js';
import { tencentSection } from './config/tencent.config.js';
import { callTasksSection } from './config/call-tasks.config.js';
import { metricsSection } from './config/metrics.config.js';
import { campaignsSection } from './config/campaigns.config.js';
import { importsSection } from './config/imports.config.js';
import { notificationsSection } from './config/notifications.config.js';
import { boardSection } from './config/board.config.js';
import { redisSection } from './config/redis.config.js';
import { productionCarrierProblems } from './config/carriers.check.js';

/**
 * Capability sections (outreach carriers, telephony, WeCom, …): each lives in src/config/<name>.config.ts
 * and is listed here once; its settings are validated with the platform's.
 */
const sections = {
  model: modelSection,
  telephony: telephonySection,
  recordings: recordingsSection,
  wecom: wecomSection,
  wechaty: wechatySection,
  miniapp: miniappSection,
  tencent: tencentSection,
  outreach: outreachSection,
  callTasks: callTasksSection,
  metrics: metricsSection,
  customers: customersSection,
  campaigns: campaignsSection,
  imports: importsSection,
  notifications: notificationsSection,
  board: boardSection,
  redis: redisSection,
} satisfies Record<string, ConfigSection<any, unknown>>;

type SectionConfigs = { [K in keyof typeof sections]: ReturnType<(typeof sections)[K]['build']> };

/** Thrown by loadConfig with every bad setting at once; main prints it without a stack and exits 1. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const port = z.coerce.number().int().min(0).max(65_535);
const positiveInt = z.coerce.number().int().positive();
const optionalText = z.string().trim().min(1).optional();

const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'not a known IANA time zone');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().default('sqlite:./data/app.sqlite'),
  MONGODB_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://').optional(),
  APP_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  TOKEN_TTL_HOURS: positiveInt.max(24 * 30).default(12),
  BUSINESS_TZ: timeZone.default('Asia/Shanghai'),
  JOBS_ENABLED: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  JOBS_PROCESS_EVERY_MS: positiveInt.default(1000),
  JOBS_MAX_CONCURRENCY: positiveInt.default(20),
  JOBS_WORKER_NAME: optionalText,
  JOBS_LOCK_SECONDS: positiveInt.default(600),
});

/** Every environment variable the service reads (documented one by one in .env.example). */
export function settingNames(): string[] {
  const sectionKeys = (Object.values(sections) as ConfigSection<any, unknown>[]).flatMap((section) => Object.keys(section.shape));
  return [...Object.keys(envSchema.shape), ...sectionKeys];
}

export type Config = SectionConfigs & {
  env: 'development' | 'production' | 'test';
  http: { port: number; host: string };
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  dataDir: string;
  database: DatabaseTarget;
  mongodbUrl: string | undefined;
  auth: { appSecret: string; tokenTtlSeconds: number };
  businessTimeZone: string;
  jobs: { enabled: boolean; processEveryMs: number; maxConcurrency: number; workerName: string | undefined; lockSeconds: number };
};

/**
 * Reads and validates the environment once. Every bad setting is collected into one ConfigError.
 * In development and test an APP_SECRET is generated once and kept in DATA_DIR/app-secret.
 */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const raw = stripEmpty(env);
  let schema: z.ZodObject<any> = envSchema;
  for (const section of Object.values(sections) as ConfigSection<any, unknown>[]) schema = schema.extend(section.shape);
  const parsed = schema.safeParse(raw);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  let database: DatabaseTarget | undefined;
  try {
    database = parseDatabaseUrl(raw.DATABASE_URL ?? 'sqlite:./data/app.sqlite');
  } catch (err) {
    problems.push(`DATABASE_URL: ${(err as Error).message}`);
  }
  if (raw.NODE_ENV === 'production' && !raw.APP_SECRET) problems.push('APP_SECRET: required when NODE_ENV=production');
  // Cross-field checks run even when some setting is invalid, so an invalid MINIAPP_APPID never hides the
  // missing WeCom settings: every problem at once. A setting already reported invalid is not reported twice.
  const invalid = new Set(parsed.success ? [] : parsed.error.issues.map((i) => String(i.path[0])));
  const crossField = (Object.values(sections) as ConfigSection<any, unknown>[]).flatMap((section) => section.check?.(fieldByField(section.shape, raw)) ?? []);
  problems.push(...[...crossField, ...productionCarrierProblems(raw)].filter((p) => !invalid.has(p.split(':')[0]!)));
  if (!parsed.success || !database || problems.length > 0) throw new ConfigError(problems);

  const e = parsed.data as z.infer<typeof envSchema>;
  const built = Object.fromEntries(
    Object.entries(sections).map(([name, section]) => [name, (section as ConfigSection<any, unknown>).build(parsed.data)]),
  ) as SectionConfigs;
  const dataDir = resolve(e.DATA_DIR);
  return {
    ...built,
    env: e.NODE_ENV,
    http: { port: e.PORT, host: e.HOST },
    logLevel: e.LOG_LEVEL,
    dataDir,
    database,
    mongodbUrl: e.MONGODB_URL,
    auth: { appSecret: e.APP_SECRET ?? localSecret(dataDir), tokenTtlSeconds: e.TOKEN_TTL_HOURS * 3600 },
    businessTimeZone: e.BUSINESS_TZ,
    jobs: {
      enabled: e.JOBS_ENABLED,
      processEveryMs: e.JOBS_PROCESS_EVERY_MS,
      maxConcurrency: e.JOBS_MAX_CONCURRENCY,
      workerName: e.JOBS_WORKER_NAME,
      lockSeconds: e.JOBS_LOCK_SECONDS,
    },
  };
}

/** A section's settings parsed one by one: valid ones with their defaults, invalid ones as given (so "is it set" still holds). */
function fieldByField(shape: z.ZodRawShape, raw: Record<string, string>): any {
  return Object.fromEntries(
    Object.entries(shape).map(([key, field]) => {
      const one = (field as z.ZodType).safeParse(raw[key]);
      return [key, one.success ? one.data : raw[key]];
    }),
  );
}

/** Treats `FOO=` like an unset FOO, so an empty line in .env falls back to the default. */
function stripEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

function localSecret(dataDir: string): string {
  const file = join(dataDir, 'app-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (err) {
    // Another process created it between our check and our write: theirs wins.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw err;
  }
}
