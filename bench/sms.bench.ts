/**
 * Batch SMS throughput: a marketing batch of N recipients (all consented) sent by the real batch worker
 * through the real Tencent Cloud adapter to the fake Tencent Cloud API running as its own process
 * (TC3 signatures checked, 200 numbers per request). Prints recipients/minute and this process's peak RSS.
 *   npm run bench -- sms [--recipients 100000] [--dialects mysql,sqlite]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { createTencentSmsGateway } from '../src/gateways/tencent/tencent-sms-gateway.js';
import { ConsentSchema } from '../src/domain/compliance/consent.entity.js';
import type { OutreachDeps } from '../src/domain/outreach/outreach-deps.js';
import { createSmsBatch, smsBatchReport } from '../src/domain/outreach/sms-batch.service.js';
import { runSmsBatch } from '../src/domain/outreach/sms-batch.worker.js';
import { SmsTemplateSchema } from '../src/domain/outreach/sms-template.entity.js';
import type { JobQueue } from '../src/domain/ports/job-queue.port.js';
import { systemClock } from '../src/domain/ports/clock.port.js';
import { createStaff } from '../src/domain/staff/staff.service.js';
import { createMigratedOrm, type Dialect } from '../test/support/database.js';

export const description = 'batch SMS: 100,000 recipients to the fake Tencent Cloud process, recipients/minute and peak RSS';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function startFakeCarrier(): Promise<{ endpoint: string; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/fake-tencent-cloud.main.ts', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  return { endpoint: JSON.parse(line.toString().split('\n')[0]!).endpoint as string, stop: () => child.kill('SIGTERM') };
}

/** The batch worker queues a settle job only when outcomes are unknown; the bench just counts them. */
function countingQueue(): JobQueue & { queued: string[] } {
  const queued: string[] = [];
  return { queued, enqueue: async (name) => (queued.push(name), String(queued.length)), cancel: async () => 0, isPending: async () => false };
}

async function runOn(dialect: Dialect, recipients: number): Promise<void> {
  const { orm, close } = await createMigratedOrm(dialect);
  const carrier = await startFakeCarrier();
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  try {
    const phones = Array.from({ length: recipients }, (_, i) => `+86137${String(i).padStart(8, '0')}`);
    const seedStarted = performance.now();
    const em = orm.em.fork();
    em.create(SmsTemplateSchema, { code: 'TPL_BENCH', name: 'bench', category: 'marketing', vendorTemplateId: '100002', content: '{1}周末特惠拒收请回复R', paramNames: ['name'] });
    await em.flush();
    for (let i = 0; i < phones.length; i += 2000) {
      await orm.em.fork().insertMany(
        ConsentSchema,
        phones.slice(i, i + 2000).map((phone) => ({ phone, phoneLast8: phone.slice(-8), channel: 'sms' as const, state: 'granted' as const, source: 'bench', recordedAt: new Date() })),
      );
    }
    const staff = await createStaff(orm.em.fork(), { name: '经理', role: 'manager' }, { actorStaffId: null, channel: 'system' });
    const jobs = countingQueue();
    const deps: OutreachDeps = {
      sms: createTencentSmsGateway({ secretId: 'AKIDfakeTencentCloudSecretId0001', secretKey: 'fakeTencentCloudSecretKey0000001', sdkAppId: '1400000001', signName: '基准测试', region: 'ap-guangzhou', endpoint: carrier.endpoint, timeoutMs: 10_000 }),
      voice: { name: 'none', placeCall: async () => ({ ok: false, code: 'UNAVAILABLE', message: 'not used' }) },
      jobs,
      clock: systemClock,
      compliance: { timeZone: 'Asia/Shanghai', window: { start: '00:00', end: '24:00' } },
      batch: { chunkSize: 200, settleAfterMs: 60_000 },
    };
    const seeded = performance.now() - seedStarted;

    const createStarted = performance.now();
    const { batchId } = await createSmsBatch(orm.em.fork(), deps, { templateCode: 'TPL_BENCH', params: ['会员'], audience: { kind: 'phones', phones }, createdBy: staff.id });
    const created = performance.now() - createStarted;

    const sendStarted = performance.now();
    const result = await runSmsBatch(() => orm.em.fork(), deps, batchId);
    const sendMs = performance.now() - sendStarted;
    const report = await smsBatchReport(orm.em.fork(), batchId);
    if (result.state !== 'completed' || report.sent !== recipients) throw new Error(`batch did not send everything: ${JSON.stringify(report)}`);
    console.log(
      [
        `${dialect.padEnd(6)} ${recipients} recipients in ${(sendMs / 1000).toFixed(1)} s → ${Math.round((recipients / sendMs) * 60_000).toLocaleString('en-US')} recipients/min`,
        `        ${Math.ceil(recipients / 200)} carrier requests of ≤ 200 numbers; batch creation ${(created / 1000).toFixed(1)} s; consent seeding ${(seeded / 1000).toFixed(1)} s`,
        `        peak RSS ${mb(peakRss)} (aim < 300 MB); unknown outcomes ${report.unknown}; settle jobs queued ${jobs.queued.filter((n) => n === 'sms.settle').length}`,
      ].join('\n'),
    );
  } finally {
    clearInterval(sampler);
    carrier.stop();
    await close();
  }
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { recipients: { type: 'string', default: '100000' }, dialects: { type: 'string', default: 'mysql,sqlite' } } });
  console.log('batch SMS benchmark (aim ≥ 100,000 recipients/min, RSS < 300 MB; the seed promises 1,000/min)');
  for (const dialect of values.dialects.split(',') as Dialect[]) await runOn(dialect, Number(values.recipients));
}
