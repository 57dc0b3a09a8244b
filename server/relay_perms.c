/* relay_perms.c - room permissions from a JWT (see relay_perms.h). */
#include "relay_perms.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <glib.h>
#include <pcre2.h>
#include <string.h>

/* Backtracking steps one match may take, and its nesting depth: far more
 * than any sane room pattern needs on a 256-byte name, and a few
 * milliseconds at worst for an insane one. */
#define MATCH_LIMIT 100000
#define DEPTH_LIMIT 1000

typedef struct {
  pcre2_code *regex;
  unsigned allow;    /* relay_perm bits set to true */
  unsigned forbid;   /* relay_perm bits set to false */
} rule;

struct relay_perms {
  rule rules[RELAY_PERMS_MAX];
  size_t n;
  pcre2_match_context *limits;
  pcre2_match_data *match;
};

static pcre2_code *
compile (const char *pattern)
{
  int err;
  PCRE2_SIZE offset;
  /* UTF: room names are UTF-8 (jansson checked them). */
  return pcre2_compile ((PCRE2_SPTR) pattern, PCRE2_ZERO_TERMINATED,
      PCRE2_UTF, &err, &offset, NULL);
}

/* One {"publish":B,"subscribe":B} object into allow/forbid bits. */
static bool
read_actions (json_t *actions, rule *r)
{
  static const struct {
    const char *key;
    unsigned bit;
  } names[] = {
    { "subscribe", RELAY_PERM_SUBSCRIBE },
    { "publish", RELAY_PERM_PUBLISH },
  };
  if (!json_is_object (actions))
    return false;
  for (size_t i = 0; i < G_N_ELEMENTS (names); i++) {
    json_t *v = json_object_get (actions, names[i].key);
    if (json_is_true (v))
      r->allow |= names[i].bit;
    else if (json_is_false (v))
      r->forbid |= names[i].bit;
    else if (v != NULL)
      return false;
  }
  return true;
}

relay_perms *
relay_perms_new (json_t *permissions)
{
  if (!json_is_object (permissions)
      || json_object_size (permissions) > RELAY_PERMS_MAX)
    return NULL;
  relay_perms *perms = g_new0 (relay_perms, 1);
  perms->limits = pcre2_match_context_create (NULL);
  perms->match = pcre2_match_data_create (1, NULL);
  pcre2_set_match_limit (perms->limits, MATCH_LIMIT);
  pcre2_set_depth_limit (perms->limits, DEPTH_LIMIT);
  const char *pattern;
  json_t *actions;
  json_object_foreach (permissions, pattern, actions) {
    rule *r = &perms->rules[perms->n];
    if (strlen (pattern) > RELAY_PERMS_MAX_PATTERN
        || !read_actions (actions, r)
        || (r->regex = compile (pattern)) == NULL) {
      relay_perms_free (perms);
      return NULL;
    }
    perms->n++;
  }
  return perms;
}

void
relay_perms_free (relay_perms *perms)
{
  if (perms == NULL)
    return;
  for (size_t i = 0; i < perms->n; i++)
    pcre2_code_free (perms->rules[i].regex);
  pcre2_match_context_free (perms->limits);
  pcre2_match_data_free (perms->match);
  g_free (perms);
}

unsigned
relay_perms_for_room (const relay_perms *perms, const char *room)
{
  unsigned allow = 0, forbid = 0;
  for (size_t i = 0; i < perms->n; i++) {
    const rule *r = &perms->rules[i];
    /* A match that hits the limits returns an error: no match. */
    if (pcre2_match (r->regex, (PCRE2_SPTR) room, PCRE2_ZERO_TERMINATED, 0,
            0, perms->match, perms->limits) >= 0) {
      allow |= r->allow;
      forbid |= r->forbid;
    }
  }
  return allow & ~forbid;
}
