import { z } from 'zod';
import { isMainlandMobile, normalizePhone } from './phone.js';

/** A mainland mobile number in any spelling people type (`138 0013 8000`, `+86 13800138000`); kept as given. */
export const mobileNumber = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .refine(isMainlandMobile, '不是有效的中国大陆手机号')
  .meta({ description: '中国大陆手机号（接受空格、短横线、+86/0086 前缀）', example: '13800138000' });

/** Any Chinese number we can dial: mobile, landline with area code, 400/800 service number. */
export const dialableNumber = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .refine((v) => normalizePhone(v) !== null, '不是有效的电话号码')
  .meta({ description: '电话号码：手机、带区号的固话或 400/800 号码', example: '13800138000' });
