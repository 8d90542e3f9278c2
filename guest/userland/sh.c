/* /bin/sh: a small POSIX-flavoured shell. It reads one line at a time with read(2) straight from
 * its input (never ahead, so a child started from a script on stdin gets the rest of it), splits
 * it into words with '...', "..." and backslash quoting and $NAME, ${NAME}, $?, $$, $#, $0..$9
 * expansion, and runs lists of pipelines joined by ; & && || with the redirections < > >> N> N>>
 * N< N>&M. Builtins: cd exit export unset wait pwd exec. Interactive (stdin a terminal and no
 * script): prompt "$ ", every job in its own process group, the foreground one owning the
 * terminal, and the shell itself ignoring SIGINT, SIGQUIT, SIGTSTP, SIGTTIN and SIGTTOU.
 * Simplifications: expansions are not split into fields, no globbing, no control structures. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_LINE 4096
#define MAX_WORDS 256
#define MAX_CMDS 32
#define MAX_REDIRS 16
#define MAX_JOBS 32
#define MAX_VARS 128

/* ---- state ---- */

static int in_fd;              /* where commands come from */
static const char *in_string;  /* sh -c: the command text instead of in_fd */
static int interactive;
static int last_status;
static pid_t shell_pgid;
static int pos_argc;           /* positional parameters $0..$N */
static char **pos_argv;

struct var {
  char *name;
  char *value;
};
static struct var vars[MAX_VARS]; /* shell variables that are not exported */

struct job {
  pid_t pid; /* last process of the pipeline; 0 = free slot */
};
static struct job jobs[MAX_JOBS];

/* ---- input ---- */

/* Reads one line without its newline into buf; returns 0 at end of input with nothing read. */
static int read_line(char *buf, size_t cap) {
  size_t n = 0;
  int got_any = 0;
  if (in_string != NULL) {
    if (*in_string == '\0') return 0;
    while (*in_string != '\0' && *in_string != '\n') {
      if (n + 1 < cap) buf[n++] = *in_string;
      in_string++;
    }
    if (*in_string == '\n') in_string++;
    buf[n] = '\0';
    return 1;
  }
  for (;;) {
    char c;
    ssize_t r = read(in_fd, &c, 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got_any = 1;
    if (c == '\n') break;
    if (n + 1 < cap) buf[n++] = c;
  }
  buf[n] = '\0';
  return got_any;
}

/* ---- variables ---- */

static int valid_name_char(int c, int first) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9');
}

static struct var *find_var(const char *name) {
  for (int i = 0; i < MAX_VARS; i++)
    if (vars[i].name != NULL && strcmp(vars[i].name, name) == 0) return &vars[i];
  return NULL;
}

static const char *get_var(const char *name) {
  struct var *v = find_var(name);
  return v != NULL ? v->value : getenv(name);
}

/* NAME=value without a command: updates the environment when NAME is exported there already. */
static void set_var(const char *name, const char *value) {
  if (getenv(name) != NULL) {
    setenv(name, value, 1);
    return;
  }
  struct var *v = find_var(name);
  if (v == NULL) {
    for (int i = 0; i < MAX_VARS && v == NULL; i++)
      if (vars[i].name == NULL) v = &vars[i];
    if (v == NULL) {
      fprintf(stderr, "sh: too many variables\n");
      return;
    }
    v->name = strdup(name);
  } else {
    free(v->value);
  }
  v->value = strdup(value);
}

static void unset_var(const char *name) {
  struct var *v = find_var(name);
  if (v != NULL) {
    free(v->name);
    free(v->value);
    v->name = v->value = NULL;
  }
  unsetenv(name);
}

static void export_var(const char *name) {
  struct var *v = find_var(name);
  if (v != NULL) {
    char *value = strdup(v->value);
    unset_var(name);
    setenv(name, value, 1);
    free(value);
  } else if (getenv(name) == NULL) {
    setenv(name, "", 1);
  }
}

