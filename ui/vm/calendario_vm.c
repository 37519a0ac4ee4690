#include "ui/vm/calendario_vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/vm/embudo_vm.h" /* list_cursor_move */
#include "ui/vm/fecha.h"

#define SEMANA   CALENDARIO_DIAS_SEMANA
#define LEFT_W   26 /* the week's column: «  miércoles  09:00–19:00» and a gap */
#define SIDE_MIN 44 /* narrower than this, the rest days go under the week */

void
calendario_model_init(struct calendario_model *m)
{
    memset(m, 0, sizeof *m);
}

static void
drop_rows(struct calendario_model *m)
{
    free(m->dias);
    free(m->cambios);
    m->dias = NULL;
    m->cambios = NULL;
    m->ndias = m->ncambios = 0;
}

void
calendario_model_fini(struct calendario_model *m)
{
    drop_rows(m);
    memset(m, 0, sizeof *m);
}

void
calendario_model_take(struct calendario_model *m,
                      const struct calendario_semana semana[CALENDARIO_DIAS_SEMANA],
                      struct calendario_inhabil *dias, size_t ndias,
                      struct calendario_cambio *cambios, size_t ncambios)
{
    const struct calendario_inhabil *sel = calendario_model_inhabil(m);
    char keep[11] = "";
    int cur = m->cur;

    if (sel != NULL)
        memcpy(keep, sel->fecha, sizeof keep);
    drop_rows(m);
    memcpy(m->semana, semana, sizeof m->semana);
    m->dias = dias;
    m->ndias = ndias;
    m->cambios = cambios;
    m->ncambios = ncambios;
    if (keep[0] != '\0') {
        /* The same date, or the first listed after it (the one that took its place). */
        size_t i = 0;

        while (i < ndias && strcmp(dias[i].fecha, keep) < 0)
            i++;
        cur = i < ndias ? SEMANA + (int)i : ndias > 0 ? SEMANA + (int)ndias - 1 : SEMANA - 1;
    }
    if (!m->abierto)
        cur = m->top = 0;
    m->cur = cur;
    m->abierto = true;
}

void
calendario_model_close(struct calendario_model *m)
{
    drop_rows(m);
    m->cur = m->top = 0;
    m->abierto = false;
}

int
calendario_model_weekday(const struct calendario_model *m)
{
    return m->abierto && m->cur >= 0 && m->cur < SEMANA ? m->cur + 1 : 0;
}

const struct calendario_inhabil *
calendario_model_inhabil(const struct calendario_model *m)
{
    if (!m->abierto || m->cur < SEMANA || (size_t)(m->cur - SEMANA) >= m->ndias)
        return NULL;
    return &m->dias[m->cur - SEMANA];
}

bool
calendario_model_move(struct calendario_model *m, enum action act, int page)
{
    int n = SEMANA + (int)m->ndias;

    if (act == ACTION_LEFT || act == ACTION_RIGHT) {
        /* To the other column, at the same height where there is one. */
        if (act == ACTION_RIGHT && m->cur < SEMANA && m->ndias > 0)
            m->cur = SEMANA + m->top +
                     (m->cur < (int)m->ndias - m->top ? m->cur : (int)m->ndias - m->top - 1);
        else if (act == ACTION_LEFT && m->cur >= SEMANA)
            m->cur = m->cur - SEMANA - m->top < SEMANA ? m->cur - SEMANA - m->top : SEMANA - 1;
        return true;
    }
    if (act == ACTION_PAGE_UP || act == ACTION_PAGE_DOWN) {
        /* A page of rest days; from the week, the first of them. */
        if (m->cur < SEMANA) {
            if (act == ACTION_PAGE_DOWN && m->ndias > 0)
                m->cur = SEMANA;
            else
                m->cur = 0;
            return true;
        }
        m->cur += act == ACTION_PAGE_DOWN ? page : -page;
        if (m->cur >= n)
            m->cur = n - 1;
        if (m->cur < SEMANA) /* back past the first rest day: to it, and from it to lunes */
            m->cur = m->cur + page > SEMANA ? SEMANA : 0;
        return true;
    }
    if (!list_movement(act))
        return false;
    (void)list_cursor_move(&m->cur, n, act, page);
    return true;
}

