#include "ui/vm/detalle_vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/baja_padron.h"
#include "core/dinero.h"
#include "core/import.h"
#include "core/intento.h"
#include "ui/vm/scroll.h"

enum {
    HEAD_H = 3,   /* title, state line, blank */
    WIDE = 120,   /* from here the timeline takes the right half */
    LABEL_W = 10, /* "Convenio  " */
    PICK_W = 34,
};

/* ---- model -------------------------------------------------------------------------- */

void
detalle_model_init(struct detalle_model *m)
{
    memset(m, 0, sizeof *m);
}

void
detalle_data_fini(struct detalle_data *d)
{
    free(d->contactos);
    free(d->eventos);
    free(d->nc);
    d->contactos = NULL;
    d->eventos = NULL;
    d->nc = NULL;
    d->ncontactos = d->neventos = d->nnc = 0;
}

void
detalle_model_fini(struct detalle_model *m)
{
    detalle_data_fini(&m->d);
}

void
detalle_model_take(struct detalle_model *m, struct detalle_data *d)
{
    if (d->card.id != m->d.card.id) {
        m->scroll = 0;
        m->picking = false;
    }
    detalle_data_fini(&m->d);
    m->d = *d;
    d->contactos = NULL;
    d->eventos = NULL;
    d->nc = NULL;
    d->ncontactos = d->neventos = d->nnc = 0;
    m->loaded = true;
    m->error[0] = '\0';
}

const char *
detalle_model_refusal(const struct detalle_model *m, enum action a)
{
    bool abierta = m->d.card.estado == EMBUDO_ABIERTA;

    if (!m->loaded)
        return "La oportunidad aún no se ha leído.";
    if (a == ACTION_NOTE)
        return NULL; /* notes go on any opportunity, closed ones too */
    if (a == ACTION_SALE_CORRECT || a == ACTION_SALE_CANCEL) { /* sql/092: a sale in force */
        if (m->d.venta_folio[0] == '\0')
            return "La oportunidad no tiene una venta registrada.";
        return m->d.venta_cancelada ? "Su venta ya está cancelada." : NULL;
    }
    if (a == ACTION_NO_CONTACT) /* the database takes the phones of active ones only (EB804) */
        return abierta || m->d.card.estado == EMBUDO_EN_BANDEJA
                   ? NULL
                   : "La oportunidad está cerrada: solo un administrador puede registrar su"
                     " número en no contactar.";
    if (a == ACTION_CORRECT_DATA) { /* sql/085: a prospect's, active or (an admin) closed */
        if (!m->d.prospecto)
            return "Es cliente del padrón: sus datos se corrigen en la financiera, no aquí.";
        return abierta || m->d.card.estado == EMBUDO_EN_BANDEJA || m->admin
                   ? NULL
                   : "La oportunidad está cerrada: solo un administrador corrige sus datos.";
    }
    if (a == ACTION_REASSIGN) /* an exit in the bandeja too: the supervisor decides */
        return abierta || m->d.card.estado == EMBUDO_EN_BANDEJA ? NULL
                                                                : "La oportunidad está cerrada.";
    if (a != ACTION_MOVE_STAGE && a != ACTION_EXIT_STAGE && a != ACTION_SALE &&
        a != ACTION_EXTEND && a != ACTION_ATTEMPT && a != ACTION_EXTENSION_ASK &&
        a != ACTION_EXTENSION_CANCEL)
        return NULL;
    if (m->d.card.estado == EMBUDO_EN_BANDEJA)
        return "Está en la bandeja del supervisor: él decide qué sigue.";
    if (!abierta)
        return "La oportunidad está cerrada.";
    if (a == ACTION_EXTEND && !m->d.card.con_timer)
        return "Su etapa no tiene temporizador: no hay tiempo que extender.";
    if (a == ACTION_EXTENSION_ASK && !m->d.card.con_timer)
        return "Su etapa no tiene temporizador: no hay nada que esperar.";
    if ((a == ACTION_EXTEND || a == ACTION_EXTENSION_ASK) && m->d.card.pausada)
        return "El temporizador está en pausa mientras su promotor no está.";
    return NULL;
}

const char *
detalle_responder_refusal(const struct detalle_model *m, int64_t now, char *buf, size_t size)
{
    const struct detalle_ventana *w = &m->d.wa;
    const char *why = NULL;

    if (!m->loaded)
        why = "La oportunidad aún no se ha leído.";
    else if (!m->promotor)
        why = "Solo la promotora de la oportunidad le contesta al cliente, desde su WhatsApp.";
    else if (m->d.card.estado == EMBUDO_EN_BANDEJA)
        why = "Está en la bandeja del supervisor: él decide qué sigue.";
    else if (m->d.card.estado != EMBUDO_ABIERTA)
        why = "La oportunidad está cerrada.";
    else if (!w->leida)
        why = "Un momento: aún se consulta si puede contestarle.";
    else if (w->codigo[0] != '\0' || w->hasta <= 0)
        why = w->motivo[0] != '\0' ? w->motivo : "No puede contestarle por WhatsApp ahora.";
    if (why != NULL) {
        snprintf(buf, size, "%s", why);
        return buf;
    }
    if (now < w->hasta)
        return NULL;
    /* Read open, closed since (the next read brings the database's own sentence). */
    snprintf(buf, size,
             "Ya pasaron las 24 horas para contestarle (podía hasta las %s del %.5s): para"
             " escribirle, use una campaña.",
             strlen(w->hasta_local) > 6 ? w->hasta_local + 6 : "", w->hasta_local);
    return buf;
}

bool
detalle_model_has(const struct detalle_model *m, enum action a, int64_t now)
{
    char why[sizeof m->aviso];

    if (a == ACTION_UNCERTAIN_DECIDE)
        return detalle_duda_refusal(m, why, sizeof why) == NULL;
    return a != ACTION_WA_REPLY || detalle_responder_refusal(m, now, why, sizeof why) == NULL;
}

/* Text of blanks only: the database trims it to nothing (EB420). */
static bool
respuesta_check(const char *v, char *msg, size_t msgsz)
{
    if (v[strspn(v, " \t")] != '\0')
        return true;
    snprintf(msg, msgsz, "Escriba el texto de la respuesta");
    return false;
}

