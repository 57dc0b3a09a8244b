/* relay_msg.c - refcounted outgoing text with lws headroom in front. */
#include "relay_msg.h"

#include <glib.h>
#include <string.h>

struct relay_msg {
  gint refcount;
  size_t len;
  unsigned char bytes[]; /* RELAY_MSG_HEADROOM + len */
};

static relay_msg *
msg_alloc (size_t len)
{
  relay_msg *msg = g_malloc (sizeof *msg + RELAY_MSG_HEADROOM + len);
  msg->refcount = 1;
  msg->len = len;
  return msg;
}

relay_msg *
relay_msg_new (const char *text, size_t len)
{
  relay_msg *msg = msg_alloc (len);
  if (len > 0)
    memcpy (msg->bytes + RELAY_MSG_HEADROOM, text, len);
  return msg;
}

relay_msg *
relay_msg_new_json (const json_t *json)
{
  const size_t flags = JSON_COMPACT;
  /* Two passes (measure, then write in place) avoid a temporary string. */
  size_t len = json_dumpb (json, NULL, 0, flags);
  if (len == 0)
    return NULL;
  relay_msg *msg = msg_alloc (len);
  if (json_dumpb (json, (char *) msg->bytes + RELAY_MSG_HEADROOM, len, flags)
      != len) {
    g_free (msg);
    return NULL;
  }
  return msg;
}

relay_msg *
relay_msg_ref (relay_msg *msg)
{
  g_return_val_if_fail (msg != NULL, NULL);
  msg->refcount++;
  return msg;
}

void
relay_msg_unref (relay_msg *msg)
{
  if (msg != NULL && --msg->refcount == 0)
    g_free (msg);
}

unsigned char *
relay_msg_data (relay_msg *msg)
{
  return msg->bytes + RELAY_MSG_HEADROOM;
}

size_t
relay_msg_len (const relay_msg *msg)
{
  return msg->len;
}
