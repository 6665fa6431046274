#!/usr/bin/env bash
# run-registry-bench.sh - benchmark a Release build of strata-registry.
#
# Usage: tests/bench/run-registry-bench.sh BUILD_DIR
#   BUILD_DIR  a configured tree, ideally -DCMAKE_BUILD_TYPE=Release; the script
#              runs `cmake --build BUILD_DIR --target strata-registry strata-register-bench`
#              and builds nothing else.
#
# Measures, each server on its own temporary data directory:
#   (a) GET /schemas/ids/{id}: wrk (2 threads, 64 keep-alive connections) against
#       strata-registry and against nginx serving the same response bytes as a
#       static file with the same Content-Type, in the same run; ratio strata/nginx.
#   (b) registration: 10,000 distinct Avro schemas under 10,000 new subjects from 16
#       concurrent keep-alive clients (strata-register-bench), then 10,000 more
#       (subjects 10k-20k) on the same server; registrations/s and the time of
#       every batch of 1,000, to see whether the cost grows with the number of subjects.
#   (c) memory and start-up: VmRSS of the idle server, VmRSS/VmHWM with 100,000
#       schemas registered, and the restart time with 100,000 schemas (from exec to
#       the "listening" line on stdout), three restarts.
#
# Environment:
#   STRATA_BENCH_DURATION  seconds of each measured wrk run (default 10)
#   STRATA_BENCH_WARMUP    seconds of the wrk warm-up before each (default 2)
#   STRATA_BENCH_THREADS   registry HTTP threads, passed as --threads when the server
#                          has that option, and nginx worker_processes (default nproc)
#   STRATA_BENCH_CLIENTS   concurrent registration clients (default 16)
#   STRATA_BENCH_COUNT     registrations per run in (b) (default 10000)
#   STRATA_BENCH_BIG       schemas registered for (c) (default 100000)
#
# Prints the details as it goes and one summary table at the end. Benchmarks are
# not tests: the exit status is 0 whether a target is met or not, and non-zero
# only when something fails to run (a server does not start, a request fails).
set -euo pipefail
export LC_ALL=C

