/*
 * test_baja_padron — a client the lender no longer lists (sql/086's BAJA_PADRON block), seen
 * through sql/087: api.oportunidad_baja_padron gives the date to the opportunity's owner, her
 * supervisor, an admin and the auditor, nothing to anyone else (crm.bloqueos stays closed to a
 * promoter), and db_tui_detalle carries it as Detalle and `embudo oportunidad` read it; a
 * block that ended (the client came back in a later file) shows nothing; writing or ending
 * the block tells the owner's panes to re-read (NOTIFY); a campaign message
 * planned before the baja is skipped at the claim (OMITIDO BAJA_PADRON, with its Spanish
 * reason), and a new campaign leaves the client out from the start until they come back.
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
#include "db/db_tui.h"
#include "dbt.h"
#include "util/err.h"

static const struct dbt_usuario USUARIOS[] = {
    { "bp_adm", "Ana", "ADMIN", NULL, NULL },
    { "bp_sup", "Sofía", "SUPERVISOR", NULL, NULL },
    { "bp_sup2", "Sergio", "SUPERVISOR", NULL, NULL },
    { "bp_p1", "Paula", "PROMOTOR", "bp_sup", NULL },
    { "bp_p2", "Pedro", "PROMOTOR", "bp_sup", NULL },
    { "bp_p3", "Pilar", "PROMOTOR", "bp_sup2", NULL },
};

/* The users, an auditor, 3 padron clients with a mobile each (+52550000000i), all three
 * assigned to bp_p1; returns the lowest opportunity id (its client is the one retired). */
static long long
seed(struct dbt *t, struct db *adm)
{
    struct db *p1;

    dbt_usuarios(t, adm, USUARIOS, sizeof USUARIOS / sizeof USUARIOS[0]);
    dbt_exec(adm, "SELECT api.crear_usuario('bp_aud', 'Aurora', 'AUDITOR')");
    dbt_clientes_imss(adm, 3);
    dbt_exec(adm, "INSERT INTO padron.datos_contacto (cliente_id, tipo, valor) SELECT i,"
                  " 'CELULAR', '+5255' || lpad(i::text, 8, '0') FROM generate_series(1, 3) i");
    p1 = dbt_connect(t, "bp_p1");
    dbt_exec(p1, "SELECT * FROM api.solicitar_asignacion(3)");
    db_close(p1);
    return dbt_scalar_ll(t, adm, "SELECT min(id) FROM crm.oportunidades");
}

/* What `import clientes --actualizar --bajas` writes for a client its file no longer names. */
static void
dar_de_baja(struct db *adm, long long oportunidad)
{
    dbt_exec(adm,
             "INSERT INTO crm.bloqueos (cliente_id, motivo, detalle) SELECT cliente_id,"
             " 'BAJA_PADRON', 'ya no viene en el padrón de la financiera' FROM crm.oportunidades"
             " WHERE id = %lld",
             oportunidad);
}

/* ...and for one a later file names again. */
static void
volver(struct db *adm, long long oportunidad)
{
    dbt_exec(adm,
             "UPDATE crm.bloqueos SET hasta = now() WHERE motivo = 'BAJA_PADRON' AND hasta IS"
             " NULL AND cliente_id = (SELECT cliente_id FROM crm.oportunidades WHERE id = %lld)",
             oportunidad);
}

/* api.oportunidad_baja_padron(o) as login sees it: "si" when it is the start of the client's
 * BAJA_PADRON block in force (read as the database owner: the block is not login's to read),
 * "no" when NULL, "otra" for any other value. */
static const char *
baja_como(struct dbt *t, const char *login, long long o)
{
    struct db *adm = dbt_connect(t, NULL), *db = dbt_connect(t, login);
    const char *esperada = dbt_scalar_tmp(
        t, adm,
        "SELECT coalesce(min(b.created_at)::text, 'ninguna') FROM crm.bloqueos b JOIN"
        " crm.oportunidades x ON x.cliente_id = b.cliente_id WHERE x.id = %lld AND b.motivo ="
        " 'BAJA_PADRON' AND (b.hasta IS NULL OR b.hasta > now())",
        o);
    const char *r =
        dbt_scalar_tmp(t, db,
                       "SELECT CASE WHEN d IS NULL THEN 'no' WHEN d::text = '%s'"
                       " THEN 'si' ELSE 'otra' END FROM api.oportunidad_baja_padron(%lld) d",
                       esperada, o);

    db_close(db);
    db_close(adm);
    return r;
}

