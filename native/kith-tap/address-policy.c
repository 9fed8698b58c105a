/*
 * Which IPv4 addresses kith-tap puts on a kith device (DESIGN.md "Trust boundaries"): only ones that
 * cannot take traffic away from the host. The address's prefix becomes a route through the device,
 * so a user who could choose 8.0.0.1/5 would receive the host's traffic to 8.0.0.0-15.255.255.255.
 *   - never a prefix touching 0.0.0.0/8, 127.0.0.0/8, 169.254.0.0/16 or 224.0.0.0/3 (multicast,
 *     reserved and broadcast), and never the prefix's own network or broadcast address;
 *   - inside 10.0.0.0/8 with a prefix of /8 or longer, or inside 172.16.0.0/12, 192.168.0.0/16 or
 *     100.64.0.0/10 with /16 or longer; or inside a prefix the administrator lists in the allow-list
 *     file (KITH_TAP_ALLOW_FILE, format in `kith-tap help`);
 *   - and, checked against the live routing table (route_conflict), overlapping no route through
 *     another interface: one that is not the caller's own TUN/TAP device.
 * engine/config/tap-address-rules.ts applies the same rules to addresses before they reach
 * kith-tap; native/test-fixtures/tap-addresses.json holds the cases both are tested against.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kith-tap.h"

#define ALLOWED \
  "allowed: inside 10.0.0.0/8 (/8 or longer), 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10 (/16 or longer) or " KITH_TAP_ALLOW_FILE

uint32_t prefix_mask(unsigned len) { return len == 0 ? 0 : 0xffffffffu << (32 - len); }

int prefixes_overlap(struct prefix a, struct prefix b) {
  uint32_t m = prefix_mask(a.len < b.len ? a.len : b.len);
  return ((a.addr ^ b.addr) & m) == 0;
}

/* b lies wholly inside a. */
static int contains(struct prefix a, struct prefix b) { return b.len >= a.len && ((a.addr ^ b.addr) & prefix_mask(a.len)) == 0; }

int parse_uint(const char *s, unsigned long max, unsigned long *out) {
  size_t n = strlen(s);
  if (n == 0 || n > 10 || (n > 1 && s[0] == '0')) return -1;
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return -1;
  errno = 0;
  unsigned long v = strtoul(s, NULL, 10);
  if (errno != 0 || v > max) return -1;
  *out = v;
  return 0;
}

int parse_cidr(const char *s, struct prefix *p) {
  char buf[19]; /* "255.255.255.255/32" */
  unsigned long part[4], len;
  if (strlen(s) >= sizeof buf) return fail(EXIT_USAGE, "bad address (want a.b.c.d/len): %.40s", s);
  strcpy(buf, s);
  char *slash = strchr(buf, '/');
  if (slash == NULL) return fail(EXIT_USAGE, "bad address (want a.b.c.d/len): %s", s);
  *slash = '\0';
  if (parse_uint(slash + 1, 32, &len) != 0 || len < 1) return fail(EXIT_USAGE, "bad prefix length (1-32): %s", s);
  char *q = buf;
  for (int i = 0; i < 4; i++) {
    char *dot = strchr(q, '.');
    if ((i < 3) != (dot != NULL)) return fail(EXIT_USAGE, "bad address (want a.b.c.d/len): %s", s);
    if (dot) *dot = '\0';
    if (parse_uint(q, 255, &part[i]) != 0) return fail(EXIT_USAGE, "bad address (want a.b.c.d/len): %s", s);
    q = dot ? dot + 1 : q;
  }
  p->addr = (uint32_t)(part[0] << 24 | part[1] << 16 | part[2] << 8 | part[3]);
  p->len = (unsigned)len;
  return 0;
}

static const struct {
  struct prefix net;
  const char *what;
} never[] = {
    {{0x00000000u, 8}, "this-network 0.0.0.0/8"},
    {{0x7f000000u, 8}, "loopback 127.0.0.0/8"},
    {{0xa9fe0000u, 16}, "link-local 169.254.0.0/16"},
    {{0xe0000000u, 4}, "multicast 224.0.0.0/4"},
    {{0xf0000000u, 4}, "reserved and broadcast 240.0.0.0/4"},
};

/* RFC 1918 and RFC 6598 space, with the shortest prefix a device may route there. */
static const struct {
  struct prefix net;
  unsigned shortest;
} private_ranges[] = {
    {{0x0a000000u, 8}, 8},
    {{0xac100000u, 12}, 16},
    {{0xc0a80000u, 16}, 16},
    {{0x64400000u, 10}, 16},
};

