/*
 * test_etapas_admin — the funnel's stages through the api (sql/095_etapas_admin.sql), through
 * db_etapas: adding a working stage and an exit where asked (or the default place), moving one,
 * renaming, and every refusal; a timer's new length counts for entries from then on while the
 * opportunities already there keep theirs; a stage given a timer starts one for each
 * opportunity in it (paused for an owner on holiday, 094) and one that loses it stops theirs,
 * each with a TIMER_RECALCULADO row and the doctor content; a stage leaves the funnel only when
 * empty and never the INICIAL or VENTA one; the record of changes; who may; and the race it
 * closes: a stage being deactivated waits for a transition into it, then refuses.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "db/db.h"
#include "db/db_etapas.h"
#include "dbt.h"
#include "util/err.h"

/* et_sup: et_p1; et_adm; et_aud. et_p1 holds 4 (ids 1…4) in Nuevo. */
static void
seed(struct dbt *t, struct db *adm)
{
    static const struct dbt_usuario usuarios[] = {
        { "et_sup", "Sara Supervisora", "SUPERVISOR", NULL, NULL },
        { "et_adm", "Ada Admin", "ADMIN", NULL, NULL },
        { "et_aud", "Aurora Auditora", "AUDITOR", NULL, NULL },
        { "et_p1", "Pepe Uno", "PROMOTOR", "et_sup", NULL },
    };
    struct db *p;

    dbt_usuarios(t, adm, usuarios, sizeof usuarios / sizeof usuarios[0]);
    dbt_clientes_imss(adm, 20);
    p = dbt_connect(t, "et_p1");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(4)");
    db_close(p);
}

/* "orden:nombre:tipo:horas:intentos:activa" of every stage, ','-joined. */
static const char *
etapas(struct dbt *t, struct db *db)
{
    return dbt_scalar_tmp(t, db,
                          "SELECT string_agg(format('%%s:%%s:%%s:%%s:%%s:%%s', orden, nombre, tipo,"
                          " coalesce(trim_scale(timer_horas)::text, '-'), intentos_minimos,"
                          " activa), ',' ORDER BY orden) FROM api.etapas()");
}

/* A refused change: rc and SQLSTATE (its message pointer is left NULL by the wrapper). */
static void
expect(int rc, const struct err *e, int want_rc, const char *code)
{
    assert_int_equal(rc, want_rc);
    assert_string_equal(e->code, code);
}

