#include "ui/vm/asignacion_form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { LABEL_X = 2 };

static const char *const campo_labels[ASIG_CAMPOS] = {
    [ASIG_CANTIDAD] = "Cantidad",    [ASIG_CONVENIO] = "Convenio",    [ASIG_ENTIDAD] = "Entidad",
    [ASIG_EDAD_MIN] = "Edad mínima", [ASIG_EDAD_MAX] = "Edad máxima",
};

void
asignacion_form_init(struct asignacion_form *f, const char *cantidad, int cantidad_max)
{
    memset(f, 0, sizeof *f);
    f->cantidad_max = cantidad_max;
    f->convenio = f->entidad = -1;
    f->disponibles = -1;
    snprintf(f->cantidad, sizeof f->cantidad, "%s", cantidad);
    f->gen = 1;
}

void
asignacion_form_fini(struct asignacion_form *f)
{
    free(f->convenios);
    free(f->entidades);
    f->convenios = f->entidades = NULL;
    f->nconvenios = f->nentidades = 0;
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
asignacion_form_take_opciones(struct asignacion_form *f, struct asignacion_opcion *convenios,
                              size_t nconvenios, struct asignacion_opcion *entidades,
                              size_t nentidades)
{
    char conv[48] = "", ent[48] = "";

    if (f->convenio >= 0)
        snprintf(conv, sizeof conv, "%s", f->convenios[f->convenio].clave);
    if (f->entidad >= 0)
        snprintf(ent, sizeof ent, "%s", f->entidades[f->entidad].clave);
    asignacion_form_fini(f);
    f->convenios = convenios;
    f->nconvenios = nconvenios;
    f->entidades = entidades;
    f->nentidades = nentidades;
    f->convenio = conv[0] != '\0' ? opcion_find(convenios, nconvenios, conv) : -1;
    f->entidad = ent[0] != '\0' ? opcion_find(entidades, nentidades, ent) : -1;
}

int
asignacion_form_cantidad(const struct asignacion_form *f)
{
    return atoi(f->cantidad);
}

const char *
asignacion_form_convenio(const struct asignacion_form *f)
{
    return f->convenio >= 0 ? f->convenios[f->convenio].clave : NULL;
}

const char *
asignacion_form_entidad(const struct asignacion_form *f)
{
    return f->entidad >= 0 ? f->entidades[f->entidad].clave : NULL;
}

int
asignacion_form_edad_min(const struct asignacion_form *f)
{
    return atoi(f->edad_min);
}

int
asignacion_form_edad_max(const struct asignacion_form *f)
{
    return atoi(f->edad_max);
}

const char *
asignacion_form_invalid(const struct asignacion_form *f)
{
    int n = asignacion_form_cantidad(f), lo = asignacion_form_edad_min(f);
    int hi = asignacion_form_edad_max(f);

    if (n < 1 || n > f->cantidad_max)
        return f->cantidad_max == 1000 ? "La cantidad va de 1 a 1000."
                                       : "La cantidad va de 1 a 5000.";
    if ((f->edad_min[0] != '\0' && (lo < 18 || lo > 110)) ||
        (f->edad_max[0] != '\0' && (hi < 18 || hi > 110)))
        return "Las edades van de 18 a 110.";
    if (lo > 0 && hi > 0 && lo > hi)
        return "La edad mínima es mayor que la máxima.";
    return NULL;
}

bool
asignacion_form_number_field(const struct asignacion_form *f)
{
    return f->campo != ASIG_CONVENIO && f->campo != ASIG_ENTIDAD;
}

void
asignacion_form_edited(struct asignacion_form *f)
{
    f->gen++;
    f->clave[0] = '\0';
    f->confirming = false;
}

static char *
campo_text(struct asignacion_form *f, size_t *sz)
{
    switch (f->campo) {
    case ASIG_CANTIDAD:
        *sz = sizeof f->cantidad;
        return f->cantidad;
    case ASIG_EDAD_MIN:
        *sz = sizeof f->edad_min;
        return f->edad_min;
    case ASIG_EDAD_MAX:
        *sz = sizeof f->edad_max;
        return f->edad_max;
    default:
        return NULL;
    }
}

/* Digits and Backspace in a number field. */
static enum asignacion_form_cambio
type_key(struct asignacion_form *f, const struct key *k)
{
    size_t sz = 0, len;
    char *t = campo_text(f, &sz);

    if (t == NULL || k == NULL)
        return ASIG_FORM_NADA;
    len = strlen(t);
    if (k->kind == KK_CHAR && k->ch >= '0' && k->ch <= '9' && len + 1 < sz) {
        t[len] = (char)k->ch;
        t[len + 1] = '\0';
        asignacion_form_edited(f);
        return ASIG_FORM_EDITADO;
    }
    if (k->kind == KK_BACKSPACE && len > 0) {
        t[len - 1] = '\0';
        asignacion_form_edited(f);
        return ASIG_FORM_EDITADO;
    }
    return ASIG_FORM_NADA;
}

/* ←/→ on a choice: any → first → … → last → any. */
static enum asignacion_form_cambio
cycle(struct asignacion_form *f, int dir)
{
    int *v = f->campo == ASIG_CONVENIO  ? &f->convenio
             : f->campo == ASIG_ENTIDAD ? &f->entidad
                                        : NULL;
    int n = (int)(f->campo == ASIG_CONVENIO ? f->nconvenios : f->nentidades);

    if (v == NULL || n == 0)
        return ASIG_FORM_NADA;
    *v += dir;
    if (*v >= n)
        *v = -1;
    if (*v < -1)
        *v = n - 1;
    asignacion_form_edited(f);
    return ASIG_FORM_EDITADO;
}

enum asignacion_form_cambio
asignacion_form_input(struct asignacion_form *f, enum action a, const struct key *k)
{
    if (a == ACTION_UP || a == ACTION_DOWN || a == ACTION_NEXT_FIELD || a == ACTION_PREV_FIELD) {
        int d = a == ACTION_UP || a == ACTION_PREV_FIELD ? -1 : 1;

        f->campo = (f->campo + d + ASIG_CAMPOS) % ASIG_CAMPOS;
        f->confirming = false;
        return ASIG_FORM_MOVIDO;
    }
    if (a == ACTION_LEFT || a == ACTION_RIGHT)
        return cycle(f, a == ACTION_LEFT ? -1 : 1);
    return type_key(f, k);
}

bool
asignacion_form_enter(struct asignacion_form *f, const char *fresh_clave)
{
    if (f->sending)
        return false; /* in flight: a second Enter does nothing */
    if (!f->confirming) {
        f->confirming = true;
        return false;
    }
    f->confirming = false;
    if (f->clave[0] == '\0')
        snprintf(f->clave, sizeof f->clave, "%s", fresh_clave);
    f->sending = true;
    return true;
}

bool
asignacion_form_counted(struct asignacion_form *f, unsigned gen, long long total,
                        const char *const *claves, const long long *por_convenio, size_t n)
{
    f->counting = false;
    if (gen != f->gen)
        return false;
    f->disponibles = total;
    f->counted_gen = gen;
    for (size_t i = 0; i < f->nconvenios; i++)
        f->convenios[i].disponibles = 0; /* groups with 0 are omitted by api.disponibles */
    for (size_t i = 0; i < n; i++) {
        int j = opcion_find(f->convenios, f->nconvenios, claves[i]);

        if (j >= 0)
            f->convenios[j].disponibles = por_convenio[i];
    }
    return true;
}

int
asignacion_form_arg(struct asignacion_form *f, const char *arg, struct err *e)
{
    const char *eq = strchr(arg, '=');
    size_t klen = eq != NULL ? (size_t)(eq - arg) : 0;
    const char *v = eq != NULL ? eq + 1 : "";

    if (klen == 8 && strncmp(arg, "convenio", 8) == 0) {
        f->convenio = opcion_find(f->convenios, f->nconvenios, v);
        if (f->convenio < 0)
            return err_set(e, RC_INVAL, "no hay un convenio activo «%s»", v);
    } else if (klen == 7 && strncmp(arg, "entidad", 7) == 0) {
        f->entidad = opcion_find(f->entidades, f->nentidades, v);
        if (f->entidad < 0)
            return err_set(e, RC_INVAL, "no hay una entidad «%s»", v);
    } else if (klen == 8 && strncmp(arg, "edad_min", 8) == 0 && strlen(v) < sizeof f->edad_min &&
               strspn(v, "0123456789") == strlen(v)) {
        snprintf(f->edad_min, sizeof f->edad_min, "%s", v);
    } else if (klen == 8 && strncmp(arg, "edad_max", 8) == 0 && strlen(v) < sizeof f->edad_max &&
               strspn(v, "0123456789") == strlen(v)) {
        snprintf(f->edad_max, sizeof f->edad_max, "%s", v);
    } else {
        return err_set(e, RC_INVAL, "no entiendo «%s» (convenio=, entidad=, edad_min=, edad_max=)",
                       arg);
    }
    return RC_OK;
}

bool
asignacion_form_cantidad_ok(const char *arg)
{
    size_t len = strlen(arg);

    return len > 0 && len < sizeof((struct asignacion_form *)NULL)->cantidad &&
           strspn(arg, "0123456789") == len;
}

static void
put_campo(struct vm_line *l, int width, int value_x, const struct asignacion_form *f, int c,
          bool ascii)
{
    char buf[512], cnt[32];
    bool focus = f->campo == c;
    const struct asignacion_opcion *o = NULL;
    int x;

    vm_line_put(l, LABEL_X, value_x - 1, focus ? ROLE_HEADING : ROLE_LABEL, campo_labels[c]);
    if (c == ASIG_CONVENIO && f->convenio >= 0)
        o = &f->convenios[f->convenio];
    if (c == ASIG_ENTIDAD && f->entidad >= 0)
        o = &f->entidades[f->entidad];
    if (c == ASIG_CONVENIO || c == ASIG_ENTIDAD)
        snprintf(buf, sizeof buf, "%s %s%s%s %s", ascii ? "<" : "◂",
                 o != NULL ? o->clave : "cualquiera", o != NULL ? " — " : "",
                 o != NULL ? o->nombre : "", ascii ? ">" : "▸");
    else
        snprintf(buf, sizeof buf, "%s%s",
                 c == ASIG_CANTIDAD   ? f->cantidad
                 : c == ASIG_EDAD_MIN ? f->edad_min
                                      : f->edad_max,
                 focus ? (ascii ? "_" : "▏") : "");
    x = vm_line_put(l, value_x, width - 1, focus ? ROLE_CURSOR : ROLE_VALUE,
                    buf[0] != '\0' ? buf : "—");
    if (o != NULL && c == ASIG_CONVENIO && o->disponibles >= 0) {
        snprintf(buf, sizeof buf, "%s disponibles", vm_fmt_count(cnt, sizeof cnt, o->disponibles));
        vm_line_put(l, x + 2, width - 1, ROLE_MUTED, buf);
    }
}

void
asignacion_form_put(struct vm_line *lines, int n, int y, int width, int value_x,
                    const struct asignacion_form *f, bool ascii)
{
    for (int c = 0; c < ASIG_CAMPOS; c++)
        if (y + c >= 0 && y + c < n) {
            put_campo(&lines[y + c], width, value_x, f, c, ascii);
            lines[y + c].item = c + 1; /* a click on the row focuses the field */
        }
}

void
asignacion_form_click(struct asignacion_form *f, const struct vm_line *lines, int n, int y)
{
    int campo = f->campo;

    if (vm_click_row(lines, n, y, &campo) && campo != f->campo) {
        f->campo = campo;
        f->confirming = false; /* as ↑↓: a pending «¿Pedir?» is asked again */
    }
}
