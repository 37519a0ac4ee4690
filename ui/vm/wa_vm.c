#include "ui/vm/wa_vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/qr_text.h"
#include "ui/vm/detalle_vm.h"
#include "util/err.h"

enum { LABEL_W = 12, QR_QUIET = 2 };

static const struct {
    const char *name; /* as stored in crm.wa_cuentas.estado */
    const char *word; /* shown */
    int level;        /* 0 ok, 1 warn, 2 bad */
} estados[] = {
    [WA_DESCONOCIDO] = { "", "desconocido", 1 },
    [WA_SIN_VINCULAR] = { "SIN_VINCULAR", "sin vincular", 2 },
    [WA_VINCULANDO] = { "VINCULANDO", "vinculando…", 1 },
    [WA_CONECTADA] = { "CONECTADA", "conectada", 0 },
    [WA_DESCONECTADA] = { "DESCONECTADA", "desconectada", 1 },
    [WA_REQUIERE_VINCULO] = { "REQUIERE_VINCULO", "requiere vincular de nuevo", 2 },
    [WA_BLOQUEADA] = { "BLOQUEADA", "bloqueada", 2 },
};

enum wa_estado
wa_estado_parse(const char *s)
{
    for (size_t i = 1; s != NULL && i < sizeof estados / sizeof estados[0]; i++)
        if (strcmp(s, estados[i].name) == 0)
            return (enum wa_estado)i;
    return WA_DESCONOCIDO;
}

void
wa_model_init(struct wa_model *m)
{
    memset(m, 0, sizeof *m);
}

void
wa_model_fini(struct wa_model *m)
{
    free(m->qr);
    m->qr = NULL;
}

int
wa_model_set_qr(struct wa_model *m, const char *ref, int64_t expira_ms, struct err *e)
{
    char *text = NULL;
    int rc = qr_text_render(ref, false, QR_QUIET, &text, e);

    free(m->qr);
    m->qr = NULL;
    m->qr_rows = m->qr_cols = 0;
    if (rc != RC_OK)
        return rc;
    m->qr = text;
    for (const char *p = text; *p != '\0'; p++)
        if (*p == '\n')
            m->qr_rows++;
    {
        char first[512];
        size_t n = strcspn(text, "\n");

        snprintf(first, sizeof first, "%.*s", (int)(n < sizeof first ? n : sizeof first - 1), text);
        m->qr_cols = vm_text_width(first);
    }
    m->qr_expira_ms = expira_ms;
    m->qr_n++;
    m->qr_vencido = false;
    m->por_telefono = false;
    return RC_OK;
}

int
wa_model_set_codigo(struct wa_model *m, const char *codigo, int64_t expira_ms, struct err *e)
{
    size_t n = codigo != NULL ? strlen(codigo) : 0;

    for (size_t i = 0; i < n; i++)
        if (!((codigo[i] >= 'A' && codigo[i] <= 'Z') || (codigo[i] >= '0' && codigo[i] <= '9')))
            n = 0;
    if (n != 8)
        return err_set(e, RC_INVAL, "el código de vinculación no tiene 8 letras y dígitos");
    snprintf(m->codigo, sizeof m->codigo, "%.4s-%.4s", codigo, codigo + 4);
    m->codigo_expira_ms = expira_ms;
    m->qr_vencido = false;
    m->por_telefono = true;
    return RC_OK;
}

void
wa_model_qr_end(struct wa_model *m, bool vencido)
{
    free(m->qr);
    m->qr = NULL;
    m->qr_rows = m->qr_cols = m->qr_n = 0;
    m->codigo[0] = '\0';
    m->codigo_expira_ms = 0;
    m->qr_vencido = vencido;
}

/* ---- an account of Meta's official API ------------------------------------------------- */

