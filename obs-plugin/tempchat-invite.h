/* tempchat-invite.h - the "New room" button: an unguessable room id and the
 * link to send the guest. Private to obs-plugin/. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Hex digits of a room id: 128 bits. */
#define TEMPCHAT_ROOM_ID_LEN 32

/* Writes a new room id (TEMPCHAT_ROOM_ID_LEN hex digits and a NUL) from
 * the operating system's cryptographic RNG. False when it has none. */
bool tempchat_new_room_id(char out[TEMPCHAT_ROOM_ID_LEN + 1]);

/* "https://host/path#id": `web_url` without its own fragment, then the
 * room id. A new string (bfree). */
char *tempchat_invite_link(const char *web_url, const char *room_id);
