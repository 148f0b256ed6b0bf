import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import type { SheetEncoding, SheetSource } from '../../domain/ports/spreadsheet.port.js';

const SNIFF_BYTES = 64 * 1024;

/**
 * Whether a CSV is UTF-8 or GBK (what Excel in China writes when saving "CSV"): a UTF-8 BOM, or the first
 * 64 KB decoding as valid UTF-8, means UTF-8; anything else is read as GB18030 (a superset of GBK).
 */
export async function sniffEncoding(path: string): Promise<'utf8' | 'gbk'> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buf, 0, SNIFF_BYTES, 0);
    const head = buf.subarray(0, bytesRead);
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf8';
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
      return 'utf8';
    } catch {
      return 'gbk';
    }
  } finally {
    await handle.close();
  }
}

/** Streams a CSV file through csv-parse (and iconv-lite for GBK); lines are the file's own line numbers. */
export async function csvSheet(path: string, requested: SheetEncoding = 'auto'): Promise<SheetSource> {
  const encoding = requested === 'auto' ? await sniffEncoding(path) : requested;
  const size = (await stat(path)).size;
  const file = createReadStream(path, { highWaterMark: 256 * 1024 });
  const text = encoding === 'gbk' ? file.pipe(iconv.decodeStream('gb18030')) : file;
  const parser = text.pipe(parse({ bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, info: true }));
  file.on('error', (err) => parser.destroy(err));
  async function* rows() {
    let previousEnd = 0;
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      // info.lines is the line the record ends on; a record starts on the line after the previous one ended.
      yield { line: previousEnd + 1, cells: record };
      previousEnd = info.lines;
    }
  }
  return { rows: rows(), fraction: () => (size === 0 ? 1 : Math.min(1, file.bytesRead / size)), encoding };
}
