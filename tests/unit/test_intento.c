/* test_intento — what a person may type for the outcome of a contact attempt, and its label. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/intento.h"

static const struct {
    const char *text, *code; /* code NULL: refused */
} cases[] = {
    { "NO_CONTESTA", "NO_CONTESTA" },
    { "no-contesta", "NO_CONTESTA" },
    { "No contesta", "NO_CONTESTA" },
    { "buzón", "BUZON" },
    { "BUZÓN", "BUZON" },
    { "buzon", "BUZON" },
    { "número equivocado", "NUMERO_EQUIVOCADO" },
    { "numero-equivocado", "NUMERO_EQUIVOCADO" },
    { "NÚMERO_EQUIVOCADO", "NUMERO_EQUIVOCADO" },
    { "no interesado", "NO_INTERESADO" },
    { "cita", "CITA" },
    { "Contactado", "CONTACTADO" },
    /* refused: unknown, partial, padded, other characters, too long */
    { "", NULL },
    { "contesta", NULL },
    { "no  contesta", NULL },
    { " cita", NULL },
    { "cita.", NULL },
    { "buz\xc3", NULL },
    { "llamada", NULL },
    { "no_contesta_no_contesta_no_contesta_no_contesta_no_contesta_no_contesta", NULL },
};

static void
test_codigo(void **st)
{
    (void)st;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = intento_codigo(cases[i].text);

        if (cases[i].code == NULL) {
            if (got != NULL)
                fail_msg("«%s» → %s, se esperaba rechazo", cases[i].text, got);
        } else if (got == NULL || strcmp(got, cases[i].code) != 0) {
            fail_msg("«%s» → %s, se esperaba %s", cases[i].text, got ? got : "NULL",
                     cases[i].code);
        }
    }
    assert_null(intento_codigo(NULL));
}

static void
test_etiqueta(void **st)
{
    (void)st;
    assert_string_equal(intento_etiqueta("BUZON"), "buzón");
    assert_string_equal(intento_etiqueta("NUMERO_EQUIVOCADO"), "número equivocado");
    assert_string_equal(intento_etiqueta("OTRO"), "OTRO");
    /* every label reads back as its code */
    for (size_t i = 0; i < INTENTO_NRESULTADOS; i++)
        assert_string_equal(intento_codigo(intento_etiquetas[i]), intento_codigos[i]);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codigo),
        cmocka_unit_test(test_etiqueta),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
