/* Per-contact WhatsApp state in the database (sql/050_wa_lid_tctoken.sql,
 * sql/051_wa_identidad.sql, src/db/db_wa_lid): the LID map (stored, moved, read back newest
 * first and capped), privacy tokens (the newest kept, expired ones not read back), an
 * identity change recorded once on the opportunity of that phone; RLS keeps each account's
 * rows to itself; refusals (EB363, EB382, EB383). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "db/db.h"
#include "db/db_wa_lid.h"
#include "dbt.h"
#include "util/err.h"

struct fx {
    struct dbt *t;
    struct db *adm, *p1, *p2;
    int64_t c1, c2;
};

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);

    assert_int_equal(dbt_setup((void **)&f->t), 0);
    f->adm = dbt_connect(f->t, NULL);
    dbt_role(f->t, "wl_sup", "embudo_supervisor");
    dbt_role(f->t, "wl_p1", "embudo_promotor");
    dbt_role(f->t, "wl_p2", "embudo_promotor");
    dbt_exec(f->adm, "INSERT INTO crm.usuarios (login, nombre, rol) VALUES"
                     " ('wl_sup', 'Sara Supervisora', 'SUPERVISOR');"
                     "INSERT INTO crm.usuarios (login, nombre, rol, supervisor_id) SELECT l, n,"
                     " 'PROMOTOR', (SELECT id FROM crm.usuarios WHERE login = 'wl_sup') FROM"
                     " (VALUES ('wl_p1', 'Pepe Uno'), ('wl_p2', 'Paco Dos')) v(l, n);"
                     "INSERT INTO padron.convenios (clave, nombre, tipo)"
                     " VALUES ('IMSS', 'IMSS', 'FEDERAL')");
    f->p1 = dbt_connect(f->t, "wl_p1");
    f->p2 = dbt_connect(f->t, "wl_p2");
    f->c1 = dbt_scalar_ll(f->t, f->p1, "SELECT crm.yo()");
    f->c2 = dbt_scalar_ll(f->t, f->p2, "SELECT crm.yo()");
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
    db_close(f->adm);
    free(f);
    return dbt_teardown(&t);
}

struct rows {
    int n;
    char text[512];
};

static void
lid_row(void *arg, const char *pn, const char *lid)
{
    struct rows *r = arg;
    size_t k = strlen(r->text);

    r->n++;
    snprintf(r->text + k, sizeof r->text - k, "%s=%s;", pn, lid);
}

static void
token_row(void *arg, const char *jid, const uint8_t *tok, size_t len, int64_t t)
{
    struct rows *r = arg;
    size_t k = strlen(r->text);

    r->n++;
    snprintf(r->text + k, sizeof r->text - k, "%s:%.*s@%lld;", jid, (int)len, (const char *)tok,
             (long long)t);
}

static void
expect_code(int rc, const struct err *e, const char *code)
{
    assert_int_equal(rc, RC_REFUSED);
    assert_string_equal(e->code, code);
}

static void
test_lids(void **state)
{
    struct fx *f = *state;
    struct rows r = { 0 };
    struct err e = { 0 };

    assert_int_equal(db_wa_lid_guardar(f->p1, f->c1, "5215512345678", "88880000001", &e), RC_OK);
    assert_int_equal(db_wa_lid_guardar(f->p1, f->c1, "525598765432", "88880000002", &e), RC_OK);
    /* the same pair again changes nothing; a LID named under another phone moves there */
    assert_int_equal(db_wa_lid_guardar(f->p1, f->c1, "5215512345678", "88880000001", &e), RC_OK);
    dbt_exec(f->adm, "UPDATE crm.wa_lids SET updated_at = updated_at - interval '1 hour'");
    assert_int_equal(db_wa_lid_guardar(f->p1, f->c1, "5213311112222", "88880000002", &e), RC_OK);
    assert_int_equal(db_wa_lid_filas(f->p1, f->c1, 10, lid_row, &r, &e), RC_OK);
    assert_string_equal(r.text, "5213311112222=88880000002;5215512345678=88880000001;");
    memset(&r, 0, sizeof r);
    assert_int_equal(db_wa_lid_filas(f->p1, f->c1, 1, lid_row, &r, &e), RC_OK);
    assert_int_equal(r.n, 1); /* capped: the most recently learnt */
    assert_string_equal(r.text, "5213311112222=88880000002;");

    /* Another promoter neither reads nor writes them. */
    memset(&r, 0, sizeof r);
    expect_code(db_wa_lid_filas(f->p2, f->c1, 10, lid_row, &r, &e), &e, "EB363");
    expect_code(db_wa_lid_guardar(f->p2, f->c1, "1", "2", &e), &e, "EB363");
    assert_int_equal(dbt_scalar_ll(f->t, f->p2, "SELECT count(*) FROM crm.wa_lids"), 0);
    assert_int_equal(dbt_scalar_ll(f->t, f->p1, "SELECT count(*) FROM crm.wa_lids"), 2);
    assert_int_equal(dbt_try(f->p1, &e,
                             "INSERT INTO crm.wa_lids (usuario_id, pn, lid) VALUES"
                             " (%lld, '1', '2')",
                             (long long)f->c1),
                     RC_DB); /* no direct writes */
    expect_code(db_wa_lid_guardar(f->p1, f->c1, "52a", "1", &e), &e, "EB382");
    expect_code(db_wa_lid_guardar(f->p1, f->c1, "1", "123456789012345678901", &e), &e, "EB382");
}

