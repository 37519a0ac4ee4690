/*
 * detalle_panel — the "detalle" pane: one opportunity (chosen with Enter in the embudo),
 * re-read when the database notifies a change; m/x open the stage pickers, n the note form,
 * v the sale form, i the contact attempt form (outcome and note), t (supervisors and admins)
 * the "more time on the stage" form, a (supervisors and admins) the reassignment form once the
 * team is read (its other active promoters and a reason), b puts a phone of it in the
 * do-not-contact registry because the person asked (a form: which phone and an optional
 * detail, then a yes/no question), z (the owner, a promoter) asks the supervisor for a
 * prórroga — the stage timer waits until a date (a form: the date and a reason) — and Z
 * withdraws the one they asked for while it waits (a yes/no question), e corrects a captured
 * lead's name, phone or CURP (a form opened with them and a reason; only what changed is
 * sent, api.prospecto_corregir), E and X (supervisors and admins) correct and cancel the
 * sale in force of a won one (ui/panes_ventas.h), w (the owner, a promoter) answers the client on
 * WhatsApp while the client's 24 hours last (ui/panes_responder.h: the window is read with the
 * opportunity, and has() offers w only while it is open), d decides the newest of its answers in
 * doubt — the sender lost the ack, nobody knows whether it arrived — for the owner, her
 * supervisor or an admin (ui/panes_duda.h: sí le llegó, volver a enviar, descartar; offered only
 * while one is, and the data block warns of it), Esc goes back. The hint bar offers only
 * the keys that work on the opportunity shown (detalle_model_offers). The phones in force in the
 * registry show their entries, read with the opportunity (ui/panes_no_contactar.h); so is the date
 * the lender dropped the client from its padron (sql/087), which opens the data block with a
 * warning. A refusal from the api (quota, duplicate sale, closed opportunity…) is shown in the form
 * with the database's message and the form keeps its content; a lost connection says so the same
 * way, and Enter retries. An auditor reads it with none of those keys (keymap_add): Esc is its
 * one key.
 *
 * Loop thread only, except detalle_query (worker thread, the job's own fields).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/intento.h"
#include "db/db_tui.h"
#include "db/db_wa_respuesta.h"
#include "ui/pane/detalle_pane.h"
#include "ui/panes_db.h"
#include "ui/panes_duda.h"
#include "ui/panes_no_contactar.h"
#include "ui/panes_prorroga.h"
#include "ui/panes_responder.h"
#include "ui/panes_ventas.h"
#include "ui/term/term.h"
#include "ui/vm/detalle_vm.h"
#include "ui/vm/fecha.h"
#include "ui/vm/form_vm.h"
#include "util/xmalloc.h"

#define CH(c)                  \
    {                          \
        KK_CHAR, (uint32_t)(c) \
    }

static const struct keymap_entry detalle_keys[] = {
    /* First while it is offered (detalle_has: an answer in doubt the user may decide): it
     * counts against the account's daily cap, and the client may be waiting for it. */
    { KEYMAP_DETALLE, CH('d'), ACTION_UNCERTAIN_DECIDE, "decidir la respuesta en duda", true,
      KEYMAP_ESCRITURA },
    /* First: answering is what she came for from Inicio's inbox. Offered only while the
     * client's window is open (detalle_has). */
    { KEYMAP_DETALLE, CH('w'), ACTION_WA_REPLY, "responder por WhatsApp", true,
      KEYMAP_PERFIL(VM_PROFILE_PROMOTOR) },
    { KEYMAP_DETALLE, CH('m'), ACTION_MOVE_STAGE, "mover de etapa", true, KEYMAP_ESCRITURA },
    { KEYMAP_DETALLE, CH('n'), ACTION_NOTE, "nota", true, KEYMAP_ESCRITURA },
    { KEYMAP_DETALLE, CH('v'), ACTION_SALE, "venta", true, KEYMAP_ESCRITURA },
    { KEYMAP_DETALLE, CH('x'), ACTION_EXIT_STAGE, "salida (a la bandeja)", true, KEYMAP_ESCRITURA },
    { KEYMAP_DETALLE, CH('i'), ACTION_ATTEMPT, "intento", true, KEYMAP_ESCRITURA },
    { KEYMAP_DETALLE, CH('t'), ACTION_EXTEND, "más tiempo", true, KEYMAP_SOLO_SUPERVISION },
    { KEYMAP_DETALLE, CH('a'), ACTION_REASSIGN, "reasignar", true, KEYMAP_SOLO_SUPERVISION },
    /* A won one's sale in force (sql/092): offered in the bar only there, where the keys above
     * are not (detalle_offers). */
    { KEYMAP_DETALLE, CH('E'), ACTION_SALE_CORRECT, "corregir venta", true,
      KEYMAP_SOLO_SUPERVISION },
    { KEYMAP_DETALLE, CH('X'), ACTION_SALE_CANCEL, "cancelar venta", true,
      KEYMAP_SOLO_SUPERVISION },
    /* Not in the hint bar (full at 80 columns): "?" and :ayuda list it. */
    { KEYMAP_DETALLE, CH('b'), ACTION_NO_CONTACT, "no contactar (lo pidió la persona)", false,
      KEYMAP_ESCRITURA },
    /* A captured lead's name, phone or CURP typed wrong (sql/085): the owner, the supervisor,
     * an admin. In "?" and :ayuda, as b. */
    { KEYMAP_DETALLE, CH('e'), ACTION_CORRECT_DATA, "corregir datos", false, KEYMAP_ESCRITURA },
    /* Only the owner asks for a prórroga, and a promoter only sees their own. */
    { KEYMAP_DETALLE, CH('z'), ACTION_EXTENSION_ASK, "pedir prórroga", false,
      KEYMAP_PERFIL(VM_PROFILE_PROMOTOR) },
    /* Beside z: the requester withdraws it while the supervisor has not decided. */
    { KEYMAP_DETALLE, CH('Z'), ACTION_EXTENSION_CANCEL, "cancelar prórroga", false,
      KEYMAP_PERFIL(VM_PROFILE_PROMOTOR) },
    /* Enter chooses in the stage pickers, which only a move or an exit opens. */
    { KEYMAP_DETALLE, { KK_ENTER, 0 }, ACTION_OPEN, "elegir", false, KEYMAP_ESCRITURA },
    /* An auditor has none of the keys above: its hint bar offers the way back instead. */
    { KEYMAP_DETALLE, { KK_ESC, 0 }, ACTION_BACK, "volver", true, KEYMAP_SOLO_AUDITORIA },
};

