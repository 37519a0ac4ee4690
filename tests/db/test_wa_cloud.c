/*
 * test_wa_cloud — WhatsApp's Cloud API in the database (sql/100_wa_cloud.sql) through
 * src/db/db_wa_cloud.c: the admin makes an account CLOUD and back (on record, 42501 for anyone
 * else, ids unique and named when taken); such an account refuses every step of a WhatsApp Web
 * link (EB393), counts as linked for its sender and for the server's worker, and has no
 * warm-up ramp; what its promoter's panes read of it (provider, Meta's rating); templates and
 * campaigns mapped to Meta's approved templates (no spintax, names and languages as Meta takes
 * them, one parameter list per pending message), a CLOUD campaign without one never starts
 * (EB395); Meta's late `failed` moves ENVIADO → FALLIDO for
 * CLOUD accounts only; the webhook's queue: bodies split into statuses and messages per
 * account, repeats stored once, a NOTIFY per account, taken oldest first with SKIP LOCKED,
 * taken again after five minutes, done rows purged after seven days.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "db/db.h"
#include "db/db_sender.h"
#include "db/db_wa.h"
#include "db/db_wa_cloud.h"
#include "dbt.h"
#include "util/err.h"

static const struct dbt_usuario USUARIOS[] = {
    { "wc_adm", "Adela Admin", "ADMIN", NULL, NULL },
    { "wc_aud", "Aurelio Auditor", "AUDITOR", NULL, NULL },
    { "wc_sup", "Sara Supervisora", "SUPERVISOR", NULL, NULL },
    { "wc_p1", "Pepe Uno", "PROMOTOR", "wc_sup", NULL },
    { "wc_p2", "Paco Dos", "PROMOTOR", "wc_sup", NULL },
    { "wc_p3", "Pía Tres", "PROMOTOR", "wc_sup", "BAJA" },
};

static const uint8_t BLOB[] = { 1, 2, 3 }; /* sealed credentials' stand-in: never opened */

struct fx {
    struct dbt *t;
    struct db *adm;  /* the superuser: a server session */
    struct db *admu; /* wc_adm, an admin user */
    struct db *p1, *p2;
    int id1, id2;
};

/* The users; 30 padron clients with mobiles, p1 holding 24 of them and p2 6; a 24-hour
 * sending window every day. */
static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);

    assert_int_equal(dbt_setup((void **)&f->t), 0);
    f->adm = dbt_connect(f->t, NULL);
    dbt_usuarios(f->t, f->adm, USUARIOS, sizeof USUARIOS / sizeof USUARIOS[0]);
    dbt_clientes_imss(f->adm, 30);
    dbt_exec(f->adm, "INSERT INTO padron.datos_contacto (cliente_id, tipo, valor) SELECT i,"
                     " 'CELULAR', '+5255' || lpad(i::text, 8, '0') FROM generate_series(1, 30) i;"
                     "DELETE FROM crm.horario_operativo; DELETE FROM crm.dias_inhabiles;"
                     "INSERT INTO crm.horario_operativo SELECT d, '00:00', '24:00'"
                     " FROM generate_series(1, 7) d");
    f->admu = dbt_connect(f->t, "wc_adm");
    f->p1 = dbt_connect(f->t, "wc_p1");
    f->p2 = dbt_connect(f->t, "wc_p2");
    dbt_exec(f->p1, "SELECT * FROM api.solicitar_asignacion(24)");
    dbt_exec(f->p2, "SELECT * FROM api.solicitar_asignacion(6)");
    f->id1 = (int)dbt_scalar_ll(f->t, f->adm, "SELECT id FROM crm.usuarios WHERE login = 'wc_p1'");
    f->id2 = (int)dbt_scalar_ll(f->t, f->adm, "SELECT id FROM crm.usuarios WHERE login = 'wc_p2'");
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;
    void *t = f->t;

    db_close(f->p1);
    db_close(f->p2);
    db_close(f->admu);
    db_close(f->adm);
    free(f);
    return dbt_teardown(&t);
}

/* Refused by privilege: PostgreSQL's own 42501 or the functions' (RC_DB, not a rule). */
static void
denied(int rc, const struct err *e)
{
    if (rc != RC_DB || strcmp(e->code, "42501") != 0)
        fail_msg("esperaba 42501, llegó %s %s (%s)", rc_name(rc), e->code, e->msg);
}

/* login's account made CLOUD with numero by the admin user. */
static void
cloud(struct fx *f, const char *login, const char *numero)
{
    struct err e = { 0 };
    bool cambio = false;

    assert_int_equal(db_wa_cloud_asignar(f->admu, login, numero, &cambio, &e), RC_OK);
    assert_true(cambio);
}

/* The pending messages of campaign cid, by id, into ids (at most max), as db sees them (the
 * creation's transaction); returns how many. */
static size_t
pendientes(struct fx *f, struct db *db, long long cid, int64_t *ids, size_t max)
{
    const char *s = dbt_scalar_tmp(f->t, db,
                                   "SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '')"
                                   " FROM crm.wa_mensajes WHERE campana_id = %lld"
                                   " AND estado = 'PENDIENTE'",
                                   cid);
    size_t n = 0;

    while (*s != '\0' && n < max) {
        char *end;

        ids[n++] = strtoll(s, &end, 10);
        s = *end == ',' ? end + 1 : end;
    }
    return n;
}

/* Opens the creation's transaction on p: a BORRADOR campaign of texto over at most maximo
 * recipients of stage Nuevo. */
static long long
borrador(struct fx *f, struct db *p, const char *texto, int maximo)
{
    dbt_exec(p, "BEGIN");
    return dbt_scalar_ll(f->t, p,
                         "SELECT campana_id FROM api.campana_crear('Nuevo', '%s', maximo => %d)",
                         texto, maximo);
}

/* Stores every pending message's text ("Hola <id>") and commits: the campaign is LISTA. */
static void
textos(struct db *p, long long cid)
{
    dbt_exec(p,
             "SELECT api.campana_textos(%lld, array_agg(m.id ORDER BY m.id),"
             " array_agg('Hola ' || m.id ORDER BY m.id)) FROM crm.wa_mensajes m"
             " WHERE m.campana_id = %lld AND m.estado = 'PENDIENTE';"
             "COMMIT",
             cid, cid);
}

/* A LISTA campaign of p over maximo recipients, mapped to Meta's "aviso_convenio" with one
 * parameter per message ("v<id>") when mapear. */
static long long
lista(struct fx *f, struct db *p, int maximo, bool mapear)
{
    long long cid = borrador(f, p, "Hola {nombre}", maximo);

    if (mapear) {
        int64_t ids[32];
        char vals[32][24];
        const char *fila[32][1];
        const char *const *par[32];
        size_t n = pendientes(f, p, cid, ids, 32);
        struct err e = { 0 };

        for (size_t i = 0; i < n; i++) {
            snprintf(vals[i], sizeof vals[i], "v%lld", (long long)ids[i]);
            fila[i][0] = vals[i];
            par[i] = fila[i];
        }
        dbt_ok(db_campana_meta(p, cid, "aviso_convenio", "es_MX", ids, par, n, 1, &e), &e);
    }
    textos(p, cid);
    return cid;
}

/* ---- accounts ------------------------------------------------------------------------- */

/* Only an admin assigns or removes, with the refusals the header promises, every change on
 * record; the same id again changes nothing; an id taken names its account. */
