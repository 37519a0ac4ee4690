/*
 * equipo_panel — the "equipo" pane (supervisors, admins and auditors): per-promoter numbers
 * and the aging heat map, re-read on every notification; Enter shows that promoter's embudo, c
 * opens Repartir for just that promoter and e changes its estado (activo, ausente, vacaciones;
 * baja too for an admin) with an optional reason, through a form (supervision only: both
 * write); h shows the record of changes to that user («Cambios de <login>», every profile
 * here, the auditor too) in place of the team, until Esc or q. An admin also has l (the
 * promoter's cupo diario and cartera máxima) and s (its supervisor, among the active ones):
 * each reads the users first (api.usuarios: the values in force and the supervisors), then
 * opens its form. Every change notifies (sql/078), and this pane re-reads through that.
 *
 * Loop thread only, except the jobs' query() (worker thread, the job's own fields).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_tui.h"
#include "db/db_usuarios.h"
#include "ui/pane/equipo_pane.h"
#include "ui/panes_db.h"
#include "ui/term/term.h"
#include "ui/vista_lectura.h"
#include "ui/vm/cambios_vm.h"
#include "ui/vm/equipo_vm.h"
#include "ui/vm/form_vm.h"
#include "ui/vm/usuarios_vm.h"
#include "util/xmalloc.h"

#define CH(c)                  \
    {                          \
        KK_CHAR, (uint32_t)(c) \
    }

static const struct keymap_entry equipo_keys[] = {
    { KEYMAP_EQUIPO, { KK_ENTER, 0 }, ACTION_OPEN, "ver su embudo", true, 0 },
    { KEYMAP_EQUIPO, CH('c'), ACTION_DISTRIBUTE, "repartirle clientes", true,
      KEYMAP_SOLO_SUPERVISION },
    { KEYMAP_EQUIPO, CH('e'), ACTION_USER_STATE, "estado", true, KEYMAP_SOLO_SUPERVISION },
    { KEYMAP_EQUIPO, CH('h'), ACTION_USER_CHANGES, "cambios", true, KEYMAP_VEN_EQUIPO },
    /* An admin's only (the database refuses the rest, EB101); in "?" and :ayuda, as the hint
     * bar is full at 80 columns. */
    { KEYMAP_EQUIPO, CH('l'), ACTION_USER_LIMITS, "cupo diario y cartera máxima", false,
      KEYMAP_PERFIL(VM_PROFILE_ADMIN) },
    { KEYMAP_EQUIPO, CH('s'), ACTION_USER_SUPERVISOR, "supervisor", false,
      KEYMAP_PERFIL(VM_PROFILE_ADMIN) },
    { KEYMAP_EQUIPO, CH('A'), ACTION_ITEM_ADD, "dar de alta un usuario", false,
      KEYMAP_PERFIL(VM_PROFILE_ADMIN) },
    { KEYMAP_EQUIPO, CH('n'), ACTION_USER_NAME, "corregir el nombre", false,
      KEYMAP_PERFIL(VM_PROFILE_ADMIN) },
};

struct equipo_st {
    struct app *a;
    struct equipo_model m;
    struct equipo_vm vm;
    bool loading, again;
    /* e, l, s: one form at a time, for one promoter; gen tells a late answer from the form
     * open now */
    struct form_vm form;
    bool form_open;
    unsigned form_gen;
    char form_login[48];
    /* l and s: what api.usuarios said when the form opened, and the supervisors offered */
    bool usuarios_loading, form_supervisor;
    struct equipo_usuario form_usuario;
    char (*opciones)[EQUIPO_OPCION_BYTES];
    const char **opciones_ptr;
    /* h: the record of changes to one user, shown instead of the team */
    bool cambios_open, cambios_loading, cambios_again;
    struct cambios_model cm;
    struct cambios_vm cvm;
    /* :usuarios: every user the caller sees, shown instead of the team (under a record) */
    struct vista_lectura lista; /* its reads: one at a time, re-reads paced */
    struct usuarios_model um;
    struct usuarios_vm uvm;
};

struct equipo_job {
    struct app_job base;
    struct tui_etapa *etapas;
    size_t netapas;
    struct tui_equipo q;
    struct equipo_st *st;
};

static int
equipo_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct equipo_job *j = (struct equipo_job *)aj;
    int rc = db_tui_etapas(db, &j->etapas, &j->netapas, e);

    return rc == RC_OK ? db_tui_equipo(db, &j->q, e) : rc;
}

static void equipo_load(struct equipo_st *s);

static void
equipo_apply(struct equipo_st *s, const struct equipo_job *j)
{
    struct equipo_etapa et[EQUIPO_MAX_ETAPAS];
    struct equipo_promotor *p = xcalloc(j->q.npromotores + 1, sizeof *p);
    struct equipo_celda *c = xcalloc(j->q.nceldas + 1, sizeof *c);

    equipo_model_set_etapas(&s->m, et,
                            panes_equipo_etapas_from(et, EQUIPO_MAX_ETAPAS, j->etapas, j->netapas));
    for (size_t i = 0; i < j->q.npromotores; i++)
        panes_promotor_from(&p[i], &j->q.promotores[i]);
    for (size_t i = 0; i < j->q.nceldas; i++) {
        c[i].usuario_id = j->q.celdas[i].usuario_id;
        c[i].etapa_id = j->q.celdas[i].etapa_id;
        c[i].n = j->q.celdas[i].n;
        c[i].max_horas = j->q.celdas[i].max_horas;
    }
    equipo_model_take(&s->m, p, j->q.npromotores, c, j->q.nceldas);
}

