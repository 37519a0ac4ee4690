/*
 * test_reparto — api.reparto (sql/064_reparto.sql) through db_reparto: per promoter, what
 * was received on the business day (by request and by reassignment) against the cupo, the
 * requests made and the clients asked for, captured leads, the contact attempts each
 * promoter recorded (sql/067) and the cartera; who sees which rows (supervisor: team, admin:
 * all, promoter: self); a past day with nothing and a day still to come (EB212). The figures
 * must agree with the quota rows the doctor checks.
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

/* rp_sup: rp_p1 (cupo 20), rp_p2 (cupo 30); rp_sup2: rp_p3; rp_adm. */
static void
seed(struct dbt *t, struct db *adm)
{
    static const struct dbt_usuario usuarios[] = {
        { "rp_sup", "Sara Supervisora", "SUPERVISOR", NULL, NULL },
        { "rp_sup2", "Saúl Supervisor", "SUPERVISOR", NULL, NULL },
        { "rp_adm", "Ada Admin", "ADMIN", NULL, NULL },
        { "rp_p1", "Pepe Uno", "PROMOTOR", "rp_sup", NULL },
        { "rp_p2", "Paty Dos", "PROMOTOR", "rp_sup", NULL },
        { "rp_p3", "Pablo Tres", "PROMOTOR", "rp_sup2", NULL },
    };

    dbt_usuarios(t, adm, usuarios, sizeof usuarios / sizeof usuarios[0]);
    dbt_exec(adm, "UPDATE crm.usuarios SET cupo_diario = 20 WHERE login = 'rp_p1';"
                  "UPDATE crm.usuarios SET cupo_diario = 30 WHERE login = 'rp_p2'");
    dbt_clientes_imss(adm, 200);
}

/* "login:cupo/recibidos=solicitud+reasig/pedidos:solicitados/captados/activas/intentos". */
static const char *
resumen(struct dbt *t, struct db *db, const char *fecha, int *rc, struct err *e)
{
    static char out[512];
    struct db_reparto_fila *r = NULL;
    size_t n = 0, len = 0;

    (void)t;
    memset(e, 0, sizeof *e);
    out[0] = '\0';
    *rc = db_reparto(db, fecha, &r, &n, e);
    for (size_t i = 0; *rc == RC_OK && i < n; i++)
        len += (size_t)snprintf(out + len, sizeof out - len, "%s%s:%d/%d=%d+%d/%d:%d/%d/%d/%d",
                                i ? " " : "", r[i].login, r[i].cupo, r[i].recibidos,
                                r[i].por_solicitud, r[i].por_reasignacion, r[i].pedidos,
                                r[i].solicitados, r[i].captados, r[i].activas, r[i].intentos);
    db_reparto_free(r, n);
    return out;
}

static void
test_reparto_del_dia(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p1, *p2, *sup, *sup2, *ad;
    struct err e;
    int rc;

    seed(t, adm);
    p1 = dbt_connect(t, "rp_p1");
    p2 = dbt_connect(t, "rp_p2");
    sup = dbt_connect(t, "rp_sup");
    sup2 = dbt_connect(t, "rp_sup2");
    ad = dbt_connect(t, "rp_adm");

    /* Nothing yet: the cupo is the user's, nothing received. */
    assert_string_equal(resumen(t, sup, NULL, &rc, &e),
                        "rp_p2:30/0=0+0/0:0/0/0/0 rp_p1:20/0=0+0/0:0/0/0/0");
    assert_int_equal(rc, RC_OK);

    dbt_exec(p1, "SELECT * FROM api.solicitar_asignacion(8)");
    dbt_exec(p1, "SELECT * FROM api.solicitar_asignacion(5, clave => 'k1')");
    dbt_exec(p1, "SELECT * FROM api.solicitar_asignacion(5, clave => 'k1')"); /* repeated */
    dbt_exec(p2, "SELECT * FROM api.solicitar_asignacion(50)");               /* cupo: 30 */
    dbt_exec(p1, "SELECT * FROM api.captar('Lucía Captada', '55 1234 9876')");
    dbt_exec(sup, "SELECT * FROM api.reasignar((SELECT array_agg(id) FROM (SELECT o.id FROM"
                  " crm.oportunidades o JOIN crm.usuarios u ON u.id = o.usuario_id"
                  " WHERE u.login = 'rp_p2' ORDER BY o.id LIMIT 2) x), 'rp_p1',"
                  " 'cubre la zona')");
    /* Attempts: p1 three, p2 one; the supervisor's own on p2's opportunity are not p2's. */
    dbt_intentos(p1, dbt_scalar_ll(t, adm, "SELECT min(o.id) FROM crm.oportunidades o JOIN"
                                           " crm.usuarios u ON u.id = o.usuario_id WHERE"
                                           " u.login = 'rp_p1'"), 3);
    dbt_intentos(p2, dbt_scalar_ll(t, adm, "SELECT min(o.id) FROM crm.oportunidades o JOIN"
                                           " crm.usuarios u ON u.id = o.usuario_id WHERE"
                                           " u.login = 'rp_p2'"), 1);
    dbt_intentos(sup, dbt_scalar_ll(t, adm, "SELECT max(o.id) FROM crm.oportunidades o JOIN"
                                            " crm.usuarios u ON u.id = o.usuario_id WHERE"
                                            " u.login = 'rp_p2'"), 1);

    /* Supervisor: the team, by name. p1 received 13 + 2 of 20 and captured 1 (not charged);
     * p2 asked 50 and got its 30, then gave 2 away. */
    assert_string_equal(resumen(t, sup, NULL, &rc, &e),
                        "rp_p2:30/30=30+0/1:50/0/28/1 rp_p1:20/15=13+2/2:13/1/16/3");
    assert_int_equal(rc, RC_OK);
    /* The other team's supervisor, a promoter and the admin. */
    assert_string_equal(resumen(t, sup2, NULL, &rc, &e), "rp_p3:50/0=0+0/0:0/0/0/0");
    assert_string_equal(resumen(t, p1, NULL, &rc, &e), "rp_p1:20/15=13+2/2:13/1/16/3");
    dbt_exec(adm, "UPDATE crm.usuarios SET cupo_diario = 5 WHERE login = 'rp_p3'");
    assert_string_equal(resumen(t, ad, NULL, &rc, &e),
                        "rp_p3:5/0=0+0/0:0/0/0/0 rp_p2:30/30=30+0/1:50/0/28/1"
                        " rp_p1:20/15=13+2/2:13/1/16/3");
    /* Received = what the quota rows say (the doctor's rule). */
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT sum(usados) FROM crm.cupo_diario"), 45);
    assert_int_equal(dbt_scalar_ll(t, sup, "SELECT count(*) FROM api.verificar_invariantes()"),
                     0);

    /* Yesterday: nothing; a day still to come: refused. */
    assert_string_equal(resumen(t, sup,
                                dbt_scalar_tmp(t, adm, "SELECT (crm.fecha_negocio(now()) - 1)"
                                                       "::text"),
                                &rc, &e),
                        "rp_p2:30/0=0+0/0:0/0/28/0 rp_p1:20/0=0+0/0:0/0/16/0");
    assert_string_equal(resumen(t, sup,
                                dbt_scalar_tmp(t, adm, "SELECT (crm.fecha_negocio(now()) + 1)"
                                                       "::text"),
                                &rc, &e),
                        "");
    assert_int_equal(rc, RC_REFUSED);
    assert_string_equal(e.code, "EB212");

    db_close(ad);
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
        cmocka_unit_test_setup_teardown(test_reparto_del_dia, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
