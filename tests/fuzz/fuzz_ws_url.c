/* fuzz_ws_url.c - tc_ws_url_parse() on arbitrary text: parsed URLs have a
 * host, a port in range and a path starting with '/'; a refused one gets an
 * explanation, NUL-terminated within its buffer and never "it is valid". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "signal/ws_url.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *text = malloc (size + 1);
  if (text == NULL)
    return 0;
  memcpy (text, data, size);
  text[size] = '\0';
  tc_ws_url u;
  if (tc_ws_url_parse (text, &u) == TC_OK) {
    if (u.host[0] == '\0' || u.port < 1 || u.port > 65535 || u.path[0] != '/')
      abort ();
    tc_ws_url_is_loopback (&u);
  } else {
    char why[64];
    tc_ws_url_explain (text, why, sizeof why);
    if (memchr (why, '\0', sizeof why) == NULL || strcmp (why, "it is valid") == 0)
      abort ();
  }
  free (text);
  return 0;
}
