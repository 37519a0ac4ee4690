/*
 * test_calendario — the business calendar through the api (sql/093_calendario.sql), through
 * db_calendario: a rest day added inside a running timer pushes its expiry (and its warning)
 * by the hours the day took away, one that ends before the day or waits for an approved
 * prórroga after it does not move, each moved one has a TIMER_RECALCULADO row, and removing
 * the day brings every timer back to the instant it had, in a zone with daylight saving time
 * too; the same name again changes nothing and another renames; a weekly window opened or
 * closed re-lays timers from now, and every client listening hears of it (sql/096) unless it
 * was refused; the log;
 * a date's own hours (sql/097) seen alike by every reader of the calendar;
 * who may change it and every refusal; and the two ways a change meets a transaction that
 * uses the calendar: it waits for one that read it, and a deadlock with one that locked an
 * opportunity first is EB025 with nothing changed.
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
#include "db/db_calendario.h"
#include "dbt.h"
#include "util/err.h"

/* ca_sup: ca_p1; ca_adm; ca_aud. ca_p1 holds 6 (ids 1…6). */
static void
seed(struct dbt *t, struct db *adm)
{
    static const struct dbt_usuario usuarios[] = {
        { "ca_sup", "Sara Supervisora", "SUPERVISOR", NULL, NULL },
        { "ca_adm", "Ada Administradora", "ADMIN", NULL, NULL },
        { "ca_aud", "Aurora Auditora", "AUDITOR", NULL, NULL },
        { "ca_p1", "Pepe Uno", "PROMOTOR", "ca_sup", NULL },
    };
    struct db *p;

    dbt_usuarios(t, adm, usuarios, sizeof usuarios / sizeof usuarios[0]);
    dbt_clientes_imss(adm, 20);
    p = dbt_connect(t, "ca_p1");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(6)");
    db_close(p);
}

/* The first open day at least two days from today (business zone), AAAA-MM-DD into d. */
static void
dia_habil(struct dbt *t, struct db *adm, char d[11])
{
    snprintf(d, 11, "%s",
             dbt_scalar_tmp(t, adm,
                            "SELECT min(fecha)::text FROM api.calendario("
                            "crm.fecha_negocio(now()) + 2, crm.fecha_negocio(now()) + 30)"
                            " WHERE abre IS NOT NULL"));
    assert_int_equal(strlen(d), 10);
}

static int
agregar(struct db *db, const char *fecha, const char *nombre, int *n, struct err *e)
{
    char *msg = NULL, dmy[16];
    int rc;

    memset(e, 0, sizeof *e);
    rc = db_dia_inhabil_agregar(db, fecha, nombre, n, &msg, e);
    if (rc == RC_OK) { /* the message names the day as people write it */
        snprintf(dmy, sizeof dmy, "%.2s/%.2s/%.4s", fecha + 8, fecha + 5, fecha);
        assert_non_null(strstr(msg, dmy));
    }
    free(msg);
    return rc;
}

