#include "ui/vm/etapas_vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/vm/embudo_vm.h" /* list_cursor_move */
#include "ui/vm/scroll.h"

void
etapas_model_init(struct etapas_model *m)
{
    memset(m, 0, sizeof *m);
}

static void
drop_rows(struct etapas_model *m)
{
    free(m->filas);
    free(m->cambios);
    m->filas = NULL;
    m->cambios = NULL;
    m->n = m->ncambios = 0;
}

void
etapas_model_fini(struct etapas_model *m)
{
    drop_rows(m);
    memset(m, 0, sizeof *m);
}

void
etapas_model_follow(struct etapas_model *m, const char *nombre)
{
    snprintf(m->seguir, sizeof m->seguir, "%s", nombre);
}

void
etapas_model_take(struct etapas_model *m, struct etapas_fila *filas, size_t n,
                  struct etapas_cambio *cambios, size_t ncambios)
{
    const struct etapas_fila *sel = etapas_model_selected(m);
    int cur = m->abierto ? m->cur : 0;

    if (m->seguir[0] == '\0' && sel != NULL)
        snprintf(m->seguir, sizeof m->seguir, "%s", sel->nombre);
    drop_rows(m);
    m->filas = filas;
    m->n = n;
    m->cambios = cambios;
    m->ncambios = ncambios;
    for (size_t i = 0; m->abierto && m->seguir[0] != '\0' && i < n; i++)
        if (strcmp(filas[i].nombre, m->seguir) == 0)
            cur = (int)i;
    m->seguir[0] = '\0';
    if (cur >= (int)n)
        cur = n > 0 ? (int)n - 1 : 0;
    if (!m->abierto)
        m->top = 0;
    m->cur = cur;
    m->abierto = true;
}

void
etapas_model_close(struct etapas_model *m)
{
    drop_rows(m);
    m->cur = m->top = 0;
    m->seguir[0] = '\0';
    m->abierto = false;
}

const struct etapas_fila *
etapas_model_selected(const struct etapas_model *m)
{
    if (!m->abierto || m->cur < 0 || (size_t)m->cur >= m->n)
        return NULL;
    return &m->filas[m->cur];
}

bool
etapas_model_move(struct etapas_model *m, enum action act, int page)
{
    if (!list_movement(act))
        return false;
    (void)list_cursor_move(&m->cur, (int)m->n, act, page);
    return true;
}

void
etapas_horas_texto(const char *horas, bool ascii, char *buf, size_t size)
{
    if (horas[0] == '\0')
        snprintf(buf, size, "%s", ascii ? "-" : "—");
    else
        snprintf(buf, size, "%s h hábiles", horas);
}

bool
etapas_horas_check(const char *value, char *msg, size_t msgsz)
{
    double h;
    int used = 0;

    if (value[0] == '\0')
        return true;
    if (value[0] >= '0' && value[0] <= '9' && strspn(value, "0123456789.") == strlen(value) &&
        sscanf(value, "%lf%n", &h, &used) == 1 && used == (int)strlen(value) && h > 0 && h <= 10000)
        return true;
    snprintf(msg, msgsz, "horas hábiles: más de 0 y hasta 10000 (vacío: sin temporizador)");
    return false;
}

/* «48 h», «sin temporizador». */
static const char *
horas_corto(const char *h, char *buf, size_t size)
{
    if (h[0] == '\0')
        return "sin temporizador";
    snprintf(buf, size, "%s h", h);
    return buf;
}

void
etapas_cambio_texto(const struct etapas_cambio *c, char *buf, size_t size)
{
    char a[sizeof c->anterior + 4], b[sizeof c->nuevo + 4];

    if (strcmp(c->campo, "alta") == 0)
        snprintf(buf, size, "alta: %s", c->nuevo);
    else if (strcmp(c->campo, "nombre") == 0)
        snprintf(buf, size, "nombre: %s → %s", c->anterior, c->nuevo);
    else if (strcmp(c->campo, "timer_horas") == 0)
        snprintf(buf, size, "temporizador: %s → %s", horas_corto(c->anterior, a, sizeof a),
                 horas_corto(c->nuevo, b, sizeof b));
    else if (strcmp(c->campo, "intentos_minimos") == 0)
        snprintf(buf, size, "intentos: %s → %s", c->anterior, c->nuevo);
    else if (strcmp(c->campo, "orden") == 0)
        snprintf(buf, size, "lugar: %s → %s", c->anterior, c->nuevo);
    else if (strcmp(c->campo, "activa") == 0)
        snprintf(buf, size, "%s",
                 strcmp(c->nuevo, "activa") == 0 ? "vuelve al embudo" : "sale del embudo");
    else
        snprintf(buf, size, "%s: %s → %s", c->campo, c->anterior, c->nuevo);
}

