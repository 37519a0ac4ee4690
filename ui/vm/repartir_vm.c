#include "ui/vm/repartir_vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    LABEL_X = 2,
    VALUE_X = 18,
    TABLE_Y = 8,   /* the table's header row */
    NAME_MIN = 16, /* the promoter column never gets narrower than this */
    NOTE_MIN = 14, /* the "why" column shows only with this much room */
};

void
repartir_model_init(struct repartir_model *m)
{
    memset(m, 0, sizeof *m);
    asignacion_form_init(&m->f, "20", 5000);
}

static void
filas_free(struct repartir_fila **rows, size_t *n)
{
    free(*rows);
    *rows = NULL;
    *n = 0;
}

void
repartir_model_fini(struct repartir_model *m)
{
    asignacion_form_fini(&m->f);
    filas_free(&m->plan, &m->nplan);
    filas_free(&m->res, &m->nres);
}

void
repartir_model_take_opciones(struct repartir_model *m, struct asignacion_opcion *convenios,
                             size_t nconvenios, struct asignacion_opcion *entidades,
                             size_t nentidades)
{
    asignacion_form_take_opciones(&m->f, convenios, nconvenios, entidades, nentidades);
    m->loaded = true;
    m->error[0] = '\0';
}

const char *
repartir_model_invalid(const struct repartir_model *m)
{
    if (!m->loaded)
        return "Todavía no se leen los convenios.";
    return asignacion_form_invalid(&m->f);
}

bool
repartir_model_vista_current(const struct repartir_model *m)
{
    return m->f.counted_gen == m->f.gen && m->vista_error[0] == '\0' && m->f.disponibles >= 0;
}

int
repartir_model_total(const struct repartir_model *m)
{
    int n = 0;

    for (size_t i = 0; i < m->nplan; i++)
        n += m->plan[i].recibe;
    return n;
}

/* What the promoters can take today: the sum of min(cupo left, cartera room). */
static int
room_total(const struct repartir_model *m)
{
    int n = 0;

    for (size_t i = 0; i < m->nplan; i++)
        n += m->plan[i].cupo_restante < m->plan[i].cartera_libre ? m->plan[i].cupo_restante
                                                                 : m->plan[i].cartera_libre;
    return n;
}

const char *
repartir_model_motivo(const struct repartir_model *m, char *buf, size_t bufsz)
{
    int pedido = asignacion_form_cantidad(&m->f), n = repartir_model_total(m);
    int room = room_total(m);
    char a[32];

    if (!repartir_model_vista_current(m) || n >= pedido)
        return NULL;
    if (n == 0 && m->f.disponibles == 0)
        snprintf(buf, bufsz, "No hay clientes disponibles con esos filtros.");
    else if (n == 0)
        snprintf(buf, bufsz, "Nadie tiene cupo ni cartera libre hoy.");
    else if (m->f.disponibles <= room)
        snprintf(buf, bufsz, "Pidió %d: no hay más clientes disponibles con esos filtros.", pedido);
    else
        snprintf(buf, bufsz, "Pidió %d: el cupo y la cartera del equipo solo admiten %s hoy.",
                 pedido, vm_fmt_count(a, sizeof a, room));
    return buf;
}

/* A value changed: the preview is stale and the next submission is a new one. */
static enum repartir_intent
edited(struct repartir_model *m, bool *redraw)
{
    m->has_result = false;
    m->refusal[0] = '\0';
    m->top = 0;
    *redraw = true;
    return REP_VISTA;
}

void
repartir_model_set_promotores(struct repartir_model *m, const char *logins)
{
    bool redraw;

    snprintf(m->promotores, sizeof m->promotores, "%s", logins != NULL ? logins : "");
    asignacion_form_edited(&m->f);
    edited(m, &redraw);
}

size_t
repartir_model_logins(const struct repartir_model *m, char *buf, size_t bufsz, const char **out,
                      size_t max)
{
    size_t n = 0;
    char *save = NULL;

    snprintf(buf, bufsz, "%s", m->promotores);
    for (char *t = strtok_r(buf, ", ", &save); t != NULL && n < max;
         t = strtok_r(NULL, ", ", &save))
        out[n++] = t;
    return n;
}