void
detalle_responder_form(struct form_vm *f, char *label, size_t labelsz, const struct detalle_data *d)
{
    const char *h = d->wa.hasta_local;
    struct form_field *fd;
    char tel[48], note[96];

    detalle_phone_fmt(tel, sizeof tel, d->wa.telefono);
    snprintf(label, labelsz, "Respuesta para %s%s%s%s", d->card.cliente, tel[0] != '\0' ? " (" : "",
             tel, tel[0] != '\0' ? ")" : "");
    form_vm_init(f, "Responder por WhatsApp");
    /* "30/11 18:02": the hour, then the day */
    if (strlen(h) > 6) {
        snprintf(note, sizeof note, "Puede contestar hasta las %s del %.5s.", h + 6, h);
        form_vm_set_note(f, note);
    }
    if ((fd = form_vm_add(f, label, FORM_TEXT, true, NULL)) != NULL) {
        fd->largo = true;
        fd->min_len = 1;
        fd->max_len = DETALLE_RESPUESTA_MAX;
        fd->check = respuesta_check;
    }
}

const char *
detalle_wa_estado(const char *estado)
{
    static const struct {
        const char *estado, *dicho;
    } estados[] = {
        { "PENDIENTE", "en cola" },   { "ENVIANDO", "enviando" },     { "ENVIADO", "enviado" },
        { "ENTREGADO", "entregado" }, { "LEIDO", "leído" },           { "FALLIDO", "no se envió" },
        { "OMITIDO", "no se envió" }, { "CANCELADO", "no se envió" },
    };

    for (size_t i = 0; i < sizeof estados / sizeof estados[0]; i++)
        if (strcmp(estado, estados[i].estado) == 0)
            return estados[i].dicho;
    return NULL;
}

size_t
detalle_dudas(const struct detalle_data *d, const struct detalle_evento **nueva)
{
    size_t n = 0;

    if (nueva != NULL)
        *nueva = NULL;
    for (size_t i = 0; i < d->neventos; i++) {
        const struct detalle_evento *ev = &d->eventos[i];

        if (!ev->incierto || ev->mensaje_id <= 0 || strcmp(ev->evento, "WA_MENSAJE") != 0)
            continue;
        n++;
        if (nueva != NULL)
            *nueva = ev; /* the history is oldest first: the last one is the newest */
    }
    return n;
}

const char *
detalle_duda_refusal(const struct detalle_model *m, char *buf, size_t size)
{
    const char *why = NULL;

    if (!m->loaded)
        why = "La oportunidad aún no se ha leído.";
    else if (detalle_dudas(&m->d, NULL) == 0)
        why = "Ninguna respuesta de esta oportunidad está en duda.";
    else if (m->lectura)
        why = "Solo lectura: su perfil no decide los mensajes en duda.";
    if (why == NULL)
        return NULL;
    snprintf(buf, size, "%s", why);
    return buf;
}

/* The choice's words, in enum detalle_duda_accion's order. */
static const char *const duda_opciones[] = { "sí le llegó", "volver a enviar", "descartar" };

int
detalle_duda_eleccion(const char *value)
{
    for (size_t i = 0; i < sizeof duda_opciones / sizeof duda_opciones[0]; i++)
        if (strcmp(value, duda_opciones[i]) == 0)
            return (int)i;
    return -1;
}

const char *
detalle_duda_no_saldra(const struct detalle_data *d, const struct detalle_evento *ev, int64_t now)
{
    /* The claim's CERRADA: the opportunity ABIERTA in the embudo of the account that wrote
     * it (the history row's user); then its VENTANA. */
    if (d->card.estado != EMBUDO_ABIERTA || strcmp(d->card.login, ev->login) != 0)
        return "la oportunidad ya no está abierta en su embudo";
    if (ev->ventana_hasta <= now)
        return "ya pasaron las 24 horas para contestarle";
    return NULL;
}

void
detalle_duda_form(struct form_vm *f, const struct detalle_data *d, int64_t now)
{
    const struct detalle_evento *ev;
    size_t n = detalle_dudas(d, &ev);
    const char *no;
    char title[sizeof f->title], note[sizeof f->note];
    struct form_field *fd;
    int len;
    size_t used;

    if (ev == NULL) { /* the caller checked: nothing to decide */
        form_vm_init(f, "Respuesta en duda");
        return;
    }
    len = snprintf(title, sizeof title, "Respuesta en duda · %s", ev->cuando);
    if (n > 1 && len > 0 && (size_t)len < sizeof title)
        snprintf(title + len, sizeof title - (size_t)len, " · hay %zu más", n - 1);
    form_vm_init(f, title);
    /* Why a re-send would not go comes first: the note shows two rows, the text is clipped. */
    no = detalle_duda_no_saldra(d, ev, now);
    snprintf(note, sizeof note, "%s%s%sNo se sabe si le llegó al cliente: «",
             no != NULL ? "Si la vuelve a enviar, no saldrá: " : "", no != NULL ? no : "",
             no != NULL ? ". " : "");
    /* The text in what is left, never cut inside a character, and the closing quote. */
    used = strlen(note);
    vm_clip(note + used, (int)(sizeof note - used - sizeof "»"), ev->motivo, 100, vm_ellipsis());
    strcat(note, "»");
    form_vm_set_note(f, note);
    if ((fd = form_vm_add(f, "Decisión", FORM_CHOICE, true, duda_opciones[0])) != NULL) {
        fd->choices = duda_opciones;
        fd->nchoices = sizeof duda_opciones / sizeof duda_opciones[0];
    }
}

void
detalle_duda_resultado(char *buf, size_t size, enum detalle_duda_accion a, const char *no_saldra,
                       const char *sale, size_t quedan)
{
    int len = 0;

    switch (a) {
    case DETALLE_DUDA_LLEGO:
        len = snprintf(buf, size, "Respuesta marcada como enviada.");
        break;
    case DETALLE_DUDA_REENVIAR:
        if (no_saldra != NULL)
            len = snprintf(buf, size, "Vuelve a la cola, pero no saldrá: %s.", no_saldra);
        else
            len = snprintf(buf, size, "Vuelve a la cola: %s.", sale != NULL ? sale : "sale pronto");
        break;
    case DETALLE_DUDA_DESCARTAR:
        len = snprintf(buf, size, "Respuesta descartada: no se volverá a enviar.");
        break;
    }
    if (len < 0 || (size_t)len >= size || quedan == 0)
        return;
    if (quedan == 1)
        snprintf(buf + len, size - (size_t)len, " Queda 1 en duda.");
    else
        snprintf(buf + len, size - (size_t)len, " Quedan %zu en duda.", quedan);
}

bool
detalle_model_offers(const struct detalle_model *m, enum action a)
{
    if (a == ACTION_SALE_CORRECT || a == ACTION_SALE_CANCEL)
        return m->loaded && detalle_model_refusal(m, a) == NULL;
    return !m->loaded || detalle_model_refusal(m, a) == NULL;
}

