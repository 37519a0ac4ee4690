/*
 * test_asignacion — api.solicitar_asignacion and api.disponibles (sql/005_asignacion.sql):
 * full and partial grants with their messages, typed filters, the shared predicate of the
 * counts, blocks, idempotent clave, refusals with their SQLSTATEs, what RLS lets a promoter
 * see and do, that it writes nothing into the registry, and the race: 32 promoters
 * requesting at once for seconds → no client twice, no short batch, quota exact,
 * api.verificar_invariantes() empty.
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
#include "dbt.h"
#include "util/err.h"

/* Users of this file: as_sup (supervisor of as_p1, as_p2), as_sup2 (of as_p3), as_adm. */
static void
seed_users(struct dbt *t, struct db *adm)
{
    dbt_role(t, "as_sup", "embudo_supervisor");
    dbt_role(t, "as_sup2", "embudo_supervisor");
    dbt_role(t, "as_adm", "embudo_admin");
    dbt_role(t, "as_p1", "embudo_promotor");
    dbt_role(t, "as_p2", "embudo_promotor");
    dbt_role(t, "as_p3", "embudo_promotor");
    dbt_exec(adm, "INSERT INTO crm.usuarios (login, nombre, rol) VALUES"
                  " ('as_sup', 'Sara Supervisora', 'SUPERVISOR'),"
                  " ('as_sup2', 'Saúl Supervisor', 'SUPERVISOR'), ('as_adm', 'Ada Admin', 'ADMIN');"
                  "INSERT INTO crm.usuarios (login, nombre, rol, supervisor_id)"
                  " SELECT v.l, v.n, 'PROMOTOR', (SELECT id FROM crm.usuarios WHERE login = v.s)"
                  " FROM (VALUES ('as_p1', 'Pepe Uno', 'as_sup'), ('as_p2', 'Paty Dos', 'as_sup'),"
                  "  ('as_p3', 'Pablo Tres', 'as_sup2')) v(l, n, s)");
}

/*
 * n clients: convenio IMSS (i % 4 = 0, 1), SEP (2), PEMEX (3); entidad 9 (CDMX) for i % 5 = 0
 * else 14 (JAL); edad 18 + i % 60.
 */
static void
seed_clients(struct db *adm, int n)
{
    dbt_exec(adm, "INSERT INTO padron.convenios (clave, nombre, tipo) VALUES"
                  " ('IMSS', 'IMSS', 'FEDERAL'), ('SEP', 'SEP', 'FEDERAL'),"
                  " ('PEMEX', 'Pemex', 'PRIVADO') ON CONFLICT DO NOTHING");
    dbt_exec(adm,
             "INSERT INTO padron.clientes (nombre, primer_apellido, convenio_id, entidad_id, edad)"
             " SELECT 'Cliente ' || i, 'Prueba',"
             "  (SELECT id FROM padron.convenios WHERE clave = CASE i %% 4 WHEN 2 THEN 'SEP'"
             "   WHEN 3 THEN 'PEMEX' ELSE 'IMSS' END),"
             "  CASE WHEN i %% 5 = 0 THEN 9 ELSE 14 END, 18 + i %% 60"
             " FROM generate_series(1, %d) i",
             n);
}

static long long
uid(struct dbt *t, struct db *adm, const char *login)
{
    return dbt_scalar_ll(t, adm, "SELECT id FROM crm.usuarios WHERE login = '%s'", login);
}

