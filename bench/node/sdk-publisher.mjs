// The publisher of bench's PusherFanoutBench: the `pusher` server SDK, as a Laravel or Node back end
// publishes. Every 1/rate seconds, one event to each channel, sent as /batch_events of up to 10
// (Pusher's most), without waiting for the previous answers.
//   argv: --host H --port P --app-id ID --key K --secret S --channels a,b,c
//         [--rate 10] [--duration 20] [--bytes 200] [--event update] [--probe true]
// Each event's data is {"q":sequence,"p":µs of CLOCK_MONOTONIC,"x":padding} of about --bytes;
// q = -1 is the probe. Prints {"sent","failed","lateMs","startUs","cpuS"} when every answer is in:
// startUs is the first send, cpuS the CPU seconds it used from there.
import Pusher from 'pusher';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const pusher = new Pusher({
  appId: args['app-id'], key: args.key, secret: args.secret,
  host: args.host, port: args.port, useTLS: false, timeout: 30_000,
});
const channels = args.channels.split(',');
const rate = Number(args.rate ?? 10);
const duration = Number(args.duration ?? 20);
const bytes = Number(args.bytes ?? 200);
const name = args.event ?? 'update';
const micros = () => Number(process.hrtime.bigint() / 1000n);

function data(q) {
  const head = `{"q":${q},"p":${micros()},"x":"`;
  return head + 'x'.repeat(Math.max(0, bytes - head.length - 2)) + '"}';
}

let sent = 0;
let failed = 0;
const pendingAnswers = [];
function tick(q) {
  for (let i = 0; i < channels.length; i += 10) {
    const batch = channels.slice(i, i + 10).map((channel) => ({ channel, name, data: data(q) }));
    sent += batch.length;
    pendingAnswers.push(pusher.triggerBatch(batch).catch((e) => {
      failed += batch.length;
      if (failed <= batch.length) process.stderr.write(`publish failed: ${e.message ?? e} ${e.body ?? ''}\n`);
    }));
  }
}

if (args.probe === 'true') {
  tick(-1);
  await Promise.all(pendingAnswers);
  process.stdout.write(JSON.stringify({ sent, failed, lateMs: 0 }) + '\n');
  process.exit(failed === 0 ? 0 : 1);
}

const ticks = Math.round(rate * duration);
const periodUs = 1e6 / rate;
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
const cpuAtStart = cpu();
const start = micros();
let lateUs = 0;
for (let q = 0; q < ticks; q++) {
  const due = start + q * periodUs;
  const wait = due - micros();
  if (wait > 1000) await new Promise((r) => setTimeout(r, wait / 1000));
  lateUs = Math.max(lateUs, micros() - due);
  tick(q);
}
await Promise.all(pendingAnswers);
process.stdout.write(JSON.stringify({ sent, failed, lateMs: lateUs / 1000, startUs: start, cpuS: cpu() - cpuAtStart }) + '\n');
process.exit(0);
