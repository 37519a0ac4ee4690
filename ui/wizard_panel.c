/*
 * wizard_panel — the "campana" pane (promoters): the 4-step campaign wizard. The model
 * (ui/vm/wizard_vm) decides; this file performs its effects: audience counts, the stage's
 * templates and sample values, AI variations (stored ones first; else one HTTP call on the
 * libuv thread pool, never on this thread; then stored), creation (LISTA, capacity reserved),
 * cancelling the draft when going back, and launch (then the progress pane shows it). With
 * the audience it reads whether the account sends through Meta's official API (the model then
 * takes only mapped templates), and creation passes on the chosen template's twin in Meta when
 * the text is exactly its own (wizard_model_meta).
 *
 * Loop thread only, except the jobs' query() (database worker) and ia_work (thread pool);
 * both touch only their own copies. An AI request in flight when the client quits delays the
 * exit until it ends (at most the timeout, 15 s).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "core/config.h"
#include "core/pacing.h"
#include "core/variaciones.h"
#include "db/db_wa.h"
#include "db/db_wa_cloud.h"
#include "db/db_wa_tui.h"
#include "rt/ia.h"
#include "ui/app_internal.h"
#include "ui/campanas_panel.h"
#include "ui/pane/wizard_pane.h"
#include "ui/term/term.h"
#include "ui/vm/wizard_vm.h"
#include "util/err.h"
#include "util/xmalloc.h"

#define IA_TIMEOUT_MS 15000
#define IA_PEDIDAS 5

static const struct keymap_entry wizard_keys[] = {
    { KEYMAP_CAMPANA, { KK_ENTER, 0 }, ACTION_OPEN, "siguiente paso", true, 0 },
    { KEYMAP_CAMPANA, { KK_ESC, 0 }, ACTION_BACK, "paso anterior", true, 0 },
    { KEYMAP_CAMPANA, { KK_TAB, 0 }, ACTION_NEXT_FIELD, "campo siguiente (paso 1)", false, 0 },
};

struct wizard_st {
    struct app *a;
    struct wizard_model m;
    struct wizard_vm vm;
    bool counting, recount;
    struct pacing_config pacing;
    char ia_url[512], ia_modelo[200], ia_llave[512];
};

static void wizard_apply(struct wizard_st *s, enum wizard_efecto ef);

/* ---- 1: audience ------------------------------------------------------------------- */

struct contar_job {
    struct app_job base;
    char convenio[WIZARD_FILTRO_BYTES], entidad[WIZARD_FILTRO_BYTES];
    int maximo;
    struct db_wa_audiencia *rows;
    size_t n;
    bool sin_whatsapp, cloud;
    struct wizard_st *st;
};

static int
contar_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct contar_job *j = (struct contar_job *)aj;
    struct db_wa_cuenta c;
    struct err ce = { 0 };
    char calidad[DB_WA_CLOUD_CALIDAD_MAX + 1];
    int rc = db_wa_tui_audiencia(db, j->convenio, j->entidad, j->maximo, &j->rows, &j->n, e);

    /* Whether the account sends through Meta (mapped templates only; nothing to link) and
     * whether a WhatsApp Web one is linked, to say so on step 1; the counts stand without. */
    if (rc == RC_OK && db_wa_cloud_propia(db, &j->cloud, calidad, &ce) == RC_OK &&
        db_wa_cuenta(db, &c, &ce) == RC_OK) {
        j->sin_whatsapp = !j->cloud && c.jid == NULL;
        db_wa_cuenta_fini(&c);
    }
    return rc;
}

static void wizard_contar(struct wizard_st *s);

