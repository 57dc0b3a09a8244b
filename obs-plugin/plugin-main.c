/* plugin-main.c - the OBS module entry: registers the TempChat source and
 * output. Kept tiny, like obs-outputs.c. */
#include <obs-module.h>

OBS_DECLARE_MODULE()
OBS_MODULE_USE_DEFAULT_LOCALE("tempchat", "en-US")

extern struct obs_source_info tempchat_source_info;
extern struct obs_output_info tempchat_output_info;

MODULE_EXPORT const char *obs_module_description(void)
{
	return obs_module_text("TempChat.Description");
}

bool obs_module_load(void)
{
	obs_register_source(&tempchat_source_info);
	obs_register_output(&tempchat_output_info);
	blog(LOG_INFO, "[tempchat] loaded (version %s)", TC_VERSION);
	return true;
}
