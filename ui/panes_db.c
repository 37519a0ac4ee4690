#include "ui/panes_db.h"

#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/import.h"
#include "core/intento.h"
#include "ui/panes_no_contactar.h"
#include "ui/panes_prorroga.h"
#include "ui/panes_ventas.h"
#include "util/err.h"
#include "util/xmalloc.h"

/* ---- copies ------------------------------------------------------------------------- */

void
panes_card_from(struct embudo_card *c, const struct tui_tarjeta *t)
{
    memset(c, 0, sizeof *c);
    c->id = t->id;
    c->etapa_id = t->etapa_id;
    c->estado = t->estado == TUI_EN_BANDEJA ? EMBUDO_EN_BANDEJA
                : t->estado == TUI_GANADA   ? EMBUDO_GANADA
                                            : EMBUDO_ABIERTA;
    c->con_timer = t->con_timer;
    c->pausada = t->pausada;
    c->restante = t->restante;
    c->timer_horas = t->timer_horas;
    c->aviso_pct = t->aviso_pct;
    c->etapa_desde = (long long)t->etapa_desde;
    snprintf(c->cliente, sizeof c->cliente, "%s", t->cliente);
    snprintf(c->convenio, sizeof c->convenio, "%s", t->convenio);
    snprintf(c->login, sizeof c->login, "%s", t->login);
}

int
panes_stages_from(struct embudo_stage *out, int max, const struct tui_etapa *e, size_t n)
{
    int k = 0;

    for (size_t i = 0; i < n && k < max; i++, k++) {
        memset(&out[k], 0, sizeof out[k]);
        out[k].id = e[i].id;
        out[k].salida = e[i].tipo == TUI_ETAPA_SALIDA;
        out[k].venta = e[i].tipo == TUI_ETAPA_VENTA;
        snprintf(out[k].nombre, sizeof out[k].nombre, "%s", e[i].nombre);
        out[k].intentos_minimos = e[i].intentos_minimos;
    }
    return k;
}

int
panes_equipo_etapas_from(struct equipo_etapa *out, int max, const struct tui_etapa *e, size_t n)
{
    int k = 0;

    for (size_t i = 0; i < n && k < max; i++) {
        if (e[i].tipo == TUI_ETAPA_VENTA)
            continue;
        memset(&out[k], 0, sizeof out[k]);
        out[k].id = e[i].id;
        out[k].timer_horas = e[i].timer_horas;
        snprintf(out[k].nombre, sizeof out[k].nombre, "%s", e[i].nombre);
        k++;
    }
    return k;
}

void
panes_promotor_from(struct equipo_promotor *p, const struct tui_promotor *t)
{
    memset(p, 0, sizeof *p);
    p->id = t->id;
    snprintf(p->login, sizeof p->login, "%s", t->login);
    snprintf(p->nombre, sizeof p->nombre, "%s", t->nombre);
    snprintf(p->estado, sizeof p->estado, "%s", t->estado);
    p->cupo_limite = t->cupo_limite;
    p->cupo_usados = t->cupo_usados;
    p->cartera = t->cartera;
    p->cartera_max = t->cartera_max;
    p->vencidas = t->vencidas;
    p->avisadas = t->avisadas;
    p->ventas_semana = t->ventas_semana;
    p->intentos_hoy = t->intentos_hoy;
}

void
panes_bandeja_promotor_from(struct bandeja_promotor *p, const struct tui_promotor *t)
{
    memset(p, 0, sizeof *p);
    snprintf(p->login, sizeof p->login, "%s", t->login);
    snprintf(p->nombre, sizeof p->nombre, "%s", t->nombre);
    snprintf(p->estado, sizeof p->estado, "%s", t->estado);
    p->cupo_restante = t->cupo_limite - t->cupo_usados;
    p->cartera = t->cartera;
    p->cartera_max = t->cartera_max;
}

