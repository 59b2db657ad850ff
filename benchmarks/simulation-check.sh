#!/usr/bin/env bash
# Real time against simulated time, and a calibrated simulation's prediction error, on
# benchmarks/agreement.yaml (offload workers: the machine's CPU does not interfere):
#   1. every cell in real time, 3 repetitions, traced (about 3 minutes);
#   2. the same cells in simulated time (seconds);
#   3. `calibrate` on the first real-time run at 4 streams, option C; a calibrated
#      simulation of that cell; repetitions 2 and 3 are its held-out repetitions;
#   4. the report: "Simulated beside real time" (agreement) and "Calibrated simulations:
#      prediction error" (against the source run and the held-out ones).
# Resumes: completed runs in the database are kept; delete it to measure again.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${SCALEBENCH:-.build/release/scalebench}
DB=${DB:-Reports/simulation-check.sqlite}
OUT=${OUT:-Reports}
[ -x "$BIN" ] || swift build -c release --product scalebench
"$BIN" sweep benchmarks/agreement.yaml --db "$DB" --trace --quiet
"$BIN" sweep benchmarks/agreement.yaml --db "$DB" --mode simulated --quiet
SOURCE=$(python3 - "$DB" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("SELECT id FROM run WHERE mode = 'realtime' AND streams = 4 AND topology = 'C' AND status = 'completed' "
                 "ORDER BY repetition, started_at LIMIT 1").fetchone()[0])
PY
)
"$BIN" calibrate "$SOURCE" --db "$DB"
"$BIN" sweep benchmarks/agreement.yaml --db "$DB" --mode simulated --calibrated "$SOURCE" --streams 4 --topologies C --quiet
"$BIN" report agreement --db "$DB" --out "$OUT"
sed -n '/^## Simulated beside real time/,/^## [^S]/p' "$OUT/agreement.md" | sed '$d'
