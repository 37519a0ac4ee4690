#include "ui/vm/home_vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dinero.h"
#include "ui/vm/fecha.h"
#include "util/strbuf.h"

enum {
    CARD_W_MAX = 52, /* wide enough for the labels and a seven-digit count */
    CARD_H = 12,
    CARD_W_MIN = 30, /* narrower (or shorter than the card), no box: plain rows */
};

static const char *const estado_labels[HOME_ESTADOS] = {
    [HOME_ABIERTA] = "Abiertas",   [HOME_EN_BANDEJA] = "En bandeja",  [HOME_GANADA] = "Ganadas",
    [HOME_DEVUELTA] = "Devueltas", [HOME_DESCARTADA] = "Descartadas",
};

const char *
home_estado_label(enum home_estado s)
{
    return (unsigned)s < HOME_ESTADOS ? estado_labels[s] : "";
}

static const char *
scope_label(enum vm_profile p)
{
    switch (p) {
    case VM_PROFILE_PROMOTOR:
        return "Mis oportunidades";
    case VM_PROFILE_SUPERVISOR:
        return "Oportunidades de mi equipo";
    case VM_PROFILE_ADMIN:
    case VM_PROFILE_AUDITOR:
        return "Oportunidades (todas)";
    case VM_PROFILE_UNKNOWN:
        break;
    }
    return "Oportunidades visibles";
}

static struct vm_line *
row(struct home_vm *vm, int y)
{
    if (y < 0 || y >= vm->nlines)
        return NULL;
    return &vm->lines[y];
}

/* One "label ........ value" row: label at x, value right-aligned to end (exclusive). */
static void
put_pair(struct home_vm *vm, int y, int x, int end, const char *label, const char *value,
         enum vm_role lrole)
{
    struct vm_line *l = row(vm, y);
    int vw = vm_text_width(value);

    if (l == NULL)
        return;
    vm_line_put(l, x, end - vw - 1, lrole, label);
    vm_line_put(l, end - vw > x ? end - vw : x, end, ROLE_VALUE, value);
}

/* «· 3 por vencer» after «Abiertas», «· 2 atrasadas» after «En bandeja»: n of that row's
 * opportunities need her now, in the timer's colour (the words carry it without colour); left
 * out when n is not positive, or when the row has no room for it beside the count. */
static void
put_marca(struct home_vm *vm, const struct home_info *in, enum home_estado st, int y, int x,
          int end, long long n, const char *uno, const char *varios, enum vm_role role)
{
    struct vm_line *l = row(vm, y);
    char num[32], txt[64], cuenta[32];
    int at = x + vm_text_width(estado_labels[st]) + 1;

    if (l == NULL || n <= 0)
        return;
    snprintf(txt, sizeof txt, "· %s %s", vm_fmt_count(num, sizeof num, n), n == 1 ? uno : varios);
    vm_fmt_count(cuenta, sizeof cuenta, in->oportunidades[st]);
    if (at + vm_text_width(txt) + 1 + vm_text_width(cuenta) > end)
        return;
    vm_line_put(l, at, at + vm_text_width(txt), role, txt);
    vm_line_sort(l); /* between the label and the count */
}

/* "2 · $119,000.00": how many sales and their amount. */
static const char *
ventas_txt(char *out, size_t size, const struct home_info *in)
{
    char n[32], pesos[DINERO_FMT_MAX];

    snprintf(out, size, "%s · %s", vm_fmt_count(n, sizeof n, in->ventas_mes),
             dinero_fmt(in->ventas_centavos, pesos, sizeof pesos));
    return out;
}

