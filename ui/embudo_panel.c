/*
 * embudo_panel — the "embudo" pane: the user's opportunities by stage (a supervisor's whole
 * team, an admin's or an auditor's everyone, or one member), re-read when the database
 * notifies a change. Enter opens the card in detalle; "/" filters the cards; ":buscar TEXTO"
 * searches the database (api.buscar: phone, CURP or name, closed ones too) and shows what it
 * found in place of the cards until Esc, Enter opening a row in detalle; ":ventas [DESDE
 * [HASTA]] [LOGIN]" lists the sales of a range the same way (ui/ventas_vista.h: E and X
 * correct and cancel one, for supervision); ":mover ETAPA" moves the card under the cursor; c
 * (promoters) captures a lead of one's own — a form, api.captar, and the new opportunity opens in
 * detalle; a refusal (a duplicate, a bad phone) stays in the form with what was typed. The form
 * names the privacy notice in force, which the promoter must give the lead (read when it opens;
 * sql/080). A card whose phone is in the do-not-contact registry carries «⊘ No contactar»: the
 * marks are read in the same job as the cards (ui/panes_no_contactar.h says how fresh they are).
 *
 * Loop thread only, except embudo_query (worker thread, the job's own fields).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_arco.h"
#include "db/db_buscar.h"
#include "db/db_tui.h"
#include "ui/app_internal.h"
#include "ui/pane/buscar_pane.h"
#include "ui/pane/embudo_pane.h"
#include "ui/panes_db.h"
#include "ui/panes_no_contactar.h"
#include "ui/term/term.h"
#include "ui/ventas_vista.h"
#include "ui/vm/form_vm.h"
#include "util/xmalloc.h"

#define CH(c)                  \
    {                          \
        KK_CHAR, (uint32_t)(c) \
    }

static const struct keymap_entry embudo_keys[] = {
    { KEYMAP_EMBUDO, { KK_ENTER, 0 }, ACTION_OPEN, "abrir", true, 0 },
    { KEYMAP_EMBUDO, CH('/'), ACTION_FILTER, "filtrar", true, 0 },
    { KEYMAP_EMBUDO, CH('s'), ACTION_SORT, "ordenar", true, 0 },
    { KEYMAP_EMBUDO, CH('v'), ACTION_TOGGLE_VIEW, "columnas/lista", true, 0 },
    { KEYMAP_EMBUDO, CH('u'), ACTION_PICK_MEMBER, "promotor (supervisión)", false,
      KEYMAP_VEN_EQUIPO },
    { KEYMAP_EMBUDO, CH('c'), ACTION_CAPTURE, "captar cliente", true,
      KEYMAP_PERFIL(VM_PROFILE_PROMOTOR) },
    /* The sale under the cursor of :ventas (sql/092); the cards' bar does not offer them. */
    { KEYMAP_EMBUDO, CH('E'), ACTION_SALE_CORRECT, "corregir venta", true,
      KEYMAP_SOLO_SUPERVISION },
    { KEYMAP_EMBUDO, CH('X'), ACTION_SALE_CANCEL, "cancelar venta", true, KEYMAP_SOLO_SUPERVISION },
    /* :ventas's month before and after, as Informe moves its range; in ? and in the list's own
     * line (the hint bar of a supervisor's list is full). */
    { KEYMAP_EMBUDO, CH('['), ACTION_PERIOD_PREV, "mes anterior (:ventas)", false, 0 },
    { KEYMAP_EMBUDO, CH(']'), ACTION_PERIOD_NEXT, "mes siguiente (:ventas)", false, 0 },
};

struct embudo_st {
    struct app *a;
    struct embudo_model m;
    struct embudo_vm vm;
    bool loading, again;       /* a read is in flight / another was asked meanwhile */
    int usuario_id;            /* whose embudo: 0 = everyone the user may see */
    struct tui_promotor *team; /* for ACTION_PICK_MEMBER */
    size_t nteam;
    struct form_vm form; /* captación */
    bool form_open;
    struct buscar_model bm; /* ":buscar": shown in place of the cards while bm.abierto */
    struct buscar_vm bvm;
    bool buscando;           /* a search is in flight */
    struct ventas_vista *vv; /* ":ventas": shown in place of the cards while open */
};

