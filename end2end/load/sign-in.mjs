// Sign-in flood, on loopback: does a burst of sign-ins with random emails keep the server's
// memory bounded and the portal fast for the people already signed in?
//
// Starts the real server (ATRIUM_BIN) on a copy of the demo, signs one employee in, then
//  1. fires 500 sign-ins at once from one address (the per-address throttle answers), and
//  2. fires 500 sign-ins at once from 500 addresses, as a trusted proxy would report them
//     (ATRIUM_CLIENT_IP_HEADER=x-forwarded-for): the global throttle and the bound on
//     concurrent password hashing answer,
// while the employee keeps loading the catalog page. Reports the server's peak memory (VmHWM),
// the catalog's latency during the floods, and how the sign-ins were answered; exits non-zero
// when memory passes ATRIUM_LOAD_MAX_MB (300) or the catalog's p99 passes ATRIUM_LOAD_MAX_P99_MS (50).
//
//   ATRIUM_BIN=…/release/atrium ATRIUM_SITE_ROOT=target/site node end2end/load/sign-in.mjs
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { startServer, PASSWORD } from '../tests/harness.mjs';

// The signed-in employee loads the catalog from a thread and a connection of their own, as a
// person on another machine would: the flood's 500 fetches share neither this process's event
// loop nor its connection pool with them, so what is measured is the server.
const READER = `
  const { parentPort, workerData } = require('node:worker_threads');
  const http = require('node:http');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const once = () => new Promise((resolve, reject) => {
    const started = performance.now();
    http.get(workerData.url, { agent, headers: { cookie: workerData.cookie } }, (res) => {
      res.resume();
      res.on('end', () => res.statusCode === 200
        ? resolve(performance.now() - started)
        : reject(new Error('catalog answered ' + res.statusCode)));
    }).on('error', reject);
  });
  let running = true;
  parentPort.on('message', () => { running = false; });
  (async () => {
    for (let i = 0; i < workerData.warmUp; i++) await once();
    parentPort.postMessage({ ready: true });
    const latencies = [];
    while (running) latencies.push(await once());
    parentPort.postMessage({ latencies });
  })().catch((error) => parentPort.postMessage({ error: error.message }));
`;

const FLOOD = Number(process.env.ATRIUM_LOAD_SIGN_INS ?? 500);
const MAX_MB = Number(process.env.ATRIUM_LOAD_MAX_MB ?? 300);
const MAX_P99_MS = Number(process.env.ATRIUM_LOAD_MAX_P99_MS ?? 50);

function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(status.match(new RegExp(`${name}:\\s+(\\d+)`))?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

async function signIn(base, email, password, address) {
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (address) headers['x-forwarded-for'] = address;
  const res = await fetch(`${base}/api/login`, {
    method: 'POST',
    headers,
    body: new URLSearchParams({ email, password }).toString(),
    redirect: 'manual',
  });
  await res.arrayBuffer();
  return res;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const randomEmail = () => `flood-${Math.random().toString(36).slice(2)}@example.org`;

async function flood(base, addressOf) {
  const started = performance.now();
  const answers = await Promise.all(
    Array.from({ length: FLOOD }, (_, i) =>
      signIn(base, randomEmail(), 'wrong password', addressOf(i))
        .then((res) => res.status)
        .catch(() => 'error')),
  );
  const counts = {};
  for (const status of answers) counts[status] = (counts[status] ?? 0) + 1;
  return { seconds: (performance.now() - started) / 1000, counts };
}

const server = await startServer({ ATRIUM_CLIENT_IP_HEADER: 'x-forwarded-for' });
let failed = false;
try {
  const signedIn = await signIn(server.base, 'emma.clark@atrium.example', PASSWORD, '192.0.2.1');
  const cookie = signedIn.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error(`no session after signing in: ${signedIn.status}`);
  const reader = new Worker(READER, {
    eval: true,
    workerData: { url: `${server.base}/`, cookie, warmUp: 20 },
  });
  const fromReader = () => new Promise((resolve, reject) => {
    reader.once('message', (message) => message.error ? reject(new Error(message.error)) : resolve(message));
  });
  await fromReader(); // warmed up
  const before = memory(server.pid);
  let peakRss = before.rssMb;
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, memory(server.pid).rssMb); }, 20);

  const oneAddress = await flood(server.base, () => '198.51.100.1');
  const manyAddresses = await flood(server.base, (i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
  const done = fromReader();
  reader.postMessage('stop');
  const { latencies } = await done;
  await reader.terminate();
  clearInterval(sampler);

  const after = memory(server.pid);
  latencies.sort((a, b) => a - b);
  const report = {
    signInsPerFlood: FLOOD,
    oneAddress,
    manyAddresses,
    memoryMb: {
      before: Math.round(before.rssMb),
      peakDuring: Math.round(peakRss),
      highWaterMark: Math.round(after.peakMb),
      limit: MAX_MB,
    },
    catalogDuringFloods: {
      requests: latencies.length,
      p50Ms: +percentile(latencies, 50).toFixed(1),
      p99Ms: +percentile(latencies, 99).toFixed(1),
      maxMs: +latencies[latencies.length - 1].toFixed(1),
      limitP99Ms: MAX_P99_MS,
    },
  };
  console.log(JSON.stringify(report, null, 2));
  if (after.peakMb > MAX_MB) {
    console.error(`FAIL: peak memory ${after.peakMb.toFixed(0)} MB > ${MAX_MB} MB`);
    failed = true;
  }
  if (report.catalogDuringFloods.p99Ms > MAX_P99_MS) {
    console.error(`FAIL: catalog p99 ${report.catalogDuringFloods.p99Ms} ms > ${MAX_P99_MS} ms`);
    failed = true;
  }
  if ((oneAddress.counts[429] ?? 0) < FLOOD - 40) {
    console.error('FAIL: one address was not throttled');
    failed = true;
  }
  if (oneAddress.counts[500] || manyAddresses.counts[500] || oneAddress.counts.error || manyAddresses.counts.error) {
    console.error('FAIL: server errors or dropped connections during the flood');
    failed = true;
  }
} finally {
  await server.stop();
}
process.exit(failed ? 1 : 0);