static void format(struct prefix p, char out[19]) {
  snprintf(out, 19, "%u.%u.%u.%u/%u", p.addr >> 24, (p.addr >> 16) & 255, (p.addr >> 8) & 255, p.addr & 255, p.len);
}

enum { ALLOW_LINE_MAX = 128, ALLOW_LINES_MAX = 1024 };

/* The allow-list file only counts when nobody but root can have written it: the file and its
 * directory owned by root and not writable by group or others, the file not a symbolic link. */
static int open_allow_list(FILE **out) {
  char dir[sizeof KITH_TAP_ALLOW_FILE];
  strcpy(dir, KITH_TAP_ALLOW_FILE);
  *strrchr(dir, '/') = '\0';
  int fd = open(KITH_TAP_ALLOW_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0 && errno == ENOENT) {
    *out = NULL;
    return 0;
  }
  struct stat f, d;
  if (fd < 0) return fail(EXIT_POLICY, "%s: %s", KITH_TAP_ALLOW_FILE, strerror(errno));
  if (fstat(fd, &f) != 0 || !S_ISREG(f.st_mode) || f.st_uid != 0 || (f.st_mode & (S_IWGRP | S_IWOTH)) != 0 ||
      lstat(dir[0] ? dir : "/", &d) != 0 || !S_ISDIR(d.st_mode) || d.st_uid != 0 || (d.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    close(fd);
    return fail(EXIT_POLICY, "%s ignored: it and its directory must be root's, not writable by group or others", KITH_TAP_ALLOW_FILE);
  }
  *out = fdopen(fd, "r");
  if (*out == NULL) {
    close(fd);
    return fail(EXIT_SYS, "%s: %s", KITH_TAP_ALLOW_FILE, strerror(errno));
  }
  return 0;
}

/* 1 when a line of the allow-list holds p, 0 when none does; a malformed file refuses everything
 * it would be asked about, so a typo never widens what users may do. */
static int allow_listed(struct prefix p, int *listed) {
  FILE *f = NULL;
  TRY(open_allow_list(&f));
  *listed = 0;
  if (f == NULL) return 0;
  char line[ALLOW_LINE_MAX + 2];
  int rc = 0;
  for (int n = 1; rc == 0 && fgets(line, sizeof line, f) != NULL; n++) {
    size_t len = strlen(line);
    if (n > ALLOW_LINES_MAX || (len == sizeof line - 1 && line[len - 1] != '\n')) {
      rc = fail(EXIT_POLICY, "%s:%d: too long (at most %d lines of %d bytes)", KITH_TAP_ALLOW_FILE, n, ALLOW_LINES_MAX, ALLOW_LINE_MAX);
      break;
    }
    line[strcspn(line, "#\n")] = '\0';
    char *s = line + strspn(line, " \t");
    size_t word = strcspn(s, " \t");
    int alone = s[word + strspn(s + word, " \t")] == '\0';
    s[word] = '\0';
    if (*s == '\0') continue;
    struct prefix entry;
    if (!alone || parse_cidr(s, &entry) != 0) rc = fail(EXIT_POLICY, "%s:%d: want one a.b.c.d/len per line", KITH_TAP_ALLOW_FILE, n);
    else if (contains(entry, p)) *listed = 1;
  }
  if (rc == 0 && ferror(f)) rc = fail(EXIT_SYS, "%s: read error", KITH_TAP_ALLOW_FILE);
  fclose(f);
  return rc;
}

int check_address(struct prefix p) {
  char text[19];
  format(p, text);
  for (size_t i = 0; i < sizeof never / sizeof never[0]; i++)
    if (prefixes_overlap(p, never[i].net)) return fail(EXIT_POLICY, "%s overlaps %s; %s", text, never[i].what, ALLOWED);
  uint32_t host = p.addr & ~prefix_mask(p.len);
  if (p.len <= 30 && (host == 0 || host == ~prefix_mask(p.len)))
    return fail(EXIT_POLICY, "%s is the network or broadcast address of its prefix; use a host address", text);
  for (size_t i = 0; i < sizeof private_ranges / sizeof private_ranges[0]; i++)
    if (p.len >= private_ranges[i].shortest && contains(private_ranges[i].net, p)) return 0;
  int listed;
  TRY(allow_listed(p, &listed));
  return listed ? 0 : fail(EXIT_POLICY, "%s is not a private prefix; %s", text, ALLOWED);
}
