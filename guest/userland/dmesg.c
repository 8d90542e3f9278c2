/* dmesg: prints the kernel log buffer, read whole with syslog(2) action 3 (SYSLOG_ACTION_READ_ALL)
 * after asking its size with action 10 (SYSLOG_ACTION_SIZE_BUFFER). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_SIZE_BUFFER 10

int main(void) {
  long size = syscall(SYS_syslog, SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);
  if (size <= 0) size = 1 << 16;
  char *buf = malloc((size_t)size);
  long n = buf == NULL ? -1 : syscall(SYS_syslog, SYSLOG_ACTION_READ_ALL, buf, size);
  if (n < 0) {
    fprintf(stderr, "dmesg: %s\n", strerror(errno));
    return 1;
  }
  fwrite(buf, 1, (size_t)n, stdout);
  if (n > 0 && buf[n - 1] != '\n') putchar('\n');
  free(buf);
  return 0;
}
