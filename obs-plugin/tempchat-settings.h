/* tempchat-settings.h - the connection settings the TempChat source and
 * output share: their keys, defaults and properties, and turning them into
 * a tc_session_config. Private to obs-plugin/.
 *
 * Scripts and obs-websocket users set these by key: never rename one.
 */
#pragma once

#include <obs-module.h>
#include <stdbool.h>

#include "tempchat/tc_session.h"

#define OPT_ROOM "room"
#define OPT_SIGNALING_URL "signaling_url"
#define OPT_CHANNEL "channel"
#define OPT_STUN "stun"
#define OPT_TURN "turn"
#define OPT_TURN_SECRET "turn_secret"
#define OPT_TURN_USER "turn_user"
#define OPT_TURN_PASSWORD "turn_password"
#define OPT_RELAY_ONLY "relay_only"
#define OPT_QUALITY "quality"
#define OPT_REMEMBER_ROOM "remember_room"

/* What the user set, copied out of an obs_data_t (bfree'd strings). */
struct tempchat_settings {
	char *room;
	char *signaling_url; /* NULL: the hosted ScaleDrone service */
	char *channel;
	char **stun; /* NULL-terminated list, or NULL */
	char *turn;
	char *turn_secret;
	char *turn_user;
	char *turn_password;
	bool relay_only;
	tc_sdp_quality quality;
};

void tempchat_settings_defaults(obs_data_t *settings);

/* A text property whose label (and tooltip, unless NULL) are locale keys. */
void tempchat_add_text(obs_properties_t *props, const char *key,
		       const char *label, const char *tooltip,
		       enum obs_text_type type);

/* Adds the connection properties, labels from the locale. */
void tempchat_settings_add_properties(obs_properties_t *props);

/* For a `save` callback: unless the user asked to remember them, the room
 * and the TURN credentials (and `extra_key`, NULL for none) stay out of
 * what OBS writes to disk. Their values stay in `settings` as defaults,
 * which work as before and which OBS does not serialize. */
void tempchat_settings_keep_off_disk(obs_data_t *settings,
				     const char *extra_key);

void tempchat_settings_read(struct tempchat_settings *s, obs_data_t *data);
void tempchat_settings_clear(struct tempchat_settings *s);

/* True when `a` and `b` would join the same call the same way. */
bool tempchat_settings_equal(const struct tempchat_settings *a,
			     const struct tempchat_settings *b);

/* Checks what can be checked without a network. NULL when the settings can
 * work, else a localized sentence saying what to fix (static storage of
 * the module's locale). Never mentions the room or credentials. */
const char *tempchat_settings_problem(const struct tempchat_settings *s);

/* Fills the connection part of `cfg` (after tc_session_config_init), not
 * its video codecs. Strings are borrowed from `s`, which must outlive
 * tc_session_new. */
void tempchat_settings_to_config(const struct tempchat_settings *s,
				 tc_session_config *cfg);

/* A localized sentence for a status the core reported. */
const char *tempchat_status_text(tc_status st);
