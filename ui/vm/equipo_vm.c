#include "ui/vm/equipo_vm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ui/vm/embudo_vm.h"

enum {
    NAME_W = 18,
    CELL_MIN = 9,
    CELL_MAX = 14,
    FIXED_ROWS = 6, /* header, blank (or the estados' words), title, header, blank, legend */
};

/* crm.usuarios.estado (sql/001's CHECK): the form's words, the mark's word and glyph. */
static const struct {
    const char *codigo, *palabra, *glyph, *ascii;
    enum vm_role role;
} estados[EQUIPO_ESTADOS] = {
    { "ACTIVO", "activo", "", "", ROLE_TEXT }, /* no mark */
    { "AUSENTE", "ausente", "◌", "-", ROLE_TIMER_WARN },
    { "VACACIONES", "vacaciones", "◇", "=", ROLE_MUTED },
    { "BAJA", "de baja", "✗", "x", ROLE_ERROR },
};

const char *const equipo_estado_etiquetas[EQUIPO_ESTADOS] = { "Activo", "Ausente", "Vacaciones",
                                                              "Baja" };

static int
estado_idx(const char *codigo)
{
    for (int i = 0; i < EQUIPO_ESTADOS; i++)
        if (strcmp(codigo, estados[i].codigo) == 0)
            return i;
    return -1;
}

const char *
equipo_estado_etiqueta(const char *codigo)
{
    int i = estado_idx(codigo);

    return i >= 0 ? equipo_estado_etiquetas[i] : codigo;
}

const char *
equipo_rol_etiqueta(const char *rol)
{
    static const char *const roles[][2] = {
        { "PROMOTOR", "Promotor" },
        { "SUPERVISOR", "Supervisor" },
        { "ADMIN", "Administrador" },
        { "AUDITOR", "Auditor" },
    };

    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (strcmp(rol, roles[i][0]) == 0)
            return roles[i][1];
    return rol;
}

const char *
equipo_estado_codigo(const char *etiqueta)
{
    for (int i = 0; i < EQUIPO_ESTADOS; i++)
        if (strcasecmp(etiqueta, equipo_estado_etiquetas[i]) == 0)
            return estados[i].codigo;
    return NULL;
}

/* ---- the admin's forms ------------------------------------------------------------------ */

/* «Cupo diario» and «Cartera máxima», whole numbers within api.usuario_limites' bounds. */
static void
add_limites(struct form_vm *f, int cupo, int cartera)
{
    struct form_field *fd;
    char v[24];

    snprintf(v, sizeof v, "%d", cupo);
    if ((fd = form_vm_add(f, "Cupo diario", FORM_INT, true, v)) != NULL)
        fd->min = 0, fd->max = EQUIPO_CUPO_MAX;
    snprintf(v, sizeof v, "%d", cartera);
    if ((fd = form_vm_add(f, "Cartera máxima", FORM_INT, true, v)) != NULL)
        fd->min = 0, fd->max = EQUIPO_CARTERA_MAX;
}

void
equipo_limites_form(struct form_vm *f, const char *login, int cupo, int cartera)
{
    char title[64];

    snprintf(title, sizeof title, "Cupo y cartera de %s", login);
    form_vm_init(f, title);
    add_limites(f, cupo, cartera);
}

bool
equipo_limites_cambio(const struct form_vm *f, int cupo0, int cartera0, int *cupo, int *cartera)
{
    /* FORM_INT fields that passed validation: digits within the bounds above. */
    int c = atoi(form_vm_value(f, 0)), k = atoi(form_vm_value(f, 1));

    *cupo = c != cupo0 ? c : -1;
    *cartera = k != cartera0 ? k : -1;
    return *cupo >= 0 || *cartera >= 0;
}

