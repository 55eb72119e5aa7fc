// Kernel UAPI headers that Glibc's Swift module does not expose: loop-device ioctls and the
// filesystem ioctls (FICLONE, FS_IOC_FSGETXATTR/FSSETXATTR for project ids), and pivot_root(2), unshare(2) and setns(2), which have no
// Glibc wrapper (syscall(2) is variadic and does not import into Swift), nor pipe2(2). Header-only; nothing is linked.
// Function-like macros (_IOW, ...) do not import into Swift, so their values are re-exported as constants.
#include <linux/loop.h>
#include <linux/fs.h>
#include <linux/quota.h>
#include <linux/dqblk_xfs.h>
#include <sys/ioctl.h>
#include <sys/quota.h>
#include <sys/statfs.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

static inline int stowage_pivot_root(const char *new_root, const char *put_old) {
    return (int)syscall(SYS_pivot_root, new_root, put_old);
}

// unshare(2) and setns(2), whose declarations Glibc hides without _GNU_SOURCE.
static inline int stowage_unshare(int flags) {
    return (int)syscall(SYS_unshare, flags);
}
static inline int stowage_setns(int fd, int nstype) {
    return (int)syscall(SYS_setns, fd, nstype);
}

// pipe2(2), hidden the same way: both ends close-on-exec from the start, so no child spawned meanwhile inherits them.
static inline int stowage_pipe_cloexec(int ends[2]) {
    return (int)syscall(SYS_pipe2, ends, 02000000 /* O_CLOEXEC */);
}

static const unsigned long stowage_FICLONE = FICLONE;
static const unsigned long stowage_FS_IOC_FSGETXATTR = FS_IOC_FSGETXATTR;
static const unsigned long stowage_FS_IOC_FSSETXATTR = FS_IOC_FSSETXATTR;
static const unsigned long stowage_BLKGETSIZE64 = BLKGETSIZE64;