static void
put_counts(struct home_vm *vm, const struct home_info *in, int top, int x, int end)
{
    char buf[32], ventas[80];
    long long total = 0;

    for (int i = 0; i < HOME_ESTADOS; i++)
        total += in->oportunidades[i];
    if (!in->loaded)
        snprintf(buf, sizeof buf, "%s", in->ascii ? "-" : "—");
    put_pair(vm, top, x, end, "Clientes en el padrón",
             in->loaded ? vm_fmt_count(buf, sizeof buf, in->clientes) : buf, ROLE_LABEL);
    put_pair(vm, top + 2, x, end, scope_label(in->profile),
             in->loaded ? vm_fmt_count(buf, sizeof buf, total) : buf, ROLE_HEADING);
    for (int i = 0; i < HOME_ESTADOS; i++)
        put_pair(vm, top + 3 + i, x + 2, end, estado_labels[i],
                 in->loaded ? vm_fmt_count(buf, sizeof buf, in->oportunidades[i]) : buf,
                 ROLE_LABEL);
    if (in->loaded) {
        put_marca(vm, in, HOME_ABIERTA, top + 3 + HOME_ABIERTA, x + 2, end, in->por_vencer,
                  "por vencer", "por vencer", ROLE_TIMER_WARN);
        put_marca(vm, in, HOME_EN_BANDEJA, top + 3 + HOME_EN_BANDEJA, x + 2, end,
                  in->bandeja_atrasadas, "atrasada", "atrasadas", ROLE_TIMER_LATE);
    }
    put_pair(vm, top + 4 + HOME_ESTADOS, x, end, "Ventas del mes",
             in->loaded ? ventas_txt(ventas, sizeof ventas, in) : buf, ROLE_HEADING);
}

/* «Próximo día inhábil: viernes 25/12/2026, Navidad», or «Próximo horario especial: jueves
 * 24/12/2026, Nochebuena, de 09:00 a 14:00», on row y when one is declared (the timers do not
 * run that day, or only those hours). Returns the row after it. */
static int
put_inhabil(struct home_vm *vm, const struct home_info *in, int y, int x)
{
    static const char *const dias[7] = { "lunes",   "martes", "miércoles", "jueves",
                                         "viernes", "sábado", "domingo" };
    struct vm_line *l = row(vm, y);
    const char *f = in->cal_fecha;
    bool especial = in->cal_abre != NULL && in->cal_abre[0] != '\0';
    char buf[VM_SPAN_BYTES];
    long d;

    if (!in->loaded || f == NULL || !fecha_dias(f, &d))
        return y;
    if (l != NULL) {
        snprintf(buf, sizeof buf, "Próximo %s: %s %.2s/%.2s/%.4s, %s%s%s%s%s",
                 especial ? "horario especial" : "día inhábil", dias[((d % 7) + 7 + 3) % 7], f + 8,
                 f + 5, f, in->cal_nombre != NULL ? in->cal_nombre : "", especial ? ", de " : "",
                 especial ? in->cal_abre : "", especial ? " a " : "",
                 especial && in->cal_cierra != NULL ? in->cal_cierra : "");
        vm_line_put(l, x, vm->width, ROLE_MUTED, buf);
    }
    return y + 1;
}

/* «⚠ La campaña «Seguimiento» de prom3 se pausó sola: véala en Progreso.», or for several «⚠ 3
 * campañas se pausaron solas (la más reciente, «Seguimiento» de prom3): véalas en Progreso.»,
 * wrapped from row y when any did (at most three rows: a name may be long); the promoter is
 * named to whoever sees others'. Returns the row after it. */
static int
put_campanas_solas(struct home_vm *vm, const struct home_info *in, int y, int x)
{
    const char *nombre = in->campana_sola != NULL ? in->campana_sola : "";
    const char *login = in->campana_sola_login != NULL ? in->campana_sola_login : "";
    const char *g = in->ascii ? "!" : "⚠", *rest;
    char de[80] = "", text[1024], fila[VM_SPAN_BYTES];
    struct vm_line *l;

    if (!in->loaded || in->campanas_solas <= 0)
        return y;
    if (vm_profile_sees_others(in->profile) && login[0] != '\0')
        snprintf(de, sizeof de, " de %s", login);
    if (in->campanas_solas == 1)
        snprintf(text, sizeof text, "%s La campaña «%s»%s se pausó sola: véala en Progreso.", g,
                 nombre, de);
    else
        snprintf(text, sizeof text,
                 "%s %lld campañas se pausaron solas (la más reciente, «%s»%s): véalas en"
                 " Progreso.",
                 g, in->campanas_solas, nombre, de);
    rest = text;
    for (int n = 0; n < 3 && vm_wrap_row(fila, (int)sizeof fila, &rest, vm->width - x); n++, y++)
        if ((l = row(vm, y)) != NULL)
            vm_line_put(l, x, vm->width, ROLE_DB_WARN, fila);
    return y;
}

