/* wa_cloud — one account's `cloud` transport from the database. See wa_cloud.h. */
#include "cmd/wa_cloud.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"
#include "core/transport.h"
#include "crypto/secure.h"
#include "db/db_wa_cloud.h"
#include "rt/sendcore.h"
#include "util/err.h"
#include "util/xmalloc.h"
#include "wa/cloud/transport_cloud.h"

struct wa_cloud {
    struct db *db;
    int cuenta;
    struct transport *t;
    /* what the source last handed out (valid until its next call) */
    struct db_wa_cloud_plantilla tpl;
    struct db_wa_cloud_evento *rows;
    size_t nrows;
    struct cloud_event *evs;
    int64_t *ids;
};

int
wa_cloud_secreto_leer(const char *path, const char *what, char **out, size_t *len, struct err *e)
{
    char buf[WA_CLOUD_SECRETO_MAX + 2];
    struct stat st;
    ssize_t got;
    size_t n = 0;
    int fd;

    *out = NULL;
    *len = 0;
    if (path == NULL || path[0] == '\0')
        return err_set(e, RC_INVAL, "%s no está configurado (sección [wa] de embudo.conf)", what);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
        return err_set(e, RC_IO, "no se pudo abrir %s (%s): %s", what, path, strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return err_set(e, RC_IO, "%s (%s) no es un archivo regular", what, path);
    }
    if ((st.st_mode & 0027) != 0) {
        close(fd);
        return err_set(e, RC_IO,
                       "%s (%s) lo pueden leer o cambiar otros usuarios: chmod 600 (o 640)", what,
                       path);
    }
    while (n < sizeof buf && (got = read(fd, buf + n, sizeof buf - n)) > 0)
        n += (size_t)got;
    close(fd);
    while (n > 0 &&
           (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ' || buf[n - 1] == '\t'))
        n--;
    if (n == 0 || n > WA_CLOUD_SECRETO_MAX) {
        secure_wipe(buf, sizeof buf);
        return err_set(e, RC_IO, "%s (%s) está vacío o pasa de %d bytes", what, path,
                       WA_CLOUD_SECRETO_MAX);
    }
    *out = xmalloc(n + 1);
    memcpy(*out, buf, n);
    (*out)[n] = '\0';
    *len = n;
    secure_wipe(buf, sizeof buf);
    return RC_OK;
}

/* ---- the source: db_wa_cloud on the sender's connection ----------------------------------- */

static int
src_plantilla(void *ctx, const char *msg_id, struct graph_template *out, bool *found, struct err *e)
{
    struct wa_cloud *w = ctx;
    int64_t id;
    int rc;

    *found = false;
    db_wa_cloud_plantilla_fini(&w->tpl);
    if (!sendcore_msg_id_parse(msg_id, &id))
        return RC_OK; /* not a campaign message: its text goes */
    if ((rc = db_wa_cloud_plantilla_mensaje(w->db, id, &w->tpl, found, e)) != RC_OK || !*found)
        return rc;
    out->name = w->tpl.nombre;
    out->lang = w->tpl.idioma;
    out->params = (const char *const *)w->tpl.parametros;
    out->nparams = w->tpl.nparametros;
    return RC_OK;
}

static void
rows_drop(struct wa_cloud *w)
{
    db_wa_cloud_eventos_free(w->rows, w->nrows);
    free(w->evs);
    free(w->ids);
    w->rows = NULL;
    w->evs = NULL;
    w->ids = NULL;
    w->nrows = 0;
}

static int
src_eventos(void *ctx, int max, const struct cloud_event **out, size_t *n, struct err *e)
{
    struct wa_cloud *w = ctx;
    int rc;

    rows_drop(w);
    *out = NULL;
    *n = 0;
    if ((rc = db_wa_cloud_tomar(w->db, w->cuenta, max, &w->rows, &w->nrows, e)) != RC_OK)
        return rc;
    if (w->nrows == 0)
        return RC_OK;
    w->evs = xcalloc(w->nrows, sizeof *w->evs);
    w->ids = xcalloc(w->nrows, sizeof *w->ids);
    for (size_t i = 0; i < w->nrows; i++) {
        w->evs[i].id = w->ids[i] = w->rows[i].id;
        w->evs[i].kind =
            w->rows[i].tipo == DB_WA_CLOUD_MENSAJE ? GRAPH_EV_MESSAGE : GRAPH_EV_STATUS;
        w->evs[i].json = w->rows[i].datos;
    }
    *out = w->evs;
    *n = w->nrows;
    return RC_OK;
}

static int
src_hechos(void *ctx, struct err *e)
{
    struct wa_cloud *w = ctx;
    int rc = RC_OK;

    if (w->nrows > 0)
        rc = db_wa_cloud_hechos(w->db, w->cuenta, w->ids, w->nrows, e);
    rows_drop(w);
    return rc;
}

static int
src_conectada(void *ctx, const struct graph_phone *phone, struct err *e)
{
    struct wa_cloud *w = ctx;

    return db_wa_cloud_conectada(w->db, w->cuenta, phone->number,
                                 phone->quality[0] != '\0' ? phone->quality : NULL, e);
}

/* ---- assembly ----------------------------------------------------------------------------- */

struct wa_cloud *
wa_cloud_new(uv_loop_t *loop, const struct config *cfg, struct db *db, int cuenta,
             const char *numero_id, const struct transport_clock *clock,
             const struct transport_events *ev, struct err *e)
{
    struct wa_cloud *w;
    struct cloud_params p = { 0 };
    char *token = NULL;
    size_t len;

    if (wa_cloud_secreto_leer(cfg->cloud_token.value, "el token de Meta (wa.cloud_token_archivo)",
                              &token, &len, e) != RC_OK)
        return NULL;
    w = xcalloc(1, sizeof *w);
    w->db = db;
    w->cuenta = cuenta;
    p.base_url = cfg->cloud_url.value;
    p.numero_id = numero_id;
    p.token = token;
    p.src = (struct cloud_source){ .ctx = w,
                                   .plantilla = src_plantilla,
                                   .eventos = src_eventos,
                                   .hechos = src_hechos,
                                   .conectada = src_conectada };
    w->t = transport_cloud_new(loop, &p, clock, ev, e);
    secure_wipe(token, len);
    free(token);
    if (w->t == NULL) {
        free(w);
        return NULL;
    }
    return w;
}

struct transport *
wa_cloud_transport(const struct wa_cloud *w)
{
    return w->t;
}

void
wa_cloud_free(struct wa_cloud *w)
{
    if (w == NULL)
        return;
    db_wa_cloud_plantilla_fini(&w->tpl);
    rows_drop(w);
    free(w);
}
