/*
 * test_intentos — contact attempts (sql/065_intentos.sql) through db_registrar_intento and
 * db_mover: an INTENTO history row with its outcome and note, counted since the opportunity
 * reached its owner; who may record one and when not (bandeja, closed, unknown outcome, long
 * note); "No localizado" needs 2 before the opportunity enters it, other exits none; a
 * reopened opportunity needs new ones; the bandeja shows them (sql/066); the doctor stays
 * clean.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "db/db.h"
#include "db/db_crm.h"
#include "dbt.h"
#include "util/err.h"

/* it_sup: it_p1, it_p2; it_sup2; it_p1 holds opportunities 1…4. */
static void
seed(struct dbt *t, struct db *adm)
{
    static const struct dbt_usuario usuarios[] = {
        { "it_sup", "Sara Supervisora", "SUPERVISOR", NULL, NULL },
        { "it_sup2", "Saúl Supervisor", "SUPERVISOR", NULL, NULL },
        { "it_p1", "Pepe Uno", "PROMOTOR", "it_sup", NULL },
        { "it_p2", "Paty Dos", "PROMOTOR", "it_sup", NULL },
    };
    struct db *p;

    dbt_usuarios(t, adm, usuarios, sizeof usuarios / sizeof usuarios[0]);
    dbt_clientes_imss(adm, 20);
    p = dbt_connect(t, "it_p1");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(4)");
    db_close(p);
}

static int
intento(struct db *db, int64_t id, const char *resultado, const char *nota, int *n,
        struct err *e)
{
    memset(e, 0, sizeof *e);
    return db_registrar_intento(db, id, resultado, nota, n, e);
}

static int
mover(struct db *db, int64_t id, const char *etapa, const char *motivo, struct err *e)
{
    struct db_movimiento m;
    int rc;

    memset(e, 0, sizeof *e);
    rc = db_mover(db, id, etapa, motivo, &m, e);
    if (rc == RC_OK)
        db_movimiento_fini(&m);
    return rc;
}

static void
test_intentos_y_salida(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p1, *p2, *sup, *sup2;
    struct err e;
    int n = -1;

    seed(t, adm);
    p1 = dbt_connect(t, "it_p1");
    p2 = dbt_connect(t, "it_p2");
    sup = dbt_connect(t, "it_sup");
    sup2 = dbt_connect(t, "it_sup2");

    /* "No localizado" without attempts: refused, saying how many are needed. */
    assert_int_equal(mover(p1, 1, "No localizado", "no contesta", &e), RC_REFUSED);
    assert_string_equal(e.code, "EB308");
    assert_string_equal(e.msg, "para pasar a \"No localizado\" registre al menos 2 intentos de "
                               "contacto (lleva 0)");

    /* The owner records one; the stage and the timer stay; the history has it. */
    assert_int_equal(intento(p1, 1, "NO_CONTESTA", "  sonó 6 veces ", &n, &e), RC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT format('%%s/%%s/%%s/%%s/%%s', h.evento,"
                                       " h.etapa_anterior, h.datos ->> 'resultado', h.motivo,"
                                       " u.login) FROM crm.historial h JOIN crm.usuarios u"
                                       " ON u.id = h.usuario_id WHERE h.oportunidad_id = 1"
                                       " ORDER BY h.id DESC LIMIT 1"),
                        "INTENTO/Nuevo/NO_CONTESTA/sonó 6 veces/it_p1");
    assert_int_equal(mover(p1, 1, "No localizado", "no contesta", &e), RC_REFUSED);
    assert_string_equal(e.code, "EB308");
    assert_non_null(strstr(e.msg, "(lleva 1)"));
    /* Their supervisor may record one too (no note); another team's may not. */
    assert_int_equal(intento(sup2, 1, "BUZON", NULL, &n, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB301");
    assert_int_equal(intento(p2, 1, "BUZON", NULL, &n, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB301");
    assert_int_equal(intento(sup, 1, "BUZON", NULL, &n, &e), RC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(mover(p1, 1, "No localizado", "no contesta", &e), RC_OK);
    {
        /* The supervisor's bandeja shows them (sql/066). */
        struct db_bandeja_fila *rows = NULL;
        size_t nrows = 0;

        assert_int_equal(db_bandeja(sup, &rows, &nrows, &e), RC_OK);
        assert_int_equal(nrows, 1);
        assert_int_equal(rows[0].intentos, 2);
        assert_string_equal(rows[0].ultimo_intento, "BUZON");
        db_bandeja_free(rows, nrows);
    }

    /* In the bandeja: no more attempts; reopened: the count starts again. */
    assert_int_equal(intento(p1, 1, "CITA", NULL, &n, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB307");
    dbt_exec(sup, "SELECT api.bandeja_reabrir(ARRAY[1::bigint], 'que lo intente por la tarde')");
    assert_int_equal(mover(p1, 1, "No localizado", "tampoco", &e), RC_REFUSED);
    assert_non_null(strstr(e.msg, "(lleva 0)"));

    /* Other exits need none; closed opportunities take none. */
    assert_int_equal(mover(p1, 2, "No interesado", "ya tiene crédito", &e), RC_OK);
    dbt_exec(sup, "SELECT api.bandeja_devolver(ARRAY[2::bigint], 'al pool')");
    assert_int_equal(intento(p1, 2, "CITA", NULL, &n, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB302");

    /* Bad input: unknown outcome, note too long; nothing written. */
    assert_int_equal(intento(p1, 3, "LLAMADA", NULL, &n, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB309");
    assert_int_equal(intento(p1, 3, "CITA",
                             dbt_scalar_tmp(t, adm, "SELECT repeat('x', 501)"), &n, &e),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB309");
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.historial WHERE oportunidad_id = 3"
                                   " AND evento = 'INTENTO'"),
                     0);

    /* A stage that asks for one attempt says so in the singular (sql/104). */
    dbt_exec(adm, "UPDATE crm.etapas SET intentos_minimos = 1 WHERE nombre = 'No interesado'");
    assert_int_equal(mover(p1, 3, "No interesado", "no le interesa", &e), RC_REFUSED);
    assert_string_equal(e.code, "EB308");
    assert_string_equal(e.msg, "para pasar a \"No interesado\" registre al menos 1 intento de "
                               "contacto (lleva 0)");

    /* The configuration: only an exit may require attempts. */
    assert_int_equal(dbt_try(adm, &e, "UPDATE crm.etapas SET intentos_minimos = 1"
                                      " WHERE nombre = 'Contactado'"),
                     RC_DB);
    assert_string_equal(e.code, "23514");
    assert_int_equal(dbt_scalar_ll(t, sup, "SELECT count(*) FROM api.verificar_invariantes()"),
                     0);

    db_close(sup2);
    db_close(sup);
    db_close(p2);
    db_close(p1);
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_intentos_y_salida, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