static void
contar_result(struct app_job *aj)
{
    struct contar_job *j = (struct contar_job *)aj;
    struct wizard_st *s = j->st;
    struct wizard_etapa et[WIZARD_MAX_ETAPAS];
    int n = 0;

    s->counting = false;
    if (aj->rc == RC_OK) {
        for (size_t i = 0; i < j->n && n < WIZARD_MAX_ETAPAS; i++, n++) {
            memset(&et[n], 0, sizeof et[n]);
            snprintf(et[n].nombre, sizeof et[n].nombre, "%s", j->rows[i].etapa);
            et[n].oportunidades = j->rows[i].abiertas;
            et[n].con_telefono = j->rows[i].enviables;
        }
        s->m.error[0] = '\0';
        s->m.sin_whatsapp = j->sin_whatsapp;
        s->m.cloud = j->cloud;
        /* current unless the filters changed while it ran (then a re-count follows) */
        wizard_apply(s, wizard_model_set_etapas(&s->m, et, n, !s->recount));
    } else {
        wizard_model_set_error(&s->m, aj->e.msg);
        app_redraw(s->a);
    }
    if (s->recount) {
        s->recount = false;
        wizard_contar(s);
    }
}

static void
contar_release(struct app_job *aj)
{
    struct contar_job *j = (struct contar_job *)aj;

    free(j->rows);
    free(j);
}

static void
wizard_contar(struct wizard_st *s)
{
    struct contar_job *j;

    s->m.contando = true; /* an Enter now waits for these counts */
    if (s->counting) {
        s->recount = true;
        return;
    }
    j = xcalloc(1, sizeof *j);
    j->st = s;
    snprintf(j->convenio, sizeof j->convenio, "%s", s->m.convenio);
    snprintf(j->entidad, sizeof j->entidad, "%s", s->m.entidad);
    j->maximo = atoi(s->m.maximo);
    j->base.query = contar_query;
    j->base.result = contar_result;
    j->base.release = contar_release;
    s->counting = true;
    app_submit(s->a, &j->base);
}

/* ---- 2: templates and sample values ------------------------------------------------- */

struct plantillas_job {
    struct app_job base;
    char etapa[100], convenio[WIZARD_FILTRO_BYTES], entidad[WIZARD_FILTRO_BYTES];
    struct db_wa_plantilla *pl;
    size_t npl;
    struct db_wa_muestra *mu;
    size_t nmu;
    struct wizard_st *st;
};

static int
plantillas_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct plantillas_job *j = (struct plantillas_job *)aj;
    int rc = db_wa_tui_plantillas(db, j->etapa, &j->pl, &j->npl, e);

    if (rc == RC_OK)
        rc = db_wa_tui_muestra(db, j->etapa, j->convenio, j->entidad, WIZARD_MUESTRAS, &j->mu,
                               &j->nmu, e);
    return rc;
}

static void
plantillas_result(struct app_job *aj)
{
    struct plantillas_job *j = (struct plantillas_job *)aj;
    struct wizard_st *s = j->st;
    struct wizard_plantilla *v;
    struct plantilla_valores vals[WIZARD_MUESTRAS];

    if (aj->rc != RC_OK) {
        wizard_model_set_error(&s->m, aj->e.msg);
        app_redraw(s->a);
        return;
    }
    v = xcalloc(j->npl + 1, sizeof *v);
    for (size_t i = 0; i < j->npl; i++) {
        v[i].id = j->pl[i].id;
        snprintf(v[i].nombre, sizeof v[i].nombre, "%s", j->pl[i].nombre);
        v[i].texto = xstrdup(j->pl[i].texto != NULL ? j->pl[i].texto : "");
        snprintf(v[i].meta_nombre, sizeof v[i].meta_nombre, "%s", j->pl[i].meta_nombre);
        snprintf(v[i].meta_idioma, sizeof v[i].meta_idioma, "%s", j->pl[i].meta_idioma);
    }
    memset(vals, 0, sizeof vals);
    for (size_t i = 0; i < j->nmu && i < WIZARD_MUESTRAS; i++)
        for (int k = 0; k < PLANTILLA_NVARS; k++)
            vals[i].v[k] = j->mu[i].v[k];
    wizard_model_set_muestra(&s->m, vals, (int)(j->nmu < WIZARD_MUESTRAS ? j->nmu
                                                                          : WIZARD_MUESTRAS));
    /* an Enter pressed while they loaded is taken now */
    wizard_apply(s, wizard_model_set_plantillas(&s->m, v, j->npl));
}

static void
plantillas_release(struct app_job *aj)
{
    struct plantillas_job *j = (struct plantillas_job *)aj;

    db_wa_tui_plantillas_free(j->pl, j->npl);
    db_wa_tui_muestra_free(j->mu, j->nmu);
    free(j);
}

