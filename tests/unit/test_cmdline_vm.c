/*
 * test_cmdline_vm — the ":" line: editing with accents, parsing against a command table
 * (Spanish errors), Tab completion of names, keys and values (one candidate, a common
 * prefix, cycling), its layout at 80 and 160 columns (scrolling to the cursor), and the
 * history (Up/Down like a shell, what was being typed kept, repeats and blanks skipped, the
 * newest 200 kept, the file's text read back).
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ui/vm/cmdline_vm.h"
#include "util/err.h"
#include "util/xmalloc.h"

static const char *const keys_asignar[] = { "convenio", "entidad", "edad_min", "edad_max", NULL };
static const char *const keys_mover[] = { "motivo", NULL };

static const struct cmdline_cmd cmds[] = {
    { "asignar", "CANTIDAD [convenio=CLAVE]", "pedir un lote", keys_asignar, NULL, 1, 5 },
    { "ayuda", "", "teclas", NULL, NULL, 0, 0 },
    { "mover", "ETAPA [motivo=TEXTO]", "mover", keys_mover, "etapa", 1, 2 },
    { "tema", "NOMBRE", "tema", NULL, "tema", 1, 1 },
    { "q", "", "salir", NULL, NULL, 0, 0 },
};
#define NCMDS (sizeof cmds / sizeof cmds[0])

static const char *const convenios[] = { "IMSS", "ISSSTE", "PEMEX", "CFE" };
static const char *const etapas[] = { "Nuevo",      "Contactado",    "Interesado",
                                      "En trámite", "No localizado", "No interesado" };
static const struct cmdline_source src[] = {
    { "convenio", convenios, 4 },
    { "etapa", etapas, 6 },
};

static int
setup_utf8(void **st)
{
    (void)st;
    return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

static void
type(struct cmdline_vm *c, const char *s)
{
    /* UTF-8 in, one key per character, as ui/term delivers them. */
    const unsigned char *u = (const unsigned char *)s;

    while (*u != '\0') {
        size_t len = *u < 0x80 ? 1 : *u >= 0xf0 ? 4 : *u >= 0xe0 ? 3 : 2;
        uint32_t cp = len == 1 ? *u : (uint32_t)(*u & (0x7f >> len));
        struct key k;

        for (size_t i = 1; i < len; i++)
            cp = (cp << 6) | (u[i] & 0x3f);
        k = (struct key){ KK_CHAR, cp };
        cmdline_vm_input(c, &k);
        u += len;
    }
}

static int
complete(struct cmdline_vm *c)
{
    return cmdline_vm_complete(c, cmds, NCMDS, src, 2);
}

static void
test_editing_keeps_characters_whole(void **st)
{
    struct cmdline_vm c = { 0 };
    struct key bs = { KK_BACKSPACE, 0 }, left = { KK_LEFT, 0 }, home = { KK_HOME, 0 };
    struct key del = { KK_DELETE, 0 };

    (void)st;
    cmdline_vm_open(&c);
    type(&c, "buscar Núñez");
    cmdline_vm_input(&c, &bs); /* z */
    cmdline_vm_input(&c, &left);
    cmdline_vm_input(&c, &bs); /* ñ, two bytes, at once */
    assert_string_equal(c.text, "buscar Núe");
    cmdline_vm_input(&c, &home);
    cmdline_vm_input(&c, &del);
    assert_string_equal(c.text, "uscar Núe");
    assert_int_equal(c.cursor, 0);
}