size_t
equipo_supervisor_opciones(char (*out)[EQUIPO_OPCION_BYTES], size_t max,
                           const struct equipo_usuario *us, size_t n, const char *actual,
                           size_t *cur)
{
    size_t k = 0;

    *cur = 0;
    for (size_t i = 0; i < n; i++) {
        const struct equipo_usuario *u = &us[i];
        bool es_actual = actual[0] != '\0' && strcmp(u->login, actual) == 0;

        if (strcmp(u->rol, "SUPERVISOR") != 0 || (strcmp(u->estado, "ACTIVO") != 0 && !es_actual))
            continue;
        if (es_actual)
            *cur = k;
        if (k < max)
            snprintf(out[k], EQUIPO_OPCION_BYTES, "%s · %.*s", u->login,
                     (int)strcspn(u->nombre, " "), u->nombre);
        k++;
    }
    return k;
}

void
equipo_supervisor_form(struct form_vm *f, const char *login, const char *const *opciones, size_t n,
                       size_t cur)
{
    struct form_field *fd;
    char title[64];

    snprintf(title, sizeof title, "Supervisor de %s", login);
    form_vm_init(f, title);
    if ((fd = form_vm_add(f, "Supervisor", FORM_CHOICE, true, n > 0 ? opciones[cur] : NULL)) !=
        NULL) {
        fd->choices = opciones;
        fd->nchoices = n;
    }
}

void
equipo_opcion_login(char *buf, size_t size, const char *opcion)
{
    snprintf(buf, size, "%.*s", (int)strcspn(opcion, " "), opcion);
}

const char *const equipo_roles[EQUIPO_ROLES] = { "PROMOTOR", "SUPERVISOR", "ADMIN", "AUDITOR" };

/* crm.validar_usuario's rule for a login, said before the database has to (EB102). */
static bool
login_check(const char *v, char *msg, size_t msgsz)
{
    size_t n = strlen(v);

    if (n >= 2 && n <= 31 && strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789_") == n &&
        !(v[0] >= '0' && v[0] <= '9'))
        return true;
    snprintf(msg, msgsz, "2 a 31 minúsculas, dígitos o «_», sin dígito al inicio");
    return false;
}

void
equipo_alta_form(struct form_vm *f, const char *const *opciones, size_t n, size_t cur)
{
    struct form_field *fd;

    form_vm_init(f, "Alta de usuario");
    snprintf(f->note, sizeof f->note,
             "Para entrar necesita también su cuenta del sistema con el mismo nombre.");
    if ((fd = form_vm_add(f, "Usuario", FORM_TEXT, true, NULL)) != NULL) {
        fd->max_len = 31;
        fd->check = login_check;
    }
    if ((fd = form_vm_add(f, "Nombre completo", FORM_TEXT, true, NULL)) != NULL)
        fd->min_len = 2, fd->max_len = 120;
    if ((fd = form_vm_add(f, "Rol", FORM_CHOICE, true, equipo_roles[0])) != NULL) {
        fd->choices = equipo_roles;
        fd->nchoices = EQUIPO_ROLES;
    }
    if ((fd = form_vm_add(f, "Supervisor", FORM_CHOICE, false, cur < n ? opciones[cur] : NULL)) !=
        NULL) {
        fd->choices = opciones;
        fd->nchoices = n;
    }
    add_limites(f, EQUIPO_CUPO_DEFECTO, EQUIPO_CARTERA_DEFECTO);
}

void
equipo_nombre_form(struct form_vm *f, const char *login, const char *nombre)
{
    struct form_field *fd;
    char title[64];

    snprintf(title, sizeof title, "Nombre de %s", login);
    form_vm_init(f, title);
    if ((fd = form_vm_add(f, "Nombre completo", FORM_TEXT, true, nombre)) != NULL)
        fd->min_len = 2, fd->max_len = 120;
    if ((fd = form_vm_add(f, "Motivo", FORM_TEXT, false, NULL)) != NULL)
        fd->max_len = 500;
}

bool
equipo_nombre_cambio(const struct form_vm *f, const char *nombre0, char *buf, size_t size)
{
    vm_collapse_blanks(buf, size, form_vm_value(f, 0));
    return strcmp(buf, nombre0) != 0;
}