/* ---- lexing: the line becomes words (quotes removed, $ expanded) and operators ---- */

enum tok_kind { T_WORD, T_PIPE, T_SEMI, T_AMP, T_AND, T_OR, T_REDIR };

struct token {
  enum tok_kind kind;
  char *text;    /* T_WORD: the raw word, quotes and $ still in it */
  int assign_ok; /* T_WORD: starts with NAME= */
  int fd;        /* T_REDIR: the fd redirected */
  int mode;      /* T_REDIR: '<', '>', 'a' (>>), 'd' (>&) */
};

struct buf {
  char *s;
  size_t n, cap;
};

static void put(struct buf *b, char c) {
  if (b->n + 2 > b->cap) {
    b->cap = b->cap ? b->cap * 2 : 64;
    b->s = realloc(b->s, b->cap);
  }
  b->s[b->n++] = c;
  b->s[b->n] = '\0';
}

static void put_str(struct buf *b, const char *s) {
  while (s != NULL && *s) put(b, *s++);
}

/* Expands the $ at *p (p points just past the '$'); returns the new position. */
static const char *expand_dollar(const char *p, struct buf *b) {
  char num[32];
  if (*p == '?') {
    snprintf(num, sizeof num, "%d", last_status);
    put_str(b, num);
    return p + 1;
  }
  if (*p == '$') {
    snprintf(num, sizeof num, "%d", (int)getpid());
    put_str(b, num);
    return p + 1;
  }
  if (*p == '#') {
    snprintf(num, sizeof num, "%d", pos_argc > 0 ? pos_argc - 1 : 0);
    put_str(b, num);
    return p + 1;
  }
  if (*p >= '0' && *p <= '9') {
    int i = *p - '0';
    if (i < pos_argc) put_str(b, pos_argv[i]);
    return p + 1;
  }
  char name[256];
  size_t n = 0;
  if (*p == '{') {
    const char *end = strchr(p, '}');
    if (end == NULL) {
      put(b, '$');
      return p;
    }
    for (const char *q = p + 1; q < end && n + 1 < sizeof name; q++) name[n++] = *q;
    name[n] = '\0';
    if (n == 1 && name[0] == '?') {
      snprintf(num, sizeof num, "%d", last_status);
      put_str(b, num);
    } else {
      put_str(b, get_var(name));
    }
    return end + 1;
  }
  while (valid_name_char((unsigned char)*p, n == 0) && n + 1 < sizeof name) name[n++] = *p++;
  name[n] = '\0';
  if (n == 0) {
    put(b, '$'); /* a lone $ stands for itself */
    return p;
  }
  put_str(b, get_var(name));
  return p;
}

/* Expands one raw word: removes quotes, applies backslashes and $ expansions. Returns NULL for
 * a word that vanishes (unquoted, expanding to nothing). */
static char *expand_word(const char *p) {
  struct buf b = {0};
  int quoted = 0;
  while (*p != '\0') {
    if (*p == '\\') {
      p++;
      if (*p == '\0') break;
      put(&b, *p++);
      quoted = 1;
    } else if (*p == '\'') {
      for (p++; *p != '\'' && *p != '\0'; p++) put(&b, *p);
      if (*p) p++;
      quoted = 1;
    } else if (*p == '"') {
      quoted = 1;
      for (p++; *p != '"' && *p != '\0';) {
        if (*p == '\\' && p[1] != '\0' && strchr("$`\"\\", p[1])) {
          put(&b, p[1]);
          p += 2;
        } else if (*p == '$') {
          p = expand_dollar(p + 1, &b);
        } else {
          put(&b, *p++);
        }
      }
      if (*p) p++;
    } else if (*p == '$') {
      p = expand_dollar(p + 1, &b);
    } else {
      put(&b, *p++);
    }
  }
  if (b.s == NULL && quoted) {
    b.s = malloc(1);
    b.s[0] = '\0';
  }
  return b.s;
}

