/* The Signal store in the database (sql/031_wa_signal.sql, src/db/db_signal, src/wa/signal):
 * two promoters' accounts talk to each other through wasig with their stores in
 * PostgreSQL; a "restart" (new objects from the rows) carries the conversation on; rows
 * are sealed (no key bytes in any table); a row copied to another owner or address does
 * not open; one-time pre-keys leave the table when consumed; RLS and the api refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "crypto/seal.h"
#include "db/db.h"
#include "db/db_signal.h"
#include "dbt.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "wa/creds.h"
#include "wa/signal/wasig.h"
#include "wa/wamsg.h"

/* The glue every caller writes: wasig's persistence on db_signal for one account. */
struct pctx {
    struct db *db;
    int64_t cuenta;
};

static int
p_put(void *ctx, enum wasig_table t, const char *key, const uint8_t *blob, size_t len,
      struct err *e)
{
    struct pctx *p = ctx;

    return db_signal_guardar(p->db, p->cuenta, wasig_table_name(t), key, blob, len, e);
}

static int
p_del(void *ctx, enum wasig_table t, const char *key, struct err *e)
{
    struct pctx *p = ctx;

    return db_signal_borrar(p->db, p->cuenta, wasig_table_name(t), key, NULL, e);
}

static int
p_load(void *ctx, enum wasig_table t, wasig_row_fn fn, void *arg, struct err *e)
{
    struct pctx *p = ctx;

    return db_signal_filas(p->db, p->cuenta, wasig_table_name(t), fn, arg, e);
}

/* One promoter's side: connection, credentials, store. */
struct side {
    struct pctx pc;
    struct wasig_persist persist;
    struct wa_creds *creds;
    struct wasig *s;
    struct wasig_addr me; /* how the other side addresses this one */
};

struct fx {
    struct dbt *t;
    struct db *adm;
    char dir[64], keypath[128];
    struct seal_key *key;
    struct side a, b;
};

static void
side_open(struct fx *f, struct side *s, const char *login, const char *jid)
{
    struct err e;

    s->pc.db = dbt_connect(f->t, login);
    s->pc.cuenta = dbt_scalar_ll(f->t, s->pc.db, "SELECT crm.yo()");
    s->persist = (struct wasig_persist){ p_put, p_del, p_load, &s->pc };
    s->creds = wa_creds_generate(&e);
    assert_non_null(s->creds);
    assert_int_equal(wa_creds_prekeys_gen(s->creds, 4, &e), RC_OK);
    s->s = wasig_open(s->creds, s->pc.cuenta, f->key, &s->persist, &e);
    assert_non_null(s->s);
    assert_int_equal(wasig_addr_from_jid(jid, &s->me, &e), RC_OK);
}

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    struct err e;

    assert_int_equal(dbt_setup((void **)&f->t), 0);
    f->adm = dbt_connect(f->t, NULL);
    dbt_role(f->t, "sg_sup", "embudo_supervisor");
    dbt_role(f->t, "sg_p1", "embudo_promotor");
    dbt_role(f->t, "sg_p2", "embudo_promotor");
    dbt_exec(f->adm, "INSERT INTO crm.usuarios (login, nombre, rol) VALUES"
                     " ('sg_sup', 'Sara Supervisora', 'SUPERVISOR');"
                     "INSERT INTO crm.usuarios (login, nombre, rol, supervisor_id) SELECT l, n,"
                     " 'PROMOTOR', (SELECT id FROM crm.usuarios WHERE login = 'sg_sup') FROM"
                     " (VALUES ('sg_p1', 'Pepe Uno'), ('sg_p2', 'Paco Dos')) v(l, n)");
    snprintf(f->dir, sizeof f->dir, "/tmp/test_wa_signal.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->keypath, sizeof f->keypath, "%s/wa.key", f->dir);
    f->key = seal_key_open(f->keypath, true, &e);
    assert_non_null(f->key);
    side_open(f, &f->a, "sg_p1", "15550001111:3@s.whatsapp.net");
    side_open(f, &f->b, "sg_p2", "99990002222:4@lid");
    *state = f;
    return 0;
}

static void
side_close(struct side *s)
{
    wasig_free(s->s);
    wa_creds_free(s->creds);
    db_close(s->pc.db);
}

static int
teardown(void **state)
{
    struct fx *f = *state;
    void *t = f->t;

    side_close(&f->a);
    side_close(&f->b);
    db_close(f->adm);
    seal_key_close(f->key);
    unlink(f->keypath);
    rmdir(f->dir);
    free(f);
    return dbt_teardown(&t);
}

