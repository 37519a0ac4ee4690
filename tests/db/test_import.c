/*
 * test_import — `embudo import clientes` against a real PostgreSQL (db_import_clientes):
 * a good file loads (clients, contacts, pool), bad rows are reported with their line and
 * reason and the rest still loads, padron duplicates are skipped, and nothing at all is
 * loaded when the transaction fails (database error, cancellation, bad header, no privilege).
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
#include "db/db_import.h"
#include "dbt.h"
#include "util/err.h"
#include "util/strbuf.h"

/* Collects "L<line>:<reason>[|field…]\n" per rejected row; counts progress calls. */
struct sink {
    struct strbuf rejects;
    int progress_calls;
    int cancel_at; /* progress returns false on this call (1-based); 0 = never */
};

static void
on_reject(void *arg, unsigned long line, const char *motivo, char *const *fields, size_t n)
{
    struct sink *s = arg;

    strbuf_addf(&s->rejects, "L%lu:%s", line, motivo);
    for (size_t i = 0; fields != NULL && i < n; i++)
        strbuf_addf(&s->rejects, "|%s", fields[i]);
    strbuf_addch(&s->rejects, '\n');
}

static bool
on_progress(void *arg, unsigned long rows, unsigned long long bytes)
{
    struct sink *s = arg;

    (void)rows;
    (void)bytes;
    return ++s->progress_calls != s->cancel_at;
}

static int
run_import(struct db *db, const char *csv, struct sink *s, struct db_import_stats *st,
           struct err *e)
{
    struct csv_mem src = { csv, strlen(csv), 0 };
    struct db_import_opts o = {
        .reject = on_reject, .reject_arg = s, .progress = on_progress, .progress_arg = s
    };

    return db_import_clientes(db, csv_mem_read, &src, &o, st, e);
}

static void
seed_convenios(struct db *admin)
{
    dbt_exec(admin,
             "INSERT INTO padron.convenios (clave, nombre, tipo, activo) VALUES"
             " ('IMSS', 'IMSS', 'FEDERAL', true), ('SEP-JAL', 'SEP Jalisco', 'ESTATAL', true),"
             " ('VIEJO', 'Convenio viejo', 'PRIVADO', false)");
}

#define HDR "nombre,primer_apellido,segundo_apellido,curp,convenio,entidad,edad,telefono,email\n"

static const char good_file[] =
    HDR "Ana,Gómez,Ruiz,GOMA850101MJCMRN09,IMSS,JAL,40,33 1234 5678,Ana@Ejemplo.MX\n"
        "\"Peña, Luis\",Pérez,,,SEP-JAL,9,55,+52 1 55 1234 5678,\n"
        "Eva,Ruiz,,,imss,Jalisco,30,(33) 2222-3333,\n";

static void
test_good_file_loads_clients_contacts_and_pool(void **state)
{
    struct dbt *t = *state;
    struct db *admin = dbt_connect(t, NULL);
    struct sink s = { .cancel_at = 0 };
    struct db_import_stats st;
    struct err e = { 0 };

    seed_convenios(admin);
    strbuf_init(&s.rejects);
    assert_int_equal(run_import(admin, good_file, &s, &st, &e), RC_OK);
    assert_int_equal(st.filas, 3);
    assert_int_equal(st.cargadas, 3);
    assert_int_equal(st.rechazadas, 0);
    assert_string_equal(s.rejects.buf, "");
    assert_int_equal(st.nheader, 9);
    assert_string_equal(st.header[7], "telefono");
    assert_string_equal(
        dbt_scalar_tmp(t, admin,
                       "SELECT string_agg(c.nombre || '/' || (c.curp IS NOT NULL) || '/' ||"
                       " v.clave || '/' || c.entidad_id || '/' || d.valor, ';' ORDER BY c.id)"
                       " FROM padron.clientes c JOIN padron.convenios v ON v.id = c.convenio_id"
                       " JOIN padron.datos_contacto d ON d.cliente_id = c.id"
                       " AND d.tipo = 'CELULAR'"),
        "Ana/true/IMSS/14/+523312345678;Peña, Luis/false/SEP-JAL/9/+525512345678;"
        "Eva/false/IMSS/14/+523322223333");
    assert_string_equal(dbt_scalar_tmp(t, admin,
                                       "SELECT string_agg(valor, ',') FROM"
                                       " padron.datos_contacto WHERE tipo = 'EMAIL'"),
                        "ana@ejemplo.mx");
    /* The pool's triggers put every new client in the pool, free. */
    assert_int_equal(dbt_scalar_ll(t, admin,
                                   "SELECT count(*) FROM crm.pool"
                                   " WHERE oportunidad_id IS NULL"),
                     3);
    db_import_stats_fini(&st);
    strbuf_fini(&s.rejects);
    db_close(admin);
}

