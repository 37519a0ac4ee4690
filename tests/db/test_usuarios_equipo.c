/*
 * test_usuarios_equipo — sql/078_usuarios_equipo.sql through db_usuarios: a supervisor sets
 * ACTIVO, AUSENTE or VACACIONES on the promoters of their team, with a reason, and nothing
 * else (EB116 another team's promoter or a supervisor, EB115 BAJA, EB101 a promoter, 42501
 * an auditor); an absent promoter cannot ask for clients; every change to a user — by the
 * api or by the owner's UPDATE by hand — lands once in the append-only crm.usuarios_cambios
 * with who and why, and api.usuario_cambios shows each caller what they may see; each user
 * changed is notified once per statement, a change that changes nothing is not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "db/db.h"
#include "db/db_usuarios.h"
#include "dbt.h"
#include "util/err.h"

static const struct dbt_usuario usuarios[] = {
    { "ue_sup", "Sara Supervisora", "SUPERVISOR", NULL, NULL },
    { "ue_sup2", "Saúl Supervisor", "SUPERVISOR", NULL, NULL },
    { "ue_adm", "Ada Admin", "ADMIN", NULL, NULL },
    { "ue_p1", "Pepe Uno", "PROMOTOR", "ue_sup", NULL },
    { "ue_p2", "Paty Dos", "PROMOTOR", "ue_sup", NULL },
    { "ue_p3", "Pablo Tres", "PROMOTOR", "ue_sup2", NULL },
};

static int
estado(struct db *db, const char *login, const char *nuevo, const char *motivo, struct err *e)
{
    char anterior[16];
    int pausados, reanudados; /* test_pausa's subject */

    memset(e, 0, sizeof *e);
    return db_usuario_estado(db, login, nuevo, motivo, anterior, sizeof anterior, &pausados,
                             &reanudados, e);
}

/* "usuario campo anterior→nuevo por (motivo)" of the newest limite changes db sees. */
static const char *
recientes(struct db *db, const char *login, int limite)
{
    static char out[1024];
    struct db_usuario_cambio *c = NULL;
    struct err e = { 0 };
    size_t n = 0, len = 0;

    out[0] = '\0';
    if (db_usuario_cambios(db, login, limite, &c, &n, &e) != RC_OK)
        fail_msg("db_usuario_cambios: %s", e.msg);
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(
            out + len, sizeof out - len, "%s%s %s %s→%s %s (%s)", i ? "; " : "", c[i].usuario,
            c[i].campo, c[i].anterior ? c[i].anterior : "-", c[i].nuevo ? c[i].nuevo : "-",
            c[i].hecho_por ? c[i].hecho_por : "dueño", c[i].motivo ? c[i].motivo : "-");
    db_usuario_cambios_free(c, n);
    return out;
}

/* Every change db sees, newest first. */
static const char *
cambios(struct db *db, const char *login)
{
    return recientes(db, login, 100);
}

