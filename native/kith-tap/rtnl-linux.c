/*
 * kith-tap's view of Linux's links, routes and addresses, through rtnetlink.
 *
 * Why rtnetlink rather than /proc/net/route and /sys/class/net: the route dump covers every routing
 * table (policy routing keeps routes outside "main", which /proc/net/route never shows); routes name
 * their interface by index, which a rename cannot change under us; the answers are binary records,
 * not text to parse; they always describe the caller's own network namespace, whichever namespace
 * the /proc or /sys mount shows; and the same socket sets an address together with its prefix
 * (RTM_NEWADDR), where SIOCSIFADDR first installs a classful route (10.x: a /8) until
 * SIOCSIFNETMASK narrows it. Needs AF_NETLINK (build/systemd/kith-tapd.service allows it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "kith-tap.h"

enum { NL_TIMEOUT_S = 5, NL_BUF = 1 << 16, ADDRS_MAX = 64, OWN_MAX = 64 };

typedef int (*nl_each)(const struct nlmsghdr *h, void *ctx);

/* One request, its replies to `each` (dump parts, or the one answer), until done or acknowledged.
 * Returns 0, or -1 with errno set (the kernel's error for the request, or the socket's). */
static int nl_talk(struct nlmsghdr *req, nl_each each, void *ctx) {
  static unsigned seq;
  static char buf[NL_BUF] __attribute__((aligned(NLMSG_ALIGNTO)));
  int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (s < 0) return -1;
  struct timeval tv = {NL_TIMEOUT_S, 0};
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  req->nlmsg_seq = ++seq;
  int rc = -1, done = 0;
  if (sendto(s, req, req->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) goto out;
  while (!done) {
    struct sockaddr_nl from;
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) goto out;
    if (from.nl_pid != 0) continue; /* only the kernel speaks here */
    int left = (int)n;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; !done && NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
      if (h->nlmsg_seq != req->nlmsg_seq) continue;
      if (h->nlmsg_type == NLMSG_DONE) done = 1;
      else if (h->nlmsg_type == NLMSG_ERROR) {
        const struct nlmsgerr *e = NLMSG_DATA(h);
        if (h->nlmsg_len < NLMSG_LENGTH(sizeof *e)) errno = EPROTO;
        else errno = -e->error;
        if (errno != 0) goto out;
        done = 1; /* the acknowledgement */
      } else {
        if (each != NULL && each(h, ctx) != 0) goto out;
        done = (h->nlmsg_flags & NLM_F_MULTI) == 0;
      }
    }
  }
  rc = 0;
out:;
  int saved = errno;
  close(s);
  errno = saved;
  return rc;
}

/* A request: header, fixed part, room for a few attributes. */
struct request {
  struct nlmsghdr h;
  union {
    struct ifinfomsg link;
    struct ifaddrmsg addr;
    struct rtmsg route;
  } u;
  char attrs[64];
};

static void request_init(struct request *r, int type, int flags, size_t fixed) {
  memset(r, 0, sizeof *r);
  r->h.nlmsg_len = (unsigned)NLMSG_LENGTH(fixed);
  r->h.nlmsg_type = (unsigned short)type;
  r->h.nlmsg_flags = (unsigned short)(NLM_F_REQUEST | flags);
}

static void add_attr(struct request *r, int type, const void *data, size_t len) {
  struct rtattr *a = (struct rtattr *)((char *)&r->h + NLMSG_ALIGN(r->h.nlmsg_len));
  a->rta_type = (unsigned short)type;
  a->rta_len = (unsigned short)RTA_LENGTH(len);
  memcpy(RTA_DATA(a), data, len);
  r->h.nlmsg_len = (unsigned)(NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len));
}

/* ---- links ---- */

static void read_tun_data(const struct rtattr *data, struct tap_info *t) {
  int len = (int)RTA_PAYLOAD(data);
  for (const struct rtattr *a = RTA_DATA(data); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    if (a->rta_type == IFLA_TUN_TYPE && RTA_PAYLOAD(a) >= 1) t->tap = *(const unsigned char *)RTA_DATA(a) == IFF_TAP;
    if (a->rta_type == IFLA_TUN_OWNER && RTA_PAYLOAD(a) >= 4) t->owner = *(const uint32_t *)RTA_DATA(a);
  }
}

static void read_link(const struct nlmsghdr *h, struct tap_info *t) {
  const struct ifinfomsg *ifi = NLMSG_DATA(h);
  memset(t, 0, sizeof *t);
  t->index = (unsigned)ifi->ifi_index;
  t->owner = -1; /* the kernel leaves the attribute out when the device has no owner */
  int len = (int)IFLA_PAYLOAD(h);
  for (const struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    if (a->rta_type != IFLA_LINKINFO) continue;
    int inner = (int)RTA_PAYLOAD(a);
    for (const struct rtattr *i = RTA_DATA(a); RTA_OK(i, inner); i = RTA_NEXT(i, inner)) {
      if (i->rta_type == IFLA_INFO_KIND) t->tun_driver = RTA_PAYLOAD(i) >= 4 && memcmp(RTA_DATA(i), "tun", 4) == 0;
      if (i->rta_type == IFLA_INFO_DATA) read_tun_data(i, t);
    }
  }
  if (!t->tun_driver) t->tap = 0;
}