static void
test_inhabil_recorre(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *db;
    struct err e;
    char d[11], *msg = NULL;
    long long pid;
    int n = -1;

    seed(t, adm);
    dia_habil(t, adm, d);
    /* 1 ends 5 business hours into d (warning before d); 2 ends before d; 3 runs 8 hours
     * into d with its warning 2 hours into it, already given; 4 waits for a prórroga that
     * resumes three days after d; 5 and 6 end 23.5 and 17.25 hours into d, 5's warning in
     * the night before d opens (nothing of d run yet: it stays), 6's half an hour into d. */
    dbt_exec(adm,
             "CREATE TEMP TABLE k AS SELECT '%s'::date AS d,"
             " '%s'::date::timestamp AT TIME ZONE crm.zona() AS ini;"
             "UPDATE crm.oportunidades SET timer_vence = api.sumar_horas_habiles(k.ini, 5),"
             " timer_aviso = now() + interval '1 minute' FROM k WHERE id = 1;"
             "UPDATE crm.oportunidades SET timer_vence = k.ini - interval '1 hour',"
             " timer_aviso = k.ini - interval '2 hours' FROM k WHERE id = 2;"
             "UPDATE crm.oportunidades SET timer_vence = api.sumar_horas_habiles(k.ini, 23.5),"
             " timer_aviso = k.ini + interval '1 hour' FROM k WHERE id = 5;"
             "UPDATE crm.oportunidades SET timer_vence = api.sumar_horas_habiles(k.ini, 17.25),"
             " timer_aviso = api.sumar_horas_habiles(k.ini, 0.5) FROM k WHERE id = 6;"
             "UPDATE crm.oportunidades SET timer_vence = api.sumar_horas_habiles(k.ini, 8),"
             " timer_aviso = api.sumar_horas_habiles(k.ini, 2), timer_avisado = true"
             " FROM k WHERE id = 3",
             d, d);
    db = dbt_connect(t, "ca_p1");
    pid = atoll(dbt_scalar_tmp(t, db,
                               "SELECT api.prorroga_pedir(4, '%s'::date + 3,"
                               " 'me pidió llamarle después')",
                               d));
    db_close(db);
    db = dbt_connect(t, "ca_sup");
    dbt_exec(db, "SELECT api.prorroga_resolver(%lld, true, NULL)", pid);
    db_close(db);
    /* What each has left from the start of d, by the day-by-day walk (the old calendar). */
    dbt_exec(adm, "CREATE TABLE antes AS SELECT id, timer_vence, timer_aviso, timer_avisado,"
                  " api.horas_habiles_entre(k.ini, timer_vence) AS resto,"
                  " api.horas_habiles_entre(k.ini, timer_aviso) AS resto_aviso"
                  " FROM crm.oportunidades, k");

    db = dbt_connect(t, "ca_adm");
    assert_int_equal(agregar(db, d, "  Cierre por inventario ", &n, &e), RC_OK);
    assert_int_equal(n, 4);
    /* 1 and 3 lie where the same hours from the start of d now end (d closed); 3's warning
     * too, and re-armed because it is ahead again; 1's warning was before d. */
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(format('%%s:%%s:%%s:%%s', o.id,"
                                       " o.timer_vence > a.timer_vence, o.timer_vence ="
                                       " api.sumar_horas_habiles(k.ini, CASE o.id WHEN 1 THEN 5"
                                       " ELSE 8 END), CASE o.id WHEN 1 THEN"
                                       " (o.timer_aviso = a.timer_aviso)::text ELSE"
                                       " (o.timer_aviso = api.sumar_horas_habiles(k.ini, 2) AND"
                                       " NOT o.timer_avisado)::text END), ',' ORDER BY o.id)"
                                       " FROM crm.oportunidades o JOIN antes a USING (id), k"
                                       " WHERE o.id IN (1, 3)"),
                        "1:t:t:true,3:t:t:true");
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.oportunidades o JOIN antes a"
                                   " USING (id) WHERE o.id IN (2, 4) AND (o.timer_vence,"
                                   " o.timer_aviso) IS DISTINCT FROM (a.timer_vence,"
                                   " a.timer_aviso)"),
                     0);
    /* The windows' arithmetic agrees with the day-by-day walk (the new calendar): every moved
     * timer has the same business hours left from the start of d, and so do the warnings
     * ahead of it; 5's warning did not move. */
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.oportunidades o JOIN antes a"
                                   " USING (id), k WHERE o.id IN (1, 3, 5, 6) AND"
                                   " o.timer_vence > a.timer_vence AND"
                                   " abs(api.horas_habiles_entre(k.ini, o.timer_vence) -"
                                   " a.resto) < 0.00001 AND (a.resto_aviso <= 0 AND"
                                   " o.timer_aviso = a.timer_aviso OR"
                                   " abs(api.horas_habiles_entre(k.ini, o.timer_aviso) -"
                                   " a.resto_aviso) < 0.00001)"),
                     4);
    /* One history row each, by the admin, with the reason, both expiries and the change. */
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(format('%%s:%%s:%%s:%%s:%%s',"
                                       " h.oportunidad_id, u.login, h.motivo ="
                                       " format('el %%s se declaró inhábil: Cierre por"
                                       " inventario', to_char(k.d, 'DD/MM/YYYY')),"
                                       " (h.datos->>'vence_anterior')::timestamptz ="
                                       " a.timer_vence AND (h.datos->>'vence')::timestamptz ="
                                       " o.timer_vence, (h.datos->>'calendario_cambio_id')::bigint"
                                       " = c.id), ',' ORDER BY h.oportunidad_id)"
                                       " FROM crm.historial h JOIN crm.usuarios u ON u.id ="
                                       " h.usuario_id JOIN antes a ON a.id = h.oportunidad_id"
                                       " JOIN crm.oportunidades o ON o.id = h.oportunidad_id,"
                                       " k, crm.calendario_cambios c"
                                       " WHERE h.evento = 'TIMER_RECALCULADO'"),
                        "1:ca_adm:t:t:t,3:ca_adm:t:t:t,5:ca_adm:t:t:t,6:ca_adm:t:t:t");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(format('%%s:%%s:%%s:%%s:%%s', cambio,"
                                       " fecha = k.d, despues, recalculadas, hecho_por), ',')"
                                       " FROM api.calendario_cambios(), k"),
                        "INHABIL_AGREGADO:t:Cierre por inventario:4:ca_adm");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT format('%%s:%%s:%%s', abre IS NULL, cierra IS NULL,"
                                       " inhabil) FROM api.calendario('%s', '%s')",
                                       d, d),
                        "t:t:Cierre por inventario");
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM api.verificar_invariantes()"), 0);

    /* The same name again: nothing; another name: renamed, no timer moves. */
    assert_int_equal(db_dia_inhabil_agregar(db, d, "Cierre por inventario", &n, &msg, &e), RC_OK);
    assert_int_equal(n, 0);
    assert_non_null(strstr(msg, "ya era inhábil"));
    free(msg);
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM crm.calendario_cambios"), 1);
    assert_int_equal(db_dia_inhabil_agregar(db, d, "Inventario anual", &n, &msg, &e), RC_OK);
    assert_int_equal(n, 0);
    assert_non_null(strstr(msg, "«Inventario anual» (antes «Cierre por inventario»)"));
    free(msg);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.historial"
                                   " WHERE evento = 'TIMER_RECALCULADO'"),
                     4);

    /* The record is append-only, even for the database's owner. */
    dbt_expect_refusal(adm, "EB900", "UPDATE crm.calendario_cambios SET despues = 'x'");
    dbt_expect_refusal(adm, "EB900", "DELETE FROM crm.calendario_cambios");

    /* Removed: every timer is back where it was. */
    assert_int_equal(db_dia_inhabil_quitar(db, d, &n, &msg, &e), RC_OK);
    assert_int_equal(n, 4);
    assert_non_null(strstr(msg, "ya no es inhábil (era Inventario anual); 4 temporizadores se"
                                " recorrieron"));
    free(msg);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.oportunidades o JOIN antes a"
                                   " USING (id) WHERE (o.timer_vence, o.timer_aviso) IS"
                                   " DISTINCT FROM (a.timer_vence, a.timer_aviso)"),
                     0);
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(cambio || ':' || recalculadas, ','"
                                       " ORDER BY id) FROM api.calendario_cambios()"),
                        "INHABIL_AGREGADO:4,INHABIL_RENOMBRADO:0,INHABIL_QUITADO:4");
    db_close(db);
    db_close(adm);
}