/* Meta's quality rating: glyph and word, never colour alone (themes/anchors T3). */
static const struct {
    const char *meta; /* as Meta says it (crm.wa_cuentas.cloud_calidad) */
    const char *word;
    int level;
} calidades[] = {
    { "GREEN", "verde (alta)", 0 },
    { "YELLOW", "amarilla (media)", 1 },
    { "RED", "roja (baja)", 2 },
};

static bool
wa_action_links_or_sends(enum action act)
{
    return act == ACTION_WA_LINK || act == ACTION_WA_LINK_PHONE || act == ACTION_WA_SCAN ||
           act == ACTION_WA_SEND;
}

bool
wa_model_has(const struct wa_model *m, enum action act)
{
    return !(m->loaded && m->cloud && wa_action_links_or_sends(act));
}

const char *
wa_model_refusal(const struct wa_model *m, enum action act)
{
    if (wa_model_has(m, act))
        return NULL;
    /* one row of the bottom bar at 80 columns */
    if (act == ACTION_WA_SEND)
        return "Cuenta de la API oficial de WhatsApp: el servidor central envía sus campañas.";
    return "Cuenta de la API oficial de WhatsApp (Meta): no se vincula con QR ni código.";
}

const char *
wa_model_help_note(const struct wa_model *m)
{
    if (m->loaded && m->cloud)
        return "Su cuenta envía por la API oficial de WhatsApp (Meta): el servidor central "
               "(embudo worker) manda sus campañas, solo con plantillas aprobadas por Meta y sin "
               "variaciones con IA. No se vincula con QR ni con código ni se inicia el envío "
               "aquí; el número y la calidad los informa Meta.";
    /* no key named: teclas.conf may bind them elsewhere, and the rows above say which */
    return "WhatsApp Web: su teléfono se vincula aquí (con el código QR o con un código en el "
           "teléfono) y el envío puede correr en esta sesión. Si el administrador le asigna la "
           "API oficial de WhatsApp (Meta), el servidor envía y no hay nada que vincular.";
}

/* Meta's number from the account's jid, as people read it: "+52 55 1234 5678" for a Mexican
 * one (with or without the old 1 after 52), "+" and its digits otherwise; "" before the
 * server first reached Meta. */
static void
cloud_numero(char *buf, size_t sz, const char *jid)
{
    size_t n = strcspn(jid, ":@");
    char e164[32];

    buf[0] = '\0';
    if (n == 0 || n > 20 || strspn(jid, "0123456789") < n)
        return;
    if (n == 13 && strncmp(jid, "521", 3) == 0)
        snprintf(e164, sizeof e164, "+52%.10s", jid + 3);
    else
        snprintf(e164, sizeof e164, "+%.*s", (int)n, jid);
    detalle_phone_fmt(buf, sz, e164);
}

/* ---- building ----------------------------------------------------------------------- */

static struct vm_line *
add(struct wa_vm *vm, enum vm_role fill)
{
    struct vm_line *l;

    if (vm->nlines >= vm->height || vm->nlines >= WA_VM_LINES)
        return NULL;
    l = &vm->lines[vm->nlines++];
    vm_line_init(l, fill);
    return l;
}

static void
text_line(struct wa_vm *vm, enum vm_role role, const char *text)
{
    struct vm_line *l = add(vm, ROLE_TEXT);

    if (l != NULL)
        vm_line_put(l, 1, vm->width, role, text);
}

/* Running text over as many rows as it needs. */
static void
text_wrap(struct wa_vm *vm, enum vm_role role, const char *text)
{
    char row[VM_SPAN_BYTES];

    while (vm_wrap_row(row, (int)sizeof row, &text, vm->width - 2))
        text_line(vm, role, row);
}

static void
kv(struct wa_vm *vm, const char *label, enum vm_role role, const char *value)
{
    struct vm_line *l = add(vm, ROLE_TEXT);

    if (l == NULL)
        return;
    vm_line_put(l, 1, 1 + LABEL_W, ROLE_LABEL, label);
    vm_line_put(l, 1 + LABEL_W, vm->width, role, value);
}

