/**
 * Inside the carrier's 08:00–21:00 Beijing whatever hour the test runs at: the real time when it is inside,
 * else the next 10:00 Beijing (never behind the real clock, which the switch's hangup events carry).
 */
export function beijingMorningClock() {
  const d = new Date();
  const hour = d.getUTCHours();
  const inside = hour < 12 || (hour === 12 && d.getUTCMinutes() < 50);
  const target = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + (hour >= 2 ? 1 : 0), 2, 0, 0);
  const offset = inside ? 0 : target - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}
