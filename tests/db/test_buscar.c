/*
 * test_buscar — api.buscar (sql/090) through db_buscar, as `embudo buscar` calls it: a
 * client found by a phone written any usual way (mobile or landline contact, a captured
 * lead's phone), by CURP in any case, by part of the name with accents and case aside; only
 * the opportunities the caller sees (a promoter her own, the supervisor the team's, the
 * auditor all), closed ones too, active first; LIKE's own characters taken literally; every
 * refusal (EB240) with its reason, and EB001 for a login that is not a user.
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
#include "db/db_buscar.h"
#include "dbt.h"
#include "util/err.h"

static const struct dbt_usuario USUARIOS[] = {
    { "bu_sup", "Berta", "SUPERVISOR", NULL, NULL },
    { "bu_p1", "Bruno", "PROMOTOR", "bu_sup", NULL },
    { "bu_p2", "Blanca", "PROMOTOR", "bu_sup", NULL },
    { "bu_sup2", "Benito", "SUPERVISOR", NULL, NULL },
    { "bu_p3", "Bárbara", "PROMOTOR", "bu_sup2", NULL },
    { "bu_aud", "Beatriz", "AUDITOR", NULL, NULL },
};

/*
 * Clients 1..4 of the padron: 1 "José Núñez Ávila" (CURP NUAJ800101HDFXXS01, mobile 55 1111
 * 0001 and landline 55 2222 0001), 2 "María Núñez" (55 1111 0002), 3 "Pedro 50% Díaz"
 * (55 1111 0003), 4 "Ana Ruiz" (55 1111 0004). bu_p1 takes 1..2 and captures the lead
 * "Rosa Núñez" (55 3333 0001); bu_p2 takes 3; bu_p3 (another team) takes 4. 2 leaves the
 * funnel and bu_sup discards it.
 */
static void
seed(struct dbt *t, struct db *adm)
{
    struct db *p;

    dbt_usuarios(t, adm, USUARIOS, sizeof USUARIOS / sizeof USUARIOS[0]);
    dbt_exec(adm, "INSERT INTO padron.convenios (clave, nombre, tipo) VALUES ('IMSS', 'IMSS',"
                  " 'FEDERAL');"
                  "INSERT INTO padron.clientes (nombre, primer_apellido, segundo_apellido, curp,"
                  " convenio_id, entidad_id, edad) VALUES"
                  " ('José', 'Núñez', 'Ávila', 'NUAJ800101HDFXXS01', 1, 9, 40),"
                  " ('María', 'Núñez', NULL, NULL, 1, 9, 41),"
                  " ('Pedro', '50%% Díaz', NULL, NULL, 1, 9, 42),"
                  " ('Ana', 'Ruiz', NULL, NULL, 1, 9, 43);"
                  "INSERT INTO padron.datos_contacto (cliente_id, tipo, valor) VALUES"
                  " (1, 'CELULAR', '+525511110001'), (1, 'FIJO', '+525522220001'),"
                  " (2, 'CELULAR', '+525511110002'), (3, 'CELULAR', '+525511110003'),"
                  " (4, 'CELULAR', '+525511110004')");
    p = dbt_connect(t, "bu_p1");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(2)");
    dbt_exec(p, "SELECT * FROM api.captar('Rosa Núñez', '55 3333 0001')");
    dbt_exec(p, "SELECT * FROM api.mover(2, 'No interesado', 'ya tiene crédito')");
    db_close(p);
    p = dbt_connect(t, "bu_sup");
    dbt_exec(p, "SELECT api.bandeja_descartar(ARRAY[2]::bigint[], 'no insistir')");
    db_close(p);
    p = dbt_connect(t, "bu_p2");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(1)");
    db_close(p);
    p = dbt_connect(t, "bu_p3");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(1)");
    db_close(p);
}

/* What login finds for texto, as "opportunity's client:por" rows joined by ", "; refusals as
 * "!CODE". */
