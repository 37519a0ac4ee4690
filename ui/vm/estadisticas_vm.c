#include "ui/vm/estadisticas_vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/vm/fecha.h"
#include "util/err.h"
#include "util/xmalloc.h"

enum { KEY_W = 14, NUM_W = 11, NCOLS = 6, WIDE = KEY_W + NUM_W * NCOLS + 2 };

static const char *const grupo_word[] = {
    [ESTADISTICAS_POR_PROMOTOR] = "por promotor",
    [ESTADISTICAS_POR_DIA] = "por día",
    [ESTADISTICAS_POR_CAMPANA] = "por campaña",
};

static const char *const grupo_col[] = {
    [ESTADISTICAS_POR_PROMOTOR] = "Promotor",
    [ESTADISTICAS_POR_DIA] = "Día",
    [ESTADISTICAS_POR_CAMPANA] = "Campaña",
};

/* ---- the reasons' JSON ------------------------------------------------------------- */

static const char *
skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
        p++;
    return p;
}

static void
motivo_add(struct estadisticas_motivo *v, const char *codigo, int n)
{
    for (int i = 0; i < ESTADISTICAS_MOTIVOS; i++) {
        if (v[i].n > 0 && strcmp(v[i].codigo, codigo) == 0) {
            v[i].n += n;
            return;
        }
        if (v[i].n == 0) {
            snprintf(v[i].codigo, sizeof v[i].codigo, "%s", codigo);
            v[i].n = n;
            return;
        }
    }
}

/* One "key": n member at p; returns the position after it, or NULL. */
static const char *
motivo_member(struct estadisticas_fila *f, const char *p)
{
    char key[24];
    size_t k = 0;
    char *end;
    long n;

    if (*(p = skip_ws(p)) != '"')
        return NULL;
    for (p++; *p != '"'; p++) {
        if (*p == '\0' || *p == '\\')
            return NULL;
        if (k + 1 < sizeof key)
            key[k++] = *p;
    }
    key[k] = '\0';
    p = skip_ws(p + 1);
    if (*p != ':')
        return NULL;
    n = strtol(skip_ws(p + 1), &end, 10);
    if (end == skip_ws(p + 1) || n < 0 || n > 1000000000)
        return NULL;
    if (n > 0)
        motivo_add(f->motivos, key, (int)n);
    return skip_ws(end);
}

bool
estadisticas_motivos_parse(struct estadisticas_fila *f, const char *json)
{
    const char *p = json != NULL ? skip_ws(json) : "";

    memset(f->motivos, 0, sizeof f->motivos);
    if (*p != '{')
        return false;
    p = skip_ws(p + 1);
    if (*p == '}')
        return true;
    for (;;) {
        if ((p = motivo_member(f, p)) == NULL)
            break;
        if (*p == '}')
            return *skip_ws(p + 1) == '\0';
        if (*p != ',')
            break;
        p++;
    }
    memset(f->motivos, 0, sizeof f->motivos);
    return false;
}

/* ---- model ------------------------------------------------------------------------- */

void
estadisticas_model_init(struct estadisticas_model *m)
{
    memset(m, 0, sizeof *m);
}

void
estadisticas_model_fini(struct estadisticas_model *m)
{
    free(m->filas);
    m->filas = NULL;
    m->nfilas = 0;
}

void
estadisticas_model_take(struct estadisticas_model *m, struct estadisticas_fila *v, size_t n)
{
    free(m->filas);
    m->filas = v;
    m->nfilas = n;
    m->loaded = true;
    m->error[0] = '\0';
}

static bool
same_group(const struct estadisticas_fila *a, const struct estadisticas_fila *b,
           enum estadisticas_grupo g)
{
    switch (g) {
    case ESTADISTICAS_POR_PROMOTOR:
        return strcmp(a->promotor, b->promotor) == 0;
    case ESTADISTICAS_POR_DIA:
        return a->dia == b->dia;
    case ESTADISTICAS_POR_CAMPANA:
        return a->campana_id == b->campana_id;
    }
    return false;
}

static void
sumar(struct estadisticas_fila *to, const struct estadisticas_fila *f)
{
    to->enviados += f->enviados;
    to->entregados += f->entregados;
    to->leidos += f->leidos;
    to->respondidos += f->respondidos;
    to->bajas += f->bajas;
    to->fallidos += f->fallidos;
    to->sin_entregar += f->sin_entregar;
    for (int i = 0; i < ESTADISTICAS_MOTIVOS && f->motivos[i].n > 0; i++)
        motivo_add(to->motivos, f->motivos[i].codigo, f->motivos[i].n);
}

/* ---- the range of ":estadisticas" ----------------------------------------------------- */

