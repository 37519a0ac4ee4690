/*
 * test_demo — db_demo_load against a real PostgreSQL: the same seed loaded into two databases
 * gives identical content (md5 over every table it writes, rows in id order), a second run is
 * a no-op, another seed differs, a mismatched or refused load leaves the data as it was, a
 * failure half-way leaves nothing, --si-falta, and two concurrent loads. Then the morning of
 * work (db_demo_actividad): done through the api as each user, whole or not at all, once.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "db/db.h"
#include "db/db_demo.h"
#include "db/db_demo_actividad.h"
#include "dbt.h"
#include "util/err.h"

enum { N = 3000 };

/* What the demo writes, one md5 per table (rows in key order, every column). */
static const char *const fingerprint_sql[] = {
    "SELECT md5(string_agg(x::text, E'\\n' ORDER BY x.id)) FROM padron.convenios x",
    "SELECT md5(string_agg(x::text, E'\\n' ORDER BY x.id)) FROM padron.clientes x",
    "SELECT md5(string_agg(x::text, E'\\n' ORDER BY x.id)) FROM padron.datos_contacto x",
    /* creado_at is the load's clock, not data. */
    "SELECT md5(string_agg(concat_ws('|', id, login, nombre, rol, supervisor_id, estado,"
    " cupo_diario, cartera_max), E'\\n' ORDER BY id)) FROM crm.usuarios",
    "SELECT md5(string_agg(x::text, E'\\n' ORDER BY x.id)) FROM crm.etapas x",
    "SELECT md5(string_agg(x::text, E'\\n' ORDER BY x.isodow)) FROM crm.horario_operativo x",
    "SELECT md5(string_agg(x::text, E'\\n' ORDER BY x.fecha)) FROM crm.dias_inhabiles x",
    "SELECT md5(string_agg(x::text, E'\\n' ORDER BY x.fecha)) FROM crm.dias_especiales x",
    "SELECT md5(string_agg(concat_ws('|', semilla, clientes, generador), '')) FROM crm.demo_cargas",
};
enum { NFP = sizeof fingerprint_sql / sizeof fingerprint_sql[0] };

struct fingerprint {
    const char *md5[NFP]; /* owned by the dbt */
};

static void
fingerprint_take(struct dbt *t, struct db *db, struct fingerprint *fp)
{
    for (size_t i = 0; i < NFP; i++)
        fp->md5[i] = dbt_scalar_tmp(t, db, "%s", fingerprint_sql[i]);
}

static void
assert_same(const struct fingerprint *a, const struct fingerprint *b)
{
    for (size_t i = 0; i < NFP; i++)
        if (strcmp(a->md5[i], b->md5[i]) != 0)
            fail_msg("difiere: %s (%s ≠ %s)", fingerprint_sql[i], a->md5[i], b->md5[i]);
}

static struct db_demo_opts
opts(uint64_t semilla, long clientes, bool si_falta)
{
    struct db_demo_opts o = { .semilla = semilla, .clientes = clientes, .si_falta = si_falta };
    return o;
}

/* Loads and asserts the outcome. */
static void
load_expect(struct db *db, struct db_demo_opts o, int want_rc, enum db_demo_estado want)
{
    struct db_demo_report r;
    struct err e = { 0 };
    int rc = db_demo_load(db, &o, &r, &e);

    if (rc != want_rc)
        fail_msg("db_demo_load: rc %d (se esperaba %d): %s", rc, want_rc, e.msg);
    if (rc == RC_OK)
        assert_int_equal(r.estado, want);
    if (rc == RC_OK && want == DB_DEMO_CARGADO) {
        assert_int_equal(r.clientes, o.clientes);
        assert_true(r.contactos > o.clientes);
        assert_int_equal(r.usuarios, 12);
    }
}

static int
setup_two(void **state)
{
    struct dbt **pair = calloc(2, sizeof *pair);
    struct err e = { 0 };

    pair[0] = dbt_new(NULL, &e);
    pair[1] = pair[0] != NULL ? dbt_new(NULL, &e) : NULL;
    if (pair[1] == NULL) {
        dbt_free(pair[0]);
        free(pair);
        fail_msg("%s", e.msg);
    }
    *state = pair;
    return 0;
}

