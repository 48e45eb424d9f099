// The clients that disturb a round of bench's PusherFanoutBench, in a worker process of their own.
//   --role slow:  --count N clients subscribe to --channel, then never read (their sockets are
//                 paused, as a frozen browser tab's). At {"cmd":"report"} they read again, and
//                 report how the server closed them: {"closes":{"4100":n,...},"open":n}.
//   --role flood: --rate R connects a second for --duration s, each one handshakes, subscribes to
//                 --channel and leaves; {"cmd":"report"} waits for the last and reports
//                 {"connected":n,"failed":n,"seconds":s}.
//   argv: --url ws://host:port/app/KEY --role slow|flood --channel C [--count 500] [--rate 2000]
//         [--duration 20]
// Prints {"ready":true} once the slow clients are subscribed, or as the flood begins.
import WebSocket from 'ws';
import { createInterface } from 'node:readline';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const url = `${args.url}?protocol=7&client=js&version=8.4.0&flash=false`;
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const subscribe = JSON.stringify({ event: 'pusher:subscribe', data: { auth: '', channel: args.channel } });

/** Opens one client; calls subscribed(ws) once the server confirms the subscription. */
function open(subscribed, failed) {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  let done = false;
  ws.on('message', (raw) => {
    if (done) return;
    const event = JSON.parse(raw.toString()).event;
    if (event === 'pusher:connection_established') ws.send(subscribe);
    else if (event === 'pusher_internal:subscription_succeeded') { done = true; subscribed(ws); }
    else if (event === 'pusher:error' || event === 'pusher:subscription_error') { done = true; failed(ws); }
  });
  const fail = () => { if (!done) { done = true; failed(ws); } };
  ws.on('error', fail);
  ws.on('close', fail);
  return ws;
}

const input = createInterface({ input: process.stdin });

if (args.role === 'slow') {
  const count = Number(args.count ?? 500);
  const closes = {};
  let closed = 0;
  const sockets = [];
  await new Promise((resolve, reject) => {
    let subscribed = 0;
    for (let i = 0; i < count; i++) {
      const ws = open(
        (s) => { s._socket.pause(); if (++subscribed === count) resolve(); },
        () => reject(new Error('a slow client could not subscribe')));
      ws.on('close', (code) => { closes[code] = (closes[code] ?? 0) + 1; closed++; });
      sockets.push(ws);
    }
  }).catch((e) => { out({ error: String(e.message) }); process.exit(1); });
  out({ ready: true });
  input.on('line', async () => {
    for (const ws of sockets) ws._socket?.resume();
    // What the server wrote before its close has to be read first.
    const until = Date.now() + 10_000;
    while (closed < count && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    out({ closes, open: count - closed });
    for (const ws of sockets) ws.terminate();
    process.exit(0);
  });
} else if (args.role === 'flood') {
  const rate = Number(args.rate ?? 2000);
  const duration = Number(args.duration ?? 20);
  let connected = 0;
  let failed = 0;
  let pending = 0;
  const started = Date.now();
  out({ ready: true });
  // Every 10 ms, the connects due by then, as a crowd of browsers reconnecting at once would.
  const timer = setInterval(() => {
    const elapsed = Date.now() - started;
    if (elapsed >= duration * 1000) { clearInterval(timer); return; }
    const due = Math.floor((elapsed * rate) / 1000) - (connected + failed + pending);
    for (let i = 0; i < due; i++) {
      pending++;
      open(
        (ws) => { pending--; connected++; ws.close(); },
        (ws) => { pending--; failed++; ws.terminate(); });
    }
  }, 10);
  input.on('line', async () => {
    while (pending > 0 || Date.now() - started < duration * 1000) await new Promise((r) => setTimeout(r, 100));
    out({ connected, failed, seconds: (Date.now() - started) / 1000 });
    process.exit(0);
  });
} else {
  out({ error: `--role ${args.role}: slow or flood` });
  process.exit(1);
}