struct embudo_job {
    struct app_job base;
    int usuario_id;
    bool want_team;
    struct tui_etapa *etapas;
    size_t netapas;
    struct tui_tarjeta *cards;
    size_t ncards;
    struct tui_promotor *team;
    size_t nteam;
    int64_t *nc; /* the marked ones (sorted) */
    size_t nnc;
    int64_t *bp; /* the clients the lender dropped (ascending, sql/091) */
    size_t nbp;
    struct embudo_st *st;
};

/* A supervisor, an admin or an auditor: sees others' cards and picks whose embudo. */
static bool
supervising(const struct embudo_st *s)
{
    return vm_profile_sees_others(app_profile(s->a));
}

static int
embudo_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct embudo_job *j = (struct embudo_job *)aj;
    int rc = db_tui_etapas(db, &j->etapas, &j->netapas, e);

    if (rc == RC_OK)
        rc = db_tui_embudo(db, j->usuario_id, &j->cards, &j->ncards, e);
    if (rc == RC_OK)
        rc = panes_nc_marcas(db, &j->nc, &j->nnc, e);
    if (rc == RC_OK)
        rc = db_tui_baja_padron(db, &j->bp, &j->nbp, e);
    if (rc == RC_OK && j->want_team)
        rc = db_tui_promotores(db, &j->team, &j->nteam, e);
    return rc;
}

static void embudo_load(struct embudo_st *s);

/* What ":mover <Tab>" completes: the stages a card may be moved to by name. */
static void
complete_names(struct app *a, const struct embudo_model *m)
{
    const char *v[EMBUDO_MAX_STAGES];
    size_t n = 0;

    for (int i = 0; i < m->nstages; i++)
        if (!m->stages[i].venta)
            v[n++] = m->stages[i].nombre;
    app_complete_set(a, "etapa", v, n);
}

static void
embudo_apply(struct embudo_st *s, struct embudo_job *j)
{
    struct embudo_stage st[EMBUDO_MAX_STAGES];
    struct embudo_card *cards = j->ncards > 0 ? xcalloc(j->ncards, sizeof *cards) : NULL;

    embudo_model_set_stages(&s->m, st,
                            panes_stages_from(st, EMBUDO_MAX_STAGES, j->etapas, j->netapas));
    for (size_t i = 0; i < j->ncards; i++) {
        panes_card_from(&cards[i], &j->cards[i]);
        cards[i].no_contactar = no_contactar_ids_has(j->nc, j->nnc, cards[i].id);
        cards[i].baja_padron = no_contactar_ids_has(j->bp, j->nbp, cards[i].id);
    }
    embudo_model_take_cards(&s->m, cards, j->ncards);
    complete_names(s->a, &s->m);
    if (j->team != NULL) {
        free(s->team);
        s->team = j->team;
        s->nteam = j->nteam;
        j->team = NULL;
    }
    s->m.error[0] = '\0';
}

static void
embudo_result(struct app_job *aj)
{
    struct embudo_job *j = (struct embudo_job *)aj;
    struct embudo_st *s = j->st;

    s->loading = false;
    if (j->base.rc == RC_OK && j->usuario_id == s->usuario_id)
        embudo_apply(s, j);
    else if (j->base.rc != RC_OK)
        snprintf(s->m.error, sizeof s->m.error, "No se pudo leer el embudo: %s", j->base.e.msg);
    app_redraw(s->a);
    if (s->again || j->usuario_id != s->usuario_id) {
        s->again = false;
        embudo_load(s);
    }
}

static void
embudo_release(struct app_job *aj)
{
    struct embudo_job *j = (struct embudo_job *)aj;

    free(j->etapas);
    free(j->cards);
    free(j->team);
    free(j->nc);
    free(j->bp);
    free(j);
}

static void
embudo_load(struct embudo_st *s)
{
    struct embudo_job *j;

    if (s->loading) {
        s->again = true;
        return;
    }
    j = xcalloc(1, sizeof *j);
    j->st = s;
    j->usuario_id = s->usuario_id;
    j->want_team = supervising(s);
    j->base.query = embudo_query;
    j->base.result = embudo_result;
    j->base.release = embudo_release;
    s->loading = true;
    app_submit(s->a, &j->base);
}

static void *
embudo_create(struct app *a)
{
    struct embudo_st *s = xcalloc(1, sizeof *s);

    s->a = a;
    embudo_model_init(&s->m);
    buscar_model_init(&s->bm);
    s->vv = ventas_vista_new(a);
    return s;
}

