/* tempchat-invite.c - room ids for the "New room" button. The id is the
 * only thing that keeps strangers out of a call, so it comes from OpenSSL's
 * CSPRNG (GLib's g_random is not cryptographic), like the web client's. */
#include <openssl/rand.h>
#include <string.h>
#include <util/dstr.h>

#include "tempchat-invite.h"

bool tempchat_new_room_id(char out[TEMPCHAT_ROOM_ID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char bytes[TEMPCHAT_ROOM_ID_LEN / 2];

	if (RAND_bytes(bytes, sizeof(bytes)) != 1)
		return false;
	for (size_t i = 0; i < sizeof(bytes); i++) {
		out[2 * i] = hex[bytes[i] >> 4];
		out[2 * i + 1] = hex[bytes[i] & 0xf];
	}
	out[TEMPCHAT_ROOM_ID_LEN] = '\0';
	return true;
}

char *tempchat_invite_link(const char *web_url, const char *room_id)
{
	struct dstr link = {0};

	dstr_ncopy(&link, web_url, strcspn(web_url, "#"));
	dstr_depad(&link);
	dstr_catf(&link, "#%s", room_id);
	return link.array;
}
