#!/usr/bin/env bash
# Petit chat as a cluster on one Debian machine, with what the machine can run:
#   3 nats-server nodes (one JetStream cluster, streams at 3 replicas), dynalite (the DynamoDB API,
#   standing in for ScyllaDB's Alternator, so that the 3 server nodes share one store), s3rver (the
#   S3 API), 3 server nodes, 2 notifier workers and the gateway in front of them.
#
#   deploy/local/cluster.sh up            build (unless PETITCHAT_CLUSTER_NO_BUILD=1) and start everything
#   deploy/local/cluster.sh down          stop everything it started
#   deploy/local/cluster.sh status        what runs, with process ids
#   deploy/local/cluster.sh kill NAME     kill -9 one part (server2, nats1, notifier1...), as a crash would
#   deploy/local/cluster.sh start NAME    start one part again, with the same settings
#
# Settings (environment): PETITCHAT_CLUSTER_DIR (state, logs, pids; default /tmp/petitchat-cluster),
# PETITCHAT_CLUSTER_PORT (first port, default 7000: the gateway; the others follow, see ports below),
# PETITCHAT_CLUSTER_SETTINGS (more KEY=VALUE settings for every server and notifier, space-separated;
# the fault run uses it to allow webhooks on loopback and shorten the read delay).
# Needs nats-server (apt-get install nats-server), Node.js with `npm ci` done in tests/standins, and
# the .NET SDK. Nothing listens beyond 127.0.0.1.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${PETITCHAT_CLUSTER_DIR:-${TMPDIR:-/tmp}/petitchat-cluster}"
base="${PETITCHAT_CLUSTER_PORT:-7000}"

gateway_port=$base
server_port() { echo $((base + $1)); }            # server1..3: base+1..3
notifier_port() { echo $((base + 10 + $1)); }     # notifier1..2: base+11..12 (health and metrics only)
nats_port() { echo $((base + 20 + $1)); }         # nats1..3 clients: base+21..23
nats_route_port() { echo $((base + 30 + $1)); }   # nats1..3 cluster routes: base+31..33
nats_monitor_port() { echo $((base + 40 + $1)); } # nats1..3 monitoring (/healthz): base+41..43
dynalite_port=$((base + 50))
s3_port=$((base + 51))

servers=(server1 server2 server3)
notifiers=(notifier1 notifier2)
nats_nodes=(nats1 nats2 nats3)

nats_urls() { echo "nats://127.0.0.1:$(nats_port 1),nats://127.0.0.1:$(nats_port 2),nats://127.0.0.1:$(nats_port 3)"; }

say() { echo "cluster: $*" >&2; }

# Waits until a URL answers 200 (curl) or a port accepts connections, failing after $3 seconds.
wait_http() {
  local url=$1 name=$2 limit=${3:-60} i
  for ((i = 0; i < limit * 5; i++)); do
    if curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null; then return 0; fi
    if ! running "$name"; then say "$name exited; its log: $dir/logs/$name.log"; tail -n 30 "$dir/logs/$name.log" >&2 || true; return 1; fi
    sleep 0.2
  done
  say "$name did not answer at $url within ${limit}s; its log: $dir/logs/$name.log"
  tail -n 30 "$dir/logs/$name.log" >&2 || true
  return 1
}

