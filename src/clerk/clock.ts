import { setTimeout as sleep } from 'node:timers/promises';

/** Time as the pacing code sees it, so tests can drive it with a fake clock instead of waiting. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms) => {
    if (ms > 0) await sleep(ms);
  },
};
