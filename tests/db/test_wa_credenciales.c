/*
 * test_wa_credenciales — the sender's access to an account's sealed credentials (sql/055,
 * db_sender_credenciales / db_sender_guardar_credenciales), what the `web` transport of every
 * sender reads and writes back: the owner and a server session for an envio_servidor account
 * only (EB363), a replacement that leaves state, link time and warm-up alone, and never brings
 * back credentials an unlink or a logout dropped (EB333). The blobs here are stand-ins: the
 * database never opens them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "db/db.h"
#include "db/db_sender.h"
#include "db/db_wa.h"
#include "dbt.h"
#include "util/err.h"

static const uint8_t LINKED[] = { 1, 2, 3 };
static const uint8_t CHANGED[] = { 4, 5, 6, 7 };

/* Two promoters; wc_p1 linked (its blob LINKED). Returns wc_p1's id. */
static int
seed(struct dbt *t, struct db *adm)
{
    struct db *p;
    struct err e = { 0 };
    int cuenta;

    dbt_role(t, "wc_sup", "embudo_supervisor");
    dbt_role(t, "wc_p1", "embudo_promotor");
    dbt_role(t, "wc_p2", "embudo_promotor");
    dbt_exec(adm, "INSERT INTO crm.usuarios (login, nombre, rol) VALUES ('wc_sup', 'Sara',"
                  " 'SUPERVISOR');"
                  "INSERT INTO crm.usuarios (login, nombre, rol, supervisor_id) SELECT l, l,"
                  " 'PROMOTOR', (SELECT id FROM crm.usuarios WHERE login = 'wc_sup')"
                  " FROM unnest(ARRAY['wc_p1', 'wc_p2']) l");
    p = dbt_connect(t, "wc_p1");
    assert_int_equal(
        db_wa_guardar_credenciales(p, "5215500000099@s.whatsapp.net", LINKED, sizeof LINKED, &e),
        RC_OK);
    cuenta = (int)dbt_scalar_ll(t, p, "SELECT crm.yo()");
    db_close(p);
    return cuenta;
}

/* Reads cuenta's blob on db and compares it with want (NULL: none stored). */
static void
expect_blob(struct db *db, int cuenta, const uint8_t *want, size_t wlen)
{
    struct err e = { 0 };
    uint8_t *blob = NULL;
    size_t len = 99;

    assert_int_equal(db_sender_credenciales(db, cuenta, &blob, &len, &e), RC_OK);
    if (want == NULL) {
        assert_null(blob);
        assert_int_equal(len, 0);
        return;
    }
    assert_non_null(blob);
    assert_int_equal(len, wlen);
    assert_memory_equal(blob, want, wlen);
    free(blob);
}

/* The owner reads and replaces its blob; nothing else about the account moves. */
static void
test_dueno_lee_y_reemplaza(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *p;
    struct err e = { 0 };
    int cuenta = seed(t, adm);
    const char *antes;
    char *copia;

    dbt_exec(adm, "UPDATE crm.wa_cuentas SET en_uso_desde = current_date - 40,"
                  " vinculada_at = now() - interval '3 days'");
    antes = dbt_scalar_tmp(t, adm,
                           "SELECT estado || vinculada_at || en_uso_desde"
                           " FROM crm.wa_cuentas WHERE usuario_id = %d",
                           cuenta);
    copia = strdup(antes);
    p = dbt_connect(t, "wc_p1");
    expect_blob(p, cuenta, LINKED, sizeof LINKED);
    assert_int_equal(db_sender_guardar_credenciales(p, cuenta, CHANGED, sizeof CHANGED, &e), RC_OK);
    expect_blob(p, cuenta, CHANGED, sizeof CHANGED);
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT estado || vinculada_at || en_uso_desde"
                                       " FROM crm.wa_cuentas WHERE usuario_id = %d",
                                       cuenta),
                        copia);
    /* An empty blob is refused. */
    assert_int_equal(db_sender_guardar_credenciales(p, cuenta, CHANGED, 0, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB332");
    expect_blob(p, cuenta, CHANGED, sizeof CHANGED);
    free(copia);
    db_close(p);
    db_close(adm);
}

/* Another promoter never; a server session only once the owner turned envio_servidor on. */
static void
test_quien_puede(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *p2, *p1;
    struct err e = { 0 };
    int cuenta = seed(t, adm);
    uint8_t *blob = NULL;
    size_t len = 0;

    p2 = dbt_connect(t, "wc_p2");
    assert_int_equal(db_sender_credenciales(p2, cuenta, &blob, &len, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB363");
    assert_null(blob);
    assert_int_equal(db_sender_guardar_credenciales(p2, cuenta, CHANGED, sizeof CHANGED, &e),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB363");
    assert_int_equal(db_sender_credenciales(adm, cuenta, &blob, &len, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB363");
    p1 = dbt_connect(t, "wc_p1");
    dbt_exec(p1, "SELECT api.wa_configurar(envio_servidor => true)");
    expect_blob(adm, cuenta, LINKED, sizeof LINKED);
    assert_int_equal(db_sender_guardar_credenciales(adm, cuenta, CHANGED, sizeof CHANGED, &e),
                     RC_OK);
    expect_blob(p1, cuenta, CHANGED, sizeof CHANGED);
    db_close(p1);
    db_close(p2);
    db_close(adm);
}

/* Unlinked (or logged out) meanwhile: a sender still running cannot bring the device back. */
static void
test_desvinculada_no_revive(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *p;
    struct err e = { 0 };
    int cuenta = seed(t, adm);

    p = dbt_connect(t, "wc_p1");
    assert_int_equal(db_wa_desvincular(p, &e), RC_OK);
    expect_blob(p, cuenta, NULL, 0);
    assert_int_equal(db_sender_guardar_credenciales(p, cuenta, CHANGED, sizeof CHANGED, &e),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB333");
    expect_blob(p, cuenta, NULL, 0);
    assert_string_equal(
        dbt_scalar_tmp(t, adm, "SELECT estado FROM crm.wa_cuentas WHERE usuario_id = %d", cuenta),
        "SIN_VINCULAR");
    db_close(p);
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_dueno_lee_y_reemplaza, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_quien_puede, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_desvinculada_no_revive, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
