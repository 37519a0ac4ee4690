/*
 * test_import — row validation for `embudo import clientes`: phone normalisation, CURP/RFC
 * shapes, header errors, each rejection reason, and duplicates within the file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/csv.h"
#include "core/import.h"
#include "util/err.h"
#include "util/strbuf.h"

static struct import_catalog *
catalog(void)
{
    struct import_catalog *cat = import_catalog_new();

    import_catalog_add_convenio(cat, 1, "IMSS", true);
    import_catalog_add_convenio(cat, 2, "SEP-JAL", true);
    import_catalog_add_convenio(cat, 3, "VIEJO", false);
    import_catalog_add_entidad(cat, 9, "CDMX", "Ciudad de México");
    import_catalog_add_entidad(cat, 14, "JAL", "Jalisco");
    return cat;
}

/* Runs the checker over a whole file: "L<line>:ok" or "L<line>!reason" per data row. */
static char *
check_file(const char *text)
{
    struct csv_mem s = { text, strlen(text), 0 };
    struct csv *c = csv_new(csv_mem_read, &s);
    struct import_catalog *cat = catalog();
    struct import_checker *chk = import_checker_new(cat);
    struct strbuf out;
    struct csv_row row;
    struct import_cliente cl;
    struct err e = { 0 };
    char *res;
    int rc;

    strbuf_init(&out);
    assert_int_equal(csv_next(c, &row, &e), RC_OK);
    if (import_checker_header(chk, &row, &e) != RC_OK) {
        strbuf_addf(&out, "H!%s", e.msg);
        goto out;
    }
    while ((rc = csv_next(c, &row, &e)) != RC_NOTFOUND) {
        if (rc == RC_OK && (rc = import_checker_row(chk, &row, &cl, &e)) == RC_OK)
            strbuf_addf(&out, "L%lu:%s %s %d/%d/%d\n", row.line, cl.telefono,
                        cl.text[IC_CURP] ? cl.text[IC_CURP] : "-", cl.convenio_id, cl.entidad_id,
                        cl.edad);
        else
            strbuf_addf(&out, "L%lu!%s\n", row.line, e.msg);
    }
out:
    import_checker_free(chk);
    import_catalog_free(cat);
    csv_free(c);
    res = strbuf_detach(&out, NULL);
    strbuf_fini(&out);
    return res;
}

static void
expect_file(const char *text, const char *want)
{
    char *got = check_file(text);
    assert_string_equal(got, want);
    free(got);
}

static void
test_phone_forms(void **st)
{
    static const char *const ok[] = { "3312345678",       "33 1234 5678",     "(33) 1234-5678",
                                      "+52 33 1234 5678", "523312345678",     "+52 1 33 1234 5678",
                                      "5213312345678",    "044 33 1234 5678", "01 33 1234 5678",
                                      "33.1234.5678" };
    static const char *const bad[] = { "",
                                       "12345",
                                       "331234567",
                                       "0312345678",
                                       "+1 3312345678",
                                       "33-1234-567a",
                                       "+044 33 1234 5678",
                                       "33123456789",
                                       "+52+3312345678",
                                       "1234567890",
                                       "+52 1 12 3456 7890" };
    char out[14];

    (void)st;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        assert_true(import_phone_normalize(ok[i], out));
        assert_string_equal(out, "+523312345678");
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(import_phone_normalize(bad[i], out));
}

static void
test_curp_shape(void **st)
{
    (void)st;
    assert_true(import_curp_valid("GOMA850101HJCMRN09"));
    assert_true(import_curp_valid("XEXX010101MDFABCA1"));
    assert_false(import_curp_valid("GOMA850101HJCMRN0"));  /* 17 characters */
    assert_false(import_curp_valid("GBMA850101HJCMRN09")); /* second letter not a vowel */
    assert_false(import_curp_valid("GOMA850101ZJCMRN09")); /* sex H/M/X */
    assert_false(import_curp_valid("goma850101hjcmrn09")); /* the checker upper-cases first */
}

static void
test_header_errors(void **st)
{
    (void)st;
    expect_file("nombre,primer_apellido,convenio,entidad,edad\n",
                "H!falta la columna obligatoria «telefono» en el encabezado");
    expect_file("nombre,primer_apellido,convenio,entidad,edad,telefono,telfono\n",
                "H!columna desconocida en el encabezado: «telfono»");
    expect_file("nombre,NOMBRE,primer_apellido,convenio,entidad,edad,telefono\n",
                "H!columna repetida en el encabezado: «nombre»");
}

