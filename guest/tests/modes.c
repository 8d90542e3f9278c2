/* Permission bits without depending on who runs the test: umask applied to open and mkdir, chmod
 * and fchmod seen by stat, the special bits, access F_OK on present and missing files, and
 * EINVAL for a bad access mode. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"

#define F "/tmp/pj_modes.f"
#define D "/tmp/pj_modes.d"

static unsigned mode_of(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 ? st.st_mode & 07777 : 0xffff;
}

int main(void) {
  unlink(F);
  rmdir(D);
  mode_t old = umask(027);
  CHECK(umask(027) == 027);
  int fd = open(F, O_CREAT | O_WRONLY, 0666);
  CHECK(fd >= 0 && mode_of(F) == 0640);
  CHECK(mkdir(D, 0777) == 0 && mode_of(D) == 0750);
  CHECK(chmod(F, 0604) == 0 && mode_of(F) == 0604);
  CHECK(fchmod(fd, 0755) == 0 && mode_of(F) == 0755);
  CHECK(chmod(F, 04755) == 0 && mode_of(F) == 04755);
  CHECK(chmod(D, 01777) == 0 && mode_of(D) == 01777);
  CHECK(access(F, F_OK) == 0);
  CHECK(access(F ".missing", F_OK) == -1 && errno == ENOENT);
  CHECK(access(F, 0x80) == -1 && errno == EINVAL);
  CHECK(chmod(F ".missing", 0600) == -1 && errno == ENOENT);
  umask(0);
  CHECK(fchmod(fd, 0777) == 0 && mode_of(F) == 0777);
  close(fd);
  CHECK(unlink(F) == 0 && rmdir(D) == 0);
  umask(old);
  return check_failures;
}