static void
test_full_grant(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;
    long long p1;

    seed_users(t, adm);
    seed_clients(adm, 400);
    p1 = uid(t, adm, "as_p1");
    p = dbt_connect(t, "as_p1");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT format('%%s/%%s/%%s/%%s/%%s', asignados,"
                                       " solicitados, cupo_restante, repetido, mensaje)"
                                       " FROM api.solicitar_asignacion(20)"),
                        "20/20/30/f/se asignaron 20 clientes");
    /* Every opportunity: ABIERTA, INICIAL stage, business-time timer, one ASIGNADA row. */
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.oportunidades o"
                                   " JOIN crm.etapas e ON e.id = o.etapa_id"
                                   " WHERE o.usuario_id = %lld AND o.estado = 'ABIERTA'"
                                   " AND e.tipo = 'INICIAL' AND o.timer_vence ="
                                   " api.sumar_horas_habiles(o.etapa_desde, e.timer_horas)"
                                   " AND o.timer_aviso < o.timer_vence",
                                   p1),
                     20);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(DISTINCT oportunidad_id)"
                                   " FROM crm.historial WHERE evento = 'ASIGNADA'"
                                   " AND estado_nuevo = 'ABIERTA' AND usuario_id = %lld",
                                   p1),
                     20);
    /* Pool rows point at them; quota charged in the business-zone date. */
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.pool p JOIN"
                                   " crm.oportunidades o ON o.id = p.oportunidad_id"
                                   " AND o.cliente_id = p.cliente_id"
                                   " WHERE p.usuario_id = %lld",
                                   p1),
                     20);
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT usados || '/' || limite FROM"
                                       " crm.cupo_diario WHERE usuario_id = %lld AND"
                                       " fecha = (now() AT TIME ZONE"
                                       " 'America/Mexico_City')::date",
                                       p1),
                        "20/50");
    /* The lote: SOLICITUD, count derived from its opportunities. */
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT l.origen || '/' || l.solicitados || '/' ||"
                                       " (SELECT count(*) FROM crm.oportunidades o"
                                       "  WHERE o.lote_id = l.id) FROM crm.lotes l"),
                        "SOLICITUD/20/20");
    db_close(p);
    db_close(adm);
}

/*
 * An assignment writes nothing into the registry (sql/061): its FK check lands on the pool row
 * it holds, so while a request is still open every registry row can be locked FOR UPDATE
 * (before, its FOR KEY SHARE locks on the assigned clients made this fail with 55P03).
 * Deleting a client with an opportunity still fails, and a load enters the pool in the order
 * the assignment reads it.
 */
static void
test_registry_untouched(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;
    struct err e = { 0 };

    seed_users(t, adm);
    seed_clients(adm, 400);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM (SELECT (convenio_id, entidad_id, edad)"
                                   " < lag((convenio_id, entidad_id, edad)) OVER (ORDER BY ctid)"
                                   " AS atras FROM crm.pool) x WHERE atras"),
                     0);
    p = dbt_connect(t, "as_p1");
    dbt_exec(p, "BEGIN");
    assert_int_equal(dbt_scalar_ll(t, p, "SELECT asignados FROM api.solicitar_asignacion(20)"),
                     20);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM (SELECT 1 FROM padron.clientes"
                                   " FOR UPDATE NOWAIT) x"),
                     400);
    dbt_exec(p, "COMMIT");
    assert_int_equal(dbt_try(adm, &e,
                             "DELETE FROM padron.clientes c USING crm.oportunidades o"
                             " WHERE o.cliente_id = c.id"),
                     RC_DB);
    assert_string_equal(e.code, "23503");
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM padron.clientes"), 400);
    db_close(p);
    db_close(adm);
}

/*
 * Blocked clients are kept out of pool_libres (sql/063), so a request never walks over them;
 * a block that has ended still counts and is still granted before the sweep puts the client
 * back into pool_libres, and the sweep does that (api.sweep_fin) without touching blocks that
 * have not ended. The doctor accepts a released row and still flags a wrong one.
 */
