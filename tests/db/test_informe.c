/*
 * test_informe — the funnel report and the history export (sql/077_informe.sql) through
 * db_informe: per stage the entries and how stays ended, with their business hours across a
 * night, a weekend, a holiday (16-nov-2026, third Monday of November) and a DST change (a
 * zone that has one); why opportunities left; per promoter; who sees what (promoter, other
 * team's supervisor, admin, one promoter named, EB630); the range rules (EB370, EB212); and
 * the export streamed from a cursor in batches, stopping cleanly when the writer fails.
 *
 * The events are made by the real api calls; then, as the cluster's superuser, the test
 * moves their recorded instants to known ones (the history is append-only for everybody
 * else) so each stay has a length worked out by hand below.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "db/db.h"
#include "db/db_informe.h"
#include "dbt.h"
#include "util/err.h"

#define MX " America/Mexico_City'"

static const struct dbt_usuario usuarios[] = {
    { "in_sup", "Sara Supervisora", "SUPERVISOR", NULL, NULL },
    { "in_sup2", "Saúl Supervisor", "SUPERVISOR", NULL, NULL },
    { "in_adm", "Ada Admin", "ADMIN", NULL, NULL },
    { "in_p1", "Pepe Uno", "PROMOTOR", "in_sup", NULL },
    { "in_p2", "Paty Dos", "PROMOTOR", "in_sup", NULL },
    { "in_p3", "Pablo Tres", "PROMOTOR", "in_sup2", NULL },
};

/* Sets the recorded instants of opportunity op's history rows, in id order. */
static void
fechar(struct dbt *t, struct db *adm, long long op, const char *const *instantes, int n)
{
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.historial"
                                   " WHERE oportunidad_id = %lld",
                                   op),
                     n);
    for (int k = 0; k < n; k++)
        dbt_exec(adm,
                 "UPDATE crm.historial SET ocurrido_at = '%s America/Mexico_City'"
                 " WHERE id = (SELECT id FROM crm.historial WHERE oportunidad_id = %lld"
                 " ORDER BY id OFFSET %d LIMIT 1)",
                 instantes[k], op, k);
}

/*
 * in_p1 gets three opportunities on Friday 13-nov-2026 at 18:00 and works them:
 *   o1 Nuevo → Contactado (Tue 17, 10:00) → Interesado (Tue 17, 12:30) → sale (Wed 18, 9:30)
 *   o2 Nuevo → Contactado (Fri 20, 18:00) → back to Nuevo (Sat 21, 10:00)
 *   o3 Nuevo → No interesado (Mon 16, 12:00, a holiday) → returned by the supervisor with
 *      "ya tiene crédito" (Tue 17, 9:30)
 * Hours 9–19 Monday to Friday, 9–14 Saturday (001). *o receives the three ids.
 */
static void
escenario(struct dbt *t, struct db *adm, long long o[3])
{
    static const char *const h1[] = { "2026-11-13 18:00", "2026-11-17 10:00", "2026-11-17 12:30",
                                      "2026-11-18 09:30" };
    static const char *const h2[] = { "2026-11-13 18:00", "2026-11-20 18:00", "2026-11-21 10:00" };
    static const char *const h3[] = { "2026-11-13 18:00", "2026-11-16 12:00", "2026-11-17 09:30" };
    struct db *p1, *sup;

    dbt_usuarios(t, adm, usuarios, sizeof usuarios / sizeof usuarios[0]);
    dbt_clientes_imss(adm, 20);
    p1 = dbt_connect(t, "in_p1");
    sup = dbt_connect(t, "in_sup");
    dbt_exec(p1, "SELECT * FROM api.solicitar_asignacion(3)");
    for (int i = 0; i < 3; i++)
        o[i] = dbt_scalar_ll(t, adm,
                             "SELECT id FROM crm.oportunidades ORDER BY id OFFSET %d"
                             " LIMIT 1",
                             i);
    dbt_exec(p1, "SELECT * FROM api.mover(%lld, 'Contactado')", o[0]);
    dbt_exec(p1, "SELECT * FROM api.mover(%lld, 'Interesado')", o[0]);
    dbt_exec(p1, "SELECT * FROM api.registrar_venta(%lld, 25000, 'Nómina', 'F-1')", o[0]);
    dbt_exec(p1, "SELECT * FROM api.mover(%lld, 'Contactado')", o[1]);
    dbt_exec(p1, "SELECT * FROM api.mover(%lld, 'Nuevo')", o[1]);
    dbt_exec(p1, "SELECT * FROM api.mover(%lld, 'No interesado', 'ya tiene otro')", o[2]);
    dbt_exec(sup, "SELECT api.bandeja_devolver(ARRAY[%lld], 'ya tiene crédito')", o[2]);
    db_close(p1);
    db_close(sup);

    dbt_exec(adm, "ALTER TABLE crm.historial DISABLE TRIGGER historial_sin_update");
    fechar(t, adm, o[0], h1, 4);
    fechar(t, adm, o[1], h2, 3);
    fechar(t, adm, o[2], h3, 3);
    dbt_exec(adm, "ALTER TABLE crm.historial ENABLE TRIGGER historial_sin_update");
    dbt_exec(adm, "UPDATE crm.ventas SET registrada_at = '2026-11-18 09:30" MX);
}

