/* devices — the device-list cache and LID map. See devices.h. */
#include "wa/devices.h"

#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

struct dev_entry {
    char pn[WA_JID_USER_MAX + 1];
    char lid[WA_JID_USER_MAX + 1]; /* "" when unknown */
    bool has_list;
    int64_t fetched_ms;
    int64_t stored_ms; /* for eviction */
    size_t n;
    uint8_t ids[WA_USYNC_DEVICES_MAX];
};

struct wa_devices {
    int64_t ttl_ms;
    size_t n;
    struct dev_entry *e; /* WA_DEVICES_MAX slots */
};

struct wa_devices *
wa_devices_new(int64_t ttl_ms)
{
    struct wa_devices *d = xcalloc(1, sizeof *d);

    d->ttl_ms = ttl_ms;
    d->e = xcalloc(WA_DEVICES_MAX, sizeof *d->e);
    return d;
}

void
wa_devices_free(struct wa_devices *d)
{
    if (d == NULL)
        return;
    free(d->e);
    free(d);
}

static struct dev_entry *
find_pn(const struct wa_devices *d, const char *pn)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->e[i].pn, pn) == 0)
            return &d->e[i];
    return NULL;
}

static struct dev_entry *
find_lid(const struct wa_devices *d, const char *lid)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->e[i].lid[0] != '\0' && strcmp(d->e[i].lid, lid) == 0)
            return &d->e[i];
    return NULL;
}

/* The entry of pn, created (evicting the least recently stored when full). */
static struct dev_entry *
slot(struct wa_devices *d, const char *pn, int64_t now)
{
    struct dev_entry *x = find_pn(d, pn);

    if (x == NULL) {
        if (d->n < WA_DEVICES_MAX) {
            x = &d->e[d->n++];
        } else {
            x = &d->e[0];
            for (size_t i = 1; i < d->n; i++)
                if (d->e[i].stored_ms < x->stored_ms)
                    x = &d->e[i];
        }
        memset(x, 0, sizeof *x);
        strcpy(x->pn, pn);
    }
    x->stored_ms = now;
    return x;
}

void
wa_devices_put(struct wa_devices *d, const struct wa_usync_user *u, int64_t now_ms)
{
    struct dev_entry *x;

    if (!u->has_jid || u->jid.lid)
        return;
    x = slot(d, u->jid.user, now_ms);
    if (u->has_lid)
        strcpy(x->lid, u->lid.user);
    if (u->has_devices) {
        x->has_list = true;
        x->fetched_ms = now_ms;
        x->n = u->ndevices;
        memcpy(x->ids, u->devices, u->ndevices);
    }
}

bool
wa_devices_get(const struct wa_devices *d, const char *user, int64_t now_ms, uint8_t *ids,
               size_t *n)
{
    const struct dev_entry *x = find_pn(d, user);

    if (x == NULL || !x->has_list || now_ms - x->fetched_ms >= d->ttl_ms)
        return false;
    memcpy(ids, x->ids, x->n);
    *n = x->n;
    return true;
}

void
wa_devices_invalidate(struct wa_devices *d, const char *user)
{
    struct dev_entry *x = find_pn(d, user);

    if (x == NULL)
        x = find_lid(d, user);
    if (x != NULL)
        x->has_list = false;
}

const char *
wa_devices_lid_of(const struct wa_devices *d, const char *pn_user)
{
    const struct dev_entry *x = find_pn(d, pn_user);

    return x != NULL && x->lid[0] != '\0' ? x->lid : NULL;
}

const char *
wa_devices_pn_of(const struct wa_devices *d, const char *lid_user)
{
    const struct dev_entry *x = find_lid(d, lid_user);

    return x != NULL ? x->pn : NULL;
}

void
wa_devices_map(struct wa_devices *d, const char *pn_user, const char *lid_user, int64_t now_ms)
{
    if (strlen(pn_user) > WA_JID_USER_MAX || strlen(lid_user) > WA_JID_USER_MAX)
        return;
    strcpy(slot(d, pn_user, now_ms)->lid, lid_user);
}
