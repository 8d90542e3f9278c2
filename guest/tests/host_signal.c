/* Signals from the host and output as it is written: run with no argument it only checks that its
 * handler installs (the differential suite); with "trap" it prints "ready" and waits, and exits 7
 * from its SIGTERM handler; with "plain" it waits with SIGTERM at its default (and dies of it);
 * with "ignore" it waits with SIGTERM ignored (only a forced stop ends it);
 * with "prompt" it writes a prompt without a newline, reads a name and greets it. The host test
 * sends the signals or the name, and compares with qemu-riscv64. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void on_term(int sig) {
  (void)sig;
  static const char msg[] = "got SIGTERM\n";
  write(1, msg, sizeof msg - 1);
  _exit(7);
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "prompt") == 0) {
    static const char prompt[] = "name? ";
    write(1, prompt, sizeof prompt - 1);
    char name[64];
    ssize_t n = read(0, name, sizeof name - 1);
    if (n <= 0) {
      return 3;
    }
    name[n] = 0;
    name[strcspn(name, "\n")] = 0;
    printf("hello %s\n", name);
    return 0;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_term;
  if (strcmp(mode, "ignore") == 0) {
    sa.sa_handler = SIG_IGN;
  }
  if (strcmp(mode, "plain") != 0 && sigaction(SIGTERM, &sa, NULL) != 0) {
    perror("sigaction");
    return 1;
  }
  if (mode[0] == 0) {
    printf("handler installed\n");
    return 0;
  }
  static const char ready[] = "ready\n";
  write(1, ready, sizeof ready - 1);
  for (;;) {
    pause();
  }
}