static void
test_blocks_released(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p, *sup;
    struct err e = { 0 };
    long long run;

    seed_users(t, adm);
    seed_clients(adm, 400);
    dbt_exec(adm, "UPDATE crm.usuarios SET cupo_diario = 1000");
    p = dbt_connect(t, "as_p1");
    sup = dbt_connect(t, "as_sup");
    /* SEP is i % 4 = 2 (100 clients): half opted out for good, half cooling down for 1 s;
     * PEMEX (i % 4 = 3, 100 clients): all cooling down for 1 s. */
    dbt_exec(adm, "INSERT INTO crm.bloqueos (cliente_id, hasta, motivo)"
                  " SELECT c.id, CASE WHEN c.id %% 8 = 2 THEN NULL"
                  "  ELSE now() + interval '1 second' END,"
                  "  CASE WHEN c.id %% 8 = 2 THEN 'OPT_OUT' ELSE 'ENFRIAMIENTO' END"
                  " FROM padron.clientes c WHERE c.id %% 4 IN (2, 3)");
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.pool WHERE oportunidad_id IS NULL"
                                   " AND libre_desde = '-infinity'"),
                     200);
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT disponibles FROM api.disponibles('SEP')"),
                        "0");
    assert_int_equal(dbt_try(p, &e, "SELECT * FROM api.solicitar_asignacion(1, 'SEP')"),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB209");
    nanosleep(&(struct timespec){ .tv_sec = 1, .tv_nsec = 300000000 }, NULL);

    /* Ended, not yet released: counted and granted all the same. */
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT disponibles FROM api.disponibles('SEP')"),
                        "50");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT asignados FROM api.solicitar_asignacion(60,"
                                       " 'SEP')"),
                        "50");
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.oportunidades WHERE cliente_id %% 8"
                                   " = 6"),
                     50);

    /* The sweep releases PEMEX (ended), not the opt-outs; the request reads them in order. */
    run = dbt_scalar_ll(t, p, "SELECT api.sweep_inicio('prueba')");
    dbt_exec(p, "SELECT api.sweep_fin(%lld, 0, 0)", run);
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT string_agg(format('%%s:%%s', motivo, n), ','"
                                       " ORDER BY motivo) FROM (SELECT b.motivo,"
                                       " count(*) AS n FROM crm.pool p JOIN crm.bloqueos b"
                                       " ON b.cliente_id = p.cliente_id WHERE"
                                       " p.libre_desde = '-infinity' GROUP BY 1) x"),
                        "ENFRIAMIENTO:100");
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.pool WHERE libre_desde ="
                                   " 'infinity'"),
                     50);
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT asignados FROM api.solicitar_asignacion(100,"
                                       " 'PEMEX')"),
                        "100");
    assert_int_equal(dbt_scalar_ll(t, sup, "SELECT count(*) FROM api.verificar_invariantes()"),
                     0);
    /* A still-blocked client shown as free in the pool is a violation. */
    dbt_exec(adm, "UPDATE crm.pool SET libre_desde = '-infinity'"
                  " WHERE cliente_id = (SELECT min(cliente_id) FROM crm.pool"
                  " WHERE libre_desde = 'infinity')");
    assert_string_equal(dbt_scalar_tmp(t, sup,
                                       "SELECT string_agg(invariante, ',') FROM"
                                       " api.verificar_invariantes()"),
                        "POOL_DESCUADRADO");
    db_close(sup);
    db_close(p);
    db_close(adm);
}

static void
test_partial_grant_quota_and_cartera(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;
    struct err e = { 0 };

    seed_users(t, adm);
    seed_clients(adm, 400);
    p = dbt_connect(t, "as_p1");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT asignados FROM"
                                       " api.solicitar_asignacion(30)"),
                        "30");
    /* 20 left of 50: the client gets them and a message saying so. */
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT format('%%s/%%s/%%s/%%s', asignados,"
                                       " solicitados, cupo_restante, mensaje)"
                                       " FROM api.solicitar_asignacion(30)"),
                        "20/30/0/se asignaron 20 de 30: solo le quedaban 20 de su cupo diario"
                        " (50)");
    assert_int_equal(dbt_try(p, &e, "SELECT * FROM api.solicitar_asignacion(1)"), RC_REFUSED);
    assert_string_equal(e.code, "EB205");
    assert_int_equal(dbt_scalar_ll(t, p, "SELECT count(*) FROM crm.oportunidades"), 50);

    /* Cartera: as_p2 may hold 15 active; asks 20, gets 15; then EB206. */
    dbt_exec(adm, "UPDATE crm.usuarios SET cartera_max = 15 WHERE login = 'as_p2'");
    db_close(p);
    p = dbt_connect(t, "as_p2");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT format('%%s/%%s', asignados, mensaje)"
                                       " FROM api.solicitar_asignacion(20)"),
                        "15/se asignaron 15 de 20: su cartera solo admitía 15 más (máximo 15)");
    assert_int_equal(dbt_try(p, &e, "SELECT * FROM api.solicitar_asignacion(1)"), RC_REFUSED);
    assert_string_equal(e.code, "EB206");
    /* Quota charged only for what was granted. */
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT usados FROM crm.cupo_diario"), "15");
    db_close(p);
    db_close(adm);
}