/* Splits the line into raw words and operators; returns the number of tokens, or -1 after
 * printing a syntax error. Words are expanded later, just before their pipeline runs, so that
 * `false; echo $?` sees the status of false. */
static int lex(const char *p, struct token *toks, int max) {
  int n = 0;
  for (;;) {
    while (*p == ' ' || *p == '\t') p++;
    if (*p == '\0' || *p == '#') return n;
    if (n == max) {
      fprintf(stderr, "sh: line too complex\n");
      return -1;
    }
    struct token *t = &toks[n];
    memset(t, 0, sizeof *t);
    /* operators, including a redirection with a leading fd number */
    const char *q = p;
    int fd = -1;
    if (*q >= '0' && *q <= '9') {
      fd = 0;
      while (*q >= '0' && *q <= '9') fd = fd * 10 + (*q++ - '0');
      if (*q != '<' && *q != '>') {
        q = p;
        fd = -1;
      }
    }
    if (*q == '<' || *q == '>') {
      t->kind = T_REDIR;
      if (*q == '<') {
        t->mode = '<';
        t->fd = fd < 0 ? 0 : fd;
        q++;
      } else if (q[1] == '>') {
        t->mode = 'a';
        t->fd = fd < 0 ? 1 : fd;
        q += 2;
      } else if (q[1] == '&') {
        t->mode = 'd';
        t->fd = fd < 0 ? 1 : fd;
        q += 2;
      } else {
        t->mode = '>';
        t->fd = fd < 0 ? 1 : fd;
        q++;
      }
      p = q;
      n++;
      continue;
    }
    if (*p == '|' || *p == ';' || *p == '&') {
      if (p[0] == '|' && p[1] == '|') {
        t->kind = T_OR;
        p += 2;
      } else if (p[0] == '&' && p[1] == '&') {
        t->kind = T_AND;
        p += 2;
      } else {
        t->kind = *p == '|' ? T_PIPE : *p == ';' ? T_SEMI : T_AMP;
        p++;
      }
      n++;
      continue;
    }
    /* a word: up to unquoted blank or operator */
    const char *start = p;
    const char *r = p;
    while (valid_name_char((unsigned char)*r, r == p)) r++;
    t->assign_ok = r > p && *r == '=';
    while (*p != '\0' && !strchr(" \t|;&<>", *p)) {
      if (*p == '\\') {
        p += p[1] != '\0' ? 2 : 1;
      } else if (*p == '\'' || *p == '"') {
        char quote = *p++;
        while (*p != quote) {
          if (*p == '\0') {
            fprintf(stderr, "sh: unterminated quote\n");
            for (int k = 0; k < n; k++) free(toks[k].text);
            return -1;
          }
          if (quote == '"' && *p == '\\' && p[1] != '\0') p++;
          p++;
        }
        p++;
      } else {
        p++;
      }
    }
    t->kind = T_WORD;
    t->text = strndup(start, (size_t)(p - start));
    n++;
  }
}

/* ---- parsing: tokens become commands ---- */

struct redir {
  int fd, mode;
  char *target;
};

struct cmd {
  char *argv[MAX_WORDS];
  int argc;
  char *assigns[MAX_WORDS];
  int nassign;
  struct redir redirs[MAX_REDIRS];
  int nredir;
};

/* ---- builtins ---- */

static int is_builtin(const char *name) {
  static const char *const names[] = {"cd", "exit", "export", "unset", "wait", "pwd", "exec", NULL};
  for (int i = 0; names[i] != NULL; i++)
    if (strcmp(name, names[i]) == 0) return 1;
  return 0;
}

static int status_of(int wstatus) {
  if (WIFEXITED(wstatus)) return WEXITSTATUS(wstatus);
  if (WIFSIGNALED(wstatus)) return 128 + WTERMSIG(wstatus);
  return 0;
}