static void
equipo_result(struct app_job *aj)
{
    struct equipo_job *j = (struct equipo_job *)aj;
    struct equipo_st *s = j->st;

    s->loading = false;
    if (aj->rc == RC_OK)
        equipo_apply(s, j);
    else
        snprintf(s->m.error, sizeof s->m.error, "No se pudo leer el equipo: %s", aj->e.msg);
    app_redraw(s->a);
    if (s->again) {
        s->again = false;
        equipo_load(s);
    }
}

static void
equipo_release(struct app_job *aj)
{
    struct equipo_job *j = (struct equipo_job *)aj;

    free(j->etapas);
    db_tui_equipo_fini(&j->q);
    free(j);
}

static void
equipo_load(struct equipo_st *s)
{
    struct equipo_job *j;

    if (s->loading) {
        s->again = true;
        return;
    }
    j = xcalloc(1, sizeof *j);
    j->st = s;
    j->base.query = equipo_query;
    j->base.result = equipo_result;
    j->base.release = equipo_release;
    s->loading = true;
    app_submit(s->a, &j->base);
}

/* ---- e: a promoter's estado ---------------------------------------------------------- */

struct estado_job {
    struct app_job base;
    char login[48];
    char estado[16];   /* ACTIVO | AUSENTE | VACACIONES | BAJA */
    char motivo[2048]; /* "" = none */
    char anterior[16]; /* what it was, on success */
    int pausados;      /* the owner's timers it paused or resumed (sql/094) */
    int reanudados;
    unsigned gen;      /* the form it came from */
    struct equipo_st *st;
};

static int
estado_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct estado_job *j = (struct estado_job *)aj;

    return db_usuario_estado(db, j->login, j->estado, j->motivo[0] != '\0' ? j->motivo : NULL,
                             j->anterior, sizeof j->anterior, &j->pausados, &j->reanudados, e);
}

static void cambios_load(struct equipo_st *s);

static const char sin_conexion[] = "Sin conexión con la base de datos: no se puede guardar ahora."
                                   " Lo escrito se conserva; Enter reintenta.";

/*
 * The end of a form's write (aj, sent from the form open as gen, about login): done closes the
 * form when it is still that one and returns true, the caller then says what changed. Refused
 * or unreachable: the form stays as typed with the reason, or, when it was closed meanwhile,
 * the bottom bar says it; false.
 */
static bool
form_write_done(struct equipo_st *s, const struct app_job *aj, unsigned gen, const char *login)
{
    bool mine = s->form_open && gen == s->form_gen;

    app_redraw(s->a);
    if (aj->rc == RC_OK) {
        if (mine)
            app_form_close(s->a);
        return true;
    }
    if (mine)
        form_vm_set_refusal(&s->form, panes_err_is_down(&aj->e) ? sin_conexion : aj->e.msg);
    else
        app_message(s->a, true, "%s: %s", login, aj->e.msg);
    return false;
}

/*
 * Done: the bottom bar says what changed («prom2: Activo → Ausente; 12 temporizadores en
 * pausa»); the change notifies (sql/078), so this pane, Repartir and the open record of
 * changes re-read as everyone else's do.
 */
static void
estado_result(struct app_job *aj)
{
    struct estado_job *j = (struct estado_job *)aj;

    if (!form_write_done(j->st, aj, j->gen, j->login))
        return;
    if (strcmp(j->anterior, j->estado) == 0)
        app_message(j->st->a, false, "%s ya estaba en %s: nada que cambiar.", j->login,
                    equipo_estado_etiqueta(j->estado));
    else if (j->pausados > 0 || j->reanudados > 0)
        app_message(j->st->a, false, "%s: %s → %s; %d %s", j->login,
                    equipo_estado_etiqueta(j->anterior), equipo_estado_etiqueta(j->estado),
                    j->pausados + j->reanudados,
                    j->pausados > 0
                        ? (j->pausados == 1 ? "temporizador en pausa" : "temporizadores en pausa")
                    : j->reanudados == 1 ? "temporizador corre de nuevo"
                                         : "temporizadores corren de nuevo");
    else
        app_message(j->st->a, false, "%s: %s → %s", j->login, equipo_estado_etiqueta(j->anterior),
                    equipo_estado_etiqueta(j->estado));
}

static void
estado_submit(void *ctx, struct form_vm *f)
{
    struct equipo_st *s = ctx;
    const char *codigo = equipo_estado_codigo(form_vm_value(f, 0)); /* FORM_CHOICE: a label */
    struct estado_job *j;

    if (!app_db_up(s->a)) {
        form_vm_set_refusal(f, sin_conexion);
        return;
    }
    j = xcalloc(1, sizeof *j);
    snprintf(j->login, sizeof j->login, "%s", s->form_login);
    snprintf(j->estado, sizeof j->estado, "%s", codigo != NULL ? codigo : "");
    snprintf(j->motivo, sizeof j->motivo, "%s", form_vm_value(f, 1));
    j->gen = s->form_gen;
    j->st = s;
    j->base.query = estado_query;
    j->base.result = estado_result;
    app_submit(s->a, &j->base);
}