static void
test_supervisor_marca_ausencias(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *sup, *p1;
    struct err e;

    dbt_usuarios(t, adm, usuarios, sizeof usuarios / sizeof usuarios[0]);
    dbt_clientes_imss(adm, 10);
    sup = dbt_connect(t, "ue_sup");
    p1 = dbt_connect(t, "ue_p1");
    dbt_exec(p1, "LISTEN embudo");

    assert_int_equal(estado(sup, "ue_p1", "AUSENTE", "incapacidad", &e), RC_OK);
    {
        char want[64];

        snprintf(want, sizeof want, "{\"tabla\" : \"usuarios\", \"usuario_id\" : %lld}",
                 dbt_scalar_ll(t, adm, "SELECT id FROM crm.usuarios WHERE login = 'ue_p1'"));
        assert_string_equal(dbt_avisos(p1), want);
    }
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT estado FROM crm.usuarios"
                                       " WHERE login = 'ue_p1'"),
                        "AUSENTE");
    /* An absent promoter asks for nothing. */
    dbt_expect_refusal(p1, "EB207", "SELECT * FROM api.solicitar_asignacion(2)");
    assert_int_equal(estado(sup, "ue_p1", "VACACIONES", NULL, &e), RC_OK);
    assert_int_equal(estado(sup, "ue_p1", "ACTIVO", "regresó", &e), RC_OK);
    dbt_exec(p1, "SELECT * FROM api.solicitar_asignacion(2)");
    /* The same estado again changes, records and notifies nothing. */
    (void)dbt_avisos(p1);
    assert_int_equal(estado(sup, "ue_p1", "ACTIVO", "otra vez", &e), RC_OK);
    assert_string_equal(dbt_avisos(p1), "");

    /* What a supervisor may not do. */
    assert_int_equal(estado(sup, "ue_p3", "AUSENTE", NULL, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB116");
    assert_int_equal(estado(sup, "ue_sup2", "AUSENTE", NULL, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB116");
    assert_int_equal(estado(sup, "ue_sup", "VACACIONES", NULL, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB116");
    assert_int_equal(estado(sup, "ue_p2", "BAJA", NULL, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB115");
    assert_int_equal(estado(sup, "ue_nadie", "AUSENTE", NULL, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB111");
    /* A promoter, not even on themself. */
    assert_int_equal(estado(p1, "ue_p1", "VACACIONES", NULL, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB101");
    /* Once an admin has ended a login, bringing it back is an admin's too. */
    dbt_exec(adm, "SELECT api.cambiar_estado_usuario('ue_p2', 'BAJA', 'renuncia')");
    assert_int_equal(estado(sup, "ue_p2", "ACTIVO", NULL, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB115");
    /* Nothing refused left a trace (under the changes, the team's altas, sql/098). */
    assert_string_equal(cambios(sup, NULL), "ue_p2 estado ACTIVO→BAJA dueño (renuncia); "
                                            "ue_p1 estado VACACIONES→ACTIVO ue_sup (regresó); "
                                            "ue_p1 estado AUSENTE→VACACIONES ue_sup (-); "
                                            "ue_p1 estado ACTIVO→AUSENTE ue_sup (incapacidad); "
                                            "ue_p2 alta -→PROMOTOR dueño (-); "
                                            "ue_p1 alta -→PROMOTOR dueño (-); "
                                            "ue_sup alta -→SUPERVISOR dueño (-)");
    db_close(p1);
    db_close(sup);
    db_close(adm);
}

static void
test_registro_de_cambios(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *ad, *sup, *sup2, *p1, *aud;
    struct db_usuario_cambio *c = NULL;
    struct err e = { 0 };
    size_t n = 0;
    int cupo, cartera;

    dbt_usuarios(t, adm, usuarios, sizeof usuarios / sizeof usuarios[0]);
    ad = dbt_connect(t, "ue_adm");
    sup = dbt_connect(t, "ue_sup");
    sup2 = dbt_connect(t, "ue_sup2");
    p1 = dbt_connect(t, "ue_p1");

    /* Creating a user records one row, «alta» with its rol, by whom (sql/098: the owner's
     * session is nobody), and tells every open screen. */
    dbt_exec(sup, "LISTEN embudo");
    dbt_exec(ad, "SELECT api.crear_usuario('ue_aud', 'Aurelio Auditor', 'AUDITOR')");
    {
        char want[64];

        snprintf(want, sizeof want, "{\"tabla\" : \"usuarios\", \"usuario_id\" : %lld}",
                 dbt_scalar_ll(t, adm, "SELECT id FROM crm.usuarios WHERE login = 'ue_aud'"));
        assert_string_equal(dbt_avisos(sup), want);
    }
    aud = dbt_connect(t, "ue_aud");
    assert_string_equal(cambios(ad, "ue_aud"), "ue_aud alta -→AUDITOR ue_adm (-)");
    assert_string_equal(cambios(ad, "ue_p1"), "ue_p1 alta -→PROMOTOR dueño (-)");
    assert_int_equal(
        dbt_scalar_ll(t, adm, "SELECT count(*) FROM crm.usuarios_cambios WHERE campo = 'alta'"), 7);
    /* The same call again (a retry) changes nothing: no second alta. */
    dbt_exec(ad, "SELECT api.crear_usuario('ue_aud', 'Aurelio Auditor', 'AUDITOR')");
    assert_string_equal(cambios(ad, "ue_aud"), "ue_aud alta -→AUDITOR ue_adm (-)");

    /* Each field changed is one row. */
    assert_int_equal(db_usuario_limites(ad, "ue_p1", 30, 200, &cupo, &cartera, &e), RC_OK);
    dbt_exec(ad, "SELECT api.cambiar_supervisor('ue_p3', 'ue_sup')");
    /* The owner by hand: recorded too, with nobody as the author. */
    dbt_exec(adm, "UPDATE crm.usuarios SET nombre = 'José Uno' WHERE login = 'ue_p1'");
    assert_string_equal(recientes(ad, NULL, 4), "ue_p1 nombre Pepe Uno→José Uno dueño (-); "
                                                "ue_p3 supervisor ue_sup2→ue_sup ue_adm (-); "
                                                "ue_p1 cartera_max 500→200 ue_adm (-); "
                                                "ue_p1 cupo_diario 50→30 ue_adm (-)");

    /* Who sees what: a promoter their own; the supervisor the team (ue_p3 is theirs now);
     * the other supervisor nothing of it but their own alta; the auditor everything. */
    assert_string_equal(cambios(p1, NULL), "ue_p1 nombre Pepe Uno→José Uno dueño (-); "
                                           "ue_p1 cartera_max 500→200 ue_adm (-); "
                                           "ue_p1 cupo_diario 50→30 ue_adm (-); "
                                           "ue_p1 alta -→PROMOTOR dueño (-)");
    assert_string_equal(cambios(sup, "ue_p3"), "ue_p3 supervisor ue_sup2→ue_sup ue_adm (-); "
                                               "ue_p3 alta -→PROMOTOR dueño (-)");
    assert_string_equal(cambios(sup2, NULL), "ue_sup2 alta -→SUPERVISOR dueño (-)");
    assert_int_equal(db_usuario_cambios(sup2, "ue_p1", 10, &c, &n, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB111");
    assert_int_equal(db_usuario_cambios(sup, NULL, 0, &c, &n, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB112");
    assert_int_equal(db_usuario_cambios(ad, NULL, 2, &c, &n, &e), RC_OK);
    assert_int_equal(n, 2);
    assert_non_null(strstr(c[0].hecho_at, "T"));
    db_usuario_cambios_free(c, n);
    assert_string_equal(cambios(aud, "ue_p3"), "ue_p3 supervisor ue_sup2→ue_sup ue_adm (-); "
                                               "ue_p3 alta -→PROMOTOR dueño (-)");

    /* The auditor changes nobody; nobody reads or rewrites the table directly. */
    assert_int_equal(estado(aud, "ue_p1", "AUSENTE", NULL, &e), RC_DB);
    assert_string_equal(e.code, "42501");
    dbt_expect_refusal(adm, "EB900", "UPDATE crm.usuarios_cambios SET motivo = 'x'");
    dbt_expect_refusal(adm, "EB900", "DELETE FROM crm.usuarios_cambios");
    assert_int_equal(dbt_try(sup, &e, "SELECT count(*) FROM crm.usuarios_cambios"), RC_DB);
    assert_string_equal(e.code, "42501");
    db_close(aud);
    db_close(p1);
    db_close(sup2);
    db_close(sup);
    db_close(ad);
    db_close(adm);
}

/* sql/099: an admin corrects a name — blanks collapsed, the reason on record, the same name
 * again nothing; nobody else may, and the login never changes. */
static void
test_nombre_corregido(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *ad, *sup, *aud;
    struct err e = { 0 };
    char anterior[128];

    dbt_usuarios(t, adm, usuarios, sizeof usuarios / sizeof usuarios[0]);
    dbt_exec(adm, "SELECT api.crear_usuario('ue_aud', 'Aurelio Auditor', 'AUDITOR')");
    ad = dbt_connect(t, "ue_adm");
    sup = dbt_connect(t, "ue_sup");
    aud = dbt_connect(t, "ue_aud");
    dbt_exec(sup, "LISTEN embudo");

    assert_int_equal(db_usuario_nombre(ad, "ue_p1", "  José   Uno ", "con acento", anterior,
                                       sizeof anterior, &e),
                     RC_OK);
    assert_string_equal(anterior, "Pepe Uno");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT nombre FROM crm.usuarios"
                                       " WHERE login = 'ue_p1'"),
                        "José Uno");
    assert_string_equal(recientes(sup, "ue_p1", 1), "ue_p1 nombre Pepe Uno→José Uno ue_adm"
                                                    " (con acento)");
    assert_non_null(strstr(dbt_avisos(sup), "\"usuarios\""));
    /* The same name again: nothing changes, is recorded or notified. */
    assert_int_equal(
        db_usuario_nombre(ad, "ue_p1", "José Uno", NULL, anterior, sizeof anterior, &e), RC_OK);
    assert_string_equal(anterior, "José Uno");
    assert_string_equal(recientes(sup, "ue_p1", 2), "ue_p1 nombre Pepe Uno→José Uno ue_adm"
                                                    " (con acento); "
                                                    "ue_p1 alta -→PROMOTOR dueño (-)");
    assert_string_equal(dbt_avisos(sup), "");

    /* Refusals, each with its code, and nothing written. */
    assert_int_equal(db_usuario_nombre(ad, "ue_p1", " J ", NULL, anterior, sizeof anterior, &e),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB104");
    assert_int_equal(
        db_usuario_nombre(ad, "ue_nadie", "Nadie Nunca", NULL, anterior, sizeof anterior, &e),
        RC_REFUSED);
    assert_string_equal(e.code, "EB111");
    assert_int_equal(db_usuario_nombre(sup, "ue_p1", "Pepe", NULL, anterior, sizeof anterior, &e),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB101");
    assert_int_equal(db_usuario_nombre(aud, "ue_p1", "Pepe", NULL, anterior, sizeof anterior, &e),
                     RC_DB);
    assert_string_equal(e.code, "42501");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT nombre FROM crm.usuarios"
                                       " WHERE login = 'ue_p1'"),
                        "José Uno");
    db_close(aud);
    db_close(sup);
    db_close(ad);
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_supervisor_marca_ausencias, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_registro_de_cambios, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_nombre_corregido, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