static void forget_job(pid_t pid) {
  for (int i = 0; i < MAX_JOBS; i++)
    if (jobs[i].pid == pid) jobs[i].pid = 0;
}

static void exec_program(struct cmd *c);

static int builtin(struct cmd *c) {
  char **argv = c->argv;
  if (strcmp(argv[0], "cd") == 0) {
    const char *dir = c->argc > 1 ? argv[1] : get_var("HOME");
    if (dir == NULL) dir = "/";
    if (chdir(dir) != 0) {
      fprintf(stderr, "sh: cd: %s: %s\n", dir, strerror(errno));
      return 1;
    }
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) != NULL) setenv("PWD", cwd, 1);
    return 0;
  }
  if (strcmp(argv[0], "pwd") == 0) {
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) == NULL) {
      fprintf(stderr, "sh: pwd: %s\n", strerror(errno));
      return 1;
    }
    printf("%s\n", cwd);
    fflush(stdout);
    return 0;
  }
  if (strcmp(argv[0], "exit") == 0) {
    exit(c->argc > 1 ? atoi(argv[1]) & 0xff : last_status);
  }
  if (strcmp(argv[0], "export") == 0 || strcmp(argv[0], "unset") == 0) {
    int is_export = argv[0][0] == 'e';
    if (is_export && c->argc == 1) {
      extern char **environ;
      for (char **e = environ; *e != NULL; e++) printf("export %s\n", *e);
      fflush(stdout);
    }
    for (int i = 1; i < c->argc; i++) {
      char *eq = strchr(argv[i], '=');
      if (!is_export) {
        unset_var(argv[i]);
      } else if (eq != NULL) {
        *eq = '\0';
        unset_var(argv[i]);
        setenv(argv[i], eq + 1, 1);
        *eq = '=';
      } else {
        export_var(argv[i]);
      }
    }
    return 0;
  }
  if (strcmp(argv[0], "wait") == 0) {
    int status = 0, ws;
    if (c->argc == 1) {
      pid_t p;
      while ((p = waitpid(-1, &ws, 0)) > 0 || (p < 0 && errno == EINTR))
        if (p > 0) forget_job(p);
      return 0;
    }
    for (int i = 1; i < c->argc; i++) {
      pid_t pid = (pid_t)atoi(argv[i]);
      pid_t r;
      while ((r = waitpid(pid, &ws, 0)) < 0 && errno == EINTR) {
      }
      if (r < 0) {
        status = 127;
      } else {
        status = status_of(ws);
        forget_job(pid);
      }
    }
    return status;
  }
  if (strcmp(argv[0], "exec") == 0) {
    if (c->argc == 1) return 0; /* only the redirections, which stay */
    memmove(c->argv, c->argv + 1, sizeof(char *) * (size_t)c->argc);
    c->argc--;
    exec_program(c);
  }
  return 0;
}

/* ---- running ---- */

/* Applies the redirections; returns -1 after printing why one failed. */
static int apply_redirs(struct cmd *c) {
  for (int i = 0; i < c->nredir; i++) {
    struct redir *r = &c->redirs[i];
    int fd;
    if (r->mode == 'd') {
      if (strcmp(r->target, "-") == 0) {
        close(r->fd);
        continue;
      }
      fd = atoi(r->target);
      if (dup2(fd, r->fd) < 0) {
        fprintf(stderr, "sh: %s: %s\n", r->target, strerror(errno));
        return -1;
      }
      continue;
    }
    int flags = r->mode == '<' ? O_RDONLY : r->mode == 'a' ? O_WRONLY | O_CREAT | O_APPEND : O_WRONLY | O_CREAT | O_TRUNC;
    fd = open(r->target, flags, 0666);
    if (fd < 0) {
      fprintf(stderr, "sh: %s: %s\n", r->target, strerror(errno));
      return -1;
    }
    if (fd != r->fd) {
      dup2(fd, r->fd);
      close(fd);
    }
  }
  return 0;
}

