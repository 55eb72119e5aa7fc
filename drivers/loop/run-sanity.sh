#!/bin/sh
# Runs `stowage driver sanity` against the loop driver, including the restart checks, and exits with its status.
#
#   drivers/loop/run-sanity.sh [mount|block] [extra sanity flags, e.g. --junit sanity.xml -v]
#
# The access type defaults to mount (ext4); run it twice to cover both. Needs root, /dev/loop-control and
# mkfs.ext4. STOWAGE and STOWAGE_LOOP name the binaries (default .build/debug/stowage and
# .build/debug/stowage-loop, relative to the repository root, which is where this script runs from).
#
# The restart command the sanity tool runs is this same script with the argument `restart`: it stops the
# driver (SIGTERM, waiting until the process is gone) and starts a new one on the same socket and state dir.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

start_driver() {
    "$STOWAGE_LOOP" --endpoint "unix://$WORK/driver.sock" --state-dir "$WORK/state" \
        --node-id sanity-node >>"$WORK/driver.log" 2>&1 </dev/null &
    echo $! >"$WORK/driver.pid"
}

stop_driver() {
    pid=$(cat "$WORK/driver.pid" 2>/dev/null || true)
    [ -n "$pid" ] || return 0
    kill "$pid" 2>/dev/null || return 0
    # Poll (with a deadline) until the process is gone, so the next driver never meets a live socket.
    i=0
    while kill -0 "$pid" 2>/dev/null; do
        i=$((i + 1))
        if [ "$i" -gt 100 ]; then kill -9 "$pid" 2>/dev/null || true; fi
        sleep 0.05
    done
}

# Detaches every loop device still backed by a file of this run (a failed check may leave one behind).
detach_leftovers() {
    for f in /sys/block/loop*/loop/backing_file; do
        [ -r "$f" ] || continue
        case $(cat "$f") in
        "$WORK"/*) dev=/dev/$(basename "$(dirname "$(dirname "$f")")"); losetup -d "$dev" 2>/dev/null || true ;;
        esac
    done
}

if [ "${1:-}" = restart ]; then
    : "${WORK:?restart needs WORK from the parent run}"
    stop_driver
    start_driver
    exit 0
fi

access=mount
case "${1:-}" in
mount | block) access=$1; shift ;;
esac

cd "$root"
STOWAGE=${STOWAGE:-.build/debug/stowage}
STOWAGE_LOOP=${STOWAGE_LOOP:-.build/debug/stowage-loop}
STOWAGE_LOOP=$(cd "$(dirname "$STOWAGE_LOOP")" && pwd)/$(basename "$STOWAGE_LOOP")
export STOWAGE_LOOP
WORK=$(mktemp -d /tmp/loop-sanity.XXXXXX)
export WORK
status=1
# On success everything goes; on failure the driver log stays for the post-mortem.
trap 'stop_driver; detach_leftovers; if [ "$status" -eq 0 ]; then rm -rf --one-file-system "$WORK"; else rm -rf --one-file-system "$WORK/state" "$WORK/driver.sock"; echo "driver log: $WORK/driver.log" >&2; fi' EXIT

start_driver
status=0
"$STOWAGE" driver sanity --endpoint "unix://$WORK/driver.sock" --access-type "$access" --volume-size 16Mi \
    --restart-command "$here/run-sanity.sh restart" "$@" || status=$?
exit $status