/* Enter: sends only what the preview showed (or a retry of the same submission). */
static enum repartir_intent
enter(struct repartir_model *m, const char *fresh_clave, bool *redraw)
{
    bool ready = repartir_model_vista_current(m) && repartir_model_total(m) > 0;

    *redraw = true;
    if (m->f.sending || repartir_model_invalid(m) != NULL)
        return REP_NADA;
    if (!ready && m->f.clave[0] == '\0') {
        if (m->f.counted_gen == m->f.gen)
            m->f.confirming = false; /* the preview says why there is nothing to deal */
        return REP_NADA;             /* or it is still coming */
    }
    if (!asignacion_form_enter(&m->f, fresh_clave))
        return REP_NADA;
    m->refusal[0] = '\0';
    return REP_REPARTIR;
}

enum repartir_intent
repartir_model_input(struct repartir_model *m, enum action a, const struct key *k, int page,
                     const char *fresh_clave, bool *redraw)
{
    *redraw = false;
    if (a == ACTION_OPEN || a == ACTION_SUBMIT || a == ACTION_CONFIRM ||
        (k != NULL && k->kind == KK_ENTER))
        return enter(m, fresh_clave, redraw);
    if (a == ACTION_BACK) {
        *redraw = true;
        if (m->f.confirming) {
            m->f.confirming = false;
            return REP_NADA;
        }
        if (m->promotores[0] != '\0') {
            repartir_model_set_promotores(m, NULL);
            return REP_VISTA;
        }
        *redraw = false;
        return REP_NADA;
    }
    if (a == ACTION_PAGE_DOWN || a == ACTION_PAGE_UP) {
        size_t n = m->has_result ? m->nres : m->nplan;

        if (a == ACTION_PAGE_DOWN && (size_t)(m->top + page) < n)
            m->top += page;
        if (a == ACTION_PAGE_UP)
            m->top = m->top > page ? m->top - page : 0;
        *redraw = true;
        return REP_NADA;
    }
    switch (asignacion_form_input(&m->f, a, k)) {
    case ASIG_FORM_EDITADO:
        return edited(m, redraw);
    case ASIG_FORM_MOVIDO:
        *redraw = true;
        return REP_NADA;
    case ASIG_FORM_NADA:
        break;
    }
    return REP_NADA;
}

bool
repartir_model_vista(struct repartir_model *m, unsigned gen, struct repartir_fila *rows, size_t n,
                     const char *refusal)
{
    if (gen != m->f.gen) {
        free(rows);
        return false;
    }
    filas_free(&m->plan, &m->nplan);
    m->plan = rows;
    m->nplan = n;
    snprintf(m->vista_error, sizeof m->vista_error, "%s", refusal != NULL ? refusal : "");
    if (refusal != NULL && m->f.clave[0] == '\0')
        m->f.confirming = false; /* nothing to confirm: the refusal says why */
    return true;
}

void
repartir_model_sent(struct repartir_model *m, struct repartir_fila *rows, size_t n, bool repetido,
                    const char *mensaje, const char *refusal)
{
    m->f.sending = false;
    if (refusal != NULL) {
        free(rows);
        m->has_result = false;
        snprintf(m->refusal, sizeof m->refusal, "%s", refusal);
        return;
    }
    filas_free(&m->res, &m->nres);
    m->res = rows;
    m->nres = n;
    m->repetido = repetido;
    m->has_result = true;
    m->refusal[0] = '\0';
    m->top = 0;
    snprintf(m->mensaje, sizeof m->mensaje, "%s", mensaje != NULL ? mensaje : "");
}

/* How many logins "a, b,c" names (the separators of repartir_model_logins). */
static size_t
contar_logins(const char *s)
{
    size_t n = 0;

    for (size_t i = 0; s[i] != '\0'; i++)
        if (s[i] != ',' && s[i] != ' ' && (i == 0 || s[i - 1] == ',' || s[i - 1] == ' '))
            n++;
    return n;
}

