/*
 * test_demo_actividad — the demo's morning of work as a plan: every step is one the api
 * accepts (stages of the demo funnel, outcome codes, a reason for every exit, the attempts «No
 * localizado» asks for, a sale only from «En trámite»), the same seed gives the same morning,
 * and the mix is the one the header promises.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/demo.h"
#include "core/demo_actividad.h"
#include "core/intento.h"
#include "core/rng.h"

static const struct demo_etapa *
etapa(const char *nombre)
{
    for (size_t i = 0; i < demo_etapas_len; i++)
        if (strcmp(demo_etapas[i].nombre, nombre) == 0)
            return &demo_etapas[i];
    return NULL;
}

static bool
codigo_valido(const char *c)
{
    for (int i = 0; i < INTENTO_NRESULTADOS; i++)
        if (strcmp(intento_codigos[i], c) == 0)
            return true;
    return false;
}

/* Checks one opportunity's plan as the api would; returns its fate: "" (untouched), the last
   stage moved to, or "Venta". */
static const char *
check_plan(const struct demo_paso *p, int n)
{
    const char *en = demo_etapas[0].nombre;
    int intentos = 0;

    assert_in_range(n, 0, DEMO_PASOS_MAX);
    for (int i = 0; i < n; i++) {
        const struct demo_etapa *e;

        assert_non_null(p[i].a);
        switch (p[i].tipo) {
        case DEMO_PASO_INTENTO:
            assert_true(codigo_valido(p[i].a));
            intentos++;
            break;
        case DEMO_PASO_MOVER:
            e = etapa(p[i].a);
            assert_non_null(e);
            if (e == NULL)
                return "";
            assert_string_not_equal(e->tipo, "INICIAL");
            assert_string_not_equal(e->tipo, "VENTA");
            assert_string_not_equal(p[i].a, en);
            if (strcmp(e->tipo, "SALIDA") == 0) {
                assert_non_null(p[i].motivo);
                assert_int_equal(i, n - 1); /* nothing after an exit */
            }
            if (strcmp(p[i].a, "No localizado") == 0)
                assert_true(intentos >= 2);
            en = p[i].a;
            break;
        case DEMO_PASO_NOTA:
            assert_true(strlen(p[i].a) > 0);
            break;
        case DEMO_PASO_VENTA:
            assert_string_equal(en, "En trámite");
            assert_int_equal(i, n - 1);
            assert_in_range(p[i].monto, 10000, 150000);
            return "Venta";
        }
    }
    return n == 0 ? "" : en;
}

static void
test_steps_are_what_the_api_accepts(void **st)
{
    struct rng r;
    struct demo_paso p[DEMO_PASOS_MAX];
    struct demo_pedido pd;

    (void)st;
    rng_seed(&r, 11);
    for (int i = 0; i < 20000; i++) {
        demo_actividad_pedido(&r, &pd);
        assert_in_range(pd.cantidad, 8, 14);
        assert_true(pd.pensionados == (strstr(pd.convenio, "PENSIONADOS") != NULL));
        (void)check_plan(p, demo_actividad_pasos(&r, &pd, p));
    }
}

static void
test_same_seed_same_morning(void **st)
{
    struct rng a, b;
    struct demo_paso pa[DEMO_PASOS_MAX], pb[DEMO_PASOS_MAX];
    struct demo_pedido da, db;

    (void)st;
    rng_seed(&a, 5);
    rng_seed(&b, 5);
    for (int i = 0; i < 2000; i++) {
        int na, nb;

        demo_actividad_pedido(&a, &da);
        demo_actividad_pedido(&b, &db);
        assert_string_equal(da.convenio, db.convenio);
        assert_int_equal(da.cantidad, db.cantidad);
        na = demo_actividad_pasos(&a, &da, pa);
        nb = demo_actividad_pasos(&b, &db, pb);
        assert_int_equal(na, nb);
        for (int k = 0; k < na; k++) {
            assert_int_equal(pa[k].tipo, pb[k].tipo);
            assert_string_equal(pa[k].a, pb[k].a);
            assert_int_equal(pa[k].monto, pb[k].monto);
        }
    }
}

/* Most clients new or early, a few deep in the funnel, a couple of sales, some exits. */
static void
test_the_mix_of_a_normal_day(void **st)
{
    enum { N = 20000 };
    struct rng r;
    struct demo_paso p[DEMO_PASOS_MAX];
    struct demo_pedido pd = { "IMSS", false, 10 };
    int intactas = 0, ventas = 0, salidas = 0, tempranas = 0;

    (void)st;
    rng_seed(&r, 3);
    for (int i = 0; i < N; i++) {
        int n = demo_actividad_pasos(&r, &pd, p);
        const char *fin = check_plan(p, n);

        intactas += n == 0;
        ventas += strcmp(fin, "Venta") == 0;
        salidas += etapa(fin) != NULL && strcmp(etapa(fin)->tipo, "SALIDA") == 0;
        tempranas += n > 0 && (strcmp(fin, "Nuevo") == 0 || strcmp(fin, "Contactado") == 0);
    }
    assert_in_range(intactas * 100 / N, 27, 33);
    assert_in_range(tempranas * 100 / N, 24, 32); /* attempts only, or contacted */
    assert_in_range(ventas * 100 / N, 2, 4);
    assert_in_range(salidas * 100 / N, 15, 21);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_steps_are_what_the_api_accepts),
        cmocka_unit_test(test_same_seed_same_morning),
        cmocka_unit_test(test_the_mix_of_a_normal_day),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