static const struct db_informe_rango semana = { "2026-11-16", "2026-11-22", NULL };

static const struct db_informe_etapa *
etapa(const struct db_informe *inf, const char *nombre)
{
    static const struct db_informe_etapa ninguna;

    for (size_t i = 0; i < inf->netapas; i++)
        if (strcmp(inf->etapas[i].etapa, nombre) == 0)
            return &inf->etapas[i];
    fail_msg("no está la etapa %s", nombre);
    return &ninguna;
}

/* "entradas/salidas=avanzaron,regresaron,a_bandeja,ventas,vencidas,otras mediana ahora". */
static const char *
fila(const struct db_informe *inf, const char *nombre)
{
    static char out[128];
    const struct db_informe_etapa *x = etapa(inf, nombre);

    snprintf(out, sizeof out, "%d/%d=%d,%d,%d,%d,%d,%d %.1f %d", x->entradas, x->salidas,
             x->avanzaron, x->regresaron, x->a_bandeja, x->ventas, x->vencidas, x->otras,
             x->horas_mediana, x->en_etapa);
    return out;
}

static void
cargar(struct db *db, const struct db_informe_rango *r, struct db_informe *inf)
{
    struct err e = { 0 };

    if (db_informe_load(db, r, inf, &e) != RC_OK)
        fail_msg("db_informe_load: %s", e.msg);
}

