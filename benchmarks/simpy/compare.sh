#!/usr/bin/env bash
# queueing.md §1 in SimPy and in scalebench's simulated executor, same parameters:
# one worker, one latest-frame slot, Poisson arrivals at 30/s, constant 50 ms and
# exponential 33.3 ms service, 1,000,000 frames. Prints both models' figures, the
# closed forms, and each model's speed. Installs SimPy from PyPI if it is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -c "import simpy" 2>/dev/null || pip install --quiet simpy
BIN=${SCALEBENCH:-.build/release/scalebench}
[ -x "$BIN" ] || swift build -c release --product scalebench
FRAMES=${FRAMES:-1000000}
DURATION=$(python3 -c "print(f'{$FRAMES / 30:.0f}s')")
WARMUP=$(python3 -c "print(f'{$FRAMES / 600:.0f}s')")
for case in "constant 0.05 offload:constant(50ms)" "exponential 0.0333333333 offload:exponential(33.333333ms)"; do
  set -- $case
  echo "== $1 service, mean $2 s, Poisson 30/s, $FRAMES frames"
  python3 benchmarks/simpy/one_worker.py 30 "$2" "$1" "$FRAMES" 1
  start=$(date +%s.%N)
  "$BIN" run --mode simulated --no-store --json --streams 1 --fps 30 --arrival poisson --worker "$3" \
    --duration "$DURATION" --warmup "$WARMUP" --resolution 160x120 > /tmp/scalebench-simpy.json
  end=$(date +%s.%N)
  python3 - "$start" "$end" "$FRAMES" <<'PY'
import json, sys
r = json.load(open("/tmp/scalebench-simpy.json"))
w = r["workers"][0]
wall = float(sys.argv[2]) - float(sys.argv[1])
print(json.dumps({"model": "scalebench --mode simulated", "throughput": w["processedFPS"], "drop_fraction": w["dropFraction"],
                  "mean_age_ms": w["ageMs"]["mean"], "mean_latency_ms": w["latencyMs"]["mean"], "wall_seconds": wall,
                  "frames_per_wall_second": int(sys.argv[3]) * 1.05 / wall}, indent=2))
PY
done