/* A date word: AAAA-MM-DD, "hoy" or "ayer". */
static bool
palabra_dias(const char *s, long hoy, long *out)
{
    if (strcmp(s, "hoy") == 0)
        *out = hoy;
    else if (strcmp(s, "ayer") == 0)
        *out = hoy - 1;
    else
        return fecha_dias(s, out);
    return true;
}

/* "7d": the last N days. Returns N, or 0 when s is not of that form. */
static long
ultimos_dias(const char *s)
{
    char *end;
    long n;

    if (s[0] < '0' || s[0] > '9')
        return 0;
    n = strtol(s, &end, 10);
    return strcmp(end, "d") == 0 ? n : 0;
}

int
estadisticas_rango(int nargs, char *const *args, const char *hoy, char *desde, char *hasta,
                   struct err *e)
{
    static const char uso[] = "uso: :estadisticas DESDE [HASTA] (AAAA-MM-DD, hoy, ayer) "
                              "o :estadisticas 7d";
    long h, d0 = 0, d1 = 0, n;

    if (!fecha_dias(hoy, &h))
        return err_set(e, RC_INVAL, "no se sabe qué día es hoy en el negocio");
    if (nargs < 1 || nargs > 2)
        return err_set(e, RC_INVAL, "%s", uso);
    if (nargs == 1 && (n = ultimos_dias(args[0])) != 0) {
        if (n < 1 || n > ESTADISTICAS_RANGO_MAX)
            return err_set(e, RC_INVAL, "«%s»: de 1d a %dd", args[0], ESTADISTICAS_RANGO_MAX);
        d0 = h - (n - 1);
        d1 = h;
    } else {
        for (int i = 0; i < nargs; i++)
            if (!palabra_dias(args[i], h, i == 0 ? &d0 : &d1))
                return err_set(e, RC_INVAL, "fecha inválida «%.40s» (AAAA-MM-DD, hoy o ayer)",
                               args[i]);
        if (nargs == 1)
            d1 = d0;
    }
    if (d0 > d1)
        return err_set(e, RC_INVAL, "el rango empieza después de terminar: %s a %s", args[0],
                       args[nargs - 1]);
    if (d1 - d0 > ESTADISTICAS_RANGO_MAX)
        return err_set(e, RC_INVAL, "el rango pasa de %d días", ESTADISTICAS_RANGO_MAX);
    fecha_texto(d0, desde);
    fecha_texto(d1, hasta);
    return RC_OK;
}

struct estadisticas_fila *
estadisticas_agrupar(const struct estadisticas_fila *v, size_t n, enum estadisticas_grupo g,
                     size_t *nout)
{
    struct estadisticas_fila *out = xcalloc(n + 1, sizeof *out);
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        size_t j = 0;

        while (j < k && !same_group(&out[j], &v[i], g))
            j++;
        if (j == k) {
            out[k] = v[i];
            memset(out[k].motivos, 0, sizeof out[k].motivos);
            out[k].enviados = out[k].entregados = out[k].leidos = 0;
            out[k].respondidos = out[k].bajas = out[k].fallidos = out[k].sin_entregar = 0;
            k++;
        }
        sumar(&out[j], &v[i]);
    }
    *nout = k;
    return out;
}

bool
estadisticas_model_action(struct estadisticas_model *m, enum action a, int page)
{
    int before = m->cur;

    if (a == ACTION_TOGGLE_VIEW) {
        m->grupo = (enum estadisticas_grupo)((m->grupo + 1) % 3);
        m->cur = m->top = 0;
        return true;
    }
    if (a == ACTION_UP)
        m->cur--;
    else if (a == ACTION_DOWN)
        m->cur++;
    else if (a == ACTION_PAGE_UP)
        m->cur -= page > 0 ? page : 1;
    else if (a == ACTION_PAGE_DOWN)
        m->cur += page > 0 ? page : 1;
    else if (a == ACTION_TOP)
        m->cur = 0;
    else if (a == ACTION_BOTTOM)
        m->cur = 1 << 30;
    else
        return false;
    if (m->cur < 0)
        m->cur = 0; /* the upper bound depends on the grouping: clamped in build */
    return m->cur != before;
}

/* ---- building ---------------------------------------------------------------------- */

static struct vm_line *
add(struct estadisticas_vm *vm, enum vm_role fill)
{
    struct vm_line *l;

    if (vm->nlines >= vm->height)
        return NULL;
    l = &vm->lines[vm->nlines++];
    vm_line_init(l, fill);
    return l;
}

/*
 * A failed message's reason in a few words: the sender's own codes and the Meta codes a
 * message of the official API fails with (Meta's number kept beside them, for support);
 * graph_error_text (src/wa/cloud/graph.c) has the whole sentence of each. Other codes (the
 * WhatsApp Web server's, 479…) are shown as they are.
 */
