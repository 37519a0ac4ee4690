/*
 * test_dnc — the rows of a do-not-contact extract (`embudo no-contactar importar`): dates in
 * both forms, real and not future, REUS expiry at two years (29 February included), header
 * errors, each rejection reason, and the batch: a phone repeated in the file is sent once with
 * its latest date, or sent again (and said so) when its first row already left in a batch.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/csv.h"
#include "core/dnc.h"
#include "util/err.h"
#include "util/strbuf.h"

/* 2026-03-10, the "today" of these tests. */
static int
hoy(void)
{
    return dnc_days_from_civil(2026, 3, 10);
}

/* Runs the checker over a file: "L<line>:<phone> <date|->[ vencida]" or "L<line>!reason". */
static char *
check_file(const char *text, bool reus)
{
    struct csv_mem s = { text, strlen(text), 0 };
    struct csv *c = csv_new(csv_mem_read, &s);
    struct dnc_checker *chk = dnc_checker_new(reus, hoy());
    struct strbuf out;
    struct csv_row row;
    struct dnc_row r;
    struct err e = { 0 };
    char fecha[11];
    char *res;
    int rc;

    strbuf_init(&out);
    assert_int_equal(csv_next(c, &row, &e), RC_OK);
    if (dnc_checker_header(chk, &row, &e) != RC_OK) {
        strbuf_addf(&out, "H!%s", e.msg);
        goto out;
    }
    while ((rc = csv_next(c, &row, &e)) != RC_NOTFOUND) {
        if (rc == RC_OK && (rc = dnc_checker_row(chk, &row, &r, &e)) == RC_OK) {
            if (r.registrado != DNC_SIN_FECHA)
                dnc_date_fmt(r.registrado, fecha);
            strbuf_addf(&out, "L%lu:%s %s%s\n", row.line, r.telefono,
                        r.registrado != DNC_SIN_FECHA ? fecha : "-", r.vencida ? " vencida" : "");
        } else {
            strbuf_addf(&out, "L%lu!%s\n", row.line, e.msg);
        }
    }
out:
    dnc_checker_free(chk);
    csv_free(c);
    res = strbuf_detach(&out, NULL);
    strbuf_fini(&out);
    return res;
}

static void
expect_file(const char *text, bool reus, const char *want)
{
    char *got = check_file(text, reus);
    assert_string_equal(got, want);
    free(got);
}

static void
test_date_forms(void **st)
{
    static const char *const same[] = { "2024-02-29", "29/02/2024", "29/2/2024" };
    static const char *const shape[] = { "",           "2024-2-29", "24-02-29",    "2024/02/29",
                                         "29-02-2024", "29/02/24",  "2024-02-29 ", "x",
                                         "123/02/2024" };
    static const char *const unreal[] = { "2023-02-29", "31/04/2026", "2026-13-01", "00/01/2026",
                                          "1899-12-31" };
    char out[11];
    int days = 0;
    bool real;

    (void)st;
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        assert_true(dnc_date_parse(same[i], &days, &real));
        assert_true(real);
        dnc_date_fmt(days, out);
        assert_string_equal(out, "2024-02-29");
    }
    for (size_t i = 0; i < sizeof shape / sizeof shape[0]; i++)
        assert_false(dnc_date_parse(shape[i], &days, &real));
    for (size_t i = 0; i < sizeof unreal / sizeof unreal[0]; i++) {
        assert_true(dnc_date_parse(unreal[i], &days, &real));
        assert_false(real);
    }
    assert_int_equal(dnc_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(dnc_days_from_civil(2000, 3, 1), 11017);
}

static void
test_add_years_like_postgresql(void **st)
{
    char out[11];

    (void)st;
    dnc_date_fmt(dnc_add_years(dnc_days_from_civil(2024, 2, 29), 2), out);
    assert_string_equal(out, "2026-02-28");
    dnc_date_fmt(dnc_add_years(dnc_days_from_civil(2024, 2, 29), 4), out);
    assert_string_equal(out, "2028-02-29");
    dnc_date_fmt(dnc_add_years(dnc_days_from_civil(2025, 12, 31), 2), out);
    assert_string_equal(out, "2027-12-31");
}

static void
test_header_errors(void **st)
{
    (void)st;
    expect_file("registrado\n", true, "H!falta la columna obligatoria «telefono» en el encabezado");
    expect_file("telefono,detalle\n", true,
                "H!columna desconocida en el encabezado: «detalle» (se esperan telefono y, si el "
                "extracto la trae, registrado)");
    expect_file(" Telefono ,TELEFONO\n", true, "H!columna repetida en el encabezado: «telefono»");
    expect_file("registrado,telefono\n2026-01-05,33 1234 5678\n", true,
                "L2:+523312345678 2026-01-05\n");
}

static void
test_rows_and_rejections(void **st)
{
    (void)st;
    expect_file("telefono,registrado\n"
                "(33) 1234-5678,\n"
                " 5512345678 , 10/03/2026 \n"
                ",2026-01-01\n"
                "12345,2026-01-01\n"
                "3312345678,2026-03-11\n"
                "3312345678,30/02/2026\n"
                "3312345678,marzo\n"
                "3312345678\n",
                true,
                "L2:+523312345678 -\n"
                "L3:+525512345678 2026-03-10\n"
                "L4!falta «telefono»\n"
                "L5!«telefono» no es un número mexicano de 10 dígitos: «12345»\n"
                "L6!«registrado» es una fecha futura: «2026-03-11»\n"
                "L7!«registrado» no es una fecha que exista: «30/02/2026»\n"
                "L8!«registrado» no es una fecha AAAA-MM-DD ni DD/MM/AAAA: «marzo»\n"
                "L9!la fila tiene 1 columnas; el encabezado tiene 2\n");
}

