#!/bin/bash
# Submits the sharded sweep and, depending on it, the merge of its 4 databases.
set -euo pipefail
cd "$(dirname "$0")/../.."
array=$(sbatch --parsable deploy/slurm/sweep-array.sh)
sbatch --dependency="afterok:$array" --job-name=scalebench-merge \
  --wrap "scalebench merge shard-1.sqlite shard-2.sqlite shard-3.sqlite shard-4.sqlite -o results.sqlite"