char *
calendario_fecha_dmy(char *buf, size_t size, const char *iso)
{
    if (strlen(iso) == 10 && iso[4] == '-' && iso[7] == '-')
        snprintf(buf, size, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
    else
        snprintf(buf, size, "%s", iso);
    return buf;
}

bool
calendario_fecha_iso(const char *text, char iso[11])
{
    char buf[32], out[16];
    int a, b, c, used = 0;
    long dias;
    size_t n;

    while (*text == ' ')
        text++;
    snprintf(buf, sizeof buf, "%s", text);
    n = strlen(buf);
    while (n > 0 && buf[n - 1] == ' ')
        buf[--n] = '\0';
    if (sscanf(buf, "%4d-%2d-%2d%n", &a, &b, &c, &used) == 3 && used == (int)n && n == 10)
        snprintf(out, sizeof out, "%04d-%02d-%02d", a, b, c);
    else if ((sscanf(buf, "%2d/%2d/%4d%n", &a, &b, &c, &used) == 3 ||
              sscanf(buf, "%2d-%2d-%4d%n", &a, &b, &c, &used) == 3) &&
             used == (int)n && c >= 1000)
        snprintf(out, sizeof out, "%04d-%02d-%02d", c % 10000, b % 100, a % 100);
    else
        return false;
    if (!fecha_dias(out, &dias))
        return false;
    memcpy(iso, out, 11);
    return true;
}

bool
calendario_fecha_check(const char *value, char *msg, size_t msgsz)
{
    char iso[11];

    if (calendario_fecha_iso(value, iso))
        return true;
    snprintf(msg, msgsz, "escriba una fecha que exista: DD/MM/AAAA");
    return false;
}

bool
calendario_hora_check(const char *value, char *msg, size_t msgsz)
{
    int h, m, used = 0;

    if (value[0] == '\0')
        return true;
    if (sscanf(value, "%2d:%2d%n", &h, &m, &used) == 2 && used == (int)strlen(value) &&
        value[0] >= '0' && value[0] <= '9' && h >= 0 && h <= 23 && m >= 0 && m <= 59 &&
        strlen(value) >= 4 && value[strlen(value) - 3] == ':')
        return true;
    snprintf(msg, msgsz, "una hora del día: HH:MM (de 00:00 a 23:59)");
    return false;
}

/* «sábados», «lunes»: the weekday as a plural. */
static void
plural(char *buf, size_t size, const char *dia)
{
    size_t n = strlen(dia);

    snprintf(buf, size, "%s%s", dia, n > 0 && dia[n - 1] == 's' ? "" : "s");
}

void
calendario_cambio_texto(const struct calendario_cambio *c, char *buf, size_t size)
{
    char f[16], d[32], timers[64] = "";

    calendario_fecha_dmy(f, sizeof f, c->fecha);
    if (c->recalculadas == 1)
        snprintf(timers, sizeof timers, " · 1 temporizador recalculado");
    else if (c->recalculadas > 1)
        snprintf(timers, sizeof timers, " · %d temporizadores recalculados", c->recalculadas);
    if (strcmp(c->cambio, "INHABIL_AGREGADO") == 0)
        snprintf(buf, size, "agregó el día inhábil %s: %s%s", f, c->despues, timers);
    else if (strcmp(c->cambio, "INHABIL_RENOMBRADO") == 0)
        snprintf(buf, size, "renombró el día inhábil %s: %s → %s%s", f, c->antes, c->despues,
                 timers);
    else if (strcmp(c->cambio, "INHABIL_QUITADO") == 0)
        snprintf(buf, size, "quitó el día inhábil %s: %s%s", f, c->antes, timers);
    else if (strcmp(c->cambio, "ESPECIAL_AGREGADO") == 0)
        snprintf(buf, size, "dio horario especial al %s: %s%s", f, c->despues, timers);
    else if (strcmp(c->cambio, "ESPECIAL_CAMBIADO") == 0)
        snprintf(buf, size, "cambió el horario especial del %s: %s → %s%s", f, c->antes, c->despues,
                 timers);
    else if (strcmp(c->cambio, "ESPECIAL_QUITADO") == 0)
        snprintf(buf, size, "quitó el horario especial del %s (era %s)%s", f, c->antes, timers);
    else if (strcmp(c->cambio, "HORARIO") == 0) {
        plural(d, sizeof d, c->dia);
        snprintf(buf, size, "cambió el horario de los %s: %s → %s%s", d, c->antes, c->despues,
                 timers);
    } else
        snprintf(buf, size, "%s %s: %s → %s%s", c->cambio, f, c->antes, c->despues, timers);
}

/* ---- layout ------------------------------------------------------------------------- */

static void
put_heading(struct calendario_vm *vm, const struct calendario_model *m)
{
    char buf[128];

    snprintf(buf, sizeof buf, "Calendario de negocio%s%s", m->zona[0] != '\0' ? " · " : "",
             m->zona);
    vm_line_put(&vm->lines[0], 0, vm->width, ROLE_HEADING, buf);
}

/* A weekday's row: «  sábado     09:00–14:00», closed ones muted. */
static void
put_semana(struct vm_line *l, int x, int limit, const struct calendario_model *m, int i)
{
    const struct calendario_semana *s = &m->semana[i];
    bool sel = m->cur == i;
    enum vm_role role = sel ? ROLE_CURSOR : s->abre[0] != '\0' ? ROLE_TEXT : ROLE_MUTED;
    char buf[64];

    if (s->abre[0] != '\0')
        snprintf(buf, sizeof buf, "%s %-*s %s%s%s", sel ? ">" : " ",
                 10 + (int)strlen(s->nombre) - vm_text_width(s->nombre), s->nombre, s->abre,
                 m->ascii ? "-" : "–", s->cierra);
    else
        snprintf(buf, sizeof buf, "%s %-*s cerrado", sel ? ">" : " ",
                 10 + (int)strlen(s->nombre) - vm_text_width(s->nombre), s->nombre);
    vm_line_put(l, x, limit, role, buf);
}

/* «vie 25/12/2026  Navidad», «jue 24/12/2026  Nochebuena 09:00–14:00»: the weekday's first
 * three letters (accents included); a special date's hours after its name. */
static void
put_inhabil(struct vm_line *l, int x, int limit, const struct calendario_model *m, size_t i)
{
    const struct calendario_inhabil *d = &m->dias[i];
    bool sel = m->cur == SEMANA + (int)i;
    char f[16], dia[16], buf[192];

    vm_clip(dia, sizeof dia, d->dia, 3, NULL);
    snprintf(buf, sizeof buf, "%s %s %s  %s%s%s%s%s", sel ? ">" : " ", dia,
             calendario_fecha_dmy(f, sizeof f, d->fecha), d->nombre, d->abre[0] != '\0' ? " " : "",
             d->abre, d->abre[0] != '\0' ? (m->ascii ? "-" : "–") : "", d->cierra);
    vm_line_put(l, x, limit, sel ? ROLE_CURSOR : ROLE_TEXT, buf);
}

/* The rest days' title, with «1–7 de 9» at its right when they do not all fit. */
static void
put_inhabiles_title(struct vm_line *l, int x, int limit, const struct calendario_model *m, int rows)
{
    char hasta[16], buf[96], range[48];
    int rw = 0;

    snprintf(buf, sizeof buf, "Días inhábiles y especiales al %s",
             calendario_fecha_dmy(hasta, sizeof hasta, m->hasta));
    if (m->ndias > (size_t)rows && rows > 0) {
        snprintf(range, sizeof range, "%d%s%d de %zu", m->top + 1, m->ascii ? "-" : "–",
                 m->top + rows < (int)m->ndias ? m->top + rows : (int)m->ndias, m->ndias);
        rw = vm_text_width(range);
        if (x + vm_text_width(buf) + 1 + rw > limit)
            rw = 0; /* no room: the title alone */
    }
    vm_line_put(l, x, limit - (rw > 0 ? rw + 1 : 0), ROLE_LABEL, buf);
    if (rw > 0)
        vm_line_put(l, limit - rw, limit, ROLE_MUTED, range);
}

/* «Lunes», «Sábado» (every weekday's name starts with an ASCII letter). */
static void
capital(char *buf, size_t size, const char *dia)
{
    snprintf(buf, size, "%s", dia);
    if (buf[0] >= 'a' && buf[0] <= 'z')
        buf[0] = (char)(buf[0] - 'a' + 'A');
}

/* The last row: what the cursor's day is, and what can be done with it. */
static void
put_foot(struct vm_line *l, const struct calendario_model *m, int width)
{
    const struct calendario_inhabil *d = calendario_model_inhabil(m);
    int wd = calendario_model_weekday(m);
    char buf[320], f[16], dia[32];

    if (wd > 0) {
        const struct calendario_semana *s = &m->semana[wd - 1];

        capital(dia, sizeof dia, s->nombre);
        if (s->abre[0] != '\0')
            snprintf(buf, sizeof buf, "%s: de %s a %s", dia, s->abre, s->cierra);
        else
            snprintf(buf, sizeof buf, "%s: cerrado", dia);
        if (m->admin)
            snprintf(buf + strlen(buf), sizeof buf - strlen(buf),
                     " · E cambia el horario · A agrega un día");
    } else if (d != NULL) {
        capital(dia, sizeof dia, d->dia);
        if (d->abre[0] != '\0')
            snprintf(buf, sizeof buf, "%s %s: %s, de %s a %s%s", dia,
                     calendario_fecha_dmy(f, sizeof f, d->fecha), d->nombre, d->abre, d->cierra,
                     m->admin ? " · E lo cambia · X lo quita" : "");
        else
            snprintf(buf, sizeof buf, "%s %s: %s%s", dia,
                     calendario_fecha_dmy(f, sizeof f, d->fecha), d->nombre,
                     m->admin ? " · X lo quita · A agrega otro" : "");
    } else {
        snprintf(buf, sizeof buf, "%s", m->admin ? "A agrega un día" : "");
    }
    snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%sEsc vuelve",
             buf[0] != '\0' ? " · " : "");
    vm_line_put(l, 0, width, ROLE_MUTED, buf);
}

