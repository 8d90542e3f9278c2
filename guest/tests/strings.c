/* String and memory functions on many sizes and alignments, checked against byte-by-byte
 * references and folded into a checksum. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define N 4096
static unsigned char src[N + 64], dst[N + 64], ref[N + 64];

static uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ULL; }

int main(void) {
  for (int i = 0; i < N + 64; i++) {
    src[i] = (unsigned char)(i * 131 + 7);
  }
  uint64_t h = 0xcbf29ce484222325ULL;
  int errors = 0;
  static const int sizes[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100,
                              127, 128, 255, 256, 257, 1000, 1023, 1024, 4000};
  for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
    int n = sizes[si];
    for (int sa = 0; sa < 8; sa++) {
      for (int da = 0; da < 8; da++) {
        memset(dst, 0xa5, sizeof dst);
        memset(ref, 0xa5, sizeof ref);
        memcpy(dst + da, src + sa, n);
        for (int i = 0; i < n; i++) ref[da + i] = src[sa + i];
        if (memcmp(dst, ref, sizeof dst) != 0) errors++;
        memset(dst + da, sa * 16 + da, n);
        for (int i = 0; i < n; i++) ref[da + i] = (unsigned char)(sa * 16 + da);
        if (memcmp(dst, ref, sizeof dst) != 0) errors++;
      }
      memcpy(dst, src, n + 16);
      memmove(dst + sa, dst, n);
      memcpy(ref, src, n + 16);
      for (int i = n - 1; i >= 0; i--) ref[sa + i] = ref[i];
      if (memcmp(dst, ref, n + 16) != 0) errors++;
      memmove(dst, dst + sa, n);
      h = mix(h, dst[n / 2]);
    }
  }
  printf("memcpy/memset/memmove errors=%d\n", errors);

  char s[300];
  for (int len = 0; len < 260; len++) {
    for (int a = 0; a < 8; a++) {
      char *p = s + a;
      for (int i = 0; i < len; i++) p[i] = (char)('a' + (i * 7 + a) % 26);
      p[len] = 0;
      if (strlen(p) != (size_t)len) errors++;
      h = mix(h, (uint64_t)(strchr(p, 'q') ? strchr(p, 'q') - p : -1));
      h = mix(h, (uint64_t)(strrchr(p, 'e') ? strrchr(p, 'e') - p : -1));
      h = mix(h, (uint64_t)(int64_t)strcmp(p, "hovcjqxelsz"));
      h = mix(h, (uint64_t)(int64_t)strncmp(p, s + 3, len / 2));
      h = mix(h, (uint64_t)(memchr(p, 'z', len) ? (char *)memchr(p, 'z', len) - p : -1));
    }
  }
  printf("strlen errors=%d\n", errors);

  char buf[512];
  strcpy(buf, "The quick brown fox");
  strcat(buf, " jumps over the lazy dog");
  printf("%s|%zu|%s|%s\n", buf, strlen(buf), strstr(buf, "lazy"), strpbrk(buf, "xyz"));
  printf("strspn=%zu strcspn=%zu\n", strspn(buf, "Teh "), strcspn(buf, "jv"));
  char tok[] = "alpha,beta;;gamma, delta";
  for (char *save, *t = strtok_r(tok, ",; ", &save); t; t = strtok_r(NULL, ",; ", &save)) {
    printf("token[%s]\n", t);
  }
  snprintf(buf, sizeof buf, "%5d|%-5d|%05.1f|%x|%o|%c|%10.3s|%%|%lld", 42, -42, 3.14159, 0xbeef, 8,
           'Z', "abcdef", -1234567890123LL);
  printf("%s\n", buf);
  printf("checksum=%016" PRIx64 "\n", h);
  return errors != 0;
}