static void
embudo_destroy(void *st)
{
    struct embudo_st *s = st;

    embudo_model_fini(&s->m);
    buscar_model_fini(&s->bm);
    ventas_vista_free(s->vv);
    form_vm_fini(&s->form);
    free(s->team);
    free(s);
}

static void
embudo_enter(void *st)
{
    struct embudo_st *s = st;

    s->m.show_owner = supervising(s) && s->usuario_id == 0;
    if (supervising(s) && s->usuario_id == 0)
        snprintf(s->m.scope, sizeof s->m.scope, "Equipo");
    if (!s->m.loaded)
        embudo_load(s);
}

/* Supervisors: everyone → each promoter in turn → everyone. */
static void
pick_member(struct embudo_st *s)
{
    size_t next = 0;

    if (!supervising(s) || s->nteam == 0) {
        app_message(s->a, false, "Solo un supervisor elige de quién es el embudo.");
        return;
    }
    for (size_t i = 0; i < s->nteam; i++)
        if (s->team[i].id == s->usuario_id)
            next = i + 1;
    if (s->usuario_id == 0)
        next = 0;
    else if (next >= s->nteam) {
        embudo_panel_show_member(s->a, 0, NULL);
        return;
    }
    embudo_panel_show_member(s->a, s->team[next].id, s->team[next].login);
}

/* ---- :buscar ------------------------------------------------------------------------ */

struct buscar_job {
    struct app_job base;
    char texto[256];
    bool quiet; /* a re-read of the results shown: no message */
    struct db_hallazgo *h;
    size_t n;
    struct embudo_st *st;
};

static int
buscar_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct buscar_job *j = (struct buscar_job *)aj;

    return db_buscar(db, j->texto, BUSCAR_LIMITE, &j->h, &j->n, e);
}

static void
buscar_result(struct app_job *aj)
{
    struct buscar_job *j = (struct buscar_job *)aj;
    struct embudo_st *s = j->st;
    struct buscar_fila *f;
    char msg[512];

    s->buscando = false;
    if (aj->rc != RC_OK) {
        if (!j->quiet)
            app_message(s->a, true, "%s%s",
                        aj->rc == RC_REFUSED ? "" : "No se pudo buscar: ", aj->e.msg);
        return;
    }
    if (j->n == 0 && !j->quiet) { /* the cards stay as they were */
        app_message(s->a, false, "%s", buscar_no_hay(msg, sizeof msg, j->texto));
        return;
    }
    if (j->quiet && !s->bm.abierto)
        return;
    f = j->n > 0 ? xcalloc(j->n, sizeof *f) : NULL;
    for (size_t i = 0; i < j->n; i++) {
        const struct db_hallazgo *h = &j->h[i];

        f[i].oportunidad_id = h->oportunidad_id;
        snprintf(f[i].cliente, sizeof f[i].cliente, "%s", h->cliente);
        snprintf(f[i].telefono, sizeof f[i].telefono, "%s", h->telefono);
        snprintf(f[i].etapa, sizeof f[i].etapa, "%s", h->etapa);
        snprintf(f[i].estado, sizeof f[i].estado, "%s", h->estado);
        snprintf(f[i].promotor, sizeof f[i].promotor, "%s", h->promotor);
        app_cuando(s->a, h->actualizada, f[i].cuando, sizeof f[i].cuando);
    }
    s->bm.ver_promotor = supervising(s);
    if (!j->quiet)
        ventas_vista_close(s->vv); /* one list at a time in place of the cards */
    buscar_model_take(&s->bm, j->texto, f, j->n);
    app_redraw(s->a);
}

static void
buscar_release(struct app_job *aj)
{
    struct buscar_job *j = (struct buscar_job *)aj;

    db_hallazgos_free(j->h, j->n);
    free(j);
}

static void
buscar_submit(struct embudo_st *s, const char *texto, bool quiet)
{
    struct buscar_job *j = xcalloc(1, sizeof *j);

    snprintf(j->texto, sizeof j->texto, "%s", texto);
    j->quiet = quiet;
    j->st = s;
    j->base.query = buscar_query;
    j->base.result = buscar_result;
    j->base.release = buscar_release;
    s->buscando = true;
    app_submit(s->a, &j->base);
}

