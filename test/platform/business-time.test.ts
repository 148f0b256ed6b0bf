import { describe, expect, it } from 'vitest';
import { addDays, atLocalTime, localParts } from '../../src/domain/shared/business-time.js';

describe('business time in Asia/Shanghai whatever the machine zone', () => {
  it('reads the local date, weekday and time of a UTC instant', () => {
    expect(localParts(new Date('2026-11-22T15:59:00Z'), 'Asia/Shanghai')).toEqual({ date: '2026-11-22', weekday: 'sun', hhmm: '23:59', minutes: 1439 });
    expect(localParts(new Date('2026-11-22T16:00:00Z'), 'Asia/Shanghai')).toMatchObject({ date: '2026-11-23', weekday: 'mon', hhmm: '00:00' });
  });

  it('finds the instant of a local wall-clock time', () => {
    expect(atLocalTime('2026-11-23', '09:00', 'Asia/Shanghai').toISOString()).toBe('2026-11-23T01:00:00.000Z');
    expect(atLocalTime('2026-11-23', '00:30', 'Asia/Shanghai').toISOString()).toBe('2026-11-22T16:30:00.000Z');
    expect(atLocalTime('2026-07-01', '09:00', 'Europe/Berlin').toISOString()).toBe('2026-07-01T07:00:00.000Z');
  });

  it('adds days across month ends', () => {
    expect(addDays('2026-11-30', 1)).toBe('2026-12-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});