static void
wizard_plantillas(struct wizard_st *s)
{
    struct plantillas_job *j = xcalloc(1, sizeof *j);

    j->st = s;
    snprintf(j->etapa, sizeof j->etapa, "%s", s->m.etapas[s->m.cur_etapa].nombre);
    snprintf(j->convenio, sizeof j->convenio, "%s", s->m.convenio);
    snprintf(j->entidad, sizeof j->entidad, "%s", s->m.entidad);
    j->base.query = plantillas_query;
    j->base.result = plantillas_result;
    j->base.release = plantillas_release;
    app_submit(s->a, &j->base);
}

/* ---- 3: variations ----------------------------------------------------------------- */

/* Stores the model's judged candidates once (the answer is ignored but for the log). */
struct guardar_job {
    struct app_job base;
    char *plantilla, *modelo;
    char **textos, **motivos;
    bool *aceptadas;
    size_t n;
    int guardadas;
};

static int
guardar_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct guardar_job *j = (struct guardar_job *)aj;

    return db_wa_tui_variaciones_guardar(db, j->plantilla, j->modelo,
                                         (const char *const *)j->textos, j->aceptadas,
                                         (const char *const *)j->motivos, j->n, &j->guardadas, e);
}

static void
guardar_result(struct app_job *aj)
{
    if (aj->rc != RC_OK)
        app_message(aj->app, true, "No se guardaron las variaciones: %s", aj->e.msg);
}

static void
guardar_release(struct app_job *aj)
{
    struct guardar_job *j = (struct guardar_job *)aj;

    for (size_t i = 0; i < j->n; i++) {
        free(j->textos[i]);
        free(j->motivos[i]);
    }
    free(j->textos);
    free(j->motivos);
    free(j->aceptadas);
    free(j->plantilla);
    free(j->modelo);
    free(j);
}

static void
wizard_guardar(struct wizard_st *s)
{
    struct guardar_job *j;
    size_t n = s->m.ncandidatos < VARIACIONES_MAX ? s->m.ncandidatos : VARIACIONES_MAX;

    if (n == 0)
        return;
    j = xcalloc(1, sizeof *j);
    j->plantilla = xstrdup(s->m.texto);
    j->modelo = xstrdup(s->ia_modelo);
    j->n = n;
    j->textos = xcalloc(n, sizeof *j->textos);
    j->motivos = xcalloc(n, sizeof *j->motivos);
    j->aceptadas = xcalloc(n, sizeof *j->aceptadas);
    for (size_t i = 0; i < n; i++) {
        bool ok = s->m.veredictos[i].motivo == VARIACION_ACEPTADA;

        j->textos[i] = xstrdup(s->m.candidatos[i]);
        j->motivos[i] = xstrdup(ok ? "" : s->m.veredictos[i].detalle);
        j->aceptadas[i] = ok;
    }
    j->base.query = guardar_query;
    j->base.result = guardar_result;
    j->base.release = guardar_release;
    app_submit(s->a, &j->base);
}

/* The HTTP request, on the libuv thread pool. */
struct ia_work {
    uv_work_t req;
    struct wizard_st *st;
    struct ia_config cfg;
    char *url, *modelo, *llave, *body, *plantilla;
    char **cand;
    size_t n;
    int rc;
    struct err e;
};

static void
ia_work(uv_work_t *req)
{
    struct ia_work *w = req->data;

    w->rc = ia_chat_pedir(&w->cfg, w->body, &w->cand, &w->n, &w->e);
}

static void
ia_work_free(struct ia_work *w)
{
    ia_textos_free(w->cand, w->n);
    if (w->llave != NULL)
        memset(w->llave, 0, strlen(w->llave));
    free(w->url);
    free(w->modelo);
    free(w->llave);
    free(w->body);
    free(w->plantilla);
    free(w);
}

