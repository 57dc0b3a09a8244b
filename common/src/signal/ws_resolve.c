/* ws_resolve.c - asynchronous name lookups for the WebSocket client.
 *
 * The GResolver callback always runs, even after cancellation, so the
 * request object outlives its requester: cancel() only clears `cb`, and the
 * object frees itself when GResolver reports back.
 */
#include "signal/ws_resolve.h"

#include <gio/gio.h>

#include "tempchat/tc_log.h"

struct tc_resolve {
  tc_resolve_cb cb;  /* NULL once cancelled */
  void *user_data;
  GCancellable *cancel;
};

static void
on_resolved (GObject *source, GAsyncResult *res, gpointer data)
{
  tc_resolve *r = data;
  GError *err = NULL;
  GList *list = g_resolver_lookup_by_name_finish (G_RESOLVER (source), res,
      &err);
  if (err != NULL && r->cb != NULL)
    TC_DEBUG ("ws: name lookup failed: %s", err->message);
  g_clear_error (&err);

  GPtrArray *addresses = g_ptr_array_new_with_free_func (g_free);
  for (GList *l = list; l != NULL; l = l->next)
    g_ptr_array_add (addresses, g_inet_address_to_string (l->data));
  g_resolver_free_addresses (list);
  if (r->cb != NULL)
    r->cb (addresses, r->user_data);
  g_ptr_array_unref (addresses);
  g_object_unref (r->cancel);
  g_free (r);
}

tc_resolve *
tc_resolve_start (GMainContext *ctx, const char *host, tc_resolve_cb cb,
    void *user_data)
{
  tc_resolve *r = g_new0 (tc_resolve, 1);
  r->cb = cb;
  r->user_data = user_data;
  r->cancel = g_cancellable_new ();
  GResolver *resolver = g_resolver_get_default ();
  /* GResolver answers on the thread-default context of the caller. */
  g_main_context_push_thread_default (ctx);
  g_resolver_lookup_by_name_async (resolver, host, r->cancel, on_resolved, r);
  g_main_context_pop_thread_default (ctx);
  g_object_unref (resolver);
  return r;
}

void
tc_resolve_cancel (tc_resolve *r)
{
  if (r == NULL)
    return;
  r->cb = NULL;
  g_cancellable_cancel (r->cancel);
}
