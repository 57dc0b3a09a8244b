/* fuzz_sd_frame.c - ScaleDrone server frames on arbitrary bytes, followed
 * through to what the client does with them: member lists into the member
 * bookkeeping, published values into the peer message decoder. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "signal/members.h"
#include "signal/peer_msg_json.h"
#include "signal/sd_frame.h"

static void
follow (const tc_sd_frame *f)
{
  tc_members m;
  tc_members_init (&m);
  tc_members_set_self (&m, "Mq7dLx2pRt9vKw4z");
  switch (f->kind) {
    case TC_SD_FRAME_MEMBERS:
      tc_members_reset (&m, f->ids, f->n_ids);
      /* Replaying the list as leaves must empty the room. */
      for (size_t i = 0; i < f->n_ids; i++)
        tc_members_leave (&m, f->ids[i]);
      if (tc_members_peer (&m) != NULL || tc_members_count (&m) != 1)
        abort ();
      break;
    case TC_SD_FRAME_MEMBER_JOIN:
    case TC_SD_FRAME_MEMBER_LEAVE:
      if (f->n_ids != 1)
        abort ();
      tc_members_join (&m, f->ids[0]);
      tc_members_is_offerer (&m);
      tc_members_leave (&m, f->ids[0]);
      break;
    case TC_SD_FRAME_PUBLISH: {
      tc_peer_msg msg;
      tc_peer_msg_from_json (f->message, &msg);
      tc_peer_msg_clear (&msg);
      tc_members_from_peer (&m, f->client_id);
      break;
    }
    case TC_SD_FRAME_CALLBACK:
      tc_sd_handshake_error (f->error);
      tc_sd_subscribe_error (f->error);
      break;
    case TC_SD_FRAME_ERROR:
      if (f->error == NULL)
        abort ();
      tc_sd_server_error (f->error);
      break;
    case TC_SD_FRAME_IGNORED:
      break;
  }
  tc_members_clear (&m);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  tc_sd_frame f;
  if (tc_sd_frame_decode ((const char *) data, size, &f) == TC_OK)
    follow (&f);
  tc_sd_frame_clear (&f);
  return 0;
}