static void
test_bad_rows_reported_with_lines_and_the_rest_loads(void **state)
{
    struct dbt *t = *state;
    struct db *admin = dbt_connect(t, NULL);
    struct sink s = { .cancel_at = 0 };
    struct db_import_stats st;
    struct err e = { 0 };

    seed_convenios(admin);
    strbuf_init(&s.rejects);
    assert_int_equal(run_import(admin,
                                HDR "Ana,Gómez,,,IMSS,JAL,40,3312345678,\n"
                                    "Mal,Uno,,,VIEJO,JAL,40,3300000001,\n"
                                    "\"Multi\nlínea\",Dos,,,NOEXISTE,JAL,40,3300000002,\n"
                                    "Rep,Tres,,,IMSS,JAL,40,33-1234-5678,\n"
                                    "Corta,Cuatro\n"
                                    "Bien,Cinco,,,IMSS,ZAC,18,4921234567,x@y.mx\n",
                                &s, &st, &e),
                     RC_OK);
    assert_string_equal(
        s.rejects.buf, "L3:el convenio «VIEJO» está inactivo|Mal|Uno|||VIEJO|JAL|40|3300000001|\n"
                       "L4:caracteres de control en «nombre»|Multi\nlínea|Dos|||NOEXISTE|JAL|40|"
                       "3300000002|\n"
                       "L6:teléfono repetido en el archivo (ya está en la línea 2)|Rep|Tres|||IMSS|"
                       "JAL|40|33-1234-5678|\n"
                       "L7:la fila tiene 2 columnas; el encabezado tiene 9\n");
    assert_int_equal(st.filas, 6);
    assert_int_equal(st.rechazadas, 4);
    assert_int_equal(st.cargadas, 2);
    assert_int_equal(dbt_scalar_ll(t, admin, "SELECT count(*) FROM padron.clientes"), 2);
    db_import_stats_fini(&st);
    strbuf_fini(&s.rejects);
    db_close(admin);
}

static void
test_padron_duplicates_are_skipped_with_reason(void **state)
{
    struct dbt *t = *state;
    struct db *admin = dbt_connect(t, NULL);
    struct sink s = { .cancel_at = 0 };
    struct db_import_stats st;
    struct err e = { 0 };
    long long first;

    seed_convenios(admin);
    strbuf_init(&s.rejects);
    assert_int_equal(run_import(admin, good_file, &s, &st, &e), RC_OK);
    db_import_stats_fini(&st);
    first = dbt_scalar_ll(t, admin, "SELECT min(id) FROM padron.clientes");
    /* Same CURP as Ana (new phone), same phone as Eva (new CURP-less row), one new client. */
    assert_int_equal(run_import(admin,
                                HDR "Ana,Gómez,Ruiz,GOMA850101MJCMRN09,IMSS,JAL,40,8112345678,\n"
                                    "Eva,Ruiz,,,IMSS,JAL,30,3322223333,\n"
                                    "Nuevo,Cliente,,,IMSS,NL,44,8187654321,\n",
                                &s, &st, &e),
                     RC_OK);
    assert_int_equal(st.en_padron, 2);
    assert_int_equal(st.cargadas, 1);
    {
        char want[512];
        snprintf(want, sizeof want,
                 "L2:ya está en el padrón: misma CURP que el cliente %lld|Ana|Gómez|Ruiz|"
                 "GOMA850101MJCMRN09|IMSS|JAL|40|+528112345678|\n"
                 "L3:ya está en el padrón: mismo teléfono que el cliente %lld|Eva|Ruiz|||IMSS|JAL|"
                 "30|+523322223333|\n",
                 first, first + 2);
        assert_string_equal(s.rejects.buf, want);
    }
    assert_int_equal(dbt_scalar_ll(t, admin, "SELECT count(*) FROM padron.clientes"), 4);
    db_import_stats_fini(&st);
    strbuf_fini(&s.rejects);
    db_close(admin);
}

/* After a failed import the connection is idle and clean, and the padron unchanged. */
static void
assert_nothing_loaded(struct dbt *t, struct db *db)
{
    assert_int_equal(dbt_scalar_ll(t, db, "SELECT count(*) FROM padron.clientes"), 0);
    assert_int_equal(dbt_scalar_ll(t, db, "SELECT count(*) FROM padron.datos_contacto"), 0);
    assert_int_equal(dbt_scalar_ll(t, db, "SELECT count(*) FROM crm.pool"), 0);
    assert_string_equal(dbt_scalar_tmp(t, db,
                                       "SELECT to_regclass('pg_temp.import_clientes')"
                                       " IS NULL"),
                        "t");
}