struct detalle_st {
    struct app *a;
    struct detalle_model m;
    struct detalle_vm vm;
    int64_t id;
    char from[32];
    bool loading, again;
    struct form_vm form;
    bool form_open;
    enum panes_write_kind form_kind;
    char form_etapa[48]; /* the exit stage the reason form is for */
    /* reasignar: the team's other active promoters, "login · Nombre", for the form's choice */
    char (*equipo)[224];
    const char **equipo_ptr;
    size_t nequipo;
    bool equipo_loading;
    /* no contactar: the phones the form offers, as people read them and as stored */
    char nc_fmt[DETALLE_NC_TELEFONOS][24];
    const char *nc_ptr[DETALLE_NC_TELEFONOS];
    char nc_e164[DETALLE_NC_TELEFONOS][48];
    size_t nnc;
    /* corregir datos: what the form opened with (only what differs from it is sent) */
    struct detalle_correccion corr;
    struct panes_ventas pv; /* E and X: the sale's forms and their writes */
    struct panes_responder pr; /* w: the answer's form and its write */
    struct panes_duda duda;    /* d: the form deciding an answer in doubt, and its write */
};

struct detalle_job {
    struct app_job base;
    int64_t id;
    struct tui_etapa *etapas;
    size_t netapas;
    struct tui_detalle d;
    struct no_contactar_entrada *nc;
    size_t nnc;
    bool promotor; /* the user is a promoter: the WhatsApp window is read too */
    bool wa_leida; /* wa was read (her ABIERTA opportunity) */
    struct db_wa_ventana wa;
    struct detalle_st *st;
};

static int
detalle_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct detalle_job *j = (struct detalle_job *)aj;
    int rc = db_tui_etapas(db, &j->etapas, &j->netapas, e);

    if (rc == RC_OK)
        rc = db_tui_detalle(db, j->id, &j->d, e);
    /* Only an owner answers, and only on an ABIERTA one: nobody else's read asks. */
    if (rc == RC_OK && j->promotor && j->d.t.estado == TUI_ABIERTA)
        if ((rc = db_wa_ventana(db, j->id, &j->wa, e)) == RC_OK)
            j->wa_leida = true;
    return rc == RC_OK ? panes_nc_entradas(db, &j->d, &j->nc, &j->nnc, e) : rc;
}

static void
copy_detalle(struct detalle_data *d, const struct tui_detalle *t)
{
    memset(d, 0, sizeof *d);
    panes_card_from(&d->card, &t->t);
    snprintf(d->etapa, sizeof d->etapa, "%s", t->etapa);
    snprintf(d->usuario_nombre, sizeof d->usuario_nombre, "%s", t->usuario_nombre);
    snprintf(d->convenio_nombre, sizeof d->convenio_nombre, "%s", t->convenio_nombre);
    snprintf(d->entidad, sizeof d->entidad, "%s", t->entidad);
    snprintf(d->municipio, sizeof d->municipio, "%s", t->municipio);
    d->edad = t->edad;
    snprintf(d->curp, sizeof d->curp, "%s", t->curp);
    snprintf(d->rfc, sizeof d->rfc, "%s", t->rfc);
    snprintf(d->motivo_salida, sizeof d->motivo_salida, "%s", t->motivo_salida);
    snprintf(d->venta_folio, sizeof d->venta_folio, "%s", t->venta_folio);
    snprintf(d->venta_monto, sizeof d->venta_monto, "%s", t->venta_monto);
    snprintf(d->venta_producto, sizeof d->venta_producto, "%s", t->venta_producto);
    d->venta_cancelada = t->venta_cancelada;
    snprintf(d->venta_cancelada_el, sizeof d->venta_cancelada_el, "%s", t->venta_cancelada_fecha);
    snprintf(d->venta_motivo, sizeof d->venta_motivo, "%s", t->venta_motivo_cancelacion);
    d->venta_corregida = t->venta_corregida;
    d->prospecto = t->prospecto;
    snprintf(d->baja_padron, sizeof d->baja_padron, "%s", t->baja_padron_fecha);
}