static void
ia_after(uv_work_t *req, int status)
{
    struct ia_work *w = req->data;
    struct wizard_st *s = w->st;
    char msg[ERR_MSG_BYTES + 64];

    if (s->a->quit || status != 0 || strcmp(w->plantilla, s->m.texto) != 0 ||
        s->m.ia != WIZARD_IA_PIDIENDO) {
        /* quitting, cancelled, the template changed meanwhile, or the promoter went on
         * without the AI (s) */
        ia_work_free(w);
        return;
    }
    if (w->rc == RC_OK) {
        wizard_model_set_ia(&s->m, w->cand, w->n);
        w->cand = NULL;
        w->n = 0;
        wizard_guardar(s);
    } else {
        snprintf(msg, sizeof msg, "%s; se usa solo el spintax.", w->e.msg);
        wizard_model_set_ia_fallo(&s->m, msg);
    }
    ia_work_free(w);
    app_redraw(s->a);
}

static void
ia_pedir_http(struct wizard_st *s)
{
    struct ia_work *w = xcalloc(1, sizeof *w);

    w->st = s;
    w->req.data = w;
    w->url = xstrdup(s->ia_url);
    w->modelo = xstrdup(s->ia_modelo);
    w->llave = xstrdup(s->ia_llave);
    w->plantilla = xstrdup(s->m.texto);
    w->body = variaciones_pedido_fmt(s->ia_modelo, s->m.texto, IA_PEDIDAS);
    w->cfg = (struct ia_config){ .base_url = w->url, .model = w->modelo, .api_key = w->llave,
                                 .timeout_ms = IA_TIMEOUT_MS };
    if (uv_queue_work(&s->a->loop, &w->req, ia_work, ia_after) != 0) {
        wizard_model_set_ia_fallo(&s->m, "no se pudo iniciar la consulta; se usa solo el spintax.");
        ia_work_free(w);
    }
}

struct leer_job {
    struct app_job base;
    char *plantilla, *modelo;
    struct db_wa_variacion *v;
    size_t n;
    struct wizard_st *st;
};

static int
leer_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct leer_job *j = (struct leer_job *)aj;

    return db_wa_tui_variaciones(db, j->plantilla, j->modelo, &j->v, &j->n, e);
}

static void
leer_result(struct app_job *aj)
{
    struct leer_job *j = (struct leer_job *)aj;
    struct wizard_st *s = j->st;
    char **cand;

    if (strcmp(j->plantilla, s->m.texto) != 0 || s->m.ia != WIZARD_IA_PIDIENDO)
        return; /* the template changed meanwhile, or the promoter went on without the AI */
    if (aj->rc != RC_OK || j->n == 0) {
        ia_pedir_http(s); /* not stored (or unreadable): ask once */
        return;
    }
    cand = xcalloc(j->n + 1, sizeof *cand);
    for (size_t i = 0; i < j->n; i++)
        cand[i] = xstrdup(j->v[i].texto != NULL ? j->v[i].texto : "");
    wizard_model_set_ia(&s->m, cand, j->n);
    snprintf(s->m.ia_msg, sizeof s->m.ia_msg,
             "Guardadas de una consulta anterior para esta plantilla (modelo %s).", j->modelo);
    app_redraw(s->a);
}

static void
leer_release(struct app_job *aj)
{
    struct leer_job *j = (struct leer_job *)aj;

    db_wa_tui_variaciones_free(j->v, j->n);
    free(j->plantilla);
    free(j->modelo);
    free(j);
}

static void
wizard_pedir_ia(struct wizard_st *s)
{
    struct leer_job *j = xcalloc(1, sizeof *j);

    j->st = s;
    j->plantilla = xstrdup(s->m.texto);
    j->modelo = xstrdup(s->ia_modelo);
    j->base.query = leer_query;
    j->base.result = leer_result;
    j->base.release = leer_release;
    app_submit(s->a, &j->base);
}

