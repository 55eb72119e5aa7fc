#!/bin/sh
# Measures create+stage+publish (p50, p99) and concurrent provisioning on a fresh stowage-loop: Block and ext4,
# 1 GiB volumes. Needs root. Usage: drivers/loop/bench.sh [sequential] [concurrent]   (defaults 50 and 100)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
STOWAGE=${STOWAGE:-.build/debug/stowage}
STOWAGE_LOOP=${STOWAGE_LOOP:-.build/debug/stowage-loop}
WORK=$(mktemp -d /tmp/loop-bench.XXXXXX)
"$STOWAGE_LOOP" --endpoint "unix://$WORK/driver.sock" --state-dir "$WORK/state" --node-id bench >"$WORK/driver.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf --one-file-system "$WORK"' EXIT
i=0
while [ ! -S "$WORK/driver.sock" ]; do i=$((i + 1)); [ "$i" -lt 200 ] || { echo "driver did not start" >&2; exit 1; }; sleep 0.05; done
for access in block mount; do
    "$STOWAGE" bench provision --endpoint "unix://$WORK/driver.sock" --access-type "$access" --size-mib 1024 \
        --sequential "${1:-50}" --concurrent "${2:-100}" --work-dir "$WORK/pods"
done