/* The bundle the server would hand out for side s, with one-time pre-key id. */
static void
bundle_of(const struct side *s, uint32_t prekey_id, struct wasig_bundle *b)
{
    const struct wa_prekey *pk = wa_creds_prekey_find(s->creds, prekey_id);

    assert_non_null(pk);
    memset(b, 0, sizeof *b);
    b->registration_id = s->creds->registration_id;
    memcpy(b->identity, s->creds->identity.pub, 32);
    b->skey_id = s->creds->signed_prekey_id;
    memcpy(b->skey, s->creds->signed_prekey.pub, 32);
    memcpy(b->skey_sig, s->creds->signed_prekey_sig, 64);
    b->has_prekey = true;
    b->prekey_id = prekey_id;
    memcpy(b->prekey, pk->kp.pub, 32);
}

/* from sends text to to; to decrypts, unpads, decodes. Returns the type used. */
static enum wasig_type
say(struct side *from, struct side *to, const char *text)
{
    struct strbuf msg, padded;
    enum wasig_type t;
    uint8_t *ct, *pt;
    size_t len, ptlen, n;
    struct wamsg m;
    struct err e;

    strbuf_init(&msg);
    strbuf_init(&padded);
    assert_int_equal(wamsg_encode_text(text, false, NULL, &msg, &e), RC_OK);
    wamsg_pad((const uint8_t *)msg.buf, msg.len, NULL, &padded);
    assert_int_equal(
        wasig_encrypt(from->s, &to->me, (const uint8_t *)padded.buf, padded.len, &t, &ct, &len, &e),
        RC_OK);
    assert_int_equal(wasig_decrypt(to->s, &from->me, t, ct, len, NULL, &pt, &ptlen, &e), RC_OK);
    assert_int_equal(wamsg_unpad(pt, ptlen, &n, &e), RC_OK);
    assert_int_equal(wamsg_decode(pt, n, &m, &e), RC_OK);
    assert_string_equal(m.text, text);
    wamsg_fini(&m);
    free(pt);
    free(ct);
    strbuf_fini(&msg);
    strbuf_fini(&padded);
    return t;
}

static void
reopen(struct fx *f, struct side *s)
{
    struct err e;

    wasig_free(s->s);
    s->s = wasig_open(s->creds, s->pc.cuenta, f->key, &s->persist, &e);
    assert_non_null(s->s);
}

static long long
rows(struct fx *f, const char *table, int64_t cuenta)
{
    return dbt_scalar_ll(f->t, f->adm, "SELECT count(*) FROM crm.%s WHERE usuario_id = %lld", table,
                         (long long)cuenta);
}

static void
test_conversation_survives_restart(void **state)
{
    struct fx *f = *state;
    struct wasig_bundle b;
    struct err e;

    assert_int_equal(rows(f, "wa_signal_prekeys", f->a.pc.cuenta), 4);
    assert_int_equal(rows(f, "wa_signal_signed_prekeys", f->a.pc.cuenta), 1);
    bundle_of(&f->b, 2, &b);
    assert_int_equal(wasig_session_build(f->a.s, &f->b.me, &b, NULL, &e), RC_OK);
    assert_int_equal(say(&f->a, &f->b, "hola desde uno"), WASIG_PKMSG);
    /* b consumed its pre-key 2: gone from its table (and its credentials). */
    assert_int_equal(rows(f, "wa_signal_prekeys", f->b.pc.cuenta), 3);
    assert_int_equal(dbt_scalar_ll(f->t, f->adm,
                                   "SELECT count(*) FROM crm.wa_signal_prekeys WHERE usuario_id ="
                                   " %lld AND prekey_id = 2",
                                   (long long)f->b.pc.cuenta),
                     0);
    assert_true(wasig_creds_dirty(f->b.s));
    assert_int_equal(say(&f->b, &f->a, "hola desde dos"), WASIG_MSG);
    assert_int_equal(rows(f, "wa_signal_sesiones", f->a.pc.cuenta), 1);
    assert_int_equal(rows(f, "wa_signal_sesiones", f->b.pc.cuenta), 1);
    assert_string_equal(dbt_scalar_tmp(f->t, f->adm,
                                       "SELECT direccion FROM crm.wa_signal_sesiones WHERE"
                                       " usuario_id = %lld",
                                       (long long)f->a.pc.cuenta),
                        "99990002222_1.4");
    /* Both restart: new objects from the rows; the conversation goes on both ways. */
    reopen(f, &f->a);
    reopen(f, &f->b);
    assert_true(wasig_has_session(f->a.s, &f->b.me));
    assert_int_equal(wasig_prekey_count(f->b.s), 3);
    assert_int_equal(say(&f->a, &f->b, "después del reinicio"), WASIG_MSG);
    assert_int_equal(say(&f->b, &f->a, "sigo aquí"), WASIG_MSG);
    for (int i = 0; i < 5; i++) {
        reopen(f, &f->b);
        assert_int_equal(say(&f->b, &f->a, "otra"), WASIG_MSG);
    }
}