/*
 * A zone with daylight saving time (the issue's «also right in zones with DST»): New York,
 * Sundays open 01:00–05:00, and a timer that runs through Sunday 14 March 2027, the night the
 * clocks jump from 02:00 to 03:00 (that window lasts 3 real hours). Closing Saturday 13 moves
 * the timer by Saturday's 5 hours, across the jump, to exactly where the day-by-day walk puts
 * it; opening it again brings it back.
 */
static void
test_horario_de_verano(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *db;
    struct err e = { 0 };
    int n = -1;

    seed(t, adm);
    dbt_exec(adm, "UPDATE crm.ajustes SET zona = 'America/New_York';"
                  "INSERT INTO crm.horario_operativo VALUES (7, '01:00', '05:00');"
                  "UPDATE crm.oportunidades SET timer_vence = api.sumar_horas_habiles("
                  " '2027-03-13 00:00-05', 12), timer_aviso = now() + interval '1 minute'"
                  " WHERE id = 1;"
                  "UPDATE crm.oportunidades SET timer_vence = now() + interval '1 hour',"
                  " timer_aviso = now() + interval '1 minute' WHERE id > 1");
    /* Sat 09–14 (5 h), Sun 01–05 with the jump (3 h), Mon 15 is a rest day (the LFT's third
     * Monday of March), Tue from 09:00 EDT (4 h). */
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT timer_vence = '2027-03-16 13:00-04'"
                                       " FROM crm.oportunidades WHERE id = 1"),
                        "t");
    db = dbt_connect(t, "ca_adm");
    assert_int_equal(agregar(db, "2027-03-13", "Cierre por mudanza", &n, &e), RC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT format('%%s %%s', timer_vence = '2027-03-16"
                                       " 18:00-04', timer_vence = api.sumar_horas_habiles("
                                       "'2027-03-13 00:00-05', 12)) FROM crm.oportunidades"
                                       " WHERE id = 1"),
                        "t t");
    assert_int_equal(dbt_try(db, &e, "SELECT * FROM api.dia_inhabil_quitar('2027-03-13')"), RC_OK);
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT timer_vence = '2027-03-16 13:00-04'"
                                       " FROM crm.oportunidades WHERE id = 1"),
                        "t");
    db_close(db);
    db_close(adm);
}

