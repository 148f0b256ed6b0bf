import { createHmac, timingSafeEqual } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type { EntityManager } from '@mikro-orm/core';
import { DomainError } from '../shared/domain-error.js';
import { CallSchema } from './call.entity.js';

export const RECORDING_LINK_TTL_MS = 10 * 60_000;

function signature(secret: string, callId: number, expires: number): string {
  return createHmac('sha256', secret).update(`recording:${callId}:${expires}`).digest('base64url');
}

/** A download path for a call's recording, valid for 10 minutes: `/recordings/<id>?expires=<unix s>&sig=<hmac>`. */
export async function recordingLink(em: EntityManager, input: { callId: number; secret: string; now?: Date }): Promise<{ url: string; expiresAt: Date }> {
  const record = await em.findOne(CallSchema, { id: input.callId });
  if (!record) throw new DomainError('CALL_NOT_FOUND', `通话记录 ${input.callId} 不存在`);
  if (!record.recordingPath) throw new DomainError('RECORDING_NOT_FOUND', '该通话没有录音');
  const expires = Math.floor(((input.now ?? new Date()).getTime() + RECORDING_LINK_TTL_MS) / 1000);
  return { url: `/recordings/${record.id}?expires=${expires}&sig=${signature(input.secret, record.id, expires)}`, expiresAt: new Date(expires * 1000) };
}

/**
 * Checks a signed link and returns the file to send. Tampered or expired → RECORDING_LINK_FORBIDDEN (403);
 * a path outside the recordings directory is refused the same way.
 */
export async function openSignedRecording(
  em: EntityManager,
  input: { callId: number; expires: number; sig: string; secret: string; recordingsDir: string; now?: Date },
): Promise<{ file: FileHandle; fileName: string }> {
  const expected = Buffer.from(signature(input.secret, input.callId, input.expires));
  const given = Buffer.from(input.sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new DomainError('RECORDING_LINK_FORBIDDEN', '录音链接无效');
  if (input.expires * 1000 <= (input.now ?? new Date()).getTime()) throw new DomainError('RECORDING_LINK_FORBIDDEN', '录音链接已过期');
  const record = await em.findOne(CallSchema, { id: input.callId });
  if (!record?.recordingPath) throw new DomainError('RECORDING_NOT_FOUND', '录音不存在');
  const root = resolve(input.recordingsDir);
  const path = resolve(record.recordingPath);
  if (!path.startsWith(root + sep)) throw new DomainError('RECORDING_LINK_FORBIDDEN', '录音不在录音目录内');
  return { file: await openRecordingFile(path), fileName: `call-${record.id}.wav` };
}

/**
 * Opens the recording once and hands the open file to the caller, so "exists but unreadable" is known before
 * any byte is answered: missing → RECORDING_NOT_FOUND; refused by the file system (EACCES/EPERM, typically a
 * day folder the switch wrote 0750 and a service outside its group) or not a regular file → RECORDING_UNREADABLE.
 */
async function openRecordingFile(path: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new DomainError('RECORDING_NOT_FOUND', '录音文件不存在');
    throw new DomainError('RECORDING_UNREADABLE', '录音文件存在但服务无权读取，请联系管理员检查录音目录权限', { reason: code ?? 'unknown' });
  }
  const stat = await handle.stat().catch(() => undefined);
  if (!stat?.isFile()) {
    await handle.close();
    throw new DomainError('RECORDING_UNREADABLE', '录音文件无法读取，请联系管理员检查录音目录', { reason: 'not a regular file' });
  }
  return handle;
}