static int one_link(const struct nlmsghdr *h, void *ctx) {
  if (h->nlmsg_type == RTM_NEWLINK && h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifinfomsg))) read_link(h, ctx);
  return 0;
}

int tap_info(const char *name, struct tap_info *out) {
  struct request r;
  request_init(&r, RTM_GETLINK, 0, sizeof r.u.link);
  r.u.link.ifi_family = AF_UNSPEC;
  add_attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
  memset(out, 0, sizeof *out);
  if (nl_talk(&r.h, one_link, out) != 0) {
    if (errno == ENODEV) return fail(EXIT_SYS, "%s: no such TAP device", name);
    return fail(EXIT_SYS, "netlink link %s: %s", name, strerror(errno));
  }
  return out->index == 0 ? fail(EXIT_SYS, "%s: no such TAP device", name) : 0;
}

struct owned {
  uid_t uid;
  int count;
};

static int count_link(const struct nlmsghdr *h, void *ctx) {
  struct owned *o = ctx;
  struct tap_info t;
  if (h->nlmsg_type != RTM_NEWLINK || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg))) return 0;
  read_link(h, &t);
  if (t.tun_driver && t.owner == (long)o->uid) o->count++;
  return 0;
}

/* Every tun/tap device the user owns counts, whatever its name or mode. */
int count_owned_taps(uid_t uid, int *count) {
  struct request r;
  struct owned o = {uid, 0};
  request_init(&r, RTM_GETLINK, NLM_F_DUMP, sizeof r.u.link);
  r.u.link.ifi_family = AF_UNSPEC;
  if (nl_talk(&r.h, count_link, &o) != 0) return fail(EXIT_SYS, "netlink links: %s", strerror(errno));
  *count = o.count;
  return 0;
}

/* ---- routes ---- */

/* The caller's own tun/tap devices (root: also ownerless ones, which only root can make): a prefix
 * overlapping their routes takes only the caller's own VPN traffic, as two edges of one community
 * on one host do. Beyond OWN_MAX the rest count as others' (refusing rather than allowing). */
struct own_links {
  uid_t caller;
  int n;
  unsigned index[OWN_MAX];
};

static int collect_own(const struct nlmsghdr *h, void *ctx) {
  struct own_links *own = ctx;
  struct tap_info t;
  if (h->nlmsg_type != RTM_NEWLINK || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg))) return 0;
  read_link(h, &t);
  if (t.tun_driver && (t.owner == (long)own->caller || (own->caller == 0 && t.owner == -1)) && own->n < OWN_MAX) own->index[own->n++] = t.index;
  return 0;
}

static int is_own(const struct own_links *own, unsigned index) {
  for (int i = 0; i < own->n; i++)
    if (own->index[i] == index) return 1;
  return 0;
}

struct conflict {
  struct prefix want;
  const struct own_links *own; /* the device being configured is among them */
  struct prefix found;
  unsigned found_index; /* 0: a route through no interface (blackhole, unreachable, prohibit) */
  int hit;
};

/* Whether a route leaves through an interface not the caller's own: its own, or any of its next
 * hops'; a route through no interface at all counts too. */
static int other_interface(const struct rtmsg *rt, int len, const struct own_links *own, unsigned *which) {
  int any = 0;
  *which = 0;
  for (const struct rtattr *a = RTM_RTA(rt); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    if (a->rta_type == RTA_OIF && RTA_PAYLOAD(a) >= 4) {
      any = 1;
      *which = *(const uint32_t *)RTA_DATA(a);
      if (!is_own(own, *which)) return 1;
    }
    if (a->rta_type == RTA_MULTIPATH) {
      int left = (int)RTA_PAYLOAD(a);
      for (const struct rtnexthop *nh = RTA_DATA(a); left >= (int)sizeof *nh && nh->rtnh_len >= sizeof *nh && nh->rtnh_len <= left;
           left -= RTNH_ALIGN(nh->rtnh_len), nh = RTNH_NEXT(nh)) {
        any = 1;
        *which = (unsigned)nh->rtnh_ifindex;
        if (!is_own(own, *which)) return 1;
      }
    }
  }
  if (!any) *which = 0;
  return !any;
}

