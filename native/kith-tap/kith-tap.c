/*
 * kith-tap: the only privileged piece of Kith on Linux. It creates a persistent TAP device owned
 * by a user, configures its host side (IPv4 address, MTU, up/down) and deletes it. The engine runs
 * as that user and attaches to the TAP itself (TUNSETIFF works for the owner without privilege).
 *
 * Install with file capabilities, never setuid:  setcap cap_net_admin=ep kith-tap
 * Anyone who can run it gets CAP_NET_ADMIN for these few operations, so a non-root caller may only
 * create TAPs for itself and only touch TAPs it owns; root may touch any kith* TAP.
 *
 * Exit codes: 0 ok, 1 system call failed, 2 bad usage/arguments, 3 refused by policy.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { EXIT_SYS = 1, EXIT_USAGE = 2, EXIT_POLICY = 3 };

static void die(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("kith-tap: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(code);
}

static void usage(void) {
  die(EXIT_USAGE, "usage: kith-tap create <name> <user> | delete <name> | addr <name> <a.b.c.d/len>"
                  " | mtu <name> <576-9000> | up <name> | down <name>");
}

/* Names: "kith" + up to 11 of [A-Za-z0-9_-]; fits IFNAMSIZ and can never name a system device. */
static const char *check_name(const char *s) {
  size_t n = strlen(s);
  if (n < 4 || n > 15 || strncmp(s, "kith", 4) != 0) die(EXIT_USAGE, "bad device name: must be kith[A-Za-z0-9_-]{0,11}");
  for (size_t i = 4; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      die(EXIT_USAGE, "bad device name: must be kith[A-Za-z0-9_-]{0,11}");
  }
  return s;
}

/* Strict unsigned decimal: digits only, no sign, no leading zeros (except "0"), <= max. */
static int parse_uint(const char *s, unsigned long max, unsigned long *out) {
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

static uid_t parse_user(const char *s) {
  unsigned long v;
  if (parse_uint(s, 0xfffffffeUL, &v) == 0) return (uid_t)v; /* (uid_t)-1 means "no owner" */
  if (strlen(s) > 32) die(EXIT_USAGE, "bad user");
  struct passwd *pw = getpwnam(s);
  if (pw == NULL) die(EXIT_USAGE, "unknown user: %s", s);
  return pw->pw_uid;
}

/* Dotted quad with exactly four decimal parts, then /1..32; unicast, not 0/8, 127/8 or >= 224/4. */
static void parse_cidr(const char *s, struct in_addr *addr, struct in_addr *mask) {
  char buf[19]; /* "255.255.255.255/32" */
  unsigned long part[4], len;
  if (strlen(s) >= sizeof buf) die(EXIT_USAGE, "bad address: %s", s);
  strcpy(buf, s);
  char *slash = strchr(buf, '/');
  if (slash == NULL) die(EXIT_USAGE, "bad address (want a.b.c.d/len): %s", s);
  *slash = '\0';
  if (parse_uint(slash + 1, 32, &len) != 0 || len < 1) die(EXIT_USAGE, "bad prefix length: %s", s);
  char *p = buf;
  for (int i = 0; i < 4; i++) {
    char *dot = strchr(p, '.');
    if ((i < 3) != (dot != NULL)) die(EXIT_USAGE, "bad address: %s", s);
    if (dot) *dot = '\0';
    if (parse_uint(p, 255, &part[i]) != 0) die(EXIT_USAGE, "bad address: %s", s);
    p = dot ? dot + 1 : p;
  }
  if (part[0] == 0 || part[0] == 127 || part[0] >= 224) die(EXIT_USAGE, "address must be unicast: %s", s);
  addr->s_addr = htonl((uint32_t)(part[0] << 24 | part[1] << 16 | part[2] << 8 | part[3]));
  mask->s_addr = htonl(len == 32 ? 0xffffffffu : ~(0xffffffffu >> len));
}

/* Reads /sys/class/net/<name>/<attr> as an integer (hex or decimal); -1 if absent. */
static long sys_attr(const char *name, const char *attr) {
  char path[64], val[32];
  snprintf(path, sizeof path, "/sys/class/net/%s/%s", name, attr);
  FILE *f = fopen(path, "re");
  if (f == NULL) return -1;
  char *ok = fgets(val, sizeof val, f);
  fclose(f);
  return ok ? strtol(val, NULL, 0) : -1;
}

/* Only ever touch TAP devices; a non-root caller only ones it owns. */
static void check_owned_tap(const char *name) {
  long flags = sys_attr(name, "tun_flags");
  if (flags < 0) die(EXIT_SYS, "%s: no such TAP device", name);
  if (!(flags & IFF_TAP)) die(EXIT_POLICY, "%s: not a TAP device", name);
  if (getuid() != 0 && sys_attr(name, "owner") != (long)getuid()) die(EXIT_POLICY, "%s: not owned by you", name);
}

static int ctl_socket(void) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) die(EXIT_SYS, "socket: %s", strerror(errno));
  return s;
}

static void ifr_init(struct ifreq *ifr, const char *name) {
  memset(ifr, 0, sizeof *ifr);
  strncpy(ifr->ifr_name, name, IFNAMSIZ - 1);
}