static void
test_asignar_quitar(void **state)
{
    struct fx *f = *state;
    struct db *sup = dbt_connect(f->t, "wc_sup"), *aud = dbt_connect(f->t, "wc_aud");
    struct err e = { 0 };
    bool cambio = true;

    denied(db_wa_cloud_asignar(f->p1, "wc_p1", "1234567890", &cambio, &e), &e);
    denied(db_wa_cloud_asignar(sup, "wc_p1", "1234567890", &cambio, &e), &e);
    denied(db_wa_cloud_asignar(aud, "wc_p1", "1234567890", &cambio, &e), &e);
    denied(db_wa_cloud_quitar(sup, "wc_p1", &cambio, &e), &e);
    /* The group's grant is not enough: the session must be an admin user's. */
    dbt_role(f->t, "wc_fantasma", "embudo_admin");
    {
        struct db *fantasma = dbt_connect(f->t, "wc_fantasma");

        denied(db_wa_cloud_asignar(fantasma, "wc_p1", "1234567890", &cambio, &e), &e);
        denied(db_wa_cloud_quitar(fantasma, "wc_p1", &cambio, &e), &e);
        db_close(fantasma);
    }
    dbt_refused(db_wa_cloud_asignar(f->admu, "nadie", "1234567890", &cambio, &e), &e, "EB111");
    dbt_refused(db_wa_cloud_asignar(f->admu, "wc_sup", "1234567890", &cambio, &e), &e, "EB392");
    dbt_refused(db_wa_cloud_asignar(f->admu, "wc_p3", "1234567890", &cambio, &e), &e, "EB392");
    dbt_refused(db_wa_cloud_asignar(f->admu, "wc_p1", "12345a", &cambio, &e), &e, "EB396");
    dbt_refused(db_wa_cloud_asignar(f->admu, "wc_p1", "", &cambio, &e), &e, "EB396");
    dbt_refused(
        db_wa_cloud_asignar(f->admu, "wc_p1", "123456789012345678901234567890123", &cambio, &e), &e,
        "EB396");
    assert_int_equal(dbt_scalar_ll(f->t, f->adm, "SELECT count(*) FROM crm.wa_cuentas"), 0);

    /* A linked WhatsApp Web account with a Signal store: both go. */
    assert_int_equal(
        db_wa_guardar_credenciales(f->p1, "5215500000001@s.whatsapp.net", BLOB, sizeof BLOB, &e),
        RC_OK);
    dbt_exec(f->adm,
             "INSERT INTO crm.wa_signal_sesiones (usuario_id, direccion, blob)"
             " VALUES (%d, '5215500000009.0', decode(repeat('ab', 41), 'hex'));"
             "INSERT INTO crm.wa_signal_prekeys (usuario_id, prekey_id, blob)"
             " VALUES (%d, 7, decode(repeat('ab', 41), 'hex'))",
             f->id1, f->id1);
    assert_int_equal(db_wa_cloud_asignar(f->admu, "wc_p1", " 1234567890 ", &cambio, &e), RC_OK);
    assert_true(cambio);
    assert_string_equal(
        dbt_scalar_tmp(f->t, f->adm,
                       "SELECT concat_ws('|', proveedor, cloud_numero_id, estado, envio_servidor,"
                       " credenciales IS NULL, jid IS NULL, vinculada_at > now() - interval '1"
                       " minute') FROM crm.wa_cuentas WHERE usuario_id = %d",
                       f->id1),
        "CLOUD|1234567890|DESCONECTADA|t|t|t|t");
    assert_int_equal(dbt_scalar_ll(f->t, f->adm,
                                   "SELECT (SELECT count(*) FROM crm.wa_signal_sesiones)"
                                   " + (SELECT count(*) FROM crm.wa_signal_prekeys)"),
                     0);
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT concat_ws('|', c.anterior, c.nuevo, h.login)"
                                       " FROM crm.usuarios_cambios c JOIN crm.usuarios h"
                                       " ON h.id = c.hecho_por WHERE c.campo = 'whatsapp'"),
                        "WhatsApp Web|API oficial, número 1234567890|wc_adm");

    /* The same id again: nothing changes, nothing is recorded. */
    assert_int_equal(db_wa_cloud_asignar(f->admu, "wc_p1", "1234567890", &cambio, &e), RC_OK);
    assert_false(cambio);
    assert_int_equal(dbt_scalar_ll(f->t, f->adm,
                                   "SELECT count(*) FROM crm.usuarios_cambios"
                                   " WHERE campo = 'whatsapp'"),
                     1);
    /* Someone else's id: refused, naming whose it is; p2 had no account row yet. */
    dbt_refused(db_wa_cloud_asignar(f->admu, "wc_p2", "1234567890", &cambio, &e), &e, "EB391");
    assert_non_null(strstr(e.msg, "«wc_p1»"));
    assert_int_equal(dbt_scalar_ll(f->t, f->adm, "SELECT count(*) FROM crm.wa_cuentas"), 1);
    /* The superuser is a server session too; its change has no author. */
    assert_int_equal(db_wa_cloud_asignar(f->adm, "wc_p2", "555", &cambio, &e), RC_OK);
    assert_true(cambio);
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT concat_ws('|', proveedor, estado) FROM"
                                       " crm.wa_cuentas WHERE usuario_id = %d",
                                       f->id2),
                        "CLOUD|DESCONECTADA");
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT coalesce(hecho_por::text, '-') FROM"
                                       " crm.usuarios_cambios WHERE usuario_id = %d"
                                       " AND campo = 'whatsapp'",
                                       f->id2),
                        "-");
    /* Another id for p1: from one number to the other. */
    assert_int_equal(db_wa_cloud_asignar(f->admu, "wc_p1", "987", &cambio, &e), RC_OK);
    assert_true(cambio);
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT concat_ws('|', anterior, nuevo) FROM"
                                       " crm.usuarios_cambios WHERE campo = 'whatsapp'"
                                       " ORDER BY id DESC LIMIT 1"),
                        "API oficial, número 1234567890|API oficial, número 987");

    /* Back to WhatsApp Web: link again. */
    denied(db_wa_cloud_quitar(f->p1, "wc_p1", &cambio, &e), &e);
    dbt_refused(db_wa_cloud_quitar(f->admu, "nadie", &cambio, &e), &e, "EB111");
    dbt_exec(f->adm,
             "UPDATE crm.wa_cuentas SET jid = '5215599999999@s.whatsapp.net',"
             " cloud_calidad = 'GREEN' WHERE usuario_id = %d",
             f->id1);
    assert_int_equal(db_wa_cloud_quitar(f->admu, "wc_p1", &cambio, &e), RC_OK);
    assert_true(cambio);
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT concat_ws('|', proveedor, estado,"
                                       " coalesce(cloud_numero_id, '-'),"
                                       " coalesce(cloud_calidad, '-'), coalesce(jid, '-'))"
                                       " FROM crm.wa_cuentas WHERE usuario_id = %d",
                                       f->id1),
                        "WEB|SIN_VINCULAR|-|-|-");
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT concat_ws('|', anterior, nuevo) FROM"
                                       " crm.usuarios_cambios WHERE campo = 'whatsapp'"
                                       " ORDER BY id DESC LIMIT 1"),
                        "API oficial, número 987|WhatsApp Web");
    assert_int_equal(db_wa_cloud_quitar(f->admu, "wc_p1", &cambio, &e), RC_OK);
    assert_false(cambio);
    /* Its id is free again. */
    assert_int_equal(db_wa_cloud_asignar(f->admu, "wc_p1", "987", &cambio, &e), RC_OK);
    assert_true(cambio);
    db_close(sup);
    db_close(aud);
}

/* Who sees which CLOUD accounts, with the events their sender has not done. */
static void
test_cuentas(void **state)
{
    struct fx *f = *state;
    struct db_wa_cloud_cuenta *rows = NULL;
    struct db *sup = dbt_connect(f->t, "wc_sup"), *aud = dbt_connect(f->t, "wc_aud");
    struct err e = { 0 };
    size_t n = 99;

    cloud(f, "wc_p1", "111");
    assert_int_equal(db_wa_cloud_cuentas(f->p2, &rows, &n, &e), RC_OK);
    assert_int_equal(n, 0); /* p2 is WEB */
    db_wa_cloud_cuentas_free(rows);
    cloud(f, "wc_p2", "222");
    dbt_exec(f->adm,
             "INSERT INTO crm.wa_cloud_eventos (usuario_id, tipo, clave, datos) VALUES"
             " (%d, 'ESTADO', 'a:sent', '{}'), (%d, 'ESTADO', 'a:read', '{}'),"
             " (%d, 'MENSAJE', 'b', '{}');"
             "UPDATE crm.wa_cloud_eventos SET hecho_at = now() WHERE clave = 'a:read'",
             f->id1, f->id1, f->id1);
    assert_int_equal(db_wa_cloud_cuentas(f->admu, &rows, &n, &e), RC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].usuario_id, f->id1);
    assert_string_equal(rows[0].login, "wc_p1");
    assert_string_equal(rows[0].nombre, "Pepe Uno");
    assert_string_equal(rows[0].numero_id, "111");
    assert_string_equal(rows[0].estado, "DESCONECTADA");
    assert_string_equal(rows[0].jid, "");
    assert_int_equal(rows[0].pendientes, 2);
    assert_string_equal(rows[1].login, "wc_p2");
    assert_int_equal(rows[1].pendientes, 0);
    db_wa_cloud_cuentas_free(rows);
    /* The server and the auditor every one; the supervisor the team's; each promoter theirs. */
    {
        struct {
            struct db *db;
            size_t n;
        } quien[] = { { f->adm, 2 }, { aud, 2 }, { sup, 2 }, { f->p1, 1 }, { f->p2, 1 } };

        for (size_t i = 0; i < sizeof quien / sizeof quien[0]; i++) {
            assert_int_equal(db_wa_cloud_cuentas(quien[i].db, &rows, &n, &e), RC_OK);
            assert_int_equal(n, quien[i].n);
            db_wa_cloud_cuentas_free(rows);
        }
    }
    assert_int_equal(db_wa_cloud_cuentas(f->p2, &rows, &n, &e), RC_OK);
    assert_string_equal(rows[0].login, "wc_p2");
    db_wa_cloud_cuentas_free(rows);
    db_close(sup);
    db_close(aud);
}

