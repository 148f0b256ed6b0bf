import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { Context } from 'koa';
import { DomainError } from '../../domain/shared/domain-error.js';

export type StoredUpload = { path: string; fileName: string; size: number; fields: Record<string, string> };

/**
 * Streams a multipart/form-data upload's one file part (field `file`) to `dir` with busboy — the file is
 * never held in memory — and collects the text fields. Over `maxBytes` the partial file is removed and the
 * answer is 413 IMPORT_FILE_TOO_LARGE; no file part is 422 IMPORT_FILE_INVALID.
 */
export async function storeUpload(ctx: Context, dir: string, maxBytes: number): Promise<StoredUpload> {
  if (!ctx.is('multipart')) throw new DomainError('IMPORT_FILE_INVALID', '请用 multipart/form-data 上传文件（字段 file）');
  await mkdir(dir, { recursive: true });
  const fields: Record<string, string> = {};
  let stored: Promise<{ path: string; fileName: string; size: number; truncated: boolean }> | undefined;
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: ctx.req.headers, limits: { files: 1, fileSize: maxBytes, fields: 10, fieldSize: 1024 }, defParamCharset: 'utf8' });
  } catch {
    throw new DomainError('IMPORT_FILE_INVALID', '上传内容不是有效的 multipart/form-data');
  }
  parser.on('field', (name, value) => {
    fields[name] = value;
  });
  parser.on('file', (name, stream, info) => {
    if (name !== 'file' || stored) {
      stream.resume();
      return;
    }
    const fileName = (info.filename || 'upload').replace(/[\\/]/g, '_');
    const path = join(dir, `${randomUUID()}${extname(fileName).toLowerCase().replace(/[^.a-z0-9]/g, '').slice(0, 6)}`);
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
    });
    stored = pipeline(stream, createWriteStream(path)).then(() => ({ path, fileName, size, truncated: (stream as { truncated?: boolean }).truncated === true }));
  });
  await pipeline(ctx.req, parser).catch(() => {
    throw new DomainError('IMPORT_FILE_INVALID', '上传内容不是有效的 multipart/form-data');
  });
  const file = await stored;
  if (!file) throw new DomainError('IMPORT_FILE_INVALID', '没有收到文件（表单字段 file）');
  if (file.truncated) {
    await unlink(file.path).catch(() => undefined);
    throw new DomainError('IMPORT_FILE_TOO_LARGE', `文件超过 ${Math.round(maxBytes / 1024 / 1024)} MB 上限（IMPORT_MAX_MB）`);
  }
  return { path: file.path, fileName: file.fileName, size: file.size, fields };
}