static void
form_closed(void *ctx, struct form_vm *f)
{
    struct equipo_st *s = ctx;

    (void)f;
    s->form_open = false;
}

static const struct app_form_ops estado_form_ops = { estado_submit, form_closed };

/* The form for p: Estado (its current one chosen; Baja only for an admin) and a Motivo. */
static void
estado_form_open(struct equipo_st *s, const struct equipo_promotor *p)
{
    struct form_field *f;
    char title[64];

    if (!app_require_db(s->a, "cambiar el estado"))
        return;
    snprintf(s->form_login, sizeof s->form_login, "%s", p->login);
    snprintf(title, sizeof title, "Estado de %s", p->login);
    form_vm_init(&s->form, title);
    if ((f = form_vm_add(&s->form, "Estado", FORM_CHOICE, true,
                         equipo_estado_etiqueta(p->estado))) != NULL) {
        f->choices = equipo_estado_etiquetas;
        f->nchoices =
            app_profile(s->a) == VM_PROFILE_ADMIN ? EQUIPO_ESTADOS : EQUIPO_ESTADOS_SUPERVISOR;
    }
    if ((f = form_vm_add(&s->form, "Motivo", FORM_TEXT, false, NULL)) != NULL)
        f->max_len = 500;
    s->form_open = true;
    s->form_gen++;
    app_form_open(s->a, &s->form, &estado_form_ops, s);
}

/* ---- l and s (admins): cupo and cartera, supervisor -------------------------------------- */

/* The users read before either form opens, and the form asked for. */
struct usuarios_job {
    struct app_job base;
    char login[48];
    enum action para; /* ACTION_USER_LIMITS, ACTION_USER_SUPERVISOR or ACTION_ITEM_ADD */
    struct db_usuario *rows;
    size_t n;
    struct equipo_st *st;
};

/* One change: limits (cupo, cartera; -1 keeps) or, when supervisor is set, the team. */
struct admin_job {
    struct app_job base;
    char login[48];
    int cupo, cartera;   /* asked; on success, the values in force */
    char supervisor[48]; /* "" = a limits change */
    char supervisor_antes[48];
    unsigned gen;
    struct equipo_st *st;
};

static int
admin_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct admin_job *j = (struct admin_job *)aj;

    if (j->supervisor[0] != '\0')
        return db_usuario_supervisor(db, j->login, j->supervisor, e);
    return db_usuario_limites(db, j->login, j->cupo, j->cartera, &j->cupo, &j->cartera, e);
}

/* As the estado form's: done closes it and says what is in force; this pane re-reads
 * through the change's notification. Refused or unreachable: the form stays as typed. */
static void
admin_result(struct app_job *aj)
{
    struct admin_job *j = (struct admin_job *)aj;
    char cupo[32], cartera[32];

    if (!form_write_done(j->st, aj, j->gen, j->login))
        return;
    if (j->supervisor[0] != '\0')
        app_message(j->st->a, false, "%s: supervisor %s → %s", j->login,
                    j->supervisor_antes[0] != '\0' ? j->supervisor_antes : "—", j->supervisor);
    else
        app_message(j->st->a, false, "%s: cupo diario %s · cartera máxima %s", j->login,
                    vm_fmt_count(cupo, sizeof cupo, j->cupo),
                    vm_fmt_count(cartera, sizeof cartera, j->cartera));
}

static void
admin_submit(void *ctx, struct form_vm *f)
{
    struct equipo_st *s = ctx;
    const struct equipo_usuario *u = &s->form_usuario;
    struct admin_job *j = xcalloc(1, sizeof *j);
    bool cambia;

    snprintf(j->login, sizeof j->login, "%s", u->login);
    if (s->form_supervisor) {
        equipo_opcion_login(j->supervisor, sizeof j->supervisor, form_vm_value(f, 0));
        snprintf(j->supervisor_antes, sizeof j->supervisor_antes, "%s", u->supervisor);
        cambia = strcmp(j->supervisor, u->supervisor) != 0;
    } else {
        cambia = equipo_limites_cambio(f, u->cupo_diario, u->cartera_max, &j->cupo, &j->cartera);
    }
    if (!cambia) { /* the database would change nothing, nor record or notify it */
        free(j);
        app_form_close(s->a);
        app_message(s->a, false, "%s: nada que cambiar.", u->login);
        return;
    }
    if (!app_db_up(s->a)) {
        free(j);
        form_vm_set_refusal(f, sin_conexion);
        return;
    }
    j->gen = s->form_gen;
    j->st = s;
    j->base.query = admin_query;
    j->base.result = admin_result;
    app_submit(s->a, &j->base);
}

static const struct app_form_ops admin_form_ops = { admin_submit, form_closed };

static void
opciones_free(struct equipo_st *s)
{
    free(s->opciones);
    free(s->opciones_ptr);
    s->opciones = NULL;
    s->opciones_ptr = NULL;
}

