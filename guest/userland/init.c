/* /init: the first process. It sets up the environment, boots the secondary kernels listed in
 * /etc/popcorn/kernels (one `ID [full] CMDLINE...` a line; blank lines and # comments skipped) one
 * after the other with /sbin/kexec and the light image (the full image and initramfs for a line
 * marked full), reporting failures without stopping, starts the SSH server when root has
 * authorized keys and the image has Dropbear, prints a banner, makes itself a session leader owning the console, starts an interactive /bin/sh on it,
 * reaps every orphan handed to it, and when the shell ends syncs and powers the machine off when
 * it is its kernel's first process (otherwise, or when reboot is refused, it exits with the shell's
 * status). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs /sbin/kexec for one secondary kernel and waits for it; returns its exit status. */
static int kexec_secondary(const char *cmdline, int full) {
  pid_t p = fork();
  if (p < 0) return -1;
  if (p == 0) {
    char *argv[] = {"kexec", "--image", full ? "/boot/popcorn-full.img" : "/boot/popcorn-light.img",
                    "--initrd", full ? "/boot/initramfs-full.cpio" : "/boot/initramfs-light.cpio",
                    "--append", (char *)cmdline, "--base", "auto", "--boot", NULL};
    execv("/sbin/kexec", argv);
    fprintf(stderr, "init: /sbin/kexec: %s\n", strerror(errno));
    _exit(127);
  }
  int ws;
  while (waitpid(p, &ws, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

static void boot_secondaries(void) {
  FILE *f = fopen("/etc/popcorn/kernels", "re");
  if (f == NULL) return;
  char line[4096];
  while (fgets(line, sizeof line, f) != NULL) {
    line[strcspn(line, "\n")] = '\0';
    char *id = line + strspn(line, " \t");
    if (*id == '\0' || *id == '#') continue;
    char *cmdline = id + strcspn(id, " \t");
    if (*cmdline != '\0') *cmdline++ = '\0';
    cmdline += strspn(cmdline, " \t");
    int full = strncmp(cmdline, "full", 4) == 0 && (cmdline[4] == ' ' || cmdline[4] == '\t');
    if (full) cmdline += 4 + strspn(cmdline + 4, " \t");
    printf("PopcornJ init: booting kernel %s%s\n", id, full ? " (full)" : "");
    fflush(stdout);
    int status = kexec_secondary(cmdline, full);
    if (status != 0) {
      printf("PopcornJ init: kernel %s: kexec failed (status %d), going on\n", id, status);
      fflush(stdout);
    }
  }
  fclose(f);
}

/* Starts Dropbear on port 22 when the image has it and root has keys to log in with: it makes its
 * host keys at the first connection (-R), logs to stderr (-E, the console) and goes to the
 * background by itself. The image's Dropbear is built without password logins. */
static void start_sshd(void) {
  if (access("/usr/sbin/dropbear", X_OK) != 0 || access("/root/.ssh/authorized_keys", R_OK) != 0)
    return;
  pid_t p = fork();
  if (p < 0) return;
  if (p == 0) {
    char *argv[] = {"dropbear", "-R", "-E", "-p", "22", NULL};
    execv("/usr/sbin/dropbear", argv);
    _exit(127);
  }
  int ws;
  while (waitpid(p, &ws, 0) < 0)
    if (errno != EINTR) return;
  printf("PopcornJ init: started dropbear on port 22\n");
  fflush(stdout);
}

int main(void) {
  setenv("PATH", "/bin:/sbin:/usr/bin:/usr/sbin", 1);
  setenv("HOME", "/", 1);
  setenv("TERM", "linux", 1);
  boot_secondaries();
  start_sshd();
  printf("PopcornJ init: starting /bin/sh\n");
  fflush(stdout);

  /* A new session whose controlling terminal is the console, when fd 0 is a terminal and we are
   * not a session leader already (the kernel's first process usually is not). */
  int tty = isatty(0);
  if (tty) {
    if (getsid(0) != getpid()) setsid();
    ioctl(0, TIOCSCTTY, 0);
    tcsetpgrp(0, getpgrp());
  }

  pid_t shell = fork();
  if (shell < 0) {
    perror("init: fork");
    return 1;
  }
  if (shell == 0) {
    char *argv[] = {"sh", NULL};
    execv("/bin/sh", argv);
    perror("init: /bin/sh");
    _exit(127);
  }

  /* The shell takes the terminal for itself and its jobs; init must not be stopped or killed by
   * what happens there. */
  signal(SIGINT, SIG_IGN);
  signal(SIGTTOU, SIG_IGN);
  signal(SIGTSTP, SIG_IGN);
  int status = 0;
  for (;;) {
    int ws;
    pid_t p = waitpid(-1, &ws, 0);
    if (p < 0) {
      if (errno == EINTR) continue;
      break; /* ECHILD: nothing left */
    }
    if (p == shell) {
      status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
      break;
    }
  }
  /* Orphans still running are collected without waiting for them. */
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  sync();
  /* Only as its kernel's first process, which has no parent (pid 1 on the primary; a secondary's
   * first pid is the first of its kernel's range): run by hand (say under qemu-user as root) it must
   * not power off the host. */
  if (getppid() == 0) {
    printf("PopcornJ init: shell exited with status %d, powering off\n", status);
    fflush(stdout);
    reboot(RB_POWER_OFF);
  }
  return status;
}
