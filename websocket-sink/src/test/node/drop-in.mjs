// pusher-js 8, Laravel Echo 2 and the `pusher` server SDK against two websocket-sink instances, as
// a Laravel + Soketi + Echo site uses them. PusherJsIT runs it; each check prints "ok <name>" or
// "fail <name>: <why>", and the exit code is the number of failures.
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';

const require = createRequire(import.meta.url);
const PusherClient = require('pusher-js');
const PusherServer = require('pusher');
const EchoModule = await import('laravel-echo');
const Echo = EchoModule.default ?? EchoModule.Echo;

const { PORT1, PORT2, APP_ID, KEY, SECRET } = process.env;
const masterKey = randomBytes(32).toString('base64');
const server = new PusherServer({
  appId: APP_ID, key: KEY, secret: SECRET, host: '127.0.0.1', port: PORT1, useTLS: false,
  encryptionMasterKeyBase64: masterKey,
});
const serverOnTwo = new PusherServer({
  appId: APP_ID, key: KEY, secret: SECRET, host: '127.0.0.1', port: PORT2, useTLS: false,
});

let failures = 0;
const clients = [];

function client(port, user, opts = {}) {
  const c = new PusherClient(KEY, {
    wsHost: '127.0.0.1', wsPort: Number(port), forceTLS: false, enabledTransports: ['ws'],
    cluster: 'mt1', disableStats: true,
    channelAuthorization: {
      customHandler: (params, callback) => {
        const presence = params.channelName.startsWith('presence-')
          ? { user_id: user, user_info: { name: user } } : undefined;
        callback(null, opts.badAuth
          ? { auth: `${KEY}:${'0'.repeat(64)}` }
          : server.authorizeChannel(params.socketId, params.channelName, presence));
      },
    },
    userAuthentication: {
      customHandler: (params, callback) =>
        callback(null, server.authenticateUser(params.socketId, { id: user, user_info: { name: user } })),
    },
  });
  clients.push(c);
  return c;
}

function echo(port, user, opts) {
  return new Echo({ broadcaster: 'pusher', key: KEY, client: client(port, user, opts) });
}

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

function within(ms, what, executor) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
    executor((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });
}

async function check(name, fn) {
  try {
    await fn();
    console.log(`ok ${name}`);
  } catch (e) {
    failures++;
    console.log(`fail ${name}: ${e && e.message ? e.message : e}`);
  }
}

function expectEqual(actual, expected, what) {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  if (a !== b) throw new Error(`${what}: expected ${b}, got ${a}`);
}

await check('echo-presence-here-joining-leaving-across-instances', async () => {
  const alice = echo(PORT1, 'alice');
  const here = await within(5000, 'here()', (resolve) => {
    alice.join('control-room').here(resolve);
  });
  expectEqual(here.map((m) => m.name), ['alice'], 'here() of the first member');
  const joining = within(5000, 'joining()', (resolve) => alice.join('control-room').joining(resolve));
  const leaving = within(8000, 'leaving()', (resolve) => alice.join('control-room').leaving(resolve));
  const bob = echo(PORT2, 'bob');
  const bobHere = await within(5000, "bob's here()", (resolve) => bob.join('control-room').here(resolve));
  expectEqual(bobHere.map((m) => m.name).sort(), ['alice', 'bob'], "bob's here()");
  expectEqual((await joining).name, 'bob', 'joining()');
  bob.leave('control-room');
  expectEqual((await leaving).name, 'bob', 'leaving()');
});

await check('echo-whisper-across-instances-not-echoed', async () => {
  const a = echo(PORT1, 'a');
  const b = echo(PORT2, 'b');
  let echoed = false;
  const errors = [];
  for (const [who, e] of [['a', a], ['b', b]]) {
    e.connector.pusher.connection.bind('error', (err) => errors.push(`${who}: ${JSON.stringify(err)}`));
  }
  a.private('chat').listenForWhisper('typing', () => { echoed = true; });
  let whisper;
  const got = new Promise((resolve) => { whisper = resolve; });
  b.private('chat').listenForWhisper('typing', (data) => whisper(data));
  // Both callbacks before either await: Echo's subscribed() only hears a later success.
  await Promise.all([
    within(10000, "a's subscription", (resolve) => a.private('chat').subscribed(resolve)),
    within(10000, "b's subscription", (resolve) => b.private('chat').subscribed(resolve)),
  ]);
  a.private('chat').whisper('typing', { name: 'a' });
  let data;
  try {
    data = await within(10000, 'the whisper', (resolve) => got.then(resolve));
  } catch (e) {
    throw new Error(`${e.message}; connection errors: ${errors.join('; ') || 'none'}`);
  }
  expectEqual(data, { name: 'a' }, 'whisper');
  await wait(300);
  if (echoed) throw new Error('the whisper came back to its sender');
});

