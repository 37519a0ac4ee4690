/* test_optout — a table of incoming texts: which ask us to stop and which do not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/optout.h"

static const struct {
    const char *text;
    bool optout;
} cases[] = {
    /* keywords alone or with politeness */
    { "BAJA", true },
    { "baja", true },
    { "Baja.", true },
    { "BAJA!!!", true },
    { "BAAAJA", true },
    { "baja por favor", true },
    { "BAJA POR FAVOR", true },
    { "Sí, baja", true },
    { "ALTO", true },
    { "alto ya", true },
    { "STOP", true },
    { "Stop.", true },
    { "stop please", true },
    { "Basta", true },
    { "ya basta", true },
    { "cancelar", true },
    { "unsubscribe", true },
    { "de baja", true },
    /* "no me interesa" and close variants */
    { "NO ME INTERESA", true },
    { "no me interesa", true },
    { "nO mE InTeReSa", true },
    { "No me interesa, gracias", true },
    { "no, no me interesa", true },
    { "No me interesa!!!", true },
    { "NO ME INTERESA NADA", true },
    { "Ya no me interesa", true },
    { "no me interesa el préstamo", true },
    { "No me interesa, pero gracias", true },
    { "no estoy interesada", true },
    { "no gracias", true },
    { "No, muchas gracias.", true },
    /* requests to stop writing */
    { "Ya no me escriban", true },
    { "ya no me escriba por favor", true },
    { "no me escriban más", true },
    { "No me vuelvan a escribir", true },
    { "No me manden mensajes", true },
    { "no me envíen más mensajes", true },
    { "no me contacten", true },
    { "dejen de escribirme", true },
    { "Dejen de molestar", true },
    { "no quiero recibir mensajes", true },
    { "por favor dame de baja", true },
    { "Denme de baja de su lista", true },
    { "quiero darme de baja", true },
    { "¿Me pueden dar de baja?", true },
    { "me pueden dar de baja de la lista?", true },
    { "bórrenme de su lista", true },
    { "Sáquenme de su lista", true },
    { "eliminen mi número", true },
    { "Número equivocado", true },
    { "se equivocaron de número", true },
    /* not opt-outs */
    { "¿bajan las tasas?", false },
    { "¿Baja la tasa si pago antes?", false },
    { "quiero saber si baja el interés", false },
    { "la tasa está muy alta", false },
    { "el monto es muy alto", false },
    { "Alto Lucero, Veracruz", false },
    { "Vivo en Baja California Sur", false },
    { "Hola, sí me interesa", false },
    { "me interesa, ¿cuánto me prestan?", false },
    { "no me interesa el seguro pero sí el préstamo", false },
    { "no me interesa ese monto pero quiero otro", false },
    { "si no me interesa le aviso", false },
    { "me di de baja del IMSS, ¿aún califico?", false },
    { "¿cómo me doy de baja del convenio?", false },
    { "me dieron de baja en el trabajo", false },
    { "no me molesta que me escriban", false },
    { "dejen de cobrarme comisiones", false },
    { "No", false },
    { "Gracias", false },
    { "ok", false },
    { "", false },
    { "👍", false },
    { "¿Cuánto me prestan con 15 mil de sueldo?", false },
};

static void
test_table(void **st)
{
    size_t wrong = 0;

    (void)st;
    assert_true(sizeof cases / sizeof cases[0] >= 40);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *rule = "x";
        bool got = optout_detect(cases[i].text, &rule);

        if (got != cases[i].optout) {
            print_error("«%s»: %s, se esperaba %s\n", cases[i].text, got ? "baja" : "no baja",
                        cases[i].optout ? "baja" : "no baja");
            wrong++;
        }
        assert_true(got ? rule != NULL : rule == NULL);
    }
    assert_int_equal(wrong, 0);
}

static void
test_rule_names_what_matched(void **st)
{
    const char *rule;

    (void)st;
    assert_true(optout_detect("BAJA por favor", &rule));
    assert_string_equal(rule, "palabra clave «baja»");
    assert_true(optout_detect("Oiga, NO me interesa", &rule));
    assert_string_equal(rule, "frase «no me interesa»");
    assert_true(optout_detect("por favor dame de baja", &rule));
    assert_string_equal(rule, "frase «dame de baja»");
    assert_true(optout_detect("no gracias", NULL));
}

static void
test_long_and_odd_input_is_safe(void **st)
{
    char big[8192];

    (void)st;
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_false(optout_detect(big, NULL));
    for (size_t i = 0; i + 2 < sizeof big; i += 2) {
        big[i] = 'x';
        big[i + 1] = ' ';
    }
    memcpy(big, "baja ", 5);
    assert_false(optout_detect(big, NULL)); /* "baja" among many other words */
    memcpy(big + 100, "no me interesa ", 15);
    assert_true(optout_detect(big, NULL));
    assert_false(optout_detect("\xc3", NULL));
    assert_false(optout_detect("\xff\xfe\xc3\xa1", NULL));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_rule_names_what_matched),
        cmocka_unit_test(test_long_and_odd_input_is_safe),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