static const struct {
    const char *codigo, *texto;
} motivo_textos[] = {
    { "SIN_WHATSAPP", "sin WhatsApp" },
    { "DESTINO_INVALIDO", "número inválido" },
    { "130472", "experimento de Meta" },
    { "130497", "país no permitido" },
    { "131000", "falla de Meta" },
    { "131008", "falta un parámetro" },
    { "131009", "parámetro inválido" },
    { "131021", "es el número que envía" },
    { "131026", "sin WhatsApp" },
    { "131030", "fuera de la lista de prueba" },
    { "131047", "fuera de la ventana de 24 h" },
    { "131049", "límite de marketing de Meta" },
    { "131050", "no acepta marketing" },
    { "131051", "tipo de mensaje no admitido" },
    { "131056", "demasiados al mismo cliente" },
    { "132000", "parámetros no coinciden" },
    { "132001", "plantilla inexistente en Meta" },
    { "132005", "plantilla muy larga" },
    { "132007", "plantilla fuera de formato" },
    { "132012", "formato de un valor" },
    { "132015", "plantilla pausada por Meta" },
    { "132016", "plantilla desactivada por Meta" },
    { "132018", "valor con saltos de línea" },
    { "135000", "error genérico de Meta" },
};

/* "sin WhatsApp (131026)", "número inválido", or the code itself when it has no words. */
static void
motivo_fmt(char *buf, size_t sz, const char *codigo)
{
    for (size_t i = 0; i < sizeof motivo_textos / sizeof motivo_textos[0]; i++)
        if (strcmp(codigo, motivo_textos[i].codigo) == 0) {
            if (codigo[0] >= '0' && codigo[0] <= '9')
                snprintf(buf, sz, "%s (%s)", motivo_textos[i].texto, codigo);
            else
                snprintf(buf, sz, "%s", motivo_textos[i].texto);
            return;
        }
    snprintf(buf, sz, "%s", codigo);
}

/* The failures by reason: "sin WhatsApp (131026) ×2, 479 ×1", "" when none. */
static void
motivos_fmt(char *buf, size_t sz, const struct estadisticas_fila *f)
{
    size_t k = 0;
    char motivo[80];

    buf[0] = '\0';
    for (int i = 0; i < ESTADISTICAS_MOTIVOS && f->motivos[i].n > 0 && k < sz; i++) {
        motivo_fmt(motivo, sizeof motivo, f->motivos[i].codigo);
        k += (size_t)snprintf(buf + k, sz - k, "%s%s ×%d", i > 0 ? ", " : "", motivo,
                              f->motivos[i].n);
    }
}

static void
clave_fmt(char *buf, size_t sz, const struct estadisticas_fila *f, enum estadisticas_grupo g)
{
    switch (g) {
    case ESTADISTICAS_POR_PROMOTOR:
        snprintf(buf, sz, "%s", f->promotor);
        return;
    case ESTADISTICAS_POR_DIA:
        snprintf(buf, sz, "%04d-%02d-%02d", f->dia / 10000, f->dia / 100 % 100, f->dia % 100);
        return;
    case ESTADISTICAS_POR_CAMPANA:
        snprintf(buf, sz, "%lld %s", (long long)f->campana_id, f->campana);
        return;
    }
}

static void
fila_line(struct estadisticas_vm *vm, const struct estadisticas_fila *f, const char *clave,
          enum vm_role role, bool wide)
{
    const int v[NCOLS] = { f->enviados, f->entregados, f->leidos,
                           f->respondidos, f->bajas, f->fallidos };
    struct vm_line *l = add(vm, role);
    char num[24], mot[512], txt[560];

    if (l == NULL)
        return;
    vm_line_put(l, 1, KEY_W, role, clave);
    for (int c = 0; c < NCOLS; c++) {
        int x = KEY_W + c * NUM_W, w;

        vm_fmt_count(num, sizeof num, v[c]);
        w = vm_text_width(num);
        vm_line_put(l, x + NUM_W - 1 - w, x + NUM_W, role, num);
    }
    vm_line_sort(l);
    if (!wide)
        return;
    motivos_fmt(mot, sizeof mot, f);
    /* Messages stuck without delivery first: not failures, but the same worry. */
    if (f->sin_entregar > 0)
        snprintf(txt, sizeof txt, "sin entrega %d%s%s", f->sin_entregar,
                 mot[0] != '\0' ? " · " : "", mot);
    else
        snprintf(txt, sizeof txt, "%s", mot);
    vm_line_put(l, WIDE, vm->width, role == ROLE_CURSOR ? role : ROLE_MUTED, txt);
}

