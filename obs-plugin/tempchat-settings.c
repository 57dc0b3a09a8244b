/* tempchat-settings.c - the connection settings of the source and output
 * (see the header). One place reads them, so the two cannot drift apart. */
#include <string.h>
#include <util/bmem.h>
#include <util/dstr.h>

#include "tempchat/tc_room.h"
#include "tempchat-settings.h"

#define DEFAULT_QUALITY "720p"

static const struct {
	const char *key;
	tc_sdp_quality quality;
} qualities[] = {
	{"360p", TC_SDP_QUALITY_360P},
	{"720p", TC_SDP_QUALITY_720P},
	{"1080p", TC_SDP_QUALITY_1080P},
};

void tempchat_settings_defaults(obs_data_t *settings)
{
	obs_data_set_default_string(settings, OPT_SIGNALING_URL, "");
	obs_data_set_default_string(settings, OPT_QUALITY, DEFAULT_QUALITY);
	obs_data_set_default_bool(settings, OPT_RELAY_ONLY, false);
}

void tempchat_add_text(obs_properties_t *props, const char *key,
		       const char *label, const char *tooltip,
		       enum obs_text_type type)
{
	obs_property_t *p = obs_properties_add_text(
		props, key, obs_module_text(label), type);

	if (tooltip != NULL)
		obs_property_set_long_description(p, obs_module_text(tooltip));
}

void tempchat_settings_add_properties(obs_properties_t *props)
{
	obs_property_t *p;

	/* Anyone with the room can join the call: shown like a password. */
	tempchat_add_text(props, OPT_ROOM, "Room", NULL, OBS_TEXT_PASSWORD);
	tempchat_add_text(props, OPT_SIGNALING_URL, "SignalingUrl",
			  "SignalingUrl.Tooltip", OBS_TEXT_DEFAULT);
	tempchat_add_text(props, OPT_CHANNEL, "Channel", NULL,
			  OBS_TEXT_DEFAULT);
	tempchat_add_text(props, OPT_STUN, "Stun", "Stun.Tooltip",
			  OBS_TEXT_DEFAULT);
	tempchat_add_text(props, OPT_TURN, "Turn", "Turn.Tooltip",
			  OBS_TEXT_DEFAULT);
	tempchat_add_text(props, OPT_TURN_SECRET, "TurnSecret", NULL,
			  OBS_TEXT_PASSWORD);
	tempchat_add_text(props, OPT_TURN_USER, "TurnUser", NULL,
			  OBS_TEXT_DEFAULT);
	tempchat_add_text(props, OPT_TURN_PASSWORD, "TurnPassword", NULL,
			  OBS_TEXT_PASSWORD);
	obs_properties_add_bool(props, OPT_RELAY_ONLY,
				obs_module_text("RelayOnly"));
	p = obs_properties_add_list(
		props, OPT_QUALITY, obs_module_text("Quality"),
		OBS_COMBO_TYPE_LIST, OBS_COMBO_FORMAT_STRING);
	for (size_t i = 0; i < sizeof(qualities) / sizeof(qualities[0]); i++)
		obs_property_list_add_string(p, qualities[i].key,
					     qualities[i].key);
}

/* OBS writes a source's settings into the scene collection file, but
 * only the values set by the user, not the defaults (obs_data_get_json).
 * Turning a secret into the default keeps it in memory, where reading it
 * (the source's update, the properties) works as before, and off disk. */
static void move_to_default(obs_data_t *settings, const char *key)
{
	char *value;

	if (key == NULL || !obs_data_has_user_value(settings, key))
		return;
	value = bstrdup(obs_data_get_string(settings, key));
	obs_data_set_default_string(settings, key, value);
	obs_data_unset_user_value(settings, key);
	bfree(value);
}

/* Back again when "remember" was turned on after an earlier save. */
static void move_to_user_value(obs_data_t *settings, const char *key)
{
	char *value;

	if (key == NULL || obs_data_has_user_value(settings, key))
		return;
	value = bstrdup(obs_data_get_string(settings, key));
	if (*value != '\0')
		obs_data_set_string(settings, key, value);
	bfree(value);
}

void tempchat_settings_keep_off_disk(obs_data_t *settings,
				     const char *extra_key)
{
	const char *keys[] = {OPT_ROOM, OPT_TURN_SECRET, OPT_TURN_PASSWORD,
			      extra_key};
	bool remember = obs_data_get_bool(settings, OPT_REMEMBER_ROOM);

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		(remember ? move_to_user_value : move_to_default)(settings,
								  keys[i]);
}

/* NULL for an empty or blank value, so "unset" has one spelling. */
static char *dup_trimmed(obs_data_t *data, const char *key)
{
	struct dstr d = {0};

	dstr_copy(&d, obs_data_get_string(data, key));
	dstr_depad(&d);
	if (dstr_is_empty(&d)) {
		dstr_free(&d);
		return NULL;
	}
	return d.array;
}

/* "stun:a:3478, stun:b:19302" or one per line: a list. */
static char **split_servers(const char *text)
{
	char **out = NULL;
	size_t n = 0;
	const char *p = text;

	while (p != NULL && *p != '\0') {
		size_t len = strcspn(p, ", \t\r\n");
		if (len > 0) {
			out = brealloc(out, (n + 2) * sizeof(char *));
			out[n++] = bstrdup_n(p, len);
			out[n] = NULL;
		}
		p += len;
		p += strspn(p, ", \t\r\n");
	}
	return out;
}

