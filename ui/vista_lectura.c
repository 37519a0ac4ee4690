#include "ui/vista_lectura.h"

#include "util/err.h"

static void
reread_load(void *st)
{
    vista_lectura_cargar(st);
}

static bool
reread_loading(void *st)
{
    return ((struct vista_lectura *)st)->loading;
}

static bool
reread_wanted(void *st)
{
    const struct vista_lectura *l = st;

    return l->abierta(l->st);
}

void
vista_lectura_init(struct vista_lectura *l, struct app *a, unsigned pausa, void *st,
                   void (*submit)(void *st, unsigned gen, bool mostrar), bool (*abierta)(void *st))
{
    l->gen = 0;
    l->mostrar = l->loading = l->again = false;
    l->submit = submit;
    l->abierta = abierta;
    l->st = st;
    app_reread_init(&l->reread, a, pausa, l, reread_load, reread_loading, reread_wanted);
}

void
vista_lectura_cargar(struct vista_lectura *l)
{
    if (l->loading) {
        l->again = true;
        return;
    }
    l->loading = true;
    app_reread_started(&l->reread);
    l->submit(l->st, l->gen, l->mostrar);
}

void
vista_lectura_pedir(struct vista_lectura *l)
{
    l->gen++;
    l->mostrar = true;
    vista_lectura_cargar(l);
}

void
vista_lectura_cerrar(struct vista_lectura *l)
{
    l->gen++;
    l->mostrar = false;
    l->reread.pending = false;
}

enum vista_respuesta
vista_lectura_llego(struct vista_lectura *l, unsigned gen, bool mostrar, int rc)
{
    l->loading = false;
    app_reread_done(&l->reread);
    if (gen != l->gen)
        return VISTA_NADA;
    if (rc == RC_OK && (mostrar || l->abierta(l->st))) {
        l->mostrar = false;
        return VISTA_TOMAR;
    }
    if (rc != RC_OK && mostrar) {
        l->mostrar = false;
        return VISTA_FALLO;
    }
    return VISTA_NADA;
}

void
vista_lectura_fin(struct vista_lectura *l)
{
    if (l->again) {
        l->again = false;
        vista_lectura_cargar(l);
    }
}

void
vista_lectura_aviso(struct vista_lectura *l, bool relevant, bool resync)
{
    bool abierta = l->abierta(l->st);

    if (abierta && (resync || relevant))
        l->reread.pending = true;
    if (l->reread.pending && abierta)
        app_reread_go(&l->reread, resync);
}
