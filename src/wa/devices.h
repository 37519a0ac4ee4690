/*
 * devices — the device-list cache and the LID ↔ phone map of one account (guide §6.5,
 * §7.1, §7.2).
 *
 * A user's device list (from a usync devices reply) is fresh for ttl_ms (Baileys: 5
 * minutes) and dropped early by a <notification type="devices"> for that user. The LID
 * map records what usync <lid val> said, both ways, and outlives the device lists. Users
 * are bare digits (PN or LID user part). Bounded: at most WA_DEVICES_MAX users; the least
 * recently stored is evicted. Pure (the caller passes now), one owner thread.
 */
#ifndef WA_DEVICES_H
#define WA_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wa/usync.h"

struct wa_devices;

#define WA_DEVICES_MAX    4096
#define WA_DEVICES_TTL_MS INT64_C(300000)

/* A new, empty cache. Never NULL; free with wa_devices_free. */
struct wa_devices *wa_devices_new(int64_t ttl_ms);
void wa_devices_free(struct wa_devices *d);

/* Stores what a usync reply said about u at now_ms: its device list when it carried one,
 * its LID when it carried one. */
void wa_devices_put(struct wa_devices *d, const struct wa_usync_user *u, int64_t now_ms);

/* Copies the fresh device list of PN user into ids (WA_USYNC_DEVICES_MAX) and *n; false
 * when none is cached or it expired. */
bool wa_devices_get(const struct wa_devices *d, const char *user, int64_t now_ms, uint8_t *ids,
                    size_t *n);

/* Forgets the device list of user (PN or LID digits); its LID mapping stays. */
void wa_devices_invalidate(struct wa_devices *d, const char *user);

/* The LID user of PN user, or NULL; the PN user of LID user, or NULL. Borrowed until the
 * next put. */
const char *wa_devices_lid_of(const struct wa_devices *d, const char *pn_user);
const char *wa_devices_pn_of(const struct wa_devices *d, const char *lid_user);

/* Records a mapping learnt elsewhere (our own jid/lid at login, a stored row). */
void wa_devices_map(struct wa_devices *d, const char *pn_user, const char *lid_user,
                    int64_t now_ms);

#endif