/* ":buscar TEXTO…": the words joined by one blank, as typed between quotes. */
static int
buscar_command(struct embudo_st *s, int argc, char **argv, struct err *e)
{
    char texto[256] = "";

    if (argc < 2)
        return err_set(e, RC_INVAL,
                       "uso: :buscar TEXTO (un teléfono, una CURP o parte del nombre)");
    for (int i = 1; i < argc; i++)
        snprintf(texto + strlen(texto), sizeof texto - strlen(texto), "%s%s", i > 1 ? " " : "",
                 argv[i]);
    if (!app_require_db(s->a, "buscar"))
        return RC_OK;
    buscar_submit(s, texto, false);
    return RC_OK;
}

/* The cards' own actions, which wait for Esc while a list is shown in their place. */
static bool
de_tarjetas(enum action act)
{
    return act == ACTION_FILTER || act == ACTION_SORT || act == ACTION_TOGGLE_VIEW ||
           act == ACTION_PICK_MEMBER || act == ACTION_CAPTURE || act == ACTION_LEFT ||
           act == ACTION_RIGHT;
}

/* A card's key while a list is shown in their place: it says how to get back to them. */
static bool
tarjetas_key(struct embudo_st *s, enum action act, const char *que)
{
    if (!de_tarjetas(act))
        return false;
    app_message(s->a, false, "Está viendo %s: Esc vuelve a las tarjetas.", que);
    return true;
}

/* Keys while the results are shown: Enter opens, Esc goes back, the arrows move. */
static bool
buscar_key(struct embudo_st *s, enum action act)
{
    int64_t id;

    if (act == ACTION_OPEN) {
        if ((id = buscar_model_selected(&s->bm)) != 0)
            detalle_panel_open(s->a, id, "embudo");
        return true;
    }
    if (act == ACTION_BACK) {
        buscar_model_close(&s->bm);
        app_redraw(s->a);
        return true;
    }
    if (buscar_model_move(&s->bm, act, s->bvm.page)) {
        app_redraw(s->a);
        return true;
    }
    return tarjetas_key(s, act, "lo que encontró :buscar");
}

/* ---- captación ---------------------------------------------------------------------- */

static void
captar_done(struct panes_write_job *j)
{
    struct embudo_st *s = j->ctx;

    if (j->base.rc != RC_OK) {
        if (s->form_open)
            form_vm_set_refusal(&s->form, j->base.e.msg); /* what was typed stays */
        else
            app_message(s->a, true, "%s", j->base.e.msg);
        app_redraw(s->a);
        return;
    }
    if (s->form_open)
        app_form_close(s->a);
    app_message(s->a, false, "%s", j->msg);
    detalle_panel_open(s->a, j->id, "embudo");
}

static void
captar_submit(void *ctx, struct form_vm *f)
{
    struct embudo_st *s = ctx;
    struct panes_write_job *j;

    if (!app_db_up(s->a)) {
        form_vm_set_refusal(f, "Sin conexión con la base de datos: no se puede guardar ahora."
                               " Lo escrito se conserva; Enter reintenta.");
        return;
    }
    j = panes_write_new(PANES_CAPTAR);
    snprintf(j->texto, sizeof j->texto, "%s", form_vm_value(f, 0));
    snprintf(j->telefono, sizeof j->telefono, "%s", form_vm_value(f, 1));
    snprintf(j->convenio, sizeof j->convenio, "%s", form_vm_value(f, 2));
    snprintf(j->curp, sizeof j->curp, "%s", form_vm_value(f, 3));
    j->ctx = s;
    j->done = captar_done;
    panes_write_submit(s->a, j);
}

static void
captar_closed(void *ctx, struct form_vm *f)
{
    (void)f;
    ((struct embudo_st *)ctx)->form_open = false;
}

static const struct app_form_ops captar_form_ops = { captar_submit, captar_closed };

/* The privacy notice in force, for the captación form's note. */
struct aviso_job {
    struct app_job base;
    struct embudo_st *st;
    char nota[256];
};

static int
aviso_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct aviso_job *j = (struct aviso_job *)aj;
    struct db_aviso *rows = NULL;
    size_t n = 0;
    int rc = db_avisos(db, &rows, &n, e);

    snprintf(j->nota, sizeof j->nota,
             "No hay un aviso de privacidad vigente: pida a su administrador que lo publique.");
    for (size_t i = 0; rc == RC_OK && i < n; i++)
        if (rows[i].vigente)
            snprintf(j->nota, sizeof j->nota,
                     "Antes de capturar, informe el aviso de privacidad %s: %s", rows[i].version,
                     rows[i].ubicacion);
    db_avisos_free(rows, n);
    return rc;
}