static void
test_horario(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db_horario_dia h[7];
    struct db *db, *lis;
    struct err e = { 0 };
    char *msg = NULL;
    int n = -1;

    seed(t, adm);
    /* 60 business hours span a Sunday whatever today is. */
    dbt_exec(adm, "UPDATE crm.oportunidades SET timer_vence = api.sumar_horas_habiles(now(), 60),"
                  " timer_aviso = api.sumar_horas_habiles(now(), 45) WHERE id = 1;"
                  "CREATE TABLE antes AS SELECT id, timer_vence FROM crm.oportunidades");
    db = dbt_connect(t, "ca_adm");
    lis = dbt_connect(t, "ca_sup");
    dbt_exec(lis, "LISTEN embudo");
    assert_int_equal(db_horario_cambiar(db, 7, "10:00", "14:00", &n, &msg, &e), RC_OK);
    /* sql/096: every open client hears that the calendar changed. */
    assert_non_null(strstr(dbt_avisos(lis), "{\"tabla\" : \"calendario\"}"));
    assert_string_equal(msg, dbt_scalar_tmp(t, adm,
                                            "SELECT 'el horario del domingo es 10:00–14:00 (antes"
                                            " cerrado); ' || CASE WHEN %d = 1 THEN '1 temporizador"
                                            " se recorrió' ELSE '%d temporizadores se recorrieron'"
                                            " END",
                                            n, n));
    free(msg);
    /* 1 ends earlier and still has (almost exactly) 60 business hours left. */
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT o.timer_vence < a.timer_vence AND"
                                       " api.horas_habiles_entre(now(), o.timer_vence)"
                                       " BETWEEN 59.9 AND 60"
                                       " FROM crm.oportunidades o JOIN antes a USING (id)"
                                       " WHERE o.id = 1"),
                        "t");
    assert_int_equal(n, dbt_scalar_ll(t, adm,
                                      "SELECT count(*) FROM crm.historial"
                                      " WHERE evento = 'TIMER_RECALCULADO'"));
    assert_int_equal(db_horario(db, h, &e), RC_OK);
    assert_int_equal(h[6].dia, 7);
    assert_string_equal(h[6].nombre, "domingo");
    assert_string_equal(h[6].abre, "10:00");
    assert_string_equal(h[6].cierra, "14:00");
    assert_string_equal(h[5].cierra, "14:00");
    /* The same window again: nothing. Closed again: «queda cerrado», and 1 is back. */
    assert_int_equal(db_horario_cambiar(db, 7, "10:00", "14:00", &n, &msg, &e), RC_OK);
    assert_int_equal(n, 0);
    assert_string_equal(msg, "el horario del domingo ya era 10:00–14:00");
    free(msg);
    assert_int_equal(db_horario_cambiar(db, 7, NULL, NULL, &n, &msg, &e), RC_OK);
    assert_non_null(strstr(msg, "el domingo queda cerrado (antes 10:00–14:00); "));
    free(msg);
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT api.horas_habiles_entre(now(), o.timer_vence)"
                                       " BETWEEN 59.9 AND 60 FROM crm.oportunidades o"
                                       " WHERE o.id = 1"),
                        "t");
    assert_int_equal(db_horario(db, h, &e), RC_OK);
    assert_string_equal(h[6].abre, "");
    /* Monday to Friday closed one by one; then Saturday, the last open day, cannot be. */
    for (int d = 1; d <= 5; d++) {
        assert_int_equal(db_horario_cambiar(db, d, NULL, NULL, &n, &msg, &e), RC_OK);
        free(msg);
    }
    (void)dbt_avisos(lis);
    assert_int_equal(db_horario_cambiar(db, 6, NULL, NULL, &n, &msg, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB024");
    assert_null(msg);
    assert_null(strstr(dbt_avisos(lis), "calendario")); /* refused: rolled back, told nobody */
    db_close(lis);
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM crm.horario_operativo"), 1);
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM api.verificar_invariantes()"), 0);
    db_close(db);
    db_close(adm);
}

static void
expect_code(int rc, const struct err *e, int want_rc, const char *code)
{
    assert_int_equal(rc, want_rc);
    assert_string_equal(e->code, code);
}

/* One change of a date's own hours (sql/097) that must succeed; its message. */
static char *
especial(struct db *db, const char *d, const char *abre, const char *cierra, const char *nombre,
         int *n)
{
    struct err e = { 0 };
    char *msg = NULL;

    if (db_dia_especial_agregar(db, d, abre, cierra, nombre, n, &msg, &e) != RC_OK)
        fail_msg("%s %s: %s %s", d, nombre, e.code, e.msg);
    return msg;
}

/*
 * A date's own hours (sql/097): a weekday cut to 09:00–12:00 moves the timer that runs across
 * it so it keeps its 12 business hours; every reader of the calendar — the sums, the windows,
 * the report's days, the sender's window and days, api.calendario — sees the same three
 * hours; the same again changes nothing, another window replaces it; a rest day declared on
 * it wins and taken back gives the window back; a closed Sunday opened for four hours counts
 * them; removed, the timer is back where it was; the refusals and the log.
 */
static void
test_horario_especial(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *db;
    struct err e = { 0 };
    char d[11], dom[11], ayer[11], *msg = NULL;
    int n = -1;

    seed(t, adm);
    /* A weekday open 09:00–19:00, two days or more ahead, and the first Sunday after it. */
    snprintf(d, sizeof d, "%s",
             dbt_scalar_tmp(t, adm,
                            "SELECT min(fecha)::text FROM api.calendario("
                            "crm.fecha_negocio(now()) + 2, crm.fecha_negocio(now()) + 40)"
                            " WHERE abre = '09:00' AND cierra = '19:00'"));
    snprintf(dom, sizeof dom, "%s",
             dbt_scalar_tmp(t, adm,
                            "SELECT min(fecha)::text FROM api.calendario('%s', '%s'::date + 7)"
                            " WHERE extract(isodow FROM fecha) = 7 AND abre IS NULL"
                            " AND inhabil IS NULL",
                            d, d));
    snprintf(ayer, sizeof ayer, "%s",
             dbt_scalar_tmp(t, adm, "SELECT (crm.fecha_negocio(now()) - 1)::text"));
    assert_int_equal(strlen(d), 10);
    assert_int_equal(strlen(dom), 10);
    /* 1 runs 12 business hours from the start of d; the others end before d. */
    dbt_exec(adm,
             "CREATE TEMP TABLE k AS SELECT '%s'::date AS d,"
             " '%s'::date::timestamp AT TIME ZONE crm.zona() AS ini;"
             "UPDATE crm.oportunidades SET timer_vence = api.sumar_horas_habiles(k.ini, 12),"
             " timer_aviso = now() + interval '1 minute' FROM k WHERE id = 1;"
             "UPDATE crm.oportunidades SET timer_vence = k.ini - interval '1 hour',"
             " timer_aviso = k.ini - interval '2 hours' FROM k WHERE id <> 1;"
             "CREATE TABLE antes AS SELECT id, timer_vence FROM crm.oportunidades",
             d, d);

    db = dbt_connect(t, "ca_p1"); /* a promoter may not */
    expect_code(db_dia_especial_agregar(db, d, "09:00", "12:00", "Posada", &n, &msg, &e), &e,
                RC_REFUSED, "EB101");
    db_close(db);

    db = dbt_connect(t, "ca_adm");
    msg = especial(db, d, "09:00", "12:00", "  Posada de la empresa ", &n);
    assert_int_equal(n, 1);
    assert_non_null(strstr(msg, " se trabaja de 09:00 a 12:00: Posada de la empresa; 1"
                                " temporizador se recorrió"));
    free(msg);
    /* The timer keeps its 12 hours from the start of d, now ending later. */
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT o.timer_vence > a.timer_vence AND"
                                       " abs(api.horas_habiles_entre(k.ini, o.timer_vence) - 12)"
                                       " < 0.00001 FROM crm.oportunidades o JOIN antes a"
                                       " USING (id), k WHERE o.id = 1"),
                        "t");
    /* Every reader sees 09:00–12:00. */
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT format('%%s|%%s|%%s|%%s', abre, cierra, inhabil,"
                                       " especial) FROM api.calendario('%s', '%s')",
                                       d, d),
                        "09:00:00|12:00:00||Posada de la empresa");
    assert_string_equal(
        dbt_scalar_tmp(t, adm,
                       "SELECT format('%%s|%%s|%%s|%%s|%%s|%%s|%%s',"
                       " api.horas_habiles_entre(k.ini, k.ini + interval '1 day'),"
                       " (SELECT string_agg(format('%%s-%%s', (abre AT TIME ZONE"
                       " crm.zona())::time, (cierra AT TIME ZONE crm.zona())::time),"
                       " ',') FROM crm.ventanas_habiles(k.ini, k.ini + interval"
                       " '1 day', crm.zona())),"
                       " (SELECT (c.cierra AT TIME ZONE crm.zona())::time FROM"
                       " crm.calendario_habil(k.d, k.d, crm.zona()) c),"
                       " crm.wa_en_ventana(k.ini + interval '11 hours'),"
                       " crm.wa_en_ventana(k.ini + interval '13 hours'),"
                       " (SELECT (w.cierra AT TIME ZONE crm.zona())::time FROM"
                       " crm.wa_dias_operativos(k.ini, 1) w),"
                       " api.horas_habiles_entre(k.ini + interval '11 hours',"
                       " api.sumar_horas_habiles(k.ini + interval '11 hours', 1.5)))"
                       " FROM k"),
        "3.000000|09:00:00-12:00:00|12:00:00|t|f|12:00:00|1.500000");
    /* The same again: nothing. Another window: replaced, the timer still 12 hours away. */
    msg = especial(db, d, "09:00", "12:00", "Posada de la empresa", &n);
    assert_int_equal(n, 0);
    assert_non_null(strstr(msg, "ya tenía ese horario (Posada de la empresa, 09:00–12:00)"));
    free(msg);
    msg = especial(db, d, "09:00", "14:00", "Posada de la empresa", &n);
    assert_int_equal(n, 1);
    assert_non_null(strstr(msg, "(antes Posada de la empresa, 09:00–12:00)"));
    free(msg);
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT abs(api.horas_habiles_entre(k.ini, o.timer_vence)"
                                       " - 12) < 0.00001 FROM crm.oportunidades o, k"
                                       " WHERE o.id = 1"),
                        "t");

    /* A rest day on it wins (closed), a special day is refused there, and taking the rest day
     * back gives the window back. */
    assert_int_equal(agregar(db, d, "Cierre", &n, &e), RC_OK);
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT format('%%s|%%s|%%s', abre IS NULL, inhabil,"
                                       " especial) FROM api.calendario('%s', '%s')",
                                       d, d),
                        "t|Cierre|Posada de la empresa");
    expect_code(db_dia_especial_agregar(db, d, "09:00", "13:00", "Otra", &n, &msg, &e), &e,
                RC_REFUSED, "EB026");
    assert_int_equal(db_dia_inhabil_quitar(db, d, &n, &msg, &e), RC_OK);
    free(msg);
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT api.horas_habiles_entre(k.ini, k.ini + interval"
                                       " '1 day') FROM k"),
                        "5.000000");

    /* A closed Sunday opened for four hours counts them. */
    msg = especial(db, dom, "10:00", "14:00", "Domingo de ventas", &n);
    free(msg);
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT api.horas_habiles_entre('%s'::timestamp AT TIME"
                                       " ZONE crm.zona(), '%s'::timestamp AT TIME ZONE crm.zona()"
                                       " + interval '1 day')",
                                       dom, dom),
                        "4.000000");

    /* The refusals. */
    expect_code(db_dia_especial_agregar(db, d, "14:00", "09:00", "Al revés", &n, &msg, &e), &e,
                RC_REFUSED, "EB023");
    expect_code(db_dia_especial_agregar(db, d, NULL, "09:00", "Sin apertura", &n, &msg, &e), &e,
                RC_REFUSED, "EB023");
    expect_code(db_dia_especial_agregar(db, d, "09:00", "13:00", " x ", &n, &msg, &e), &e,
                RC_REFUSED, "EB021");
    expect_code(db_dia_especial_agregar(db, ayer, "09:00", "13:00", "Ayer", &n, &msg, &e), &e,
                RC_REFUSED, "EB020");
    expect_code(db_dia_especial_quitar(db, ayer, &n, &msg, &e), &e, RC_REFUSED, "EB020");

    /* Removed: the timer is back where it was; the Sunday closed again; the log. */
    assert_int_equal(db_dia_especial_quitar(db, d, &n, &msg, &e), RC_OK);
    assert_int_equal(n, 1);
    assert_non_null(strstr(msg, "vuelve a su horario de siempre (09:00–19:00; era Posada de la"
                                " empresa, 09:00–14:00); 1 temporizador se recorrió"));
    free(msg);
    assert_int_equal(db_dia_especial_quitar(db, dom, &n, &msg, &e), RC_OK);
    assert_non_null(strstr(msg, "(cerrado; era Domingo de ventas, 10:00–14:00)"));
    free(msg);
    expect_code(db_dia_especial_quitar(db, d, &n, &msg, &e), &e, RC_REFUSED, "EB027");
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.oportunidades o JOIN antes a"
                                   " USING (id) WHERE o.timer_vence IS DISTINCT FROM"
                                   " a.timer_vence"),
                     0);
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(format('%%s:%%s:%%s:%%s', cambio,"
                                       " coalesce(antes, '-'), coalesce(despues, '-'),"
                                       " recalculadas), ',' ORDER BY id)"
                                       " FROM api.calendario_cambios() WHERE cambio LIKE"
                                       " 'ESPECIAL%%' AND fecha = '%s'",
                                       d),
                        "ESPECIAL_AGREGADO:-:Posada de la empresa, 09:00–12:00:1,"
                        "ESPECIAL_CAMBIADO:Posada de la empresa, 09:00–12:00:Posada de la"
                        " empresa, 09:00–14:00:1,"
                        "ESPECIAL_QUITADO:Posada de la empresa, 09:00–14:00:09:00–19:00:1");
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM crm.dias_especiales"), 0);
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM api.verificar_invariantes()"), 0);
    db_close(db);
    db_close(adm);
}

