#include "ui/vm/asignacion_vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    LABEL_X = 2,
    VALUE_X = 18,
    NUM_X = 36, /* right edge (exclusive) of the numbers in the summary */
};

void
asignacion_model_init(struct asignacion_model *m)
{
    memset(m, 0, sizeof *m);
    asignacion_form_init(&m->f, "20", 1000);
}

void
asignacion_model_fini(struct asignacion_model *m)
{
    asignacion_form_fini(&m->f);
}

void
asignacion_model_take_ctx(struct asignacion_model *m, bool promotor, const char *estado,
                          int cupo_limite, int cupo_usados, int cartera, int cartera_max,
                          struct asignacion_opcion *convenios, size_t nconvenios,
                          struct asignacion_opcion *entidades, size_t nentidades)
{
    asignacion_form_take_opciones(&m->f, convenios, nconvenios, entidades, nentidades);
    m->promotor = promotor;
    snprintf(m->estado, sizeof m->estado, "%s", estado);
    m->cupo_limite = cupo_limite;
    m->cupo_usados = cupo_usados;
    m->cartera = cartera;
    m->cartera_max = cartera_max;
    m->loaded = true;
    m->error[0] = '\0';
}

const char *
asignacion_model_invalid(const struct asignacion_model *m)
{
    if (!m->loaded)
        return "Todavía no se leen su cupo y los convenios.";
    if (!m->promotor)
        return "Solo un promotor puede pedir clientes.";
    return asignacion_form_invalid(&m->f);
}

int
asignacion_model_preview(const struct asignacion_model *m)
{
    int n = asignacion_form_cantidad(&m->f);
    int cupo = m->cupo_limite - m->cupo_usados, room = m->cartera_max - m->cartera;

    if (cupo < n)
        n = cupo;
    if (room < n)
        n = room;
    if (m->f.disponibles >= 0 && m->f.disponibles < n)
        n = (int)m->f.disponibles;
    return n > 0 ? n : 0;
}

bool
asignacion_model_dirty(const struct asignacion_model *m)
{
    return m->f.gen > 1 && !m->has_result && m->f.clave[0] == '\0';
}

/* A field changed: counts are stale and the next submission is a new request. */
static enum asignacion_intent
edited(struct asignacion_model *m, bool *redraw)
{
    m->has_result = false;
    m->refusal[0] = '\0';
    *redraw = true;
    return ASIG_CONTAR;
}

static enum asignacion_intent
enter(struct asignacion_model *m, const char *fresh_clave, bool *redraw)
{
    *redraw = true;
    if (m->f.sending)
        return ASIG_NADA; /* in flight: a second Enter does nothing */
    if (asignacion_model_invalid(m) != NULL) {
        m->refusal[0] = '\0';
        return ASIG_NADA;
    }
    if (!asignacion_form_enter(&m->f, fresh_clave))
        return ASIG_NADA;
    m->refusal[0] = '\0';
    return ASIG_PEDIR;
}

enum asignacion_intent
asignacion_model_input(struct asignacion_model *m, enum action a, const struct key *k,
                       const char *fresh_clave, bool *redraw)
{
    *redraw = false;
    if (a == ACTION_OPEN || a == ACTION_SUBMIT || a == ACTION_CONFIRM ||
        (k != NULL && k->kind == KK_ENTER))
        return enter(m, fresh_clave, redraw);
    if (a == ACTION_BACK && m->f.confirming) {
        m->f.confirming = false;
        *redraw = true;
        return ASIG_NADA;
    }
    switch (asignacion_form_input(&m->f, a, k)) {
    case ASIG_FORM_EDITADO:
        return edited(m, redraw);
    case ASIG_FORM_MOVIDO:
        *redraw = true;
        return ASIG_NADA;
    case ASIG_FORM_NADA:
        break;
    }
    return ASIG_NADA;
}

void
asignacion_model_sent(struct asignacion_model *m, const struct asignacion_resultado *res,
                      const char *refusal)
{
    m->f.sending = false;
    if (res != NULL) {
        m->res = *res;
        m->has_result = true;
        m->refusal[0] = '\0';
        m->cupo_usados = m->cupo_limite - res->cupo_restante;
        return;
    }
    m->has_result = false;
    snprintf(m->refusal, sizeof m->refusal, "%s", refusal != NULL ? refusal : "");
}

int
asignacion_model_command(struct asignacion_model *m, int argc, char **argv, struct err *e)
{
    struct asignacion_form t = m->f; /* shallow: the option arrays are shared, not freed */
    bool redraw;

    if (!m->loaded)
        return err_set(e, RC_INVAL, "todavía no se leen su cupo y los convenios");
    if (argc < 2 || !asignacion_form_cantidad_ok(argv[1]))
        return err_set(e, RC_INVAL,
                       "uso: :asignar CANTIDAD [convenio=CLAVE] [entidad=CLAVE]"
                       " [edad_min=N] [edad_max=N]");
    snprintf(t.cantidad, sizeof t.cantidad, "%s", argv[1]);
    t.convenio = t.entidad = -1;
    t.edad_min[0] = t.edad_max[0] = '\0';
    for (int i = 2; i < argc; i++)
        if (asignacion_form_arg(&t, argv[i], e) != RC_OK)
            return RC_INVAL;
    m->f = t;
    asignacion_form_edited(&m->f);
    edited(m, &redraw);
    if (asignacion_model_invalid(m) != NULL)
        return err_set(e, RC_INVAL, "%s", asignacion_model_invalid(m));
    m->f.confirming = true;
    return RC_OK;
}

/* ---- view-model --------------------------------------------------------------------- */