/* What the promoter's own panes read: whether her account is CLOUD and Meta's rating once its
 * sender reported one; nobody else's account, and false for a user without one. */
static void
test_propia(void **state)
{
    struct fx *f = *state;
    char calidad[DB_WA_CLOUD_CALIDAD_MAX + 1] = "x";
    struct err e = { 0 };
    bool es_cloud = true, cambio = false;

    dbt_ok(db_wa_cloud_propia(f->p1, &es_cloud, calidad, &e), &e);
    assert_false(es_cloud); /* no account row yet */
    assert_string_equal(calidad, "");
    cloud(f, "wc_p1", "111");
    dbt_ok(db_wa_cloud_propia(f->p1, &es_cloud, calidad, &e), &e);
    assert_true(es_cloud);
    assert_string_equal(calidad, ""); /* until its sender reaches Meta */
    dbt_ok(db_wa_cloud_conectada(f->adm, f->id1, "5215512345678", "yellow", &e), &e);
    dbt_ok(db_wa_cloud_propia(f->p1, &es_cloud, calidad, &e), &e);
    assert_true(es_cloud);
    assert_string_equal(calidad, "YELLOW");
    dbt_ok(db_wa_cloud_propia(f->p2, &es_cloud, calidad, &e), &e);
    assert_false(es_cloud); /* p1's is not p2's */
    assert_string_equal(calidad, "");
    dbt_ok(db_wa_cloud_propia(f->admu, &es_cloud, calidad, &e), &e);
    assert_false(es_cloud); /* an admin sees every row, but has no account of her own */
    dbt_ok(db_wa_cloud_quitar(f->admu, "wc_p1", &cambio, &e), &e);
    dbt_ok(db_wa_cloud_propia(f->p1, &es_cloud, calidad, &e), &e);
    assert_false(es_cloud);
    assert_string_equal(calidad, "");
}

/* A CLOUD account refuses every step of a WhatsApp Web link with EB393, never a raw check
 * violation, whichever path tries; its limit may change. */
static void
test_guardas(void **state)
{
    struct fx *f = *state;
    struct err e = { 0 };

    cloud(f, "wc_p1", "111");
    dbt_refused(
        db_wa_guardar_credenciales(f->p1, "5215500000001@s.whatsapp.net", BLOB, sizeof BLOB, &e),
        &e, "EB393");
    assert_non_null(strstr(e.msg, "API oficial de WhatsApp"));
    dbt_refused(db_wa_cambiar_estado(f->p1, "VINCULANDO", NULL, &e), &e, "EB393");
    dbt_refused(db_wa_cambiar_estado(f->p1, "CONECTADA", NULL, &e), &e, "EB393");
    dbt_refused(db_wa_desvincular(f->p1, &e), &e, "EB393");
    dbt_expect_refusal(f->p1, "EB393", "SELECT api.wa_configurar(envio_servidor => false)");
    dbt_expect_refusal(f->p1, "EB393",
                       "SELECT api.wa_remitente_guardar_credenciales(crm.yo(), '\\x01')");
    dbt_expect_refusal(
        f->adm, "EB393",
        "UPDATE crm.wa_cuentas SET estado = 'SIN_VINCULAR' WHERE proveedor = 'CLOUD'");
    dbt_expect_refusal(
        f->adm, "EB393",
        "UPDATE crm.wa_cuentas SET credenciales = '\\x01' WHERE proveedor = 'CLOUD'");
    dbt_expect_refusal(f->adm, "EB393",
                       "UPDATE crm.wa_cuentas SET estado = 'REQUIERE_VINCULO'"
                       " WHERE proveedor = 'CLOUD'");
    dbt_exec(f->p1, "SELECT api.wa_configurar(limite_diario => 50)");
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT concat_ws('|', limite_diario, envio_servidor)"
                                       " FROM crm.wa_cuentas WHERE usuario_id = %d",
                                       f->id1),
                        "50|t");

    /* Its sender: CONECTADA without credentials; Meta refusing the token is no re-link. */
    assert_int_equal(db_sender_estado(f->adm, f->id1, "CONECTADA", NULL, &e), RC_OK);
    assert_int_equal(db_sender_estado(f->adm, f->id1, "REQUIERE_VINCULO", "token rechazado", &e),
                     RC_OK);
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT concat_ws('|', estado, detalle) FROM"
                                       " crm.wa_cuentas WHERE usuario_id = %d",
                                       f->id1),
                        "DESCONECTADA|token rechazado");
    /* A WhatsApp Web account is what it was. */
    dbt_exec(f->p2, "SELECT api.wa_configurar(envio_servidor => true)");
    dbt_refused(db_sender_estado(f->p2, f->id2, "CONECTADA", NULL, &e), &e, "EB333");
    assert_int_equal(
        db_wa_guardar_credenciales(f->p2, "5215500000002@s.whatsapp.net", BLOB, sizeof BLOB, &e),
        RC_OK);
    assert_int_equal(db_sender_estado(f->p2, f->id2, "REQUIERE_VINCULO", NULL, &e), RC_OK);
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT concat_ws('|', estado, credenciales IS NULL) FROM"
                                       " crm.wa_cuentas WHERE usuario_id = %d",
                                       f->id2),
                        "REQUIERE_VINCULO|t");
}

/* Linked for its sender, listed for the server's worker (not for its promoter's), its
 * provider and number for the sender, what Meta said on connecting. */
static void
test_remitente(void **state)
{
    struct fx *f = *state;
    struct db *lis = dbt_connect(f->t, NULL);
    struct db_sender_cuenta cu;
    struct err e = { 0 };
    char numero[DB_WA_CLOUD_NUMERO_MAX + 1];
    bool es_cloud = true;
    int *ids = NULL;
    size_t n = 0;

    cloud(f, "wc_p1", "4455");
    assert_int_equal(db_sender_cuenta(f->adm, f->id1, &cu, &e), RC_OK);
    assert_true(cu.vinculada);
    assert_true(cu.envio_servidor);
    assert_int_equal(db_sender_cuentas_servidor(f->adm, &ids, &n, &e), RC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], f->id1);
    free(ids);
    assert_int_equal(db_sender_cuentas_servidor(f->p1, &ids, &n, &e), RC_OK);
    assert_int_equal(n, 0); /* Meta's token is the server's */
    free(ids);
    dbt_exec(f->adm, "UPDATE crm.wa_cuentas SET estado = 'BLOQUEADA' WHERE usuario_id = %d",
             f->id1);
    assert_int_equal(db_sender_cuentas_servidor(f->adm, &ids, &n, &e), RC_OK);
    assert_int_equal(n, 0);
    free(ids);
    dbt_exec(f->adm, "UPDATE crm.wa_cuentas SET estado = 'DESCONECTADA'");

    assert_int_equal(db_wa_cloud_remitente(f->adm, f->id1, &es_cloud, numero, &e), RC_OK);
    assert_true(es_cloud);
    assert_string_equal(numero, "4455");
    assert_int_equal(db_wa_cloud_remitente(f->p2, f->id2, &es_cloud, numero, &e), RC_OK);
    assert_false(es_cloud); /* WEB, not even a row yet */
    assert_string_equal(numero, "");
    dbt_refused(db_wa_cloud_remitente(f->p2, f->id1, &es_cloud, numero, &e), &e, "EB363");

    /* What Meta reported: the jid, the rating, one notification, none for the same again. */
    dbt_exec(lis, "LISTEN embudo");
    assert_int_equal(db_wa_cloud_conectada(f->adm, f->id1, "5215512345678", "green", &e), RC_OK);
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT concat_ws('|', jid, cloud_calidad) FROM"
                                       " crm.wa_cuentas WHERE usuario_id = %d",
                                       f->id1),
                        "5215512345678@s.whatsapp.net|GREEN");
    {
        char want[96];

        snprintf(want, sizeof want, "{\"tabla\" : \"wa_cuentas\", \"usuario_id\" : %d}", f->id1);
        assert_string_equal(dbt_avisos(lis), want);
    }
    assert_int_equal(db_wa_cloud_conectada(f->p1, f->id1, "5215512345678", "GREEN", &e), RC_OK);
    assert_string_equal(dbt_avisos(lis), "");
    assert_int_equal(db_wa_cloud_conectada(f->adm, f->id1, "5215512345678", NULL, &e), RC_OK);
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT coalesce(cloud_calidad, '-') FROM crm.wa_cuentas"
                                       " WHERE usuario_id = %d",
                                       f->id1),
                        "-");
    dbt_refused(db_wa_cloud_conectada(f->adm, f->id1, "+52 55 1234", NULL, &e), &e, "EB332");
    dbt_refused(db_wa_cloud_conectada(f->adm, f->id1, "5215512345678", "muy buena", &e), &e,
                "EB332");
    dbt_refused(db_wa_cloud_conectada(f->p2, f->id1, "5215512345678", NULL, &e), &e, "EB363");
    dbt_refused(db_wa_cloud_conectada(f->p2, f->id2, "5215512345678", NULL, &e), &e, "EB393");
    db_close(lis);
}

