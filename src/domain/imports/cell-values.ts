import { atLocalTime } from '../shared/business-time.js';
import { maskPhone, normalizePhone, type NormalizedPhone } from '../shared/phone.js';
import type { Cell } from '../ports/spreadsheet.port.js';

/**
 * How one spreadsheet cell becomes a field value: text trimmed, numbers in any common spelling, dates in
 * the formats Chinese spreadsheets use, phone numbers in any spelling. A parser returns the value, or
 * `{ error }` with the Chinese reason staff read in the error list.
 */
export type Parsed<T> = T | { error: string };
export const isError = <T>(v: Parsed<T>): v is { error: string } => typeof v === 'object' && v !== null && 'error' in (v as object) && !(v instanceof Date);

/** The cell as trimmed text; '' for empty. */
export function text(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return cell.toISOString();
  return String(cell).trim();
}

export function limitedText(max: number) {
  return (cell: Cell): Parsed<string> => {
    const t = text(cell);
    return t.length > max ? { error: `超过 ${max} 个字符` } : t;
  };
}

export function phone(kind: 'any' | 'mobile') {
  return (cell: Cell): Parsed<NormalizedPhone> => {
    const raw = typeof cell === 'number' ? String(cell) : text(cell);
    const n = normalizePhone(raw.replace(/[\u3000\s]/g, ''));
    if (!n) return { error: '号码格式无法识别' };
    if (kind === 'mobile' && n.kind !== 'mobile') return { error: '不是中国大陆手机号' };
    return n;
  };
}

/** An integer (points, counts): "1,200" and "1200.0" accepted. */
export function integer(min: number, max: number) {
  return (cell: Cell): Parsed<number> => {
    const n = typeof cell === 'number' ? cell : Number(text(cell).replace(/[,，\s]/g, ''));
    if (!Number.isFinite(n) || !Number.isInteger(n)) return { error: '应为整数' };
    if (n < min || n > max) return { error: `应在 ${min} 到 ${max} 之间` };
    return n;
  };
}

/** An amount in yuan ("¥1,234.50", "1234元") as integer fen. */
export function yuanToFen(cell: Cell): Parsed<number> {
  const t = typeof cell === 'number' ? String(cell) : text(cell).replace(/[¥￥,，元\s]/g, '');
  if (!/^-?\d+(\.\d{1,2})?$/.test(t)) return { error: '金额格式无法识别（例如 1234.50）' };
  const fen = Math.round(Number(t) * 100);
  if (fen < 0 || fen > 2_000_000_000) return { error: '金额超出范围' };
  return fen;
}

/** A list in one cell: 标签A,标签B / 标签A、标签B / 标签A;标签B. */
export function list(cell: Cell): Parsed<string[]> {
  const items = text(cell).split(/[,，、;；|]/).map((s) => s.trim()).filter(Boolean);
  if (items.some((i) => i.length > 32)) return { error: '单项超过 32 个字符' };
  return [...new Set(items)].slice(0, 20);
}

/** One of a fixed set of values, each with the spellings staff write (case-insensitive). */
export function oneOf<T extends string>(spellings: Record<T, readonly string[]>) {
  const lookup = new Map<string, T>();
  for (const [value, words] of Object.entries(spellings) as Array<[T, readonly string[]]>) {
    lookup.set(value.toLowerCase(), value);
    for (const w of words) lookup.set(w.toLowerCase(), value);
  }
  const allowed = Object.entries(spellings).map(([v, w]) => [v, ...(w as string[]).slice(0, 1)].join('/')).join('、');
  return (cell: Cell): Parsed<T> => lookup.get(text(cell).toLowerCase()) ?? { error: `应为 ${allowed} 之一` };
}

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
const DATE_TIME = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT]+(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2})(?:\.\d+)?\s*秒?)?)?$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(?:\s*(\d{2}):?(\d{2})(?::?(\d{2}))?)?$/;

/**
 * A date or date-time in the business time zone: 2026-03-01, 2026/3/1, 2026.03.01, 2026年3月1日,
 * 20260301, each optionally followed by 09:30 or 09:30:00; ISO 8601 with an offset; an Excel date
 * (XLSX date cell or its serial number). Month-first or day-first spellings (03/01/2026) are ambiguous and
 * refused.
 */
export function dateTime(timeZone: string) {
  return (cell: Cell): Parsed<Date> => {
    if (cell instanceof Date) {
      // Excel keeps wall-clock time without a zone; exceljs hands it over as if it were UTC.
      return wallClock(cell.getUTCFullYear(), cell.getUTCMonth() + 1, cell.getUTCDate(), cell.getUTCHours(), cell.getUTCMinutes(), cell.getUTCSeconds(), timeZone);
    }
    if (typeof cell === 'number' && cell > 1 && cell < 80_000) {
      const ms = Math.round(EXCEL_EPOCH + cell * 86_400_000);
      const d = new Date(ms);
      return wallClock(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), timeZone);
    }
    const t = text(cell);
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(t)) {
      const d = new Date(t);
      return Number.isNaN(d.getTime()) ? { error: '日期无效' } : inRange(d);
    }
    const m = DATE_TIME.exec(t) ?? COMPACT.exec(t);
    if (!m) return { error: '日期格式无法识别（请用 2026-03-01 或 2026-03-01 09:30）' };
    const [y, mo, d, h, mi, s] = m.slice(1).map((v) => (v === undefined ? 0 : Number(v)));
    return wallClock(y!, mo!, d!, h!, mi!, s!, timeZone);
  };
}

function wallClock(y: number, mo: number, d: number, h: number, mi: number, s: number, timeZone: string): Parsed<Date> {
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) return { error: '日期不存在' };
  if (h > 23 || mi > 59 || s > 59) return { error: '时间不存在' };
  const day = `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  const at = atLocalTime(day, `${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}`, timeZone);
  return inRange(new Date(at.getTime() + s * 1000));
}

function inRange(d: Date): Parsed<Date> {
  return d.getUTCFullYear() < 1900 || d.getUTCFullYear() > 2100 ? { error: '日期超出允许范围（1900–2100 年）' } : d;
}

/**
 * The value as the error list (and its CSV) shows it. A rejected number may still be someone's number,
 * so digits are masked by one rule. In a phone column every run of digits (spaces, dashes, dots and
 * brackets inside it count as part of the run) is masked: a run of 11 or more digits as 138****8888, a
 * shorter run (12345, a number missing digits) entirely, digit by digit (*****) — a value that is not a
 * full number never shows a digit. In other columns a run of 11 or more digits in a row (a mobile number
 * typed into the wrong column, an ID card number) is masked as 138****8888; shorter digits (dates,
 * amounts) stay readable. Letters stay; long text is cut at 100 characters.
 */
export function shownValue(cell: Cell, isPhone: boolean): string | null {
  const t = typeof cell === 'number' ? String(cell) : text(cell);
  if (!t) return null;
  const masked = isPhone
    ? t.replace(/\+?\d(?:[\d\s().-]*\d)?/g, (run) => (run.replace(/\D/g, '').length >= 11 ? maskPhone(run) : run.replace(/\d/g, '*')))
    : t.replace(/\+?\d{11,}/g, (run) => maskPhone(run));
  return masked.length > 100 ? `${masked.slice(0, 100)}…` : masked;
}