/* "≈ 1 h 05 min para 90 mensajes al ritmo elegido; el plan por día se reserva al crear". */
static void
wizard_eta(struct wizard_st *s)
{
    const struct wizard_model *m = &s->m;
    const struct pacing_config *c = &s->pacing;
    long long n = m->netapas > 0 ? m->etapas[m->cur_etapa].con_telefono : 0, min;
    long long mean = (c->gap_min_ms + c->gap_max_ms) / 2;

    if (m->maximo[0] != '\0' && atoll(m->maximo) < n)
        n = atoll(m->maximo);
    if (c->burst_min + c->burst_max > 0)
        mean += (c->rest_min_ms + c->rest_max_ms) / (long long)(c->burst_min + c->burst_max);
    min = n * mean / 60000;
    snprintf(s->m.eta, sizeof s->m.eta,
             "≈ %lld h %02lld min de envío para %lld %s (el cupo diario puede repartirlos "
             "en varios días: el plan exacto se reserva al crear)",
             min / 60, min % 60, n, n == 1 ? "mensaje" : "mensajes");
}

/* ---- 3 → 4: create; 4: launch or cancel --------------------------------------------- */

struct crear_job {
    struct app_job base;
    char etapa[100], convenio[WIZARD_FILTRO_BYTES], entidad[WIZARD_FILTRO_BYTES];
    char *texto;
    char meta_nombre[513], meta_idioma[16]; /* the template's twin in Meta; "" = none */
    int maximo;
    struct db_campana_creada out;
    bool creada;
    struct wizard_st *st;
};

static int
crear_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct crear_job *j = (struct crear_job *)aj;
    struct db_campana_nueva n = { .etapa = j->etapa,
                                  .texto = j->texto,
                                  .maximo = j->maximo,
                                  .convenio = j->convenio[0] != '\0' ? j->convenio : NULL,
                                  .entidad = j->entidad[0] != '\0' ? j->entidad : NULL,
                                  .meta_nombre = j->meta_nombre[0] != '\0' ? j->meta_nombre : NULL,
                                  .meta_idioma =
                                      j->meta_idioma[0] != '\0' ? j->meta_idioma : NULL };
    int rc = db_campana_crear(db, &n, &j->out, e);

    j->creada = rc == RC_OK;
    return rc;
}

static void
revision_from(struct wizard_st *s, const struct crear_job *j, struct wizard_revision *r)
{
    const struct db_campana_creada *c = &j->out;

    memset(r, 0, sizeof *r);
    if (j->meta_nombre[0] != '\0')
        snprintf(r->meta, sizeof r->meta, "%s (%s)", j->meta_nombre, j->meta_idioma);
    r->id = c->id;
    r->destinatarios = c->destinatarios;
    r->omitidos = c->omitidos;
    r->hoy = c->hoy;
    r->tope_hoy = c->tope_hoy;
    snprintf(r->porque, sizeof r->porque, "%s", c->mensaje != NULL ? c->mensaje : "");
    r->plan = xcalloc(c->nplan + 1, sizeof *r->plan);
    r->nplan = c->nplan;
    for (size_t i = 0; i < c->nplan; i++) {
        struct wizard_plan_dia *d = &r->plan[i];

        if (c->plan[i].hoy)
            snprintf(d->dia, sizeof d->dia, "hoy");
        else
            snprintf(d->dia, sizeof d->dia, "%02d/%02d", (int)(c->plan[i].dia % 100),
                     (int)(c->plan[i].dia / 100 % 100));
        d->mensajes = c->plan[i].mensajes;
        campanas_hhmm(s->a, c->plan[i].desde, d->desde, sizeof d->desde);
    }
    r->omitidos_v = xcalloc(c->nomitidos + 1, sizeof *r->omitidos_v);
    r->nomitidos = c->nomitidos;
    for (size_t i = 0; i < c->nomitidos; i++) {
        const struct db_omitido *o = &c->omitidos_v[i];

        snprintf(r->omitidos_v[i].cliente, sizeof r->omitidos_v[i].cliente, "%s",
                 o->cliente != NULL ? o->cliente : "");
        snprintf(r->omitidos_v[i].telefono, sizeof r->omitidos_v[i].telefono, "%s",
                 o->telefono != NULL ? o->telefono : "sin teléfono");
        snprintf(r->omitidos_v[i].motivo, sizeof r->omitidos_v[i].motivo, "%s",
                 o->detalle != NULL ? o->detalle : o->motivo);
    }
}

