/*
 * kith-tap: the only privileged piece of Kith. It creates a layer-2 device owned by a user,
 * configures its host side (IPv4 address, MTU, up/down) and deletes it. The engine runs as that
 * user and does the frame I/O itself.
 *
 * As a command (Linux): install with file capabilities, never setuid:  setcap cap_net_admin=ep kith-tap
 * Anyone who can run it gets CAP_NET_ADMIN for these few operations, so a non-root caller may only
 * create TAPs for itself and only touch TAPs it owns; root may touch any kith* TAP. The engine
 * attaches to its persistent TAP itself (TUNSETIFF works for the owner without privilege).
 *
 * As an agent, `kith-tap serve <socket>`, run as root: by launchd on macOS (the only way there,
 * DESIGN.md "Privilege per OS"), by systemd on Linux as an alternative to file capabilities. The same
 * policy, with the caller identified by the socket's peer credentials; see serve() for the protocol.
 *
 * Exit codes: 0 ok, 1 system call failed, 2 bad usage/arguments, 3 refused by policy.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/capability.h>
#include <linux/if_tun.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#endif

#include "kith-tap.h"

char errmsg[160];

int fail(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(errmsg, sizeof errmsg, fmt, ap);
  va_end(ap);
  return code;
}

__attribute__((noreturn, format(printf, 2, 3))) static void die(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("kith-tap: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(code);
}

__attribute__((noreturn)) static void usage(void) {
  die(EXIT_USAGE, "usage: kith-tap create <name> <user> | delete <name> | addr <name> <a.b.c.d/len>"
                  " | mtu <name> <576-9000> | up <name> | down <name> | serve <socket>");
}

/* Names: "kith" + up to 11 of [A-Za-z0-9_-]; fits IFNAMSIZ and can never name a system device. */
static int check_name(const char *s) {
  size_t n = strlen(s);
  int bad = n < 4 || n > 15 || strncmp(s, "kith", 4) != 0;
  for (size_t i = 4; !bad && i < n; i++) {
    char c = s[i];
    bad = !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-');
  }
  return bad ? fail(EXIT_USAGE, "bad device name: must be kith[A-Za-z0-9_-]{0,11}") : 0;
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

/* Dotted quad with exactly four decimal parts, then /1..32; unicast, not 0/8, 127/8 or >= 224/4. */
static int parse_cidr(const char *s, struct in_addr *addr, struct in_addr *mask) {
  char buf[19]; /* "255.255.255.255/32" */
  unsigned long part[4], len;
  if (strlen(s) >= sizeof buf) return fail(EXIT_USAGE, "bad address: %s", s);
  strcpy(buf, s);
  char *slash = strchr(buf, '/');
  if (slash == NULL) return fail(EXIT_USAGE, "bad address (want a.b.c.d/len): %s", s);
  *slash = '\0';
  if (parse_uint(slash + 1, 32, &len) != 0 || len < 1) return fail(EXIT_USAGE, "bad prefix length: %s", s);
  char *p = buf;
  for (int i = 0; i < 4; i++) {
    char *dot = strchr(p, '.');
    if ((i < 3) != (dot != NULL)) return fail(EXIT_USAGE, "bad address: %s", s);
    if (dot) *dot = '\0';
    if (parse_uint(p, 255, &part[i]) != 0) return fail(EXIT_USAGE, "bad address: %s", s);
    p = dot ? dot + 1 : p;
  }
  if (part[0] == 0 || part[0] == 127 || part[0] >= 224) return fail(EXIT_USAGE, "address must be unicast: %s", s);
  addr->s_addr = htonl((uint32_t)(part[0] << 24 | part[1] << 16 | part[2] << 8 | part[3]));
  mask->s_addr = htonl(len == 32 ? 0xffffffffu : ~(0xffffffffu >> len));
  return 0;
}

void ifr_init(struct ifreq *ifr, const char *name) {
  memset(ifr, 0, sizeof *ifr);
  memcpy(ifr->ifr_name, name, strnlen(name, IFNAMSIZ - 1));
}

int xioctl(int fd, unsigned long req, void *arg, const char *what, const char *name) {
  return ioctl(fd, req, arg) < 0 ? fail(EXIT_SYS, "%s %s: %s", what, name, strerror(errno)) : 0;
}

/* One ioctl on a throwaway AF_INET datagram socket (the interface configuration ioctls). */
static int if_ioctl(unsigned long req, struct ifreq *ifr, const char *what) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  if (s < 0) return fail(EXIT_SYS, "socket: %s", strerror(errno));
  int rc = xioctl(s, req, ifr, what, ifr->ifr_name);
  close(s);
  return rc;
}