static void
test_reus_expires_after_two_years(void **st)
{
    static const char file[] = "telefono,registrado\n"
                               "3312345678,2024-03-10\n"
                               "3312345678,2024-03-11\n"
                               "3312345678,11/03/2024\n"
                               "3312345678,1990-01-01\n";

    (void)st;
    /* Two years to the day is expired (the entry ended at the start of today). */
    expect_file(file, true,
                "L2:+523312345678 2024-03-10 vencida\n"
                "L3:+523312345678 2024-03-11\n"
                "L4:+523312345678 2024-03-11\n"
                "L5:+523312345678 1990-01-01 vencida\n");
    /* REPEP never ends. */
    expect_file(file, false,
                "L2:+523312345678 2024-03-10\n"
                "L3:+523312345678 2024-03-11\n"
                "L4:+523312345678 2024-03-11\n"
                "L5:+523312345678 1990-01-01\n");
}

static struct dnc_row
row(unsigned long line, const char *tel, int y, int m, int d)
{
    struct dnc_row r = { .line = line, .registrado = DNC_SIN_FECHA };

    snprintf(r.telefono, sizeof r.telefono, "%s", tel);
    if (y != 0)
        r.registrado = dnc_days_from_civil(y, m, d);
    return r;
}

/* The pending batch as "tel=date;…". */
static void
expect_batch(const struct dnc_batch *b, const char *want)
{
    const char *const *t = dnc_batch_telefonos(b);
    const char *const *r = dnc_batch_registrados(b);
    struct strbuf sb;

    strbuf_init(&sb);
    for (size_t i = 0; i < dnc_batch_len(b); i++)
        strbuf_addf(&sb, "%s=%s;", t[i], r[i] != NULL ? r[i] : "-");
    assert_string_equal(sb.buf, want);
    strbuf_fini(&sb);
}

static void
test_batch_repeats_keep_the_latest_date(void **st)
{
    struct dnc_batch *b = dnc_batch_new(3);
    struct dnc_row r;

    (void)st;
    r = row(2, "+523312345678", 0, 0, 0);
    assert_int_equal(dnc_batch_add(b, &r), DNC_ADD_NEW);
    r = row(3, "+523312345678", 2025, 5, 1); /* a date beats none: replaced in place */
    assert_int_equal(dnc_batch_add(b, &r), DNC_ADD_REPEATED);
    r = row(4, "+523312345678", 2025, 4, 1); /* earlier: nothing */
    assert_int_equal(dnc_batch_add(b, &r), DNC_ADD_REPEATED);
    r = row(5, "+523312345678", 0, 0, 0); /* none: nothing */
    assert_int_equal(dnc_batch_add(b, &r), DNC_ADD_REPEATED);
    r = row(6, "+525512345678", 2025, 1, 1);
    assert_int_equal(dnc_batch_add(b, &r), DNC_ADD_NEW);
    expect_batch(b, "+523312345678=2025-05-01;+525512345678=2025-01-01;");
    assert_false(dnc_batch_full(b));
    assert_int_equal(dnc_batch_first_line(b), 2);
    assert_int_equal(dnc_batch_last_line(b), 6);

    dnc_batch_next(b);
    assert_int_equal(dnc_batch_len(b), 0);
    assert_int_equal(dnc_batch_first_line(b), 0);
    r = row(7, "+523312345678", 2025, 5, 1); /* same date, already sent: nothing */
    assert_int_equal(dnc_batch_add(b, &r), DNC_ADD_REPEATED);
    r = row(8, "+523312345678", 2025, 6, 1); /* later, already sent: again */
    assert_int_equal(dnc_batch_add(b, &r), DNC_ADD_RESENT);
    r = row(9, "+523312345678", 2025, 7, 1); /* later still, pending: in place */
    assert_int_equal(dnc_batch_add(b, &r), DNC_ADD_REPEATED);
    r = row(10, "+528112345678", 0, 0, 0);
    assert_int_equal(dnc_batch_add(b, &r), DNC_ADD_NEW);
    r = row(11, "+522212345678", 0, 0, 0);
    assert_int_equal(dnc_batch_add(b, &r), DNC_ADD_NEW);
    assert_true(dnc_batch_full(b));
    expect_batch(b, "+523312345678=2025-07-01;+528112345678=-;+522212345678=-;");
    assert_int_equal(dnc_batch_first_line(b), 8);
    dnc_batch_free(b);
}

static void
test_batch_many_phones_grow_the_set(void **st)
{
    struct dnc_batch *b = dnc_batch_new(1000);
    char tel[14];
    size_t news = 0;

    (void)st;
    for (int pass = 0; pass < 2; pass++) {
        for (unsigned long i = 0; i < 50000; i++) {
            struct dnc_row r;

            snprintf(tel, sizeof tel, "+52%010lu", 2000000000UL + i * 7919UL);
            r = row(i + 2, tel, 0, 0, 0);
            if (dnc_batch_add(b, &r) == DNC_ADD_NEW)
                news++;
            if (dnc_batch_full(b))
                dnc_batch_next(b);
        }
    }
    assert_int_equal(news, 50000);
    dnc_batch_free(b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date_forms),
        cmocka_unit_test(test_add_years_like_postgresql),
        cmocka_unit_test(test_header_errors),
        cmocka_unit_test(test_rows_and_rejections),
        cmocka_unit_test(test_reus_expires_after_two_years),
        cmocka_unit_test(test_batch_repeats_keep_the_latest_date),
        cmocka_unit_test(test_batch_many_phones_grow_the_set),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