static void xioctl(int fd, unsigned long req, void *arg, const char *what, const char *name) {
  if (ioctl(fd, req, arg) < 0) die(EXIT_SYS, "%s %s: %s", what, name, strerror(errno));
}

static int tun_attach(const char *name) {
  int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (fd < 0) die(EXIT_SYS, "open /dev/net/tun: %s", strerror(errno));
  struct ifreq ifr;
  ifr_init(&ifr, name);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  xioctl(fd, TUNSETIFF, &ifr, "TUNSETIFF", name);
  return fd;
}

static void cmd_create(const char *name, uid_t uid) {
  if (getuid() != 0 && uid != getuid()) die(EXIT_POLICY, "may only create a TAP for yourself");
  if (if_nametoindex(name) != 0) die(EXIT_SYS, "%s: already exists", name);
  int fd = tun_attach(name);
  xioctl(fd, TUNSETOWNER, (void *)(unsigned long)uid, "TUNSETOWNER", name);
  xioctl(fd, TUNSETPERSIST, (void *)1UL, "TUNSETPERSIST", name);
  close(fd);
}

static void cmd_delete(const char *name) {
  check_owned_tap(name);
  int fd = tun_attach(name);
  /* Without persistence the device disappears when its last file descriptor closes. */
  xioctl(fd, TUNSETPERSIST, (void *)0UL, "TUNSETPERSIST", name);
  close(fd);
}

static void cmd_addr(const char *name, const char *cidr) {
  struct in_addr a, m;
  parse_cidr(cidr, &a, &m);
  check_owned_tap(name);
  int s = ctl_socket();
  struct ifreq ifr;
  ifr_init(&ifr, name);
  struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
  sin->sin_family = AF_INET;
  sin->sin_addr = a;
  xioctl(s, SIOCSIFADDR, &ifr, "SIOCSIFADDR", name);
  ifr_init(&ifr, name);
  sin->sin_family = AF_INET;
  sin->sin_addr = m;
  xioctl(s, SIOCSIFNETMASK, &ifr, "SIOCSIFNETMASK", name);
  close(s);
}

static void cmd_mtu(const char *name, const char *arg) {
  unsigned long mtu;
  /* 576: the IPv4 minimum every host must accept; below it the VPN is useless. 9000: jumbo
   * frames; n3n's own MTU limit is far lower, and larger values only hide configuration errors. */
  if (parse_uint(arg, 9000, &mtu) != 0 || mtu < 576) die(EXIT_USAGE, "bad MTU (576-9000): %s", arg);
  check_owned_tap(name);
  int s = ctl_socket();
  struct ifreq ifr;
  ifr_init(&ifr, name);
  ifr.ifr_mtu = (int)mtu;
  xioctl(s, SIOCSIFMTU, &ifr, "SIOCSIFMTU", name);
  close(s);
}

static void cmd_updown(const char *name, int up) {
  check_owned_tap(name);
  int s = ctl_socket();
  struct ifreq ifr;
  ifr_init(&ifr, name);
  xioctl(s, SIOCGIFFLAGS, &ifr, "SIOCGIFFLAGS", name);
  if (up) ifr.ifr_flags |= IFF_UP;
  else ifr.ifr_flags &= ~IFF_UP;
  xioctl(s, SIOCSIFFLAGS, &ifr, "SIOCSIFFLAGS", name);
  close(s);
}

/* Keep CAP_NET_ADMIN (if we have it) and nothing else: no DAC override, no setuid, etc. */
static void drop_caps(void) {
  struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2];
  if (syscall(SYS_capget, &hdr, data) != 0) die(EXIT_SYS, "capget: %s", strerror(errno));
  uint32_t keep = data[0].permitted & (1u << CAP_NET_ADMIN);
  memset(data, 0, sizeof data);
  data[0].permitted = data[0].effective = keep;
  if (syscall(SYS_capset, &hdr, data) != 0) die(EXIT_SYS, "capset: %s", strerror(errno));
  /* And never regain anything through exec (we do not exec, but be explicit). */
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

int main(int argc, char **argv) {
  if (geteuid() != getuid() || getegid() != getgid())
    die(EXIT_POLICY, "refusing to run setuid/setgid; install with setcap cap_net_admin=ep instead");
  clearenv();
  umask(077);
  drop_caps();
  if (argc < 3) usage();
  const char *cmd = argv[1];
  const char *name = check_name(argv[2]);
  if (strcmp(cmd, "create") == 0 && argc == 4) cmd_create(name, parse_user(argv[3]));
  else if (strcmp(cmd, "delete") == 0 && argc == 3) cmd_delete(name);
  else if (strcmp(cmd, "addr") == 0 && argc == 4) cmd_addr(name, argv[3]);
  else if (strcmp(cmd, "mtu") == 0 && argc == 4) cmd_mtu(name, argv[3]);
  else if (strcmp(cmd, "up") == 0 && argc == 3) cmd_updown(name, 1);
  else if (strcmp(cmd, "down") == 0 && argc == 3) cmd_updown(name, 0);
  else usage();
  return 0;
}