void
panes_bandeja_fila_from(struct bandeja_fila *f, const struct db_bandeja_fila *t)
{
    memset(f, 0, sizeof *f);
    f->id = t->oportunidad_id;
    snprintf(f->cliente, sizeof f->cliente, "%s", t->cliente != NULL ? t->cliente : "");
    snprintf(f->login, sizeof f->login, "%s", t->usuario_login != NULL ? t->usuario_login : "");
    snprintf(f->etapa, sizeof f->etapa, "%s", t->etapa != NULL ? t->etapa : "");
    snprintf(f->motivo, sizeof f->motivo, "%s", t->motivo != NULL ? t->motivo : "");
    f->espera_habiles = t->espera_habiles;
    f->atrasada = t->atrasada;
    f->intentos = t->intentos;
    snprintf(f->ultimo_intento, sizeof f->ultimo_intento, "%s",
             t->ultimo_intento != NULL ? t->ultimo_intento : "");
}

/* ---- the lote form ------------------------------------------------------------------ */

struct asignacion_opcion *
panes_opciones_from(const struct tui_opcion *o, size_t n)
{
    struct asignacion_opcion *v = n > 0 ? xcalloc(n, sizeof *v) : NULL;

    for (size_t i = 0; i < n; i++) {
        snprintf(v[i].clave, sizeof v[i].clave, "%s", o[i].clave);
        snprintf(v[i].nombre, sizeof v[i].nombre, "%s", o[i].nombre);
        v[i].disponibles = -1;
    }
    return v;
}

void
panes_complete_claves(struct app *a, const char *kind, const struct tui_opcion *o, size_t n)
{
    const char **v = xcalloc(n + 1, sizeof *v);

    for (size_t i = 0; i < n; i++)
        v[i] = o[i].clave;
    app_complete_set(a, kind, v, n);
    free(v);
}

void
panes_filtros_from(struct panes_filtros *pf, const struct asignacion_form *f)
{
    const char *c = asignacion_form_convenio(f), *en = asignacion_form_entidad(f);

    snprintf(pf->convenio, sizeof pf->convenio, "%s", c != NULL ? c : "");
    snprintf(pf->entidad, sizeof pf->entidad, "%s", en != NULL ? en : "");
    pf->edad_min = asignacion_form_edad_min(f);
    pf->edad_max = asignacion_form_edad_max(f);
}

struct db_filtros
panes_filtros_db(const struct panes_filtros *pf)
{
    struct db_filtros f = { pf->convenio[0] != '\0' ? pf->convenio : NULL,
                            pf->entidad[0] != '\0' ? pf->entidad : NULL, pf->edad_min,
                            pf->edad_max };

    return f;
}

int
panes_conteo_convenios(struct db *db, const struct panes_filtros *pf, struct db_conteo **por,
                       size_t *n, struct err *e)
{
    struct db_filtros f = panes_filtros_db(pf);

    f.convenio = NULL; /* each convenio's count with the other filters */
    return db_disponibles(db, &f, DB_POR_CONVENIO, por, n, e);
}

bool
panes_form_counted(struct asignacion_form *f, unsigned gen, int rc, long long total,
                   const struct db_conteo *por, size_t n)
{
    const char **claves = xcalloc(n + 1, sizeof *claves);
    long long *v = xcalloc(n + 1, sizeof *v);
    bool ok;

    for (size_t i = 0; rc == RC_OK && i < n; i++) {
        claves[i] = por[i].grupo;
        v[i] = por[i].disponibles;
    }
    ok = asignacion_form_counted(f, gen, rc == RC_OK ? total : -1, claves, v, rc == RC_OK ? n : 0);
    free(claves);
    free(v);
    return ok;
}

void
panes_clave_new(char *buf, size_t bufsz, const char *login)
{
    static unsigned n; /* loop thread only */

    snprintf(buf, bufsz, "tui-%s-%lld-%ld-%u", login, (long long)time(NULL), (long)getpid(), ++n);
}

bool
panes_err_is_down(const struct err *e)
{
    return e->rc == RC_DB && strncmp(e->code, "08", 2) == 0;
}