#ifdef __linux__
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
static int check_owned_tap(const char *name, uid_t caller) {
  long flags = sys_attr(name, "tun_flags");
  if (flags < 0) return fail(EXIT_SYS, "%s: no such TAP device", name);
  if (!(flags & IFF_TAP)) return fail(EXIT_POLICY, "%s: not a TAP device", name);
  if (caller != 0 && sys_attr(name, "owner") != (long)caller) return fail(EXIT_POLICY, "%s: not owned by you", name);
  return 0;
}

int resolve(const char *name, uid_t caller, struct dev *d) {
  TRY(check_owned_tap(name, caller));
  strcpy(d->ifs[0], name);
  d->n = 1;
  return 0;
}

static int tun_attach(const char *name, int *out) {
  int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (fd < 0) return fail(EXIT_SYS, "open /dev/net/tun: %s", strerror(errno));
  struct ifreq ifr;
  ifr_init(&ifr, name);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  int rc = xioctl(fd, TUNSETIFF, &ifr, "TUNSETIFF", name);
  if (rc != 0) close(fd);
  else *out = fd;
  return rc;
}

static int cmd_create(const char *name, uid_t uid, uid_t caller) {
  if (caller != 0 && uid != caller) return fail(EXIT_POLICY, "may only create a TAP for yourself");
  if (if_nametoindex(name) != 0) return fail(EXIT_SYS, "%s: already exists", name);
  int fd, rc;
  TRY(tun_attach(name, &fd));
  rc = xioctl(fd, TUNSETOWNER, (void *)(unsigned long)uid, "TUNSETOWNER", name);
  if (rc == 0) rc = xioctl(fd, TUNSETPERSIST, (void *)1UL, "TUNSETPERSIST", name);
  close(fd);
  return rc;
}

static int cmd_delete(const char *name, uid_t caller) {
  int fd;
  TRY(check_owned_tap(name, caller));
  TRY(tun_attach(name, &fd));
  /* Without persistence the device disappears when its last file descriptor closes. */
  int rc = xioctl(fd, TUNSETPERSIST, (void *)0UL, "TUNSETPERSIST", name);
  close(fd);
  return rc;
}

int set_addr(const char *ifname, struct in_addr a, struct in_addr m) {
  struct ifreq ifr;
  struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
  ifr_init(&ifr, ifname);
  sin->sin_family = AF_INET;
  sin->sin_addr = a;
  TRY(if_ioctl(SIOCSIFADDR, &ifr, "SIOCSIFADDR"));
  ifr_init(&ifr, ifname);
  sin->sin_family = AF_INET;
  sin->sin_addr = m;
  return if_ioctl(SIOCSIFNETMASK, &ifr, "SIOCSIFNETMASK");
}

/* The agent's open: the caller's persistent TAP (made for it on first use), attached. */
int tap_open(const char *name, uid_t caller, int *fd, char ifname[IFNAMSIZ]) {
  if (if_nametoindex(name) == 0) TRY(cmd_create(name, caller, caller));
  TRY(check_owned_tap(name, caller));
  TRY(tun_attach(name, fd));
  /* Again with the fd attached: a device swapped in meanwhile would fail here, and one swapped
   * out after the attach leaves the fd on a deleted device, which carries no frames. */
  int rc = check_owned_tap(name, caller);
  if (rc != 0) close(*fd);
  else strcpy(ifname, name);
  return rc;
}

int peer_uid(int c, uid_t *uid) {
  struct ucred cr;
  socklen_t len = sizeof cr;
  if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0 || len != sizeof cr) return -1;
  *uid = cr.uid;
  return 0;
}

