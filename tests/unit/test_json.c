/* test_json — the --json writer: nesting, commas, escapes, null, numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/json.h"
#include "util/strbuf.h"

static void
test_nested_objects_and_arrays_get_commas_right(void **st)
{
    struct strbuf sb;
    struct json j;

    (void)st;
    strbuf_init(&sb);
    json_init(&j, &sb);
    json_obj(&j);
    json_key(&j, "lote");
    json_int(&j, -7);
    json_key(&j, "ok");
    json_bool(&j, true);
    json_key(&j, "mensaje");
    json_str(&j, NULL);
    json_key(&j, "filas");
    json_arr(&j);
    json_obj(&j);
    json_key(&j, "monto");
    json_num(&j, "12500.50");
    json_end(&j);
    json_obj(&j);
    json_end(&j);
    json_null(&j);
    json_end(&j);
    json_key(&j, "vacio");
    json_arr(&j);
    json_end(&j);
    json_key(&j, "datos");
    json_raw(&j, "{\"lote_id\": 1}");
    json_end(&j);
    assert_int_equal(j.depth, 0);
    assert_string_equal(sb.buf, "{\"lote\":-7,\"ok\":true,\"mensaje\":null,"
                                "\"filas\":[{\"monto\":12500.50},{},null],\"vacio\":[],"
                                "\"datos\":{\"lote_id\": 1}}");
    strbuf_fini(&sb);
}

static void
test_strings_are_escaped_and_utf8_passes(void **st)
{
    struct strbuf sb;

    (void)st;
    strbuf_init(&sb);
    json_escape(&sb, "Peña \"la\" \\ \n\t\x01 €");
    assert_string_equal(sb.buf, "\"Peña \\\"la\\\" \\\\ \\n\\t\\u0001 €\"");
    strbuf_fini(&sb);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nested_objects_and_arrays_get_commas_right),
        cmocka_unit_test(test_strings_are_escaped_and_utf8_passes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