void
equipo_alta_valores(const struct form_vm *f, struct equipo_alta *a)
{
    const char *sup = form_vm_value(f, 3);

    memset(a, 0, sizeof *a);
    snprintf(a->login, sizeof a->login, "%s", form_vm_value(f, 0));
    snprintf(a->nombre, sizeof a->nombre, "%s", form_vm_value(f, 1));
    snprintf(a->rol, sizeof a->rol, "%s", form_vm_value(f, 2));
    if (strcmp(sup, EQUIPO_SIN_SUPERVISOR) != 0)
        equipo_opcion_login(a->supervisor, sizeof a->supervisor, sup);
    a->cupo = atoi(form_vm_value(f, 4));
    a->cartera = atoi(form_vm_value(f, 5));
}

/* The index of a promoter's estado when it is marked (known and not ACTIVO), else -1. */
static int
estado_marcado(const struct equipo_promotor *p)
{
    int i = estado_idx(p->estado);

    return i > 0 ? i : -1;
}

enum equipo_nivel
equipo_nivel_de(int n, double horas, double timer)
{
    double ref = timer > 0 ? timer : EQUIPO_SALIDA_HORAS;

    if (n <= 0)
        return EQUIPO_VACIA;
    if (horas >= ref)
        return EQUIPO_VENCIDA;
    if (horas * 100.0 >= 75.0 * ref)
        return EQUIPO_AVISO;
    if (horas * 2.0 >= ref)
        return EQUIPO_MEDIA;
    return EQUIPO_FRESCA;
}

static const char *
nivel_glyph(enum equipo_nivel v, bool ascii)
{
    static const char *const utf8[] = { "·", "░", "▒", "▓", "█" };
    static const char *const asc[] = { ".", ":", "+", "*", "#" };

    return ascii ? asc[v] : utf8[v];
}

static enum vm_role
nivel_role(enum equipo_nivel v)
{
    switch (v) {
    case EQUIPO_VACIA:
        return ROLE_MUTED;
    case EQUIPO_FRESCA:
    case EQUIPO_MEDIA:
        return ROLE_TIMER_OK;
    case EQUIPO_AVISO:
        return ROLE_TIMER_WARN;
    case EQUIPO_VENCIDA:
        return ROLE_TIMER_LATE;
    }
    return ROLE_TEXT;
}

void
equipo_model_init(struct equipo_model *m)
{
    memset(m, 0, sizeof *m);
}

void
equipo_model_fini(struct equipo_model *m)
{
    free(m->promotores);
    free(m->celdas);
    m->promotores = NULL;
    m->celdas = NULL;
    m->npromotores = m->nceldas = 0;
}

void
equipo_model_set_etapas(struct equipo_model *m, const struct equipo_etapa *e, int n)
{
    m->netapas = n < EQUIPO_MAX_ETAPAS ? n : EQUIPO_MAX_ETAPAS;
    for (int i = 0; i < m->netapas; i++)
        m->etapas[i] = e[i];
}

void
equipo_model_take(struct equipo_model *m, struct equipo_promotor *p, size_t np,
                  struct equipo_celda *c, size_t nc)
{
    int antes = m->npromotores > 0 ? m->promotores[m->cur].id : 0;

    equipo_model_fini(m);
    m->promotores = p;
    m->npromotores = np;
    m->celdas = c;
    m->nceldas = nc;
    m->loaded = true;
    m->error[0] = '\0';
    for (size_t i = 0; i < np; i++) {
        if (m->seguir[0] != '\0' && strcmp(p[i].login, m->seguir) == 0) {
            m->cur = (int)i;
            m->seguir[0] = '\0';
            break;
        }
        if (antes != 0 && p[i].id == antes)
            m->cur = (int)i; /* (a later match of seguir still wins) */
    }
    if (m->cur >= (int)np)
        m->cur = np > 0 ? (int)np - 1 : 0;
}

bool
equipo_model_action(struct equipo_model *m, enum action a, int page)
{
    return list_cursor_move(&m->cur, (int)m->npromotores, a, page);
}

const struct equipo_promotor *
equipo_model_selected(const struct equipo_model *m)
{
    return m->npromotores > 0 ? &m->promotores[m->cur] : NULL;
}

/* ---- view-model --------------------------------------------------------------------- */

static struct vm_line *
row(struct equipo_vm *vm, int y)
{
    return y >= 0 && y < vm->nlines ? &vm->lines[y] : NULL;
}