static void
test_agregar_y_mover(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db_etapa_fila *f = NULL;
    struct db *db;
    struct err e = { 0 };
    char *msg = NULL;
    size_t n = 0;

    seed(t, adm);
    assert_string_equal(etapas(t, adm), "1:Nuevo:INICIAL:24:0:t,2:Contactado:NORMAL:48:0:t,"
                                        "3:Interesado:NORMAL:72:0:t,4:En trámite:NORMAL:120:0:t,"
                                        "5:No localizado:SALIDA:-:2:t,6:No interesado:SALIDA:-:0:t,"
                                        "7:No califica:SALIDA:-:0:t,8:Venta:VENTA:-:0:t");
    db = dbt_connect(t, "et_adm");
    assert_int_equal(
        db_etapa_agregar(db, " Cita agendada ", "normal", "36", "contactado", 0, &msg, &e), RC_OK);
    assert_string_equal(msg, "etapa \"Cita agendada\" agregada (normal, temporizador de 36 h)"
                             " después de \"Contactado\"");
    free(msg);
    /* By default a working stage goes after the last working one, an exit last. */
    assert_int_equal(db_etapa_agregar(db, "Seguimiento", "NORMAL", NULL, NULL, 0, &msg, &e), RC_OK);
    free(msg);
    assert_int_equal(db_etapa_agregar(db, "Número equivocado", "SALIDA", NULL, NULL, 1, &msg, &e),
                     RC_OK);
    assert_string_equal(msg, "etapa \"Número equivocado\" agregada (salida, pide 1 intento"
                             " antes) después de \"No califica\"");
    free(msg);
    assert_int_equal(db_etapa_mover(db, "seguimiento", "Nuevo", &msg, &e), RC_OK);
    assert_string_equal(msg, "la etapa \"Seguimiento\" va ahora después de \"Nuevo\"");
    free(msg);
    assert_int_equal(db_etapa_mover(db, "Seguimiento", "Nuevo", &msg, &e), RC_OK);
    assert_string_equal(msg, "la etapa \"Seguimiento\" ya va después de \"Nuevo\"");
    free(msg);
    assert_int_equal(
        db_etapa_cambiar(db, "Seguimiento", "Seguimiento telefónico", NULL, false, -1, &msg, &e),
        RC_OK);
    free(msg);
    assert_string_equal(etapas(t, adm),
                        "1:Nuevo:INICIAL:24:0:t,2:Seguimiento telefónico:NORMAL:-:0:t,"
                        "3:Contactado:NORMAL:48:0:t,4:Cita agendada:NORMAL:36:0:t,"
                        "5:Interesado:NORMAL:72:0:t,6:En trámite:NORMAL:120:0:t,"
                        "7:No localizado:SALIDA:-:2:t,8:No interesado:SALIDA:-:0:t,"
                        "9:No califica:SALIDA:-:0:t,10:Número equivocado:SALIDA:-:1:t,"
                        "11:Venta:VENTA:-:0:t");
    assert_int_equal(db_etapas(db, &f, &n, &e), RC_OK);
    assert_int_equal(n, 11);
    assert_string_equal(f[0].nombre, "Nuevo");
    assert_int_equal(f[0].oportunidades, 4);
    assert_string_equal(f[3].horas, "36");
    assert_string_equal(f[1].horas, "");
    free(f);

    /* Refusals, none of which writes. */
    expect(db_etapa_agregar(db, "Otra", "INICIAL", NULL, NULL, 0, &msg, &e), &e, RC_REFUSED,
           "EB031");
    expect(db_etapa_agregar(db, "CONTACTADO", "NORMAL", NULL, NULL, 0, &msg, &e), &e, RC_REFUSED,
           "EB032");
    expect(db_etapa_agregar(db, "x", "NORMAL", NULL, NULL, 0, &msg, &e), &e, RC_REFUSED, "EB032");
    expect(db_etapa_agregar(db, "Otra", "SALIDA", "8", NULL, 0, &msg, &e), &e, RC_REFUSED, "EB033");
    expect(db_etapa_agregar(db, "Otra", "NORMAL", NULL, NULL, 2, &msg, &e), &e, RC_REFUSED,
           "EB033");
    expect(db_etapa_agregar(db, "Otra", "NORMAL", "0", NULL, 0, &msg, &e), &e, RC_REFUSED, "EB033");
    expect(db_etapa_agregar(db, "Otra", "NORMAL", NULL, "Nada", 0, &msg, &e), &e, RC_REFUSED,
           "EB303");
    expect(db_etapa_mover(db, "Nuevo", "Contactado", &msg, &e), &e, RC_REFUSED, "EB034");
    expect(db_etapa_mover(db, "Contactado", "Contactado", &msg, &e), &e, RC_REFUSED, "EB034");
    expect(db_etapa_cambiar(db, "Venta", NULL, "8", false, -1, &msg, &e), &e, RC_REFUSED, "EB033");
    expect(db_etapa_cambiar(db, "Contactado", NULL, NULL, false, 2, &msg, &e), &e, RC_REFUSED,
           "EB033");
    expect(db_etapa_cambiar(db, "Contactado", NULL, NULL, false, -1, &msg, &e), &e, RC_REFUSED,
           "EB033");
    expect(db_etapa_cambiar(db, "Contactado", "nuevo", NULL, false, -1, &msg, &e), &e, RC_REFUSED,
           "EB032");
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM crm.etapas"), 11);
    dbt_expect_refusal(adm, "EB900", "DELETE FROM crm.etapas_cambios"); /* append-only */
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(format('%%s:%%s:%%s>%%s:%%s', etapa,"
                                       " campo, coalesce(anterior, '-'), nuevo, hecho_por), ' | '"
                                       " ORDER BY id) FROM api.etapas_cambios()"),
                        "Cita agendada:alta:->NORMAL, temporizador de 36 h, después de"
                        " \"Contactado\":et_adm | Seguimiento telefónico:alta:->NORMAL, sin"
                        " temporizador, después de \"En trámite\":et_adm | Número equivocado:"
                        "alta:->SALIDA, sin temporizador, después de \"No califica\":et_adm |"
                        " Seguimiento telefónico:orden:después de \"En trámite\">después de"
                        " \"Nuevo\":et_adm | Seguimiento telefónico:nombre:Seguimiento>"
                        "Seguimiento telefónico:et_adm");
    /* A change of attempts says both counts, each with its noun (sql/104) */
    assert_int_equal(db_etapa_cambiar(db, "Número equivocado", NULL, NULL, false, 3, &msg, &e),
                     RC_OK);
    assert_non_null(strstr(msg, "pide 3 intentos antes (antes 1)"));
    free(msg);
    assert_int_equal(db_etapa_cambiar(db, "Número equivocado", NULL, NULL, false, 1, &msg, &e),
                     RC_OK);
    assert_non_null(strstr(msg, "pide 1 intento antes (antes 3)"));
    free(msg);
    db_close(db);
    db_close(adm);
}

