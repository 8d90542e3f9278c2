/* /sbin/kexec: loads a kernel image, an initramfs and a command line into the memory of a partition
 * no running kernel owns, and optionally boots them there as a secondary kernel.
 *
 *   kexec --image FILE [--initrd FILE] [--append "CMDLINE"] --base ADDR|auto [--boot] [-v]
 *         [--dump FILE]
 *
 * -v prints the segments; --dump FILE writes the memory from ADDR to the end of the layout as it
 * would be after kexec_load (gaps zero) to FILE instead of calling the kernel, to check the layout
 * anywhere, qemu-riscv64 included.
 *
 * The kexec ABI of PopcornJ, as this tool uses it:
 *
 *   long kexec_load(unsigned long entry, unsigned long nr_segments,
 *                   struct kexec_segment *segments, unsigned long flags)     system call 104
 *     Linux's signature; flags must be 0. It copies each segment's buf (bufsz bytes) into physical
 *     memory at mem, zeroing the rest of memsz (memsz >= bufsz), all inside a partition that no
 *     running kernel owns. entry is the physical address of the boot block.
 *
 *   struct kexec_segment { const void *buf; size_t bufsz; unsigned long mem; size_t memsz; }
 *     4 x 8 bytes: offsets 0 buf, 8 bufsz, 16 mem, 24 memsz.
 *
 *   long popcorn_boot_secondary(unsigned long entry)                            system call 1000
 *     Boots what kexec_load put at entry on the first CPU of the partition the command line names;
 *     returns the new kernel's id, or -errno. (PopcornJ's next call, popcorn_migrate, is 1001;
 *     guest/include/popcorn.h documents both for guest programs.)
 *
 *   Boot block (at entry, 4 KiB aligned, little-endian, 56 bytes):
 *
 *     0        8            16           24            32            40             48           56
 *     +--------+------------+------------+-------------+-------------+--------------+------------+
 *     | magic  | image_addr | image_len  | initrd_addr | initrd_len  | cmdline_addr | cmdline_len|
 *     +--------+------------+------------+-------------+-------------+--------------+------------+
 *     magic = "PJBOOT\0\1"; addresses physical; cmdline_len without the NUL (the zeroed rest of
 *     the cmdline segment terminates it anyway). A missing initrd or empty command line has address
 *     and length 0.
 *
 * Layout made here, each piece starting on a 4 KiB boundary, from ADDR upwards:
 *     ADDR: boot block (one page) | image | initrd | cmdline
 * ADDR is hexadecimal (with or without 0x) and must be page-aligned: the start of the target
 * partition's memory. --base auto takes START from the first memmap=SIZE@START of the command line
 * (SIZE and START in C notation with an optional K, M or G suffix, as Linux reads them) and also
 * checks that everything fits in SIZE.
 *
 * Under qemu-riscv64 (or any kernel without PopcornJ's calls) kexec_load fails with ENOSYS; this
 * tool says so. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NR_KEXEC_LOAD 104
#define NR_POPCORN_BOOT_SECONDARY 1000
#define PAGE 4096ULL
#define BOOT_BLOCK_SIZE 56

struct kexec_segment {
  const void *buf;
  size_t bufsz;
  unsigned long mem;
  size_t memsz;
};

_Static_assert(sizeof(struct kexec_segment) == 32, "struct kexec_segment is 4 x 8 bytes");

static const char MAGIC[8] = {'P', 'J', 'B', 'O', 'O', 'T', '\0', '\1'};

static uint64_t page_up(uint64_t n) { return (n + PAGE - 1) & ~(PAGE - 1); }

static void put_le64(unsigned char *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static void usage(void) {
  fprintf(stderr,
          "usage: kexec --image FILE [--initrd FILE] [--append \"CMDLINE\"] --base ADDR|auto [--boot] [-v] [--dump FILE]\n");
  exit(2);
}

/* A whole file's bytes: mapped (read-only and private, so that every kexec of the same file shares
 * the kernel's cached pages of it), else read into memory; exits with a message on failure. */
