import './board.css';
import { ApiError, canDecide, decide, fetchSnapshot, openSession } from './api.js';
import { h } from './dom.js';
import { renderBoard, renderLogin, type ApprovalActions } from './render.js';
import type { LiveCall, Progress, Snapshot } from './snapshot.js';

const TOKEN_KEY = 'salesops.board.token';
/**
 * Calls, today's figures, statuses, approvals and progress bars are pushed as they change; what no event
 * announces (a status running out, a task paused or cancelled) is read again this often.
 */
const REFRESH_MS = 60_000;

/** WeCom's webview says wxwork: there a visitor without a token signs in through WeCom at once. */
const inWecom = /wxwork/i.test(navigator.userAgent);
const root = document.getElementById('app')!;
const live = document.getElementById('live')!;

let token: string | null = null;
let snapshot: Snapshot | null = null;
let events: EventSource | null = null;
let refreshTimer: number | undefined;

function setLive(state: 'on' | 'off' | 'retry', text: string): void {
  live.dataset.state = state;
  live.textContent = text;
}

function toast(text: string, kind: 'ok' | 'error' = 'ok'): void {
  for (const old of document.querySelectorAll('.toast')) old.remove();
  const el = h('div', { class: `toast ${kind}`, role: 'status' }, text);
  document.body.append(el);
  setTimeout(() => el.remove(), 4000);
}

const actions: ApprovalActions = {
  canDecide,
  approve: (a) => void decideOne(a.kind, a.id, true),
  reject: (a, reason) => {
    if (!reason.trim()) return toast('驳回需要填写原因', 'error');
    void decideOne(a.kind, a.id, false, reason.trim());
  },
};

async function decideOne(kind: string, id: string, approve: boolean, reason?: string): Promise<void> {
  if (!token) return;
  try {
    await decide(token, kind, id, approve, reason);
    toast(approve ? '已批准' : '已驳回');
  } catch (err) {
    toast(err instanceof ApiError ? err.message : '操作失败，请重试', 'error');
  }
  await refresh();
}

function draw(): void {
  if (snapshot) renderBoard(root, snapshot, actions);
}

/** A `calls` event: the calls list changes, and who is on a call follows from it. */
function applyCalls(calls: LiveCall[]): void {
  if (!snapshot) return;
  const talking = new Set(calls.filter((c) => c.state === 'talking').flatMap((c) => c.staffIds));
  snapshot = { ...snapshot, calls, staff: snapshot.staff.map((s) => ({ ...s, onCall: talking.has(s.id) })) };
  draw();
  // A finished call changes today's figures: the server sends a new snapshot once its record is written.
}

async function refresh(): Promise<void> {
  if (!token) return;
  try {
    snapshot = await fetchSnapshot(token);
    draw();
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) return signOut(err.message);
  }
}

function connect(): void {
  events?.close();
  // Same origin: the browser sends the board session cookie; nothing secret is in this URL.
  events = new EventSource('/board/events');
  events.addEventListener('open', () => setLive('on', '实时'));
  events.addEventListener('snapshot', (e) => {
    snapshot = JSON.parse((e as MessageEvent<string>).data) as Snapshot;
    draw();
  });
  events.addEventListener('calls', (e) => applyCalls(JSON.parse((e as MessageEvent<string>).data) as LiveCall[]));
  events.addEventListener('progress', (e) => {
    if (!snapshot) return;
    snapshot = { ...snapshot, ...(JSON.parse((e as MessageEvent<string>).data) as Progress) };
    draw();
  });
  events.addEventListener('error', () => {
    if (events?.readyState === EventSource.CLOSED) {
      // The server refused the stream (session cookie expired): open a new session with the token.
      setLive('retry', '重新连接…');
      setTimeout(() => void start(), 2000);
    } else {
      setLive('retry', '重新连接…');
    }
  });
}

function signOut(message: string): void {
  events?.close();
  events = null;
  token = null;
  sessionStorage.removeItem(TOKEN_KEY);
  window.clearInterval(refreshTimer);
  setLive('off', '未连接');
  renderLogin(root, message, inWecom, (t) => {
    token = t;
    void start();
  });
}

async function start(): Promise<void> {
  if (!token) return signOut('');
  try {
    await openSession(token);
  } catch (err) {
    return signOut(err instanceof ApiError ? err.message : '无法连接服务器，请稍后重试');
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  await refresh();
  connect();
  window.clearInterval(refreshTimer);
  refreshTimer = window.setInterval(() => void refresh(), REFRESH_MS);
}

// After the WeCom sign-in the server sends the browser here with #token=… (a fragment never reaches a server log).
const fromHash = new URLSearchParams(location.hash.slice(1));
if (fromHash.has('token') || fromHash.has('error')) history.replaceState(null, '', location.pathname + location.search);
token = fromHash.get('token') ?? sessionStorage.getItem(TOKEN_KEY);
if (fromHash.get('error')) signOut(fromHash.get('error')!);
else if (!token && inWecom) location.replace('/board/login/wecom');
else void start();
