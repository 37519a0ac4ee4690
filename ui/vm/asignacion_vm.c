#include "ui/vm/asignacion_vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    LABEL_X = 2,
    VALUE_X = 18,
    NUM_X = 36, /* right edge (exclusive) of the numbers in the summary */
};

static const char *const campo_labels[ASIG_CAMPOS] = {
    [ASIG_CANTIDAD] = "Cantidad",    [ASIG_CONVENIO] = "Convenio",    [ASIG_ENTIDAD] = "Entidad",
    [ASIG_EDAD_MIN] = "Edad mínima", [ASIG_EDAD_MAX] = "Edad máxima",
};

void
asignacion_model_init(struct asignacion_model *m)
{
    memset(m, 0, sizeof *m);
    m->convenio = m->entidad = -1;
    m->disponibles = -1;
    snprintf(m->cantidad, sizeof m->cantidad, "20");
    m->gen = 1;
}

void
asignacion_model_fini(struct asignacion_model *m)
{
    free(m->convenios);
    free(m->entidades);
    m->convenios = m->entidades = NULL;
    m->nconvenios = m->nentidades = 0;
}

/* The index of clave in opts (n of them), or -1. */
static int
opcion_find(const struct asignacion_opcion *opts, size_t n, const char *clave)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(opts[i].clave, clave) == 0)
            return (int)i;
    return -1;
}

void
asignacion_model_take_ctx(struct asignacion_model *m, bool promotor, const char *estado,
                          int cupo_limite, int cupo_usados, int cartera, int cartera_max,
                          struct asignacion_opcion *convenios, size_t nconvenios,
                          struct asignacion_opcion *entidades, size_t nentidades)
{
    char conv[48] = "", ent[48] = "";

    if (m->convenio >= 0)
        snprintf(conv, sizeof conv, "%s", m->convenios[m->convenio].clave);
    if (m->entidad >= 0)
        snprintf(ent, sizeof ent, "%s", m->entidades[m->entidad].clave);
    asignacion_model_fini(m);
    m->convenios = convenios;
    m->nconvenios = nconvenios;
    m->entidades = entidades;
    m->nentidades = nentidades;
    m->convenio = conv[0] != '\0' ? opcion_find(convenios, nconvenios, conv) : -1;
    m->entidad = ent[0] != '\0' ? opcion_find(entidades, nentidades, ent) : -1;
    m->promotor = promotor;
    snprintf(m->estado, sizeof m->estado, "%s", estado);
    m->cupo_limite = cupo_limite;
    m->cupo_usados = cupo_usados;
    m->cartera = cartera;
    m->cartera_max = cartera_max;
    m->loaded = true;
    m->error[0] = '\0';
}

int
asignacion_model_cantidad(const struct asignacion_model *m)
{
    return atoi(m->cantidad);
}

const char *
asignacion_model_convenio(const struct asignacion_model *m)
{
    return m->convenio >= 0 ? m->convenios[m->convenio].clave : NULL;
}

const char *
asignacion_model_entidad(const struct asignacion_model *m)
{
    return m->entidad >= 0 ? m->entidades[m->entidad].clave : NULL;
}

int
asignacion_model_edad_min(const struct asignacion_model *m)
{
    return atoi(m->edad_min);
}

int
asignacion_model_edad_max(const struct asignacion_model *m)
{
    return atoi(m->edad_max);
}

const char *
asignacion_model_invalid(const struct asignacion_model *m)
{
    int n = asignacion_model_cantidad(m), lo = asignacion_model_edad_min(m);
    int hi = asignacion_model_edad_max(m);

    if (!m->loaded)
        return "Todavía no se leen tu cupo y los convenios.";
    if (!m->promotor)
        return "Solo un promotor puede pedir clientes.";
    if (n < 1 || n > 1000)
        return "La cantidad va de 1 a 1000.";
    if ((m->edad_min[0] != '\0' && (lo < 18 || lo > 110)) ||
        (m->edad_max[0] != '\0' && (hi < 18 || hi > 110)))
        return "Las edades van de 18 a 110.";
    if (lo > 0 && hi > 0 && lo > hi)
        return "La edad mínima es mayor que la máxima.";
    return NULL;
}