static void
test_timer(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *db, *p;
    struct err e = { 0 };
    char *msg = NULL;

    seed(t, adm);
    dbt_exec(adm, "CREATE TABLE antes AS SELECT id, timer_vence FROM crm.oportunidades");
    db = dbt_connect(t, "et_adm");
    /* A new length: the four in Nuevo keep their expiry; the next one gets 8 h. */
    assert_int_equal(db_etapa_cambiar(db, "Nuevo", NULL, "8", false, -1, &msg, &e), RC_OK);
    assert_string_equal(msg, "etapa \"Nuevo\": temporizador: 24 h → 8 h (cuenta para las que"
                             " entren; 4 oportunidades que ya están conservan su vencimiento)");
    free(msg);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.oportunidades o JOIN antes a"
                                   " USING (id) WHERE o.timer_vence = a.timer_vence"),
                     4);
    p = dbt_connect(t, "et_p1");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(1)");
    assert_string_equal(
        dbt_scalar_tmp(t, adm,
                       "SELECT timer_vence = api.sumar_horas_habiles(etapa_desde, 8)"
                       " FROM crm.oportunidades WHERE id = 5"),
        "t");

    /* A stage without a timer; 1 and 2 wait there; then it gets one, and later loses it. */
    assert_int_equal(db_etapa_agregar(db, "Llamada", "NORMAL", NULL, "Nuevo", 0, &msg, &e), RC_OK);
    free(msg);
    dbt_exec(p, "SELECT * FROM api.mover(1, 'Llamada'); SELECT * FROM api.mover(2, 'llamada')");
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.oportunidades"
                                   " WHERE id IN (1, 2) AND timer_vence IS NULL"),
                     2);
    assert_int_equal(db_etapa_cambiar(db, "Llamada", NULL, "10", false, -1, &msg, &e), RC_OK);
    assert_string_equal(msg, "etapa \"Llamada\": temporizador: ninguno → 10 h (empezó para 2"
                             " oportunidades)");
    free(msg);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.oportunidades WHERE id IN (1, 2)"
                                   " AND api.horas_habiles_entre(now(), timer_vence)"
                                   " BETWEEN 9.9 AND 10 AND timer_aviso < timer_vence"),
                     2);
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM api.verificar_invariantes()"), 0);
    /* Gone again: their timers stop. */
    assert_int_equal(db_etapa_cambiar(db, "Llamada", NULL, NULL, true, -1, &msg, &e), RC_OK);
    assert_string_equal(msg, "etapa \"Llamada\": temporizador: 10 h → ninguno (se detuvo el de 2"
                             " oportunidades)");
    free(msg);
    /* With its owner on holiday, a timer given to the stage starts paused (094). */
    dbt_exec(adm, "SELECT api.cambiar_estado_usuario('et_p1', 'VACACIONES')");
    assert_int_equal(db_etapa_cambiar(db, "Llamada", NULL, "6", false, -1, &msg, &e), RC_OK);
    free(msg);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.oportunidades"
                                   " WHERE id IN (1, 2) AND timer_vence IS NULL"
                                   " AND timer_pausa = 6 AND timer_pausa_aviso = 4.5"),
                     2);
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(h.motivo, ' | ' ORDER BY h.id)"
                                       " FROM crm.historial h WHERE h.oportunidad_id = 1"
                                       " AND h.evento = 'TIMER_RECALCULADO'"),
                        "la etapa \"Llamada\" ahora tiene temporizador de 10 h | la etapa"
                        " \"Llamada\" ya no tiene temporizador | la etapa \"Llamada\" ahora"
                        " tiene temporizador de 6 h");
    dbt_exec(adm, "SELECT api.cambiar_estado_usuario('et_p1', 'ACTIVO')");
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.oportunidades"
                                   " WHERE id IN (1, 2) AND timer_vence > now()"),
                     2);
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM api.verificar_invariantes()"), 0);
    db_close(p);
    db_close(db);
    db_close(adm);
}

