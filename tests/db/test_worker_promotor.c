/*
 * test_worker_promotor — who api.wa_cuentas_servidor() lists (sql/084), through
 * db_sender_cuentas_servidor as `embudo worker` calls it: a server session (superuser, an
 * admin user) every account with envio_servidor on, linked, not BLOQUEADA; a promoter only
 * their own under the same conditions, or nothing (envio_servidor off, unlinked, BLOQUEADA);
 * a supervisor nothing — and nobody gets EB363 for asking any more.
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
#include "db/db_sender.h"
#include "db/db_wa.h"
#include "dbt.h"
#include "util/err.h"

static const uint8_t BLOB[] = { 1, 2, 3 }; /* a stand-in: the database never opens it */

static const struct dbt_usuario USUARIOS[] = {
    { "wp_adm", "Adela", "ADMIN", NULL, NULL },
    { "wp_sup", "Sara", "SUPERVISOR", NULL, NULL },
    { "wp_p1", "Pía", "PROMOTOR", "wp_sup", NULL },      /* linked, envio_servidor on */
    { "wp_p2", "Paco", "PROMOTOR", "wp_sup", NULL },     /* linked, envio_servidor on */
    { "wp_p3", "Pilar", "PROMOTOR", "wp_sup", NULL },    /* linked, envio_servidor off */
    { "wp_p4", "Ponciano", "PROMOTOR", "wp_sup", NULL }, /* envio_servidor on, never linked */
};

struct ids {
    int p1, p2;
};

/* The users and their accounts as USUARIOS says. */
static struct ids
seed(struct dbt *t, struct db *adm)
{
    struct ids ids;
    struct err e = { 0 };
    char jid[64];

    dbt_usuarios(t, adm, USUARIOS, sizeof USUARIOS / sizeof USUARIOS[0]);
    for (int i = 1; i <= 4; i++) {
        char login[16];
        struct db *p;

        snprintf(login, sizeof login, "wp_p%d", i);
        p = dbt_connect(t, login);
        if (i != 4) {
            snprintf(jid, sizeof jid, "52155000000%02d@s.whatsapp.net", i);
            assert_int_equal(db_wa_guardar_credenciales(p, jid, BLOB, sizeof BLOB, &e), RC_OK);
        }
        dbt_exec(p, "SELECT api.wa_configurar(envio_servidor => %s)", i == 3 ? "false" : "true");
        db_close(p);
    }
    ids.p1 = (int)dbt_scalar_ll(t, adm, "SELECT id FROM crm.usuarios WHERE login = 'wp_p1'");
    ids.p2 = (int)dbt_scalar_ll(t, adm, "SELECT id FROM crm.usuarios WHERE login = 'wp_p2'");
    return ids;
}

/* The accounts login's session is listed (NULL = the superuser), as "id,id" ("" = none). */
static const char *
lista(struct dbt *t, const char *login)
{
    static char out[128];
    struct db *db = dbt_connect(t, login);
    struct err e = { 0 };
    int *ids = NULL;
    size_t n = 99;

    assert_int_equal(db_sender_cuentas_servidor(db, &ids, &n, &e), RC_OK);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        snprintf(out + strlen(out), sizeof out - strlen(out), "%s%d", i > 0 ? "," : "", ids[i]);
    free(ids);
    db_close(db);
    return out;
}

/* "a" or "a,b" (b 0: none). */
static const char *
ids_txt(int a, int b)
{
    static char out[64];

    if (b == 0)
        snprintf(out, sizeof out, "%d", a);
    else
        snprintf(out, sizeof out, "%d,%d", a, b);
    return out;
}

/* A server session gets every enabled, linked account; a promoter their own or nothing. */
static void
test_quien_ve_que(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct ids ids = seed(t, adm);

    assert_string_equal(lista(t, NULL), ids_txt(ids.p1, ids.p2));
    assert_string_equal(lista(t, "wp_adm"), ids_txt(ids.p1, ids.p2));
    assert_string_equal(lista(t, "wp_p1"), ids_txt(ids.p1, 0));
    assert_string_equal(lista(t, "wp_p2"), ids_txt(ids.p2, 0));
    assert_string_equal(lista(t, "wp_p3"), ""); /* envio_servidor off: sends from the TUI */
    assert_string_equal(lista(t, "wp_p4"), ""); /* never linked, nothing waiting */
    assert_string_equal(lista(t, "wp_sup"), "");
    db_close(adm);
}

/* The same conditions for both: BLOQUEADA and envio_servidor turned off drop the account
 * from the server's list and from its promoter's. */
static void
test_mismas_condiciones(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *p2;
    struct ids ids = seed(t, adm);

    dbt_exec(adm, "UPDATE crm.wa_cuentas SET estado = 'BLOQUEADA' WHERE usuario_id = %d", ids.p1);
    assert_string_equal(lista(t, "wp_p1"), "");
    assert_string_equal(lista(t, "wp_adm"), ids_txt(ids.p2, 0));
    p2 = dbt_connect(t, "wp_p2");
    dbt_exec(p2, "SELECT api.wa_configurar(envio_servidor => false)");
    db_close(p2);
    assert_string_equal(lista(t, "wp_p2"), "");
    assert_string_equal(lista(t, NULL), "");
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_quien_ve_que, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_mismas_condiciones, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
