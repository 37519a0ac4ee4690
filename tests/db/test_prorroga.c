/*
 * test_prorroga — sql/079_prorrogas.sql through db_prorroga: the owner asks for a stage timer
 * to wait until a date (and only the owner, only with a running timer, a date after today and
 * within 30 days, a reason, one at a time); the owner's supervisor approves it (the stage's
 * whole timer from the resume date, never shortening one that already runs longer) or rejects
 * it with an answer; the requester cancels; who sees which requests; a request whose
 * opportunity the sweep returned meanwhile cannot be approved; every step in the history.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "db/db.h"
#include "db/db_prorroga.h"
#include "dbt.h"
#include "util/err.h"

static const struct dbt_usuario usuarios[] = {
    { "pr_sup", "Sara Supervisora", "SUPERVISOR", NULL, NULL },
    { "pr_sup2", "Saúl Supervisor", "SUPERVISOR", NULL, NULL },
    { "pr_p1", "Pepe Uno", "PROMOTOR", "pr_sup", NULL },
    { "pr_p2", "Paty Dos", "PROMOTOR", "pr_sup", NULL },
    { "pr_p3", "Pablo Tres", "PROMOTOR", "pr_sup2", NULL },
};

/* pr_p1 gets two opportunities in Nuevo (a 24 h timer); o receives their ids. */
static void
seed(struct dbt *t, struct db *adm, long long o[2])
{
    struct db *p1;

    dbt_usuarios(t, adm, usuarios, sizeof usuarios / sizeof usuarios[0]);
    dbt_clientes_imss(adm, 10);
    p1 = dbt_connect(t, "pr_p1");
    dbt_exec(p1, "SELECT * FROM api.solicitar_asignacion(2)");
    db_close(p1);
    for (int i = 0; i < 2; i++)
        o[i] = dbt_scalar_ll(t, adm,
                             "SELECT id FROM crm.oportunidades ORDER BY id OFFSET %d"
                             " LIMIT 1",
                             i);
}

/* "AAAA-MM-DD" of the business date today + dias. */
static const char *
fecha(struct dbt *t, struct db *db, int dias)
{
    return dbt_scalar_tmp(t, db, "SELECT (crm.fecha_negocio(now()) + %d)::text", dias);
}

static int
pedir(struct db *db, long long op, const char *reanudar, const char *motivo, long long *id,
      struct err *e)
{
    int64_t x = 0;
    int rc;

    memset(e, 0, sizeof *e);
    rc = db_prorroga_pedir(db, op, reanudar, motivo, &x, e);
    *id = x;
    return rc;
}

static int
resolver(struct db *db, long long id, bool aprobar, const char *respuesta, struct err *e)
{
    char vence[32];

    memset(e, 0, sizeof *e);
    return db_prorroga_resolver(db, id, aprobar, respuesta, vence, sizeof vence, e);
}

static size_t
cuantas(struct db *db, int pendientes)
{
    struct db_prorroga *r = NULL;
    struct err e = { 0 };
    size_t n = 0;

    if (db_prorrogas(db, pendientes, &r, &n, &e) != RC_OK)
        fail_msg("db_prorrogas: %s", e.msg);
    db_prorrogas_free(r, n);
    return n;
}