static void
test_desactivar(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    const char *const quien[] = { "et_p1", "et_sup" };
    struct db_etapa_cambio *c = NULL;
    struct db *db, *p;
    struct err e = { 0 };
    char *msg = NULL;
    size_t n = 0;

    seed(t, adm);
    /* A promoter and a supervisor read; they may not change (EB101); an auditor cannot call. */
    for (size_t i = 0; i < sizeof quien / sizeof quien[0]; i++) {
        db = dbt_connect(t, quien[i]);
        assert_int_equal(dbt_scalar_ll(t, db, "SELECT count(*) FROM api.etapas()"), 8);
        expect(db_etapa_activa(db, "Interesado", false, &msg, &e), &e, RC_REFUSED, "EB101");
        expect(db_etapa_agregar(db, "Otra", "NORMAL", NULL, NULL, 0, &msg, &e), &e, RC_REFUSED,
               "EB101");
        db_close(db);
    }
    db = dbt_connect(t, "et_aud");
    assert_int_equal(db_etapas_cambios(db, 10, &c, &n, &e), RC_OK);
    db_etapas_cambios_free(c, n);
    expect(db_etapa_cambiar(db, "Interesado", "Otra", NULL, false, -1, &msg, &e), &e, RC_DB,
           "42501");
    db_close(db);

    db = dbt_connect(t, "et_adm");
    expect(db_etapa_activa(db, "Nuevo", false, &msg, &e), &e, RC_REFUSED, "EB034");
    expect(db_etapa_activa(db, "Venta", false, &msg, &e), &e, RC_REFUSED, "EB034");
    expect(db_etapa_activa(db, "nuevo", true, &msg, &e), &e, RC_REFUSED, "EB034");
    assert_int_equal(db_etapa_activa(db, "Interesado", false, &msg, &e), RC_OK);
    assert_string_equal(msg, "la etapa \"Interesado\" sale del embudo");
    free(msg);
    /* Out of the funnel: nobody moves into it. */
    p = dbt_connect(t, "et_p1");
    dbt_expect_refusal(p, "EB303", "SELECT * FROM api.mover(1, 'Interesado')");
    db_close(p);
    assert_int_equal(db_etapa_activa(db, "Interesado", true, &msg, &e), RC_OK);
    assert_string_equal(msg, "la etapa \"Interesado\" vuelve al embudo");
    free(msg);
    /* With opportunities in it, it stays (EB035). */
    dbt_exec(adm, "SET SESSION AUTHORIZATION et_p1;"
                  " SELECT * FROM api.mover(1, 'Interesado'); RESET SESSION AUTHORIZATION");
    expect(db_etapa_activa(db, "Interesado", false, &msg, &e), &e, RC_REFUSED, "EB035");
    assert_non_null(strstr(e.msg, "hay 1 oportunidad activa en \"Interesado\""));
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(campo || ':' || anterior || '>' || nuevo,"
                                       " ' | ' ORDER BY id) FROM api.etapas_cambios()"),
                        "activa:activa>desactivada | activa:desactivada>activa");
    db_close(db);
    db_close(adm);
}

/* The admin's deactivation on its own thread. */
struct desactivar_hilo {
    struct dbt *t;
    int rc;
    struct err e;
};

static void *
desactivar(void *arg)
{
    struct desactivar_hilo *h = arg;
    struct db *db = dbt_connect(h->t, "et_adm");
    char *msg = NULL;

    h->rc = db_etapa_activa(db, "Interesado", false, &msg, &h->e);
    free(msg);
    db_close(db);
    return NULL;
}

static void
test_desactivar_espera(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct desactivar_hilo h = { .t = t };
    struct db *p;
    pthread_t th;
    double t0;

    seed(t, adm);
    /* The promoter moves 1 into Interesado and has not committed yet… */
    p = dbt_connect(t, "et_p1");
    dbt_exec(p, "BEGIN; SELECT * FROM api.mover(1, 'Interesado')");
    assert_int_equal(pthread_create(&th, NULL, desactivar, &h), 0);
    /* … the deactivation waits for it … */
    t0 = dbt_now();
    while (dbt_scalar_ll(t, adm,
                         "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
                         " WHERE a.usename = 'et_adm' AND NOT l.granted") == 0) {
        assert_true(dbt_now() - t0 < 20);
        nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
    }
    dbt_exec(p, "COMMIT");
    /* … and then sees it there. */
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(h.rc, RC_REFUSED);
    assert_string_equal(h.e.code, "EB035");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT activa FROM crm.etapas"
                                       " WHERE nombre = 'Interesado'"),
                        "t");
    db_close(p);
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_agregar_y_mover, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_timer, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_desactivar, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_desactivar_espera, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
