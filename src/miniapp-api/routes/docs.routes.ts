import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { OpenApiDocument } from '../http/openapi.js';
import { HttpError } from '../http/http-error.js';
import { route, routes } from '../http/route.js';

/** swagger-ui-dist's files the page loads; served from node_modules, never from a CDN (offline machines). */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};
const assetsDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const page = `<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Sales Ops API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: '/openapi.json',
      dom_id: '#swagger-ui',
      deepLinking: true,
      persistAuthorization: true,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: 'StandaloneLayout',
    });
  </script>
</body>
</html>
`;

const assetParams = z.object({ asset: z.string().max(64) });

/** GET /openapi.json (the document) and GET /docs (Swagger UI over it, assets from swagger-ui-dist). */
export function docsRoutes(document: () => OpenApiDocument) {
  return routes(
    route({
      method: 'get',
      path: '/openapi.json',
      summary: 'OpenAPI 3.1 接口描述',
      tags: ['docs'],
      access: 'public',
      responses: { 200: { description: 'OpenAPI 3.1 文档', schema: z.record(z.string(), z.unknown()), envelope: false } },
      errors: [],
      handler: (ctx) => {
        ctx.body = document();
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/docs',
      summary: '可浏览的接口文档（Swagger UI）',
      tags: ['docs'],
      access: 'public',
      responses: { 200: { description: 'HTML 页面', contentType: 'text/html' } },
      errors: [],
      handler: (ctx) => {
        ctx.type = 'text/html; charset=utf-8';
        ctx.body = page;
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/docs/:asset',
      summary: '接口文档页面的静态文件（swagger-ui-dist）',
      tags: ['docs'],
      access: 'public',
      params: assetParams,
      responses: { 200: { description: '静态文件', contentType: 'application/octet-stream' } },
      errors: ['ROUTE_NOT_FOUND'],
      handler: (ctx, { params }) => {
        const type = Object.hasOwn(ASSETS, params.asset) ? ASSETS[params.asset] : undefined;
        if (!type) throw new HttpError('ROUTE_NOT_FOUND', `接口不存在: GET ${ctx.path}`);
        ctx.type = type;
        ctx.set('Cache-Control', 'public, max-age=86400');
        ctx.body = createReadStream(join(assetsDir, params.asset));
        return undefined;
      },
    }),
  );
}
