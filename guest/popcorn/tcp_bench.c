/*
 * TCP round-trip latency and stream throughput, for scripts/bench-net, in the run's virtual time
 * (CLOCK_MONOTONIC). Usage:
 *   tcp_bench local [ROUNDS] [KIB]        its own echo and sink servers on 127.0.0.1 (threads)
 *   tcp_bench HOST ECHO SINK [ROUNDS] [KIB]  an echo server (nc -ll -p ECHO -e /bin/cat) and a
 *                                        sink (nc -l -p SINK > /dev/null) on HOST
 * Prints "rtt_ns N" (mean of ROUNDS one-byte round trips, default 200) and "stream_kib_per_s N"
 * with "stream_ns N" (KIB KiB, default 1024, sent then the sink's close awaited).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000L + t.tv_nsec;
}

static int listener(int port) {
  int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 4) != 0) {
    perror("listen");
    exit(1);
  }
  return s;
}

static void *echo_server(void *arg) {
  int c = accept((int)(long)arg, NULL, NULL);
  char b[4096];
  ssize_t n;
  while ((n = read(c, b, sizeof b)) > 0) write(c, b, (size_t)n);
  close(c);
  return NULL;
}

static void *sink_server(void *arg) {
  int c = accept((int)(long)arg, NULL, NULL);
  char b[65536];
  while (read(c, b, sizeof b) > 0) {
  }
  close(c);
  return NULL;
}

static int dial(const char *host, int port) {
  int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  inet_pton(AF_INET, host, &a.sin_addr);
  for (int tries = 0; connect(s, (struct sockaddr *)&a, sizeof a) != 0; tries++) {
    if (tries == 50) {
      perror("connect");
      exit(1);
    }
    close(s);
    usleep(100000); /* the server may not listen yet */
    s = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  return s;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: tcp_bench local|HOST ECHO SINK [ROUNDS] [KIB]\n");
    return 2;
  }
  int local = strcmp(argv[1], "local") == 0;
  const char *host = local ? "127.0.0.1" : argv[1];
  int first = local ? 2 : 4;
  if (!local && argc < 4) {
    fprintf(stderr, "usage: tcp_bench local|HOST ECHO SINK [ROUNDS] [KIB]\n");
    return 2;
  }
  int echo_port = local ? 47301 : atoi(argv[2]);
  int sink_port = local ? 47302 : atoi(argv[3]);
  int rounds = argc > first ? atoi(argv[first]) : 200;
  int kib = argc > first + 1 ? atoi(argv[first + 1]) : 1024;
  if (local) {
    pthread_t e, k;
    pthread_create(&e, NULL, echo_server, (void *)(long)listener(echo_port));
    pthread_create(&k, NULL, sink_server, (void *)(long)listener(sink_port));
  }
  int s = dial(host, echo_port);
  char c = 'x';
  long t0 = now_ns();
  for (int i = 0; i < rounds; i++) {
    if (write(s, &c, 1) != 1 || read(s, &c, 1) != 1) {
      perror("echo");
      return 1;
    }
  }
  printf("rtt_ns %ld\n", (now_ns() - t0) / rounds);
  close(s);
  s = dial(host, sink_port);
  static char block[65536];
  memset(block, 'p', sizeof block);
  long bytes = (long)kib * 1024, sent = 0;
  t0 = now_ns();
  while (sent < bytes) {
    long n = write(s, block, (size_t)(bytes - sent < (long)sizeof block ? bytes - sent : (long)sizeof block));
    if (n <= 0) {
      perror("stream");
      return 1;
    }
    sent += n;
  }
  shutdown(s, SHUT_WR);
  while (read(s, block, sizeof block) > 0) {
  }
  long ns = now_ns() - t0;
  printf("stream_ns %ld\nstream_kib_per_s %ld\n", ns, (long)((double)kib * 1e9 / (double)ns));
  close(s);
  return 0;
}