/* ---- layout ------------------------------------------------------------------------- */

static const char *
tipo_texto(const char *tipo)
{
    return strcmp(tipo, "INICIAL") == 0  ? "inicial"
           : strcmp(tipo, "SALIDA") == 0 ? "salida"
           : strcmp(tipo, "VENTA") == 0  ? "venta"
                                         : "normal";
}

/* Columns: the place, the name, then (when wide enough) the kind, the timer, the attempts
 * and the count against the right edge. */
struct cols {
    int nombre, tipo, horas, intentos, abiertas, end;
};

static void
cols_compute(struct cols *c, int width)
{
    bool wide = width >= 60;

    c->end = width < 80 ? width : 80; /* a wide terminal does not spread the table */
    c->abiertas = c->end - 9;
    c->intentos = wide ? c->abiertas - 9 : -1;
    c->horas = (wide ? c->intentos : c->abiertas) - 17;
    c->tipo = wide ? c->horas - 9 : -1;
    c->nombre = 4;
}

static void
put_cell(struct vm_line *l, int at, int next, enum vm_role role, const char *text)
{
    if (at >= 0 && next - 1 > at)
        vm_line_put(l, at, next - 1, role, text);
}

/* The count right-aligned in its cell. */
static void
put_right(struct vm_line *l, int at, int end, enum vm_role role, const char *text)
{
    int w = vm_text_width(text);

    if (at >= 0 && end - at > w)
        vm_line_put(l, end - w, end, role, text);
}

static void
put_fila(struct vm_line *l, const struct cols *c, const struct etapas_model *m, int i)
{
    const struct etapas_fila *f = &m->filas[i];
    bool sel = i == m->cur;
    enum vm_role role = sel ? ROLE_CURSOR : f->activa ? ROLE_TEXT : ROLE_MUTED;
    char orden[16], horas[48], intentos[16], n[32];
    int name_end = c->tipo >= 0 ? c->tipo : c->horas;

    if (sel)
        vm_line_init(l, ROLE_CURSOR);
    snprintf(orden, sizeof orden, "%s%d", sel ? ">" : " ", f->orden);
    put_cell(l, 0, c->nombre, role, orden);
    put_cell(l, c->nombre, name_end, role, f->nombre);
    put_cell(l, c->tipo, c->horas, role, tipo_texto(f->tipo));
    etapas_horas_texto(f->horas, m->ascii, horas, sizeof horas);
    put_cell(l, c->horas, c->intentos >= 0 ? c->intentos : c->abiertas, role, horas);
    if (strcmp(f->tipo, "SALIDA") == 0 && f->intentos > 0) {
        snprintf(intentos, sizeof intentos, "%d", f->intentos);
        put_cell(l, c->intentos, c->abiertas, role, intentos);
    }
    put_right(l, c->abiertas, c->end, role,
              f->activa ? vm_fmt_count(n, sizeof n, f->oportunidades) : "fuera");
}

static void
put_heading(struct vm_line *l, const struct etapas_model *m, int width)
{
    char buf[96];
    size_t fuera = 0;

    for (size_t i = 0; i < m->n; i++)
        fuera += !m->filas[i].activa;
    if (fuera > 0)
        snprintf(buf, sizeof buf, "Etapas del embudo · %zu (%zu fuera del embudo)", m->n - fuera,
                 fuera);
    else
        snprintf(buf, sizeof buf, "Etapas del embudo · %zu", m->n);
    vm_line_put(l, 0, width, ROLE_HEADING, buf);
}

