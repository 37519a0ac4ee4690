/*
 * test_disponibles — api.disponibles over the bucket counts of sql/040_pool_conteo.sql: after
 * every kind of pool change (requests with random filters, sweep returns, bandeja devolver and
 * descartar, sales, captación of a padron client, imports, padron edits and deletes, blocks in
 * the future, in the past and without end, a block that ends while we wait, an inactive
 * convenio, compaction) the counts by convenio, by entidad and in total, with and without
 * filters, equal a brute-force count of the assignment's predicate over crm.pool; the number
 * shown is the number a request gets. Also: writers of deltas never wait for each other nor
 * for the compaction, two compactions do not wait either, and `embudo doctor` reports buckets
 * that disagree with the pool.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "db/db.h"
#include "dbt.h"
#include "util/err.h"

/* Users: di_sup (supervisor of di_p1, di_p2, di_p3), di_adm. Quota and cartera are wide. */
static void
seed_users(struct dbt *t, struct db *adm)
{
    dbt_role(t, "di_sup", "embudo_supervisor");
    dbt_role(t, "di_adm", "embudo_admin");
    dbt_role(t, "di_p1", "embudo_promotor");
    dbt_role(t, "di_p2", "embudo_promotor");
    dbt_role(t, "di_p3", "embudo_promotor");
    dbt_exec(adm,
             "INSERT INTO crm.usuarios (login, nombre, rol) VALUES"
             " ('di_sup', 'Diana Supervisora', 'SUPERVISOR'), ('di_adm', 'Dino Admin', 'ADMIN');"
             "INSERT INTO crm.usuarios (login, nombre, rol, supervisor_id, cupo_diario,"
             " cartera_max)"
             " SELECT v.l, v.n, 'PROMOTOR', (SELECT id FROM crm.usuarios WHERE login = 'di_sup'),"
             "  5000, 5000"
             " FROM (VALUES ('di_p1', 'Pedro Uno'), ('di_p2', 'Paula Dos'),"
             "  ('di_p3', 'Pía Tres')) v(l, n)");
}

/*
 * Clients from..to: convenio IMSS (i % 4 = 0, 1), SEP (2), PEMEX (3); entidad CDMX (9) when
 * i % 5 = 0, NL (19) when i % 5 = 1, else JAL (14); edad 18 + i % 60.
 */
static void
seed_clients(struct db *adm, int from, int to)
{
    dbt_exec(adm,
             "INSERT INTO padron.clientes (nombre, primer_apellido, convenio_id, entidad_id, edad)"
             " SELECT 'Cliente ' || i, 'Prueba',"
             "  (SELECT id FROM padron.convenios WHERE clave = CASE i %% 4 WHEN 2 THEN 'SEP'"
             "   WHEN 3 THEN 'PEMEX' ELSE 'IMSS' END),"
             "  CASE i %% 5 WHEN 0 THEN 9 WHEN 1 THEN 19 ELSE 14 END, 18 + i %% 60"
             " FROM generate_series(%d, %d) i",
             from, to);
}

/* The filters compared: arguments of api.disponibles and the same predicate by hand. */
struct filtro {
    const char *args; /* convenio, entidad, edad_min, edad_max */
    const char *where;
};

static const struct filtro filtros[] = {
    { "NULL, NULL, NULL, NULL", "true" },
    { "'IMSS', NULL, NULL, NULL", "c.clave = 'IMSS'" },
    { "'sep', 'cdmx', NULL, NULL", "c.clave = 'SEP' AND e.clave = 'CDMX'" },
    { "NULL, 'JAL', 30, 50", "e.clave = 'JAL' AND p.edad BETWEEN 30 AND 50" },
    { "'PEMEX', NULL, 18, 25", "c.clave = 'PEMEX' AND p.edad BETWEEN 18 AND 25" },
    { "NULL, NULL, 60, 110", "p.edad >= 60" },
};

