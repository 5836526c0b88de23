// Live pages: Server-Sent Events read with fetch (which sends the token header, unlike EventSource), reconnected
// after a pause when the stream ends or fails, and all stopped when the console leaves the page.
import { decodeJwt, refresh, token } from './api.js';

const active = new Set();

/** Stops every stream (the router calls it before it renders another page). */
export function stopLive() {
  for (const controller of active) controller.abort();
  active.clear();
}

const pause = ms => new Promise(resolve => setTimeout(resolve, ms));

/** The events of one text block of the stream: `event:` and `data:` lines; comments (`:`) are keep-alives. */
function parseBlock(block) {
  let name = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) name = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  return data.length ? { name, data: data.join('\n') } : null;
}

/**
 * Watches `path` (an admin API stream) and calls `onEvent(name, data)` with each event's parsed JSON. A `gone`
 * event or a 404 ends the watch; anything else reconnects after a second.
 */
export function watch(path, onEvent) {
  const controller = new AbortController();
  active.add(controller);
  (async () => {
    while (!controller.signal.aborted) {
      try {
        const claims = decodeJwt(token() || '');
        if (claims && claims.exp * 1000 < Date.now() + 5000) await refresh();
        const response = await fetch(path, {
          headers: { 'X-Authorization': `Bearer ${token()}`, Accept: 'text/event-stream' }, signal: controller.signal,
        });
        if (response.status === 404) return;
        if (response.status === 401) { await refresh(); continue; }
        if (response.ok && response.body) {
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          let buffer = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += value.replaceAll('\r\n', '\n');
            let end;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const event = parseBlock(buffer.slice(0, end));
              buffer = buffer.slice(end + 2);
              if (!event) continue;
              if (event.name === 'gone') { onEvent('gone', {}); return; }
              try { onEvent(event.name, JSON.parse(event.data)); } catch { /* a view that went away */ }
            }
          }
        }
      } catch {
        if (controller.signal.aborted) return;
      }
      await pause(1000);
    }
  })();
  return controller;
}