/* A right-aligned number cell ending at end (exclusive). */
static void
put_right(struct vm_line *l, int end, enum vm_role role, const char *text)
{
    int w = vm_text_width(text);

    vm_line_put(l, end - w, end, role, text);
}

/* text clipped to clip columns (with an ellipsis) and padded with blanks to cols, at col. */
static int
put_cell(struct vm_line *l, int col, int cols, int clip, enum vm_role role, const char *text)
{
    char buf[VM_SPAN_BYTES];
    int n = vm_clip(buf, (int)sizeof buf, text, clip, vm_ellipsis());
    size_t len = strlen(buf);

    for (; n < cols && len + 1 < sizeof buf; n++)
        buf[len++] = ' ';
    buf[len] = '\0';
    vm_line_put(l, col, col + cols, role, buf);
    return col + cols;
}

/* "◌ ausente" (ASCII "- ausente"), or the glyph alone, for estado e. */
static void
estado_tag(char *buf, size_t bufsz, int e, bool ascii, bool words)
{
    snprintf(buf, bufsz, "%s%s%s", ascii ? estados[e].ascii : estados[e].glyph, words ? " " : "",
             words ? estados[e].palabra : "");
}

/* Columns of a name cell of w left for the name beside estado e's words (then a blank, the
 * words and the cell's last blank); less than the login's width: only the glyph fits. */
static int
name_room(int e, int w, bool ascii)
{
    char tag[64];

    estado_tag(tag, sizeof tag, e, ascii, true);
    return w - vm_text_width(tag) - 2;
}

/*
 * The name cell (w columns from column 1, the last one blank): "login nombre", and for a
 * promoter who is not ACTIVO its mark after it in the estado's role: the glyph and the word
 * in place of the name while the login fits beside them ("prom2 ◌ ausente"), else the glyph
 * alone after the clipped name ("prom3 Juan Carl… ◇"; the word then goes under the table).
 */
static void
put_name(struct vm_line *l, const struct equipo_promotor *p, bool sel, int w, bool ascii)
{
    enum vm_role base = sel ? ROLE_CURSOR : ROLE_TEXT;
    int e = estado_marcado(p), lw = vm_text_width(p->login), room, tw, x;
    char name[256], tag[64];
    bool words;

    snprintf(name, sizeof name, "%s %s", p->login, p->nombre);
    if (e < 0) {
        put_cell(l, 1, w, w - 1, base, name);
        return;
    }
    words = name_room(e, w, ascii) >= lw;
    estado_tag(tag, sizeof tag, e, ascii, words);
    tw = vm_text_width(tag);
    room = words ? lw : w - tw - 2;
    x = put_cell(l, 1, room + 1, room, base, words ? p->login : name);
    put_cell(l, x, w + 1 - x, tw, sel ? base : estados[e].role, tag);
}

/*
 * Under the numbers, when some row shows an estado by its glyph alone: what each glyph says
 * (" ◇ vacaciones  ◌ ausente"), in the order of the rows.
 */
static void
put_estados_legend(struct vm_line *l, const struct equipo_model *m, int first, int n, int width)
{
    bool said[EQUIPO_ESTADOS] = { false };
    char buf[64];
    int x = 1;

    for (int i = first; i < first + n && i < (int)m->npromotores; i++) {
        const struct equipo_promotor *p = &m->promotores[i];
        int e = estado_marcado(p);

        if (e < 0 || said[e] || name_room(e, NAME_W, m->ascii) >= vm_text_width(p->login))
            continue;
        said[e] = true;
        estado_tag(buf, sizeof buf, e, m->ascii, true);
        x = vm_line_put(l, x, width, estados[e].role, buf) + 2;
    }
}

/* Where each number column ends; the last (attempts today) only when the width reaches it. */
static const int num_end[] = { NAME_W + 10, NAME_W + 20, NAME_W + 30,
                               NAME_W + 38, NAME_W + 51, NAME_W + 61 };

static int
numeros_cols(int width)
{
    return width > num_end[5] ? 6 : 5;
}