/* The WhatsApp window read with the detail (db_wa_ventana), when it was. */
static void
copy_ventana(struct detalle_ventana *w, bool leida, const struct db_wa_ventana *v)
{
    w->leida = leida;
    if (!leida)
        return;
    w->hasta = v->hasta;
    snprintf(w->hasta_local, sizeof w->hasta_local, "%s", v->hasta_local);
    snprintf(w->codigo, sizeof w->codigo, "%s", v->codigo);
    snprintf(w->motivo, sizeof w->motivo, "%s", v->motivo);
    snprintf(w->telefono, sizeof w->telefono, "%s", v->telefono);
}

static void
copy_lists(struct detalle_data *d, const struct tui_detalle *t)
{
    d->ncontactos = t->ncontactos;
    d->contactos = t->ncontactos > 0 ? xcalloc(t->ncontactos, sizeof *d->contactos) : NULL;
    for (size_t i = 0; i < t->ncontactos; i++) {
        snprintf(d->contactos[i].tipo, sizeof d->contactos[i].tipo, "%s", t->contactos[i].tipo);
        snprintf(d->contactos[i].valor, sizeof d->contactos[i].valor, "%s", t->contactos[i].valor);
        d->contactos[i].vigente = t->contactos[i].vigente;
    }
    d->neventos = t->neventos;
    d->eventos = t->neventos > 0 ? xcalloc(t->neventos, sizeof *d->eventos) : NULL;
    for (size_t i = 0; i < t->neventos; i++) {
        struct detalle_evento *v = &d->eventos[i];
        const struct tui_evento *w = &t->eventos[i];

        snprintf(v->cuando, sizeof v->cuando, "%s", w->cuando);
        snprintf(v->evento, sizeof v->evento, "%s", w->evento);
        snprintf(v->etapa_anterior, sizeof v->etapa_anterior, "%s", w->etapa_anterior);
        snprintf(v->etapa_nueva, sizeof v->etapa_nueva, "%s", w->etapa_nueva);
        snprintf(v->login, sizeof v->login, "%s", w->login);
        snprintf(v->motivo, sizeof v->motivo, "%s", w->motivo);
        snprintf(v->resultado, sizeof v->resultado, "%s", w->resultado);
        for (int k = 0; k < 2; k++) {
            snprintf(v->venta_monto[k], sizeof v->venta_monto[k], "%s", w->venta_monto[k]);
            snprintf(v->venta_producto[k], sizeof v->venta_producto[k], "%s", w->venta_producto[k]);
            snprintf(v->venta_folio[k], sizeof v->venta_folio[k], "%s", w->venta_folio[k]);
        }
        snprintf(v->cerrada, sizeof v->cerrada, "%s", w->cerrada);
        v->mensaje_id = w->mensaje_id;
        v->incierto = w->incierto;
        v->ventana_hasta = w->ventana_hasta;
    }
}

static void detalle_load(struct detalle_st *s);

static void
detalle_result(struct app_job *aj)
{
    struct detalle_job *j = (struct detalle_job *)aj;
    struct detalle_st *s = j->st;
    struct detalle_data d;

    s->loading = false;
    s->m.promotor = j->promotor;
    s->m.lectura = app_profile(s->a) == VM_PROFILE_AUDITOR;
    if (j->id == s->id && j->base.rc == RC_OK) {
        s->m.nstages = panes_stages_from(s->m.stages, EMBUDO_MAX_STAGES, j->etapas, j->netapas);
        copy_detalle(&d, &j->d);
        copy_ventana(&d.wa, j->wa_leida, &j->wa);
        copy_lists(&d, &j->d);
        d.nc = j->nc;
        d.nnc = j->nnc;
        j->nc = NULL;
        detalle_model_take(&s->m, &d);
    } else if (j->id == s->id) {
        snprintf(s->m.error, sizeof s->m.error, "No se pudo leer la oportunidad: %s",
                 j->base.e.msg);
    }
    app_redraw(s->a);
    if (s->again || j->id != s->id) {
        s->again = false;
        detalle_load(s);
    }
}

static void
detalle_release(struct app_job *aj)
{
    struct detalle_job *j = (struct detalle_job *)aj;

    free(j->etapas);
    db_tui_detalle_fini(&j->d);
    free(j->nc);
    free(j);
}

static void
detalle_load(struct detalle_st *s)
{
    struct detalle_job *j;

    if (s->id == 0)
        return;
    if (s->loading) {
        s->again = true;
        return;
    }
    j = xcalloc(1, sizeof *j);
    j->st = s;
    j->id = s->id;
    j->promotor = app_profile(s->a) == VM_PROFILE_PROMOTOR;
    j->base.query = detalle_query;
    j->base.result = detalle_result;
    j->base.release = detalle_release;
    s->loading = true;
    app_submit(s->a, &j->base);
}

/* ---- forms -------------------------------------------------------------------------- */

