#include "ui/etapas_vista.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_etapas.h"
#include "ui/app_internal.h"
#include "ui/pane/etapas_pane.h"
#include "ui/term/term.h"
#include "ui/vista_lectura.h"
#include "ui/vm/etapas_vm.h"
#include "ui/vm/form_vm.h"
#include "util/xmalloc.h"

/* Re-reads on notifications keep the database busy at most 1 / ETAPAS_PAUSA of the time. */
#define ETAPAS_PAUSA   20
#define ETAPAS_CAMBIOS 30 /* the changes listed, newest first */
#define ETAPAS_MAX     32 /* stages a form's «Después de» offers */

static const char SIN_CONEXION[] = "Sin conexión con la base de datos: no se puede guardar ahora."
                                   " Lo escrito se conserva; Enter reintenta.";

enum etapas_write { ET_AGREGAR, ET_CAMBIAR, ET_MOVER, ET_ACTIVA };

struct etapas_vista {
    struct app *a;
    struct etapas_model m;
    struct etapas_vm vm;
    struct vista_lectura l; /* :etapas's read, and the re-reads notifications ask for */
    struct form_vm form; /* A, E, M */
    bool form_open;
    enum etapas_write kind;   /* which form is open, or which question was asked */
    struct etapas_fila sobre; /* the stage it is about (E, M, X, R) */
    int f_nombre, f_tipo, f_horas, f_despues, f_intentos; /* the form's fields; -1 absent */
    char nombres[ETAPAS_MAX][48]; /* «Después de»'s choices, copied: a re-read may come */
    const char *choices[ETAPAS_MAX];
};

/* ---- the read ------------------------------------------------------------------------ */

struct etapas_job {
    struct app_job base;
    unsigned gen;
    bool mostrar;
    struct db_etapa_fila *filas;
    size_t n;
    struct db_etapa_cambio *cambios;
    size_t ncambios;
    struct etapas_vista *v;
};

static int
etapas_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct etapas_job *j = (struct etapas_job *)aj;
    int rc = db_etapas(db, &j->filas, &j->n, e);

    if (rc == RC_OK)
        rc = db_etapas_cambios(db, ETAPAS_CAMBIOS, &j->cambios, &j->ncambios, e);
    return rc;
}

static void
copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src != NULL ? src : "");
}

static void
etapas_take(struct etapas_vista *v, const struct etapas_job *j)
{
    struct etapas_fila *f = j->n > 0 ? xcalloc(j->n, sizeof *f) : NULL;
    struct etapas_cambio *c = j->ncambios > 0 ? xcalloc(j->ncambios, sizeof *c) : NULL;

    for (size_t i = 0; i < j->n; i++) {
        const struct db_etapa_fila *d = &j->filas[i];

        f[i].orden = d->orden;
        copy(f[i].nombre, sizeof f[i].nombre, d->nombre);
        copy(f[i].tipo, sizeof f[i].tipo, d->tipo);
        copy(f[i].horas, sizeof f[i].horas, d->horas);
        f[i].intentos = d->intentos;
        f[i].activa = d->activa;
        f[i].oportunidades = (long long)d->oportunidades;
    }
    for (size_t i = 0; i < j->ncambios; i++) {
        const struct db_etapa_cambio *d = &j->cambios[i];

        app_cuando(v->a, d->hecho_at, c[i].cuando, sizeof c[i].cuando);
        copy(c[i].quien, sizeof c[i].quien, d->hecho_por);
        copy(c[i].etapa, sizeof c[i].etapa, d->etapa);
        copy(c[i].campo, sizeof c[i].campo, d->campo);
        copy(c[i].anterior, sizeof c[i].anterior, d->anterior);
        copy(c[i].nuevo, sizeof c[i].nuevo, d->nuevo);
    }
    etapas_model_take(&v->m, f, j->n, c, j->ncambios);
}

static void
etapas_result(struct app_job *aj)
{
    struct etapas_job *j = (struct etapas_job *)aj;
    struct etapas_vista *v = j->v;

    switch (vista_lectura_llego(&v->l, j->gen, j->mostrar, aj->rc)) {
    case VISTA_TOMAR:
        etapas_take(v, j);
        app_redraw(v->a);
        break;
    case VISTA_FALLO:
        app_message(v->a, true, "No se pudieron leer las etapas: %s", aj->e.msg);
        break;
    case VISTA_NADA:
        break;
    }
    vista_lectura_fin(&v->l);
}

