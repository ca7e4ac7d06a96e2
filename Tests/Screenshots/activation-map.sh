#!/bin/sh
# Screenshots of the activation map (README): the review in a sixel xterm under Xvfb
# (/work/shared/tools/sixel_check.sh), `c` typed into it with xdotool once the first
# image is classified, the shot taken a few seconds later.
#   Tests/Screenshots/activation-map.sh BINARY FOLDER sixel|blocks OUT.png [KEYS]
# KEYS (default "c") are xdotool key names, typed one by one.
set -eu
bin=$1 folder=$2 mode=$3 out=$4 keys=${5:-c}
ready=$(mktemp -u /tmp/hv-shot.XXXXXX)
check=${SIXEL_CHECK:-/work/shared/tools/sixel_check.sh}
export LANG=C.UTF-8  # xterm too: without it the bars, arrows and half blocks are mangled
"$check" -c -g 160x50 -f "$ready" "$out" 40 -- sh -c '
  (sleep 8; xdotool mousemove 40 40; for k in $4; do xdotool key "$k"; sleep 2; done; sleep 3; touch "$3") &
  COLORTERM=truecolor exec "$1" "$2" --graphics "$5" --reviewer screenshot' sh "$bin" "$folder" "$ready" "$keys" "$mode"
rm -f "$ready"