static void
crear_result(struct app_job *aj)
{
    struct crear_job *j = (struct crear_job *)aj;
    struct wizard_st *s = j->st;
    struct wizard_revision r;

    if (aj->rc != RC_OK) {
        wizard_model_set_error(&s->m, aj->e.msg); /* step 3 stays, with everything typed */
    } else {
        revision_from(s, j, &r);
        wizard_model_set_revision(&s->m, &r);
    }
    app_redraw(s->a);
}

static void
crear_release(struct app_job *aj)
{
    struct crear_job *j = (struct crear_job *)aj;

    if (j->creada)
        db_campana_creada_fini(&j->out);
    free(j->texto);
    free(j);
}

static void
wizard_crear(struct wizard_st *s)
{
    const struct wizard_plantilla *meta;
    struct crear_job *j;

    if (!app_require_db(s->a, "crear la campaña")) {
        s->m.ocupado = false;
        return;
    }
    j = xcalloc(1, sizeof *j);
    j->st = s;
    snprintf(j->etapa, sizeof j->etapa, "%s", s->m.etapas[s->m.cur_etapa].nombre);
    snprintf(j->convenio, sizeof j->convenio, "%s", s->m.convenio);
    snprintf(j->entidad, sizeof j->entidad, "%s", s->m.entidad);
    j->maximo = atoi(s->m.maximo);
    j->texto = wizard_model_texto_final(&s->m);
    if ((meta = wizard_model_meta(&s->m)) != NULL) {
        snprintf(j->meta_nombre, sizeof j->meta_nombre, "%s", meta->meta_nombre);
        snprintf(j->meta_idioma, sizeof j->meta_idioma, "%s", meta->meta_idioma);
    }
    j->base.query = crear_query;
    j->base.result = crear_result;
    j->base.release = crear_release;
    app_submit(s->a, &j->base);
}

struct accion_job {
    struct app_job base;
    int64_t id;
    enum db_campana_accion accion;
    char estado[16];
    struct wizard_st *st;
};

static int
accion_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct accion_job *j = (struct accion_job *)aj;

    return db_campana_accion(db, j->id, j->accion, j->estado, e);
}

static void
accion_result(struct app_job *aj)
{
    struct accion_job *j = (struct accion_job *)aj;
    struct wizard_st *s = j->st;
    const struct wa_envio_ops *ops;

    if (j->accion == DB_CAMPANA_CANCELAR) {
        app_message(s->a, aj->rc != RC_OK, "%s",
                    aj->rc == RC_OK ? "Borrador cancelado: su cupo quedó libre." : aj->e.msg);
        wizard_contar(s);
        return;
    }
    if (aj->rc != RC_OK) {
        wizard_model_set_error(&s->m, aj->e.msg); /* step 4 stays */
        app_redraw(s->a);
        return;
    }
    wizard_model_set_lanzada(&s->m);
    if ((ops = wa_panel_envio_ops(s->a)) != NULL && ops->despertar != NULL)
        ops->despertar(ops->ctx);
    progreso_panel_mostrar(s->a, j->id);
}

static void
wizard_accion(struct wizard_st *s, int64_t id, enum db_campana_accion accion)
{
    struct accion_job *j = xcalloc(1, sizeof *j);

    j->st = s;
    j->id = id;
    j->accion = accion;
    j->base.query = accion_query;
    j->base.result = accion_result;
    app_submit(s->a, &j->base);
}

/* ---- the pane ----------------------------------------------------------------------- */

static void
wizard_apply(struct wizard_st *s, enum wizard_efecto ef)
{
    switch (ef) {
    case WIZARD_NADA:
    case WIZARD_REDIBUJAR:
        break;
    case WIZARD_CONTAR:
        wizard_contar(s);
        break;
    case WIZARD_PLANTILLAS:
        wizard_plantillas(s);
        break;
    case WIZARD_PEDIR_IA:
        wizard_pedir_ia(s);
        break;
    case WIZARD_CREAR:
        wizard_crear(s);
        break;
    case WIZARD_CANCELAR:
        wizard_accion(s, s->m.cancelar_id, DB_CAMPANA_CANCELAR);
        break;
    case WIZARD_LANZAR:
        wizard_accion(s, s->m.rev.id, DB_CAMPANA_LANZAR);
        break;
    case WIZARD_SALIR:
        app_show_pane(s->a, "progreso");
        break;
    }
    if (s->m.paso == WIZARD_VARIACIONES)
        wizard_eta(s);
    app_redraw(s->a);
}

