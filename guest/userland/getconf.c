/* getconf NAME...: prints the value of each system variable named, one a line, as POSIX getconf
 * does, for the names scripts ask for (busybox has no getconf): the processor counts glibc's
 * sysconf works out from /sys and /proc (on PopcornJ, every CPU of the kernels that are up), the
 * page size, the clock tick and a few limits. `getconf -a` lists them all. An unknown name ends it
 * with status 1, as glibc's getconf. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct variable {
  const char *name;
  int sc; /* the sysconf name, or -1 for a constant */
  long value;
};

static const struct variable variables[] = {
    {"ARG_MAX", _SC_ARG_MAX, 0},
    {"CHILD_MAX", _SC_CHILD_MAX, 0},
    {"CLK_TCK", _SC_CLK_TCK, 0},
    {"HOST_NAME_MAX", _SC_HOST_NAME_MAX, 0},
    {"LONG_BIT", -1, (long) sizeof(long) * CHAR_BIT},
    {"NPROCESSORS_CONF", _SC_NPROCESSORS_CONF, 0},
    {"NPROCESSORS_ONLN", _SC_NPROCESSORS_ONLN, 0},
    {"OPEN_MAX", _SC_OPEN_MAX, 0},
    {"PAGESIZE", _SC_PAGESIZE, 0},
    {"PAGE_SIZE", _SC_PAGESIZE, 0},
    {"_AVPHYS_PAGES", _SC_AVPHYS_PAGES, 0},
    {"_NPROCESSORS_CONF", _SC_NPROCESSORS_CONF, 0},
    {"_NPROCESSORS_ONLN", _SC_NPROCESSORS_ONLN, 0},
    {"_PHYS_PAGES", _SC_PHYS_PAGES, 0},
};

#define COUNT (sizeof variables / sizeof variables[0])

static void print(const struct variable *v) {
  long value = v->sc < 0 ? v->value : sysconf(v->sc);
  if (value == -1)
    puts("undefined");
  else
    printf("%ld\n", value);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "Usage: getconf NAME...\n       getconf -a\n");
    return 1;
  }
  if (strcmp(argv[1], "-a") == 0) {
    for (size_t i = 0; i < COUNT; i++) {
      printf("%-24s", variables[i].name);
      print(&variables[i]);
    }
    return 0;
  }
  for (int a = 1; a < argc; a++) {
    size_t i = 0;
    while (i < COUNT && strcmp(variables[i].name, argv[a]) != 0) i++;
    if (i == COUNT) {
      fprintf(stderr, "getconf: Unrecognized variable `%s'\n", argv[a]);
      return 1;
    }
    print(&variables[i]);
  }
  return 0;
}
