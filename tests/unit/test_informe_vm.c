/*
 * test_informe_vm — the funnel report pane: the range in words, moving it (a period back or
 * forward, never past today; a day, a week, a month), ":informe"'s words, the stage table at
 * 80×24 (short headings, «Otras» left out) and 160×50 (every column, the promoters), narrower
 * widths leaving columns out and never overflowing, the reasons with their bars and ASCII
 * twins, a promoter's own report, scrolling, the empty, loading and failed states, and the
 * promoter filter's cycle. The aging heatmap (v): each cell's band at its boundaries, 80×24
 * with short timer labels and the stages that do not fit reached with ← →, a wide terminal
 * with every stage and the promoters' names, ASCII twins of the glyphs, no span past the edge
 * from 20 to 200 columns at every sideways position, loading, nothing to show, one promoter;
 * ":envejecimiento"'s words, and the tab's hint bar (v in it at 80 columns, for every
 * profile) and "?" built from the pane's own keys.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ui/vm/help_vm.h"
#include "ui/vm/hint_vm.h"
#include "ui/vm/informe_vm.h"
#include "util/err.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct informe_vm vm;

/* A week of the demo's funnel: stages in orden, reasons by kind then n, promoters by nombre
 * as the database sends them (one with nothing, one with a sale of cents). */
static const struct informe_etapa etapas[] = {
    { "Nuevo", "INICIAL", 48, 6, 30, 0, 4, 0, 12, 0, 10.5, 22.25, 36 },
    { "Contactado", "NORMAL", 30, 14, 9, 2, 2, 0, 1, 0, 16.0, 40.0, 16 },
    { "Interesado", "NORMAL", 9, 5, 4, 1, 0, 0, 0, 0, 31.44, 70.0, 4 },
    { "Documentación", "NORMAL", 4, 3, 2, 0, 0, 0, 1, 0, 44.0, 44.0, 1 },
    { "En trámite", "NORMAL", 2, 2, 0, 0, 0, 2, 0, 0, 12.0, 18.0, 0 },
    { "Venta", "VENTA", 2, 0, 0, 0, 0, 0, 0, 0, -1, -1, 2 },
    { "No localizado", "SALIDA", 4, 3, 0, 0, 0, 0, 0, 3, 2.0, 5.5, 1 },
    { "No interesado", "SALIDA", 2, 2, 0, 0, 0, 0, 0, 2, 1.0, 1.0, 0 },
    { "No califica", "SALIDA", 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 0 },
};

static const struct informe_motivo motivos[] = {
    { "A_BANDEJA", "No localizado", 4 },
    { "A_BANDEJA", "No interesado", 2 },
    { "DESCARTADA", "Número equivocado", 2 },
    { "DEVUELTA", "Sin documentos", 3 },
    { "INTENTO", "NO_CONTESTA", 21 },
    { "INTENTO", "BUZON", 9 },
    { "INTENTO", "CITA", 2 },
    { "TIMER_VENCIDO", "Nuevo", 12 },
    { "TIMER_VENCIDO", "Contactado", 1 },
};

static const struct informe_promotor promotores[] = {
    { "prom4", "Ana Laura Sánchez Peña", 12, 0, 8, 1, 3, 0, 0 },
    { "prom1", "José Luis Hernández García", 24, 2, 19, 3, 6, 1, 35000 },
    { "prom3", "Juan Carlos Martínez Ortiz", 12, 0, 5, 2, 3, 1, 1250400.5 },
    { "prom2", "María Guadalupe López Núñez", 0, 0, 0, 0, 0, 0, 0 },
};