/* Opens the picker with the stages a move (salida false) or an exit (true) may go to. */
static bool
picker_open(struct detalle_model *m, bool salida)
{
    m->npicks = 0;
    for (int i = 0; i < m->nstages; i++) {
        const struct embudo_stage *s = &m->stages[i];

        if (s->salida != salida || s->venta || s->id == m->d.card.etapa_id)
            continue;
        m->picks[m->npicks++] = i;
    }
    m->picking = m->npicks > 0;
    m->picking_salida = salida;
    m->pick = 0;
    return m->picking;
}

/*
 * The contact attempts since the opportunity reached its owner (its latest ASIGNADA, CAPTADA,
 * REASIGNADA or REABIERTA: what an exit stage's minimum is checked against, sql/065); *ultimo
 * gets the outcome code of the latest attempt, or NULL when there is none.
 */
int
detalle_intentos(const struct detalle_data *d, const char **ultimo)
{
    static const char *const dueno[] = { "ASIGNADA", "CAPTADA", "REASIGNADA", "REABIERTA" };
    int n = 0;

    *ultimo = NULL;
    for (size_t i = 0; i < d->neventos; i++) {
        const struct detalle_evento *ev = &d->eventos[i];

        for (size_t k = 0; k < sizeof dueno / sizeof dueno[0]; k++)
            if (strcmp(ev->evento, dueno[k]) == 0)
                n = 0;
        if (strcmp(ev->evento, "INTENTO") == 0) {
            n++;
            *ultimo = ev->resultado;
        }
    }
    return n;
}

const char *
detalle_prorroga_pendiente(const struct detalle_data *d, const char **reanudar)
{
    const struct detalle_evento *pedida = NULL;

    for (size_t i = 0; i < d->neventos; i++) {
        const struct detalle_evento *ev = &d->eventos[i];

        if (strcmp(ev->evento, "PRORROGA_PEDIDA") == 0)
            pedida = ev;
        else if (strcmp(ev->evento, "PRORROGA") == 0 ||
                 strcmp(ev->evento, "PRORROGA_RECHAZADA") == 0 ||
                 strcmp(ev->evento, "PRORROGA_CANCELADA") == 0)
            pedida = NULL;
    }
    *reanudar = pedida != NULL ? pedida->resultado : "";
    return pedida != NULL ? pedida->login : NULL;
}

/*
 * z and Z once the estado allows them: a second request while one waits would be refused
 * (EB642), so z says what waits and which key withdraws it; Z withdraws only the user's own
 * (api.prorroga_cancelar: the requester, EB644).
 */
static enum detalle_intent
prorroga_action(struct detalle_model *m, enum action a)
{
    const char *fecha, *quien = detalle_prorroga_pendiente(&m->d, &fecha);
    char hasta[32] = "";

    if (quien != NULL && fecha[0] != '\0')
        snprintf(hasta, sizeof hasta, " hasta el %s", fecha);
    if (a == ACTION_EXTENSION_ASK && quien == NULL)
        return DETALLE_PRORROGA;
    if (a == ACTION_EXTENSION_CANCEL && quien != NULL && strcmp(quien, m->yo) == 0)
        return DETALLE_PRORROGA_CANCELAR;
    if (quien == NULL)
        snprintf(m->aviso, sizeof m->aviso, "No hay una prórroga por decidir en esta oportunidad.");
    else if (strcmp(quien, m->yo) == 0)
        snprintf(m->aviso, sizeof m->aviso,
                 "Ya pidió una prórroga%s y está por decidir; Z la cancela.", hasta);
    else if (a == ACTION_EXTENSION_ASK)
        snprintf(m->aviso, sizeof m->aviso, "Ya hay una prórroga por decidir%s, pedida por %s.",
                 hasta, quien);
    else
        snprintf(m->aviso, sizeof m->aviso,
                 "La prórroga por decidir la pidió %s: solo quien la pidió puede cancelarla.",
                 quien);
    return DETALLE_AVISO;
}

static bool
is_phone(const struct detalle_contacto *c)
{
    return strcmp(c->tipo, "CELULAR") == 0 || strcmp(c->tipo, "FIJO") == 0;
}

/* True when telefono has an entry of fuente in force (fuente NULL: any). */
static bool
nc_has(const struct detalle_data *d, const char *telefono, const char *fuente)
{
    for (size_t i = 0; i < d->nnc; i++)
        if (strcmp(d->nc[i].telefono, telefono) == 0 &&
            (fuente == NULL || strcmp(d->nc[i].fuente, fuente) == 0))
            return true;
    return false;
}

size_t
detalle_nc_telefonos(const struct detalle_data *d, const char **out, size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < d->ncontactos; i++) {
        const struct detalle_contacto *c = &d->contactos[i];

        if (!is_phone(c) || !c->vigente || nc_has(d, c->valor, "SOLICITUD"))
            continue;
        if (n < max)
            out[n] = c->valor;
        n++;
    }
    return n;
}

/* ---- correcting a captured lead's data (sql/085) --------------------------------------- */

void
detalle_correccion_de(const struct detalle_data *d, struct detalle_correccion *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->nombre, sizeof c->nombre, "%s", d->card.cliente);
    snprintf(c->curp, sizeof c->curp, "%s", d->curp);
    for (size_t i = 0; i < d->ncontactos; i++) {
        const char *v = d->contactos[i].valor;

        if (strcmp(d->contactos[i].tipo, "CELULAR") != 0 || !d->contactos[i].vigente)
            continue;
        /* As the user would type it: the ten digits, without +52. */
        snprintf(c->telefono, sizeof c->telefono, "%.*s", (int)sizeof c->telefono - 1,
                 strlen(v) == 13 && strncmp(v, "+52", 3) == 0 ? v + 3 : v);
        break;
    }
}

/* s trimmed and in upper case (ASCII: a CURP has no other letters), into out. */
static void
upper_trim(char *out, size_t outsz, const char *s)
{
    size_t n = 0;

    vm_collapse_blanks(out, outsz, s);
    for (; out[n] != '\0'; n++)
        if (out[n] >= 'a' && out[n] <= 'z')
            out[n] = (char)(out[n] - 'a' + 'A');
}

int
detalle_correccion_cambios(const struct detalle_correccion *antes,
                           const struct detalle_correccion *escrito,
                           struct detalle_correccion *enviar, char *msg, size_t msgsz)
{
    char a[sizeof antes->nombre], b[sizeof antes->nombre], ta[14], tb[14];
    int n = 0;

