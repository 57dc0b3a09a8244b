/* payloader.c - the registry of payload formats, by SDP encoding name. */
#include "tempchat/tc_payloader.h"

#include <glib.h>

static const tc_payloader *const registry[] = {
  &tc_payloader_vp9,
  &tc_payloader_h264,
  &tc_payloader_vp8,
  &tc_payloader_av1,
  &tc_payloader_opus,
};

const tc_payloader *
tc_payloader_find (const char *name)
{
  if (name == NULL)
    return NULL;
  for (size_t i = 0; i < G_N_ELEMENTS (registry); i++) {
    if (g_ascii_strcasecmp (registry[i]->name, name) == 0)
      return registry[i];
  }
  return NULL;
}
