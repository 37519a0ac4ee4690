/*
 * test_distribuir — a supervisor's distribution (sql/069_distribucion.sql) through
 * db_distribuir_vista and db_distribuir: the even split within each promoter's cupo and
 * cartera and its order, a preview that writes nothing and agrees with the commit, the
 * DISTRIBUCION lotes with their reason, quota charged, history by the supervisor, idempotent
 * clave, a pool that runs short, every refusal with its SQLSTATE, and the race: two admins
 * dealing to everyone while promoters ask for themselves → no client twice, quota exact,
 * no deadlock, api.verificar_invariantes() empty.
 */
#include <pthread.h>
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

/* dt_sup: dt_p1 (cupo 10), dt_p2, dt_p3 (cupo 30), dt_p4 (AUSENTE); dt_sup2: dt_p5;
 * dt_sup3: nobody; dt_adm. n IMSS clients. */
static void
seed(struct dbt *t, struct db *adm, int clientes)
{
    static const struct dbt_usuario usuarios[] = {
        { "dt_sup", "Sara Supervisora", "SUPERVISOR", NULL, NULL },
        { "dt_sup2", "Saúl Supervisor", "SUPERVISOR", NULL, NULL },
        { "dt_sup3", "Sofía Sin Equipo", "SUPERVISOR", NULL, NULL },
        { "dt_adm", "Ada Admin", "ADMIN", NULL, NULL },
        { "dt_p1", "Pepe Uno", "PROMOTOR", "dt_sup", NULL },
        { "dt_p2", "Paty Dos", "PROMOTOR", "dt_sup", NULL },
        { "dt_p3", "Pablo Tres", "PROMOTOR", "dt_sup", NULL },
        { "dt_p4", "Pía Cuatro", "PROMOTOR", "dt_sup", "AUSENTE" },
        { "dt_p5", "Paco Cinco", "PROMOTOR", "dt_sup2", NULL },
    };

    dbt_usuarios(t, adm, usuarios, sizeof usuarios / sizeof usuarios[0]);
    dbt_exec(adm, "UPDATE crm.usuarios SET cupo_diario = 10 WHERE login = 'dt_p1';"
                  "UPDATE crm.usuarios SET cupo_diario = 30 WHERE login IN ('dt_p2', 'dt_p3')");
    dbt_clientes_imss(adm, clientes);
    dbt_exec(adm, "INSERT INTO padron.convenios (clave, nombre, tipo)"
                  " VALUES ('SEP', 'SEP', 'FEDERAL')");
}

/* "login:recibidos_hoy/cupo/cartera>recibe …|disponibles" of a preview, or "" on refusal. */
static const char *
vista(struct db *db, int cantidad, const char *convenio, const char *const *p, size_t np,
      int *rc, struct err *e)
{
    static char out[512];
    struct db_filtros f = { .convenio = convenio };
    struct db_distribucion d;
    size_t len = 0;

    memset(e, 0, sizeof *e);
    out[0] = '\0';
    *rc = db_distribuir_vista(db, cantidad, &f, p, np, &d, e);
    if (*rc != RC_OK)
        return out;
    for (size_t i = 0; i < d.n; i++)
        len += (size_t)snprintf(out + len, sizeof out - len, "%s:%d/%d/%d>%d ", d.filas[i].login,
                                d.filas[i].recibidos_hoy, d.filas[i].cupo_restante,
                                d.filas[i].cartera_libre, d.filas[i].recibe);
    snprintf(out + len, sizeof out - len, "|%lld", (long long)d.disponibles);
    db_distribucion_fini(&d);
    return out;
}

/* "login=asignados@cupo_restante …|mensaje" of a distribution ("+" after a lote), and
 * whether it was a repeat; "" on refusal. */
static const char *
repartir(struct db *db, int cantidad, const char *convenio, const char *const *p, size_t np,
         const char *clave, bool *repetido, int *rc, struct err *e)
{
    static char out[512];
    struct db_filtros f = { .convenio = convenio };
    struct db_distribucion d;
    size_t len = 0;

    memset(e, 0, sizeof *e);
    out[0] = '\0';
    *rc = db_distribuir(db, cantidad, &f, p, np, clave, &d, e);
    if (*rc != RC_OK)
        return out;
    for (size_t i = 0; i < d.n; i++)
        len += (size_t)snprintf(out + len, sizeof out - len, "%s=%d@%d%s ", d.filas[i].login,
                                d.filas[i].recibe, d.filas[i].cupo_restante,
                                d.filas[i].lote_id != 0 ? "+" : "");
    snprintf(out + len, sizeof out - len, "|%s", d.mensaje != NULL ? d.mensaje : "");
    if (repetido != NULL)
        *repetido = d.repetido;
    db_distribucion_fini(&d);
    return out;
}

