/*
 * cli_progress.c - progress of long runs (export, import) on stderr: a bar
 * redrawn in place on a terminal, plain lines every 10% otherwise.
 */
#include "cli.h"

#include <stdio.h>
#include <unistd.h>

enum {
  BAR_WIDTH = 30
};

/* The state to show for p->done: per-mille on a terminal, tenths otherwise. */
static long progress_state(const cli_progress *p) {
  if (p->total == 0) {
    return p->tty ? 1000 : 10;
  }
  unsigned long long scale = p->tty ? 1000 : 10;
  return (long)((unsigned long long)p->done * scale / (unsigned long long)p->total);
}

static unsigned percent(const cli_progress *p) {
  if (p->total == 0) {
    return 100;
  }
  return (unsigned)((unsigned long long)p->done * 100 / (unsigned long long)p->total);
}

static void draw_bar(cli_progress *p) {
  char bar[BAR_WIDTH + 1];
  size_t filled = p->total == 0 ? BAR_WIDTH : p->done * BAR_WIDTH / p->total;
  for (size_t i = 0; i < BAR_WIDTH; i++) {
    bar[i] = i < filled ? '#' : '.';
  }
  bar[BAR_WIDTH] = '\0';
  /* \r and "erase to end of line": the line is redrawn in place. */
  fprintf(stderr, "\r\033[K%s [%s] %3u%% %zu/%zu %s", p->label, bar, percent(p), p->done, p->total,
          p->unit);
  fflush(stderr);
  p->drawn = true;
}

static void print_line(const cli_progress *p) {
  fprintf(stderr, "%s: %zu/%zu %s (%u%%)\n", p->label, p->done, p->total, p->unit, percent(p));
}

void cli_progress_start(cli_progress *p, const char *label, const char *unit, size_t total,
                        bool quiet) {
  p->label = label;
  p->unit = unit;
  p->total = total;
  p->done = 0;
  p->tty = isatty(STDERR_FILENO) == 1;
  p->quiet = quiet;
  p->drawn = false;
  p->shown = -1;
  if (!quiet && p->tty && total > 0) {
    draw_bar(p);
    p->shown = 0;
  }
}

void cli_progress_advance(cli_progress *p, size_t n) {
  p->done += n;
  if (p->done > p->total) {
    p->done = p->total;
  }
  if (p->quiet || p->total == 0) {
    return;
  }
  long state = progress_state(p);
  if (state == p->shown) {
    return;
  }
  p->shown = state;
  if (p->tty) {
    draw_bar(p);
  } else {
    print_line(p);
  }
}

void cli_progress_pause(cli_progress *p) {
  if (p->drawn) {
    fputs("\r\033[K", stderr);
    fflush(stderr);
    p->drawn = false;
    p->shown = -1; /* the next advance draws the bar again */
  }
}

void cli_progress_finish(cli_progress *p) {
  if (p->quiet || p->total == 0) {
    return;
  }
  /* A run that stopped early leaves its last state as it was shown. */
  bool complete = p->done == p->total;
  if (p->tty) {
    if (p->drawn && complete && p->shown != progress_state(p)) {
      draw_bar(p);
    }
    if (p->drawn) {
      fputc('\n', stderr);
    }
    p->drawn = false;
  } else if (complete && p->shown != progress_state(p)) {
    print_line(p);
  }
  p->shown = progress_state(p);
}

int cli_progress_client_failure(cli_progress *p, const char *what, strata_error rc,
                                const strata_client_error *err) {
  cli_progress_pause(p);
  return cli_client_failure(what, rc, err);
}