static void
test_refusals(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db_calendario_dia *dias = NULL;
    struct db_calendario_cambio *cambios = NULL;
    const char *const quien[] = { "ca_p1", "ca_sup" };
    struct db *db;
    struct err e = { 0 };
    char d[11], ayer[11], lejos[11], *msg = NULL;
    size_t nd = 0;
    int n;

    seed(t, adm);
    dia_habil(t, adm, d);
    snprintf(ayer, sizeof ayer, "%s",
             dbt_scalar_tmp(t, adm, "SELECT (crm.fecha_negocio(now()) - 1)::text"));
    snprintf(lejos, sizeof lejos, "%s",
             dbt_scalar_tmp(t, adm, "SELECT (crm.fecha_negocio(now()) + 3651)::text"));
    /* A promoter and a supervisor read it, and may not change it (EB101). */
    for (size_t i = 0; i < sizeof quien / sizeof quien[0]; i++) {
        db = dbt_connect(t, quien[i]);
        assert_int_equal(db_calendario(db, NULL, NULL, &dias, &nd, &e), RC_OK);
        assert_int_equal(nd, 90);
        db_calendario_free(dias, nd);
        expect_code(db_dia_inhabil_agregar(db, d, "Puente", &n, &msg, &e), &e, RC_REFUSED, "EB101");
        expect_code(db_dia_inhabil_quitar(db, d, &n, &msg, &e), &e, RC_REFUSED, "EB101");
        expect_code(db_horario_cambiar(db, 7, "10:00", "12:00", &n, &msg, &e), &e, RC_REFUSED,
                    "EB101");
        db_close(db);
    }
    /* The auditor reads and cannot even call a writer. */
    db = dbt_connect(t, "ca_aud");
    assert_int_equal(db_calendario_cambios(db, 10, &cambios, &nd, &e), RC_OK);
    db_calendario_cambios_free(cambios, nd);
    expect_code(db_dia_inhabil_agregar(db, d, "Puente", &n, &msg, &e), &e, RC_DB, "42501");
    db_close(db);

    db = dbt_connect(t, "ca_adm");
    expect_code(agregar(db, ayer, "Puente", &n, &e), &e, RC_REFUSED, "EB020");
    expect_code(agregar(db, lejos, "Puente", &n, &e), &e, RC_REFUSED, "EB020");
    expect_code(agregar(db, NULL, "Puente", &n, &e), &e, RC_REFUSED, "EB020");
    expect_code(agregar(db, d, " x ", &n, &e), &e, RC_REFUSED, "EB021");
    expect_code(agregar(db, d, NULL, &n, &e), &e, RC_REFUSED, "EB021");
    expect_code(agregar(db, "2026-02-30", "Puente", &n, &e), &e, RC_DB, "22008");
    expect_code(db_dia_inhabil_quitar(db, d, &n, &msg, &e), &e, RC_REFUSED, "EB022");
    expect_code(db_dia_inhabil_quitar(db, ayer, &n, &msg, &e), &e, RC_REFUSED, "EB020");
    expect_code(db_horario_cambiar(db, 8, "10:00", "12:00", &n, &msg, &e), &e, RC_REFUSED, "EB023");
    expect_code(db_horario_cambiar(db, 0, NULL, NULL, &n, &msg, &e), &e, RC_REFUSED, "EB023");
    expect_code(db_horario_cambiar(db, 7, "10:00", NULL, &n, &msg, &e), &e, RC_REFUSED, "EB023");
    expect_code(db_horario_cambiar(db, 7, "14:00", "10:00", &n, &msg, &e), &e, RC_REFUSED, "EB023");
    expect_code(db_calendario(db, d, ayer, &dias, &nd, &e), &e, RC_REFUSED, "EB020");
    expect_code(db_calendario(db, ayer, lejos, &dias, &nd, &e), &e, RC_REFUSED, "EB020");
    expect_code(db_calendario_cambios(db, 0, &cambios, &nd, &e), &e, RC_REFUSED, "EB020");
    assert_null(msg);
    /* Nothing of that was written. */
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM crm.calendario_cambios"), 0);
    db_close(db);
    db_close(adm);
}