static void
test_quien_ve_la_baja(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *p1;
    long long o = seed(t, adm);
    struct tui_detalle d;
    struct err e = { 0 };

    assert_string_equal(baja_como(t, "bp_p1", o), "no"); /* still listed */
    dar_de_baja(adm, o);
    assert_string_equal(baja_como(t, "bp_p1", o), "si");      /* the owner */
    assert_string_equal(baja_como(t, "bp_sup", o), "si");     /* her supervisor */
    assert_string_equal(baja_como(t, "bp_adm", o), "si");     /* an admin */
    assert_string_equal(baja_como(t, "bp_aud", o), "si");     /* the auditor reads */
    assert_string_equal(baja_como(t, "bp_p2", o), "no");      /* same team, not hers */
    assert_string_equal(baja_como(t, "bp_sup2", o), "no");    /* another team */
    assert_string_equal(baja_como(t, "bp_p1", o + 1), "no");  /* another client */
    assert_string_equal(baja_como(t, "bp_p1", 999999), "no"); /* no such opportunity */
    /* The database owner's session sees every one. */
    assert_string_equal(
        dbt_scalar_tmp(t, adm, "SELECT api.oportunidad_baja_padron(%lld) IS NOT NULL", o), "t");
    /* A login that is no user of the CRM is refused, like every api function. */
    dbt_role(t, "bp_nadie", "embudo_usuario");
    p1 = dbt_connect(t, "bp_nadie");
    dbt_expect_refusal(p1, "EB001", "SELECT api.oportunidad_baja_padron(1)");
    db_close(p1);

    p1 = dbt_connect(t, "bp_p1");
    /* Only the fact and the date: the blocks themselves stay closed to a promoter. */
    assert_int_not_equal(dbt_try(p1, &e, "SELECT count(*) FROM crm.bloqueos"), RC_OK);
    assert_string_equal(e.code, "42501");
    /* What Detalle and `embudo oportunidad` read. */
    assert_int_equal(db_tui_detalle(p1, o, &d, &e), RC_OK);
    assert_true(d.baja_padron > 0);
    assert_string_equal(d.baja_padron_fecha,
                        dbt_scalar_tmp(t, adm,
                                       "SELECT to_char(now() AT TIME ZONE crm.zona(),"
                                       " 'DD/MM/YYYY')"));
    assert_int_equal(d.baja_padron,
                     dbt_scalar_ll(t, adm,
                                   "SELECT floor(extract(epoch FROM created_at))::bigint"
                                   " FROM crm.bloqueos WHERE motivo ="
                                   " 'BAJA_PADRON'"));
    db_tui_detalle_fini(&d);
    assert_int_equal(db_tui_detalle(p1, o + 1, &d, &e), RC_OK);
    assert_int_equal(d.baja_padron, 0);
    assert_string_equal(d.baja_padron_fecha, "");
    db_tui_detalle_fini(&d);
    db_close(p1);
    db_close(adm);
}

/* The client came back in a later file: the block ended, nothing shows; a block with an end
 * still ahead is in force; retired again, the new date shows. Each change tells the owner's
 * panes (her open Detalle) to re-read. */
static void
test_baja_terminada(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *sup, *oye;
    long long o = seed(t, adm);
    struct tui_detalle d;
    struct err e = { 0 };
    char aviso[96];

    snprintf(aviso, sizeof aviso, "{\"tabla\" : \"oportunidades\", \"usuario_id\" : %lld}",
             dbt_scalar_ll(t, adm, "SELECT id FROM crm.usuarios WHERE login = 'bp_p1'"));
    oye = dbt_connect(t, "bp_p1");
    dbt_exec(oye, "LISTEN embudo");
    dar_de_baja(adm, o);
    assert_string_equal(dbt_avisos(oye), aviso);
    dbt_exec(adm, "UPDATE crm.bloqueos SET created_at = now() - interval '10 days'");
    assert_string_equal(dbt_avisos(oye), aviso);
    volver(adm, o);
    assert_string_equal(dbt_avisos(oye), aviso);
    /* Another motive says nothing new to her. */
    dbt_exec(adm,
             "INSERT INTO crm.bloqueos (cliente_id, motivo, hasta) SELECT cliente_id,"
             " 'ENFRIAMIENTO', now() + interval '1 day' FROM crm.oportunidades WHERE id ="
             " %lld",
             o);
    assert_string_equal(dbt_avisos(oye), "");
    db_close(oye);
    assert_string_equal(baja_como(t, "bp_p1", o), "no");
    assert_string_equal(baja_como(t, "bp_sup", o), "no");
    sup = dbt_connect(t, "bp_sup");
    assert_int_equal(db_tui_detalle(sup, o, &d, &e), RC_OK);
    assert_int_equal(d.baja_padron, 0);
    assert_string_equal(d.baja_padron_fecha, "");
    db_tui_detalle_fini(&d);
    /* An end still ahead (set by hand) is a block in force. */
    dbt_exec(adm, "UPDATE crm.bloqueos SET hasta = now() + interval '1 day'");
    assert_string_equal(dbt_scalar_tmp(t, sup,
                                       "SELECT api.oportunidad_baja_padron(%lld) <"
                                       " now() - interval '9 days'",
                                       o),
                        "t");
    dbt_exec(adm, "UPDATE crm.bloqueos SET hasta = now() - interval '1 second'");
    /* Retired again by a later file: today's block, today's date. */
    dar_de_baja(adm, o);
    assert_string_equal(baja_como(t, "bp_sup", o), "si");
    assert_string_equal(dbt_scalar_tmp(t, sup,
                                       "SELECT api.oportunidad_baja_padron(%lld) >"
                                       " now() - interval '1 minute'",
                                       o),
                        "t");
    db_close(sup);
    db_close(adm);
}