static void
test_filters_and_counts(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;
    struct err e = { 0 };
    long long antes;

    seed_users(t, adm);
    seed_clients(adm, 2000);
    dbt_exec(adm, "UPDATE crm.usuarios SET cupo_diario = 1000");
    p = dbt_connect(t, "as_p1");
    /* Counts: the same predicate. SEP = i % 4 = 2 → 500; CDMX ∧ SEP = i % 20 = 10 → 100. */
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT string_agg(grupo || '=' || disponibles, ','"
                                       " ORDER BY grupo) FROM api.disponibles(por =>"
                                       " 'convenio')"),
                        "IMSS=1000,PEMEX=500,SEP=500");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT string_agg(grupo || '=' || disponibles, ','"
                                       " ORDER BY grupo) FROM api.disponibles('SEP', NULL,"
                                       " NULL, NULL, 'entidad')"),
                        "CDMX=100,JAL=400");
    antes = dbt_scalar_ll(t, p, "SELECT disponibles FROM api.disponibles('sep', 'cdmx', 25, 50)");
    assert_true(antes > 5);
    /* The filtered request takes only matching clients, and the count drops by as many. */
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT asignados FROM api.solicitar_asignacion("
                                       "5, 'SEP', 'CDMX', 25, 50)"),
                        "5");
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.oportunidades o"
                                   " JOIN padron.clientes c ON c.id = o.cliente_id"
                                   " JOIN padron.convenios v ON v.id = c.convenio_id"
                                   " WHERE v.clave = 'SEP' AND c.entidad_id = 9"
                                   " AND c.edad BETWEEN 25 AND 50"),
                     5);
    assert_int_equal(dbt_scalar_ll(t, p,
                                   "SELECT disponibles FROM api.disponibles('SEP', 'CDMX',"
                                   " 25, 50)"),
                     antes - 5);
    /* Entidad only (the other free-rows index). */
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT asignados FROM api.solicitar_asignacion("
                                       "7, NULL, 'CDMX')"),
                        "7");
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.oportunidades o"
                                   " JOIN padron.clientes c ON c.id = o.cliente_id"
                                   " WHERE c.entidad_id = 9"),
                     12);
    /* Blocked clients are neither counted nor assigned; an inactive convenio neither. */
    dbt_exec(adm, "INSERT INTO crm.bloqueos (cliente_id, hasta, motivo)"
                  " SELECT c.id, NULL, 'OPT_OUT' FROM padron.clientes c JOIN crm.pool p"
                  " ON p.cliente_id = c.id WHERE p.oportunidad_id IS NULL AND c.convenio_id ="
                  " (SELECT id FROM padron.convenios WHERE clave = 'PEMEX') AND c.id %% 2 = 1");
    assert_string_equal(dbt_scalar_tmp(t, p, "SELECT disponibles FROM api.disponibles('PEMEX')"),
                        "0");
    assert_int_equal(dbt_try(p, &e, "SELECT * FROM api.solicitar_asignacion(1, 'PEMEX')"),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB209");
    dbt_exec(adm, "UPDATE padron.convenios SET activo = false WHERE clave = 'SEP'");
    assert_int_equal(dbt_try(p, &e, "SELECT * FROM api.disponibles('SEP')"), RC_REFUSED);
    assert_string_equal(e.code, "EB202");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT string_agg(grupo, ',' ORDER BY grupo)"
                                       " FROM api.disponibles(por => 'convenio')"),
                        "IMSS");
    /* Pool exhausted: fewer granted, a message saying so, the rest of the quota refunded. */
    dbt_exec(adm, "INSERT INTO crm.bloqueos (cliente_id, hasta, motivo)"
                  " SELECT p.cliente_id, now() + interval '1 day', 'ENFRIAMIENTO' FROM crm.pool p"
                  " WHERE p.oportunidad_id IS NULL AND p.convenio_id = (SELECT id FROM"
                  " padron.convenios WHERE clave = 'IMSS') AND p.cliente_id > 40");
    antes = dbt_scalar_ll(t, p, "SELECT disponibles FROM api.disponibles()");
    assert_true(antes > 0 && antes < 50);
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT format('%%s/%%s', asignados, mensaje)"
                                       " FROM api.solicitar_asignacion(50)"),
                        dbt_scalar_tmp(t, p,
                                       "SELECT format('%%s/se asignaron %%s de 50: no hay"
                                       " más clientes disponibles con esos filtros', %lld,"
                                       " %lld)",
                                       antes, antes));
    assert_int_equal(dbt_scalar_ll(t, p, "SELECT usados FROM crm.cupo_diario"), 12 + antes);
    assert_int_equal(dbt_scalar_ll(t, p, "SELECT count(*) FROM crm.oportunidades"), 12 + antes);
    db_close(p);
    db_close(adm);
}