/* In a child: runs the program named by argv[0], searching PATH; never returns. */
static void exec_program(struct cmd *c) {
  extern char **environ;
  for (int i = 0; i < c->nassign; i++) putenv(c->assigns[i]);
  const char *name = c->argv[0];
  int err = ENOENT;
  char path[PATH_MAX];
  if (strchr(name, '/') != NULL) {
    execve(name, c->argv, environ);
    err = errno;
    snprintf(path, sizeof path, "%s", name);
  } else {
    const char *dirs = getenv("PATH");
    if (dirs == NULL) dirs = "/bin:/usr/bin";
    while (*dirs != '\0') {
      const char *colon = strchr(dirs, ':');
      size_t len = colon != NULL ? (size_t)(colon - dirs) : strlen(dirs);
      snprintf(path, sizeof path, "%.*s%s%s", (int)len, dirs, len > 0 ? "/" : "", name);
      execve(path, c->argv, environ);
      if (errno != ENOENT && errno != ENOTDIR) {
        err = errno;
        break;
      }
      dirs += len;
      if (*dirs == ':') dirs++;
    }
  }
  if (err == ENOEXEC) { /* a text file without #!: a script for this shell */
    char *args[MAX_WORDS + 2];
    args[0] = "sh";
    args[1] = path;
    for (int i = 1; i <= c->argc; i++) args[i + 1] = c->argv[i];
    execve("/bin/sh", args, environ);
  }
  if (err == ENOENT) {
    fprintf(stderr, "sh: %s: not found\n", name);
    _exit(127);
  }
  fprintf(stderr, "sh: %s: %s\n", name, strerror(err));
  _exit(126);
}

static void child_signals(void) {
  signal(SIGINT, SIG_DFL);
  signal(SIGQUIT, SIG_DFL);
  signal(SIGTSTP, SIG_DFL);
  signal(SIGTTIN, SIG_DFL);
  signal(SIGTTOU, SIG_DFL);
}

static void report_signal(int wstatus) {
  if (WIFSIGNALED(wstatus) && WTERMSIG(wstatus) != SIGINT && WTERMSIG(wstatus) != SIGPIPE)
    fprintf(stderr, "%s%s\n", strsignal(WTERMSIG(wstatus)), WCOREDUMP(wstatus) ? " (core dumped)" : "");
  else if (WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGINT && interactive)
    fprintf(stderr, "\n");
}

/* Runs a pipeline of n commands; background or not; returns its status (0 when started in the
 * background). */
