/*
 * kith-tap on macOS, built into the same binary there (Makefile); only the agent, `kith-tap serve`
 * run as root by launchd, exists on macOS (kith-tap.c has the protocol and the policy).
 *
 * macOS has no TAP driver: each kith device is a feth(4) pair the agent makes. feth<B+2i> is the
 * host side (address, MTU, what ifconfig shows); feth<B+2i+1>, its peer, is the engine's side,
 * read and written through a BPF descriptor the agent opens, binds and passes, so the user needs
 * no access to /dev/bpf*. Frames written there arrive on the host side and the other way round.
 * The name -> pair table lives in memory, as long as the agent (launchd keeps it running); a new
 * agent first destroys the pairs in its unit range left by an earlier one.
 *
 * NOT COMPILED HERE (no macOS SDK): written against bpf(4), ifconfig(8), posix_spawn(2) and
 * xnu's if_fake.c (feth: `ifconfig fethN create`, `ifconfig fethM peer fethN`).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/bpf.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kith-tap.h"

enum { SLOTS = 16, FETH_BASE = 7000 };
static struct {
  char name[IFNAMSIZ]; /* empty: free */
  uid_t owner;
} slot[SLOTS];

static void feth_name(int i, int engine_side, char out[IFNAMSIZ]) {
  snprintf(out, IFNAMSIZ, "feth%d", FETH_BASE + 2 * i + engine_side);
}

/* /sbin/ifconfig with fixed arguments we built, an empty environment and only stderr inherited. */
static int ifconfig(const char *a1, const char *a2, const char *a3, const char *a4, const char *a5) {
  const char *argv[] = {"ifconfig", a1, a2, a3, a4, a5, NULL};
  char *envp[] = {NULL};
  posix_spawnattr_t at;
  posix_spawn_file_actions_t fa;
  posix_spawnattr_init(&at);
  posix_spawnattr_setflags(&at, POSIX_SPAWN_CLOEXEC_DEFAULT);
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addinherit_np(&fa, STDERR_FILENO);
  pid_t pid;
  int rc = posix_spawn(&pid, "/sbin/ifconfig", &fa, &at, (char *const *)argv, envp), st = 0;
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&at);
  if (rc != 0) return fail(EXIT_SYS, "ifconfig: %s", strerror(rc));
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR) return fail(EXIT_SYS, "waitpid: %s", strerror(errno));
  return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : fail(EXIT_SYS, "ifconfig %s %s failed", a1, a2);
}

static void feth_destroy(int i) {
  char h[IFNAMSIZ], e[IFNAMSIZ];
  feth_name(i, 0, h);
  feth_name(i, 1, e);
  if (if_nametoindex(e) != 0) ifconfig(e, "destroy", NULL, NULL, NULL);
  if (if_nametoindex(h) != 0) ifconfig(h, "destroy", NULL, NULL, NULL);
}

static int feth_make(int i) {
  char h[IFNAMSIZ], e[IFNAMSIZ];
  feth_name(i, 0, h);
  feth_name(i, 1, e);
  feth_destroy(i);
  int rc = ifconfig(h, "create", NULL, NULL, NULL);
  if (rc == 0) rc = ifconfig(e, "create", NULL, NULL, NULL);
  if (rc == 0) rc = ifconfig(e, "peer", h, NULL, NULL);
  if (rc != 0) feth_destroy(i);
  return rc;
}

static int find_slot(const char *name) {
  for (int i = 0; i < SLOTS; i++)
    if (strcmp(slot[i].name, name) == 0) return i;
  return -1;
}

int resolve(const char *name, uid_t caller, struct dev *d) {
  int i = find_slot(name);
  if (i < 0) return fail(EXIT_SYS, "%s: no such device", name);
  if (caller != 0 && slot[i].owner != caller) return fail(EXIT_POLICY, "%s: not owned by you", name);
  feth_name(i, 0, d->ifs[0]);
  feth_name(i, 1, d->ifs[1]);
  d->index = if_nametoindex(d->ifs[0]);
  d->n = 2;
  return 0;
}

/* ifconfig without `alias` replaces the interface's address, as kith-tap does on Linux. The routing
 * table is not read here (Linux's route_conflict has no macOS twin yet): check_address's rules hold. */
int set_addr(const struct dev *d, struct prefix p, uid_t caller) {
  (void)caller;
  char addr[INET_ADDRSTRLEN], mask[INET_ADDRSTRLEN];
  struct in_addr a = {htonl(p.addr)}, m = {htonl(prefix_mask(p.len))};
  inet_ntop(AF_INET, &a, addr, sizeof addr);
  inet_ntop(AF_INET, &m, mask, sizeof mask);
  return ifconfig(d->ifs[0], "inet", addr, "netmask", mask);
}

int owned_devices(uid_t uid, int *count) {
  *count = 0;
  for (int i = 0; i < SLOTS; i++) *count += slot[i].name[0] != '\0' && slot[i].owner == uid;
  return 0;
}

/* The same settings as native/src/tap_macos.cc, which adopts this descriptor. */
static int bpf_open(const char *ifname, int *out) {
  int fd = -1;
  for (int i = 0; i < 256 && fd < 0; i++) {
    char path[16];
    snprintf(path, sizeof path, "/dev/bpf%d", i);
    fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0 && errno != EBUSY) return fail(EXIT_SYS, "open %s: %s", path, strerror(errno));
  }
  if (fd < 0) return fail(EXIT_SYS, "no free /dev/bpf*");
  u_int blen = 1u << 20, one = 1, zero = 0;
  struct ifreq ifr;
  ifr_init(&ifr, ifname);
  int rc = xioctl(fd, BIOCSBLEN, &blen, "BIOCSBLEN", ifname); /* before BIOCSETIF */
  if (rc == 0) rc = xioctl(fd, BIOCSETIF, &ifr, "BIOCSETIF", ifname);
  if (rc == 0) rc = xioctl(fd, BIOCIMMEDIATE, &one, "BIOCIMMEDIATE", ifname);
  if (rc == 0) rc = xioctl(fd, BIOCSHDRCMPLT, &one, "BIOCSHDRCMPLT", ifname);
  if (rc == 0) rc = xioctl(fd, BIOCSSEESENT, &zero, "BIOCSSEESENT", ifname);
  if (rc != 0) close(fd);
  else *out = fd;
  return rc;
}

int tap_open(const char *name, uid_t caller, int *fd, char ifname[IFNAMSIZ]) {
  int i = find_slot(name);
  if (i < 0) {
    TRY(may_create(name, caller, caller));
    for (i = 0; i < SLOTS && slot[i].name[0] != '\0'; i++) continue;
    if (i == SLOTS) return fail(EXIT_SYS, "too many kith devices");
    TRY(feth_make(i));
    strcpy(slot[i].name, name);
    slot[i].owner = caller;
  } else if (caller != 0 && slot[i].owner != caller) {
    return fail(EXIT_POLICY, "%s: not owned by you", name);
  }
  feth_name(i, 1, ifname);
  return bpf_open(ifname, fd);
}

int peer_uid(int c, uid_t *uid) {
  gid_t gid;
  return getpeereid(c, uid, &gid);
}

/* A new agent starts from an empty table: remove what an earlier one left in its unit range. */
void feth_cleanup(void) {
  for (int i = 0; i < SLOTS; i++) feth_destroy(i);
}