int
asignacion_model_preview(const struct asignacion_model *m)
{
    int n = asignacion_model_cantidad(m);
    int cupo = m->cupo_limite - m->cupo_usados, room = m->cartera_max - m->cartera;

    if (cupo < n)
        n = cupo;
    if (room < n)
        n = room;
    if (m->disponibles >= 0 && m->disponibles < n)
        n = (int)m->disponibles;
    return n > 0 ? n : 0;
}

bool
asignacion_model_dirty(const struct asignacion_model *m)
{
    return m->gen > 1 && !m->has_result && m->clave[0] == '\0';
}

/* A field changed: counts are stale and the next submission is a new request. */
static enum asignacion_intent
edited(struct asignacion_model *m, bool *redraw)
{
    m->gen++;
    m->clave[0] = '\0';
    m->confirming = false;
    m->has_result = false;
    m->refusal[0] = '\0';
    *redraw = true;
    return ASIG_CONTAR;
}

static char *
campo_text(struct asignacion_model *m, size_t *sz)
{
    switch (m->campo) {
    case ASIG_CANTIDAD:
        *sz = sizeof m->cantidad;
        return m->cantidad;
    case ASIG_EDAD_MIN:
        *sz = sizeof m->edad_min;
        return m->edad_min;
    case ASIG_EDAD_MAX:
        *sz = sizeof m->edad_max;
        return m->edad_max;
    default:
        return NULL;
    }
}

/* Digits and Backspace in a number field. */
static enum asignacion_intent
type_key(struct asignacion_model *m, const struct key *k, bool *redraw)
{
    size_t sz = 0, len;
    char *t = campo_text(m, &sz);

    if (t == NULL || k == NULL)
        return ASIG_NADA;
    len = strlen(t);
    if (k->kind == KK_CHAR && k->ch >= '0' && k->ch <= '9' && len + 1 < sz) {
        t[len] = (char)k->ch;
        t[len + 1] = '\0';
        return edited(m, redraw);
    }
    if (k->kind == KK_BACKSPACE && len > 0) {
        t[len - 1] = '\0';
        return edited(m, redraw);
    }
    return ASIG_NADA;
}

/* ←/→ on a choice: any → first → … → last → any. */
static enum asignacion_intent
cycle(struct asignacion_model *m, int dir, bool *redraw)
{
    int *v = m->campo == ASIG_CONVENIO  ? &m->convenio
             : m->campo == ASIG_ENTIDAD ? &m->entidad
                                        : NULL;
    int n = (int)(m->campo == ASIG_CONVENIO ? m->nconvenios : m->nentidades);

    if (v == NULL || n == 0)
        return ASIG_NADA;
    *v += dir;
    if (*v >= n)
        *v = -1;
    if (*v < -1)
        *v = n - 1;
    return edited(m, redraw);
}

static enum asignacion_intent
enter(struct asignacion_model *m, const char *fresh_clave, bool *redraw)
{
    *redraw = true;
    if (m->sending)
        return ASIG_NADA; /* in flight: a second Enter does nothing */
    if (asignacion_model_invalid(m) != NULL) {
        m->refusal[0] = '\0';
        return ASIG_NADA;
    }
    if (!m->confirming) {
        m->confirming = true;
        return ASIG_NADA;
    }
    m->confirming = false;
    if (m->clave[0] == '\0')
        snprintf(m->clave, sizeof m->clave, "%s", fresh_clave);
    m->sending = true;
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
    if (a == ACTION_BACK && m->confirming) {
        m->confirming = false;
        *redraw = true;
        return ASIG_NADA;
    }
    if (a == ACTION_UP || a == ACTION_DOWN || a == ACTION_NEXT_FIELD || a == ACTION_PREV_FIELD) {
        int d = a == ACTION_UP || a == ACTION_PREV_FIELD ? -1 : 1;

        m->campo = (m->campo + d + ASIG_CAMPOS) % ASIG_CAMPOS;
        m->confirming = false;
        *redraw = true;
        return ASIG_NADA;
    }
    if (a == ACTION_LEFT || a == ACTION_RIGHT)
        return cycle(m, a == ACTION_LEFT ? -1 : 1, redraw);
    return type_key(m, k, redraw);
}

