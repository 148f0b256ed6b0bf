import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { Cell, SheetSource } from '../../domain/ports/spreadsheet.port.js';

/** A cell value of exceljs as plain data: rich text and hyperlinks as their text, formulas as their result. */
function plain(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (value instanceof Date || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'object') {
    const v = value as { richText?: Array<{ text: string }>; text?: unknown; result?: unknown; error?: string };
    if (v.richText) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return plain(v.result);
    if ('text' in v) return plain(v.text);
    if (v.error) return null;
  }
  return String(value);
}

/**
 * Streams the first worksheet of an XLSX file with exceljs's streaming WorkbookReader (rows are emitted as
 * the zip is read; the workbook is never built in memory). Date cells arrive as Dates (styles are read).
 */
export async function xlsxSheet(path: string): Promise<SheetSource> {
  const size = (await stat(path)).size;
  const file = createReadStream(path, { highWaterMark: 256 * 1024 });
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'emit' });
  async function* rows() {
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const values = Array.isArray(row.values) ? row.values.slice(1) : [];
        yield { line: row.number, cells: Array.from(values, plain) };
      }
      // Only the first worksheet is imported; the rest of the file is not read.
      file.destroy();
      return;
    }
  }
  return { rows: rows(), fraction: () => (size === 0 ? 1 : Math.min(1, file.bytesRead / size)), encoding: null };
}