    memset(enviar, 0, sizeof *enviar);
    msg[0] = '\0';
    vm_collapse_blanks(a, sizeof a, antes->nombre);
    vm_collapse_blanks(b, sizeof b, escrito->nombre);
    if (b[0] != '\0' && strcmp(a, b) != 0) {
        snprintf(enviar->nombre, sizeof enviar->nombre, "%s", b);
        n++;
    }
    /* A phone that does not normalise is sent as typed: the database says why (EB701). */
    if (!import_phone_normalize(antes->telefono, ta))
        snprintf(ta, sizeof ta, "%.13s", antes->telefono);
    if (!import_phone_normalize(escrito->telefono, tb))
        snprintf(tb, sizeof tb, "%.13s", escrito->telefono);
    if (escrito->telefono[0] != '\0' && strcmp(ta, tb) != 0) {
        snprintf(enviar->telefono, sizeof enviar->telefono, "%s", escrito->telefono);
        n++;
    }
    upper_trim(a, sizeof a, antes->curp);
    upper_trim(b, sizeof b, escrito->curp);
    if (b[0] == '\0' && a[0] != '\0') {
        snprintf(msg, msgsz,
                 "La CURP no se puede borrar: escriba la correcta o déjela como"
                 " estaba (%s).",
                 a);
        return -1;
    }
    if (b[0] != '\0' && strcmp(a, b) != 0) {
        snprintf(enviar->curp, sizeof enviar->curp, "%.*s", (int)sizeof enviar->curp - 1, b);
        n++;
    }
    return n;
}

/* The key that asks for the registry: which phone, or why there is none. */
static enum detalle_intent
no_contactar_action(struct detalle_model *m)
{
    const char *tel[1];
    bool any = false;

    if (detalle_model_refusal(m, ACTION_NO_CONTACT) != NULL)
        return DETALLE_NADA;
    if (detalle_nc_telefonos(&m->d, tel, 1) > 0)
        return DETALLE_NO_CONTACTAR;
    for (size_t i = 0; i < m->d.ncontactos; i++)
        any = any || (is_phone(&m->d.contactos[i]) && m->d.contactos[i].vigente);
    snprintf(m->aviso, sizeof m->aviso, "%s",
             any ? "Sus teléfonos ya están en no contactar a petición de la persona."
                 : "No tiene un teléfono vigente que registrar en no contactar.");
    return DETALLE_AVISO;
}

static enum detalle_intent
picker_action(struct detalle_model *m, enum action a, bool *redraw)
{
    *redraw = true;
    if (a == ACTION_BACK || a == ACTION_CLOSE) {
        m->picking = false;
        return DETALLE_NADA;
    }
    if (a == ACTION_OPEN || a == ACTION_CONFIRM || a == ACTION_SUBMIT) {
        const struct embudo_stage *s = &m->stages[m->picks[m->pick]];

        const char *ultimo;
        int n = detalle_intentos(&m->d, &ultimo);

        m->picking = false;
        if (m->picking_salida && n < s->intentos_minimos) {
            /* The database would refuse it (EB308): say so before the reason is typed. */
            snprintf(m->aviso, sizeof m->aviso,
                     "«%s» pide %d %s de contacto (lleva %d): regístrelos con i.", s->nombre,
                     s->intentos_minimos, s->intentos_minimos == 1 ? "intento" : "intentos", n);
            return DETALLE_AVISO;
        }
        snprintf(m->intent_etapa, sizeof m->intent_etapa, "%s", s->nombre);
        return m->picking_salida ? DETALLE_SALIDA : DETALLE_MOVER;
    }
    *redraw = list_cursor_move(&m->pick, m->npicks, a, m->npicks);
    return DETALLE_NADA;
}

enum detalle_intent
detalle_model_action(struct detalle_model *m, enum action a, int page, bool *redraw)
{
    *redraw = false;
    if (m->picking)
        return picker_action(m, a, redraw);
    if (a == ACTION_BACK)
        return DETALLE_VOLVER;
    if (a == ACTION_NO_CONTACT)
        return no_contactar_action(m);
    if (a == ACTION_MOVE_STAGE || a == ACTION_EXIT_STAGE) {
        if (detalle_model_refusal(m, a) != NULL)
            return DETALLE_NADA;
        *redraw = picker_open(m, a == ACTION_EXIT_STAGE);
        return DETALLE_NADA;
    }
    if (a == ACTION_EXTENSION_ASK || a == ACTION_EXTENSION_CANCEL)
        return detalle_model_refusal(m, a) != NULL ? DETALLE_NADA : prorroga_action(m, a);
    if (a == ACTION_CORRECT_DATA)
        return detalle_model_refusal(m, a) != NULL ? DETALLE_NADA : DETALLE_CORREGIR;
    if (a == ACTION_WA_REPLY)
        return detalle_responder_refusal(m, m->now, m->aviso, sizeof m->aviso) != NULL
                   ? DETALLE_AVISO
                   : DETALLE_RESPONDER;
    if (a == ACTION_UNCERTAIN_DECIDE)
        return detalle_duda_refusal(m, m->aviso, sizeof m->aviso) != NULL ? DETALLE_AVISO
                                                                          : DETALLE_DUDA;
    if (a == ACTION_SALE_CORRECT || a == ACTION_SALE_CANCEL) {
        if (detalle_model_refusal(m, a) != NULL)
            return DETALLE_NADA;
        return a == ACTION_SALE_CORRECT ? DETALLE_VENTA_CORREGIR : DETALLE_VENTA_CANCELAR;
    }
    if (a == ACTION_NOTE || a == ACTION_SALE || a == ACTION_EXTEND || a == ACTION_ATTEMPT) {
        if (detalle_model_refusal(m, a) != NULL)
            return DETALLE_NADA;
        return a == ACTION_NOTE      ? DETALLE_NOTA
               : a == ACTION_SALE    ? DETALLE_VENTA
               : a == ACTION_ATTEMPT ? DETALLE_INTENTO
                                     : DETALLE_EXTENDER;
    }
    (void)scroll_action(&m->scroll, a, page, redraw);
    return DETALLE_NADA;
}

/* ---- formatting --------------------------------------------------------------------- */

void
detalle_phone_fmt(char *buf, size_t bufsz, const char *p)
{
    static const char *const two[] = { "33", "55", "56", "81" };
    bool area2 = false;

    if (strlen(p) != 13 || strncmp(p, "+52", 3) != 0 || strspn(p + 3, "0123456789") != 10) {
        snprintf(buf, bufsz, "%s", p);
        return;
    }
    for (size_t i = 0; i < sizeof two / sizeof two[0]; i++)
        area2 = area2 || strncmp(p + 3, two[i], 2) == 0;
    if (area2)
        snprintf(buf, bufsz, "+52 %.2s %.4s %.4s", p + 3, p + 5, p + 9);
    else
        snprintf(buf, bufsz, "+52 %.3s %.3s %.4s", p + 3, p + 6, p + 9);
}