int
repartir_model_command(struct repartir_model *m, int argc, char **argv, struct err *e)
{
    struct asignacion_form t = m->f; /* shallow: the option arrays are shared, not freed */
    char promotores[sizeof m->promotores] = "";
    bool redraw;

    if (!m->loaded)
        return err_set(e, RC_INVAL, "todavía no se leen los convenios");
    if (argc < 2 || !asignacion_form_cantidad_ok(argv[1]))
        return err_set(e, RC_INVAL,
                       "uso: :repartir CANTIDAD [convenio=CLAVE] [entidad=CLAVE] [edad_min=N]"
                       " [edad_max=N] [promotores=LOGIN,LOGIN]");
    snprintf(t.cantidad, sizeof t.cantidad, "%s", argv[1]);
    t.convenio = t.entidad = -1;
    t.edad_min[0] = t.edad_max[0] = '\0';
    for (int i = 2; i < argc; i++) {
        if (strncmp(argv[i], "promotores=", 11) == 0) {
            if (strlen(argv[i] + 11) >= sizeof promotores)
                return err_set(e, RC_INVAL, "demasiados promotores en «%s»", argv[i]);
            snprintf(promotores, sizeof promotores, "%s", argv[i] + 11);
            if (contar_logins(promotores) > REPARTIR_PROMOTORES_MAX)
                return err_set(e, RC_INVAL, "a lo más %d promotores por reparto",
                               REPARTIR_PROMOTORES_MAX);
        } else if (asignacion_form_arg(&t, argv[i], e) != RC_OK) {
            return RC_INVAL;
        }
    }
    if (asignacion_form_invalid(&t) != NULL)
        return err_set(e, RC_INVAL, "%s", asignacion_form_invalid(&t));
    m->f = t;
    repartir_model_set_promotores(m, promotores);
    edited(m, &redraw);
    m->f.confirming = true;
    return RC_OK;
}

bool
repartir_model_dirty(const struct repartir_model *m)
{
    return m->f.gen > 1 && !m->has_result && m->f.clave[0] == '\0';
}

/* ---- view-model --------------------------------------------------------------------- */

static struct vm_line *
row(struct repartir_vm *vm, int y)
{
    return y >= 0 && y < vm->nlines ? &vm->lines[y] : NULL;
}

enum col { COL_HOY, COL_CUPO, COL_CARTERA, COL_RECIBE, COL_LOTE, NCOLS };

/* The table's columns: which show and where each ends (exclusive), right to left. */
struct table {
    bool show[NCOLS];
    int end[NCOLS];
    int name_end, note_x;
};

static const char *const heads[NCOLS] = {
    [COL_HOY] = "Recibidos hoy", [COL_CUPO] = "Cupo restante", [COL_CARTERA] = "Cartera libre",
    [COL_RECIBE] = "Recibiría",  [COL_LOTE] = "Lote",
};

/*
 * Columns that fit in width, in display order. The preview drops "Recibidos hoy" first, then
 * "Cartera libre", so "Recibiría" and the cupo always stay; the result (recibió, lote, cupo
 * after) always fits.
 */
static void
table_layout(struct table *t, bool result, int width)
{
    static const enum col keep_preview[] = { COL_RECIBE, COL_CUPO, COL_CARTERA, COL_HOY };
    static const enum col show_preview[] = { COL_HOY, COL_CUPO, COL_CARTERA, COL_RECIBE };
    static const enum col show_result[] = { COL_RECIBE, COL_LOTE, COL_CUPO };
    const enum col *show = result ? show_result : show_preview;
    int n = result ? 3 : 4, used = 0, x;

    memset(t, 0, sizeof *t);
    for (int i = 0; i < n; i++) {
        enum col c = result ? show_result[i] : keep_preview[i];
        int w = vm_text_width(heads[c]) + 2;

        if (i > 1 && LABEL_X + NAME_MIN + used + w > width - 1)
            break;
        t->show[c] = true;
        used += w;
    }
    x = width - 1 - used;
    if (x - LABEL_X - NAME_MIN > NOTE_MIN + 24)
        x = LABEL_X + NAME_MIN + 24; /* wide: the numbers follow the name, the why after */
    t->name_end = x;
    for (int i = 0; i < n; i++)
        if (t->show[show[i]]) {
            x += vm_text_width(heads[show[i]]) + 2;
            t->end[show[i]] = x;
        }
    t->note_x = x + 2;
    if (width - 1 - t->note_x < NOTE_MIN)
        t->note_x = 0; /* no room for the why */
}

static void
put_right(struct vm_line *l, int end, enum vm_role role, const char *text)
{
    vm_line_put(l, end - vm_text_width(text), end, role, text);
}

static void
put_head(struct repartir_vm *vm, const struct table *t, bool result, int y)
{
    struct vm_line *l = row(vm, y);

    if (l == NULL)
        return;
    vm_line_put(l, LABEL_X, t->name_end - 1, ROLE_HEADING, "Promotor");
    for (enum col c = COL_HOY; c < NCOLS; c++)
        if (t->show[c])
            put_right(l, t->end[c], ROLE_HEADING, result && c == COL_RECIBE ? "Recibió" : heads[c]);
    vm_line_sort(l);
}

