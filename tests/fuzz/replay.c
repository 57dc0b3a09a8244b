/* replay.c - runs a fuzz target over every file of its corpus directories.
 *
 * Linked with one fuzz_<name>.c in builds without libFuzzer, so ctest replays
 * each corpus on every build (the Janus fuzzers/ habit): a crash found once by
 * fuzzing and added to the corpus stays fixed. Exits non-zero on an empty or
 * unreadable corpus so a broken path cannot pass silently.
 */
#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static int
replay_dir (const char *path)
{
  GError *err = NULL;
  GDir *dir = g_dir_open (path, 0, &err);
  if (dir == NULL) {
    fprintf (stderr, "replay: %s\n", err->message);
    g_error_free (err);
    return -1;
  }
  int count = 0;
  const char *name;
  while ((name = g_dir_read_name (dir)) != NULL) {
    char *file = g_build_filename (path, name, NULL);
    gchar *buf = NULL;
    gsize len = 0;
    if (g_file_get_contents (file, &buf, &len, NULL)) {
      LLVMFuzzerTestOneInput ((const uint8_t *) buf, len);
      count++;
    }
    g_free (buf);
    g_free (file);
  }
  g_dir_close (dir);
  return count;
}

int
main (int argc, char **argv)
{
  int total = 0;
  for (int i = 1; i < argc; i++) {
    int n = replay_dir (argv[i]);
    if (n < 0)
      return 1;
    total += n;
  }
  printf ("replayed %d inputs\n", total);
  return total > 0 ? 0 : 1;
}