static void
write_done(struct panes_write_job *j)
{
    struct detalle_st *s = j->ctx;

    if (j->base.rc == RC_OK) {
        if (s->form_open)
            app_form_close(s->a);
        app_message(s->a, false, "%s", j->msg);
        detalle_load(s);
    } else if (s->form_open) {
        form_vm_set_refusal(&s->form, j->base.e.msg); /* what was typed stays */
    } else {
        app_message(s->a, true, "%s", j->base.e.msg);
    }
    app_redraw(s->a);
}

/* ---- no contactar: which phone and a detail, then a yes/no question ---------------- */

/* A mark changes no table that notifies: every pane re-reads its marks. */
static void
nc_done(struct panes_write_job *j)
{
    struct detalle_st *s = j->ctx;

    write_done(j);
    if (j->base.rc == RC_OK)
        app_reread(s->a);
}

static void
nc_answer(struct app *a, bool yes, void *ctx)
{
    struct detalle_st *s = ctx;
    struct panes_write_job *j;
    const char *v = form_vm_value(&s->form, 0);
    size_t k = 0;

    if (!s->form_open)
        return;
    if (!yes) {
        app_redraw(a); /* back to the form, as typed */
        return;
    }
    s->form.sending = true; /* a second Enter never sends twice */
    while (k + 1 < s->nnc && strcmp(s->nc_fmt[k], v) != 0)
        k++;
    j = panes_write_new(PANES_NO_CONTACTAR);
    j->id = s->id;
    snprintf(j->telefono, sizeof j->telefono, "%s", s->nc_e164[k]);
    snprintf(j->texto, sizeof j->texto, "%s", form_vm_value(&s->form, 1));
    j->ctx = s;
    j->done = nc_done;
    panes_write_submit(a, j);
}

static void
nc_confirm(struct detalle_st *s, struct form_vm *f)
{
    char q[160];

    f->sending = false; /* nothing is sent until the answer is yes */
    snprintf(q, sizeof q, "¿Registrar %s en no contactar? Ya no recibirá campañas.",
             form_vm_value(f, 0));
    app_confirm_ask(s->a, q, nc_answer, s);
}

/* Corregir datos: the fields that changed, NULL for the others (the database compares too). */
static void
corregir_submit(struct detalle_st *s, struct form_vm *f)
{
    struct detalle_correccion escrito, enviar;
    struct panes_write_job *j;
    char why[ERR_MSG_BYTES];

    memset(&escrito, 0, sizeof escrito);
    snprintf(escrito.nombre, sizeof escrito.nombre, "%s", form_vm_value(f, 0));
    snprintf(escrito.telefono, sizeof escrito.telefono, "%s", form_vm_value(f, 1));
    snprintf(escrito.curp, sizeof escrito.curp, "%s", form_vm_value(f, 2));
    if (detalle_correccion_cambios(&s->corr, &escrito, &enviar, why, sizeof why) < 0) {
        form_vm_set_refusal(f, why);
        return;
    }
    j = panes_write_new(PANES_CORREGIR);
    j->id = s->id;
    j->ctx = s;
    j->done = write_done;
    snprintf(j->nombre, sizeof j->nombre, "%s", enviar.nombre);
    snprintf(j->telefono, sizeof j->telefono, "%s", enviar.telefono);
    snprintf(j->curp, sizeof j->curp, "%s", enviar.curp);
    snprintf(j->texto, sizeof j->texto, "%s", form_vm_value(f, 3));
    panes_write_submit(s->a, j);
}

static void
form_submit(void *ctx, struct form_vm *f)
{
    struct detalle_st *s = ctx;
    struct panes_write_job *j;

    if (!app_db_up(s->a)) {
        form_vm_set_refusal(f, "Sin conexión con la base de datos: no se puede guardar ahora."
                               " Lo escrito se conserva; Enter reintenta.");
        return;
    }
    if (s->form_kind == PANES_NO_CONTACTAR) {
        nc_confirm(s, f);
        return;
    }
    if (s->form_kind == PANES_CORREGIR) {
        corregir_submit(s, f);
        return;
    }
    j = panes_write_new(s->form_kind);
    j->id = s->id;
    j->ctx = s;
    j->done = write_done;
    if (s->form_kind == PANES_INTENTO) {
        const char *codigo = intento_codigo(form_vm_value(f, 0)); /* FORM_CHOICE: a label */

        snprintf(j->resultado, sizeof j->resultado, "%s", codigo != NULL ? codigo : "");
        snprintf(j->texto, sizeof j->texto, "%s", form_vm_value(f, 1));
    } else if (s->form_kind == PANES_EXTENDER) {
        j->horas = atoi(form_vm_value(f, 0)); /* FORM_INT: digits within 1..120 */
        snprintf(j->texto, sizeof j->texto, "%s", form_vm_value(f, 1));
    } else if (s->form_kind == PANES_REASIGNAR_OP) {
        const char *v = form_vm_value(f, 0); /* FORM_CHOICE: "login · Nombre" */

        snprintf(j->a_login, sizeof j->a_login, "%.*s", (int)strcspn(v, " "), v);
        j->ids = xcalloc(1, sizeof *j->ids);
        j->ids[0] = s->id;
        j->nids = 1;
        snprintf(j->texto, sizeof j->texto, "%s", form_vm_value(f, 1));
    } else if (s->form_kind == PANES_PRORROGA) {
        snprintf(j->reanudar, sizeof j->reanudar, "%s", form_vm_value(f, 0));
        snprintf(j->texto, sizeof j->texto, "%s", form_vm_value(f, 1));
    } else if (s->form_kind == PANES_VENTA) {
        snprintf(j->monto, sizeof j->monto, "%s", form_vm_value(f, 0));
        snprintf(j->producto, sizeof j->producto, "%s", form_vm_value(f, 1));
        snprintf(j->folio, sizeof j->folio, "%s", form_vm_value(f, 2));
    } else {
        snprintf(j->etapa, sizeof j->etapa, "%s", s->form_etapa);
        snprintf(j->texto, sizeof j->texto, "%s", form_vm_value(f, 0));
    }
    panes_write_submit(s->a, j);
}