/* The supervisor form, its choices from the users read (the promoter's own first chosen). */
static void
supervisor_form_open(struct equipo_st *s, const struct equipo_usuario *us, size_t n)
{
    size_t cur, k;

    opciones_free(s);
    s->opciones = xcalloc(n + 1, sizeof *s->opciones);
    s->opciones_ptr = xcalloc(n + 1, sizeof *s->opciones_ptr);
    k = equipo_supervisor_opciones(s->opciones, n, us, n, s->form_usuario.supervisor, &cur);
    if (k == 0) {
        app_message(s->a, true, "No hay un supervisor activo a cuyo equipo pasarlo.");
        return;
    }
    for (size_t i = 0; i < k; i++)
        s->opciones_ptr[i] = s->opciones[i];
    equipo_supervisor_form(&s->form, s->form_usuario.login, s->opciones_ptr, k, cur);
    s->form_open = true;
    s->form_gen++;
    app_form_open(s->a, &s->form, &admin_form_ops, s);
}

/* ---- n (admins): a name typed wrong ------------------------------------------------------ */

struct nombre_job {
    struct app_job base;
    char login[48];
    char nombre[FORM_VALUE_BYTES], motivo[FORM_VALUE_BYTES];
    char anterior[FORM_VALUE_BYTES];
    unsigned gen;
    struct equipo_st *st;
};

static int
nombre_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct nombre_job *j = (struct nombre_job *)aj;

    return db_usuario_nombre(db, j->login, j->nombre, j->motivo[0] != '\0' ? j->motivo : NULL,
                             j->anterior, sizeof j->anterior, e);
}

/* As the other forms': done closes it and says the change (the table follows through the
 * notification); refused or unreachable, the form stays as typed. */
static void
nombre_result(struct app_job *aj)
{
    struct nombre_job *j = (struct nombre_job *)aj;

    if (form_write_done(j->st, aj, j->gen, j->login))
        app_message(j->st->a, false, "%s: «%s» → «%s»", j->login, j->anterior, j->nombre);
}

static void
nombre_submit(void *ctx, struct form_vm *f)
{
    struct equipo_st *s = ctx;
    struct nombre_job *j = xcalloc(1, sizeof *j);

    snprintf(j->login, sizeof j->login, "%s", s->form_usuario.login);
    if (!equipo_nombre_cambio(f, s->form_usuario.nombre, j->nombre, sizeof j->nombre)) {
        free(j);
        app_form_close(s->a);
        app_message(s->a, false, "%s: nada que cambiar.", s->form_usuario.login);
        return;
    }
    if (!app_db_up(s->a)) {
        free(j);
        form_vm_set_refusal(f, sin_conexion);
        return;
    }
    snprintf(j->motivo, sizeof j->motivo, "%s", form_vm_value(f, 1));
    j->gen = s->form_gen;
    j->st = s;
    j->base.query = nombre_query;
    j->base.result = nombre_result;
    app_submit(s->a, &j->base);
}

static const struct app_form_ops nombre_form_ops = { nombre_submit, form_closed };

static void
nombre_form_open(struct equipo_st *s, const struct equipo_promotor *p)
{
    if (!app_require_db(s->a, "corregir el nombre"))
        return;
    memset(&s->form_usuario, 0, sizeof s->form_usuario);
    snprintf(s->form_usuario.login, sizeof s->form_usuario.login, "%s", p->login);
    snprintf(s->form_usuario.nombre, sizeof s->form_usuario.nombre, "%s", p->nombre);
    equipo_nombre_form(&s->form, p->login, p->nombre);
    s->form_open = true;
    s->form_gen++;
    app_form_open(s->a, &s->form, &nombre_form_ops, s);
}

/* ---- A (admins): a new user ----------------------------------------------------------- */

struct alta_job {
    struct app_job base;
    struct equipo_alta alta;
    unsigned gen;
    struct equipo_st *st;
};

static int
alta_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct alta_job *j = (struct alta_job *)aj;
    const struct equipo_alta *a = &j->alta;
    const struct db_usuario_nuevo u = {
        .login = a->login,
        .nombre = a->nombre,
        .rol = a->rol,
        .supervisor = a->supervisor[0] != '\0' ? a->supervisor : NULL,
        .cupo_diario = a->cupo,
        .cartera_max = a->cartera,
    };
    int id;

    return db_usuario_crear(db, &u, &id, e);
}

/* Done: the form closes, the bottom bar says who was created and a new promoter's row gets
 * the cursor (every other open Equipo follows through the notification, sql/098). Refused:
 * the form stays as typed. */
static void
alta_result(struct app_job *aj)
{
    struct alta_job *j = (struct alta_job *)aj;
    struct equipo_st *s = j->st;
    const struct equipo_alta *a = &j->alta;

    if (!form_write_done(s, aj, j->gen, a->login))
        return;
    app_message(s->a, false, "Alta: %s (%s), %s%s%s.", a->login, a->nombre, a->rol,
                a->supervisor[0] != '\0' ? " de " : "", a->supervisor);
    if (strcmp(a->rol, "PROMOTOR") == 0) { /* the table's cursor goes to the new row */
        snprintf(s->m.seguir, sizeof s->m.seguir, "%s", a->login);
        equipo_load(s); /* (the notification's read may have come before this) */
    }
}

