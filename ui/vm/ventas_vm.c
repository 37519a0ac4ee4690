#include "ui/vm/ventas_vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dinero.h"
#include "ui/vm/embudo_vm.h"
#include "ui/vm/fecha.h"
#include "ui/vm/informe_vm.h"
#include "ui/vm/scroll.h"
#include "util/err.h"

void
ventas_model_init(struct ventas_model *m)
{
    memset(m, 0, sizeof *m);
}

void
ventas_model_fini(struct ventas_model *m)
{
    free(m->filas);
    memset(m, 0, sizeof *m);
}

static bool
rango_igual(const struct ventas_rango *a, const struct ventas_rango *b)
{
    return strcmp(a->desde, b->desde) == 0 && strcmp(a->hasta, b->hasta) == 0 &&
           strcmp(a->promotor, b->promotor) == 0;
}

void
ventas_model_take(struct ventas_model *m, const struct ventas_rango *r, struct ventas_fila *filas,
                  size_t n)
{
    const struct ventas_fila *sel = ventas_model_selected(m);
    int64_t keep = sel != NULL && rango_igual(&m->r, r) ? sel->oportunidad_id : 0;

    free(m->filas);
    m->filas = filas;
    m->n = n;
    m->cur = 0;
    if (keep == 0)
        m->top = 0;
    for (size_t i = 0; keep != 0 && i < n; i++)
        if (filas[i].oportunidad_id == keep)
            m->cur = (int)i;
    m->r = *r;
    m->abierto = true;
}

void
ventas_model_close(struct ventas_model *m)
{
    free(m->filas);
    m->filas = NULL;
    m->n = 0;
    m->cur = m->top = 0;
    m->abierto = false;
}

const struct ventas_fila *
ventas_model_selected(const struct ventas_model *m)
{
    if (!m->abierto || m->n == 0 || m->cur < 0 || (size_t)m->cur >= m->n)
        return NULL;
    return &m->filas[m->cur];
}

bool
ventas_model_move(struct ventas_model *m, enum action act, int page)
{
    if (!list_movement(act))
        return false;
    (void)list_cursor_move(&m->cur, (int)m->n, act, page);
    return true;
}

void
ventas_model_total(const struct ventas_model *m, size_t *vigentes, int64_t *centavos,
                   size_t *canceladas)
{
    int64_t c;

    *vigentes = *canceladas = 0;
    *centavos = 0;
    for (size_t i = 0; i < m->n; i++) {
        if (m->filas[i].cancelada) {
            (*canceladas)++;
            continue;
        }
        (*vigentes)++;
        if (dinero_centavos(m->filas[i].monto, &c))
            *centavos += c;
    }
}

int
ventas_comando(int nargs, char *const *args, const char *hoy, struct ventas_rango *r, struct err *e)
{
    static const char uso[] = "uso: :ventas [DESDE [HASTA]] [LOGIN] (fechas AAAA-MM-DD;"
                              " «todos»: sin elegir promotor)";
    struct ventas_rango nuevo;
    int i = 0, fechas = 0;
    long d;

    memset(&nuevo, 0, sizeof nuevo);
    for (; i < nargs && fechas < 2 && args[i][0] >= '0' && args[i][0] <= '9'; i++, fechas++) {
        if (!fecha_dias(args[i], &d))
            return err_set(e, RC_INVAL, "fecha inválida «%.40s» (AAAA-MM-DD)", args[i]);
        snprintf(fechas == 0 ? nuevo.desde : nuevo.hasta, sizeof nuevo.desde, "%.10s", args[i]);
    }
    if (fechas == 1) /* one day */
        memcpy(nuevo.hasta, nuevo.desde, sizeof nuevo.hasta);
    if (fechas == 0 && fecha_dias(hoy, &d)) { /* else the database's own default */
        snprintf(nuevo.desde, sizeof nuevo.desde, "%.8s01", hoy);
        snprintf(nuevo.hasta, sizeof nuevo.hasta, "%.10s", hoy);
    }
    if (i < nargs && strcmp(args[i], "todos") != 0) {
        if (strlen(args[i]) >= sizeof nuevo.promotor)
            return err_set(e, RC_INVAL, "no hay un promotor «%.40s…»", args[i]);
        snprintf(nuevo.promotor, sizeof nuevo.promotor, "%s", args[i]);
    }
    if (i < nargs)
        i++;
    if (i < nargs)
        return err_set(e, RC_INVAL, "%s", uso);
    *r = nuevo;
    return RC_OK;
}