/* The campaign's messages of bp_p1, "telefono estado error" by phone. */
static const char *
mensajes(struct dbt *t, struct db *adm, long long c)
{
    return dbt_scalar_tmp(t, adm,
                          "SELECT string_agg(m.telefono || ' ' || m.estado ||"
                          " coalesce(' ' || m.error, ''), ',' ORDER BY m.telefono)"
                          " FROM crm.wa_mensajes m WHERE m.campana_id = %lld",
                          c);
}

/* A campaign of bp_p1 on Nuevo, created and given its texts (as db_campana_crear does). */
static long long
campana(struct dbt *t, struct db *p1)
{
    long long c;

    dbt_exec(p1, "BEGIN");
    c = dbt_scalar_ll(t, p1, "SELECT campana_id FROM api.campana_crear('Nuevo', 'Hola {nombre}')");
    dbt_exec(p1,
             "SELECT api.campana_textos(%lld, array_agg(mensaje_id), array_agg('Hola ' ||"
             " nombre)) FROM api.campana_destinatarios(%lld); COMMIT",
             c, c);
    return c;
}

/* "abiertas/enviables" of bp_p1's Nuevo stage, as the wizard counts them. */
static const char *
audiencia(struct dbt *t, struct db *p1)
{
    return dbt_scalar_tmp(t, p1,
                          "SELECT abiertas || '/' || enviables FROM api.campana_audiencia()"
                          " WHERE etapa = 'Nuevo'");
}

/* The skipped list of campaign c as the wizard reads it: "CODIGO: texto" each. */
static const char *
omitidos(struct dbt *t, struct db *p1, long long c)
{
    return dbt_scalar_tmp(t, p1,
                          "SELECT coalesce(string_agg(motivo || ': ' || detalle, ','), '') FROM"
                          " api.campana_omitidos(%lld)",
                          c);
}

/* A campaign made after the baja leaves the client out (the wizard's count and skipped list,
 * with the reason in Spanish); back in the padron, the next campaign includes them again; a
 * message planned before the baja arrived is skipped at the claim. */
