/*
 * test_pausa — a promoter's stage timers wait while they are away (sql/094_pausa_ausencia.sql):
 * ACTIVO → VACACIONES pauses every running timer of their open opportunities (the hours left
 * kept, a TIMER_PAUSADO row each with the reason) and leaves an expired one to the sweep; the
 * sweep, a calendar change and AUSENTE ↔ VACACIONES pass paused timers by; extending one is
 * refused with its reason; reassigning or moving one gives it a new timer and ends its
 * pause; coming back resumes the rest with the hours they kept (TIMER_REANUDADO), and so does
 * leaving for good (BAJA); an owner's UPDATE by hand pauses too; and the doctor reports a
 * paused timer left behind for an ACTIVO owner.
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
#include "db/db_usuarios.h"
#include "dbt.h"
#include "util/err.h"

/* pa_sup: pa_p1, pa_p2; pa_adm. pa_p1 holds 6 (ids 1…6): 5 has expired, 6 is in the bandeja. */
static void
seed(struct dbt *t, struct db *adm)
{
    static const struct dbt_usuario usuarios[] = {
        { "pa_sup", "Sara Supervisora", "SUPERVISOR", NULL, NULL },
        { "pa_adm", "Ada Admin", "ADMIN", NULL, NULL },
        { "pa_p1", "Pepe Uno", "PROMOTOR", "pa_sup", NULL },
        { "pa_p2", "Paty Dos", "PROMOTOR", "pa_sup", NULL },
    };
    struct db *p;

    dbt_usuarios(t, adm, usuarios, sizeof usuarios / sizeof usuarios[0]);
    dbt_clientes_imss(adm, 20);
    p = dbt_connect(t, "pa_p1");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(6)");
    dbt_exec(p, "SELECT * FROM api.mover(6, 'No interesado', 'ya tiene crédito')");
    db_close(p);
    dbt_exec(adm, "UPDATE crm.oportunidades SET etapa_desde = now() - interval '9 days',"
                  " timer_vence = now() - interval '1 hour',"
                  " timer_aviso = now() - interval '3 hours' WHERE id = 5;"
                  "UPDATE crm.oportunidades SET timer_vence = api.sumar_horas_habiles(now(), 30),"
                  " timer_aviso = api.sumar_horas_habiles(now(), 20) WHERE id = 1;"
                  "CREATE TABLE antes AS SELECT id, timer_vence, timer_aviso,"
                  " api.horas_habiles_entre(now(), timer_vence) AS resto,"
                  " api.horas_habiles_entre(now(), timer_aviso) AS resto_aviso"
                  " FROM crm.oportunidades");
}

/* Changes login's estado as db; the change says how many timers it paused and resumed. */
static void
estado(struct db *db, const char *login, const char *nuevo, const char *motivo, int pausados,
       int reanudados)
{
    struct err e = { 0 };
    char anterior[16];
    int p = -1, r = -1;

    if (db_usuario_estado(db, login, nuevo, motivo, anterior, sizeof anterior, &p, &r, &e) !=
        RC_OK)
        fail_msg("estado %s → %s: [%s] %s", login, nuevo, e.code, e.msg);
    assert_int_equal(p, pausados);
    assert_int_equal(r, reanudados);
}

/* Ids whose timer is paused, "1,2,3". */
static const char *
pausadas(struct dbt *t, struct db *adm)
{
    return dbt_scalar_tmp(t, adm,
                          "SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '')"
                          " FROM crm.oportunidades WHERE timer_pausa IS NOT NULL");
}

