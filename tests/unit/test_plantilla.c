/* test_plantilla — variables, spintax (nested, seeded), literal braces, UTF-8, and
 * parse errors with their line and column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/plantilla.h"
#include "util/err.h"

static const struct plantilla_valores valores = { .v = {
                                                      [PLANTILLA_VAR_NOMBRE] = "María",
                                                      [PLANTILLA_VAR_APELLIDO] = "Núñez",
                                                      [PLANTILLA_VAR_NOMBRE_COMPLETO] =
                                                          "María Núñez Peña",
                                                      [PLANTILLA_VAR_CONVENIO] = "IMSS",
                                                      [PLANTILLA_VAR_PROMOTOR] = "Toño",
                                                      [PLANTILLA_VAR_ETAPA] = "Contactado",
                                                      [PLANTILLA_VAR_MUNICIPIO] = "Querétaro",
                                                      [PLANTILLA_VAR_ENTIDAD] = "Querétaro",
                                                  } };

/* Parses and renders with seed, or fails the test. */
static char *
render(const char *text, uint64_t seed)
{
    struct plantilla *p;
    struct err e;
    char *out;

    p = plantilla_parse(text, NULL, &e);
    if (p == NULL)
        fail_msg("«%s»: %s", text, e.msg);
    out = plantilla_render(p, &valores, seed, &e);
    if (out == NULL)
        fail_msg("«%s»: %s", text, e.msg);
    plantilla_free(p);
    return out;
}

static void
assert_render(const char *text, uint64_t seed, const char *want)
{
    char *got = render(text, seed);

    assert_string_equal(got, want);
    free(got);
}

/* Expects a parse error at line:col whose message contains `what`. */
static void
assert_parse_error(const char *text, size_t line, size_t col, const char *what)
{
    struct plantilla_pos pos;
    struct err e;

    if (plantilla_parse(text, &pos, &e) != NULL)
        fail_msg("«%s» debió ser rechazada", text);
    assert_int_equal(e.rc, RC_INVAL);
    if (strstr(e.msg, what) == NULL)
        fail_msg("«%s»: mensaje «%s» sin «%s»", text, e.msg, what);
    assert_int_equal(pos.line, line);
    assert_int_equal(pos.col, col);
}

static void
test_plain_text_and_utf8_pass_through(void **st)
{
    (void)st;
    assert_render("", 1, "");
    assert_render("Señora, ¿cómo está? 👋 a|b", 1, "Señora, ¿cómo está? 👋 a|b");
}

static void
test_variables_are_replaced(void **st)
{
    (void)st;
    assert_render("Hola {nombre} {apellido}, soy {promotor} ({convenio}, {etapa}).", 1,
                  "Hola María Núñez, soy Toño (IMSS, Contactado).");
    assert_render("{nombre_completo} de {municipio}, {entidad}", 1,
                  "María Núñez Peña de Querétaro, Querétaro");
    assert_render("Hola { nombre }", 1, "Hola María");
}

static void
test_literal_braces_are_doubled(void **st)
{
    (void)st;
    assert_render("{{nombre}} vale }}5{{", 1, "{nombre} vale }5{");
    assert_render("{{{nombre}}}", 1, "{María}");
}

static void
test_spintax_is_seeded_and_covers_every_option(void **st)
{
    unsigned seen[3] = { 0 };

    (void)st;
    for (uint64_t r = 0; r < 3000; r++) {
        char *a = render("{Hola|Buen día|Qué tal} {nombre}", plantilla_seed(9, r));
        char *b = render("{Hola|Buen día|Qué tal} {nombre}", plantilla_seed(9, r));

        assert_string_equal(a, b);
        if (strcmp(a, "Hola María") == 0)
            seen[0]++;
        else if (strcmp(a, "Buen día María") == 0)
            seen[1]++;
        else if (strcmp(a, "Qué tal María") == 0)
            seen[2]++;
        else
            fail_msg("salida inesperada «%s»", a);
        free(a);
        free(b);
    }
    for (int i = 0; i < 3; i++)
        assert_in_range(seen[i], 850, 1150);
    assert_true(plantilla_seed(1, 2) != plantilla_seed(1, 3));
    assert_true(plantilla_seed(1, 2) != plantilla_seed(2, 2));
}

static void
test_nested_groups_and_variables_inside_options(void **st)
{
    struct plantilla *p;
    bool a = false, b = false, c = false;

    (void)st;
    for (uint64_t r = 0; r < 200; r++) {
        char *s = render("{Hola {nombre}|{Buen día|Buenas tardes}}, ¿cómo está?", r);

        a |= strcmp(s, "Hola María, ¿cómo está?") == 0;
        b |= strcmp(s, "Buen día, ¿cómo está?") == 0;
        c |= strcmp(s, "Buenas tardes, ¿cómo está?") == 0;
        free(s);
    }
    assert_true(a && b && c);
    p = plantilla_parse("{a|{b|c}} {x|y} {nombre}", NULL, NULL);
    assert_non_null(p);
    assert_int_equal(plantilla_variantes(p), 6);
    assert_true(plantilla_usa(p, PLANTILLA_VAR_NOMBRE));
    assert_false(plantilla_usa(p, PLANTILLA_VAR_CONVENIO));
    plantilla_free(p);
    assert_render("{|}x", 5, "x");
}

/* The body parameters of a template's twin in Meta: each variable once, in order of first
 * appearance, options of a group included in their order. */
