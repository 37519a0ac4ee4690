#include "ui/calendario_vista.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_calendario.h"
#include "ui/app_internal.h"
#include "ui/campanas_panel.h" /* campanas_fecha: the business date today */
#include "ui/pane/calendario_pane.h"
#include "ui/term/term.h"
#include "ui/vista_lectura.h"
#include "ui/vm/calendario_vm.h"
#include "ui/vm/fecha.h"
#include "ui/vm/form_vm.h"
#include "util/xmalloc.h"

/* Re-reads on notifications keep the database busy at most 1 / CAL_PAUSA of the time. */
#define CAL_PAUSA   20
#define CAL_DIAS    365 /* the rest days listed: today and the next year */
#define CAL_CAMBIOS 30  /* the changes listed, newest first */

static const char SIN_CONEXION[] = "Sin conexión con la base de datos: no se puede guardar ahora."
                                   " Lo escrito se conserva; Enter reintenta.";

/* AGREGAR writes a rest day or a special date (the form says which); QUITAR and NORMAL take
 * one back; HORARIO a weekday's window. */
enum cal_write { CAL_AGREGAR, CAL_QUITAR, CAL_NORMAL, CAL_HORARIO };

struct calendario_vista {
    struct app *a;
    struct calendario_model m;
    struct calendario_vm vm;
    struct vista_lectura l; /* :calendario's read, and the re-reads notifications ask for */
    struct form_vm form; /* A and E */
    bool form_open;
    enum cal_write kind; /* which form is open */
    int dia;             /* E: the weekday, 1 = Monday */
    char quitar[11];     /* X: the rest day or special date asked about, AAAA-MM-DD */
    bool quitar_especial; /* X: it is a special date (back to its weekday's hours) */
};

/* ---- the read ------------------------------------------------------------------------ */

struct cal_job {
    struct app_job base;
    char desde[11], hasta[11];
    unsigned gen;
    bool mostrar;
    struct db_horario_dia semana[7];
    struct db_calendario_dia *dias;
    size_t ndias;
    struct db_calendario_cambio *cambios;
    size_t ncambios;
    struct calendario_vista *v;
};

static int
cal_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct cal_job *j = (struct cal_job *)aj;
    int rc = db_horario(db, j->semana, e);

    if (rc == RC_OK)
        rc = db_calendario(db, j->desde[0] != '\0' ? j->desde : NULL,
                           j->hasta[0] != '\0' ? j->hasta : NULL, &j->dias, &j->ndias, e);
    if (rc == RC_OK)
        rc = db_calendario_cambios(db, CAL_CAMBIOS, &j->cambios, &j->ncambios, e);
    return rc;
}

static void
copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src != NULL ? src : "");
}

static void
cal_take(struct calendario_vista *v, const struct cal_job *j)
{
    struct calendario_semana semana[CALENDARIO_DIAS_SEMANA];
    struct calendario_inhabil *dias = NULL;
    struct calendario_cambio *cambios = NULL;
    size_t nd = 0;

    memset(semana, 0, sizeof semana);
    for (int i = 0; i < CALENDARIO_DIAS_SEMANA; i++) {
        copy(semana[i].nombre, sizeof semana[i].nombre, j->semana[i].nombre);
        copy(semana[i].abre, sizeof semana[i].abre, j->semana[i].abre);
        copy(semana[i].cierra, sizeof semana[i].cierra, j->semana[i].cierra);
    }
    /* Only the rest days and the special dates of the range (a rest day wins over a special
     * date: it is closed); the other days' windows are the week's. */
    dias = xcalloc(j->ndias + 1, sizeof *dias);
    for (size_t i = 0; i < j->ndias; i++) {
        const struct db_calendario_dia *d = &j->dias[i];
        bool especial = d->inhabil[0] == '\0' && d->especial[0] != '\0';

        if (d->inhabil[0] == '\0' && !especial)
            continue;
        copy(dias[nd].fecha, sizeof dias[nd].fecha, d->fecha);
        copy(dias[nd].dia, sizeof dias[nd].dia, d->dia);
        copy(dias[nd].nombre, sizeof dias[nd].nombre, especial ? d->especial : d->inhabil);
        if (especial) {
            copy(dias[nd].abre, sizeof dias[nd].abre, d->abre);
            copy(dias[nd].cierra, sizeof dias[nd].cierra, d->cierra);
        }
        nd++;
    }
    if (j->ncambios > 0)
        cambios = xcalloc(j->ncambios, sizeof *cambios);
    for (size_t i = 0; i < j->ncambios; i++) {
        const struct db_calendario_cambio *c = &j->cambios[i];
        struct calendario_cambio *o = &cambios[i];

        app_cuando(v->a, c->hecho_at, o->cuando, sizeof o->cuando);
        copy(o->quien, sizeof o->quien, c->hecho_por);
        copy(o->cambio, sizeof o->cambio, c->cambio);
        copy(o->fecha, sizeof o->fecha, c->fecha);
        copy(o->dia, sizeof o->dia, c->dia);
        copy(o->antes, sizeof o->antes, c->antes);
        copy(o->despues, sizeof o->despues, c->despues);
        o->recalculadas = c->recalculadas;
    }
    copy(v->m.hasta, sizeof v->m.hasta, j->hasta);
    calendario_model_take(&v->m, semana, dias, nd, cambios, j->ncambios);
}

