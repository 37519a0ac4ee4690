#include "ui/vm/wizard_vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pacing.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

/* Values shown in the preview when the audience gave no sample (no opportunity yet). */
static const char *const ejemplo[PLANTILLA_NVARS] = {
    "María", "López", "María López Hernández", "IMSS", "su promotor", "INICIAL",
    "Guadalajara", "Jalisco",
};

static const char *const pasos[] = { "1 Audiencia", "2 Plantilla", "3 Variaciones y ritmo",
                                     "4 Revisión" };

/* ---- text editing ------------------------------------------------------------------ */

/* Appends code point c (UTF-8) to buf if it fits. */
static bool
append_cp(char *buf, size_t sz, uint32_t c)
{
    size_t n = strlen(buf);
    unsigned char u[4];
    size_t k;

    if (c < 0x20 || c == 0x7F || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return false;
    if (c < 0x80) {
        u[0] = (unsigned char)c;
        k = 1;
    } else if (c < 0x800) {
        u[0] = (unsigned char)(0xC0 | (c >> 6));
        u[1] = (unsigned char)(0x80 | (c & 0x3F));
        k = 2;
    } else if (c < 0x10000) {
        u[0] = (unsigned char)(0xE0 | (c >> 12));
        u[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        u[2] = (unsigned char)(0x80 | (c & 0x3F));
        k = 3;
    } else {
        u[0] = (unsigned char)(0xF0 | (c >> 18));
        u[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
        u[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        u[3] = (unsigned char)(0x80 | (c & 0x3F));
        k = 4;
    }
    if (n + k + 1 > sz)
        return false;
    memcpy(buf + n, u, k);
    buf[n + k] = '\0';
    return true;
}

/* Removes the last character (a whole UTF-8 sequence). */
static bool
delete_cp(char *buf)
{
    size_t n = strlen(buf);

    if (n == 0)
        return false;
    while (n > 0 && ((unsigned char)buf[n - 1] & 0xC0) == 0x80)
        n--;
    buf[n > 0 ? n - 1 : 0] = '\0';
    return true;
}

/* Typing into buf: true when it changed. */
static bool
edit(char *buf, size_t sz, const struct key *k, bool digits_only)
{
    if (k == NULL)
        return false;
    if (k->kind == KK_BACKSPACE)
        return delete_cp(buf);
    if (k->kind != KK_CHAR || (digits_only && (k->ch < '0' || k->ch > '9')))
        return false;
    return append_cp(buf, sz, k->ch);
}

/* ---- model ------------------------------------------------------------------------- */

static void
ia_reset(struct wizard_model *m)
{
    for (size_t i = 0; i < m->ncandidatos; i++)
        free(m->candidatos[i]);
    free(m->candidatos);
    free(m->veredictos);
    m->candidatos = NULL;
    m->veredictos = NULL;
    m->ncandidatos = m->aceptadas = 0;
    m->usar_variaciones = false;
    m->ia_msg[0] = '\0';
    if (m->ia != WIZARD_IA_SIN_CONFIG)
        m->ia = WIZARD_IA_NO_PEDIDA;
}

static void
rev_reset(struct wizard_revision *r)
{
    free(r->plan);
    free(r->omitidos_v);
    memset(r, 0, sizeof *r);
}

static void
plantillas_free(struct wizard_model *m)
{
    for (size_t i = 0; i < m->nplantillas; i++)
        free(m->plantillas[i].texto);
    free(m->plantillas);
    m->plantillas = NULL;
    m->nplantillas = 0;
}

void
wizard_model_init(struct wizard_model *m, bool ia_configurada)
{
    memset(m, 0, sizeof *m);
    m->ia = ia_configurada ? WIZARD_IA_NO_PEDIDA : WIZARD_IA_SIN_CONFIG;
    m->contando = true; /* the controller counts as the pane opens */
}

void
wizard_model_fini(struct wizard_model *m)
{
    ia_reset(m);
    rev_reset(&m->rev);
    plantillas_free(m);
}

/* The template changed: parse, count paths, render the previews; AI answers are dropped. */
static void
recalc(struct wizard_model *m)
{
    struct plantilla_pos pos;
    struct err e;
    struct plantilla *p = plantilla_parse(m->texto, &pos, &e);

    ia_reset(m);
    m->plantilla_error[0] = '\0';
    m->caminos = 0;
    memset(m->vista, 0, sizeof m->vista);
    if (p == NULL) {
        snprintf(m->plantilla_error, sizeof m->plantilla_error, "%s", e.msg);
        return;
    }
    m->caminos = plantilla_variantes(p);
    for (int i = 0; i < WIZARD_MUESTRAS; i++) {
        struct plantilla_valores v;
        char *out;

        for (int k = 0; k < PLANTILLA_NVARS; k++)
            v.v[k] = i < m->nmuestra ? m->muestra[i][k] : ejemplo[k];
        out = plantilla_render(p, &v, plantilla_seed(0, (uint64_t)i + 1), &e);
        snprintf(m->vista[i], sizeof m->vista[i], "%s",
                 out != NULL ? out : e.msg);
        free(out);
    }
    plantilla_free(p);
}

static enum wizard_efecto plantilla_enter(struct wizard_model *m);

static void
pick_plantilla(struct wizard_model *m, int i)
{
    m->cur_plantilla = i;
    if (i >= 0 && (size_t)i < m->nplantillas)
        snprintf(m->texto, sizeof m->texto, "%s", m->plantillas[i].texto);
    recalc(m);
}

static enum wizard_efecto audiencia_enter(struct wizard_model *m);

enum wizard_efecto
wizard_model_set_etapas(struct wizard_model *m, const struct wizard_etapa *v, int n,
                        bool vigente)
{
    m->netapas = n < WIZARD_MAX_ETAPAS ? n : WIZARD_MAX_ETAPAS;
    memcpy(m->etapas, v, (size_t)m->netapas * sizeof *v);
    if (m->cur_etapa >= m->netapas)
        m->cur_etapa = m->netapas > 0 ? m->netapas - 1 : 0;
    m->ocupado = false;
    if (!vigente)
        return WIZARD_NADA;
    m->contando = false;
    if (!m->enter_pendiente || m->paso != WIZARD_AUDIENCIA)
        return WIZARD_NADA;
    m->enter_pendiente = false;
    return audiencia_enter(m);
}

enum wizard_efecto
wizard_model_set_plantillas(struct wizard_model *m, struct wizard_plantilla *v, size_t n)
{
    plantillas_free(m);
    m->plantillas = v;
    m->nplantillas = n;
    m->ocupado = false;
    if (n > 0 && m->texto[0] == '\0')
        pick_plantilla(m, 0);
    else
        recalc(m);
    if (n == 0)
        m->cur_plantilla = 0;
    if (!m->enter_pendiente)
        return WIZARD_NADA;
    m->enter_pendiente = false;
    return plantilla_enter(m);
}

void
wizard_model_set_muestra(struct wizard_model *m, const struct plantilla_valores *vals, int n)
{
    m->nmuestra = n < WIZARD_MUESTRAS ? n : WIZARD_MUESTRAS;
    for (int i = 0; i < m->nmuestra; i++)
        for (int k = 0; k < PLANTILLA_NVARS; k++)
            snprintf(m->muestra[i][k], sizeof m->muestra[i][k], "%s",
                     vals[i].v[k] != NULL ? vals[i].v[k] : "");
    recalc(m);
}

void
wizard_model_set_ia(struct wizard_model *m, char **cand, size_t n)
{
    ia_reset(m);
    m->candidatos = cand;
    m->ncandidatos = n;
    m->veredictos = xcalloc(n + 1, sizeof *m->veredictos);
    m->aceptadas = variaciones_filtrar(m->texto, (const char *const *)cand, n, m->veredictos);
    m->usar_variaciones = m->aceptadas > 0;
    m->ia = WIZARD_IA_LISTA;
    if (m->paso == WIZARD_VARIACIONES)
        m->enter_pendiente = false;
    if (m->aceptadas == 0)
        snprintf(m->ia_msg, sizeof m->ia_msg,
                 "Ninguna variación pasó la revisión: se usa solo el spintax.");
    m->ocupado = false;
}

void
wizard_model_set_ia_fallo(struct wizard_model *m, const char *msg)
{
    bool sin_config = m->ia == WIZARD_IA_SIN_CONFIG;

    ia_reset(m);
    m->ia = sin_config ? WIZARD_IA_SIN_CONFIG : WIZARD_IA_FALLO;
    if (m->paso == WIZARD_VARIACIONES)
        m->enter_pendiente = false;
    snprintf(m->ia_msg, sizeof m->ia_msg, "%s", msg);
    m->ocupado = false;
}

void
wizard_model_set_revision(struct wizard_model *m, struct wizard_revision *rev)
{
    rev_reset(&m->rev);
    m->rev = *rev;
    memset(rev, 0, sizeof *rev);
    m->paso = WIZARD_REVISION;
    m->ocupado = false;
    m->error[0] = '\0';
    m->top = 0;
}

void
wizard_model_set_error(struct wizard_model *m, const char *msg)
{
    snprintf(m->error, sizeof m->error, "%s", msg);
    m->ocupado = false;
    m->contando = false;
    m->enter_pendiente = false;
}

void
wizard_model_set_lanzada(struct wizard_model *m)
{
    m->paso = WIZARD_LANZADA;
    m->ocupado = false;
    m->error[0] = '\0';
}

const char *
wizard_model_texto(const struct wizard_model *m)
{
    return m->texto;
}

/* The kept variations joined to the template as one group; NULL when they cannot be. */
static char *
texto_con_variaciones(const struct wizard_model *m)
{
    struct strbuf sb;
    const char *primero = m->texto;
    struct plantilla *p;
    char *out;

    for (size_t i = 0; i < m->ncandidatos && primero[0] == '{'; i++)
        if (m->veredictos[i].motivo == VARIACION_ACEPTADA && m->candidatos[i][0] != '{')
            primero = m->candidatos[i];
    strbuf_init(&sb);
    /* a group that opened with "{{" would read as a literal brace: a space keeps it a group */
    strbuf_addstr(&sb, primero[0] == '{' ? "{ " : "{");
    strbuf_addstr(&sb, primero);
    if (primero != m->texto) {
        strbuf_addch(&sb, '|');
        strbuf_addstr(&sb, m->texto);
    }
    for (size_t i = 0; i < m->ncandidatos; i++)
        if (m->veredictos[i].motivo == VARIACION_ACEPTADA && m->candidatos[i] != primero) {
            strbuf_addch(&sb, '|');
            strbuf_addstr(&sb, m->candidatos[i]);
        }
    strbuf_addch(&sb, '}');
    out = strbuf_detach(&sb, NULL);
    if (strstr(out, "{{") != NULL || strstr(out, "}}") != NULL ||
        (p = plantilla_parse(out, NULL, NULL)) == NULL) {
        free(out);
        return NULL;
    }
    plantilla_free(p);
    return out;
}

char *
wizard_model_texto_final(const struct wizard_model *m)
{
    char *t = NULL;

    if (m->usar_variaciones && m->aceptadas > 0 && !m->cloud)
        t = texto_con_variaciones(m);
    return t != NULL ? t : xstrdup(m->texto);
}

/* The saved template under the cursor of step 2, or NULL on "(nueva)". */
static const struct wizard_plantilla *
cur_tpl(const struct wizard_model *m)
{
    return m->cur_plantilla >= 0 && (size_t)m->cur_plantilla < m->nplantillas
               ? &m->plantillas[m->cur_plantilla]
               : NULL;
}

const struct wizard_plantilla *
wizard_model_meta(const struct wizard_model *m)
{
    const struct wizard_plantilla *p = cur_tpl(m);
    char *t;
    bool same;

    if (p == NULL || p->meta_nombre[0] == '\0')
        return NULL;
    t = wizard_model_texto_final(m);
    same = strcmp(t, p->texto) == 0;
    free(t);
    return same ? p : NULL;
}

/* s as a word of a command line: quoted when it has a blank. */
static const char *
shell_word(char *buf, size_t len, const char *s)
{
    snprintf(buf, len, strchr(s, ' ') != NULL ? "\"%s\"" : "%s", s);
    return buf;
}

/* Why an account of Meta's official API cannot send step 2's text (not exactly a mapped
 * template's), with what to do, into buf. */
static void
cloud_rechazo(const struct wizard_model *m, char *buf, size_t len)
{
    const struct wizard_plantilla *p = cur_tpl(m);
    char etapa[120], nombre[360];

    if (p != NULL && p->meta_nombre[0] != '\0')
        snprintf(buf, len,
                 "El texto ya no es el de la plantilla aprobada en Meta «%s»: la API oficial de "
                 "WhatsApp solo la envía tal cual (↑↓ la vuelve a elegir).",
                 p->meta_nombre);
    else if (p != NULL)
        snprintf(buf, len,
                 "La API oficial de WhatsApp solo envía plantillas aprobadas en Meta y esta no "
                 "está ligada a una: su administrador la liga con «embudo wa cloud plantilla %s "
                 "%s --meta …».",
                 shell_word(etapa, sizeof etapa, m->etapas[m->cur_etapa].nombre),
                 shell_word(nombre, sizeof nombre, p->nombre));
    else
        snprintf(buf, len,
                 "La API oficial de WhatsApp solo envía plantillas aprobadas en Meta: elija una "
                 "ligada (↑↓); su administrador liga otras con «embudo wa cloud plantilla ETAPA "
                 "NOMBRE --meta …».");
}

const char *
wizard_model_help_note(const struct wizard_model *m)
{
    return m->cloud ? "Su cuenta envía por la API oficial de WhatsApp (Meta): en el paso 2 solo "
                      "sirven las plantillas ligadas a Meta ([Meta]), sin cambiar su texto, y no "
                      "hay variaciones con IA. El administrador las liga con «embudo wa cloud "
                      "plantilla»."
                    : NULL;
}

char *
wizard_ritmo_fmt(const struct pacing_config *c, char *buf, size_t len)
{
    if (c->gap_max_ms == 0 && c->rest_max_ms == 0) {
        snprintf(buf, len, "ritmo rápido de prueba: sin pausas (solo red simulada)");
        return buf;
    }
    snprintf(buf, len, "%lld–%lld s entre mensajes; descanso de %lld–%lld min cada %u–%u mensajes",
             (long long)(c->gap_min_ms / 1000), (long long)(c->gap_max_ms / 1000),
             (long long)(c->rest_min_ms / 60000), (long long)(c->rest_max_ms / 60000), c->burst_min,
             c->burst_max);
    return buf;
}

/* ---- keys, per step ----------------------------------------------------------------- */

/* Step 1's Enter. While the counts are not yet those of the filters as typed it is remembered
 * (wizard_model_set_etapas takes it): going on with stale counts, or saying "no hay
 * oportunidades" before the first count arrived, would mislead the promoter. */
static enum wizard_efecto
audiencia_enter(struct wizard_model *m)
{
    if (m->contando) {
        m->enter_pendiente = true;
        return WIZARD_REDIBUJAR;
    }
    if (m->netapas == 0 || m->etapas[m->cur_etapa].con_telefono == 0) {
        wizard_model_set_error(m, "No hay oportunidades con teléfono en esta etapa y filtros.");
        return WIZARD_REDIBUJAR;
    }
    m->error[0] = '\0';
    m->paso = WIZARD_PLANTILLA;
    m->ocupado = true;
    return WIZARD_PLANTILLAS;
}

static enum wizard_efecto
key_audiencia(struct wizard_model *m, const struct key *k)
{
    static const size_t cap[] = { 0, WIZARD_FILTRO_BYTES, WIZARD_FILTRO_BYTES, 8 };
    char *campos[] = { NULL, m->convenio, m->entidad, m->maximo };

    if (k->kind == KK_TAB || k->kind == KK_BACKTAB) {
        int step = k->kind == KK_TAB ? 1 : WIZARD_NCAMPOS - 1;

        m->campo = (enum wizard_campo)(((int)m->campo + step) % WIZARD_NCAMPOS);
        return WIZARD_REDIBUJAR;
    }
    if (k->kind == KK_UP || k->kind == KK_DOWN) {
        if (m->campo != WIZARD_CAMPO_ETAPA || m->netapas == 0)
            return WIZARD_NADA;
        m->cur_etapa += k->kind == KK_UP ? -1 : 1;
        if (m->cur_etapa < 0)
            m->cur_etapa = 0;
        if (m->cur_etapa >= m->netapas)
            m->cur_etapa = m->netapas - 1;
        m->enter_pendiente = false; /* still choosing */
        return WIZARD_REDIBUJAR;
    }
    if (k->kind == KK_ENTER)
        return m->ocupado ? WIZARD_NADA : audiencia_enter(m);
    if (k->kind == KK_ESC) {
        m->enter_pendiente = false;
        return WIZARD_SALIR;
    }
    if (m->campo == WIZARD_CAMPO_ETAPA ||
        !edit(campos[m->campo], cap[m->campo], k, m->campo == WIZARD_CAMPO_MAXIMO))
        return WIZARD_NADA;
    m->error[0] = '\0';
    m->contando = true;
    m->enter_pendiente = false; /* still writing the filters */
    return WIZARD_CONTAR;
}

/* Step 2's Enter. While the templates load it is remembered (wizard_model_set_plantillas
 * takes it): a promoter who presses it early must not lose it. */
static enum wizard_efecto
plantilla_enter(struct wizard_model *m)
{
    if (m->ocupado) {
        m->enter_pendiente = true;
        return WIZARD_REDIBUJAR;
    }
    if (m->texto[0] == '\0' || m->plantilla_error[0] != '\0') {
        wizard_model_set_error(m, m->texto[0] == '\0' ? "Escriba el mensaje."
                                                      : "Corrija la plantilla antes de seguir.");
        return WIZARD_REDIBUJAR;
    }
    if (m->cloud && wizard_model_meta(m) == NULL) {
        char why[sizeof m->error];

        cloud_rechazo(m, why, sizeof why);
        wizard_model_set_error(m, why);
        return WIZARD_REDIBUJAR;
    }
    m->error[0] = '\0';
    m->paso = WIZARD_VARIACIONES;
    /* asked once per template: back and forth while the answer is on its way asks nothing;
     * never for Meta's official API, which sends exactly the approved text */
    if (m->ia != WIZARD_IA_NO_PEDIDA || m->cloud)
        return WIZARD_REDIBUJAR;
    m->ia = WIZARD_IA_PIDIENDO;
    return WIZARD_PEDIR_IA;
}

static enum wizard_efecto
key_plantilla(struct wizard_model *m, const struct key *k)
{
    int n = (int)m->nplantillas;

    if (k->kind == KK_UP || k->kind == KK_DOWN) {
        if (n == 0)
            return WIZARD_NADA;
        pick_plantilla(m, (m->cur_plantilla + (k->kind == KK_UP ? n : 1)) % (n + 1));
        m->enter_pendiente = false; /* still choosing */
        return WIZARD_REDIBUJAR;
    }
    if (k->kind == KK_ENTER)
        return plantilla_enter(m);
    if (k->kind == KK_ESC) {
        m->paso = WIZARD_AUDIENCIA;
        m->error[0] = '\0';
        m->enter_pendiente = false;
        return WIZARD_REDIBUJAR;
    }
    if (!edit(m->texto, sizeof m->texto, k, false))
        return WIZARD_NADA;
    m->error[0] = '\0';
    m->enter_pendiente = false; /* still writing: going on now would cut the text short */
    recalc(m);
    return WIZARD_REDIBUJAR;
}

static enum wizard_efecto
key_variaciones(struct wizard_model *m, const struct key *k)
{
    /* While the AI answers, Enter is not taken for the promoter: its variations must be seen
     * (and approved with v) before they go out. The footer says so, and s goes on without. */
    if (m->ia == WIZARD_IA_PIDIENDO) {
        if (k->kind == KK_ENTER && !m->enter_pendiente) {
            m->enter_pendiente = true;
            return WIZARD_REDIBUJAR;
        }
        if (k->kind == KK_CHAR && k->ch == 's') {
            wizard_model_set_ia_fallo(m, "usted siguió sin esperar a la IA: se usa solo el "
                                         "spintax.");
            return WIZARD_REDIBUJAR;
        }
    }
    if (k->kind == KK_ENTER) {
        if (m->ocupado || m->ia == WIZARD_IA_PIDIENDO)
            return WIZARD_NADA;
        m->error[0] = '\0';
        m->ocupado = true;
        return WIZARD_CREAR;
    }
    if (k->kind == KK_ESC) {
        if (m->ocupado)
            return WIZARD_NADA;
        m->paso = WIZARD_PLANTILLA;
        m->error[0] = '\0';
        m->enter_pendiente = false;
        return WIZARD_REDIBUJAR;
    }
    if (k->kind == KK_CHAR && k->ch == 'v' && m->aceptadas > 0) {
        m->usar_variaciones = !m->usar_variaciones;
        return WIZARD_REDIBUJAR;
    }
    return WIZARD_NADA;
}

static enum wizard_efecto
key_revision(struct wizard_model *m, const struct key *k)
{
    if (k->kind == KK_ENTER || k->kind == KK_ESC) {
        if (m->ocupado)
            return WIZARD_NADA;
        m->error[0] = '\0';
        if (k->kind == KK_ENTER) {
            m->ocupado = true;
            return WIZARD_LANZAR;
        }
        m->paso = WIZARD_VARIACIONES;
        m->cancelar_id = m->rev.id;
        rev_reset(&m->rev);
        return WIZARD_CANCELAR;
    }
    if (k->kind == KK_UP && m->top > 0) {
        m->top--;
        return WIZARD_REDIBUJAR;
    }
    if (k->kind == KK_DOWN && (size_t)m->top + 1 < m->rev.nomitidos) {
        m->top++;
        return WIZARD_REDIBUJAR;
    }
    return WIZARD_NADA;
}

enum wizard_efecto
wizard_model_key(struct wizard_model *m, enum action act, const struct key *k)
{
    (void)act; /* the wizard reads raw keys: it is a form */
    if (k == NULL)
        return WIZARD_NADA;
    switch (m->paso) {
    case WIZARD_AUDIENCIA:
        return key_audiencia(m, k);
    case WIZARD_PLANTILLA:
        return key_plantilla(m, k);
    case WIZARD_VARIACIONES:
        return key_variaciones(m, k);
    case WIZARD_REVISION:
        return key_revision(m, k);
    case WIZARD_LANZADA:
        if (k->kind != KK_ENTER && k->kind != KK_ESC)
            return WIZARD_NADA;
        rev_reset(&m->rev);
        m->paso = WIZARD_AUDIENCIA;
        m->contando = k->kind == KK_ENTER;
        return k->kind == KK_ESC ? WIZARD_SALIR : WIZARD_CONTAR;
    }
    return WIZARD_NADA;
}

/* ---- building ---------------------------------------------------------------------- */

static struct vm_line *
add(struct wizard_vm *vm)
{
    struct vm_line *l;

    if (vm->nlines >= vm->height)
        return NULL;
    l = &vm->lines[vm->nlines++];
    vm_line_init(l, ROLE_TEXT);
    return l;
}

static void
text_line(struct wizard_vm *vm, int col, enum vm_role role, const char *text)
{
    struct vm_line *l = add(vm);

    if (l != NULL)
        vm_line_put(l, col, vm->width, role, text);
}

/* text cut into rows of the pane's width (from col), at most max rows, between words when a
 * row has a blank to break at; "…" when more. */
static void
wrap(struct wizard_vm *vm, int col, enum vm_role role, const char *text, int max)
{
    char row[VM_SPAN_BYTES];
    int cols = vm->width - col - 1;

    for (int r = 0; r < max && vm_wrap_row(row, sizeof row, &text, cols); r++) {
        if (r == max - 1 && *text != '\0') {
            char cut[VM_SPAN_BYTES];

            vm_clip(cut, sizeof cut - 4, row, cols - 1, NULL);
            strcat(cut, vm_ellipsis());
            text_line(vm, col, role, cut);
            return;
        }
        text_line(vm, col, role, row);
    }
}

static void
header(struct wizard_vm *vm, const struct wizard_model *m)
{
    struct vm_line *l = add(vm);
    int x = 1;

    if (l == NULL)
        return;
    x = vm_line_put(l, x, vm->width, ROLE_HEADING, "Nueva campaña ");
    for (int i = 0; i < 4; i++) {
        enum vm_role r = (int)m->paso == i ? ROLE_TAB_ACTIVE : ROLE_MUTED;

        x = vm_line_put(l, x + 1, vm->width, r, pasos[i]);
        if (i < 3)
            x = vm_line_put(l, x + 1, vm->width, ROLE_MUTED, m->ascii ? ">" : "›");
    }
    add(vm);
}

/* Records that columns [x0, x1) of row y pick a field or a template. */
static void
hit(struct wizard_vm *vm, int y, int x0, int x1, int campo_, int plantilla)
{
    if (vm->nhits < WIZARD_HITS && x1 > x0)
        vm->hits[vm->nhits++] = (struct wizard_hit){
            .y = y, .x0 = x0, .x1 = x1, .campo = campo_, .plantilla = plantilla
        };
}

/* A filter field on the row just added: its label and its value, a click's target. */
static void
campo(struct wizard_vm *vm, int *x, const struct wizard_model *m, enum wizard_campo c,
      const char *label, const char *value)
{
    struct vm_line *l = &vm->lines[vm->nlines - 1];
    char buf[WIZARD_FILTRO_BYTES + 8];
    int x0 = *x;

    *x = vm_line_put(l, *x, vm->width, ROLE_LABEL, label) + 1;
    snprintf(buf, sizeof buf, "[%s%s]", value, m->campo == c ? "_" : "");
    *x = vm_line_put(l, *x, vm->width, m->campo == c ? ROLE_INPUT : ROLE_VALUE, buf);
    hit(vm, vm->nlines - 1, x0, *x, (int)c, -1);
    *x += 2;
}

static void
build_audiencia(struct wizard_vm *vm, const struct wizard_model *m)
{
    struct vm_line *l = add(vm);
    char buf[400];
    int x = 1;

    if (l != NULL) {
        vm_line_put(l, 1, 30, ROLE_LABEL, "Etapa");
        vm_line_put(l, 31, 41, ROLE_LABEL, "Abiertas");
        vm_line_put(l, 43, vm->width, ROLE_LABEL, "Con teléfono");
    }
    if (m->netapas == 0)
        text_line(vm, 3, ROLE_MUTED, m->contando ? "Contando…" : "Sin oportunidades abiertas.");
    for (int i = 0; i < m->netapas; i++) {
        bool sel = i == m->cur_etapa;
        enum vm_role r = sel && m->campo == WIZARD_CAMPO_ETAPA ? ROLE_CURSOR : ROLE_TEXT;

        if ((l = add(vm)) == NULL)
            return;
        if (r == ROLE_CURSOR)
            vm_line_init(l, ROLE_CURSOR);
        l->item = i + 1; /* a click chooses the stage */
        snprintf(buf, sizeof buf, "%s %s", sel ? ">" : " ", m->etapas[i].nombre);
        vm_line_put(l, 1, 30, r, buf);
        snprintf(buf, sizeof buf, "%8d", m->etapas[i].oportunidades);
        vm_line_put(l, 31, 41, r, buf);
        snprintf(buf, sizeof buf, "%12d", m->etapas[i].con_telefono);
        vm_line_put(l, 43, vm->width, r, buf);
    }
    add(vm);
    if ((l = add(vm)) == NULL)
        return;
    campo(vm, &x, m, WIZARD_CAMPO_CONVENIO, "Convenio", m->convenio);
    campo(vm, &x, m, WIZARD_CAMPO_ENTIDAD, "Entidad", m->entidad);
    campo(vm, &x, m, WIZARD_CAMPO_MAXIMO, "Máximo", m->maximo);
    if (m->netapas > 0) {
        int n = m->etapas[m->cur_etapa].con_telefono;

        snprintf(buf, sizeof buf, "Audiencia: %d %s con teléfono en %s%s", n,
                 n == 1 ? "oportunidad" : "oportunidades", m->etapas[m->cur_etapa].nombre,
                 m->maximo[0] != '\0' ? " (hasta el máximo)" : "");
        text_line(vm, 1, ROLE_VALUE, buf);
    }
    text_line(vm, 1, ROLE_MUTED, "Tab cambia de campo; escriba para filtrar (vacío = todos).");
    if (m->sin_whatsapp) /* said now, not after three steps (the database refuses then) */
        text_line(vm, 1, ROLE_TIMER_WARN,
                  "Su WhatsApp no está vinculado: vincúlelo en el panel WhatsApp primero.");
    if (m->cloud)
        wrap(vm, 1, ROLE_MUTED,
             "Su cuenta envía por la API oficial de WhatsApp (Meta): solo con plantillas "
             "aprobadas por Meta, tal cual.",
             2);
}

/* Step 2: the cursor's template's twin in Meta, whether the text is still exactly it, and for
 * an account of the official API whether it can be sent at all. */
static void
meta_line(struct wizard_vm *vm, const struct wizard_model *m)
{
    const struct wizard_plantilla *p = cur_tpl(m);
    char buf[640];

    if (p != NULL && p->meta_nombre[0] != '\0') {
        bool same = strcmp(m->texto, p->texto) == 0;

        snprintf(buf, sizeof buf, "Meta: %s (%s)%s", p->meta_nombre, p->meta_idioma,
                 same ? "" : " · el texto cambió: ya no es la plantilla aprobada");
        text_line(vm, 1, same ? ROLE_DB_OK : ROLE_DB_WARN, buf);
    } else if (m->cloud) {
        text_line(vm, 1, ROLE_DB_WARN,
                  p != NULL ? "Sin plantilla aprobada en Meta: la API oficial no la envía."
                            : "Texto nuevo: la API oficial solo envía plantillas aprobadas en "
                              "Meta.");
    }
}

static void
build_plantilla(struct wizard_vm *vm, const struct wizard_model *m)
{
    struct vm_line *l = add(vm);
    char buf[1024];
    int x;

    if (l == NULL)
        return;
    snprintf(buf, sizeof buf, "Plantillas de %s:",
             m->netapas > 0 ? m->etapas[m->cur_etapa].nombre : "");
    x = vm_line_put(l, 1, vm->width, ROLE_LABEL, buf);
    for (size_t i = 0; i <= m->nplantillas; i++) {
        bool sel = (int)i == m->cur_plantilla;

        int x0 = x + 1;

        snprintf(buf, sizeof buf, "%s%s%s", sel ? ">" : " ",
                 i < m->nplantillas ? m->plantillas[i].nombre : "(nueva)",
                 i < m->nplantillas && m->plantillas[i].meta_nombre[0] != '\0' ? " [Meta]" : "");
        x = vm_line_put(l, x0, vm->width, sel ? ROLE_CURSOR : ROLE_TEXT, buf);
        hit(vm, vm->nlines - 1, x0, x, -1, (int)i);
    }
    meta_line(vm, m);
    text_line(vm, 1, ROLE_LABEL, "Texto (escriba; ↑↓ cambia de plantilla):");
    {
        char *t = xasprintf("%s_", m->texto);

        wrap(vm, 2, ROLE_INPUT, t, 5);
        free(t);
    }
    if (m->plantilla_error[0] != '\0') {
        text_line(vm, 1, ROLE_ERROR, m->plantilla_error);
        return;
    }
    snprintf(buf, sizeof buf, "Válida · %llu %s de spintax", (unsigned long long)m->caminos,
             m->caminos == 1 ? "variante" : "variantes");
    text_line(vm, 1, ROLE_DB_OK, buf);
    text_line(vm, 1, ROLE_LABEL, "Vista previa:");
    wrap(vm, 2, ROLE_TEXT, m->vista[0], 3);
    text_line(vm, 1, ROLE_MUTED, "Variables: {nombre} {apellido} {nombre_completo} {convenio} "
                                 "{promotor} {etapa} {municipio} {entidad} · spintax {a|b}");
}

static void
ia_lines(struct wizard_vm *vm, const struct wizard_model *m)
{
    char buf[1024];

    if (m->cloud) {
        text_line(vm, 1, ROLE_MUTED,
                  "Variaciones con IA: no aplican; Meta envía el texto aprobado tal cual.");
        return;
    }
    switch (m->ia) {
    case WIZARD_IA_SIN_CONFIG:
    case WIZARD_IA_FALLO:
        snprintf(buf, sizeof buf, "Variaciones con IA: %s",
                 m->ia_msg[0] != '\0' ? m->ia_msg : "sin configurar; se usa solo el spintax.");
        wrap(vm, 1, ROLE_MUTED, buf, 2); /* the reason may be long; the fallback must show */
        return;
    case WIZARD_IA_NO_PEDIDA:
    case WIZARD_IA_PIDIENDO:
        text_line(vm, 1, ROLE_DB_WARN, "Variaciones con IA: pidiendo…");
        return;
    case WIZARD_IA_LISTA:
        break;
    }
    snprintf(buf, sizeof buf, "Variaciones con IA: %zu de %zu aceptadas · usar: %s%s",
             m->aceptadas, m->ncandidatos, m->usar_variaciones ? "sí" : "no",
             m->aceptadas > 0 ? " (v cambia)" : "");
    text_line(vm, 1, ROLE_LABEL, buf);
    if (m->ia_msg[0] != '\0')
        text_line(vm, 3, ROLE_MUTED, m->ia_msg);
    for (size_t i = 0; i < m->ncandidatos; i++) {
        bool ok = m->veredictos[i].motivo == VARIACION_ACEPTADA;

        snprintf(buf, sizeof buf, "%s %zu %s", ok ? (m->ascii ? "+" : "✓") : (m->ascii ? "x" : "✗"),
                 i + 1, ok ? m->candidatos[i] : m->veredictos[i].detalle);
        text_line(vm, 3, ok ? ROLE_TEXT : ROLE_MUTED, buf);
    }
}

static void
build_variaciones(struct wizard_vm *vm, const struct wizard_model *m)
{
    const struct wizard_plantilla *p;
    char buf[1024];

    snprintf(buf, sizeof buf, "Mensajes de ejemplo (%d):", WIZARD_MUESTRAS);
    text_line(vm, 1, ROLE_LABEL, buf);
    for (int i = 0; i < WIZARD_MUESTRAS; i++) {
        char *t = xasprintf("%d %s %s", i + 1, m->ascii ? ">" : "▸", m->vista[i]);

        wrap(vm, 2, ROLE_TEXT, t, 2);
        free(t);
    }
    snprintf(buf, sizeof buf, "Spintax: %llu %s por destinatario", (unsigned long long)m->caminos,
             m->caminos == 1 ? "variante" : "variantes");
    text_line(vm, 1, ROLE_TEXT, buf);
    if ((p = wizard_model_meta(m)) != NULL) {
        snprintf(buf, sizeof buf, "Plantilla de Meta: %s (%s), con sus variables como parámetros",
                 p->meta_nombre, p->meta_idioma);
        text_line(vm, 1, ROLE_TEXT, buf);
    }
    ia_lines(vm, m);
    snprintf(buf, sizeof buf, "Ritmo: %s", m->ritmo);
    text_line(vm, 1, ROLE_TEXT, buf);
    snprintf(buf, sizeof buf, "Tiempo estimado: %s", m->eta[0] != '\0' ? m->eta : "calculando…");
    text_line(vm, 1, ROLE_VALUE, buf);
}

static void
build_revision(struct wizard_vm *vm, const struct wizard_model *m)
{
    const struct wizard_revision *r = &m->rev;
    char buf[1024];
    size_t k = 0;

    snprintf(buf, sizeof buf, "Campaña %lld lista: aún no se envía nada.", (long long)r->id);
    text_line(vm, 1, ROLE_HEADING, buf);
    snprintf(buf, sizeof buf, "Destinatarios %d · omitidos %d · hoy %d (tope de hoy %d)",
             r->destinatarios, r->omitidos, r->hoy, r->tope_hoy);
    text_line(vm, 1, ROLE_VALUE, buf);
    snprintf(buf, sizeof buf, "Qué decide el cupo: %s", r->porque);
    text_line(vm, 1, ROLE_TEXT, buf);
    if (r->meta[0] != '\0') {
        snprintf(buf, sizeof buf, "Plantilla de Meta: %s", r->meta);
        text_line(vm, 1, ROLE_TEXT, buf);
    }
    k = (size_t)snprintf(buf, sizeof buf, "Plan por día:");
    for (size_t i = 0; i < r->nplan && k < sizeof buf; i++)
        k += (size_t)snprintf(buf + k, sizeof buf - k, "%s %s %d desde %s", i > 0 ? " ·" : "",
                              r->plan[i].dia, r->plan[i].mensajes, r->plan[i].desde);
    text_line(vm, 1, ROLE_TEXT, buf);
    snprintf(buf, sizeof buf, "Omitidos (%zu)%s", r->nomitidos,
             r->nomitidos > 0 ? ", con el motivo:" : "");
    text_line(vm, 1, ROLE_LABEL, buf);
    for (size_t i = (size_t)m->top; i < r->nomitidos && vm->nlines < vm->height - 3; i++) {
        snprintf(buf, sizeof buf, "%-14s %s · %s", r->omitidos_v[i].telefono,
                 r->omitidos_v[i].cliente, r->omitidos_v[i].motivo);
        text_line(vm, 3, ROLE_MUTED, buf);
    }
}

/* Rows the footer takes: its status row — an error wrapped to at most three — and the hint. */
static int
footer_rows(const struct wizard_model *m, int width)
{
    const char *t = m->error;
    char row[VM_SPAN_BYTES];
    int n = 0;

    while (n < 3 && vm_wrap_row(row, sizeof row, &t, width - 2))
        n++;
    return 1 + (n > 1 ? n : 1);
}

static void
footer(struct wizard_vm *vm, const struct wizard_model *m, int rows)
{
    static const char *const pie[] = {
        [WIZARD_AUDIENCIA] = "Enter siguiente · Esc salir",
        [WIZARD_PLANTILLA] = "Enter siguiente · Esc atrás",
        [WIZARD_VARIACIONES] = "Enter crear y revisar · Esc atrás",
        [WIZARD_REVISION] = "Enter lanzar · Esc atrás (cancela el borrador y libera el cupo)",
        [WIZARD_LANZADA] = "Enter otra campaña · Esc salir",
    };
    const char *hint = pie[m->paso];

    vm->height += rows; /* the rows kept for here */
    if (m->paso == WIZARD_VARIACIONES && m->ia == WIZARD_IA_PIDIENDO)
        hint = "s seguir sin IA · Esc atrás";
    if (m->error[0] != '\0')
        wrap(vm, 1, ROLE_ERROR, m->error, rows - 1);
    else if (m->paso == WIZARD_AUDIENCIA && m->contando && m->enter_pendiente)
        text_line(vm, 1, ROLE_DB_WARN, "Contando… Enter recibido: avanza al terminar el conteo.");
    else if (m->paso == WIZARD_VARIACIONES && m->ia == WIZARD_IA_PIDIENDO && m->enter_pendiente)
        text_line(vm, 1, ROLE_DB_WARN,
                  "La IA aún responde: revise sus variaciones al llegar, o s sigue sin ellas.");
    else if (m->ocupado)
        text_line(vm, 1, ROLE_DB_WARN,
                  m->enter_pendiente
                      ? "Un momento… Enter recibido: avanza al cargar las plantillas."
                      : "Un momento…");
    else
        add(vm);
    text_line(vm, 1, ROLE_HINT, hint);
}

void
wizard_vm_build(struct wizard_vm *vm, struct wizard_model *m, int width, int height)
{
    int foot = footer_rows(m, width);

    memset(vm, 0, sizeof *vm);
    vm->width = width;
    height = height < WIZARD_VM_LINES ? height : WIZARD_VM_LINES;
    vm->height = height > foot ? height - foot : 0;
    header(vm, m);
    switch (m->paso) {
    case WIZARD_AUDIENCIA:
        build_audiencia(vm, m);
        break;
    case WIZARD_PLANTILLA:
        build_plantilla(vm, m);
        break;
    case WIZARD_VARIACIONES:
        build_variaciones(vm, m);
        break;
    case WIZARD_REVISION:
        build_revision(vm, m);
        break;
    case WIZARD_LANZADA:
        text_line(vm, 1, ROLE_DB_OK, "Campaña lanzada: siga su avance en el panel Progreso.");
        break;
    }
    while (vm->nlines < vm->height)
        add(vm);
    if (height > foot)
        footer(vm, m, foot);
    vm->height = height;
}

bool
wizard_vm_click(const struct wizard_vm *vm, struct wizard_model *m, int y, int x)
{
    if (y < 0 || y >= vm->nlines)
        return false;
    if (m->paso == WIZARD_AUDIENCIA && vm->lines[y].item > 0 && vm->lines[y].item <= m->netapas) {
        m->campo = WIZARD_CAMPO_ETAPA;
        m->cur_etapa = vm->lines[y].item - 1;
        m->enter_pendiente = false; /* still choosing */
        return true;
    }
    for (int i = 0; i < vm->nhits; i++) {
        const struct wizard_hit *h = &vm->hits[i];

        if (h->y != y || x < h->x0 || x >= h->x1)
            continue;
        if (m->paso == WIZARD_AUDIENCIA && h->campo >= 0) {
            m->campo = (enum wizard_campo)h->campo;
            return false;
        }
        if (m->paso == WIZARD_PLANTILLA && h->plantilla >= 0 &&
            (size_t)h->plantilla <= m->nplantillas) {
            pick_plantilla(m, h->plantilla);
            m->enter_pendiente = false;
            return true;
        }
    }
    return false;
}

char *
wizard_vm_dump(const struct wizard_vm *vm)
{
    return vm_lines_dump(vm->lines, vm->nlines);
}