wait_port() {
  local port=$1 name=$2 limit=${3:-30} i
  for ((i = 0; i < limit * 5; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    if ! running "$name"; then say "$name exited; its log: $dir/logs/$name.log"; tail -n 30 "$dir/logs/$name.log" >&2 || true; return 1; fi
    sleep 0.2
  done
  say "$name did not listen on $port within ${limit}s"
  return 1
}

pid_of() { cat "$dir/pids/$1.pid" 2>/dev/null || true; }

running() {
  local pid; pid=$(pid_of "$1")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# Starts a program in the background with its output in logs/NAME.log and its id in pids/NAME.pid.
launch() {
  local name=$1; shift
  if running "$name"; then say "$name already runs (pid $(pid_of "$name"))"; return 0; fi
  mkdir -p "$dir/logs" "$dir/pids"
  nohup "$@" >>"$dir/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$dir/pids/$name.pid"
}

dll() { echo "$root/src/$1/bin/Release/net10.0/$1.dll"; }

# Runs a .NET program from its own folder, where its appsettings.json and the web client are.
dotnet_app() { cd "$(dirname "$1")" && exec dotnet "$@"; }
export -f dotnet_app

# The strongest fsync the installed nats-server offers: `sync_interval: always` (2.10 and later)
# fsyncs every write before it is acknowledged; older servers know no such setting and sync on
# their own schedule (docs/nats.md says what that means and what production needs).
sync_setting() {
  local probe="$dir/nats/probe.conf"
  mkdir -p "$dir/nats"
  printf 'jetstream { store_dir: "%s", sync_interval: always }\n' "$dir/nats/probe" >"$probe"
  if nats-server -c "$probe" -t >/dev/null 2>&1; then echo "sync_interval: always"; fi
}

start_nats() {
  local n=${1#nats} conf="$dir/nats/$1.conf"
  mkdir -p "$dir/nats/$1"
  cat >"$conf" <<CONF
server_name: $1
listen: 127.0.0.1:$(nats_port "$n")
http: 127.0.0.1:$(nats_monitor_port "$n")
jetstream {
  store_dir: "$dir/nats/$1"
  $(sync_setting)
}
cluster {
  name: petitchat
  listen: 127.0.0.1:$(nats_route_port "$n")
  routes: [
    nats-route://127.0.0.1:$(nats_route_port 1)
    nats-route://127.0.0.1:$(nats_route_port 2)
    nats-route://127.0.0.1:$(nats_route_port 3)
  ]
}
CONF
  launch "$1" nats-server -c "$conf"
}

wait_nats() {
  local n=${1#nats}
  # /healthz answers 200 once JetStream is up and, in a cluster, caught up with the meta leader.
  wait_http "http://127.0.0.1:$(nats_monitor_port "$n")/healthz" "$1" 60
}

start_dynalite() {
  mkdir -p "$dir/dynalite"
  launch dynalite "$root/tests/standins/node_modules/.bin/dynalite" --host 127.0.0.1 --port "$dynalite_port" --path "$dir/dynalite" \
    --createTableMs 0 --deleteTableMs 0 --updateTableMs 0
}

start_s3() {
  mkdir -p "$dir/s3"
  launch s3 "$root/tests/standins/node_modules/.bin/s3rver" -d "$dir/s3" -a 127.0.0.1 -p "$s3_port" --silent --no-vhost-buckets
}

# Settings every server and notifier shares (the names are the server's options, as in compose.yaml).
common_env() {
  echo "ASPNETCORE_ENVIRONMENT=Production"
  echo "Logging__LogLevel__Default=Warning"
  echo "Store__Kind=scylla"
  echo "Store__Scylla__Endpoints__0=http://127.0.0.1:$dynalite_port"
  echo "Store__Scylla__TablePrefix=cluster_"
  echo "Notifications__Kind=nats"
  echo "Notifications__Nats__Url=$(nats_urls)"
  echo "Notifications__Nats__Replicas=3"
  echo "Notifications__WebPush__KeyPath=$dir/vapid-keys.json"
  local setting
  for setting in ${PETITCHAT_CLUSTER_SETTINGS:-}; do echo "$setting"; done
}

start_server() {
  local n=${1#server}
  mkdir -p "$dir/$1"
  # Every client of a local cluster is 127.0.0.1: the per-address limits are for real clients.
  launch "$1" env $(common_env) \
    "ASPNETCORE_URLS=http://127.0.0.1:$(server_port "$n")" \
    "RateLimits__Anonymous__PermitLimit=1000000" "RateLimits__TokensPerAddress__PermitLimit=1000000" \
    "Bus__Kind=nats" "Bus__Nats__Url=$(nats_urls)" "Bus__Nats__Replicas=3" "Bus__Nats__RequestTimeout=00:00:02" \
    "Notifications__RunInProcessWorker=false" \
    "Blobs__Kind=s3" "Blobs__S3__ServiceUrl=http://127.0.0.1:$s3_port" "Blobs__S3__Bucket=petitchat" \
    "Blobs__S3__AccessKey=S3RVER" "Blobs__S3__SecretKey=S3RVER" \
    "Blobs__S3__PresignedDownloads=true" "Blobs__S3__PublicUrl=http://127.0.0.1:$gateway_port/" \
    "Search__Kind=sqlite" "Search__Sqlite__Path=$dir/search.db" "Store__Sqlite__Path=$dir/$1/unused.db" \
    "Files__TempPath=$dir/$1/uploads" \
    "Identity__Embedded__Enabled=true" "Identity__CliPassword=$(password)" \
    "Identity__Embedded__Issuer=http://127.0.0.1:$gateway_port/" "Identity__Embedded__KeyPath=$dir/issuer-keys.json" \
    bash -c 'dotnet_app "$@"' _ "$(dll PetitChat.Server)"
}

start_notifier() {
  local n=${1#notifier}
  # A job's retries and their reasons are logged at Information: a fault run's log says why a push went again.
  launch "$1" env $(common_env) "ASPNETCORE_URLS=http://127.0.0.1:$(notifier_port "$n")" \
    "Logging__LogLevel__PetitChat.Infrastructure.Nats.Notifications.NatsNotificationQueue=Information" bash -c 'dotnet_app "$@"' _ "$(dll PetitChat.Notifier)"
}

start_gateway() {
  local env=("ASPNETCORE_URLS=http://127.0.0.1:$gateway_port" "ASPNETCORE_ENVIRONMENT=Production" "Logging__LogLevel__Default=Warning"
    "ReverseProxy__Clusters__blobs__Destinations__s3__Address=http://127.0.0.1:$s3_port/")
  local n
  for n in 1 2 3; do
    env+=("ReverseProxy__Clusters__servers__Destinations__server${n}__Address=http://127.0.0.1:$(server_port $n)/"
      "ReverseProxy__Clusters__streams__Destinations__server${n}__Address=http://127.0.0.1:$(server_port $n)/")
  done
  launch gateway env "${env[@]}" bash -c 'dotnet_app "$@"' _ "$(dll PetitChat.Gateway)"
}

# One password for the embedded issuer per cluster, kept in its folder (never the public default).
password() {
  if [ ! -s "$dir/password" ]; then
    mkdir -p "$dir"
    head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$dir/password"
  fi
  cat "$dir/password"
}

start_one() {
  case $1 in
    nats[1-3]) start_nats "$1"; wait_nats "$1" ;;
    dynalite) start_dynalite; wait_port "$dynalite_port" dynalite ;;
    s3) start_s3; wait_port "$s3_port" s3 ;;
    server[1-3]) start_server "$1"; wait_http "http://127.0.0.1:$(server_port "${1#server}")/readyz" "$1" 120 ;;
    notifier[1-2]) start_notifier "$1"; wait_http "http://127.0.0.1:$(notifier_port "${1#notifier}")/readyz" "$1" 120 ;;
    gateway) start_gateway; wait_http "http://127.0.0.1:$gateway_port/healthz" gateway 60 ;;
    *) say "unknown part '$1'"; return 2 ;;
  esac
}

up() {
  command -v nats-server >/dev/null || { say "nats-server is missing: apt-get install -y nats-server"; exit 1; }
  [ -x "$root/tests/standins/node_modules/.bin/dynalite" ] || { say "the stand-ins are missing: (cd tests/standins && npm ci)"; exit 1; }
  if [ "${PETITCHAT_CLUSTER_NO_BUILD:-}" != "1" ]; then
    say "building"
    for project in PetitChat.Server PetitChat.Notifier PetitChat.Gateway; do
      dotnet build "$root/src/$project" -c Release --nologo -v quiet >/dev/null
    done
  fi
  mkdir -p "$dir"
  password >/dev/null
  # nats-server nodes start together: JetStream elects its meta leader once a quorum is there.
  for node in "${nats_nodes[@]}"; do start_nats "$node"; done
  for node in "${nats_nodes[@]}"; do wait_nats "$node"; done
  start_dynalite; start_s3
  wait_port "$dynalite_port" dynalite; wait_port "$s3_port" s3
  # The first server creates the tables and streams; the others then start side by side.
  start_one server1
  for node in server2 server3; do start_server "$node"; done
  for node in "${notifiers[@]}"; do start_notifier "$node"; done
  for node in server2 server3; do wait_http "http://127.0.0.1:$(server_port "${node#server}")/readyz" "$node" 120; done
  for node in notifier1 notifier2; do wait_http "http://127.0.0.1:$(notifier_port "${node#notifier}")/readyz" "$node" 120; done
  start_one gateway
  say "up: http://127.0.0.1:$gateway_port (sign in with any username and the password in $dir/password)"
  status
}

down() {
  local name pid
  [ -d "$dir/pids" ] || { say "nothing runs"; return 0; }
  for file in "$dir"/pids/*.pid; do
    [ -e "$file" ] || continue
    name=$(basename "$file" .pid); pid=$(cat "$file")
    if kill -0 "$pid" 2>/dev/null; then
      kill -CONT "$pid" 2>/dev/null || true # a paused process cannot stop
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  for file in "$dir"/pids/*.pid; do
    [ -e "$file" ] || continue
    pid=$(cat "$file")
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$file"
  done
  say "down"
}

status() {
  local name
  for name in "${nats_nodes[@]}" dynalite s3 "${servers[@]}" "${notifiers[@]}" gateway; do
    if running "$name"; then printf '%-10s running  pid %s\n' "$name" "$(pid_of "$name")"; else printf '%-10s stopped\n' "$name"; fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  kill)
    pid=$(pid_of "${2:?name}")
    running "$2" && kill -KILL "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    say "killed $2" ;;
  start) start_one "${2:?name}" ;;
  *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