static void
test_tokens(void **state)
{
    struct fx *f = *state;
    struct rows r = { 0 };
    struct err e = { 0 };
    bool kept = false;

    assert_int_equal(db_wa_tctoken_guardar(f->p1, f->c1, "88880000001@lid",
                                           (const uint8_t *)"T-1\0x", 5, 1700000000, &kept, &e),
                     RC_OK);
    assert_true(kept);
    assert_int_equal(db_wa_tctoken_guardar(f->p1, f->c1, "88880000001@lid", (const uint8_t *)"OLD",
                                           3, 1690000000, &kept, &e),
                     RC_OK);
    assert_false(kept); /* older than the stored one */
    assert_int_equal(db_wa_tctoken_guardar(f->p1, f->c1, "525598765432@s.whatsapp.net",
                                           (const uint8_t *)"T-2", 3, 1600000000, &kept, &e),
                     RC_OK);
    assert_true(kept);
    assert_int_equal(db_wa_tctoken_filas(f->p1, f->c1, 1650000000, 10, token_row, &r, &e), RC_OK);
    assert_int_equal(r.n, 1); /* the 1600000000 one is before desde */
    assert_int_equal(memcmp(r.text, "88880000001@lid:T-1", 19), 0);
    assert_non_null(strstr(r.text, "@1700000000;"));
    assert_int_equal(dbt_scalar_ll(f->t, f->p1,
                                   "SELECT octet_length(token) FROM crm.wa_tctokens"
                                   " WHERE jid = '88880000001@lid'"),
                     5); /* bytes kept whole, NUL included */
    memset(&r, 0, sizeof r);
    assert_int_equal(db_wa_tctoken_filas(f->p1, f->c1, 0, 10, token_row, &r, &e), RC_OK);
    assert_int_equal(r.n, 2);

    expect_code(db_wa_tctoken_filas(f->p2, f->c1, 0, 10, token_row, &r, &e), &e, "EB363");
    assert_int_equal(dbt_scalar_ll(f->t, f->p2, "SELECT count(*) FROM crm.wa_tctokens"), 0);
    expect_code(
        db_wa_tctoken_guardar(f->p1, f->c1, "120363@g.us", (const uint8_t *)"x", 1, 1, NULL, &e),
        &e, "EB383");
    expect_code(db_wa_tctoken_guardar(f->p1, f->c1, "1@lid", (const uint8_t *)"x", 1, 0, NULL, &e),
                &e, "EB383");
    expect_code(db_wa_tctoken_guardar(f->p1, f->c1, "1@lid", (const uint8_t *)"", 0, 5, NULL, &e),
                &e, "EB383");
}

static void
test_identity(void **state)
{
    struct fx *f = *state;
    struct err e = { 0 };
    int64_t op = -1, mine;

    mine = dbt_scalar_ll(f->t, f->p1,
                         "SELECT oportunidad_id FROM api.captar('Juana Pérez',"
                         " '55 1234 5678', 'IMSS')");
    assert_int_equal(
        db_wa_identidad_cambiada(f->p1, f->c1, "5215512345678@s.whatsapp.net", &op, &e), RC_OK);
    assert_int_equal(op, mine);
    /* a second device's report right after adds nothing */
    assert_int_equal(db_wa_identidad_cambiada(f->p1, f->c1, "+52 55 1234 5678", &op, &e), RC_OK);
    assert_int_equal(op, mine);
    assert_int_equal(dbt_scalar_ll(f->t, f->p1,
                                   "SELECT count(*) FROM crm.historial WHERE oportunidad_id = %lld"
                                   " AND evento = 'WA_IDENTIDAD' AND usuario_id IS NULL"
                                   " AND datos->>'telefono' = '+525512345678'",
                                   (long long)mine),
                     1);
    /* unknown phone, a LID without phone, another account's phone: nothing */
    assert_int_equal(
        db_wa_identidad_cambiada(f->p1, f->c1, "5213399990000@s.whatsapp.net", &op, &e), RC_OK);
    assert_int_equal(op, 0);
    assert_int_equal(db_wa_identidad_cambiada(f->p1, f->c1, "88880000001@lid", &op, &e), RC_OK);
    assert_int_equal(op, 0);
    assert_int_equal(
        db_wa_identidad_cambiada(f->p2, f->c2, "5215512345678@s.whatsapp.net", &op, &e), RC_OK);
    assert_int_equal(op, 0);
    expect_code(db_wa_identidad_cambiada(f->p2, f->c1, "5215512345678@s.whatsapp.net", &op, &e), &e,
                "EB363");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
