// libblkid, the system library that identifies filesystems and partition tables (util-linux).
// Found through pkg-config `blkid`; Debian/Ubuntu: apt install libblkid-dev.
#include <blkid/blkid.h>