/* No warm-up ramp for a CLOUD number: the cap, today's allowance, the plan and the claim. */
static void
test_tope(void **state)
{
    struct fx *f = *state;
    struct db_wa_cuenta c;
    struct db_mensaje m;
    struct err e = { 0 };
    char estado[16];
    bool found;
    long long cid;

    /* A WhatsApp Web number first used today: 20 today (020's ramp). */
    assert_int_equal(
        db_wa_guardar_credenciales(f->p2, "5215500000002@s.whatsapp.net", BLOB, sizeof BLOB, &e),
        RC_OK);
    assert_int_equal(dbt_scalar_ll(f->t, f->adm,
                                   "SELECT crm.wa_tope_cuenta(%d, crm.fecha_negocio(now()))",
                                   f->id2),
                     20);
    cloud(f, "wc_p1", "111");
    assert_int_equal(dbt_scalar_ll(f->t, f->adm,
                                   "SELECT crm.wa_tope_cuenta(%d, crm.fecha_negocio(now()))",
                                   f->id1),
                     180);
    assert_int_equal(db_wa_cuenta(f->p1, &c, &e), RC_OK);
    assert_int_equal(c.tope_hoy, 180);
    db_wa_cuenta_fini(&c);
    /* Creation: no jid needed yet; 24 recipients all today (the ramp would take 20). */
    dbt_exec(f->p1, "BEGIN");
    assert_string_equal(
        dbt_scalar_tmp(f->t, f->p1,
                       "SELECT concat_ws('|', destinatarios, hoy, tope_hoy,"
                       " mensaje) FROM api.campana_crear('Nuevo', 'Hola {nombre}')"),
        "24|24|180|hoy puede enviar 180: límite 180, ya enviados 0");
    dbt_exec(f->p1, "ROLLBACK");
    /* The claim: with a ramp starting at 1, the CLOUD account still sends its limit. */
    dbt_exec(f->adm,
             "UPDATE crm.wa_ajustes SET rampa_inicio = 1;"
             "UPDATE crm.wa_cuentas SET limite_diario = 2 WHERE usuario_id = %d",
             f->id1);
    assert_int_equal(dbt_scalar_ll(f->t, f->adm,
                                   "SELECT crm.wa_tope_cuenta(%d, crm.fecha_negocio(now()))",
                                   f->id2),
                     1);
    cid = lista(f, f->p1, 3, true);
    assert_int_equal(db_campana_accion(f->p1, cid, DB_CAMPANA_LANZAR, estado, &e), RC_OK);
    assert_int_equal(db_sender_estado(f->adm, f->id1, "CONECTADA", NULL, &e), RC_OK);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(db_mensaje_reclamar(f->adm, f->id1, &m, &found, &e), RC_OK);
        assert_int_equal(found, i < 2); /* 2 = the limit, not the ramp's 1 */
        if (found)
            db_mensaje_fini(&m);
    }
}

/* ---- templates -------------------------------------------------------------------------- */

static void
test_plantilla_meta(void **state)
{
    struct fx *f = *state;
    struct db *sup = dbt_connect(f->t, "wc_sup");
    struct err e = { 0 };
    long long pid, otra, comp;

    pid = dbt_scalar_ll(f->t, f->p1,
                        "SELECT api.plantilla_guardar('Nuevo', 'aviso',"
                        " 'Hola {nombre}, su convenio {convenio} {{vigente}}')");
    assert_int_equal(db_plantilla_meta(f->p1, pid, "aviso_convenio", NULL, &e), RC_OK);
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT concat_ws('|', meta_nombre, meta_idioma) FROM"
                                       " crm.plantillas WHERE id = %lld",
                                       pid),
                        "aviso_convenio|es_MX");
    assert_int_equal(db_plantilla_meta(f->p1, pid, "aviso_convenio_2", "es", &e), RC_OK);
    assert_string_equal(
        dbt_scalar_tmp(f->t, f->adm, "SELECT meta_idioma FROM crm.plantillas WHERE id = %lld", pid),
        "es");
    dbt_refused(db_plantilla_meta(f->p1, pid, "Aviso", "es_MX", &e), &e, "EB394");
    dbt_refused(db_plantilla_meta(f->p1, pid, "aviso-convenio", "es_MX", &e), &e, "EB394");
    dbt_refused(db_plantilla_meta(f->p1, pid, "aviso", "es_mx", &e), &e, "EB394");
    dbt_refused(db_plantilla_meta(f->p1, pid, "aviso", "espanol", &e), &e, "EB394");
    {
        char nombre[514];

        memset(nombre, 'a', 513);
        nombre[513] = '\0';
        dbt_refused(db_plantilla_meta(f->p1, pid, nombre, "es_MX", &e), &e, "EB394");
        nombre[512] = '\0';
        dbt_ok(db_plantilla_meta(f->p1, pid, nombre, "es_MX", &e), &e);
        dbt_ok(db_plantilla_meta(f->p1, pid, "aviso_convenio_2", "es", &e), &e);
    }
    /* Not yours, or not there: the same answer. */
    dbt_refused(db_plantilla_meta(f->p2, pid, "aviso", "es_MX", &e), &e, "EB342");
    dbt_refused(db_plantilla_meta(sup, pid, "aviso", "es_MX", &e), &e, "EB342");
    dbt_refused(db_plantilla_meta(f->p1, 999999, "aviso", "es_MX", &e), &e, "EB342");
    /* A mapped template cannot take spintax on save; literal braces are no spintax. */
    dbt_expect_refusal(
        f->p1, "EB394",
        "SELECT api.plantilla_guardar('Nuevo', 'aviso', '{Hola|Buen día} {nombre}')");
    dbt_exec(f->p1, "SELECT api.plantilla_guardar('Nuevo', 'aviso', 'Buen día {nombre} {{a|b}}')");
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT concat_ws('|', texto, meta_nombre) FROM"
                                       " crm.plantillas WHERE id = %lld",
                                       pid),
                        "Buen día {nombre} {{a|b}}|aviso_convenio_2");
    /* A template with spintax cannot be mapped. */
    otra = dbt_scalar_ll(f->t, f->p1,
                         "SELECT api.plantilla_guardar('Nuevo', 'variada',"
                         " '{Hola {nombre}|Buen día {nombre}, {qué tal|cómo está}}')");
    dbt_refused(db_plantilla_meta(f->p1, otra, "variada", "es_MX", &e), &e, "EB394");
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT coalesce(meta_nombre, '-') FROM crm.plantillas"
                                       " WHERE id = %lld",
                                       otra),
                        "-");
    /* A NULL name removes the mapping: spintax is fine again. */
    assert_int_equal(db_plantilla_meta(f->p1, pid, NULL, "es_MX", &e), RC_OK);
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT concat_ws('|', coalesce(meta_nombre, '-'),"
                                       " coalesce(meta_idioma, '-')) FROM crm.plantillas"
                                       " WHERE id = %lld",
                                       pid),
                        "-|-");
    dbt_exec(f->p1, "SELECT api.plantilla_guardar('Nuevo', 'aviso', '{Hola|Buen día} {nombre}')");
    /* A shared template: the admin's to map. */
    comp = dbt_scalar_ll(f->t, f->admu,
                         "SELECT api.plantilla_guardar('Nuevo', 'comun', 'Hola {nombre}', true)");
    dbt_refused(db_plantilla_meta(f->p1, comp, "comun", "es_MX", &e), &e, "EB342");
    assert_int_equal(db_plantilla_meta(f->admu, comp, "comun", "es_MX", &e), RC_OK);
    /* The spintax test, case by case (crm.plantilla_error's reading of braces). */
    assert_string_equal(
        dbt_scalar_tmp(f->t, f->adm,
                       "SELECT string_agg(crm.plantilla_tiene_variaciones(t)::text, ','"
                       " ORDER BY k) FROM unnest(ARRAY['Hola {nombre}', '{a|b}', '{{a|b}}',"
                       " 'x {{ {nombre} }} y', '{ {a|b} c|d}', '{{{a|b}}}', '', 'a | b'])"
                       " WITH ORDINALITY u(t, k)"),
        "false,true,false,false,true,true,false,false");
    db_close(sup);
}

/* ---- campaigns -------------------------------------------------------------------------- */

