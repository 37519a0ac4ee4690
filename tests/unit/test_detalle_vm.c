/*
 * test_detalle_vm — the detalle pane: +52 phone formatting, history labels with the stage
 * names as written, the layout at 80×24 and 160×50, the stage pickers, which actions each
 * estado allows, scrolling, and the not-yet-read and error states; a phone in the
 * do-not-contact registry (tag beside the stage and the phone, its entries under it) and
 * which phones the "no contactar" key offers; a client the lender no longer lists (the aviso
 * and its date); a prórroga: asked, pending, withdrawn; correcting a captured lead's data: the
 * history row, who may, the form's data and what is sent; the client's WhatsApp replies; a
 * sale in force, corrected or cancelled (sql/092): the data block, the history and its keys;
 * an answer in doubt: the history's state, the data block's warning, who decides it, the
 * form (newest first) and the bottom bar's sentence.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ui/vm/detalle_vm.h"

static struct detalle_vm vm; /* large: static, the test thread only */

static const struct embudo_stage stages[] = {
    { 1, false, "Nuevo", false, 0 },        { 2, false, "Contactado", false, 0 },
    { 3, false, "Interesado", false, 0 },   { 4, false, "En trámite", false, 0 },
    { 5, true, "No localizado", false, 2 }, { 6, true, "No interesado", false, 0 },
    { 8, false, "Venta", true, 0 },
};

