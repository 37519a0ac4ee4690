/*
 * app_home — the "inicio" pane: the summary card the foundation showed (clientes in the
 * padrón, the user's oportunidades by estado). Its data is the controller's session read
 * (app_db.c), so notifications just ask for that read again. Every profile sees it,
 * also before the profile is known. Loop thread only.
 */
#include <stdlib.h>

#include "ui/app_internal.h"
#include "ui/pane/home_pane.h"
#include "ui/term/term.h"
#include "ui/vm/home_vm.h"
#include "util/xmalloc.h"

struct home {
    struct app *a;
    struct home_vm vm;
};

static void *
home_create(struct app *a)
{
    struct home *h = xcalloc(1, sizeof *h);

    h->a = a;
    return h;
}

static void
home_destroy(void *st)
{
    free(st);
}

static bool
home_key(void *st, enum action act, const struct key *k)
{
    (void)st;
    (void)act;
    (void)k;
    return false; /* only global keys here */
}

static void
home_draw(void *st, struct pane *p)
{
    struct home *h = st;
    struct app *a = h->a;
    struct home_info in = {
        .profile = a->profile,
        .loaded = a->loaded,
        .clientes = a->last.clientes,
        .updated = a->updated[0] != '\0' ? a->updated : NULL,
        .error = a->error[0] != '\0' ? a->error : NULL,
        .loading = a->loading,
        .ascii = term_ascii(),
    };

    for (int i = 0; i < HOME_ESTADOS; i++)
        in.oportunidades[i] = a->last.oportunidades[i];
    home_vm_build(&h->vm, &in, p->w, p->h);
    home_pane_draw(p, &h->vm);
}

static void
home_notify(void *st, const struct app_notify *n)
{
    struct home *h = st;

    if (!n->resync && (n->tablas & (APP_T_OPORTUNIDADES | APP_T_OTRA)) != 0)
        app_refresh(h->a); /* a resync re-reads the session already */
}

const struct pane_ops app_home_pane = {
    .name = "inicio",
    .title = "Inicio",
    .ctx = KEYMAP_HOME,
    .roles = PANE_ROLES_ALL | PANE_ROLE(VM_PROFILE_UNKNOWN),
    .create = home_create,
    .destroy = home_destroy,
    .key = home_key,
    .draw = home_draw,
    .notify = home_notify,
};
