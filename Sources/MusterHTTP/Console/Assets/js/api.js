// The REST client: JWT in sessionStorage, refreshed before it expires, ThingsBoard error messages.

const TOKEN = 'muster.token';
const REFRESH = 'muster.refreshToken';
const listeners = new Set();
let refreshTimer = null;
let refreshing = null;

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

export function onAuthChange(fn) { listeners.add(fn); }

export function token() { return sessionStorage.getItem(TOKEN); }

export function isLoggedIn() {
  const t = token();
  if (!t) return false;
  const claims = decodeJwt(t);
  const refreshClaims = decodeJwt(sessionStorage.getItem(REFRESH) || '');
  const now = Date.now() / 1000;
  return (claims && claims.exp > now) || (refreshClaims && refreshClaims.exp > now);
}

export function decodeJwt(jwt) {
  try {
    const part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const text = atob(part + '='.repeat((4 - part.length % 4) % 4));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(text, c => c.charCodeAt(0))));
  } catch {
    return null;
  }
}

export function currentUser() {
  const claims = decodeJwt(token() || '');
  return claims ? (claims.sub || claims.email || '') : '';
}

function store(pair, notify) {
  sessionStorage.setItem(TOKEN, pair.token);
  sessionStorage.setItem(REFRESH, pair.refreshToken);
  scheduleRefresh();
  if (notify) listeners.forEach(fn => fn(true));
}

export function logout() {
  sessionStorage.removeItem(TOKEN);
  sessionStorage.removeItem(REFRESH);
  clearTimeout(refreshTimer);
  refreshTimer = null;
  listeners.forEach(fn => fn(false));
}

/** Refreshes one minute before `exp` (or at half the remaining time when the token is short-lived). */
export function scheduleRefresh() {
  clearTimeout(refreshTimer);
  const claims = decodeJwt(token() || '');
  if (!claims || !claims.exp) return;
  const remaining = claims.exp * 1000 - Date.now();
  const delay = Math.max(1000, Math.min(remaining - 60_000, remaining / 2));
  refreshTimer = setTimeout(() => refresh().catch(() => {}), Math.min(delay, 2 ** 31 - 1));
}

export function refresh() {
  if (refreshing) return refreshing;
  const refreshToken = sessionStorage.getItem(REFRESH);
  if (!refreshToken) return Promise.reject(new ApiError(401, 'Not logged in'));
  refreshing = fetch('/api/auth/token', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ refreshToken }),
  }).then(async response => {
    const body = await readBody(response);
    if (!response.ok) {
      logout();
      throw new ApiError(response.status, messageOf(body, response), body);
    }
    store(body, false);
  }).finally(() => { refreshing = null; });
  return refreshing;
}

export async function login(username, password) {
  const response = await fetch('/api/auth/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  const body = await readBody(response);
  if (!response.ok) throw new ApiError(response.status, messageOf(body, response), body);
  store(body, true);
}

async function readBody(response) {
  const text = await response.text();
  if (!text) return null;
  const type = response.headers.get('Content-Type') || '';
  if (type.includes('json') || /^[[{]/.test(text)) {
    try { return JSON.parse(text); } catch { /* fall through */ }
  }
  return text;
}

function messageOf(body, response) {
  if (body && typeof body === 'object' && body.message) return body.message;
  if (typeof body === 'string' && body.trim()) return body.trim().slice(0, 300);
  return `${response.status} ${response.statusText || 'request failed'}`;
}

function withQuery(path, query) {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, value);
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * Calls the REST API. `options.body` is sent as JSON unless it is FormData; `options.text` returns the body as text.
 */
export async function api(method, path, options = {}) {
  const { query, body, text, retried } = options;
  if (!token()) throw new ApiError(401, 'Not logged in');
  const claims = decodeJwt(token());
  if (claims && claims.exp && claims.exp * 1000 < Date.now() + 5000) {
    await refresh();
  }
  const headers = { 'X-Authorization': `Bearer ${token()}` };
  let payload;
  if (body instanceof FormData) {
    payload = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(withQuery(path, query), { method, headers, body: payload });
  if (response.status === 401 && !retried) {
    try {
      await refresh();
    } catch {
      throw new ApiError(401, 'Your session has expired: please log in again');
    }
    return api(method, path, { ...options, retried: true });
  }
  if (text && response.ok) return response.text();
  const result = await readBody(response);
  if (!response.ok) throw new ApiError(response.status, messageOf(result, response), result);
  return result;
}

export const get = (path, query) => api('GET', path, { query });
export const post = (path, body, query) => api('POST', path, { body, query });
export const del = (path, query) => api('DELETE', path, { query });
