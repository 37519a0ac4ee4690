#include "ui/vm/keymap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

#define CH(c) { KK_CHAR, (uint32_t)(c) }
#define K(kind) { kind, 0 }


static const struct {
    const char *name, *desc;
} actions[ACTION_COUNT] = {
    [ACTION_NONE] = { "ninguna", "" },
    [ACTION_QUIT] = { "salir", "salir" },
    [ACTION_REFRESH] = { "actualizar", "actualizar" },
    [ACTION_HELP] = { "ayuda", "ayuda" },
    [ACTION_CLOSE] = { "cerrar", "cerrar" },
    [ACTION_BACK] = { "volver", "volver" },
    [ACTION_CMDLINE] = { "comando", "comando" },
    [ACTION_NEXT_PANE] = { "panel_siguiente", "panel siguiente" },
    [ACTION_PREV_PANE] = { "panel_anterior", "panel anterior" },
    [ACTION_PANE_1] = { "panel_1", "panel 1" },
    [ACTION_PANE_2] = { "panel_2", "panel 2" },
    [ACTION_PANE_3] = { "panel_3", "panel 3" },
    [ACTION_PANE_4] = { "panel_4", "panel 4" },
    [ACTION_PANE_5] = { "panel_5", "panel 5" },
    [ACTION_PANE_6] = { "panel_6", "panel 6" },
    [ACTION_PANE_7] = { "panel_7", "panel 7" },
    [ACTION_PANE_8] = { "panel_8", "panel 8" },
    [ACTION_PANE_9] = { "panel_9", "panel 9" },
    [ACTION_UP] = { "arriba", "arriba" },
    [ACTION_DOWN] = { "abajo", "abajo" },
    [ACTION_LEFT] = { "izquierda", "izquierda" },
    [ACTION_RIGHT] = { "derecha", "derecha" },
    [ACTION_PAGE_UP] = { "pagina_arriba", "página arriba" },
    [ACTION_PAGE_DOWN] = { "pagina_abajo", "página abajo" },
    [ACTION_TOP] = { "principio", "al principio" },
    [ACTION_BOTTOM] = { "final", "al final" },
    [ACTION_OPEN] = { "abrir", "abrir" },
    [ACTION_TAG] = { "marcar", "marcar" },
    [ACTION_FILTER] = { "filtrar", "filtrar" },
    [ACTION_SORT] = { "ordenar", "ordenar" },
    [ACTION_TOGGLE_VIEW] = { "vista", "cambiar vista" },
    [ACTION_PICK_MEMBER] = { "miembro", "elegir promotor" },
    [ACTION_ASSIGN] = { "asignar", "pedir lote" },
    [ACTION_MOVE_STAGE] = { "mover", "mover de etapa" },
    [ACTION_NOTE] = { "nota", "nota" },
    [ACTION_SALE] = { "venta", "registrar venta" },
    [ACTION_EXIT_STAGE] = { "salida", "enviar a bandeja" },
    [ACTION_REASSIGN] = { "reasignar", "reasignar" },
    [ACTION_RETURN_POOL] = { "devolver", "devolver" },
    [ACTION_DISCARD] = { "descartar", "descartar" },
    [ACTION_REOPEN] = { "reabrir", "reabrir" },
    [ACTION_EXTEND] = { "extender", "más tiempo en la etapa" },
    [ACTION_ATTEMPT] = { "intento", "registrar un intento de contacto" },
    [ACTION_CAPTURE] = { "captar", "captar un cliente propio" },
    [ACTION_DISTRIBUTE] = { "repartir", "repartirle clientes" },
    [ACTION_NO_CONTACT] = { "no_contactar", "no contactar (lo pidió la persona)" },
    [ACTION_USER_STATE] = { "estado_promotor", "cambiar el estado del promotor" },
    [ACTION_USER_CHANGES] = { "cambios_usuario", "ver los cambios del usuario" },
    [ACTION_USER_LIMITS] = { "limites_promotor", "cambiar el cupo diario y la cartera máxima" },
    [ACTION_USER_SUPERVISOR] = { "supervisor_promotor", "cambiar el supervisor del promotor" },
    [ACTION_USER_NAME] = { "nombre_usuario", "corregir el nombre del usuario" },
    [ACTION_EXTENSION_ASK] = { "pedir_prorroga", "pedir prórroga" },
    [ACTION_EXTENSION_APPROVE] = { "aprobar_prorroga", "aprobar la prórroga" },
    [ACTION_EXTENSION_REJECT] = { "rechazar_prorroga", "rechazar la prórroga" },
    [ACTION_EXTENSION_CANCEL] = { "cancelar_prorroga", "cancelar la prórroga pedida" },
    [ACTION_CORRECT_DATA] = { "corregir_datos", "corregir los datos del prospecto" },
    [ACTION_SALE_CORRECT] = { "corregir_venta", "corregir la venta" },
    [ACTION_SALE_CANCEL] = { "cancelar_venta", "cancelar la venta" },
    [ACTION_ITEM_ADD] = { "agregar", "agregar (día inhábil, etapa, usuario)" },
    [ACTION_ITEM_EDIT] = { "cambiar", "cambiar (horario, etapa)" },
    [ACTION_ITEM_REMOVE] = { "quitar", "quitar (día inhábil; etapa del embudo)" },
    [ACTION_ITEM_MOVE] = { "cambiar_lugar", "cambiar la etapa de lugar" },
    [ACTION_ITEM_RESTORE] = { "regresar", "regresar la etapa al embudo" },
    [ACTION_PERIOD_PREV] = { "periodo_anterior", "periodo anterior" },
    [ACTION_PERIOD_NEXT] = { "periodo_siguiente", "periodo siguiente" },
    [ACTION_PERIOD_DAY] = { "periodo_dia", "un día" },
    [ACTION_PERIOD_WEEK] = { "periodo_semana", "una semana" },
    [ACTION_PERIOD_MONTH] = { "periodo_mes", "un mes (30 días)" },
    [ACTION_WA_LINK] = { "vincular", "vincular WhatsApp" },
    [ACTION_WA_LINK_PHONE] = { "vincular_telefono", "vincular WhatsApp con el número de teléfono" },
    [ACTION_WA_SCAN] = { "escanear", "simular el escaneo" },
    [ACTION_WA_SEND] = { "envio", "iniciar o detener el envío" },
    [ACTION_WA_REPLY] = { "responder_whatsapp", "responder por WhatsApp" },
    [ACTION_CAMPAIGN_PAUSE] = { "pausar", "pausar la campaña" },
    [ACTION_CAMPAIGN_RESUME] = { "reanudar", "lanzar o reanudar la campaña" },
    [ACTION_CAMPAIGN_CANCEL] = { "cancelar_campana", "cancelar la campaña" },
    [ACTION_CAMPAIGN_RETRY] = { "reintentar_fallidos", "reintentar los fallidos" },
    [ACTION_UNCERTAIN_SENT] = { "incierto_enviado", "sí llegó (marcar enviado)" },
    [ACTION_UNCERTAIN_RESEND] = { "incierto_reenviar", "volver a enviarlo" },
    [ACTION_UNCERTAIN_DROP] = { "incierto_descartar", "descartarlo" },
    [ACTION_UNCERTAIN_DECIDE] = { "decidir_en_duda", "decidir la respuesta en duda" },
    [ACTION_CONFIRM] = { "confirmar", "ejecutar" },
    [ACTION_COMPLETE] = { "completar", "completar" },
    [ACTION_NEXT_FIELD] = { "campo_siguiente", "campo siguiente" },
    [ACTION_PREV_FIELD] = { "campo_anterior", "campo anterior" },
    [ACTION_SUBMIT] = { "enviar", "guardar" },
    [ACTION_YES] = { "si", "sí" },
    [ACTION_NO] = { "no", "no" },
};