/* Keep CAP_NET_ADMIN (if we have it) and nothing else: no DAC override, no setuid, etc. */
static int drop_caps(void) {
  struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2];
  if (syscall(SYS_capget, &hdr, data) != 0) die(EXIT_SYS, "capget: %s", strerror(errno));
  uint32_t keep = data[0].permitted & (1u << CAP_NET_ADMIN);
  memset(data, 0, sizeof data);
  data[0].permitted = data[0].effective = keep;
  if (syscall(SYS_capset, &hdr, data) != 0) die(EXIT_SYS, "capset: %s", strerror(errno));
  /* And never regain anything through exec (we do not exec, but be explicit). */
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  return keep != 0;
}
#endif /* __linux__ */


static int cmd_addr(const char *name, const char *cidr, uid_t caller) {
  struct in_addr a = {0}, m = {0};
  struct dev d;
  TRY(parse_cidr(cidr, &a, &m));
  TRY(resolve(name, caller, &d));
  return set_addr(d.ifs[0], a, m);
}

static int cmd_mtu(const char *name, const char *arg, uid_t caller) {
  unsigned long mtu;
  struct dev d;
  /* 576: the IPv4 minimum every host must accept; below it the VPN is useless. 9000: jumbo
   * frames; n3n's own MTU limit is far lower, and larger values only hide configuration errors. */
  if (parse_uint(arg, 9000, &mtu) != 0 || mtu < 576) return fail(EXIT_USAGE, "bad MTU (576-9000): %s", arg);
  TRY(resolve(name, caller, &d));
  for (int i = 0; i < d.n; i++) {
    struct ifreq ifr;
    ifr_init(&ifr, d.ifs[i]);
    ifr.ifr_mtu = (int)mtu;
    TRY(if_ioctl(SIOCSIFMTU, &ifr, "SIOCSIFMTU"));
  }
  return 0;
}

static int cmd_updown(const char *name, int up, uid_t caller) {
  struct dev d;
  TRY(resolve(name, caller, &d));
  for (int i = 0; i < d.n; i++) {
    struct ifreq ifr;
    ifr_init(&ifr, d.ifs[i]);
    TRY(if_ioctl(SIOCGIFFLAGS, &ifr, "SIOCGIFFLAGS"));
    if (up) ifr.ifr_flags |= IFF_UP;
    else ifr.ifr_flags &= ~IFF_UP;
    TRY(if_ioctl(SIOCSIFFLAGS, &ifr, "SIOCSIFFLAGS"));
  }
  return 0;
}

enum { REQ_MAX = 64, CLIENT_MS = 2000 };

/* One request line, at most REQ_MAX bytes with its '\n', within CLIENT_MS in all. */
static int read_request(int c, char buf[REQ_MAX + 1]) {
  struct timespec t0, t;
  size_t n = 0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  while (n < REQ_MAX) {
    clock_gettime(CLOCK_MONOTONIC, &t);
    long left = CLIENT_MS - ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
    struct pollfd p = {c, POLLIN, 0};
    int r = left > 0 ? poll(&p, 1, (int)left) : 0;
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return fail(EXIT_USAGE, "request timed out");
    ssize_t k = recv(c, buf + n, REQ_MAX - n, 0);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return fail(EXIT_USAGE, "incomplete request");
    if (memchr(buf + n, '\0', (size_t)k) != NULL) return fail(EXIT_USAGE, "bad request"); /* C strings below */
    n += (size_t)k;
    char *nl = memchr(buf, '\n', n);
    if (nl == NULL) continue;
    if (nl != buf + n - 1) return fail(EXIT_USAGE, "one request per connection");
    *nl = '\0';
    return 0;
  }
  return fail(EXIT_USAGE, "request too long");
}