static void
test_reparto_equitativo(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    static const struct {
        const char *args, *want;
    } casos[] = {
        { "10, '{5,5,5}'", "{4,3,3}" },      /* remainder from the first */
        { "25, '{30,30,6}'", "{10,9,6}" },   /* a full place's share goes to the others */
        { "100, '{3,0,4}'", "{3,0,4}" },     /* more than fits: everyone full */
        { "2, '{5,5,5}'", "{1,1,0}" },       /* fewer than places */
        { "0, '{5,5}'", "{0,0}" },
        { "7, '{}'", "{}" },
        { "9, '{0,0,9}'", "{0,0,9}" },
    };

    for (size_t i = 0; i < sizeof casos / sizeof casos[0]; i++)
        assert_string_equal(dbt_scalar_tmp(t, adm, "SELECT crm.reparto_equitativo(%s)::text",
                                           casos[i].args),
                            casos[i].want);
    db_close(adm);
}

static void
test_vista_y_distribucion(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *sup, *p1, *p2;
    struct err e;
    bool rep = false;
    int rc;

    seed(t, adm, 200);
    sup = dbt_connect(t, "dt_sup");
    p1 = dbt_connect(t, "dt_p1");
    p2 = dbt_connect(t, "dt_p2");
    dbt_exec(p1, "SELECT * FROM api.solicitar_asignacion(4)");

    /* Team of the supervisor: the ACTIVO promoters, least received first (p4 is AUSENTE).
     * Rooms 30, 30, 6: 25 → 10, 9, 6. */
    assert_string_equal(vista(sup, 25, "IMSS", NULL, 0, &rc, &e),
                        "dt_p2:0/30/500>10 dt_p3:0/30/500>9 dt_p1:4/6/496>6 |196");
    assert_int_equal(rc, RC_OK);
    /* The preview writes nothing: no quota row for p2 and p3, no lote. */
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM crm.cupo_diario"), 1);
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM crm.lotes"), 1);
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM crm.distribuciones"), 0);
    /* Named promoters only. */
    assert_string_equal(vista(sup, 25, "IMSS", (const char *[]){ "DT_P1 ", "dt_p3" }, 2, &rc, &e),
                        "dt_p3:0/30/500>19 dt_p1:4/6/496>6 |196");

    /* The commit deals what the preview said; the cupo left is after it. */
    assert_string_equal(repartir(sup, 25, "IMSS", NULL, 0, "d1", &rep, &rc, &e),
                        "dt_p2=10@20+ dt_p3=9@21+ dt_p1=6@0+ |se repartieron 25 clientes entre"
                        " 3 promotores");
    assert_int_equal(rc, RC_OK);
    assert_false(rep);
    /* One DISTRIBUCION lote each, created by the supervisor, with the rule and the room. */
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(format('%%s:%%s:%%s:%%s:%%s', u.login,"
                                       " l.solicitados, c.login, l.filtros ->> 'orden',"
                                       " l.filtros ->> 'cupo_restante'), ' ' ORDER BY l.id)"
                                       " FROM crm.lotes l JOIN crm.usuarios u ON"
                                       " u.id = l.usuario_id JOIN crm.usuarios c ON"
                                       " c.id = l.creado_por WHERE l.origen = 'DISTRIBUCION'"),
                        "dt_p2:10:dt_sup:1:30 dt_p3:9:dt_sup:2:30 dt_p1:6:dt_sup:3:6");
    /* Open opportunities at the initial stage with a timer; ASIGNADA written by the supervisor. */
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.oportunidades o JOIN crm.lotes l"
                                   " ON l.id = o.lote_id WHERE l.origen = 'DISTRIBUCION'"
                                   " AND o.estado = 'ABIERTA' AND o.timer_vence IS NOT NULL"),
                     25);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.historial h JOIN crm.usuarios u"
                                   " ON u.id = h.usuario_id WHERE h.evento = 'ASIGNADA'"
                                   " AND u.login = 'dt_sup'"),
                     25);
    /* Each promoter sees their own lote. */
    assert_int_equal(dbt_scalar_ll(t, p2,
                                   "SELECT count(*) FROM crm.oportunidades o JOIN crm.lotes l"
                                   " ON l.id = o.lote_id WHERE l.origen = 'DISTRIBUCION'"),
                     10);
    /* p1's cupo is used up: a request of their own is refused. */
    dbt_expect_refusal(p1, "EB205", "SELECT * FROM api.solicitar_asignacion(1)");

    /* The same clave returns the first distribution; nothing charged twice. */
    assert_string_equal(repartir(sup, 25, "IMSS", NULL, 0, "d1", &rep, &rc, &e),
                        "dt_p2=10@20+ dt_p3=9@21+ dt_p1=6@0+ |esta distribución ya se había"
                        " hecho (clave d1): 25 clientes repartidos");
    assert_true(rep);
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM crm.oportunidades"), 29);

    /* The report splits what was dealt from what was asked for; the doctor agrees. */
    assert_string_equal(dbt_scalar_tmp(t, sup,
                                       "SELECT string_agg(format('%%s:%%s=%%s+%%s+%%s', login,"
                                       " recibidos, por_solicitud, por_reasignacion,"
                                       " por_distribucion), ' ' ORDER BY login)"
                                       " FROM api.reparto()"),
                        "dt_p1:10=4+0+6 dt_p2:10=0+0+10 dt_p3:9=0+0+9 dt_p4:0=0+0+0");
    assert_int_equal(dbt_scalar_ll(t, sup, "SELECT count(*) FROM api.verificar_invariantes()"),
                     0);

    /* More than the rooms admit: p1 has none left. Then more than the pool has (130 left):
     * an even part of what there is, the remainder to whoever received least. */
    assert_string_equal(repartir(sup, 5000, "IMSS", NULL, 0, NULL, NULL, &rc, &e),
                        "dt_p3=21@0+ dt_p1=0@0 dt_p2=20@0+ |se repartieron 41 clientes entre"
                        " 2 promotores (se pidieron 5000: el cupo y la cartera de los promotores"
                        " solo admitían 41)");
    dbt_exec(adm, "UPDATE crm.usuarios SET cupo_diario = 1000 WHERE login LIKE 'dt_p%%'");
    assert_string_equal(repartir(sup, 5000, "IMSS", NULL, 0, NULL, NULL, &rc, &e),
                        "dt_p1=44@946+ dt_p2=43@927+ dt_p3=43@927+ |se repartieron 130 clientes"
                        " entre 3 promotores (se pidieron 5000: no hay más clientes disponibles"
                        " con esos filtros)");
    assert_int_equal(dbt_scalar_ll(t, sup, "SELECT count(*) FROM api.verificar_invariantes()"),
                     0);

    db_close(p2);
    db_close(p1);
    db_close(sup);
    db_close(adm);
}