/*
 * The actions that change data: none of them is bound for a read-only profile (keymap_add,
 * keymap_load), so an auditor never sees them in the hint bar or the help. An action added
 * above that writes must be listed here (tests/unit/test_keymap.c names the reading ones).
 */
static const bool action_writes[ACTION_COUNT] = {
    [ACTION_ASSIGN] = true,
    [ACTION_MOVE_STAGE] = true,
    [ACTION_NOTE] = true,
    [ACTION_SALE] = true,
    [ACTION_EXIT_STAGE] = true,
    [ACTION_REASSIGN] = true,
    [ACTION_RETURN_POOL] = true,
    [ACTION_DISCARD] = true,
    [ACTION_REOPEN] = true,
    [ACTION_EXTEND] = true,
    [ACTION_ATTEMPT] = true,
    [ACTION_CAPTURE] = true,
    [ACTION_DISTRIBUTE] = true,
    [ACTION_NO_CONTACT] = true,
    [ACTION_USER_STATE] = true,
    [ACTION_USER_LIMITS] = true,
    [ACTION_USER_SUPERVISOR] = true,
    [ACTION_USER_NAME] = true,
    [ACTION_EXTENSION_ASK] = true,
    [ACTION_EXTENSION_APPROVE] = true,
    [ACTION_EXTENSION_REJECT] = true,
    [ACTION_EXTENSION_CANCEL] = true,
    [ACTION_CORRECT_DATA] = true,
    [ACTION_SALE_CORRECT] = true,
    [ACTION_SALE_CANCEL] = true,
    [ACTION_ITEM_ADD] = true,
    [ACTION_ITEM_EDIT] = true,
    [ACTION_ITEM_REMOVE] = true,
    [ACTION_ITEM_MOVE] = true,
    [ACTION_ITEM_RESTORE] = true,
    [ACTION_WA_LINK] = true,
    [ACTION_WA_LINK_PHONE] = true,
    [ACTION_WA_SCAN] = true,
    [ACTION_WA_SEND] = true,
    [ACTION_WA_REPLY] = true,
    [ACTION_CAMPAIGN_PAUSE] = true,
    [ACTION_CAMPAIGN_RESUME] = true,
    [ACTION_CAMPAIGN_CANCEL] = true,
    [ACTION_CAMPAIGN_RETRY] = true,
    [ACTION_UNCERTAIN_SENT] = true,
    [ACTION_UNCERTAIN_RESEND] = true,
    [ACTION_UNCERTAIN_DROP] = true,
    [ACTION_UNCERTAIN_DECIDE] = true,
};

