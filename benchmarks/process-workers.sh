#!/usr/bin/env bash
# The person detector as a process worker (Scenarios/person-detector-process.yaml) at 4
# streams of the pedestrian recording, options A, B and C, then its calibration and the
# host model's prediction:
#   1. A, B and C in real time, traced, REPETITIONS times each (about 3.5 minutes a
#      repetition with DURATION=60s);
#   2. per stream count and option, `calibrate` on its newest run (the detector's CPU
#      demand per service: its worker thread's encoding and IPC plus its child's CPU, kept
#      in the order served when it came in spells, as on a VM whose speed drifts; the
#      captures' decoding), then that option in simulated time on the scenario's box with
#      that calibration. Each option is calibrated from its own run because the child's
#      CPU per service depends on how many detector processes share the cores (A starts
#      one per stream, B and C two), which the host model takes as given
#      (Reports/benchmarks.md, "Longer runs at 2, 4 and 8 streams");
#   3. the report (process workers, CPU by class, simulated beside real time: each
#      calibration against the run it was fitted from and, with REPETITIONS ≥ 2, against
#      the held-out repetitions, which the fit never saw; each both against the median of
#      the 5 simulated seeds and against the simulation of the real run's own seed, whose
#      captures have the same phases).
# The machine's CPU is shared: the script prints every CPU's busy share over the real-time
# runs from /proc/stat, and what the runs themselves used, so that other load is seen.
# Resumes: completed runs in the database are kept; delete it to measure again.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${SCALEBENCH:-.build/release/scalebench}
DB=${DB:-Reports/process-workers.sqlite}
OUT=${OUT:-Reports}
DURATION=${DURATION:-60s}
STREAMS=${STREAMS:-4}
REPETITIONS=${REPETITIONS:-1}
[ -x "$BIN" ] || swift build -c release --product scalebench
busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
read -r busy0 total0 <<<"$(busy)"
"$BIN" sweep Scenarios/person-detector-process.yaml --db "$DB" --streams "$STREAMS" --duration "$DURATION" \
  --repetitions "$REPETITIONS" --trace --quiet
read -r busy1 total1 <<<"$(busy)"
echo "machine CPU busy over the real-time runs: $(awk -v b=$((busy1 - busy0)) -v t=$((total1 - total0)) -v n="$(nproc)" 'BEGIN { printf "%.2f of %d cores", b / t * n, n }')"
# The newest completed real-time run of option $1 at $2 streams.
source_run() {
  python3 - "$DB" "$1" "$2" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("SELECT id FROM run WHERE mode = 'realtime' AND topology = ? AND streams = ? AND status = 'completed' "
                 "ORDER BY started_at DESC LIMIT 1", (sys.argv[2], int(sys.argv[3]))).fetchone()[0])
PY
}
# simulate CALIBRATION STREAMS [sweep flags…]
simulate() {
  local calibration=$1 streams=$2; shift 2
  "$BIN" sweep Scenarios/person-detector-process.yaml --db "$DB" --mode simulated --calibrated "$calibration" \
    --streams "$streams" --duration "$DURATION" --repetitions 5 --quiet "$@"
}
# Each stream count is calibrated from its own runs.
for streams in ${STREAMS//,/ }; do
  for option in A B C; do
    source=$(source_run "$option" "$streams")
    "$BIN" calibrate "$source" --db "$DB"
    simulate "$source" "$streams" --topology "$option"
  done
done
"$BIN" report person-detector-process --db "$DB" --out "$OUT"
sed -n '/^## Process workers/,/^## Options/p;/^## Simulated beside real time/,/^## Environment/p' "$OUT/person-detector-process.md"