static void
form_closed(void *ctx, struct form_vm *f)
{
    struct detalle_st *s = ctx;

    (void)f;
    s->form_open = false;
}

static const struct app_form_ops detalle_form_ops = { form_submit, form_closed };

/* The resume date: a day that exists, as the api takes it (the database checks the range). */
static bool
fecha_check(const char *v, char *msg, size_t msgsz)
{
    long dias;

    if (fecha_dias(v, &dias))
        return true;
    snprintf(msg, msgsz, "una fecha AAAA-MM-DD que exista");
    return false;
}

static void
form_open(struct detalle_st *s, enum panes_write_kind kind)
{
    struct form_field *f;
    char title[96];

    s->form_kind = kind;
    if (kind == PANES_INTENTO) {
        form_vm_init(&s->form, "Intento de contacto");
        if ((f = form_vm_add(&s->form, "Resultado", FORM_CHOICE, true, intento_etiquetas[0])) !=
            NULL) {
            f->choices = intento_etiquetas;
            f->nchoices = INTENTO_NRESULTADOS;
        }
        if ((f = form_vm_add(&s->form, "Nota", FORM_TEXT, false, NULL)) != NULL)
            f->max_len = 500;
    } else if (kind == PANES_EXTENDER) {
        form_vm_init(&s->form, "Más tiempo en la etapa (horas hábiles)");
        if ((f = form_vm_add(&s->form, "Horas", FORM_INT, true, NULL)) != NULL)
            f->min = 1, f->max = 120;
        if ((f = form_vm_add(&s->form, "Motivo", FORM_TEXT, true, NULL)) != NULL)
            f->min_len = 1, f->max_len = 500;
    } else if (kind == PANES_REASIGNAR_OP) {
        snprintf(title, sizeof title, "Reasignar la oportunidad %lld", (long long)s->id);
        form_vm_init(&s->form, title);
        if ((f = form_vm_add(&s->form, "Promotor", FORM_CHOICE, true, s->equipo_ptr[0])) != NULL) {
            f->choices = s->equipo_ptr;
            f->nchoices = s->nequipo;
        }
        if ((f = form_vm_add(&s->form, "Motivo", FORM_TEXT, true, NULL)) != NULL)
            f->min_len = 1, f->max_len = 500;
    } else if (kind == PANES_PRORROGA) {
        form_vm_init(&s->form, "Pedir prórroga");
        if ((f = form_vm_add(&s->form, "Reanudar el", FORM_TEXT, true, NULL)) != NULL) {
            f->min_len = 10;
            f->max_len = 10;
            f->check = fecha_check;
        }
        if ((f = form_vm_add(&s->form, "Motivo", FORM_TEXT, true, NULL)) != NULL)
            f->min_len = 1, f->max_len = 500;
    } else if (kind == PANES_VENTA) {
        form_vm_init(&s->form, "Registrar venta");
        form_vm_add(&s->form, "Monto", FORM_MONEY, true, NULL);
        if ((f = form_vm_add(&s->form, "Producto", FORM_TEXT, true, NULL)) != NULL)
            f->min_len = 1, f->max_len = 80;
        if ((f = form_vm_add(&s->form, "Folio", FORM_TEXT, true, NULL)) != NULL) {
            f->min_len = 1;
            f->max_len = 40;
            f->check = panes_folio_check;
        }
    } else {
        snprintf(title, sizeof title, "%s%s", kind == PANES_NOTA ? "Nota" : "Salida a ",
                 kind == PANES_NOTA ? "" : s->form_etapa);
        form_vm_init(&s->form, title);
        if ((f = form_vm_add(&s->form, kind == PANES_NOTA ? "Texto" : "Motivo", FORM_TEXT, true,
                             NULL)) != NULL)
            f->min_len = 1, f->max_len = kind == PANES_NOTA ? 2000 : 500;
    }
    s->form_open = true;
    app_form_open(s->a, &s->form, &detalle_form_ops, s);
}

