/* mdns_query.h - looks up ".local" host names with our own multicast DNS
 * queries on the local link (RFC 6762), whatever the host's resolver is.
 *
 * One tc_mdns per ICE agent. Its UDP socket is opened on the first lookup
 * and closed when none is left; everything runs on the GMainContext given
 * to tc_mdns_new(), and nothing blocks it. Only link-local multicast is
 * sent (224.0.0.251, IP TTL 255); no unicast DNS server is ever asked.
 */
#ifndef TC_NET_MDNS_QUERY_H
#define TC_NET_MDNS_QUERY_H

#include <glib.h>

#include "net/mdns_msg.h"
#include "tempchat/tc_status.h"

/* From the first query: one resend, then giving up. Queries for a name are
 * at least a second apart (RFC 6762 section 5.2), and sooner would not
 * help with Chromium anyway: it answers for a name at most once a second,
 * so the AAAA answer of an IPv6-only name, or the answer to a resend after
 * a lost one, comes a second after the first answer. */
#define TC_MDNS_RESEND_MS 1000
#define TC_MDNS_GIVE_UP_MS 1500

typedef struct tc_mdns tc_mdns;

/* Called once per lookup, on the context's thread: with the addresses
 * found (answer->n > 0), or with none when nothing answered in time. It
 * must not call tc_mdns_free(). */
typedef void (*tc_mdns_result_fn) (void *user_data,
    const tc_mdns_answer *answer);

/* `ctx` is borrowed and must outlive the tc_mdns. Never NULL. */
tc_mdns *tc_mdns_new (GMainContext *ctx);

/* Starts looking up `name` (copied). `destroy` (may be NULL) is called on
 * `user_data` once, after `cb` or when the tc_mdns is freed first.
 * TC_ERR_PARSE: `name` cannot be carried by DNS (nothing is started, and
 * `destroy` is not called). Call on the context's thread. */
tc_status tc_mdns_lookup (tc_mdns *m, const char *name, tc_mdns_result_fn cb,
    void *user_data, GDestroyNotify destroy);

/* Ends every lookup without calling its `cb` (each `destroy` is called)
 * and closes the socket. NULL-safe. Call on the context's thread. */
void tc_mdns_free (tc_mdns *m);

#endif