/* api.disponibles as the promoter p, one line "GRUPO=n,…". */
static const char *
shown(struct dbt *t, struct db *p, const char *args, const char *por)
{
    return dbt_scalar_tmp(t, p,
                          "SELECT coalesce(string_agg(grupo || '=' || disponibles, ',' ORDER BY"
                          " grupo), '') FROM api.disponibles(%s, por => %s)",
                          args, por);
}

/* The assignment's candidate predicate counted row by row over the pool, same format. */
static const char *
brute(struct dbt *t, struct db *adm, const char *where, const char *por)
{
    static const char from[] = " FROM crm.pool p JOIN padron.convenios c ON c.id = p.convenio_id"
                               " JOIN padron.entidades e ON e.id = p.entidad_id"
                               " WHERE p.oportunidad_id IS NULL AND p.libre_desde <= now()"
                               " AND c.activo AND";

    if (strcmp(por, "NULL") == 0)
        return dbt_scalar_tmp(t, adm, "SELECT 'TOTAL=' || count(*) %s (%s)", from, where);
    return dbt_scalar_tmp(t, adm,
                          "SELECT coalesce(string_agg(k || '=' || n, ',' ORDER BY k), '')"
                          " FROM (SELECT %s AS k, count(*) AS n %s (%s) GROUP BY 1) x",
                          strcmp(por, "'convenio'") == 0 ? "c.clave" : "e.clave", from, where);
}

/* Every filter (but those naming skip) × every grouping: what is shown is what the predicate
 * counts. */
static void
check_some(struct dbt *t, struct db *adm, struct db *p, const char *when, const char *skip)
{
    static const char *const por[] = { "'convenio'", "'entidad'", "NULL" };

    for (size_t i = 0; i < sizeof filtros / sizeof filtros[0]; i++) {
        if (skip != NULL && strstr(filtros[i].args, skip) != NULL)
            continue;
        for (size_t k = 0; k < 3; k++) {
            const char *a = shown(t, p, filtros[i].args, por[k]);
            const char *b = brute(t, adm, filtros[i].where, por[k]);

            if (strcmp(a, b) != 0)
                fail_msg("%s: disponibles(%s, por => %s) = %s, el pool dice %s", when,
                         filtros[i].args, por[k], a, b);
        }
    }
}

static void
check_all(struct dbt *t, struct db *adm, struct db *p, const char *when)
{
    check_some(t, adm, p, when, NULL);
}

/* A request that may find nothing (EB209 is then the only acceptable refusal). */
static void
request(struct db *p, int n, const char *args)
{
    struct err e = { 0 };
    int rc = dbt_try(p, &e, "SELECT * FROM api.solicitar_asignacion(%d, %s)", n, args);

    if (rc != RC_OK && strcmp(e.code, "EB209") != 0)
        fail_msg("solicitar_asignacion(%d, %s): %s %s", n, args, e.code, e.msg);
}

static void
seed_world(struct dbt *t, struct db *adm)
{
    seed_users(t, adm);
    dbt_exec(adm, "INSERT INTO padron.convenios (clave, nombre, tipo) VALUES"
                  " ('IMSS', 'IMSS', 'FEDERAL'), ('SEP', 'SEP', 'FEDERAL'),"
                  " ('PEMEX', 'Pemex', 'PRIVADO')");
    seed_clients(adm, 1, 600);
    /* Blocks: until a future date, one that already ended, and without end. */
    dbt_exec(adm, "INSERT INTO crm.bloqueos (cliente_id, hasta, motivo)"
                  " SELECT id, now() + interval '20 days', 'ENFRIAMIENTO' FROM padron.clientes"
                  "  WHERE id %% 23 = 4"
                  " UNION ALL SELECT id, now() - interval '1 day', 'ENFRIAMIENTO'"
                  "  FROM padron.clientes WHERE id %% 29 = 5"
                  " UNION ALL SELECT id, NULL, 'OPT_OUT' FROM padron.clientes WHERE id %% 31 = 6");
}