static const struct {
    const char *name, *title;
    bool inherits;
} contexts[KEYMAP_CTX_COUNT] = {
    [KEYMAP_GLOBAL] = { "global", "En todos los paneles", false },
    [KEYMAP_HOME] = { "inicio", "Inicio", true },
    [KEYMAP_EMBUDO] = { "embudo", "Embudo", true },
    [KEYMAP_DETALLE] = { "detalle", "Detalle", true },
    [KEYMAP_ASIGNACION] = { "asignacion", "Asignación", true },
    [KEYMAP_BANDEJA] = { "bandeja", "Bandeja", true },
    [KEYMAP_EQUIPO] = { "equipo", "Equipo", true },
    [KEYMAP_WA] = { "whatsapp", "WhatsApp", true },
    [KEYMAP_CAMPANA] = { "campana", "Nueva campaña", true },
    [KEYMAP_PROGRESO] = { "progreso", "Progreso", true },
    [KEYMAP_ESTADISTICAS] = { "estadisticas", "Estadísticas", true },
    [KEYMAP_REPARTIR] = { "repartir", "Repartir", true },
    [KEYMAP_INFORME] = { "informe", "Informe", true },
    [KEYMAP_HELP] = { "ayuda", "Ayuda", false },
    [KEYMAP_CMDLINE] = { "comando", "Línea de comandos", false },
    [KEYMAP_FORM] = { "formulario", "Formularios", false },
    [KEYMAP_CONFIRM] = { "pregunta", "Preguntas sí/no", false },
};

/* One description for the nine, so the help shows them on one row. */
static const char PANE_DESC[] = "ir al panel con ese número";
/* Alt-1…9 too: they are never text, so they work while a pane reads digits or words. */
static const char ALT_PANE_DESC[] = "ir al panel, también escribiendo";
#define ALT(c)                \
    {                         \
        KK_ALT, (uint32_t)(c) \
    }