static void
alta_submit(void *ctx, struct form_vm *f)
{
    struct equipo_st *s = ctx;
    struct alta_job *j;

    if (!app_db_up(s->a)) {
        form_vm_set_refusal(f, sin_conexion);
        return;
    }
    j = xcalloc(1, sizeof *j);
    equipo_alta_valores(f, &j->alta);
    j->gen = s->form_gen;
    j->st = s;
    j->base.query = alta_query;
    j->base.result = alta_result;
    app_submit(s->a, &j->base);
}

static const struct app_form_ops alta_form_ops = { alta_submit, form_closed };

/* The alta form, its supervisors from the users read: "—" (no team) first, the first
 * supervisor chosen (PROMOTOR is the rol it opens with). */
static void
alta_form_open(struct equipo_st *s, const struct equipo_usuario *us, size_t n)
{
    size_t cur, k;

    opciones_free(s);
    s->opciones = xcalloc(n + 2, sizeof *s->opciones);
    s->opciones_ptr = xcalloc(n + 2, sizeof *s->opciones_ptr);
    snprintf(s->opciones[0], EQUIPO_OPCION_BYTES, "%s", EQUIPO_SIN_SUPERVISOR);
    k = 1 + equipo_supervisor_opciones(s->opciones + 1, n + 1, us, n, "", &cur);
    for (size_t i = 0; i < k; i++)
        s->opciones_ptr[i] = s->opciones[i];
    equipo_alta_form(&s->form, s->opciones_ptr, k, k > 1 ? 1 : 0); /* the first supervisor */
    s->form_open = true;
    s->form_gen++;
    app_form_open(s->a, &s->form, &alta_form_ops, s);
}

static void
usuarios_copy(struct equipo_usuario *u, const struct db_usuario *r)
{
    memset(u, 0, sizeof *u);
    snprintf(u->login, sizeof u->login, "%s", r->login != NULL ? r->login : "");
    snprintf(u->nombre, sizeof u->nombre, "%s", r->nombre != NULL ? r->nombre : "");
    snprintf(u->rol, sizeof u->rol, "%s", r->rol != NULL ? r->rol : "");
    snprintf(u->estado, sizeof u->estado, "%s", r->estado != NULL ? r->estado : "");
    snprintf(u->supervisor, sizeof u->supervisor, "%s", r->supervisor != NULL ? r->supervisor : "");
    u->cupo_diario = r->cupo_diario;
    u->cartera_max = r->cartera_max;
}

static int
usuarios_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct usuarios_job *j = (struct usuarios_job *)aj;

    return db_usuarios(db, &j->rows, &j->n, e);
}

static void
usuarios_result(struct app_job *aj)
{
    struct usuarios_job *j = (struct usuarios_job *)aj;
    struct equipo_st *s = j->st;
    struct equipo_usuario *us;
    size_t at = j->n;

    s->usuarios_loading = false;
    if (aj->rc != RC_OK) {
        app_message(s->a, true, "No se pudieron leer los usuarios: %s", aj->e.msg);
        return;
    }
    if (s->form_open) /* another form opened meanwhile */
        return;
    us = xcalloc(j->n + 1, sizeof *us);
    for (size_t i = 0; i < j->n; i++) {
        usuarios_copy(&us[i], &j->rows[i]);
        if (strcmp(us[i].login, j->login) == 0)
            at = i;
    }
    if (j->para == ACTION_ITEM_ADD) {
        alta_form_open(s, us, j->n);
        free(us);
        app_redraw(s->a);
        return;
    }
    if (at == j->n) {
        app_message(s->a, true, "%s ya no está entre los usuarios que puede ver.", j->login);
        free(us);
        return;
    }
    s->form_usuario = us[at];
    s->form_supervisor = j->para == ACTION_USER_SUPERVISOR;
    if (s->form_supervisor) {
        supervisor_form_open(s, us, j->n);
    } else {
        equipo_limites_form(&s->form, us[at].login, us[at].cupo_diario, us[at].cartera_max);
        s->form_open = true;
        s->form_gen++;
        app_form_open(s->a, &s->form, &admin_form_ops, s);
    }
    free(us);
    app_redraw(s->a);
}

static void
usuarios_release(struct app_job *aj)
{
    struct usuarios_job *j = (struct usuarios_job *)aj;

    db_usuarios_free(j->rows, j->n);
    free(j);
}

/* l or s on p, or A (p NULL): the users first (the values in force, the supervisors), then
 * the form. */
static void
admin_form_ask(struct equipo_st *s, const struct equipo_promotor *p, enum action para)
{
    struct usuarios_job *j;
    const char *what = para == ACTION_USER_LIMITS       ? "cambiar el cupo y la cartera"
                       : para == ACTION_USER_SUPERVISOR ? "cambiar el supervisor"
                                                        : "dar de alta un usuario";

    if (s->usuarios_loading || !app_require_db(s->a, what))
        return;
    j = xcalloc(1, sizeof *j);
    snprintf(j->login, sizeof j->login, "%s", p != NULL ? p->login : "");
    j->para = para;
    j->st = s;
    j->base.query = usuarios_query;
    j->base.result = usuarios_result;
    j->base.release = usuarios_release;
    s->usuarios_loading = true;
    app_submit(s->a, &j->base);
}