/* The 1st of month m of year y (any m: it wraps into the years around) as days. */
static bool
primero_de_mes(int y, int m, long *dias)
{
    char s[16];

    y += (m - 1 >= 0 ? (m - 1) / 12 : -((12 - m) / 12));
    m = ((m - 1) % 12 + 12) % 12 + 1;
    if (y < 1900 || y > 9998)
        return false;
    snprintf(s, sizeof s, "%04u-%02u-01", (unsigned)y % 10000u, (unsigned)m % 100u);
    return fecha_dias(s, dias);
}

bool
ventas_mes_mover(struct ventas_rango *r, int delta, const char *hoy)
{
    const char *base = r->desde[0] != '\0' ? r->desde : hoy;
    long d, h, ini, sig;
    int y, m;

    if (!fecha_dias(base, &d) || !fecha_dias(hoy, &h))
        return false;
    y = atoi(base);
    m = atoi(base + 5) + delta;
    if (!primero_de_mes(y, m, &ini) || !primero_de_mes(y, m + 1, &sig) || ini > h)
        return false;
    fecha_texto(ini, r->desde);
    fecha_texto(sig - 1 < h ? sig - 1 : h, r->hasta);
    return true;
}

/* ---- view ---------------------------------------------------------------------------- */

/* Columns: where each starts (-1: not shown at this width) and the amounts' width. */
struct cols {
    int folio, cli, conv, prod, prom, monto, end;
    int cli_end; /* the client's cell ends before this column */
};

/* The widest amount (or «cancelada») of the list, at least the heading's «Monto». */
static int
monto_ancho(const struct ventas_model *m)
{
    char buf[DINERO_FMT_MAX];
    int w = 5;

    for (size_t i = 0; i < m->n; i++) {
        int x = m->filas[i].cancelada
                    ? 9
                    : vm_text_width(dinero_texto(m->filas[i].monto, buf, sizeof buf));

        w = x > w ? x : w;
    }
    return w;
}

/*
 * From the right: the amount against the edge, then the promoter, the product and the
 * convenio; from the left the date and the folio; the client takes what is left. Under 12
 * columns for the client, the convenio goes, then the product.
 */
static void
cols_compute(struct cols *c, int width, const struct ventas_model *m)
{
    bool wide = width >= 120;
    int w_conv = wide ? 10 : 8, w_prod = wide ? 24 : 12, w_folio = wide ? 16 : 10;
    int w_prom = vm_profile_sees_others(m->profile) ? (wide ? 12 : 9) : 0;
    int w_monto = monto_ancho(m);

    c->end = width;
    c->folio = 9;
    c->cli = c->folio + w_folio + 1;
    for (int drop = 0; drop < 3; drop++) {
        int x = width - w_monto;

        c->monto = x;
        c->prom = w_prom > 0 ? (x -= w_prom + 1) : -1;
        c->prod = drop < 2 ? (x -= w_prod + 1) : -1;
        c->conv = drop < 1 ? (x -= w_conv + 1) : -1;
        c->cli_end = x - 1;
        if (c->cli_end - c->cli >= 12)
            break;
    }
}

/* Text in the cell [at, next column) keeping one blank before it; nothing for a hidden one. */
static void
put_cell(struct vm_line *l, int at, int next, enum vm_role role, const char *text)
{
    if (at >= 0 && next - 1 > at)
        vm_line_put(l, at, next - 1, role, text);
}

/* The column after at among the ones shown (the end when none). */
static int
siguiente(const struct cols *c, int at)
{
    const int starts[] = { c->conv, c->prod, c->prom, c->monto };
    int best = c->end + 1;

    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++)
        if (starts[i] > at && starts[i] < best)
            best = starts[i];
    return best;
}