static void
cal_result(struct app_job *aj)
{
    struct cal_job *j = (struct cal_job *)aj;
    struct calendario_vista *v = j->v;

    switch (vista_lectura_llego(&v->l, j->gen, j->mostrar, aj->rc)) {
    case VISTA_TOMAR:
        cal_take(v, j);
        app_redraw(v->a);
        break;
    case VISTA_FALLO:
        app_message(v->a, true, "No se pudo leer el calendario: %s", aj->e.msg);
        break;
    case VISTA_NADA:
        break;
    }
    vista_lectura_fin(&v->l);
}

static void
cal_release(struct app_job *aj)
{
    struct cal_job *j = (struct cal_job *)aj;

    db_calendario_free(j->dias, j->ndias);
    db_calendario_cambios_free(j->cambios, j->ncambios);
    free(j);
}

/* vista_lectura's submit: the read for generation gen. */
static void
cal_submit(void *st, unsigned gen, bool mostrar)
{
    struct calendario_vista *v = st;
    struct cal_job *j = xcalloc(1, sizeof *j);
    long d;

    j->v = v;
    j->gen = gen;
    j->mostrar = mostrar;
    /* Today in the business zone and a year on; before the session told the zone's offset,
     * the database's own today (and its 90 days). */
    campanas_fecha(v->a, 0, j->desde, sizeof j->desde);
    if (fecha_dias(j->desde, &d))
        fecha_texto(d + CAL_DIAS, j->hasta);
    else
        j->desde[0] = '\0';
    j->base.query = cal_query;
    j->base.result = cal_result;
    j->base.release = cal_release;
    app_submit(v->a, &j->base);
}

static bool
cal_abierta(void *st)
{
    return ((struct calendario_vista *)st)->m.abierto;
}

/* ---- the writes ---------------------------------------------------------------------- */

struct cal_write_job {
    struct app_job base;
    enum cal_write kind;
    char fecha[11]; /* AGREGAR, QUITAR, NORMAL */
    char nombre[128];
    int dia;                 /* HORARIO: 1 = Monday */
    char abre[6], cierra[6]; /* HORARIO, AGREGAR: "" = closed (a rest day) */
    char msg[512];           /* on success, the database's sentence */
    struct calendario_vista *v;
};

static int
write_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct cal_write_job *j = (struct cal_write_job *)aj;
    char *msg = NULL;
    int n = 0, rc;

    if (j->kind == CAL_AGREGAR && j->abre[0] == '\0')
        rc = db_dia_inhabil_agregar(db, j->fecha, j->nombre, &n, &msg, e);
    else if (j->kind == CAL_AGREGAR)
        rc = db_dia_especial_agregar(db, j->fecha, j->abre, j->cierra, j->nombre, &n, &msg, e);
    else if (j->kind == CAL_QUITAR)
        rc = db_dia_inhabil_quitar(db, j->fecha, &n, &msg, e);
    else if (j->kind == CAL_NORMAL)
        rc = db_dia_especial_quitar(db, j->fecha, &n, &msg, e);
    else
        rc = db_horario_cambiar(db, j->dia, j->abre[0] != '\0' ? j->abre : NULL,
                                j->cierra[0] != '\0' ? j->cierra : NULL, &n, &msg, e);
    if (rc == RC_OK && msg != NULL && msg[0] != '\0') {
        /* «El 12/12/2026 …»: a sentence for the bottom bar. */
        snprintf(j->msg, sizeof j->msg, "%s", msg);
        if (j->msg[0] >= 'a' && j->msg[0] <= 'z')
            j->msg[0] = (char)(j->msg[0] - 'a' + 'A');
    } else if (rc == RC_OK) {
        snprintf(j->msg, sizeof j->msg, "Calendario cambiado.");
    }
    free(msg);
    return rc;
}