/* ---- h: the record of changes to one user ---------------------------------------------- */

struct cambios_job {
    struct app_job base;
    char login[48];
    struct db_usuario_cambio *rows;
    size_t n;
    struct equipo_st *st;
};

static int
cambios_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct cambios_job *j = (struct cambios_job *)aj;

    return db_usuario_cambios(db, j->login, CAMBIOS_LIMITE, &j->rows, &j->n, e);
}

static void
copy_str(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src != NULL ? src : "");
}

static struct cambios_fila *
cambios_from(const struct db_usuario_cambio *c, size_t n)
{
    struct cambios_fila *f = n > 0 ? xcalloc(n, sizeof *f) : NULL;

    for (size_t i = 0; i < n; i++) {
        copy_str(f[i].campo, sizeof f[i].campo, c[i].campo);
        copy_str(f[i].anterior, sizeof f[i].anterior, c[i].anterior);
        copy_str(f[i].nuevo, sizeof f[i].nuevo, c[i].nuevo);
        copy_str(f[i].motivo, sizeof f[i].motivo, c[i].motivo);
        copy_str(f[i].hecho_por, sizeof f[i].hecho_por, c[i].hecho_por);
        copy_str(f[i].cuando, sizeof f[i].cuando, c[i].cuando);
    }
    return f;
}

static void
cambios_result(struct app_job *aj)
{
    struct cambios_job *j = (struct cambios_job *)aj;
    struct equipo_st *s = j->st;
    bool current = s->cambios_open && strcmp(j->login, s->cm.login) == 0;

    s->cambios_loading = false;
    if (current && aj->rc == RC_OK)
        cambios_model_take(&s->cm, cambios_from(j->rows, j->n), j->n);
    else if (current)
        snprintf(s->cm.error, sizeof s->cm.error, "No se pudieron leer los cambios: %s", aj->e.msg);
    app_redraw(s->a);
    if (s->cambios_open && (s->cambios_again || !current)) {
        s->cambios_again = false;
        cambios_load(s);
    }
}

static void
cambios_release(struct app_job *aj)
{
    struct cambios_job *j = (struct cambios_job *)aj;

    db_usuario_cambios_free(j->rows, j->n);
    free(j);
}

static void
cambios_load(struct equipo_st *s)
{
    struct cambios_job *j;

    if (s->cambios_loading) {
        s->cambios_again = true;
        return;
    }
    j = xcalloc(1, sizeof *j);
    snprintf(j->login, sizeof j->login, "%s", s->cm.login);
    j->st = s;
    j->base.query = cambios_query;
    j->base.result = cambios_result;
    j->base.release = cambios_release;
    s->cambios_loading = true;
    app_submit(s->a, &j->base);
}

static void
cambios_show(struct equipo_st *s, const struct equipo_promotor *p)
{
    cambios_model_fini(&s->cm);
    cambios_model_init(&s->cm, p->login, p->nombre);
    s->cambios_open = true;
    cambios_load(s);
}

/* The promoter the view or the table is on: the one whose changes are shown, else the
 * cursor's (NULL when the team is empty or that promoter left it). */
static const struct equipo_promotor *
equipo_target(const struct equipo_st *s)
{
    if (!s->cambios_open)
        return equipo_model_selected(&s->m);
    for (size_t i = 0; i < s->m.npromotores; i++)
        if (strcmp(s->m.promotores[i].login, s->cm.login) == 0)
            return &s->m.promotores[i];
    return NULL;
}

/* Keys while the record of changes is shown: Esc, q and h again go back to the team; e, Enter
 * and c act on the user shown, as on the table's row; the rest scrolls. */
static bool
cambios_key(struct equipo_st *s, enum action act)
{
    const struct equipo_promotor *p = equipo_target(s);

    switch ((int)act) {
    case ACTION_BACK:
    case ACTION_QUIT:
    case ACTION_USER_CHANGES:
        s->cambios_open = false;
        cambios_model_fini(&s->cm);
        return true;
    case ACTION_USER_STATE:
        if (p != NULL)
            estado_form_open(s, p);
        return true;
    case ACTION_USER_LIMITS:
    case ACTION_USER_SUPERVISOR:
        if (p != NULL)
            admin_form_ask(s, p, act);
        return true;
    case ACTION_ITEM_ADD:
        admin_form_ask(s, NULL, act);
        return true;
    case ACTION_USER_NAME:
        if (p != NULL)
            nombre_form_open(s, p);
        return true;
    case ACTION_OPEN:
        if (p != NULL)
            embudo_panel_show_member(s->a, p->id, p->login);
        return true;
    case ACTION_DISTRIBUTE:
        if (p != NULL)
            repartir_panel_open(s->a, p->login);
        return true;
    default:
        return cambios_model_action(&s->cm, act, s->cvm.page);
    }
}

/* ---- :usuarios: every user, with Equipo's forms on the cursor's ------------------------- */

/* Re-reads on notifications keep the database busy at most 1 / LISTA_PAUSA of the time. */
#define LISTA_PAUSA 20

struct lista_job {
    struct app_job base;
    unsigned gen;
    bool mostrar;
    struct db_usuario *rows;
    size_t n;
    struct equipo_st *st;
};

