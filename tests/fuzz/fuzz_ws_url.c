/* fuzz_ws_url.c - tc_ws_url_parse() on arbitrary text: parsed URLs have a
 * host, a port in range and a path starting with '/'. */
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
  }
  free (text);
  return 0;
}
