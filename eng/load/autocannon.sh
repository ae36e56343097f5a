#!/usr/bin/env bash
# Issue #15: the loopback proxy against direct, side by side in one run, measured from outside with autocannon (npm).
# Starts the load tool's fake provider (answering at once: --period-ms 0) and its runtime host (defaults + a budget),
# then runs autocannon against the fake directly, through the host's proxy and through a bare forwarder without the
# runtime (the floor of any loopback proxy), non-streaming and streaming.
# Last, eng/load/ttfb.mjs times the first streamed event with one call in flight, direct and through the proxy.
#
#   eng/load/autocannon.sh                       # 16 connections, 8 s per row, 20 events per streamed answer
#   CONNECTIONS=1 DURATION=5 eng/load/autocannon.sh
#   TTFB_CALLS=1000 eng/load/autocannon.sh          # more calls for the time-to-first-event table (default 300)
#
# Needs node/npx (autocannon is fetched by npx on first use). Not run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/../.."
CONNECTIONS=${CONNECTIONS:-16}
DURATION=${DURATION:-8}
EVENTS=${EVENTS:-20}
AUTOCANNON=${AUTOCANNON:-autocannon@9.0.0}

dotnet build -c Release eng/load/IronRuntime.Load -v q -nologo >/dev/null
tool=eng/load/IronRuntime.Load/bin/Release/net10.0/IronRuntime.Load.dll
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

wait_for() { # file prefix -> the rest of the first line starting with prefix
  for _ in $(seq 1 600); do
    line=$(grep -m1 "^$2" "$1" 2>/dev/null || true)
    if [ -n "$line" ]; then echo "${line#"$2"}"; return 0; fi
    sleep 0.1
  done
  echo "timed out waiting for '$2' in $1" >&2; return 1
}

dotnet "$tool" fake --period-ms 0 >"$work/fake.out" 2>&1 &
pids+=($!)
fake=$(wait_for "$work/fake.out" "READY ")

mkfifo "$work/host.in"
dotnet "$tool" host --upstream "$fake/" --agents 1 <"$work/host.in" >"$work/host.out" 2>"$work/host.err" &
pids+=($!)
exec 3>"$work/host.in" # keeps the host's standard input open until this script ends
proxy=$(wait_for "$work/host.out" "READY ")
token=$(wait_for "$work/host.out" "TOKEN ")

# The reference: the plainest ASP.NET Core forwarder (Kestrel in, SocketsHttpHandler out, no runtime), the floor any
# loopback HTTP proxy pays on this machine (eng/load/IronRuntime.Load/BareForwarder.cs).
mkfifo "$work/bare.in"
dotnet "$tool" host --upstream "$fake/" --agents 1 --bare <"$work/bare.in" >"$work/bare.out" 2>"$work/bare.err" &
pids+=($!)
exec 4>"$work/bare.in"
bare=$(wait_for "$work/bare.out" "READY ")

body_plain='{"model":"gpt-4o-mini","max_tokens":1,"messages":[{"role":"user","content":"hi"}]}'
body_stream="{\"model\":\"gpt-4o-mini\",\"max_tokens\":$EVENTS,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"

run() { # label url key body -> one JSON line of autocannon's summary
  npx --yes "$AUTOCANNON" -c "$CONNECTIONS" -d "$DURATION" -m POST \
    -H "content-type=application/json" -H "authorization=Bearer $3" -b "$4" -j "$2" 2>/dev/null >"$work/$1.json"
}

# Warm-up (JIT, pools), then the measured rows, each direct and proxy back to back.
DURATION=2 run warm-direct "${fake%/}/v1/chat/completions" sk-load-test "$body_plain"
DURATION=2 run warm-proxy "${proxy%/}/v1/chat/completions" "$token" "$body_plain"
DURATION=2 run warm-bare "${bare%/}/v1/chat/completions" bare "$body_plain"
for mode in plain stream; do
  body=$body_plain; [ "$mode" = stream ] && body=$body_stream
  run "direct-$mode" "${fake%/}/v1/chat/completions" sk-load-test "$body"
  run "proxy-$mode" "${proxy%/}/v1/chat/completions" "$token" "$body"
  run "bare-$mode" "${bare%/}/v1/chat/completions" bare "$body"
done

python3 - "$work" "$CONNECTIONS" "$DURATION" "$EVENTS" <<'PY'
import json, sys
work, conns, dur, events = sys.argv[1:]
def load(name):
    with open(f"{work}/{name}.json") as f:
        return json.load(f)
print(f"autocannon, {conns} connections, {dur} s per row; streamed answers carry {events} events")
print("| mode | path | requests/s | share of direct | latency p50 / p99 | non-2xx + errors |")
print("| --- | --- | ---: | ---: | --- | ---: |")
for mode in ("plain", "stream"):
    d = load(f"direct-{mode}")
    for path in ("direct", "proxy", "bare"):
        r = load(f"{path}-{mode}")
        rps = r["requests"]["average"]
        share = 100.0 * rps / d["requests"]["average"] if d["requests"]["average"] else float("nan")
        bad = r.get("non2xx", 0) + r.get("errors", 0) + r.get("timeouts", 0)
        label = "non-streaming" if mode == "plain" else "streaming"
        print(f"| {label} | {path} | {rps:,.0f} | {share:.0f} % | {r['latency']['p50']} / {r['latency']['p99']} ms | {bad} |")
PY

# The time to the first streamed event with one call in flight, from the same external (Node) side.
node eng/load/ttfb.mjs --direct "$fake" --proxy "$proxy" --token "$token" --bare "$bare" --calls "${TTFB_CALLS:-300}" --events "$EVENTS"
