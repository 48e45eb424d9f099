// One worker process of the load generator: WebSocket clients that behave like pusher-js 8 in a
// browser tab. Each one waits for pusher:connection_established, subscribes to one channel, answers
// pusher:ping with pusher:pong, restarts its activity timer on every message (as pusher-js does, to
// send its own ping after activity_timeout of silence), and decodes every frame as pusher-js does:
// JSON.parse of the frame, then of its data when that is a string.
//
// Driven by bench's PusherFanoutBench over stdin and stdout, a JSON object a line:
//   argv:   --url ws://host:port/app/KEY --channels a,b,c --first I --count N [--parallel 256]
//   out:    {"ready":N,"ms":...} once every client is subscribed
//   in:     {"cmd":"probe"}        out: {"probed":true} once every client got an event with q = -1
//   in:     {"cmd":"round","messages":M}  resets the counts; sequences 0..M-1 are expected
//   in:     {"cmd":"report"}       out: {"received":...,"distinct":...,"latency":{"us":count},...}
//   in:     {"cmd":"close"}        closes every client and exits
// Latency is receipt minus the event's p, both in microseconds of CLOCK_MONOTONIC (process.hrtime
// here, System.nanoTime in Java): the one clock every process of the machine shares.
import WebSocket from 'ws';
import { createInterface } from 'node:readline';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const url = `${args.url}?protocol=7&client=js&version=8.4.0&flash=false`;
const channels = args.channels.split(',');
const first = Number(args.first ?? 0);
const count = Number(args.count);
const parallel = Number(args.parallel ?? 256);

const micros = () => Number(process.hrtime.bigint() / 1000n);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');

// The round's counts, shared by every client of this worker.
let round = { messages: 0, received: 0, distinct: 0, duplicates: 0, faults: 0, first: 0, last: 0, latency: new Map() };
let probeWaiters = 0;
let probedNeeded = false;

/** Latency in µs, kept to three significant digits, as an HdrHistogram of that precision. */
function record(us) {
  let v = Math.max(0, Math.round(us));
  let scale = 1;
  while (v >= 1000) { v = Math.floor(v / 10); scale *= 10; }
  const key = v * scale;
  round.latency.set(key, (round.latency.get(key) ?? 0) + 1);
}

class Client {
  constructor(index) {
    this.index = index;
    this.channel = channels[index % channels.length];
    this.seen = null;
    this.probed = false;
    this.activityTimer = null;
    this.activityTimeout = 120_000;
  }

  open() {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      this.ws = ws;
      let subscribed = false;
      ws.on('message', (raw) => {
        const now = micros();
        let message;
        try {
          message = JSON.parse(raw.toString());
          if (typeof message.data === 'string') {
            try { message.data = JSON.parse(message.data); } catch { /* pusher-js keeps it a string */ }
          }
        } catch (e) {
          round.faults++;
          return;
        }
        this.resetActivityCheck();
        switch (message.event) {
          case 'pusher:connection_established':
            this.activityTimeout = (message.data.activity_timeout ?? 120) * 1000;
            ws.send(JSON.stringify({ event: 'pusher:subscribe', data: { auth: '', channel: this.channel } }));
            return;
          case 'pusher_internal:subscription_succeeded':
            subscribed = true;
            resolve();
            return;
          case 'pusher:ping':
            ws.send(JSON.stringify({ event: 'pusher:pong', data: {} }));
            return;
          case 'pusher:pong':
            return;
          case 'pusher:error':
          case 'pusher:subscription_error':
            round.faults++;
            if (!subscribed) reject(new Error(JSON.stringify(message)));
            return;
          default:
            this.event(message, now);
        }
      });
      ws.on('error', (e) => { round.faults++; if (!subscribed) reject(e); });
      ws.on('close', () => { clearTimeout(this.activityTimer); if (!closing) round.faults++; });
    });
  }

  /** pusher-js restarts this timer on every message, and pings the server when it runs out. */
  resetActivityCheck() {
    clearTimeout(this.activityTimer);
    this.activityTimer = setTimeout(() => {
      this.ws.send(JSON.stringify({ event: 'pusher:ping', data: {} }));
    }, this.activityTimeout);
  }

  event(message, now) {
    const data = message.data;
    if (data === null || typeof data !== 'object' || typeof data.q !== 'number') {
      round.faults++;
      return;
    }
    if (data.q < 0) {
      if (!this.probed) {
        this.probed = true;
        probeWaiters--;
        if (probedNeeded && probeWaiters === 0) { probedNeeded = false; out({ probed: true }); }
      }
      return;
    }
    if (data.q >= round.messages) { round.faults++; return; }
    if (this.seen === null || this.seen.length !== round.messages) this.seen = new Uint8Array(round.messages);
    round.received++;
    if (this.seen[data.q]) { round.duplicates++; return; }
    this.seen[data.q] = 1;
    round.distinct++;
    if (round.first === 0) round.first = now;
    round.last = now;
    record(now - data.p);
  }
}

let closing = false;
const clients = [];
for (let i = 0; i < count; i++) clients.push(new Client(first + i));

const started = Date.now();
let next = 0;
async function opener() {
  while (next < clients.length) {
    const c = clients[next++];
    await c.open();
  }
}
try {
  await Promise.all(Array.from({ length: Math.min(parallel, clients.length) }, opener));
  out({ ready: clients.length, ms: Date.now() - started });
} catch (e) {
  out({ error: String(e.message ?? e) });
  process.exit(1);
}

const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  const cmd = JSON.parse(line);
  switch (cmd.cmd) {
    case 'probe':
      probeWaiters = clients.filter((c) => !c.probed).length;
      if (probeWaiters === 0) out({ probed: true });
      else probedNeeded = true;
      break;
    case 'round':
      round = { messages: cmd.messages, received: 0, distinct: 0, duplicates: 0, faults: 0, first: 0, last: 0, latency: new Map() };
      for (const c of clients) c.seen = null;
      out({ round: true });
      break;
    case 'report':
      out({
        received: round.received,
        distinct: round.distinct,
        duplicates: round.duplicates,
        faults: round.faults,
        firstUs: round.first,
        lastUs: round.last,
        latency: Object.fromEntries(round.latency),
      });
      break;
    case 'close':
      closing = true;
      for (const c of clients) { clearTimeout(c.activityTimer); c.ws.terminate(); }
      setTimeout(() => process.exit(0), 100);
      break;
    default:
      out({ error: 'unknown command ' + line });
  }
});
input.on('close', () => process.exit(0));