static void
test_parse_finds_commands_and_checks_arguments(void **st)
{
    char buf[CMDLINE_BYTES], *argv[CMDLINE_MAX_ARGS];
    const struct cmdline_cmd *cmd;
    int argc;
    struct err e;

    (void)st;
    err_clear(&e);
    assert_int_equal(cmdline_parse("asignar 20 convenio=IMSS", cmds, NCMDS, buf, sizeof buf, &argc,
                                   argv, &cmd, &e),
                     RC_OK);
    assert_string_equal(cmd->name, "asignar");
    assert_int_equal(argc, 3);
    assert_string_equal(cmdline_arg(argc, argv, NULL, 0), "20");
    assert_string_equal(cmdline_arg(argc, argv, "convenio", 0), "IMSS");
    assert_null(cmdline_arg(argc, argv, "entidad", 0));
    assert_int_equal(cmdline_parse("mov \"En trámite\" motivo=\"no contesta\"", cmds, NCMDS, buf,
                                   sizeof buf, &argc, argv, &cmd, &e),
                     RC_OK); /* an unambiguous prefix; quotes group */
    assert_string_equal(cmd->name, "mover");
    assert_string_equal(argv[1], "En trámite");
    assert_string_equal(cmdline_arg(argc, argv, "motivo", 0), "no contesta");

    assert_int_equal(cmdline_parse("a 20", cmds, NCMDS, buf, sizeof buf, &argc, argv, &cmd, &e),
                     RC_INVAL);
    assert_string_equal(e.msg, "comando ambiguo «a» (Tab completa)");
    assert_int_equal(cmdline_parse("volar", cmds, NCMDS, buf, sizeof buf, &argc, argv, &cmd, &e),
                     RC_INVAL);
    assert_string_equal(e.msg, "comando desconocido «volar» (:ayuda los lista)");
    assert_int_equal(cmdline_parse("asignar 5 convenoi=IMSS", cmds, NCMDS, buf, sizeof buf, &argc,
                                   argv, &cmd, &e),
                     RC_INVAL);
    assert_string_equal(e.msg,
                        "argumento desconocido «convenoi» (convenio, entidad, edad_min, edad_max)");
    assert_int_equal(cmdline_parse("asignar", cmds, NCMDS, buf, sizeof buf, &argc, argv, &cmd, &e),
                     RC_INVAL);
    assert_string_equal(e.msg, "uso: :asignar CANTIDAD [convenio=CLAVE]");
    assert_int_equal(
        cmdline_parse("tema \"dark", cmds, NCMDS, buf, sizeof buf, &argc, argv, &cmd, &e),
        RC_INVAL);
    assert_string_equal(e.msg, "falta cerrar las comillas");
    assert_int_equal(cmdline_parse("   ", cmds, NCMDS, buf, sizeof buf, &argc, argv, &cmd, &e),
                     RC_INVAL);
    assert_int_equal(cmdline_parse("q", cmds, NCMDS, buf, sizeof buf, &argc, argv, &cmd, &e),
                     RC_OK);
}

static void
test_tab_completes_names_keys_and_values(void **st)
{
    struct cmdline_vm c = { 0 };

    (void)st;
    cmdline_vm_open(&c);
    type(&c, "as");
    assert_int_equal(complete(&c), 1);
    assert_string_equal(c.text, "asignar ");
    type(&c, "20 con");
    assert_int_equal(complete(&c), 1);
    assert_string_equal(c.text, "asignar 20 convenio="); /* a key: no blank after "=" */
    type(&c, "i");
    assert_int_equal(complete(&c), 2); /* IMSS and ISSSTE: the common prefix only */
    assert_string_equal(c.text, "asignar 20 convenio=I");
    assert_int_equal(complete(&c), 2); /* Tab again cycles through them */
    assert_string_equal(c.text, "asignar 20 convenio=IMSS ");
    assert_int_equal(complete(&c), 2);
    assert_string_equal(c.text, "asignar 20 convenio=ISSSTE ");
    assert_int_equal(complete(&c), 2);
    assert_string_equal(c.text, "asignar 20 convenio=IMSS ");
    type(&c, "ed");
    assert_int_equal(complete(&c), 2);
    assert_string_equal(c.text, "asignar 20 convenio=IMSS edad_m");
}

static void
test_positional_values_and_nothing_to_complete(void **st)
{
    struct cmdline_vm c = { 0 };

    (void)st;
    cmdline_vm_open(&c);
    type(&c, "mover en");
    assert_int_equal(complete(&c), 1); /* case-insensitive: "En trámite" */
    assert_string_equal(c.text, "mover En trámite ");
    cmdline_vm_open(&c);
    type(&c, "mover no");
    assert_int_equal(complete(&c), 2);
    assert_string_equal(c.text, "mover No ");
    cmdline_vm_open(&c);
    type(&c, "volar x");
    assert_int_equal(complete(&c), 0);
    assert_string_equal(c.text, "volar x");
    cmdline_vm_open(&c);
    assert_int_equal(complete(&c), 5); /* an empty line lists every command */
}

