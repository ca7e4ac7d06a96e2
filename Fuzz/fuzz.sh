#!/usr/bin/env bash
# Builds, runs and minimises the libFuzzer targets. Run from anywhere; see README.md.
#   fuzz.sh build [debug|release]          build all six targets (release: faster executions)
#   fuzz.sh run TARGET SECONDS [config]    fuzz a copy of Corpus/TARGET, log in .build/logs/TARGET.log
#   fuzz.sh merge TARGET [config]          add to Corpus/TARGET what the copy reaches beyond it
# TARGET is one of: labels journal model-header image-headers shard-record lab
set -euo pipefail
cd "$(dirname "$0")"
targets=(labels journal model-header image-headers shard-record lab)
flags=(-Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
export LSAN_OPTIONS="suppressions=$PWD/lsan-suppressions.txt${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

case "${1:-}" in
build)
    config=${2:-debug}
    # One product at a time: a plain `swift build` here would also build the app with these flags.
    for t in "${targets[@]}"; do nice -n 19 swift build -c "$config" "${flags[@]}" --product "fuzz-$t"; done
    ;;
run)
    t=$2 seconds=$3 config=${4:-debug}
    mkdir -p ".build/work/$t" ".build/fuzz-artifacts/$t" .build/logs
    cp -n "Corpus/$t"/* ".build/work/$t/"
    nice -n 19 ".build/$config/fuzz-$t" ".build/work/$t" -max_total_time="$seconds" -print_final_stats=1 \
        -timeout=10 -rss_limit_mb=2048 -artifact_prefix=".build/fuzz-artifacts/$t/" 2>&1 | tee ".build/logs/$t.log"
    ;;
merge)
    # libFuzzer adds to Corpus/TARGET only the inputs that reach coverage it does not already
    # reach, so the named seeds stay and the additions are few and small.
    t=$2 config=${3:-debug}
    nice -n 19 ".build/$config/fuzz-$t" -merge=1 "Corpus/$t" ".build/work/$t"
    ;;
*)
    sed -n '2,6p' "$0"; exit 2 ;;
esac