/* Why this promoter gets less than the others (the split is even within each one's room). */
static const char *
fila_nota(const struct repartir_fila *p, int max_recibe)
{
    int room = p->cupo_restante < p->cartera_libre ? p->cupo_restante : p->cartera_libre;

    if (room == 0)
        return p->cupo_restante == 0 ? "sin cupo hoy" : "cartera llena";
    if (p->recibe == room && p->recibe < max_recibe)
        return p->cupo_restante <= p->cartera_libre ? "tope: su cupo" : "tope: su cartera";
    return NULL;
}

static void
put_fila(struct repartir_vm *vm, const struct table *t, const struct repartir_fila *p, bool result,
         int max_recibe, int y)
{
    struct vm_line *l = row(vm, y);
    char buf[256];
    const char *nota;

    if (l == NULL)
        return;
    snprintf(buf, sizeof buf, "%s · %s", p->login, p->nombre);
    vm_line_put(l, LABEL_X, t->name_end - 1, ROLE_TEXT, buf);
    if (t->show[COL_HOY]) {
        snprintf(buf, sizeof buf, "%d", p->recibidos_hoy);
        put_right(l, t->end[COL_HOY], ROLE_VALUE, buf);
    }
    if (t->show[COL_CUPO]) {
        snprintf(buf, sizeof buf, "%d", p->cupo_restante);
        put_right(l, t->end[COL_CUPO], p->cupo_restante > 0 ? ROLE_VALUE : ROLE_ERROR, buf);
    }
    if (t->show[COL_CARTERA]) {
        snprintf(buf, sizeof buf, "%d", p->cartera_libre);
        put_right(l, t->end[COL_CARTERA], p->cartera_libre > 0 ? ROLE_VALUE : ROLE_ERROR, buf);
    }
    if (t->show[COL_LOTE]) {
        snprintf(buf, sizeof buf, "%lld", p->lote_id);
        put_right(l, t->end[COL_LOTE], ROLE_VALUE, p->lote_id > 0 ? buf : "—");
    }
    snprintf(buf, sizeof buf, "%d", p->recibe);
    put_right(l, t->end[COL_RECIBE], p->recibe > 0 ? ROLE_TIMER_OK : ROLE_MUTED, buf);
    if (!result && t->note_x > 0 && (nota = fila_nota(p, max_recibe)) != NULL)
        vm_line_put(l, t->note_x, vm->width - 1, ROLE_MUTED, nota);
    vm_line_sort(l);
}

/* The table from row y, bottom rows left for the summary; returns the row after it. */
static int
put_table(struct repartir_vm *vm, const struct repartir_model *m, int y, int bottom)
{
    bool result = m->has_result;
    const struct repartir_fila *rows = result ? m->res : m->plan;
    int n = (int)(result ? m->nres : m->nplan), room = bottom - y - 1, top, max_recibe = 0;
    struct table t;
    char buf[96];

    if (n == 0 || room < 1)
        return y;
    table_layout(&t, result, vm->width);
    put_head(vm, &t, result, y);
    vm->page = room;
    top = m->top;
    if (top > n - room)
        top = n - room;
    if (top < 0)
        top = 0;
    for (int i = 0; i < n; i++)
        if (rows[i].recibe > max_recibe)
            max_recibe = rows[i].recibe;
    for (int i = 0; i < room && top + i < n; i++)
        put_fila(vm, &t, &rows[top + i], result, max_recibe, y + 1 + i);
    if (n > room) { /* more than fit: say which are shown, over the header's name */
        struct vm_line *l = row(vm, y);

        snprintf(buf, sizeof buf, "%d–%d de %d", top + 1, top + room < n ? top + room : n, n);
        if (l != NULL) {
            vm_line_put(l, LABEL_X + 10, t.name_end - 1, ROLE_MUTED, buf);
            vm_line_sort(l);
        }
    }
    return y + 1 + (n < room ? n : room);
}

