/* fuzz_dtls_fingerprint.c - the a=fingerprint value parser.
 *
 * Any input either fails cleanly or parses into a value that formats and
 * parses back to itself; the parser never reads past `size` (the input is
 * not NUL-terminated here).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tempchat/tc_dtls.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  tc_dtls_fingerprint fp, back;
  char text[TC_DTLS_FINGERPRINT_STR_LEN];

  tc_status st = tc_dtls_fingerprint_parse ((const char *) data, size, &fp);
  if (st != TC_OK) {
    if (fp.len != 0)
      abort ();
    return 0;
  }
  if (fp.len != tc_dtls_hash_len (fp.hash))
    abort ();
  if (tc_dtls_fingerprint_format (&fp, text, sizeof text) != TC_OK)
    abort ();
  if (tc_dtls_fingerprint_parse (text, strlen (text), &back) != TC_OK
      || !tc_dtls_fingerprint_equal (&fp, &back))
    abort ();
  return 0;
}