static void
etapas_release(struct app_job *aj)
{
    struct etapas_job *j = (struct etapas_job *)aj;

    free(j->filas);
    db_etapas_cambios_free(j->cambios, j->ncambios);
    free(j);
}

/* vista_lectura's submit: the read for generation gen. */
static void
etapas_submit(void *st, unsigned gen, bool mostrar)
{
    struct etapas_vista *v = st;
    struct etapas_job *j = xcalloc(1, sizeof *j);

    j->v = v;
    j->gen = gen;
    j->mostrar = mostrar;
    j->base.query = etapas_query;
    j->base.result = etapas_result;
    j->base.release = etapas_release;
    app_submit(v->a, &j->base);
}

static bool
etapas_abierta(void *st)
{
    return ((struct etapas_vista *)st)->m.abierto;
}

/* ---- the writes ---------------------------------------------------------------------- */

struct etapas_write_job {
    struct app_job base;
    enum etapas_write kind;
    char etapa[48];   /* CAMBIAR, MOVER, ACTIVA: the stage, by its name now */
    char nombre[48];  /* AGREGAR; CAMBIAR ("" = keep) */
    char tipo[8];     /* AGREGAR: NORMAL or SALIDA */
    char horas[16];   /* AGREGAR ("" = none); CAMBIAR ("" = keep) */
    bool sin_timer;   /* CAMBIAR: take the timer away */
    int intentos;     /* AGREGAR; CAMBIAR (-1 = keep) */
    char despues[48]; /* AGREGAR, MOVER */
    bool activar;     /* ACTIVA */
    char seguir[48];  /* the stage the cursor goes to once it is done */
    char msg[512];    /* on success, the database's sentence */
    struct etapas_vista *v;
};

static const char *
nulo(const char *s)
{
    return s[0] != '\0' ? s : NULL;
}

static int
write_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct etapas_write_job *j = (struct etapas_write_job *)aj;
    char *msg = NULL;
    int rc;

    switch (j->kind) {
    case ET_AGREGAR:
        rc = db_etapa_agregar(db, j->nombre, j->tipo, nulo(j->horas), nulo(j->despues), j->intentos,
                              &msg, e);
        break;
    case ET_CAMBIAR:
        rc = db_etapa_cambiar(db, j->etapa, nulo(j->nombre), nulo(j->horas), j->sin_timer,
                              j->intentos, &msg, e);
        break;
    case ET_MOVER:
        rc = db_etapa_mover(db, j->etapa, j->despues, &msg, e);
        break;
    case ET_ACTIVA:
    default:
        rc = db_etapa_activa(db, j->etapa, j->activar, &msg, e);
        break;
    }
    if (rc == RC_OK) {
        /* «La etapa "X" …»: a sentence for the bottom bar. */
        snprintf(j->msg, sizeof j->msg, "%s", msg != NULL && msg[0] != '\0' ? msg : "Hecho.");
        if (j->msg[0] >= 'a' && j->msg[0] <= 'z')
            j->msg[0] = (char)(j->msg[0] - 'a' + 'A');
    }
    free(msg);
    return rc;
}

/* The database's answer: a form closes on success and keeps what was typed on a refusal. */
static void
write_result(struct app_job *aj)
{
    struct etapas_write_job *j = (struct etapas_write_job *)aj;
    struct etapas_vista *v = j->v;
    bool con_form = j->kind != ET_ACTIVA;

    if (aj->rc == RC_OK) {
        if (v->form_open && con_form)
            app_form_close(v->a);
        app_message(v->a, false, "%s", j->msg);
        if (v->m.abierto) {
            etapas_model_follow(&v->m, j->seguir);
            vista_lectura_cargar(&v->l); /* now; its notification comes too */
        }
    } else if (v->form_open && con_form) {
        form_vm_set_refusal(&v->form, aj->e.msg);
    } else {
        app_message(v->a, true, "%s", aj->e.msg);
    }
    app_redraw(v->a);
}

static struct etapas_write_job *
write_new(struct etapas_vista *v, enum etapas_write kind)
{
    struct etapas_write_job *j = xcalloc(1, sizeof *j);

    j->kind = kind;
    j->v = v;
    j->intentos = -1;
    copy(j->etapa, sizeof j->etapa, v->sobre.nombre);
    copy(j->seguir, sizeof j->seguir, v->sobre.nombre);
    j->base.query = write_query;
    j->base.result = write_result;
    j->base.release = NULL; /* free */
    return j;
}

static const char *const tipos[] = { "normal", "salida" };

/* A field's value, "" when it is absent. */
static const char *
campo(const struct etapas_vista *v, int i)
{
    return i >= 0 ? form_vm_value(&v->form, i) : "";
}

