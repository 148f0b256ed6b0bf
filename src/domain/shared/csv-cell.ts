/**
 * One CSV cell for files staff open in a spreadsheet (RFC 4180 quoting). A text starting with = + - @
 * gets a leading ' so the spreadsheet never runs it as a formula (numbers such as +8613800138000 stay).
 */
export function csvCell(value: unknown): string {
  let text = value instanceof Date ? value.toISOString() : String(value ?? '');
  if (/^[=+\-@\t\r]/.test(text) && !/^[+-]?\d[\d.]*$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line (CRLF) of cells. */
export const csvLine = (cells: readonly unknown[]): string => `${cells.map(csvCell).join(',')}\r\n`;
