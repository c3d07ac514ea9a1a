// AMQP 1.0 order-intake load for Ordo: sends COUNT unique order messages to ordo.orders.in and waits for the
// broker's accepted dispositions. Used by bench/run-amqp-intake.sh (which then waits for the orders in the database).
//
//   node bench/amqp-intake.mjs COUNT RUN_PREFIX
//
// Every message: body = an order JSON like POST /v1/orders (WITH "channel"), in a data section; content_type
// application/json; durable; message_id = "<RUN_PREFIX>-<n>" (the service's idempotency key); externalId =
// "<RUN_PREFIX>-<n>". Lines as bench/orders.lua uniform mode: 1..BENCH_MAX_LINES distinct random SKUs from
// SKU-1..SKU-BENCH_SKUS, quantity 1-2, unitPrice 19.90.
// Sends as fast as the broker's link credit allows (rhea 'sendable'); in flight = at most the credit.
//
// Environment: AMQP_HOST (127.0.0.1; loopback only), AMQP_PORT (5673), AMQP_USER (ordo), AMQP_PASSWORD (ordo),
// BENCH_AMQP_ADDRESS (ordo.orders.in), BENCH_CHANNEL (bench-web), BENCH_SKUS (10000), BENCH_MAX_LINES (3),
// BENCH_SEND_TIMEOUT_S (120: give up waiting for dispositions after this long).
//
// Output (stdout): human lines, then one machine line
//   SEND count=.. accepted=.. rejected=.. released=.. modified=.. first_send_ms=<epoch ms> last_settle_ms=<epoch ms>
//        send_s=.. msgs_per_s=..
// Exit status: 0 when every message was accepted by the broker, 1 otherwise.
import rhea from 'rhea';

const env = (name, dflt) => (process.env[name] === undefined || process.env[name] === '' ? dflt : process.env[name]);
const die = (msg) => { console.error(`bench/amqp-intake.mjs: ${msg}`); process.exit(2); };

const count = Number(process.argv[2]);
const prefix = process.argv[3];
if (!Number.isInteger(count) || count < 1) die(`COUNT must be a positive integer, got '${process.argv[2]}'`);
if (!prefix) die('usage: node bench/amqp-intake.mjs COUNT RUN_PREFIX');

const host = env('AMQP_HOST', '127.0.0.1');
if (!/^(127\.\d+\.\d+\.\d+|localhost|::1)$/.test(host)) die(`AMQP_HOST must be a loopback address, got '${host}'`);
const port = Number(env('AMQP_PORT', '5673'));
const address = env('BENCH_AMQP_ADDRESS', 'ordo.orders.in');
const channel = env('BENCH_CHANNEL', 'bench-web');
const skus = Number(env('BENCH_SKUS', '10000'));
const maxLines = Math.min(Number(env('BENCH_MAX_LINES', '3')), skus);
const timeoutS = Number(env('BENCH_SEND_TIMEOUT_S', '120'));
if (!Number.isInteger(skus) || skus < 1) die('BENCH_SKUS must be a positive integer');
if (!Number.isInteger(maxLines) || maxLines < 1) die('BENCH_MAX_LINES must be a positive integer');

const randInt = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo + 1));
const head = `{"channel":${JSON.stringify(channel)},"externalId":"`;
const middle = '","currency":"EUR","customer":{"email":"a@example.com","name":"A"},'
  + '"shippingAddress":{"line1":"Rua A 1","city":"Lisboa","postalCode":"1000-001","country":"PT"},"lines":[';

function body(id) {
  const n = randInt(1, maxLines);
  const picked = new Set();
  while (picked.size < n) picked.add(randInt(1, skus));
  const lines = [...picked].map((s) => `{"sku":"SKU-${s}","quantity":${randInt(1, 2)},"unitPrice":"19.90"}`);
  return `${head}${id}${middle}${lines.join(',')}]}`;
}

const outcome = { accepted: 0, rejected: 0, released: 0, modified: 0 };
let sent = 0;
let settled = 0;
let firstSend = 0;
let lastSettle = 0;
let firstProblem = '';
let finished = false;

const container = rhea.create_container({ id: `ordo-bench-intake-${prefix}` });
const connection = container.connect({
  host, port, username: env('AMQP_USER', 'ordo'), password: env('AMQP_PASSWORD', 'ordo'),
  reconnect: false, idle_time_out: 30000,
});
// capabilities queue: the anycast queue the service consumes from (Artemis' default here is ANYCAST anyway).
const sender = connection.open_sender({ target: { address, capabilities: ['queue'] }, autosettle: true });

function finish(code, why) {
  if (finished) return;
  finished = true;
  const end = lastSettle || Date.now();
  const secs = firstSend ? (end - firstSend) / 1000 : 0;
  const rate = secs > 0 ? settled / secs : 0;
  if (why) console.error(`bench/amqp-intake.mjs: ${why}`);
  console.log(`sent            ${sent} messages to ${address} on ${host}:${port}, ${settled} settled by the broker`);
  console.log(`broker outcome  accepted ${outcome.accepted}, rejected ${outcome.rejected}, released ${outcome.released}, modified ${outcome.modified}${firstProblem ? `  (first: ${firstProblem})` : ''}`);
  console.log(`send rate       ${rate.toFixed(1)} msg/s accepted (${secs.toFixed(2)} s from first send to last disposition)`);
  console.log(`SEND count=${count} sent=${sent} accepted=${outcome.accepted} rejected=${outcome.rejected} released=${outcome.released} modified=${outcome.modified} first_send_ms=${firstSend} last_settle_ms=${end} send_s=${secs.toFixed(3)} msgs_per_s=${rate.toFixed(1)}`);
  clearTimeout(timer);
  try { connection.close(); } catch { /* already closed */ }
  process.exitCode = code;
  setTimeout(() => process.exit(code), 2000).unref();
}

function pump() {
  while (sent < count && sender.sendable()) {
    sent += 1;
    const id = `${prefix}-${sent}`;
    if (!firstSend) firstSend = Date.now();
    sender.send({
      message_id: id,
      durable: true,
      content_type: 'application/json',
      body: rhea.message.data_section(Buffer.from(body(id), 'utf8')),
    });
  }
}

function settle(kind, context) {
  outcome[kind] += 1;
  settled += 1;
  lastSettle = Date.now();
  if (kind !== 'accepted' && !firstProblem) {
    const err = context.delivery && context.delivery.remote_state && context.delivery.remote_state.error;
    firstProblem = `${kind}${err ? `: ${err.condition} ${err.description || ''}` : ''}`;
  }
  if (settled === count) finish(outcome.accepted === count ? 0 : 1);
}

sender.on('sendable', pump);
container.on('accepted', (ctx) => settle('accepted', ctx));
container.on('rejected', (ctx) => settle('rejected', ctx));
container.on('released', (ctx) => settle('released', ctx));
container.on('modified', (ctx) => settle('modified', ctx));
container.on('connection_error', (ctx) => finish(1, `connection error: ${JSON.stringify(ctx.connection.error || {})}`));
container.on('sender_error', (ctx) => finish(1, `sender error: ${JSON.stringify(ctx.sender.error || {})}`));
container.on('disconnected', (ctx) => {
  if (!finished) finish(1, `disconnected from ${host}:${port}${ctx.error ? `: ${ctx.error.message || ctx.error}` : ''}`);
});
const timer = setTimeout(() => finish(1, `timeout: only ${settled}/${count} dispositions after ${timeoutS}s`), timeoutS * 1000);