static bool
cambiado(const struct etapas_vista *v, int i)
{
    return i >= 0 && strcmp(form_vm_value(&v->form, i), v->form.fields[i].initial) != 0;
}

static void
form_submit(void *ctx, struct form_vm *f)
{
    struct etapas_vista *v = ctx;
    struct etapas_write_job *j;

    if (!app_db_up(v->a)) {
        form_vm_set_refusal(f, SIN_CONEXION);
        return;
    }
    j = write_new(v, v->kind);
    switch (v->kind) {
    case ET_AGREGAR:
        copy(j->nombre, sizeof j->nombre, campo(v, v->f_nombre));
        copy(j->tipo, sizeof j->tipo,
             strcmp(campo(v, v->f_tipo), "salida") == 0 ? "SALIDA" : "NORMAL");
        copy(j->horas, sizeof j->horas, campo(v, v->f_horas));
        copy(j->despues, sizeof j->despues, campo(v, v->f_despues));
        j->intentos = atoi(campo(v, v->f_intentos));
        copy(j->seguir, sizeof j->seguir, j->nombre);
        break;
    case ET_CAMBIAR:
        if (cambiado(v, v->f_nombre)) {
            copy(j->nombre, sizeof j->nombre, campo(v, v->f_nombre));
            copy(j->seguir, sizeof j->seguir, j->nombre);
        }
        if (cambiado(v, v->f_horas)) {
            copy(j->horas, sizeof j->horas, campo(v, v->f_horas));
            j->sin_timer = j->horas[0] == '\0';
        }
        if (cambiado(v, v->f_intentos))
            j->intentos = atoi(campo(v, v->f_intentos));
        if (j->nombre[0] == '\0' && j->horas[0] == '\0' && !j->sin_timer && j->intentos < 0) {
            free(j);
            form_vm_set_refusal(f, "No cambió nada: edite un campo, o Esc para salir.");
            return;
        }
        break;
    case ET_MOVER:
    case ET_ACTIVA: /* a question, not a form: never here */
    default:
        copy(j->despues, sizeof j->despues, campo(v, v->f_despues));
        break;
    }
    app_submit(v->a, &j->base);
}

static void
form_closed(void *ctx, struct form_vm *f)
{
    (void)f;
    ((struct etapas_vista *)ctx)->form_open = false;
}

static const struct app_form_ops etapas_form_ops = { form_submit, form_closed };

static void
form_start(struct etapas_vista *v, enum etapas_write kind, const char *title, const char *note)
{
    form_vm_init(&v->form, title);
    if (note != NULL)
        form_vm_set_note(&v->form, note);
    v->kind = kind;
    v->f_nombre = v->f_tipo = v->f_horas = v->f_despues = v->f_intentos = -1;
}

/* Adds a field and returns its index (-1 when the form is full). */
static int
add(struct etapas_vista *v, const char *label, enum form_kind kind, bool required,
    const char *initial, struct form_field **out)
{
    struct form_field *f = form_vm_add(&v->form, label, kind, required, initial);

    *out = f;
    return f != NULL ? v->form.nfields - 1 : -1;
}

/* «Después de»: the stages' names but skip's, copied for the form's lifetime; returns the
 * field index. */
static int
add_despues(struct etapas_vista *v, const char *skip, const char *initial)
{
    struct form_field *f;
    size_t n = 0;
    int i;

    for (size_t k = 0; k < v->m.n && n < ETAPAS_MAX; k++) {
        if (skip != NULL && strcmp(v->m.filas[k].nombre, skip) == 0)
            continue;
        copy(v->nombres[n], sizeof v->nombres[n], v->m.filas[k].nombre);
        v->choices[n] = v->nombres[n];
        n++;
    }
    if (initial == NULL && n > 0)
        initial = v->nombres[n - 1]; /* the end of the funnel */
    i = add(v, "Después de", FORM_CHOICE, true, initial, &f);
    if (f != NULL) {
        f->choices = v->choices;
        f->nchoices = n;
    }
    return i;
}

static void
form_show(struct etapas_vista *v)
{
    v->form_open = true;
    app_form_open(v->a, &v->form, &etapas_form_ops, v);
}

