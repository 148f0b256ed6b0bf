import { z } from 'zod';
import { addContact, listContacts, removeContact, updateContact } from '../../../domain/customers/customer-contacts.service.js';
import { mergeCustomers } from '../../../domain/customers/customer-merge.service.js';
import { listCustomers } from '../../../domain/customers/customer-search.js';
import { createCustomer, getCustomer, updateCustomer } from '../../../domain/customers/customer.service.js';
import { pagingQuery } from '../../http/paging.js';
import { reply, route, routes } from '../../http/route.js';
import { listRoute } from '../../http/list-route.js';
import {
  contactBody, contactItem, contactParams, contactPatch, createCustomerBody, customerDetail, customerIdParams, customerItem, customerListQuery, mergeBody, mergeResult, updateCustomerBody,
} from './customer.schemas.js';

const tags = ['customers'];
const contactsQuery = pagingQuery(['id'], 'id').omit({ sort: true, order: true });

/** Customers and their contacts by API: create, read, update, list with search, merge (numbers masked). */
export function customerRoutes() {
  return routes(
    route({
      method: 'post',
      path: '/api/customers',
      summary: '新建客户（可带联系人；一个手机号只属于一位客户）',
      tags,
      permissions: ['customer:create', 'customer:edit'],
      body: createCustomerBody,
      responses: { 201: { description: '新建的客户与联系人（号码打码）', schema: customerDetail } },
      errors: ['CUSTOMER_MOBILE_TAKEN', 'CUSTOMER_ID_TAKEN'],
      handler: async (ctx, { body }) => reply(201, await createCustomer(ctx.state.em, ctx.state.actor!, body)),
    }),
    listRoute({
      path: '/api/customers',
      summary: '客户列表（按姓名、公司、任意格式的电话搜索；按负责人、等级、分层筛选；号码打码）',
      tags,
      permissions: ['customer:view'],
      query: customerListQuery,
      page: { description: '一页客户', item: customerItem },
      errors: [],
      list: (ctx, { query }) => listCustomers(ctx.state.em, ctx.state.actor!, query),
    }),
    route({
      method: 'get',
      path: '/api/customers/:id',
      summary: '一位客户与其联系人（号码打码）',
      tags,
      permissions: ['customer:view'],
      params: customerIdParams,
      responses: { 200: { description: '客户与联系人', schema: customerDetail } },
      errors: ['CUSTOMER_NOT_FOUND'],
      handler: (ctx, { params }) => getCustomer(ctx.state.em, ctx.state.actor!, params.id),
    }),
    route({
      method: 'patch',
      path: '/api/customers/:id',
      summary: '修改客户（只改给出的字段；自己的客户需 customer:create，他人的需 customer:edit）',
      tags,
      permissions: ['customer:create', 'customer:edit'],
      params: customerIdParams,
      body: updateCustomerBody,
      responses: { 200: { description: '修改后的客户与联系人', schema: customerDetail } },
      errors: ['CUSTOMER_NOT_FOUND', 'CUSTOMER_MOBILE_TAKEN'],
      handler: (ctx, { params, body }) => updateCustomer(ctx.state.em, ctx.state.actor!, params.id, body),
    }),
    route({
      method: 'post',
      path: '/api/customers/:id/merge',
      summary: '把另一位客户合并进来（联系人、联系记录、待办、通话、邀约、会员等全部移过来，另一位删除；记入审计）',
      tags,
      permissions: ['customer:merge'],
      params: customerIdParams,
      body: mergeBody,
      responses: { 200: { description: '保留的客户与移过来的记录数', schema: mergeResult } },
      errors: ['CUSTOMER_NOT_FOUND'],
      handler: (ctx, { params, body }) => mergeCustomers(ctx.state.em, ctx.state.actor!, params.id, body.fromId),
    }),
    listRoute({
      path: '/api/customers/:id/contacts',
      summary: '客户的联系人（主联系人在前，号码打码）',
      tags,
      permissions: ['customer:view'],
      params: customerIdParams,
      query: contactsQuery,
      page: { description: '一页联系人', item: contactItem },
      errors: ['CUSTOMER_NOT_FOUND'],
      list: (ctx, { params, query }) => listContacts(ctx.state.em, ctx.state.actor!, params.id, query),
    }),
    route({
      method: 'post',
      path: '/api/customers/:id/contacts',
      summary: '新增联系人（手机号已属于其他客户时 409）',
      tags,
      permissions: ['customer:create', 'customer:edit'],
      params: customerIdParams,
      body: contactBody,
      responses: { 201: { description: '新增的联系人（号码打码）', schema: contactItem } },
      errors: ['CUSTOMER_NOT_FOUND', 'CUSTOMER_MOBILE_TAKEN'],
      handler: async (ctx, { params, body }) => reply(201, await addContact(ctx.state.em, ctx.state.actor!, params.id, body)),
    }),
    route({
      method: 'patch',
      path: '/api/customers/:id/contacts/:contactId',
      summary: '修改联系人',
      tags,
      permissions: ['customer:create', 'customer:edit'],
      params: contactParams,
      body: contactPatch,
      responses: { 200: { description: '修改后的联系人（号码打码）', schema: contactItem } },
      errors: ['CUSTOMER_NOT_FOUND', 'CONTACT_NOT_FOUND', 'CUSTOMER_MOBILE_TAKEN'],
      handler: (ctx, { params, body }) => updateContact(ctx.state.em, ctx.state.actor!, params.id, params.contactId, body),
    }),
    route({
      method: 'delete',
      path: '/api/customers/:id/contacts/:contactId',
      summary: '删除联系人（其手机号随之释放）',
      tags,
      permissions: ['customer:create', 'customer:edit'],
      params: contactParams,
      responses: { 200: { description: '已删除', schema: z.object({ id: z.number().int(), deleted: z.literal(true) }) } },
      errors: ['CUSTOMER_NOT_FOUND', 'CONTACT_NOT_FOUND'],
      handler: (ctx, { params }) => removeContact(ctx.state.em, ctx.state.actor!, params.id, params.contactId),
    }),
  );
}
