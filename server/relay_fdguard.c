/* relay_fdguard.c - shed connections on EMFILE (see relay_fdguard.h). */
#include "relay_fdguard.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "relay_log.h"

/* With no reserve, accept is retried at most this often. */
#define NO_RESERVE_BACKOFF_US 10000

static int reserve = -1;
static unsigned long shed;
static relay_log_limit shed_log;

void
relay_fdguard_init (void)
{
  if (reserve < 0)
    reserve = open ("/dev/null", O_RDONLY | O_CLOEXEC);
}

void
relay_fdguard_cleanup (void)
{
  if (reserve >= 0)
    close (reserve);
  reserve = -1;
}

unsigned long
relay_fdguard_shed_count (void)
{
  return shed;
}

void
relay_fdguard_refuse (int fd)
{
  char sink[4096];
  while (recv (fd, sink, sizeof sink, MSG_DONTWAIT) > 0)
    ;
  /* Best effort: a client whose window is full does not get the answer. */
  ssize_t n = send (fd, RELAY_HTTP_503, sizeof RELAY_HTTP_503 - 1,
      MSG_DONTWAIT | MSG_NOSIGNAL);
  (void) n;
}

typedef int (*accept_fn) (int, struct sockaddr *, socklen_t *);

/* Out of descriptors with a connection waiting: use the reserve to take it
 * off the queue and refuse it. */
static void
shed_one (accept_fn real, int listener)
{
  if (reserve < 0) {
    g_usleep (NO_RESERVE_BACKOFF_US);
  } else {
    close (reserve);
    int fd = real (listener, NULL, NULL);
    if (fd >= 0) {
      relay_fdguard_refuse (fd);
      close (fd);
      shed++;
    }
    reserve = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  }
  relay_warn_limited (&shed_log, g_get_monotonic_time (), "out of file "
      "descriptors: refusing new connections (%lu so far)", shed);
}

int
accept (int listener, struct sockaddr *addr, socklen_t *len)
{
  static accept_fn real;
  if (real == NULL)
    real = (accept_fn) dlsym (RTLD_NEXT, "accept");
  int fd = real (listener, addr, len);
  if (fd >= 0 || (errno != EMFILE && errno != ENFILE))
    return fd;
  shed_one (real, listener);
  errno = EAGAIN;
  return -1;
}
