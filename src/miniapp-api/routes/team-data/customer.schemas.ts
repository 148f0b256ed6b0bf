import { z } from 'zod';
import { CALL_PREFERENCES, PHONE_TYPES } from '../../../domain/customers/customer-contact.entity.js';
import { CUSTOMER_LEVELS, CONTACT_TYPES } from '../../../domain/customers/customer.entity.js';
import { CUSTOMER_SORTS } from '../../../domain/customers/customer-search.js';
import { isoDate } from '../../../domain/shared/date-time.schema.js';
import { dialableNumber, mobileNumber } from '../../../domain/shared/phone.schema.js';
import { CUSTOMER_SEGMENTS } from '../../../domain/shared/vocabulary.js';
import { pagingQuery } from '../../http/paging.js';
import { instant } from '../../http/response.schemas.js';

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

export const customerIdParams = z.object({ id: z.string().trim().regex(/^[A-Za-z0-9_.-]{1,64}$/, '客户编号只能含字母、数字、_ . -，最长 64 位') });
export const contactParams = customerIdParams.extend({ contactId: z.coerce.number().int().positive().max(2_147_483_647) });

export const contactBody = z.object({
  name: text(64),
  mobile: mobileNumber.nullable().optional(),
  phone: dialableNumber.nullable().optional().meta({ description: '座机、手机或 400 号码' }),
  department: optionalText(64),
  position: optionalText(64),
  phoneType: z.enum(PHONE_TYPES).optional(),
  isPrimary: z.boolean().optional().meta({ description: '主联系人（第一个联系人自动为主联系人）' }),
  callPreference: z.enum(CALL_PREFERENCES).optional(),
});
export const contactPatch = contactBody.partial();

const customerFields = z.object({
  name: text(64),
  companyName: optionalText(128),
  phone: dialableNumber.nullable().optional().meta({ description: '客户电话（任意格式，存为 E.164）' }),
  level: z.enum(CUSTOMER_LEVELS).optional(),
  segment: z.enum(CUSTOMER_SEGMENTS).nullable().optional(),
  ownerStaffId: z.number().int().positive().max(2_147_483_647).nullable().optional().meta({ description: '负责人（在职员工）；销售新建时默认是自己' }),
  tags: z.array(text(32)).max(50).optional(),
  notes: optionalText(2000),
  birthday: isoDate.nullable().optional(),
  source: optionalText(32),
});

export const createCustomerBody = customerFields.extend({
  id: customerIdParams.shape.id.optional().meta({ description: '客户自己的编号（如 CUST_001）；不给时生成' }),
  contacts: z.array(contactBody).max(20).optional(),
});
export const updateCustomerBody = customerFields.partial();
export const mergeBody = z.object({ fromId: customerIdParams.shape.id.meta({ description: '被合并（随后删除）的客户编号' }) });

export const customerListQuery = pagingQuery(CUSTOMER_SORTS, 'createdAt').extend({
  q: z.string().trim().min(1).max(64).optional().meta({ description: '姓名、公司的片段，客户编号，或任意格式的电话号码' }),
  ownerStaffId: z.coerce.number().int().positive().max(2_147_483_647).optional(),
  level: z.enum(CUSTOMER_LEVELS).optional(),
  segment: z.enum(CUSTOMER_SEGMENTS).optional(),
});

export const contactItem = z.object({
  id: z.number().int(),
  customerId: z.string(),
  name: z.string(),
  mobile: z.string().nullable().meta({ description: '手机（列表打码；客户详情中持有 customer:phone:view 者见完整号码）' }),
  phone: z.string().nullable().meta({ description: '电话（列表打码；客户详情中持有 customer:phone:view 者见完整号码）' }),
  department: z.string().nullable(),
  position: z.string().nullable(),
  phoneType: z.enum(PHONE_TYPES),
  isPrimary: z.boolean(),
  callPreference: z.enum(CALL_PREFERENCES),
  lastCallDate: instant.nullable(),
  callCount: z.number().int(),
  createdAt: instant,
  updatedAt: instant,
});

export const customerItem = z.object({
  id: z.string(),
  name: z.string(),
  companyName: z.string().nullable(),
  phone: z.string().nullable().meta({ description: '电话（列表打码；客户详情中持有 customer:phone:view 者见完整号码）' }),
  level: z.enum(CUSTOMER_LEVELS),
  segment: z.enum(CUSTOMER_SEGMENTS).nullable(),
  ownerStaffId: z.number().int().nullable(),
  annualRevenueFen: z.number().int(),
  orderCount: z.number().int(),
  lastContactAt: instant.nullable(),
  lastContactType: z.enum(CONTACT_TYPES).nullable(),
  lastVisitAt: instant.nullable(),
  birthday: z.string().nullable().meta({ description: 'YYYY-MM-DD' }),
  tags: z.array(z.string()),
  notes: z.string().nullable(),
  source: z.string().nullable(),
  createdAt: instant,
  updatedAt: instant,
});

export const customerDetail = customerItem.extend({ contacts: z.array(contactItem) });
export const mergeResult = customerDetail.extend({
  mergedFrom: z.string(),
  moved: z.record(z.string(), z.number().int()).meta({ description: '每类记录移过来的条数' }),
});
