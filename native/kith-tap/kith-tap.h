/* What kith-tap.c (the commands, the agent), address-policy.c (which addresses a device may take),
 * rtnl-linux.c (Linux's routing and links) and feth-macos.c (macOS's devices) share. */
#pragma once
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <sys/types.h>

enum { EXIT_SYS = 1, EXIT_USAGE = 2, EXIT_POLICY = 3 };

/* The most kith devices one user may own (root is not counted): enough for a few networks at once,
 * few enough that a user cannot fill the host's interface table. */
enum { MAX_DEVICES_PER_USER = 8 };

/* Operations return 0 or an exit code, with the one-line reason in errmsg: the command prints it
 * and exits, the agent sends it to its client and carries on. */
extern char errmsg[200]; /* with "error " and "\n", within the 256 bytes the clients read */
__attribute__((format(printf, 2, 3))) int fail(int code, const char *fmt, ...);
#define TRY(expr) do { int rc_ = (expr); if (rc_ != 0) return rc_; } while (0)

void ifr_init(struct ifreq *ifr, const char *name);
int xioctl(int fd, unsigned long req, void *arg, const char *what, const char *name);

/* An IPv4 address with its prefix length, host byte order. */
struct prefix {
  uint32_t addr;
  unsigned len;
};
uint32_t prefix_mask(unsigned len);
int prefixes_overlap(struct prefix a, struct prefix b);
/* Strict unsigned decimal: digits only, no sign, no leading zeros (except "0"), <= max; 0 or -1. */
int parse_uint(const char *s, unsigned long max, unsigned long *out);
/* "a.b.c.d/len", len 1..32, no leading zeros: 0 or EXIT_USAGE. */
int parse_cidr(const char *s, struct prefix *p);
/* The address rules that need no routing table (address-policy.c): 0 or EXIT_POLICY. */
int check_address(struct prefix p);
/* Where an administrator allows more prefixes; a test build may point it elsewhere (Makefile). */
#ifndef KITH_TAP_ALLOW_FILE
#define KITH_TAP_ALLOW_FILE "/etc/kith/tap-allow.conf"
#endif

/* The OS interfaces behind a kith name, after the policy check: the host side first. */
struct dev {
  char ifs[2][IFNAMSIZ];
  unsigned index; /* of ifs[0] */
  int n;
};

/* Per OS. caller is the uid asking: 0 may use any kith device, others only their own. */
int resolve(const char *name, uid_t caller, struct dev *d);
int set_addr(const struct dev *d, struct prefix p, uid_t caller);
/* The caller's device, created for it on first use; *fd is for frame I/O on interface ifname. */
int tap_open(const char *name, uid_t caller, int *fd, char ifname[IFNAMSIZ]);
/* Refuses (EXIT_POLICY) a device kith-tap may not make for owner at caller's request. */
int may_create(const char *name, uid_t owner, uid_t caller);
/* How many kith devices uid owns now. */
int owned_devices(uid_t uid, int *count);
int peer_uid(int c, uid_t *uid);
#ifdef __linux__
/* rtnl-linux.c. */
struct tap_info {
  unsigned index;
  int tun_driver; /* a tun/tap device at all */
  int tap;        /* in TAP (layer-2) mode */
  long owner;     /* uid, or -1 for none */
};
int tap_info(const char *name, struct tap_info *out);
int count_owned_taps(uid_t uid, int *count);
/* EXIT_POLICY when p overlaps a route (the default route aside) through any interface but `index`
 * and the caller's own TUN/TAP devices (root: also ownerless ones). */
int route_conflict(struct prefix p, unsigned index, uid_t caller);
int rtnl_set_addr(unsigned index, struct prefix p);
void rtnl_clear_addr(unsigned index);
#endif
#ifdef __APPLE__
void feth_cleanup(void);
#endif
