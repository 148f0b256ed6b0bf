/**
 * Operator commands: `npm run cli -- <command> [--flag value …]`.
 *   staff:create --name 张三 --role manager --mobile 13800000001 [--wecom-user zhangsan] [--office-ext 8001]
 *   token:issue --staff <id>
 *   import <customers|members|visits|consents|events> <file.csv|file.xlsx> [--encoding auto|utf8|gbk]
 *   import:errors <import id>
 *   chat --as <staff id|name> "<text>" | --click <key> | --cards
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { connectOrm, migrateUp } from '../db/orm.js';
import { DomainError } from '../domain/shared/domain-error.js';
import { createStaff } from '../domain/staff/staff.service.js';
import { StaffSchema, type StaffRole } from '../domain/staff/staff.entity.js';
import { UsageError } from './usage-error.js';
import { StaffTokens } from '../miniapp-api/auth/staff-token.js';

const USAGE = `usage:
  npm run cli -- staff:create --name <姓名> --role <sales|manager|admin|duty> [--mobile <手机号>] [--wecom-user <userid>] [--office-ext <分机>]
  npm run cli -- token:issue --staff <id>
  npm run cli -- import <customers|members|visits|consents|events> <file.csv|file.xlsx> [--encoding auto|utf8|gbk]
  npm run cli -- import:errors <import id>     (the rejected rows as CSV)
  npm run cli -- chat --as <staff id|name> "<message>"   (a chat command, as in WeCom; cards printed with their buttons)
  npm run cli -- chat --as <staff id|name> --click <key> (press a card button)
  npm run cli -- chat --as <staff id|name> --cards       (the cards waiting for that member)`;

const [command, ...rest] = process.argv.slice(2);
const { values, positionals } = parseArgs({
  args: rest,
  allowPositionals: true,
  options: {
    name: { type: 'string' },
    role: { type: 'string' },
    mobile: { type: 'string' },
    'wecom-user': { type: 'string' },
    'office-ext': { type: 'string' },
    staff: { type: 'string' },
    encoding: { type: 'string' },
    as: { type: 'string' },
    click: { type: 'string' },
    cards: { type: 'boolean' },
  },
  strict: true,
});

/** What a command answers on stdout, and whether it succeeded (the exit code). */
type Answer = string | { ok: boolean; text: string };

async function run(): Promise<Answer> {
  if (command === 'chat') {
    // The chat command builds the whole app (the same router and services as the chat doors).
    const { chatCommand } = await import('./chat-command.js');
    return chatCommand(process.env, { as: values.as, text: positionals.join(' ') || undefined, click: values.click, cards: values.cards });
  }
  const config = loadConfig(process.env);
  const orm = await connectOrm(config.database);
  try {
    await migrateUp(orm);
    const em = orm.em.fork();
    switch (command) {
      case 'staff:create': {
        if (!values.name || !values.role) throw new UsageError('--name and --role are required');
        const staff = await createStaff(
          em,
          {
            name: values.name,
            role: values.role as StaffRole,
            mobile: values.mobile,
            wecomUserId: values['wecom-user'],
            officeExt: values['office-ext'],
          },
          { actorStaffId: null, channel: 'cli' },
        );
        return String(staff.id);
      }
      case 'token:issue': {
        const id = Number(values.staff);
        if (!Number.isInteger(id) || id <= 0) throw new UsageError('--staff <id> is required');
        const staff = await em.findOne(StaffSchema, { id, active: true });
        if (!staff) throw new DomainError('STAFF_NOT_FOUND', `staff ${id} does not exist or is inactive`);
        const tokens = new StaffTokens(config.auth.appSecret, config.auth.tokenTtlSeconds);
        return (await tokens.issue({ staffId: staff.id, role: staff.role })).token;
      }
      case 'import': {
        // Loaded on demand: the spreadsheet libraries (exceljs) would slow every other command's start.
        const { importCommand } = await import('./import-command.js');
        return await importCommand(em, { timeZone: config.businessTimeZone, batchSize: config.imports.batchSize }, { kind: positionals[0], file: positionals[1], encoding: values.encoding }, (line) => console.error(line));
      }
      case 'import:errors': {
        const { importErrorsCommand } = await import('./import-command.js');
        await importErrorsCommand(em, positionals[0], (chunk) => process.stdout.write(chunk));
        return '';
      }
      default:
        throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
    }
  } finally {
    await orm.close(true);
  }
}

try {
  const answer = await run();
  const { ok, text } = typeof answer === 'string' ? { ok: true, text: answer } : answer;
  if (text) console.log(text);
  process.exitCode = ok ? 0 : 1;
} catch (err) {
  if (err instanceof UsageError) console.error(`${err.message}\n${USAGE}`);
  else if (err instanceof ConfigError) console.error(err.message);
  else if (err instanceof DomainError) console.error(`${err.code}: ${err.message}${err.details ? ` ${JSON.stringify(err.details)}` : ''}`);
  else console.error(`failed: ${(err as Error).message}`);
  process.exit(err instanceof UsageError ? 2 : 1);
}