static int
setup_utf8(void **st)
{
    (void)st;
    return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

static void *
copia(const void *p, size_t n)
{
    void *q = malloc(n + 1);

    assert_non_null(q);
    memcpy(q, p, n);
    return q;
}

/* The report above, or its first np promoters and nothing else when empty is set. */
static void
datos(struct informe_datos *d, const char *promotor, size_t np, bool empty)
{
    memset(d, 0, sizeof *d);
    snprintf(d->desde, sizeof d->desde, "2026-11-23");
    snprintf(d->hasta, sizeof d->hasta, "2026-11-29");
    snprintf(d->promotor, sizeof d->promotor, "%s", promotor);
    d->etapas = copia(etapas, sizeof etapas);
    d->netapas = N(etapas);
    d->promotores = copia(promotores, np * sizeof promotores[0]);
    d->npromotores = np;
    if (empty) {
        for (size_t i = 0; i < d->netapas; i++) {
            struct informe_etapa *t = &d->etapas[i]; /* en_etapa stays: it is now */

            t->entradas = t->salidas = t->avanzaron = t->regresaron = 0;
            t->a_bandeja = t->ventas = t->vencidas = t->otras = 0;
            t->horas_mediana = t->horas_p90 = -1;
        }
        memset(d->promotores, 0, np * sizeof promotores[0]);
        for (size_t i = 0; i < np; i++)
            snprintf(d->promotores[i].login, sizeof d->promotores[i].login, "%s",
                     promotores[i].login);
        return;
    }
    d->motivos = copia(motivos, sizeof motivos);
    d->nmotivos = N(motivos);
}

static void
model_new(struct informe_model *m, enum vm_profile profile)
{
    struct informe_datos d;

    informe_model_init(m, profile);
    datos(&d, "", N(promotores), false);
    informe_model_take(m, &d);
}

static void
assert_render(int width, int height, struct informe_model *m, const char *want)
{
    char *r;

    informe_vm_build(&vm, m, width, height);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_string_equal(r, want);
    free(r);
}

/* The heatmap of a team: 4 promoters × 5 stages with a timer, as the database sends them;
 * razon rounded to 3 decimals. Every band, and both sides of the 75 % and 100 % lines. */
static const struct env_etapa env_etapas[] = {
    { "Nuevo", 24 },         { "Contactado", 48 },  { "Interesado", 72 },
    { "Documentación", 72 }, { "En trámite", 120 },
};

static const struct env_promotor env_promotores[] = {
    { "prom4", "Ana Laura Sánchez Peña" },
    { "prom1", "José Luis Hernández García" },
    { "prom3", "Juan Carlos Martínez Ortiz" },
    { "prom2", "María Guadalupe López Núñez" },
};

#define VACIA           \
    {                   \
        0, 0, 0, -1, -1 \
    }
static const struct env_celda env_celdas[] = {
    /* prom4 */
    { 9, 0, 0, 10.0, 0.417 },
    { 2, 1, 0, 36.0, 0.750 },
    VACIA,
    { 1, 0, 1, 72.0, 1.000 },
    { 3, 0, 0, 12.5, 0.104 },
    /* prom1 */
    { 8, 2, 3, 25.0, 1.042 },
    VACIA,
    { 4, 1, 0, 53.9, 0.749 },
    VACIA,
    VACIA,
    /* prom3 */
    { 12, 0, 0, 5.5, 0.229 },
    { 1, 0, 0, 0.0, 0.000 },
    VACIA,
    { 2, 2, 0, 60.0, 0.833 },
    VACIA,
    /* prom2 */
    VACIA,
    VACIA,
    VACIA,
    VACIA,
    VACIA,
};

/* The heatmap above: its first np rows, or only promotor's row when one is named. */
static void
env_datos(struct env_datos *d, const char *promotor, size_t np)
{
    size_t desde = 0;

    memset(d, 0, sizeof *d);
    d->aviso_pct = 75;
    snprintf(d->promotor, sizeof d->promotor, "%s", promotor);
    for (size_t i = 0; promotor[0] != '\0' && i < N(env_promotores); i++)
        if (strcmp(env_promotores[i].login, promotor) == 0)
            desde = i;
    d->etapas = copia(env_etapas, sizeof env_etapas);
    d->netapas = N(env_etapas);
    d->promotores = copia(&env_promotores[desde], np * sizeof env_promotores[0]);
    d->npromotores = np;
    d->celdas =
        copia(&env_celdas[desde * N(env_etapas)], np * N(env_etapas) * sizeof env_celdas[0]);
}

/* The report's model switched to the heatmap, read for the whole team. */
static void
env_model_new(struct informe_model *m, enum vm_profile profile)
{
    struct env_datos d;

    model_new(m, profile);
    assert_int_equal(informe_model_vista(m), INFORME_VISTA_ENVEJECIMIENTO);
    env_datos(&d, "", N(env_promotores));
    informe_model_take_env(m, &d);
}

static void
test_the_range_in_words(void **st)
{
    char buf[96];

    (void)st;
    informe_rango_texto(buf, sizeof buf, "2026-11-23", "2026-11-29");
    assert_string_equal(buf, "del 23 al 29 de nov de 2026");
    informe_rango_texto(buf, sizeof buf, "2026-10-31", "2026-11-29");
    assert_string_equal(buf, "del 31 de oct al 29 de nov de 2026");
    informe_rango_texto(buf, sizeof buf, "2025-12-28", "2026-01-03");
    assert_string_equal(buf, "del 28 de dic de 2025 al 3 de ene de 2026");
    informe_rango_texto(buf, sizeof buf, "2026-11-29", "2026-11-29");
    assert_string_equal(buf, "del 29 de nov de 2026");
}

static void
test_moving_the_range_never_passes_today(void **st)
{
    struct informe_rango r = { "", "", "" };

    (void)st;
    /* Unknown yet (the server's default week): taken as the week ending today. */
    assert_int_equal(informe_rango_dias(&r), 0);
    assert_false(informe_rango_mover(&r, +1, "2026-11-29"));
    assert_string_equal(r.desde, "");
    assert_true(informe_rango_mover(&r, -1, "2026-11-29"));
    assert_string_equal(r.desde, "2026-11-16");
    assert_string_equal(r.hasta, "2026-11-22");
    assert_int_equal(informe_rango_dias(&r), 7);
    assert_true(informe_rango_mover(&r, +1, "2026-11-29"));
    assert_string_equal(r.desde, "2026-11-23");
    assert_string_equal(r.hasta, "2026-11-29");
    assert_false(informe_rango_mover(&r, +1, "2026-11-29"));
    /* A step that would pass today ends the range today, same length. */
    snprintf(r.desde, sizeof r.desde, "2026-11-20");
    snprintf(r.hasta, sizeof r.hasta, "2026-11-26");
    assert_true(informe_rango_mover(&r, +1, "2026-11-29"));
    assert_string_equal(r.desde, "2026-11-23");
    assert_string_equal(r.hasta, "2026-11-29");
    /* A month ends where the week ended; back a month crosses into October; a day. */
    assert_true(informe_rango_periodo(&r, 30, "2026-11-29"));
    assert_string_equal(r.desde, "2026-10-31");
    assert_int_equal(informe_rango_dias(&r), 30);
    assert_false(informe_rango_periodo(&r, 30, "2026-11-29"));
    assert_true(informe_rango_mover(&r, -1, "2026-11-29"));
    assert_string_equal(r.desde, "2026-10-01");
    assert_string_equal(r.hasta, "2026-10-30");
    assert_true(informe_rango_periodo(&r, 1, "2026-11-29"));
    assert_string_equal(r.desde, "2026-10-30");
    assert_string_equal(r.hasta, "2026-10-30");
    assert_true(informe_rango_mover(&r, -1, "2026-11-29"));
    assert_string_equal(r.hasta, "2026-10-29");
    /* Across a leap day, and a hoy that is not a date moves nothing. */
    snprintf(r.desde, sizeof r.desde, "2028-03-01");
    snprintf(r.hasta, sizeof r.hasta, "2028-03-07");
    assert_true(informe_rango_mover(&r, -1, "2028-12-01"));
    assert_string_equal(r.desde, "2028-02-23");
    assert_string_equal(r.hasta, "2028-02-29");
    assert_false(informe_rango_mover(&r, -1, "ayer"));
    assert_false(informe_rango_periodo(&r, 7, "2028-02-31"));
}

static void
test_the_words_of_the_command(void **st)
{
    struct informe_rango r = { "2026-11-23", "2026-11-29", "" };
    char a1[] = "2026-11-01", a2[] = "2026-11-15", a3[] = "prom3", todos[] = "todos";
    char malo[] = "2026-02-30", otro[] = "prom4";
    char *dos[] = { a1, a2 }, *tres[] = { a1, a2, a3 }, *uno[] = { a3 }, *t[] = { todos };
    char *sola[] = { a1 }, *mala[] = { a1, malo }, *sobra[] = { a3, otro };
    struct err e;

    (void)st;
    err_clear(&e);
    assert_int_equal(informe_comando(0, NULL, &r, &e), RC_OK);
    assert_string_equal(r.desde, "2026-11-23");
    assert_int_equal(informe_comando(1, uno, &r, &e), RC_OK);
    assert_string_equal(r.promotor, "prom3");
    assert_string_equal(r.hasta, "2026-11-29");
    assert_int_equal(informe_comando(2, dos, &r, &e), RC_OK);
    assert_string_equal(r.desde, "2026-11-01");
    assert_string_equal(r.hasta, "2026-11-15");
    assert_string_equal(r.promotor, "prom3"); /* not given: as it was */
    assert_int_equal(informe_comando(1, t, &r, &e), RC_OK);
    assert_string_equal(r.promotor, "");
    assert_int_equal(informe_comando(3, tres, &r, &e), RC_OK);
    assert_string_equal(r.promotor, "prom3");
    /* Mistakes leave the range as it was. */
    assert_int_equal(informe_comando(1, sola, &r, &e), RC_INVAL);
    assert_string_equal(e.msg, "uso: :informe [DESDE HASTA] [LOGIN] (fechas AAAA-MM-DD; "
                               "«todos»: sin elegir promotor)");
    assert_int_equal(informe_comando(2, mala, &r, &e), RC_INVAL);
    assert_string_equal(e.msg, "fecha inválida «2026-02-30» (AAAA-MM-DD)");
    assert_int_equal(informe_comando(2, sobra, &r, &e), RC_INVAL);
    assert_string_equal(r.promotor, "prom3");
    assert_string_equal(r.desde, "2026-11-01");
}

/* ":envejecimiento [LOGIN]": the promoter only; the heatmap is about now, so no dates. */
static void
test_the_words_of_the_heatmap_command(void **st)
{
    struct informe_rango r = { "2026-11-23", "2026-11-29", "" };
    char a1[] = "prom3", todos[] = "todos", fecha[] = "2026-11-01", otro[] = "prom4";
    char *uno[] = { a1 }, *t[] = { todos }, *f[] = { fecha }, *dos[] = { a1, otro };
    struct err e;

    (void)st;
    err_clear(&e);
    assert_int_equal(informe_comando_envejecimiento(0, NULL, &r, &e), RC_OK);
    assert_string_equal(r.promotor, "");
    assert_int_equal(informe_comando_envejecimiento(1, uno, &r, &e), RC_OK);
    assert_string_equal(r.promotor, "prom3");
    assert_string_equal(r.desde, "2026-11-23"); /* the report's range stays */
    assert_string_equal(r.hasta, "2026-11-29");
    assert_int_equal(informe_comando_envejecimiento(0, NULL, &r, &e), RC_OK);
    assert_string_equal(r.promotor, "prom3"); /* not given: as it was */
    /* Mistakes leave it as it was. */
    assert_int_equal(informe_comando_envejecimiento(1, f, &r, &e), RC_INVAL);
    assert_string_equal(e.msg,
                        "El envejecimiento es de ahora: las fechas son de :informe DESDE HASTA.");
    assert_int_equal(informe_comando_envejecimiento(2, dos, &r, &e), RC_INVAL);
    assert_string_equal(e.msg, "uso: :envejecimiento [LOGIN] («todos»: sin elegir promotor)");
    assert_string_equal(r.promotor, "prom3");
    assert_int_equal(informe_comando_envejecimiento(1, t, &r, &e), RC_OK);
    assert_string_equal(r.promotor, "");
}

/* The Informe tab's hint bar and "?", built from the pane's own keys as the client builds them
 * for each profile (the read-only auditor's keymap as app_keys_build makes it). */
static struct keymap *
informe_keymap(enum vm_profile profile)
{
    struct keymap *km = keymap_new();

    if (vm_profile_read_only(profile))
        keymap_set_read_only(km);
    keymap_add(km, informe_keys, INFORME_NKEYS, profile);
    return km;
}

static char *
hint_bar(const struct keymap *km, int width)
{
    struct hint_vm h;

    hint_vm_build(&h, km, KEYMAP_INFORME, width);
    return vm_lines_render(&h.line, 1);
}

/* v, the heatmap, is in the bar at 80 columns for every profile, and the bar fits: s, d and
 * m make room (they are in "?"). The auditor's is the supervisor's: the pane only reads. */
static void
test_the_hint_bar_offers_the_heatmap_at_80_columns(void **st)
{
    static const enum vm_profile ven[] = { VM_PROFILE_SUPERVISOR, VM_PROFILE_ADMIN,
                                           VM_PROFILE_AUDITOR };
    struct keymap *km;
    char *got;

    (void)st;
    km = informe_keymap(VM_PROFILE_PROMOTOR);
    got = hint_bar(km, 80);
    assert_string_equal(
        got, " [ anterior  ] siguiente  v informe/envejecimiento  ? ayuda  : comando  q salir\n");
    free(got);
    keymap_free(km);
    for (size_t i = 0; i < N(ven); i++) {
        km = informe_keymap(ven[i]);
        got = hint_bar(km, 80);
        assert_string_equal(
            got, " [ anterior  ] siguiente  p promotor  v informe/envejecimiento  ? ayuda\n");
        free(got);
        keymap_free(km);
    }
    /* None of the pane's keys writes: the auditor gets every one of them. */
    for (size_t i = 0; i < INFORME_NKEYS; i++)
        assert_false(keymap_action_writes(informe_keys[i].action));
}

/* The bar as the client builds it for the pane in the view m shows (informe_panel's offers). */
static bool
offers_in(const void *ctx, enum action act)
{
    return informe_model_offers(ctx, act);
}

static char *
hint_bar_in(const struct keymap *km, const struct informe_model *m, int width)
{
    struct hint_vm h;

    hint_vm_build_offered(&h, km, KEYMAP_INFORME, width, offers_in, m);
    return vm_lines_render(&h.line, 1);
}

/* The heatmap refuses the range keys ("El envejecimiento es de ahora…"), so for no profile and
 * at no width does its bar offer [ or ]; p, v and the global keys take their room. v back to
 * the report gives the report's bar again. */
static void
test_the_heatmap_bar_offers_no_range_keys(void **st)
{
    static const enum vm_profile all[] = { VM_PROFILE_PROMOTOR, VM_PROFILE_SUPERVISOR,
                                           VM_PROFILE_ADMIN, VM_PROFILE_AUDITOR };
    static const enum action rango[] = { ACTION_PERIOD_PREV, ACTION_PERIOD_NEXT, ACTION_PERIOD_DAY,
                                         ACTION_PERIOD_WEEK, ACTION_PERIOD_MONTH };
    static const int widths[] = { 40, 80, 200 };

    (void)st;
    for (size_t i = 0; i < N(all); i++) {
        struct keymap *km = informe_keymap(all[i]);
        struct informe_model m;
        char *report = hint_bar(km, 80), *got;

        informe_model_init(&m, all[i]);
        got = hint_bar_in(km, &m, 80);
        assert_string_equal(got, report); /* the report offers every key it has */
        assert_non_null(strstr(got, "[ anterior  ] siguiente"));
        free(got);
        assert_int_equal(informe_model_vista(&m), INFORME_VISTA_ENVEJECIMIENTO);
        for (size_t w = 0; w < N(widths); w++) {
            got = hint_bar_in(km, &m, widths[w]);
            if (strchr(got, '[') != NULL || strchr(got, ']') != NULL)
                fail_msg("perfil %d, %d columnas: el mapa de calor ofrece [ o ]: «%s»", (int)all[i],
                         widths[w], got);
            free(got);
        }
        got = hint_bar_in(km, &m, 80);
        assert_string_equal(got, all[i] == VM_PROFILE_PROMOTOR
                                     ? " v informe/envejecimiento  ? ayuda  : comando  q salir\n"
                                     : " p promotor  v informe/envejecimiento  ? ayuda  : comando"
                                       "  q salir\n");
        free(got);
        for (size_t a = 0; a < N(rango); a++)
            assert_false(informe_model_offers(&m, rango[a]));
        assert_true(informe_model_offers(&m, ACTION_TOGGLE_VIEW));
        assert_true(informe_model_offers(&m, ACTION_PICK_MEMBER));
        assert_int_equal(informe_model_vista(&m), INFORME_VISTA_RESUMEN);
        got = hint_bar_in(km, &m, 80);
        assert_string_equal(got, report);
        for (size_t a = 0; a < N(rango); a++)
            assert_true(informe_model_offers(&m, rango[a]));
        free(got);
        free(report);
        informe_model_fini(&m);
        keymap_free(km);
    }
}

/* "?" in Informe: v with both views' names, after the range keys and p. */
static void
test_the_help_lists_v(void **st)
{
    enum keymap_ctx ctxs[] = { KEYMAP_INFORME, KEYMAP_GLOBAL };
    struct keymap *km = informe_keymap(VM_PROFILE_SUPERVISOR);
    struct help_vm h;
    int scroll = 0;
    char *got;

    (void)st;
    help_vm_build(&h, km, ctxs, 2, NULL, 0, " Ayuda: Informe ", &scroll, 24, 80);
    got = vm_lines_render(h.lines, 10);
    assert_string_equal(got, "\n"
                             "  Informe\n"
                             "   [                  anterior\n"
                             "   ]                  siguiente\n"
                             "   s                  semana\n"
                             "   m                  mes (30 días)\n"
                             "   d                  un día\n"
                             "   p                  promotor\n"
                             "   v                  informe/envejecimiento\n"
                             "  En todos los paneles\n");
    free(got);
    keymap_free(km);
}

static void
test_supervisor_at_80x24(void **st)
{
    struct informe_model m;

    (void)st;
    model_new(&m, VM_PROFILE_SUPERVISOR);
    assert_render(
        80, 21, &m,
        " Informe del 23 al 29 de nov de 2026 · todo el equipo                1–20 de 34\n"
        "\n"
        " Etapa          Entr.  Sal.   →  ←  Band.  Venta  Venc.  Med. h  P90 h  Ahora\n"
        " Nuevo             48     6  30  0      4      0     12    10.5   22.3     36\n"
        " Contactado        30    14   9  2      2      0      1    16.0   40.0     16\n"
        " Interesado         9     5   4  1      0      0      0    31.4   70.0      4\n"
        " Documentación      4     3   2  0      0      0      1    44.0   44.0      1\n"
        " En trámite         2     2   0  0      0      2      0    12.0   18.0      0\n"
        " Venta              2     0   0  0      0      0      0       —      —      2\n"
        " No localizado      4     3   0  0      0      0      0     2.0    5.5      1\n"
        " No interesado      2     2   0  0      0      0      0     1.0    1.0      0\n"
        " No califica        0     0   0  0      0      0      0       —      —      0\n"
        "\n"
        " Por qué salen\n"
        "  Salida elegida            6\n"
        "    No localizado           4  ████████████████████████████████████████\n"
        "    No interesado           2  ████████████████████\n"
        "  Tiempo vencido en        13\n"
        "    Nuevo                  12  ████████████████████████████████████████\n"
        "    Contactado              1  ███▍\n"
        "  Devuelta por supervisor   3\n");
    assert_int_equal(vm.page, 20);
    assert_int_equal(vm.content, 34);
    assert_int_equal(vm.lines[0].spans[0].role, ROLE_HEADING);
    assert_int_equal(vm.lines[0].spans[1].role, ROLE_MUTED);
    assert_int_equal(vm.lines[2].spans[0].role, ROLE_LABEL);
    assert_int_equal(vm.lines[3].spans[7].role, ROLE_TIMER_LATE); /* 12 vencidas */
    assert_int_equal(vm.lines[3].spans[4].role, ROLE_MUTED);      /* 0 went back… */
    assert_int_equal(vm.lines[3].spans[5].role, ROLE_VALUE);      /* …4 to the bandeja */
    assert_string_equal(vm.lines[8].spans[8].text, "—");
    assert_int_equal(vm.lines[8].spans[8].role, ROLE_MUTED);
    assert_int_equal(vm.lines[18].spans[2].role, ROLE_TIMER_LATE); /* a bar of expired ones */
    assert_int_equal(vm.lines[14].spans[0].role, ROLE_LABEL);
    informe_model_fini(&m);
}

static void
test_every_column_and_the_promoters_at_160x50(void **st)
{
    struct informe_model m;
    char *r;

    (void)st;
    model_new(&m, VM_PROFILE_SUPERVISOR);
    informe_vm_build(&vm, &m, 160, 50);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_non_null(strstr(
        r, " Informe del 23 al 29 de nov de 2026 · todo el equipo\n"
           "\n"
           " Etapa          Entradas  Salidas   →  ←  Bandeja  Venta  Vencidas  Otras  Mediana h"
           "  P90 h  Ahora\n"
           " Nuevo                48        6  30  0        4      0        12      0       10.5"
           "   22.3     36\n"));
    assert_non_null(strstr(
        r, "  Intentos de contacto     32\n"
           "    no contesta            21  ████████████████████████████████████████\n"
           "    buzón                   9  █████████████████▏\n"
           "    cita                    2  ███▊\n"
           "\n"
           " Por promotor\n"
           " Promotor                        Recibidas  Captadas  Intentos  Bandeja  Vencidas"
           "  Ventas       Monto  Conversión\n"
           " prom4 Ana Laura Sánchez Peña           12         0         8        1         3"
           "       0          $0       0.0 %\n"
           " prom1 José Luis Hernández Gar…         24         2        19        3         6"
           "       1     $35,000       3.8 %\n"
           " prom3 Juan Carlos Martínez Or…         12         0         5        2         3"
           "       1  $1,250,401       8.3 %\n"
           " prom2 María Guadalupe López N…          0         0         0        0         0"
           "       0          $0           —\n"));
    free(r);
    assert_int_equal(vm.content, 34); /* everything fits: no position in the title */
    assert_int_equal(vm.lines[0].nspans, 1);
    informe_model_fini(&m);
}

/* Narrower, columns go (least important first) and nothing passes the right edge. */
static void
test_narrow_widths_leave_columns_out_and_never_overflow(void **st)
{
    struct informe_model m;

    (void)st;
    model_new(&m, VM_PROFILE_ADMIN);
    informe_vm_build(&vm, &m, 60, 20);
    assert_string_equal(vm.lines[0].spans[0].text,
                        "Informe del 23 al 29 de nov de 2026 · todos lo…");
    assert_int_equal(vm.lines[2].nspans, 8);
    assert_string_equal(vm.lines[2].spans[3].text, "→");
    assert_string_equal(vm.lines[2].spans[6].text, "Med. h");
    informe_vm_build(&vm, &m, 44, 12);
    assert_int_equal(vm.lines[2].nspans, 5); /* Etapa, Entr., Sal., Med. h, Ahora */
    assert_string_equal(vm.lines[2].spans[4].text, "Ahora");
    for (int w = 30; w <= 160; w++) {
        m.scroll = 0;
        for (int page = 0; page < 4; page++) {
            informe_vm_build(&vm, &m, w, 12);
            for (int y = 0; y < vm.nlines; y++)
                for (int s = 0; s < vm.lines[y].nspans; s++)
                    if (vm.lines[y].spans[s].col + vm.lines[y].spans[s].width > w)
                        fail_msg("%d columnas, fila %d: «%s» se sale", w, y,
                                 vm.lines[y].spans[s].text);
            informe_model_action(&m, ACTION_PAGE_DOWN, vm.page);
        }
    }
    informe_model_fini(&m);
}

static void
test_ascii_twins(void **st)
{
    struct informe_model m;

    (void)st;
    model_new(&m, VM_PROFILE_SUPERVISOR);
    m.ascii = true;
    assert_non_null(setlocale(LC_ALL, "C"));
    m.scroll = 13;
    assert_render(
        80, 12, &m,
        " Informe del 23 al 29 de nov de 2026 - todo el equipo               14-24 de 34\n"
        "  Salida elegida            6\n"
        "    No localizado           4  ########################################\n"
        "    No interesado           2  ####################\n"
        "  Tiempo vencido en        13\n"
        "    Nuevo                  12  ########################################\n"
        "    Contactado              1  ###\n"
        "  Devuelta por supervisor   3\n"
        "    Sin documentos          3  ########################################\n"
        "  Descartada                2\n"
        "    Numero equivocado       2  ########################################\n"
        "  Intentos de contacto     32\n");
    m.scroll = 0;
    informe_vm_build(&vm, &m, 80, 12);
    assert_string_equal(vm.lines[2].spans[3].text, "->");
    assert_string_equal(vm.lines[2].spans[4].text, "<-");
    assert_string_equal(vm.lines[8].spans[8].text, "-");
    assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
    informe_model_fini(&m);
}

/* A promoter: their own opportunities, no table of promoters (there is one: them). */
static void
test_a_promoter_sees_their_own(void **st)
{
    struct informe_model m;
    struct informe_datos d;
    char *r;

    (void)st;
    informe_model_init(&m, VM_PROFILE_PROMOTOR);
    datos(&d, "", 1, false);
    informe_model_take(&m, &d);
    informe_vm_build(&vm, &m, 160, 50);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_non_null(strstr(r, " Informe del 23 al 29 de nov de 2026 · sus oportunidades\n"));
    assert_null(strstr(r, "Por promotor"));
    assert_non_null(strstr(r, "Por qué salen"));
    free(r);
    informe_model_fini(&m);
    /* A supervisor narrowed to one promoter still gets the table, with that one. */
    informe_model_init(&m, VM_PROFILE_SUPERVISOR);
    datos(&d, "prom4", 1, false);
    informe_model_take(&m, &d);
    informe_vm_build(&vm, &m, 160, 50);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_non_null(strstr(r, " Informe del 23 al 29 de nov de 2026 · solo prom4\n"));
    assert_non_null(strstr(r, " Por promotor\n"));
    assert_null(strstr(r, "prom1"));
    free(r);
    informe_model_fini(&m);
}

static void
test_scrolling(void **st)
{
    struct informe_model m;

    (void)st;
    model_new(&m, VM_PROFILE_SUPERVISOR);
    informe_vm_build(&vm, &m, 80, 21);
    assert_false(informe_model_action(&m, ACTION_UP, vm.page));
    assert_false(informe_model_action(&m, ACTION_OPEN, vm.page));
    assert_true(informe_model_action(&m, ACTION_DOWN, vm.page));
    informe_vm_build(&vm, &m, 80, 21);
    assert_string_equal(vm.lines[0].spans[1].text, "2–21 de 34");
    assert_string_equal(vm.lines[1].spans[0].text, "Etapa");
    assert_true(informe_model_action(&m, ACTION_PAGE_DOWN, vm.page));
    informe_vm_build(&vm, &m, 80, 21);
    assert_int_equal(m.scroll, 14); /* clamped: the last page ends at the last row */
    assert_string_equal(vm.lines[0].spans[1].text, "15–34 de 34");
    assert_string_equal(vm.lines[20].spans[0].text, "prom2 María Guad…");
    assert_true(informe_model_action(&m, ACTION_PAGE_UP, vm.page));
    assert_int_equal(m.scroll, 0);
    assert_true(informe_model_action(&m, ACTION_BOTTOM, vm.page));
    informe_vm_build(&vm, &m, 80, 21);
    assert_int_equal(m.scroll, 14);
    assert_true(informe_model_action(&m, ACTION_TOP, vm.page));
    /* A taller pane needs no scrolling: the scroll comes back to the top. */
    m.scroll = 5;
    informe_vm_build(&vm, &m, 160, 50);
    assert_int_equal(m.scroll, 0);
    informe_model_fini(&m);
}

static void
test_loading_failing_and_nothing_happened(void **st)
{
    struct informe_model m;
    struct informe_datos d;

    (void)st;
    informe_model_init(&m, VM_PROFILE_SUPERVISOR);
    assert_render(80, 5, &m, " Informe del embudo\n Consultando el informe…\n\n\n\n");
    snprintf(m.error, sizeof m.error, "No se pudo leer el informe: sin conexión");
    informe_vm_build(&vm, &m, 80, 5);
    assert_string_equal(vm.lines[1].spans[0].text, "No se pudo leer el informe: sin conexión");
    assert_int_equal(vm.lines[1].spans[0].role, ROLE_ERROR);
    /* A week where nothing moved: the stages (with who is there now) and one line. */
    datos(&d, "", 2, true);
    informe_model_take(&m, &d);
    assert_string_equal(m.error, "");
    assert_render(80, 16, &m,
                  " Informe del 23 al 29 de nov de 2026 · todo el equipo\n"
                  "\n"
                  " Etapa          Entr.  Sal.  →  ←  Band.  Venta  Venc.  Med. h  P90 h  Ahora\n"
                  " Nuevo              0     0  0  0      0      0      0       —      —     36\n"
                  " Contactado         0     0  0  0      0      0      0       —      —     16\n"
                  " Interesado         0     0  0  0      0      0      0       —      —      4\n"
                  " Documentación      0     0  0  0      0      0      0       —      —      1\n"
                  " En trámite         0     0  0  0      0      0      0       —      —      0\n"
                  " Venta              0     0  0  0      0      0      0       —      —      2\n"
                  " No localizado      0     0  0  0      0      0      0       —      —      1\n"
                  " No interesado      0     0  0  0      0      0      0       —      —      0\n"
                  " No califica        0     0  0  0      0      0      0       —      —      0\n"
                  "\n"
                  " Sin movimiento en estas fechas: nada entró ni salió de ninguna etapa.\n"
                  "\n"
                  "\n");
    /* A failed re-read keeps the report under the error. */
    snprintf(m.error, sizeof m.error, "No se pudo leer el informe: se cayó");
    informe_vm_build(&vm, &m, 80, 16);
    assert_string_equal(vm.lines[1].spans[0].text, "No se pudo leer el informe: se cayó");
    assert_string_equal(vm.lines[3].spans[0].text, "Etapa");
    informe_model_fini(&m);
}

/* p: each login of the last whole-scope report, then everyone again; a narrowed report (one
 * promoter in it) keeps the list. */
static void
test_the_promoter_cycle(void **st)
{
    struct informe_model m;
    struct informe_datos d;
    const char *p = "";
    char seen[128] = "";

    (void)st;
    model_new(&m, VM_PROFILE_SUPERVISOR);
    for (int i = 0; i < 5; i++) {
        p = informe_model_siguiente(&m, p);
        strcat(seen, p[0] != '\0' ? p : "todos");
        strcat(seen, " ");
        if (p[0] != '\0') {
            datos(&d, p, 1, false);
            informe_model_take(&m, &d);
        }
    }
    assert_string_equal(seen, "prom4 prom1 prom3 prom2 todos ");
    assert_int_equal(m.nlogins, 4);
    assert_string_equal(informe_model_siguiente(&m, "quien"), "");
    informe_model_fini(&m);
}

static void
test_heatmap_bands(void **st)
{
    const struct env_celda vacia = VACIA, bien = { 3, 0, 0, 17.9, 0.746 },
                           justo = { 3, 1, 0, 18.0, 0.750 }, casi = { 3, 3, 0, 23.9, 0.996 },
                           pasada = { 3, 0, 3, 24.0, 1.000 };

    (void)st;
    assert_int_equal(env_nivel_de(&vacia, 75), ENV_VACIA);
    assert_int_equal(env_nivel_de(&bien, 75), ENV_BIEN);
    assert_int_equal(env_nivel_de(&justo, 75), ENV_AVISO);
    assert_int_equal(env_nivel_de(&justo, 80), ENV_BIEN); /* the setting's threshold */
    assert_int_equal(env_nivel_de(&casi, 75), ENV_AVISO);
    assert_int_equal(env_nivel_de(&pasada, 75), ENV_PASADA);
}

static void
test_heatmap_at_80x24(void **st)
{
    struct informe_model m;

    (void)st;
    env_model_new(&m, VM_PROFILE_SUPERVISOR);
    assert_render(
        80, 21, &m,
        " Envejecimiento en horas hábiles · todo el equipo\n"
        "\n"
        " Promotor  Nuevo         Contactado    Interesado    Documentaci…  En trámite\n"
        "           24 h          48 h          72 h          72 h          120 h\n"
        " prom4     ● 9 · 10.0 h  ◐ 2 · 36.0 h  ·             ○ 1 · 72.0 h  ● 3 · 12.5 h\n"
        " prom1     ○ 8 · 25.0 h  ·             ● 4 · 53.9 h  ·             ·\n"
        " prom3     ● 12 · 5.5 h  ● 1 · 0.0 h   ·             ◐ 2 · 60.0 h  ·\n"
        " prom2     ·             ·             ·             ·             ·\n"
        "\n"
        " En aviso  ◐ 2           ◐ 1           ◐ 1           ◐ 2           0\n"
        " Vencidas  ○ 3           0             0             ○ 1           0\n"
        "\n"
        " Cada celda: abiertas · mediana de horas hábiles en la etapa.\n"
        " ● la mediana no llega al 75 % del tiempo  ◐ en aviso\n"
        " ○ pasó el tiempo de la etapa  · ninguna abierta\n"
        "\n"
        "\n"
        "\n"
        "\n"
        "\n"
        "\n");
    /* Each cell in its band's role, its glyph saying the same; empty cells and zeros muted. */
    assert_string_equal(vm.lines[4].spans[1].text, "● 9 · 10.0 h");
    assert_int_equal(vm.lines[4].spans[1].role, ROLE_TIMER_OK);
    assert_int_equal(vm.lines[4].spans[2].role, ROLE_TIMER_WARN);
    assert_int_equal(vm.lines[4].spans[3].role, ROLE_MUTED);
    assert_int_equal(vm.lines[4].spans[4].role, ROLE_TIMER_LATE);
    assert_int_equal(vm.lines[9].spans[1].role, ROLE_TIMER_WARN);  /* ◐ 2 en aviso */
    assert_int_equal(vm.lines[10].spans[1].role, ROLE_TIMER_LATE); /* ○ 3 vencidas */
    assert_int_equal(vm.lines[10].spans[2].role, ROLE_MUTED);
    assert_int_equal(vm.lines[2].spans[4].role, ROLE_LABEL);
    assert_int_equal(m.env_visibles, 5);
    assert_false(informe_model_action(&m, ACTION_RIGHT, vm.page)); /* all of them show */
    informe_model_fini(&m);
}

static void
test_heatmap_sideways_when_stages_do_not_fit(void **st)
{
    struct informe_model m;

    (void)st;
    env_model_new(&m, VM_PROFILE_SUPERVISOR);
    assert_render(60, 18, &m,
                  " Envejecimiento en horas hábiles · todo el equipo\n"
                  "\n"
                  " Promotor  Nuevo         Contactado    Interesado\n"
                  "           24 h          48 h          72 h\n"
                  " prom4     ● 9 · 10.0 h  ◐ 2 · 36.0 h  ·\n"
                  " prom1     ○ 8 · 25.0 h  ·             ● 4 · 53.9 h\n"
                  " prom3     ● 12 · 5.5 h  ● 1 · 0.0 h   ·\n"
                  " prom2     ·             ·             ·\n"
                  "\n"
                  " En aviso  ◐ 2           ◐ 1           ◐ 1\n"
                  " Vencidas  ○ 3           0             0\n"
                  "\n"
                  " Cada celda: abiertas · mediana de horas hábiles en la\n"
                  " etapa.\n"
                  " ● la mediana no llega al 75 % del tiempo  ◐ en aviso\n"
                  " ○ pasó el tiempo de la etapa  · ninguna abierta\n"
                  " Etapas 1–3 de 5 · ← → las demás\n"
                  "\n");
    assert_int_equal(m.env_visibles, 3);
    assert_false(informe_model_action(&m, ACTION_LEFT, vm.page));
    assert_true(informe_model_action(&m, ACTION_RIGHT, vm.page));
    informe_vm_build(&vm, &m, 60, 18);
    assert_string_equal(vm.lines[2].spans[1].text, "Contactado");
    assert_true(informe_model_action(&m, ACTION_RIGHT, vm.page));
    informe_vm_build(&vm, &m, 60, 18);
    assert_string_equal(vm.lines[2].spans[1].text, "Interesado");
    assert_string_equal(vm.lines[2].spans[3].text, "En trámite");
    assert_string_equal(vm.lines[16].spans[0].text, "Etapas 3–5 de 5 · ← → las demás");
    assert_false(informe_model_action(&m, ACTION_RIGHT, vm.page)); /* the last one shows */
    /* Wider again: the position is taken back as far as the last stages still fill. */
    informe_vm_build(&vm, &m, 74, 18);
    assert_int_equal(m.env_primera, 1);
    assert_int_equal(m.env_visibles, 4);
    assert_true(informe_model_action(&m, ACTION_LEFT, vm.page));
    assert_int_equal(m.env_primera, 0);
    informe_model_fini(&m);
}

static void
test_heatmap_wide_with_names(void **st)
{
    struct informe_model m;

    (void)st;
    env_model_new(&m, VM_PROFILE_ADMIN);
    assert_render(
        130, 8, &m,
        " Envejecimiento en horas hábiles · todos los promotores                                                                 1–7 de 13\n"
        "\n"
        " Promotor                        Nuevo         Contactado    Interesado    Documentación  En trámite\n"
        "                                 tiempo 24 h   tiempo 48 h   tiempo 72 h   tiempo 72 h    tiempo 120 h\n"
        " prom4 Ana Laura Sánchez Peña    ● 9 · 10.0 h  ◐ 2 · 36.0 h  ·             ○ 1 · 72.0 h   ● 3 · 12.5 h\n"
        " prom1 José Luis Hernández Gar…  ○ 8 · 25.0 h  ·             ● 4 · 53.9 h  ·              ·\n"
        " prom3 Juan Carlos Martínez Or…  ● 12 · 5.5 h  ● 1 · 0.0 h   ·             ◐ 2 · 60.0 h   ·\n"
        " prom2 María Guadalupe López N…  ·             ·             ·             ·              ·\n");
    informe_model_fini(&m);
}

static void
test_heatmap_never_overflows(void **st)
{
    struct informe_model m;

    (void)st;
    env_model_new(&m, VM_PROFILE_ADMIN);
    for (int w = 20; w <= 200; w++) {
        m.env_primera = 0;
        for (int paso = 0; paso < 6; paso++) {
            informe_vm_build(&vm, &m, w, 24);
            for (int y = 0; y < vm.nlines; y++)
                for (int s = 0; s < vm.lines[y].nspans; s++)
                    if (vm.lines[y].spans[s].col + vm.lines[y].spans[s].width > w)
                        fail_msg("%d columnas, etapa %d, fila %d: «%s» se sale", w, m.env_primera,
                                 y, vm.lines[y].spans[s].text);
            assert_true(m.env_visibles >= 1);
            assert_true(m.env_primera + m.env_visibles <= (int)N(env_etapas));
            informe_model_action(&m, ACTION_RIGHT, vm.page);
        }
        /* After every step right, the last stage shows. */
        assert_int_equal(m.env_primera + m.env_visibles, (int)N(env_etapas));
    }
    informe_model_fini(&m);
}

static void
test_heatmap_ascii_twins(void **st)
{
    struct informe_model m;

    (void)st;
    env_model_new(&m, VM_PROFILE_SUPERVISOR);
    m.ascii = true;
    assert_non_null(setlocale(LC_ALL, "C"));
    assert_render(60, 18, &m,
                  " Envejecimiento en horas habiles - todo el equipo\n"
                  "\n"
                  " Promotor  Nuevo         Contactado    Interesado\n"
                  "           24 h          48 h          72 h\n"
                  " prom4     * 9 - 10.0 h  ~ 2 - 36.0 h  -\n"
                  " prom1     o 8 - 25.0 h  -             * 4 - 53.9 h\n"
                  " prom3     * 12 - 5.5 h  * 1 - 0.0 h   -\n"
                  " prom2     -             -             -\n"
                  "\n"
                  " En aviso  ~ 2           ~ 1           ~ 1\n"
                  " Vencidas  o 3           0             0\n"
                  "\n"
                  " Cada celda: abiertas - mediana de horas habiles en la\n"
                  " etapa.\n"
                  " * la mediana no llega al 75 % del tiempo  ~ en aviso\n"
                  " o paso el tiempo de la etapa  - ninguna abierta\n"
                  " Etapas 1-3 de 5 - < > las demas\n"
                  "\n");
    assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
    informe_model_fini(&m);
}

static void
test_heatmap_loading_nothing_and_one_promoter(void **st)
{
    struct informe_model m;
    struct env_datos d;

    (void)st;
    model_new(&m, VM_PROFILE_SUPERVISOR);
    m.scroll = 5;
    informe_model_vista(&m);
    assert_int_equal(m.scroll, 0);
    assert_false(informe_model_loaded(&m));
    assert_render(80, 3, &m,
                  " Envejecimiento en horas hábiles\n"
                  " Consultando el envejecimiento…\n"
                  "\n");
    /* No promoter in the scope (or no stage with a timer): no rows, no columns. */
    env_datos(&d, "", 0);
    d.netapas = 0;
    informe_model_take_env(&m, &d);
    assert_true(informe_model_loaded(&m));
    assert_int_equal(m.nlogins, 0);
    assert_render(80, 4, &m,
                  " Envejecimiento en horas hábiles · todo el equipo\n"
                  "\n"
                  " Nada que mostrar: no hay promotores o ninguna etapa tiene tiempo límite.\n"
                  "\n");
    /* Narrowed to one promoter: the title says whom; the logins of p stay the team's. */
    env_datos(&d, "", N(env_promotores));
    informe_model_take_env(&m, &d);
    assert_int_equal(m.nlogins, 4);
    env_datos(&d, "prom1", 1);
    informe_model_take_env(&m, &d);
    assert_int_equal(m.nlogins, 4);
    assert_render(
        80, 6, &m,
        " Envejecimiento en horas hábiles · solo prom1                         1–5 de 11\n"
        "\n"
        " Promotor  Nuevo         Contactado   Interesado    Documentación  En trámite\n"
        "           tiempo 24 h   tiempo 48 h  tiempo 72 h   tiempo 72 h    tiempo 120 h\n"
        " prom1     ○ 8 · 25.0 h  ·            ● 4 · 53.9 h  ·              ·\n"
        "\n");
    /* Back to the report: it was read, and ← → do nothing there. */
    assert_int_equal(informe_model_vista(&m), INFORME_VISTA_RESUMEN);
    assert_true(informe_model_loaded(&m));
    assert_false(informe_model_action(&m, ACTION_RIGHT, 10));
    informe_model_fini(&m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_range_in_words),
        cmocka_unit_test(test_moving_the_range_never_passes_today),
        cmocka_unit_test(test_the_words_of_the_command),
        cmocka_unit_test(test_the_words_of_the_heatmap_command),
        cmocka_unit_test(test_the_hint_bar_offers_the_heatmap_at_80_columns),
        cmocka_unit_test(test_the_heatmap_bar_offers_no_range_keys),
        cmocka_unit_test(test_the_help_lists_v),
        cmocka_unit_test(test_supervisor_at_80x24),
        cmocka_unit_test(test_every_column_and_the_promoters_at_160x50),
        cmocka_unit_test(test_narrow_widths_leave_columns_out_and_never_overflow),
        cmocka_unit_test(test_ascii_twins),
        cmocka_unit_test(test_a_promoter_sees_their_own),
        cmocka_unit_test(test_scrolling),
        cmocka_unit_test(test_loading_failing_and_nothing_happened),
        cmocka_unit_test(test_the_promoter_cycle),
        cmocka_unit_test(test_heatmap_bands),
        cmocka_unit_test(test_heatmap_at_80x24),
        cmocka_unit_test(test_heatmap_sideways_when_stages_do_not_fit),
        cmocka_unit_test(test_heatmap_wide_with_names),
        cmocka_unit_test(test_heatmap_never_overflows),
        cmocka_unit_test(test_heatmap_ascii_twins),
        cmocka_unit_test(test_heatmap_loading_nothing_and_one_promoter),
    };

    return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