static bool
wizard_key(void *st, enum action act, const struct key *k)
{
    struct wizard_st *s = st;
    enum wizard_paso paso = s->m.paso;
    enum wizard_efecto ef = wizard_model_key(&s->m, act, k);

    wizard_apply(s, ef);
    /* steps 1 and 2 read text: every key is theirs; later steps let the global keys work */
    return paso == WIZARD_AUDIENCIA || paso == WIZARD_PLANTILLA || ef != WIZARD_NADA ||
           k->kind == KK_ENTER || k->kind == KK_ESC;
}

static bool
wizard_click(void *st, int y, int x)
{
    struct wizard_st *s = st;

    return wizard_vm_click(&s->vm, &s->m, y, x);
}

static void *
wizard_create(struct app *a)
{
    struct wizard_st *s = xcalloc(1, sizeof *s);
    const struct config *c = a->cfg;
    const char *ritmo = getenv("EMBUDO_RITMO"), *llave;
    enum pacing_preset p = PACING_PRESET_NORMAL;

    s->a = a;
    snprintf(s->ia_url, sizeof s->ia_url, "%s", c->ia_url.value);
    snprintf(s->ia_modelo, sizeof s->ia_modelo, "%s", c->ia_modelo.value);
    llave = c->ia_llave_env.value[0] != '\0' ? getenv(c->ia_llave_env.value) : NULL;
    snprintf(s->ia_llave, sizeof s->ia_llave, "%s", llave != NULL ? llave : "");
    if (ritmo != NULL && strcmp(c->transport.value, "sim") == 0 &&
        pacing_preset_parse(ritmo, &p, NULL) != RC_OK)
        p = PACING_PRESET_NORMAL;
    pacing_config_preset(&s->pacing, p);
    wizard_model_init(&s->m, s->ia_url[0] != '\0' && s->ia_modelo[0] != '\0');
    wizard_ritmo_fmt(&s->pacing, s->m.ritmo, sizeof s->m.ritmo);
    return s;
}

static void
wizard_destroy(void *st)
{
    struct wizard_st *s = st;

    memset(s->ia_llave, 0, sizeof s->ia_llave);
    wizard_model_fini(&s->m);
    free(s);
}

static void
wizard_enter(void *st)
{
    struct wizard_st *s = st;

    if (s->m.paso == WIZARD_AUDIENCIA)
        wizard_contar(s);
}

static void
wizard_draw(void *st, struct pane *p)
{
    struct wizard_st *s = st;

    s->m.ascii = term_ascii();
    wizard_vm_build(&s->vm, &s->m, p->w, p->h);
    wizard_pane_draw(p, &s->vm);
}

static void
wizard_notify(void *st, const struct app_notify *n)
{
    struct wizard_st *s = st;

    if (s->m.paso == WIZARD_AUDIENCIA && (n->resync || n->mine))
        wizard_contar(s);
}

static bool
wizard_dirty(void *st)
{
    const struct wizard_st *s = st;

    return s->m.paso == WIZARD_REVISION ||
           (s->m.paso != WIZARD_LANZADA && s->m.paso != WIZARD_AUDIENCIA);
}

static const char *
wizard_help_note(const void *st)
{
    return wizard_model_help_note(&((const struct wizard_st *)st)->m);
}

const struct pane_ops wizard_panel = {
    .name = "campana",
    .title = "Nueva campaña",
    .ctx = KEYMAP_CAMPANA,
    .roles = PANE_ROLE(VM_PROFILE_PROMOTOR),
    .keys = wizard_keys,
    .nkeys = sizeof wizard_keys / sizeof wizard_keys[0],
    .create = wizard_create,
    .destroy = wizard_destroy,
    .enter = wizard_enter,
    .key = wizard_key,
    .click = wizard_click,
    .draw = wizard_draw,
    .notify = wizard_notify,
    .dirty = wizard_dirty,
    .help_note = wizard_help_note,
};
