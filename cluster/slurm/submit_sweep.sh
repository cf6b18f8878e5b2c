#!/usr/bin/env bash
# Submits a sweep as one Slurm job (sweep.sbatch) and, when it has finished
# successfully, the comparison report job (report.sbatch). Prints the job ids.
#   cluster/slurm/submit_sweep.sh SWEEP.yaml OUT_DIR [sbatch options...] [-- ketensim sweep options...]
# e.g. cluster/slurm/submit_sweep.sh configs/sweeps/demo.yaml runs/demo --ntasks=8 -- --ranks-per-run 2
# KETENSIM_NO_REPORT=1 skips the report job.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sweep=${1:?usage: submit_sweep.sh SWEEP.yaml OUT_DIR [sbatch options...] [-- ketensim sweep options...]}
out=${2:?usage: submit_sweep.sh SWEEP.yaml OUT_DIR [sbatch options...] [-- ketensim sweep options...]}
shift 2
sbatch_opts=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do sbatch_opts+=("$1"); shift; done
[ $# -gt 0 ] && shift
job=$(sbatch --parsable "${sbatch_opts[@]}" "$here/sweep.sbatch" "$sweep" "$out" "$@")
echo "sweep job: $job"
if [ "${KETENSIM_NO_REPORT:-0}" != 1 ]; then
  report=$(sbatch --parsable --dependency="afterok:${job%%;*}" "$here/report.sbatch" "$out")
  echo "report job: $report (after $job)"
fi
