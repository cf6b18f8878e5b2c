#!/usr/bin/env bash
# Submits a sweep as a Slurm job array, one run per task (sweep_array.sbatch),
# and, when every task has finished successfully, the report job. Prints the job ids.
#   cluster/slurm/submit_sweep_array.sh SWEEP.yaml OUT_DIR [sbatch options...]
# e.g. cluster/slurm/submit_sweep_array.sh configs/sweeps/demo.yaml runs/demo --ntasks=4 --time=02:00:00
# KETENSIM (binary) and KETENSIM_SETUP are used here too; KETENSIM_NO_REPORT=1 skips the report.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sweep=${1:?usage: submit_sweep_array.sh SWEEP.yaml OUT_DIR [sbatch options...]}
out=${2:?usage: submit_sweep_array.sh SWEEP.yaml OUT_DIR [sbatch options...]}
shift 2
if [ -n "${KETENSIM_SETUP:-}" ]; then source "$KETENSIM_SETUP"; fi
n=$("${KETENSIM:-ketensim}" sweep "$sweep" --count)
job=$(sbatch --parsable --array="0-$((n - 1))" "$@" "$here/sweep_array.sbatch" "$sweep" "$out")
echo "array job: $job ($n runs)"
if [ "${KETENSIM_NO_REPORT:-0}" != 1 ]; then
  report=$(sbatch --parsable --dependency="afterok:${job%%;*}" "$here/report.sbatch" "$out")
  echo "report job: $report (after $job)"
fi