/* A failed read leaves the form without a note: captación does not depend on it. */
static void
aviso_result(struct app_job *aj)
{
    struct aviso_job *j = (struct aviso_job *)aj;

    if (aj->rc != RC_OK || !j->st->form_open)
        return;
    form_vm_set_note(&j->st->form, j->nota);
    app_redraw(j->st->a);
}

static void
captar_form(struct embudo_st *s)
{
    struct form_field *f;
    struct aviso_job *aj;

    if (!app_require_db(s->a, "captar"))
        return;
    form_vm_init(&s->form, "Captar un cliente");
    if ((f = form_vm_add(&s->form, "Nombre completo", FORM_TEXT, true, NULL)) != NULL)
        f->min_len = 2, f->max_len = 160;
    if ((f = form_vm_add(&s->form, "Teléfono", FORM_TEXT, true, NULL)) != NULL) {
        f->max_len = 20;
        f->check = panes_telefono_check;
    }
    if ((f = form_vm_add(&s->form, "Convenio (clave)", FORM_TEXT, false, NULL)) != NULL)
        f->max_len = 20;
    if ((f = form_vm_add(&s->form, "CURP", FORM_TEXT, false, NULL)) != NULL) {
        f->max_len = 18;
        f->check = panes_curp_check;
    }
    s->form_open = true;
    app_form_open(s->a, &s->form, &captar_form_ops, s);
    aj = xcalloc(1, sizeof *aj);
    aj->st = s;
    aj->base.query = aviso_query;
    aj->base.result = aviso_result;
    app_submit(s->a, &aj->base);
}

static bool
embudo_key(void *st, enum action act, const struct key *k)
{
    struct embudo_st *s = st;
    const struct embudo_card *c;

    if (ventas_vista_abierta(s->vv))
        return ventas_vista_key(s->vv, act) || tarjetas_key(s, act, "las ventas");
    if (s->bm.abierto)
        return buscar_key(s, act);
    if (act == ACTION_SALE_CORRECT || act == ACTION_SALE_CANCEL) {
        app_message(s->a, false,
                    "Una venta se corrige o se cancela desde :ventas o desde su"
                    " Detalle.");
        return true;
    }
    /* While "/" is open every key edits the filter, except the arrows (not j/k). */
    if (s->m.filtering && !(k->kind != KK_CHAR && (act == ACTION_UP || act == ACTION_DOWN ||
                                                   act == ACTION_LEFT || act == ACTION_RIGHT))) {
        embudo_model_filter_key(&s->m, k);
        return true;
    }
    if (act == ACTION_OPEN) {
        if ((c = embudo_model_selected(&s->m)) != NULL)
            detalle_panel_open(s->a, c->id, "embudo");
        return true;
    }
    if (act == ACTION_PICK_MEMBER) {
        pick_member(s);
        return true;
    }
    if (act == ACTION_CAPTURE) {
        captar_form(s);
        return true;
    }
    return embudo_model_action(&s->m, act, s->vm.page);
}

/* A click goes to what is shown: :ventas's list, :buscar's results, or the cards. */
static bool
embudo_click(void *st, int y, int x)
{
    struct embudo_st *s = st;

    if (ventas_vista_abierta(s->vv))
        return ventas_vista_click(s->vv, y);
    if (s->bm.abierto)
        return vm_click_row(s->bvm.lines, s->bvm.nlines, y, &s->bm.cur);
    return embudo_vm_click(&s->vm, &s->m, y, x);
}

static void
embudo_draw(void *st, struct pane *p)
{
    struct embudo_st *s = st;

    s->m.ascii = term_ascii();
    if (ventas_vista_abierta(s->vv)) {
        ventas_vista_draw(s->vv, p);
        return;
    }
    if (s->bm.abierto) {
        s->bm.ascii = s->m.ascii;
        buscar_vm_build(&s->bvm, &s->bm, p->w, p->h);
        buscar_pane_draw(p, &s->bvm);
        return;
    }
    s->m.nrespuestas = app_home_respuestas(s->a, &s->m.respuestas); /* «✉»: Inicio's read */
    embudo_vm_build(&s->vm, &s->m, p->w, p->h);
    s->m.respuestas = NULL; /* borrowed for the build only */
    s->m.nrespuestas = 0;
    embudo_pane_draw(p, &s->vm);
}