/* The hex of n bytes, for SQL bytea literals. */
static const char *
hex(const uint8_t *p, size_t n, char *buf)
{
    for (size_t i = 0; i < n; i++)
        sprintf(buf + 2 * i, "%02x", p[i]);
    return buf;
}

static void
test_rows_sealed_and_bound(void **state)
{
    struct fx *f = *state;
    struct wasig_bundle b;
    char h[80];
    struct err e;
    static const char *const tables[] = { "wa_signal_identidades", "wa_signal_prekeys",
                                          "wa_signal_signed_prekeys", "wa_signal_sesiones" };

    bundle_of(&f->b, 1, &b);
    assert_int_equal(wasig_session_build(f->a.s, &f->b.me, &b, NULL, &e), RC_OK);
    assert_int_equal(say(&f->a, &f->b, "uno"), WASIG_PKMSG);
    assert_int_equal(say(&f->b, &f->a, "dos"), WASIG_MSG);
    /* No key in clear: b's identity (public, kept by a), a pre-key's private half, the
     * signed pre-key's private half. Every blob is a v1 sealed blob. */
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        assert_int_equal(dbt_scalar_ll(f->t, f->adm,
                                       "SELECT count(*) FROM crm.%s WHERE position('\\x%s'::bytea"
                                       " IN blob) > 0 OR get_byte(blob, 0) <> 1",
                                       tables[i], hex(f->b.creds->identity.pub, 32, h)),
                         0);
        assert_int_equal(dbt_scalar_ll(f->t, f->adm,
                                       "SELECT count(*) FROM crm.%s WHERE position('\\x%s'::bytea"
                                       " IN blob) > 0",
                                       tables[i], hex(f->a.creds->prekeys[0].kp.priv, 32, h)),
                         0);
        assert_int_equal(dbt_scalar_ll(f->t, f->adm,
                                       "SELECT count(*) FROM crm.%s WHERE position('\\x%s'::bytea"
                                       " IN blob) > 0",
                                       tables[i], hex(f->a.creds->signed_prekey.priv, 32, h)),
                         0);
    }
    assert_int_equal(rows(f, "wa_signal_identidades", f->a.pc.cuenta), 1);
    /* a's session row copied to another address of a: a no longer opens. */
    dbt_exec(f->adm,
             "INSERT INTO crm.wa_signal_sesiones (usuario_id, direccion, blob) SELECT usuario_id,"
             " '99990002222_1.9', blob FROM crm.wa_signal_sesiones WHERE usuario_id = %lld",
             (long long)f->a.pc.cuenta);
    wasig_free(f->a.s);
    f->a.s = wasig_open(f->a.creds, f->a.pc.cuenta, f->key, &f->a.persist, &e);
    assert_null(f->a.s);
    assert_int_equal(e.rc, RC_CRYPTO);
    dbt_exec(f->adm, "DELETE FROM crm.wa_signal_sesiones WHERE direccion = '99990002222_1.9'");
    reopen(f, &f->a);
    /* The same row moved to the other owner: b no longer opens. */
    dbt_exec(f->adm,
             "INSERT INTO crm.wa_signal_sesiones (usuario_id, direccion, blob) SELECT %lld,"
             " direccion, blob FROM crm.wa_signal_sesiones WHERE usuario_id = %lld",
             (long long)f->b.pc.cuenta, (long long)f->a.pc.cuenta);
    wasig_free(f->b.s);
    f->b.s = wasig_open(f->b.creds, f->b.pc.cuenta, f->key, &f->b.persist, &e);
    assert_null(f->b.s);
    assert_int_equal(e.rc, RC_CRYPTO);
    dbt_exec(f->adm,
             "DELETE FROM crm.wa_signal_sesiones WHERE usuario_id = %lld AND direccion ="
             " '99990002222_1.4'",
             (long long)f->b.pc.cuenta);
    reopen(f, &f->b);
    assert_int_equal(say(&f->a, &f->b, "tres"), WASIG_MSG);
}

static int
count_row(void *arg, const char *clave, const uint8_t *blob, size_t len, struct err *e)
{
    (void)clave, (void)blob, (void)len, (void)e;
    ++*(long long *)arg;
    return RC_OK;
}