/* ---- form checks ------------------------------------------------------------------- */

bool
panes_telefono_check(const char *v, char *msg, size_t msgsz)
{
    char e164[14];

    if (import_phone_normalize(v, e164))
        return true;
    snprintf(msg, msgsz, "10 dígitos de México, con o sin +52");
    return false;
}

bool
panes_curp_check(const char *v, char *msg, size_t msgsz)
{
    char up[24];
    size_t n = strlen(v);

    for (size_t i = 0; i < n && i + 1 < sizeof up; i++)
        up[i] = v[i] >= 'a' && v[i] <= 'z' ? (char)(v[i] - 'a' + 'A') : v[i];
    up[n < sizeof up ? n : sizeof up - 1] = '\0';
    if (n == 0 || (n < sizeof up && import_curp_valid(up)))
        return true;
    snprintf(msg, msgsz, "18 caracteres con la forma de una CURP");
    return false;
}

bool
panes_folio_check(const char *v, char *msg, size_t msgsz)
{
    regex_t re;
    bool ok;

    if (regcomp(&re, "^[A-Za-z0-9][A-Za-z0-9/_-]{0,39}$", REG_EXTENDED | REG_NOSUB) != 0)
        return true;
    ok = regexec(&re, v, 0, NULL, 0) == 0;
    regfree(&re);
    if (!ok)
        snprintf(msg, msgsz, "letras, dígitos, / _ -; hasta 40");
    return ok;
}

/* ---- the write job ------------------------------------------------------------------ */

struct panes_write_job *
panes_write_new(enum panes_write_kind kind)
{
    struct panes_write_job *j = xcalloc(1, sizeof *j);

    j->kind = kind;
    return j;
}

static int
write_funnel(struct db *db, struct panes_write_job *j, struct err *e)
{
    struct db_movimiento mv;
    struct db_venta v;
    int64_t hid;
    int rc;

    if (j->kind == PANES_MOVER) {
        rc = db_mover(db, j->id, j->etapa, j->texto[0] != '\0' ? j->texto : NULL, &mv, e);
        if (rc == RC_OK) {
            snprintf(j->msg, sizeof j->msg, "Oportunidad %" PRId64 " movida a «%s».", j->id,
                     mv.etapa != NULL ? mv.etapa : j->etapa);
            db_movimiento_fini(&mv);
        }
        return rc;
    }
    if (j->kind == PANES_NOTA) {
        rc = db_nota(db, j->id, j->texto, &hid, e);
        if (rc == RC_OK)
            snprintf(j->msg, sizeof j->msg, "Nota guardada.");
        return rc;
    }
    if (j->kind == PANES_INTENTO) {
        int n = 0;

        rc = db_registrar_intento(db, j->id, j->resultado, j->texto[0] != '\0' ? j->texto : NULL,
                                  &n, e);
        if (rc == RC_OK)
            snprintf(j->msg, sizeof j->msg, "Intento %d registrado (%s).", n,
                     intento_etiqueta(j->resultado));
        return rc;
    }
    rc = db_venta_registrar(db, j->id, j->monto, j->producto, j->folio, &v, e);
    if (rc == RC_OK) {
        snprintf(j->msg, sizeof j->msg, "%s", v.mensaje != NULL ? v.mensaje : "Venta registrada.");
        db_venta_fini(&v);
    }
    return rc;
}

/* Captación: the opportunity it made (j->id) and what became of the lead. */
static int
write_captar(struct db *db, struct panes_write_job *j, struct err *e)
{
    struct db_captacion c;
    int rc = db_captar(db, j->texto, j->telefono, j->convenio[0] != '\0' ? j->convenio : NULL,
                       j->curp[0] != '\0' ? j->curp : NULL, &c, e);

    if (rc != RC_OK)
        return rc;
    j->id = c.oportunidad_id;
    /* The database's sentence says the same as this one («prospecto captado: oportunidad
     * N»); one sentence in the bottom bar is enough. */
    snprintf(j->msg, sizeof j->msg, "Oportunidad %" PRId64 " captada: %s.", c.oportunidad_id,
             c.cliente_id != 0 ? "el cliente ya estaba en el padrón y quedó vinculado"
                               : "prospecto nuevo");
    db_captacion_fini(&c);
    return RC_OK;
}