/* The registry's form: the phones the person may ask about (detalle_nc_telefonos). */
static void
nc_form_open(struct detalle_st *s)
{
    const char *tel[DETALLE_NC_TELEFONOS];
    size_t n = detalle_nc_telefonos(&s->m.d, tel, DETALLE_NC_TELEFONOS);
    struct form_field *f;

    if (!app_require_db(s->a, "registrar el número en no contactar"))
        return;
    s->nnc = n < DETALLE_NC_TELEFONOS ? n : DETALLE_NC_TELEFONOS;
    for (size_t i = 0; i < s->nnc; i++) {
        snprintf(s->nc_e164[i], sizeof s->nc_e164[i], "%s", tel[i]);
        detalle_phone_fmt(s->nc_fmt[i], sizeof s->nc_fmt[i], tel[i]);
        s->nc_ptr[i] = s->nc_fmt[i];
    }
    s->form_kind = PANES_NO_CONTACTAR;
    form_vm_init(&s->form, "No contactar: lo pidió la persona");
    if ((f = form_vm_add(&s->form, "Teléfono", FORM_CHOICE, true, s->nc_ptr[0])) != NULL) {
        f->choices = s->nc_ptr;
        f->nchoices = s->nnc;
    }
    if ((f = form_vm_add(&s->form, "Detalle", FORM_TEXT, false, NULL)) != NULL)
        f->max_len = 500;
    s->form_open = true;
    app_form_open(s->a, &s->form, &detalle_form_ops, s);
}

/* ---- e: corregir datos — the lead's name, phone, CURP and a reason -------------------- */

static void
corregir_form_open(struct detalle_st *s)
{
    struct form_field *f;
    char title[64];

    if (!app_require_db(s->a, "corregir los datos"))
        return;
    detalle_correccion_de(&s->m.d, &s->corr);
    s->form_kind = PANES_CORREGIR;
    snprintf(title, sizeof title, "Corregir los datos de la oportunidad %lld", (long long)s->id);
    form_vm_init(&s->form, title);
    form_vm_set_note(&s->form, "Solo se corrige lo que cambie; el motivo queda en el historial.");
    if ((f = form_vm_add(&s->form, "Nombre completo", FORM_TEXT, true, s->corr.nombre)) != NULL)
        f->min_len = 2, f->max_len = 160;
    if ((f = form_vm_add(&s->form, "Teléfono", FORM_TEXT, true, s->corr.telefono)) != NULL) {
        f->max_len = 20;
        f->check = panes_telefono_check;
    }
    if ((f = form_vm_add(&s->form, "CURP", FORM_TEXT, false, s->corr.curp)) != NULL) {
        f->max_len = 18;
        f->check = panes_curp_check;
    }
    if ((f = form_vm_add(&s->form, "Motivo", FORM_TEXT, true, NULL)) != NULL)
        f->min_len = 3, f->max_len = 500;
    s->form_open = true;
    app_form_open(s->a, &s->form, &detalle_form_ops, s);
}

/* ---- Z: the requester withdraws a pending prórroga ------------------------------------ */

struct cancelar_job {
    struct app_job base;
    int64_t id; /* the opportunity */
    struct detalle_st *st;
};

static int
cancelar_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct cancelar_job *j = (struct cancelar_job *)aj;

    return panes_prorroga_cancelar(db, j->id, e);
}

/* The history row it writes notifies (APP_T_HISTORIAL): the pane re-reads through that. */
static void
cancelar_result(struct app_job *aj)
{
    struct cancelar_job *j = (struct cancelar_job *)aj;

    if (aj->rc == RC_OK)
        app_message(j->st->a, false, "Prórroga cancelada: el temporizador sigue como estaba.");
    else if (panes_err_is_down(&aj->e))
        app_message(j->st->a, true,
                    "No se pudo cancelar: sin conexión con la base de datos. Z reintenta.");
    else
        app_message(j->st->a, true, "No se pudo cancelar: %s", aj->e.msg);
}

static void
cancelar_answer(struct app *a, bool yes, void *ctx)
{
    struct detalle_st *s = ctx;
    struct cancelar_job *j;

    if (!yes || s->id == 0 || !app_require_db(a, "cancelar la prórroga"))
        return;
    j = xcalloc(1, sizeof *j);
    j->id = s->id;
    j->st = s;
    j->base.query = cancelar_query;
    j->base.result = cancelar_result;
    app_submit(a, &j->base);
}

static void
cancelar_ask(struct detalle_st *s)
{
    const char *fecha;
    char q[160];

    if (!app_require_db(s->a, "cancelar la prórroga"))
        return;
    (void)detalle_prorroga_pendiente(&s->m.d, &fecha);
    snprintf(q, sizeof q, "¿Cancelar su prórroga pedida%s%s? El supervisor ya no la verá.",
             fecha[0] != '\0' ? " hasta el " : "", fecha);
    app_confirm_ask(s->a, q, cancelar_answer, s);
}

/* ---- E, X: the sale in force (ui/panes_ventas.h) --------------------------------------- */

static void
venta_accion(struct detalle_st *s, enum detalle_intent intent)
{
    struct panes_venta v;

    memset(&v, 0, sizeof v);
    v.oportunidad_id = s->id;
    snprintf(v.folio, sizeof v.folio, "%s", s->m.d.venta_folio);
    snprintf(v.monto, sizeof v.monto, "%s", s->m.d.venta_monto);
    snprintf(v.producto, sizeof v.producto, "%s", s->m.d.venta_producto);
    if (intent == DETALLE_VENTA_CORREGIR)
        panes_ventas_corregir(&s->pv, &v);
    else
        panes_ventas_cancelar(&s->pv, &v);
}

