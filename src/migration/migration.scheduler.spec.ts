import { describe, expect, it } from '@jest/globals';
import { CronTime } from 'cron';
import { scheduledSlot } from './migration.scheduler.js';

describe('scheduledSlot', () => {
  const nightly = new CronTime('0 3 * * *', 'UTC');

  it('names the minute the sweep was scheduled for, however late the tick', () => {
    expect(scheduledSlot(nightly, new Date('2026-12-01T03:00:00.004Z'))).toBe('2026-12-01T03:00');
    // 90 s late: the same slot as the instances that fired on time, so it finds the slot swept.
    expect(scheduledSlot(nightly, new Date('2026-12-01T03:01:30.000Z'))).toBe('2026-12-01T03:00');
    expect(scheduledSlot(nightly, new Date('2026-12-01T03:59:00.000Z'))).toBe('2026-12-01T03:00');
  });

  it('takes the latest scheduled minute when the cron fires often', () => {
    const everyFiveMinutes = new CronTime('*/5 * * * *', 'UTC');
    expect(scheduledSlot(everyFiveMinutes, new Date('2026-12-01T10:07:10.000Z'))).toBe('2026-12-01T10:05');
    expect(scheduledSlot(everyFiveMinutes, new Date('2026-12-01T10:10:00.000Z'))).toBe('2026-12-01T10:10');
  });

  it('names a cron with a seconds field by the minute it fired in, without stepping through the hour', () => {
    const everySecond = new CronTime('* * * * * *', 'UTC');
    expect(scheduledSlot(everySecond, new Date('2026-12-01T10:07:10.000Z'))).toBe('2026-12-01T10:07');
  });

  it('falls back to the minute it fired in when no scheduled time is within the hour', () => {
    expect(scheduledSlot(nightly, new Date('2026-12-01T05:30:20.000Z'))).toBe('2026-12-01T05:30');
  });
});