/* Corregir datos: only what changed is sent, the rest NULL; the database says what it did. */
static int
write_corregir(struct db *db, struct panes_write_job *j, struct err *e)
{
    char *msg = NULL;
    int rc = db_prospecto_corregir(db, j->id, j->nombre[0] != '\0' ? j->nombre : NULL,
                                   j->telefono[0] != '\0' ? j->telefono : NULL,
                                   j->curp[0] != '\0' ? j->curp : NULL, j->texto, &msg, e);

    if (rc == RC_OK)
        snprintf(j->msg, sizeof j->msg, "%s", msg != NULL ? msg : "Datos corregidos.");
    free(msg);
    return rc;
}

static int
write_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct panes_write_job *j = (struct panes_write_job *)aj;
    struct db_reasignacion r;
    int n = 0, rc;

    if (j->kind == PANES_MOVER || j->kind == PANES_NOTA || j->kind == PANES_VENTA ||
        j->kind == PANES_INTENTO)
        return write_funnel(db, j, e);
    if (j->kind == PANES_CAPTAR)
        return write_captar(db, j, e);
    if (j->kind == PANES_CORREGIR)
        return write_corregir(db, j, e);
    if (j->kind == PANES_NO_CONTACTAR)
        return panes_nc_write(db, j, e);
    if (j->kind == PANES_PRORROGA || j->kind == PANES_PRORROGA_RESOLVER)
        return panes_prorroga_write(db, j, e);
    if (j->kind == PANES_VENTA_CORREGIR || j->kind == PANES_VENTA_CANCELAR)
        return panes_ventas_write(db, j, e);
    if (j->kind == PANES_EXTENDER) {
        rc = db_extender_timer(db, &j->id, 1, j->horas, j->texto, &n, e);
        if (rc == RC_OK)
            snprintf(j->msg, sizeof j->msg,
                     "Oportunidad %" PRId64 ": %d h hábiles más en su etapa.", j->id, j->horas);
        return rc;
    }
    if (j->kind == PANES_BANDEJA) {
        rc = db_bandeja_decidir(db, j->accion, j->ids, j->nids, j->texto, &n, e);
        if (rc == RC_OK)
            snprintf(j->msg, sizeof j->msg, "Listo: %d %s.", n,
                     n == 1 ? "oportunidad" : "oportunidades");
        return rc;
    }
    rc = j->kind == PANES_REASIGNAR_OP
             ? db_reasignar(db, j->ids, j->nids, j->a_login, j->texto, &r, e)
             : db_bandeja_reasignar(db, j->ids, j->nids, j->a_login, j->texto, &r, e);
    if (rc == RC_OK) {
        snprintf(j->msg, sizeof j->msg, "%s", r.mensaje != NULL ? r.mensaje : "Reasignadas.");
        db_reasignacion_fini(&r);
    }
    return rc;
}

static void
write_result(struct app_job *aj)
{
    struct panes_write_job *j = (struct panes_write_job *)aj;

    if (j->done != NULL)
        j->done(j);
    else if (aj->rc == RC_OK)
        app_message(aj->app, false, "%s", j->msg);
    else
        app_message(aj->app, true, "%s", aj->e.msg);
}

static void
write_release(struct app_job *aj)
{
    struct panes_write_job *j = (struct panes_write_job *)aj;

    free(j->ids);
    free(j);
}

void
panes_write_submit(struct app *a, struct panes_write_job *j)
{
    j->base.query = write_query;
    j->base.result = write_result;
    j->base.release = write_release;
    app_submit(a, &j->base);
}