await check('echo-error-on-bad-private-auth', async () => {
  const bad = echo(PORT1, 'x', { badAuth: true });
  const error = await within(5000, 'error()', (resolve) => bad.private('vault').error(resolve));
  expectEqual(error.status, 401, 'status');
  expectEqual(error.type, 'AuthError', 'type');
});

await check('echo-listens-to-server-sdk-events', async () => {
  const e = echo(PORT2, 'viewer');
  const got = within(5000, 'the event', (resolve) => e.channel('orders').listen('.OrderShipped', resolve));
  await within(5000, 'subscription', (resolve) => e.channel('orders').subscribed(resolve));
  await server.trigger('orders', 'OrderShipped', { id: 42 });
  expectEqual(await got, { id: 42 }, 'event');
});

await check('pusher-js-presence-members-and-user-id-on-client-events', async () => {
  const p1 = client(PORT1, 'u1');
  const p2 = client(PORT2, 'u2');
  const ch1 = p1.subscribe('presence-crew');
  await within(5000, 'subscription 1', (resolve) => ch1.bind('pusher:subscription_succeeded', resolve));
  const ch2 = p2.subscribe('presence-crew');
  const members = await within(5000, 'subscription 2', (resolve) => ch2.bind('pusher:subscription_succeeded', resolve));
  expectEqual(members.count, 2, 'members.count');
  expectEqual(members.me.id, 'u2', 'members.me');
  const got = within(5000, 'client event', (resolve) => ch1.bind('client-ping', (data, meta) => resolve({ data, meta })));
  ch2.trigger('client-ping', { n: 1 });
  const { data, meta } = await got;
  expectEqual(data, { n: 1 }, 'data');
  expectEqual(meta && meta.user_id, 'u2', 'user_id');
});

await check('pusher-js-cache-channel-miss-then-replay', async () => {
  const first = client(PORT1, 'c1');
  const ch = first.subscribe('cache-tile-9');
  await within(5000, 'pusher:cache_miss', (resolve) => ch.bind('pusher:cache_miss', resolve));
  await server.trigger('cache-tile-9', 'value', { v: 7 });
  await wait(200);
  const late = client(PORT2, 'c2').subscribe('cache-tile-9');
  expectEqual(await within(5000, 'the replay', (resolve) => late.bind('value', resolve)), { v: 7 }, 'replay');
});

await check('pusher-js-encrypted-channel-with-server-sdk-master-key', async () => {
  const p = client(PORT2, 'e1');
  const ch = p.subscribe('private-encrypted-recipes');
  await within(5000, 'subscription', (resolve) => ch.bind('pusher:subscription_succeeded', resolve));
  const got = within(5000, 'the decrypted event', (resolve) => ch.bind('secret', resolve));
  await server.trigger('private-encrypted-recipes', 'secret', { setpoint: 451 });
  expectEqual(await got, { setpoint: 451 }, 'decrypted data');
});

await check('pusher-js-signin-user-events-and-terminate', async () => {
  const p1 = client(PORT1, 'op-1');
  const p2 = client(PORT2, 'op-1');
  const events = [p1, p2].map((p) => within(5000, 'the user event', (resolve) => p.user.bind('alarm', resolve)));
  for (const p of [p1, p2]) {
    p.signin();
    await within(5000, 'signin', (resolve) => p.user.signinDonePromise.then(resolve));
  }
  await wait(200);
  await server.sendToUser('op-1', 'alarm', { tag: 'T-1' });
  for (const e of events) expectEqual(await e, { tag: 'T-1' }, 'user event');
  const gone = [p1, p2].map((p) => within(5000, 'the termination', (resolve) =>
    p.connection.bind('state_change', (s) => { if (s.current !== 'connected') resolve(s.current); })));
  await serverOnTwo.terminateUserConnections('op-1');
  await Promise.all(gone);
});

await check('server-sdk-channel-queries', async () => {
  const p = client(PORT1, 'q1');
  const ch = p.subscribe('presence-queries');
  await within(5000, 'subscription', (resolve) => ch.bind('pusher:subscription_succeeded', resolve));
  const res = await serverOnTwo.get({ path: '/channels', params: { filter_by_prefix: 'presence-', info: 'user_count' } });
  const body = await res.json();
  expectEqual(body.channels['presence-queries'], { user_count: 1 }, 'channels');
  const users = await (await server.get({ path: '/channels/presence-queries/users' })).json();
  expectEqual(users, { users: [{ id: 'q1' }] }, 'users');
});

for (const c of clients) c.disconnect();
process.exit(failures);
