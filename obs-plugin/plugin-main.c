/* plugin-main.c - the OBS module entry: registers the TempChat source and
 * output as they land. Kept tiny, like obs-outputs.c. */
#include <obs-module.h>

OBS_DECLARE_MODULE ()
OBS_MODULE_USE_DEFAULT_LOCALE ("tempchat", "en-US")

MODULE_EXPORT const char *
obs_module_description (void)
{
  return obs_module_text ("TempChat.Description");
}

bool
obs_module_load (void)
{
  blog (LOG_INFO, "[tempchat] loaded (version %s)", TC_VERSION);
  return true;
}