static unsigned char *read_file(const char *path, size_t *len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    fprintf(stderr, "kexec: %s: %s\n", path, strerror(errno));
    exit(1);
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    fprintf(stderr, "kexec: %s: %s\n", path, strerror(errno));
    exit(1);
  }
  if (!S_ISREG(st.st_mode)) {
    fprintf(stderr, "kexec: %s: not a regular file\n", path);
    exit(1);
  }
  if (st.st_size > 0) {
    void *mapped = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (mapped != MAP_FAILED) {
      close(fd);
      *len = (size_t)st.st_size;
      return mapped;
    }
  }
  size_t cap = st.st_size > 0 ? (size_t)st.st_size : 1;
  unsigned char *data = malloc(cap);
  size_t n = 0;
  if (data == NULL) {
    fprintf(stderr, "kexec: %s: %s\n", path, strerror(ENOMEM));
    exit(1);
  }
  for (;;) {
    if (n == cap) {
      cap *= 2;
      unsigned char *bigger = realloc(data, cap);
      if (bigger == NULL) {
        fprintf(stderr, "kexec: %s: %s\n", path, strerror(ENOMEM));
        exit(1);
      }
      data = bigger;
    }
    ssize_t r = read(fd, data + n, cap - n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      fprintf(stderr, "kexec: %s: %s\n", path, strerror(errno));
      exit(1);
    }
    if (r == 0) break;
    n += (size_t)r;
  }
  close(fd);
  *len = n;
  return data;
}

/* A number as Linux's memparse reads it: C notation (0x.., 0.., decimal) and a K/M/G/T suffix. */
static int memparse(const char *s, const char **end, uint64_t *out) {
  char *e;
  errno = 0;
  unsigned long long v = strtoull(s, &e, 0);
  if (e == s || errno != 0) return -1;
  int shift = 0;
  switch (*e) {
    case 'K': case 'k': shift = 10; break;
    case 'M': case 'm': shift = 20; break;
    case 'G': case 'g': shift = 30; break;
    case 'T': case 't': shift = 40; break;
  }
  if (shift != 0) {
    e++;
    if (v > (~0ULL >> shift)) return -1;
    v <<= shift;
  }
  *end = e;
  *out = v;
  return 0;
}

/* Finds the first memmap=SIZE@START word of cmdline; 0 on success. */
static int find_memmap(const char *cmdline, uint64_t *start, uint64_t *size) {
  for (const char *p = cmdline; (p = strstr(p, "memmap=")) != NULL; p += 7) {
    if (p != cmdline && p[-1] != ' ' && p[-1] != '\t') continue;
    const char *q = p + 7;
    if (memparse(q, &q, size) != 0 || *q != '@') continue;
    q++;
    if (memparse(q, &q, start) != 0 || (*q != '\0' && *q != ' ' && *q != '\t' && *q != ',')) continue;
    return 0;
  }
  return -1;
}

