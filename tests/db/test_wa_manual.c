/*
 * test_wa_manual — manual WhatsApp texts under the campaigns' governor
 * (sql/032_wa_envio_manual.sql): each counts against the day's cap (a failed one frees its
 * place) in the same count the campaign claim uses, an opted-out phone is refused, the state
 * only moves forward, and nobody touches another promoter's texts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "db/db.h"
#include "db/db_wa_manual.h"
#include "dbt.h"
#include "util/err.h"

#define JID "5215512345678@s.whatsapp.net"

struct fx {
    struct dbt *t;
    struct db *adm, *p1, *p2;
    long long id1;
};

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);

    assert_int_equal(dbt_setup((void **)&f->t), 0);
    f->adm = dbt_connect(f->t, NULL);
    dbt_role(f->t, "wm_p1", "embudo_promotor");
    dbt_role(f->t, "wm_p2", "embudo_promotor");
    dbt_exec(f->adm, "INSERT INTO crm.usuarios (login, nombre, rol) VALUES"
                     " ('wm_p1', 'Pepe Uno', 'PROMOTOR'), ('wm_p2', 'Paco Dos', 'PROMOTOR');"
                     "INSERT INTO crm.wa_cuentas (usuario_id, limite_diario)"
                     " SELECT id, 3 FROM crm.usuarios WHERE login IN ('wm_p1', 'wm_p2')");
    f->id1 = dbt_scalar_ll(f->t, f->adm, "SELECT id FROM crm.usuarios WHERE login = 'wm_p1'");
    f->p1 = dbt_connect(f->t, "wm_p1");
    f->p2 = dbt_connect(f->t, "wm_p2");
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

/* The cap (3) is reached by manual texts; the claim's count sees them; a failed one frees a
 * place. */
static void
test_tope(void **state)
{
    struct fx *f = *state;
    struct err e;
    int quedan = -1;

    assert_int_equal(db_wa_envio_manual(f->p1, "+525512345678", JID, "3EB0A1", &quedan, &e), RC_OK);
    assert_int_equal(quedan, 2);
    assert_int_equal(db_wa_envio_manual(f->p1, "+525512345678", JID, "3EB0A2", &quedan, &e), RC_OK);
    assert_int_equal(db_wa_envio_manual(f->p1, "+15557654321", "15557654321@s.whatsapp.net",
                                        "3EB0A3", &quedan, &e),
                     RC_OK);
    assert_int_equal(quedan, 0);
    assert_int_equal(dbt_scalar_ll(f->t, f->adm,
                                   "SELECT crm.wa_en_curso_hoy(%lld, crm.fecha_negocio(now()))",
                                   f->id1),
                     3);
    assert_int_equal(db_wa_envio_manual(f->p1, "+525512345678", JID, "3EB0A4", &quedan, &e),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB365");
    assert_int_equal(db_wa_envio_manual_estado(f->p1, "3EB0A1", "FALLIDO", "ERROR_479", &e), RC_OK);
    assert_int_equal(db_wa_envio_manual(f->p1, "+525512345678", JID, "3EB0A4", &quedan, &e), RC_OK);
    assert_int_equal(quedan, 0);
    /* The other account has its own count; a repeated wa_id is refused by the table. */
    assert_int_equal(db_wa_envio_manual(f->p2, "+525512345678", JID, "3EB0B1", &quedan, &e), RC_OK);
    assert_int_equal(quedan, 2);
    assert_int_not_equal(db_wa_envio_manual(f->p2, "+525512345678", JID, "3EB0B1", &quedan, &e),
                         RC_OK);
    /* Malformed rows never get in. */
    assert_int_not_equal(db_wa_envio_manual(f->p2, "5512", JID, "3EB0B2", &quedan, &e), RC_OK);
    assert_int_not_equal(
        db_wa_envio_manual(f->p2, "+525512345678", "55@g.us", "3EB0B3", &quedan, &e), RC_OK);
}

static void
test_baja(void **state)
{
    struct fx *f = *state;
    struct err e;
    int quedan;

    dbt_exec(f->adm, "INSERT INTO crm.wa_bajas (telefono, regla) VALUES ('+525598765432', 'x')");
    assert_int_equal(db_wa_envio_manual(f->p1, "+525598765432", "525598765432@s.whatsapp.net",
                                        "3EB0C1", &quedan, &e),
                     RC_REFUSED);
    assert_string_equal(e.code, "EB366");
    assert_int_equal(dbt_scalar_ll(f->t, f->adm, "SELECT count(*) FROM crm.wa_envios_manuales"), 0);
}

static const char *
estado(struct fx *f, const char *wa_id)
{
    return dbt_scalar_tmp(f->t, f->adm,
                          "SELECT estado || '|' || (enviado_at IS NOT NULL) || '|' ||"
                          " (entregado_at IS NOT NULL) || '|' || (leido_at IS NOT NULL)"
                          " FROM crm.wa_envios_manuales WHERE wa_id = '%s'",
                          wa_id);
}

/* Forward only; read implies delivered; FALLIDO only from ENVIANDO; owner only. */
static void
test_estados(void **state)
{
    struct fx *f = *state;
    struct err e;
    int quedan;

    assert_int_equal(db_wa_envio_manual(f->p1, "+525512345678", JID, "3EB0D1", &quedan, &e), RC_OK);
    assert_string_equal(estado(f, "3EB0D1"), "ENVIANDO|false|false|false");
    assert_int_equal(db_wa_envio_manual_estado(f->p1, "3EB0D1", "ENVIADO", NULL, &e), RC_OK);
    assert_string_equal(
        dbt_scalar_tmp(f->t, f->p1, "SELECT api.wa_envio_manual_estado('3EB0D1', 'ENVIADO')"), "f");
    assert_int_equal(db_wa_envio_manual_estado(f->p1, "3EB0D1", "LEIDO", NULL, &e), RC_OK);
    assert_string_equal(estado(f, "3EB0D1"), "LEIDO|true|true|true");
    assert_string_equal(
        dbt_scalar_tmp(f->t, f->p1, "SELECT api.wa_envio_manual_estado('3EB0D1', 'ENTREGADO')"),
        "f");
    assert_string_equal(
        dbt_scalar_tmp(f->t, f->p1, "SELECT api.wa_envio_manual_estado('3EB0D1', 'FALLIDO')"), "f");
    assert_string_equal(estado(f, "3EB0D1"), "LEIDO|true|true|true");
    assert_int_equal(db_wa_envio_manual_estado(f->p1, "3EB0D1", "PERDIDO", NULL, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB362");
    assert_int_equal(db_wa_envio_manual_estado(f->p2, "3EB0D1", "LEIDO", NULL, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB360");
    assert_int_equal(db_wa_envio_manual_estado(f->p1, "NOPE", "LEIDO", NULL, &e), RC_REFUSED);
    assert_string_equal(e.code, "EB360");
    /* Sessions cannot read or write the table directly. */
    assert_int_not_equal(dbt_try(f->p1, &e, "SELECT count(*) FROM crm.wa_envios_manuales"), RC_OK);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_tope, setup, teardown),
        cmocka_unit_test_setup_teardown(test_baja, setup, teardown),
        cmocka_unit_test_setup_teardown(test_estados, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