/* An admin's change run on its own thread, so the test can watch it wait. */
struct cambio_hilo {
    struct dbt *t;
    const char *fecha;
    int rc, n;
    struct err e;
};

static void *
cambiar(void *arg)
{
    struct cambio_hilo *c = arg;
    struct db *db = dbt_connect(c->t, "ca_adm");
    char *msg = NULL;

    c->rc = db_dia_inhabil_agregar(db, c->fecha, "Puente", &c->n, &msg, &c->e);
    free(msg);
    db_close(db);
    return NULL;
}

/* Polls (up to 20 s) until the admin's backend waits on a lock of kind tipo
 * ("relation", "transactionid"…). */
static void
esperar_espera(struct dbt *t, struct db *adm, const char *tipo)
{
    double t0 = dbt_now();

    while (dbt_scalar_ll(t, adm,
                         "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
                         " WHERE a.usename = 'ca_adm' AND NOT l.granted AND l.locktype = '%s'",
                         tipo) == 0) {
        assert_true(dbt_now() - t0 < 20);
        nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
    }
}

static void
test_espera_lectores(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct cambio_hilo c = { .t = t };
    struct db *p;
    pthread_t th;
    char d[11];

    seed(t, adm);
    dia_habil(t, adm, d);
    c.fecha = d;
    /* The promoter computes with the calendar in an open transaction. */
    p = dbt_connect(t, "ca_p1");
    dbt_exec(p, "BEGIN; SELECT api.sumar_horas_habiles(now(), 30)");
    assert_int_equal(pthread_create(&th, NULL, cambiar, &c), 0);
    esperar_espera(t, adm, "relation");
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM crm.calendario_cambios"), 0);
    dbt_exec(p, "COMMIT");
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(c.rc, RC_OK);
    /* The promoter's next computation sees the new rest day. */
    assert_string_equal(
        dbt_scalar_tmp(t, p, "SELECT inhabil FROM api.calendario('%s', '%s')", d, d), "Puente");
    db_close(p);
    db_close(adm);
}