/* api.campana_meta's checks, one savepoint each, then the values stored. */
static void
test_campana_meta(void **state)
{
    struct fx *f = *state;
    struct err e = { 0 };
    int64_t ids[8] = { 0 }, mal[8] = { 0 };
    const char *uno[8][1] = { { "a" }, { "b" }, { "c" }, { "d" } };
    const char *const *par[8];
    char largo[1026];
    const char *largos[1] = { largo };
    const char *vacio[1] = { "" };
    const char *veinte[21];
    struct db *sup = dbt_connect(f->t, "wc_sup");
    size_t n;
    long long cid, otra;

    cloud(f, "wc_p1", "111");
    otra = borrador(f, f->p1, "{Hola|Buen día} {nombre}", 1);
    dbt_exec(f->p1, "SAVEPOINT s");
    n = pendientes(f, f->p1, otra, ids, 8);
    assert_int_equal(n, 1);
    par[0] = uno[0];
    dbt_refused(db_campana_meta(f->p1, otra, "aviso", "es_MX", ids, par, 1, 1, &e), &e, "EB394");
    dbt_exec(f->p1, "ROLLBACK");

    cid = borrador(f, f->p1, "Hola {nombre}", 3);
    n = pendientes(f, f->p1, cid, ids, 8);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < 4; i++)
        par[i] = uno[i];
#define PRUEBA(call, code)                          \
    do {                                            \
        dbt_exec(f->p1, "SAVEPOINT s");             \
        dbt_refused((call), &e, (code));            \
        dbt_exec(f->p1, "ROLLBACK TO SAVEPOINT s"); \
    } while (0)
    PRUEBA(db_campana_meta(f->p1, cid, "Aviso", "es_MX", ids, par, 3, 1, &e), "EB394");
    PRUEBA(db_campana_meta(f->p1, cid, "aviso", "es-MX", ids, par, 3, 1, &e), "EB394");
    PRUEBA(db_campana_meta(f->p1, cid, NULL, "es_MX", ids, par, 3, 1, &e), "EB394");
    PRUEBA(db_campana_meta(f->p1, cid, "aviso", "es_MX", ids, par, 2, 1, &e), "EB357");
    memcpy(mal, ids, sizeof ids);
    mal[2] = mal[1];
    PRUEBA(db_campana_meta(f->p1, cid, "aviso", "es_MX", mal, par, 3, 1, &e), "EB357");
    mal[2] = ids[2] + 1000;
    PRUEBA(db_campana_meta(f->p1, cid, "aviso", "es_MX", mal, par, 3, 1, &e), "EB357");
    mal[2] = ids[2];
    mal[3] = 424242;
    PRUEBA(db_campana_meta(f->p1, cid, "aviso", "es_MX", mal, par, 4, 1, &e), "EB357");
    PRUEBA(dbt_try(f->p1, &e,
                   "SELECT api.campana_meta(%lld, 'aviso', 'es_MX', '{%lld,%lld,%lld}',"
                   " '[[\"a\"], [\"a\", \"b\"], [\"c\"]]')",
                   cid, (long long)ids[0], (long long)ids[1], (long long)ids[2]),
           "EB357");
    par[1] = vacio;
    PRUEBA(db_campana_meta(f->p1, cid, "aviso", "es_MX", ids, par, 3, 1, &e), "EB357");
    memset(largo, 'x', 1025);
    largo[1025] = '\0';
    par[1] = largos;
    PRUEBA(db_campana_meta(f->p1, cid, "aviso", "es_MX", ids, par, 3, 1, &e), "EB357");
    for (size_t k = 0; k < 21; k++)
        veinte[k] = "v";
    par[0] = par[1] = par[2] = veinte;
    PRUEBA(db_campana_meta(f->p1, cid, "aviso", "es_MX", ids, par, 3, 21, &e), "EB357");
    PRUEBA(dbt_try(f->p1, &e,
                   "SELECT api.campana_meta(%lld, 'aviso', 'es_MX', '{%lld,%lld,%lld}',"
                   " '{\"a\": 1}')",
                   cid, (long long)ids[0], (long long)ids[1], (long long)ids[2]),
           "EB357");
    PRUEBA(dbt_try(f->p1, &e,
                   "SELECT api.campana_meta(%lld, 'aviso', 'es_MX', '{%lld,%lld,%lld}',"
                   " '[[1], [2], [3]]')",
                   cid, (long long)ids[0], (long long)ids[1], (long long)ids[2]),
           "EB357");
    PRUEBA(db_campana_meta(f->p1, 999999, "aviso", "es_MX", ids, par, 3, 1, &e), "EB355");
    /* Exactly 20 values, one message without (its text will be missing): accepted. */
    par[0] = veinte;
    par[1] = NULL;
    par[2] = veinte;
    assert_int_equal(db_campana_meta(f->p1, cid, "aviso_convenio", "es_MX", ids, par, 3, 20, &e),
                     RC_OK);
    assert_string_equal(dbt_scalar_tmp(f->t, f->p1,
                                       "SELECT concat_ws('|', meta_nombre, meta_idioma) FROM"
                                       " crm.wa_campanas WHERE id = %lld",
                                       cid),
                        "aviso_convenio|es_MX");
    assert_string_equal(dbt_scalar_tmp(f->t, f->p1,
                                       "SELECT string_agg(coalesce(jsonb_array_length(parametros)"
                                       "::text, '-'), ',' ORDER BY id) FROM crm.wa_mensajes"
                                       " WHERE campana_id = %lld AND estado = 'PENDIENTE'",
                                       cid),
                        "20,-,20");
    /* Called again, it replaces. */
    par[0] = uno[0];
    par[1] = uno[1];
    par[2] = uno[2];
    assert_int_equal(db_campana_meta(f->p1, cid, "aviso_convenio", "es_MX", ids, par, 3, 1, &e),
                     RC_OK);
    assert_string_equal(dbt_scalar_tmp(f->t, f->p1,
                                       "SELECT string_agg(parametros::text, ',' ORDER BY id)"
                                       " FROM crm.wa_mensajes WHERE campana_id = %lld",
                                       cid),
                        "[\"a\"],[\"b\"],[\"c\"]");
    textos(f->p1, cid);
    /* LISTA now: too late for its creator; never for anyone else (a supervisor may operate
     * the campaign, not fill it). */
    dbt_refused(db_campana_meta(f->p1, cid, "aviso_convenio", "es_MX", ids, par, 3, 1, &e), &e,
                "EB356");
    dbt_refused(db_campana_meta(f->p2, cid, "aviso_convenio", "es_MX", ids, par, 3, 1, &e), &e,
                "EB355");
    dbt_refused(db_campana_meta(sup, cid, "aviso_convenio", "es_MX", ids, par, 3, 1, &e), &e,
                "EB355");
    db_close(sup);
#undef PRUEBA
}

/* Launch and resume of a CLOUD account's campaign need its approved template; a mapped one
 * needs every pending message's values; the admin's switch pauses what could not go out, and
 * says why. */
static void
test_lanzar(void **state)
{
    struct fx *f = *state;
    struct err e = { 0 };
    struct db_campana_estado s;
    char estado[16];
    long long sin, con, web;
    int64_t ids[4];
    const char *uno[1] = { "a" };
    const char *const *par[2] = { uno, NULL };

    cloud(f, "wc_p1", "111");
    sin = lista(f, f->p1, 2, false);
    dbt_refused(db_campana_accion(f->p1, sin, DB_CAMPANA_LANZAR, estado, &e), &e, "EB395");
    assert_non_null(strstr(e.msg, "plantilla aprobada en Meta"));
    assert_string_equal(
        dbt_scalar_tmp(f->t, f->adm, "SELECT estado FROM crm.wa_campanas WHERE id = %lld", sin),
        "LISTA");
    assert_int_equal(db_campana_accion(f->p1, sin, DB_CAMPANA_CANCELAR, estado, &e), RC_OK);
    con = lista(f, f->p1, 2, true);
    assert_int_equal(db_campana_accion(f->p1, con, DB_CAMPANA_LANZAR, estado, &e), RC_OK);
    assert_string_equal(estado, "ENVIANDO");
    assert_int_equal(db_campana_accion(f->p1, con, DB_CAMPANA_PAUSAR, estado, &e), RC_OK);
    assert_int_equal(db_campana_accion(f->p1, con, DB_CAMPANA_REANUDAR, estado, &e), RC_OK);
    assert_string_equal(estado, "ENVIANDO");
    assert_int_equal(db_campana_accion(f->p1, con, DB_CAMPANA_CANCELAR, estado, &e), RC_OK);

    /* A message left without values but given a text: the campaign cannot start. */
    con = borrador(f, f->p1, "Hola {nombre}", 2);
    assert_int_equal(pendientes(f, f->p1, con, ids, 4), 2);
    assert_int_equal(db_campana_meta(f->p1, con, "aviso", "es_MX", ids, par, 2, 1, &e), RC_OK);
    textos(f->p1, con);
    dbt_refused(db_campana_accion(f->p1, con, DB_CAMPANA_LANZAR, estado, &e), &e, "EB357");
    assert_int_equal(db_campana_accion(f->p1, con, DB_CAMPANA_CANCELAR, estado, &e), RC_OK);

    /* A WhatsApp Web campaign needs nothing of the kind… until its account becomes CLOUD. */
    assert_int_equal(
        db_wa_guardar_credenciales(f->p2, "5215500000002@s.whatsapp.net", BLOB, sizeof BLOB, &e),
        RC_OK);
    web = lista(f, f->p2, 2, false);
    assert_int_equal(db_campana_accion(f->p2, web, DB_CAMPANA_LANZAR, estado, &e), RC_OK);
    assert_string_equal(estado, "ENVIANDO");
    cloud(f, "wc_p2", "222");
    assert_string_equal(
        dbt_scalar_tmp(f->t, f->adm, "SELECT estado FROM crm.wa_campanas WHERE id = %lld", web),
        "PAUSADA");
    dbt_refused(db_campana_accion(f->p2, web, DB_CAMPANA_REANUDAR, estado, &e), &e, "EB395");
    /* …and the campaign says why it paused (sql/102), to her and to db_campana_estado. */
    assert_int_equal(db_campana_estado(f->p2, web, &s, &e), RC_OK);
    assert_non_null(s.pausa_motivo);
    assert_non_null(strstr(s.pausa_motivo, "La cuenta pasó a la API oficial de WhatsApp"));
    db_campana_estado_fini(&s);
}