void
calendario_vm_build(struct calendario_vm *vm, struct calendario_model *m, int width, int height)
{
    bool side = width >= SIDE_MIN;
    int rx, ry, rlimit, rows, y, foot;

    memset(vm, 0, sizeof *vm);
    vm->width = width;
    vm->height = height < CALENDARIO_VM_LINES ? height : CALENDARIO_VM_LINES;
    vm->nlines = vm->height > 0 ? vm->height : 0;
    for (y = 0; y < vm->nlines; y++)
        vm_line_init(&vm->lines[y], ROLE_TEXT);
    if (vm->nlines <= 0 || width <= 0)
        return;
    put_heading(vm, m);
    foot = vm->nlines >= 4 ? 1 : 0;

    /* The week: its title on row 1, its days on rows 2–8 (what fits). */
    if (vm->nlines > 1)
        vm_line_put(&vm->lines[1], 0, side ? LEFT_W - 2 : width, ROLE_LABEL, "Horario semanal");
    for (int i = 0; i < SEMANA && 2 + i < vm->nlines - foot; i++) {
        put_semana(&vm->lines[2 + i], 0, side ? LEFT_W - 2 : width, m, i);
        vm->lines[2 + i].item = i + 1;
    }

    /* The rest days: beside the week, or under it; as many rows as leave three for the
     * changes (title and two), never fewer than the week's. */
    rx = side ? LEFT_W : 0;
    ry = side ? 1 : 2 + SEMANA + 1;
    rlimit = width;
    rows = vm->nlines - foot - (ry + 1);
    if (side && rows > SEMANA && (int)m->ndias > SEMANA) {
        int want = (int)m->ndias < rows - 4 ? (int)m->ndias : rows - 4;

        rows = want > SEMANA ? want : SEMANA;
    } else if (side && rows > SEMANA) {
        rows = SEMANA;
    }
    if (rows < 0)
        rows = 0;
    vm->page = rows > 0 ? rows : 1;
    /* The cursor's rest day in sight (the week's rows need no scrolling). */
    if (m->cur >= SEMANA) {
        int k = m->cur - SEMANA;

        if (k < m->top)
            m->top = k;
        if (rows > 0 && k >= m->top + rows)
            m->top = k - rows + 1;
    }
    if (m->top > 0 && m->top + rows > (int)m->ndias)
        m->top = (int)m->ndias > rows ? (int)m->ndias - rows : 0;
    if (ry < vm->nlines - foot) {
        put_inhabiles_title(&vm->lines[ry], rx, rlimit, m, rows);
        vm->dia_x = rx;
        for (int i = 0; i < rows && m->top + i < (int)m->ndias; i++) {
            put_inhabil(&vm->lines[ry + 1 + i], rx, rlimit, m, (size_t)(m->top + i));
            vm->dia[ry + 1 + i] = m->top + i + 1;
        }
        if (m->ndias == 0 && rows > 0)
            vm_line_put(&vm->lines[ry + 1], rx + 2, rlimit, ROLE_MUTED,
                        "ninguno en los próximos doce meses");
    }

    /* The changes, newest first, in the rows left (side by side only). */
    y = (ry + 1 + rows > 2 + SEMANA ? ry + 1 + rows : 2 + SEMANA) + 1;
    if (side && y + 1 < vm->nlines - foot) {
        vm_line_put(&vm->lines[y], 0, width, ROLE_LABEL, "Cambios recientes");
        y++;
        if (m->ncambios == 0)
            vm_line_put(&vm->lines[y], 2, width, ROLE_MUTED,
                        "el calendario no ha cambiado desde la instalación");
        for (size_t i = 0; i < m->ncambios && y < vm->nlines - foot; i++, y++) {
            const struct calendario_cambio *c = &m->cambios[i];
            char texto[512];
            int x;

            x = vm_line_put(&vm->lines[y], 2, width, ROLE_MUTED, c->cuando);
            x = vm_line_put(&vm->lines[y], x + 2, width, ROLE_VALUE,
                            c->quien[0] != '\0' ? c->quien : "(superusuario)");
            calendario_cambio_texto(c, texto, sizeof texto);
            vm_line_put(&vm->lines[y], x + 2, width, ROLE_TEXT, texto);
        }
    }
    if (foot > 0)
        put_foot(&vm->lines[vm->nlines - 1], m, width);
}

bool
calendario_vm_click(const struct calendario_vm *vm, struct calendario_model *m, int y, int x)
{
    if (!m->abierto || y < 0 || y >= vm->nlines)
        return false;
    if (x >= vm->dia_x && vm->dia[y] > 0) {
        m->cur = SEMANA + vm->dia[y] - 1;
        return true;
    }
    if (x < vm->dia_x || vm->dia_x == 0)
        return vm_click_row(vm->lines, vm->nlines, y, &m->cur);
    return false;
}

char *
calendario_vm_dump(const struct calendario_vm *vm)
{
    return vm_lines_dump(vm->lines, vm->nlines);
}
