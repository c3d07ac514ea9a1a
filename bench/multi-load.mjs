// Load generator for bench/multi-instance.sh: POST /v1/orders (and a few POST /v1/holds) spread round-robin over
// several Ordo instances, retried on another instance when one dies, the way a load balancer in front of them would.
//
//   node bench/multi-load.mjs --urls http://127.0.0.1:8101,http://127.0.0.1:8102 --duration 30 --out DIR
//
// Options: --urls (comma-separated, loopback only), --duration SECONDS, --concurrency C (64), --out DIR (files
// below), --mode uniform|hot (uniform), --skus N (10000), --max-lines (3), --hold-share (0.05), --hold-ttl SECONDS
// (2), --run-id ID (default: time + random), --give-up SECONDS (60: a request still unresolved this long after
// its first attempt is abandoned and counted as given up), --label TEXT (printed in the summary).
// Token: BENCH_TOKEN (a channel token for bench-web, from bin/token ordo-channel bench-web).
//
// Every request has a unique externalId (orders) and a unique Idempotency-Key. Outcomes:
//   201                        accepted (Idempotent-Replayed: true = the replay of an attempt that reached a dead
//                              instance and committed there: counted as accepted and as replayed)
//   409 duplicate-order        the order exists (an earlier attempt committed but its key was taken over after
//                              the lease); its existingOrderId is recorded as accepted
//   409 request-in-flight      the key is still claimed (by an instance that died mid-request): retried after
//                              a pause until ordo.idempotency.in-flight-lease has passed and the key is free
//   503 service-unavailable    the instance cannot reach its database (a PostgreSQL restart): the same request
//                              again after its Retry-After (at most 1 s); counted as "503 seen", not as an error
//   connection refused/reset,  the instance is gone: the same request (same key, same body) goes to the next
//   socket hang up, timeout    instance; a refused instance is skipped for 2 s
//   any other 5xx              counted as an error (the first few bodies are printed) and sent again after 200 ms
//   anything else              counted as an error (the first few bodies are printed)
// Downtime as the clients saw it: the longest stretch of the run in which no request got its final answer (201,
// or a definite 409), and the first and last moment a request failed (503, other 5xx, connection error); a
// per-second timeline of answers goes to timeline.tsv (second, final answers, 503s, other 5xx, connection errors).
// Files in --out: orders.tsv (order id, externalId, how: created|replayed|duplicate), holds.tsv (hold id,
// expiresAt), timeline.tsv, given-up.tsv (kind, key, externalId, last outcome), summary.json. Summary on stdout, ending with
// one machine line "MULTI_LOAD ...".
// Latency is per request from its first attempt to its final answer (retries included), for accepted orders.
import fs from 'node:fs';
import http from 'node:http';
import crypto from 'node:crypto';

const die = (msg) => { console.error(`bench/multi-load.mjs: ${msg}`); process.exit(2); };
const opts = {
  urls: '', duration: 30, concurrency: 64, out: '', mode: 'uniform', skus: 10000, 'max-lines': 3,
  'hold-share': 0.05, 'hold-ttl': 2, 'run-id': '', 'give-up': 60, label: '',
};
const argv = process.argv.slice(2);
while (argv.length) {
  const k = argv.shift();
  if (!k.startsWith('--') || !(k.slice(2) in opts) || !argv.length) die(`bad argument '${k}'`);
  opts[k.slice(2)] = argv.shift();
}
const urls = opts.urls.split(',').filter(Boolean).map((u) => new URL(u));
if (!urls.length) die('--urls is required');
for (const u of urls) {
  if (u.protocol !== 'http:' || !/^(127\.\d+\.\d+\.\d+|localhost)$/.test(u.hostname)) die(`not a loopback http URL: ${u}`);
}
const duration = Number(opts.duration);
const concurrency = Number(opts.concurrency);
const skus = Number(opts.skus);
const maxLines = Number(opts['max-lines']);
const holdShare = Number(opts['hold-share']);
const holdTtl = Number(opts['hold-ttl']);
const giveUpMs = Number(opts['give-up']) * 1000;
if (!(duration > 0 && concurrency > 0 && skus > 0 && maxLines > 0 && holdTtl >= 1)) die('bad numeric option');
if (!['uniform', 'hot'].includes(opts.mode)) die('--mode must be uniform or hot');
if (!opts.out) die('--out is required');
const token = process.env.BENCH_TOKEN || die('BENCH_TOKEN is not set (bin/token ordo-channel bench-web)');
const runId = opts['run-id'] || `${Date.now().toString(16)}${crypto.randomBytes(3).toString('hex')}`;
fs.mkdirSync(opts.out, { recursive: true });
const ordersOut = fs.createWriteStream(`${opts.out}/orders.tsv`);
const holdsOut = fs.createWriteStream(`${opts.out}/holds.tsv`);
const givenUpOut = fs.createWriteStream(`${opts.out}/given-up.tsv`);