static int run_pipeline(struct cmd *cmds, int n, int background) {
  if (n == 1 && cmds[0].argc == 0) { /* only assignments and redirections */
    for (int i = 0; i < cmds[0].nassign; i++) {
      char *eq = strchr(cmds[0].assigns[i], '=');
      *eq = '\0';
      set_var(cmds[0].assigns[i], eq + 1);
      *eq = '=';
    }
    if (cmds[0].nredir == 0) return 0;
  }
  if (n == 1 && !background && (cmds[0].argc == 0 || is_builtin(cmds[0].argv[0]))) {
    int saved[3];
    fflush(stdout);
    for (int i = 0; i < 3; i++) saved[i] = fcntl(i, F_DUPFD_CLOEXEC, 10);
    int status = 1;
    int is_exec = cmds[0].argc > 0 && strcmp(cmds[0].argv[0], "exec") == 0;
    if (apply_redirs(&cmds[0]) == 0) status = cmds[0].argc == 0 ? 0 : builtin(&cmds[0]);
    fflush(stdout);
    if (is_exec && status == 0) { /* `exec >file`: the redirections stay */
      for (int i = 0; i < 3; i++) close(saved[i]);
      return 0;
    }
    for (int i = 0; i < 3; i++) {
      if (saved[i] >= 0) {
        dup2(saved[i], i);
        close(saved[i]);
      } else {
        close(i);
      }
    }
    return status;
  }

  pid_t pids[MAX_CMDS];
  pid_t pgid = 0;
  int prev_read = -1;
  fflush(stdout);
  for (int i = 0; i < n; i++) {
    int p[2] = {-1, -1};
    if (i + 1 < n && pipe2(p, O_CLOEXEC) != 0) {
      fprintf(stderr, "sh: pipe: %s\n", strerror(errno));
      break;
    }
    pid_t pid = fork();
    if (pid < 0) {
      fprintf(stderr, "sh: fork: %s\n", strerror(errno));
      n = i;
      break;
    }
    if (pid == 0) {
      if (interactive) {
        setpgid(0, pgid);
        if (!background) tcsetpgrp(0, pgid == 0 ? getpid() : pgid);
        child_signals();
      } else if (background) {
        signal(SIGINT, SIG_IGN);
        signal(SIGQUIT, SIG_IGN);
      }
      if (prev_read >= 0) {
        dup2(prev_read, 0);
        close(prev_read);
      }
      if (p[1] >= 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
      }
      if (apply_redirs(&cmds[i]) != 0) _exit(1);
      if (cmds[i].argc == 0) _exit(0);
      if (is_builtin(cmds[i].argv[0])) {
        int st = builtin(&cmds[i]);
        fflush(stdout);
        _exit(st);
      }
      exec_program(&cmds[i]);
    }
    if (interactive) {
      if (pgid == 0) pgid = pid;
      setpgid(pid, pgid); /* also here: whichever runs first, the group exists before exec */
    }
    pids[i] = pid;
    if (prev_read >= 0) close(prev_read);
    if (p[1] >= 0) close(p[1]);
    prev_read = p[0];
  }
  if (prev_read >= 0) close(prev_read);
  if (n == 0) return 1;

  if (background) {
    int slot = 0;
    while (slot < MAX_JOBS - 1 && jobs[slot].pid != 0) slot++;
    jobs[slot].pid = pids[n - 1];
    fprintf(stderr, "[%d] %d\n", slot + 1, (int)pids[n - 1]);
    return 0;
  }
  if (interactive) tcsetpgrp(0, pgid);
  int status = 0;
  for (int i = 0; i < n; i++) {
    int ws;
    pid_t r;
    while ((r = waitpid(pids[i], &ws, 0)) < 0 && errno == EINTR) {
    }
    if (r > 0 && i == n - 1) {
      status = status_of(ws);
      report_signal(ws);
    }
  }
  if (interactive) tcsetpgrp(0, shell_pgid);
  return status;
}