static void
test_database_error_loads_nothing(void **state)
{
    struct dbt *t = *state;
    struct db *admin = dbt_connect(t, NULL);
    struct sink s = { .cancel_at = 0 };
    struct db_import_stats st;
    struct err e = { 0 };

    seed_convenios(admin);
    /* A row that passes every check in C but that the database refuses at INSERT time. */
    dbt_exec(admin, "CREATE FUNCTION public.falla() RETURNS trigger LANGUAGE plpgsql AS $$"
                    " BEGIN IF NEW.nombre = 'FALLA' THEN RAISE EXCEPTION 'fallo inyectado'; END IF;"
                    " RETURN NEW; END $$;"
                    " CREATE TRIGGER falla BEFORE INSERT ON padron.clientes"
                    " FOR EACH ROW EXECUTE FUNCTION public.falla()");
    strbuf_init(&s.rejects);
    assert_int_equal(run_import(admin,
                                HDR "Ana,Gómez,,,IMSS,JAL,40,3312345678,\n"
                                    "Luis,Pérez,,,IMSS,JAL,40,3312345679,\n"
                                    "FALLA,Tres,,,IMSS,JAL,40,3312345670,\n"
                                    "Eva,Ruiz,,,IMSS,JAL,40,3312345671,\n",
                                &s, &st, &e),
                     RC_DB);
    assert_string_equal(e.msg, "fallo inyectado");
    assert_int_equal(st.cargadas, 0);
    assert_nothing_loaded(t, admin);
    db_import_stats_fini(&st);
    strbuf_fini(&s.rejects);
    db_close(admin);
}

static void
test_cancel_during_copy_and_before_commit_loads_nothing(void **state)
{
    struct dbt *t = *state;
    struct db *admin = dbt_connect(t, NULL);
    struct sink s = { .cancel_at = 2 };
    struct db_import_stats st;
    struct err e = { 0 };
    struct strbuf big;

    seed_convenios(admin);
    strbuf_init(&s.rejects);
    strbuf_init(&big);
    strbuf_addstr(&big, HDR);
    for (int i = 0; i < 25000; i++)
        strbuf_addf(&big, "N%d,A,,,IMSS,JAL,30,33%08d,\n", i, i);
    /* The second progress call comes after 20,000 rows, in the middle of the COPY. */
    assert_int_equal(run_import(admin, big.buf, &s, &st, &e), RC_CLOSED);
    assert_int_equal(s.progress_calls, 2);
    assert_int_equal(st.filas, 20000);
    db_import_stats_fini(&st);
    assert_nothing_loaded(t, admin);
    /* A small file has one progress call only: the last one, after the INSERTs, before COMMIT. */
    s.progress_calls = 0;
    s.cancel_at = 1;
    assert_int_equal(run_import(admin, good_file, &s, &st, &e), RC_CLOSED);
    assert_int_equal(s.progress_calls, 1);
    assert_string_equal(e.msg, "importación cancelada: no se cargó nada");
    db_import_stats_fini(&st);
    assert_nothing_loaded(t, admin);
    strbuf_fini(&big);
    strbuf_fini(&s.rejects);
    db_close(admin);
}

static void
test_bad_header_and_no_privilege_load_nothing(void **state)
{
    struct dbt *t = *state;
    struct db *admin = dbt_connect(t, NULL);
    struct db *prom;
    struct sink s = { .cancel_at = 0 };
    struct db_import_stats st;
    struct err e = { 0 };

    seed_convenios(admin);
    strbuf_init(&s.rejects);
    assert_int_equal(run_import(admin, "nombre,primer_apellido,edad\nA,B,30\n", &s, &st, &e),
                     RC_INVAL);
    assert_string_equal(e.msg, "falta la columna obligatoria «convenio» en el encabezado");
    db_import_stats_fini(&st);
    assert_int_equal(run_import(admin, "", &s, &st, &e), RC_INVAL);
    db_import_stats_fini(&st);
    dbt_role(t, "imp_prom", "embudo_promotor");
    prom = dbt_connect(t, "imp_prom");
    assert_int_equal(run_import(prom, good_file, &s, &st, &e), RC_DB);
    assert_string_equal(e.code, "42501");
    assert_non_null(strstr(e.msg, "importar requiere ser dueño del padrón"));
    db_import_stats_fini(&st);
    assert_nothing_loaded(t, admin);
    db_close(prom);
    strbuf_fini(&s.rejects);
    db_close(admin);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_good_file_loads_clients_contacts_and_pool, dbt_setup,
                                        dbt_teardown),
        cmocka_unit_test_setup_teardown(test_bad_rows_reported_with_lines_and_the_rest_loads,
                                        dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_padron_duplicates_are_skipped_with_reason, dbt_setup,
                                        dbt_teardown),
        cmocka_unit_test_setup_teardown(test_database_error_loads_nothing, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_cancel_during_copy_and_before_commit_loads_nothing,
                                        dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_bad_header_and_no_privilege_load_nothing, dbt_setup,
                                        dbt_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
