/*
 * pusher-lite: the client side of the Pusher Channels protocol 7, as much as the Sluice dashboard
 * needs (public channels, ping/pong, reconnect with backoff, resume with last_id). No build step;
 * for a full client use pusher-js or Laravel Echo (docs/dashboard.md).
 *
 *   const p = new PusherLite({ key: 'scada-key', onState: s => ... });
 *   p.subscribe('scada-data', {
 *     lastId: () => lastSeenStreamId,            // sent as data.last_id on every (re)subscribe
 *     onEvent: (event, dataString) => ...,       // data is the raw JSON string
 *     onSubscribed: () => ...
 *   });
 *   p.connect();
 */
(function (global) {
  'use strict';

  const PROTOCOL = 7;
  const BACKOFF_MIN_MS = 1000;
  const BACKOFF_MAX_MS = 30000;
  const PONG_TIMEOUT_MS = 30000;

  class PusherLite {
    /**
     * @param {object} opts key (app key), url (default ws(s)://<this host>/app/<key>?protocol=7...),
     *     onState(state, detail) with state connecting|connected|disconnected|failed,
     *     onError(message, code)
     */
    constructor(opts) {
      this.key = opts.key;
      const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
      this.url = opts.url || (scheme + location.host + '/app/' + encodeURIComponent(this.key)
        + '?protocol=' + PROTOCOL + '&client=sluice-dashboard&version=1.0&flash=false');
      this.onState = opts.onState || function () {};
      this.onError = opts.onError || function () {};
      this.channels = new Map();
      this.state = 'initialized';
      this.socketId = null;
      this.attempts = 0;
      this.reconnects = 0;
      this.ws = null;
      this.timer = null;
      this.activityTimer = null;
      this.activityTimeoutMs = 120000;
      this.stopped = false;
    }

    connect() {
      this.stopped = false;
      this._open();
    }

    disconnect() {
      this.stopped = true;
      clearTimeout(this.timer);
      clearTimeout(this.activityTimer);
      if (this.ws) {
        this.ws.close(1000, 'bye');
      }
    }

    subscribe(channel, handlers) {
      this.channels.set(channel, handlers);
      if (this.state === 'connected') {
        this._subscribe(channel, handlers);
      }
    }

    unsubscribe(channel) {
      this.channels.delete(channel);
      this._send('pusher:unsubscribe', { channel: channel });
    }

    _setState(state, detail) {
      this.state = state;
      this.onState(state, detail);
    }

    _open() {
      clearTimeout(this.timer);
      this._setState('connecting', { attempt: this.attempts });
      let ws;
      try {
        ws = new WebSocket(this.url);
      } catch (e) {
        this._retry('cannot open: ' + e.message);
        return;
      }
      this.ws = ws;
      ws.onmessage = (m) => this._message(m.data);
      ws.onclose = (e) => {
        if (this.ws !== ws) {
          return;
        }
        this.ws = null;
        clearTimeout(this.activityTimer);
        this._closed(e.code, e.reason);
      };
      ws.onerror = () => { /* onclose follows */ };
    }

    /** The protocol's close codes: 4000-4099 do not reconnect, 4100-4199 later, 4200-4299 at once. */
    _closed(code, reason) {
      if (this.stopped) {
        this._setState('disconnected', { code: code, reason: reason });
        return;
      }
      if (code >= 4000 && code < 4100) {
        this._setState('failed', { code: code, reason: reason });
        return;
      }
      if (code >= 4200 && code < 4300) {
        this.attempts = 0;
        this._setState('disconnected', { code: code, reason: reason });
        this.reconnects++;
        this.timer = setTimeout(() => this._open(), 0);
        return;
      }
      this._retry(reason || ('closed ' + code), code);
    }

    _retry(reason, code) {
      const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * Math.pow(2, this.attempts));
      const delay = Math.round(base / 2 + Math.random() * base / 2);
      this.attempts++;
      this.reconnects++;
      this._setState('disconnected', { code: code, reason: reason, retryInMs: delay });
      this.timer = setTimeout(() => this._open(), delay);
    }

    _send(event, data) {
      if (this.ws && this.ws.readyState === WebSocket.OPEN) {
        this.ws.send(JSON.stringify({ event: event, data: data }));
      }
    }

    _subscribe(channel, handlers) {
      const data = { channel: channel };
      const lastId = handlers.lastId ? handlers.lastId() : null;
      if (lastId) {
        data.last_id = lastId;
      }
      this._send('pusher:subscribe', data);
    }

    /** Any message counts as activity; after activity_timeout of silence, ping; no pong, reconnect. */
    _activity() {
      clearTimeout(this.activityTimer);
      this.activityTimer = setTimeout(() => {
        this._send('pusher:ping', {});
        this.activityTimer = setTimeout(() => {
          if (this.ws) {
            this.ws.close(4201, 'pong not received');
          }
        }, PONG_TIMEOUT_MS);
      }, this.activityTimeoutMs);
    }

    _message(text) {
      this._activity();
      let m;
      try {
        m = JSON.parse(text);
      } catch (e) {
        this.onError('malformed message from the server', null);
        return;
      }
      switch (m.event) {
        case 'pusher:connection_established': {
          const d = typeof m.data === 'string' ? JSON.parse(m.data) : m.data;
          this.socketId = d.socket_id;
          if (d.activity_timeout) {
            this.activityTimeoutMs = Math.min(d.activity_timeout * 1000, 120000);
          }
          this.attempts = 0;
          this._setState('connected', { socketId: this.socketId });
          this.channels.forEach((h, ch) => this._subscribe(ch, h));
          return;
        }
        case 'pusher:ping':
          this._send('pusher:pong', {});
          return;
        case 'pusher:pong':
          return;
        case 'pusher:error': {
          const d = typeof m.data === 'string' ? JSON.parse(m.data) : (m.data || {});
          this.onError(d.message, d.code);
          return;
        }
        case 'pusher_internal:subscription_succeeded': {
          const h = this.channels.get(m.channel);
          if (h && h.onSubscribed) {
            h.onSubscribed();
          }
          return;
        }
        default: {
          const h = this.channels.get(m.channel);
          if (h && h.onEvent) {
            h.onEvent(m.event, m.data);
          }
        }
      }
    }
  }

  global.PusherLite = PusherLite;
})(window);