static void
test_bloqueo_mutuo(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct cambio_hilo c = { .t = t };
    struct db *p;
    pthread_t th;
    char d[11];

    seed(t, adm);
    dia_habil(t, adm, d);
    c.fecha = d;
    /* The promoter holds opportunity 1 (a note locks it for the history's key) … */
    p = dbt_connect(t, "ca_p1");
    dbt_exec(p, "BEGIN; SELECT api.nota(1, 'le marco en la tarde')");
    assert_int_equal(pthread_create(&th, NULL, cambiar, &c), 0);
    /* … the change, holding the calendar, waits for it … */
    esperar_espera(t, adm, "transactionid");
    /* … and the promoter now needs the calendar: a cycle, which the change gives up. */
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT api.sumar_horas_habiles(now(), 1) > now()"),
                        "t");
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(c.rc, RC_REFUSED);
    assert_string_equal(c.e.code, "EB025");
    dbt_exec(p, "COMMIT");
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.historial"
                                   " WHERE evento = 'NOTA'"),
                     1);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.dias_inhabiles"
                                   " WHERE nombre = 'Puente'"),
                     0);
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM crm.calendario_cambios"), 0);
    db_close(p);
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_inhabil_recorre, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_horario_de_verano, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_horario, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_horario_especial, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_refusals, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_espera_lectores, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_bloqueo_mutuo, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