static const struct {
    const char *evento, *label;
} evento_labels[] = {
    { "ASIGNADA", "Asignada" },
    { "CAPTADA", "Captada" },
    { "TIMER_AVISO", "Aviso: el timer pasó el umbral" },
    { "TIMER_VENCIDO", "Timer vencido: de vuelta al pool" },
    { "TIMER_EXTENDIDO", "Timer extendido por el supervisor" },
    { "TIMER_RECALCULADO", "Timer recalculado" }, /* the motivo says why: calendar, stage */
    { "TIMER_PAUSADO", "Timer en pausa: su promotor no está" },
    { "TIMER_REANUDADO", "Timer reanudado" },
    { "DEVUELTA", "Devuelta al pool" },
    { "REASIGNADA", "Reasignada" },
    { "REABIERTA", "Reabierta" },
    { "VENTA", "Venta registrada" },
    { "DESCARTADA", "Descartada" },
    { "NOTA", "Nota" },
    { "NO_CONTACTAR", "Alta en no contactar" },
    { "NO_CONTACTAR_FIN", "Baja de no contactar" },
    { "PRORROGA_PEDIDA", "Prórroga pedida" },
    { "PRORROGA", "Prórroga aprobada" },
    { "PRORROGA_RECHAZADA", "Prórroga rechazada" },
    { "PRORROGA_CANCELADA", "Prórroga cancelada" },
    { "VENTA_CORREGIDA", "Venta corregida" },
    { "VENTA_CANCELADA", "Venta cancelada" },
    /* The client's own steps on WhatsApp (api.wa_entrante; the text is the row's motivo). */
    { "WA_RESPUESTA", "Respondió por WhatsApp" },
    { "WA_BAJA", "Pidió no recibir mensajes (WhatsApp)" },
    { "WA_IDENTIDAD", "Cambió su clave de seguridad de WhatsApp" },
    /* The promoter's answer from Detalle (api.wa_responder, sql/101; the text is the motivo). */
    { "WA_MENSAJE", "Le escribió por WhatsApp" },
};

/* A row the client wrote: its usuario_id is the account that received it, which is not who
 * acted, so no login follows its label. */
static bool
evento_del_cliente(const struct detalle_evento *ev)
{
    return strcmp(ev->evento, "WA_RESPUESTA") == 0 || strcmp(ev->evento, "WA_BAJA") == 0;
}

/* "Datos corregidos: nombre, teléfono" from the fields the history row names ("nombre,telefono";
 * none once an ARCO suppression cleaned the row). */
static void
corregidos_label(char *buf, size_t bufsz, const char *campos)
{
    size_t len = (size_t)snprintf(buf, bufsz, "Datos corregidos");
    const char *p = campos;

    for (int i = 0; *p != '\0' && len < bufsz; i++) {
        size_t n = strcspn(p, ",");
        const char *word = n == 8 && strncmp(p, "telefono", n) == 0 ? "teléfono"
                           : n == 4 && strncmp(p, "curp", n) == 0   ? "CURP"
                           : n == 6 && strncmp(p, "nombre", n) == 0 ? "nombre"
                                                                    : NULL;

        if (word != NULL)
            len += (size_t)snprintf(buf + len, bufsz - len, "%s%s", i == 0 ? ": " : ", ", word);
        else
            len +=
                (size_t)snprintf(buf + len, bufsz - len, "%s%.*s", i == 0 ? ": " : ", ", (int)n, p);
        p += n;
        if (*p == ',')
            p++;
    }
}

/* «Venta corregida: monto $138,500.00 → $138,000.50, folio F-1 → F-2» (what changed, as the
 * history row keeps it; nothing after the words when it keeps none). */
static void
venta_corregida_label(char *buf, size_t bufsz, const struct detalle_evento *ev, const char *to)
{
    char antes[DINERO_FMT_MAX], despues[DINERO_FMT_MAX];
    const char *campos[3][3] = {
        { "monto", ev->venta_monto[0], ev->venta_monto[1] },
        { "producto", ev->venta_producto[0], ev->venta_producto[1] },
        { "folio", ev->venta_folio[0], ev->venta_folio[1] },
    };
    size_t len = (size_t)snprintf(buf, bufsz, "Venta corregida");

    for (int i = 0, n = 0; i < 3 && len < bufsz; i++) {
        const char *a = campos[i][1], *d = campos[i][2];

        if (a[0] == '\0' && d[0] == '\0')
            continue;
        if (i == 0) {
            a = dinero_texto(a, antes, sizeof antes);
            d = dinero_texto(d, despues, sizeof despues);
        }
        len += (size_t)snprintf(buf + len, bufsz - len, "%s%s %s %s %s", n++ == 0 ? ": " : ", ",
                                campos[i][0], a, to, d);
    }
}

void
detalle_evento_label(char *buf, size_t bufsz, const struct detalle_evento *ev, bool ascii)
{
    const char *to = ascii ? "->" : "→";
    const char *base = ev->evento;

    if (strcmp(ev->evento, "INTENTO") == 0) {
        snprintf(buf, bufsz, "Intento: %s", intento_etiqueta(ev->resultado));
        return;
    }
    if (ev->resultado[0] != '\0' && strcmp(ev->evento, "PRORROGA_PEDIDA") == 0) {
        snprintf(buf, bufsz, "Prórroga pedida hasta el %s", ev->resultado);
        return;
    }
    if (ev->resultado[0] != '\0' && strcmp(ev->evento, "PRORROGA") == 0) {
        snprintf(buf, bufsz, "Prórroga aprobada: reanuda el %s", ev->resultado);
        return;
    }
    if (strcmp(ev->evento, "DATOS_CORREGIDOS") == 0) {
        corregidos_label(buf, bufsz, ev->resultado);
        return;
    }
    if (strcmp(ev->evento, "WA_MENSAJE") == 0 && ev->incierto) { /* ENVIANDO, its ack lost */
        snprintf(buf, bufsz, "Le escribió por WhatsApp · en duda");
        return;
    }
    if (strcmp(ev->evento, "WA_MENSAJE") == 0 && detalle_wa_estado(ev->resultado) != NULL) {
        snprintf(buf, bufsz, "Le escribió por WhatsApp · %s", detalle_wa_estado(ev->resultado));
        return;
    }
    if (strcmp(ev->evento, "VENTA_CORREGIDA") == 0) {
        venta_corregida_label(buf, bufsz, ev, to);
        return;
    }
    if (strcmp(ev->evento, "VENTA_CANCELADA") == 0 && ev->cerrada[0] != '\0') {
        snprintf(buf, bufsz, "Venta cancelada: se descartó porque %s", ev->cerrada);
        return;
    }
    if (strcmp(ev->evento, "TRANSICION") == 0 || strcmp(ev->evento, "A_BANDEJA") == 0) {
        snprintf(buf, bufsz, "%s%s %s %s", ev->evento[0] == 'A' ? "A bandeja: " : "",
                 ev->etapa_anterior, to, ev->etapa_nueva);
        return;
    }
    for (size_t i = 0; i < sizeof evento_labels / sizeof evento_labels[0]; i++)
        if (strcmp(ev->evento, evento_labels[i].evento) == 0)
            base = evento_labels[i].label;
    /* A note, a sale, a prórroga or a timer moved names the stage it stays in: no arrow. */
    if (ev->etapa_nueva[0] != '\0' && strcmp(ev->evento, "NOTA") != 0 &&
        strcmp(ev->evento, "VENTA") != 0 && strncmp(ev->evento, "PRORROGA", 8) != 0 &&
        strncmp(ev->evento, "TIMER_", 6) != 0)
        snprintf(buf, bufsz, "%s %s %s", base, to, ev->etapa_nueva);
    else
        snprintf(buf, bufsz, "%s", base);
}