static void
agregar(struct etapas_vista *v)
{
    const struct etapas_fila *s = etapas_model_selected(&v->m);
    struct form_field *f;

    if (!app_require_db(v->a, "cambiar las etapas"))
        return;
    memset(&v->sobre, 0, sizeof v->sobre);
    form_start(v, ET_AGREGAR, "Agregar una etapa",
               "Una etapa normal puede tener temporizador (horas hábiles; vacío: sin él). Una"
               " de salida lleva a la bandeja y puede pedir intentos de contacto antes.");
    if ((v->f_nombre = add(v, "Nombre", FORM_TEXT, true, NULL, &f)) >= 0)
        f->min_len = 2, f->max_len = 40;
    if ((v->f_tipo = add(v, "Tipo", FORM_CHOICE, true, "normal", &f)) >= 0) {
        f->choices = tipos;
        f->nchoices = 2;
    }
    if ((v->f_horas = add(v, "Temporizador (h)", FORM_TEXT, false, NULL, &f)) >= 0)
        f->check = etapas_horas_check;
    v->f_despues = add_despues(v, NULL, s != NULL ? s->nombre : NULL);
    if ((v->f_intentos = add(v, "Intentos mínimos", FORM_INT, true, "0", &f)) >= 0)
        f->min = 0, f->max = 20;
    form_show(v);
}

static void
cambiar(struct etapas_vista *v, const struct etapas_fila *s)
{
    bool timer = strcmp(s->tipo, "SALIDA") != 0 && strcmp(s->tipo, "VENTA") != 0;
    struct form_field *f;
    char title[96], intentos[16];

    if (!app_require_db(v->a, "cambiar las etapas"))
        return;
    v->sobre = *s;
    snprintf(title, sizeof title, "Cambiar la etapa %s", s->nombre);
    form_start(v, ET_CAMBIAR, title,
               timer ? "Vaciar el temporizador lo quita; uno nuevo arranca para las oportunidades"
                       " que ya están en la etapa, y un cambio de horas cuenta para las que entren."
                     : NULL);
    if ((v->f_nombre = add(v, "Nombre", FORM_TEXT, true, s->nombre, &f)) >= 0)
        f->min_len = 2, f->max_len = 40;
    if (timer && (v->f_horas = add(v, "Temporizador (h)", FORM_TEXT, false, s->horas, &f)) >= 0)
        f->check = etapas_horas_check;
    if (strcmp(s->tipo, "SALIDA") == 0) {
        snprintf(intentos, sizeof intentos, "%d", s->intentos);
        if ((v->f_intentos = add(v, "Intentos mínimos", FORM_INT, true, intentos, &f)) >= 0)
            f->min = 0, f->max = 20;
    }
    form_show(v);
}

static void
mover(struct etapas_vista *v, const struct etapas_fila *s)
{
    const char *antes = NULL;
    char title[96];

    if (!app_require_db(v->a, "cambiar las etapas"))
        return;
    v->sobre = *s;
    for (size_t k = 1; k < v->m.n; k++)
        if (strcmp(v->m.filas[k].nombre, s->nombre) == 0)
            antes = v->m.filas[k - 1].nombre;
    snprintf(title, sizeof title, "Mover la etapa %s", s->nombre);
    form_start(v, ET_MOVER, title, "Elija la etapa tras la que irá (← →).");
    v->f_despues = add_despues(v, s->nombre, antes);
    form_show(v);
}

static void
activa_answer(struct app *a, bool yes, void *ctx)
{
    struct etapas_vista *v = ctx;
    struct etapas_write_job *j;

    if (!yes) {
        app_redraw(a);
        return;
    }
    if (!app_require_db(a, "cambiar las etapas"))
        return;
    j = write_new(v, ET_ACTIVA);
    j->activar = !v->sobre.activa;
    app_submit(a, &j->base);
}

static void
activa(struct etapas_vista *v, const struct etapas_fila *s)
{
    char q[160];

    if (!app_require_db(v->a, "cambiar las etapas"))
        return;
    v->sobre = *s;
    v->kind = ET_ACTIVA;
    /* Short enough for 80 columns with the «(s/n)» the bar adds. */
    if (s->activa)
        snprintf(q, sizeof q, "¿Sacar «%.30s» del embudo? Deja de ser una columna.", s->nombre);
    else
        snprintf(q, sizeof q, "¿Regresar «%.30s» al embudo?", s->nombre);
    app_confirm_ask(v->a, q, activa_answer, v);
}

/* ---- the view ------------------------------------------------------------------------ */

struct etapas_vista *
etapas_vista_new(struct app *a)
{
    struct etapas_vista *v = xcalloc(1, sizeof *v);

    v->a = a;
    etapas_model_init(&v->m);
    vista_lectura_init(&v->l, a, ETAPAS_PAUSA, v, etapas_submit, etapas_abierta);
    return v;
}

