#include "ui/vm/vm_notify.h"

#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    enum app_tabla bit;
} tablas[] = {
    { "oportunidades", APP_T_OPORTUNIDADES },
    { "lotes", APP_T_LOTES },
    { "historial", APP_T_HISTORIAL },
    { "ventas", APP_T_VENTAS },
    { "sweep_runs", APP_T_SWEEP },
    { "usuarios", APP_T_USUARIOS },
    { "etapas", APP_T_ETAPAS },
    { "calendario", APP_T_CALENDARIO },
    { "wa_cuentas", APP_T_WA_CUENTAS },
};

/* The text right after "key": (blanks skipped), or NULL. */
static const char *
json_field(const char *p, const char *key)
{
    size_t kl = strlen(key);

    while ((p = strchr(p, '"')) != NULL) {
        if (strncmp(p + 1, key, kl) == 0 && p[1 + kl] == '"') {
            p += kl + 2;
            while (*p == ' ')
                p++;
            if (*p != ':')
                return NULL;
            p++;
            while (*p == ' ')
                p++;
            return p;
        }
        p++;
    }
    return NULL;
}

static void
add_user(struct app_notify *acc, int id)
{
    for (int i = 0; i < acc->nusuarios; i++)
        if (acc->usuarios[i] == id)
            return;
    if (acc->nusuarios == APP_NOTIFY_USERS) {
        acc->all_users = true;
        return;
    }
    acc->usuarios[acc->nusuarios++] = id;
}

void
vm_notify_add(struct app_notify *acc, const char *payload, int me)
{
    const char *t = json_field(payload, "tabla"), *u = json_field(payload, "usuario_id");
    unsigned bit = APP_T_OTRA;
    char *end;
    long id;

    if (t != NULL && *t == '"') {
        for (size_t i = 0; i < sizeof tablas / sizeof tablas[0]; i++) {
            size_t n = strlen(tablas[i].name);

            if (strncmp(t + 1, tablas[i].name, n) == 0 && t[1 + n] == '"')
                bit = tablas[i].bit;
        }
    }
    acc->tablas |= bit;
    if (u == NULL || strncmp(u, "null", 4) == 0 || bit == APP_T_OTRA) {
        acc->all_users = true;
        return;
    }
    id = strtol(u, &end, 10);
    if (end == u || id <= 0 || id > 0x7fffffff) {
        acc->all_users = true;
        return;
    }
    add_user(acc, (int)id);
    if (me > 0 && id == me)
        acc->mine = true;
}

bool
vm_notify_names(const struct app_notify *n, int id)
{
    if (n->all_users || n->resync)
        return true;
    for (int i = 0; i < n->nusuarios; i++)
        if (n->usuarios[i] == id)
            return true;
    return false;
}
