import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

type Doc = { paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>> };

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const pointer = (...parts: string[]) => parts.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

/**
 * Checks real answers against the OpenAPI document the app serves: the operation of the method and
 * path, a documented status, and (for JSON) the documented schema, strictly (answers are output
 * schemas: an unknown field, a missing one or a wrong type is a mismatch). Returns the problem, or
 * undefined. Routes missing from the document are left to the coverage test.
 */
export function openApiResponseChecker(doc: Doc) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc as object, 'openapi.json');
  const templates = Object.keys(doc.paths).map((template) => ({
    template,
    regex: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }));
  return function check(method: string, url: string, status: number, contentType: string | null, body: unknown): string | undefined {
    const path = url.split('?')[0]!;
    const verb = method.toLowerCase();
    const found = templates.filter((t) => t.regex.test(path) && doc.paths[t.template]?.[verb]);
    // A literal path wins over a template (/invitations/performance over /invitations/{id}).
    const match = found.find((t) => !t.template.includes('{')) ?? found[0];
    if (!match) return undefined;
    const responses = doc.paths[match.template]![verb]!.responses ?? {};
    const documented = responses[String(status)];
    if (!documented) return `${method} ${path} answered ${status}, which ${match.template} does not document (documented: ${Object.keys(responses).join(', ')}); body: ${JSON.stringify(body).slice(0, 500)}`;
    if (!contentType?.includes('application/json')) return undefined;
    if (!documented.content?.['application/json']) return `${method} ${path} answered JSON with ${status}, documented as ${Object.keys(documented.content ?? {}).join(', ')}`;
    const validate = ajv.getSchema(`openapi.json#/${pointer('paths', match.template, verb, 'responses', String(status), 'content', 'application/json', 'schema')}`);
    if (!validate) return `no schema for ${verb} ${match.template} ${status}`;
    if (validate(body)) return undefined;
    const errors = (validate.errors ?? []).slice(0, 8).map((e: ErrorObject) => `${e.instancePath || '(root)'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
    return `${method} ${path} → ${status} does not match its documented schema (${match.template}): ${errors.join('; ')}; body: ${JSON.stringify(body).slice(0, 800)}`;
  };
}
