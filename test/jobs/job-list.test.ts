import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRepository } from 'agenda';
import type { Orm } from '../../src/db/orm.js';
import { createJobBackend } from '../../src/jobs/job-backend.js';
import { listJobs } from '../../src/jobs/job-list.js';
import { createMigratedOrm, DIALECTS } from '../support/database.js';

describe('job backend selection', () => {
  let orm: Orm;
  let close: () => Promise<void>;
  beforeAll(async () => ({ orm, close } = await createMigratedOrm('sqlite')));
  afterAll(() => close());

  it('uses MongoDB when MONGODB_URL is set and the domain database otherwise', () => {
    // Constructing the Mongo backend does not connect; no MongoDB server is needed for this.
    expect(createJobBackend({ mongodbUrl: 'mongodb://127.0.0.1:27017/salesops', orm }).name).toBe('MongoDB');
    const sql = createJobBackend({ mongodbUrl: undefined, orm });
    expect(sql.name).toBe('SQLite');
    expect(sql.ownsConnection).toBe(false);
  });
});

for (const dialect of DIALECTS) {
  describe(`listJobs on ${dialect}`, () => {
    let repo: JobRepository;
    let close: () => Promise<void>;

    beforeAll(async () => {
      const migrated = await createMigratedOrm(dialect);
      close = migrated.close;
      repo = createJobBackend({ mongodbUrl: undefined, orm: migrated.orm }).repository;
      const t = Date.now();
      for (let i = 0; i < 23; i++) {
        await repo.saveJob({ name: 'sms-batch', priority: 0, type: 'normal', nextRunAt: new Date(t + 60_000 + i * 1000), data: { i } }, undefined);
      }
      await repo.saveJob({ name: 'analyse-call', priority: 0, type: 'normal', nextRunAt: new Date(t - 5000), data: {} }, undefined);
      const failed = await repo.saveJob({ name: 'analyse-call', priority: 0, type: 'normal', nextRunAt: null, data: {} }, undefined);
      const at = new Date(t - 1000);
      await repo.saveJobState({ ...failed, failCount: 3, failReason: 'transcriber timeout', failedAt: at, lastFinishedAt: at, lastRunAt: at, progress: 40 }, undefined);
    });
    afterAll(() => close());

    it('pages through jobs with the counts the API returns', async () => {
      const page = await listJobs(repo, { page: 2, size: 10, name: 'sms-batch' });
      expect(page).toMatchObject({ total: 23, size: 10, current: 2, pages: 3 });
      expect(page.records).toHaveLength(10);
      expect(new Set(page.records.map((r) => r.state))).toEqual(new Set(['scheduled']));
      const last = await listJobs(repo, { page: 3, size: 10, name: 'sms-batch' });
      expect(last.records).toHaveLength(3);
      const ids = [...page.records, ...last.records].map((r) => r.id);
      expect(new Set(ids).size).toBe(13);
    });

    it('filters by state and shows progress and the last failure', async () => {
      const failed = await listJobs(repo, { page: 1, size: 20, state: 'failed' });
      expect(failed.total).toBe(1);
      expect(failed.records[0]).toEqual({
        id: expect.any(String),
        name: 'analyse-call',
        state: 'failed',
        progress: 40,
        nextRunAt: null,
        lastRunAt: expect.any(String),
        lastFinishedAt: expect.any(String),
        failCount: 3,
        failReason: 'transcriber timeout',
        failedAt: expect.any(String),
      });
      const queued = await listJobs(repo, { page: 1, size: 20, state: 'queued' });
      expect(queued.records.map((r) => r.name)).toEqual(['analyse-call']);
      expect((await listJobs(repo, { page: 1, size: 500 })).size).toBe(100);
    });
  });
}