/* The total, why fewer, and the submission's state, from row y. */
static void
put_resumen(struct repartir_vm *vm, const struct repartir_model *m, int y)
{
    struct vm_line *l = row(vm, y), *l2 = row(vm, y + 1), *l3 = row(vm, y + 2);
    const char *bad = repartir_model_invalid(m), *motivo;
    char buf[768], a[32], b[32];
    int n = repartir_model_total(m);

    if (l == NULL)
        return;
    if (m->has_result) {
        snprintf(buf, sizeof buf, "%s: %s.", m->repetido ? "Sin cambios" : "Listo", m->mensaje);
        vm_line_put(l, LABEL_X, vm->width - 1, ROLE_TIMER_OK, buf);
    } else if (bad != NULL) {
        vm_line_put(l, LABEL_X, vm->width - 1, ROLE_ERROR, bad);
    } else if (m->vista_error[0] != '\0' && m->f.counted_gen == m->f.gen) {
        vm_line_put(l, LABEL_X, vm->width - 1, ROLE_ERROR, m->vista_error);
    } else if (!repartir_model_vista_current(m)) {
        vm_line_put(l, LABEL_X, vm->width - 1, ROLE_MUTED, "Calculando la vista previa…");
    } else {
        snprintf(buf, sizeof buf, "Se repartirían %s de %s disponibles.",
                 vm_fmt_count(a, sizeof a, n), vm_fmt_count(b, sizeof b, m->f.disponibles));
        vm_line_put(l, LABEL_X, vm->width - 1, n > 0 ? ROLE_VALUE : ROLE_ERROR, buf);
        if (l2 != NULL && (motivo = repartir_model_motivo(m, buf, sizeof buf)) != NULL)
            vm_line_put(l2, LABEL_X, vm->width - 1, ROLE_TIMER_WARN, motivo);
    }
    if (l3 == NULL)
        return;
    if (m->f.sending) {
        vm_line_put(l3, LABEL_X, vm->width - 1, ROLE_MUTED, "Repartiendo…");
    } else if (m->f.confirming) {
        size_t k = 0;

        for (size_t i = 0; i < m->nplan; i++)
            k += m->plan[i].recibe > 0;
        if (repartir_model_vista_current(m) && n > 0)
            snprintf(buf, sizeof buf, "¿Repartir %d entre %zu %s? Enter confirma · Esc cancela", n,
                     k, k == 1 ? "promotor" : "promotores");
        else
            snprintf(buf, sizeof buf, "¿Repartir? Espere la vista previa · Esc cancela");
        vm_line_put(l3, LABEL_X, vm->width - 1, ROLE_CURSOR, buf);
    } else if (m->refusal[0] != '\0') {
        vm_line_put(l3, LABEL_X, vm->width - 1, ROLE_ERROR, m->refusal);
    }
}

void
repartir_vm_build(struct repartir_vm *vm, const struct repartir_model *m, int width, int height)
{
    struct vm_line *l;
    char buf[320];
    int y, bottom;

    vm->width = width;
    vm->height = height;
    vm->page = 1;
    vm->nlines = height < REPARTIR_VM_LINES ? (height > 0 ? height : 0) : REPARTIR_VM_LINES;
    for (y = 0; y < vm->nlines; y++)
        vm_line_init(&vm->lines[y], ROLE_TEXT);
    if ((l = row(vm, 0)) == NULL || width <= 0)
        return;
    if (m->promotores[0] != '\0')
        snprintf(buf, sizeof buf, "Repartir clientes a %s", m->promotores);
    else
        snprintf(buf, sizeof buf, "Repartir clientes al equipo");
    vm_line_put(l, 1, width - 1, ROLE_HEADING, buf);
    if (!m->loaded) {
        if ((l = row(vm, 2)) != NULL)
            vm_line_put(l, LABEL_X, width - 1, m->error[0] != '\0' ? ROLE_ERROR : ROLE_MUTED,
                        m->error[0] != '\0' ? m->error : "Consultando los convenios…");
        return;
    }
    asignacion_form_put(vm->lines, vm->nlines, 2, width, VALUE_X, &m->f, m->ascii);
    /* The summary takes the last three rows (at least right below the fields). */
    bottom = vm->nlines - 3 > TABLE_Y ? vm->nlines - 3 : TABLE_Y;
    y = put_table(vm, m, TABLE_Y, bottom);
    put_resumen(vm, m, y == TABLE_Y ? y : y + 1 < bottom ? y + 1 : bottom);
}

char *
repartir_vm_dump(const struct repartir_vm *vm)
{
    return vm_lines_dump(vm->lines, vm->nlines);
}