/* Splits "cmd name [arg]" on single spaces (printable ASCII only) and runs it for `caller`. */
static int handle(char *line, uid_t caller, int *fd, char ifname[IFNAMSIZ]) {
  char *arg[4];
  int argc = 0;
  for (char *p = line; *p; p++)
    if (*p < 0x20 || *p > 0x7e) return fail(EXIT_USAGE, "bad request");
  for (char *p = line;;) {
    if (argc == 3) return fail(EXIT_USAGE, "bad request");
    arg[argc++] = p;
    p = strchr(p, ' ');
    if (p == NULL) break;
    *p++ = '\0';
  }
  for (int i = 0; i < argc; i++)
    if (arg[i][0] == '\0') return fail(EXIT_USAGE, "bad request");
  if (argc < 2) return fail(EXIT_USAGE, "bad request");
  TRY(check_name(arg[1]));
  if (strcmp(arg[0], "open") == 0 && argc == 2) return tap_open(arg[1], caller, fd, ifname);
  if (strcmp(arg[0], "addr") == 0 && argc == 3) return cmd_addr(arg[1], arg[2], caller);
  if (strcmp(arg[0], "mtu") == 0 && argc == 3) return cmd_mtu(arg[1], arg[2], caller);
  if (strcmp(arg[0], "up") == 0 && argc == 2) return cmd_updown(arg[1], 1, caller);
  if (strcmp(arg[0], "down") == 0 && argc == 2) return cmd_updown(arg[1], 0, caller);
  return fail(EXIT_USAGE, "bad request");
}

/* The reply line, with the device's descriptor attached (SCM_RIGHTS) when fd >= 0. */
static void reply(int c, const char *line, int fd) {
  struct iovec iov = {(void *)line, strlen(line)};
  union {
    struct cmsghdr h;
    char buf[CMSG_SPACE(sizeof(int))];
  } ctl;
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  memset(&ctl, 0, sizeof ctl);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (fd >= 0) {
    msg.msg_control = ctl.buf;
    msg.msg_controllen = sizeof ctl.buf;
    struct cmsghdr *h = CMSG_FIRSTHDR(&msg);
    h->cmsg_level = SOL_SOCKET;
    h->cmsg_type = SCM_RIGHTS;
    h->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(h), &fd, sizeof fd);
  }
  while (sendmsg(c, &msg, 0) < 0 && errno == EINTR) continue; /* a vanished client is its loss */
}

/*
 * The agent. Protocol, one exchange per connection on a unix stream socket:
 *   client: "open <name>\n" | "addr <name> <a.b.c.d/len>\n" | "mtu <name> <n>\n" | "up <name>\n" | "down <name>\n"
 *   agent:  "ok <ifname>\n" with the device's descriptor (open), "ok\n" (others), or "error <reason>\n";
 *           then it closes the connection.
 * <ifname> is the OS interface the descriptor is attached to (the kith name on Linux, the engine's
 * feth on macOS). Arguments are checked exactly as on the command line, and the caller (its peer
 * credentials) gets exactly what the command line would give it: so the socket is mode 0666, in a
 * directory owned by root and not writable by others. One client at a time, CLIENT_MS each at most.
 */