static void
test_pedir_y_aprobar(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p1, *p2, *sup, *sup2;
    struct db_prorroga *r = NULL;
    long long o[2], id, otro;
    struct err e;
    char vence[32];
    size_t n = 0;

    seed(t, adm, o);
    p1 = dbt_connect(t, "pr_p1");
    p2 = dbt_connect(t, "pr_p2");
    sup = dbt_connect(t, "pr_sup");
    sup2 = dbt_connect(t, "pr_sup2");

    assert_int_equal(pedir(p1, o[0], fecha(t, adm, 5), "después de la quincena", &id, &e), RC_OK);
    assert_true(id > 0);
    /* One at a time; a date after today and within 30 days; a reason; only the owner. */
    assert_int_equal(pedir(p1, o[0], fecha(t, adm, 6), "otra", &otro, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB642");
    assert_int_equal(pedir(p1, o[1], fecha(t, adm, 0), "hoy", &otro, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB640");
    assert_int_equal(pedir(p1, o[1], fecha(t, adm, 31), "lejos", &otro, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB640");
    assert_int_equal(pedir(p1, o[1], fecha(t, adm, 3), "  ", &otro, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB503");
    assert_int_equal(pedir(p2, o[1], fecha(t, adm, 3), "ajena", &otro, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB301");
    assert_int_equal(pedir(sup, o[1], fecha(t, adm, 3), "del supervisor", &otro, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB643");

    /* Who sees it: the owner and the team's supervisor. */
    assert_int_equal(cuantas(p1, 1), 1);
    assert_int_equal(cuantas(p2, 1), 0);
    assert_int_equal(cuantas(sup2, 1), 0);
    assert_int_equal(db_prorrogas(sup, 1, &r, &n, &e), RC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(r[0].oportunidad_id, o[0]);
    assert_string_equal(r[0].promotor, "pr_p1");
    assert_string_equal(r[0].etapa, "Nuevo");
    assert_string_equal(r[0].motivo, "después de la quincena");
    assert_string_equal(r[0].estado, "PENDIENTE");
    assert_null(r[0].resuelta_por);
    db_prorrogas_free(r, n);

    /* Who decides: not the promoter, not another team's supervisor; a rejection needs an
     * answer. */
    assert_int_equal(resolver(p1, id, true, NULL, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB002");
    assert_int_equal(resolver(sup2, id, true, NULL, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB644");
    assert_int_equal(resolver(sup, id, false, " ", &e), RC_REFUSED);
    assert_string_equal(e.code, "EB503");

    /* Approved: Nuevo's 24 business hours start at the resume date's midnight. */
    assert_int_equal(db_prorroga_resolver(sup, id, true, NULL, vence, sizeof vence, &e), RC_OK);
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT o.timer_vence = crm.sumar_horas_habiles("
                                       "p.reanudar::timestamp AT TIME ZONE crm.zona(), 24,"
                                       " crm.zona()) AND to_char(o.timer_vence AT TIME ZONE"
                                       " crm.zona(), 'DD/MM/YY HH24:MI') = '%s'"
                                       " FROM crm.prorrogas p JOIN crm.oportunidades o"
                                       " ON o.id = p.oportunidad_id WHERE p.id = %lld",
                                       vence, id),
                        "t");
    assert_int_equal(resolver(sup, id, true, NULL, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB645");
    assert_int_equal(cuantas(sup, 1), 0);
    assert_int_equal(cuantas(sup, 0), 1);
    assert_string_equal(
        dbt_scalar_tmp(t, adm,
                       "SELECT string_agg(h.evento || ':' || coalesce(u.login,"
                       " '-') || ':' || (h.datos ->> 'prorroga_id'), ' '"
                       " ORDER BY h.id) FROM crm.historial h LEFT JOIN"
                       " crm.usuarios u ON u.id = h.usuario_id"
                       " WHERE h.oportunidad_id = %lld AND h.evento LIKE"
                       " 'PRORROGA%%'",
                       o[0]),
        dbt_scalar_tmp(t, adm, "SELECT 'PRORROGA_PEDIDA:pr_p1:%lld PRORROGA:pr_sup:%lld'", id, id));
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM api.verificar_invariantes()"), 0);
    db_close(sup2);
    db_close(sup);
    db_close(p2);
    db_close(p1);
    db_close(adm);
}

static void
test_rechazar_cancelar_y_tarde(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p1, *sup;
    long long o[2], id;
    struct err e;

    seed(t, adm, o);
    p1 = dbt_connect(t, "pr_p1");
    sup = dbt_connect(t, "pr_sup");
    const char *antes = dbt_scalar_tmp(t, adm,
                                       "SELECT timer_vence::text FROM"
                                       " crm.oportunidades WHERE id = %lld",
                                       o[1]);

    /* Rejected with an answer: the timer stays, the answer is in the history. */
    assert_int_equal(pedir(p1, o[1], fecha(t, adm, 4), "viaja", &id, &e), RC_OK);
    assert_int_equal(resolver(sup, id, false, "llámale hoy a su oficina", &e), RC_OK);
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT timer_vence::text FROM"
                                       " crm.oportunidades WHERE id = %lld",
                                       o[1]),
                        antes);
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT estado || ':' || respuesta FROM"
                                       " crm.prorrogas WHERE id = %lld",
                                       id),
                        "RECHAZADA:llámale hoy a su oficina");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT motivo FROM crm.historial WHERE"
                                       " evento = 'PRORROGA_RECHAZADA'"),
                        "llámale hoy a su oficina");

    /* Asked again and withdrawn by the requester; not by the supervisor; not twice. */
    assert_int_equal(pedir(p1, o[1], fecha(t, adm, 4), "ahora sí", &id, &e), RC_OK);
    memset(&e, 0, sizeof e);
    assert_int_equal(db_prorroga_cancelar(sup, id, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB644");
    assert_int_equal(db_prorroga_cancelar(p1, id, &e), RC_OK);
    assert_int_equal(db_prorroga_cancelar(p1, id, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB645");

    /* A timer that already runs past the resume date's whole timer is not shortened. */
    dbt_exec(adm,
             "UPDATE crm.oportunidades SET timer_vence = now() + interval '60 days'"
             " WHERE id = %lld",
             o[1]);
    assert_int_equal(pedir(p1, o[1], fecha(t, adm, 1), "mañana", &id, &e), RC_OK);
    assert_int_equal(resolver(sup, id, true, NULL, &e), RC_OK);
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT timer_vence > now() + interval '59 days'"
                                       " FROM crm.oportunidades WHERE id = %lld",
                                       o[1]),
                        "t");

    /* Too late: the sweep returned the opportunity while the request waited. */
    assert_int_equal(pedir(p1, o[0], fecha(t, adm, 2), "tarde", &id, &e), RC_OK);
    dbt_exec(adm,
             "UPDATE crm.oportunidades SET etapa_desde = now() - interval '5 days',"
             " timer_aviso = now() - interval '2 hours', timer_vence = now() - interval"
             " '1 hour' WHERE id = %lld",
             o[0]);
    dbt_exec(p1, "SELECT * FROM api.barrer_timers()");
    assert_int_equal(cuantas(sup, 1), 0);
    assert_int_equal(resolver(sup, id, true, NULL, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB604");
    db_close(sup);
    db_close(p1);
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pedir_y_aprobar, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_rechazar_cancelar_y_tarde, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
