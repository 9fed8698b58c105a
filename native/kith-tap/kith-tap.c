/*
 * kith-tap: the only privileged piece of Kith. It creates a layer-2 device owned by a user,
 * configures its host side (IPv4 address, MTU, up/down) and deletes it. The engine runs as that
 * user and does the frame I/O itself.
 *
 * As a command (Linux): install with file capabilities, never setuid:  setcap cap_net_admin=ep kith-tap
 * Anyone who can run it gets CAP_NET_ADMIN for these few operations, so a non-root caller may only
 * create TAPs for itself (MAX_DEVICES_PER_USER at most) and only touch TAPs it owns; root may touch
 * any kith* TAP. No caller, root included, gives a device an address that could take traffic away
 * from the host (address-policy.c, and route_conflict in rtnl-linux.c). The engine attaches to its
 * persistent TAP itself (TUNSETIFF works for the owner without privilege).
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

char errmsg[200];

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
  die(EXIT_USAGE, "usage: kith-tap create <name> <user> | delete <name> | addr <name> <a.b.c.d/len> | flush <name>"
                  " | mtu <name> <576-9000> | up <name> | down <name> | serve <socket> | help");
}

static const char help_text[] =
    "kith-tap: Kith's privileged helper for its TAP devices (cap_net_admin, or root as an agent).\n"
    "\n"
    "  kith-tap create <name> <user>    a persistent TAP owned by <user> (non-root: only yourself)\n"
    "  kith-tap delete <name>           removes it\n"
    "  kith-tap addr <name> <a.b.c.d/len>  sets its one IPv4 address\n"
    "  kith-tap flush <name>            removes its IPv4 addresses (Linux)\n"
    "  kith-tap mtu <name> <576-9000> | up <name> | down <name>\n"
    "  kith-tap serve <socket>          the agent: the same operations for the users who connect\n"
    "\n"
    "Names are kith[A-Za-z0-9_-]{0,11}; kith<N> is reserved for uid N. A user may own at most 8\n"
    "TAP devices and only change their own; root may use any kith device.\n"
    "\n"
    "Addresses must not be able to take traffic away from the host. An address/len is accepted when\n"
    "  - its prefix lies inside 10.0.0.0/8 with a length of /8 or longer, or inside 172.16.0.0/12,\n"
    "    192.168.0.0/16 or 100.64.0.0/10 with /16 or longer, or inside a prefix the allow-list holds;\n"
    "  - it touches none of 0.0.0.0/8, 127.0.0.0/8, 169.254.0.0/16, 224.0.0.0/4, 240.0.0.0/4, and is\n"
    "    not the network or broadcast address of its prefix (up to /30);\n"
    "  - it overlaps no route (the default route aside) through another interface: any but your own\n"
    "    TUN/TAP devices (for root: also ownerless ones), so also not another user's VPN.\n"
    "\n"
    "The allow-list, " KITH_TAP_ALLOW_FILE ", lets an administrator accept more: one a.b.c.d/len\n"
    "per line, '#' starts a comment, at most 1024 lines. It is read only while it and its directory\n"
    "belong to root and are not writable by group or others; a line that does not parse refuses\n"
    "every address it would have been asked about. The other rules still apply to what it lists.\n"
    "\n"
    "Exit codes: 0 done, 1 system call failed, 2 bad usage or arguments, 3 refused by policy.\n";

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

/* Before a device is made for owner at caller's request; root is not limited. kith<N> is the
 * desktop's name for uid N's device (desktop/host.ts), so nobody can take it first. */