__attribute__((noreturn)) static void serve(const char *path) {
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  if (path[0] != '/' || strlen(path) >= sizeof sa.sun_path) die(EXIT_USAGE, "socket path must be absolute and short");
  strcpy(sa.sun_path, path);
  char dir[sizeof sa.sun_path];
  strcpy(dir, path);
  *strrchr(dir, '/') = '\0';
  struct stat st;
  if (lstat(dir[0] ? dir : "/", &st) != 0 || !S_ISDIR(st.st_mode) || (st.st_uid != 0 && st.st_uid != geteuid()) ||
      (st.st_mode & S_IWOTH))
    die(EXIT_POLICY, "%s must be a directory owned by root and not writable by others", dir);
  if (lstat(path, &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) die(EXIT_USAGE, "%s exists and is not a socket", path);
    unlink(path); /* left by an earlier agent */
  }
  signal(SIGPIPE, SIG_IGN);
  int ls = socket(AF_UNIX, SOCK_STREAM, 0);
  if (ls < 0 || fcntl(ls, F_SETFD, FD_CLOEXEC) != 0) die(EXIT_SYS, "socket: %s", strerror(errno));
  if (bind(ls, (struct sockaddr *)&sa, sizeof sa) != 0) die(EXIT_SYS, "bind %s: %s", path, strerror(errno));
  if (chmod(path, 0666) != 0 || listen(ls, 16) != 0) die(EXIT_SYS, "listen %s: %s", path, strerror(errno));
  fprintf(stderr, "kith-tap: serving on %s\n", path);
  for (;;) {
    int c = accept(ls, NULL, NULL);
    if (c < 0) {
      struct timespec pause = {0, 100 * 1000 * 1000}; /* EMFILE and friends: do not spin */
      if (errno != EINTR && errno != ECONNABORTED) nanosleep(&pause, NULL);
      continue;
    }
    struct timeval tv = {CLIENT_MS / 1000, 0};
    fcntl(c, F_SETFD, FD_CLOEXEC);
    setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    char line[REQ_MAX + 1], out[sizeof errmsg + 8], ifname[IFNAMSIZ] = "", req[16] = "?";
    int fd = -1, rc;
    uid_t caller;
    if (peer_uid(c, &caller) != 0) {
      caller = (uid_t)-1;
      rc = fail(EXIT_SYS, "no peer credentials");
    } else {
      rc = read_request(c, line);
      if (rc == 0) {
        snprintf(req, sizeof req, "%.*s", (int)strcspn(line, " "), line);
        rc = handle(line, caller, &fd, ifname);
      }
    }
    if (rc != 0) snprintf(out, sizeof out, "error %s\n", errmsg);
    else snprintf(out, sizeof out, ifname[0] ? "ok %s\n" : "ok\n", ifname);
    reply(c, out, fd);
    fprintf(stderr, "kith-tap: uid %ld %s: %s", (long)caller, req, out);
    if (fd >= 0) close(fd);
    close(c);
  }
}

int main(int argc, char **argv) {
  if (geteuid() != getuid() || getegid() != getgid())
    die(EXIT_POLICY, "refusing to run setuid/setgid; install with setcap cap_net_admin=ep instead");
#ifdef __linux__
  clearenv();
  int privileged = drop_caps();
#else
  static char *no_env[] = {NULL};
  extern char **environ;
  environ = no_env;
  int privileged = geteuid() == 0;
#endif
  umask(077);
  if (argc == 3 && strcmp(argv[1], "serve") == 0) {
    if (!privileged) die(EXIT_POLICY, "serve needs root (or cap_net_admin on Linux)");
#ifdef __APPLE__
    feth_cleanup();
#endif
    serve(argv[2]);
  }
#ifdef __linux__
  if (argc < 3) usage();
  const char *cmd = argv[1], *name = argv[2];
  uid_t caller = getuid();
  int rc;
  if (check_name(name) != 0) die(EXIT_USAGE, "%s", errmsg);
  if (strcmp(cmd, "create") == 0 && argc == 4) {
    unsigned long v;
    uid_t uid;
    struct passwd *pw;
    if (parse_uint(argv[3], 0xfffffffeUL, &v) == 0) uid = (uid_t)v; /* (uid_t)-1 means "no owner" */
    else if (strlen(argv[3]) <= 32 && (pw = getpwnam(argv[3])) != NULL) uid = pw->pw_uid;
    else die(EXIT_USAGE, "unknown user: %.32s", argv[3]);
    rc = cmd_create(name, uid, caller);
  } else if (strcmp(cmd, "delete") == 0 && argc == 3) rc = cmd_delete(name, caller);
  else if (strcmp(cmd, "addr") == 0 && argc == 4) rc = cmd_addr(name, argv[3], caller);
  else if (strcmp(cmd, "mtu") == 0 && argc == 4) rc = cmd_mtu(name, argv[3], caller);
  else if (strcmp(cmd, "up") == 0 && argc == 3) rc = cmd_updown(name, 1, caller);
  else if (strcmp(cmd, "down") == 0 && argc == 3) rc = cmd_updown(name, 0, caller);
  else usage();
  if (rc != 0) die(rc, "%s", errmsg);
  return 0;
#else
  usage(); /* elsewhere only the agent exists */
#endif
}
