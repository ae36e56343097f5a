// Issue #15: the time to the first streamed event, from an external client (Node's own http module, no SDK), one call
// in flight, direct to the fake provider and through the runtime's proxy, interleaved call by call so that both see
// the same machine. Prints a Markdown table: median, p90 and p99 per path, and the median added by the proxy.
//
//   node eng/load/ttfb.mjs --direct http://127.0.0.1:5001/ --proxy http://127.0.0.1:5002/ --token T [--calls 300]
//     [--bare http://127.0.0.1:5003/]   (a third path: IronRuntime.Load's host --bare, the forwarder without the runtime)
//
// The clock starts when the request is handed to the socket (after its headers and body are written) and stops when
// the first complete SSE event (a block ending in a blank line) has arrived; the rest of the answer is then read to
// its end, so the connection is reused by the next call (keep-alive) as an SDK would.
import http from "node:http";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, word, i, all) => (word.startsWith("--") ? [...pairs, [word.slice(2), all[i + 1]]] : pairs), []),
);
const calls = Number(args.calls ?? 300);
const warmup = Number(args.warmup ?? 5000); // tiered JIT: a host fresh from start answers its first thousand or two calls slower
const body = JSON.stringify({
  model: "gpt-4o-mini",
  max_tokens: Number(args.events ?? 20),
  stream: true,
  messages: [{ role: "user", content: "hi" }],
});

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function firstEvent(base, key) {
  return new Promise((resolve, reject) => {
    const url = new URL("v1/chat/completions", base);
    const request = http.request(url, {
      method: "POST",
      agent,
      headers: { "content-type": "application/json", authorization: `Bearer ${key}`, "content-length": Buffer.byteLength(body) },
    });
    let started = 0n;
    let firstAt = 0n;
    let seen = "";
    request.on("response", (response) => {
      if (response.statusCode !== 200) {
        reject(new Error(`${url} answered ${response.statusCode}`));
        response.resume();
        return;
      }
      response.setEncoding("utf8");
      response.on("data", (chunk) => {
        if (firstAt !== 0n) return;
        seen += chunk;
        if (seen.includes("\n\n") || seen.includes("\r\n\r\n")) firstAt = process.hrtime.bigint();
      });
      response.on("end", () => (firstAt === 0n ? reject(new Error("no event")) : resolve(Number(firstAt - started) / 1000)));
    });
    request.on("error", reject);
    request.end(body, () => (started = process.hrtime.bigint()));
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const paths = [
  ["direct", args.direct, args["direct-key"] ?? "sk-load-test"],
  ["proxy", args.proxy, args.token],
];
if (args.bare) paths.push(["bare", args.bare, "bare"]); // the bare forwarder (no runtime): the floor of any proxy
const times = Object.fromEntries(paths.map(([name]) => [name, []]));
for (let i = 0; i < warmup + calls; i++) {
  const order = paths.map((_, j) => paths[(i + j) % paths.length]); // each path first in turn
  for (const [name, base, key] of order) {
    const micros = await firstEvent(base, key);
    if (i >= warmup) times[name].push(micros);
  }
}
agent.destroy();

console.log(`time to the first streamed event, external Node client, 1 in flight, ${calls} calls per path (interleaved)`);
console.log("| path | median | p90 | p99 |");
console.log("| --- | ---: | ---: | ---: |");
const medians = {};
for (const name of Object.keys(times)) {
  const sorted = times[name].sort((a, b) => a - b);
  medians[name] = percentile(sorted, 50);
  console.log(`| ${name} | ${percentile(sorted, 50).toFixed(0)} µs | ${percentile(sorted, 90).toFixed(0)} µs | ${percentile(sorted, 99).toFixed(0)} µs |`);
}
console.log(`added by the proxy at the median: ${(medians.proxy - medians.direct).toFixed(0)} µs`);
if (args.bare) console.log(`added by the bare forwarder at the median: ${(medians.bare - medians.direct).toFixed(0)} µs`);
