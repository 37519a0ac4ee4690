/*
 * test_theme_file — the theme file parser: colours in English, Spanish, bright and
 * numbers, attributes, roles left out taking the text role, every bad line reported as
 * FILE:LINE in Spanish, and the four shipped themes (themes/NAME.theme) parse cleanly with
 * every role named, since the client refuses a theme with errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/theme_file.h"
#include "ui/vm/vm.h"
#include "util/err.h"

static const char *const roles3[] = { "text", "bar", "db_err" };

static int
parse3(const char *text, struct theme_style *out, struct err *e)
{
    err_clear(e);
    return theme_file_parse(text, strlen(text), "t.theme", roles3, 3, out, e);
}

static void
test_colours_attributes_and_defaults(void **st)
{
    struct theme_style s[3];
    struct err e;

    (void)st;
    assert_int_equal(parse3("# comentario\n"
                            "text = default -   # fin de línea\n"
                            "\n"
                            "  bar\t=\tblanco   azul-claro   negrita inverso\r\n"
                            "db_err = bright-white 196 BOLD underline",
                            s, &e),
                     RC_OK);
    assert_int_equal(s[0].fg, THEME_COLOR_DEFAULT);
    assert_int_equal(s[0].bg, THEME_COLOR_DEFAULT);
    assert_int_equal(s[1].fg, 7);
    assert_int_equal(s[1].bg, 12);
    assert_int_equal(s[1].attrs, THEME_BOLD | THEME_REVERSE);
    assert_int_equal(s[2].fg, 15);
    assert_int_equal(s[2].bg, 196);
    assert_int_equal(s[2].attrs, THEME_BOLD | THEME_UNDERLINE);
    assert_true(theme_file_has_color(s, 3));

    assert_int_equal(parse3("text = default default dim\n", s, &e), RC_OK);
    assert_int_equal(s[2].attrs, THEME_DIM); /* not named: takes text's style */
    assert_false(s[2].set);
    assert_false(theme_file_has_color(s, 3));
}

static void
test_bad_lines_name_file_and_line(void **st)
{
    static const struct {
        const char *text, *msg;
    } cases[] = {
        { "text = default default\nbar = azulito blanco\n",
          "t.theme:2: color desconocido «azulito»" },
        { "bar = white\n", "t.theme:1: se esperan dos colores (frente y fondo)" },
        { "fondo = white blue\n", "t.theme:1: rol desconocido «fondo»" },
        { "bar = white blue chillón\n", "t.theme:1: atributo desconocido «chillón»" },
        { "bar = white 256\n", "t.theme:1: color desconocido «256»" },
        { "\n\nbar white blue\n", "t.theme:3: se espera «rol = frente fondo [atributos]»" },
        { "= white blue\n", "t.theme:1: falta el rol antes de «=»" },
        { "bar = white blue\nbar = red red\n", "t.theme:2: el rol «bar» ya se definió" },
        { "bar = a b c d e f g h i j\n", "t.theme:1: demasiadas palabras" },
    };
    struct theme_style s[3];
    struct err e;

    (void)st;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(parse3(cases[i].text, s, &e), RC_INVAL);
        assert_string_equal(e.msg, cases[i].msg);
    }
    err_clear(&e);
    assert_int_equal(theme_file_parse("text = red red\n\0bar", 20, "t.theme", roles3, 3, s, &e),
                     RC_INVAL);
    assert_string_equal(e.msg, "t.theme:2: byte nulo en la línea");
}

static void
test_shipped_themes_parse_and_name_every_role(void **st)
{
    static const char *const names[] = { "dark", "light", "high-contrast", "mono" };
    const char *roles[ROLE_COUNT];
    struct theme_style s[ROLE_COUNT];

    (void)st;
    for (int r = 0; r < ROLE_COUNT; r++)
        roles[r] = vm_role_name((enum vm_role)r);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[512], buf[8192];
        FILE *f;
        size_t len;
        struct err e;

        snprintf(path, sizeof path, "%s/themes/%s.theme", EMBUDO_SOURCE_DIR, names[i]);
        f = fopen(path, "r");
        assert_non_null(f);
        len = fread(buf, 1, sizeof buf, f);
        fclose(f);
        err_clear(&e);
        assert_int_equal(theme_file_parse(buf, len, path, roles, ROLE_COUNT, s, &e), RC_OK);
        for (int r = 0; r < ROLE_COUNT; r++)
            if (!s[r].set)
                fail_msg("%s no define el rol %s", path, roles[r]);
        /* mono is what NO_COLOR uses: attributes only. */
        assert_int_equal(theme_file_has_color(s, ROLE_COUNT), strcmp(names[i], "mono") != 0);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_colours_attributes_and_defaults),
        cmocka_unit_test(test_bad_lines_name_file_and_line),
        cmocka_unit_test(test_shipped_themes_parse_and_name_every_role),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