static int
teardown_two(void **state)
{
    struct dbt **pair = *state;

    dbt_free(pair[0]);
    dbt_free(pair[1]);
    free(pair);
    return 0;
}

/* ---- determinism --------------------------------------------------------------------- */

static void
test_same_seed_same_content(void **state)
{
    struct dbt **pair = *state;
    struct db *a = dbt_connect(pair[0], NULL), *b = dbt_connect(pair[1], NULL);
    struct fingerprint fa, fb;

    load_expect(a, opts(7, N, false), RC_OK, DB_DEMO_CARGADO);
    load_expect(b, opts(7, N, false), RC_OK, DB_DEMO_CARGADO);
    fingerprint_take(pair[0], a, &fa);
    fingerprint_take(pair[1], b, &fb);
    assert_same(&fa, &fb);
    assert_int_equal(dbt_scalar_ll(pair[0], a, "SELECT count(*) FROM padron.clientes"), N);
    assert_int_equal(dbt_scalar_ll(pair[0], a, "SELECT count(*) FROM padron.convenios"), 20);
    /* The sequences continue after the explicit ids. */
    assert_int_equal(dbt_scalar_ll(pair[0], a,
                                   "SELECT nextval(pg_get_serial_sequence("
                                   "'padron.clientes', 'id'))"),
                     N + 1);
    db_close(a);
    db_close(b);
}

static void
test_other_seed_other_content(void **state)
{
    struct dbt **pair = *state;
    struct db *a = dbt_connect(pair[0], NULL), *b = dbt_connect(pair[1], NULL);
    struct fingerprint fa, fb;

    load_expect(a, opts(7, N, false), RC_OK, DB_DEMO_CARGADO);
    load_expect(b, opts(8, N, false), RC_OK, DB_DEMO_CARGADO);
    fingerprint_take(pair[0], a, &fa);
    fingerprint_take(pair[1], b, &fb);
    assert_string_equal(fa.md5[0], fb.md5[0]);     /* convenios are fixed */
    assert_string_not_equal(fa.md5[1], fb.md5[1]); /* clientes */
    assert_string_not_equal(fa.md5[2], fb.md5[2]); /* contactos */
    assert_string_equal(fa.md5[3], fb.md5[3]);     /* users are fixed */
    assert_string_not_equal(fa.md5[NFP - 1], fb.md5[NFP - 1]);
    db_close(a);
    db_close(b);
}

/* ---- idempotence and refusals -------------------------------------------------------- */

static void
test_second_run_is_noop(void **state)
{
    struct dbt *t = *state;
    struct db *db = dbt_connect(t, NULL);
    struct fingerprint before, after;
    const char *at;

    load_expect(db, opts(7, N, false), RC_OK, DB_DEMO_CARGADO);
    fingerprint_take(t, db, &before);
    at = dbt_scalar_tmp(t, db, "SELECT cargada_at FROM crm.demo_cargas");
    load_expect(db, opts(7, N, false), RC_OK, DB_DEMO_YA_CARGADO);
    load_expect(db, opts(7, N, true), RC_OK, DB_DEMO_YA_CARGADO);
    fingerprint_take(t, db, &after);
    assert_same(&before, &after);
    assert_string_equal(at, dbt_scalar_tmp(t, db, "SELECT cargada_at FROM crm.demo_cargas"));
    db_close(db);
}

static void
test_mismatch_refused_data_unchanged(void **state)
{
    struct dbt *t = *state;
    struct db *db = dbt_connect(t, NULL);
    struct fingerprint before, after;
    struct db_demo_report r;
    struct err e = { 0 };
    struct db_demo_opts o = opts(8, N, false);

    load_expect(db, opts(7, N, false), RC_OK, DB_DEMO_CARGADO);
    fingerprint_take(t, db, &before);
    assert_int_equal(db_demo_load(db, &o, &r, &e), RC_REFUSED);
    assert_non_null(strstr(e.msg, "semilla 7, 3000 clientes"));
    load_expect(db, opts(7, N + 1, false), RC_REFUSED, DB_DEMO_CARGADO);
    /* --si-falta: a demo is there, so succeed without touching it. */
    load_expect(db, opts(8, N, true), RC_OK, DB_DEMO_OMITIDO);
    fingerprint_take(t, db, &after);
    assert_same(&before, &after);
    /* The connection is usable afterwards: no transaction left open. */
    assert_int_equal(dbt_scalar_ll(t, db, "SELECT 1"), 1);
    db_close(db);
}

