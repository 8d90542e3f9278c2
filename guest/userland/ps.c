/* ps: lists every process from /proc: PID, parent PID, state and command line (or [comm] when the
 * command line is empty, as for kernel threads and zombies). */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

static ssize_t read_file(const char *path, char *buf, size_t cap) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  size_t n = 0;
  ssize_t r;
  while (n + 1 < cap && (r = read(fd, buf + n, cap - 1 - n)) > 0) n += (size_t)r;
  close(fd);
  buf[n] = '\0';
  return (ssize_t)n;
}

int main(void) {
  DIR *d = opendir("/proc");
  if (d == NULL) {
    perror("ps: /proc");
    return 1;
  }
  int *pids = NULL;
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (!isdigit((unsigned char)e->d_name[0])) continue;
    pids = realloc(pids, (n + 1) * sizeof *pids);
    pids[n++] = atoi(e->d_name);
  }
  closedir(d);
  qsort(pids, n, sizeof *pids, cmp);
  printf("  PID  PPID S CMD\n");
  for (size_t i = 0; i < n; i++) {
    char path[64], stat[1024], cmd[4096];
    snprintf(path, sizeof path, "/proc/%d/stat", pids[i]);
    if (read_file(path, stat, sizeof stat) <= 0) continue; /* gone meanwhile */
    /* "PID (COMM) S PPID ...": COMM may hold spaces and parentheses, so the last ')' ends it */
    char *open_paren = strchr(stat, '(');
    char *close_paren = strrchr(stat, ')');
    if (open_paren == NULL || close_paren == NULL || close_paren[1] == '\0') continue;
    *close_paren = '\0';
    char state = ' ';
    int ppid = 0;
    sscanf(close_paren + 2, "%c %d", &state, &ppid);
    snprintf(path, sizeof path, "/proc/%d/cmdline", pids[i]);
    ssize_t len = read_file(path, cmd, sizeof cmd);
    if (len > 0) {
      for (ssize_t k = 0; k < len - 1; k++)
        if (cmd[k] == '\0') cmd[k] = ' ';
    } else {
      snprintf(cmd, sizeof cmd, "[%s]", open_paren + 1);
    }
    printf("%5d %5d %c %s\n", pids[i], ppid, state, cmd);
  }
  free(pids);
  return 0;
}
