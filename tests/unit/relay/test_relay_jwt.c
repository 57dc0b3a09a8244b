/* test_relay_jwt.c - ScaleDrone JWT checking and room permissions.
 *
 * The tokens were made outside this code (Python's hmac and base64) with
 * secret "s3cret", header {"alg":"HS256","typ":"JWT"} and payload
 * {"client":"abcdefgh12345678","channel":"ch",
 *  "permissions":{"^observable-":{"publish":true,"subscribe":true}},
 *  "exp":1700000100}; the variants say what differs. */
#include <glib.h>
#include <string.h>

#include "relay_jwt.h"
#include "relay_perms.h"

#define SECRET "s3cret"
#define PAYLOAD "eyJjbGllbnQiOiJhYmNkZWZnaDEyMzQ1Njc4IiwiY2hhbm5lbCI6ImNoIiwi" \
  "cGVybWlzc2lvbnMiOnsiXm9ic2VydmFibGUtIjp7InB1Ymxpc2giOnRydWUsInN1YnNjcmli" \
  "ZSI6dHJ1ZX19LCJleHAiOjE3MDAwMDAxMDB9"
#define HS256 "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
#define VALID HS256 "." PAYLOAD ".Os1v6C40EBCzKVbpBNg7TINBs2vXgSUXbsUUkRijXyQ"
/* Signed with "other". */
#define OTHER_SECRET HS256 "." PAYLOAD \
  ".QXxuw5P8vCwvMZJQpexoIKjlnGhxwhX6HgcIT-4uZEs"
/* Header {"alg":"none","typ":"JWT"}. */
#define ALG_NONE "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." PAYLOAD \
  ".Kv3HLymywYJUljV6u3dwJf4La8rOVMJE_amxh7H0QOY"
/* No "permissions" claim. */
#define NO_PERMS HS256 ".eyJjbGllbnQiOiJhYmNkZWZnaDEyMzQ1Njc4IiwiY2hhbm5lbCI6" \
  "ImNoIiwiZXhwIjoxNzAwMDAwMTAwfQ.K1tRnNpA-7HdyxDe7fvmiACP0yzIqVWx05W0pDme8zQ"

static relay_jwt_status
check (const char *token, gint64 now, relay_jwt_claims *claims)
{
  return relay_jwt_check (token, strlen (token), (const uint8_t *) SECRET,
      strlen (SECRET), now, claims);
}

static void
test_valid_token (void)
{
  relay_jwt_claims c;
  g_assert_cmpint (check (VALID, 1700000099, &c), ==, RELAY_JWT_OK);
  g_assert_cmpstr (c.client, ==, "abcdefgh12345678");
  g_assert_cmpstr (c.channel, ==, "ch");
  g_assert_cmpint (c.exp, ==, 1700000100);
  g_assert_true (json_is_object (c.permissions));
  relay_jwt_claims_clear (&c);
}

static void
test_refusals (void)
{
  static const struct {
    const char *token;
    gint64 now;
    relay_jwt_status want;
  } cases[] = {
    { VALID, 1700000100, RELAY_JWT_EXPIRED },       /* exp is exclusive */
    { OTHER_SECRET, 1700000000, RELAY_JWT_BAD_SIGNATURE },
    { ALG_NONE, 1700000000, RELAY_JWT_BAD_ALGORITHM },
    { NO_PERMS, 1700000000, RELAY_JWT_BAD_CLAIMS },
    { HS256 "." PAYLOAD, 1700000000, RELAY_JWT_MALFORMED },
    { HS256 "." PAYLOAD ".", 1700000000, RELAY_JWT_BAD_SIGNATURE },
    { VALID ".x", 1700000000, RELAY_JWT_MALFORMED },
    { "e30.e30.", 1700000000, RELAY_JWT_BAD_ALGORITHM },     /* {} header */
    { "!!.e30.e30", 1700000000, RELAY_JWT_MALFORMED },
    { "", 1700000000, RELAY_JWT_MALFORMED },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    relay_jwt_claims c;
    g_test_message ("case %" G_GSIZE_FORMAT, i);
    g_assert_cmpint (check (cases[i].token, cases[i].now, &c), ==,
        cases[i].want);
    relay_jwt_claims_clear (&c);
    g_assert_cmpstr (relay_jwt_status_str (cases[i].want), !=, "OK");
  }
  /* A signature altered in its last character fails. */
  char *bad = g_strdup (VALID);
  bad[strlen (bad) - 1] = 'R';
  relay_jwt_claims c;
  g_assert_cmpint (check (bad, 1700000000, &c), ==, RELAY_JWT_BAD_SIGNATURE);
  relay_jwt_claims_clear (&c);
  g_free (bad);
}

