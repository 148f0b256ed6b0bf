/** Where "now" comes from; services take a Clock so policies at boundary times are testable. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