static int
lista_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct lista_job *j = (struct lista_job *)aj;

    return db_usuarios(db, &j->rows, &j->n, e);
}

static void
lista_take(struct equipo_st *s, const struct lista_job *j)
{
    struct usuarios_fila *f = j->n > 0 ? xcalloc(j->n, sizeof *f) : NULL;

    for (size_t i = 0; i < j->n; i++) {
        const struct db_usuario *r = &j->rows[i];

        copy_str(f[i].login, sizeof f[i].login, r->login);
        copy_str(f[i].nombre, sizeof f[i].nombre, r->nombre);
        copy_str(f[i].rol, sizeof f[i].rol, r->rol);
        copy_str(f[i].estado, sizeof f[i].estado, r->estado);
        copy_str(f[i].supervisor, sizeof f[i].supervisor, r->supervisor);
        f[i].cupo_diario = r->cupo_diario;
        f[i].cartera_max = r->cartera_max;
        f[i].activas = r->activas;
    }
    usuarios_model_take(&s->um, f, j->n);
}

static void
lista_result(struct app_job *aj)
{
    struct lista_job *j = (struct lista_job *)aj;
    struct equipo_st *s = j->st;

    switch (vista_lectura_llego(&s->lista, j->gen, j->mostrar, aj->rc)) {
    case VISTA_TOMAR:
        lista_take(s, j);
        break;
    case VISTA_FALLO:
        snprintf(s->um.error, sizeof s->um.error, "No se pudieron leer los usuarios: %s",
                 aj->e.msg);
        break;
    case VISTA_NADA:
        break;
    }
    app_redraw(s->a);
    vista_lectura_fin(&s->lista);
}

static void
lista_release(struct app_job *aj)
{
    struct lista_job *j = (struct lista_job *)aj;

    db_usuarios_free(j->rows, j->n);
    free(j);
}

/* vista_lectura's submit: the read for generation gen. */
static void
lista_submit(void *st, unsigned gen, bool mostrar)
{
    struct equipo_st *s = st;
    struct lista_job *j = xcalloc(1, sizeof *j);

    j->st = s;
    j->gen = gen;
    j->mostrar = mostrar;
    j->base.query = lista_query;
    j->base.result = lista_result;
    j->base.release = lista_release;
    app_submit(s->a, &j->base);
}

static bool
lista_abierta(void *st)
{
    return ((struct equipo_st *)st)->um.abierto;
}

/* The cursor's user as the forms and the record take a promoter (no id: not from the table). */
static bool
lista_target(const struct equipo_st *s, struct equipo_promotor *p)
{
    const struct usuarios_fila *f = usuarios_model_selected(&s->um);

    memset(p, 0, sizeof *p);
    if (f == NULL)
        return false;
    copy_str(p->login, sizeof p->login, f->login);
    copy_str(p->nombre, sizeof p->nombre, f->nombre);
    copy_str(p->estado, sizeof p->estado, f->estado);
    return true;
}

/* Keys while the list is shown: Esc, q go back to the team; e, n, h, A, and for a promoter l,
 * s and c, act on the cursor's user as on the table's row; the rest moves. */
static bool
lista_key(struct equipo_st *s, enum action act)
{
    const struct usuarios_fila *f = usuarios_model_selected(&s->um);
    struct equipo_promotor p;
    bool hay = lista_target(s, &p);

    switch ((int)act) {
    case ACTION_BACK:
    case ACTION_QUIT:
        s->um.abierto = false;
        vista_lectura_cerrar(&s->lista);
        return true;
    case ACTION_ITEM_ADD:
        admin_form_ask(s, NULL, act);
        return true;
    case ACTION_USER_STATE:
        if (hay)
            estado_form_open(s, &p);
        return true;
    case ACTION_USER_NAME:
        if (hay)
            nombre_form_open(s, &p);
        return true;
    case ACTION_USER_CHANGES:
        if (hay)
            cambios_show(s, &p);
        return true;
    case ACTION_USER_LIMITS:
    case ACTION_USER_SUPERVISOR:
    case ACTION_DISTRIBUTE:
        if (hay && strcmp(f->rol, "PROMOTOR") != 0)
            app_message(s->a, false,
                        "Solo un promotor tiene cupo, cartera, supervisor y clientes"
                        " que repartir.");
        else if (hay && act == ACTION_DISTRIBUTE)
            repartir_panel_open(s->a, p.login);
        else if (hay)
            admin_form_ask(s, &p, act);
        return true;
    case ACTION_OPEN:
        return true; /* (no embudo of its own to open from here: offers() leaves it out) */
    default:
        if (usuarios_model_move(&s->um, act, s->uvm.page)) {
            app_redraw(s->a);
            return true;
        }
        return false;
    }
}

static int
equipo_command(void *st, int argc, char **argv, struct err *e)
{
    struct equipo_st *s = st;

    (void)argc;
    if (strcmp(argv[0], "usuarios") != 0)
        return err_set(e, RC_INVAL, ":%s no se usa en el panel Equipo", argv[0]);
    s->cambios_open = false;
    cambios_model_fini(&s->cm);
    s->um.abierto = true;
    s->um.admin = app_profile(s->a) == VM_PROFILE_ADMIN;
    vista_lectura_pedir(&s->lista);
    app_redraw(s->a);
    return RC_OK;
}