/* After a sale's correction or cancellation, an answer queued or one in doubt decided: read it
 * now (its notification comes too). */
static void
escrito(void *ctx)
{
    detalle_load(ctx);
}

/* ---- pane --------------------------------------------------------------------------- */

static void
mover(struct detalle_st *s, const char *etapa)
{
    struct panes_write_job *j;

    if (!app_require_db(s->a, "mover la oportunidad"))
        return;
    j = panes_write_new(PANES_MOVER);
    j->id = s->id;
    snprintf(j->etapa, sizeof j->etapa, "%s", etapa);
    j->ctx = s;
    j->done = write_done;
    panes_write_submit(s->a, j);
}

/* ---- reasignar: the team first, then the form ------------------------------------------ */

struct equipo_job {
    struct app_job base;
    struct tui_promotor *prom;
    size_t nprom;
    struct detalle_st *st;
};

static int
equipo_query(struct db *db, struct app_job *aj, struct err *e)
{
    struct equipo_job *j = (struct equipo_job *)aj;

    return db_tui_promotores(db, &j->prom, &j->nprom, e);
}

static void
equipo_free(struct detalle_st *s)
{
    free(s->equipo);
    free(s->equipo_ptr);
    s->equipo = NULL;
    s->equipo_ptr = NULL;
    s->nequipo = 0;
}

/* The promoters it may go to: active ones other than its owner. */
static void
equipo_result(struct app_job *aj)
{
    struct equipo_job *j = (struct equipo_job *)aj;
    struct detalle_st *s = j->st;

    s->equipo_loading = false;
    if (aj->rc != RC_OK) {
        app_message(s->a, true, "No se pudo leer el equipo: %s", aj->e.msg);
        return;
    }
    equipo_free(s);
    s->equipo = xcalloc(j->nprom + 1, sizeof *s->equipo);
    s->equipo_ptr = xcalloc(j->nprom + 1, sizeof *s->equipo_ptr);
    for (size_t i = 0; i < j->nprom; i++) {
        if (strcmp(j->prom[i].login, s->m.d.card.login) == 0 ||
            strcmp(j->prom[i].estado, "ACTIVO") != 0)
            continue;
        /* The field shows ~28 columns: the login and the first given name fit. */
        snprintf(s->equipo[s->nequipo], sizeof s->equipo[0], "%s · %.*s", j->prom[i].login,
                 (int)strcspn(j->prom[i].nombre, " "), j->prom[i].nombre);
        s->equipo_ptr[s->nequipo] = s->equipo[s->nequipo];
        s->nequipo++;
    }
    if (s->nequipo == 0) {
        app_message(s->a, true, "No hay otro promotor activo a quien reasignarla.");
        return;
    }
    if (s->id != 0 && !s->form_open)
        form_open(s, PANES_REASIGNAR_OP);
}

static void
equipo_release(struct app_job *aj)
{
    struct equipo_job *j = (struct equipo_job *)aj;

    free(j->prom);
    free(j);
}

static void
reasignar(struct detalle_st *s)
{
    struct equipo_job *j;

    if (s->equipo_loading || !app_require_db(s->a, "reasignar"))
        return;
    j = xcalloc(1, sizeof *j);
    j->st = s;
    j->base.query = equipo_query;
    j->base.result = equipo_result;
    j->base.release = equipo_release;
    s->equipo_loading = true;
    app_submit(s->a, &j->base);
}

