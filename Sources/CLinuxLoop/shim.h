// Kernel UAPI headers that Glibc's Swift module does not expose: loop-device ioctls and the
// filesystem ioctls (FICLONE, FS_IOC_FSGETXATTR/FSSETXATTR for project ids). Header-only; nothing is linked.
// Function-like macros (_IOW, ...) do not import into Swift, so their values are re-exported as constants.
#include <linux/loop.h>
#include <linux/fs.h>
#include <linux/quota.h>
#include <linux/dqblk_xfs.h>
#include <sys/ioctl.h>
#include <sys/quota.h>
#include <sys/statfs.h>
#include <sys/mount.h>

static const unsigned long stowage_FICLONE = FICLONE;
static const unsigned long stowage_FS_IOC_FSGETXATTR = FS_IOC_FSGETXATTR;
static const unsigned long stowage_FS_IOC_FSSETXATTR = FS_IOC_FSSETXATTR;
static const unsigned long stowage_BLKGETSIZE64 = BLKGETSIZE64;