void
etapas_vista_free(struct etapas_vista *v)
{
    if (v == NULL)
        return;
    etapas_model_fini(&v->m);
    form_vm_fini(&v->form);
    free(v);
}

bool
etapas_vista_abierta(const struct etapas_vista *v)
{
    return v->m.abierto;
}

int
etapas_vista_command(struct etapas_vista *v, int argc, char **argv, struct err *e)
{
    (void)argc, (void)argv, (void)e; /* the command line took no words (max_args 0) */
    if (!app_require_db(v->a, "consultar las etapas"))
        return RC_OK;
    vista_lectura_pedir(&v->l);
    return RC_OK;
}

void
etapas_vista_close(struct etapas_vista *v)
{
    etapas_model_close(&v->m);
    vista_lectura_cerrar(&v->l);
}

static bool
es_admin(const struct etapas_vista *v)
{
    return app_profile(v->a) == VM_PROFILE_ADMIN;
}

/* The INICIAL and VENTA stages stay in the funnel; the INICIAL one stays first. */
static bool
fija(const struct etapas_fila *s)
{
    return strcmp(s->tipo, "INICIAL") == 0 || strcmp(s->tipo, "VENTA") == 0;
}

bool
etapas_vista_offers(const struct etapas_vista *v, enum action act)
{
    const struct etapas_fila *s = etapas_model_selected(&v->m);

    switch ((int)act) {
    case ACTION_ITEM_ADD:
        return es_admin(v);
    case ACTION_ITEM_EDIT:
        return es_admin(v) && s != NULL;
    case ACTION_ITEM_MOVE:
        return es_admin(v) && s != NULL && strcmp(s->tipo, "INICIAL") != 0;
    case ACTION_ITEM_REMOVE:
        return es_admin(v) && s != NULL && s->activa && !fija(s);
    case ACTION_ITEM_RESTORE:
        return es_admin(v) && s != NULL && !s->activa;
    default:
        return true;
    }
}

bool
etapas_vista_click(struct etapas_vista *v, int y, int x)
{
    (void)x;
    return !v->form_open && vm_click_row(v->vm.lines, v->vm.nlines, y, &v->m.cur);
}

bool
etapas_vista_key(struct etapas_vista *v, enum action act)
{
    const struct etapas_fila *s = etapas_model_selected(&v->m);

    if (act == ACTION_BACK) {
        etapas_vista_close(v);
        app_redraw(v->a);
        return true;
    }
    if (act == ACTION_ITEM_ADD || act == ACTION_ITEM_EDIT || act == ACTION_ITEM_MOVE ||
        act == ACTION_ITEM_REMOVE || act == ACTION_ITEM_RESTORE) {
        if (!es_admin(v))
            app_message(v->a, false, "Solo un administrador cambia las etapas.");
        else if (act == ACTION_ITEM_ADD)
            agregar(v);
        else if (s == NULL)
            app_message(v->a, false, "No hay una etapa elegida.");
        else if (!etapas_vista_offers(v, act))
            app_message(v->a, false, "%s",
                        act == ACTION_ITEM_MOVE      ? "La etapa inicial va primero."
                        : act == ACTION_ITEM_RESTORE ? "Esa etapa ya está en el embudo."
                        : !s->activa                 ? "Esa etapa ya está fuera del embudo."
                                                     : "La etapa inicial y la de venta no salen"
                                                       " del embudo.");
        else if (act == ACTION_ITEM_EDIT)
            cambiar(v, s);
        else if (act == ACTION_ITEM_MOVE)
            mover(v, s);
        else
            activa(v, s);
        return true;
    }
    if (etapas_model_move(&v->m, act, v->vm.page)) {
        app_redraw(v->a);
        return true;
    }
    return false;
}

void
etapas_vista_draw(struct etapas_vista *v, struct pane *p)
{
    v->m.ascii = term_ascii();
    v->m.admin = es_admin(v);
    etapas_vm_build(&v->vm, &v->m, p->w, p->h);
    etapas_pane_draw(p, &v->vm);
}

void
etapas_vista_notify(struct etapas_vista *v, const struct app_notify *n)
{
    /* The stages themselves, and the counts: a promoter's are her own opportunities. */
    vista_lectura_aviso(
        &v->l,
        (n->tablas & (APP_T_ETAPAS | APP_T_OTRA)) != 0 ||
            ((n->tablas & APP_T_OPORTUNIDADES) != 0 &&
             (vm_profile_sees_others(app_profile(v->a)) || n->mine || n->all_users)),
        n->resync);
}