/* The template and values of a message for its sender; none for an unmapped campaign. */
static void
test_plantilla_mensaje(void **state)
{
    struct fx *f = *state;
    struct db_wa_cloud_plantilla pl;
    struct err e = { 0 };
    int64_t ids[4];
    bool found = false;
    long long con, sin;

    cloud(f, "wc_p1", "111");
    con = lista(f, f->p1, 2, true);
    sin = lista(f, f->p1, 1, false); /* the next recipients: 2 are in con */
    assert_int_equal(pendientes(f, f->adm, con, ids, 4), 2);
    assert_int_equal(db_wa_cloud_plantilla_mensaje(f->adm, ids[1], &pl, &found, &e), RC_OK);
    assert_true(found);
    assert_string_equal(pl.nombre, "aviso_convenio");
    assert_string_equal(pl.idioma, "es_MX");
    assert_int_equal(pl.nparametros, 1);
    {
        char want[24];

        snprintf(want, sizeof want, "v%lld", (long long)ids[1]);
        assert_string_equal(pl.parametros[0], want);
    }
    db_wa_cloud_plantilla_fini(&pl);
    /* Several values keep their order; none at all is an empty list. */
    dbt_exec(f->adm,
             "UPDATE crm.wa_mensajes SET parametros = '[\"uno\", \"dos\", \"tres\"]'"
             " WHERE id = %lld;"
             "UPDATE crm.wa_mensajes SET parametros = '[]' WHERE id = %lld",
             (long long)ids[0], (long long)ids[1]);
    assert_int_equal(db_wa_cloud_plantilla_mensaje(f->p1, ids[0], &pl, &found, &e), RC_OK);
    assert_int_equal(pl.nparametros, 3);
    assert_string_equal(pl.parametros[0], "uno");
    assert_string_equal(pl.parametros[2], "tres");
    db_wa_cloud_plantilla_fini(&pl);
    assert_int_equal(db_wa_cloud_plantilla_mensaje(f->p1, ids[1], &pl, &found, &e), RC_OK);
    assert_true(found);
    assert_int_equal(pl.nparametros, 0);
    assert_null(pl.parametros);
    db_wa_cloud_plantilla_fini(&pl);
    assert_int_equal(pendientes(f, f->adm, sin, ids, 4), 1);
    assert_int_equal(db_wa_cloud_plantilla_mensaje(f->p1, ids[0], &pl, &found, &e), RC_OK);
    assert_false(found);
    dbt_refused(db_wa_cloud_plantilla_mensaje(f->p2, ids[0], &pl, &found, &e), &e, "EB360");
    dbt_refused(db_wa_cloud_plantilla_mensaje(f->p1, 999999, &pl, &found, &e), &e, "EB360");
}

/* ---- failures after Meta took the message ------------------------------------------------ */

/* Meta's late `failed` for a CLOUD account's message; delivered and read never fail; a
 * WhatsApp Web account's sent message never does. A retry carries template and values. */
static void
test_fallo_tardio(void **state)
{
    struct fx *f = *state;
    struct db_mensaje m;
    struct err e = { 0 };
    char estado[16];
    bool found, cambio;
    int64_t tarde, entregado, pronto, web;
    long long cid, wid;

    cloud(f, "wc_p1", "111");
    cid = lista(f, f->p1, 3, true);
    assert_int_equal(db_campana_accion(f->p1, cid, DB_CAMPANA_LANZAR, estado, &e), RC_OK);
    assert_int_equal(db_sender_estado(f->adm, f->id1, "CONECTADA", NULL, &e), RC_OK);
    assert_int_equal(db_mensaje_reclamar(f->adm, f->id1, &m, &found, &e), RC_OK);
    tarde = m.id;
    db_mensaje_fini(&m);
    assert_int_equal(db_mensaje_enviado(f->adm, tarde, "wamid.1", &cambio, &e), RC_OK);
    assert_int_equal(db_mensaje_reclamar(f->adm, f->id1, &m, &found, &e), RC_OK);
    entregado = m.id;
    db_mensaje_fini(&m);
    assert_int_equal(db_mensaje_enviado(f->adm, entregado, "wamid.2", &cambio, &e), RC_OK);
    assert_int_equal(db_mensaje_recibo(f->adm, "wamid.2", false, 0, &cambio, &e), RC_OK);
    /* Meta refused the third one in its answer: failed before it was sent, as ever. */
    assert_int_equal(db_mensaje_reclamar(f->adm, f->id1, &m, &found, &e), RC_OK);
    pronto = m.id;
    db_mensaje_fini(&m);
    assert_int_equal(db_mensaje_fallido(f->adm, pronto, "132001", &cambio, &e), RC_OK);

    /* Meta's `failed` after its 200: ENVIADO → FALLIDO, the send time kept. */
    assert_int_equal(db_mensaje_fallido(f->adm, tarde, "131047", &cambio, &e), RC_OK);
    assert_true(cambio);
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT concat_ws('|', estado, error, enviado_at IS NOT"
                                       " NULL) FROM crm.wa_mensajes WHERE id = %lld",
                                       (long long)tarde),
                        "FALLIDO|131047|t");
    assert_int_equal(db_mensaje_fallido(f->adm, tarde, "131047", &cambio, &e), RC_OK);
    assert_false(cambio);
    /* A receipt that arrives after it changes nothing, alone or in a batch. */
    assert_int_equal(db_mensaje_recibo(f->adm, "wamid.1", false, 0, &cambio, &e), RC_OK);
    assert_false(cambio);
    dbt_exec(f->adm,
             "SELECT * FROM api.envio_lote(%d, '{}', '{}', '{}', '{wamid.1,wamid.2}', '{f,t}',"
             " '{NULL,NULL}', '{}', '{}', '{}')",
             f->id1);
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT string_agg(estado, ',' ORDER BY id) FROM"
                                       " crm.wa_mensajes WHERE campana_id = %lld",
                                       cid),
                        "FALLIDO,LEIDO,FALLIDO");
    /* Delivered and read never fail. */
    dbt_refused(db_mensaje_fallido(f->adm, entregado, "131047", &cambio, &e), &e, "EB361");
    dbt_expect_refusal(f->adm, "EB390",
                       "UPDATE crm.wa_mensajes SET estado = 'FALLIDO'"
                       " WHERE estado = 'LEIDO'");

    /* The retry: the template and the values go along. The late failure reached Meta (it
     * counted it, and so does the cap): a recent contact, skipped. */
    assert_string_equal(dbt_scalar_tmp(f->t, f->p1,
                                       "SELECT concat_ws('|', destinatarios, omitidos) FROM"
                                       " api.campana_reintentar(%lld)",
                                       cid),
                        "1|1");
    {
        char want[96];

        snprintf(want, sizeof want, "aviso_convenio|es_MX|[\"v%lld\"]|PENDIENTE",
                 (long long)pronto);
        assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                           "SELECT concat_ws('|', c.meta_nombre, c.meta_idioma,"
                                           " m.parametros::text, m.estado) FROM crm.wa_campanas c"
                                           " JOIN crm.wa_mensajes m ON m.campana_id = c.id"
                                           " WHERE c.filtros ? 'reintenta' AND m.oportunidad_id ="
                                           " (SELECT oportunidad_id FROM crm.wa_mensajes"
                                           " WHERE id = %lld)",
                                           (long long)pronto),
                            want);
    }
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT m.error FROM crm.wa_campanas c"
                                       " JOIN crm.wa_mensajes m ON m.campana_id = c.id"
                                       " WHERE c.filtros ? 'reintenta' AND m.estado = 'OMITIDO'"),
                        "RECIENTE");

    /* A WhatsApp Web account's sent message does not fail afterwards, as before. */
    assert_int_equal(
        db_wa_guardar_credenciales(f->p2, "5215500000002@s.whatsapp.net", BLOB, sizeof BLOB, &e),
        RC_OK);
    wid = lista(f, f->p2, 1, false);
    assert_int_equal(db_campana_accion(f->p2, wid, DB_CAMPANA_LANZAR, estado, &e), RC_OK);
    assert_int_equal(db_mensaje_reclamar(f->p2, f->id2, &m, &found, &e), RC_OK);
    assert_true(found);
    web = m.id;
    db_mensaje_fini(&m);
    assert_int_equal(db_mensaje_enviado(f->p2, web, "3EB0WEB", &cambio, &e), RC_OK);
    dbt_refused(db_mensaje_fallido(f->p2, web, "479", &cambio, &e), &e, "EB361");
    dbt_expect_refusal(f->adm, "EB390",
                       "UPDATE crm.wa_mensajes SET estado = 'FALLIDO'"
                       " WHERE wa_id = '3EB0WEB'");
}