static void
expect(const char *code, int rc, const struct err *e)
{
    assert_int_not_equal(rc, RC_OK);
    assert_string_equal(e->code, code);
}

static void
test_rechazos(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *sup, *sup3, *ad, *p1;
    struct err e;
    int rc;

    seed(t, adm, 50);
    sup = dbt_connect(t, "dt_sup");
    sup3 = dbt_connect(t, "dt_sup3");
    ad = dbt_connect(t, "dt_adm");
    p1 = dbt_connect(t, "dt_p1");

    /* A promoter may not call it at all. */
    vista(p1, 5, NULL, NULL, 0, &rc, &e);
    expect("42501", rc, &e);
    repartir(p1, 5, NULL, NULL, 0, NULL, NULL, &rc, &e);
    expect("42501", rc, &e);
    /* Quantities, clave, filters. */
    vista(sup, 0, NULL, NULL, 0, &rc, &e);
    expect("EB620", rc, &e);
    repartir(sup, 5001, NULL, NULL, 0, NULL, NULL, &rc, &e);
    expect("EB620", rc, &e);
    dbt_expect_refusal(sup, "EB620", "SELECT * FROM api.distribuir(5, clave => repeat('k', 101))");
    vista(sup, 5, "ISSSTE", NULL, 0, &rc, &e);
    expect("EB202", rc, &e);
    /* Destinations: unknown, absent, of another team; a team with nobody. */
    vista(sup, 5, NULL, (const char *[]){ "nadie" }, 1, &rc, &e);
    expect("EB601", rc, &e);
    repartir(sup, 5, NULL, (const char *[]){ "dt_p4" }, 1, NULL, NULL, &rc, &e);
    expect("EB602", rc, &e);
    repartir(sup, 5, NULL, (const char *[]){ "dt_p1", "dt_p5" }, 2, NULL, NULL, &rc, &e);
    expect("EB603", rc, &e);
    vista(sup3, 5, NULL, NULL, 0, &rc, &e);
    expect("EB621", rc, &e);
    /* No client matches (nothing charged); nobody has room. */
    repartir(sup, 5, "SEP", NULL, 0, NULL, NULL, &rc, &e);
    expect("EB209", rc, &e);
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM crm.lotes"), 0);
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM crm.distribuciones"), 0);
    dbt_exec(adm, "UPDATE crm.usuarios SET cartera_max = 0 WHERE login = 'dt_p5'");
    repartir(ad, 5, NULL, (const char *[]){ "dt_p5" }, 1, NULL, NULL, &rc, &e);
    expect("EB622", rc, &e);

    /* The admin deals to any team: everyone ACTIVO (dt_p5 has no room). */
    assert_string_equal(repartir(ad, 7, NULL, NULL, 0, NULL, NULL, &rc, &e),
                        "dt_p1=3@7+ dt_p2=2@28+ dt_p3=2@28+ dt_p5=0@50 |se repartieron 7 clientes"
                        " entre 3 promotores");
    assert_int_equal(rc, RC_OK);
    /* Refusals leave nothing behind: 7 opportunities, the doctor is clean. */
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM crm.oportunidades"), 7);
    assert_int_equal(dbt_scalar_ll(t, ad, "SELECT count(*) FROM api.verificar_invariantes()"), 0);

    db_close(p1);
    db_close(ad);
    db_close(sup3);
    db_close(sup);
    db_close(adm);
}

