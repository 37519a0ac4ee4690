/*
 * test_envejecimiento — the aging heatmap (sql/081_envejecimiento.sql) through
 * db_envejecimiento_load: per promoter and stage with a timer, the ABIERTA opportunities, how
 * many are in the warning band and how many ran out (the cards' rule, at its 75 % boundary),
 * and the median and longest business hours since they entered the stage, worked out by hand
 * across a night, a weekend and a holiday (16-nov-2026, third Monday of November); the
 * columns (stages with a timer, an inactive one only while somebody has opportunities in it);
 * the rows (promoters, a BAJA one only with opportunities); and who sees what: promoter,
 * supervisor, another team's supervisor, admin, auditor, one promoter named, EB630, EB001.
 *
 * The opportunities are made by the real api calls; then, as the cluster's superuser, the
 * test sets when each entered its stage and when its timer runs out, and makes every date
 * from Thursday 19-nov-2026 up to the first working day after today a holiday. So "now" adds
 * no business hour to any age whatever day the test runs, and the hours left on a timer are
 * just those of that working day, X, before timer_vence.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "db/db.h"
#include "db/db_informe.h"
#include "dbt.h"
#include "util/err.h"

static const struct dbt_usuario usuarios[] = {
    { "ev_sup", "Sara Supervisora", "SUPERVISOR", NULL, NULL },
    { "ev_sup2", "Saúl Supervisor", "SUPERVISOR", NULL, NULL },
    { "ev_adm", "Ada Admin", "ADMIN", NULL, NULL },
    { "ev_p1", "Ana Uno", "PROMOTOR", "ev_sup", NULL },
    { "ev_p2", "Beto Dos", "PROMOTOR", "ev_sup", NULL },
    { "ev_p3", "Carla Tres", "PROMOTOR", "ev_sup2", NULL },
    { "ev_p4", "Dora Baja", "PROMOTOR", "ev_sup", "BAJA" },
};

/* The i-th opportunity by id. */
static long long
op(struct dbt *t, struct db *adm, int i)
{
    return dbt_scalar_ll(t, adm, "SELECT id FROM crm.oportunidades ORDER BY id OFFSET %d LIMIT 1",
                         i);
}

/* Opportunity id entered its stage at desde and its timer runs out at vence ("" = none);
 * both in Mexico City time. */
static void
fijar(struct db *adm, long long id, const char *desde, const char *vence)
{
    dbt_exec(adm,
             "UPDATE crm.oportunidades SET timer_vence = NULL, timer_aviso = NULL,"
             " etapa_desde = '%s America/Mexico_City' WHERE id = %lld",
             desde, id);
    if (vence[0] != '\0')
        dbt_exec(adm,
                 "UPDATE crm.oportunidades SET timer_vence = '%s America/Mexico_City'"
                 " WHERE id = %lld",
                 vence, id);
}

/*
 * Hours 9–19 Monday to Friday, 9–14 Saturday (001); timers Nuevo 24 h, Contactado 48 h,
 * En trámite 120 h; aviso at 75 %. Returns X ("AAAA-MM-DD"), owned by t.
 *   ev_p1  o0 Nuevo since Fri 13 18:00: 1 + Sat 5 + Mon 0 (holiday) + Tue 10 + Wed 10 = 26 h;
 *             its timer ran out on Wed 18 at 12:00
 *          o1 Nuevo since Sat 14 13:00: 1 + 10 + 10 = 21 h; runs out X 15:00: 6 h left of
 *             24, 75 % gone — in the warning band, just
 *          o2 Nuevo since Wed 18 08:00 (before opening): 10 h; runs out X 16:00: 7 h left,
 *             70.8 % gone — fine
 *          o3 Contactado since Tue 17 12:30: 6.5 + 10 = 16.5 h; X 11:00: 2 h left of 48
 *          o4 Nuevo, returned to the pool (DEVUELTA): not counted
 *          o5 sold: not counted
 *   ev_p2  o6 Nuevo since Sun 15 10:00 (closed, then the holiday): Tue 10 + Wed 10 = 20 h;
 *             ran out Tue 17 12:00
 *          o7 Nuevo since Tue 17 18:30: 0.5 + 10 = 10.5 h; no timer (its stage got one
 *             later)
 *   ev_p3  o8 En trámite since Wed 18 18:00: 1 h; X 19:00: 10 h left of 120 — warning;
 *             then En trámite is made inactive.
 */