if [[ $# -ne 1 ]]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
duration=${STRATA_BENCH_DURATION:-10}
warmup=${STRATA_BENCH_WARMUP:-2}
threads=${STRATA_BENCH_THREADS:-$(nproc)}
clients=${STRATA_BENCH_CLIENTS:-16}
count=${STRATA_BENCH_COUNT:-10000}
big=${STRATA_BENCH_BIG:-100000}
python=/usr/bin/python3
ctype=application/vnd.schemaregistry.v1+json

for tool in nginx wrk curl "$python"; do
  if ! command -v "$tool" >/dev/null; then
    echo "run-registry-bench.sh: $tool not found (apt-get install -y nginx wrk curl python3)" >&2
    exit 2
  fi
done
if ((big < 2 * count)); then
  echo "run-registry-bench.sh: STRATA_BENCH_BIG ($big) must be at least 2 x STRATA_BENCH_COUNT" >&2
  exit 2
fi

build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
if [[ $build_type != Release ]]; then
  echo "run-registry-bench.sh: warning: $build is a '${build_type:-?}' build, not Release" >&2
fi
cmake --build "$build" --target strata-registry strata-register-bench -j 2 >&2

registry=$build/registry/strata-registry
client=$build/tests/bench/strata-register-bench
if [[ ! -x $registry || ! -x $client ]]; then
  echo "run-registry-bench.sh: strata-registry or strata-register-bench not found in $build" >&2
  exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/strata-registry-bench.XXXXXX")
reg_pid=
nginx_pid=
drain_pid=
cleanup() {
  local p
  for p in "$reg_pid" "$nginx_pid"; do
    if [[ -n $p ]] && kill -0 "$p" 2>/dev/null; then
      kill -TERM "$p" 2>/dev/null || true
      wait "$p" 2>/dev/null || true
    fi
  done
  if [[ -n $drain_pid ]]; then
    wait "$drain_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

results=$tmp/results
: >"$results"
result() { # result KEY VALUE
  printf '%s %s\n' "$1" "$2" >>"$results"
}
say() {
  printf '%s\n' "$*" >&2
}

thread_args=()
if "$registry" --help 2>&1 | grep -q -- '--threads'; then
  thread_args=(--threads "$threads")
  say "registry: $registry (--threads $threads); nginx worker_processes $threads"
else
  say "registry: $registry (no --threads option: its default thread count);" \
    "nginx worker_processes $threads"
fi

# start_registry NAME DB: starts the server, sets reg_pid, reg_port, reg_start_ms
# (milliseconds from just before exec to the "listening" line).
start_registry() {
  local name=$1 db=$2 fifo=$tmp/$1.fifo line t0 t1 fd
  rm -f "$fifo"
  mkfifo "$fifo"
  t0=$EPOCHREALTIME
  "$registry" --listen 127.0.0.1:0 --data "$db" "${thread_args[@]}" >"$fifo" 2>>"$tmp/$name.stderr" &
  reg_pid=$!
  exec {fd}<"$fifo"
  if ! IFS= read -r -t 120 line <&"$fd"; then
    exec {fd}<&-
    say "run-registry-bench.sh: $name: no 'listening' line within 120 s; stderr:"
    tail -n 20 "$tmp/$name.stderr" >&2 || true
    exit 1
  fi
  t1=$EPOCHREALTIME
  cat <&"$fd" >>"$tmp/$name.stdout" &
  drain_pid=$!
  exec {fd}<&-
  if [[ ! $line =~ ^strata-registry\ listening\ on\ http://127\.0\.0\.1:([0-9]+)$ ]]; then
    say "run-registry-bench.sh: $name: unexpected first line: $line"
    exit 1
  fi
  reg_port=${BASH_REMATCH[1]}
  reg_start_ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 }')
}

stop_registry() {
  local rc=0
  kill -TERM "$reg_pid"
  wait "$reg_pid" || rc=$?
  wait "$drain_pid" 2>/dev/null || true
  reg_pid=
  drain_pid=
  if ((rc != 0)); then
    say "run-registry-bench.sh: warning: strata-registry exited $rc after SIGTERM"
  fi
}

rss_kb() { # rss_kb PID FIELD -> kB
  sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$1/status"
}

free_port() {
  "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wrk_rate NAME URL -> requests/s of the measured run (warm-up first)
wrk_rate() {
  local name=$1 url=$2 out=$tmp/wrk-$1.txt rate
  wrk -t2 -c64 -d"${warmup}s" "$url" >/dev/null
  wrk -t2 -c64 -d"${duration}s" --latency "$url" >"$out"
  sed 's/^/    /' "$out" >&2
  if grep -qE 'Non-2xx|Socket errors' "$out"; then
    say "  WARNING: $name: wrk reported errors or non-2xx responses (see above)"
    result "${name}_wrk_errors" "$(grep -E 'Non-2xx|Socket errors' "$out" | tr -s ' ' | tr ' ' '_')"
  fi
  rate=$(sed -n 's/^Requests\/sec:[[:space:]]*//p' "$out")
  if [[ -z $rate ]]; then
    say "run-registry-bench.sh: $name: no Requests/sec in wrk output"
    exit 1
  fi
  printf '%s\n' "$rate"
}

# run_client OUT ARGS...: runs strata-register-bench against the running registry
run_client() {
  local out=$1
  shift
  if ! "$client" --url "http://127.0.0.1:$reg_port" --threads "$clients" "$@" >"$out"; then
    say "run-registry-bench.sh: strata-register-bench failed (registry stderr tail:)"
    tail -n 20 "$tmp"/*.stderr >&2 || true
    exit 1
  fi
}

# ---- (a) GET /schemas/ids/{id} against nginx, and idle RSS -----------------
say ""
say "== (a) GET /schemas/ids/{id}: strata-registry vs nginx (wrk -t2 -c64, ${warmup}s warm-up, ${duration}s)"
mkdir -p "$tmp/a"
start_registry a "$tmp/a/strata.db"
sleep 1
result idle_rss_kb "$(rss_kb "$reg_pid" VmRSS)"
result idle_hwm_kb "$(rss_kb "$reg_pid" VmHWM)"
result start_empty_ms "$reg_start_ms"
base=http://127.0.0.1:$reg_port
schema='{"schema":"{\"type\":\"record\",\"name\":\"Payment\",\"namespace\":\"bench\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"amount\",\"type\":\"double\"},{\"name\":\"currency\",\"type\":{\"type\":\"enum\",\"name\":\"Currency\",\"symbols\":[\"EUR\",\"USD\",\"GBP\"]}},{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}]}"}'
reg_body=$(curl -sS -f -X POST -H "Content-Type: $ctype" --data-binary "$schema" \
  "$base/subjects/payments-value/versions")
id=$("$python" -c 'import json, sys; print(json.loads(sys.argv[1])["id"])' "$reg_body")
url_path=/schemas/ids/$id
mkdir -p "$tmp/nginx/html/schemas/ids" "$tmp/nginx/logs"
code=$(curl -sS -o "$tmp/nginx/html$url_path" -D "$tmp/a/headers" -w '%{http_code}' "$base$url_path")
if [[ $code != 200 ]]; then
  say "run-registry-bench.sh: GET $url_path returned $code"
  exit 1
fi
reg_ctype=$(sed -n 's/^[Cc]ontent-[Tt]ype:[[:space:]]*\([^[:space:]]*\).*/\1/p' "$tmp/a/headers")
say "  registered id $id; GET $url_path: $(wc -c <"$tmp/nginx/html$url_path") bytes, Content-Type: $reg_ctype"
if [[ $reg_ctype != "$ctype" ]]; then
  say "  WARNING: registry Content-Type is '$reg_ctype', nginx serves $ctype"
fi

nginx_port=$(free_port)
user_line=
if ((EUID == 0)); then
  user_line="user $(id -un) $(id -gn);"
fi
cat >"$tmp/nginx/nginx.conf" <<EOF
$user_line
worker_processes $threads;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log warn;
events {
  worker_connections 1024;
}
http {
  access_log off;
  server_tokens off;
  etag off;
  sendfile on;
  tcp_nodelay on;
  keepalive_timeout 65;
  keepalive_requests 100000000;
  types { }
  default_type $ctype;
  client_body_temp_path $tmp/nginx/client_body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    root $tmp/nginx/html;
    location / {
    }
  }
}
EOF
nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/logs/error.log" &
nginx_pid=$!
for _ in $(seq 100); do
  if curl -s -o /dev/null "http://127.0.0.1:$nginx_port/"; then
    break
  fi
  sleep 0.05
done
curl -sS -f -o "$tmp/a/nginx-body" -D "$tmp/a/nginx-headers" "http://127.0.0.1:$nginx_port$url_path"
if ! cmp -s "$tmp/a/nginx-body" "$tmp/nginx/html$url_path"; then
  say "run-registry-bench.sh: nginx does not serve the same bytes"
  exit 1
fi
say "  nginx on port $nginx_port serves the same $(wc -c <"$tmp/a/nginx-body") bytes," \
  "Content-Type: $(sed -n 's/^[Cc]ontent-[Tt]ype:[[:space:]]*\([^[:space:]]*\).*/\1/p' "$tmp/a/nginx-headers")"

say "  wrk -> strata-registry $base$url_path"
strata_rps=$(wrk_rate strata "$base$url_path")
say "  wrk -> nginx http://127.0.0.1:$nginx_port$url_path"
nginx_rps=$(wrk_rate nginx "http://127.0.0.1:$nginx_port$url_path")
result get_strata_rps "$strata_rps"
result get_nginx_rps "$nginx_rps"
result get_after_rss_kb "$(rss_kb "$reg_pid" VmRSS)"
kill -TERM "$nginx_pid"
wait "$nginx_pid" || true
nginx_pid=
stop_registry

# ---- (b) registration throughput, 0-10k then 10k-20k subjects ----------------
say ""
say "== (b) registration: $count distinct Avro schemas x 2 runs, $clients keep-alive clients"
mkdir -p "$tmp/b"
start_registry b "$tmp/b/strata.db"
say "  run 1: subjects 1..$count"
run_client "$tmp/b/run1.txt" --count "$count" --offset 0 --progress
say "  run 2: subjects $((count + 1))..$((2 * count))"
run_client "$tmp/b/run2.txt" --count "$count" --offset "$count" --progress
for r in 1 2; do
  read -r _ n secs rate mean maxl < <(grep '^RESULT' "$tmp/b/run$r.txt")
  say "  run $r: $n registrations in $secs s = $rate/s, mean latency $mean ms, max $maxl ms"
  result "reg${r}_rate" "$rate"
  result "reg${r}_mean_ms" "$mean"
  result "reg${r}_max_ms" "$maxl"
  grep '^BATCH' "$tmp/b/run$r.txt" >>"$tmp/b/batches.txt"
done

# ---- (c) memory with 100k schemas and restart time ---------------------------
say ""
say "== (c) memory and restart with $big schemas"
rest=$((big - 2 * count))
say "  registering $rest more (subjects $((2 * count + 1))..$big); this takes a while"
run_client "$tmp/b/run3.txt" --count "$rest" --offset "$((2 * count))" --batch 10000 --progress
read -r _ _ secs rate _ _ < <(grep '^RESULT' "$tmp/b/run3.txt")
say "  $rest registrations in $secs s = $rate/s"
result reg3_rate "$rate"
sleep 1
result big_rss_kb "$(rss_kb "$reg_pid" VmRSS)"
result big_hwm_kb "$(rss_kb "$reg_pid" VmHWM)"
db_kb=$(du -sk "$tmp/b" | cut -f1)
result big_db_kb "$db_kb"
stop_registry
for r in 1 2 3; do
  start_registry b "$tmp/b/strata.db"
  say "  restart $r: listening after $reg_start_ms ms"
  result "restart${r}_ms" "$reg_start_ms"
  if ((r == 1)); then
    sleep 1
    result restart_rss_kb "$(rss_kb "$reg_pid" VmRSS)"
    nsub=$(curl -sS -f "http://127.0.0.1:$reg_port/subjects" |
      "$python" -c 'import json, sys; print(len(json.load(sys.stdin)))')
    last=$(curl -sS -f "http://127.0.0.1:$reg_port/subjects/bench-$((big - 1))-value/versions/1" |
      "$python" -c 'import json, sys; print(json.load(sys.stdin)["id"])')
    code=$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$reg_port/schemas/ids/$last")
    say "  after restart: $nsub subjects; bench-$((big - 1))-value v1 has id $last; GET /schemas/ids/$last: $code"
    if [[ $nsub != "$big" || $code != 200 ]]; then
      say "  WARNING: expected $big subjects and 200"
      result restart_check "FAILED:subjects=$nsub,get=$code"
    fi
  fi
  stop_registry
done

# ---- summary -----------------------------------------------------------------
say ""
"$python" - "$results" "$tmp/b/batches.txt" "$count" "$big" "$clients" <<'EOF'
import statistics
import sys

res_file, batch_file, count, big, clients = sys.argv[1:6]
count, big = int(count), int(big)
r = {}
with open(res_file, encoding="utf-8") as f:
    for line in f:
        k, v = line.split(" ", 1)
        r[k] = v.strip()
batches = []
with open(batch_file, encoding="utf-8") as f:
    for line in f:
        _, first, last, ms, rate, mean = line.split()
        batches.append((int(first), int(last), float(ms), float(rate), float(mean)))

print("per-batch registration timings (subjects existing after the batch, batch time, rate, mean latency)")
for first, last, ms, rate, mean in batches:
    print("  %6d..%-6d %9.1f ms %9.1f/s %8.2f ms" % (first, last, ms, rate, mean))
print()


def mb(kb):
    return float(kb) / 1024


rows = []


def row(metric, value, ref, ratio, target, met):
    rows.append((metric, value, ref, ratio, target, met))


s, n = float(r["get_strata_rps"]), float(r["get_nginx_rps"])
row("GET /schemas/ids/{id} req/s", "%.0f" % s, "nginx %.0f" % n, "%.2fx" % (s / n),
    ">= 1.0x nginx", "yes" if s >= n else "NO")
for key in ("strata_wrk_errors", "nginx_wrk_errors"):
    if key in r:
        row("  wrk errors (%s)" % key.split("_")[0], r[key].replace("_", " "), "-", "-", "none", "NO")
r1, r2 = float(r["reg1_rate"]), float(r["reg2_rate"])
row("registrations/s, subjects 1-%dk" % (count // 1000), "%.0f" % r1, "-", "-", ">= 2000/s",
    "yes" if r1 >= 2000 else "NO")
row("registrations/s, subjects %dk-%dk" % (count // 1000, 2 * count // 1000), "%.0f" % r2,
    "run 1 %.0f" % r1, "%.2fx" % (r2 / r1), ">= 2000/s, flat", "yes" if r2 >= 2000 else "NO")
# cost per registration as subjects grow: median batch time of each run, and the
# last batch of run 2 against the second batch of run 1 (the first includes connecting)
run1 = [b for b in batches if b[1] <= count]
run2 = [b for b in batches if count < b[1] <= 2 * count]
if run1 and run2:
    m1 = statistics.median(b[2] for b in run1)
    m2 = statistics.median(b[2] for b in run2)
    row("median ms per 1000, run 2 vs run 1", "%.1f" % m2, "run 1 %.1f" % m1, "%.2fx" % (m2 / m1),
        "flat (~1.0x)", "yes" if m2 / m1 <= 1.25 else "NO")
    ref = run1[1] if len(run1) > 1 else run1[0]
    last = run2[-1]
    row("ms per 1000, batch %d vs %d" % (last[1], ref[1]), "%.1f" % last[2], "%.1f" % ref[2],
        "%.2fx" % (last[2] / ref[2]), "flat (~1.0x)", "yes" if last[2] / ref[2] <= 1.25 else "NO")
if "reg3_rate" in r:
    row("registrations/s, subjects %dk-%dk" % (2 * count // 1000, big // 1000),
        "%.0f" % float(r["reg3_rate"]), "run 1 %.0f" % r1, "%.2fx" % (float(r["reg3_rate"]) / r1),
        "-", "-")
idle = mb(r["idle_rss_kb"])
row("RSS idle (VmRSS)", "%.1f MB" % idle, "-", "-", "<= 10 MB", "yes" if idle <= 10 else "NO")
row("RSS after wrk (VmRSS)", "%.1f MB" % mb(r["get_after_rss_kb"]), "-", "-", "-", "-")
bigrss, bighwm = mb(r["big_rss_kb"]), mb(r["big_hwm_kb"])
row("RSS with %dk schemas (VmRSS)" % (big // 1000), "%.1f MB" % bigrss, "-", "-", "<= 150 MB",
    "yes" if bigrss <= 150 else "NO")
row("  peak (VmHWM) while registering", "%.1f MB" % bighwm, "-", "-", "-", "-")
row("RSS after restart, %dk (VmRSS)" % (big // 1000), "%.1f MB" % mb(r["restart_rss_kb"]), "-",
    "-", "<= 150 MB", "yes" if mb(r["restart_rss_kb"]) <= 150 else "NO")
row("database size, %dk schemas" % (big // 1000), "%.1f MB" % mb(r["big_db_kb"]), "-", "-", "-",
    "-")
row("start-up, empty database", "%.1f ms" % float(r["start_empty_ms"]), "-", "-", "-", "-")
restarts = [float(r["restart%d_ms" % i]) for i in (1, 2, 3)]
worst = max(restarts)
row("restart with %dk schemas (max of 3)" % (big // 1000), "%.1f ms" % worst,
    "runs " + "/".join("%.0f" % t for t in restarts), "-", "<= 1000 ms",
    "yes" if worst <= 1000 else "NO")
if "restart_check" in r:
    row("  data after restart", r["restart_check"], "-", "-", "all there", "NO")

head = ("metric", "strata", "reference", "ratio", "target", "met")
widths = [max(len(x[i]) for x in rows + [head]) for i in range(len(head))]
line = "  ".join("%-*s" % (w, h) for w, h in zip(widths, head))
print(line)
print("-" * len(line))
for x in rows:
    print("  ".join("%-*s" % (w, c) if i in (0, 4, 5) else "%*s" % (w, c)
                    for i, (w, c) in enumerate(zip(widths, x))))
print()
print("wrk -t2 -c64 on the same 2-core machine as the servers; registration: %s keep-alive clients"
      % clients)
EOF
