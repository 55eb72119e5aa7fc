"""Bind mounts through libc's mount(2) and umount2(2) via ctypes, and /proc/self/mountinfo lookups.

Standard library only: no `mount` binary, no third-party package. Every failure raises OSError with the
errno, the call and the paths, so an error message says what was wrong.
"""

import ctypes
import ctypes.util
import errno
import os

# Flags from <sys/mount.h>.
MS_RDONLY = 1
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MNT_DETACH = 2

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_void_p]
_libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]


def _mount(source, target, flags):
    while True:
        if _libc.mount(os.fsencode(source), os.fsencode(target), None, flags, None) == 0:
            return
        err = ctypes.get_errno()
        if err != errno.EINTR:
            raise OSError(err, "mount(%s, %s, flags=%#x): %s" % (source, target, flags, os.strerror(err)))


def bind_mount(source, target, read_only=False):
    """Bind-mounts `source` onto `target`. Read-only needs a second call: the kernel ignores MS_RDONLY on
    the first MS_BIND, so the bind mount is remounted with MS_RDONLY (as `mount -o bind,ro` does)."""
    _mount(source, target, MS_BIND | MS_REC)
    if read_only:
        try:
            _mount("none", target, MS_BIND | MS_REMOUNT | MS_RDONLY)
        except OSError:
            unmount(target)  # never leave a writable mount behind when read-only was asked for
            raise


def unmount(target):
    """Unmounts `target`; a path that is not a mount point (EINVAL) or does not exist (ENOENT) is already done."""
    while True:
        if _libc.umount2(os.fsencode(target), 0) == 0:
            return
        err = ctypes.get_errno()
        if err == errno.EINTR:
            continue
        if err in (errno.EINVAL, errno.ENOENT):
            return
        raise OSError(err, "umount2(%s): %s" % (target, os.strerror(err)))


def _unescape(field):
    # mountinfo writes space, tab, newline and backslash as octal escapes (\040 ...).
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and i + 4 <= len(field) and field[i + 1:i + 4].isdigit():
            out.append(chr(int(field[i + 1:i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def mount_points():
    """Every mount point of this mount namespace, from /proc/self/mountinfo (field 5)."""
    points = set()
    with open("/proc/self/mountinfo", encoding="utf-8", errors="surrogateescape") as mountinfo:
        for line in mountinfo:
            fields = line.split(" ")
            if len(fields) > 4:
                points.add(_unescape(fields[4]))
    return points


def is_mount_point(path):
    """True when `path` is a mount point. os.path.ismount cannot see a bind mount within one filesystem
    (same device, different inode), so this reads mountinfo instead."""
    return os.path.realpath(path) in mount_points()


def unmount_all(path):
    """Unmounts `path` until it is no longer a mount point (a bind mount may be stacked more than once)."""
    for _ in range(16):
        if not is_mount_point(path):
            return
        unmount(path)
    raise OSError(errno.EBUSY, "%s is still mounted after 16 unmounts" % path)