static void
header_lines(struct estadisticas_vm *vm, const struct estadisticas_model *m, bool wide)
{
    static const char *const cols[NCOLS] = { "Enviados", "Entregados", "Leídos ≥",
                                             "Respuestas", "Bajas", "Fallidos" };
    struct vm_line *l = add(vm, ROLE_TEXT);
    char buf[200];

    snprintf(buf, sizeof buf, "Estadísticas de WhatsApp · %s a %s · %s", m->desde, m->hasta,
             grupo_word[m->grupo]);
    if (l != NULL)
        vm_line_put(l, 1, vm->width, ROLE_HEADING, buf);
    if ((l = add(vm, ROLE_TEXT)) == NULL)
        return;
    vm_line_put(l, 1, KEY_W, ROLE_LABEL, grupo_col[m->grupo]);
    for (int c = 0; c < NCOLS; c++) {
        int x = KEY_W + c * NUM_W, w = vm_text_width(cols[c]);

        vm_line_put(l, x + NUM_W - 1 - w, x + NUM_W, ROLE_LABEL, cols[c]);
    }
    if (wide)
        vm_line_put(l, WIDE, vm->width, ROLE_LABEL, "Fallas por motivo");
}

static void
rows_lines(struct estadisticas_vm *vm, struct estadisticas_model *m,
           const struct estadisticas_fila *g, size_t ng, bool wide)
{
    int room = vm->height - vm->nlines - (wide ? 1 : 2);
    char clave[128];

    vm->page = room > 1 ? room : 1;
    if (m->cur >= (int)ng)
        m->cur = ng > 0 ? (int)ng - 1 : 0;
    if (m->cur < m->top)
        m->top = m->cur;
    if (m->cur >= m->top + vm->page)
        m->top = m->cur - vm->page + 1;
    for (int i = m->top; i < (int)ng && i < m->top + vm->page; i++) {
        int y = vm->nlines;

        clave_fmt(clave, sizeof clave, &g[i], m->grupo);
        fila_line(vm, &g[i], clave, i == m->cur ? ROLE_CURSOR : ROLE_TEXT, wide);
        if (vm->nlines > y)
            vm->lines[y].item = i + 1; /* a click there selects it */
    }
}

static void
totals_lines(struct estadisticas_vm *vm, const struct estadisticas_model *m,
             const struct estadisticas_fila *g, size_t ng, bool wide)
{
    struct estadisticas_fila total;
    char buf[600], mot[512];
    struct vm_line *l;

    memset(&total, 0, sizeof total);
    for (size_t i = 0; i < m->nfilas; i++)
        sumar(&total, &m->filas[i]);
    fila_line(vm, &total, "Total", ROLE_HEADING, wide);
    if (wide || ng == 0 || (l = add(vm, ROLE_TEXT)) == NULL)
        return;
    motivos_fmt(mot, sizeof mot, &g[m->cur]);
    if (g[m->cur].sin_entregar > 0)
        snprintf(buf, sizeof buf, "Sin entrega: %d · Fallas por motivo: %s", g[m->cur].sin_entregar,
                 mot[0] != '\0' ? mot : "ninguna");
    else
        snprintf(buf, sizeof buf, "Fallas por motivo: %s", mot[0] != '\0' ? mot : "ninguna");
    vm_line_put(l, 1, vm->width, ROLE_MUTED, buf);
}

void
estadisticas_vm_build(struct estadisticas_vm *vm, struct estadisticas_model *m, int width,
                      int height)
{
    bool wide = width >= WIDE + 20;
    struct estadisticas_fila *g;
    size_t ng = 0;

    memset(vm, 0, sizeof *vm);
    vm->width = width;
    vm->height = height < ESTADISTICAS_VM_LINES ? height : ESTADISTICAS_VM_LINES;
    header_lines(vm, m, wide);
    if (m->error[0] != '\0') {
        struct vm_line *l = add(vm, ROLE_TEXT);

        if (l != NULL)
            vm_line_put(l, 1, width, ROLE_ERROR, m->error);
    }
    if (!m->loaded) {
        struct vm_line *l = add(vm, ROLE_TEXT);

        if (l != NULL)
            vm_line_put(l, 1, width, ROLE_MUTED, "Consultando las estadísticas…");
        return;
    }
    g = estadisticas_agrupar(m->filas, m->nfilas, m->grupo, &ng);
    rows_lines(vm, m, g, ng, wide);
    if (ng == 0) {
        struct vm_line *l = add(vm, ROLE_TEXT);

        if (l != NULL)
            vm_line_put(l, 1, width, ROLE_MUTED, "Sin envíos en estas fechas.");
    }
    totals_lines(vm, m, g, ng, wide);
    free(g);
}

char *
estadisticas_vm_dump(const struct estadisticas_vm *vm)
{
    return vm_lines_dump(vm->lines, vm->nlines);
}