/* The last row: the cursor's stage in words, and what the admin can do with it. */
static void
put_foot(struct vm_line *l, const struct etapas_model *m, int width)
{
    const struct etapas_fila *f = etapas_model_selected(m);
    char buf[320], horas[48];

    buf[0] = '\0';
    if (f != NULL) {
        bool fija = strcmp(f->tipo, "INICIAL") == 0 || strcmp(f->tipo, "VENTA") == 0;

        etapas_horas_texto(f->horas, m->ascii, horas, sizeof horas);
        snprintf(buf, sizeof buf, "%s: %s%s%s", f->nombre, tipo_texto(f->tipo),
                 f->horas[0] != '\0' ? ", " : "", f->horas[0] != '\0' ? horas : "");
        if (strcmp(f->tipo, "SALIDA") == 0 && f->intentos > 0)
            snprintf(buf + strlen(buf), sizeof buf - strlen(buf), ", pide %d %s antes", f->intentos,
                     f->intentos == 1 ? "intento" : "intentos");
        if (!f->activa)
            snprintf(buf + strlen(buf), sizeof buf - strlen(buf), ", fuera del embudo");
        /* The hint bar has the keys; the two that mean something else here are said. */
        if (m->admin && !fija)
            snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s",
                     f->activa ? " · X la saca del embudo" : " · R la regresa");
    } else if (m->admin) {
        snprintf(buf, sizeof buf, "A agrega una etapa");
    }
    snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%sEsc vuelve",
             buf[0] != '\0' ? " · " : "");
    vm_line_put(l, 0, width, ROLE_MUTED, buf);
}

void
etapas_vm_build(struct etapas_vm *vm, struct etapas_model *m, int width, int height)
{
    const char *names[] = { "#", "Etapa", "Tipo", "Temporizador", "Intentos", "Abiertas" };
    struct cols c;
    int rows, y0 = 2, y, foot;

    memset(vm, 0, sizeof *vm);
    vm->width = width;
    vm->height = height < ETAPAS_VM_LINES ? height : ETAPAS_VM_LINES;
    vm->nlines = vm->height > 0 ? vm->height : 0;
    for (y = 0; y < vm->nlines; y++)
        vm_line_init(&vm->lines[y], ROLE_TEXT);
    if (vm->nlines <= 0 || width <= 0)
        return;
    put_heading(&vm->lines[0], m, width);
    foot = vm->nlines >= 4 ? 1 : 0;
    cols_compute(&c, width);
    if (vm->nlines > 1) {
        struct vm_line *l = &vm->lines[1];

        put_cell(l, 0, c.nombre, ROLE_LABEL, names[0]);
        put_cell(l, c.nombre, c.tipo >= 0 ? c.tipo : c.horas, ROLE_LABEL, names[1]);
        put_cell(l, c.tipo, c.horas, ROLE_LABEL, names[2]);
        put_cell(l, c.horas, c.intentos >= 0 ? c.intentos : c.abiertas, ROLE_LABEL, names[3]);
        put_cell(l, c.intentos, c.abiertas, ROLE_LABEL, names[4]);
        put_right(l, c.abiertas, c.end, ROLE_LABEL, names[5]);
    }
    /* Every stage when it fits with three rows for the changes (a gap, their title, one);
     * else every row but the foot. */
    rows = vm->nlines - foot - y0;
    if (rows >= (int)m->n + 3)
        rows = (int)m->n;
    if (rows < 0)
        rows = 0;
    vm->page = rows > 0 ? rows : 1;
    m->top = scroll_keep(m->top, m->cur, rows, (int)m->n);
    for (int i = 0; i < rows && m->top + i < (int)m->n; i++) {
        put_fila(&vm->lines[y0 + i], &c, m, m->top + i);
        vm->lines[y0 + i].item = m->top + i + 1; /* a click there selects it */
    }

    y = y0 + rows + 1;
    if (rows == (int)m->n && y + 1 < vm->nlines - foot) {
        vm_line_put(&vm->lines[y++], 0, width, ROLE_LABEL, "Cambios recientes");
        if (m->ncambios == 0)
            vm_line_put(&vm->lines[y], 2, width, ROLE_MUTED,
                        "las etapas no han cambiado desde la instalación");
        for (size_t i = 0; i < m->ncambios && y < vm->nlines - foot; i++, y++) {
            const struct etapas_cambio *k = &m->cambios[i];
            char texto[384];
            int x;

            x = vm_line_put(&vm->lines[y], 2, width, ROLE_MUTED, k->cuando);
            x = vm_line_put(&vm->lines[y], x + 2, width, ROLE_VALUE,
                            k->quien[0] != '\0' ? k->quien : "(superusuario)");
            x = vm_line_put(&vm->lines[y], x + 2, width, ROLE_LABEL, k->etapa);
            etapas_cambio_texto(k, texto, sizeof texto);
            vm_line_put(&vm->lines[y], x + 2, width, ROLE_TEXT, texto);
        }
    }
    if (foot > 0)
        put_foot(&vm->lines[vm->nlines - 1], m, width);
}

char *
etapas_vm_dump(const struct etapas_vm *vm)
{
    return vm_lines_dump(vm->lines, vm->nlines);
}
