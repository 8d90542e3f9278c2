/* An integer-only speed benchmark of the work most programs do between their loops: malloc and
 * free of many small blocks of varied sizes, string hashing into a chained hash table (inserts,
 * lookups, deletes), and sorting (qsort with a comparison function, and a merge sort). No floating
 * point. Prints one checksum so runs can be compared; argv[1] is the number of rounds (default 6). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEYS 40000
#define BUCKETS 16384
#define SORT_N 100000

struct node {
  struct node *next;
  uint64_t hash;
  uint32_t value;
  char key[];
};

static uint64_t state;

static uint64_t next_random(void) {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

static uint64_t fnv1a(const char *s, size_t n) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

static size_t make_key(char *buf, uint64_t r) {
  size_t n = 4 + r % 28;
  for (size_t i = 0; i < n; i++) {
    buf[i] = (char)('a' + (r >> (i % 8 * 5)) % 26);
    r = r * 6364136223846793005ULL + 1442695040888963407ULL;
  }
  buf[n] = 0;
  return n;
}

static uint64_t table_part(void) {
  struct node **table = calloc(BUCKETS, sizeof *table);
  uint64_t *seeds = malloc(KEYS * sizeof *seeds);
  char buf[40];
  uint64_t check = 0;
  for (int i = 0; i < KEYS; i++) {
    seeds[i] = next_random();
    size_t n = make_key(buf, seeds[i]);
    uint64_t h = fnv1a(buf, n);
    struct node **slot = &table[h % BUCKETS];
    struct node *found = NULL;
    for (struct node *e = *slot; e; e = e->next) {
      if (e->hash == h && strcmp(e->key, buf) == 0) {
        found = e;
        break;
      }
    }
    if (found) {
      found->value += (uint32_t)i;
      continue;
    }
    struct node *e = malloc(sizeof *e + n + 1);
    e->hash = h;
    e->value = (uint32_t)i;
    memcpy(e->key, buf, n + 1);
    e->next = *slot;
    *slot = e;
  }
  /* look every key up again, deleting every third one */
  for (int i = 0; i < KEYS; i++) {
    size_t n = make_key(buf, seeds[i]);
    uint64_t h = fnv1a(buf, n);
    for (struct node **p = &table[h % BUCKETS]; *p; p = &(*p)->next) {
      struct node *e = *p;
      if (e->hash == h && strcmp(e->key, buf) == 0) {
        check = check * 131 + e->value + n;
        if (i % 3 == 0) {
          *p = e->next;
          free(e);
        }
        break;
      }
    }
  }
  for (int b = 0; b < BUCKETS; b++) {
    struct node *e = table[b];
    while (e) {
      struct node *next = e->next;
      check += e->hash >> 40;
      free(e);
      e = next;
    }
  }
  free(seeds);
  free(table);
  return check;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

static void merge_sort(uint32_t *a, uint32_t *tmp, size_t n) {
  if (n < 2) return;
  size_t h = n / 2;
  merge_sort(a, tmp, h);
  merge_sort(a + h, tmp, n - h);
  size_t i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
  while (i < h) tmp[k++] = a[i++];
  while (j < n) tmp[k++] = a[j++];
  memcpy(a, tmp, n * sizeof *a);
}

static uint64_t sort_part(void) {
  uint32_t *a = malloc(SORT_N * sizeof *a);
  uint32_t *b = malloc(SORT_N * sizeof *b);
  uint32_t *tmp = malloc(SORT_N * sizeof *tmp);
  for (int i = 0; i < SORT_N; i++) a[i] = b[i] = (uint32_t)next_random();
  qsort(a, SORT_N, sizeof *a, cmp_u32);
  merge_sort(b, tmp, SORT_N);
  uint64_t check = 0;
  for (int i = 0; i < SORT_N; i++) {
    if (a[i] != b[i]) abort();
    check = check * 31 + a[i];
  }
  free(tmp);
  free(b);
  free(a);
  return check;
}

/* many short-lived blocks of varied sizes, freed out of order, as a parser or a compiler does */
static uint64_t malloc_part(void) {
  enum { LIVE = 4096 };
  void **live = calloc(LIVE, sizeof *live);
  size_t *sizes = calloc(LIVE, sizeof *sizes);
  uint64_t check = 0;
  for (int i = 0; i < 300000; i++) {
    uint64_t r = next_random();
    int slot = (int)(r % LIVE);
    if (live[slot]) {
      unsigned char *p = live[slot];
      check += p[0] + p[sizes[slot] - 1];
      free(p);
    }
    size_t n = 8 + (r >> 20) % ((r >> 40) % 8 == 0 ? 2000 : 120);
    unsigned char *p = malloc(n);
    memset(p, (int)(r >> 12), n);
    live[slot] = p;
    sizes[slot] = n;
  }
  for (int i = 0; i < LIVE; i++) free(live[i]);
  free(sizes);
  free(live);
  return check;
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 6;
  uint64_t check = 0;
  for (int r = 0; r < rounds; r++) {
    state = 0x9e3779b97f4a7c15ULL + (uint64_t)r;
    check = check * 31 + table_part();
    check = check * 31 + sort_part();
    check = check * 31 + malloc_part();
  }
  printf("churn rounds=%d checksum=%016" PRIx64 "\n", rounds, check);
  return 0;
}
