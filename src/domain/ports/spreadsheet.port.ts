/** One cell as a spreadsheet gives it: text (CSV, XLSX strings), a number, a Date (XLSX dates), or empty. */
export type Cell = string | number | boolean | Date | null;

/** One row of a sheet with the line (CSV) or row number (XLSX) staff see in their editor. */
export type SheetRow = { line: number; cells: Cell[] };

export type SheetFormat = 'csv' | 'xlsx';
export type SheetEncoding = 'auto' | 'utf8' | 'gbk';

/** A sheet read as a stream: rows one at a time (the file is never held in memory) and how far it got. */
export type SheetSource = {
  rows: AsyncIterable<SheetRow>;
  /** Share of the file read so far, 0–1 (by bytes). */
  fraction(): number;
  /** The text encoding used (CSV: detected or given); null for XLSX. */
  encoding: 'utf8' | 'gbk' | null;
};

/** Opens a stored CSV or XLSX file for streaming (port: the adapter uses the CSV/XLSX/encoding libraries). */
export type SpreadsheetReader = { open(path: string, format: SheetFormat, encoding?: SheetEncoding): Promise<SheetSource> };