static const char *
busca(struct dbt *t, const char *login, const char *texto, int limite)
{
    static char out[512];
    struct db *db = dbt_connect(t, login);
    struct db_hallazgo *h;
    struct err e = { 0 };
    size_t n;

    out[0] = '\0';
    if (db_buscar(db, texto, limite, &h, &n, &e) != RC_OK) {
        snprintf(out, sizeof out, "!%s", e.code);
    } else {
        for (size_t i = 0; i < n; i++)
            snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s:%s", i > 0 ? ", " : "",
                     h[i].cliente, h[i].por);
        db_hallazgos_free(h, n);
    }
    db_close(db);
    return out;
}

static void
test_telefono_curp_nombre(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);

    seed(t, adm);
    /* A phone however it is written; a landline contact too; a captured lead's phone. */
    assert_string_equal(busca(t, "bu_p1", "55 1111 0001", 50), "José Núñez Ávila:TELEFONO");
    assert_string_equal(busca(t, "bu_p1", "+52 1 (55) 1111-0001", 50), "José Núñez Ávila:TELEFONO");
    assert_string_equal(busca(t, "bu_p1", "5522220001", 50), "José Núñez Ávila:TELEFONO");
    assert_string_equal(busca(t, "bu_p1", "044 55 3333 0001", 50), "Rosa Núñez:TELEFONO");
    /* A CURP in any case. */
    assert_string_equal(busca(t, "bu_p1", " nuaj800101hdfxxs01 ", 50), "José Núñez Ávila:CURP");
    /* A name, accents and case aside; active first, then the discarded one. */
    assert_string_equal(busca(t, "bu_p1", "NUNEZ", 50),
                        "Rosa Núñez:NOMBRE, José Núñez Ávila:NOMBRE, María Núñez:NOMBRE");
    assert_string_equal(busca(t, "bu_p1", "núñez á", 50), "José Núñez Ávila:NOMBRE");
    assert_string_equal(busca(t, "bu_p1", "NUNEZ", 1), "Rosa Núñez:NOMBRE");
    /* %, _ and \ are the text's own characters. */
    assert_string_equal(busca(t, "bu_p2", "50%", 50), "Pedro 50% Díaz:NOMBRE");
    assert_string_equal(busca(t, "bu_p1", "%%%", 50), "");
    assert_string_equal(busca(t, "bu_p1", "a_a", 50), "");
    assert_string_equal(busca(t, "bu_p1", "\\\\\\", 50), "");
    db_close(adm);
}

static void
test_quien_ve_que(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);

    seed(t, adm);
    /* Another promoter's client, even of the same team, is not there for her. */
    assert_string_equal(busca(t, "bu_p2", "55 1111 0001", 50), "");
    assert_string_equal(busca(t, "bu_p2", "núñez", 50), "");
    /* The supervisor sees her team's, not the other team's. */
    assert_string_equal(busca(t, "bu_sup", "55 1111 0003", 50), "Pedro 50% Díaz:TELEFONO");
    assert_string_equal(busca(t, "bu_sup", "ruiz", 50), "");
    assert_string_equal(busca(t, "bu_sup2", "ruiz", 50), "Ana Ruiz:NOMBRE");
    /* The auditor reads everyone's. */
    assert_string_equal(busca(t, "bu_aud", "5511110004", 50), "Ana Ruiz:TELEFONO");
    db_close(adm);
}

static void
test_rechazos(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *p;
    struct db_hallazgo *h;
    struct err e = { 0 };
    size_t n;

    seed(t, adm);
    assert_string_equal(busca(t, "bu_p1", "  ab  ", 50), "!EB240");
    assert_string_equal(busca(t, "bu_p1", "1326", 50), "!EB240"); /* part of a phone */
    assert_string_equal(busca(t, "bu_p1", "55 1111", 50), "!EB240");
    assert_string_equal(busca(t, "bu_p1", "núñez", 0), "!EB240");
    assert_string_equal(busca(t, "bu_p1", "núñez", 201), "!EB240");
    p = dbt_connect(t, "bu_p1");
    assert_int_equal(db_buscar(p, "1326", 50, &h, &n, &e), RC_REFUSED);
    assert_non_null(strstr(e.msg, "«1326» no es un teléfono completo"));
    db_close(p);
    dbt_role(t, "bu_nadie", "embudo_promotor");
    assert_string_equal(busca(t, "bu_nadie", "núñez", 50), "!EB001");
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_telefono_curp_nombre, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_quien_ve_que, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_rechazos, dbt_setup, dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