static void
test_vacaciones_y_regreso(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *sup, *db;
    struct err e = { 0 };
    int n = 0;

    seed(t, adm);
    sup = dbt_connect(t, "pa_sup");
    estado(sup, "pa_p1", "VACACIONES", "semana santa", 4, 0);
    /* 1…4 paused with the hours they had (to a hundredth: the calls are a moment apart); the
     * expired 5 and the bandeja's 6 are not. */
    assert_string_equal(pausadas(t, adm), "1,2,3,4");
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.oportunidades o JOIN antes a"
                                   " USING (id) WHERE o.id <= 4 AND o.timer_vence IS NULL"
                                   " AND o.timer_aviso IS NULL AND o.estado = 'ABIERTA'"
                                   " AND abs(o.timer_pausa - a.resto) < 0.01"
                                   " AND abs(o.timer_pausa_aviso - a.resto_aviso) < 0.01"),
                     4);
    assert_string_equal(
        dbt_scalar_tmp(t, adm,
                       "SELECT string_agg(format('%%s:%%s:%%s:%%s', h.oportunidad_id,"
                       " u.login, h.motivo, (h.datos->>'vence_anterior')::timestamptz"
                       " = a.timer_vence), ',' ORDER BY h.oportunidad_id)"
                       " FROM crm.historial h JOIN crm.usuarios u ON u.id ="
                       " h.usuario_id JOIN antes a ON a.id = h.oportunidad_id"
                       " WHERE h.evento = 'TIMER_PAUSADO'"),
        "1:pa_sup:Pepe Uno está de vacaciones: semana santa:t,"
        "2:pa_sup:Pepe Uno está de vacaciones: semana santa:t,"
        "3:pa_sup:Pepe Uno está de vacaciones: semana santa:t,"
        "4:pa_sup:Pepe Uno está de vacaciones: semana santa:t");
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM api.verificar_invariantes()"), 0);

    /* The sweep takes the expired one only; AUSENTE ↔ VACACIONES changes nothing. */
    db = dbt_connect(t, "pa_p2");
    assert_string_equal(dbt_scalar_tmp(t, db, "SELECT devueltas FROM api.barrer_timers(100)"), "1");
    db_close(db);
    estado(sup, "pa_p1", "AUSENTE", NULL, 0, 0);
    assert_string_equal(pausadas(t, adm), "1,2,3,4");
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.historial"
                                   " WHERE evento IN ('TIMER_PAUSADO', 'TIMER_REANUDADO')"),
                     4);

    /* A calendar change passes them by; extending one is refused with its reason. */
    db = dbt_connect(t, "pa_adm");
    assert_int_equal(dbt_try(db, &e,
                             "SELECT * FROM api.dia_inhabil_agregar("
                             "crm.fecha_negocio(now()) + 1, 'Puente')"),
                     RC_OK);
    assert_string_equal(pausadas(t, adm), "1,2,3,4");
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.historial"
                                   " WHERE evento = 'TIMER_RECALCULADO'"),
                     0);
    db_close(db);
    assert_int_equal(db_extender_timer(sup, (const int64_t[]){ 2 }, 1, 8, "cita", &n, &e),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB611");
    assert_non_null(strstr(e.msg, "está en pausa mientras su promotor no está"));

    /* Reassigned, 3 gets Paty's new timer; moved, 4 gets its new stage's: both pauses end. */
    dbt_exec(sup, "SELECT * FROM api.reasignar(ARRAY[3::bigint], 'pa_p2', 'cubre a Pepe')");
    dbt_exec(sup, "SELECT * FROM api.mover(4, 'Contactado', 'llamó él')");
    assert_string_equal(pausadas(t, adm), "1,2");
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.oportunidades"
                                   " WHERE id IN (3, 4) AND timer_vence > now()"),
                     2);
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM api.verificar_invariantes()"), 0);

    /* Back: 1 and 2 run again with the hours they kept (the day closed meanwhile counts as
     * closed), the warning ahead again. */
    estado(sup, "pa_p1", "ACTIVO", "regresó el lunes", 0, 2);
    assert_string_equal(pausadas(t, adm), "");
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.oportunidades o JOIN antes a"
                                   " USING (id) WHERE o.id IN (1, 2) AND"
                                   " abs(api.horas_habiles_entre(now(), o.timer_vence) - a.resto)"
                                   " < 0.01 AND abs(api.horas_habiles_entre(now(), o.timer_aviso)"
                                   " - a.resto_aviso) < 0.01 AND NOT o.timer_avisado"),
                     2);
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(format('%%s:%%s:%%s', h.oportunidad_id,"
                                       " h.motivo, (h.datos->>'vence')::timestamptz ="
                                       " o.timer_vence), ',' ORDER BY h.oportunidad_id)"
                                       " FROM crm.historial h JOIN crm.oportunidades o ON o.id ="
                                       " h.oportunidad_id WHERE h.evento = 'TIMER_REANUDADO'"),
                        "1:Pepe Uno regresó: regresó el lunes:t,"
                        "2:Pepe Uno regresó: regresó el lunes:t");
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM api.verificar_invariantes()"), 0);
    db_close(sup);
    db_close(adm);
}

static void
test_baja_y_a_mano(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *db;

    seed(t, adm);
    /* The owner's UPDATE by hand pauses as the api does (the actor: nobody). */
    dbt_exec(adm, "UPDATE crm.usuarios SET estado = 'AUSENTE' WHERE login = 'pa_p1'");
    assert_string_equal(pausadas(t, adm), "1,2,3,4");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT DISTINCT format('%%s/%%s', usuario_id IS NULL,"
                                       " motivo) FROM crm.historial"
                                       " WHERE evento = 'TIMER_PAUSADO'"),
                        "t/Pepe Uno está ausente");
    /* Leaving for good resumes them: the cartera does not stay frozen. */
    db = dbt_connect(t, "pa_adm");
    estado(db, "pa_p1", "BAJA", "renunció", 0, 4);
    db_close(db);
    assert_string_equal(pausadas(t, adm), "");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(DISTINCT motivo, ',') FROM crm.historial"
                                       " WHERE evento = 'TIMER_REANUDADO'"),
                        "Pepe Uno fue dado de baja: renunció");
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.oportunidades"
                                   " WHERE id <= 4 AND timer_vence > now()"),
                     4);
    /* A pause left behind for an ACTIVO owner is what the doctor reports. */
    db = dbt_connect(t, "pa_p2");
    dbt_exec(db, "SELECT * FROM api.solicitar_asignacion(2)"); /* 7 and 8 */
    db_close(db);
    dbt_exec(adm, "UPDATE crm.oportunidades SET timer_pausa = 5, timer_vence = NULL,"
                  " timer_aviso = NULL WHERE id = 7");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(invariante, ',') FROM"
                                       " api.verificar_invariantes()"),
                        "PAUSA_HUERFANA");
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_vacaciones_y_regreso, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_baja_y_a_mano, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
