#!/usr/bin/env bash
# Mutation testing of the critical code with Stryker.NET (the dotnet-stryker tool of .config/dotnet-tools.json).
#
#   eng/mutation.sh [AREA...]      AREA: ledger pricing usage sse proxy failures pii (default: all of them)
#   eng/mutation.sh usage+sse      areas of the same project joined by '+' share one Stryker run (one build, one
#                                  initial test run); the score is still given per area
#   STRYKER_EXTRA='--log-to-file --verbosity debug' eng/mutation.sh failures   # extra Stryker options, e.g. logs
#   MUTATE_ONLY='**/Pii/Internal/PiiChecksums.cs' eng/mutation.sh pii            # a quick check: mutate only these
#                                  globs (comma-separated) with the area's tests; its score is not the area's
#
# Each area mutates a few files of one project and runs only the tests of a few test files, so that one area fits a few
# minutes on a small machine. The run happens in a scratch copy of the work tree, one per area (Stryker rebuilds and
# overwrites the test project's output), and the reports land in artifacts/mutation/<area>/ (JSON and Markdown).
# Write the score and the surviving mutants into docs/testing.md after a run.
#
# Why test files are removed from the scratch copy instead of passing --test-case-filter: Stryker 5.1's VsTest runner
# discovers every test of the project (VsTest discovery ignores the filter) and then takes each discovered test without
# a result in the filtered initial run for a test that hung, so a filtered run always stops with "Initial test run could
# not be completed" (the test host itself ran and passed the filtered tests; stryker-net issue #3242). With only the
# area's test files compiled, discovery and the run agree. The work tree and `dotnet test` are not touched.
set -euo pipefail
shopt -s globstar nullglob
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/artifacts/mutation"
areas=("$@")
[ ${#areas[@]} -eq 0 ] && areas=(ledger pricing usage sse proxy failures pii)

# area -> project | files to mutate (globs, relative to the project) | test files kept (globs, relative to IronRuntime.Tests)
spec() {
  case "$1" in
    ledger)   echo "IronRuntime.Core/IronRuntime.Core.csproj|**/Budget/InMemoryBudgetLedger.cs,**/Budget/BudgetGate.cs,**/Budget/BudgetLease.cs,**/Budget/CallCost.cs,**/Budget/BudgetGate.Rates.cs,**/Budget/BudgetGate.RateLimits.cs,**/Budget/BudgetGate.Unavailable.cs,**/Budget/InMemoryBudgetLedger.Periods.cs|Budget/InMemoryBudgetLedgerTests.cs Budget/InMemoryBudgetLedgerEdgeTests.cs Budget/LedgerAffordabilityTests.cs Budget/ReservationBoundsTests.cs Budget/BudgetLeaseTests.cs Budget/Periods/InMemoryBudgetPeriodTests.cs Budget/ToolFeeTests.cs Budget/BudgetBypassTests.cs Budget/DurableAdmissionTests.cs Budget/BudgetGateTests.cs Budget/BudgetGateDecisionTests.cs Budget/BudgetGateServerToolTests.cs Budget/BudgetGateRatesTests.cs Budget/BudgetGateRateLimitTests.cs Budget/Redis/RedisBudgetGateTests.cs Budget/BudgetGateContextTests.cs Budget/CodeInterpreterContainerTests.cs Budget/RateLimits/RateLimitTests.cs Budget/RateLimits/UnpricedModelRateTests.cs Resilience/FailoverTests.cs State/SqliteStateTests.cs" ;;
    pricing)  echo "IronRuntime.Core/IronRuntime.Core.csproj|**/Pricing/**/*.cs|Pricing/*Tests.cs" ;;
    usage)    echo "IronRuntime.Router/IronRuntime.Router.csproj|**/Usage/**/*.cs,**/Streaming/SseUsageAccumulator.cs,**/Wire/*Wire.cs,**/Wire/WireJson.cs,**/Wire/WireUsage.cs|Usage/*Tests.cs Streaming/SseUsageAccumulatorTests.cs Streaming/SseUsageAccumulatorEventTests.cs Wire/*Tests.cs" ;;
    sse)      echo "IronRuntime.Router/IronRuntime.Router.csproj|**/Streaming/SseEventReader*.cs,**/Streaming/SseEvent.cs,**/Streaming/SseInputBuffer.cs|Streaming/SseEventReaderTests.cs Streaming/SseUsageAccumulatorTests.cs Streaming/SseInputBufferReadTests.cs Streaming/SseEventReaderEdgeTests.cs" ;;
    proxy)    echo "IronRuntime.Router/IronRuntime.Router.csproj|**/Proxy/TokenDigest.cs,**/Proxy/AgentTokenRegistry.cs,**/Proxy/ProxyHeaders.cs,**/Proxy/ProxyRequestHandler.cs,**/Providers/ProviderUpstream.cs|Proxy/TokenDigestTests.cs Proxy/AgentTokenRegistryTests.cs Proxy/ProxyHeadersTests.cs Proxy/ProxyHeadersCopyTests.cs Proxy/ProxyBodyCopyTests.cs Proxy/ProxyRequestHandlerTests.cs Proxy/LlmProxyTests.cs Proxy/ProxyBoundaryTests.cs Providers/*Tests.cs" ;;
    failures) echo "IronRuntime.Router/IronRuntime.Router.csproj|**/Upstream/LlmUpstreamFailures.cs|Upstream/LlmUpstreamFailuresTests.cs Resilience/RetryTests.cs Resilience/CircuitBreakerTests.cs" ;;
    pii)      echo "IronRuntime.Core/IronRuntime.Core.csproj|**/Pii/Detectors/*.cs,**/Pii/Internal/PiiTextScanner.cs,**/Pii/Internal/PiiChecksums.cs|Pii/*Tests.cs" ;;
    *) echo "unknown area: $1" >&2; exit 2 ;;
  esac
}

