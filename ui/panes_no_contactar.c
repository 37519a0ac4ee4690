#include "ui/panes_no_contactar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_no_contactar.h"
#include "ui/vm/detalle_vm.h"
#include "util/err.h"
#include "util/xmalloc.h"

int
panes_nc_marcas(struct db *db, int64_t **ids, size_t *n, struct err *e)
{
    struct db_no_contactar_marca *rows = NULL;
    size_t nrows = 0;
    int rc = db_no_contactar_oportunidades(db, &rows, &nrows, e);

    *ids = NULL;
    *n = 0;
    if (rc == RC_OK && nrows > 0) {
        *ids = xcalloc(nrows, sizeof **ids);
        for (size_t i = 0; i < nrows; i++)
            (*ids)[i] = rows[i].oportunidad_id;
        *n = no_contactar_ids_sort(*ids, nrows);
    }
    free(rows);
    return rc;
}

static void
entrada_from(struct no_contactar_entrada *o, const struct db_no_contactar *r)
{
    memset(o, 0, sizeof *o);
    snprintf(o->telefono, sizeof o->telefono, "%s", r->telefono != NULL ? r->telefono : "");
    snprintf(o->fuente, sizeof o->fuente, "%s", r->fuente != NULL ? r->fuente : "");
    snprintf(o->hasta, sizeof o->hasta, "%s", r->hasta != NULL ? r->hasta : "");
    snprintf(o->detalle, sizeof o->detalle, "%s", r->detalle != NULL ? r->detalle : "");
    snprintf(o->creado_por, sizeof o->creado_por, "%s", r->creado_por != NULL ? r->creado_por : "");
}

/* Appends the entries of one phone to *out (*n of them, room for *cap). */
static int
entradas_de(struct db *db, const char *telefono, struct no_contactar_entrada **out, size_t *n,
            size_t *cap, struct err *e)
{
    struct db_no_contactar *rows = NULL;
    size_t nrows = 0;
    struct err mine;
    int rc;

    err_clear(&mine);
    rc = db_no_contactar_consultar(db, telefono, &rows, &nrows, &mine);

    if (rc == RC_REFUSED && strcmp(mine.code, "EB701") == 0)
        return RC_OK; /* not a phone the registry could hold */
    if (rc != RC_OK) {
        if (e != NULL)
            *e = mine;
        return rc;
    }
    for (size_t i = 0; i < nrows; i++) {
        if (*n == *cap) {
            *cap = *cap > 0 ? *cap * 2 : 4;
            *out = xreallocarray(*out, *cap, sizeof **out);
        }
        entrada_from(&(*out)[(*n)++], &rows[i]);
    }
    db_no_contactar_free(rows, nrows);
    return RC_OK;
}

int
panes_nc_entradas(struct db *db, const struct tui_detalle *d, struct no_contactar_entrada **out,
                  size_t *n, struct err *e)
{
    size_t cap = 0;
    int rc = RC_OK;

    *out = NULL;
    *n = 0;
    for (size_t i = 0; i < d->ncontactos && rc == RC_OK; i++) {
        const struct tui_contacto *c = &d->contactos[i];

        if (c->vigente && (strcmp(c->tipo, "CELULAR") == 0 || strcmp(c->tipo, "FIJO") == 0))
            rc = entradas_de(db, c->valor, out, n, &cap, e);
    }
    if (rc != RC_OK) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

int
panes_nc_write(struct db *db, struct panes_write_job *j, struct err *e)
{
    struct db_no_contactar_alta alta;
    char tel[48];
    int rc = db_no_contactar_agregar(db, j->telefono, "SOLICITUD", NULL,
                                     j->texto[0] != '\0' ? j->texto : NULL, &alta, e);

    if (rc != RC_OK)
        return rc;
    detalle_phone_fmt(tel, sizeof tel, alta.telefono);
    if (alta.clientes > 0)
        snprintf(j->msg, sizeof j->msg,
                 "%s quedó en no contactar a petición de la persona; bloquea %d %s del padrón.",
                 tel, alta.clientes, alta.clientes == 1 ? "cliente" : "clientes");
    else
        snprintf(j->msg, sizeof j->msg, "%s quedó en no contactar a petición de la persona.", tel);
    return RC_OK;
}