/* The defaults every pane shares, and those of the overlays and input contexts. */
static const struct keymap_entry global_entries[] = {
    { KEYMAP_GLOBAL, CH('?'), ACTION_HELP, "ayuda", true, 0 },
    { KEYMAP_GLOBAL, { KK_FN, 1 }, ACTION_HELP, "ayuda", false, 0 },
    { KEYMAP_GLOBAL, CH(':'), ACTION_CMDLINE, "comando", true, 0 },
    { KEYMAP_GLOBAL, CH('q'), ACTION_QUIT, "salir", true, 0 },
    { KEYMAP_GLOBAL, CH('r'), ACTION_REFRESH, "actualizar", false, 0 },
    { KEYMAP_GLOBAL, { KK_FN, 5 }, ACTION_REFRESH, "actualizar", false, 0 },
    { KEYMAP_GLOBAL, K(KK_TAB), ACTION_NEXT_PANE, "panel siguiente", false, 0 },
    { KEYMAP_GLOBAL, K(KK_BACKTAB), ACTION_PREV_PANE, "panel anterior", false, 0 },
    { KEYMAP_GLOBAL, CH('1'), ACTION_PANE_1, PANE_DESC, false, 0 },
    { KEYMAP_GLOBAL, CH('2'), ACTION_PANE_2, PANE_DESC, false, 0 },
    { KEYMAP_GLOBAL, CH('3'), ACTION_PANE_3, PANE_DESC, false, 0 },
    { KEYMAP_GLOBAL, CH('4'), ACTION_PANE_4, PANE_DESC, false, 0 },
    { KEYMAP_GLOBAL, CH('5'), ACTION_PANE_5, PANE_DESC, false, 0 },
    { KEYMAP_GLOBAL, CH('6'), ACTION_PANE_6, PANE_DESC, false, 0 },
    { KEYMAP_GLOBAL, CH('7'), ACTION_PANE_7, PANE_DESC, false, 0 },
    { KEYMAP_GLOBAL, CH('8'), ACTION_PANE_8, PANE_DESC, false, 0 },
    { KEYMAP_GLOBAL, CH('9'), ACTION_PANE_9, PANE_DESC, false, 0 },
    { KEYMAP_GLOBAL, ALT('1'), ACTION_PANE_1, ALT_PANE_DESC, false, 0 },
    { KEYMAP_GLOBAL, ALT('2'), ACTION_PANE_2, ALT_PANE_DESC, false, 0 },
    { KEYMAP_GLOBAL, ALT('3'), ACTION_PANE_3, ALT_PANE_DESC, false, 0 },
    { KEYMAP_GLOBAL, ALT('4'), ACTION_PANE_4, ALT_PANE_DESC, false, 0 },
    { KEYMAP_GLOBAL, ALT('5'), ACTION_PANE_5, ALT_PANE_DESC, false, 0 },
    { KEYMAP_GLOBAL, ALT('6'), ACTION_PANE_6, ALT_PANE_DESC, false, 0 },
    { KEYMAP_GLOBAL, ALT('7'), ACTION_PANE_7, ALT_PANE_DESC, false, 0 },
    { KEYMAP_GLOBAL, ALT('8'), ACTION_PANE_8, ALT_PANE_DESC, false, 0 },
    { KEYMAP_GLOBAL, ALT('9'), ACTION_PANE_9, ALT_PANE_DESC, false, 0 },
    { KEYMAP_GLOBAL, K(KK_ESC), ACTION_BACK, "volver", false, 0 },
    { KEYMAP_GLOBAL, K(KK_UP), ACTION_UP, "arriba", false, 0 },
    { KEYMAP_GLOBAL, CH('k'), ACTION_UP, "arriba", false, 0 },
    { KEYMAP_GLOBAL, K(KK_DOWN), ACTION_DOWN, "abajo", false, 0 },
    { KEYMAP_GLOBAL, CH('j'), ACTION_DOWN, "abajo", false, 0 },
    { KEYMAP_GLOBAL, K(KK_LEFT), ACTION_LEFT, "izquierda", false, 0 },
    { KEYMAP_GLOBAL, CH('h'), ACTION_LEFT, "izquierda", false, 0 },
    { KEYMAP_GLOBAL, K(KK_RIGHT), ACTION_RIGHT, "derecha", false, 0 },
    { KEYMAP_GLOBAL, CH('l'), ACTION_RIGHT, "derecha", false, 0 },
    { KEYMAP_GLOBAL, K(KK_PGUP), ACTION_PAGE_UP, "página arriba", false, 0 },
    { KEYMAP_GLOBAL, { KK_CTRL, 'b' }, ACTION_PAGE_UP, "página arriba", false, 0 },
    { KEYMAP_GLOBAL, K(KK_PGDN), ACTION_PAGE_DOWN, "página abajo", false, 0 },
    { KEYMAP_GLOBAL, { KK_CTRL, 'f' }, ACTION_PAGE_DOWN, "página abajo", false, 0 },
    { KEYMAP_GLOBAL, K(KK_HOME), ACTION_TOP, "al principio", false, 0 },
    { KEYMAP_GLOBAL, CH('g'), ACTION_TOP, "al principio", false, 0 },
    { KEYMAP_GLOBAL, K(KK_END), ACTION_BOTTOM, "al final", false, 0 },
    { KEYMAP_GLOBAL, CH('G'), ACTION_BOTTOM, "al final", false, 0 },
    { KEYMAP_HELP, K(KK_ESC), ACTION_CLOSE, "cerrar la ayuda", true, 0 },
    { KEYMAP_HELP, CH('?'), ACTION_CLOSE, "cerrar la ayuda", false, 0 },
    { KEYMAP_HELP, K(KK_UP), ACTION_UP, "arriba", false, 0 },
    { KEYMAP_HELP, CH('k'), ACTION_UP, "arriba", false, 0 },
    { KEYMAP_HELP, K(KK_DOWN), ACTION_DOWN, "abajo", false, 0 },
    { KEYMAP_HELP, CH('j'), ACTION_DOWN, "abajo", false, 0 },
    { KEYMAP_HELP, K(KK_PGUP), ACTION_PAGE_UP, "página arriba", false, 0 },
    { KEYMAP_HELP, K(KK_PGDN), ACTION_PAGE_DOWN, "página abajo", false, 0 },
    { KEYMAP_HELP, K(KK_HOME), ACTION_TOP, "al principio", false, 0 },
    { KEYMAP_HELP, CH('g'), ACTION_TOP, "al principio", false, 0 },
    { KEYMAP_HELP, K(KK_END), ACTION_BOTTOM, "al final", false, 0 },
    { KEYMAP_HELP, CH('G'), ACTION_BOTTOM, "al final", false, 0 },
    { KEYMAP_HELP, CH('q'), ACTION_QUIT, "salir", true, 0 },
    { KEYMAP_CMDLINE, K(KK_ENTER), ACTION_CONFIRM, "ejecutar", true, 0 },
    { KEYMAP_CMDLINE, K(KK_TAB), ACTION_COMPLETE, "completar", true, 0 },
    { KEYMAP_CMDLINE, K(KK_ESC), ACTION_CLOSE, "cancelar", true, 0 },
    { KEYMAP_CMDLINE, K(KK_UP), ACTION_UP, "comando anterior", true, 0 },
    { KEYMAP_CMDLINE, K(KK_DOWN), ACTION_DOWN, "comando siguiente", false, 0 },
    { KEYMAP_FORM, K(KK_ENTER), ACTION_SUBMIT, "guardar", true, 0 },
    { KEYMAP_FORM, K(KK_TAB), ACTION_NEXT_FIELD, "campo siguiente", true, 0 },
    { KEYMAP_FORM, K(KK_DOWN), ACTION_NEXT_FIELD, "campo siguiente", false, 0 },
    { KEYMAP_FORM, K(KK_BACKTAB), ACTION_PREV_FIELD, "campo anterior", false, 0 },
    { KEYMAP_FORM, K(KK_UP), ACTION_PREV_FIELD, "campo anterior", false, 0 },
    { KEYMAP_FORM, K(KK_ESC), ACTION_CLOSE, "cancelar", true, 0 },
    { KEYMAP_CONFIRM, CH('s'), ACTION_YES, "sí", true, 0 },
    { KEYMAP_CONFIRM, CH('S'), ACTION_YES, "sí", false, 0 },
    { KEYMAP_CONFIRM, CH('n'), ACTION_NO, "no", true, 0 },
    { KEYMAP_CONFIRM, CH('N'), ACTION_NO, "no", false, 0 },
    { KEYMAP_CONFIRM, K(KK_ESC), ACTION_NO, "no", false, 0 },
};

