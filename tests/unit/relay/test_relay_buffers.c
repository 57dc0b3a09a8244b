/* test_relay_buffers.c - message reassembly with a size limit, the bounded
 * send queue, and the shared outgoing message. */
#include <glib.h>
#include <string.h>

#include "relay_msg.h"
#include "relay_outq.h"
#include "relay_rxbuf.h"

/* One piece as lws reports it: bytes, what its frame still announces, and
 * whether it ends the message. */
typedef struct {
  const char *bytes;
  size_t remaining;
  bool final;
} piece;

static relay_rx_status
feed (relay_rxbuf *rx, const piece *p)
{
  return relay_rxbuf_feed (rx, p->bytes, strlen (p->bytes), p->remaining,
      p->final);
}

static void
test_single_piece (void)
{
  relay_rxbuf rx;
  relay_rxbuf_init (&rx, 16);
  g_assert_cmpint (feed (&rx, &(piece) { "hello", 0, true }), ==,
      RELAY_RX_COMPLETE);
  size_t len;
  const char *data = relay_rxbuf_data (&rx, &len);
  g_assert_cmpmem (data, len, "hello", 5);
  relay_rxbuf_clear (&rx);
}

static void
test_fragments_join (void)
{
  /* Two frames ("he" + "llo"), the second read in two pieces. */
  static const piece pieces[] = {
    { "he", 0, false }, { "l", 2, false }, { "lo", 0, true },
  };
  relay_rxbuf rx;
  relay_rxbuf_init (&rx, 16);
  g_assert_cmpint (feed (&rx, &pieces[0]), ==, RELAY_RX_MORE);
  g_assert_cmpint (feed (&rx, &pieces[1]), ==, RELAY_RX_MORE);
  g_assert_cmpint (feed (&rx, &pieces[2]), ==, RELAY_RX_COMPLETE);
  size_t len;
  const char *data = relay_rxbuf_data (&rx, &len);
  g_assert_cmpmem (data, len, "hello", 5);
  /* The next feed starts a new message. */
  g_assert_cmpint (feed (&rx, &(piece) { "x", 0, true }), ==,
      RELAY_RX_COMPLETE);
  data = relay_rxbuf_data (&rx, &len);
  g_assert_cmpmem (data, len, "x", 1);
  relay_rxbuf_clear (&rx);
}

static void
test_exactly_the_limit (void)
{
  relay_rxbuf rx;
  relay_rxbuf_init (&rx, 5);
  g_assert_cmpint (feed (&rx, &(piece) { "ab", 3, false }), ==, RELAY_RX_MORE);
  g_assert_cmpint (feed (&rx, &(piece) { "cde", 0, true }), ==,
      RELAY_RX_COMPLETE);
  relay_rxbuf_clear (&rx);
}

static void
test_announced_oversize_is_skipped_early (void)
{
  /* The first piece announces 1 MB more: it is reported at once, and
   * nothing is kept from then on. */
  relay_rxbuf rx;
  relay_rxbuf_init (&rx, 8);
  g_assert_cmpint (feed (&rx, &(piece) { "abcd", 1000000, false }), ==,
      RELAY_RX_TOO_LARGE);
  g_assert_cmpuint (rx.bytes->len, ==, 0);
  g_assert_cmpint (feed (&rx, &(piece) { "efgh", 999996, false }), ==,
      RELAY_RX_MORE);
  g_assert_cmpuint (rx.bytes->len, ==, 0);
  g_assert_cmpint (feed (&rx, &(piece) { "ijkl", 0, true }), ==,
      RELAY_RX_MORE);
  /* Reported once; the next message is fine. */
  g_assert_cmpint (feed (&rx, &(piece) { "ok", 0, true }), ==,
      RELAY_RX_COMPLETE);
  size_t len;
  const char *data = relay_rxbuf_data (&rx, &len);
  g_assert_cmpmem (data, len, "ok", 2);
  relay_rxbuf_clear (&rx);
}

