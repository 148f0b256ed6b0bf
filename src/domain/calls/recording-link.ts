import { createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
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
): Promise<{ path: string; fileName: string }> {
  const expected = Buffer.from(signature(input.secret, input.callId, input.expires));
  const given = Buffer.from(input.sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new DomainError('RECORDING_LINK_FORBIDDEN', '录音链接无效');
  if (input.expires * 1000 <= (input.now ?? new Date()).getTime()) throw new DomainError('RECORDING_LINK_FORBIDDEN', '录音链接已过期');
  const record = await em.findOne(CallSchema, { id: input.callId });
  if (!record?.recordingPath) throw new DomainError('RECORDING_NOT_FOUND', '录音不存在');
  const root = resolve(input.recordingsDir);
  const path = resolve(record.recordingPath);
  if (!path.startsWith(root + sep)) throw new DomainError('RECORDING_LINK_FORBIDDEN', '录音不在录音目录内');
  if (!existsSync(path)) throw new DomainError('RECORDING_NOT_FOUND', '录音文件不存在');
  return { path, fileName: `call-${record.id}.wav` };
}