#define HDR "nombre,primer_apellido,curp,convenio,entidad,edad,telefono,email,segmento\n"

static void
test_rows_valid_and_normalised(void **st)
{
    (void)st;
    expect_file(HDR "Ana,Gómez,goma850101hjcmrn09,imss,jal,40,(33) 1234 5678,A@B.MX,b\n"
                    " Luis , Pérez ,,SEP-JAL,9,18,5512345678,,\n"
                    "Eva,Ruiz,,IMSS,Ciudad de México,110,+52 1 55 8765 4321,,\n",
                "L2:+523312345678 GOMA850101HJCMRN09 1/14/40\n"
                "L3:+525512345678 - 2/9/18\n"
                "L4:+525587654321 - 1/9/110\n");
}

static void
test_each_rejection_reason(void **st)
{
    (void)st;
    expect_file(HDR ",Gómez,,IMSS,JAL,40,3312345678,,\n"
                    "Ana,Gómez,XX,IMSS,JAL,40,3312345678,,\n"
                    "Ana,Gómez,,NOEXISTE,JAL,40,3312345678,,\n"
                    "Ana,Gómez,,VIEJO,JAL,40,3312345678,,\n"
                    "Ana,Gómez,,IMSS,ZZZ,40,3312345678,,\n"
                    "Ana,Gómez,,IMSS,JAL,17,3312345678,,\n"
                    "Ana,Gómez,,IMSS,JAL,cuarenta,3312345678,,\n"
                    "Ana,Gómez,,IMSS,JAL,40,12345,,\n"
                    "Ana,Gómez,,IMSS,JAL,40,3312345678,sin-arroba,\n"
                    "Ana,Gómez,,IMSS,JAL,40,3312345678,,E\n"
                    "Ana,Gómez,,IMSS,JAL,40\n",
                "L2!falta «nombre»\n"
                "L3!«curp» no tiene la forma de una CURP: «XX»\n"
                "L4!el convenio «NOEXISTE» no existe\n"
                "L5!el convenio «VIEJO» está inactivo\n"
                "L6!la entidad «ZZZ» no existe (use la clave, p. ej. JAL, o el número INEGI 1–32)\n"
                "L7!«edad» debe ser un número entre 18 y 110: «17»\n"
                "L8!«edad» debe ser un número entre 18 y 110: «cuarenta»\n"
                "L9!«telefono» no es un número mexicano de 10 dígitos: «12345»\n"
                "L10!«email» no es un correo válido: «sin-arroba»\n"
                "L11!«segmento» debe ser A, B, C o D: «E»\n"
                "L12!la fila tiene 6 columnas; el encabezado tiene 9\n");
}

static void
test_duplicates_within_the_file(void **st)
{
    (void)st;
    expect_file(HDR "Ana,Gómez,GOMA850101HJCMRN09,IMSS,JAL,40,3312345678,,\n"
                    "Ana,Gómez,GOMA850101HJCMRN09,IMSS,JAL,40,3300000001,,\n"
                    "Eva,Ruiz,,IMSS,JAL,40,+52 33 1234 5678,,\n"
                    "Eva,Ruiz,,IMSS,JAL,30,3300000002,,\n",
                "L2:+523312345678 GOMA850101HJCMRN09 1/14/40\n"
                "L3!CURP repetida en el archivo (ya está en la línea 2)\n"
                "L4!teléfono repetido en el archivo (ya está en la línea 2)\n"
                "L5:+523300000002 - 1/14/30\n");
}

static void
test_many_keys_grow_the_map(void **st)
{
    struct strbuf in;
    char *got;

    (void)st;
    strbuf_init(&in);
    strbuf_addstr(&in, HDR);
    for (int i = 0; i < 5000; i++)
        strbuf_addf(&in, "N,A,,IMSS,JAL,30,33%08d,,\n", i);
    strbuf_addstr(&in, "N,A,,IMSS,JAL,30,3300004999,,\n");
    got = check_file(in.buf);
    assert_non_null(
        strstr(got, "L5002!teléfono repetido en el archivo (ya está en la línea 5001)"));
    assert_null(strstr(got, "L5001!"));
    free(got);
    strbuf_fini(&in);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phone_forms),
        cmocka_unit_test(test_curp_shape),
        cmocka_unit_test(test_header_errors),
        cmocka_unit_test(test_rows_valid_and_normalised),
        cmocka_unit_test(test_each_rejection_reason),
        cmocka_unit_test(test_duplicates_within_the_file),
        cmocka_unit_test(test_many_keys_grow_the_map),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