/* The database's answer: the form closes on success, keeps what was typed on a refusal. */
static void
write_result(struct app_job *aj)
{
    struct cal_write_job *j = (struct cal_write_job *)aj;
    struct calendario_vista *v = j->v;

    bool con_form = j->kind == CAL_AGREGAR || j->kind == CAL_HORARIO;

    if (aj->rc == RC_OK) {
        if (v->form_open && con_form)
            app_form_close(v->a);
        app_message(v->a, false, "%s", j->msg);
        if (v->m.abierto)
            vista_lectura_cargar(&v->l); /* now; its notification comes too */
    } else if (v->form_open && con_form) {
        form_vm_set_refusal(&v->form, aj->e.msg);
    } else {
        app_message(v->a, true, "%s", aj->e.msg);
    }
    app_redraw(v->a);
}

static struct cal_write_job *
write_new(struct calendario_vista *v, enum cal_write kind)
{
    struct cal_write_job *j = xcalloc(1, sizeof *j);

    j->kind = kind;
    j->v = v;
    j->base.query = write_query;
    j->base.result = write_result;
    j->base.release = NULL; /* free */
    return j;
}

/* "7:30" → "07:30" (the form checked the shape). */
static void
hora(char *dst, size_t size, const char *v)
{
    unsigned h = 0, m = 0;

    if (v[0] == '\0' || sscanf(v, "%u:%u", &h, &m) != 2)
        dst[0] = '\0';
    else
        snprintf(dst, size, "%02u:%02u", h % 24u, m % 60u);
}

static const char *const abierto_cerrado[] = { "abierto", "cerrado" };
static const char *const inhabil_especial[] = { "inhábil", "horario especial" };
enum { HORARIO_ESTADO, HORARIO_ABRE, HORARIO_CIERRA };
enum { AGREGAR_FECHA, AGREGAR_TIPO, AGREGAR_ABRE, AGREGAR_CIERRA, AGREGAR_NOMBRE };

/* The form's two hours as "HH:MM" into the job; false (and the form told) when one is
 * missing. */
static bool
horas_de(struct form_vm *f, int abre, int cierra, struct cal_write_job *j, const char *falta)
{
    hora(j->abre, sizeof j->abre, form_vm_value(f, abre));
    hora(j->cierra, sizeof j->cierra, form_vm_value(f, cierra));
    if (j->abre[0] != '\0' && j->cierra[0] != '\0')
        return true;
    form_vm_set_refusal(f, falta);
    return false;
}

static void
form_submit(void *ctx, struct form_vm *f)
{
    struct calendario_vista *v = ctx;
    struct cal_write_job *j;

    if (!app_db_up(v->a)) {
        form_vm_set_refusal(f, SIN_CONEXION);
        return;
    }
    j = write_new(v, v->kind);
    if (v->kind == CAL_AGREGAR) {
        if (!calendario_fecha_iso(form_vm_value(f, AGREGAR_FECHA), j->fecha)) {
            free(j); /* the field's check said so already */
            f->sending = false;
            return;
        }
        copy(j->nombre, sizeof j->nombre, form_vm_value(f, AGREGAR_NOMBRE));
        if (strcmp(form_vm_value(f, AGREGAR_TIPO), "inhábil") != 0 &&
            !horas_de(f, AGREGAR_ABRE, AGREGAR_CIERRA, j,
                      "Un horario especial necesita la hora a la que abre y la hora a la que"
                      " cierra (HH:MM).")) {
            free(j);
            return;
        }
    } else {
        j->dia = v->dia;
        if (strcmp(form_vm_value(f, HORARIO_ESTADO), "abierto") == 0 &&
            !horas_de(f, HORARIO_ABRE, HORARIO_CIERRA, j,
                      "Un día abierto necesita la hora a la que abre y la hora a la que cierra"
                      " (HH:MM).")) {
            free(j);
            return;
        }
    }
    app_submit(v->a, &j->base);
}

static void
form_closed(void *ctx, struct form_vm *f)
{
    (void)f;
    ((struct calendario_vista *)ctx)->form_open = false;
}

