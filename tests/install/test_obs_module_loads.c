/* The installed OBS module loads in a real libobs and finds its locale data
 * in the data directory `cmake --install` put beside OBS's own plugins.
 * Usage: test_obs_module_loads MODULE.so DATA_DIR (under Xvfb). */
#include <obs-module.h>
#include <obs-nix-platform.h>
#include <obs.h>
#include <stdio.h>
#include <string.h>

static int
check_module (const char *path, const char *data)
{
  obs_module_t *mod = NULL;
  int rc = obs_open_module (&mod, path, data);
  if (rc != MODULE_SUCCESS) {
    fprintf (stderr, "FAIL: obs_open_module returned %d\n", rc);
    return 1;
  }
  if (!obs_init_module (mod)) {
    fprintf (stderr, "FAIL: obs_module_load returned false\n");
    return 1;
  }
  const char *desc = obs_get_module_description (mod);
  /* The text comes from data/locale/en-US.ini; the key itself means the
   * locale file was not found. */
  if (desc == NULL || strstr (desc, "TempChat guest") == NULL) {
    fprintf (stderr, "FAIL: description '%s'\n", desc ? desc : "(null)");
    return 1;
  }
  printf ("ok: %s\n", desc);
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc != 3) {
    fprintf (stderr, "usage: %s MODULE.so DATA_DIR\n", argv[0]);
    return 2;
  }
  obs_set_nix_platform (OBS_NIX_PLATFORM_X11_EGL);
  if (!obs_startup ("en-US", NULL, NULL)) {
    fprintf (stderr, "FAIL: obs_startup (is an X display set?)\n");
    return 1;
  }
  int rc = check_module (argv[1], argv[2]);
  obs_shutdown ();
  return rc;
}
