import type { SpreadsheetReader } from '../../domain/ports/spreadsheet.port.js';
import { csvSheet } from './csv-sheet.js';
import { xlsxSheet } from './xlsx-sheet.js';

/** The SpreadsheetReader port over csv-parse + iconv-lite (CSV, UTF-8 or GBK) and exceljs (XLSX). */
export const spreadsheetReader: SpreadsheetReader = {
  open: (path, format, encoding) => (format === 'xlsx' ? xlsxSheet(path) : csvSheet(path, encoding)),
};