static void
test_idempotent_clave(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;
    long long lote;

    seed_users(t, adm);
    seed_clients(adm, 200);
    p = dbt_connect(t, "as_p1");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT format('%%s/%%s', asignados, repetido)"
                                       " FROM api.solicitar_asignacion(10, NULL, NULL,"
                                       " NULL, NULL, 'enter-1')"),
                        "10/f");
    lote = dbt_scalar_ll(t, p, "SELECT max(id) FROM crm.lotes");
    /* Same clave again (double Enter): the first lote, nothing charged or assigned. */
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT format('%%s/%%s/%%s/%%s', lote_id,"
                                       " asignados, solicitados, repetido)"
                                       " FROM api.solicitar_asignacion(30, 'IMSS', NULL,"
                                       " NULL, NULL, 'enter-1')"),
                        dbt_scalar_tmp(t, p, "SELECT '%lld/10/10/t'", lote));
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT count(*) || '/' || (SELECT usados FROM"
                                       " crm.cupo_diario) || '/' || (SELECT count(*) FROM"
                                       " crm.lotes) FROM crm.oportunidades"),
                        "10/10/1");
    /* Another promoter may use the same clave: keys are per user. */
    db_close(p);
    p = dbt_connect(t, "as_p2");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT repetido FROM api.solicitar_asignacion(5,"
                                       " NULL, NULL, NULL, NULL, 'enter-1')"),
                        "f");
    /* One client, asked and asked again: the messages read in the singular (sql/104). */
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT mensaje FROM api.solicitar_asignacion(1,"
                                       " NULL, NULL, NULL, NULL, 'uno')"),
                        "se asignó 1 cliente");
    lote = dbt_scalar_ll(t, p, "SELECT max(id) FROM crm.lotes");
    assert_string_equal(dbt_scalar_tmp(t, p,
                                       "SELECT mensaje FROM api.solicitar_asignacion(1,"
                                       " NULL, NULL, NULL, NULL, 'uno')"),
                        dbt_scalar_tmp(t, p,
                                       "SELECT 'esta solicitud ya se había hecho (clave uno):"
                                       " lote %lld con 1 cliente'",
                                       lote));
    db_close(p);
    db_close(adm);
}

static void
test_refusals(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *db;
    struct err e = { 0 };
    static const struct {
        const char *sql;
        const char *code;
    } cases[] = {
        { "SELECT * FROM api.solicitar_asignacion(0)", "EB201" },
        { "SELECT * FROM api.solicitar_asignacion(1001)", "EB201" },
        { "SELECT * FROM api.solicitar_asignacion(5, 'NOEXISTE')", "EB202" },
        { "SELECT * FROM api.solicitar_asignacion(5, NULL, 'XYZ')", "EB203" },
        { "SELECT * FROM api.solicitar_asignacion(5, NULL, NULL, 50, 40)", "EB204" },
        { "SELECT * FROM api.solicitar_asignacion(5, NULL, NULL, 10, NULL)", "EB204" },
        { "SELECT * FROM api.solicitar_asignacion(5, 'SEP', 'CDMX', 110, 110)", "EB209" },
        { "SELECT * FROM api.disponibles(por => 'edad')", "EB210" },
    };

    seed_users(t, adm);
    seed_clients(adm, 100);
    db = dbt_connect(t, "as_p1");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(dbt_try(db, &e, "%s", cases[i].sql), RC_REFUSED);
        assert_string_equal(e.code, cases[i].code);
    }
    /* A refused request leaves nothing behind: no lote, no quota charged. */
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT (SELECT count(*) FROM crm.lotes) || '/' ||"
                                       " (SELECT coalesce(sum(usados), 0) FROM"
                                       " crm.cupo_diario)"),
                        "0/0");
    db_close(db);
    /* Supervisors do not request; promoters on vacation neither; strangers are EB001. */
    db = dbt_connect(t, "as_sup");
    assert_int_equal(dbt_try(db, &e, "SELECT * FROM api.solicitar_asignacion(5)"), RC_REFUSED);
    assert_string_equal(e.code, "EB208");
    db_close(db);
    dbt_exec(adm, "UPDATE crm.usuarios SET estado = 'VACACIONES' WHERE login = 'as_p2'");
    db = dbt_connect(t, "as_p2");
    assert_int_equal(dbt_try(db, &e, "SELECT * FROM api.solicitar_asignacion(5)"), RC_REFUSED);
    assert_string_equal(e.code, "EB207");
    db_close(db);
    dbt_exec(adm, "UPDATE crm.usuarios SET estado = 'BAJA' WHERE login = 'as_p3'");
    db = dbt_connect(t, "as_p3");
    assert_int_equal(dbt_try(db, &e, "SELECT * FROM api.solicitar_asignacion(5)"), RC_REFUSED);
    assert_string_equal(e.code, "EB001");
    db_close(db);
    dbt_role(t, "as_nadie", "embudo_promotor");
    db = dbt_connect(t, "as_nadie");
    assert_int_equal(dbt_try(db, &e, "SELECT * FROM api.disponibles()"), RC_REFUSED);
    assert_string_equal(e.code, "EB001");
    db_close(db);
    db_close(adm);
}