static const char *
glyph(int level, bool ascii)
{
    static const char *const u[] = { "●", "◐", "○" };
    static const char *const a[] = { "*", "~", "o" };

    return ascii ? a[level] : u[level];
}

static void
cuenta_lines(struct wa_vm *vm, const struct wa_model *m)
{
    static const enum vm_role roles[] = { ROLE_DB_OK, ROLE_DB_WARN, ROLE_DB_ERR };
    int lv = estados[m->estado].level;
    char buf[320], dia[16] = "desconocido";

    snprintf(buf, sizeof buf, "%s %s", glyph(lv, m->ascii), estados[m->estado].word);
    kv(vm, "Cuenta", roles[lv], buf);
    kv(vm, "Número", ROLE_VALUE, m->jid[0] != '\0' ? m->jid : "—");
    if (m->detalle[0] != '\0')
        kv(vm, "Detalle", ROLE_MUTED, m->detalle);
    if (m->en_uso_desde > 0)
        snprintf(dia, sizeof dia, "%04d-%02d-%02d", m->en_uso_desde / 10000,
                 m->en_uso_desde / 100 % 100, m->en_uso_desde % 100);
    snprintf(buf, sizeof buf, "%d al día · tope de hoy %d · en uso desde %s", m->limite_diario,
             m->tope_hoy, dia);
    kv(vm, "Límite", ROLE_VALUE, buf);
}

static void
calidad_line(struct wa_vm *vm, const struct wa_model *m)
{
    static const enum vm_role roles[] = { ROLE_DB_OK, ROLE_DB_WARN, ROLE_DB_ERR };
    char buf[96];

    for (size_t i = 0; i < sizeof calidades / sizeof calidades[0]; i++)
        if (strcmp(m->calidad, calidades[i].meta) == 0) {
            snprintf(buf, sizeof buf, "%s %s", glyph(calidades[i].level, m->ascii),
                     calidades[i].word);
            kv(vm, "Calidad", roles[calidades[i].level], buf);
            return;
        }
    kv(vm, "Calidad", ROLE_MUTED,
       m->calidad[0] == '\0' ? "— aún no la informa Meta" : "— Meta aún no la califica");
}

/* A CLOUD account: who sends, Meta's number and rating, the limit without a ramp. */
static void
cloud_lines(struct wa_vm *vm, const struct wa_model *m)
{
    static const enum vm_role roles[] = { ROLE_DB_OK, ROLE_DB_WARN, ROLE_DB_ERR };
    int lv = estados[m->estado].level;
    char buf[320], numero[48];

    snprintf(buf, sizeof buf, "%s %s", glyph(lv, m->ascii), estados[m->estado].word);
    kv(vm, "Cuenta", roles[lv], buf);
    kv(vm, "Envía por", ROLE_VALUE, "la API oficial de WhatsApp (Meta)");
    cloud_numero(numero, sizeof numero, m->jid);
    kv(vm, "Número", numero[0] != '\0' ? ROLE_VALUE : ROLE_MUTED,
       numero[0] != '\0' ? numero : "— lo informa Meta cuando el servidor se conecta");
    calidad_line(vm, m);
    if (m->detalle[0] != '\0')
        kv(vm, "Detalle", ROLE_MUTED, m->detalle);
    snprintf(buf, sizeof buf, "%d al día · sin calentamiento", m->limite_diario);
    kv(vm, "Límite", ROLE_VALUE, buf);
    kv(vm, "Envío", ROLE_VALUE, "en el servidor central (embudo worker)");
}