static void
test_informe_etapas(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *sup;
    struct db_informe inf;
    long long o[3];

    escenario(t, adm, o);
    /* The hand-worked lengths agree with the one-interval function the timers use. */
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT crm.horas_habiles_entre("
                                       "'2026-11-13 18:00" MX ", '2026-11-20 18:00" MX
                                       ", 'America/Mexico_City')::numeric(6,1)"),
                        "45.0");
    sup = dbt_connect(t, "in_sup");
    cargar(sup, &semana, &inf);
    assert_string_equal(inf.desde, "2026-11-16");
    assert_string_equal(inf.hasta, "2026-11-22");
    /* Nuevo: o2 came back (one entry); three stays ended: o1 after 7 h (Fri 1 + Sat 5 +
     * Mon 0, a holiday + Tue 1), o2 after 45 h, o3 after 6 h to the bandeja; median 7. */
    assert_string_equal(fila(&inf, "Nuevo"), "1/3=2,0,1,0,0,0 7.0 1");
    assert_true(etapa(&inf, "Nuevo")->horas_p90 > 37.3 && etapa(&inf, "Nuevo")->horas_p90 < 37.5);
    /* Contactado: o1 left forward after 2.5 h, o2 back after 2 h (Fri 1 + Sat 1). */
    assert_string_equal(fila(&inf, "Contactado"), "2/2=1,1,0,0,0,0 2.3 0");
    /* Interesado: Tue 12:30 → Wed 9:30 is 6.5 + 0.5 h, then the sale. */
    assert_string_equal(fila(&inf, "Interesado"), "1/1=0,0,0,1,0,0 7.0 0");
    /* The sale enters Venta and closes: no stay there. */
    assert_string_equal(fila(&inf, "Venta"), "1/0=0,0,0,0,0,0 -1.0 0");
    /* No interesado: entered on the holiday, returned Tuesday 9:30: half an hour. */
    assert_string_equal(fila(&inf, "No interesado"), "1/1=0,0,0,0,0,1 0.5 0");
    assert_string_equal(fila(&inf, "En trámite"), "0/0=0,0,0,0,0,0 -1.0 0");
    /* Stages come by orden. */
    for (size_t i = 1; i < inf.netapas; i++)
        assert_true(inf.etapas[i - 1].orden < inf.etapas[i].orden);

    /* Why they left. */
    assert_int_equal(inf.nmotivos, 2);
    assert_string_equal(inf.motivos[0].tipo, "A_BANDEJA");
    assert_string_equal(inf.motivos[0].razon, "No interesado");
    assert_string_equal(inf.motivos[1].tipo, "DEVUELTA");
    assert_string_equal(inf.motivos[1].razon, "ya tiene crédito");

    /* Per promoter, by name: in_p2 did nothing; in_p1 sold 25 000 and sent one to the
     * bandeja. What they received was charged to today's cupo, outside this week. */
    assert_int_equal(inf.npromotores, 2);
    assert_string_equal(inf.promotores[0].login, "in_p2");
    assert_string_equal(inf.promotores[1].login, "in_p1");
    assert_int_equal(inf.promotores[1].ventas, 1);
    assert_true(inf.promotores[1].monto > 24999.99 && inf.promotores[1].monto < 25000.01);
    assert_int_equal(inf.promotores[1].a_bandeja, 1);
    assert_int_equal(inf.promotores[1].recibidas, 0);
    db_informe_fini(&inf);

    /* A range of one day: only the stays that ended that day (Tuesday 17). */
    cargar(sup, &(struct db_informe_rango){ "2026-11-17", "2026-11-17", NULL }, &inf);
    assert_string_equal(fila(&inf, "Nuevo"), "0/1=1,0,0,0,0,0 7.0 1");
    assert_string_equal(fila(&inf, "Contactado"), "1/1=1,0,0,0,0,0 2.5 0");
    assert_string_equal(fila(&inf, "No interesado"), "0/1=0,0,0,0,0,1 0.5 0");
    db_informe_fini(&inf);

    /* Today's range: what in_p1 received is the quota charged today. */
    cargar(sup, &(struct db_informe_rango){ NULL, NULL, "in_p1" }, &inf);
    assert_int_equal(inf.npromotores, 1);
    assert_int_equal(inf.promotores[0].recibidas, 3);
    db_informe_fini(&inf);

    db_close(sup);
    db_close(adm);
}