static bool
detalle_key(void *st, enum action act, const struct key *k)
{
    struct detalle_st *s = st;
    bool redraw = false;
    enum detalle_intent intent;
    const char *why;

    (void)k;
    s->m.admin = app_profile(s->a) == VM_PROFILE_ADMIN;
    s->m.promotor = app_profile(s->a) == VM_PROFILE_PROMOTOR;
    s->m.lectura = app_profile(s->a) == VM_PROFILE_AUDITOR;
    s->m.now = (int64_t)time(NULL);
    why = detalle_model_refusal(&s->m, act);
    if (why != NULL && !s->m.picking && s->id != 0 &&
        (act == ACTION_MOVE_STAGE || act == ACTION_EXIT_STAGE || act == ACTION_SALE ||
         act == ACTION_NOTE || act == ACTION_EXTEND || act == ACTION_ATTEMPT ||
         act == ACTION_REASSIGN || act == ACTION_NO_CONTACT || act == ACTION_EXTENSION_ASK ||
         act == ACTION_EXTENSION_CANCEL || act == ACTION_CORRECT_DATA ||
         act == ACTION_SALE_CORRECT || act == ACTION_SALE_CANCEL)) {
        app_message(s->a, true, "%s", why);
        return true;
    }
    if (act == ACTION_REASSIGN && !s->m.picking) {
        if (s->id != 0)
            reasignar(s);
        return true;
    }
    snprintf(s->m.yo, sizeof s->m.yo, "%s", app_login(s->a));
    switch (intent = detalle_model_action(&s->m, act, s->vm.page, &redraw)) {
    case DETALLE_MOVER:
        mover(s, s->m.intent_etapa);
        return true;
    case DETALLE_SALIDA:
        snprintf(s->form_etapa, sizeof s->form_etapa, "%s", s->m.intent_etapa);
        form_open(s, PANES_MOVER);
        return true;
    case DETALLE_NOTA:
        form_open(s, PANES_NOTA);
        return true;
    case DETALLE_VENTA:
        form_open(s, PANES_VENTA);
        return true;
    case DETALLE_EXTENDER:
        form_open(s, PANES_EXTENDER);
        return true;
    case DETALLE_INTENTO:
        form_open(s, PANES_INTENTO);
        return true;
    case DETALLE_NO_CONTACTAR:
        nc_form_open(s);
        return true;
    case DETALLE_PRORROGA:
        if (app_require_db(s->a, "pedir la prórroga"))
            form_open(s, PANES_PRORROGA);
        return true;
    case DETALLE_PRORROGA_CANCELAR:
        cancelar_ask(s);
        return true;
    case DETALLE_CORREGIR:
        corregir_form_open(s);
        return true;
    case DETALLE_VENTA_CORREGIR:
    case DETALLE_VENTA_CANCELAR:
        venta_accion(s, intent);
        return true;
    case DETALLE_RESPONDER:
        panes_responder_abrir(&s->pr, s->id, &s->m.d);
        return true;
    case DETALLE_DUDA:
        panes_duda_abrir(&s->duda, &s->m.d);
        return true;
    case DETALLE_AVISO:
        app_message(s->a, true, "%s", s->m.aviso);
        return true;
    case DETALLE_VOLVER:
        app_show_pane(s->a, s->from[0] != '\0' ? s->from : "embudo");
        return true;
    case DETALLE_NADA:
        break;
    }
    return redraw || s->m.picking;
}

static void *
detalle_create(struct app *a)
{
    struct detalle_st *s = xcalloc(1, sizeof *s);

    s->a = a;
    detalle_model_init(&s->m);
    panes_ventas_init(&s->pv, a, escrito, s);
    panes_responder_init(&s->pr, a, escrito, s);
    panes_duda_init(&s->duda, a, escrito, s);
    return s;
}

static void
detalle_destroy(void *st)
{
    struct detalle_st *s = st;

    detalle_model_fini(&s->m);
    equipo_free(s);
    form_vm_fini(&s->form);
    panes_ventas_fini(&s->pv);
    panes_responder_fini(&s->pr);
    panes_duda_fini(&s->duda);
    free(s);
}

static void
detalle_draw(void *st, struct pane *p)
{
    struct detalle_st *s = st;

    s->m.ascii = term_ascii();
    s->m.want = s->id;
    detalle_vm_build(&s->vm, &s->m, p->w, p->h);
    detalle_pane_draw(p, &s->vm);
}

static void
detalle_notify(void *st, const struct app_notify *n)
{
    struct detalle_st *s = st;

    if (s->id != 0 &&
        (n->resync || (n->tablas & (APP_T_OPORTUNIDADES | APP_T_HISTORIAL | APP_T_VENTAS |
                                    APP_T_SWEEP | APP_T_OTRA | APP_T_ETAPAS))))
        detalle_load(s);
}

/* w exists only while the client can be answered (the window read with the opportunity, and
 * the clock since): the hint bar, "?" and :ayuda leave it out otherwise; pressed anyway, it
 * says why. */
static bool
detalle_has(const void *st, enum action act)
{
    const struct detalle_st *s = st;

    return detalle_model_has(&s->m, act, (int64_t)time(NULL));
}

/* The hint bar offers what works on the opportunity shown. */
static bool
detalle_offers(const void *st, enum action act)
{
    const struct detalle_st *s = st;

    return detalle_model_offers(&s->m, act);
}

static int
detalle_command(void *st, int argc, char **argv, struct err *e)
{
    struct detalle_st *s = st;

    if (strcmp(argv[0], "mover") != 0 || argc < 2)
        return err_set(e, RC_INVAL, "uso: :mover ETAPA [motivo=TEXTO]");
    if (s->id == 0)
        return err_set(e, RC_INVAL, "no hay una oportunidad abierta");
    mover(s, argv[1]);
    return RC_OK;
}

void
detalle_panel_open(struct app *a, int64_t id, const char *from)
{
    struct detalle_st *s = app_pane_state(a, "detalle");

    if (s == NULL)
        return;
    if (s->id != id) {
        detalle_model_fini(&s->m);
        detalle_model_init(&s->m);
    }
    s->id = id;
    snprintf(s->from, sizeof s->from, "%s", from != NULL ? from : "embudo");
    detalle_load(s);
    app_show_pane(a, "detalle");
    app_redraw(a);
}

const struct pane_ops detalle_panel = {
    .name = "detalle",
    .title = "Detalle",
    .ctx = KEYMAP_DETALLE,
    .roles = PANE_ROLES_ALL,
    .keys = detalle_keys,
    .nkeys = sizeof detalle_keys / sizeof detalle_keys[0],
    .create = detalle_create,
    .destroy = detalle_destroy,
    .key = detalle_key,
    .draw = detalle_draw,
    .notify = detalle_notify,
    .command = detalle_command,
    .offers = detalle_offers,
    .has = detalle_has,
};
