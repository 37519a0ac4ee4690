/* test_variaciones — the guardrails on AI variations: facts, variables, near-duplicates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/variaciones.h"

static const char original[] =
    "{Hola|Buen día} {nombre}, soy {promotor}. Con su convenio {convenio} le prestamos hasta "
    "$50,000 al 1.5% mensual con CREDIMAX. ¿Le interesa?";

static void
test_facts_are_numbers_capitals_and_quotes(void **state)
{
    char *h[8];
    size_t n;

    (void)state;
    n = variaciones_hechos("Hasta $50,000 al 1.5% en 36 meses con CREDIMAX y «Nómina Plus», "
                           "Hola IMSS 36",
                           h, 5);
    assert_int_equal(n, 5); /* IMSS is past the limit; 36 again is not repeated */
    assert_string_equal(h[0], "$50,000");
    assert_string_equal(h[1], "1.5%");
    assert_string_equal(h[2], "36");
    assert_string_equal(h[3], "CREDIMAX");
    assert_string_equal(h[4], "Nómina Plus");
    variaciones_hechos_free(h, n);
    /* a capital followed by lower case is no fact */
    n = variaciones_hechos("Hola Juan, ÁREA 3 x", h, 8);
    assert_int_equal(n, 2);
    assert_string_equal(h[0], "ÁREA");
    assert_string_equal(h[1], "3");
    variaciones_hechos_free(h, n);
}

static void
test_digits_inside_words_are_not_facts(void **state)
{
    char *h[4];
    size_t n;

    (void)state;
    n = variaciones_hechos("folio A123 y x2", h, 4);
    assert_int_equal(n, 0);
}

static void
test_similarity_measure(void **state)
{
    (void)state;
    assert_true(variaciones_similitud("Hola mundo", "hola, MUNDO!") > 0.999);
    assert_true(variaciones_similitud("Qué tal", "que tal") > 0.999);
    assert_true(variaciones_similitud("", "") > 0.999);
    assert_true(variaciones_similitud("abc", "") < 0.001);
    assert_true(variaciones_similitud(original, "Le escribo para ofrecerle un préstamo") < 0.5);
}

static void
judge(const char *const *cand, size_t n, struct variacion_veredicto *v, size_t want_kept)
{
    assert_int_equal(variaciones_filtrar(original, cand, n, v), want_kept);
}

static void
test_good_variants_are_kept(void **state)
{
    const char *cand[] = {
        "{nombre}, le saluda {promotor}. Por ser del convenio {convenio} puede recibir hasta "
        "$50,000 al 1.5% mensual con CREDIMAX. ¿Lo platicamos?",
        "Buenas tardes {nombre}: aquí {promotor}. Tenemos para el convenio {convenio} un "
        "crédito CREDIMAX de hasta $50,000, tasa 1.5% mensual. ¿Quiere saber más?",
    };
    struct variacion_veredicto v[2];

    (void)state;
    judge(cand, 2, v, 2);
    assert_int_equal(v[0].motivo, VARIACION_ACEPTADA);
    assert_int_equal(v[1].motivo, VARIACION_ACEPTADA);
    assert_true(v[1].similitud < VARIACIONES_SIMILITUD_MAX);
}

static void
test_dropped_variable_is_refused(void **state)
{
    const char *cand[] = {
        "Hola, le saluda {promotor}. Por ser del convenio {convenio} puede recibir hasta "
        "$50,000 al 1.5% mensual con CREDIMAX.",
    };
    struct variacion_veredicto v[1];

    (void)state;
    judge(cand, 1, v, 0);
    assert_int_equal(v[0].motivo, VARIACION_FALTA_VARIABLE);
    assert_string_equal(v[0].detalle, "falta la variable {nombre}");
}

