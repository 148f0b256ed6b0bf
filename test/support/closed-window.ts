import { localParts } from '../../src/domain/shared/business-time.js';

/** A one-hour MARKETING_HOURS window starting two hours from now in Shanghai, so the present is outside it. */
export function closedWindow(): string {
  const start = (Number(localParts(new Date(), 'Asia/Shanghai').hhmm.slice(0, 2)) + 2) % 24;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(start)}:00-${start === 23 ? '24' : pad(start + 1)}:00`;
}
