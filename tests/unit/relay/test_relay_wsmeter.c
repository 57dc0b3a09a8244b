/* test_relay_wsmeter.c - the frame header meter on hand-made client bytes.
 * Frames are written out byte by byte: FIN|opcode, MASK|length, extended
 * length, mask key, payload. */
#include <glib.h>
#include <string.h>

#include "relay_wsmeter.h"

#define UPGRADE "GET /v3/websocket HTTP/1.1\r\nHost: x\r\n\r\n"
#define KEY 1, 2, 3, 4

static relay_wsmeter
upgraded (uint64_t limit)
{
  relay_wsmeter m;
  relay_wsmeter_init (&m, limit);
  relay_meter_result r = relay_wsmeter_feed (&m, (const uint8_t *) UPGRADE,
      strlen (UPGRADE));
  g_assert_cmpint (r.verdict, ==, RELAY_METER_OK);
  g_assert_true (relay_wsmeter_begin_frames (&m));
  return m;
}

static relay_meter_result
feed (relay_wsmeter *m, const uint8_t *buf, size_t len)
{
  return relay_wsmeter_feed (m, buf, len);
}

static void
test_masked_text_passes (void)
{
  relay_wsmeter m = upgraded (100);
  /* "hi" in one masked text frame, then a ping: the ping costs a token. */
  const uint8_t bytes[] = { 0x81, 0x82, KEY, 'h' ^ 1, 'i' ^ 2,
                            0x89, 0x80, KEY };
  relay_meter_result r = feed (&m, bytes, sizeof bytes);
  g_assert_cmpint (r.verdict, ==, RELAY_METER_OK);
  g_assert_cmpuint (r.accepted, ==, sizeof bytes);
  g_assert_cmpuint (r.extra_frames, ==, 1);
}

static void
test_split_anywhere (void)
{
  /* The same stream fed one byte at a time gives the same answer. */
  relay_wsmeter m = upgraded (100);
  const uint8_t bytes[] = { 0x01, 0xfe, 0x00, 0x03, KEY, 'a', 'b', 'c',
                            0x80, 0x81, KEY, 'd', 0x8a, 0x80, KEY };
  unsigned extra = 0;
  for (size_t i = 0; i < sizeof bytes; i++) {
    relay_meter_result r = feed (&m, bytes + i, 1);
    g_assert_cmpint (r.verdict, ==, RELAY_METER_OK);
    extra += r.extra_frames;
  }
  g_assert_cmpuint (extra, ==, 2); /* the continuation and the pong */
  g_assert_false (m.in_message);
}

static void
test_unmasked_is_refused (void)
{
  relay_wsmeter m = upgraded (100);
  const uint8_t bytes[] = { 0x81, 0x80, KEY, 0x81, 0x02, 'h', 'i' };
  relay_meter_result r = feed (&m, bytes, sizeof bytes);
  g_assert_cmpint (r.verdict, ==, RELAY_METER_UNMASKED);
  g_assert_cmpuint (r.accepted, ==, 6); /* the good frame before it */
  /* Once broken, nothing more is accepted. */
  r = feed (&m, bytes, 6);
  g_assert_cmpuint (r.accepted, ==, 0);
}

static void
test_announced_2_62_is_too_large (void)
{
  relay_wsmeter m = upgraded (65536);
  const uint8_t bytes[] = { 0x81, 0xff, 0x40, 0, 0, 0, 0, 0, 0, 0, KEY };
  relay_meter_result r = feed (&m, bytes, sizeof bytes);
  g_assert_cmpint (r.verdict, ==, RELAY_METER_TOO_LARGE);
  g_assert_cmpuint (r.accepted, ==, 0);
}

static void
test_fragments_add_up (void)
{
  /* 60 + 40 bytes is the limit exactly; one more fragment byte is over. */
  relay_wsmeter m = upgraded (100);
  uint8_t first[2 + 4 + 60] = { 0x01, 0x80 | 60, KEY };
  uint8_t second[2 + 4 + 40] = { 0x00, 0x80 | 40, KEY };
  const uint8_t third[] = { 0x80, 0x81, KEY, 'x' };
  g_assert_cmpint (feed (&m, first, sizeof first).verdict, ==,
      RELAY_METER_OK);
  relay_meter_result r = feed (&m, second, sizeof second);
  g_assert_cmpint (r.verdict, ==, RELAY_METER_OK);
  g_assert_cmpuint (r.extra_frames, ==, 1);
  r = feed (&m, third, sizeof third);
  g_assert_cmpint (r.verdict, ==, RELAY_METER_TOO_LARGE);
}

static void
test_protocol_errors (void)
{
  static const struct {
    const char *what;
    uint8_t bytes[8];
    size_t len;
  } cases[] = {
    { "continuation without a message", { 0x80, 0x80, KEY }, 6 },
    { "a fragmented ping", { 0x09, 0x80, KEY }, 6 },
    { "a ping over 125 bytes", { 0x89, 0xfe, 0x00, 0x7e, KEY }, 8 },
    { "reserved opcode 3", { 0x83, 0x80, KEY }, 6 },
    { "reserved opcode 0xb", { 0x8b, 0x80, KEY }, 6 },
    { "RSV1 without an extension", { 0xc1, 0x80, KEY }, 6 },
    { "a text frame inside a message", { 0x01, 0x80, KEY }, 6 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    relay_wsmeter m = upgraded (100);
    relay_meter_result r = feed (&m, cases[i].bytes, cases[i].len);
    if (i == G_N_ELEMENTS (cases) - 1) /* needs a message open first */
      r = feed (&m, cases[i].bytes, cases[i].len);
    g_test_message ("%s", cases[i].what);
    g_assert_cmpint (r.verdict, ==, RELAY_METER_PROTOCOL);
  }
}

static void
test_early_frames_are_refused (void)
{
  relay_wsmeter m;
  relay_wsmeter_init (&m, 100);
  const char bytes[] = UPGRADE "\x81\x80\x01\x02\x03\x04";
  feed (&m, (const uint8_t *) bytes, sizeof bytes - 1);
  g_assert_false (relay_wsmeter_begin_frames (&m));
}

static void
test_keep_alive_then_upgrade (void)
{
  /* An HTTP request, then the upgrade on the same connection, with the
   * header end split across reads. */
  relay_wsmeter m;
  relay_wsmeter_init (&m, 100);
  const char *a = "GET / HTTP/1.1\r\n\r\nGET /v3/websocket HTTP/1.1\r\n\r";
  feed (&m, (const uint8_t *) a, strlen (a));
  feed (&m, (const uint8_t *) "\n", 1);
  g_assert_true (relay_wsmeter_begin_frames (&m));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/relay/wsmeter/masked frames pass and pings cost",
      test_masked_text_passes);
  g_test_add_func ("/relay/wsmeter/a stream split anywhere reads the same",
      test_split_anywhere);
  g_test_add_func ("/relay/wsmeter/an unmasked frame is refused",
      test_unmasked_is_refused);
  g_test_add_func ("/relay/wsmeter/a 2^62-byte announcement is too large",
      test_announced_2_62_is_too_large);
  g_test_add_func ("/relay/wsmeter/fragments add up to the limit",
      test_fragments_add_up);
  g_test_add_func ("/relay/wsmeter/frames no client may send",
      test_protocol_errors);
  g_test_add_func ("/relay/wsmeter/frames before the 101 are refused",
      test_early_frames_are_refused);
  g_test_add_func ("/relay/wsmeter/an upgrade after a keep-alive request",
      test_keep_alive_then_upgrade);
  return g_test_run ();
}
