/* fuzz_relay_hub.c - whole conversations with the relay's protocol logic.
 *
 * The input is a script, one step per line. The first byte of a line picks
 * a connection (of four) and an action; the rest is that action's data:
 *   action 0-4  the connection sends the rest of the line as a frame
 *   action 5    it sends a message that was too large
 *   action 6    time passes (the second byte, in seconds) and timers run
 *   action 7    it disconnects and a new connection takes its place
 * Every message the hub sends must be valid JSON, and nothing may leak or
 * crash however the steps interleave.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "relay_hub.h"

#define CONNS 4

static void
check_send (void *io, relay_msg *msg)
{
  json_t *j = json_loadb ((const char *) relay_msg_data (msg),
      relay_msg_len (msg), 0, NULL);
  if (j == NULL)
    abort ();
  json_decref (j);
}

static void
ignore_close (void *io, int code, const char *reason)
{
  if (code < 1000 || code > 4999 || strlen (reason) > 123)
    abort ();
}

static void
ignore_ping (void *io)
{
}

static const relay_sink sink = { check_send, ignore_close, ignore_ping };

static gint64
fixed_clock (void)
{
  return 1700000000;
}

static void
step (relay_hub *hub, relay_client **conns, const uint8_t *line, size_t len,
    gint64 *now)
{
  if (len == 0)
    return;
  relay_client **c = &conns[line[0] % CONNS];
  unsigned action = (line[0] / CONNS) % 8;
  switch (action) {
  case 5:
    relay_hub_reject (hub, *c, RELAY_REJECT_TOO_LARGE, *now);
    break;
  case 6:
    *now += (gint64) (len > 1 ? line[1] : 1) * G_USEC_PER_SEC;
    relay_hub_tick (hub, *now);
    break;
  case 7:
    relay_hub_disconnect (hub, *c);
    *c = relay_hub_connect (hub, NULL, *now);
    break;
  default:
    relay_hub_receive (hub, *c, (const char *) line + 1, len - 1, *now);
    break;
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  relay_hub_config cfg = {
    .max_members = 3,
    .max_message_bytes = 65536,
    .rate = 20,
    .handshake_timeout_us = 10 * G_USEC_PER_SEC,
    .idle_timeout_us = 60 * G_USEC_PER_SEC,
    .wall_clock_s = fixed_clock,
  };
  relay_hub *hub = relay_hub_new (&cfg, &sink);
  relay_client *conns[CONNS];
  gint64 now = G_USEC_PER_SEC;
  for (int i = 0; i < CONNS; i++)
    conns[i] = relay_hub_connect (hub, NULL, now);

  const uint8_t *p = data, *end = data + size;
  while (p < end) {
    const uint8_t *nl = memchr (p, '\n', (size_t) (end - p));
    size_t len = nl ? (size_t) (nl - p) : (size_t) (end - p);
    step (hub, conns, p, len, &now);
    p += len + 1;
  }
  /* Half the time, clients leave one by one (announcing leaves); otherwise
   * the hub is freed with everyone still in it. */
  if (size % 2 == 0) {
    for (int i = 0; i < CONNS; i++)
      relay_hub_disconnect (hub, conns[i]);
  }
  relay_hub_free (hub);
  return 0;
}