static void
cloud_actions_lines(struct wa_vm *vm, const struct wa_model *m)
{
    text_wrap(vm, ROLE_TEXT,
              "Sus campañas salen desde el servidor con plantillas aprobadas por Meta: no hay "
              "nada que vincular ni que iniciar en esta sesión.");
    if (m->estado == WA_DESCONECTADA)
        text_wrap(vm, ROLE_MUTED,
                  "El servidor aún no se conecta con Meta (o perdió la conexión); las campañas "
                  "esperan. Si sigue así, avise a su administrador.");
    else if (m->estado == WA_BLOQUEADA)
        text_wrap(vm, ROLE_ERROR,
                  "Meta restringió este número: su administrador debe revisarlo en la cuenta de "
                  "WhatsApp Business antes de volver a enviar.");
    if (strcmp(m->calidad, "RED") == 0)
        text_wrap(vm, ROLE_ERROR,
                  "Con calidad roja Meta puede limitar el número: revise las bajas y los "
                  "bloqueos de sus últimas campañas.");
}

static void
salud_line(struct wa_vm *vm, const struct wa_model *m)
{
    char buf[400];

    switch (m->envio) {
    case WA_ENVIO_ACTIVO:
        snprintf(buf, sizeof buf, "%s activo%s%s", glyph(0, m->ascii),
                 m->salud[0] != '\0' ? " · " : "", m->salud);
        kv(vm, "Envío", ROLE_DB_OK, buf);
        return;
    case WA_ENVIO_OTRA_SESION:
        snprintf(buf, sizeof buf, "%s enviando desde otra sesión", glyph(1, m->ascii));
        kv(vm, "Envío", ROLE_DB_WARN, buf);
        return;
    case WA_ENVIO_DETENIDO:
        break;
    }
    snprintf(buf, sizeof buf, "%s detenido%s%s", glyph(2, m->ascii),
             m->salud[0] != '\0' ? " · " : "", m->salud);
    kv(vm, "Envío", ROLE_MUTED, buf);
}

static void
qr_countdown(struct wa_vm *vm, const struct wa_model *m)
{
    char buf[160];
    int64_t left = m->qr_expira_ms - m->now_ms;

    if (left > 0)
        snprintf(buf, sizeof buf, "El código cambia en %lld s (código %d).",
                 (long long)((left + 999) / 1000), m->qr_n);
    else
        snprintf(buf, sizeof buf, "El código %d venció; esperando uno nuevo…", m->qr_n);
    text_line(vm, ROLE_MUTED, buf);
}

static void
qr_lines(struct wa_vm *vm, const struct wa_model *m)
{
    const char *p = m->qr;
    int room = vm->height - vm->nlines;
    char buf[200];

    text_line(vm, ROLE_TEXT,
              "Abra WhatsApp › Dispositivos vinculados › Vincular un dispositivo "
              "y escanee:");
    qr_countdown(vm, m);
    if (m->sim)
        text_line(vm, ROLE_MUTED, "Red simulada: pulse s para simular el escaneo.");
    room = vm->height - vm->nlines;
    if (m->ascii || m->qr_rows > room || m->qr_cols + 2 > vm->width) {
        if (m->ascii)
            snprintf(buf, sizeof buf, "El código QR necesita una terminal UTF-8.");
        else
            snprintf(buf, sizeof buf,
                     "La ventana es chica para el código: necesita %d×%d "
                     "(hay %d×%d). Agrándela.",
                     m->qr_cols + 2, m->qr_rows + vm->nlines, vm->width, vm->height);
        text_line(vm, ROLE_ERROR, buf);
        text_line(vm, ROLE_TEXT, "O pulse n para vincular con su número de teléfono.");
        return;
    }
    while (*p != '\0') {
        size_t n = strcspn(p, "\n");
        struct vm_line *l = add(vm, ROLE_TEXT);

        snprintf(buf, sizeof buf, "%.*s", (int)(n < sizeof buf ? n : sizeof buf - 1), p);
        if (l != NULL)
            vm_line_put(l, 2, vm->width, ROLE_TEXT, buf);
        p += n + (p[n] == '\n');
    }
}