/* A promoter acts only as itself and reads only its own rows; writes only through api. */
static void
test_rls_promoter(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p1;
    struct db *p2;
    struct err e = { 0 };

    seed_users(t, adm);
    seed_clients(adm, 200);
    p1 = dbt_connect(t, "as_p1");
    p2 = dbt_connect(t, "as_p2");
    assert_string_equal(dbt_scalar_tmp(t, p1,
                                       "SELECT asignados FROM"
                                       " api.solicitar_asignacion(10)"),
                        "10");
    assert_string_equal(dbt_scalar_tmp(t, p2,
                                       "SELECT asignados FROM"
                                       " api.solicitar_asignacion(7)"),
                        "7");
    /* Each sees only its own opportunities, lotes, history and quota. */
    assert_string_equal(dbt_scalar_tmp(t, p1,
                                       "SELECT (SELECT count(*) FROM crm.oportunidades)"
                                       " || '/' || (SELECT count(*) FROM crm.lotes) || '/'"
                                       " || (SELECT count(*) FROM crm.historial) || '/' ||"
                                       " (SELECT string_agg(usados::text, ',') FROM"
                                       " crm.cupo_diario)"),
                        "10/1/10/10");
    assert_string_equal(dbt_scalar_tmp(t, p2,
                                       "SELECT (SELECT count(*) FROM crm.oportunidades)"
                                       " || '/' || (SELECT count(*) FROM crm.lotes) || '/'"
                                       " || (SELECT count(*) FROM crm.historial) || '/' ||"
                                       " (SELECT string_agg(usados::text, ',') FROM"
                                       " crm.cupo_diario)"),
                        "7/1/7/7");
    /* No direct writes, no pool. */
    assert_int_equal(dbt_try(p1, &e, "UPDATE crm.cupo_diario SET usados = 0"), RC_DB);
    assert_string_equal(e.code, "42501");
    assert_int_equal(dbt_try(p1, &e,
                             "INSERT INTO crm.lotes (usuario_id, origen, solicitados,"
                             " creado_por) VALUES (1, 'SOLICITUD', 1, 1)"),
                     RC_DB);
    assert_string_equal(e.code, "42501");
    assert_int_equal(dbt_try(p1, &e, "SELECT count(*) FROM crm.pool"), RC_DB);
    assert_string_equal(e.code, "42501");
    assert_int_equal(dbt_try(p1, &e, "UPDATE crm.oportunidades SET usuario_id = usuario_id"),
                     RC_DB);
    assert_string_equal(e.code, "42501");
    /* Acting on someone else's opportunity: refused without revealing it exists. */
    assert_int_equal(dbt_try(p1, &e, "SELECT * FROM api.mover(%lld, 'Contactado')",
                             dbt_scalar_ll(t, adm,
                                           "SELECT min(o.id) FROM crm.oportunidades o"
                                           " JOIN crm.usuarios u ON u.id = o.usuario_id"
                                           " WHERE u.login = 'as_p2'")),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB301");
    db_close(p1);
    db_close(p2);
    db_close(adm);
}

/* ---- the race ------------------------------------------------------------------------------ */

#define RACE_THREADS 32
#define RACE_SECONDS 4
/*
 * Requests per connection at most, so that a fast machine cannot drain the pool: every
 * filter takes CDMX clients first (entidad 9 sorts before 14), and 32 × 60 × 10 = 19,200 is
 * less than the 20,000 CDMX clients of the 100,000 seeded. A dry pool would rightly answer
 * EB209, which is not what this race is about.
 */
#define RACE_LOTES_MAX 60
#define RACE_CLIENTES 100000

struct racer {
    const struct dbt *t;
    char login[32];
    int idx;
    long lotes;
    long cortos;
    long asignados;
    long errores;
    struct err e;
};

static void *
race_main(void *arg)
{
    struct racer *r = arg;
    struct db *db = dbt_connect_err(r->t, r->login, &r->e);
    double fin = dbt_now() + RACE_SECONDS;
    /* Overlapping filters: most ask for IMSS, some for CDMX only, some for anything. */
    const char *sql = r->idx % 4 == 0   ? "SELECT asignados || ' ' || solicitados FROM"
                                          " api.solicitar_asignacion(10, NULL, 'CDMX')"
                      : r->idx % 4 == 1 ? "SELECT asignados || ' ' || solicitados FROM"
                                          " api.solicitar_asignacion(10)"
                                        : "SELECT asignados || ' ' || solicitados FROM"
                                          " api.solicitar_asignacion(10, 'IMSS', NULL, 20, 70)";

    if (db == NULL) {
        r->errores++;
        return NULL;
    }
    while (dbt_now() < fin && r->lotes < RACE_LOTES_MAX) {
        char *out = NULL;
        long a = 0;
        long s = 0;

        if (db_query_text(db, sql, 0, NULL, &out, &r->e) != RC_OK) {
            r->errores++;
            break;
        }
        if (out == NULL || sscanf(out, "%ld %ld", &a, &s) != 2) {
            free(out);
            r->errores++;
            break;
        }
        free(out);
        r->lotes++;
        r->asignados += a;
        if (a < s)
            r->cortos++;
    }
    db_close(db);
    return NULL;
}

static void
test_race_32_requesters(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *sup;
    struct racer r[RACE_THREADS];
    pthread_t th[RACE_THREADS];
    long lotes = 0;
    long asignados = 0;
    long cortos = 0;

    seed_users(t, adm);
    seed_clients(adm, RACE_CLIENTES);
    for (int i = 0; i < RACE_THREADS; i++) {
        memset(&r[i], 0, sizeof r[i]);
        r[i].t = t;
        r[i].idx = i;
        snprintf(r[i].login, sizeof r[i].login, "as_r%d", i);
        dbt_role(t, r[i].login, "embudo_promotor");
        dbt_exec(adm,
                 "INSERT INTO crm.usuarios (login, nombre, rol, supervisor_id, cupo_diario,"
                 " cartera_max) VALUES ('%s', 'Corredor %d', 'PROMOTOR', (SELECT id FROM"
                 " crm.usuarios WHERE login = 'as_sup'), 10000, 100000)",
                 r[i].login, i);
    }
    dbt_exec(adm, "ANALYZE crm.pool");
    for (int i = 0; i < RACE_THREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, race_main, &r[i]), 0);
    for (int i = 0; i < RACE_THREADS; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    for (int i = 0; i < RACE_THREADS; i++) {
        if (r[i].errores != 0)
            fail_msg("%s: %s %s", r[i].login, r[i].e.code, r[i].e.msg);
        lotes += r[i].lotes;
        asignados += r[i].asignados;
        cortos += r[i].cortos;
    }
    print_message("asignación: %d conexiones, %d s: %ld lotes, %ld clientes, %ld cortos\n",
                  RACE_THREADS, RACE_SECONDS, lotes, asignados, cortos);
    assert_true(lotes >= RACE_THREADS);
    /* The pool never ran dry, so no request may have come back short. */
    assert_int_equal(cortos, 0);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM (SELECT cliente_id FROM"
                                   " crm.oportunidades WHERE estado IN ('ABIERTA',"
                                   " 'EN_BANDEJA') GROUP BY cliente_id"
                                   " HAVING count(*) > 1) x"),
                     0);
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT count(*) FROM crm.oportunidades"), asignados);
    assert_int_equal(dbt_scalar_ll(t, adm, "SELECT sum(usados) FROM crm.cupo_diario"), asignados);
    assert_int_equal(dbt_scalar_ll(t, adm,
                                   "SELECT count(*) FROM crm.historial"
                                   " WHERE evento = 'ASIGNADA'"),
                     asignados);
    sup = dbt_connect(t, "as_adm");
    assert_string_equal(dbt_scalar_tmp(t, sup,
                                       "SELECT count(*) FROM"
                                       " api.verificar_invariantes()"),
                        "0");
    db_close(sup);
    db_close(adm);
}