static void
put_numeros_head(struct vm_line *l, int ncols)
{
    static const char *const heads[] = { "Cartera", "Cupo hoy",    "Vencidas",
                                         "Avisos",  "Ventas sem.", "Intentos" };

    vm_line_put(l, 1, NAME_W, ROLE_HEADING, "Promotor");
    for (int i = 0; i < ncols; i++)
        put_right(l, num_end[i], ROLE_HEADING, heads[i]);
}

static void
put_numeros(struct vm_line *l, const struct equipo_promotor *p, bool sel, int ncols, bool ascii)
{
    char buf[6][32];

    put_name(l, p, sel, NAME_W, ascii);
    snprintf(buf[0], sizeof buf[0], "%d/%d", p->cartera, p->cartera_max);
    snprintf(buf[1], sizeof buf[1], "%d/%d", p->cupo_usados, p->cupo_limite);
    snprintf(buf[2], sizeof buf[2], "%d", p->vencidas);
    snprintf(buf[3], sizeof buf[3], "%d", p->avisadas);
    snprintf(buf[4], sizeof buf[4], "%d", p->ventas_semana);
    snprintf(buf[5], sizeof buf[5], "%d", p->intentos_hoy);
    put_right(l, num_end[0], p->cartera >= p->cartera_max ? ROLE_ERROR : ROLE_VALUE, buf[0]);
    put_right(l, num_end[1], ROLE_VALUE, buf[1]);
    put_right(l, num_end[2], p->vencidas > 0 ? ROLE_TIMER_LATE : ROLE_VALUE, buf[2]);
    put_right(l, num_end[3], p->avisadas > 0 ? ROLE_TIMER_WARN : ROLE_VALUE, buf[3]);
    put_right(l, num_end[4], ROLE_VALUE, buf[4]);
    if (ncols > 5)
        put_right(l, num_end[5], ROLE_VALUE, buf[5]);
}

static const struct equipo_celda *
celda(const struct equipo_model *m, int usuario, int etapa)
{
    for (size_t i = 0; i < m->nceldas; i++)
        if (m->celdas[i].usuario_id == usuario && m->celdas[i].etapa_id == etapa)
            return &m->celdas[i];
    return NULL;
}

/* How many stage columns fit and how wide each is. */
static int
heat_cols(const struct equipo_model *m, int width, int *cw)
{
    int room = width - 1 - NAME_W, n = m->netapas;

    *cw = n > 0 ? room / n : CELL_MAX;
    if (*cw > CELL_MAX)
        *cw = CELL_MAX;
    if (*cw < CELL_MIN) {
        *cw = CELL_MIN;
        n = room / CELL_MIN;
    }
    return n < m->netapas ? n : m->netapas;
}

static void
put_heat_row(struct vm_line *l, const struct equipo_model *m, const struct equipo_promotor *p,
             bool sel, int ncols, int cw)
{
    put_name(l, p, sel, NAME_W, m->ascii);
    for (int j = 0; j < ncols; j++) {
        const struct equipo_celda *c = celda(m, p->id, m->etapas[j].id);
        enum equipo_nivel v = equipo_nivel_de(c != NULL ? c->n : 0, c != NULL ? c->max_horas : 0,
                                              m->etapas[j].timer_horas);
        char buf[64];
        int x = 1 + NAME_W + j * cw;

        if (c == NULL)
            snprintf(buf, sizeof buf, "%s", nivel_glyph(v, m->ascii));
        else
            snprintf(buf, sizeof buf, "%d %s %.0fh", c->n, nivel_glyph(v, m->ascii),
                     floor(c->max_horas));
        vm_line_put(l, x, x + cw - 1, nivel_role(v), buf);
    }
}

static void
put_heat_head(struct vm_line *l, const struct equipo_model *m, int ncols, int cw)
{
    vm_line_put(l, 1, NAME_W, ROLE_HEADING, "Promotor");
    for (int j = 0; j < ncols; j++)
        vm_line_put(l, 1 + NAME_W + j * cw, NAME_W + (j + 1) * cw, ROLE_HEADING,
                    m->etapas[j].nombre);
}