static relay_perms *
perms_from (const char *json)
{
  json_t *j = json_loads (json, 0, NULL);
  g_assert_nonnull (j);
  relay_perms *p = relay_perms_new (j);
  json_decref (j);
  return p;
}

static void
test_permissions (void)
{
  /* ScaleDrone's example: everything but main-room. */
  relay_perms *p = perms_from ("{\".*\":{\"publish\":true,\"subscribe\":true},"
      "\"^main-room$\":{\"publish\":false,\"subscribe\":false},"
      "\"^read-\":{\"publish\":false}}");
  g_assert_nonnull (p);
  const unsigned all = RELAY_PERM_SUBSCRIBE | RELAY_PERM_PUBLISH;
  g_assert_cmpuint (relay_perms_for_room (p, "observable-x"), ==, all);
  g_assert_cmpuint (relay_perms_for_room (p, "main-room"), ==, 0);
  g_assert_cmpuint (relay_perms_for_room (p, "main-room-2"), ==, all);
  g_assert_cmpuint (relay_perms_for_room (p, "read-only"), ==,
      RELAY_PERM_SUBSCRIBE);
  relay_perms_free (p);
  /* Unanchored, as documented: "main" matches any room containing it. */
  p = perms_from ("{\"main\":{\"subscribe\":true}}");
  g_assert_cmpuint (relay_perms_for_room (p, "the-main-one"), ==,
      RELAY_PERM_SUBSCRIBE);
  g_assert_cmpuint (relay_perms_for_room (p, "other"), ==, 0);
  relay_perms_free (p);
}

static void
test_bad_permissions (void)
{
  g_assert_null (perms_from ("{\"(unclosed\":{\"publish\":true}}"));
  g_assert_null (perms_from ("{\"x\":{\"publish\":1}}"));
  g_assert_null (perms_from ("{\"x\":true}"));
  g_assert_null (perms_from ("[]"));
  GString *many = g_string_new ("{");
  for (int i = 0; i <= RELAY_PERMS_MAX; i++)
    g_string_append_printf (many, "%s\"r%d\":{}", i ? "," : "", i);
  g_string_append_c (many, '}');
  g_assert_null (perms_from (many->str));
  g_string_free (many, TRUE);
  char *long_pattern = g_strnfill (RELAY_PERMS_MAX_PATTERN + 1, 'a');
  char *json = g_strdup_printf ("{\"%s\":{}}", long_pattern);
  g_assert_null (perms_from (json));
  g_free (json);
  g_free (long_pattern);
}

static void
test_runaway_regex_is_bounded (void)
{
  /* Catastrophic backtracking on a 256-byte room stops at PCRE2's match
   * limit and counts as no match. */
  relay_perms *p = perms_from ("{\"^(a+)+$\":{\"subscribe\":true}}");
  g_assert_nonnull (p);
  char *room = g_strnfill (256, 'a');
  room[255] = 'b';
  gint64 t0 = g_get_monotonic_time ();
  g_assert_cmpuint (relay_perms_for_room (p, room), ==, 0);
  g_test_message ("took %" G_GINT64_FORMAT " us",
      g_get_monotonic_time () - t0);
  g_free (room);
  relay_perms_free (p);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/relay/jwt/a valid token gives its claims",
      test_valid_token);
  g_test_add_func ("/relay/jwt/wrong, expired and malformed tokens are refused",
      test_refusals);
  g_test_add_func ("/relay/perms/patterns allow and forbid per action",
      test_permissions);
  g_test_add_func ("/relay/perms/malformed or oversized permissions are refused",
      test_bad_permissions);
  g_test_add_func ("/relay/perms/a runaway regex ends",
      test_runaway_regex_is_bounded);
  return g_test_run ();
}
