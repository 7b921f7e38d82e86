#!/usr/bin/env bash
# Runs every test of Petit chat, installing first what the tests need.
# The same command runs in CI (.ci/run) and on a developer's fresh Debian machine.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET SDK 10 is needed: https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Engines the tests start on 127.0.0.1: Debian packages, then the npm stand-ins. Chromium (and
# an emoji font for its screenshots) runs the web client's end-to-end tests.
apt_packages=(nats-server chromium fonts-noto-color-emoji)
missing=()
for package in "${apt_packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "Node.js and npm are needed for the test stand-ins: apt-get install nodejs npm" >&2
  exit 1
fi
(cd tests/standins && npm ci --no-audit --no-fund --loglevel=error)
# The web client's packages; building the server then builds the client (web/dist) with them.
(cd web && npm ci --no-audit --no-fund --loglevel=error)

dotnet restore PetitChat.slnx --locked-mode
dotnet build PetitChat.slnx --no-restore -c Release
dotnet format PetitChat.slnx --verify-no-changes --no-restore

results=$(mktemp -d)
status=0
for project in tests/*/*.Tests.csproj; do
  dotnet test "$project" --no-build -c Release --logger "trx;LogFilePrefix=$(basename "$project" .csproj)" \
    --results-directory "$results" || status=$?
done

# The web client: unit tests (Vitest), then end-to-end tests in Chromium against the built
# server (screenshots in web/artifacts/).
(cd web && npx vitest run --reporter=default --reporter=json --outputFile.json="$results/vitest.json") || status=$?
(cd web && node --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$results/e2e.tap" e2e/) || status=$?

# One closing line for the whole run, in the plain form CI reads.
passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" || true)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(get passed))); failed=$((failed + $(get failed)))
  # xunit's skipped tests are counted in total but not executed (its trx leaves notExecuted at 0).
  skipped=$((skipped + $(get total) - $(get executed)))
done
if [ -f "$results/vitest.json" ]; then
  read -r p f s < <(node -e 'const r = require(process.argv[1]);
    console.log(r.numPassedTests, r.numFailedTests, r.numPendingTests + r.numTodoTests)' "$results/vitest.json")
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
fi
if [ -f "$results/e2e.tap" ]; then
  tap() { grep -E "^# $1 [0-9]+$" "$results/e2e.tap" | tail -1 | grep -o '[0-9]*$' || echo 0; }
  passed=$((passed + $(tap pass))); failed=$((failed + $(tap fail) + $(tap cancelled)))
  skipped=$((skipped + $(tap skipped) + $(tap todo)))
fi
rm -rf "$results"
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