/* ---- the webhook ------------------------------------------------------------------------ */

/* Two businesses' entries: p1's number with two statuses of one message, a client's text and
 * an account_update change (not for the queue); p2's number with a failure and a status
 * without an id; a number nobody has with three events. */
static const char CUERPO[] =
    "{\"object\":\"whatsapp_business_account\",\"entry\":["
    "{\"id\":\"WABA1\",\"changes\":["
    "{\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\","
    "\"metadata\":{\"display_phone_number\":\"15550001111\",\"phone_number_id\":\"1000000001\"},"
    "\"statuses\":[{\"id\":\"wamid.A1\",\"status\":\"sent\",\"timestamp\":\"1700000000\","
    "\"recipient_id\":\"5215500000001\",\"biz_opaque_callback_data\":\"3EB00000000000000001\"},"
    "{\"id\":\"wamid.A1\",\"status\":\"delivered\",\"timestamp\":\"1700000001\","
    "\"recipient_id\":\"5215500000001\"}],"
    "\"contacts\":[{\"profile\":{\"name\":\"Ana\"},\"wa_id\":\"5215500000002\"}],"
    "\"messages\":[{\"from\":\"5215500000002\",\"id\":\"wamid.IN1\",\"timestamp\":\"1700000002\","
    "\"type\":\"text\",\"text\":{\"body\":\"Hola, ¿qué tal?\"}}]}},"
    "{\"field\":\"account_update\",\"value\":{\"event\":\"VERIFIED_ACCOUNT\"}}]},"
    "{\"id\":\"WABA2\",\"changes\":["
    "{\"field\":\"messages\",\"value\":{\"metadata\":{\"phone_number_id\":\"1000000002\"},"
    "\"statuses\":[{\"id\":\"wamid.B1\",\"status\":\"failed\",\"timestamp\":\"1700000003\","
    "\"errors\":[{\"code\":131026,\"title\":\"Message undeliverable\"}]},"
    "{\"status\":\"read\",\"timestamp\":\"1700000004\"}]}},"
    "{\"field\":\"messages\",\"value\":{\"metadata\":{\"phone_number_id\":\"999\"},"
    "\"statuses\":[{\"id\":\"wamid.X\",\"status\":\"sent\"},{\"id\":\"wamid.X\","
    "\"status\":\"delivered\"}],\"messages\":[{\"id\":\"wamid.X2\",\"from\":\"1\"}]}}]}]}";

/* Meta's 131050 (the client stopped marketing messages from the business) is an opt-out: the
 * phone is in crm.wa_bajas with the rule and the message, the padron client blocked OPT_OUT.
 * Another code is only a failure. */
static void
test_baja_131050(void **state)
{
    struct fx *f = *state;
    struct db_mensaje m;
    struct err e = { 0 };
    char estado[16];
    bool found, cambio;
    int64_t primero, segundo;
    long long cid;

    cloud(f, "wc_p1", "111");
    cid = lista(f, f->p1, 2, true);
    assert_int_equal(db_campana_accion(f->p1, cid, DB_CAMPANA_LANZAR, estado, &e), RC_OK);
    assert_int_equal(db_sender_estado(f->adm, f->id1, "CONECTADA", NULL, &e), RC_OK);
    assert_int_equal(db_mensaje_reclamar(f->adm, f->id1, &m, &found, &e), RC_OK);
    primero = m.id;
    db_mensaje_fini(&m);
    assert_int_equal(db_mensaje_reclamar(f->adm, f->id1, &m, &found, &e), RC_OK);
    segundo = m.id;
    db_mensaje_fini(&m);
    assert_int_equal(db_mensaje_enviado(f->adm, primero, "wamid.a", &cambio, &e), RC_OK);
    assert_int_equal(db_mensaje_enviado(f->adm, segundo, "wamid.b", &cambio, &e), RC_OK);

    assert_int_equal(db_mensaje_fallido(f->adm, primero, "131050", &cambio, &e), RC_OK);
    assert_true(cambio);
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT concat_ws('|', b.regla, b.mensaje_id = %lld,"
                                       " (SELECT count(*) FROM crm.bloqueos k JOIN"
                                       " crm.oportunidades o ON o.cliente_id = k.cliente_id"
                                       " WHERE o.id = m.oportunidad_id AND k.motivo = 'OPT_OUT'"
                                       " AND k.hasta IS NULL)) FROM crm.wa_mensajes m"
                                       " JOIN crm.wa_bajas b ON b.telefono = m.telefono"
                                       " WHERE m.id = %lld",
                                       (long long)primero, (long long)primero),
                        "META_131050|t|1");
    /* Any other late failure is only a failure. */
    assert_int_equal(db_mensaje_fallido(f->adm, segundo, "131026", &cambio, &e), RC_OK);
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT count(*) FROM crm.wa_bajas b JOIN crm.wa_mensajes"
                                       " m ON m.telefono = b.telefono WHERE m.id = %lld",
                                       (long long)segundo),
                        "0");
}

static void
test_recibir(void **state)
{
    struct fx *f = *state;
    struct db *lis = dbt_connect(f->t, NULL);
    struct err e = { 0 };
    int ev = -1, aj = -1;
    char want[256];

    cloud(f, "wc_p1", "1000000001");
    cloud(f, "wc_p2", "1000000002");
    denied(db_wa_cloud_recibir(f->p1, CUERPO, strlen(CUERPO), &ev, &aj, &e), &e);
    dbt_role(f->t, "wc_fantasma", "embudo_admin"); /* the grant, but no admin user */
    {
        struct db *fantasma = dbt_connect(f->t, "wc_fantasma");

        denied(db_wa_cloud_recibir(fantasma, CUERPO, strlen(CUERPO), &ev, &aj, &e), &e);
        db_close(fantasma);
    }
    static const char *const malos[] = { "no es json",     "",
                                         "[1, 2]",         "{\"object\":\"page\"}",
                                         "{\"entry\":[]}", "\"whatsapp_business_account\"" };
    for (size_t i = 0; i < sizeof malos / sizeof malos[0]; i++)
        dbt_refused(db_wa_cloud_recibir(f->admu, malos[i], strlen(malos[i]), &ev, &aj, &e), &e,
                    "EB397");
    dbt_refused(db_wa_cloud_recibir(f->adm, "{\"object\"\0:1}", 13, &ev, &aj, &e), &e, "EB397");
    dbt_refused(db_wa_cloud_recibir(f->adm, "{\"object\":\"\xff\"}", 14, &ev, &aj, &e), &e,
                "EB397");
    assert_int_equal(dbt_scalar_ll(f->t, f->adm, "SELECT count(*) FROM crm.wa_cloud_eventos"), 0);

    dbt_exec(lis, "LISTEN embudo");
    assert_int_equal(db_wa_cloud_recibir(f->admu, CUERPO, strlen(CUERPO), &ev, &aj, &e), RC_OK);
    assert_int_equal(ev, 4);
    assert_int_equal(aj, 4); /* 3 of number 999, 1 without an id */
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT string_agg(concat_ws(' ', u.login, e.tipo, e.clave,"
                                       " e.datos ->> 'timestamp'), '; ' ORDER BY e.id)"
                                       " FROM crm.wa_cloud_eventos e"
                                       " JOIN crm.usuarios u ON u.id = e.usuario_id"),
                        "wc_p1 ESTADO wamid.A1:sent 1700000000; wc_p1 ESTADO wamid.A1:delivered"
                        " 1700000001; wc_p1 MENSAJE wamid.IN1 1700000002; wc_p2 ESTADO"
                        " wamid.B1:failed 1700000003");
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT datos #>> '{text,body}' FROM crm.wa_cloud_eventos"
                                       " WHERE tipo = 'MENSAJE'"),
                        "Hola, ¿qué tal?");
    snprintf(want, sizeof want,
             "{\"tabla\" : \"wa_cloud_eventos\", \"usuario_id\" : %d};"
             "{\"tabla\" : \"wa_cloud_eventos\", \"usuario_id\" : %d}",
             f->id1 < f->id2 ? f->id1 : f->id2, f->id1 < f->id2 ? f->id2 : f->id1);
    assert_string_equal(dbt_avisos(lis), want);

    /* Meta's retry: stored once, nobody woken. A new status of the same message: a row. */
    assert_int_equal(db_wa_cloud_recibir(f->adm, CUERPO, strlen(CUERPO), &ev, &aj, &e), RC_OK);
    assert_int_equal(ev, 0);
    assert_int_equal(aj, 4);
    assert_string_equal(dbt_avisos(lis), "");
    {
        static const char leido[] =
            "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"field\":"
            "\"messages\",\"value\":{\"metadata\":{\"phone_number_id\":\"1000000001\"},"
            "\"statuses\":[{\"id\":\"wamid.A1\",\"status\":\"delivered\"},{\"id\":\"wamid.A1\","
            "\"status\":\"read\"}]}}]}]}";

        assert_int_equal(db_wa_cloud_recibir(f->adm, leido, strlen(leido), &ev, &aj, &e), RC_OK);
        assert_int_equal(ev, 1);
        assert_int_equal(aj, 0);
        snprintf(want, sizeof want, "{\"tabla\" : \"wa_cloud_eventos\", \"usuario_id\" : %d}",
                 f->id1);
        assert_string_equal(dbt_avisos(lis), want);
    }
    /* A number given back to WhatsApp Web: its events are nobody's, queued ones gone. */
    {
        bool cambio;

        assert_int_equal(db_wa_cloud_quitar(f->admu, "wc_p2", &cambio, &e), RC_OK);
        assert_int_equal(dbt_scalar_ll(f->t, f->adm,
                                       "SELECT count(*) FROM crm.wa_cloud_eventos"
                                       " WHERE usuario_id = %d",
                                       f->id2),
                         0);
        assert_int_equal(db_wa_cloud_recibir(f->adm, CUERPO, strlen(CUERPO), &ev, &aj, &e), RC_OK);
        assert_int_equal(ev, 0);
        assert_int_equal(aj, 5); /* 999's three, p2's two */
    }
    db_close(lis);
}