/* ---- view-model --------------------------------------------------------------------- */

/* A column of content rows that scrolls: rows before scroll or past the pane are skipped. */
struct emit {
    struct detalle_vm *vm;
    int y;      /* next content row */
    int scroll; /* first content row shown */
    int x, end; /* the column */
    bool ascii;
};

static struct vm_line *
emit_row(struct emit *e)
{
    int row = HEAD_H + e->y++ - e->scroll;

    if (row < HEAD_H || row >= e->vm->nlines)
        return NULL;
    return &e->vm->lines[row];
}

static void
emit_pair(struct emit *e, const char *label, const char *value)
{
    struct vm_line *l = emit_row(e);

    if (l == NULL)
        return;
    vm_line_put(l, e->x, e->end, ROLE_LABEL, label);
    vm_line_put(l, e->x + LABEL_W, e->end, ROLE_VALUE, value[0] != '\0' ? value : "—");
}

static void
emit_heading(struct emit *e, const char *text)
{
    struct vm_line *l;

    if (e->y > 0)
        emit_row(e); /* a blank row before each section */
    if ((l = emit_row(e)) != NULL)
        vm_line_put(l, e->x, e->end, ROLE_HEADING, text);
}

/* "2 · último: buzón", or "ninguno" when no attempt is on record. */
static const char *
intentos_txt(char *buf, size_t size, const struct detalle_data *d)
{
    const char *ultimo;
    int n = detalle_intentos(d, &ultimo);

    if (ultimo == NULL)
        snprintf(buf, size, "ninguno");
    else
        snprintf(buf, size, "%d · último: %s", n, intento_etiqueta(ultimo));
    return buf;
}

/*
 * The lender no longer lists the client (sql/087): the aviso with its date in the warning
 * colour; a column too narrow for the whole line (the left half from 120 columns) puts the
 * date on a row of its own under the sentence.
 */
static void
emit_baja_padron(struct emit *e, const struct detalle_data *d)
{
    const char *aviso = baja_padron_aviso(e->ascii);
    char buf[256];
    struct vm_line *l;

    baja_padron_fmt(buf, sizeof buf, d->baja_padron, e->ascii);
    if (e->x + vm_text_width(buf) <= e->end) {
        if ((l = emit_row(e)) != NULL)
            vm_line_put(l, e->x, e->end, ROLE_TIMER_WARN, buf);
        return;
    }
    if ((l = emit_row(e)) != NULL)
        vm_line_put(l, e->x, e->end, ROLE_TIMER_WARN, aviso);
    if ((l = emit_row(e)) != NULL)
        vm_line_put(l, e->x + 2, e->end, ROLE_TIMER_WARN, buf + strlen(aviso) + 1);
}

/*
 * A sale the lender declined (sql/092): «Venta  cancelada el 29/11/2026: motivo», the reason
 * wrapped under the value's column over up to VENTA_MOTIVO_FILAS rows.
 */
enum { VENTA_MOTIVO_FILAS = 4 };

static void
emit_venta_cancelada(struct emit *e, const struct detalle_data *d)
{
    char buf[sizeof d->venta_motivo + 64], row[VM_SPAN_BYTES];
    const char *text = buf;
    struct vm_line *l;
    int cols = e->end - (e->x + LABEL_W);

    snprintf(buf, sizeof buf, "cancelada el %s%s%s", d->venta_cancelada_el,
             d->venta_motivo[0] != '\0' ? ": " : "", d->venta_motivo);
    for (int i = 0; i < VENTA_MOTIVO_FILAS && *text != '\0'; i++) {
        const char *put = row;

        if (i == VENTA_MOTIVO_FILAS - 1) /* the last row takes the rest, clipped with «…» */
            put = text, text = "";
        else if (!vm_wrap_row(row, sizeof row, &text, cols))
            break;
        if ((l = emit_row(e)) == NULL)
            continue;
        if (i == 0)
            vm_line_put(l, e->x, e->end, ROLE_LABEL, "Venta");
        vm_line_put(l, e->x + LABEL_W, e->end, ROLE_VALUE, put);
    }
}

/*
 * Answers in doubt (detalle_dudas): «⚠ Una respuesta quedó en duda: no se sabe si le llegó al
 * cliente» in the warning colour, as the padron's aviso; wrapped between words under itself
 * when the column is narrower (the left half from 120 columns).
 */
static void
emit_dudas(struct emit *e, const struct detalle_data *d)
{
    size_t n = detalle_dudas(d, NULL);
    const char *glyph = e->ascii ? "!" : "⚠", *text;
    char buf[160], row[VM_SPAN_BYTES];
    struct vm_line *l;

    if (n == 0)
        return;
    if (n == 1)
        snprintf(buf, sizeof buf,
                 "%s Una respuesta quedó en duda: no se sabe si le llegó al"
                 " cliente",
                 glyph);
    else
        snprintf(buf, sizeof buf,
                 "%s %zu respuestas quedaron en duda: no se sabe si le llegaron"
                 " al cliente",
                 glyph, n);
    text = buf;
    for (int i = 0; vm_wrap_row(row, (int)sizeof row, &text, e->end - e->x - (i > 0 ? 2 : 0)); i++)
        if ((l = emit_row(e)) != NULL)
            vm_line_put(l, e->x + (i > 0 ? 2 : 0), e->end, ROLE_TIMER_WARN, row);
}