static const struct app_form_ops cal_form_ops = { form_submit, form_closed };

/* A: a rest day or a date's own hours; E on a special date: its hours as they are (d). */
static void
agregar(struct calendario_vista *v, const struct calendario_inhabil *d)
{
    struct form_field *f;
    char fecha[16] = "";

    if (!app_require_db(v->a, "cambiar el calendario"))
        return;
    v->kind = CAL_AGREGAR;
    if (d != NULL)
        calendario_fecha_dmy(fecha, sizeof fecha, d->fecha);
    form_vm_init(&v->form, d != NULL ? "Cambiar el horario especial" : "Agregar un día");
    form_vm_set_note(&v->form, "Un día inhábil no cuenta; uno con horario especial cuenta solo"
                               " esas horas. Los temporizadores que lo cruzan conservan las"
                               " horas hábiles que les quedaban.");
    if ((f = form_vm_add(&v->form, "Fecha (DD/MM/AAAA)", FORM_TEXT, true, fecha)) != NULL)
        f->check = calendario_fecha_check;
    if ((f = form_vm_add(&v->form, "Ese día", FORM_CHOICE, true,
                         d != NULL ? "horario especial" : "inhábil")) != NULL) {
        f->choices = inhabil_especial;
        f->nchoices = 2;
    }
    if ((f = form_vm_add(&v->form, "Abre (HH:MM)", FORM_TEXT, false, d != NULL ? d->abre : NULL)) !=
        NULL)
        f->check = calendario_hora_check;
    if ((f = form_vm_add(&v->form, "Cierra (HH:MM)", FORM_TEXT, false,
                         d != NULL ? d->cierra : NULL)) != NULL)
        f->check = calendario_hora_check;
    if ((f = form_vm_add(&v->form, "Nombre", FORM_TEXT, true, d != NULL ? d->nombre : NULL)) !=
        NULL)
        f->min_len = 2, f->max_len = 120;
    v->form_open = true;
    app_form_open(v->a, &v->form, &cal_form_ops, v);
}

static void
horario(struct calendario_vista *v, int dia)
{
    const struct calendario_semana *s = &v->m.semana[dia - 1];
    struct form_field *f;
    char title[64];
    size_t n = strlen(s->nombre);

    if (!app_require_db(v->a, "cambiar el calendario"))
        return;
    v->kind = CAL_HORARIO;
    v->dia = dia;
    snprintf(title, sizeof title, "Horario de los %s%s", s->nombre,
             n > 0 && s->nombre[n - 1] == 's' ? "" : "s");
    form_vm_init(&v->form, title);
    form_vm_set_note(&v->form, "Los temporizadores que corren esos días se recalculan y"
                               " conservan las horas hábiles que les quedaban.");
    if ((f = form_vm_add(&v->form, "Ese día", FORM_CHOICE, true,
                         s->abre[0] != '\0' ? "abierto" : "cerrado")) != NULL) {
        f->choices = abierto_cerrado;
        f->nchoices = 2;
    }
    if ((f = form_vm_add(&v->form, "Abre (HH:MM)", FORM_TEXT, false, s->abre)) != NULL)
        f->check = calendario_hora_check;
    if ((f = form_vm_add(&v->form, "Cierra (HH:MM)", FORM_TEXT, false, s->cierra)) != NULL)
        f->check = calendario_hora_check;
    v->form_open = true;
    app_form_open(v->a, &v->form, &cal_form_ops, v);
}

static void
quitar_answer(struct app *a, bool yes, void *ctx)
{
    struct calendario_vista *v = ctx;
    struct cal_write_job *j;

    if (!yes) {
        app_redraw(a);
        return;
    }
    if (!app_require_db(a, "cambiar el calendario"))
        return;
    j = write_new(v, v->quitar_especial ? CAL_NORMAL : CAL_QUITAR);
    memcpy(j->fecha, v->quitar, sizeof j->fecha);
    app_submit(a, &j->base);
}

static void
quitar(struct calendario_vista *v, const struct calendario_inhabil *d)
{
    char q[160], f[16];

    if (!app_require_db(v->a, "cambiar el calendario"))
        return;
    memcpy(v->quitar, d->fecha, sizeof v->quitar);
    v->quitar_especial = d->abre[0] != '\0';
    /* Short enough for 80 columns with the «(s/n)» the bar adds; the last row names it. */
    snprintf(q, sizeof q, "¿Quitar %s %s (%s)? Los temporizadores se recalculan.",
             v->quitar_especial ? "el horario especial del" : "el día inhábil",
             calendario_fecha_dmy(f, sizeof f, d->fecha), d->dia);
    app_confirm_ask(v->a, q, quitar_answer, v);
}

