/* relay_tap.c - recv()/SSL_read() interposition feeding relay_wsmeter
 * (see relay_tap.h). */
#include "relay_tap.h"

#include <dlfcn.h>
#include <errno.h>
#include <glib.h>
#include <openssl/ssl.h>
#include <string.h>
#include <sys/socket.h>

typedef struct {
  bool open;          /* accepted by lws and not yet reused */
  bool condemned;
  void *owner;        /* NULL until the websocket upgrade */
  relay_wsmeter meter;
} tap_slot;

static tap_slot *slots;
static size_t n_slots;
static const relay_tap_handler *handler;

void
relay_tap_set_handler (const relay_tap_handler *h)
{
  handler = h;
}

static tap_slot *
slot (int fd)
{
  if (fd < 0 || (size_t) fd >= n_slots || !slots[fd].open)
    return NULL;
  return &slots[fd];
}

void
relay_tap_open (int fd, uint64_t limit)
{
  if (fd < 0)
    return;
  if ((size_t) fd >= n_slots) {
    size_t n = MAX ((size_t) fd + 1, n_slots * 2);
    slots = g_renew (tap_slot, slots, n);
    memset (slots + n_slots, 0, (n - n_slots) * sizeof *slots);
    n_slots = n;
  }
  /* A descriptor number is reused after close: this is a new connection. */
  slots[fd] = (tap_slot) { .open = true };
  relay_wsmeter_init (&slots[fd].meter, limit);
}

bool
relay_tap_attach (int fd, void *owner)
{
  tap_slot *s = slot (fd);
  if (s == NULL)
    return true; /* not accepted through lws' listener: nothing to meter */
  s->owner = owner;
  return relay_wsmeter_begin_frames (&s->meter);
}

void
relay_tap_condemn (int fd)
{
  tap_slot *s = slot (fd);
  if (s != NULL)
    s->condemned = true;
}

void
relay_tap_detach (int fd)
{
  tap_slot *s = slot (fd);
  if (s != NULL)
    *s = (tap_slot) { .open = false };
}

/* Runs the meter over what was read; returns how many bytes lws may see. */
static size_t
observe (tap_slot *s, const void *buf, size_t n)
{
  relay_meter_result r = relay_wsmeter_feed (&s->meter, buf, n);
  if (r.extra_frames > 0 && s->owner != NULL && handler != NULL)
    handler->frames (s->owner, r.extra_frames);
  if (r.verdict != RELAY_METER_OK) {
    s->condemned = true;
    if (s->owner != NULL && handler != NULL)
      handler->broken (s->owner, r.verdict);
  }
  return r.accepted;
}

typedef ssize_t (*recv_fn) (int, void *, size_t, int);
typedef int (*ssl_read_fn) (SSL *, void *, int);

ssize_t
recv (int fd, void *buf, size_t len, int flags)
{
  static recv_fn real;
  if (real == NULL)
    real = (recv_fn) dlsym (RTLD_NEXT, "recv");
  tap_slot *s = slot (fd);
  if (s == NULL || (flags & MSG_PEEK))
    return real (fd, buf, len, flags);
  if (s->condemned) {
    /* Read and drop; "nothing yet" keeps lws from parsing any of it. */
    static char scratch[16384];
    ssize_t n = real (fd, scratch, sizeof scratch, flags);
    if (n <= 0)
      return n;
    errno = EAGAIN;
    return -1;
  }
  ssize_t n = real (fd, buf, len, flags);
  if (n <= 0)
    return n;
  size_t ok = observe (s, buf, (size_t) n);
  if (ok > 0 || !s->condemned)
    return (ssize_t) ok;
  errno = EAGAIN;
  return -1;
}

/* TLS: the same meter on the decrypted bytes. A condemned connection's
 * input is still handed to lws (whose receive callback then ignores it):
 * faking an SSL_read failure would confuse SSL_get_error(). */
int
SSL_read (SSL *ssl, void *buf, int num)
{
  static ssl_read_fn real;
  if (real == NULL)
    real = (ssl_read_fn) dlsym (RTLD_NEXT, "SSL_read");
  int n = real (ssl, buf, num);
  tap_slot *s = n > 0 ? slot (SSL_get_fd (ssl)) : NULL;
  if (s == NULL || s->condemned)
    return n;
  size_t ok = observe (s, buf, (size_t) n);
  return ok > 0 ? (int) ok : n;
}