static tc_sdp_quality quality_of(const char *key)
{
	for (size_t i = 0; i < sizeof(qualities) / sizeof(qualities[0]); i++)
		if (key != NULL && strcmp(key, qualities[i].key) == 0)
			return qualities[i].quality;
	return TC_SDP_QUALITY_720P;
}

void tempchat_settings_read(struct tempchat_settings *s, obs_data_t *data)
{
	char *stun = dup_trimmed(data, OPT_STUN);

	memset(s, 0, sizeof(*s));
	s->room = dup_trimmed(data, OPT_ROOM);
	s->signaling_url = dup_trimmed(data, OPT_SIGNALING_URL);
	s->channel = dup_trimmed(data, OPT_CHANNEL);
	s->stun = split_servers(stun);
	s->turn = dup_trimmed(data, OPT_TURN);
	s->turn_secret = dup_trimmed(data, OPT_TURN_SECRET);
	s->turn_user = dup_trimmed(data, OPT_TURN_USER);
	s->turn_password = dup_trimmed(data, OPT_TURN_PASSWORD);
	s->relay_only = obs_data_get_bool(data, OPT_RELAY_ONLY);
	s->quality = quality_of(obs_data_get_string(data, OPT_QUALITY));
	bfree(stun);
}

void tempchat_settings_clear(struct tempchat_settings *s)
{
	bfree(s->room);
	bfree(s->signaling_url);
	bfree(s->channel);
	for (size_t i = 0; s->stun != NULL && s->stun[i] != NULL; i++)
		bfree(s->stun[i]);
	bfree(s->stun);
	bfree(s->turn);
	bfree(s->turn_secret);
	bfree(s->turn_user);
	bfree(s->turn_password);
	memset(s, 0, sizeof(*s));
}

static bool str_equal(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	       (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static bool list_equal(char **a, char **b)
{
	size_t i = 0;

	for (; a != NULL && b != NULL && a[i] != NULL && b[i] != NULL; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return (a == NULL || a[i] == NULL) && (b == NULL || b[i] == NULL);
}

bool tempchat_settings_equal(const struct tempchat_settings *a,
			     const struct tempchat_settings *b)
{
	return str_equal(a->room, b->room) &&
	       str_equal(a->signaling_url, b->signaling_url) &&
	       str_equal(a->channel, b->channel) &&
	       list_equal(a->stun, b->stun) && str_equal(a->turn, b->turn) &&
	       str_equal(a->turn_secret, b->turn_secret) &&
	       str_equal(a->turn_user, b->turn_user) &&
	       str_equal(a->turn_password, b->turn_password) &&
	       a->relay_only == b->relay_only && a->quality == b->quality;
}

const char *tempchat_settings_problem(const struct tempchat_settings *s)
{
	char room[TC_ROOM_NAME_SIZE];

	if (s->room == NULL)
		return obs_module_text("Error.NoRoom");
	if (tc_room_from_link(s->room, room, sizeof(room)) != TC_OK)
		return obs_module_text("Error.BadRoom");
	if (s->channel == NULL)
		return obs_module_text("Error.NoChannel");
	if (s->signaling_url != NULL &&
	    strncmp(s->signaling_url, "ws://", 5) != 0 &&
	    strncmp(s->signaling_url, "wss://", 6) != 0)
		return obs_module_text("Error.BadUrl");
	if (s->relay_only && s->turn == NULL)
		return obs_module_text("Error.RelayNeedsTurn");
	return NULL;
}

void tempchat_settings_to_config(const struct tempchat_settings *s,
				 tc_session_config *cfg)
{
	cfg->signaling.url = s->signaling_url;
	cfg->signaling.channel = s->channel;
	cfg->signaling.room = s->room;
	cfg->stun_servers = (const char *const *)s->stun;
	cfg->turn_server = s->turn;
	cfg->turn_secret = s->turn_secret;
	cfg->turn_username = s->turn_user;
	cfg->turn_password = s->turn_password;
	cfg->relay_only = s->relay_only;
	cfg->quality = s->quality;
	/* The video codecs are the caller's: what the output encodes, what
	 * the source decodes (tempchat-output.c, tempchat-source.c). */
}

/* The statuses a user can act on get their own sentence; the rest use the
 * core's English one. */
const char *tempchat_status_text(tc_status st)
{
	switch (st) {
	case TC_ERR_BAD_ROOM:
		return obs_module_text("Error.BadRoom");
	case TC_ERR_BAD_URL:
	case TC_ERR_INSECURE_URL:
		return obs_module_text("Error.BadUrl");
	case TC_ERR_CONNECT:
	case TC_ERR_SERVER_GONE:
		return obs_module_text("Error.Unreachable");
	case TC_ERR_TLS:
		return obs_module_text("Error.Tls");
	case TC_ERR_BAD_CHANNEL:
		return obs_module_text("Error.BadChannel");
	case TC_ERR_ROOM_FULL:
		return obs_module_text("Error.RoomFull");
	case TC_ERR_DTLS:
		return obs_module_text("Error.Dtls");
	case TC_ERR_TURN:
		return obs_module_text("Error.Turn");
	case TC_ERR_TIMEOUT:
	case TC_ERR_NOT_CONNECTED:
		return obs_module_text("Error.NoPath");
	default:
		return tc_status_str(st);
	}
}