int may_create(const char *name, uid_t owner, uid_t caller) {
  unsigned long n;
  int count;
  if (caller == 0) return 0;
  if (owner != caller) return fail(EXIT_POLICY, "may only create a TAP for yourself");
  if (parse_uint(name + 4, 0xffffffffUL, &n) == 0 && n != (unsigned long)owner)
    return fail(EXIT_POLICY, "%s is reserved for uid %lu; yours is kith%lu", name, n, (unsigned long)owner);
  TRY(owned_devices(owner, &count));
  if (count >= MAX_DEVICES_PER_USER)
    return fail(EXIT_POLICY, "uid %lu already owns %d TAP devices, the most a user may; remove one first (kith-tap delete <name>)",
                (unsigned long)owner, count);
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
/* Only ever touch TAP devices; a non-root caller only ones it owns. */
static int check_owned_tap(const char *name, uid_t caller, unsigned *index) {
  struct tap_info t;
  TRY(tap_info(name, &t));
  if (!t.tap) return fail(EXIT_POLICY, "%s: not a TAP device", name);
  if (caller != 0 && t.owner != (long)caller) return fail(EXIT_POLICY, "%s: not owned by you", name);
  *index = t.index;
  return 0;
}

int resolve(const char *name, uid_t caller, struct dev *d) {
  TRY(check_owned_tap(name, caller, &d->index));
  strcpy(d->ifs[0], name);
  d->n = 1;
  return 0;
}

int owned_devices(uid_t uid, int *count) { return count_owned_taps(uid, count); }

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
  TRY(may_create(name, uid, caller));
  if (if_nametoindex(name) != 0) return fail(EXIT_SYS, "%s: already exists", name);
  int fd, rc, count = 0;
  TRY(tun_attach(name, &fd));
  rc = xioctl(fd, TUNSETOWNER, (void *)(unsigned long)uid, "TUNSETOWNER", name);
  /* Counted again with the new one: of several made at once beyond the limit, none stays. */
  if (rc == 0 && caller != 0) rc = owned_devices(uid, &count);
  if (rc == 0 && count > MAX_DEVICES_PER_USER)
    rc = fail(EXIT_POLICY, "uid %lu already owns %d TAP devices, the most a user may; remove one first (kith-tap delete <name>)",
              (unsigned long)uid, MAX_DEVICES_PER_USER);
  if (rc == 0) rc = xioctl(fd, TUNSETPERSIST, (void *)1UL, "TUNSETPERSIST", name);
  close(fd); /* not persistent (yet): the device goes with the descriptor */
  return rc;
}

static int cmd_delete(const char *name, uid_t caller) {
  int fd;
  unsigned index;
  TRY(check_owned_tap(name, caller, &index));
  TRY(tun_attach(name, &fd));
  /* Without persistence the device disappears when its last file descriptor closes. */
  int rc = xioctl(fd, TUNSETPERSIST, (void *)0UL, "TUNSETPERSIST", name);
  close(fd);
  return rc;
}

/* Disconnected, the device keeps no address (and so no route) that would claim traffic. */
static int cmd_flush(const char *name, uid_t caller) {
  struct dev d;
  TRY(resolve(name, caller, &d));
  rtnl_clear_addr(d.index);
  return 0;
}

/* Checked against the routes before and again after: of two devices given overlapping prefixes at
 * the same moment, each then sees the other's route, and neither keeps its address. */
int set_addr(const struct dev *d, struct prefix p, uid_t caller) {
  TRY(route_conflict(p, d->index, caller));
  TRY(rtnl_set_addr(d->index, p));
  int rc = route_conflict(p, d->index, caller);
  if (rc != 0) rtnl_clear_addr(d->index);
  return rc;
}