static void
test_orden_is_first_appearance(void **st)
{
    enum plantilla_var v[PLANTILLA_NVARS];
    struct plantilla *p;

    (void)st;
    p = plantilla_parse("Hola {nombre}, su convenio {convenio}; {nombre}, atte. {promotor}", NULL,
                        NULL);
    assert_non_null(p);
    assert_int_equal(plantilla_orden(p, v), 3);
    assert_int_equal(v[0], PLANTILLA_VAR_NOMBRE);
    assert_int_equal(v[1], PLANTILLA_VAR_CONVENIO);
    assert_int_equal(v[2], PLANTILLA_VAR_PROMOTOR);
    plantilla_free(p);
    p = plantilla_parse("{Hola {entidad}|Buen día {nombre}} {{literal}} {entidad}", NULL, NULL);
    assert_non_null(p);
    assert_int_equal(plantilla_orden(p, v), 2);
    assert_int_equal(v[0], PLANTILLA_VAR_ENTIDAD);
    assert_int_equal(v[1], PLANTILLA_VAR_NOMBRE);
    plantilla_free(p);
    p = plantilla_parse("Sin variables", NULL, NULL);
    assert_non_null(p);
    assert_int_equal(plantilla_orden(p, v), 0);
    plantilla_free(p);
}

static void
test_missing_value_fails_only_when_the_chosen_text_needs_it(void **st)
{
    struct plantilla_valores v = valores;
    struct plantilla *p;
    struct err e;
    unsigned ok = 0, missing = 0;

    (void)st;
    v.v[PLANTILLA_VAR_CONVENIO] = NULL;
    v.v[PLANTILLA_VAR_NOMBRE] = "  ";
    p = plantilla_parse("Hola {nombre}", NULL, NULL);
    assert_null(plantilla_render(p, &v, 1, &e));
    assert_string_equal(e.msg, "falta el valor de {nombre}");
    plantilla_free(p);
    p = plantilla_parse("{Trabaja en {convenio}|Hola}", NULL, NULL);
    for (uint64_t r = 0; r < 100; r++) {
        char *s = plantilla_render(p, &v, r, &e);

        if (s == NULL) {
            missing++;
            assert_string_equal(e.msg, "falta el valor de {convenio}");
        } else {
            ok++;
            assert_string_equal(s, "Hola");
        }
        free(s);
    }
    assert_true(ok > 0 && missing > 0);
    plantilla_free(p);
}

static void
test_errors_name_line_and_column(void **st)
{
    char deep[64] = "", longtext[PLANTILLA_MAX_BYTES + 2];

    (void)st;
    assert_parse_error("Hola {nombr}", 1, 6, "variable desconocida {nombr}");
    assert_parse_error("¿Qué tal {Nombre}?", 1, 10, "variable desconocida {Nombre}");
    assert_parse_error("Hola\nbuen día {x}", 2, 10, "use {nombre}");
    assert_parse_error("Hola {nombre", 1, 6, "sin cerrar");
    assert_parse_error("{Hola|Buen día", 1, 1, "sin cerrar");
    assert_parse_error("Hola nombre}", 1, 12, "sin abrir");
    assert_parse_error("Hola {}", 1, 6, "vacías");
    assert_parse_error("{ {a|b} }", 1, 1, "separe las variaciones con |");
    assert_parse_error("ok {a|{b|{zz}}}", 1, 10, "variable desconocida {zz}");
    assert_parse_error("Peña \xc3(", 1, 6, "UTF-8");
    assert_parse_error("\xed\xa0\x80", 1, 1, "UTF-8"); /* a surrogate */
    assert_parse_error("\xc0\xaf", 1, 1, "UTF-8");     /* an overlong '/' */
    for (int i = 0; i < PLANTILLA_MAX_DEPTH + 1; i++)
        strcat(deep, "{a|");
    assert_parse_error(deep, 1, 3 * PLANTILLA_MAX_DEPTH + 1, "anidadas");
    memset(longtext, 'a', sizeof longtext - 1);
    longtext[sizeof longtext - 1] = '\0';
    assert_null(plantilla_parse(longtext, NULL, NULL));
}

static void
test_variable_names_table(void **st)
{
    (void)st;
    assert_string_equal(plantilla_var_name(PLANTILLA_VAR_NOMBRE), "nombre");
    assert_string_equal(plantilla_var_name(PLANTILLA_VAR_ENTIDAD), "entidad");
    assert_null(plantilla_var_name(PLANTILLA_NVARS));
    for (int i = 0; i < PLANTILLA_NVARS; i++) {
        char text[40], *s;

        snprintf(text, sizeof text, "{%s}", plantilla_var_name((enum plantilla_var)i));
        s = render(text, 1);
        assert_string_equal(s, valores.v[i]);
        free(s);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_text_and_utf8_pass_through),
        cmocka_unit_test(test_variables_are_replaced),
        cmocka_unit_test(test_literal_braces_are_doubled),
        cmocka_unit_test(test_spintax_is_seeded_and_covers_every_option),
        cmocka_unit_test(test_nested_groups_and_variables_inside_options),
        cmocka_unit_test(test_orden_is_first_appearance),
        cmocka_unit_test(test_missing_value_fails_only_when_the_chosen_text_needs_it),
        cmocka_unit_test(test_errors_name_line_and_column),
        cmocka_unit_test(test_variable_names_table),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