static void
emit_datos(struct emit *e, const struct detalle_data *d)
{
    const char *fecha;
    char buf[1024];

    if (d->baja_padron[0] != '\0')
        emit_baja_padron(e, d);
    emit_dudas(e, d);
    snprintf(buf, sizeof buf, "%s%s%s", d->card.convenio,
             d->convenio_nombre[0] != '\0' ? " — " : "", d->convenio_nombre);
    emit_pair(e, "Convenio", buf);
    if (!d->prospecto) {
        snprintf(buf, sizeof buf, "%s%s%s", d->entidad, d->municipio[0] != '\0' ? " · " : "",
                 d->municipio);
        emit_pair(e, "Entidad", buf);
        snprintf(buf, sizeof buf, "%d años", d->edad);
        emit_pair(e, "Edad", d->edad > 0 ? buf : "");
        emit_pair(e, "RFC", d->rfc);
    }
    emit_pair(e, "CURP", d->curp);
    snprintf(buf, sizeof buf, "%s%s%s%s", d->card.login, d->usuario_nombre[0] != '\0' ? " (" : "",
             d->usuario_nombre, d->usuario_nombre[0] != '\0' ? ")" : "");
    emit_pair(e, "Promotor", buf);
    if (d->card.estado == EMBUDO_ABIERTA || d->card.estado == EMBUDO_EN_BANDEJA)
        emit_pair(e, "Intentos", intentos_txt(buf, sizeof buf, d));
    if (d->card.estado == EMBUDO_ABIERTA && detalle_prorroga_pendiente(d, &fecha) != NULL) {
        snprintf(buf, sizeof buf, "pedida%s%s · por decidir", fecha[0] != '\0' ? " hasta el " : "",
                 fecha);
        emit_pair(e, "Prórroga", buf);
    }
    if (d->motivo_salida[0] != '\0')
        emit_pair(e, "Motivo", d->motivo_salida);
    if (d->venta_folio[0] != '\0' && d->venta_cancelada) {
        emit_venta_cancelada(e, d);
    } else if (d->venta_folio[0] != '\0') {
        char monto[DINERO_FMT_MAX];

        snprintf(buf, sizeof buf, "%s · %s · folio %s%s",
                 dinero_texto(d->venta_monto, monto, sizeof monto), d->venta_producto,
                 d->venta_folio, d->venta_corregida ? " (corregida)" : "");
        emit_pair(e, "Venta", buf);
    }
}

/* Under a phone in the registry: one row per entry in force (fuente, end, who, detail). */
static void
emit_nc_entradas(struct emit *e, const struct detalle_data *d, const char *telefono)
{
    char buf[1024];
    struct vm_line *l;

    for (size_t i = 0; i < d->nnc; i++) {
        if (strcmp(d->nc[i].telefono, telefono) != 0 || (l = emit_row(e)) == NULL)
            continue;
        no_contactar_entrada_fmt(buf, sizeof buf, &d->nc[i]);
        vm_line_put(l, e->x + 2 + LABEL_W + 2, e->end, ROLE_TEXT, buf);
    }
}

/* One contact's row: its kind, the value, and why it may not be used. */
static void
put_contacto(struct vm_line *l, const struct emit *e, const struct detalle_data *d,
             const struct detalle_contacto *c)
{
    char val[VM_SPAN_BYTES];
    int x;

    if (strcmp(c->tipo, "EMAIL") == 0)
        snprintf(val, sizeof val, "%s", c->valor);
    else
        detalle_phone_fmt(val, sizeof val, c->valor);
    vm_line_put(l, e->x + 2, e->end, ROLE_LABEL,
                strcmp(c->tipo, "CELULAR") == 0 ? "Celular"
                : strcmp(c->tipo, "FIJO") == 0  ? "Fijo"
                                                : "Correo");
    x = vm_line_put(l, e->x + 2 + LABEL_W, e->end, c->vigente ? ROLE_VALUE : ROLE_MUTED, val);
    if (!c->vigente)
        x = vm_line_put(l, x + 1, e->end, ROLE_MUTED, "(no vigente)");
    if (is_phone(c) && nc_has(d, c->valor, NULL))
        vm_line_put(l, x + 2, e->end, ROLE_ERROR, no_contactar_tag(e->ascii));
}

static void
emit_contactos(struct emit *e, const struct detalle_data *d)
{
    struct vm_line *l;

    emit_heading(e, "Contactos");
    if (d->ncontactos == 0 && (l = emit_row(e)) != NULL)
        vm_line_put(l, e->x + 2, e->end, ROLE_MUTED, "sin datos de contacto");
    for (size_t i = 0; i < d->ncontactos; i++) {
        const struct detalle_contacto *c = &d->contactos[i];

        if ((l = emit_row(e)) != NULL)
            put_contacto(l, e, d, c);
        if (is_phone(c) && nc_has(d, c->valor, NULL))
            emit_nc_entradas(e, d, c->valor);
    }
}

/*
 * What the client wrote and what she answered on WhatsApp are the conversation: read whole,
 * wrapped between words under the label, up to this many rows (the last clipped with «…»;
 * `embudo wa conversacion` has every word). Every other reason keeps its one row.
 */
enum { WA_TEXTO_FILAS = 6 };

static bool
evento_whatsapp(const struct detalle_evento *ev)
{
    return evento_del_cliente(ev) || strcmp(ev->evento, "WA_MENSAJE") == 0;
}

/* A history row's reason from column x: wrapped over at most filas rows, the last one taking
 * the rest clipped with «…». */
static void
emit_motivo(struct emit *e, int x, const char *text, int filas)
{
    char row[VM_SPAN_BYTES];
    struct vm_line *l;

    for (int i = 0; i < filas && *text != '\0'; i++) {
        const char *put = row;

        if (i == filas - 1)
            put = text, text = "";
        else if (!vm_wrap_row(row, sizeof row, &text, e->end - x))
            break;
        if ((l = emit_row(e)) != NULL)
            vm_line_put(l, x, e->end, ROLE_MUTED, put);
    }
}

