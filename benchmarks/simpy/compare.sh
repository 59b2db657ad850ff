#!/usr/bin/env bash
# docs/queueing.md §1 in SimPy and in scalebench's simulated executor, same parameters:
# one worker, one latest-frame slot, Poisson arrivals at 30/s, constant 50 ms and
# exponential 33.3 ms service, 1,000,000 frames. Prints both models' figures beside the
# closed forms, then the speed of each: SimPy's `env.run()` and scalebench's event loop
# (`scalebench bench simulation`), both timed inside their process, medians of
# SIMPY_RUNS and 5 repetitions. Installs SimPy from PyPI if it is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -c "import simpy" 2>/dev/null || pip install --quiet simpy || pip install --quiet --break-system-packages simpy
BIN=${SCALEBENCH:-.build/release/scalebench}
[ -x "$BIN" ] || swift build -c release --product scalebench
FRAMES=${FRAMES:-1000000}
SIMPY_RUNS=${SIMPY_RUNS:-3}
DURATION=$(python3 -c "print(f'{$FRAMES / 30:.0f}s')")
WARMUP=$(python3 -c "print(f'{$FRAMES / 600:.0f}s')")
declare -A SIMPY_SPEED
for case in "constant 0.05 offload:constant(50ms)" "exponential 0.0333333333 offload:exponential(33.333333ms)"; do
  set -- $case
  echo "== $1 service, mean $2 s, Poisson 30/s, $FRAMES frames"
  speeds=()
  for run in $(seq 1 "$SIMPY_RUNS"); do
    python3 benchmarks/simpy/one_worker.py 30 "$2" "$1" "$FRAMES" "$run" > /tmp/scalebench-simpy-$run.json
    speeds+=("$(python3 -c "import json; print(json.load(open('/tmp/scalebench-simpy-$run.json'))['frames_per_wall_second'])")")
  done
  cat /tmp/scalebench-simpy-1.json
  SIMPY_SPEED[$1]=$(printf '%s\n' "${speeds[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  "$BIN" run --mode simulated --no-store --json --streams 1 --fps 30 --arrival poisson --worker "$3" \
    --duration "$DURATION" --warmup "$WARMUP" --resolution 160x120 > /tmp/scalebench-simpy.json
  python3 - <<'PY'
import json
r = json.load(open("/tmp/scalebench-simpy.json"))
w = r["workers"][0]
print(json.dumps({"model": "scalebench --mode simulated", "throughput": w["processedFPS"], "drop_fraction": w["dropFraction"],
                  "mean_age_ms": w["ageMs"]["mean"], "mean_latency_ms": w["latencyMs"]["mean"]}, indent=2))
PY
done
echo "== speed: simulated frames per wall second, the event loop alone"
"$BIN" bench simulation --frames "$FRAMES" --repetitions 5 > /tmp/scalebench-bench.md
cat /tmp/scalebench-bench.md
for kind in constant exponential; do
  ours=$(grep "§1 single worker, $kind" /tmp/scalebench-bench.md | awk -F'|' '{gsub(/[ M]/, "", $12); print $12 * 1e6}')
  python3 -c "print(f'$kind: SimPy {float(\"${SIMPY_SPEED[$kind]}\"):,.0f} frames/s, scalebench {float(\"$ours\"):,.0f} frames/s: {float(\"$ours\") / float(\"${SIMPY_SPEED[$kind]}\"):.1f}x')"
done
