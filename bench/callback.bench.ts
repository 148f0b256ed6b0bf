/**
 * WeCom callback acknowledgement: N encrypted, signed text callbacks posted to the running app's
 * /wecom/callback at concurrency C; prints the acknowledgement latency p50/p99 and the rate, then how
 * long the background processing (command + reply through a local WeCom API) took to finish.
 * Aim: p99 ≤ 100 ms.   npm run bench -- callback [--count 10000] [--concurrency 50] [--dialect sqlite|mysql]
 */
import { parseArgs } from 'node:util';
import { Agent, request } from 'node:http';
import { encrypt, getSignature } from '@wecom/crypto';
import { bootApp } from '../test/support/app.js';
import type { Dialect } from '../test/support/database.js';
import { startFakeWecom } from '../test/support/fake-wecom.js';

export const description = 'N encrypted WeCom callbacks at concurrency C: ack latency p50/p99 and rate';

const TOKEN = 'QDG6eK';
const CORP_ID = 'wx5823bf96d3bd56c7';
const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { count: { type: 'string', default: '10000' }, concurrency: { type: 'string', default: '50' }, dialect: { type: 'string', default: 'sqlite' } },
  });
  const count = Number(values.count);
  const concurrency = Number(values.concurrency);
  const dialect = values.dialect as Dialect;
  const wecom = await startFakeWecom({ corpId: CORP_ID });
  const t = await bootApp(dialect, {
    WECOM_CORP_ID: CORP_ID,
    WECOM_AGENT_ID: '1000002',
    WECOM_SECRET: wecom.secret,
    WECOM_TOKEN: TOKEN,
    WECOM_ENCODING_AES_KEY: AES_KEY,
    WECOM_API_BASE: wecom.url,
    JOBS_ENABLED: 'false',
  });
  const { hostname, port } = new URL(t.app.url);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    // Prepared up front so the measurement is the server's work, not the client's encryption.
    const now = Math.floor(Date.now() / 1000);
    const requests = Array.from({ length: count }, (_, i) => {
      const xml = `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><FromUserName><![CDATA[bench-user-${i}]]></FromUserName><CreateTime>${now}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[待办]]></Content><MsgId>${now}${i}</MsgId><AgentID>1000002</AgentID></xml>`;
      const enc = encrypt(AES_KEY, xml, CORP_ID);
      const nonce = `n${i}x${now}`;
      const timestamp = String(now);
      const query = new URLSearchParams({ msg_signature: getSignature(TOKEN, timestamp, nonce, enc), timestamp, nonce });
      return { path: `/wecom/callback?${query}`, body: `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><Encrypt><![CDATA[${enc}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>` };
    });
    const post = (r: { path: string; body: string }) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: hostname, port, method: 'POST', path: r.path, agent, headers: { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(r.body) } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(r.body);
      });
    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) {
          const r = requests[next++]!;
          const t0 = performance.now();
          const status = await post(r);
          latencies.push(performance.now() - t0);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }
      }),
    );
    const elapsed = performance.now() - started;
    const replies = async () => {
      const deadline = Date.now() + 120_000;
      while (wecom.sent.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      return performance.now() - started;
    };
    const processedMs = await replies();
    latencies.sort((a, b) => a - b);
    console.log(`callback bench (${dialect}): ${count} encrypted callbacks, concurrency ${concurrency}`);
    console.log(`  ack latency  p50 ${percentile(latencies, 50).toFixed(1)} ms   p99 ${percentile(latencies, 99).toFixed(1)} ms   max ${latencies.at(-1)!.toFixed(1)} ms`);
    console.log(`  rate         ${((count / elapsed) * 1000).toFixed(0)} callbacks/s (${(elapsed / 1000).toFixed(2)} s)   statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    console.log(`  processed    ${wecom.sent.length}/${count} replies sent through the local WeCom API after ${(processedMs / 1000).toFixed(2)} s (gettoken calls: ${wecom.gettokenCalls})`);
  } finally {
    agent.destroy();
    await t.close();
    await wecom.close();
  }
}