/* A padron that did not come from a demo is never mixed with one. */
static void
test_refuses_foreign_padron(void **state)
{
    struct dbt *t = *state;
    struct db *db = dbt_connect(t, NULL);

    dbt_exec(db, "INSERT INTO padron.convenios (clave, nombre, tipo) VALUES ('PROPIO', "
                 "'Convenio propio', 'PRIVADO')");
    load_expect(db, opts(7, N, false), RC_REFUSED, DB_DEMO_CARGADO);
    load_expect(db, opts(7, N, true), RC_OK, DB_DEMO_OMITIDO);
    assert_int_equal(dbt_scalar_ll(t, db, "SELECT count(*) FROM padron.convenios"), 1);
    assert_int_equal(dbt_scalar_ll(t, db, "SELECT count(*) FROM padron.clientes"), 0);
    assert_int_equal(dbt_scalar_ll(t, db, "SELECT count(*) FROM crm.demo_cargas"), 0);
    db_close(db);
}

/* A failure after the COPYs (a user that exists with other data) rolls everything back. */
static void
test_failure_leaves_nothing(void **state)
{
    struct dbt *t = *state;
    struct db *db = dbt_connect(t, NULL);
    struct db_demo_report r;
    struct err e = { 0 };
    struct db_demo_opts o = opts(7, N, false);

    dbt_exec(db, "SELECT api.crear_usuario('sup2', 'Otra Persona', 'SUPERVISOR')");
    assert_int_equal(db_demo_load(db, &o, &r, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB109");
    assert_int_equal(dbt_scalar_ll(t, db, "SELECT count(*) FROM padron.clientes"), 0);
    assert_int_equal(dbt_scalar_ll(t, db, "SELECT count(*) FROM padron.datos_contacto"), 0);
    assert_int_equal(dbt_scalar_ll(t, db, "SELECT count(*) FROM padron.convenios"), 0);
    assert_int_equal(dbt_scalar_ll(t, db, "SELECT count(*) FROM crm.usuarios"), 1);
    assert_int_equal(dbt_scalar_ll(t, db, "SELECT count(*) FROM crm.demo_cargas"), 0);
    db_close(db);
}

static void
test_unmigrated_database(void **state)
{
    struct dbt *t = *state;
    struct db *db = dbt_connect(t, NULL);
    struct db_demo_report r;
    struct err e = { 0 };
    struct db_demo_opts o = opts(7, 10, false);

    assert_int_equal(db_demo_load(db, &o, &r, &e), RC_DB);
    assert_non_null(strstr(e.msg, "embudo db migrate"));
    db_close(db);
}

/* ---- what the load leaves behind ---------------------------------------------------- */

static void
test_users_roles_funnel_calendar(void **state)
{
    struct dbt *t = *state;
    struct db *db = dbt_connect(t, NULL), *p;

    load_expect(db, opts(3, 500, false), RC_OK, DB_DEMO_CARGADO);
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT string_agg(u.login || ':' || coalesce(s.login, '-'),"
                                       " ' ' ORDER BY u.id) FROM crm.usuarios u"
                                       " LEFT JOIN crm.usuarios s ON s.id = u.supervisor_id"),
                        "admin:- sup1:- sup2:- prom1:sup1 prom2:sup1 prom3:sup1 prom4:sup1 "
                        "prom5:sup2 prom6:sup2 prom7:sup2 prom8:sup2 auditor:-");
    assert_int_equal(dbt_scalar_ll(t, db,
                                   "SELECT count(*) FROM pg_roles r"
                                   " WHERE r.rolname ~ '^prom[1-8]$' AND r.rolcanlogin"
                                   " AND pg_has_role(r.oid, 'embudo_promotor', 'MEMBER')"),
                     8);
    /* A demo promoter can log in and sees the padron. */
    p = dbt_connect(t, "prom3");
    assert_int_equal(dbt_scalar_ll(t, p, "SELECT count(*) FROM padron.clientes"), 500);
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT crm.mi_rol()"), "PROMOTOR");
    db_close(p);
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT string_agg(nombre || '/' || tipo || '/' ||"
                                       " coalesce(timer_horas::int::text, '-'), ' '"
                                       " ORDER BY orden) FROM crm.etapas"),
                        "Nuevo/INICIAL/24 Contactado/NORMAL/48 Interesado/NORMAL/72 "
                        "Documentación/NORMAL/72 En trámite/NORMAL/120 Venta/VENTA/- "
                        "No localizado/SALIDA/- No interesado/SALIDA/- No califica/SALIDA/-");
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT string_agg(isodow || ' ' || abre || '-' ||"
                                       " cierra, ', ' ORDER BY isodow)"
                                       " FROM crm.horario_operativo"),
                        "1 09:00:00-19:00:00, 2 09:00:00-19:00:00, 3 09:00:00-19:00:00, "
                        "4 09:00:00-19:00:00, 5 09:00:00-19:00:00, 6 09:00:00-14:00:00");
    /* Rest days reach ten years ahead (001 seeds only up to 2035). */
    assert_int_equal(dbt_scalar_ll(t, db,
                                   "SELECT count(*) FROM crm.dias_inhabiles WHERE"
                                   " fecha = make_date(extract(year FROM current_date)"
                                   "::int + 10, 12, 25)"),
                     1);
    /* The half days: 24 and 31 December until 14:00 on weekdays only (2028's fall on a
     * Sunday: closed; 2027's 24th is a Friday, its 31st too). */
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT string_agg(fecha || ' ' || abre || '-' || cierra"
                                       " || ' ' || nombre, ', ' ORDER BY fecha)"
                                       " FROM crm.dias_especiales"
                                       " WHERE fecha BETWEEN '2027-12-01' AND '2028-12-31'"),
                        "2027-12-24 09:00:00-14:00:00 Nochebuena, "
                        "2027-12-31 09:00:00-14:00:00 Fin de año");
    assert_int_equal(dbt_scalar_ll(t, db,
                                   "SELECT count(*) FROM crm.dias_especiales"
                                   " WHERE extract(isodow FROM fecha) > 5"),
                     0);
    assert_string_equal(dbt_scalar_tmp(t, db, "SELECT zona FROM crm.ajustes"),
                        "America/Mexico_City");
    db_close(db);
}