static void
test_layout_at_80_and_160_and_scrolls_to_the_cursor(void **st)
{
    struct cmdline_vm c = { 0 };
    char *got;

    (void)st;
    cmdline_vm_open(&c);
    type(&c, "mover no");
    complete(&c);
    cmdline_vm_build(&c, 80);
    got = cmdline_vm_dump(&c);
    assert_string_equal(got, "cursor 10\n"
                             "0 fill=input\n"
                             "0.0 input|:mover No \n"
                             "0.12 muted|No localizado\n"
                             "0.27 muted|No interesado\n");
    free(got);
    cmdline_vm_open(&c);
    type(&c, "buscar Ñandú María José Pérez de la Peña y Gutiérrez Castañeda");
    cmdline_vm_build(&c, 160);
    assert_int_equal(c.cursor_col, 63); /* ":" + 62 characters */
    cmdline_vm_build(&c, 40);           /* the head scrolls out; the cursor stays on screen */
    got = cmdline_vm_dump(&c);
    assert_string_equal(got, "cursor 37\n"
                             "0 fill=input\n"
                             "0.0 input|érez de la Peña y Gutiérrez Castañeda\n");
    free(got);
}

static void
test_history_recalls_like_a_shell(void **st)
{
    struct cmdline_vm c = { 0 };

    (void)st;
    cmdline_vm_open(&c);
    assert_false(cmdline_vm_recall(&c, -1)); /* nothing yet */
    cmdline_hist_add(&c.hist, "tema light");
    cmdline_hist_add(&c.hist, "buscar Núñez");
    cmdline_hist_add(&c.hist, "buscar Núñez"); /* a repeat of the newest: once */
    cmdline_hist_add(&c.hist, "   ");          /* blank: never */
    cmdline_hist_add(&c.hist, "tema mono");
    assert_int_equal(c.hist.n, 3);
    cmdline_vm_open(&c);
    type(&c, "asig");
    assert_true(cmdline_vm_recall(&c, -1));
    assert_string_equal(c.text, "tema mono");
    assert_int_equal(c.cursor, strlen("tema mono"));
    assert_true(cmdline_vm_recall(&c, -1));
    assert_true(cmdline_vm_recall(&c, -1));
    assert_string_equal(c.text, "tema light");
    assert_false(cmdline_vm_recall(&c, -1)); /* the oldest: it stays */
    assert_string_equal(c.text, "tema light");
    assert_true(cmdline_vm_recall(&c, 1));
    assert_string_equal(c.text, "buscar Núñez");
    assert_true(cmdline_vm_recall(&c, 1));
    assert_true(cmdline_vm_recall(&c, 1)); /* past the newest: what was being typed */
    assert_string_equal(c.text, "asig");
    assert_false(cmdline_vm_recall(&c, 1));
    cmdline_vm_open(&c); /* a new line starts after the newest again, empty */
    assert_string_equal(c.text, "");
    assert_true(cmdline_vm_recall(&c, -1));
    assert_string_equal(c.text, "tema mono");
    cmdline_hist_free(&c.hist);
}

static void
test_history_keeps_the_newest_and_round_trips(void **st)
{
    struct cmdline_hist h = { 0 }, back = { 0 };
    char line[32], *text, *again;

    (void)st;
    for (int i = 1; i <= CMDLINE_HIST_MAX + 5; i++) {
        snprintf(line, sizeof line, "buscar %d", i);
        cmdline_hist_add(&h, line);
    }
    assert_int_equal(h.n, CMDLINE_HIST_MAX);
    assert_string_equal(h.lines[0], "buscar 6");
    assert_string_equal(h.lines[CMDLINE_HIST_MAX - 1], "buscar 205");
    text = cmdline_hist_text(&h);
    assert_non_null(strstr(text, "buscar 6\nbuscar 7\n"));
    cmdline_hist_load(&back, text, strlen(text));
    again = cmdline_hist_text(&back);
    assert_string_equal(again, text);
    assert_int_equal(back.pos, CMDLINE_HIST_MAX);
    free(text);
    free(again);
    /* a file with blank lines, a repeat, a line longer than the line can hold, and no final
     * newline */
    text = xasprintf("tema mono\n\ntema mono\n%0300d\nayuda", 7);
    cmdline_hist_load(&back, text, strlen(text));
    assert_int_equal(back.n, 2);
    assert_string_equal(back.lines[0], "tema mono");
    assert_string_equal(back.lines[1], "ayuda");
    free(text);
    cmdline_hist_free(&h);
    cmdline_hist_free(&back);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_editing_keeps_characters_whole),
        cmocka_unit_test(test_history_recalls_like_a_shell),
        cmocka_unit_test(test_history_keeps_the_newest_and_round_trips),
        cmocka_unit_test(test_parse_finds_commands_and_checks_arguments),
        cmocka_unit_test(test_tab_completes_names_keys_and_values),
        cmocka_unit_test(test_positional_values_and_nothing_to_complete),
        cmocka_unit_test(test_layout_at_80_and_160_and_scrolls_to_the_cursor),
    };

    return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
