/* jitter_shim.c - the link between two network namespaces, in user space,
 * delaying each UDP packet by a random 0..N ms (this kernel has no netem):
 * jitter, and the reordering it brings, for the adaptive-latency test;
 * and by a fixed D ms more, a long path (a round trip of 2 D).
 *
 *   jitter_shim NS_A IF_A NS_B IF_B
 *
 * Creates a TUN device IF_A in namespace NS_A (/run/netns/NS_A) and IF_B
 * in NS_B, prints "ready" once both exist (the caller then gives them
 * addresses), and copies every IP packet from one to the other. Other
 * packets (the signaling's TCP) pass at once. Commands on stdin, one a
 * line: "jitter MS" sets the largest random UDP delay (0: none), "delay
 * MS" the fixed one (0: none) each way. Exits when stdin closes. Needs
 * root.
 */
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define MTU 2048
#define SLOTS 4096              /* packets in flight at most */

typedef struct {
  int64_t due_us;               /* 0: free */
  int to;                       /* fd */
  size_t len;
  unsigned char data[MTU];
} held;

static held slots[SLOTS];

static int64_t
now_us (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* A TUN device named `ifname` in namespace `ns`. */
static int
tun_in (const char *ns, const char *ifname)
{
  char path[256];
  snprintf (path, sizeof path, "/run/netns/%s", ns);
  int nsfd = open (path, O_RDONLY);
  if (nsfd < 0 || setns (nsfd, CLONE_NEWNET) != 0) {
    perror ("setns");
    exit (1);
  }
  close (nsfd);
  int fd = open ("/dev/net/tun", O_RDWR);
  struct ifreq ifr = { .ifr_flags = IFF_TUN | IFF_NO_PI };
  snprintf (ifr.ifr_name, IFNAMSIZ, "%s", ifname);
  if (fd < 0 || ioctl (fd, TUNSETIFF, &ifr) != 0) {
    perror ("tun");
    exit (1);
  }
  return fd;
}

static void
hold (int to, const unsigned char *pkt, size_t len, int64_t due)
{
  for (int i = 0; i < SLOTS; i++) {
    if (slots[i].due_us == 0) {
      slots[i] = (held) { .due_us = due, .to = to, .len = len };
      memcpy (slots[i].data, pkt, len);
      return;
    }
  }
  /* Full: a congested link drops. */
}

/* Sends what is due; returns the time to the next one (ms, -1: none). */
static int
release (int64_t now)
{
  int64_t next = 0;
  for (int i = 0; i < SLOTS; i++) {
    if (slots[i].due_us == 0)
      continue;
    if (slots[i].due_us <= now) {
      if (write (slots[i].to, slots[i].data, slots[i].len) < 0)
        perror ("write");
      slots[i].due_us = 0;
    } else if (next == 0 || slots[i].due_us < next) {
      next = slots[i].due_us;
    }
  }
  return next == 0 ? -1 : (int) ((next - now + 999) / 1000);
}

/* One packet from `from` to `to`: UDP (IPv4 protocol 17, or an IPv6 next
 * header 17: ICE may pair the link-local addresses) is delayed. */
static void
forward (int from, int to, int jitter_ms, int delay_ms)
{
  unsigned char pkt[MTU];
  ssize_t n = read (from, pkt, sizeof pkt);
  if (n <= 0)
    return;
  int udp = (n > 20 && (pkt[0] >> 4) == 4 && pkt[9] == 17)
      || (n > 40 && (pkt[0] >> 4) == 6 && pkt[6] == 17);
  if (!udp || (jitter_ms <= 0 && delay_ms <= 0)) {
    if (write (to, pkt, (size_t) n) < 0)
      perror ("write");
    return;
  }
  hold (to, pkt, (size_t) n, now_us () + (int64_t) delay_ms * 1000
      + (jitter_ms > 0 ? random () % (jitter_ms * 1000 + 1) : 0));
}

int
main (int argc, char **argv)
{
  if (argc != 5) {
    fprintf (stderr, "usage: jitter_shim NS_A IF_A NS_B IF_B\n");
    return 2;
  }
  int a = tun_in (argv[1], argv[2]);
  int b = tun_in (argv[3], argv[4]);
  int jitter_ms = 0, delay_ms = 0;
  srandom ((unsigned) getpid ());
  printf ("ready\n");
  fflush (stdout);

  char line[64];
  size_t used = 0;
  for (;;) {
    struct pollfd p[3] = { { a, POLLIN, 0 }, { b, POLLIN, 0 },
      { 0, POLLIN, 0 } };
    if (poll (p, 3, release (now_us ())) < 0)
      continue;
    if (p[0].revents & POLLIN)
      forward (a, b, jitter_ms, delay_ms);
    if (p[1].revents & POLLIN)
      forward (b, a, jitter_ms, delay_ms);
    if (p[2].revents & (POLLIN | POLLHUP)) {
      ssize_t n = read (0, line + used, sizeof line - 1 - used);
      if (n <= 0)
        return 0;
      used += (size_t) n;
      line[used] = '\0';
      char *nl;
      while ((nl = strchr (line, '\n')) != NULL) {
        *nl = '\0';
        if (sscanf (line, "jitter %d", &jitter_ms) != 1)
          sscanf (line, "delay %d", &delay_ms);
        memmove (line, nl + 1, strlen (nl + 1) + 1);
        used = strlen (line);
      }
      if (used == sizeof line - 1)
        used = 0;               /* a line too long: forget it */
    }
  }
}