/* Linking by phone number: where to type the code, the code, how long it lasts. */
static void
codigo_lines(struct wa_vm *vm, const struct wa_model *m)
{
    int64_t left = m->codigo_expira_ms - m->now_ms;
    struct vm_line *l;
    char buf[160];

    text_wrap(vm, ROLE_TEXT,
              "En su teléfono: WhatsApp › Dispositivos vinculados › Vincular un "
              "dispositivo › Vincular con el número de teléfono, y escriba:");
    add(vm, ROLE_TEXT);
    if ((l = add(vm, ROLE_TEXT)) != NULL)
        vm_line_put(l, 4, vm->width, ROLE_HEADING, m->codigo);
    add(vm, ROLE_TEXT);
    if (left > 0)
        snprintf(buf, sizeof buf, "El código vence en %lld s.", (long long)((left + 999) / 1000));
    else
        snprintf(buf, sizeof buf, "El código venció; esperando la respuesta de WhatsApp…");
    text_line(vm, ROLE_MUTED, buf);
    if (m->sim)
        text_line(vm, ROLE_MUTED, "Red simulada: pulse s para simular que lo escribe.");
}

static void
actions_lines(struct wa_vm *vm, const struct wa_model *m)
{
    switch (m->estado) {
    case WA_SIN_VINCULAR:
    case WA_REQUIERE_VINCULO:
    case WA_DESCONOCIDO:
        text_line(vm, ROLE_TEXT,
                  !m->qr_vencido    ? "Pulse v para vincular su WhatsApp con un código QR."
                  : m->por_telefono ? "El código de vinculación venció sin usarse."
                                    : "Los códigos vencieron sin escanearse. Pulse v para pedir "
                                      "otro.");
        text_line(vm, ROLE_TEXT, "O pulse n para vincularlo con su número de teléfono.");
        break;
    case WA_VINCULANDO:
        if (m->qr == NULL && m->codigo[0] == '\0')
            text_line(vm, ROLE_MUTED,
                      m->qr_vencido ? "Los códigos vencieron. Pulse v para pedir otro."
                                    : "Pidiendo el código…");
        break;
    case WA_DESCONECTADA:
        text_line(vm, ROLE_MUTED, "Se reconecta solo; las campañas esperan mientras tanto.");
        break;
    case WA_BLOQUEADA:
        text_line(vm, ROLE_ERROR,
                  "WhatsApp restringió este número: revise el teléfono antes de "
                  "volver a enviar.");
        break;
    case WA_CONECTADA:
        break;
    }
    if (m->sim && m->qr == NULL && m->codigo[0] == '\0' && m->estado == WA_VINCULANDO)
        text_line(vm, ROLE_MUTED, "Red simulada: pulse s para simular el escaneo.");
}

void
wa_vm_build(struct wa_vm *vm, const struct wa_model *m, int width, int height)
{
    struct vm_line *l;

    memset(vm, 0, sizeof *vm);
    vm->width = width;
    vm->height = height < WA_VM_LINES ? height : WA_VM_LINES;
    if ((l = add(vm, ROLE_TEXT)) != NULL)
        vm_line_put(l, 1, width, ROLE_HEADING, "WhatsApp");
    if (m->error[0] != '\0')
        text_line(vm, ROLE_ERROR, m->error);
    if (!m->loaded) {
        text_line(vm, ROLE_MUTED, "Consultando la cuenta…");
        return;
    }
    if (m->cloud) {
        cloud_lines(vm, m);
        add(vm, ROLE_TEXT);
        cloud_actions_lines(vm, m);
        return;
    }
    cuenta_lines(vm, m);
    salud_line(vm, m);
    add(vm, ROLE_TEXT);
    actions_lines(vm, m);
    if (m->codigo[0] != '\0')
        codigo_lines(vm, m);
    else if (m->qr != NULL)
        qr_lines(vm, m);
}

char *
wa_vm_dump(const struct wa_vm *vm)
{
    return vm_lines_dump(vm->lines, vm->nlines);
}
