/* What kith-tap.c (the commands, the agent, Linux) shares with feth-macos.c (macOS's devices). */
#pragma once
#include <net/if.h>
#include <netinet/in.h>
#include <sys/types.h>

enum { EXIT_SYS = 1, EXIT_USAGE = 2, EXIT_POLICY = 3 };

/* Operations return 0 or an exit code, with the one-line reason in errmsg: the command prints it
 * and exits, the agent sends it to its client and carries on. */
extern char errmsg[160];
__attribute__((format(printf, 2, 3))) int fail(int code, const char *fmt, ...);
#define TRY(expr) do { int rc_ = (expr); if (rc_ != 0) return rc_; } while (0)

void ifr_init(struct ifreq *ifr, const char *name);
int xioctl(int fd, unsigned long req, void *arg, const char *what, const char *name);

/* The OS interfaces behind a kith name, after the policy check: the host side first. */
struct dev {
  char ifs[2][IFNAMSIZ];
  int n;
};

/* Per OS. caller is the uid asking: 0 may use any kith device, others only their own. */
int resolve(const char *name, uid_t caller, struct dev *d);
int set_addr(const char *ifname, struct in_addr a, struct in_addr m);
/* The caller's device, created for it on first use; *fd is for frame I/O on interface ifname. */
int tap_open(const char *name, uid_t caller, int *fd, char ifname[IFNAMSIZ]);
int peer_uid(int c, uid_t *uid);
#ifdef __APPLE__
void feth_cleanup(void);
#endif