/* The agent's open: the caller's persistent TAP (made for it on first use), attached. */
int tap_open(const char *name, uid_t caller, int *fd, char ifname[IFNAMSIZ]) {
  unsigned index;
  if (if_nametoindex(name) == 0) TRY(cmd_create(name, caller, caller));
  TRY(check_owned_tap(name, caller, &index));
  TRY(tun_attach(name, fd));
  /* Again with the fd attached: a device swapped in meanwhile would fail here, and one swapped
   * out after the attach leaves the fd on a deleted device, which carries no frames. */
  int rc = check_owned_tap(name, caller, &index);
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
  struct prefix p;
  struct dev d;
  TRY(parse_cidr(cidr, &p));
  TRY(check_address(p));
  TRY(resolve(name, caller, &d));
  return set_addr(&d, p, caller);
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

/* REQ_MAX: a request line with its '\n'. CLIENT_MS: all a client gets, from connect to reply.
 * CLIENTS: connections the agent holds at once; PER_UID of them for any one user, so one user's
 * idle connections leave room for everyone else's. */
enum { REQ_MAX = 64, CLIENT_MS = 2000, CLIENTS = 64, PER_UID = 8, ACCEPTS_PER_WAKE = 16 };

struct client {
  int fd;
  uid_t uid;
  long long deadline; /* ms, CLOCK_MONOTONIC */
  size_t n;
  char buf[REQ_MAX + 1];
};

static long long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* What the client sent so far, after new bytes may have arrived: 0 wait for more, -1 a whole
 * request (c->buf, its '\n' replaced by '\0'), else the refusal code with errmsg. */
static int take(struct client *c) {
  ssize_t k = recv(c->fd, c->buf + c->n, REQ_MAX - c->n, MSG_DONTWAIT);
  if (k < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
  if (k <= 0) return fail(EXIT_USAGE, "incomplete request");
  size_t was = c->n;
  c->n += (size_t)k;
  if (memchr(c->buf + was, '\0', (size_t)k) != NULL) return fail(EXIT_USAGE, "bad request"); /* C strings below */
  char *nl = memchr(c->buf, '\n', c->n);
  if (nl == NULL) return c->n < REQ_MAX ? 0 : fail(EXIT_USAGE, "request too long");
  if (nl != c->buf + c->n - 1) return fail(EXIT_USAGE, "one request per connection");
  *nl = '\0';
  return -1;
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

/* The reply line, with the device's descriptor attached (SCM_RIGHTS) when fd >= 0. Never blocks:
 * the line is far smaller than any socket buffer, and a client that cannot take it loses it. */
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
  while (sendmsg(c, &msg, MSG_DONTWAIT) < 0 && errno == EINTR) continue;
}

/* Text from a client, fit for root's log: printable ASCII but '\' and '"' as is, the rest \xNN. */
static void escape(char *out, size_t cap, const char *in, size_t n) {
  size_t o = 0;
  for (size_t i = 0; i < n && o + 5 <= cap; i++) {
    unsigned char ch = (unsigned char)in[i];
    if (ch >= 0x20 && ch <= 0x7e && ch != '\\' && ch != '"') out[o++] = (char)ch;
    else o += (size_t)snprintf(out + o, cap - o, "\\x%02x", ch);
  }
  out[o] = '\0';
}

/* Replies to the client with rc's outcome (the request runs first when rc says it is whole), logs
 * the exchange and closes the connection. */
static void finish(struct client *c, int rc) {
  char said[REQ_MAX * 4 + 1], out[sizeof errmsg + 8], logged[sizeof out * 4 + 1], ifname[IFNAMSIZ] = "";
  int fd = -1;
  escape(said, sizeof said, c->buf, rc == -1 ? strlen(c->buf) : c->n);
  if (rc == -1) rc = handle(c->buf, c->uid, &fd, ifname);
  if (rc != 0) snprintf(out, sizeof out, "error %s\n", errmsg);
  else snprintf(out, sizeof out, ifname[0] ? "ok %s\n" : "ok\n", ifname);
  reply(c->fd, out, fd);
  escape(logged, sizeof logged, out, strlen(out) - 1);
  fprintf(stderr, "kith-tap: uid %ld \"%s\": %s\n", (long)c->uid, said, logged);
  if (fd >= 0) close(fd);
  close(c->fd);
}

/* A new connection joins the clients, or is refused at once when its user already has PER_UID
 * connections open or the agent holds CLIENTS; cl has a spare place for the one being refused. */
static void admit(int ls, struct client cl[CLIENTS + 1], int *n) {
  for (int i = 0; i < ACCEPTS_PER_WAKE; i++) {
    int fd = accept(ls, NULL, NULL);
    if (fd < 0) return; /* EAGAIN, or EMFILE and friends: the next wake-up tries again */
    struct client *c = &cl[*n];
    memset(c, 0, sizeof *c);
    c->fd = fd;
    c->deadline = now_ms() + CLIENT_MS;
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    int rc = 0, same = 0;
    if (peer_uid(fd, &c->uid) != 0) {
      c->uid = (uid_t)-1;
      rc = fail(EXIT_SYS, "no peer credentials");
    }
    for (int j = 0; rc == 0 && j < *n; j++) same += cl[j].uid == c->uid;
    if (rc == 0 && same >= PER_UID) rc = fail(EXIT_POLICY, "too many connections from uid %ld (at most %d at once)", (long)c->uid, PER_UID);
    if (rc == 0 && *n == CLIENTS) rc = fail(EXIT_SYS, "agent busy, try again");
    if (rc != 0) finish(c, rc);
    else (*n)++;
  }
}

/*
 * The agent. Protocol, one exchange per connection on a unix stream socket:
 *   client: "open <name>\n" | "addr <name> <a.b.c.d/len>\n" | "mtu <name> <n>\n" | "up <name>\n" | "down <name>\n"
 *   agent:  "ok <ifname>\n" with the device's descriptor (open), "ok\n" (others), or "error <reason>\n";
 *           then it closes the connection.
 * <ifname> is the OS interface the descriptor is attached to (the kith name on Linux, the engine's
 * feth on macOS). Arguments are checked exactly as on the command line, and the caller (its peer
 * credentials) gets exactly what the command line would give it: so the socket is mode 0666, in a
 * directory owned by root and not writable by others. Clients are served side by side from one poll
 * loop (one process, so macOS's device table stays in one place), each within CLIENT_MS, at most
 * PER_UID of one user at a time.
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
  if (ls < 0 || fcntl(ls, F_SETFD, FD_CLOEXEC) != 0 || fcntl(ls, F_SETFL, O_NONBLOCK) != 0) die(EXIT_SYS, "socket: %s", strerror(errno));
  if (bind(ls, (struct sockaddr *)&sa, sizeof sa) != 0) die(EXIT_SYS, "bind %s: %s", path, strerror(errno));
  if (chmod(path, 0666) != 0 || listen(ls, CLIENTS) != 0) die(EXIT_SYS, "listen %s: %s", path, strerror(errno));
  fprintf(stderr, "kith-tap: serving on %s\n", path);
  static struct client cl[CLIENTS + 1];
  int n = 0;
  for (;;) {
    struct pollfd pf[CLIENTS + 1];
    long long now = now_ms(), wait = -1;
    pf[0] = (struct pollfd){ls, POLLIN, 0};
    for (int i = 0; i < n; i++) {
      pf[i + 1] = (struct pollfd){cl[i].fd, POLLIN, 0};
      long long left = cl[i].deadline > now ? cl[i].deadline - now : 0;
      if (wait < 0 || left < wait) wait = left;
    }
    if (poll(pf, (nfds_t)n + 1, (int)wait) < 0 && errno != EINTR) {
      struct timespec pause = {0, 100 * 1000 * 1000}; /* ENOMEM: do not spin */
      nanosleep(&pause, NULL);
      continue;
    }
    now = now_ms();
    /* From the end, so a finished client's place can take the last one, already looked at. */
    for (int i = n - 1; i >= 0; i--) {
      int rc = pf[i + 1].revents != 0 ? take(&cl[i]) : 0;
      if (rc == 0 && now >= cl[i].deadline) rc = fail(EXIT_USAGE, "request timed out");
      if (rc == 0) continue;
      finish(&cl[i], rc);
      cl[i] = cl[--n];
    }
    if (pf[0].revents & POLLIN) admit(ls, cl, &n);
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
  if (argc == 2 && strcmp(argv[1], "help") == 0) {
    fputs(help_text, stdout);
    return 0;
  }
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
  else if (strcmp(cmd, "flush") == 0 && argc == 3) rc = cmd_flush(name, caller);
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
