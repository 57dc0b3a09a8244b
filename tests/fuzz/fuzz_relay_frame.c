/* fuzz_relay_frame.c - the relay's client-frame parser on arbitrary bytes.
 *
 * Beyond "no crash, no leak", it checks what the hub relies on: a good
 * frame has the fields its type needs, and those fields can be echoed back
 * in replies that are themselves valid JSON.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "relay_frame.h"
#include "relay_reply.h"

static void
check_good_frame (const relay_frame *f)
{
  relay_msg *msg = NULL;
  switch (f->type) {
  case RELAY_FRAME_HANDSHAKE:
    if (f->channel == NULL || f->client_data == NULL)
      abort ();
    json_t *member = relay_member_json ("0123456789abcdef", f->client_data);
    msg = relay_reply_members ("room", member);
    json_decref (member);
    break;
  case RELAY_FRAME_PUBLISH:
    if (f->room == NULL || f->message == NULL)
      abort ();
    msg = relay_reply_publish (f->room, f->message, "0123456789abcdef",
        "fedcba9876543210", 1700000000);
    break;
  case RELAY_FRAME_AUTHENTICATE:
    if (f->token == NULL || f->token_len == 0
        || f->token_len > RELAY_MAX_TOKEN_LEN)
      abort ();
    msg = relay_reply_ok (f->has_callback ? f->callback : 0);
    break;
  case RELAY_FRAME_SUBSCRIBE:
  case RELAY_FRAME_UNSUBSCRIBE:
    if (f->room == NULL || strlen (f->room) > RELAY_MAX_ROOM_LEN)
      abort ();
    msg = relay_reply_ok (f->has_callback ? f->callback : 0);
    break;
  }
  if (msg == NULL)
    abort ();
  json_t *back = json_loadb ((const char *) relay_msg_data (msg),
      relay_msg_len (msg), 0, NULL);
  if (back == NULL)
    abort ();
  json_decref (back);
  relay_msg_unref (msg);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  relay_frame f;
  relay_parse_status st = relay_frame_parse ((const char *) data, size, &f);
  if (st == RELAY_PARSE_OK)
    check_good_frame (&f);
  else if (relay_parse_status_str (st) == NULL)
    abort ();
  /* An error reply must carry the callback whenever the parser found one. */
  relay_msg *err = relay_reply_error (f.has_callback, f.callback,
      relay_parse_status_str (st));
  if (err == NULL)
    abort ();
  relay_msg_unref (err);
  relay_frame_clear (&f);
  return 0;
}