/* txt[]: fecha, folio, cliente, convenio, producto, promotor, monto (right-aligned). */
static void
put_row(struct vm_line *l, const struct cols *c, const char *const txt[7], enum vm_role role,
        enum vm_role monto_role)
{
    int w = vm_text_width(txt[6]);

    put_cell(l, 0, c->folio, role, txt[0]);
    put_cell(l, c->folio, c->cli, role, txt[1]);
    if (c->cli_end > c->cli)
        vm_line_put(l, c->cli, c->cli_end, role, txt[2]);
    put_cell(l, c->conv, siguiente(c, c->conv), role, txt[3]);
    put_cell(l, c->prod, siguiente(c, c->prod), role, txt[4]);
    put_cell(l, c->prom, siguiente(c, c->prom), role, txt[5]);
    vm_line_put(l, c->end - w > c->monto ? c->end - w : c->monto, c->end, monto_role, txt[6]);
}

static void
put_fila(struct vm_line *l, const struct cols *c, const struct ventas_model *m, int i)
{
    const struct ventas_fila *f = &m->filas[i];
    char fecha[16], monto[DINERO_FMT_MAX];
    const char *txt[7];
    enum vm_role role = i == m->cur ? ROLE_CURSOR : f->cancelada ? ROLE_MUTED : ROLE_TEXT;

    if (strlen(f->fecha) == 10)
        snprintf(fecha, sizeof fecha, "%.2s/%.2s/%.2s", f->fecha + 8, f->fecha + 5, f->fecha + 2);
    else
        snprintf(fecha, sizeof fecha, "%s", f->fecha);
    txt[0] = fecha;
    txt[1] = f->folio;
    txt[2] = f->cliente;
    txt[3] = f->convenio[0] != '\0' ? f->convenio : m->ascii ? "-" : "—";
    txt[4] = f->producto;
    txt[5] = f->promotor;
    txt[6] = f->cancelada ? "cancelada" : dinero_texto(f->monto, monto, sizeof monto);
    if (role == ROLE_CURSOR)
        l->fill = ROLE_CURSOR;
    put_row(l, c, txt, role, role == ROLE_TEXT ? ROLE_VALUE : role);
}

/* «todo el equipo», «sus ventas»…: whose sales the title speaks of. */
static const char *
alcance(const struct ventas_model *m, char *buf, size_t size)
{
    if (m->r.promotor[0] != '\0') {
        snprintf(buf, size, "solo %s", m->r.promotor);
        return buf;
    }
    switch (m->profile) {
    case VM_PROFILE_PROMOTOR:
        return "sus ventas";
    case VM_PROFILE_SUPERVISOR:
        return "todo el equipo";
    case VM_PROFILE_ADMIN:
    case VM_PROFILE_AUDITOR:
        return "todos los promotores";
    case VM_PROFILE_UNKNOWN:
        break;
    }
    return "";
}

static void
put_heading(struct ventas_vm *vm, const struct ventas_model *m, int rows)
{
    struct vm_line *l = &vm->lines[0];
    char rango[96], quien[96], buf[256], range[64];
    const char *q = alcance(m, quien, sizeof quien);
    int rw = 0;

    if (m->r.desde[0] != '\0' && m->r.hasta[0] != '\0')
        informe_rango_texto(rango, sizeof rango, m->r.desde, m->r.hasta);
    else
        snprintf(rango, sizeof rango, "de este mes");
    snprintf(buf, sizeof buf, "Ventas %s%s%s", rango, q[0] != '\0' ? " · " : "", q);
    if (m->n > (size_t)rows && rows > 0) {
        snprintf(range, sizeof range, "%d%s%d de %zu", m->top + 1, m->ascii ? "-" : "–",
                 m->top + rows < (int)m->n ? m->top + rows : (int)m->n, m->n);
        rw = vm_text_width(range);
    }
    vm_line_put(l, 0, vm->width - rw - (rw > 0 ? 1 : 0), ROLE_HEADING, buf);
    if (rw > 0)
        vm_line_put(l, vm->width - rw, vm->width, ROLE_MUTED, range);
}