static void
test_fragmented_oversize (void)
{
  /* Frames of unknown total: the limit is crossed by the third one. */
  relay_rxbuf rx;
  relay_rxbuf_init (&rx, 8);
  g_assert_cmpint (feed (&rx, &(piece) { "abc", 0, false }), ==,
      RELAY_RX_MORE);
  g_assert_cmpint (feed (&rx, &(piece) { "def", 0, false }), ==,
      RELAY_RX_MORE);
  g_assert_cmpint (feed (&rx, &(piece) { "ghi", 0, false }), ==,
      RELAY_RX_TOO_LARGE);
  g_assert_cmpuint (rx.bytes->len, ==, 0);
  g_assert_cmpint (feed (&rx, &(piece) { "j", 0, true }), ==,
      RELAY_RX_MORE);
  relay_rxbuf_clear (&rx);
}

static void
test_empty_message (void)
{
  relay_rxbuf rx;
  relay_rxbuf_init (&rx, 8);
  g_assert_cmpint (feed (&rx, &(piece) { "", 0, true }), ==,
      RELAY_RX_COMPLETE);
  size_t len = 99;
  g_assert_nonnull (relay_rxbuf_data (&rx, &len));
  g_assert_cmpuint (len, ==, 0);
  relay_rxbuf_clear (&rx);
}

static void
test_outq_limit (void)
{
  relay_outq q;
  relay_outq_init (&q, 10);
  relay_msg *six = relay_msg_new ("123456", 6);
  relay_msg *four = relay_msg_new ("1234", 4);
  g_assert_true (relay_outq_push (&q, six));
  g_assert_false (relay_outq_push (&q, six)); /* 12 > 10 */
  g_assert_true (relay_outq_push (&q, four)); /* exactly 10 */
  g_assert_cmpuint (q.bytes, ==, 10);

  relay_msg *m = relay_outq_pop (&q);
  g_assert_true (m == six); /* first in, first out */
  relay_msg_unref (m);
  g_assert_true (relay_outq_push (&q, six)); /* room again */
  relay_outq_clear (&q);
  g_assert_true (relay_outq_is_empty (&q));
  g_assert_null (relay_outq_pop (&q));
  relay_msg_unref (six);
  relay_msg_unref (four);
}

static void
test_msg_json_and_headroom (void)
{
  json_t *obj = json_pack ("{sssi}", "type", "x", "n", 1);
  relay_msg *msg = relay_msg_new_json (obj);
  json_decref (obj);
  g_assert_cmpmem (relay_msg_data (msg), relay_msg_len (msg),
      "{\"type\":\"x\",\"n\":1}", 18);
  /* The headroom in front belongs to the message: writing it is fine
   * (ASan would object otherwise). */
  memset (relay_msg_data (msg) - RELAY_MSG_HEADROOM, 0xAA,
      RELAY_MSG_HEADROOM);
  relay_msg_ref (msg);
  relay_msg_unref (msg);
  relay_msg_unref (msg);
  relay_msg_unref (NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/relay/rxbuf/a one-piece message completes at once",
      test_single_piece);
  g_test_add_func ("/relay/rxbuf/fragments and partial reads are joined",
      test_fragments_join);
  g_test_add_func ("/relay/rxbuf/a message of exactly the limit is kept",
      test_exactly_the_limit);
  g_test_add_func ("/relay/rxbuf/an announced oversize is skipped unbuffered",
      test_announced_oversize_is_skipped_early);
  g_test_add_func ("/relay/rxbuf/oversize across fragments is reported once",
      test_fragmented_oversize);
  g_test_add_func ("/relay/rxbuf/an empty message completes with no bytes",
      test_empty_message);
  g_test_add_func ("/relay/outq/the queue refuses to grow past its limit",
      test_outq_limit);
  g_test_add_func ("/relay/msg/json is compact and headroom is writable",
      test_msg_json_and_headroom);
  return g_test_run ();
}