static const char *
escenario(struct dbt *t, struct db *adm)
{
    struct db *p;
    long long o[9];
    char vence[4][32];
    const char *x;

    dbt_usuarios(t, adm, usuarios, sizeof usuarios / sizeof usuarios[0]);
    dbt_clientes_imss(adm, 20);
    p = dbt_connect(t, "ev_p1");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(6)");
    db_close(p);
    p = dbt_connect(t, "ev_p2");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(2)");
    db_close(p);
    p = dbt_connect(t, "ev_p3");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(1)");
    for (int i = 0; i < 9; i++)
        o[i] = op(t, adm, i);
    dbt_exec(p, "SELECT * FROM api.mover(%lld, 'Contactado')", o[8]);
    dbt_exec(p, "SELECT * FROM api.mover(%lld, 'Interesado')", o[8]);
    dbt_exec(p, "SELECT * FROM api.mover(%lld, 'En trámite')", o[8]);
    db_close(p);
    p = dbt_connect(t, "ev_p1");
    dbt_exec(p, "SELECT * FROM api.mover(%lld, 'Contactado')", o[3]);
    dbt_exec(p, "SELECT * FROM api.registrar_venta(%lld, 10000, 'Nómina', 'F-9')", o[5]);
    db_close(p);
    dbt_exec(adm,
             "UPDATE crm.oportunidades SET estado = 'DEVUELTA', timer_vence = NULL,"
             " timer_aviso = NULL, cerrada_at = now() WHERE id = %lld",
             o[4]);

    x = dbt_scalar_tmp(t, adm,
                       "SELECT min(g)::date FROM generate_series(crm.fecha_negocio(now()) + 1,"
                       " crm.fecha_negocio(now()) + 21, interval '1 day') g"
                       " WHERE extract(isodow FROM g) <= 5"
                       "   AND NOT EXISTS (SELECT 1 FROM crm.dias_inhabiles d"
                       "                    WHERE d.fecha = g::date)");
    dbt_exec(adm,
             "INSERT INTO crm.dias_inhabiles (fecha, nombre)"
             " SELECT g::date, 'Prueba de envejecimiento'"
             " FROM generate_series('2026-11-19'::date, '%s'::date - 1, interval '1 day') g"
             " ON CONFLICT (fecha) DO NOTHING",
             x);
    snprintf(vence[0], sizeof vence[0], "%s 15:00", x);
    snprintf(vence[1], sizeof vence[1], "%s 16:00", x);
    snprintf(vence[2], sizeof vence[2], "%s 11:00", x);
    snprintf(vence[3], sizeof vence[3], "%s 19:00", x);
    fijar(adm, o[0], "2026-11-13 18:00", "2026-11-18 12:00");
    fijar(adm, o[1], "2026-11-14 13:00", vence[0]);
    fijar(adm, o[2], "2026-11-18 08:00", vence[1]);
    fijar(adm, o[3], "2026-11-17 12:30", vence[2]);
    fijar(adm, o[6], "2026-11-15 10:00", "2026-11-17 12:00");
    fijar(adm, o[7], "2026-11-17 18:30", "");
    fijar(adm, o[8], "2026-11-18 18:00", vence[3]);
    dbt_exec(adm, "UPDATE crm.etapas SET activa = false WHERE nombre = 'En trámite'");
    return x;
}

static void
cargar(struct db *db, const char *promotor, struct db_envejecimiento *v)
{
    struct err e = { 0 };

    if (db_envejecimiento_load(db, promotor, v, &e) != RC_OK)
        fail_msg("db_envejecimiento_load: %s", e.msg);
}

/* "login login…" of the rows, in order. */
static const char *
filas(const struct db_envejecimiento *v)
{
    static char out[256];
    size_t k = 0;

    out[0] = '\0';
    for (size_t i = 0; i < v->npromotores; i++)
        k += (size_t)snprintf(out + k, sizeof out - k, "%s%s", i > 0 ? " " : "",
                              v->promotores[i].login);
    return out;
}