// One keep-alive agent per instance, sized so that every worker can hold a connection to every instance.
const instances = urls.map((u, i) => ({
  i, url: u, agent: new http.Agent({ keepAlive: true, maxSockets: concurrency, timeout: 30000 }),
  downUntil: 0, sent: 0, ok: 0, netErrors: 0,
}));

const rnd = (n) => Math.floor(Math.random() * n);
const CUSTOMER = { email: 'a@example.com', name: 'A' };
const ADDRESS = { line1: 'Rua A 1', city: 'Lisboa', postalCode: '1000-001', country: 'PT' };
function orderBody(externalId) {
  let lines;
  if (opts.mode === 'hot') {
    lines = [{ sku: 'HOT-1', quantity: 1, unitPrice: '19.90' }];
  } else {
    const n = 1 + rnd(maxLines);
    const picked = new Set();
    while (picked.size < Math.min(n, skus)) picked.add(1 + rnd(skus));
    lines = [...picked].map((s) => ({ sku: `SKU-${s}`, quantity: 1 + rnd(2), unitPrice: '19.90' }));
  }
  return { channel: 'bench-web', externalId, currency: 'EUR', customer: CUSTOMER, shippingAddress: ADDRESS, lines };
}
function holdBody() {
  return { channel: 'bench-web', lines: [{ sku: `SKU-${1 + rnd(skus)}`, quantity: 1 }], ttlSeconds: holdTtl };
}

const stats = {
  ordersCreated: 0, ordersReplayed: 0, ordersDuplicate: 0, holdsCreated: 0, holdsReplayed: 0,
  shortage: 0, inFlight409: 0, netErrors: 0, retriedRequests: 0, givenUp: 0, errors: 0, byStatus: {},
  unavailable503: 0, serverErrors: 0, errorSamples: [],
};
// What the clients saw over time: final answers and failures per second of the run, the first and last failure.
const timeline = new Map();
let firstFailureMs = 0;
let lastFailureMs = 0;
const finalTimes = [];
function note(what) {
  const now = Date.now();
  const sec = Math.floor(now / 1000);
  const row = timeline.get(sec) || { final: 0, s503: 0, s5xx: 0, net: 0 };
  row[what]++;
  timeline.set(sec, row);
  if (what === 'final') finalTimes.push(now);
  else { if (!firstFailureMs) firstFailureMs = now; lastFailureMs = now; }
}
const latencies = [];
let measuring = false;

function post(inst, path, key, payload) {
  return new Promise((resolve) => {
    const req = http.request({
      host: inst.url.hostname, port: inst.url.port, path, method: 'POST', agent: inst.agent,
      headers: {
        Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Idempotency-Key': key,
        'Content-Length': Buffer.byteLength(payload),
      },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', (e) => resolve({ net: e.code || e.message }));
    });
    req.setTimeout(20000, () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ net: e.code || e.message }));
    req.end(payload);
  });
}

