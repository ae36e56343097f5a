#!/usr/bin/env bash
# Adds every public symbol the PublicApiAnalyzers report as undeclared (RS0016) to PublicAPI.Unshipped.txt and
# removes entries reported as no longer existing (RS0017). Review the diff: it is the change to the public API.
set -euo pipefail
cd "$(dirname "$0")/.."
for project in IronRuntime.Router IronRuntime.Core; do
  for pass in 1 2 3; do
    log=$(dotnet build "$project" --no-incremental -p:TreatWarningsAsErrors=false 2>&1 || true)
    added=$(grep -oE "RS0016: Symbol '.*' is not part of the declared public API" <<<"$log" | sed -E "s/RS0016: Symbol '(.*)' is not part of the declared public API/\1/" | sort -u || true)
    removed=$(grep -oE "RS0017: Symbol '.*' is part of the declared API, but is either not public or could not be found" <<<"$log" | sed -E "s/RS0017: Symbol '(.*)' is part of the declared API.*/\1/" | sort -u || true)
    [ -z "$added" ] && [ -z "$removed" ] && break
    file="$project/PublicAPI.Unshipped.txt"
    { echo '#nullable enable'; { grep -v '^#nullable' "$file" || true; printf '%s\n' "$added"; } | grep -v '^$' | grep -vxF -f <(printf '%s\n' "$removed" | grep -v '^$' || echo '@@none@@') | sort -u; } > "$file.tmp"
    mv "$file.tmp" "$file"
  done
done
git --no-pager diff --stat -- '*PublicAPI.Unshipped.txt' || true