static int check_route(const struct nlmsghdr *h, void *ctx) {
  struct conflict *c = ctx;
  if (c->hit || h->nlmsg_type != RTM_NEWROUTE || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct rtmsg))) return 0;
  const struct rtmsg *rt = NLMSG_DATA(h);
  /* The default route is what every more specific route (a VPN's too) is carved out of. */
  if (rt->rtm_family != AF_INET || rt->rtm_dst_len == 0 || rt->rtm_dst_len > 32) return 0;
  int len = (int)RTM_PAYLOAD(h);
  struct prefix dst = {0, rt->rtm_dst_len};
  for (const struct rtattr *a = RTM_RTA(rt); RTA_OK(a, len); a = RTA_NEXT(a, len))
    if (a->rta_type == RTA_DST && RTA_PAYLOAD(a) >= 4) dst.addr = ntohl(*(const uint32_t *)RTA_DATA(a));
  unsigned which;
  if (!prefixes_overlap(c->want, dst) || !other_interface(rt, (int)RTM_PAYLOAD(h), c->own, &which)) return 0;
  c->hit = 1;
  c->found = dst;
  c->found_index = which;
  return 0;
}

int route_conflict(struct prefix p, unsigned index, uid_t caller) {
  struct request r;
  struct own_links own = {.caller = caller, .n = 1, .index = {index}};
  struct conflict c = {.want = p, .own = &own};
  request_init(&r, RTM_GETLINK, NLM_F_DUMP, sizeof r.u.link);
  r.u.link.ifi_family = AF_UNSPEC;
  if (nl_talk(&r.h, collect_own, &own) != 0) return fail(EXIT_SYS, "netlink links: %s", strerror(errno));
  request_init(&r, RTM_GETROUTE, NLM_F_DUMP, sizeof r.u.route);
  r.u.route.rtm_family = AF_INET; /* every table */
  if (nl_talk(&r.h, check_route, &c) != 0) return fail(EXIT_SYS, "netlink routes: %s", strerror(errno));
  if (!c.hit) return 0;
  char via[IF_NAMESIZE + 4] = "no interface";
  if (c.found_index != 0 && if_indextoname(c.found_index, via) == NULL) snprintf(via, sizeof via, "#%u", c.found_index);
  uint32_t w = p.addr, f = c.found.addr;
  return fail(EXIT_POLICY, "%u.%u.%u.%u/%u overlaps the route to %u.%u.%u.%u/%u via %s; use a prefix no other interface routes", w >> 24,
              (w >> 16) & 255, (w >> 8) & 255, w & 255, p.len, f >> 24, (f >> 16) & 255, (f >> 8) & 255, f & 255, c.found.len, via);
}

/* ---- addresses ---- */

struct addrs {
  unsigned index;
  int n;
  uint32_t local[ADDRS_MAX]; /* network byte order */
  unsigned char len[ADDRS_MAX];
};

static int collect_addr(const struct nlmsghdr *h, void *ctx) {
  struct addrs *set = ctx;
  if (h->nlmsg_type != RTM_NEWADDR || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifaddrmsg))) return 0;
  const struct ifaddrmsg *ifa = NLMSG_DATA(h);
  if (ifa->ifa_family != AF_INET || ifa->ifa_index != set->index || set->n == ADDRS_MAX) return 0;
  int len = (int)IFA_PAYLOAD(h);
  for (const struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    if (a->rta_type == IFA_LOCAL && RTA_PAYLOAD(a) >= 4) {
      memcpy(&set->local[set->n], RTA_DATA(a), 4);
      set->len[set->n++] = ifa->ifa_prefixlen;
      break;
    }
  }
  return 0;
}

static int addr_request(int type, int flags, unsigned index, uint32_t local, unsigned len) {
  struct request r;
  request_init(&r, type, NLM_F_ACK | flags, sizeof r.u.addr);
  r.u.addr.ifa_family = AF_INET;
  r.u.addr.ifa_prefixlen = (unsigned char)len;
  r.u.addr.ifa_scope = RT_SCOPE_UNIVERSE;
  r.u.addr.ifa_index = index;
  add_attr(&r, IFA_LOCAL, &local, 4);
  add_attr(&r, IFA_ADDRESS, &local, 4);
  if (type == RTM_NEWADDR && len < 31) {
    uint32_t brd = htonl(ntohl(local) | ~prefix_mask(len));
    add_attr(&r, IFA_BROADCAST, &brd, 4);
  }
  return nl_talk(&r.h, NULL, NULL);
}

/* Every IPv4 address of the device goes: kith-tap gives a device one address, as SIOCSIFADDR did. */
void rtnl_clear_addr(unsigned index) {
  struct request r;
  struct addrs set = {.index = index};
  request_init(&r, RTM_GETADDR, NLM_F_DUMP, sizeof r.u.addr);
  r.u.addr.ifa_family = AF_INET;
  if (nl_talk(&r.h, collect_addr, &set) != 0) return;
  /* Deleting a primary address takes its secondaries along: EADDRNOTAVAIL for those is fine. */
  for (int i = 0; i < set.n; i++) addr_request(RTM_DELADDR, 0, index, set.local[i], set.len[i]);
}

int rtnl_set_addr(unsigned index, struct prefix p) {
  rtnl_clear_addr(index);
  if (addr_request(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, index, htonl(p.addr), p.len) != 0)
    return fail(EXIT_SYS, "netlink address: %s", strerror(errno));
  return 0;
}