/* ---- the morning of work ------------------------------------------------------------- */

static long
count(struct dbt *t, struct db *db, const char *sql)
{
    return (long)dbt_scalar_ll(t, db, "%s", sql);
}

/*
 * Every step went through the api as its user: the counts the report gives are the rows the
 * api wrote, the history names promoters and supervisors as actors, the invariants hold, and
 * the connection is itself again afterwards. A second call changes nothing.
 */
static void
test_activity_through_the_api(void **state)
{
    struct dbt *t = *state;
    struct db *db = dbt_connect(t, NULL), *adm;
    struct db_demo_actividad v;
    struct err e = { 0 };
    const char *yo = dbt_scalar_tmp(t, db, "SELECT session_user");
    long historial;

    load_expect(db, opts(5, N, false), RC_OK, DB_DEMO_CARGADO);
    if (db_demo_actividad(db, 5, &v, &e) != RC_OK)
        fail_msg("db_demo_actividad: %s", e.msg);
    assert_true(v.cargada);
    assert_string_equal(dbt_scalar_tmp(t, db, "SELECT session_user"), yo);
    assert_string_equal(dbt_scalar_tmp(t, db, "SELECT current_user"), yo);
    assert_in_range(v.oportunidades, 8 * 8, 8 * 14);
    assert_int_equal(count(t, db, "SELECT count(*) FROM crm.oportunidades"), v.oportunidades);
    assert_int_equal(count(t, db, "SELECT count(*) FROM crm.lotes WHERE origen = 'SOLICITUD'"), 8);
    assert_int_equal(count(t, db, "SELECT count(*) FROM crm.historial WHERE evento = 'INTENTO'"),
                     v.intentos);
    assert_int_equal(count(t, db, "SELECT count(*) FROM crm.historial WHERE evento = 'NOTA'"),
                     v.notas);
    assert_int_equal(count(t, db, "SELECT count(*) FROM crm.ventas"), v.ventas);
    assert_int_equal(count(t, db, "SELECT count(*) FROM crm.ventas WHERE estado = 'CANCELADA'"),
                     v.canceladas);
    assert_int_equal(count(t, db,
                           "SELECT count(*) FROM crm.oportunidades WHERE estado ="
                           " 'EN_BANDEJA'"),
                     v.en_bandeja);
    assert_int_equal(count(t, db, "SELECT count(*) FROM crm.lotes WHERE origen = 'REASIGNACION'"),
                     v.reasignadas);
    /* What a supervisor opening the demo finds (seed 5, fixed): work at every depth. */
    assert_true(v.ventas > 0 && v.en_bandeja > 0 && v.reasignadas == 2);
    /* One person asked prom1 not to be called again: the phone of a card in the registry. */
    assert_int_equal(v.no_contactar, 1);
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT r.fuente || ' ' || u.login || ' ' || o.estado"
                                       " FROM crm.no_contactar r"
                                       " JOIN crm.usuarios u ON u.id = r.creado_por"
                                       " JOIN padron.datos_contacto d ON d.valor = r.telefono"
                                       " JOIN crm.oportunidades o ON o.cliente_id = d.cliente_id"),
                        "SOLICITUD prom1 ABIERTA");
    assert_int_equal(count(t, db, "SELECT count(DISTINCT etapa_id) FROM crm.oportunidades"), 9);
    /* sup2 sent prom8 on holiday last: its running timers wait, each with its history row. */
    assert_int_equal(v.vacaciones, 1);
    assert_true(v.en_pausa > 0);
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT string_agg(DISTINCT u.login || ' ' || u.estado, ',')"
                                       " FROM crm.oportunidades o JOIN crm.usuarios u"
                                       " ON u.id = o.usuario_id WHERE o.timer_pausa IS NOT NULL"),
                        "prom8 VACACIONES");
    assert_int_equal(count(t, db,
                           "SELECT count(*) FROM crm.historial h JOIN crm.usuarios u"
                           " ON u.id = h.usuario_id WHERE h.evento = 'TIMER_PAUSADO'"
                           " AND u.login = 'sup2'"),
                     v.en_pausa);
    /* Actors: the eight promoters and the two supervisors, nobody else. */
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT string_agg(DISTINCT u.rol, ',' ORDER BY u.rol)"
                                       " || ' ' || count(DISTINCT u.id)"
                                       " FROM crm.historial h JOIN crm.usuarios u"
                                       " ON u.id = h.usuario_id"),
                        "PROMOTOR,SUPERVISOR 10");
    adm = dbt_connect(t, "admin");
    assert_int_equal(count(t, adm, "SELECT count(*) FROM api.verificar_invariantes()"), 0);
    db_close(adm);
    /* One shared starter template per working stage, the admin's; written through the api. */
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT string_agg(e.nombre || ':' || p.nombre || ':' ||"
                                       " u.login || ':' || (p.usuario_id IS NULL), ' | '"
                                       " ORDER BY e.orden) FROM crm.plantillas p"
                                       " JOIN crm.etapas e ON e.id = p.etapa_id"
                                       " JOIN crm.usuarios u ON u.id = p.creado_por"),
                        "Nuevo:Primer contacto:admin:true | Contactado:Seguimiento:admin:true | "
                        "Interesado:Cotización lista:admin:true | Documentación:Documentos:admin:"
                        "true | En trámite:Avance del trámite:admin:true");
    assert_int_equal(v.plantillas, 5);
    historial = count(t, db, "SELECT count(*) FROM crm.historial");
    /* Once: a second call (make run on a database in use) writes nothing. */
    assert_int_equal(db_demo_actividad(db, 5, &v, &e), RC_OK);
    assert_false(v.cargada);
    assert_int_equal(v.oportunidades, 0);
    assert_int_equal(count(t, db, "SELECT count(*) FROM crm.historial"), historial);
    db_close(db);
}

