import { createReadStream, existsSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { HttpError } from '../http/http-error.js';
import { route, routes } from '../http/route.js';

/** Where `npm run build:board` (web/board/build.ts, run by prepare, prestart and pretest) puts the page. */
const DIST = fileURLToPath(new URL('../../../dist/board/', import.meta.url));

const TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};
/** The page loads nothing from another origin (users' machines may be offline; WeCom's webview is strict anyway). */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const assetParams = z.object({ asset: z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.[a-z0-9]+$/, '文件名不合法').max(128) });

function notBuilt(): never {
  throw new HttpError('BOARD_NOT_BUILT', '实时看板页面尚未构建：运行 npm run build:board（npm ci、npm start、npm test 会自动构建）');
}

/** The live board's page (built from web/board with Vite) and its hashed assets, served from dist/board. */
export function boardPageRoutes() {
  return routes(
    route({
      method: 'get',
      path: '/board',
      summary: '实时看板页面（手机优先；企业微信工作台应用主页填 /board/；/board 跳转到 /board/）',
      tags: ['board'],
      access: 'public',
      responses: { 200: { description: 'HTML 页面', contentType: 'text/html' }, 301: { description: '跳转到 /board/', contentType: 'text/html' } },
      errors: ['BOARD_NOT_BUILT'],
      handler: (ctx) => {
        // The router matches /board and /board/ alike; the page's relative paths want the slash.
        if (!ctx.path.endsWith('/')) {
          ctx.status = 301;
          ctx.redirect(`/board/${ctx.querystring ? `?${ctx.querystring}` : ''}`);
          return undefined;
        }
        const file = join(DIST, 'index.html');
        if (!existsSync(file)) notBuilt();
        ctx.type = 'text/html; charset=utf-8';
        ctx.set('Cache-Control', 'no-cache');
        ctx.set('Content-Security-Policy', CSP);
        ctx.set('Referrer-Policy', 'no-referrer');
        ctx.body = createReadStream(file);
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/board/assets/:asset',
      summary: '实时看板页面的静态文件（构建产物，文件名含内容哈希）',
      tags: ['board'],
      access: 'public',
      params: assetParams,
      responses: { 200: { description: '静态文件', contentType: 'application/octet-stream' } },
      errors: ['ROUTE_NOT_FOUND'],
      handler: (ctx, { params }) => {
        const type = TYPES[extname(params.asset)];
        const file = join(DIST, 'assets', params.asset);
        if (!type || !existsSync(file)) throw new HttpError('ROUTE_NOT_FOUND', `接口不存在: GET ${ctx.path}`);
        ctx.type = type;
        ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
        ctx.body = createReadStream(file);
        return undefined;
      },
    }),
  );
}