static void
embudo_notify(void *st, const struct app_notify *n)
{
    struct embudo_st *s = st;
    unsigned rel = APP_T_OPORTUNIDADES | APP_T_HISTORIAL | APP_T_LOTES | APP_T_VENTAS |
                   APP_T_SWEEP | APP_T_OTRA;
    /* The sweep's rounds and the stages themselves (sql/095) concern every kanban. */
    unsigned todos = APP_T_SWEEP | APP_T_ETAPAS;

    if (n->resync || (n->tablas & todos) != 0 ||
        ((n->tablas & rel) != 0 && (n->mine || supervising(s)))) {
        embudo_load(s);
        /* The results shown follow too (a stage moved, an opportunity closed). */
        if (s->bm.abierto && !s->buscando && (n->tablas & ~(unsigned)APP_T_SWEEP) != 0)
            buscar_submit(s, s->bm.texto, true);
    }
    ventas_vista_notify(s->vv, n);
}

static int
embudo_command(void *st, int argc, char **argv, struct err *e)
{
    struct embudo_st *s = st;
    const struct embudo_card *c = embudo_model_selected(&s->m);
    struct panes_write_job *j;

    if (strcmp(argv[0], "buscar") == 0)
        return buscar_command(s, argc, argv, e);
    if (strcmp(argv[0], "ventas") == 0) {
        buscar_model_close(&s->bm); /* one list at a time in place of the cards */
        return ventas_vista_command(s->vv, argc, argv, e);
    }
    if (strcmp(argv[0], "mover") != 0 || argc < 2)
        return err_set(e, RC_INVAL, "uso: :mover ETAPA [motivo=TEXTO]");
    if (c == NULL)
        return err_set(e, RC_INVAL, "no hay una oportunidad elegida");
    if (!app_require_db(s->a, "mover la oportunidad"))
        return RC_OK;
    j = panes_write_new(PANES_MOVER);
    j->id = c->id;
    snprintf(j->etapa, sizeof j->etapa, "%s", argv[1]);
    for (int i = 2; i < argc; i++)
        if (strncmp(argv[i], "motivo=", 7) == 0)
            snprintf(j->texto, sizeof j->texto, "%s", argv[i] + 7);
    panes_write_submit(s->a, j); /* the notification re-reads the embudo */
    return RC_OK;
}

/* While :buscar's results or :ventas's list are shown, the cards' keys wait for Esc; the sale
 * keys work only in the list, on a sale in force, and [ ] only in the list. */
static bool
embudo_offers(const void *st, enum action act)
{
    const struct embudo_st *s = st;

    if (act == ACTION_SALE_CORRECT || act == ACTION_SALE_CANCEL || act == ACTION_PERIOD_PREV ||
        act == ACTION_PERIOD_NEXT)
        return ventas_vista_abierta(s->vv) && ventas_vista_offers(s->vv, act);
    return !(ventas_vista_abierta(s->vv) || s->bm.abierto) || !de_tarjetas(act);
}

void
embudo_panel_show_member(struct app *a, int usuario_id, const char *login)
{
    struct embudo_st *s = app_pane_state(a, "embudo");

    if (s == NULL)
        return;
    buscar_model_close(&s->bm); /* Equipo's Enter shows the member's cards */
    ventas_vista_close(s->vv);
    s->usuario_id = usuario_id;
    s->m.show_owner = usuario_id == 0;
    snprintf(s->m.scope, sizeof s->m.scope, "%s",
             usuario_id == 0 ? "Equipo" : (login != NULL ? login : "promotor"));
    embudo_load(s);
    app_show_pane(a, "embudo");
    app_redraw(a);
}

const struct pane_ops embudo_panel = {
    .name = "embudo",
    .title = "Embudo",
    .ctx = KEYMAP_EMBUDO,
    .roles = PANE_ROLES_ALL,
    .keys = embudo_keys,
    .nkeys = sizeof embudo_keys / sizeof embudo_keys[0],
    .create = embudo_create,
    .destroy = embudo_destroy,
    .enter = embudo_enter,
    .key = embudo_key,
    .click = embudo_click,
    .draw = embudo_draw,
    .notify = embudo_notify,
    .command = embudo_command,
    .offers = embudo_offers,
};