/* ---- one promoter, many windows: quota exact, double Enter returns one lote ----------------- */

#define SAME_THREADS 8

struct mismo {
    const struct dbt *t;
    pthread_barrier_t *salida;
    const char *sql;
    long asignados;
    long rechazos_cupo;
    char primera[64];
    int fallo;
    struct err e;
};

static void *
mismo_main(void *arg)
{
    struct mismo *m = arg;
    struct db *db = dbt_connect_err(m->t, "as_p1", &m->e);

    pthread_barrier_wait(m->salida);
    if (db == NULL) {
        m->fallo = 1;
        return NULL;
    }
    for (int i = 0; i < 20; i++) {
        char *out = NULL;
        struct err e = { 0 };

        if (db_query_text(db, m->sql, 0, NULL, &out, &e) != RC_OK) {
            if (strcmp(e.code, "EB205") == 0) {
                m->rechazos_cupo++;
                continue;
            }
            m->e = e;
            m->fallo = 1;
            break;
        }
        if (i == 0 && out != NULL)
            snprintf(m->primera, sizeof m->primera, "%s", out);
        m->asignados += out != NULL ? strtol(out, NULL, 10) : 0;
        free(out);
    }
    db_close(db);
    return NULL;
}

static void
run_mismo(struct dbt *t, struct mismo *m, const char *sql)
{
    pthread_barrier_t salida;
    pthread_t th[SAME_THREADS];

    assert_int_equal(pthread_barrier_init(&salida, NULL, SAME_THREADS), 0);
    for (int i = 0; i < SAME_THREADS; i++) {
        memset(&m[i], 0, sizeof m[i]);
        m[i].t = t;
        m[i].salida = &salida;
        m[i].sql = sql;
        assert_int_equal(pthread_create(&th[i], NULL, mismo_main, &m[i]), 0);
    }
    for (int i = 0; i < SAME_THREADS; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    pthread_barrier_destroy(&salida);
    for (int i = 0; i < SAME_THREADS; i++)
        if (m[i].fallo)
            fail_msg("hilo %d: %s %s", i, m[i].e.code, m[i].e.msg);
}

static void
test_race_same_promoter(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct mismo m[SAME_THREADS];
    long total = 0;
    long rechazos = 0;

    seed_users(t, adm);
    seed_clients(adm, 2000);
    /* Eight windows of one promoter hammering 7 at a time: exactly the quota of 50. */
    run_mismo(t, m, "SELECT asignados FROM api.solicitar_asignacion(7)");
    for (int i = 0; i < SAME_THREADS; i++) {
        total += m[i].asignados;
        rechazos += m[i].rechazos_cupo;
    }
    assert_int_equal(total, 50);
    assert_true(rechazos > 0);
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT usados || '/' || limite || '/' ||"
                                       " (SELECT count(*) FROM crm.oportunidades)"
                                       " FROM crm.cupo_diario"),
                        "50/50/50");
    db_close(adm);
}

static void
test_race_double_enter(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct mismo m[SAME_THREADS];

    seed_users(t, adm);
    seed_clients(adm, 2000);
    dbt_exec(adm, "UPDATE crm.usuarios SET cupo_diario = 1000");
    /* The same clave from eight windows at once: one lote, one charge. */
    run_mismo(t, m,
              "SELECT lote_id || '/' || asignados FROM api.solicitar_asignacion(9, NULL,"
              " NULL, NULL, NULL, 'doble-enter')");
    for (int i = 1; i < SAME_THREADS; i++)
        assert_string_equal(m[i].primera, m[0].primera);
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT count(*) || '/' || (SELECT usados FROM"
                                       " crm.cupo_diario) || '/' || (SELECT count(*)"
                                       " FROM crm.oportunidades) FROM crm.lotes"),
                        "1/9/9");
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_full_grant, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_registry_untouched, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_blocks_released, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_partial_grant_quota_and_cartera, dbt_setup,
                                        dbt_teardown),
        cmocka_unit_test_setup_teardown(test_filters_and_counts, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_idempotent_clave, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_refusals, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_rls_promoter, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_race_32_requesters, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_race_same_promoter, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_race_double_enter, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
