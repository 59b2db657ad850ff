#!/usr/bin/env bash
# The person detector as a process worker (Scenarios/person-detector-process.yaml) at 4
# streams of the pedestrian recording, options A, B and C, then its calibration and the
# host model's prediction:
#   1. A, B and C in real time, traced (about 3.5 minutes with DURATION=60s);
#   2. `calibrate` on the option A run (the detector's CPU demand per service: its worker
#      thread's encoding and IPC plus its child's CPU; the captures' decoding);
#   3. A, B and C in simulated time on the scenario's box with that calibration;
#   4. the report (process workers, CPU by class, simulated beside real time).
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
[ -x "$BIN" ] || swift build -c release --product scalebench
busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
read -r busy0 total0 <<<"$(busy)"
"$BIN" sweep Scenarios/person-detector-process.yaml --db "$DB" --streams "$STREAMS" --duration "$DURATION" --trace --quiet
read -r busy1 total1 <<<"$(busy)"
echo "machine CPU busy over the real-time runs: $(awk -v b=$((busy1 - busy0)) -v t=$((total1 - total0)) -v n="$(nproc)" 'BEGIN { printf "%.2f of %d cores", b / t * n, n }')"
SOURCE=$(python3 - "$DB" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("SELECT id FROM run WHERE mode = 'realtime' AND topology = 'A' AND status = 'completed' "
                 "ORDER BY started_at DESC LIMIT 1").fetchone()[0])
PY
)
"$BIN" calibrate "$SOURCE" --db "$DB"
"$BIN" sweep Scenarios/person-detector-process.yaml --db "$DB" --mode simulated --calibrated "$SOURCE" --streams "$STREAMS" \
  --duration "$DURATION" --repetitions 5 --quiet
"$BIN" report person-detector-process --db "$DB" --out "$OUT"
sed -n '/^## Process workers/,/^## Options/p;/^## Simulated beside real time/,/^## Environment/p' "$OUT/person-detector-process.md"