let rr = 0;
function pickInstance(avoid) {
  const now = Date.now();
  for (let k = 0; k < instances.length; k++) {
    const inst = instances[(rr++) % instances.length];
    if (inst.downUntil <= now && inst !== avoid) return inst;
  }
  // everything else is down or avoided: take any instance that is not marked down, else the least recently downed
  return instances.filter((x) => x.downUntil <= now)[0] || instances.reduce((a, b) => (a.downUntil < b.downUntil ? a : b));
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const parse = (body) => { try { return JSON.parse(body); } catch { return {}; } };

// One logical request: retried (same key, same body) on other instances until it has a final answer.
async function one(kind, seq) {
  const key = `${runId}-${kind}-${seq}`;
  const externalId = kind === 'order' ? `M-${runId}-${seq}` : '';
  const payload = JSON.stringify(kind === 'order' ? orderBody(externalId) : holdBody());
  const path = kind === 'order' ? '/v1/orders' : '/v1/holds';
  const t0 = process.hrtime.bigint();
  const started = Date.now();
  let last = null;
  let attempts = 0;
  for (;;) {
    if (Date.now() - started > giveUpMs) {
      stats.givenUp++;
      givenUpOut.write(`${kind}\t${key}\t${externalId}\t${last}\n`);
      return;
    }
    const inst = pickInstance(last && last.inst);
    attempts++;
    if (attempts === 2) stats.retriedRequests++;
    inst.sent++;
    const r = await post(inst, path, key, payload);
    if (r.net) {
      note('net');
      stats.netErrors++;
      inst.netErrors++;
      // refused: nobody listens there (the killed instance); reset/hang-up/timeout: it died under the request
      inst.downUntil = Date.now() + 2000;
      last = { inst, outcome: `net ${r.net}` };
      continue;
    }
    stats.byStatus[r.status] = (stats.byStatus[r.status] || 0) + 1;
    const p = r.status >= 400 ? parse(r.body) : null;
    const type = p && typeof p.type === 'string' ? p.type.replace('urn:ordo:problem:', '') : '';
    if (r.status === 409 && type === 'request-in-flight') {
      stats.inFlight409++;
      last = { inst, outcome: '409 request-in-flight' };
      await sleep(1000);
      continue;
    }
    if (r.status === 503 && type === 'service-unavailable') {
      note('s503');
      stats.unavailable503++;
      last = { inst, outcome: '503 service-unavailable' };
      const after = Number(r.headers['retry-after']);
      await sleep(Math.min(1000, after > 0 ? after * 1000 : 500));
      continue;
    }
    if (r.status >= 500) {
      note('s5xx');
      last = { inst, outcome: `${r.status}` };
      stats.errors++;
      stats.serverErrors++;
      if (stats.errorSamples.length < 5) stats.errorSamples.push(`${r.status} ${r.body.slice(0, 300)}`);
      await sleep(200);
      continue;
    }
    if (r.status === 201 || r.status === 409) note('final');
    const replayed = r.headers['idempotent-replayed'] === 'true';
    if (r.status === 201) {
      const b = parse(r.body);
      inst.ok++;
      if (kind === 'order') {
        if (replayed) stats.ordersReplayed++; else stats.ordersCreated++;
        ordersOut.write(`${b.id}\t${b.externalId}\t${replayed ? 'replayed' : 'created'}\n`);
        if (measuring) latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      } else {
        if (replayed) stats.holdsReplayed++; else stats.holdsCreated++;
        holdsOut.write(`${b.id}\t${b.expiresAt}\n`);
      }
      return;
    }
    if (r.status === 409 && type === 'duplicate-order' && p.existingOrderId) {
      stats.ordersDuplicate++;
      ordersOut.write(`${p.existingOrderId}\t${externalId}\tduplicate\n`);
      return;
    }
    if (r.status === 409 && type === 'insufficient-stock') {
      stats.shortage++;
      return;
    }
    stats.errors++;
    if (stats.errorSamples.length < 5) stats.errorSamples.push(`${r.status} ${r.body.slice(0, 300)}`);
    return;
  }
}

let seq = 0;
let stopAt = 0;
async function worker() {
  while (Date.now() < stopAt) {
    const n = ++seq;
    await one(Math.random() < holdShare ? 'hold' : 'order', n);
  }
}

const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0);