struct keymap {
    struct keymap_binding *b;
    size_t n, cap;
    bool read_only; /* keymap_set_read_only: no line of the file binds a writing action */
    /* (ctx, action) pairs a user line has already claimed: defaults were removed once. */
    bool claimed[KEYMAP_CTX_COUNT][ACTION_COUNT];
};

/* ---- names ---------------------------------------------------------------------- */

const char *
keymap_action_name(enum action a)
{
    return (unsigned)a < ACTION_COUNT && actions[a].name != NULL ? actions[a].name : "?";
}

const char *
keymap_action_desc(enum action a)
{
    return (unsigned)a < ACTION_COUNT && actions[a].desc != NULL ? actions[a].desc : "";
}

bool
keymap_action_writes(enum action a)
{
    return (unsigned)a < ACTION_COUNT && action_writes[a];
}

const char *
keymap_ctx_name(enum keymap_ctx ctx)
{
    return (unsigned)ctx < KEYMAP_CTX_COUNT ? contexts[ctx].name : "?";
}

const char *
keymap_ctx_title(enum keymap_ctx ctx)
{
    return (unsigned)ctx < KEYMAP_CTX_COUNT ? contexts[ctx].title : "?";
}

bool
keymap_ctx_inherits(enum keymap_ctx ctx)
{
    return (unsigned)ctx < KEYMAP_CTX_COUNT && contexts[ctx].inherits;
}

static const struct {
    const char *name; /* the first spelling is the one labels use */
    enum key_kind kind;
} named_keys[] = {
    { "Enter", KK_ENTER },      { "Intro", KK_ENTER },        { "Esc", KK_ESC },
    { "Escape", KK_ESC },       { "Tab", KK_TAB },            { "S-Tab", KK_BACKTAB },
    { "Shift-Tab", KK_BACKTAB }, { "Retroceso", KK_BACKSPACE }, { "Backspace", KK_BACKSPACE },
    { "Supr", KK_DELETE },      { "Delete", KK_DELETE },      { "↑", KK_UP },
    { "Arriba", KK_UP },        { "Up", KK_UP },              { "↓", KK_DOWN },
    { "Abajo", KK_DOWN },       { "Down", KK_DOWN },          { "←", KK_LEFT },
    { "Izquierda", KK_LEFT },   { "Left", KK_LEFT },          { "→", KK_RIGHT },
    { "Derecha", KK_RIGHT },    { "Right", KK_RIGHT },        { "RePág", KK_PGUP },
    { "PgUp", KK_PGUP },        { "AvPág", KK_PGDN },         { "PgDn", KK_PGDN },
    { "Inicio", KK_HOME },      { "Home", KK_HOME },          { "Fin", KK_END },
    { "End", KK_END },
};