static void
test_campana_omite_la_baja(void **state)
{
    static const char razon[] = "BAJA_PADRON: el cliente ya no está en el padrón del convenio"
                                " (baja de la financiera)";
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *p1;
    long long o = seed(t, adm), c;

    dbt_exec(adm, "DELETE FROM crm.horario_operativo; DELETE FROM crm.dias_inhabiles;"
                  "INSERT INTO crm.horario_operativo SELECT d, '00:00', '24:00'"
                  " FROM generate_series(1, 7) d");
    p1 = dbt_connect(t, "bp_p1");
    dbt_exec(p1, "SELECT api.wa_guardar_credenciales('5215500000001@s.whatsapp.net', '\\x0102');"
                 "SELECT api.wa_configurar(en_uso_desde => crm.fecha_negocio(now()) - 30)");
    assert_string_equal(audiencia(t, p1), "3/3");

    /* Retired before the campaign: out of the count and skipped from the start. */
    dar_de_baja(adm, o);
    assert_string_equal(audiencia(t, p1), "3/2");
    c = campana(t, p1);
    assert_string_equal(mensajes(t, adm, c), "+525500000001 OMITIDO BAJA_PADRON,"
                                             "+525500000002 PENDIENTE,+525500000003 PENDIENTE");
    assert_string_equal(omitidos(t, p1, c), razon);
    dbt_exec(p1, "SELECT api.campana_cancelar(%lld)", c);

    /* Back in the padron: the next campaign messages them. */
    volver(adm, o);
    assert_string_equal(audiencia(t, p1), "3/3");
    c = campana(t, p1);
    assert_string_equal(mensajes(t, adm, c), "+525500000001 PENDIENTE,+525500000002 PENDIENTE,"
                                             "+525500000003 PENDIENTE");

    /* Retired again while that campaign waits: its message is skipped at the claim. */
    dar_de_baja(adm, o);
    dbt_exec(p1, "SELECT api.campana_lanzar(%lld)", c);
    for (int i = 0; i < 3; i++)
        dbt_exec(p1, "SELECT api.mensaje_enviado(mensaje_id, 'W' || mensaje_id) FROM"
                     " api.mensaje_reclamar(crm.yo())");
    assert_string_equal(mensajes(t, adm, c), "+525500000001 OMITIDO BAJA_PADRON,"
                                             "+525500000002 ENVIADO,+525500000003 ENVIADO");
    assert_string_equal(omitidos(t, p1, c), razon);
    /* The reference the claim follows says the same. */
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT crm.wa_motivo_no_enviar(m) FROM crm.wa_mensajes m"
                                       " WHERE m.campana_id = %lld AND m.oportunidad_id = %lld",
                                       c, o),
                        "BAJA_PADRON");
    db_close(p1);
    db_close(adm);
}

/* db_tui_baja_padron as login reads it: the marked ids joined by commas. */
static const char *
marcas_como(struct dbt *t, const char *login, char *buf, size_t size)
{
    struct db *db = dbt_connect(t, login);
    int64_t *ids = NULL;
    size_t n = 0;
    struct err e = { 0 };

    assert_int_equal(db_tui_baja_padron(db, &ids, &n, &e), RC_OK);
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++)
        snprintf(buf + strlen(buf), size - strlen(buf), "%s%lld", i > 0 ? "," : "",
                 (long long)ids[i]);
    free(ids);
    db_close(db);
    return buf;
}

/* sql/091: the embudo's and the bandeja's marks — the caller's visible active opportunities
 * whose client has the block in force, ascending; an ended block, a closed opportunity and
 * another team's are not marked; a login outside the CRM is refused. */
static void
test_marcas_del_embudo(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *x;
    long long o = seed(t, adm);
    char buf[128], want[128];

    assert_string_equal(marcas_como(t, "bp_p1", buf, sizeof buf), "");
    dar_de_baja(adm, o + 2);
    dar_de_baja(adm, o);
    dar_de_baja(adm, o); /* two blocks of one client: one mark */
    snprintf(want, sizeof want, "%lld,%lld", o, o + 2);
    assert_string_equal(marcas_como(t, "bp_p1", buf, sizeof buf), want);
    assert_string_equal(marcas_como(t, "bp_sup", buf, sizeof buf), want);
    assert_string_equal(marcas_como(t, "bp_adm", buf, sizeof buf), want);
    assert_string_equal(marcas_como(t, "bp_aud", buf, sizeof buf), want);
    assert_string_equal(marcas_como(t, "bp_p2", buf, sizeof buf), "");
    assert_string_equal(marcas_como(t, "bp_sup2", buf, sizeof buf), "");
    /* Back in a later file: no mark. Closed: no mark (the embudo shows only active ones). */
    volver(adm, o + 2);
    snprintf(want, sizeof want, "%lld", o);
    assert_string_equal(marcas_como(t, "bp_p1", buf, sizeof buf), want);
    dbt_exec(adm,
             "UPDATE crm.oportunidades SET estado = 'DEVUELTA', cerrada_at = now(),"
             " timer_vence = NULL, timer_aviso = NULL WHERE id = %lld",
             o);
    assert_string_equal(marcas_como(t, "bp_p1", buf, sizeof buf), "");
    dbt_role(t, "bp_nadie2", "embudo_usuario");
    x = dbt_connect(t, "bp_nadie2");
    dbt_expect_refusal(x, "EB001", "SELECT * FROM api.baja_padron_oportunidades()");
    db_close(x);
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_quien_ve_la_baja, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_marcas_del_embudo, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_baja_terminada, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_campana_omite_la_baja, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