async function main() {
  const from = Date.now();
  const cpu0 = process.cpuUsage();
  stopAt = from + duration * 1000;
  measuring = true;
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  const lastIssue = stopAt;
  const to = Date.now();
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const secs = (lastIssue - from) / 1000;
  await Promise.all([ordersOut, holdsOut, givenUpOut].map((s) => new Promise((r) => s.end(r))));
  latencies.sort((a, b) => a - b);
  const accepted = stats.ordersCreated + stats.ordersReplayed + stats.ordersDuplicate;
  // Throughput over the issuing window (requests are only started before stopAt); drain time is reported apart.
  const perS = accepted / secs;
  // the longest stretch without a final answer, from the start of the run to its last answer
  let gapMs = 0;
  let gapFrom = from;
  let prev = from;
  for (const t of finalTimes) {
    if (t - prev > gapMs) { gapMs = t - prev; gapFrom = prev; }
    prev = t;
  }
  const rows = [...timeline.entries()].sort((a, b) => a[0] - b[0]);
  fs.writeFileSync(`${opts.out}/timeline.tsv`, rows.map(([sec, r]) =>
    `${sec - Math.floor(from / 1000)}\t${r.final}\t${r.s503}\t${r.s5xx}\t${r.net}`).join('\n') + '\n');
  const summary = {
    label: opts.label, runId, instances: urls.length, concurrency, mode: opts.mode, duration_s: secs,
    drain_s: (to - lastIssue) / 1000, accepted, orders_per_s: perS, p50_ms: pct(latencies, 50),
    p90_ms: pct(latencies, 90), p99_ms: pct(latencies, 99), max_ms: latencies[latencies.length - 1] || 0,
    ...stats, perInstance: instances.map((x) => ({ url: x.url.href, sent: x.sent, ok: x.ok, netErrors: x.netErrors })),
    from_ms: from, to_ms: to, client_cpu_s: cpuS, longest_gap_ms: gapMs, longest_gap_from_s: (gapFrom - from) / 1000,
    first_failure_s: firstFailureMs ? (firstFailureMs - from) / 1000 : null,
    last_failure_s: lastFailureMs ? (lastFailureMs - from) / 1000 : null,
  };
  fs.writeFileSync(`${opts.out}/summary.json`, JSON.stringify(summary, null, 2));
  const f = (x) => x.toFixed(1);
  console.log(`== multi-instance load${opts.label ? ` (${opts.label})` : ''}: ${urls.length} instance(s), ${concurrency} workers, ${opts.mode}, ${f(secs)} s (+${f(summary.drain_s)} s to finish in-flight requests), run ${runId} ==`);
  console.log(`orders/s        ${f(perS)}   (${accepted} accepted: created ${stats.ordersCreated}, replayed ${stats.ordersReplayed}, duplicate-confirmed ${stats.ordersDuplicate})`);
  console.log(`latency ms      p50 ${f(summary.p50_ms)}  p90 ${f(summary.p90_ms)}  p99 ${f(summary.p99_ms)}  max ${f(summary.max_ms)}  (first attempt to final answer, accepted orders)`);
  console.log(`holds           ${stats.holdsCreated + stats.holdsReplayed} created (replayed ${stats.holdsReplayed}), ttl ${holdTtl} s`);
  console.log(`retries         ${stats.retriedRequests} requests retried; ${stats.netErrors} connection errors, ${stats.inFlight409} x 409 request-in-flight`);
  console.log(`refused         shortage ${stats.shortage}, other errors ${stats.errors}, given up ${stats.givenUp}   [by status: ${Object.entries(stats.byStatus).map(([k, v]) => `${k}: ${v}`).join(', ')}]`);
  console.log(`failures        503 service-unavailable ${stats.unavailable503}, other 5xx ${stats.serverErrors}, connection errors ${stats.netErrors}${firstFailureMs ? `; first at ${f(summary.first_failure_s)} s, last at ${f(summary.last_failure_s)} s into the run` : ''}`);
  console.log(`downtime        longest stretch without a final answer: ${(gapMs / 1000).toFixed(2)} s (from ${f(summary.longest_gap_from_s)} s into the run)`);
  for (const s of stats.errorSamples) console.log(`sample error    ${s}`);
  console.log(`client CPU      ${cpuS.toFixed(1)} s of CPU for ${((to - from) / 1000).toFixed(1)} s (${(100 * cpuS / ((to - from) / 1000)).toFixed(0)} % of one core: what this load generator takes from the service)`);
  console.log(`per instance    ${instances.map((x) => `${x.url.host} sent ${x.sent} ok ${x.ok} net-errors ${x.netErrors}`).join(' | ')}`);
  console.log(`MULTI_LOAD instances=${urls.length} concurrency=${concurrency} mode=${opts.mode} duration_s=${secs.toFixed(2)} accepted=${accepted} orders_per_s=${f(perS)} p50_ms=${f(summary.p50_ms)} p99_ms=${f(summary.p99_ms)} holds=${stats.holdsCreated + stats.holdsReplayed} net_errors=${stats.netErrors} in_flight_409=${stats.inFlight409} errors=${stats.errors} unavailable_503=${stats.unavailable503} server_errors=${stats.serverErrors} longest_gap_ms=${gapMs} given_up=${stats.givenUp} client_cpu_pct=${(100 * cpuS / ((to - from) / 1000)).toFixed(0)} run=${runId}`);
  for (const x of instances) x.agent.destroy();
}
process.on('SIGTERM', () => { stopAt = 0; });
process.on('SIGINT', () => { stopAt = 0; });
main().catch((e) => die(e.stack || String(e)));