static int
setup_utf8(void **st)
{
    (void)st;
    return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

static void
add_evento(struct detalle_data *d, const char *cuando, const char *evento, const char *antes,
           const char *despues, const char *login, const char *motivo)
{
    struct detalle_evento *e = &d->eventos[d->neventos++];

    memset(e, 0, sizeof *e); /* the arrays grow with realloc: no field is left as it was */
    snprintf(e->cuando, sizeof e->cuando, "%s", cuando);
    snprintf(e->evento, sizeof e->evento, "%s", evento);
    snprintf(e->etapa_anterior, sizeof e->etapa_anterior, "%s", antes);
    snprintf(e->etapa_nueva, sizeof e->etapa_nueva, "%s", despues);
    snprintf(e->login, sizeof e->login, "%s", login);
    snprintf(e->motivo, sizeof e->motivo, "%s", motivo);
}

static void
model_new(struct detalle_model *m, enum embudo_estado estado)
{
    struct detalle_data d;

    detalle_model_init(m);
    memcpy(m->stages, stages, sizeof stages);
    m->nstages = (int)(sizeof stages / sizeof stages[0]);
    memset(&d, 0, sizeof d);
    d.card.id = 123;
    d.card.etapa_id = 2;
    d.card.estado = estado;
    d.card.con_timer = estado == EMBUDO_ABIERTA;
    d.card.restante = 3.3333333;
    d.card.timer_horas = 48;
    d.card.aviso_pct = 75;
    snprintf(d.card.cliente, sizeof d.card.cliente, "María Guadalupe López Núñez");
    snprintf(d.card.convenio, sizeof d.card.convenio, "IMSS");
    snprintf(d.card.login, sizeof d.card.login, "prom1");
    snprintf(d.etapa, sizeof d.etapa, "Contactado");
    snprintf(d.usuario_nombre, sizeof d.usuario_nombre, "José Luis Hernández García");
    snprintf(d.convenio_nombre, sizeof d.convenio_nombre, "Instituto Mexicano del Seguro Social");
    snprintf(d.entidad, sizeof d.entidad, "Ciudad de México");
    snprintf(d.municipio, sizeof d.municipio, "Coyoacán");
    d.edad = 45;
    snprintf(d.curp, sizeof d.curp, "LONM800101MDFPXR09");
    d.contactos = calloc(3, sizeof *d.contactos);
    d.ncontactos = 3;
    snprintf(d.contactos[0].tipo, 16, "CELULAR");
    snprintf(d.contactos[0].valor, 96, "+525512345678");
    d.contactos[0].vigente = true;
    snprintf(d.contactos[1].tipo, 16, "FIJO");
    snprintf(d.contactos[1].valor, 96, "+522221234567");
    snprintf(d.contactos[2].tipo, 16, "EMAIL");
    snprintf(d.contactos[2].valor, 96, "maria@example.mx");
    d.contactos[2].vigente = true;
    d.eventos = calloc(4, sizeof *d.eventos);
    /* The stage was renamed since: the history keeps the name it had. */
    add_evento(&d, "27/11/26 10:42", "ASIGNADA", "", "Nuevo", "prom1", "");
    add_evento(&d, "27/11/26 11:00", "TRANSICION", "Nuevo", "Primer contacto", "prom1",
               "contestó, pide informes");
    add_evento(&d, "28/11/26 09:10", "NOTA", "Primer contacto", "", "prom1",
               "llamar el lunes a las 10");
    add_evento(&d, "28/11/26 09:30", "TIMER_AVISO", "", "", "", "");
    detalle_model_take(m, &d);
    assert_null(d.eventos); /* ownership moved */
}

static void
test_phones_are_written_for_people(void **st)
{
    char buf[64];

    (void)st;
    detalle_phone_fmt(buf, sizeof buf, "+525512345678");
    assert_string_equal(buf, "+52 55 1234 5678");
    detalle_phone_fmt(buf, sizeof buf, "+523398765432");
    assert_string_equal(buf, "+52 33 9876 5432");
    detalle_phone_fmt(buf, sizeof buf, "+522221234567");
    assert_string_equal(buf, "+52 222 123 4567");
    detalle_phone_fmt(buf, sizeof buf, "5512345678"); /* not stored E.164: as it is */
    assert_string_equal(buf, "5512345678");
    detalle_phone_fmt(buf, sizeof buf, "+52551234567X");
    assert_string_equal(buf, "+52551234567X");
}

static void
test_history_labels(void **st)
{
    struct detalle_evento e = { .evento = "A_BANDEJA",
                                .etapa_anterior = "Nuevo",
                                .etapa_nueva = "No localizado" };
    char buf[128];

    (void)st;
    detalle_evento_label(buf, sizeof buf, &e, false);
    assert_string_equal(buf, "A bandeja: Nuevo → No localizado");
    snprintf(e.evento, sizeof e.evento, "REASIGNADA");
    snprintf(e.etapa_nueva, sizeof e.etapa_nueva, "Nuevo");
    detalle_evento_label(buf, sizeof buf, &e, false);
    assert_string_equal(buf, "Reasignada → Nuevo");
    snprintf(e.evento, sizeof e.evento, "TIMER_VENCIDO");
    e.etapa_nueva[0] = '\0';
    detalle_evento_label(buf, sizeof buf, &e, false);
    assert_string_equal(buf, "Timer vencido: de vuelta al pool");
    snprintf(e.evento, sizeof e.evento, "TRANSICION");
    snprintf(e.etapa_nueva, sizeof e.etapa_nueva, "Contactado");
    detalle_evento_label(buf, sizeof buf, &e, true); /* no UTF-8: an ASCII arrow */
    assert_string_equal(buf, "Nuevo -> Contactado");
    snprintf(e.evento, sizeof e.evento, "TIMER_RECALCULADO"); /* sql/093: stays in its stage */
    detalle_evento_label(buf, sizeof buf, &e, false);
    assert_string_equal(buf, "Timer recalculado");
    snprintf(e.evento, sizeof e.evento, "TIMER_EXTENDIDO");
    detalle_evento_label(buf, sizeof buf, &e, false);
    assert_string_equal(buf, "Timer extendido por el supervisor");
    snprintf(e.evento, sizeof e.evento, "NO_CONTACTAR"); /* sql/076 */
    e.etapa_nueva[0] = '\0';
    detalle_evento_label(buf, sizeof buf, &e, false);
    assert_string_equal(buf, "Alta en no contactar");
    snprintf(e.evento, sizeof e.evento, "NO_CONTACTAR_FIN");
    detalle_evento_label(buf, sizeof buf, &e, false);
    assert_string_equal(buf, "Baja de no contactar");
    snprintf(e.evento, sizeof e.evento, "WA_ENVIADO"); /* unknown: the code itself */
    e.etapa_nueva[0] = '\0';
    detalle_evento_label(buf, sizeof buf, &e, false);
    assert_string_equal(buf, "WA_ENVIADO");
}

static void
test_layout_at_80x24(void **st)
{
    struct detalle_model m;
    char *r;

    (void)st;
    model_new(&m, EMBUDO_ABIERTA);
    detalle_vm_build(&vm, &m, 80, 24);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_string_equal(
        r, " María Guadalupe López Núñez                                               #123\n"
           " Contactado   ◐ 3 h 20 m hábiles\n"
           "\n"
           " Convenio  IMSS — Instituto Mexicano del Seguro Social\n"
           " Entidad   Ciudad de México · Coyoacán\n"
           " Edad      45 años\n"
           " RFC       —\n"
           " CURP      LONM800101MDFPXR09\n"
           " Promotor  prom1 (José Luis Hernández García)\n"
           " Intentos  ninguno\n"
           "\n"
           " Contactos\n"
           "   Celular   +52 55 1234 5678\n"
           "   Fijo      +52 222 123 4567 (no vigente)\n"
           "   Correo    maria@example.mx\n"
           "\n"
           " Notas\n"
           "   28/11/26 09:10  prom1: llamar el lunes a las 10\n"
           "\n"
           " Historial\n"
           "   27/11/26 10:42  Asignada → Nuevo  prom1\n"
           "   27/11/26 11:00  Nuevo → Primer contacto  prom1\n"
           "                   «contestó, pide informes»\n"
           "   28/11/26 09:30  Aviso: el timer pasó el umbral  sistema\n");
    free(r);
    assert_int_equal(vm.lines[1].spans[1].role, ROLE_TIMER_WARN); /* 93 % of 48 h used */
    assert_int_equal(vm.lines[13].spans[1].role, ROLE_MUTED);     /* not vigente */
    assert_int_equal(vm.content, 21);
    assert_int_equal(vm.pick_box.h, 0);
    detalle_model_fini(&m);
}

static void
test_wide_terminal_puts_the_timeline_on_the_right(void **st)
{
    struct detalle_model m;

    (void)st;
    model_new(&m, EMBUDO_ABIERTA);
    detalle_vm_build(&vm, &m, 160, 50);
    assert_int_equal(vm.lines[3].nspans, 3);
    assert_string_equal(vm.lines[3].spans[2].text, "Historial");
    assert_int_equal(vm.lines[3].spans[2].col, 81);
    assert_string_equal(vm.lines[5].spans[3].text, "Nuevo → Primer contacto");
    assert_string_equal(vm.lines[6].spans[2].text, "«contestó, pide informes»");
    assert_string_equal(vm.lines[0].spans[1].text, "#123");
    assert_int_equal(vm.lines[0].spans[1].col, 155);
    assert_int_equal(vm.content, 15);
    detalle_model_fini(&m);
}

static void
test_move_picker_offers_other_working_stages_and_returns_the_choice(void **st)
{
    struct detalle_model m;
    bool redraw;
    char *d;

    (void)st;
    model_new(&m, EMBUDO_ABIERTA);
    assert_int_equal(detalle_model_action(&m, ACTION_MOVE_STAGE, 10, &redraw), DETALLE_NADA);
    assert_true(redraw);
    assert_true(m.picking);
    detalle_vm_build(&vm, &m, 80, 24);
    d = detalle_vm_dump(&vm);
    assert_non_null(strstr(d, "pick 1,2 5x34 Mover a la etapa \n"
                              "0.2 cursor|Nuevo                         \n"
                              "1.2 text|Interesado                    \n"
                              "2.2 text|En trámite                    \n"));
    free(d);
    assert_int_equal(detalle_model_action(&m, ACTION_DOWN, 10, &redraw), DETALLE_NADA);
    assert_int_equal(detalle_model_action(&m, ACTION_DOWN, 10, &redraw), DETALLE_NADA);
    assert_true(redraw);
    assert_int_equal(detalle_model_action(&m, ACTION_DOWN, 10, &redraw), DETALLE_NADA);
    assert_false(redraw); /* the last one */
    assert_int_equal(detalle_model_action(&m, ACTION_OPEN, 10, &redraw), DETALLE_MOVER);
    assert_string_equal(m.intent_etapa, "En trámite");
    assert_false(m.picking);
    /* Exit picker: only SALIDA stages; Esc closes it without choosing. */
    assert_int_equal(detalle_model_action(&m, ACTION_EXIT_STAGE, 10, &redraw), DETALLE_NADA);
    assert_int_equal(m.npicks, 2);
    assert_int_equal(detalle_model_action(&m, ACTION_BACK, 10, &redraw), DETALLE_NADA);
    assert_false(m.picking);
    assert_int_equal(detalle_model_action(&m, ACTION_EXIT_STAGE, 10, &redraw), DETALLE_NADA);
    assert_int_equal(detalle_model_action(&m, ACTION_DOWN, 10, &redraw), DETALLE_NADA);
    assert_int_equal(detalle_model_action(&m, ACTION_CONFIRM, 10, &redraw), DETALLE_SALIDA);
    assert_string_equal(m.intent_etapa, "No interesado");
    /* Outside the picker Esc backs out of the pane. */
    assert_int_equal(detalle_model_action(&m, ACTION_BACK, 10, &redraw), DETALLE_VOLVER);
    assert_int_equal(detalle_model_action(&m, ACTION_NOTE, 10, &redraw), DETALLE_NOTA);
    assert_int_equal(detalle_model_action(&m, ACTION_SALE, 10, &redraw), DETALLE_VENTA);
    detalle_model_fini(&m);
}

static void
test_bandeja_and_closed_opportunities_take_notes_only(void **st)
{
    struct detalle_model m;
    bool redraw;

    (void)st;
    model_new(&m, EMBUDO_EN_BANDEJA);
    assert_string_equal(detalle_model_refusal(&m, ACTION_MOVE_STAGE),
                        "Está en la bandeja del supervisor: él decide qué sigue.");
    assert_int_equal(detalle_model_action(&m, ACTION_MOVE_STAGE, 10, &redraw), DETALLE_NADA);
    assert_false(m.picking);
    assert_null(detalle_model_refusal(&m, ACTION_NOTE));
    assert_null(detalle_model_refusal(&m, ACTION_REASSIGN)); /* the supervisor may hand it on */
    detalle_vm_build(&vm, &m, 80, 3);
    assert_string_equal(vm.lines[1].spans[1].text, "en la bandeja del supervisor");
    detalle_model_fini(&m);
    model_new(&m, EMBUDO_GANADA);
    assert_string_equal(detalle_model_refusal(&m, ACTION_SALE), "La oportunidad está cerrada.");
    assert_string_equal(detalle_model_refusal(&m, ACTION_REASSIGN),
                        "La oportunidad está cerrada.");
    assert_int_equal(detalle_model_action(&m, ACTION_SALE, 10, &redraw), DETALLE_NADA);
    assert_int_equal(detalle_model_action(&m, ACTION_NOTE, 10, &redraw), DETALLE_NOTA);
    detalle_model_fini(&m);
}

/* "More time" (supervision): only an ABIERTA opportunity whose stage has a running timer. */
static void
test_more_time_needs_a_running_timer(void **st)
{
    struct detalle_model m;
    bool redraw;

    (void)st;
    model_new(&m, EMBUDO_ABIERTA);
    assert_null(detalle_model_refusal(&m, ACTION_EXTEND));
    assert_int_equal(detalle_model_action(&m, ACTION_EXTEND, 10, &redraw), DETALLE_EXTENDER);
    m.d.card.con_timer = false; /* a stage without a timer */
    assert_string_equal(detalle_model_refusal(&m, ACTION_EXTEND),
                        "Su etapa no tiene temporizador: no hay tiempo que extender.");
    assert_int_equal(detalle_model_action(&m, ACTION_EXTEND, 10, &redraw), DETALLE_NADA);
    detalle_model_fini(&m);
    model_new(&m, EMBUDO_EN_BANDEJA);
    assert_string_equal(detalle_model_refusal(&m, ACTION_EXTEND),
                        "Está en la bandeja del supervisor: él decide qué sigue.");
    detalle_model_fini(&m);
    model_new(&m, EMBUDO_GANADA);
    assert_string_equal(detalle_model_refusal(&m, ACTION_EXTEND), "La oportunidad está cerrada.");
    assert_int_equal(detalle_model_action(&m, ACTION_EXTEND, 10, &redraw), DETALLE_NADA);
    detalle_model_fini(&m);
}

/* Prórrogas (sql/079): the four steps in words, without an arrow (the stage stays); the
 * request and the approval name the resume date when the history row carries it. */
static void
test_prorroga_labels(void **st)
{
    struct detalle_evento e = { .evento = "PRORROGA_PEDIDA",
                                .etapa_anterior = "Contactado",
                                .etapa_nueva = "Contactado" };
    char buf[128];

    (void)st;
    detalle_evento_label(buf, sizeof buf, &e, false);
    assert_string_equal(buf, "Prórroga pedida");
    snprintf(e.resultado, sizeof e.resultado, "15/12");
    detalle_evento_label(buf, sizeof buf, &e, false);
    assert_string_equal(buf, "Prórroga pedida hasta el 15/12");
    snprintf(e.evento, sizeof e.evento, "PRORROGA");
    detalle_evento_label(buf, sizeof buf, &e, true);
    assert_string_equal(buf, "Prórroga aprobada: reanuda el 15/12"); /* vm_clip folds it */
    e.resultado[0] = '\0';
    detalle_evento_label(buf, sizeof buf, &e, true);
    assert_string_equal(buf, "Prórroga aprobada");
    snprintf(e.evento, sizeof e.evento, "PRORROGA_RECHAZADA");
    detalle_evento_label(buf, sizeof buf, &e, false);
    assert_string_equal(buf, "Prórroga rechazada");
    snprintf(e.evento, sizeof e.evento, "PRORROGA_CANCELADA");
    detalle_evento_label(buf, sizeof buf, &e, false);
    assert_string_equal(buf, "Prórroga cancelada");
}

/* z asks for the form on an ABIERTA opportunity whose stage has a timer, and says why not
 * otherwise; the history shows the request and the supervisor's answer under it. */
static void
test_prorroga_request_and_answer(void **st)
{
    struct detalle_model m;
    struct detalle_evento *ev;
    bool redraw;
    char *r;

    (void)st;
    model_new(&m, EMBUDO_ABIERTA);
    assert_null(detalle_model_refusal(&m, ACTION_EXTENSION_ASK));
    assert_int_equal(detalle_model_action(&m, ACTION_EXTENSION_ASK, 10, &redraw), DETALLE_PRORROGA);
    ev = realloc(m.d.eventos, 6 * sizeof *ev);
    assert_non_null(ev);
    m.d.eventos = ev;
    add_evento(&m.d, "29/11/26 10:00", "PRORROGA_PEDIDA", "Contactado", "Contactado", "prom1",
               "me pidió que le llamen después del 15");
    add_evento(&m.d, "29/11/26 12:30", "PRORROGA_RECHAZADA", "Contactado", "Contactado", "sup1",
               "llámele hoy, la tasa cambia el lunes");
    detalle_vm_build(&vm, &m, 80, 24);
    m.scroll = vm.content; /* the end of the history */
    detalle_vm_build(&vm, &m, 80, 24);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_non_null(strstr(r, "\n   29/11/26 10:00  Prórroga pedida  prom1\n"
                              "                   «me pidió que le llamen después del 15»\n"
                              "   29/11/26 12:30  Prórroga rechazada  sup1\n"
                              "                   «llámele hoy, la tasa cambia el lunes»\n"));
    free(r);
    detalle_vm_build(&vm, &m, 160, 50); /* the timeline on the right half */
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_non_null(strstr(r, "29/11/26 12:30  Prórroga rechazada  sup1"));
    free(r);
    m.d.card.con_timer = false;
    assert_string_equal(detalle_model_refusal(&m, ACTION_EXTENSION_ASK),
                        "Su etapa no tiene temporizador: no hay nada que esperar.");
    assert_int_equal(detalle_model_action(&m, ACTION_EXTENSION_ASK, 10, &redraw), DETALLE_NADA);
    detalle_model_fini(&m);
    model_new(&m, EMBUDO_EN_BANDEJA);
    assert_string_equal(detalle_model_refusal(&m, ACTION_EXTENSION_ASK),
                        "Está en la bandeja del supervisor: él decide qué sigue.");
    detalle_model_fini(&m);
    model_new(&m, EMBUDO_GANADA);
    assert_string_equal(detalle_model_refusal(&m, ACTION_EXTENSION_ASK),
                        "La oportunidad está cerrada.");
    detalle_model_fini(&m);
}

/* Room for more history rows in a model made by model_new (4 rows). */
static void
grow(struct detalle_model *m, size_t n)
{
    struct detalle_evento *ev = realloc(m->d.eventos, n * sizeof *ev);

    assert_non_null(ev);
    m->d.eventos = ev;
}

static void
add_prorroga(struct detalle_model *m, const char *evento, const char *login, const char *fecha)
{
    add_evento(&m->d, "29/11/26 10:00", evento, "Contactado", "Contactado", login, "");
    snprintf(m->d.eventos[m->d.neventos - 1].resultado, 24, "%s", fecha);
}

/* Pending is what the history says: the latest request with no approval, rejection or
 * withdrawal after it; who asked and until when. */
static void
test_prorroga_pending_from_the_history(void **st)
{
    struct detalle_model m;
    const char *fecha = "x";

    (void)st;
    model_new(&m, EMBUDO_ABIERTA);
    grow(&m, 12);
    assert_null(detalle_prorroga_pendiente(&m.d, &fecha));
    assert_string_equal(fecha, "");
    add_prorroga(&m, "PRORROGA_PEDIDA", "prom1", "15/12");
    assert_string_equal(detalle_prorroga_pendiente(&m.d, &fecha), "prom1");
    assert_string_equal(fecha, "15/12");
    add_prorroga(&m, "PRORROGA_RECHAZADA", "sup1", "");
    assert_null(detalle_prorroga_pendiente(&m.d, &fecha));
    add_prorroga(&m, "PRORROGA_PEDIDA", "prom1", "20/12");
    add_evento(&m.d, "29/11/26 11:00", "NOTA", "Contactado", "", "prom1", "sigue"); /* no effect */
    assert_string_equal(detalle_prorroga_pendiente(&m.d, &fecha), "prom1");
    assert_string_equal(fecha, "20/12");
    add_prorroga(&m, "PRORROGA_CANCELADA", "prom1", "");
    assert_null(detalle_prorroga_pendiente(&m.d, &fecha));
    add_prorroga(&m, "PRORROGA_PEDIDA", "prom1", "");
    add_prorroga(&m, "PRORROGA", "sup1", "22/12");
    assert_null(detalle_prorroga_pendiente(&m.d, &fecha));
    detalle_model_fini(&m);
}

/* Z withdraws the user's own pending request (after a question the controller asks); z
 * says one waits and which key withdraws it; someone else's request, none pending, the
 * bandeja or a closed opportunity each say why not. */
static void
test_prorroga_cancel_only_ones_own_pending(void **st)
{
    struct detalle_model m;
    bool redraw;

    (void)st;
    model_new(&m, EMBUDO_ABIERTA);
    grow(&m, 8);
    snprintf(m.yo, sizeof m.yo, "prom1");
    assert_int_equal(detalle_model_action(&m, ACTION_EXTENSION_CANCEL, 10, &redraw), DETALLE_AVISO);
    assert_string_equal(m.aviso, "No hay una prórroga por decidir en esta oportunidad.");
    add_prorroga(&m, "PRORROGA_PEDIDA", "prom1", "15/12");
    assert_null(detalle_model_refusal(&m, ACTION_EXTENSION_CANCEL));
    assert_int_equal(detalle_model_action(&m, ACTION_EXTENSION_CANCEL, 10, &redraw),
                     DETALLE_PRORROGA_CANCELAR);
    assert_false(redraw);
    assert_int_equal(detalle_model_action(&m, ACTION_EXTENSION_ASK, 10, &redraw), DETALLE_AVISO);
    assert_string_equal(m.aviso, "Ya pidió una prórroga hasta el 15/12 y está por decidir; Z la"
                                 " cancela.");
    /* Reassigned meanwhile: the new owner did not ask for it. */
    snprintf(m.yo, sizeof m.yo, "prom2");
    assert_int_equal(detalle_model_action(&m, ACTION_EXTENSION_CANCEL, 10, &redraw), DETALLE_AVISO);
    assert_string_equal(m.aviso, "La prórroga por decidir la pidió prom1: solo quien la pidió"
                                 " puede cancelarla.");
    assert_int_equal(detalle_model_action(&m, ACTION_EXTENSION_ASK, 10, &redraw), DETALLE_AVISO);
    assert_string_equal(m.aviso,
                        "Ya hay una prórroga por decidir hasta el 15/12, pedida por prom1.");
    /* Withdrawn: z asks again, Z has nothing to withdraw. */
    snprintf(m.yo, sizeof m.yo, "prom1");
    add_prorroga(&m, "PRORROGA_CANCELADA", "prom1", "");
    assert_int_equal(detalle_model_action(&m, ACTION_EXTENSION_ASK, 10, &redraw), DETALLE_PRORROGA);
    assert_int_equal(detalle_model_action(&m, ACTION_EXTENSION_CANCEL, 10, &redraw), DETALLE_AVISO);
    detalle_model_fini(&m);
    model_new(&m, EMBUDO_EN_BANDEJA);
    assert_string_equal(detalle_model_refusal(&m, ACTION_EXTENSION_CANCEL),
                        "Está en la bandeja del supervisor: él decide qué sigue.");
    assert_int_equal(detalle_model_action(&m, ACTION_EXTENSION_CANCEL, 10, &redraw), DETALLE_NADA);
    detalle_model_fini(&m);
    model_new(&m, EMBUDO_GANADA);
    assert_string_equal(detalle_model_refusal(&m, ACTION_EXTENSION_CANCEL),
                        "La oportunidad está cerrada.");
    detalle_model_fini(&m);
    detalle_model_init(&m); /* not read yet */
    assert_string_equal(detalle_model_refusal(&m, ACTION_EXTENSION_CANCEL),
                        "La oportunidad aún no se ha leído.");
}

/* The data block says a request waits, until when, while the opportunity is ABIERTA; the
 * history then shows the withdrawal and the row goes. */
static void
test_prorroga_pending_in_the_data_block(void **st)
{
    struct detalle_model m;
    char *r;

    (void)st;
    model_new(&m, EMBUDO_ABIERTA);
    grow(&m, 8);
    add_prorroga(&m, "PRORROGA_PEDIDA", "prom1", "15/12");
    detalle_vm_build(&vm, &m, 80, 24);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_non_null(strstr(r, "\n Intentos  ninguno\n"
                              " Prórroga  pedida hasta el 15/12 · por decidir\n"
                              "\n Contactos\n"));
    free(r);
    assert_int_equal(vm.lines[10].spans[0].role, ROLE_LABEL);
    assert_int_equal(vm.lines[10].spans[1].role, ROLE_VALUE);
    detalle_vm_build(&vm, &m, 160, 50);
    assert_string_equal(vm.lines[10].spans[1].text, "pedida hasta el 15/12 · por decidir");
    m.d.eventos[m.d.neventos - 1].resultado[0] = '\0'; /* a row without the date */
    detalle_vm_build(&vm, &m, 80, 24);
    assert_string_equal(vm.lines[10].spans[1].text, "pedida · por decidir");
    add_prorroga(&m, "PRORROGA_CANCELADA", "prom1", "");
    detalle_vm_build(&vm, &m, 80, 24);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_null(strstr(r, " Prórroga  "));
    free(r);
    m.scroll = 100;
    detalle_vm_build(&vm, &m, 80, 24);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_non_null(strstr(r, "   29/11/26 10:00  Prórroga cancelada  prom1\n"));
    free(r);
    snprintf(m.d.eventos[m.d.neventos - 1].evento, 24, "NOTA"); /* pending again… */
    m.d.card.estado = EMBUDO_EN_BANDEJA; /* …but no longer ABIERTA: no row */
    m.scroll = 0;
    detalle_vm_build(&vm, &m, 80, 24);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_null(strstr(r, " Prórroga  "));
    free(r);
    detalle_model_fini(&m);
}

/* A contact attempt: on an ABIERTA opportunity (even without a timer), never on a closed one
 * or one in the bandeja; in the history it reads as its outcome. */
static void
test_attempt_only_while_open(void **st)
{
    struct detalle_model m;
    struct detalle_evento e = { .evento = "INTENTO", .etapa_anterior = "Nuevo",
                                .resultado = "NUMERO_EQUIVOCADO" };
    char buf[128];
    bool redraw;

    (void)st;
    model_new(&m, EMBUDO_ABIERTA);
    m.d.card.con_timer = false;
    assert_null(detalle_model_refusal(&m, ACTION_ATTEMPT));
    assert_int_equal(detalle_model_action(&m, ACTION_ATTEMPT, 10, &redraw), DETALLE_INTENTO);
    detalle_model_fini(&m);
    model_new(&m, EMBUDO_EN_BANDEJA);
    assert_string_equal(detalle_model_refusal(&m, ACTION_ATTEMPT),
                        "Está en la bandeja del supervisor: él decide qué sigue.");
    assert_int_equal(detalle_model_action(&m, ACTION_ATTEMPT, 10, &redraw), DETALLE_NADA);
    detalle_model_fini(&m);
    model_new(&m, EMBUDO_GANADA);
    assert_string_equal(detalle_model_refusal(&m, ACTION_ATTEMPT), "La oportunidad está cerrada.");
    detalle_model_fini(&m);
    detalle_evento_label(buf, sizeof buf, &e, false);
    assert_string_equal(buf, "Intento: número equivocado");
}

/* The data block counts the attempts since the opportunity reached its owner: one before a
 * reassignment does not count, the latest outcome shows. */
static void
test_attempts_counted_since_the_owner(void **st)
{
    static const struct {
        const char *evento, *resultado;
    } h[] = { { "ASIGNADA", "" }, { "INTENTO", "NO_CONTESTA" }, { "REASIGNADA", "" },
              { "INTENTO", "BUZON" }, { "NOTA", "" }, { "INTENTO", "CITA" } };
    struct detalle_model m;
    char *r;

    (void)st;
    model_new(&m, EMBUDO_ABIERTA);
    free(m.d.eventos);
    m.d.eventos = calloc(6, sizeof *m.d.eventos);
    m.d.neventos = 6;
    for (int i = 0; i < 6; i++) {
        snprintf(m.d.eventos[i].evento, sizeof m.d.eventos[i].evento, "%s", h[i].evento);
        snprintf(m.d.eventos[i].resultado, sizeof m.d.eventos[i].resultado, "%s",
                 h[i].resultado);
    }
    detalle_vm_build(&vm, &m, 80, 24);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_non_null(strstr(r, " Intentos  2 · último: cita\n"));
    free(r);
    detalle_model_fini(&m);
}

/* An exit that asks for attempts is refused in the picker while they are missing (before the
 * reason is typed); with them on record it goes on to the reason form. */
static void
test_exit_needing_attempts_says_so_first(void **st)
{
    struct detalle_model m;
    bool redraw;

    (void)st;
    model_new(&m, EMBUDO_ABIERTA);
    detalle_model_action(&m, ACTION_EXIT_STAGE, 10, &redraw);
    assert_true(m.picking);
    assert_int_equal(detalle_model_action(&m, ACTION_OPEN, 10, &redraw), DETALLE_AVISO);
    assert_string_equal(m.aviso,
                        "«No localizado» pide 2 intentos de contacto (lleva 0): regístrelos con i.");
    /* an exit without a minimum goes on */
    detalle_model_action(&m, ACTION_EXIT_STAGE, 10, &redraw);
    detalle_model_action(&m, ACTION_DOWN, 10, &redraw);
    assert_int_equal(detalle_model_action(&m, ACTION_OPEN, 10, &redraw), DETALLE_SALIDA);
    assert_string_equal(m.intent_etapa, "No interesado");
    /* two attempts after the assignment: No localizado goes on too */
    m.d.eventos = realloc(m.d.eventos, (m.d.neventos + 2) * sizeof *m.d.eventos);
    for (int i = 0; i < 2; i++) {
        struct detalle_evento *ev = &m.d.eventos[m.d.neventos++];

        memset(ev, 0, sizeof *ev);
        snprintf(ev->evento, sizeof ev->evento, "INTENTO");
        snprintf(ev->resultado, sizeof ev->resultado, "NO_CONTESTA");
    }
    detalle_model_action(&m, ACTION_EXIT_STAGE, 10, &redraw);
    assert_int_equal(detalle_model_action(&m, ACTION_OPEN, 10, &redraw), DETALLE_SALIDA);
    assert_string_equal(m.intent_etapa, "No localizado");
    detalle_model_fini(&m);
}

static void
test_scrolling_stops_at_the_end(void **st)
{
    struct detalle_model m;
    bool redraw;

    (void)st;
    model_new(&m, EMBUDO_ABIERTA);
    detalle_vm_build(&vm, &m, 80, 10); /* 7 content rows of 21 */
    assert_int_equal(vm.page, 7);
    detalle_model_action(&m, ACTION_BOTTOM, vm.page, &redraw);
    detalle_vm_build(&vm, &m, 80, 10);
    assert_int_equal(m.scroll, 14);
    assert_string_equal(vm.lines[9].spans[1].text, "Aviso: el timer pasó el umbral");
    assert_string_equal(vm.lines[0].spans[0].text, "María Guadalupe López Núñez");
    detalle_model_action(&m, ACTION_PAGE_UP, vm.page, &redraw);
    assert_int_equal(m.scroll, 7);
    detalle_model_action(&m, ACTION_TOP, vm.page, &redraw);
    assert_int_equal(m.scroll, 0);
    assert_false(redraw == false);
    detalle_model_action(&m, ACTION_UP, vm.page, &redraw);
    assert_false(redraw);
    detalle_model_fini(&m);
}

static void
test_not_read_yet_and_read_errors(void **st)
{
    struct detalle_model m;
    char *r;

    (void)st;
    detalle_model_init(&m);
    detalle_vm_build(&vm, &m, 80, 2);
    assert_string_equal(vm.lines[0].spans[0].text,
                        "Elige una oportunidad en el Embudo y pulsa Enter para verla aquí.");
    m.want = 7;
    detalle_vm_build(&vm, &m, 80, 4);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_string_equal(r, " Consultando la oportunidad…\n\n\n\n");
    free(r);
    assert_string_equal(detalle_model_refusal(&m, ACTION_NOTE),
                        "La oportunidad aún no se ha leído.");
    snprintf(m.error, sizeof m.error, "sin conexión con la base de datos");
    detalle_vm_build(&vm, &m, 80, 4);
    assert_int_equal(vm.lines[0].spans[0].role, ROLE_ERROR);
    detalle_model_fini(&m);
}

/* Registry entries for the model's phones (as the controller copies them in). */
static void
add_nc(struct detalle_model *m, const char *tel, const char *fuente, const char *hasta,
       const char *por, const char *detalle)
{
    struct no_contactar_entrada *e;

    m->d.nc = realloc(m->d.nc, (m->d.nnc + 1) * sizeof *m->d.nc);
    assert_non_null(m->d.nc);
    e = &m->d.nc[m->d.nnc++];
    memset(e, 0, sizeof *e);
    snprintf(e->telefono, sizeof e->telefono, "%s", tel);
    snprintf(e->fuente, sizeof e->fuente, "%s", fuente);
    snprintf(e->hasta, sizeof e->hasta, "%s", hasta);
    snprintf(e->creado_por, sizeof e->creado_por, "%s", por);
    snprintf(e->detalle, sizeof e->detalle, "%s", detalle);
}

static void
test_a_phone_in_the_registry_at_80x24(void **st)
{
    struct detalle_model m;
    char *r;

    (void)st;
    model_new(&m, EMBUDO_ABIERTA);
    add_nc(&m, "+525512345678", "REUS", "2028-03-12 00:00:00-06", "", "");
    add_nc(&m, "+525512345678", "SOLICITUD", "", "prom1", "no quiere llamadas");
    detalle_vm_build(&vm, &m, 80, 18);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_string_equal(
        r, " María Guadalupe López Núñez                                               #123\n"
           " Contactado   ◐ 3 h 20 m hábiles   ⊘ No contactar\n"
           "\n"
           " Convenio  IMSS — Instituto Mexicano del Seguro Social\n"
           " Entidad   Ciudad de México · Coyoacán\n"
           " Edad      45 años\n"
           " RFC       —\n"
           " CURP      LONM800101MDFPXR09\n"
           " Promotor  prom1 (José Luis Hernández García)\n"
           " Intentos  ninguno\n"
           "\n"
           " Contactos\n"
           "   Celular   +52 55 1234 5678  ⊘ No contactar\n"
           "               REUS (CONDUSEF) · vence el 12/03/2028\n"
           "               SOLICITUD (a petición) · sin vencimiento · prom1 · «no quiere l…\n"
           "   Fijo      +52 222 123 4567 (no vigente)\n"
           "   Correo    maria@example.mx\n"
           "\n");
    free(r);
    assert_int_equal(vm.lines[1].spans[2].role, ROLE_ERROR);
    assert_int_equal(vm.lines[12].spans[2].role, ROLE_ERROR);
    assert_int_equal(vm.content, 23); /* two rows more than without the registry */
    /* An ASCII terminal gets the twin of the tag. */
    m.ascii = true;
    detalle_vm_build(&vm, &m, 80, 18);
    assert_string_equal(vm.lines[1].spans[2].text, "! No contactar");
    /* Scrolled past the phone, its entries still count (and show when in view). */
    m.ascii = false;
    m.scroll = 11;
    detalle_vm_build(&vm, &m, 80, 8);
    assert_string_equal(vm.lines[3].spans[0].text,
                        "SOLICITUD (a petición) · sin vencimiento · prom1 ·"
                        " «no quiere l…");
    detalle_model_fini(&m);
}

/* A client the lender no longer lists (sql/087): the aviso opens the data block, in the
 * warning colour, glyph and date included; at 120 columns the left half is too narrow, so
 * the date takes a row of its own; an ASCII terminal gets "!" for the glyph. */
static void
test_a_client_out_of_the_padron(void **st)
{
    struct detalle_model m;
    char *r;

    (void)st;
    model_new(&m, EMBUDO_ABIERTA);
    snprintf(m.d.baja_padron, sizeof m.d.baja_padron, "12/11/2026");
    detalle_vm_build(&vm, &m, 80, 8);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_string_equal(
        r, " María Guadalupe López Núñez                                               #123\n"
           " Contactado   ◐ 3 h 20 m hábiles\n"
           "\n"
           " ⚠ El cliente ya no está en el padrón del convenio (baja del 12/11/2026)\n"
           " Convenio  IMSS — Instituto Mexicano del Seguro Social\n"
           " Entidad   Ciudad de México · Coyoacán\n"
           " Edad      45 años\n"
           " RFC       —\n");
    free(r);
    assert_int_equal(vm.lines[3].nspans, 1);
    assert_int_equal(vm.lines[3].spans[0].role, ROLE_TIMER_WARN);
    assert_int_equal(vm.content, 22); /* one row more than test_layout_at_80x24 */
    detalle_vm_build(&vm, &m, 120, 50);
    assert_string_equal(vm.lines[3].spans[0].text,
                        "⚠ El cliente ya no está en el padrón del convenio");
    assert_string_equal(vm.lines[4].spans[0].text, "(baja del 12/11/2026)");
    assert_int_equal(vm.lines[4].spans[0].col, 3);
    assert_int_equal(vm.lines[4].spans[0].role, ROLE_TIMER_WARN);
    assert_string_equal(vm.lines[5].spans[0].text, "Convenio");
    m.ascii = true;
    detalle_vm_build(&vm, &m, 80, 8);
    assert_string_equal(vm.lines[3].spans[0].text,
                        "! El cliente ya no está en el padrón del convenio (baja del 12/11/2026)");
    detalle_model_fini(&m);
}

static void
test_which_phones_the_no_contactar_key_offers(void **st)
{
    struct detalle_model m;
    const char *tel[4];
    bool redraw;

    (void)st;
    model_new(&m, EMBUDO_ABIERTA);
    /* The vigente mobile only: the landline is no longer vigente, e-mail is no phone. */
    assert_null(detalle_model_refusal(&m, ACTION_NO_CONTACT));
    assert_int_equal(detalle_nc_telefonos(&m.d, tel, 4), 1);
    assert_string_equal(tel[0], "+525512345678");
    assert_int_equal(detalle_model_action(&m, ACTION_NO_CONTACT, 10, &redraw),
                     DETALLE_NO_CONTACTAR);
    /* A REUS entry does not stop a person's own request; a SOLICITUD one does. */
    add_nc(&m, "+525512345678", "REUS", "2028-03-12 00:00:00-06", "", "");
    assert_int_equal(detalle_nc_telefonos(&m.d, tel, 4), 1);
    add_nc(&m, "+525512345678", "SOLICITUD", "", "prom1", "");
    assert_int_equal(detalle_nc_telefonos(&m.d, tel, 4), 0);
    assert_int_equal(detalle_model_action(&m, ACTION_NO_CONTACT, 10, &redraw), DETALLE_AVISO);
    assert_string_equal(m.aviso,
                        "Sus teléfonos ya están en no contactar a petición de la persona.");
    /* No vigente phone at all. */
    m.d.contactos[0].vigente = false;
    assert_int_equal(detalle_model_action(&m, ACTION_NO_CONTACT, 10, &redraw), DETALLE_AVISO);
    assert_string_equal(m.aviso, "No tiene un teléfono vigente que registrar en no contactar.");
    m.d.contactos[0].vigente = true;
    m.d.contactos[1].vigente = true; /* the landline again: offered */
    assert_int_equal(detalle_nc_telefonos(&m.d, tel, 4), 1);
    assert_string_equal(tel[0], "+522221234567");
    assert_int_equal(detalle_nc_telefonos(&m.d, tel, 0), 1); /* counted, none written */
    detalle_model_fini(&m);
    /* In the bandeja it is still active: allowed. Closed: an administrator's. */
    model_new(&m, EMBUDO_EN_BANDEJA);
    assert_null(detalle_model_refusal(&m, ACTION_NO_CONTACT));
    detalle_model_fini(&m);
    model_new(&m, EMBUDO_GANADA);
    assert_string_equal(detalle_model_refusal(&m, ACTION_NO_CONTACT),
                        "La oportunidad está cerrada: solo un administrador puede registrar su"
                        " número en no contactar.");
    assert_int_equal(detalle_model_action(&m, ACTION_NO_CONTACT, 10, &redraw), DETALLE_NADA);
    detalle_model_fini(&m);
    detalle_model_init(&m);
    assert_string_equal(detalle_model_refusal(&m, ACTION_NO_CONTACT),
                        "La oportunidad aún no se ha leído.");
    detalle_model_fini(&m);
}

/* A captured lead (sql/068): no padron row, one mobile (the prospect's phone). */
static void
prospecto_new(struct detalle_model *m, enum embudo_estado estado)
{
    model_new(m, estado);
    m->d.prospecto = true;
    m->d.ncontactos = 1; /* the mobile, +525512345678 */
    snprintf(m->d.card.cliente, sizeof m->d.card.cliente, "Rosa Elena Muñoz Ávila");
}

/* sql/085: «Datos corregidos» names the fields the history row lists, in the database's order;
 * a row an ARCO suppression cleaned lists none. No arrow: the stage stays. */
static void
test_datos_corregidos_label(void **st)
{
    struct detalle_evento e = { .evento = "DATOS_CORREGIDOS",
                                .etapa_anterior = "Contactado",
                                .etapa_nueva = "Contactado",
                                .resultado = "nombre,telefono" };
    char buf[128];

    (void)st;
    detalle_evento_label(buf, sizeof buf, &e, false);
    assert_string_equal(buf, "Datos corregidos: nombre, teléfono");
    snprintf(e.resultado, sizeof e.resultado, "nombre,telefono,curp");
    detalle_evento_label(buf, sizeof buf, &e, false);
    assert_string_equal(buf, "Datos corregidos: nombre, teléfono, CURP");
    snprintf(e.resultado, sizeof e.resultado, "curp");
    detalle_evento_label(buf, sizeof buf, &e, true);
    assert_string_equal(buf, "Datos corregidos: CURP");
    snprintf(e.resultado, sizeof e.resultado, "telefono,correo"); /* a field added later */
    detalle_evento_label(buf, sizeof buf, &e, false);
    assert_string_equal(buf, "Datos corregidos: teléfono, correo");
    e.resultado[0] = '\0'; /* suppressed: datos cleaned */
    detalle_evento_label(buf, sizeof buf, &e, false);
    assert_string_equal(buf, "Datos corregidos");
    detalle_evento_label(buf, 10, &e, false); /* clipped, never overrun */
    assert_string_equal(buf, "Datos cor");
}

/* The history row with its reason under it at 80×24 and 160×50; the data block shows the
 * corrected phone and CURP (what the re-read brings). */
static void
test_datos_corregidos_in_the_history(void **st)
{
    struct detalle_model m;
    char *r;

    (void)st;
    prospecto_new(&m, EMBUDO_ABIERTA);
    grow(&m, 5);
    add_evento(&m.d, "29/11/26 10:00", "DATOS_CORREGIDOS", "", "", "prom1",
               "se capturó con un dígito cambiado");
    snprintf(m.d.eventos[4].resultado, 24, "telefono");
    snprintf(m.d.contactos[0].valor, 96, "+525512345699");
    detalle_vm_build(&vm, &m, 80, 24);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_non_null(strstr(r, " CURP      LONM800101MDFPXR09\n"));
    assert_non_null(strstr(r, "   Celular   +52 55 1234 5699\n"));
    assert_non_null(strstr(r, "\n   29/11/26 10:00  Datos corregidos: teléfono  prom1\n"
                              "                   «se capturó con un dígito cambiado»\n"));
    assert_null(strstr(r, "Edad")); /* a prospect has no padron data */
    free(r);
    detalle_vm_build(&vm, &m, 160, 50);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_non_null(strstr(r, "29/11/26 10:00  Datos corregidos: teléfono  prom1"));
    assert_non_null(strstr(r, "«se capturó con un dígito cambiado»"));
    free(r);
    detalle_model_fini(&m);
}

/* The client's replies on WhatsApp (sql/024, read back by sql/089): in words, the text under
 * the label as every row's reason, and no login after it (the row's user is the account that
 * received it, not someone who acted). */
static void
test_whatsapp_replies_in_the_history(void **st)
{
    struct detalle_model m;
    struct detalle_evento e = { .evento = "WA_RESPUESTA", .etapa_anterior = "Nuevo" };
    char buf[128], *r;

    (void)st;
    detalle_evento_label(buf, sizeof buf, &e, false);
    assert_string_equal(buf, "Respondió por WhatsApp");
    snprintf(e.evento, sizeof e.evento, "WA_BAJA");
    detalle_evento_label(buf, sizeof buf, &e, false);
    assert_string_equal(buf, "Pidió no recibir mensajes (WhatsApp)");
    snprintf(e.evento, sizeof e.evento, "WA_IDENTIDAD");
    detalle_evento_label(buf, sizeof buf, &e, false);
    assert_string_equal(buf, "Cambió su clave de seguridad de WhatsApp");

    model_new(&m, EMBUDO_ABIERTA);
    grow(&m, m.d.neventos + 3);
    add_evento(&m.d, "29/11/26 10:00", "WA_RESPUESTA", "Nuevo", "", "resp1",
               "Sí me interesa\n¿cuánto me prestan?");
    add_evento(&m.d, "29/11/26 10:05", "INTENTO", "Nuevo", "", "resp1", "");
    snprintf(m.d.eventos[m.d.neventos - 1].resultado, 24, "CONTACTADO");
    add_evento(&m.d, "29/11/26 11:00", "WA_BAJA", "Nuevo", "", "resp1", "Ya no me escriban");
    m.scroll = 100;
    detalle_vm_build(&vm, &m, 80, 24);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_non_null(strstr(r, "\n   29/11/26 10:00  Respondió por WhatsApp\n"
                              "                   «Sí me interesa ¿cuánto me prestan?»\n"
                              "   29/11/26 10:05  Intento: contactado  resp1\n"
                              "   29/11/26 11:00  Pidió no recibir mensajes (WhatsApp)\n"
                              "                   «Ya no me escriban»\n"));
    free(r);
    detalle_vm_build(&vm, &m, 160, 50);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_non_null(strstr(r, "29/11/26 10:00  Respondió por WhatsApp\n"));
    assert_non_null(strstr(r, "«Sí me interesa ¿cuánto me prestan?»"));
    free(r);
    detalle_model_fini(&m);
}

/* The promoter's answer from Detalle (sql/101): «Le escribió por WhatsApp» with the message's
 * state now after it, the text under it and, as for anything a user did, her login. */
static void
test_whatsapp_answer_in_the_history(void **st)
{
    static const char *const estados[][2] = {
        { "PENDIENTE", "en cola" },   { "ENVIANDO", "enviando" },     { "ENVIADO", "enviado" },
        { "ENTREGADO", "entregado" }, { "LEIDO", "leído" },           { "FALLIDO", "no se envió" },
        { "OMITIDO", "no se envió" }, { "CANCELADO", "no se envió" },
    };
    struct detalle_model m;
    struct detalle_evento e = { .evento = "WA_MENSAJE", .etapa_anterior = "Nuevo" };
    char buf[128], want[128], *r;

    (void)st;
    for (size_t i = 0; i < sizeof estados / sizeof estados[0]; i++) {
        snprintf(e.resultado, sizeof e.resultado, "%s", estados[i][0]);
        detalle_evento_label(buf, sizeof buf, &e, false);
        snprintf(want, sizeof want, "Le escribió por WhatsApp · %s", estados[i][1]);
        assert_string_equal(buf, want);
        assert_string_equal(detalle_wa_estado(estados[i][0]), estados[i][1]);
    }
    /* A state the user may not see (or one this client does not know): the words alone. */
    e.resultado[0] = '\0';
    detalle_evento_label(buf, sizeof buf, &e, false);
    assert_string_equal(buf, "Le escribió por WhatsApp");
    snprintf(e.resultado, sizeof e.resultado, "RARO");
    detalle_evento_label(buf, sizeof buf, &e, false);
    assert_string_equal(buf, "Le escribió por WhatsApp");
    assert_null(detalle_wa_estado(""));

    model_new(&m, EMBUDO_ABIERTA);
    grow(&m, m.d.neventos + 2);
    add_evento(&m.d, "29/11/26 10:00", "WA_RESPUESTA", "Nuevo", "", "resp1", "¿Cuánto me prestan?");
    add_evento(&m.d, "29/11/26 10:03", "WA_MENSAJE", "Nuevo", "", "resp1",
               "Hasta 80 mil, señora Núñez; ¿le marco mañana?");
    snprintf(m.d.eventos[m.d.neventos - 1].resultado, 24, "ENTREGADO");
    m.scroll = 100;
    detalle_vm_build(&vm, &m, 80, 24);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_non_null(strstr(r,
                           "\n   29/11/26 10:00  Respondió por WhatsApp\n"
                           "                   «¿Cuánto me prestan?»\n"
                           "   29/11/26 10:03  Le escribió por WhatsApp · entregado  resp1\n"
                           "                   «Hasta 80 mil, señora Núñez; ¿le marco mañana?»\n"));
    free(r);
    detalle_model_fini(&m);
}

/* The conversation is read whole in the history: a long text the client wrote, or the answer,
 * wraps between words under the label for up to six rows, the last clipped with «…»; any other
 * reason keeps one row. */
static void
test_whatsapp_texts_wrap_in_the_history(void **st)
{
    struct detalle_model m;
    char largo[400], *r;

    (void)st;
    snprintf(largo, sizeof largo, "%s",
             "Buenas tardes, soy pensionada del IMSS desde hace tres años y quisiera saber cuánto"
             " me pueden prestar, a qué plazo y con qué descuento a la quincena; también si"
             " necesito aval o comprobante de domicilio, porque vivo con mi hija.");
    model_new(&m, EMBUDO_ABIERTA);
    grow(&m, m.d.neventos + 3);
    add_evento(&m.d, "29/11/26 10:00", "WA_RESPUESTA", "Nuevo", "", "resp1", largo);
    add_evento(&m.d, "29/11/26 10:02", "TRANSICION", "Nuevo", "Contactado", "resp1", largo);
    add_evento(&m.d, "29/11/26 10:03", "WA_MENSAJE", "Nuevo", "", "resp1",
               "Con gusto, señora: hasta 80 mil a 48 quincenas, sin aval; solo su INE y su"
               " último talón de pago. ¿Le marco mañana a las diez?");
    snprintf(m.d.eventos[m.d.neventos - 1].resultado, 24, "LEIDO");
    m.scroll = 100;
    detalle_vm_build(&vm, &m, 80, 40);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_non_null(strstr(
        r, "\n   29/11/26 10:00  Respondió por WhatsApp\n"
           "                   «Buenas tardes, soy pensionada del IMSS desde hace tres años\n"
           "                   y quisiera saber cuánto me pueden prestar, a qué plazo y con\n"
           "                   qué descuento a la quincena; también si necesito aval o\n"
           "                   comprobante de domicilio, porque vivo con mi hija.»\n"
           "   29/11/26 10:02  Nuevo → Contactado  resp1\n"
           "                   «Buenas tardes, soy pensionada del IMSS desde hace tres año…\n"
           "   29/11/26 10:03  Le escribió por WhatsApp · leído  resp1\n"
           "                   «Con gusto, señora: hasta 80 mil a 48 quincenas, sin aval;\n"
           "                   solo su INE y su último talón de pago. ¿Le marco mañana a\n"
           "                   las diez?»\n"));
    free(r);
    /* Narrower than six rows can hold: the sixth takes the rest, clipped. */
    snprintf(m.d.eventos[m.d.neventos - 3].motivo, sizeof m.d.eventos[0].motivo, "%.250s %.250s",
             largo, largo);
    detalle_vm_build(&vm, &m, 60, 40);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_non_null(strstr(r, "   29/11/26 10:00  Respondió por WhatsApp\n"
                              "                   «Buenas tardes, soy pensionada del IMSS\n"));
    assert_non_null(strstr(r, "…\n   29/11/26 10:02  Nuevo → Contactado  resp1\n"));
    free(r);
    detalle_model_fini(&m);
}

/* A model whose opportunity prom1 may answer until hasta (epoch seconds), or not with why. */
static void
ventana(struct detalle_model *m, int64_t hasta, const char *codigo, const char *motivo)
{
    m->promotor = true;
    m->d.wa.leida = true;
    m->d.wa.hasta = hasta;
    snprintf(m->d.wa.hasta_local, sizeof m->d.wa.hasta_local, "%s", hasta > 0 ? "30/11 18:02" : "");
    snprintf(m->d.wa.codigo, sizeof m->d.wa.codigo, "%s", codigo);
    snprintf(m->d.wa.motivo, sizeof m->d.wa.motivo, "%s", motivo);
    snprintf(m->d.wa.telefono, sizeof m->d.wa.telefono, "%s", hasta > 0 ? "+525512345678" : "");
}

/* w exists (has) only for a promoter on her ABIERTA opportunity whose client's window is open
 * now; pressed otherwise it says why: the database's sentence, or the estado's, or that the
 * window closed since it was read. Other keys are not its business. */
static void
test_answer_only_while_the_client_can_be_answered(void **st)
{
    static const char eb424[] = "pasaron más de 24 horas desde el último mensaje del cliente "
                                "(29/11 18:02): para escribirle, use una campaña";
    struct detalle_model m;
    char why[320];
    bool redraw;

    (void)st;
    detalle_model_init(&m);
    m.promotor = true;
    assert_false(detalle_model_has(&m, ACTION_WA_REPLY, 1000)); /* not read yet */
    assert_string_equal(detalle_responder_refusal(&m, 1000, why, sizeof why),
                        "La oportunidad aún no se ha leído.");
    assert_true(detalle_model_has(&m, ACTION_NOTE, 1000));

    model_new(&m, EMBUDO_ABIERTA);
    ventana(&m, 2000, "", "");
    assert_null(detalle_responder_refusal(&m, 1999, why, sizeof why));
    assert_true(detalle_model_has(&m, ACTION_WA_REPLY, 1999));
    m.now = 1999;
    assert_int_equal(detalle_model_action(&m, ACTION_WA_REPLY, 10, &redraw), DETALLE_RESPONDER);
    /* The 24 hours ran out while the pane showed it. */
    assert_false(detalle_model_has(&m, ACTION_WA_REPLY, 2000));
    m.now = 2000;
    assert_int_equal(detalle_model_action(&m, ACTION_WA_REPLY, 10, &redraw), DETALLE_AVISO);
    assert_string_equal(m.aviso, "Ya pasaron las 24 horas para contestarle (podía hasta las 18:02"
                                 " del 30/11): para escribirle, use una campaña.");
    /* Not a promoter: only the owner answers, from her own WhatsApp. */
    m.promotor = false;
    assert_false(detalle_model_has(&m, ACTION_WA_REPLY, 1000));
    assert_true(detalle_model_has(&m, ACTION_MOVE_STAGE, 1000));
    detalle_model_fini(&m);

    /* The database says no: its sentence, as it wrote it. */
    model_new(&m, EMBUDO_ABIERTA);
    ventana(&m, 0, "EB424", eb424);
    assert_false(detalle_model_has(&m, ACTION_WA_REPLY, 1000));
    m.now = 1000;
    assert_int_equal(detalle_model_action(&m, ACTION_WA_REPLY, 10, &redraw), DETALLE_AVISO);
    assert_string_equal(m.aviso, eb424);
    ventana(&m, 0, "EB423", "vincule su WhatsApp primero (pantalla WhatsApp, tecla v)");
    assert_string_equal(detalle_responder_refusal(&m, 1000, why, sizeof why),
                        "vincule su WhatsApp primero (pantalla WhatsApp, tecla v)");
    /* An ABIERTA one whose window was not read (the read asks only for a promoter's). */
    m.d.wa.leida = false;
    assert_false(detalle_model_has(&m, ACTION_WA_REPLY, 1000));
    detalle_model_fini(&m);

    /* In the bandeja or closed: the estado says it before any window. */
    model_new(&m, EMBUDO_EN_BANDEJA);
    ventana(&m, 2000, "", "");
    assert_false(detalle_model_has(&m, ACTION_WA_REPLY, 1000));
    assert_string_equal(detalle_responder_refusal(&m, 1000, why, sizeof why),
                        "Está en la bandeja del supervisor: él decide qué sigue.");
    detalle_model_fini(&m);
    model_new(&m, EMBUDO_GANADA);
    ventana(&m, 2000, "", "");
    assert_false(detalle_model_has(&m, ACTION_WA_REPLY, 1000));
    assert_string_equal(detalle_responder_refusal(&m, 1000, why, sizeof why),
                        "La oportunidad está cerrada.");
    detalle_model_fini(&m);
}

/* The answer's form: who it goes to and until when, one long text of 1–4096 characters that
 * is not blanks only. */
static void
test_answer_form(void **st)
{
    struct detalle_model m;
    struct form_vm *f = calloc(1, sizeof *f);
    struct key sp = { KK_CHAR, ' ' }, a = { KK_CHAR, 'a' }, bs = { KK_BACKSPACE, 0 };
    char label[320];

    (void)st;
    assert_non_null(f);
    model_new(&m, EMBUDO_ABIERTA);
    ventana(&m, 2000, "", "");
    detalle_responder_form(f, label, sizeof label, &m.d);
    assert_string_equal(f->title, " Responder por WhatsApp ");
    assert_string_equal(f->note, "Puede contestar hasta las 18:02 del 30/11.");
    assert_int_equal(f->nfields, 1);
    assert_string_equal(f->fields[0].label,
                        "Respuesta para María Guadalupe López Núñez (+52 55 1234 5678)");
    assert_true(f->fields[0].largo && f->fields[0].required);
    assert_int_equal(f->fields[0].max_len, DETALLE_RESPUESTA_MAX);
    assert_int_equal(DETALLE_RESPUESTA_MAX, 4096);
    assert_false(form_vm_validate(f)); /* empty */
    form_vm_input(f, &sp);
    form_vm_input(f, &sp);
    assert_string_equal(f->fields[0].msg, "Escriba el texto de la respuesta");
    form_vm_input(f, &a);
    assert_string_equal(f->fields[0].msg, "");
    assert_true(form_vm_validate(f));
    form_vm_input(f, &bs);
    assert_false(form_vm_validate(f));
    /* No phone read (the client's reply came keyed otherwise): the name alone. */
    m.d.wa.telefono[0] = '\0';
    detalle_responder_form(f, label, sizeof label, &m.d);
    assert_string_equal(f->fields[0].label, "Respuesta para María Guadalupe López Núñez");
    form_vm_fini(f);
    free(f);
    detalle_model_fini(&m);
}

/* e: a captured lead's, active (in the bandeja too) or, for an admin, closed; a padron
 * client's data are the lender's. */
/* An answer of prom1's (a WA_MENSAJE row) whose message is id, in state estado, in doubt or
 * not, the client's 24 hours on her account ending at hasta. */
static void
add_respuesta(struct detalle_model *m, const char *cuando, const char *texto, int64_t id,
              bool incierto, int64_t hasta)
{
    struct detalle_evento *ev;

    grow(m, m->d.neventos + 1);
    add_evento(&m->d, cuando, "WA_MENSAJE", "Contactado", "", "prom1", texto);
    ev = &m->d.eventos[m->d.neventos - 1];
    snprintf(ev->resultado, sizeof ev->resultado, "%s", incierto ? "ENVIANDO" : "ENTREGADO");
    ev->mensaje_id = id;
    ev->incierto = incierto;
    ev->ventana_hasta = hasta;
}

/* An answer whose ack was lost: «en duda» in the history whatever its state, and the data block
 * opens with the warning (counted when several, wrapped in the left half from 120 columns,
 * «!» without UTF-8); none for an answer not in doubt, nor for one the reader cannot see. */
static void
test_answer_in_doubt_in_the_history_and_the_data_block(void **st)
{
    struct detalle_model m;
    char buf[128], *r;

    (void)st;
    model_new(&m, EMBUDO_ABIERTA);
    add_respuesta(&m, "29/11/26 10:03", "Hasta 80 mil, ¿le marco?", 41, false, 5000);
    detalle_evento_label(buf, sizeof buf, &m.d.eventos[m.d.neventos - 1], false);
    assert_string_equal(buf, "Le escribió por WhatsApp · entregado");
    assert_int_equal(detalle_dudas(&m.d, NULL), 0);
    detalle_vm_build(&vm, &m, 80, 6);
    assert_string_equal(vm.lines[3].spans[0].text, "Convenio"); /* no warning */

    m.d.eventos[m.d.neventos - 1].incierto = true;
    snprintf(m.d.eventos[m.d.neventos - 1].resultado, 24, "ENVIANDO");
    detalle_evento_label(buf, sizeof buf, &m.d.eventos[m.d.neventos - 1], false);
    assert_string_equal(buf, "Le escribió por WhatsApp · en duda");
    detalle_vm_build(&vm, &m, 80, 6);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_string_equal(
        r, " María Guadalupe López Núñez                                               #123\n"
           " Contactado   ◐ 3 h 20 m hábiles\n"
           "\n"
           " ⚠ Una respuesta quedó en duda: no se sabe si le llegó al cliente\n"
           " Convenio  IMSS — Instituto Mexicano del Seguro Social\n"
           " Entidad   Ciudad de México · Coyoacán\n");
    free(r);
    assert_int_equal(vm.lines[3].nspans, 1);
    assert_int_equal(vm.lines[3].spans[0].role, ROLE_TIMER_WARN);
    m.scroll = 100;
    detalle_vm_build(&vm, &m, 80, 24);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_non_null(strstr(r, "   29/11/26 10:03  Le escribió por WhatsApp · en duda  prom1\n"
                              "                   «Hasta 80 mil, ¿le marco?»\n"));
    free(r);
    m.scroll = 0;

    /* Two: counted. In the left half at 120 columns the sentence wraps under itself. */
    add_respuesta(&m, "29/11/26 10:05", "Y sin aval", 42, true, 5000);
    assert_int_equal(detalle_dudas(&m.d, NULL), 2);
    detalle_vm_build(&vm, &m, 80, 6);
    assert_string_equal(vm.lines[3].spans[0].text, "⚠ 2 respuestas quedaron en duda: no se sabe si"
                                                   " le llegaron al cliente");
    detalle_vm_build(&vm, &m, 120, 30);
    assert_string_equal(vm.lines[3].spans[0].text,
                        "⚠ 2 respuestas quedaron en duda: no se sabe si le llegaron");
    assert_int_equal(vm.lines[3].spans[0].col, 1);
    assert_string_equal(vm.lines[4].spans[0].text, "al cliente");
    assert_int_equal(vm.lines[4].spans[0].col, 3);
    assert_int_equal(vm.lines[4].spans[0].role, ROLE_TIMER_WARN);
    assert_string_equal(vm.lines[5].spans[0].text, "Convenio");
    m.ascii = true;
    detalle_vm_build(&vm, &m, 80, 6);
    assert_string_equal(vm.lines[3].spans[0].text, "! 2 respuestas quedaron en duda: no se sabe si"
                                                   " le llegaron al cliente");
    m.ascii = false;

    /* Under the padron's aviso when both apply. */
    snprintf(m.d.baja_padron, sizeof m.d.baja_padron, "12/11/2026");
    detalle_vm_build(&vm, &m, 80, 6);
    assert_non_null(strstr(vm.lines[3].spans[0].text, "padrón"));
    assert_non_null(strstr(vm.lines[4].spans[0].text, "quedaron en duda"));
    detalle_model_fini(&m);

    /* A message the reader cannot see comes without its id or state: nothing to say. */
    model_new(&m, EMBUDO_ABIERTA);
    add_respuesta(&m, "29/11/26 10:03", "Hola", 0, true, 0);
    m.d.eventos[m.d.neventos - 1].resultado[0] = '\0';
    assert_int_equal(detalle_dudas(&m.d, NULL), 0);
    detalle_vm_build(&vm, &m, 80, 6);
    assert_string_equal(vm.lines[3].spans[0].text, "Convenio");
    detalle_model_fini(&m);
}

/* d is offered (has) to whoever sees an answer in doubt and writes: the owner, her supervisor,
 * an admin — on a closed opportunity too, as the message still counts against the cap — and
 * never to the auditor; pressed without one it says why. */
static void
test_who_decides_an_answer_in_doubt(void **st)
{
    struct detalle_model m;
    char why[320];
    bool redraw;

    (void)st;
    detalle_model_init(&m);
    assert_false(detalle_model_has(&m, ACTION_UNCERTAIN_DECIDE, 1000)); /* not read yet */
    assert_string_equal(detalle_duda_refusal(&m, why, sizeof why),
                        "La oportunidad aún no se ha leído.");
    model_new(&m, EMBUDO_ABIERTA);
    m.promotor = true;
    assert_false(detalle_model_has(&m, ACTION_UNCERTAIN_DECIDE, 1000));
    assert_int_equal(detalle_model_action(&m, ACTION_UNCERTAIN_DECIDE, 10, &redraw), DETALLE_AVISO);
    assert_string_equal(m.aviso, "Ninguna respuesta de esta oportunidad está en duda.");
    add_respuesta(&m, "29/11/26 10:03", "Hola", 41, true, 5000);
    /* The owner. */
    assert_true(detalle_model_has(&m, ACTION_UNCERTAIN_DECIDE, 1000));
    assert_true(detalle_model_offers(&m, ACTION_UNCERTAIN_DECIDE));
    assert_null(detalle_duda_refusal(&m, why, sizeof why));
    assert_int_equal(detalle_model_action(&m, ACTION_UNCERTAIN_DECIDE, 10, &redraw), DETALLE_DUDA);
    /* Her supervisor or an admin: they see it, so they may operate it. */
    m.promotor = false;
    assert_true(detalle_model_has(&m, ACTION_UNCERTAIN_DECIDE, 1000));
    m.admin = true;
    assert_int_equal(detalle_model_action(&m, ACTION_UNCERTAIN_DECIDE, 10, &redraw), DETALLE_DUDA);
    /* The auditor sees it and decides nothing. */
    m.admin = false;
    m.lectura = true;
    assert_false(detalle_model_has(&m, ACTION_UNCERTAIN_DECIDE, 1000));
    assert_int_equal(detalle_model_action(&m, ACTION_UNCERTAIN_DECIDE, 10, &redraw), DETALLE_AVISO);
    assert_string_equal(m.aviso, "Solo lectura: su perfil no decide los mensajes en duda.");
    assert_true(detalle_model_has(&m, ACTION_NOTE, 1000)); /* not its business */
    detalle_model_fini(&m);

    /* Won since: the message still counts against the cap, so it is still decided. */
    model_new(&m, EMBUDO_GANADA);
    add_respuesta(&m, "29/11/26 10:03", "Hola", 41, true, 5000);
    assert_true(detalle_model_has(&m, ACTION_UNCERTAIN_DECIDE, 1000));
    detalle_model_fini(&m);
}

/* The decision's form, the newest answer first: when, how many more, the text clipped in the
 * note, the three choices in order (← → cycle them); a re-send that would not go says why
 * before the text; and what the bottom bar says after each decision. */
static void
test_doubt_form_newest_first_and_what_it_says(void **st)
{
    static const char *const ch[] = { "sí le llegó", "volver a enviar", "descartar" };
    struct detalle_model m;
    struct form_vm *f = calloc(1, sizeof *f);
    struct key right = { KK_RIGHT, 0 };
    const struct detalle_evento *ev;
    char buf[320];
    size_t n;

    (void)st;
    assert_non_null(f);
    model_new(&m, EMBUDO_ABIERTA);
    add_respuesta(&m, "29/11/26 10:03", "Primera", 41, true, 900);
    add_respuesta(&m, "29/11/26 10:04", "Ya entregada", 42, false, 900);
    add_respuesta(&m, "29/11/26 10:05", "Segunda, señora Núñez", 43, true, 5000);
    assert_int_equal(detalle_dudas(&m.d, &ev), 2);
    assert_int_equal(ev->mensaje_id, 43);
    detalle_duda_form(f, &m.d, 1000);
    assert_string_equal(f->title, " Respuesta en duda · 29/11/26 10:05 · hay 1 más ");
    assert_string_equal(f->note, "No se sabe si le llegó al cliente: «Segunda, señora Núñez»");
    assert_int_equal(f->nfields, 1);
    assert_string_equal(f->fields[0].label, "Decisión");
    assert_int_equal(f->fields[0].kind, FORM_CHOICE);
    assert_int_equal(f->fields[0].nchoices, 3);
    for (int i = 0; i < 3; i++) {
        assert_string_equal(f->fields[0].choices[i], ch[i]);
        assert_int_equal(detalle_duda_eleccion(ch[i]), i);
    }
    assert_int_equal(DETALLE_DUDA_LLEGO, 0);
    assert_int_equal(DETALLE_DUDA_REENVIAR, 1);
    assert_int_equal(DETALLE_DUDA_DESCARTAR, 2);
    assert_int_equal(detalle_duda_eleccion("otra"), -1);
    assert_string_equal(form_vm_value(f, 0), "sí le llegó");
    assert_true(form_vm_input(f, &right));
    assert_string_equal(form_vm_value(f, 0), "volver a enviar");
    assert_int_equal(detalle_duda_eleccion(form_vm_value(f, 0)), DETALLE_DUDA_REENVIAR);
    assert_true(form_vm_validate(f));
    assert_null(detalle_duda_no_saldra(&m.d, ev, 1000));

    /* Decided: the older one is next, alone; its client's 24 hours ended at 900. */
    m.d.eventos[m.d.neventos - 1].incierto = false;
    n = detalle_dudas(&m.d, &ev);
    assert_int_equal(n, 1);
    assert_int_equal(ev->mensaje_id, 41);
    assert_string_equal(detalle_duda_no_saldra(&m.d, ev, 1000),
                        "ya pasaron las 24 horas para contestarle");
    assert_string_equal(detalle_duda_no_saldra(&m.d, ev, 900),
                        "ya pasaron las 24 horas para contestarle"); /* the claim: hasta > now */
    assert_null(detalle_duda_no_saldra(&m.d, ev, 899));
    detalle_duda_form(f, &m.d, 1000);
    assert_string_equal(f->title, " Respuesta en duda · 29/11/26 10:03 ");
    assert_string_equal(f->note, "Si la vuelve a enviar, no saldrá: ya pasaron las 24 horas para"
                                 " contestarle. No se sabe si le llegó al cliente: «Primera»");
    /* Not in her embudo any more: reassigned (another owner) or closed. */
    snprintf(m.d.card.login, sizeof m.d.card.login, "prom2");
    assert_string_equal(detalle_duda_no_saldra(&m.d, ev, 899),
                        "la oportunidad ya no está abierta en su embudo");
    snprintf(m.d.card.login, sizeof m.d.card.login, "prom1");
    m.d.card.estado = EMBUDO_EN_BANDEJA;
    assert_string_equal(detalle_duda_no_saldra(&m.d, ev, 899),
                        "la oportunidad ya no está abierta en su embudo");
    m.d.card.estado = EMBUDO_ABIERTA;

    /* A long text of wide characters: clipped whole, the note within its bytes, the quote
     * closed. */
    m.d.eventos[m.d.neventos - 3].motivo[0] = '\0'; /* «Primera» */
    for (int i = 0; i < 150; i++)                   /* 300 bytes */
        strcat(m.d.eventos[m.d.neventos - 3].motivo, "ñ");
    detalle_duda_form(f, &m.d, 1000);
    assert_true(strlen(f->note) < sizeof f->note);
    assert_non_null(strstr(f->note, "«ññ"));
    n = strlen(f->note);
    assert_true(n > 5);
    assert_string_equal(f->note + n - 5, "…»"); /* "…" is 3 bytes, "»" 2 */

    /* The bottom bar after each decision, and how many remain. */
    detalle_duda_resultado(buf, sizeof buf, DETALLE_DUDA_LLEGO, NULL, "", 0);
    assert_string_equal(buf, "Respuesta marcada como enviada.");
    detalle_duda_resultado(buf, sizeof buf, DETALLE_DUDA_LLEGO, NULL, "", 1);
    assert_string_equal(buf, "Respuesta marcada como enviada. Queda 1 en duda.");
    detalle_duda_resultado(buf, sizeof buf, DETALLE_DUDA_DESCARTAR, NULL, "", 2);
    assert_string_equal(buf, "Respuesta descartada: no se volverá a enviar. Quedan 2 en duda.");
    detalle_duda_resultado(buf, sizeof buf, DETALLE_DUDA_REENVIAR, NULL, "sale en unos segundos",
                           0);
    assert_string_equal(buf, "Vuelve a la cola: sale en unos segundos.");
    detalle_duda_resultado(buf, sizeof buf, DETALLE_DUDA_REENVIAR, NULL,
                           "la envía el WhatsApp de prom1", 0);
    assert_string_equal(buf, "Vuelve a la cola: la envía el WhatsApp de prom1.");
    detalle_duda_resultado(buf, sizeof buf, DETALLE_DUDA_REENVIAR,
                           "ya pasaron las 24 horas para contestarle", "sale en unos segundos", 1);
    assert_string_equal(buf, "Vuelve a la cola, pero no saldrá: ya pasaron las 24 horas para"
                             " contestarle. Queda 1 en duda.");
    detalle_duda_resultado(buf, 20, DETALLE_DUDA_LLEGO, NULL, "", 3); /* clipped, terminated */
    assert_string_equal(buf, "Respuesta marcada c");
    form_vm_fini(f);
    free(f);
    detalle_model_fini(&m);
}

static void
test_corregir_only_a_captured_leads(void **st)
{
    struct detalle_model m;
    bool redraw;

    (void)st;
    prospecto_new(&m, EMBUDO_ABIERTA);
    assert_null(detalle_model_refusal(&m, ACTION_CORRECT_DATA));
    assert_int_equal(detalle_model_action(&m, ACTION_CORRECT_DATA, 10, &redraw), DETALLE_CORREGIR);
    m.d.prospecto = false;
    assert_string_equal(detalle_model_refusal(&m, ACTION_CORRECT_DATA),
                        "Es cliente del padrón: sus datos se corrigen en la financiera, no aquí.");
    assert_int_equal(detalle_model_action(&m, ACTION_CORRECT_DATA, 10, &redraw), DETALLE_NADA);
    m.admin = true; /* not even an admin: the lender's data */
    assert_non_null(detalle_model_refusal(&m, ACTION_CORRECT_DATA));
    detalle_model_fini(&m);
    prospecto_new(&m, EMBUDO_EN_BANDEJA);
    assert_int_equal(detalle_model_action(&m, ACTION_CORRECT_DATA, 10, &redraw), DETALLE_CORREGIR);
    detalle_model_fini(&m);
    prospecto_new(&m, EMBUDO_GANADA);
    assert_string_equal(detalle_model_refusal(&m, ACTION_CORRECT_DATA),
                        "La oportunidad está cerrada: solo un administrador corrige sus datos.");
    assert_int_equal(detalle_model_action(&m, ACTION_CORRECT_DATA, 10, &redraw), DETALLE_NADA);
    m.admin = true;
    assert_null(detalle_model_refusal(&m, ACTION_CORRECT_DATA));
    assert_int_equal(detalle_model_action(&m, ACTION_CORRECT_DATA, 10, &redraw), DETALLE_CORREGIR);
    detalle_model_fini(&m);
    detalle_model_init(&m);
    assert_string_equal(detalle_model_refusal(&m, ACTION_CORRECT_DATA),
                        "La oportunidad aún no se ha leído.");
    detalle_model_fini(&m);
}

static void
correccion(struct detalle_correccion *c, const char *nombre, const char *tel, const char *curp)
{
    memset(c, 0, sizeof *c);
    snprintf(c->nombre, sizeof c->nombre, "%s", nombre);
    snprintf(c->telefono, sizeof c->telefono, "%s", tel);
    snprintf(c->curp, sizeof c->curp, "%s", curp);
}

/* The form opens with the lead's data (the phone as typed: ten digits), and only what the
 * database would see as different is sent. */
static void
test_corregir_prefill_and_what_is_sent(void **st)
{
    struct detalle_model m;
    struct detalle_correccion antes, escrito, enviar;
    char msg[160];

    (void)st;
    prospecto_new(&m, EMBUDO_ABIERTA);
    detalle_correccion_de(&m.d, &antes);
    assert_string_equal(antes.nombre, "Rosa Elena Muñoz Ávila");
    assert_string_equal(antes.telefono, "5512345678");
    assert_string_equal(antes.curp, "LONM800101MDFPXR09");
    /* As it opened: nothing to send (the database answers «nada que corregir»). */
    assert_int_equal(detalle_correccion_cambios(&antes, &antes, &enviar, msg, sizeof msg), 0);
    assert_string_equal(enviar.nombre, "");
    assert_string_equal(enviar.telefono, "");
    assert_string_equal(enviar.curp, "");
    /* Written differently, the same for the database: spaces, +52, lower case. */
    correccion(&escrito, "  Rosa  Elena Muñoz   Ávila ", "+52 (55) 1234-5678",
               "lonm800101mdfpxr09");
    assert_int_equal(detalle_correccion_cambios(&antes, &escrito, &enviar, msg, sizeof msg), 0);
    /* The phone alone. */
    correccion(&escrito, antes.nombre, "55 1234 5699", antes.curp);
    assert_int_equal(detalle_correccion_cambios(&antes, &escrito, &enviar, msg, sizeof msg), 1);
    assert_string_equal(enviar.nombre, "");
    assert_string_equal(enviar.telefono, "55 1234 5699");
    assert_string_equal(enviar.curp, "");
    /* Name and CURP: the name as the database keeps it, the CURP in upper case. */
    correccion(&escrito, "Rosa Elena  Muñoz Dávila", antes.telefono, "lonm800101mdfpxr08");
    assert_int_equal(detalle_correccion_cambios(&antes, &escrito, &enviar, msg, sizeof msg), 2);
    assert_string_equal(enviar.nombre, "Rosa Elena Muñoz Dávila");
    assert_string_equal(enviar.telefono, "");
    assert_string_equal(enviar.curp, "LONM800101MDFPXR08");
    assert_string_equal(msg, "");
    /* An erased CURP would be kept by the database: the form says so instead. */
    correccion(&escrito, antes.nombre, "5512345699", "");
    assert_int_equal(detalle_correccion_cambios(&antes, &escrito, &enviar, msg, sizeof msg), -1);
    assert_string_equal(msg, "La CURP no se puede borrar: escriba la correcta o déjela como"
                             " estaba (LONM800101MDFPXR09).");
    /* A lead captured without CURP: one may be added. */
    m.d.curp[0] = '\0';
    detalle_correccion_de(&m.d, &antes);
    assert_string_equal(antes.curp, "");
    correccion(&escrito, antes.nombre, antes.telefono, "");
    assert_int_equal(detalle_correccion_cambios(&antes, &escrito, &enviar, msg, sizeof msg), 0);
    correccion(&escrito, antes.nombre, antes.telefono, "MUAR900214MDFXVS03");
    assert_int_equal(detalle_correccion_cambios(&antes, &escrito, &enviar, msg, sizeof msg), 1);
    assert_string_equal(enviar.curp, "MUAR900214MDFXVS03");
    /* A phone not stored as +52 and ten digits opens as it is. */
    snprintf(m.d.contactos[0].valor, 96, "5512");
    detalle_correccion_de(&m.d, &antes);
    assert_string_equal(antes.telefono, "5512");
    m.d.ncontactos = 0; /* none (suppressed): empty */
    detalle_correccion_de(&m.d, &antes);
    assert_string_equal(antes.telefono, "");
    detalle_model_fini(&m);
}

/* A won opportunity with its sale (sql/092). */
static void
venta_new(struct detalle_model *m)
{
    model_new(m, EMBUDO_GANADA);
    snprintf(m->d.venta_folio, sizeof m->d.venta_folio, "TV-1");
    snprintf(m->d.venta_monto, sizeof m->d.venta_monto, "138000.50");
    snprintf(m->d.venta_producto, sizeof m->d.venta_producto, "Crédito de nómina");
}

/* The history: what a correction changed, before → after, the amounts as people read them;
 * a cancellation names the stage it went back to, or why it was discarded instead. */
static void
test_venta_corregida_y_cancelada_labels(void **st)
{
    struct detalle_evento e = { .evento = "VENTA_CORREGIDA",
                                .etapa_anterior = "Venta",
                                .etapa_nueva = "Venta",
                                .venta_monto = { "138500.00", "138000.5" } };
    char buf[256];

    (void)st;
    detalle_evento_label(buf, sizeof buf, &e, false);
    assert_string_equal(buf, "Venta corregida: monto $138,500.00 → $138,000.50");
    snprintf(e.venta_folio[0], sizeof e.venta_folio[0], "TV-1");
    snprintf(e.venta_folio[1], sizeof e.venta_folio[1], "TV-9");
    snprintf(e.venta_producto[0], sizeof e.venta_producto[0], "Nómina");
    snprintf(e.venta_producto[1], sizeof e.venta_producto[1], "Pensión");
    detalle_evento_label(buf, sizeof buf, &e, true);
    assert_string_equal(buf, "Venta corregida: monto $138,500.00 -> $138,000.50, producto Nómina"
                             " -> Pensión, folio TV-1 -> TV-9");
    memset(e.venta_monto, 0, sizeof e.venta_monto);
    memset(e.venta_producto, 0, sizeof e.venta_producto);
    detalle_evento_label(buf, sizeof buf, &e, false);
    assert_string_equal(buf, "Venta corregida: folio TV-1 → TV-9");
    memset(e.venta_folio, 0, sizeof e.venta_folio); /* a row that keeps nothing */
    detalle_evento_label(buf, sizeof buf, &e, false);
    assert_string_equal(buf, "Venta corregida");
    detalle_evento_label(buf, 8, &e, false); /* clipped, never overrun */
    assert_string_equal(buf, "Venta c");

    struct detalle_evento c = { .evento = "VENTA_CANCELADA",
                                .etapa_anterior = "Venta",
                                .etapa_nueva = "Interesado" };
    detalle_evento_label(buf, sizeof buf, &c, false);
    assert_string_equal(buf, "Venta cancelada → Interesado");
    snprintf(c.cerrada, sizeof c.cerrada, "el cliente ya tiene otra oportunidad activa (77)");
    detalle_evento_label(buf, sizeof buf, &c, false);
    assert_string_equal(buf, "Venta cancelada: se descartó porque el cliente ya tiene otra"
                             " oportunidad activa (77)");
}

/* The data block: a sale in force with its amount as people read it and «(corregida)»; a
 * cancelled one says when and why, the reason wrapped under the value, never as a sale. */
static void
test_venta_in_the_data_block(void **st)
{
    struct detalle_model m;
    char *r;

    (void)st;
    venta_new(&m);
    detalle_vm_build(&vm, &m, 80, 24);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_non_null(strstr(r, " Contactado   ganada\n"));
    assert_non_null(
        strstr(r, "\n Venta     $138,000.50 · Crédito de nómina · folio TV-1\n\n Contactos\n"));
    free(r);
    m.d.venta_corregida = true;
    detalle_vm_build(&vm, &m, 80, 24);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_non_null(strstr(r, "\n Venta     $138,000.50 · Crédito de nómina · folio TV-1"
                              " (corregida)\n"));
    free(r);
    detalle_model_fini(&m);

    venta_new(&m);
    m.d.card.estado = EMBUDO_EN_BANDEJA;
    m.d.venta_cancelada = true;
    snprintf(m.d.venta_cancelada_el, sizeof m.d.venta_cancelada_el, "30/11/2026");
    snprintf(m.d.venta_motivo, sizeof m.d.venta_motivo,
             "la financiera no autorizó el crédito porque el cliente ya tenía dos préstamos"
             " vigentes con descuento de nómina y la capacidad de pago no alcanza");
    detalle_vm_build(&vm, &m, 80, 24);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_null(strstr(r, "$138,000.50"));
    assert_non_null(strstr(r, "\n Venta     cancelada el 30/11/2026: la financiera no autorizó el"
                              " crédito porque\n"
                              "           el cliente ya tenía dos préstamos vigentes con descuento"
                              " de nómina y\n"
                              "           la capacidad de pago no alcanza\n\n Contactos\n"));
    free(r);
    /* At 160 columns the left half is 80: the same words, wrapped there. */
    detalle_vm_build(&vm, &m, 160, 50);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_non_null(strstr(r, " Venta     cancelada el 30/11/2026: la financiera no autorizó"));
    free(r);
    detalle_model_fini(&m);
}

/* E and X: a sale in force only (supervision's keys: the registry decides who has them); the
 * bar offers on a won one what works there (the note, E, X) and not what it refuses. */
static void
test_venta_keys_only_on_a_sale_in_force(void **st)
{
    struct detalle_model m;
    bool redraw;

    (void)st;
    detalle_model_init(&m); /* not read yet: nothing of the sale offered */
    assert_false(detalle_model_offers(&m, ACTION_SALE_CORRECT));
    assert_true(detalle_model_offers(&m, ACTION_MOVE_STAGE));
    detalle_model_fini(&m);
    venta_new(&m);
    assert_null(detalle_model_refusal(&m, ACTION_SALE_CORRECT));
    assert_int_equal(detalle_model_action(&m, ACTION_SALE_CORRECT, 10, &redraw),
                     DETALLE_VENTA_CORREGIR);
    assert_int_equal(detalle_model_action(&m, ACTION_SALE_CANCEL, 10, &redraw),
                     DETALLE_VENTA_CANCELAR);
    assert_true(detalle_model_offers(&m, ACTION_SALE_CORRECT));
    assert_true(detalle_model_offers(&m, ACTION_SALE_CANCEL));
    assert_true(detalle_model_offers(&m, ACTION_NOTE));
    assert_true(detalle_model_offers(&m, ACTION_HELP));
    assert_false(detalle_model_offers(&m, ACTION_MOVE_STAGE)); /* closed: refused, not offered */
    assert_false(detalle_model_offers(&m, ACTION_SALE));
    assert_false(detalle_model_offers(&m, ACTION_REASSIGN));
    m.d.venta_cancelada = true;
    assert_string_equal(detalle_model_refusal(&m, ACTION_SALE_CANCEL),
                        "Su venta ya está cancelada.");
    assert_int_equal(detalle_model_action(&m, ACTION_SALE_CANCEL, 10, &redraw), DETALLE_NADA);
    assert_false(detalle_model_offers(&m, ACTION_SALE_CORRECT));
    detalle_model_fini(&m);
    model_new(&m, EMBUDO_ABIERTA); /* no sale: the bar as it was, without E and X */
    assert_string_equal(detalle_model_refusal(&m, ACTION_SALE_CORRECT),
                        "La oportunidad no tiene una venta registrada.");
    assert_false(detalle_model_offers(&m, ACTION_SALE_CORRECT));
    assert_true(detalle_model_offers(&m, ACTION_MOVE_STAGE));
    assert_true(detalle_model_offers(&m, ACTION_EXTEND));
    detalle_model_fini(&m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phones_are_written_for_people),
        cmocka_unit_test(test_history_labels),
        cmocka_unit_test(test_prorroga_labels),
        cmocka_unit_test(test_prorroga_request_and_answer),
        cmocka_unit_test(test_prorroga_pending_from_the_history),
        cmocka_unit_test(test_prorroga_cancel_only_ones_own_pending),
        cmocka_unit_test(test_prorroga_pending_in_the_data_block),
        cmocka_unit_test(test_layout_at_80x24),
        cmocka_unit_test(test_wide_terminal_puts_the_timeline_on_the_right),
        cmocka_unit_test(test_move_picker_offers_other_working_stages_and_returns_the_choice),
        cmocka_unit_test(test_bandeja_and_closed_opportunities_take_notes_only),
        cmocka_unit_test(test_more_time_needs_a_running_timer),
        cmocka_unit_test(test_attempt_only_while_open),
        cmocka_unit_test(test_attempts_counted_since_the_owner),
        cmocka_unit_test(test_exit_needing_attempts_says_so_first),
        cmocka_unit_test(test_scrolling_stops_at_the_end),
        cmocka_unit_test(test_not_read_yet_and_read_errors),
        cmocka_unit_test(test_a_phone_in_the_registry_at_80x24),
        cmocka_unit_test(test_a_client_out_of_the_padron),
        cmocka_unit_test(test_which_phones_the_no_contactar_key_offers),
        cmocka_unit_test(test_datos_corregidos_label),
        cmocka_unit_test(test_datos_corregidos_in_the_history),
        cmocka_unit_test(test_corregir_only_a_captured_leads),
        cmocka_unit_test(test_corregir_prefill_and_what_is_sent),
        cmocka_unit_test(test_whatsapp_replies_in_the_history),
        cmocka_unit_test(test_whatsapp_answer_in_the_history),
        cmocka_unit_test(test_whatsapp_texts_wrap_in_the_history),
        cmocka_unit_test(test_answer_only_while_the_client_can_be_answered),
        cmocka_unit_test(test_answer_form),
        cmocka_unit_test(test_answer_in_doubt_in_the_history_and_the_data_block),
        cmocka_unit_test(test_who_decides_an_answer_in_doubt),
        cmocka_unit_test(test_doubt_form_newest_first_and_what_it_says),
        cmocka_unit_test(test_venta_corregida_y_cancelada_labels),
        cmocka_unit_test(test_venta_in_the_data_block),
        cmocka_unit_test(test_venta_keys_only_on_a_sale_in_force),
    };

    return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
