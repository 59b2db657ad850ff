#!/bin/bash
# A sweep sharded over a Slurm job array: task i of 4 runs every 4th cell of the matrix
# into its own database. Submit with deploy/slurm/submit.sh, which adds the merge as a
# job that starts once every task has succeeded.
#SBATCH --job-name=scalebench-sweep
#SBATCH --array=1-4
#SBATCH --cpus-per-task=4
#SBATCH --mem=8G
#SBATCH --exclusive
set -euo pipefail
shards=${SLURM_ARRAY_TASK_COUNT:-4}
scalebench sweep Scenarios/decision-checkpoint.yaml --shard "$SLURM_ARRAY_TASK_ID/$shards" --db "shard-$SLURM_ARRAY_TASK_ID.sqlite" --quiet