static void
test_informe_alcance(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p1, *p2, *sup2, *ad;
    struct db_informe inf;
    struct err e = { 0 };
    long long o[3];

    escenario(t, adm, o);
    p1 = dbt_connect(t, "in_p1");
    p2 = dbt_connect(t, "in_p2");
    sup2 = dbt_connect(t, "in_sup2");
    ad = dbt_connect(t, "in_adm");

    /* A promoter sees their own funnel and only themself. */
    cargar(p1, &semana, &inf);
    assert_string_equal(fila(&inf, "Nuevo"), "1/3=2,0,1,0,0,0 7.0 1");
    assert_int_equal(inf.npromotores, 1);
    assert_string_equal(inf.promotores[0].login, "in_p1");
    db_informe_fini(&inf);
    cargar(p2, &semana, &inf);
    assert_string_equal(fila(&inf, "Nuevo"), "0/0=0,0,0,0,0,0 -1.0 0");
    assert_int_equal(inf.nmotivos, 0);
    db_informe_fini(&inf);
    /* Another team's supervisor sees none of it; the admin all of it, and everyone. */
    cargar(sup2, &semana, &inf);
    assert_string_equal(fila(&inf, "Nuevo"), "0/0=0,0,0,0,0,0 -1.0 0");
    assert_int_equal(inf.npromotores, 1);
    assert_string_equal(inf.promotores[0].login, "in_p3");
    db_informe_fini(&inf);
    cargar(ad, &semana, &inf);
    assert_string_equal(fila(&inf, "Nuevo"), "1/3=2,0,1,0,0,0 7.0 1");
    assert_int_equal(inf.npromotores, 3);
    db_informe_fini(&inf);
    cargar(ad, &(struct db_informe_rango){ "2026-11-16", "2026-11-22", "in_p2" }, &inf);
    assert_string_equal(fila(&inf, "Nuevo"), "0/0=0,0,0,0,0,0 -1.0 0");
    db_informe_fini(&inf);

    /* Naming someone outside the scope, or nobody. */
    assert_int_equal(
        db_informe_load(p1, &(struct db_informe_rango){ NULL, NULL, "in_p2" }, &inf, &e),
        RC_REFUSED);
    assert_string_equal(e.code, "EB630");
    assert_int_equal(
        db_informe_load(sup2, &(struct db_informe_rango){ NULL, NULL, "in_p1" }, &inf, &e),
        RC_REFUSED);
    assert_string_equal(e.code, "EB630");
    /* The range: backwards, longer than 366 days, still to come, not a date. */
    assert_int_equal(db_informe_load(p1,
                                     &(struct db_informe_rango){ "2026-11-22", "2026-11-16", NULL },
                                     &inf, &e),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB370");
    assert_int_equal(db_informe_load(p1,
                                     &(struct db_informe_rango){ "2025-01-01", "2026-11-16", NULL },
                                     &inf, &e),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB370");
    dbt_expect_refusal(p1, "EB212",
                       "SELECT * FROM api.informe_etapas(NULL, crm.fecha_negocio(now()) + 1)");
    assert_int_equal(
        db_informe_load(p1, &(struct db_informe_rango){ "16-11-2026", NULL, NULL }, &inf, &e),
        RC_INVAL);
    /* After a refusal the connection is usable (the transaction was rolled back). */
    assert_string_equal(dbt_scalar_tmp(t, p1, "SELECT 1"), "1");
    /* The default range is the last seven business dates. */
    assert_string_equal(dbt_scalar_tmp(t, p1,
                                       "SELECT rango_hasta - rango_desde = 6 AND"
                                       " rango_hasta = crm.fecha_negocio(now())"
                                       " FROM api.informe_rango()"),
                        "t");
    /* Not an active user of embudo at all. */
    dbt_role(t, "in_nadie", "embudo_usuario");
    {
        struct db *nadie = dbt_connect(t, "in_nadie");
        assert_int_equal(db_informe_load(nadie, &semana, &inf, &e), RC_REFUSED);
        assert_string_equal(e.code, "EB001");
        db_close(nadie);
    }
    db_close(p1);
    db_close(p2);
    db_close(sup2);
    db_close(ad);
    db_close(adm);
}

/*
 * A zone with daylight saving time: New York fell back on Sunday 1-nov-2026 at 2:00. With
 * Sunday open from 0:00 to 12:00 that day has 13 business hours. A stay from Saturday 13:00
 * to Sunday 12:00 is 1 + 13 = 14 h, as crm.horas_habiles_entre says too.
 */
static void
test_informe_horario_de_verano(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p1;
    struct db_informe inf;
    long long op;

    dbt_usuarios(t, adm, usuarios, sizeof usuarios / sizeof usuarios[0]);
    dbt_clientes_imss(adm, 5);
    p1 = dbt_connect(t, "in_p1");
    dbt_exec(p1, "SELECT * FROM api.solicitar_asignacion(1)");
    op = dbt_scalar_ll(t, adm, "SELECT id FROM crm.oportunidades");
    dbt_exec(p1, "SELECT * FROM api.mover(%lld, 'Contactado')", op);
    dbt_exec(adm, "UPDATE crm.ajustes SET zona = 'America/New_York';"
                  "INSERT INTO crm.horario_operativo VALUES (7, '00:00', '12:00');"
                  "ALTER TABLE crm.historial DISABLE TRIGGER historial_sin_update;"
                  "UPDATE crm.historial SET ocurrido_at = CASE evento"
                  " WHEN 'ASIGNADA' THEN '2026-10-31 13:00 America/New_York'::timestamptz"
                  " ELSE '2026-11-01 12:00 America/New_York'::timestamptz END;"
                  "ALTER TABLE crm.historial ENABLE TRIGGER historial_sin_update");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT crm.horas_habiles_entre("
                                       "'2026-10-31 13:00 America/New_York',"
                                       " '2026-11-01 12:00 America/New_York',"
                                       " 'America/New_York')::numeric(6,1)"),
                        "14.0");
    cargar(p1, &(struct db_informe_rango){ "2026-11-01", "2026-11-01", NULL }, &inf);
    assert_string_equal(fila(&inf, "Nuevo"), "0/1=1,0,0,0,0,0 14.0 0");
    db_informe_fini(&inf);
    db_close(p1);
    db_close(adm);
}

struct recuento {
    int filas;
    int parar_en; /* 0 = never */
    long long ultimo_id;
    bool en_orden;
    char primera[160];
};

static int
contar(void *arg, const struct db_historial_fila *f)
{
    struct recuento *r = arg;
    long long id = strtoll(f->campos[0], NULL, 10);

    if (r->filas == 0)
        snprintf(r->primera, sizeof r->primera, "%s %s %s %s %s %s", f->campos[1], f->campos[2],
                 f->campos[6], f->campos[7], f->campos[9], f->campos[12]);
    r->en_orden = r->en_orden && id > r->ultimo_id;
    r->ultimo_id = id;
    if (++r->filas == r->parar_en)
        return RC_IO;
    return RC_OK;
}

static void
test_historial_exportar(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *sup, *sup2;
    struct recuento r = { .en_orden = true };
    struct err e = { 0 };
    long long o[3];

    escenario(t, adm, o);
    /* 4 500 notes on Wednesday 18: more than two of the export's batches. */
    dbt_exec(adm,
             "INSERT INTO crm.historial (oportunidad_id, evento, usuario_id, motivo,"
             " ocurrido_at) SELECT %lld, 'NOTA', u.id, 'nota ' || g,"
             " '2026-11-18 12:00 America/Mexico_City'::timestamptz"
             " FROM generate_series(1, 4500) g, crm.usuarios u WHERE u.login = 'in_p1'",
             o[0]);
    sup = dbt_connect(t, "in_sup");
    sup2 = dbt_connect(t, "in_sup2");

    /* In the week: o1 3 rows (Tue, Tue, Wed), o2 2, o3 2, and the notes; by id. */
    assert_int_equal(db_historial_exportar(sup, &semana, contar, &r, &e), RC_OK);
    assert_int_equal(r.filas, 4507);
    assert_true(r.en_orden);
    /* The first: o1 entering Contactado on Tuesday at 10:00, by in_p1, times in UTC. */
    assert_string_equal(r.primera,
                        "2026-11-17T16:00:00Z 2026-11-17 in_p1 TRANSICION Contactado in_p1");

    /* One promoter named; another team's supervisor sees nothing. */
    memset(&r, 0, sizeof r);
    r.en_orden = true;
    assert_int_equal(
        db_historial_exportar(
            sup, &(struct db_informe_rango){ "2026-11-16", "2026-11-22", "in_p2" }, contar, &r, &e),
        RC_OK);
    assert_int_equal(r.filas, 0);
    assert_int_equal(db_historial_exportar(sup2, &semana, contar, &r, &e), RC_OK);
    assert_int_equal(r.filas, 0);

    /* The writer fails in the second batch: the export stops there and says so, and the
     * connection is left outside any transaction. */
    memset(&r, 0, sizeof r);
    r.en_orden = true;
    r.parar_en = 2500;
    assert_int_equal(db_historial_exportar(sup, &semana, contar, &r, &e), RC_IO);
    assert_int_equal(r.filas, 2500);
    assert_string_equal(dbt_scalar_tmp(t, sup,
                                       "SELECT count(*) FROM pg_cursors"
                                       " WHERE name = 'historial_exportar'"),
                        "0");
    /* SAVEPOINT outside a transaction block fails with 25P01. */
    assert_int_equal(dbt_try(sup, &e, "SAVEPOINT s"), RC_DB);
    assert_string_equal(e.code, "25P01");
    /* Refusals as the report's. */
    assert_int_equal(db_historial_exportar(sup2, &(struct db_informe_rango){ NULL, NULL, "in_p1" },
                                           contar, &r, &e),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB630");
    db_close(sup);
    db_close(sup2);
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_informe_etapas, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_informe_alcance, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_informe_horario_de_verano, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_historial_exportar, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