/* n statuses "s<i>" for account numero's sender, one body. */
static void
estados(struct fx *f, const char *numero, int n)
{
    char cuerpo[4096];
    struct err e = { 0 };
    int ev, aj, len;

    len = snprintf(cuerpo, sizeof cuerpo,
                   "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"field\":"
                   "\"messages\",\"value\":{\"metadata\":{\"phone_number_id\":\"%s\"},"
                   "\"statuses\":[",
                   numero);
    for (int i = 1; i <= n; i++)
        len += snprintf(cuerpo + len, sizeof cuerpo - (size_t)len,
                        "%s{\"id\":\"s%d\",\"status\":\"sent\"}", i > 1 ? "," : "", i);
    len += snprintf(cuerpo + len, sizeof cuerpo - (size_t)len, "]}}]}]}");
    assert_int_equal(db_wa_cloud_recibir(f->adm, cuerpo, (size_t)len, &ev, &aj, &e), RC_OK);
    assert_int_equal(ev, n);
}

/* The ids of rows, "a,b,c" ("" none); frees them. */
static const char *
ids_txt(struct db_wa_cloud_evento *rows, size_t n)
{
    static char out[256];

    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        snprintf(out + strlen(out), sizeof out - strlen(out), "%s%lld", i ? "," : "",
                 (long long)rows[i].id);
    db_wa_cloud_eventos_free(rows, n);
    return out;
}

static void
test_tomar_hechos(void **state)
{
    struct fx *f = *state;
    struct db *a = dbt_connect(f->t, NULL), *b = dbt_connect(f->t, NULL);
    struct db_wa_cloud_evento *rows = NULL;
    struct err e = { 0 };
    size_t n = 0;
    long long base;
    char want[128];

    cloud(f, "wc_p1", "1000000001");
    cloud(f, "wc_p2", "1000000002");
    estados(f, "1000000001", 6);
    estados(f, "1000000002", 1);
    base = dbt_scalar_ll(f->t, f->adm, "SELECT min(id) - 1 FROM crm.wa_cloud_eventos");

    dbt_refused(db_wa_cloud_tomar(f->p2, f->id1, 10, &rows, &n, &e), &e, "EB363");
    dbt_refused(db_wa_cloud_hechos(f->p2, f->id1, NULL, 0, &e), &e, "EB363");
    dbt_refused(db_wa_cloud_tomar(f->p1, f->id1, 0, &rows, &n, &e), &e, "EB362");
    dbt_refused(db_wa_cloud_tomar(f->p1, f->id1, 501, &rows, &n, &e), &e, "EB362");

    /* Oldest first, with what Meta sent; the promoter's own session may take them too. */
    assert_int_equal(db_wa_cloud_tomar(f->p1, f->id1, 2, &rows, &n, &e), RC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].tipo, DB_WA_CLOUD_ESTADO);
    assert_string_equal(rows[0].datos, "{\"id\": \"s1\", \"status\": \"sent\"}");
    snprintf(want, sizeof want, "%lld,%lld", base + 1, base + 2);
    assert_string_equal(ids_txt(rows, n), want);

    /* Two senders at once take disjoint rows (SKIP LOCKED): b never waits for a's. */
    dbt_exec(b, "SET lock_timeout = '2s'");
    dbt_exec(a, "BEGIN");
    assert_int_equal(db_wa_cloud_tomar(a, f->id1, 2, &rows, &n, &e), RC_OK);
    snprintf(want, sizeof want, "%lld,%lld", base + 3, base + 4);
    assert_string_equal(ids_txt(rows, n), want);
    assert_int_equal(db_wa_cloud_tomar(b, f->id1, 10, &rows, &n, &e), RC_OK);
    snprintf(want, sizeof want, "%lld,%lld", base + 5, base + 6);
    assert_string_equal(ids_txt(rows, n), want);
    dbt_exec(a, "COMMIT");
    /* Everything taken and recent: nothing to take. */
    assert_int_equal(db_wa_cloud_tomar(b, f->id1, 10, &rows, &n, &e), RC_OK);
    assert_string_equal(ids_txt(rows, n), "");

    /* Done ones stay done; another account's ids are left alone. */
    {
        int64_t hechos[] = { base + 1, base + 2, base + 3, base + 7 };

        assert_int_equal(db_wa_cloud_hechos(f->adm, f->id1, hechos, 4, &e), RC_OK);
    }
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT string_agg((id - %lld)::text, ',' ORDER BY id)"
                                       " FROM crm.wa_cloud_eventos WHERE hecho_at IS NOT NULL",
                                       base),
                        "1,2,3");
    /* A sender that died: its rows come back after five minutes, oldest first. */
    dbt_exec(f->adm,
             "UPDATE crm.wa_cloud_eventos SET tomado_at = now() - interval '6 minutes'"
             " WHERE id - %lld IN (1, 5, 6)",
             base);
    assert_int_equal(db_wa_cloud_tomar(b, f->id1, 10, &rows, &n, &e), RC_OK);
    snprintf(want, sizeof want, "%lld,%lld", base + 5, base + 6);
    assert_string_equal(ids_txt(rows, n), want);
    {
        struct db_wa_cloud_cuenta *c = NULL;
        size_t nc = 0;

        assert_int_equal(db_wa_cloud_cuentas(f->adm, &c, &nc, &e), RC_OK);
        assert_int_equal(nc, 2);
        assert_int_equal(c[0].pendientes, 3); /* 4, 5, 6 */
        assert_int_equal(c[1].pendientes, 1);
        db_wa_cloud_cuentas_free(c);
    }
    /* The purge: done more than 7 days ago, when the account's sender takes. */
    dbt_exec(f->adm,
             "UPDATE crm.wa_cloud_eventos SET hecho_at = now() - interval '8 days'"
             " WHERE id - %lld IN (1, 2);"
             "UPDATE crm.wa_cloud_eventos SET hecho_at = now() - interval '6 days'"
             " WHERE id - %lld = 3;"
             "UPDATE crm.wa_cloud_eventos SET hecho_at = now() - interval '8 days'"
             " WHERE usuario_id = %d",
             base, base, f->id2);
    assert_int_equal(db_wa_cloud_tomar(f->p1, f->id1, 1, &rows, &n, &e), RC_OK);
    db_wa_cloud_eventos_free(rows, n);
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT string_agg((id - %lld)::text, ',' ORDER BY id)"
                                       " FROM crm.wa_cloud_eventos",
                                       base),
                        "3,4,5,6,7"); /* p2's old one waits for p2's sender */
    db_close(a);
    db_close(b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_asignar_quitar, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cuentas, setup, teardown),
        cmocka_unit_test_setup_teardown(test_propia, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guardas, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remitente, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tope, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plantilla_meta, setup, teardown),
        cmocka_unit_test_setup_teardown(test_campana_meta, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lanzar, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plantilla_mensaje, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fallo_tardio, setup, teardown),
        cmocka_unit_test_setup_teardown(test_baja_131050, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recibir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tomar_hechos, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
