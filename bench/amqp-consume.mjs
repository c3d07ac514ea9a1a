// Drains Ordo's outbound event queue (AMQP address ordo.order-events) so that events do not pile up in the broker
// during benchmarks. Accepts every message; counts them by CloudEvent type (application property cloudEvents:type /
// cloudEvents_type, binary mode).
//
//   node bench/amqp-consume.mjs              until SIGTERM / SIGINT (bench/run-orders.sh with BENCH_DRAIN_EVENTS=1)
//   node bench/amqp-consume.mjs --idle 5     exit once nothing arrived for 5 s (drain a backlog by hand)
//   node bench/amqp-consume.mjs --ids FILE   also append every message's CloudEvent id (cloudEvents:id, else the
//                                            AMQP message id) to FILE, one per line, duplicates included
//                                            (bench/multi-instance.sh checks that every outbox event arrived)
//
// Environment: AMQP_HOST (127.0.0.1; loopback only), AMQP_PORT (5673), AMQP_USER (ordo), AMQP_PASSWORD (ordo),
// BENCH_EVENTS_ADDRESS (ordo.order-events), BENCH_CREDIT (1000, the receiver's credit window).
// Output on exit: "received N events in S s (R/s) ..." and one machine line "CONSUME received=.. secs=.. per_s=..".
import fs from 'node:fs';
import rhea from 'rhea';

const env = (name, dflt) => (process.env[name] === undefined || process.env[name] === '' ? dflt : process.env[name]);
const die = (msg) => { console.error(`bench/amqp-consume.mjs: ${msg}`); process.exit(2); };

let idleS = 0;
let idsFile = '';
const args = process.argv.slice(2);
while (args.length) {
  const flag = args.shift();
  if (flag === '--idle') {
    idleS = Number(args.shift());
    if (!(idleS > 0)) die('--idle needs a number of seconds');
  } else if (flag === '--ids' && args.length) {
    idsFile = args.shift();
  } else die('usage: node bench/amqp-consume.mjs [--idle SECONDS] [--ids FILE]');
}
// Ids are buffered and appended in chunks (a write per message would cost more than the AMQP work); flushed on exit.
let idsBuffer = [];
const flushIds = () => {
  if (idsFile && idsBuffer.length) {
    fs.appendFileSync(idsFile, `${idsBuffer.join('\n')}\n`);
    idsBuffer = [];
  }
};
if (idsFile) {
  fs.writeFileSync(idsFile, '', { flag: 'a' });
  setInterval(flushIds, 200).unref();
}

const host = env('AMQP_HOST', '127.0.0.1');
if (!/^(127\.\d+\.\d+\.\d+|localhost|::1)$/.test(host)) die(`AMQP_HOST must be a loopback address, got '${host}'`);
const port = Number(env('AMQP_PORT', '5673'));
const address = env('BENCH_EVENTS_ADDRESS', 'ordo.order-events');

let received = 0;
let first = 0;
let last = 0;
const byType = new Map();
let done = false;

const container = rhea.create_container({ id: `ordo-bench-consume-${process.pid}` });
const connection = container.connect({
  host, port, username: env('AMQP_USER', 'ordo'), password: env('AMQP_PASSWORD', 'ordo'),
  reconnect: false, idle_time_out: 30000,
});
connection.open_receiver({
  source: { address, capabilities: ['queue'] },
  credit_window: Number(env('BENCH_CREDIT', '1000')),
  autoaccept: true,
});

function finish(code, why) {
  if (done) return;
  done = true;
  flushIds();
  if (why) console.error(`bench/amqp-consume.mjs: ${why}`);
  const secs = first ? (last - first) / 1000 : 0;
  const rate = secs > 0 ? received / secs : 0;
  const types = [...byType.entries()].sort((a, b) => b[1] - a[1]).map(([t, n]) => `${t} ${n}`).join(', ');
  console.log(`received        ${received} events from ${address} in ${secs.toFixed(2)} s (${rate.toFixed(1)}/s, first to last)${types ? `: ${types}` : ''}`);
  console.log(`CONSUME received=${received} secs=${secs.toFixed(3)} per_s=${rate.toFixed(1)}`);
  try { connection.close(); } catch { /* closed */ }
  setTimeout(() => process.exit(code), 500).unref();
}

let idleTimer = null;
function armIdle() {
  if (!idleS) return;
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => finish(0), idleS * 1000);
}

container.on('receiver_open', armIdle);
container.on('message', (ctx) => {
  const now = Date.now();
  if (!first) first = now;
  last = now;
  received += 1;
  const props = ctx.message.application_properties || {};
  const type = props['cloudEvents:type'] || props.cloudEvents_type || '?';
  byType.set(type, (byType.get(type) || 0) + 1);
  if (idsFile) idsBuffer.push(String(props['cloudEvents:id'] || props.cloudEvents_id || ctx.message.message_id || '?'));
  armIdle();
});
container.on('connection_error', (ctx) => finish(1, `connection error: ${JSON.stringify(ctx.connection.error || {})}`));
container.on('receiver_error', (ctx) => finish(1, `receiver error: ${JSON.stringify(ctx.receiver.error || {})}`));
container.on('disconnected', (ctx) => finish(1, `disconnected${ctx.error ? `: ${ctx.error.message || ctx.error}` : ''}`));
process.on('SIGTERM', () => finish(0));
process.on('SIGINT', () => finish(0));