/* "Nuevo/24 Contactado/48 …" of the columns, in order. */
static const char *
columnas(const struct db_envejecimiento *v)
{
    static char out[256];
    size_t k = 0;

    out[0] = '\0';
    for (size_t i = 0; i < v->netapas; i++)
        k += (size_t)snprintf(out + k, sizeof out - k, "%s%s/%g", i > 0 ? " " : "",
                              v->etapas[i].etapa, v->etapas[i].timer_horas);
    return out;
}

/* "abiertas/en_aviso/vencidas mediana máx razón" of login's cell in etapa. */
static const char *
celda(const struct db_envejecimiento *v, const char *login, const char *etapa)
{
    static char out[128];

    for (size_t i = 0; i < v->npromotores; i++)
        for (size_t k = 0; k < v->netapas; k++)
            if (strcmp(v->promotores[i].login, login) == 0 &&
                strcmp(v->etapas[k].etapa, etapa) == 0) {
                const struct db_env_celda *c = &v->celdas[i * v->netapas + k];

                snprintf(out, sizeof out, "%d/%d/%d %.1f %.1f %.3f", c->abiertas, c->en_aviso,
                         c->vencidas, c->horas_mediana, c->horas_max, c->razon);
                return out;
            }
    fail_msg("no está la celda %s × %s", login, etapa);
    return "";
}

static void
test_envejecimiento_horas(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *sup;
    struct db_envejecimiento v;
    const char *x = escenario(t, adm);

    /* The hand-worked ages agree with the one-interval function the timers use. */
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(crm.horas_habiles_entre(etapa_desde,"
                                       " now(), crm.zona())::numeric(6,1)::text, ' ' ORDER BY id)"
                                       " FROM crm.oportunidades WHERE estado = 'ABIERTA'"),
                        "26.0 21.0 10.0 16.5 20.0 10.5 1.0");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT crm.horas_habiles_entre(now(),"
                                       " '%s 15:00 America/Mexico_City', crm.zona())::numeric(6,1)",
                                       x),
                        "6.0");

    sup = dbt_connect(t, "ev_sup");
    cargar(sup, NULL, &v);
    assert_int_equal(v.aviso_pct, 75);
    /* The team by nombre; Dora is BAJA and owns nothing. En trámite is inactive and nobody
     * of the team is in it: no column; Interesado is empty but active. */
    assert_string_equal(filas(&v), "ev_p1 ev_p2");
    assert_string_equal(columnas(&v), "Nuevo/24 Contactado/48 Interesado/72");
    /* o0 ran out, o1 at exactly 75 % is in the band, o2 at 70.8 % is not; ages 26, 21, 10:
     * median 21 of a 24 h timer. */
    assert_string_equal(celda(&v, "ev_p1", "Nuevo"), "3/1/1 21.0 26.0 0.875");
    assert_string_equal(celda(&v, "ev_p1", "Contactado"), "1/1/0 16.5 16.5 0.344");
    assert_string_equal(celda(&v, "ev_p1", "Interesado"), "0/0/0 -1.0 -1.0 -1.000");
    /* 20 and 10.5 h: median 15.25 (15.3 shown), 15.25 / 24 = 0.635; o7 has no timer. */
    assert_string_equal(celda(&v, "ev_p2", "Nuevo"), "2/0/1 15.3 20.0 0.635");
    assert_string_equal(celda(&v, "ev_p2", "Contactado"), "0/0/0 -1.0 -1.0 -1.000");
    db_envejecimiento_fini(&v);

    /* The warning threshold is the setting's: at 80 %, o1 (75 %) leaves the band. */
    dbt_exec(adm, "UPDATE crm.ajustes SET aviso_pct = 80");
    cargar(sup, "ev_p1", &v);
    assert_int_equal(v.aviso_pct, 80);
    assert_string_equal(filas(&v), "ev_p1");
    assert_string_equal(celda(&v, "ev_p1", "Nuevo"), "3/0/1 21.0 26.0 0.875");
    db_envejecimiento_fini(&v);

    /* A BAJA promoter who still owns open opportunities stays a row (Dora, who owns none,
     * does not). */
    dbt_exec(adm, "UPDATE crm.usuarios SET estado = 'BAJA' WHERE login = 'ev_p2'");
    cargar(sup, NULL, &v);
    assert_string_equal(filas(&v), "ev_p1 ev_p2");
    assert_string_equal(celda(&v, "ev_p2", "Nuevo"), "2/0/1 15.3 20.0 0.635");
    db_envejecimiento_fini(&v);
    db_close(sup);
    db_close(adm);
}

