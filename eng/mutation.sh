#!/usr/bin/env bash
# Mutation testing of the critical code with Stryker.NET (the dotnet-stryker tool of .config/dotnet-tools.json).
#
#   eng/mutation.sh [AREA...]      AREA: ledger pricing usage sse proxy failures pii (default: all of them)
#   STRYKER_EXTRA='--log-to-file --verbosity debug' eng/mutation.sh failures   # extra Stryker options, e.g. logs
#
# Each area mutates a few files of one project and runs only the tests that cover them (a test-case filter), so that
# one area fits a few minutes on a small machine. The run happens in a scratch copy of the work tree (Stryker rebuilds
# and overwrites the test project's output), and the reports land in artifacts/mutation/<area>/ (JSON and Markdown).
# Write the score and the surviving mutants into docs/testing.md after a run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/artifacts/mutation"
areas=("$@")
[ ${#areas[@]} -eq 0 ] && areas=(ledger pricing usage sse proxy failures pii)

# area -> project | files to mutate (globs, relative to the project) | test filter
spec() {
  case "$1" in
    ledger)   echo "IronRuntime.Core/IronRuntime.Core.csproj|**/Budget/InMemoryBudgetLedger.cs,**/Budget/BudgetGate.cs,**/Budget/BudgetLease.cs,**/Budget/CallCost.cs|FullyQualifiedName~IronRuntime.Tests.Budget" ;;
    pricing)  echo "IronRuntime.Core/IronRuntime.Core.csproj|**/Pricing/**/*.cs|FullyQualifiedName~IronRuntime.Tests.Pricing|FullyQualifiedName~RecordedAnswerTests" ;;
    usage)    echo "IronRuntime.Router/IronRuntime.Router.csproj|**/Usage/**/*.cs,**/Streaming/SseUsageAccumulator.cs|FullyQualifiedName~IronRuntime.Tests.Usage|FullyQualifiedName~SseUsageAccumulatorTests|FullyQualifiedName~RecordedAnswerTests" ;;
    sse)      echo "IronRuntime.Router/IronRuntime.Router.csproj|**/Streaming/SseEventReader.cs,**/Streaming/SseEvent.cs|FullyQualifiedName~IronRuntime.Tests.Streaming" ;;
    proxy)    echo "IronRuntime.Router/IronRuntime.Router.csproj|**/Proxy/TokenDigest.cs,**/Proxy/AgentTokenRegistry.cs,**/Proxy/ProxyHeaders.cs,**/Proxy/ProxyRequestHandler.cs,**/Providers/ProviderUpstream.cs|FullyQualifiedName~IronRuntime.Tests.Proxy|FullyQualifiedName~IronRuntime.Tests.Providers" ;;
    failures) echo "IronRuntime.Core/IronRuntime.Core.csproj|**/Resilience/Internal/UpstreamFailures.cs|FullyQualifiedName~UpstreamFailuresTests|FullyQualifiedName~RetryTests|FullyQualifiedName~CircuitBreakerTests" ;;
    pii)      echo "IronRuntime.Core/IronRuntime.Core.csproj|**/Pii/Detectors/*.cs,**/Pii/Internal/PiiTextScanner.cs,**/Pii/Internal/PiiChecksums.cs|FullyQualifiedName~IronRuntime.Tests.Pii" ;;
    *) echo "unknown area: $1" >&2; exit 2 ;;
  esac
}

scratch="$(mktemp -d /tmp/ironruntime-mutation.XXXXXX)"
trap 'rm -rf "$scratch"' EXIT
# The tracked files, plus the Node agents' packages (the test build would otherwise install them again).
git -C "$root" ls-files -z | (cd "$root" && xargs -0 cp --parents -t "$scratch")
if [ -d "$root/IronRuntime.Tests/Agents/node/node_modules" ]; then
  cp -r "$root/IronRuntime.Tests/Agents/node/node_modules" "$scratch/IronRuntime.Tests/Agents/node/"
fi
cd "$scratch"
dotnet tool restore >/dev/null

for area in "${areas[@]}"; do
  IFS='|' read -r project files filter <<<"$(spec "$area")"
  # The filter may itself contain '|' (alternatives): everything after the second field is the filter.
  filter="$(spec "$area" | cut -d'|' -f3-)"
  args=(--project "$(basename "$project")" --test-project IronRuntime.Tests.csproj
        --test-case-filter "$filter" --concurrency "${STRYKER_CONCURRENCY:-1}"
        --reporter json --reporter markdown --reporter progress
        --output "$out/$area" --break-at 0 --skip-version-check ${STRYKER_EXTRA:-})
  IFS=',' read -ra globs <<<"$files"
  for g in "${globs[@]}"; do args+=(--mutate "$g"); done
  echo "== $area: $project ($files) with tests $filter"
  (cd IronRuntime.Tests && dotnet stryker "${args[@]}")
done
echo "Reports: $out/<area>/reports/"