/* The history (notes apart when notas is false; only notes when true). */
static void
emit_eventos(struct emit *e, const struct detalle_data *d, bool notas)
{
    size_t shown = 0;
    struct vm_line *l;

    emit_heading(e, notas ? "Notas" : "Historial");
    for (size_t i = 0; i < d->neventos; i++) {
        const struct detalle_evento *ev = &d->eventos[i];
        char what[1024], why[1024];
        int x;

        if ((strcmp(ev->evento, "NOTA") == 0) != notas)
            continue;
        shown++;
        if (notas)
            snprintf(what, sizeof what, "%s: %s", ev->login[0] != '\0' ? ev->login : "sistema",
                     ev->motivo);
        else
            detalle_evento_label(what, sizeof what, ev, e->ascii);
        if ((l = emit_row(e)) != NULL) {
            x = vm_line_put(l, e->x + 2, e->end, ROLE_MUTED, ev->cuando);
            x = vm_line_put(l, x + 2, e->end, notas ? ROLE_TEXT : ROLE_VALUE, what);
            if (!notas && !evento_del_cliente(ev))
                vm_line_put(l, x + 2, e->end, ROLE_MUTED,
                            ev->login[0] != '\0' ? ev->login : "sistema");
        }
        if (!notas && ev->motivo[0] != '\0') {
            snprintf(why, sizeof why, "«%s»", ev->motivo);
            emit_motivo(e, e->x + 4 + vm_text_width(ev->cuando), why,
                        evento_whatsapp(ev) ? WA_TEXTO_FILAS : 1);
        }
    }
    if (shown == 0 && (l = emit_row(e)) != NULL)
        vm_line_put(l, e->x + 2, e->end, ROLE_MUTED, notas ? "sin notas" : "sin eventos");
}

static void
build_head(struct detalle_vm *vm, const struct detalle_model *m)
{
    const struct embudo_card *c = &m->d.card;
    enum timer_estado st = embudo_card_timer(c);
    char buf[VM_SPAN_BYTES], lab[64];
    struct vm_line *l = &vm->lines[0];
    int x;

    snprintf(buf, sizeof buf, "#%lld", (long long)c->id);
    x = vm->width - vm_text_width(buf) - 1;
    vm_line_put(l, 1, x - 1, ROLE_HEADING, c->cliente);
    vm_line_put(l, x, vm->width, ROLE_MUTED, buf);
    if (vm->nlines < 2)
        return;
    l = &vm->lines[1];
    x = vm_line_put(l, 1, vm->width, ROLE_VALUE, m->d.etapa);
    if (c->estado == EMBUDO_ABIERTA) {
        timer_label(lab, sizeof lab, st, c->restante);
        snprintf(buf, sizeof buf, "%s %s", timer_glyph(st), lab);
        x = vm_line_put(l, x + 3, vm->width, timer_role(st), buf);
    } else {
        x = vm_line_put(l, x + 3, vm->width, ROLE_MUTED,
                        c->estado == EMBUDO_EN_BANDEJA ? "en la bandeja del supervisor"
                        : c->estado == EMBUDO_GANADA   ? "ganada"
                                                       : "cerrada");
    }
    if (m->d.nnc > 0)
        vm_line_put(l, x + 3, vm->width, ROLE_ERROR, no_contactar_tag(m->ascii));
}

static void
build_picker(struct detalle_vm *vm, const struct detalle_model *m)
{
    int h = m->npicks + 2, w = PICK_W < vm->width ? PICK_W : vm->width;

    if (h > vm->height)
        h = vm->height;
    vm->pick_box = (struct vm_box){ .y = 1, .x = vm->width > w + 2 ? 2 : 0, .h = h, .w = w };
    snprintf(vm->pick_box.title, sizeof vm->pick_box.title, " %s ",
             m->picking_salida ? "Salida: ¿a qué etapa?" : "Mover a la etapa");
    vm->npick_lines = h - 2 < DETALLE_PICK_LINES ? h - 2 : DETALLE_PICK_LINES;
    for (int i = 0; i < vm->npick_lines; i++) {
        char cell[VM_SPAN_BYTES];
        int cw = w - 4, n;

        vm_line_init(&vm->pick_lines[i], ROLE_TEXT);
        n = vm_clip(cell, (int)sizeof cell, m->stages[m->picks[i]].nombre, cw, vm_ellipsis());
        for (size_t len = strlen(cell); n < cw && len + 1 < sizeof cell; n++, len++) {
            cell[len] = ' ';
            cell[len + 1] = '\0';
        }
        vm_line_put(&vm->pick_lines[i], 2, w - 1, i == m->pick ? ROLE_CURSOR : ROLE_TEXT, cell);
    }
}

static void
build_body(struct detalle_vm *vm, struct detalle_model *m)
{
    bool wide = vm->width >= WIDE;
    int half = wide ? vm->width / 2 : vm->width;
    struct emit left = { vm, 0, m->scroll, 1, half - 1, m->ascii };
    struct emit right = { vm, 0, m->scroll, half + 1, vm->width - 1, m->ascii };

    emit_datos(&left, &m->d);
    emit_contactos(&left, &m->d);
    emit_eventos(&left, &m->d, true);
    emit_eventos(wide ? &right : &left, &m->d, false);
    vm->content = left.y > right.y ? left.y : right.y;
}

void
detalle_vm_build(struct detalle_vm *vm, struct detalle_model *m, int width, int height)
{
    memset(&vm->pick_box, 0, sizeof vm->pick_box);
    vm->npick_lines = 0;
    vm->width = width;
    vm->height = height;
    vm->nlines = height < DETALLE_VM_LINES ? (height > 0 ? height : 0) : DETALLE_VM_LINES;
    vm->page = vm->nlines - HEAD_H > 1 ? vm->nlines - HEAD_H : 1;
    vm->content = 0;
    for (int y = 0; y < vm->nlines; y++)
        vm_line_init(&vm->lines[y], ROLE_TEXT);
    if (vm->nlines == 0 || width <= 0)
        return;
    if (!m->loaded) {
        vm_line_put(&vm->lines[0], 1, width, m->error[0] != '\0' ? ROLE_ERROR : ROLE_MUTED,
                    m->error[0] != '\0' ? m->error
                    : m->want != 0      ? "Consultando la oportunidad…"
                                        : "Elige una oportunidad en el Embudo y pulsa Enter"
                                          " para verla aquí.");
        return;
    }
    /* Clamp the scroll to the content, measured by a first pass that draws nothing. */
    build_body(vm, m);
    if (m->scroll > vm->content - vm->page)
        m->scroll = vm->content - vm->page > 0 ? vm->content - vm->page : 0;
    for (int y = 0; y < vm->nlines; y++)
        vm_line_init(&vm->lines[y], ROLE_TEXT);
    build_head(vm, m);
    if (m->error[0] != '\0' && vm->nlines > 2)
        vm_line_put(&vm->lines[2], 1, width, ROLE_ERROR, m->error);
    build_body(vm, m);
    if (m->picking)
        build_picker(vm, m);
}

char *
detalle_vm_dump(const struct detalle_vm *vm)
{
    return vm_lines_pick_dump(vm->lines, vm->nlines, &vm->pick_box, vm->pick_lines,
                              vm->npick_lines);
}