/* While the list is shown, Enter (the table's «ver su embudo») has nothing to open, and c is for
 * a promoter's row only. */
static bool
equipo_offers(const void *st, enum action act)
{
    const struct equipo_st *s = st;
    const struct usuarios_fila *f;

    if (!s->um.abierto || s->cambios_open)
        return true;
    if (act == ACTION_OPEN)
        return false;
    if (act == ACTION_DISTRIBUTE || act == ACTION_USER_LIMITS || act == ACTION_USER_SUPERVISOR)
        return (f = usuarios_model_selected(&s->um)) != NULL && strcmp(f->rol, "PROMOTOR") == 0;
    return true;
}

/* ---- pane --------------------------------------------------------------------------- */

static void *
equipo_create(struct app *a)
{
    struct equipo_st *s = xcalloc(1, sizeof *s);

    s->a = a;
    equipo_model_init(&s->m);
    usuarios_model_init(&s->um);
    vista_lectura_init(&s->lista, a, LISTA_PAUSA, s, lista_submit, lista_abierta);
    return s;
}

static void
equipo_destroy(void *st)
{
    struct equipo_st *s = st;

    equipo_model_fini(&s->m);
    cambios_model_fini(&s->cm);
    usuarios_model_fini(&s->um);
    form_vm_fini(&s->form);
    opciones_free(s);
    free(s);
}

static void
equipo_enter(void *st)
{
    struct equipo_st *s = st;

    if (!s->m.loaded)
        equipo_load(s);
}

static bool
equipo_key(void *st, enum action act, const struct key *k)
{
    struct equipo_st *s = st;
    const struct equipo_promotor *p;

    (void)k;
    if (s->cambios_open)
        return cambios_key(s, act);
    if (s->um.abierto)
        return lista_key(s, act);
    if (act == ACTION_ITEM_ADD) {
        admin_form_ask(s, NULL, act);
        return true;
    }
    if (act == ACTION_USER_STATE || act == ACTION_USER_CHANGES || act == ACTION_USER_LIMITS ||
        act == ACTION_USER_SUPERVISOR || act == ACTION_USER_NAME) {
        if ((p = equipo_model_selected(&s->m)) == NULL)
            return true;
        if (act == ACTION_USER_STATE)
            estado_form_open(s, p);
        else if (act == ACTION_USER_NAME)
            nombre_form_open(s, p);
        else if (act == ACTION_USER_CHANGES)
            cambios_show(s, p);
        else
            admin_form_ask(s, p, act);
        return true;
    }
    if (act == ACTION_OPEN) {
        if ((p = equipo_model_selected(&s->m)) != NULL)
            embudo_panel_show_member(s->a, p->id, p->login);
        return true;
    }
    if (act == ACTION_DISTRIBUTE) {
        if ((p = equipo_model_selected(&s->m)) != NULL)
            repartir_panel_open(s->a, p->login);
        return true;
    }
    return equipo_model_action(&s->m, act, s->vm.page);
}

static bool
equipo_click(void *st, int y, int x)
{
    struct equipo_st *s = st;

    (void)x;
    if (s->cambios_open)
        return false;
    if (s->um.abierto)
        return vm_click_row(s->uvm.lines, s->uvm.nlines, y, &s->um.cur);
    return vm_click_row(s->vm.lines, s->vm.nlines, y, &s->m.cur);
}

static void
equipo_draw(void *st, struct pane *p)
{
    struct equipo_st *s = st;

    if (s->cambios_open) {
        s->cm.ascii = term_ascii();
        cambios_vm_build(&s->cvm, &s->cm, p->w, p->h);
        equipo_pane_draw_cambios(p, &s->cvm);
        return;
    }
    if (s->um.abierto) {
        s->um.ascii = term_ascii();
        usuarios_vm_build(&s->uvm, &s->um, p->w, p->h);
        equipo_pane_draw_usuarios(p, &s->uvm);
        return;
    }
    s->m.ascii = term_ascii();
    equipo_vm_build(&s->vm, &s->m, p->w, p->h);
    equipo_pane_draw(p, &s->vm);
}

static void
equipo_notify(void *st, const struct app_notify *n)
{
    struct equipo_st *s = st;

    if (s->m.loaded && (n->resync || n->tablas != 0))
        equipo_load(s);
    if (s->cambios_open && (n->resync || (n->tablas & APP_T_USUARIOS) != 0))
        cambios_load(s);
    vista_lectura_aviso(&s->lista, (n->tablas & (APP_T_USUARIOS | APP_T_OPORTUNIDADES)) != 0,
                        n->resync);
}

const struct pane_ops equipo_panel = {
    .name = "equipo",
    .title = "Equipo",
    .ctx = KEYMAP_EQUIPO,
    .roles = PANE_ROLES_VEN_EQUIPO,
    .keys = equipo_keys,
    .nkeys = sizeof equipo_keys / sizeof equipo_keys[0],
    .create = equipo_create,
    .destroy = equipo_destroy,
    .enter = equipo_enter,
    .key = equipo_key,
    .click = equipo_click,
    .draw = equipo_draw,
    .notify = equipo_notify,
    .command = equipo_command,
    .offers = equipo_offers,
};