static void
test_counts_follow_the_pool(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p[3], *sup;
    unsigned seed = 20261129;
    long long n;

    seed_world(t, adm);
    p[0] = dbt_connect(t, "di_p1");
    p[1] = dbt_connect(t, "di_p2");
    p[2] = dbt_connect(t, "di_p3");
    sup = dbt_connect(t, "di_sup");
    check_all(t, adm, p[0], "al cargar");

    /* Requests by three promoters with random filters and sizes. */
    for (int i = 0; i < 24; i++) {
        int who = rand_r(&seed) % 3, k = rand_r(&seed) % (int)(sizeof filtros / sizeof filtros[0]);

        request(p[who], 1 + rand_r(&seed) % 40, filtros[k].args);
        if (i % 8 == 7)
            check_all(t, adm, p[who], "tras pedidos");
    }

    /* Timer expiries swept back into the pool. */
    dbt_exec(adm, "UPDATE crm.oportunidades SET etapa_desde = now() - interval '3 days',"
                  " timer_vence = now() - interval '1 day', timer_aviso = NULL"
                  " WHERE id IN (SELECT id FROM crm.oportunidades WHERE estado = 'ABIERTA'"
                  "  ORDER BY id LIMIT 15)");
    assert_string_equal(dbt_scalar_tmp(t, p[0], "SELECT devueltas FROM api.barrer_timers(1000)"),
                        "15");
    check_all(t, adm, p[0], "tras el barrido");

    /* Bandeja: one returned by the supervisor, one discarded (cool-down); one sale. */
    n = dbt_scalar_ll(t, adm,
                      "SELECT min(o.id) FROM crm.oportunidades o JOIN crm.usuarios u"
                      " ON u.id = o.usuario_id WHERE u.login = 'di_p1'"
                      " AND o.estado = 'ABIERTA'");
    dbt_intentos(p[0], n, 2);
    dbt_exec(p[0], "SELECT * FROM api.mover(%lld, 'No localizado', 'no contesta')", n);
    dbt_exec(sup, "SELECT api.bandeja_devolver(ARRAY[%lld], 'otro promotor')", n);
    n = dbt_scalar_ll(t, adm,
                      "SELECT max(o.id) FROM crm.oportunidades o JOIN crm.usuarios u"
                      " ON u.id = o.usuario_id WHERE u.login = 'di_p1'"
                      " AND o.estado = 'ABIERTA'");
    dbt_exec(p[0], "SELECT * FROM api.mover(%lld, 'No califica', 'edad')", n);
    dbt_exec(sup, "SELECT api.bandeja_descartar(ARRAY[%lld], 'no califica')", n);
    n = dbt_scalar_ll(t, adm,
                      "SELECT min(o.id) FROM crm.oportunidades o JOIN crm.usuarios u"
                      " ON u.id = o.usuario_id WHERE u.login = 'di_p2'"
                      " AND o.estado = 'ABIERTA'");
    dbt_exec(p[1], "SELECT * FROM api.registrar_venta(%lld, 25000, 'Nómina', 'F-1')", n);
    check_all(t, adm, p[0], "tras devolver, descartar y vender");

    /* Captación of a free padron client found by its phone. */
    n = dbt_scalar_ll(t, adm,
                      "SELECT min(cliente_id) FROM crm.pool WHERE oportunidad_id IS NULL"
                      " AND libre_desde <= now()");
    dbt_exec(adm,
             "INSERT INTO padron.datos_contacto (cliente_id, tipo, valor)"
             " VALUES (%lld, 'CELULAR', '+525512340001')",
             n);
    dbt_exec(p[2], "SELECT * FROM api.captar('Cliente captado', '55 1234 0001')");
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.pool WHERE cliente_id = %lld"
                                   " AND oportunidad_id IS NOT NULL",
                                   n),
                     1);
    check_all(t, adm, p[0], "tras la captación");

    /* Import, padron edits (buckets move) and deletes of free clients. */
    seed_clients(adm, 601, 700);
    check_all(t, adm, p[0], "tras importar");
    dbt_exec(adm, "UPDATE padron.clientes SET edad = edad + 7, entidad_id = 19"
                  " WHERE id %% 7 = 0 AND edad < 100");
    dbt_exec(adm, "DELETE FROM padron.clientes c WHERE c.id %% 11 = 0 AND c.id > 300"
                  " AND NOT EXISTS (SELECT 1 FROM crm.oportunidades o WHERE o.cliente_id = c.id)"
                  " AND NOT EXISTS (SELECT 1 FROM crm.bloqueos b WHERE b.cliente_id = c.id)");
    check_all(t, adm, p[0], "tras editar y borrar del padrón");

    /* Compaction: one row per bucket, same counts. */
    assert_true(dbt_scalar_ll(t, adm, "SELECT crm.pool_conteo_compactar()") > 0);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) - count(DISTINCT (convenio_id,"
                                   " entidad_id, edad)) FROM crm.pool_conteo"),
                     0);
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT crm.pool_conteo_compactar()"), 0);
    check_all(t, adm, p[0], "tras compactar");

    /* An inactive convenio is not offered, and is not counted. */
    dbt_exec(adm, "UPDATE padron.convenios SET activo = false WHERE clave = 'PEMEX'");
    check_some(t, adm, p[0], "con PEMEX inactivo", "PEMEX");
    dbt_exec(adm, "UPDATE padron.convenios SET activo = true WHERE clave = 'PEMEX'");

    /* A block that ends while we wait: subtracted before, counted after. */
    n = dbt_scalar_ll(t, adm,
                      "SELECT min(cliente_id) FROM crm.pool WHERE oportunidad_id IS NULL"
                      " AND libre_desde = '-infinity'");
    dbt_exec(adm,
             "INSERT INTO crm.bloqueos (cliente_id, hasta, motivo)"
             " VALUES (%lld, now() + interval '1 second', 'ENFRIAMIENTO')",
             n);
    check_all(t, adm, p[0], "con un bloqueo por terminar");
    nanosleep(&(struct timespec){ .tv_sec = 1, .tv_nsec = 300000000 }, NULL);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.pool WHERE cliente_id = %lld"
                                   " AND libre_desde <= now()",
                                   n),
                     1);
    check_all(t, adm, p[0], "cuando el bloqueo ya terminó");

    /* The number shown is the number one gets. */
    n = dbt_scalar_ll(t, p[2], "SELECT disponibles FROM api.disponibles('SEP', 'CDMX')");
    assert_true(n > 0);
    assert_int_equal(dbt_scalar_ll(t, p[2],
                                   "SELECT asignados FROM api.solicitar_asignacion("
                                   "%lld, 'SEP', 'CDMX')",
                                   n + 5),
                     n);
    assert_string_equal(shown(t, p[2], "'SEP', 'CDMX', NULL, NULL", "NULL"), "TOTAL=0");
    check_all(t, adm, p[0], "tras agotar SEP en CDMX");

    assert_string_equal(dbt_scalar_tmp(t, sup, "SELECT count(*) FROM api.verificar_invariantes()"),
                        "0");
    for (int i = 0; i < 3; i++)
        db_close(p[i]);
    db_close(sup);
    db_close(adm);
}