int main(int argc, char **argv) {
  const char *image_path = NULL, *initrd_path = NULL, *cmdline = "", *base_arg = NULL, *dump = NULL;
  int boot = 0, verbose = 0;
  for (int i = 1; i < argc; i++) {
    const char *o = argv[i];
    if (strcmp(o, "--boot") == 0) {
      boot = 1;
    } else if (strcmp(o, "-v") == 0 || strcmp(o, "--verbose") == 0) {
      verbose = 1;
    } else if (i + 1 < argc && strcmp(o, "--image") == 0) {
      image_path = argv[++i];
    } else if (i + 1 < argc && strcmp(o, "--initrd") == 0) {
      initrd_path = argv[++i];
    } else if (i + 1 < argc && strcmp(o, "--append") == 0) {
      cmdline = argv[++i];
    } else if (i + 1 < argc && strcmp(o, "--dump") == 0) {
      dump = argv[++i];
    } else if (i + 1 < argc && strcmp(o, "--base") == 0) {
      base_arg = argv[++i];
    } else {
      fprintf(stderr, "kexec: unknown or incomplete option %s\n", o);
      usage();
    }
  }
  if (image_path == NULL || base_arg == NULL) usage();

  uint64_t base, limit = 0; /* limit: the partition's end when known (--base auto) */
  if (strcmp(base_arg, "auto") == 0) {
    uint64_t size;
    if (find_memmap(cmdline, &base, &size) != 0) {
      fprintf(stderr, "kexec: --base auto: no memmap=SIZE@START in the command line \"%s\"\n", cmdline);
      return 1;
    }
    limit = base + size;
  } else {
    char *e;
    errno = 0;
    base = strtoull(base_arg, &e, 16);
    if (e == base_arg || *e != '\0' || errno != 0) {
      fprintf(stderr, "kexec: --base %s: not a hexadecimal address\n", base_arg);
      return 1;
    }
  }
  if (base % PAGE != 0) {
    fprintf(stderr, "kexec: base address 0x%llx is not 4 KiB aligned\n", (unsigned long long)base);
    return 1;
  }

  size_t image_len, initrd_len = 0;
  unsigned char *image = read_file(image_path, &image_len);
  unsigned char *initrd = initrd_path != NULL ? read_file(initrd_path, &initrd_len) : NULL;
  size_t cmdline_len = strlen(cmdline);

  uint64_t image_addr = base + PAGE;
  uint64_t initrd_addr = initrd_len > 0 ? page_up(image_addr + image_len) : 0;
  uint64_t after_initrd = initrd_len > 0 ? page_up(initrd_addr + initrd_len) : page_up(image_addr + image_len);
  uint64_t cmdline_addr = cmdline_len > 0 ? after_initrd : 0;
  uint64_t end = cmdline_len > 0 ? page_up(cmdline_addr + cmdline_len + 1) : after_initrd;
  if (limit != 0 && end > limit) {
    fprintf(stderr, "kexec: image, initrd and command line need 0x%llx bytes; the partition has 0x%llx\n",
            (unsigned long long)(end - base), (unsigned long long)(limit - base));
    return 1;
  }

  static unsigned char block[BOOT_BLOCK_SIZE];
  memcpy(block, MAGIC, 8);
  put_le64(block + 8, image_addr);
  put_le64(block + 16, image_len);
  put_le64(block + 24, initrd_addr);
  put_le64(block + 32, initrd_len);
  put_le64(block + 40, cmdline_addr);
  put_le64(block + 48, cmdline_len);

  struct kexec_segment seg[4];
  int n = 0;
  seg[n++] = (struct kexec_segment){block, sizeof block, base, PAGE};
  seg[n++] = (struct kexec_segment){image, image_len, image_addr, page_up(image_len)};
  if (initrd_len > 0) seg[n++] = (struct kexec_segment){initrd, initrd_len, initrd_addr, page_up(initrd_len)};
  if (cmdline_len > 0)
    seg[n++] = (struct kexec_segment){cmdline, cmdline_len, cmdline_addr, page_up(cmdline_len + 1)};

  if (verbose) {
    for (int i = 0; i < n; i++)
      printf("kexec: segment %d: 0x%llx..0x%llx (%zu bytes)\n", i, (unsigned long long)seg[i].mem,
             (unsigned long long)(seg[i].mem + seg[i].memsz), seg[i].bufsz);
    printf("kexec: entry 0x%llx, command line \"%s\"\n", (unsigned long long)base, cmdline);
    fflush(stdout);
  }

  if (dump != NULL) {
    size_t total = (size_t)(end - base);
    unsigned char *mem = calloc(1, total);
    FILE *f = mem == NULL ? NULL : fopen(dump, "we");
    if (f == NULL) {
      fprintf(stderr, "kexec: %s: %s\n", dump, strerror(mem == NULL ? ENOMEM : errno));
      return 1;
    }
    for (int i = 0; i < n; i++) memcpy(mem + (seg[i].mem - base), seg[i].buf, seg[i].bufsz);
    if (fwrite(mem, 1, total, f) != total || fclose(f) != 0) {
      fprintf(stderr, "kexec: %s: %s\n", dump, strerror(errno));
      return 1;
    }
    return 0;
  }
  if (syscall(NR_KEXEC_LOAD, (unsigned long)base, (unsigned long)n, seg, 0UL) != 0) {
    int e = errno;
    fprintf(stderr, "kexec: kexec_load: %s%s\n", strerror(e),
            e == ENOSYS ? " (this kernel has no PopcornJ kexec, as under qemu-riscv64)" : "");
    return 1;
  }
  if (!boot) {
    printf("kexec: loaded at 0x%llx\n", (unsigned long long)base);
    return 0;
  }
  long id = syscall(NR_POPCORN_BOOT_SECONDARY, (unsigned long)base);
  if (id < 0) {
    int e = errno;
    fprintf(stderr, "kexec: popcorn_boot_secondary: %s%s\n", strerror(e),
            e == ENOSYS ? " (this kernel has no PopcornJ secondary boot)" : "");
    return 1;
  }
  printf("kexec: kernel %ld booting\n", id);
  return 0;
}