static void
test_rls(void **state)
{
    struct fx *f = *state;
    struct db *a = f->a.pc.db, *b = f->b.pc.db, *sup;
    long long ida = f->a.pc.cuenta;
    const uint8_t blob[41] = { 1 };
    long long n = 0;
    struct err e;

    /* Each promoter reads only its own rows. */
    assert_int_equal(dbt_scalar_ll(f->t, b, "SELECT count(*) FROM crm.wa_signal_prekeys"), 4);
    assert_int_equal(
        dbt_scalar_ll(f->t, b, "SELECT count(*) FROM crm.wa_signal_prekeys WHERE usuario_id = %lld",
                      ida),
        0);
    assert_int_equal(dbt_scalar_ll(f->t, f->adm, "SELECT count(*) FROM crm.wa_signal_prekeys"), 8);
    /* Nor through the api, nor write into another's store. */
    assert_int_equal(db_signal_filas(b, ida, "wa_signal_prekeys", count_row, &n, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB363");
    assert_int_equal(db_signal_guardar(b, ida, "wa_signal_prekeys", "77", blob, sizeof blob, &e),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB363");
    assert_int_equal(db_signal_borrar(b, ida, "wa_signal_prekeys", "1", NULL, &e), RC_REFUSED);
    assert_int_equal(db_signal_vaciar(b, ida, NULL, &e), RC_REFUSED);
    /* A supervisor is no server session either. */
    sup = dbt_connect(f->t, "sg_sup");
    assert_int_equal(db_signal_vaciar(sup, ida, NULL, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB363");
    db_close(sup);
    /* No direct writes, even to one's own rows. */
    assert_int_equal(dbt_try(a, &e, "DELETE FROM crm.wa_signal_prekeys"), RC_DB);
    assert_int_equal(dbt_try(a, &e, "UPDATE crm.wa_signal_prekeys SET blob = blob"), RC_DB);
}

static void
test_refusals(void **state)
{
    struct fx *f = *state;
    struct db *a = f->a.pc.db;
    long long ida = f->a.pc.cuenta;
    const uint8_t blob[41] = { 1 };
    long long n = 0;
    bool gone = true;
    struct err e;

    /* Bad table, key or blob. */
    assert_int_equal(db_signal_guardar(a, ida, "usuarios", "1", blob, sizeof blob, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB380");
    assert_int_equal(db_signal_guardar(a, ida, "wa_signal_prekeys", "x1", blob, sizeof blob, &e),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB381");
    assert_int_equal(
        db_signal_guardar(a, ida, "wa_signal_prekeys", "99999999", blob, sizeof blob, &e),
        RC_REFUSED);
    assert_string_equal(e.code, "EB381");
    assert_int_equal(
        db_signal_guardar(a, ida, "wa_signal_sesiones", "1.2.3", blob, sizeof blob, &e),
        RC_REFUSED);
    assert_string_equal(e.code, "EB381");
    assert_int_equal(db_signal_guardar(a, ida, "wa_signal_sesiones", "1_1.2", blob, 40, &e),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB381");
    assert_int_equal(
        db_signal_guardar(a, ida, "wa_signal_sesiones", "1_1.2", (const uint8_t[41]){ 2 }, 41, &e),
        RC_REFUSED);
    assert_string_equal(e.code, "EB381");
    /* The right ones work; delete says whether a row went. */
    assert_int_equal(db_signal_guardar(a, ida, "wa_signal_sesiones", "1_1.2", blob, 41, &e), RC_OK);
    assert_int_equal(db_signal_borrar(a, ida, "wa_signal_sesiones", "1_1.2", &gone, &e), RC_OK);
    assert_true(gone);
    assert_int_equal(db_signal_borrar(a, ida, "wa_signal_sesiones", "1_1.2", &gone, &e), RC_OK);
    assert_false(gone);
    /* The api lists one's own rows. */
    n = 0;
    assert_int_equal(db_signal_filas(a, ida, "wa_signal_prekeys", count_row, &n, &e), RC_OK);
    assert_int_equal(n, 4);
    /* A server session may act for an account with envio_servidor on. */
    assert_int_equal(db_signal_vaciar(f->adm, ida, NULL, &e), RC_REFUSED);
    dbt_exec(f->adm, "INSERT INTO crm.wa_cuentas (usuario_id, envio_servidor) VALUES (%lld, true)",
             ida);
    assert_int_equal(db_signal_vaciar(f->adm, ida, &n, &e), RC_OK);
    assert_int_equal(n, 5); /* 4 pre-keys and the signed pre-key */
    assert_int_equal(rows(f, "wa_signal_prekeys", ida), 0);
    assert_int_equal(rows(f, "wa_signal_prekeys", f->b.pc.cuenta), 4);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_conversation_survives_restart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rows_sealed_and_bound, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rls, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