/* ---- race: two admins dealing to everyone, promoters asking for themselves ---------------- */

#define RACE_PROMOTORES 6
#define RACE_ADMINS 2
#define RACE_SECONDS 3
/* Calls per connection at most, so that a fast machine cannot drain the 40,000 clients (a dry
 * pool would rightly answer EB209): 6 × 150 × 10 + 2 × 150 × 30 = 18,000. */
#define RACE_LLAMADAS_MAX 150

struct corredor {
    const struct dbt *t;
    char login[16];
    const char *sql;
    long asignados;
    long llamadas;
    int fallo;
    struct err e;
};

static void *
corredor_main(void *arg)
{
    struct corredor *c = arg;
    struct db *db = dbt_connect_err(c->t, c->login, &c->e);
    double fin = dbt_now() + RACE_SECONDS;

    if (db == NULL) {
        c->fallo = 1;
        return NULL;
    }
    while (dbt_now() < fin && c->llamadas < RACE_LLAMADAS_MAX) {
        char *out = NULL;

        if (db_query_text(db, c->sql, 0, NULL, &out, &c->e) != RC_OK) {
            c->fallo = 1;
            break;
        }
        c->asignados += out != NULL ? strtol(out, NULL, 10) : 0;
        c->llamadas++;
        free(out);
    }
    db_close(db);
    return NULL;
}

static void
test_race_distribuir_y_pedir(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *ad;
    struct corredor c[RACE_PROMOTORES + RACE_ADMINS];
    pthread_t th[RACE_PROMOTORES + RACE_ADMINS];
    long asignados = 0;
    const int n = RACE_PROMOTORES + RACE_ADMINS;

    dbt_clientes_imss(adm, 40000);
    for (int i = 0; i < n; i++) {
        memset(&c[i], 0, sizeof c[i]);
        c[i].t = t;
        if (i < RACE_PROMOTORES) {
            snprintf(c[i].login, sizeof c[i].login, "dt_r%d", i);
            dbt_role(t, c[i].login, "embudo_promotor");
            dbt_exec(adm,
                     "INSERT INTO crm.usuarios (login, nombre, rol, cupo_diario, cartera_max)"
                     " VALUES ('%s', 'Corredor %d', 'PROMOTOR', 10000, 100000)",
                     c[i].login, i);
            c[i].sql = "SELECT asignados FROM api.solicitar_asignacion(10)";
        } else {
            snprintf(c[i].login, sizeof c[i].login, "dt_a%d", i);
            dbt_role(t, c[i].login, "embudo_admin");
            dbt_exec(adm, "INSERT INTO crm.usuarios (login, nombre, rol)"
                          " VALUES ('%s', 'Admin %d', 'ADMIN')",
                     c[i].login, i);
            c[i].sql = "SELECT coalesce(sum(asignados), 0) FROM api.distribuir(30)";
        }
    }
    dbt_exec(adm, "ANALYZE crm.pool");
    for (int i = 0; i < n; i++)
        assert_int_equal(pthread_create(&th[i], NULL, corredor_main, &c[i]), 0);
    for (int i = 0; i < n; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    for (int i = 0; i < n; i++) {
        if (c[i].fallo)
            fail_msg("%s: %s %s", c[i].login, c[i].e.code, c[i].e.msg);
        assert_true(c[i].llamadas > 0);
        asignados += c[i].asignados;
    }
    print_message("distribuir y pedir: %d conexiones, %d s, %ld clientes\n", n, RACE_SECONDS,
                  asignados);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM (SELECT cliente_id FROM"
                                   " crm.oportunidades WHERE estado IN ('ABIERTA',"
                                   " 'EN_BANDEJA') GROUP BY cliente_id"
                                   " HAVING count(*) > 1) x"),
                     0);
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM crm.oportunidades"), asignados);
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT sum(usados) FROM crm.cupo_diario"), asignados);
    ad = dbt_connect(t, "dt_a6");
    assert_string_equal(dbt_scalar_tmp(t, ad, "SELECT count(*) FROM api.verificar_invariantes()"),
                        "0");
    db_close(ad);
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reparto_equitativo, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_vista_y_distribucion, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_rechazos, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_race_distribuir_y_pedir, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
