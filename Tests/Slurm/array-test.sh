#!/bin/bash
# A real one-node Slurm cluster for one test (issue 14), from Debian's slurm-wlm and munge:
# munged, slurmctld and slurmd on localhost, every file in a fresh temporary folder, ports
# picked at random, nothing under /etc touched. It submits Scripts/classify-array.sbatch as
# an array of 3 over a copy of SampleImages, merges the parts and compares them byte for
# byte with one `classify`; then reruns task 2 alone and compares it with its first run.
# Every daemon it started is stopped on the way out, passed, failed or interrupted.
#
# usage: Tests/Slurm/array-test.sh PATH/TO/hematovision
# exit status: 0 passed, 77 skipped (the line says why), anything else failed.
# HV_SLURM_KEEP=1 keeps the temporary folder (logs, parts) for a look afterwards.
set -euo pipefail
exec 2>&1
export PATH="$PATH:/usr/sbin:/sbin"  # the daemons live in sbin

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
  echo "usage: $0 PATH/TO/hematovision"
  exit 2
fi
hv=$(realpath "$1")
repo=$(cd "$(dirname "$0")/../.." && pwd)

missing=()
for c in munged slurmctld slurmd sbatch sinfo squeue scancel; do
  command -v "$c" >/dev/null || missing+=("$c")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "skip: no ${missing[*]} on this machine (Debian: apt-get install slurm-wlm munge, which .ci/install-deps does)"
  exit 77
fi

start=$SECONDS
say() { printf '[%3ds] %s\n' $((SECONDS - start)) "$*"; }
fail() { say "FAIL: $*"; exit 1; }

work=$(mktemp -d /tmp/hv-slurm.XXXXXX)
chmod 755 "$work"  # munged wants its socket's folders searchable by all
mkdir -p "$work/munge" "$work/state" "$work/spool" "$work/log"
chmod 700 "$work/munge"
daemons=()  # "name:pid", in start order

stop_all() {
  local status=$?
  trap - EXIT INT TERM HUP
  if [ ${#daemons[@]} -gt 0 ]; then
    # Jobs first, so no slurmstepd outlives its slurmd.
    if [ -n "${SLURM_CONF:-}" ]; then
      scancel --quiet --user="$(id -un)" 2>/dev/null || true
      for _ in $(seq 1 40); do
        [ -z "$(squeue --noheader 2>/dev/null)" ] && break
        sleep 0.25
      done
    fi
    local i entry pid
    for ((i = ${#daemons[@]} - 1; i >= 0; i--)); do
      entry=${daemons[i]}
      pid=${entry#*:}
      kill -TERM "$pid" 2>/dev/null || continue
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      if kill -0 "$pid" 2>/dev/null; then
        say "${entry%%:*} (pid $pid) ignored SIGTERM; SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
      fi
      wait "$pid" 2>/dev/null || true
    done
    say "stopped ${daemons[*]%%:*}"
  fi
  if [ "$status" -ne 0 ]; then
    for f in "$work"/log/*; do
      [ -f "$f" ] || continue
      echo "----- ${f#"$work"/} (last 25 lines)"
      tail -n 25 "$f"
    done
  fi
  if [ "${HV_SLURM_KEEP:-0}" = 1 ]; then say "kept $work"; else rm -rf "$work"; fi
  exit "$status"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# Two free ports next to each other (nothing answers a connect on either).
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && ! (exec 3<>"/dev/tcp/127.0.0.1/$((p + 1))") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  return 1
}
port=$(free_port) || fail "no free port"

# munge: a fresh key, a private socket. munged refuses root unless forced.
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$work/munge/munge.key"
socket=$work/munge/munge.socket
munged --force --foreground --key-file="$work/munge/munge.key" --socket="$socket" \
  --pid-file="$work/munge/munged.pid" --seed-file="$work/munge/munged.seed" --log-file=/dev/null \
  </dev/null >"$work/log/munged.log" 2>&1 &
daemons+=("munged:$!")
for _ in $(seq 1 40); do [ -S "$socket" ] && break; sleep 0.25; done
[ -S "$socket" ] || fail "munged did not start"

user=$(id -un)
cat >"$work/slurm.conf" <<CONF
ClusterName=hvtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
# As root (CI) the daemons run as root; otherwise as the user, who then can only run own jobs.
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
# No log files: in the foreground (-D) the daemons log to standard error, kept in log/*.out.
# No cgroups, accounting or MPI: a container may have none of them.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SwitchType=switch/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmdParameters=config_overrides
NodeName=hvnode NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=hv Nodes=hvnode Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf

slurmctld -D -f "$SLURM_CONF" </dev/null >"$work/log/slurmctld.out" 2>&1 &
daemons+=("slurmctld:$!")
slurmd -D -N hvnode -f "$SLURM_CONF" </dev/null >"$work/log/slurmd.out" 2>&1 &
daemons+=("slurmd:$!")
state=""
for _ in $(seq 1 120); do
  state=$(sinfo --noheader --nodes=hvnode --format=%T 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.25
done
[ "$state" = idle ] || fail "node hvnode is '${state:-not known}', not idle, after 30 s"
say "cluster up: munged, slurmctld on 127.0.0.1:$port, slurmd on :$((port + 1)), $(nproc) CPUs"

cp -r "$repo/SampleImages" "$work/images"
export HEMATOVISION=$hv HEMATOVISION_PROBABILITIES=1
cd "$work"

# The array, as the README shows it: tasks 1-3, one shard each.
timeout 90 sbatch --wait --quiet --array=1-3 --cpus-per-task=1 --output="$work/log/task-%a.out" \
  "$repo/Scripts/classify-array.sbatch" images parts || fail "the array job failed (sbatch --wait: $?)"
for k in 1 2 3; do
  grep -q "(shard $k/3)" "log/task-$k.out" || fail "task $k did not classify shard $k/3: $(cat "log/task-$k.out")"
done
say "array 1-3 done: $(cat log/task-*.out | grep -o '[0-9]* classified' | tr '\n' ' ')"

"$hv" merge merged.csv parts/labels-{3,1,2}-of-3.csv --probabilities merged.jsonl || fail "merge failed"
"$hv" classify images --output single.csv --probabilities single.jsonl || fail "classify failed"
cmp merged.csv single.csv || fail "merged labels differ from one classify"
cmp merged.jsonl single.jsonl || fail "merged probabilities differ from one classify"
[ "$(grep -c . single.csv)" = 17 ] || fail "single.csv has not 16 rows: $(cat single.csv)"
say "merge == one classify, byte for byte (labels.csv and probabilities)"

# A failed task is rerun alone (its own sbatch, so HEMATOVISION_SHARDS says how many there are).
mkdir first
cp parts/labels-2-of-3.csv parts/labels-2-of-3.csv.shard.json parts/probabilities-2-of-3.jsonl first/
rm parts/labels-2-of-3.csv parts/labels-2-of-3.csv.shard.json parts/probabilities-2-of-3.jsonl
timeout 60 sbatch --wait --quiet --array=2 --cpus-per-task=1 --output="$work/log/rerun-%a.out" \
  --export=ALL,HEMATOVISION_SHARDS=3 "$repo/Scripts/classify-array.sbatch" images parts || fail "the rerun of task 2 failed"
for f in labels-2-of-3.csv labels-2-of-3.csv.shard.json probabilities-2-of-3.jsonl; do
  cmp "first/$f" "parts/$f" || fail "rerun of task 2: $f differs from the first run"
done
say "rerun of task 2 == its first run, byte for byte"
say "PASS"