/* The lines under the card: freshness, loading, and the last error. Returns the row after
 * them. */
static int
put_footer(struct home_vm *vm, const struct home_info *in, int y, int x)
{
    char buf[VM_SPAN_BYTES];
    struct vm_line *l;

    if ((l = row(vm, y)) != NULL) {
        /* A background re-read keeps the time on screen: no flicker every refresh. */
        if (in->updated != NULL && in->loaded) {
            snprintf(buf, sizeof buf, "Actualizado a las %s", in->updated);
            vm_line_put(l, x, vm->width, ROLE_MUTED, buf);
        } else if (in->loading) {
            vm_line_put(l, x, vm->width, ROLE_MUTED, "Consultando la base de datos…");
        }
    }
    if (in->error == NULL || (l = row(vm, y + 1)) == NULL)
        return y + 1;
    snprintf(buf, sizeof buf, "No se pudo leer el resumen: %s", in->error);
    vm_line_put(l, x, vm->width, ROLE_ERROR, buf);
    if ((l = row(vm, y + 2)) != NULL)
        vm_line_put(l, x, vm->width, ROLE_MUTED,
                    in->loaded ? "Se muestran los últimos datos leídos; se reintentará solo."
                               : "Se reintentará solo; «r» reintenta ahora.");
    return y + 3;
}

/* The replies to attend from row y (after a blank one) to the bottom. */
static void
put_respuestas(struct home_vm *vm, const struct home_info *in, int y, int x)
{
    if (in->resp == NULL || y + 1 >= vm->nlines)
        return;
    in->resp->ascii = in->ascii;
    respuestas_vm_put(vm->lines, y + 1, vm->nlines - y - 1, x, vm->width, in->resp);
}

void
home_vm_build(struct home_vm *vm, const struct home_info *in, int width, int height)
{
    int cw = width - 4 < CARD_W_MAX ? width - 4 : CARD_W_MAX, y;

    memset(&vm->card, 0, sizeof vm->card);
    vm->width = width;
    vm->height = height;
    vm->nlines = height < HOME_VM_LINES ? (height > 0 ? height : 0) : HOME_VM_LINES;
    for (y = 0; y < vm->nlines; y++)
        vm_line_init(&vm->lines[y], ROLE_TEXT);
    if (cw >= CARD_W_MIN && height >= 1 + CARD_H) {
        vm->card = (struct vm_box){ .y = 1, .x = 2, .h = CARD_H, .w = cw };
        snprintf(vm->card.title, sizeof vm->card.title, " Resumen ");
        put_counts(vm, in, 2, 4, 2 + cw - 2);
        y = put_campanas_solas(vm, in, put_inhabil(vm, in, 1 + CARD_H + 1, 2), 2);
        put_respuestas(vm, in, put_footer(vm, in, y, 2), 2);
    } else {
        put_counts(vm, in, 0, 1, width - 1);
        /* the counts end with the sales on row 4 + HOME_ESTADOS; a blank row, then the rest */
        y = put_campanas_solas(vm, in, put_inhabil(vm, in, 6 + HOME_ESTADOS, 1), 1);
        put_respuestas(vm, in, put_footer(vm, in, y, 1), 1);
    }
}

char *
home_vm_dump(const struct home_vm *vm)
{
    struct strbuf sb;
    char *out;
    char *lines = vm_lines_dump(vm->lines, vm->nlines);

    strbuf_init(&sb);
    if (vm->card.h > 0)
        strbuf_addf(&sb, "box %d,%d %dx%d%s\n", vm->card.y, vm->card.x, vm->card.h, vm->card.w,
                    vm->card.title);
    strbuf_addstr(&sb, lines);
    free(lines);
    out = strbuf_detach(&sb, NULL);
    strbuf_fini(&sb); /* detach re-initialises sb */
    return out;
}