/* Without a demo there is nobody to act: nothing is done and nothing fails. */
static void
test_activity_needs_the_demo(void **state)
{
    struct dbt *t = *state;
    struct db *db = dbt_connect(t, NULL);
    struct db_demo_actividad v;
    struct err e = { 0 };

    assert_int_equal(db_demo_actividad(db, 1, &v, &e), RC_OK);
    assert_false(v.cargada);
    assert_int_equal(count(t, db, "SELECT count(*) FROM crm.lotes"), 0);
    db_close(db);
}

/* A step the api refuses (a promoter on leave cannot ask for clients) undoes the whole morning
   and says who and why. */
static void
test_activity_whole_or_nothing(void **state)
{
    struct dbt *t = *state;
    struct db *db = dbt_connect(t, NULL);
    const char *yo = dbt_scalar_tmp(t, db, "SELECT session_user");
    struct db_demo_actividad v;
    struct err e = { 0 };

    load_expect(db, opts(5, N, false), RC_OK, DB_DEMO_CARGADO);
    dbt_exec(db, "UPDATE crm.usuarios SET estado = 'VACACIONES' WHERE login = 'prom6'");
    assert_int_equal(db_demo_actividad(db, 5, &v, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB207");
    assert_non_null(strstr(e.msg, "prom6"));
    assert_false(v.cargada);
    assert_int_equal(count(t, db, "SELECT count(*) FROM crm.lotes"), 0);
    assert_int_equal(count(t, db, "SELECT count(*) FROM crm.historial"), 0);
    assert_string_equal(dbt_scalar_tmp(t, db, "SELECT session_user"), yo);
    db_close(db);
}

/* ---- concurrency --------------------------------------------------------------------- */

struct racer {
    const struct dbt *t;
    int rc;
    enum db_demo_estado estado;
    struct err e;
};

static void *
racer_run(void *arg)
{
    struct racer *r = arg;
    struct db *db = dbt_connect_err(r->t, NULL, &r->e);
    struct db_demo_opts o = opts(7, 2000, false);
    struct db_demo_report rep;

    r->rc = db == NULL ? RC_DB : db_demo_load(db, &o, &rep, &r->e);
    r->estado = rep.estado;
    db_close(db);
    return NULL;
}

/* Two loads at once: the advisory lock makes one load and the other find it loaded. */
static void
test_concurrent_loads(void **state)
{
    struct dbt *t = *state;
    struct racer r[2] = { { .t = t }, { .t = t } };
    pthread_t th[2];
    struct db *db;

    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, racer_run, &r[i]), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    for (int i = 0; i < 2; i++)
        if (r[i].rc != RC_OK)
            fail_msg("carga %d: %s", i, r[i].e.msg);
    assert_true((r[0].estado == DB_DEMO_CARGADO && r[1].estado == DB_DEMO_YA_CARGADO) ||
                (r[1].estado == DB_DEMO_CARGADO && r[0].estado == DB_DEMO_YA_CARGADO));
    db = dbt_connect(t, NULL);
    assert_int_equal(dbt_scalar_ll(t, db, "SELECT count(*) FROM padron.clientes"), 2000);
    db_close(db);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_same_seed_same_content, setup_two, teardown_two),
        cmocka_unit_test_setup_teardown(test_other_seed_other_content, setup_two, teardown_two),
        cmocka_unit_test_setup_teardown(test_second_run_is_noop, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_mismatch_refused_data_unchanged, dbt_setup,
                                        dbt_teardown),
        cmocka_unit_test_setup_teardown(test_refuses_foreign_padron, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_failure_leaves_nothing, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_unmigrated_database, dbt_setup_empty, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_users_roles_funnel_calendar, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_loads, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_activity_through_the_api, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_activity_needs_the_demo, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_activity_whole_or_nothing, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests_name("demo", tests, NULL, NULL);
}