/* Decodes s as exactly one UTF-8 character; 0 when it is not. */
static uint32_t
one_char(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len = u[0] < 0x80 ? 1 : u[0] >= 0xf0 ? 4 : u[0] >= 0xe0 ? 3 : u[0] >= 0xc0 ? 2 : 0;
    uint32_t cp;

    if (len == 0 || strlen(s) != len)
        return 0;
    cp = len == 1 ? u[0] : (uint32_t)(u[0] & (0x7fu >> len));
    for (size_t i = 1; i < len; i++) {
        if ((u[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (u[i] & 0x3fu);
    }
    return cp;
}

bool
keymap_key_parse(const char *name, struct key *k)
{
    uint32_t cp;

    for (size_t i = 0; i < sizeof named_keys / sizeof named_keys[0]; i++)
        if (strcasecmp(name, named_keys[i].name) == 0) {
            *k = (struct key){ named_keys[i].kind, 0 };
            return true;
        }
    if (strcasecmp(name, "Espacio") == 0 || strcasecmp(name, "Space") == 0) {
        *k = (struct key){ KK_CHAR, ' ' };
        return true;
    }
    if ((name[0] == 'F' || name[0] == 'f') && name[1] >= '1' && name[1] <= '9') {
        char *end;
        long n = strtol(name + 1, &end, 10);

        if (*end == '\0' && n >= 1 && n <= 24) {
            *k = (struct key){ KK_FN, (uint32_t)n };
            return true;
        }
        if (name[2] != '\0')
            return false;
    }
    if (strncasecmp(name, "Alt-", 4) == 0 || strncasecmp(name, "M-", 2) == 0) {
        cp = one_char(name[1] == '-' ? name + 2 : name + 4);
        if (cp < 0x21 || cp == 0x7f)
            return false;
        *k = (struct key){ KK_ALT, cp };
        return true;
    }
    if ((strncasecmp(name, "Ctrl-", 5) == 0 || strncasecmp(name, "C-", 2) == 0)) {
        const char *l = name[1] == '-' ? name + 2 : name + 5;

        if (l[0] >= 'a' && l[0] <= 'z' && l[1] == '\0') {
            *k = (struct key){ KK_CTRL, (uint32_t)l[0] };
            return true;
        }
        if (l[0] >= 'A' && l[0] <= 'Z' && l[1] == '\0') {
            *k = (struct key){ KK_CTRL, (uint32_t)(l[0] - 'A' + 'a') };
            return true;
        }
        return false;
    }
    cp = one_char(name);
    if (cp < 0x21 || cp == 0x7f)
        return false;
    *k = (struct key){ KK_CHAR, cp };
    return true;
}

/* Writes code point cp as UTF-8 into buf (room for 5 bytes). */
static void
utf8_put(uint32_t cp, char *buf)
{
    if (cp < 0x80) {
        buf[0] = (char)cp;
        buf[1] = '\0';
    } else if (cp < 0x800) {
        buf[0] = (char)(0xc0 | (cp >> 6));
        buf[1] = (char)(0x80 | (cp & 0x3f));
        buf[2] = '\0';
    } else if (cp < 0x10000) {
        buf[0] = (char)(0xe0 | (cp >> 12));
        buf[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        buf[2] = (char)(0x80 | (cp & 0x3f));
        buf[3] = '\0';
    } else {
        buf[0] = (char)(0xf0 | (cp >> 18));
        buf[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        buf[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        buf[3] = (char)(0x80 | (cp & 0x3f));
        buf[4] = '\0';
    }
}

char *
keymap_key_label(const struct key *k, char *buf, size_t bufsz)
{
    char ch[8];

    buf[0] = '\0';
    switch (k->kind) {
    case KK_CHAR:
        if (k->ch == ' ') {
            snprintf(buf, bufsz, "Espacio");
            return buf;
        }
        utf8_put(k->ch, ch);
        snprintf(buf, bufsz, "%s", ch);
        return buf;
    case KK_CTRL:
        snprintf(buf, bufsz, "Ctrl-%c", (char)k->ch);
        return buf;
    case KK_ALT:
        utf8_put(k->ch, ch);
        snprintf(buf, bufsz, "Alt-%s", ch);
        return buf;
    case KK_FN:
        snprintf(buf, bufsz, "F%u", (unsigned)k->ch);
        return buf;
    case KK_NONE:
    case KK_RESIZE:
    case KK_MOUSE:
    case KK_OTHER:
        return buf;
    case KK_ENTER:
    case KK_ESC:
    case KK_TAB:
    case KK_BACKTAB:
    case KK_BACKSPACE:
    case KK_DELETE:
    case KK_UP:
    case KK_DOWN:
    case KK_LEFT:
    case KK_RIGHT:
    case KK_PGUP:
    case KK_PGDN:
    case KK_HOME:
    case KK_END:
        break;
    }
    for (size_t i = 0; i < sizeof named_keys / sizeof named_keys[0]; i++)
        if (named_keys[i].kind == k->kind) {
            snprintf(buf, bufsz, "%s", named_keys[i].name);
            break;
        }
    return buf;
}

/* ---- the registry --------------------------------------------------------------- */

static bool
key_eq(const struct key *a, const struct key *b)
{
    return a->kind == b->kind && a->ch == b->ch;
}

static void
bind_remove_if(struct keymap *km, enum keymap_ctx ctx, const struct key *k, enum action a)
{
    size_t out = 0;

    for (size_t i = 0; i < km->n; i++) {
        const struct keymap_binding *b = &km->b[i];
        bool drop = b->ctx == ctx && (k != NULL ? key_eq(&b->key, k) : b->action == a);

        if (!drop)
            km->b[out++] = *b;
    }
    km->n = out;
}

static void
bind_append(struct keymap *km, enum keymap_ctx ctx, const struct key *k, enum action a,
            const char *desc, bool hint)
{
    struct keymap_binding *b;

    bind_remove_if(km, ctx, k, ACTION_NONE);
    if (a == ACTION_NONE && !keymap_ctx_inherits(ctx))
        return; /* in a pane context an unbound key stays, shadowing the global one */
    if (km->n == km->cap) {
        km->cap = km->cap != 0 ? km->cap * 2 : 64;
        km->b = xreallocarray(km->b, km->cap, sizeof *km->b);
    }
    b = &km->b[km->n++];
    b->ctx = ctx;
    b->key = *k;
    b->action = a;
    b->desc = desc;
    b->hint = hint;
    keymap_key_label(k, b->label, sizeof b->label);
}

void
keymap_add(struct keymap *km, const struct keymap_entry *ents, size_t n,
           enum vm_profile profile)
{
    for (size_t i = 0; i < n; i++) {
        if (ents[i].perfiles != 0 && (ents[i].perfiles & KEYMAP_PERFIL(profile)) == 0)
            continue;
        if (vm_profile_read_only(profile) && keymap_action_writes(ents[i].action))
            continue; /* whatever a table says: an auditor is never offered a write */
        bind_append(km, ents[i].ctx, &ents[i].key, ents[i].action, ents[i].desc, ents[i].hint);
    }
}

void
keymap_set_read_only(struct keymap *km)
{
    km->read_only = true;
}

bool
keymap_entries_write(const struct keymap_entry *ents, size_t n, enum keymap_ctx ctx,
                     const struct key *k)
{
    for (size_t i = 0; i < n; i++)
        if (ents[i].ctx == ctx && key_eq(&ents[i].key, k) && keymap_action_writes(ents[i].action))
            return true;
    return false;
}

struct keymap *
keymap_new(void)
{
    struct keymap *km = xcalloc(1, sizeof *km);

    keymap_add(km, global_entries, sizeof global_entries / sizeof global_entries[0],
               VM_PROFILE_UNKNOWN);
    return km;
}

void
keymap_free(struct keymap *km)
{
    if (km == NULL)
        return;
    free(km->b);
    free(km);
}

static const struct keymap_binding *
find(const struct keymap *km, enum keymap_ctx ctx, const struct key *k)
{
    for (size_t i = 0; i < km->n; i++)
        if (km->b[i].ctx == ctx && key_eq(&km->b[i].key, k))
            return &km->b[i];
    return NULL;
}

enum action
keymap_lookup(const struct keymap *km, enum keymap_ctx ctx, const struct key *k)
{
    const struct keymap_binding *b = find(km, ctx, k);

    if (b == NULL && keymap_ctx_inherits(ctx))
        b = find(km, KEYMAP_GLOBAL, k);
    return b != NULL ? b->action : ACTION_NONE;
}

size_t
keymap_bindings(const struct keymap *km, enum keymap_ctx ctx, const struct keymap_binding **out,
                size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < km->n; i++) {
        if (km->b[i].ctx != ctx || km->b[i].action == ACTION_NONE)
            continue;
        if (n < max)
            out[n] = &km->b[i];
        n++;
    }
    return n;
}

const char *
keymap_key_for(const struct keymap *km, enum keymap_ctx ctx, enum action action)
{
    for (int pass = 0; pass < 2; pass++) {
        enum keymap_ctx c = pass == 0 ? ctx : KEYMAP_GLOBAL;

        if (pass == 1 && !keymap_ctx_inherits(ctx))
            break;
        for (size_t i = 0; i < km->n; i++)
            if (km->b[i].ctx == c && km->b[i].action == action &&
                keymap_lookup(km, ctx, &km->b[i].key) == action)
                return km->b[i].label;
    }
    return NULL;
}

/* ---- the overrides file --------------------------------------------------------- */

static char *
trim(char *s)
{
    char *end;

    while (*s == ' ' || *s == '\t')
        s++;
    end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        *--end = '\0';
    return s;
}

static bool
ctx_parse(const char *name, enum keymap_ctx *ctx)
{
    for (int c = 0; c < KEYMAP_CTX_COUNT; c++)
        if (strcmp(contexts[c].name, name) == 0) {
            *ctx = (enum keymap_ctx)c;
            return true;
        }
    return false;
}

static bool
action_parse(const char *name, enum action *a)
{
    for (int i = 0; i < ACTION_COUNT; i++)
        if (actions[i].name != NULL && strcmp(actions[i].name, name) == 0) {
            *a = (enum action)i;
            return true;
        }
    return false;
}

/*
 * Where the binding of k to a will go once a's defaults in ctx (and k's old binding) are
 * removed: the index of a's first default among the bindings that stay. *hint: whether
 * any of those defaults was in the hint bar. km->n + 1 when a has no default there.
 */
static size_t
claim_pos(const struct keymap *km, enum keymap_ctx ctx, const struct key *k, enum action a,
          bool *hint)
{
    size_t stay = 0, pos = km->n + 1;

    for (size_t i = 0; i < km->n; i++) {
        const struct keymap_binding *b = &km->b[i];
        bool mine = b->ctx == ctx && b->action == a;

        if (mine && b->hint)
            *hint = true;
        if (mine && pos == km->n + 1)
            pos = stay;
        if (!mine && !(b->ctx == ctx && key_eq(&b->key, k)))
            stay++;
    }
    return pos;
}

/* One line; returns NULL when good, else the Spanish reason (written into why). */
static const char *
load_line(struct keymap *km, char *line, enum keymap_ctx *ctx, char *why, size_t whysz)
{
    char *s = trim(line), *eq, *kname, *aname;
    struct key k;
    enum action a;
    bool hint;
    size_t pos;

    if (s[0] == '\0' || s[0] == '#')
        return NULL;
    /* "[informe]" opens a section; "[ = periodo_anterior" binds the key [ (no section has
       an '=' in it). */
    if (s[0] == '[' && strchr(s, '=') == NULL) {
        char *close = strchr(s, ']');

        if (close == NULL || trim(close + 1)[0] != '\0')
            return snprintf(why, whysz, "sección mal escrita (se espera «[contexto]»)"), why;
        *close = '\0';
        if (!ctx_parse(trim(s + 1), ctx))
            return snprintf(why, whysz, "contexto desconocido «%.40s»", trim(s + 1)), why;
        return NULL;
    }
    eq = strrchr(s, '=');
    if (eq == NULL || eq == s)
        return snprintf(why, whysz, "se espera «tecla = acción»"), why;
    *eq = '\0';
    kname = trim(s);
    aname = trim(eq + 1);
    if (!keymap_key_parse(kname, &k))
        return snprintf(why, whysz, "tecla desconocida «%.40s»", kname), why;
    if (!action_parse(aname, &a))
        return snprintf(why, whysz, "acción desconocida «%.40s»", aname), why;
    if (a == ACTION_NONE) {
        bind_append(km, *ctx, &k, ACTION_NONE, "", false);
        return NULL;
    }
    if (km->read_only && keymap_action_writes(a))
        return NULL; /* a good line for other profiles: this one just does not write */
    hint = false;
    pos = km->n + 1; /* after everything unless it takes a default's place */
    if (!km->claimed[*ctx][a]) {
        /* The first user key of an action replaces its defaults, in the first one's place
           (so the hint bar keeps its order), and takes their hint. */
        km->claimed[*ctx][a] = true;
        pos = claim_pos(km, *ctx, &k, a, &hint);
        bind_remove_if(km, *ctx, NULL, a);
    }
    bind_append(km, *ctx, &k, a, keymap_action_desc(a), hint);
    if (pos < km->n - 1) {
        struct keymap_binding moved = km->b[km->n - 1];

        memmove(&km->b[pos + 1], &km->b[pos], (km->n - 1 - pos) * sizeof *km->b);
        km->b[pos] = moved;
    }
    return NULL;
}

int
keymap_load(struct keymap *km, const char *text, size_t len, const char *path, struct err *e)
{
    enum keymap_ctx ctx = KEYMAP_GLOBAL;
    char *copy = xmalloc(len + 1), *line;
    char why[160], first[ERR_MSG_BYTES];
    int lineno = 0, bad = 0;

    if (len > 0)
        memcpy(copy, text, len);
    copy[len] = '\0';
    first[0] = '\0';
    for (char *p = copy; p != NULL; p = line) {
        char *nl = memchr(p, '\n', (size_t)(copy + len - p));

        line = nl != NULL ? nl + 1 : NULL;
        if (nl != NULL)
            *nl = '\0';
        lineno++;
        if (strlen(p) != (size_t)((nl != NULL ? nl : copy + len) - p)) {
            if (bad++ == 0)
                snprintf(first, sizeof first, "%s:%d: byte nulo en la línea", path, lineno);
            continue;
        }
        if (load_line(km, p, &ctx, why, sizeof why) != NULL && bad++ == 0)
            snprintf(first, sizeof first, "%s:%d: %s", path, lineno, why);
    }
    free(copy);
    if (bad == 0)
        return RC_OK;
    if (bad > 1)
        return err_set(e, RC_INVAL, "%s (y %d línea%s más con errores)", first, bad - 1,
                       bad - 1 == 1 ? "" : "s");
    return err_set(e, RC_INVAL, "%s", first);
}