static struct vm_line *
row(struct asignacion_vm *vm, int y)
{
    return y >= 0 && y < vm->nlines ? &vm->lines[y] : NULL;
}

/* "label ..... value" with the value ending at NUM_X. */
static void
put_num(struct asignacion_vm *vm, int y, const char *label, const char *value, const char *note,
        enum vm_role vrole)
{
    struct vm_line *l = row(vm, y);
    int w = vm_text_width(value);

    if (l == NULL)
        return;
    vm_line_put(l, LABEL_X, NUM_X - w - 1, ROLE_LABEL, label);
    vm_line_put(l, NUM_X - w, vm->width - 1, vrole, value);
    if (note != NULL)
        vm_line_put(l, NUM_X + 2, vm->width - 1, ROLE_MUTED, note);
}

static void
put_resumen(struct asignacion_vm *vm, const struct asignacion_model *m, int y)
{
    char a[32], b[32], buf[96], note[96];
    int cupo = m->cupo_limite - m->cupo_usados;

    if (m->f.counting || m->f.counted_gen != m->f.gen)
        put_num(vm, y, "Disponibles", "…", "contando", ROLE_MUTED);
    else
        put_num(vm, y, "Disponibles",
                m->f.disponibles >= 0 ? vm_fmt_count(a, sizeof a, m->f.disponibles) : "—",
                "con estos filtros", ROLE_VALUE);
    snprintf(buf, sizeof buf, "%s de %s", vm_fmt_count(a, sizeof a, cupo > 0 ? cupo : 0),
             vm_fmt_count(b, sizeof b, m->cupo_limite));
    snprintf(note, sizeof note, "usados hoy: %d", m->cupo_usados);
    put_num(vm, y + 1, "Cupo de hoy", buf, note, cupo > 0 ? ROLE_VALUE : ROLE_ERROR);
    snprintf(buf, sizeof buf, "%s de %s", vm_fmt_count(a, sizeof a, m->cartera),
             vm_fmt_count(b, sizeof b, m->cartera_max));
    put_num(vm, y + 2, "Cartera", buf, NULL, m->cartera < m->cartera_max ? ROLE_VALUE : ROLE_ERROR);
}

/* The preview, the confirmation, the result or what is wrong. */
static void
put_estado(struct asignacion_vm *vm, const struct asignacion_model *m, int y)
{
    struct vm_line *l = row(vm, y), *l2 = row(vm, y + 1);
    const char *bad = asignacion_model_invalid(m);
    char buf[640];
    int n = asignacion_model_preview(m);

    if (l == NULL)
        return;
    if (m->f.sending) {
        vm_line_put(l, LABEL_X, vm->width - 1, ROLE_MUTED, "Pidiendo el lote…");
    } else if (m->refusal[0] != '\0') {
        vm_line_put(l, LABEL_X, vm->width - 1, ROLE_ERROR, m->refusal);
    } else if (m->has_result) {
        snprintf(buf, sizeof buf, "%s lote %lld: %d de %d %s; le quedan %d de cupo hoy.",
                 m->res.repetido ? "Ya tenía el" : "Listo,", (long long)m->res.lote_id,
                 m->res.asignados, m->res.solicitados,
                 m->res.solicitados == 1 ? "asignado" : "asignados", m->res.cupo_restante);
        vm_line_put(l, LABEL_X, vm->width - 1, ROLE_TIMER_OK, buf);
        if (m->res.mensaje[0] != '\0' && l2 != NULL && !m->f.confirming)
            vm_line_put(l2, LABEL_X, vm->width - 1, ROLE_MUTED, m->res.mensaje);
    } else if (bad != NULL) {
        vm_line_put(l, LABEL_X, vm->width - 1, ROLE_ERROR, bad);
    } else {
        snprintf(buf, sizeof buf, "Vista previa: se asignarán %d de %d; le quedarán %d de cupo.", n,
                 asignacion_form_cantidad(&m->f), m->cupo_limite - m->cupo_usados - n);
        vm_line_put(l, LABEL_X, vm->width - 1, n > 0 ? ROLE_VALUE : ROLE_ERROR, buf);
    }
    if (l2 != NULL && m->f.confirming)
        vm_line_put(l2, LABEL_X, vm->width - 1, ROLE_CURSOR,
                    "¿Pedir el lote? Enter confirma · Esc cancela");
}

void
asignacion_vm_build(struct asignacion_vm *vm, const struct asignacion_model *m, int width,
                    int height)
{
    struct vm_line *l;

    vm->width = width;
    vm->height = height;
    vm->nlines = height < ASIGNACION_VM_LINES ? (height > 0 ? height : 0) : ASIGNACION_VM_LINES;
    for (int y = 0; y < vm->nlines; y++)
        vm_line_init(&vm->lines[y], ROLE_TEXT);
    if ((l = row(vm, 0)) == NULL || width <= 0)
        return;
    vm_line_put(l, 1, width - 1, ROLE_HEADING, "Pedir un lote de clientes");
    if (!m->loaded) {
        if ((l = row(vm, 2)) != NULL)
            vm_line_put(l, LABEL_X, width - 1, m->error[0] != '\0' ? ROLE_ERROR : ROLE_MUTED,
                        m->error[0] != '\0' ? m->error : "Consultando su cupo…");
        return;
    }
    asignacion_form_put(vm->lines, vm->nlines, 2, width, VALUE_X, &m->f, m->ascii);
    put_resumen(vm, m, 8);
    put_estado(vm, m, 12);
}

char *
asignacion_vm_dump(const struct asignacion_vm *vm)
{
    return vm_lines_dump(vm->lines, vm->nlines);
}