/* Runs sql on db with lock_timeout 1 ms: any wait on a lock another transaction holds fails. */
static void
exec_without_waiting(struct db *db, const char *sql)
{
    struct err e = { 0 };

    dbt_exec(db, "SET lock_timeout = '1ms'");
    if (dbt_try(db, &e, "%s", sql) != RC_OK)
        fail_msg("%s esperó o falló: %s %s", sql, e.code, e.msg);
    dbt_exec(db, "RESET lock_timeout");
}

static void
test_writers_never_wait(void **state)
{
    static const char filtro[] = "'IMSS', 'JAL', 18, 50";
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *a, *b, *o, *c, *d;
    long long total;

    seed_world(t, adm);
    a = dbt_connect(t, "di_p1");
    b = dbt_connect(t, "di_p2");
    o = dbt_connect(t, "di_p3");
    c = dbt_connect(t, NULL);
    d = dbt_connect(t, NULL);
    total = dbt_scalar_ll(t, o, "SELECT disponibles FROM api.disponibles(%s)", filtro);
    assert_true(total >= 40);

    /* Two requests from the same buckets, both open: each adds its deltas, neither waits. */
    dbt_exec(a, "BEGIN");
    dbt_exec(a, "SELECT * FROM api.solicitar_asignacion(20, %s)", filtro);
    dbt_exec(b, "BEGIN");
    exec_without_waiting(b, "SELECT * FROM api.solicitar_asignacion(20, 'IMSS', 'JAL', 18, 50)");

    /* The compaction runs past both open transactions, and a second one does not wait for it:
     * it skips (NULL). */
    dbt_exec(c, "BEGIN");
    exec_without_waiting(c, "SELECT crm.pool_conteo_compactar()");
    assert_string_equal(dbt_scalar_tmp(t, d, "SELECT crm.pool_conteo_compactar()"), "(null)");
    dbt_exec(c, "COMMIT");

    /* Each session sees the committed pool plus its own deltas. */
    assert_int_equal(dbt_scalar_ll(t, a, "SELECT disponibles FROM api.disponibles(%s)", filtro),
                     total - 20);
    assert_int_equal(dbt_scalar_ll(t, b, "SELECT disponibles FROM api.disponibles(%s)", filtro),
                     total - 20);
    assert_int_equal(dbt_scalar_ll(t, o, "SELECT disponibles FROM api.disponibles(%s)", filtro),
                     total);
    check_all(t, adm, o, "con dos pedidos abiertos");
    dbt_exec(a, "COMMIT");
    dbt_exec(b, "COMMIT");
    assert_int_equal(dbt_scalar_ll(t, o, "SELECT disponibles FROM api.disponibles(%s)", filtro),
                     total - 40);
    check_all(t, adm, o, "con los dos pedidos confirmados");
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT (crm.pool_conteo_compactar() > 0)::int"), 1);
    check_all(t, adm, o, "tras compactar de nuevo");
    db_close(a);
    db_close(b);
    db_close(o);
    db_close(c);
    db_close(d);
    db_close(adm);
}