/* Parses and runs one line. */
static void run_line(const char *line) {
  static struct token toks[MAX_WORDS * 2];
  int nt = lex(line, toks, MAX_WORDS * 2);
  if (nt < 0) {
    last_status = 2;
    return;
  }
  static struct cmd cmds[MAX_CMDS];
  int ncmd = 0;
  int skip = 0; /* after && or || whose left side decided: skip the next pipeline */
  static char *words[MAX_WORDS * 2]; /* the expanded words of the pipeline being built */
  int nwords = 0;
  int i = 0;
  while (i < nt) {
    ncmd = 0;
    memset(&cmds[0], 0, sizeof cmds[0]);
    int end_kind = T_SEMI;
    for (; i < nt; i++) {
      struct token *t = &toks[i];
      struct cmd *c = &cmds[ncmd];
      if (t->kind == T_WORD) {
        char *w = expand_word(t->text);
        if (w == NULL) continue;
        words[nwords++] = w;
        if (c->argc == 0 && c->nassign + 1 < MAX_WORDS && t->assign_ok) {
          c->assigns[c->nassign++] = w;
        } else if (c->argc + 1 < MAX_WORDS) {
          c->argv[c->argc++] = w;
        }
      } else if (t->kind == T_REDIR) {
        if (i + 1 >= nt || toks[i + 1].kind != T_WORD || c->nredir == MAX_REDIRS) {
          fprintf(stderr, "sh: syntax error near redirection\n");
          last_status = 2;
          goto done;
        }
        char *w = expand_word(toks[++i].text);
        if (w == NULL) w = strdup("");
        words[nwords++] = w;
        c->redirs[c->nredir++] = (struct redir){t->fd, t->mode, w};
      } else if (t->kind == T_PIPE) {
        if (ncmd + 1 == MAX_CMDS || (c->argc == 0 && c->nredir == 0)) {
          fprintf(stderr, "sh: syntax error near |\n");
          last_status = 2;
          goto done;
        }
        ncmd++;
        memset(&cmds[ncmd], 0, sizeof cmds[ncmd]);
      } else {
        end_kind = t->kind;
        i++;
        break;
      }
    }
    struct cmd *last = &cmds[ncmd];
    int empty = last->argc == 0 && last->nassign == 0 && last->nredir == 0;
    if (empty && ncmd > 0) {
      fprintf(stderr, "sh: syntax error: pipe to nothing\n");
      last_status = 2;
      goto done;
    }
    if (!empty && !skip) last_status = run_pipeline(cmds, ncmd + 1, end_kind == T_AMP);
    for (int k = 0; k < nwords; k++) free(words[k]);
    nwords = 0;
    if (end_kind == T_AND) {
      skip = skip || last_status != 0;
    } else if (end_kind == T_OR) {
      skip = skip || last_status == 0;
    } else {
      skip = 0;
    }
  }
done:
  for (int k = 0; k < nwords; k++) free(words[k]);
  for (int k = 0; k < nt; k++) free(toks[k].text);
}

/* Collects finished background jobs, telling an interactive user which. */
static void reap_jobs(void) {
  int ws;
  pid_t p;
  while ((p = waitpid(-1, &ws, WNOHANG)) > 0) {
    for (int i = 0; i < MAX_JOBS; i++) {
      if (jobs[i].pid == p) {
        jobs[i].pid = 0;
        if (interactive) fprintf(stderr, "[%d] Done (%d)\n", i + 1, status_of(ws));
      }
    }
  }
}

int main(int argc, char **argv) {
  in_fd = 0;
  pos_argc = argc;
  pos_argv = argv;
  if (argc > 2 && strcmp(argv[1], "-c") == 0) {
    in_string = argv[2];
    pos_argc = argc - 3; /* sh -c CMD [NAME [ARGS...]]: $0 is NAME */
    pos_argv = argv + 3;
    if (pos_argc == 0) {
      pos_argc = 1;
      pos_argv = argv;
    }
  } else if (argc > 1 && strcmp(argv[1], "-c") == 0) {
    fprintf(stderr, "sh: -c: option requires an argument\n");
    return 2;
  } else if (argc > 1) {
    in_fd = open(argv[1], O_RDONLY | O_CLOEXEC);
    if (in_fd < 0) {
      fprintf(stderr, "sh: %s: %s\n", argv[1], strerror(errno));
      return 127;
    }
    pos_argc = argc - 1;
    pos_argv = argv + 1;
  } else {
    interactive = isatty(0);
  }

  if (interactive) {
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    signal(SIGTSTP, SIG_IGN);
    signal(SIGTTIN, SIG_IGN);
    signal(SIGTTOU, SIG_IGN);
    if (getpgrp() != getpid()) setpgid(0, 0);
    shell_pgid = getpgrp();
    tcsetpgrp(0, shell_pgid);
  }

  static char line[MAX_LINE];
  for (;;) {
    reap_jobs();
    if (interactive) {
      write(2, "$ ", 2);
    }
    if (!read_line(line, sizeof line)) break;
    run_line(line);
  }
  if (interactive) write(2, "\n", 1);
  return last_status;
}