static void
test_envejecimiento_alcance(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p1, *sup, *sup2, *ad, *aud, *nadie;
    struct db_envejecimiento v;
    struct err e = { 0 };

    escenario(t, adm);
    dbt_exec(adm, "SELECT api.crear_usuario('ev_aud', 'Aurora Auditora', 'AUDITOR')");
    p1 = dbt_connect(t, "ev_p1");
    sup = dbt_connect(t, "ev_sup");
    sup2 = dbt_connect(t, "ev_sup2");
    ad = dbt_connect(t, "ev_adm");
    aud = dbt_connect(t, "ev_aud");

    /* A promoter: only themself. */
    cargar(p1, NULL, &v);
    assert_string_equal(filas(&v), "ev_p1");
    assert_string_equal(celda(&v, "ev_p1", "Nuevo"), "3/1/1 21.0 26.0 0.875");
    db_envejecimiento_fini(&v);
    /* Another team's supervisor: their one promoter, and the inactive stage she is in. */
    cargar(sup2, NULL, &v);
    assert_string_equal(filas(&v), "ev_p3");
    assert_string_equal(columnas(&v), "Nuevo/24 Contactado/48 Interesado/72 En trámite/120");
    assert_string_equal(celda(&v, "ev_p3", "En trámite"), "1/1/0 1.0 1.0 0.008");
    assert_string_equal(celda(&v, "ev_p3", "Nuevo"), "0/0/0 -1.0 -1.0 -1.000");
    db_envejecimiento_fini(&v);
    /* The admin and the auditor: everyone. */
    for (int k = 0; k < 2; k++) {
        cargar(k == 0 ? ad : aud, NULL, &v);
        assert_string_equal(filas(&v), "ev_p1 ev_p2 ev_p3");
        assert_string_equal(columnas(&v), "Nuevo/24 Contactado/48 Interesado/72 En trámite/120");
        assert_string_equal(celda(&v, "ev_p2", "Nuevo"), "2/0/1 15.3 20.0 0.635");
        assert_string_equal(celda(&v, "ev_p1", "En trámite"), "0/0/0 -1.0 -1.0 -1.000");
        db_envejecimiento_fini(&v);
    }
    cargar(ad, "ev_p3", &v);
    assert_string_equal(filas(&v), "ev_p3");
    db_envejecimiento_fini(&v);

    /* Naming someone outside the scope. */
    assert_int_equal(db_envejecimiento_load(p1, "ev_p2", &v, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB630");
    assert_int_equal(db_envejecimiento_load(sup, "ev_p3", &v, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB630");
    assert_int_equal(db_envejecimiento_load(sup, "nadie", &v, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB630");
    /* Not a user of embudo at all. */
    dbt_role(t, "ev_nadie", "embudo_usuario");
    nadie = dbt_connect(t, "ev_nadie");
    assert_int_equal(db_envejecimiento_load(nadie, NULL, &v, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB001");
    db_close(nadie);

    /* A supervisor with no promoters: no rows, so no columns either. */
    dbt_exec(adm, "UPDATE crm.usuarios SET supervisor_id = (SELECT id FROM crm.usuarios"
                  " WHERE login = 'ev_sup') WHERE login = 'ev_p3'");
    cargar(sup2, NULL, &v);
    assert_int_equal(v.npromotores, 0);
    assert_int_equal(v.netapas, 0);
    db_envejecimiento_fini(&v);

    /* Report functions run without JIT; it is STABLE, so the auditor may run it. */
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT provolatile::text || array_to_string(proconfig, ',')"
                                       " FROM pg_proc"
                                       " WHERE oid = 'api.informe_envejecimiento(text)'"
                                       "::regprocedure"),
                        "ssearch_path=pg_catalog, pg_temp,jit=off");
    db_close(p1);
    db_close(sup);
    db_close(sup2);
    db_close(ad);
    db_close(aud);
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_envejecimiento_horas, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_envejecimiento_alcance, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