static void
test_new_or_unknown_variable_is_refused(void **state)
{
    const char *cand[] = {
        "{nombre} de {municipio}: {promotor} le ofrece con {convenio} hasta $50,000 al 1.5% "
        "con CREDIMAX.",
        "{nombre}: {promotor} le ofrece con {convenio} hasta $50,000 al 1.5% con CREDIMAX "
        "{telefono}.",
    };
    struct variacion_veredicto v[2];

    (void)state;
    judge(cand, 2, v, 0);
    assert_int_equal(v[0].motivo, VARIACION_VARIABLE_NUEVA);
    assert_string_equal(v[0].detalle, "agrega la variable {municipio}");
    assert_int_equal(v[1].motivo, VARIACION_INVALIDA);
    assert_non_null(strstr(v[1].detalle, "telefono"));
}

static void
test_changed_fact_is_refused(void **state)
{
    const char *cand[] = {
        "{nombre}, soy {promotor}: con {convenio} le damos hasta $60,000 al 1.5% con CREDIMAX.",
        "{nombre}, soy {promotor}: con {convenio} le damos hasta $50,000 al 1.2% con CREDIMAX.",
        "{nombre}, soy {promotor}: con {convenio} le damos hasta $50,000 al 1.5% con Credimax.",
    };
    struct variacion_veredicto v[3];

    (void)state;
    judge(cand, 3, v, 0);
    assert_string_equal(v[0].detalle, "falta el dato «$50,000»");
    assert_string_equal(v[1].detalle, "falta el dato «1.5%»");
    assert_string_equal(v[2].detalle, "falta el dato «CREDIMAX»");
    for (int i = 0; i < 3; i++)
        assert_int_equal(v[i].motivo, VARIACION_FALTA_HECHO);
}

static void
test_near_duplicates_are_refused(void **state)
{
    const char *cand[] = {
        /* the original with one word changed */
        "{Hola|Buen día} {nombre}, soy {promotor}. Con su convenio {convenio} le prestamos "
        "hasta $50,000 al 1.5% mensual con CREDIMAX. ¿Le gustaría?",
        "{nombre}, le saluda {promotor}. Por ser del convenio {convenio} puede recibir hasta "
        "$50,000 al 1.5% mensual con CREDIMAX. ¿Lo platicamos?",
        /* the second with punctuation and case changed */
        "{nombre} le saluda {promotor}; por ser del convenio {convenio} puede recibir hasta "
        "$50,000 al 1.5% mensual con CREDIMAX. ¿lo platicamos?",
    };
    struct variacion_veredicto v[3];

    (void)state;
    judge(cand, 3, v, 1);
    assert_int_equal(v[0].motivo, VARIACION_CASI_IGUAL);
    assert_non_null(strstr(v[0].detalle, "casi igual a la plantilla"));
    assert_int_equal(v[1].motivo, VARIACION_ACEPTADA);
    assert_int_equal(v[2].motivo, VARIACION_CASI_IGUAL);
    assert_non_null(strstr(v[2].detalle, "casi igual a la variación 2"));
}

static void
test_empty_and_null_are_refused(void **state)
{
    const char *cand[] = { "  \n", NULL };
    struct variacion_veredicto v[2];

    (void)state;
    judge(cand, 2, v, 0);
    assert_int_equal(v[0].motivo, VARIACION_VACIA);
    assert_int_equal(v[1].motivo, VARIACION_VACIA);
}

static void
test_request_body(void **state)
{
    char *b = variaciones_pedido_fmt("modelo-x", "Hola {nombre} \"hoy\"", 50);

    (void)state;
    assert_non_null(strstr(b, "\"model\":\"modelo-x\""));
    assert_non_null(strstr(b, "arreglo JSON de 10 cadenas"));
    assert_non_null(strstr(b, "\"content\":\"Hola {nombre} \\\"hoy\\\"\""));
    free(b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_facts_are_numbers_capitals_and_quotes),
        cmocka_unit_test(test_digits_inside_words_are_not_facts),
        cmocka_unit_test(test_similarity_measure),
        cmocka_unit_test(test_good_variants_are_kept),
        cmocka_unit_test(test_dropped_variable_is_refused),
        cmocka_unit_test(test_new_or_unknown_variable_is_refused),
        cmocka_unit_test(test_changed_fact_is_refused),
        cmocka_unit_test(test_near_duplicates_are_refused),
        cmocka_unit_test(test_empty_and_null_are_refused),
        cmocka_unit_test(test_request_body),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