static void
put_legend(struct equipo_vm *vm, const struct equipo_model *m, int y, int hidden)
{
    struct vm_line *l = row(vm, y);
    char buf[VM_SPAN_BYTES];
    int x = 1;

    if (l == NULL)
        return;
    for (int v = EQUIPO_FRESCA; v <= EQUIPO_VENCIDA; v++) {
        static const char *const words[] = { "", "< 50 %", "≥ 50 %", "≥ 75 %", "vencida" };

        snprintf(buf, sizeof buf, "%s %s", nivel_glyph((enum equipo_nivel)v, m->ascii), words[v]);
        x = vm_line_put(l, x, vm->width, nivel_role((enum equipo_nivel)v), buf) + 2;
    }
    x = vm_line_put(l, x, vm->width, ROLE_MUTED, "del timer de la etapa");
    if (hidden > 0) {
        snprintf(buf, sizeof buf, " · +%d %s", hidden, hidden == 1 ? "etapa" : "etapas");
        vm_line_put(l, x, vm->width, ROLE_MUTED, buf);
    }
}

void
equipo_vm_build(struct equipo_vm *vm, struct equipo_model *m, int width, int height)
{
    int cw, ncols, k, y;

    vm->width = width;
    vm->height = height;
    vm->nlines = height < EQUIPO_VM_LINES ? (height > 0 ? height : 0) : EQUIPO_VM_LINES;
    for (int i = 0; i < vm->nlines; i++)
        vm_line_init(&vm->lines[i], ROLE_TEXT);
    k = (vm->nlines - FIXED_ROWS) / 2;
    vm->page = k > 1 ? k : 1;
    if (vm->nlines < 2 || width <= 0)
        return;
    if (!m->loaded || m->npromotores == 0) {
        vm_line_put(&vm->lines[0], 1, width, m->error[0] != '\0' ? ROLE_ERROR : ROLE_MUTED,
                    m->error[0] != '\0' ? m->error
                    : m->loaded         ? "No hay promotores en su equipo."
                                        : "Consultando el equipo…");
        return;
    }
    if (m->cur < m->top)
        m->top = m->cur;
    if (m->cur >= m->top + vm->page)
        m->top = m->cur - vm->page + 1;
    put_numeros_head(&vm->lines[0], numeros_cols(width));
    for (int i = 0; i < vm->page && m->top + i < (int)m->npromotores; i++)
        if (row(vm, 1 + i) != NULL) {
            put_numeros(&vm->lines[1 + i], &m->promotores[m->top + i], m->top + i == m->cur,
                        numeros_cols(width), m->ascii);
            vm->lines[1 + i].item = m->top + i + 1;
        }
    k = (int)m->npromotores - m->top < vm->page ? (int)m->npromotores - m->top : vm->page;
    if (row(vm, 1 + k) != NULL)
        put_estados_legend(&vm->lines[1 + k], m, m->top, k, width);
    y = 2 + k;
    if (row(vm, y) != NULL)
        vm_line_put(&vm->lines[y], 1, width, ROLE_HEADING,
                    "Antigüedad en la etapa: la más antigua, en horas hábiles");
    ncols = heat_cols(m, width, &cw);
    if (row(vm, y + 1) != NULL)
        put_heat_head(&vm->lines[y + 1], m, ncols, cw);
    for (int i = 0; i < vm->page && m->top + i < (int)m->npromotores; i++)
        if (row(vm, y + 2 + i) != NULL) {
            put_heat_row(&vm->lines[y + 2 + i], m, &m->promotores[m->top + i], m->top + i == m->cur,
                         ncols, cw);
            vm->lines[y + 2 + i].item = m->top + i + 1; /* the same promoter, in the heatmap */
        }
    put_legend(vm, m, vm->nlines - 1, m->netapas - ncols);
    if (m->error[0] != '\0' && vm->nlines > 2)
        vm_line_put(&vm->lines[vm->nlines - 2], 1, width, ROLE_ERROR, m->error);
}

char *
equipo_vm_dump(const struct equipo_vm *vm)
{
    return vm_lines_dump(vm->lines, vm->nlines);
}