bool
asignacion_model_counted(struct asignacion_model *m, unsigned gen, long long total,
                         const char *const *claves, const long long *por_convenio, size_t n)
{
    m->counting = false;
    if (gen != m->gen)
        return false;
    m->disponibles = total;
    m->counted_gen = gen;
    for (size_t i = 0; i < m->nconvenios; i++)
        m->convenios[i].disponibles = 0; /* groups with 0 are omitted by api.disponibles */
    for (size_t i = 0; i < n; i++) {
        int j = opcion_find(m->convenios, m->nconvenios, claves[i]);

        if (j >= 0)
            m->convenios[j].disponibles = por_convenio[i];
    }
    return true;
}

void
asignacion_model_sent(struct asignacion_model *m, const struct asignacion_resultado *res,
                      const char *refusal)
{
    m->sending = false;
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

/* Applies one "key=value" of :asignar to a copy of the form. */
static int
command_arg(struct asignacion_model *m, const char *arg, struct err *e)
{
    const char *eq = strchr(arg, '=');
    size_t klen = eq != NULL ? (size_t)(eq - arg) : 0;
    const char *v = eq != NULL ? eq + 1 : "";

    if (klen == 8 && strncmp(arg, "convenio", 8) == 0) {
        m->convenio = opcion_find(m->convenios, m->nconvenios, v);
        if (m->convenio < 0)
            return err_set(e, RC_INVAL, "no hay un convenio activo «%s»", v);
    } else if (klen == 7 && strncmp(arg, "entidad", 7) == 0) {
        m->entidad = opcion_find(m->entidades, m->nentidades, v);
        if (m->entidad < 0)
            return err_set(e, RC_INVAL, "no hay una entidad «%s»", v);
    } else if (klen == 8 && strncmp(arg, "edad_min", 8) == 0 && strlen(v) < sizeof m->edad_min &&
               strspn(v, "0123456789") == strlen(v)) {
        snprintf(m->edad_min, sizeof m->edad_min, "%s", v);
    } else if (klen == 8 && strncmp(arg, "edad_max", 8) == 0 && strlen(v) < sizeof m->edad_max &&
               strspn(v, "0123456789") == strlen(v)) {
        snprintf(m->edad_max, sizeof m->edad_max, "%s", v);
    } else {
        return err_set(e, RC_INVAL, "no entiendo «%s» (convenio=, entidad=, edad_min=, edad_max=)",
                       arg);
    }
    return RC_OK;
}

int
asignacion_model_command(struct asignacion_model *m, int argc, char **argv, struct err *e)
{
    struct asignacion_model t = *m; /* shallow: the option arrays are shared, not freed */
    bool redraw;

    if (!m->loaded)
        return err_set(e, RC_INVAL, "todavía no se leen tu cupo y los convenios");
    if (argc < 2 || strlen(argv[1]) >= sizeof t.cantidad ||
        strspn(argv[1], "0123456789") != strlen(argv[1]))
        return err_set(e, RC_INVAL,
                       "uso: :asignar CANTIDAD [convenio=CLAVE] [entidad=CLAVE]"
                       " [edad_min=N] [edad_max=N]");
    snprintf(t.cantidad, sizeof t.cantidad, "%s", argv[1]);
    t.convenio = t.entidad = -1;
    t.edad_min[0] = t.edad_max[0] = '\0';
    for (int i = 2; i < argc; i++)
        if (command_arg(&t, argv[i], e) != RC_OK)
            return RC_INVAL;
    *m = t;
    edited(m, &redraw);
    if (asignacion_model_invalid(m) != NULL)
        return err_set(e, RC_INVAL, "%s", asignacion_model_invalid(m));
    m->confirming = true;
    return RC_OK;
}

/* ---- view-model --------------------------------------------------------------------- */

static struct vm_line *
row(struct asignacion_vm *vm, int y)
{
    return y >= 0 && y < vm->nlines ? &vm->lines[y] : NULL;
}

static void
put_campo(struct asignacion_vm *vm, const struct asignacion_model *m, int c, int y)
{
    struct vm_line *l = row(vm, y);
    char buf[512], cnt[32];
    bool focus = m->campo == c;
    const struct asignacion_opcion *o = NULL;
    int x;

    if (l == NULL)
        return;
    vm_line_put(l, LABEL_X, VALUE_X - 1, focus ? ROLE_HEADING : ROLE_LABEL, campo_labels[c]);
    if (c == ASIG_CONVENIO && m->convenio >= 0)
        o = &m->convenios[m->convenio];
    if (c == ASIG_ENTIDAD && m->entidad >= 0)
        o = &m->entidades[m->entidad];
    if (c == ASIG_CONVENIO || c == ASIG_ENTIDAD)
        snprintf(buf, sizeof buf, "%s %s%s%s %s", m->ascii ? "<" : "◂",
                 o != NULL ? o->clave : "cualquiera", o != NULL ? " — " : "",
                 o != NULL ? o->nombre : "", m->ascii ? ">" : "▸");
    else
        snprintf(buf, sizeof buf, "%s%s",
                 c == ASIG_CANTIDAD   ? m->cantidad
                 : c == ASIG_EDAD_MIN ? m->edad_min
                                      : m->edad_max,
                 focus ? (m->ascii ? "_" : "▏") : "");
    x = vm_line_put(l, VALUE_X, vm->width - 1, focus ? ROLE_CURSOR : ROLE_VALUE,
                    buf[0] != '\0' ? buf : "—");
    if (o != NULL && c == ASIG_CONVENIO && o->disponibles >= 0) {
        snprintf(buf, sizeof buf, "%s disponibles", vm_fmt_count(cnt, sizeof cnt, o->disponibles));
        vm_line_put(l, x + 2, vm->width - 1, ROLE_MUTED, buf);
    }
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

    if (m->counting || m->counted_gen != m->gen)
        put_num(vm, y, "Disponibles", "…", "contando", ROLE_MUTED);
    else
        put_num(vm, y, "Disponibles",
                m->disponibles >= 0 ? vm_fmt_count(a, sizeof a, m->disponibles) : "—",
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
    if (m->sending) {
        vm_line_put(l, LABEL_X, vm->width - 1, ROLE_MUTED, "Pidiendo el lote…");
    } else if (m->refusal[0] != '\0') {
        vm_line_put(l, LABEL_X, vm->width - 1, ROLE_ERROR, m->refusal);
    } else if (m->has_result) {
        snprintf(buf, sizeof buf, "%s lote %lld: %d de %d asignados; te quedan %d de cupo hoy.",
                 m->res.repetido ? "Ya tenías el" : "Listo,", (long long)m->res.lote_id,
                 m->res.asignados, m->res.solicitados, m->res.cupo_restante);
        vm_line_put(l, LABEL_X, vm->width - 1, ROLE_TIMER_OK, buf);
        if (m->res.mensaje[0] != '\0' && l2 != NULL && !m->confirming)
            vm_line_put(l2, LABEL_X, vm->width - 1, ROLE_MUTED, m->res.mensaje);
    } else if (bad != NULL) {
        vm_line_put(l, LABEL_X, vm->width - 1, ROLE_ERROR, bad);
    } else {
        snprintf(buf, sizeof buf, "Vista previa: se asignarán %d de %d; te quedarán %d de cupo.", n,
                 asignacion_model_cantidad(m), m->cupo_limite - m->cupo_usados - n);
        vm_line_put(l, LABEL_X, vm->width - 1, n > 0 ? ROLE_VALUE : ROLE_ERROR, buf);
    }
    if (l2 != NULL && m->confirming)
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
                        m->error[0] != '\0' ? m->error : "Consultando tu cupo…");
        return;
    }
    for (int c = 0; c < ASIG_CAMPOS; c++)
        put_campo(vm, m, c, 2 + c);
    put_resumen(vm, m, 8);
    put_estado(vm, m, 12);
}

char *
asignacion_vm_dump(const struct asignacion_vm *vm)
{
    return vm_lines_dump(vm->lines, vm->nlines);
}