/* What the cursor's sale is, or the way out when there is none. */
static void
put_detalle(struct vm_line *l, const struct ventas_model *m, int width)
{
    static const char keys[] = "Enter abre en Detalle · [ ] otro mes · Esc vuelve";
    const struct ventas_fila *f = ventas_model_selected(m);
    char buf[768];

    if (f == NULL)
        snprintf(buf, sizeof buf, "[ ] otro mes · Esc vuelve a las tarjetas");
    else if (f->cancelada)
        snprintf(buf, sizeof buf, "Cancelada el %s%s%s%s%s%s", f->cancelada_el,
                 f->cancelada_por[0] != '\0' ? " por " : "", f->cancelada_por,
                 f->motivo[0] != '\0' ? ": «" : "", f->motivo, f->motivo[0] != '\0' ? "»" : "");
    else if (f->corregida_el[0] != '\0')
        snprintf(buf, sizeof buf, "Corregida el %s · %s", f->corregida_el, keys);
    else
        snprintf(buf, sizeof buf, "%s", keys);
    vm_line_put(l, 0, width, ROLE_MUTED, buf);
}

/* «2 ventas vigentes, total $205,000.50 · 1 cancelada, no suma». */
static void
put_total(struct vm_line *l, const struct ventas_model *m, int width)
{
    char buf[192], n[32], total[DINERO_FMT_MAX], nc[32];
    size_t vigentes, canceladas;
    int64_t centavos;
    int x;

    ventas_model_total(m, &vigentes, &centavos, &canceladas);
    snprintf(buf, sizeof buf, "%s %s, total %s", vm_fmt_count(n, sizeof n, (long long)vigentes),
             vigentes == 1 ? "venta vigente" : "ventas vigentes",
             dinero_fmt(centavos, total, sizeof total));
    x = vm_line_put(l, 0, width, ROLE_HEADING, buf);
    if (canceladas == 0)
        return;
    snprintf(buf, sizeof buf, "· %s %s", vm_fmt_count(nc, sizeof nc, (long long)canceladas),
             canceladas == 1 ? "cancelada, no suma" : "canceladas, no suman");
    vm_line_put(l, x + 1, width, ROLE_MUTED, buf);
}

void
ventas_vm_build(struct ventas_vm *vm, struct ventas_model *m, int width, int height)
{
    const char *names[7] = { "Fecha",    "Folio",    "Cliente", "Convenio",
                             "Producto", "Promotor", "Monto" };
    struct cols c;
    int rows, y0, foot;

    memset(vm, 0, sizeof *vm);
    vm->width = width;
    vm->height = height < VENTAS_VM_LINES ? height : VENTAS_VM_LINES;
    vm->nlines = vm->height > 0 ? vm->height : 0;
    for (int y = 0; y < vm->nlines; y++)
        vm_line_init(&vm->lines[y], ROLE_TEXT);
    if (vm->nlines <= 0 || width <= 0)
        return;
    /* heading, names, rows, the cursor's sale, the total; shorter: heading, rows, total */
    foot = vm->nlines >= 5 ? 2 : vm->nlines >= 3 ? 1 : 0;
    y0 = vm->nlines >= 5 ? 2 : 1;
    rows = vm->nlines - y0 - foot;
    vm->page = rows > 0 ? rows : 1;
    m->top = scroll_keep(m->top, m->cur, rows, (int)m->n);
    put_heading(vm, m, rows);
    cols_compute(&c, width, m);
    if (y0 == 2)
        put_row(&vm->lines[1], &c, names, ROLE_LABEL, ROLE_LABEL);
    for (int i = 0; i < rows && m->top + i < (int)m->n; i++) {
        put_fila(&vm->lines[y0 + i], &c, m, m->top + i);
        vm->lines[y0 + i].item = m->top + i + 1; /* a click there selects it */
    }
    if (m->n == 0 && rows > 0)
        vm_line_put(&vm->lines[y0], 0, width, ROLE_MUTED,
                    "Ninguna venta registrada en estas fechas.");
    if (foot == 2)
        put_detalle(&vm->lines[vm->nlines - 2], m, width);
    if (foot > 0)
        put_total(&vm->lines[vm->nlines - 1], m, width);
}

char *
ventas_vm_dump(const struct ventas_vm *vm)
{
    return vm_lines_dump(vm->lines, vm->nlines);
}