/* ---- the view ------------------------------------------------------------------------ */

struct calendario_vista *
calendario_vista_new(struct app *a)
{
    struct calendario_vista *v = xcalloc(1, sizeof *v);

    v->a = a;
    calendario_model_init(&v->m);
    vista_lectura_init(&v->l, a, CAL_PAUSA, v, cal_submit, cal_abierta);
    return v;
}

void
calendario_vista_free(struct calendario_vista *v)
{
    if (v == NULL)
        return;
    calendario_model_fini(&v->m);
    form_vm_fini(&v->form);
    free(v);
}

bool
calendario_vista_abierta(const struct calendario_vista *v)
{
    return v->m.abierto;
}

int
calendario_vista_command(struct calendario_vista *v, int argc, char **argv, struct err *e)
{
    (void)argc, (void)argv, (void)e; /* the command line took no words (max_args 0) */
    if (!app_require_db(v->a, "consultar el calendario"))
        return RC_OK;
    vista_lectura_pedir(&v->l);
    return RC_OK;
}

void
calendario_vista_close(struct calendario_vista *v)
{
    calendario_model_close(&v->m);
    vista_lectura_cerrar(&v->l);
}

static bool
es_admin(const struct calendario_vista *v)
{
    return app_profile(v->a) == VM_PROFILE_ADMIN;
}

bool
calendario_vista_offers(const struct calendario_vista *v, enum action act)
{
    if (act == ACTION_ITEM_ADD)
        return es_admin(v);
    if (act == ACTION_ITEM_REMOVE)
        return es_admin(v) && calendario_model_inhabil(&v->m) != NULL;
    if (act == ACTION_ITEM_EDIT) /* a weekday's hours, or a special date's */
        return es_admin(v) && (calendario_model_weekday(&v->m) > 0 ||
                               (calendario_model_inhabil(&v->m) != NULL &&
                                calendario_model_inhabil(&v->m)->abre[0] != '\0'));
    return true;
}

bool
calendario_vista_click(struct calendario_vista *v, int y, int x)
{
    return !v->form_open && calendario_vm_click(&v->vm, &v->m, y, x);
}

bool
calendario_vista_key(struct calendario_vista *v, enum action act)
{
    const struct calendario_inhabil *d = calendario_model_inhabil(&v->m);
    int wd = calendario_model_weekday(&v->m);

    if (act == ACTION_BACK) {
        calendario_vista_close(v);
        app_redraw(v->a);
        return true;
    }
    if (act == ACTION_ITEM_ADD || act == ACTION_ITEM_REMOVE || act == ACTION_ITEM_EDIT) {
        if (!es_admin(v))
            app_message(v->a, false, "Solo un administrador cambia el calendario.");
        else if (act == ACTION_ITEM_ADD)
            agregar(v, NULL);
        else if (act == ACTION_ITEM_REMOVE && d != NULL)
            quitar(v, d);
        else if (act == ACTION_ITEM_REMOVE)
            app_message(v->a, false, "Elija un día de la columna de la derecha para quitarlo.");
        else if (wd > 0)
            horario(v, wd);
        else if (d != NULL && d->abre[0] != '\0')
            agregar(v, d);
        else
            app_message(v->a, false, "Un día inhábil no tiene horario que cambiar: X lo quita.");
        return true;
    }
    if (calendario_model_move(&v->m, act, v->vm.page)) {
        app_redraw(v->a);
        return true;
    }
    return false;
}

void
calendario_vista_draw(struct calendario_vista *v, struct pane *p)
{
    v->m.ascii = term_ascii();
    v->m.admin = es_admin(v);
    copy(v->m.zona, sizeof v->m.zona, v->a->zona);
    calendario_vm_build(&v->vm, &v->m, p->w, p->h);
    calendario_pane_draw(p, &v->vm);
}

void
calendario_vista_notify(struct calendario_vista *v, const struct app_notify *n)
{
    vista_lectura_aviso(&v->l, (n->tablas & (APP_T_CALENDARIO | APP_T_OTRA)) != 0, n->resync);
}