# A scratch copy of the tracked files (plus the Node agents' packages, which the test build would otherwise install)
# in which only the area's test files (*Tests.cs, with their *Tests.*.cs parts) remain; helpers, fakes and fixtures stay.
prepare() {
  local scratch="$1" project="$2" tests="$3" files="$4"
  git -C "$root" ls-files -z --cached --others --exclude-standard | (cd "$root" && xargs -0 cp --parents -t "$scratch")
  if [ -d "$root/IronRuntime.Tests/Agents/node/node_modules" ]; then
    cp -r "$root/IronRuntime.Tests/Agents/node/node_modules" "$scratch/IronRuntime.Tests/Agents/node/"
  fi
  local keep="$scratch/.keep" pattern f
  : >"$keep"
  # Every test pattern and every file glob must name something: a file moved by a refactor would otherwise leave an
  # area that mutates nothing, or runs without the tests it names, and still prints a score.
  local patterns
  read -ra patterns <<<"$tests" # read, not an unquoted list: a for-list would glob the patterns themselves
  (cd "$scratch/IronRuntime.Tests" && for pattern in "${patterns[@]}"; do
    local found=0
    for f in $pattern; do [ -e "$f" ] && { echo "$f"; found=1; }; done
    [ $found -eq 1 ] || { echo "no test file matches $pattern (relative to IronRuntime.Tests)" >&2; exit 2; }
  done) >"$keep"
  IFS=',' read -ra patterns <<<"$files"
  (cd "$scratch/$(dirname "$project")" && for pattern in "${patterns[@]}"; do
    local matches=($pattern)
    [ ${#matches[@]} -gt 0 ] || { echo "no file to mutate matches $pattern (relative to $(dirname "$project"))" >&2; exit 2; }
  done)
  # A test class split into partial files (FooTests.cs, FooTests.Bar.cs) goes or stays as a whole.
  # Stryker mutates only projects the test project references directly; the tests reach the Router through Core.
  if [ "$project" = IronRuntime.Router/IronRuntime.Router.csproj ]; then
    sed -i 's|<ProjectReference Include="..\\IronRuntime.Core\\IronRuntime.Core.csproj" />|&<ProjectReference Include="..\\IronRuntime.Router\\IronRuntime.Router.csproj" />|' \
      "$scratch/IronRuntime.Tests/IronRuntime.Tests.csproj"
    grep -q 'IronRuntime.Router.csproj' "$scratch/IronRuntime.Tests/IronRuntime.Tests.csproj" || { echo "could not reference the Router" >&2; exit 2; }
  fi
  (cd "$scratch/IronRuntime.Tests" && for f in **/*Tests.cs **/*Tests.*.cs; do
    grep -qxF "$(sed -E 's/Tests\.[^/]+\.cs$/Tests.cs/' <<<"$f")" "$keep" || rm "$f"
  done)
}

scratches=()
failed=()
trap 'rm -rf "${scratches[@]}"' EXIT
# The spec of an area, or of areas of one project joined by '+': their files and their test files together.
combined_spec() {
  local part project="" files="" tests="" p f t
  IFS='+' read -ra parts <<<"$1"
  for part in "${parts[@]}"; do
    IFS='|' read -r p f t <<<"$(spec "$part")"
    [ -z "$project" ] || [ "$project" = "$p" ] || { echo "areas of different projects cannot share a run: $1" >&2; exit 2; }
    project="$p"; files="${files:+$files,}$f"; tests="${tests:+$tests }$t"
  done
  echo "$project|$files|$tests"
}

# Score per area from Stryker's JSON report: killed + timeout over killed + timeout + survived + no coverage.
summarize() {
  local area="$1" report="$out/$1/reports/mutation-report.json" part globs=()
  [ -f "$report" ] || return 0
  IFS='+' read -ra parts <<<"$area"
  for part in "${parts[@]}"; do globs+=("$part=$(spec "$part" | cut -d'|' -f2)"); done
  python3 - "$report" "${globs[@]}" <<'PY'
import fnmatch, json, sys
report = json.load(open(sys.argv[1]))
for arg in sys.argv[2:]:
    area, globs = arg.split("=", 1)
    counts = {}
    for path, data in report["files"].items():
        rooted = "/" + path.lstrip("/")
        if any(fnmatch.fnmatch(rooted, "*/" + g.replace("**/", "")) for g in globs.split(",")):
            for m in data["mutants"]:
                counts[m["status"]] = counts.get(m["status"], 0) + 1
    detected = counts.get("Killed", 0) + counts.get("Timeout", 0)
    tested = detected + counts.get("Survived", 0) + counts.get("NoCoverage", 0)
    score = 100.0 * detected / tested if tested else 0.0
    print(f"{area}: {score:.2f} % ({detected} / {tested} killed or timed out; {counts})")
PY
}

for area in "${areas[@]}"; do
  IFS='|' read -r project files tests <<<"$(combined_spec "$area")"
  scratch="$(mktemp -d /tmp/ironruntime-mutation.XXXXXX)"
  scratches+=("$scratch")
  [ -z "${MUTATE_ONLY:-}" ] || files="$MUTATE_ONLY"
  prepare "$scratch" "$project" "$tests" "$files"
  # perTest coverage: each mutant runs only the tests that reached it in the initial run (Stryker's default, stated
  # here so that a config change elsewhere cannot turn it into "all tests for every mutant").
  printf '{"stryker-config":{"coverage-analysis":"perTest","additional-timeout":10000}}\n' \
    >"$scratch/IronRuntime.Tests/stryker-config.json"
  args=(--project "$(basename "$project")" --test-project IronRuntime.Tests.csproj
        --concurrency "${STRYKER_CONCURRENCY:-1}"
        --reporter json --reporter markdown --reporter progress
        --output "$out/$area" --break-at 0 --skip-version-check ${STRYKER_EXTRA:-})
  IFS=',' read -ra globs <<<"$files"
  for g in "${globs[@]}"; do args+=(--mutate "$g"); done
  echo "== $area: $project ($files) with tests $tests"
  (cd "$scratch" && dotnet tool restore >/dev/null && cd IronRuntime.Tests && dotnet stryker "${args[@]}") || failed+=("$area")
  rm -rf "$scratch"
  summarize "$area"
done
echo "Reports: $out/<area>/reports/"
if [ ${#failed[@]} -gt 0 ]; then echo "Stryker failed for: ${failed[*]}" >&2; exit 1; fi