static void
test_doctor_sees_drift(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *sup;

    seed_world(t, adm);
    sup = dbt_connect(t, "di_sup");
    assert_string_equal(dbt_scalar_tmp(t, sup, "SELECT count(*) FROM api.verificar_invariantes()"),
                        "0");
    dbt_exec(adm, "INSERT INTO crm.pool_conteo SELECT convenio_id, entidad_id, edad, 2"
                  " FROM crm.pool WHERE cliente_id = 10");
    assert_string_equal(
        dbt_scalar_tmp(t, sup,
                       "SELECT string_agg(invariante || ': ' || detalle, '; ')"
                       " FROM api.verificar_invariantes()"),
        dbt_scalar_tmp(t, adm,
                       "SELECT format('POOL_DESCUADRADO: convenio %%s, entidad %%s,"
                       " edad %%s: %%s libres en el pool, %%s en los conteos',"
                       " q.convenio_id, q.entidad_id, q.edad, count(*), count(*) + 2)"
                       " FROM crm.pool q JOIN crm.pool p USING (convenio_id, entidad_id,"
                       " edad) WHERE q.cliente_id = 10 AND p.oportunidad_id IS NULL"
                       " GROUP BY q.convenio_id, q.entidad_id, q.edad"));
    /* Compaction keeps the drift visible instead of folding it away. */
    dbt_exec(adm, "SELECT crm.pool_conteo_compactar()");
    assert_string_equal(dbt_scalar_tmp(t, sup, "SELECT count(*) FROM api.verificar_invariantes()"),
                        "1");
    db_close(sup);
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_counts_follow_the_pool, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_writers_never_wait, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_doctor_sees_drift, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
