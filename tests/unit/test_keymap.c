/*
 * test_keymap — the one key registry: lookup with the global fallback, pane defaults,
 * the teclas.conf overrides (good lines applied, bad ones reported as FILE:LINE in
 * Spanish), key names both ways, and what the hint bar and the help overlays build from
 * it (80×24 and 160×50, so custom bindings show where they are used).
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

#include "ui/vm/help_vm.h"
#include "ui/vm/hint_vm.h"
#include "ui/vm/keymap.h"
#include "util/err.h"

static const struct keymap_entry embudo_keys[] = {
    { KEYMAP_EMBUDO, { KK_ENTER, 0 }, ACTION_OPEN, "abrir", true, 0 },
    { KEYMAP_EMBUDO, { KK_CHAR, 'm' }, ACTION_MOVE_STAGE, "mover de etapa", true, 0 },
    { KEYMAP_EMBUDO, { KK_CHAR, '/' }, ACTION_FILTER, "filtrar", true, 0 },
    { KEYMAP_EMBUDO, { KK_CHAR, 'v' }, ACTION_TOGGLE_VIEW, "cambiar vista", false, 0 },
};

static int
setup(void **st)
{
    struct keymap *km;

    if (setlocale(LC_ALL, "C.UTF-8") == NULL)
        return -1;
    km = keymap_new();
    keymap_add(km, embudo_keys, sizeof embudo_keys / sizeof embudo_keys[0], VM_PROFILE_PROMOTOR);
    *st = km;
    return 0;
}

static int
teardown(void **st)
{
    keymap_free(*st);
    return 0;
}

static struct key
ch(uint32_t c)
{
    return (struct key){ KK_CHAR, c };
}

static void
test_pane_contexts_fall_back_to_global_overlays_do_not(void **st)
{
    struct keymap *km = *st;
    struct key q = ch('q'), j = ch('j'), m = ch('m'), esc = { KK_ESC, 0 };
    struct key down = { KK_DOWN, 0 }, f5 = { KK_FN, 5 };

    assert_int_equal(keymap_lookup(km, KEYMAP_EMBUDO, &m), ACTION_MOVE_STAGE);
    assert_int_equal(keymap_lookup(km, KEYMAP_EMBUDO, &q), ACTION_QUIT);
    assert_int_equal(keymap_lookup(km, KEYMAP_EMBUDO, &j), ACTION_DOWN); /* vim keys */
    assert_int_equal(keymap_lookup(km, KEYMAP_EMBUDO, &down), ACTION_DOWN);
    assert_int_equal(keymap_lookup(km, KEYMAP_HOME, &f5), ACTION_REFRESH);
    assert_int_equal(keymap_lookup(km, KEYMAP_HOME, &m), ACTION_NONE); /* embudo's only */
    assert_int_equal(keymap_lookup(km, KEYMAP_EMBUDO, &esc), ACTION_BACK);
    assert_int_equal(keymap_lookup(km, KEYMAP_HELP, &esc), ACTION_CLOSE);
    /* Input contexts do not inherit: 'j' types a j in the command line. */
    assert_int_equal(keymap_lookup(km, KEYMAP_CMDLINE, &j), ACTION_NONE);
    assert_int_equal(keymap_lookup(km, KEYMAP_FORM, &q), ACTION_NONE);
    assert_string_equal(keymap_key_for(km, KEYMAP_EMBUDO, ACTION_QUIT), "q");
    assert_null(keymap_key_for(km, KEYMAP_FORM, ACTION_QUIT));
}

static void
test_key_names_parse_and_print(void **st)
{
    static const char *const names[] = { "q",     "Ctrl-r",  "Esc",    "Enter", "Tab",
                                         "S-Tab", "Espacio", "F5",     "F12",   "RePág",
                                         "AvPág", "ñ",       "Inicio", "Fin",   "Retroceso",
                                         "Supr",  "↑",       "?" };
    struct key k;
    char buf[16];

    (void)st;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        assert_true(keymap_key_parse(names[i], &k));
        assert_string_equal(keymap_key_label(&k, buf, sizeof buf), names[i]);
    }
    assert_true(keymap_key_parse("C-X", &k)); /* other spellings are accepted too */
    assert_string_equal(keymap_key_label(&k, buf, sizeof buf), "Ctrl-x");
    assert_true(keymap_key_parse("Up", &k));
    assert_int_equal(k.kind, KK_UP);
    assert_true(keymap_key_parse("space", &k));
    assert_int_equal(k.ch, ' ');
    assert_false(keymap_key_parse("", &k));
    assert_false(keymap_key_parse("qq", &k));
    assert_false(keymap_key_parse("F25", &k));
    assert_false(keymap_key_parse("Ctrl-1", &k));
    assert_false(keymap_key_parse("Hyper-x", &k));
    assert_true(keymap_key_parse("Alt-1", &k));
    assert_int_equal(k.kind, KK_ALT);
    assert_int_equal(k.ch, '1');
    assert_string_equal(keymap_key_label(&k, buf, sizeof buf), "Alt-1");
    assert_true(keymap_key_parse("M-ñ", &k));
    assert_string_equal(keymap_key_label(&k, buf, sizeof buf), "Alt-ñ");
    assert_false(keymap_key_parse("Alt-", &k));
    assert_false(keymap_key_parse("Alt-12", &k));
}

static void
test_overrides_rebind_replace_defaults_and_unbind(void **st)
{
    struct keymap *km = *st;
    static const char conf[] = "# mis teclas\n"
                               "\n"
                               "x = salir          \n"
                               "[embudo]\n"
                               "  M = mover\n"
                               "Ctrl-n = mover\n"
                               "j = ninguna\n"
                               "[formulario]\n"
                               "Ctrl-s = enviar\r\n";
    struct key q = ch('q'), x = ch('x'), m = ch('m'), bigm = ch('M'), j = ch('j');
    struct key cn = { KK_CTRL, 'n' }, cs = { KK_CTRL, 's' }, enter = { KK_ENTER, 0 };
    struct err e;

    err_clear(&e);
    assert_int_equal(keymap_load(km, conf, strlen(conf), "teclas.conf", &e), RC_OK);
    /* The first user key of an action replaces that context's defaults… */
    assert_int_equal(keymap_lookup(km, KEYMAP_HOME, &x), ACTION_QUIT);
    assert_int_equal(keymap_lookup(km, KEYMAP_HOME, &q), ACTION_NONE);
    assert_int_equal(keymap_lookup(km, KEYMAP_EMBUDO, &m), ACTION_NONE);
    /* …and later lines for it add keys. */
    assert_int_equal(keymap_lookup(km, KEYMAP_EMBUDO, &bigm), ACTION_MOVE_STAGE);
    assert_int_equal(keymap_lookup(km, KEYMAP_EMBUDO, &cn), ACTION_MOVE_STAGE);
    /* "ninguna" unbinds in that context only (global j still moves elsewhere). */
    assert_int_equal(keymap_lookup(km, KEYMAP_EMBUDO, &j), ACTION_NONE);
    assert_int_equal(keymap_lookup(km, KEYMAP_HOME, &j), ACTION_DOWN);
    assert_int_equal(keymap_lookup(km, KEYMAP_FORM, &cs), ACTION_SUBMIT);
    assert_int_equal(keymap_lookup(km, KEYMAP_FORM, &enter), ACTION_NONE);
    assert_string_equal(keymap_key_for(km, KEYMAP_EMBUDO, ACTION_QUIT), "x");
}

static void
test_bad_lines_name_file_and_line_and_good_ones_still_apply(void **st)
{
    struct keymap *km = *st;
    static const char conf[] = "x = salir\n"
                               "[embudo\n"
                               "[bandejota]\n"
                               "Hyper-q = salir\n"
                               "z = volar\n"
                               "sin signo igual\n"
                               "y = ayuda\n";
    struct key x = ch('x'), y = ch('y');
    struct err e;

    err_clear(&e);
    assert_int_equal(
        keymap_load(km, conf, strlen(conf), "/home/ana/.config/embudo/teclas.conf", &e), RC_INVAL);
    assert_string_equal(e.msg, "/home/ana/.config/embudo/teclas.conf:2: sección mal escrita "
                               "(se espera «[contexto]») (y 4 líneas más con errores)");
    assert_int_equal(keymap_lookup(km, KEYMAP_HOME, &x), ACTION_QUIT);
    assert_int_equal(keymap_lookup(km, KEYMAP_HOME, &y), ACTION_HELP);

    err_clear(&e);
    assert_int_equal(keymap_load(km, "[comando]\nTab = volar\n", 22, "t.conf", &e), RC_INVAL);
    assert_string_equal(e.msg, "t.conf:2: acción desconocida «volar»");
    err_clear(&e);
    assert_int_equal(keymap_load(km, "[x]\n", 4, "t.conf", &e), RC_INVAL);
    assert_string_equal(e.msg, "t.conf:1: contexto desconocido «x»");
    err_clear(&e);
    assert_int_equal(keymap_load(km, "Hyper-q = salir", 15, "t.conf", &e), RC_INVAL);
    assert_string_equal(e.msg, "t.conf:1: tecla desconocida «Hyper-q»");
    err_clear(&e);
    assert_int_equal(keymap_load(km, "a = salir\n\0b = ayuda\n", 21, "t.conf", &e), RC_INVAL);
    assert_string_equal(e.msg, "t.conf:2: byte nulo en la línea");
}

/* [ and ] are keys as well (the informe's periods): a line with '=' binds them, only a line
 * without one is a section. */
static void
test_brackets_are_keys_too(void **st)
{
    struct keymap *km = *st;
    static const char conf[] = "[informe]\n"
                               "[ = periodo_siguiente\n"
                               "] = periodo_anterior\n";
    struct key open = ch('['), close = ch(']');
    struct err e;

    err_clear(&e);
    assert_int_equal(keymap_load(km, conf, strlen(conf), "teclas.conf", &e), RC_OK);
    assert_int_equal(keymap_lookup(km, KEYMAP_INFORME, &open), ACTION_PERIOD_NEXT);
    assert_int_equal(keymap_lookup(km, KEYMAP_INFORME, &close), ACTION_PERIOD_PREV);
    assert_int_equal(keymap_lookup(km, KEYMAP_EMBUDO, &open), ACTION_NONE);
    assert_int_equal(keymap_load(km, "[informe\n", 9, "t.conf", &e), RC_INVAL);
    assert_string_equal(e.msg, "t.conf:1: sección mal escrita (se espera «[contexto]»)");
}

static char *
hint(struct keymap *km, enum keymap_ctx ctx, int width)
{
    struct hint_vm vm;

    hint_vm_build(&vm, km, ctx, width);
    return hint_vm_dump(&vm);
}

static void
test_hint_bar_follows_the_registry_and_the_overrides(void **st)
{
    struct keymap *km = *st;
    char *got;
    struct err e;

    got = hint(km, KEYMAP_EMBUDO, 80); /* the pane's hints, then the global ones */
    assert_string_equal(got, "0 fill=hint\n"
                             "0.1 hint_key|Enter\n"
                             "0.7 hint|abrir\n"
                             "0.14 hint_key|m\n"
                             "0.16 hint|mover de etapa\n"
                             "0.32 hint_key|/\n"
                             "0.34 hint|filtrar\n"
                             "0.43 hint_key|?\n"
                             "0.45 hint|ayuda\n"
                             "0.52 hint_key|:\n"
                             "0.54 hint|comando\n"
                             "0.63 hint_key|q\n"
                             "0.65 hint|salir\n");
    free(got);
    got = hint(km, KEYMAP_EMBUDO, 40); /* "/ filtrar" would end at column 41: left out */
    assert_string_equal(got, "0 fill=hint\n"
                             "0.1 hint_key|Enter\n"
                             "0.7 hint|abrir\n"
                             "0.14 hint_key|m\n"
                             "0.16 hint|mover de etapa\n");
    free(got);
    err_clear(&e);
    assert_int_equal(keymap_load(km, "[embudo]\nñ = mover\n", 20, "t", &e), RC_OK);
    got = hint(km, KEYMAP_EMBUDO, 40); /* a custom key shows where the default was */
    assert_string_equal(got, "0 fill=hint\n"
                             "0.1 hint_key|Enter\n"
                             "0.7 hint|abrir\n"
                             "0.14 hint_key|ñ\n"
                             "0.16 hint|mover de etapa\n");
    free(got);
}

/* A click on a pair of the bar, its key or its words, is that key; between pairs, nothing. */
static void
test_a_click_on_the_hint_bar_is_its_key(void **st)
{
    struct keymap *km = *st;
    struct hint_vm h;
    const struct key *k;
    struct err e;

    hint_vm_build(&h, km, KEYMAP_EMBUDO, 80);
    assert_non_null(k = hint_vm_key_at(&h, 1));
    assert_int_equal(k->kind, KK_ENTER);
    assert_non_null(k = hint_vm_key_at(&h, 11)); /* "abrir" ends at 12 */
    assert_int_equal(k->kind, KK_ENTER);
    assert_null(hint_vm_key_at(&h, 12));
    assert_null(hint_vm_key_at(&h, 0));
    assert_non_null(k = hint_vm_key_at(&h, 20)); /* "mover de etapa" */
    assert_int_equal(k->ch, 'm');
    assert_non_null(k = hint_vm_key_at(&h, 43));
    assert_int_equal(k->ch, '?');
    assert_null(hint_vm_key_at(&h, 79));
    err_clear(&e);
    assert_int_equal(keymap_load(km, "[embudo]\nñ = mover\n", 20, "t", &e), RC_OK);
    hint_vm_build(&h, km, KEYMAP_EMBUDO, 80);
    assert_non_null(k = hint_vm_key_at(&h, 14)); /* the custom key, not the default */
    assert_int_equal(k->ch, 0xf1);
    hint_vm_message(&h, "Listo", false, 80);
    assert_null(hint_vm_key_at(&h, 1));
}

static void
test_help_overlay_groups_keys_and_scrolls(void **st)
{
    struct keymap *km = *st;
    enum keymap_ctx ctxs[] = { KEYMAP_EMBUDO, KEYMAP_GLOBAL };
    struct help_vm h;
    int scroll = 0;
    char *got;

    help_vm_build(&h, km, ctxs, 2, NULL, 0, " Ayuda: Embudo ", &scroll, 12, 80);
    got = help_vm_dump(&h);
    assert_string_equal(got, "box 0,9 12x62 Ayuda: Embudo \n"
                             "1.2 heading|Embudo\n"
                             "2.3 hint_key|Enter\n"
                             "2.22 text|abrir\n"
                             "3.3 hint_key|m\n"
                             "3.22 text|mover de etapa\n"
                             "4.3 hint_key|/\n"
                             "4.22 text|filtrar\n"
                             "5.3 hint_key|v\n"
                             "5.22 text|cambiar vista\n"
                             "6.2 heading|En todos los paneles\n"
                             "7.3 hint_key|? F1\n"
                             "7.22 text|ayuda\n"
                             "8.3 hint_key|:\n"
                             "8.22 text|comando\n"
                             "10.2 muted|Esc cierra · ↑↓ desplazan\n");
    free(got);
    scroll = 1000; /* clamped to the last page */
    help_vm_build(&h, km, ctxs, 2, NULL, 0, " Ayuda: Embudo ", &scroll, 50, 160);
    assert_int_equal(scroll, 0); /* at 160×50 everything fits */
    assert_int_equal(h.box.h, h.total + 4);
    assert_int_equal(h.box.w, 62);
    scroll = 1000;
    help_vm_build(&h, km, ctxs, 2, NULL, 0, " Ayuda: Embudo ", &scroll, 24, 80);
    assert_int_equal(scroll, h.total - 20);
    assert_string_equal(h.lines[20].spans[1].text, "al final"); /* the last row shows */
    assert_string_equal(h.lines[20].spans[0].text, "Fin G");
}

/* What the pane says of its context now: a key it lacks for this user is not listed, its note
 * is wrapped under its keys (in "?" and in the reference alike); another context is left as
 * it is, and no pane (NULL) is help_vm_build. */
static bool
has_no_move(const void *st, enum action act)
{
    (void)st;
    return act != ACTION_MOVE_STAGE;
}

static void
test_help_leaves_out_what_the_pane_lacks_and_shows_its_note(void **st)
{
    struct keymap *km = *st;
    enum keymap_ctx ctxs[] = { KEYMAP_EMBUDO, KEYMAP_GLOBAL };
    const struct help_pane pane = {
        .has = has_no_move,
        .note = "Su cuenta envía por la API oficial de WhatsApp (Meta): el servidor envía sus "
                "campañas, y nada se vincula desde aquí.",
    };
    const struct help_pane *panes[] = { &pane, NULL };
    struct help_vm h;
    int scroll = 0;
    char *got, *plain;

    help_vm_build_panes(&h, km, ctxs, panes, 2, NULL, 0, " Ayuda: Embudo ", &scroll, 24, 80);
    got = vm_lines_render(h.lines, h.nlines);
    assert_null(strstr(got, "mover de etapa"));
    assert_non_null(strstr(got, "  Embudo\n   Enter              abrir\n"));
    assert_non_null(strstr(got, "   v                  cambiar vista\n"
                                "   Su cuenta envía por la API oficial de WhatsApp (Meta): el\n"
                                "   servidor envía sus campañas, y nada se vincula desde aquí.\n"
                                "  En todos los paneles\n"));
    help_vm_build(&h, km, ctxs, 2, NULL, 0, " Ayuda: Embudo ", &scroll, 24, 80);
    plain = vm_lines_render(h.lines, h.nlines);
    assert_non_null(strstr(plain, "mover de etapa"));
    assert_null(strstr(plain, "API oficial"));
    free(plain);
    free(got);
    /* narrower than the box: the note wraps to what is left */
    help_vm_build_panes(&h, km, ctxs, panes, 2, NULL, 0, " Ayuda ", &scroll, 24, 40);
    got = vm_lines_render(h.lines, h.nlines);
    assert_non_null(
        strstr(got, "   Su cuenta envía por la API oficial\n   de WhatsApp (Meta): el servidor\n"));
    free(got);
}

/* The reference (the overlay of :ayuda) says what the mouse does, before the commands, which
 * stay its end (G). A pane's ? overlay has neither. */
static void
test_the_reference_tells_the_mouse_before_the_commands(void **st)
{
    struct keymap *km = *st;
    enum keymap_ctx ctxs[] = { KEYMAP_GLOBAL };
    const struct cmdline_cmd cmds[] = { { "ayuda", "", "todas las teclas y comandos", NULL, NULL, 0,
                                          0 } };
    struct help_vm h;
    int scroll = 1000;
    char *got;

    help_vm_build(&h, km, ctxs, 1, cmds, 1, " Ayuda ", &scroll, 24, 80);
    got = vm_lines_render(h.lines, h.nlines);
    assert_non_null(strstr(got, "Ratón (:raton sí o no)\n"));
    assert_non_null(strstr(got, "   clic               pestaña, fila, campo o tecla de abajo\n"));
    assert_non_null(strstr(got, "   doble clic         abrir la fila (como Enter)\n"));
    assert_non_null(strstr(got, "   Mayús+arrastrar    seleccionar texto para copiarlo\n"));
    assert_true(strstr(got, "Ratón") < strstr(got, "Comandos (: y Tab completa)"));
    assert_non_null(strstr(got, "   :ayuda             todas las teclas y comandos\n"));
    free(got);
    scroll = 0;
    help_vm_build(&h, km, ctxs, 1, NULL, 0, " Ayuda ", &scroll, 50, 160);
    got = vm_lines_render(h.lines, h.nlines);
    assert_null(strstr(got, "Ratón"));
    free(got);
}

/* The examples in packaging/teclas.conf.example, uncommented, are all valid lines. */
static void
test_the_example_file_is_valid_when_uncommented(void **st)
{
    struct keymap *km = *st;
    char path[512], line[256], text[4096] = "";
    bool examples = false;
    size_t len = 0;
    int lines = 0;
    struct err e;
    FILE *f;

    snprintf(path, sizeof path, "%s/packaging/teclas.conf.example", EMBUDO_SOURCE_DIR);
    f = fopen(path, "r");
    assert_non_null(f);
    while (fgets(line, sizeof line, f) != NULL) {
        const char *l = line;

        examples |= strncmp(line, "# Ejemplos", 10) == 0;
        if (examples && strncmp(line, "# ", 2) == 0 && (strchr(line, '=') || line[2] == '[')) {
            l = line + 2; /* an example: uncomment it */
            lines++;
        }
        len += (size_t)snprintf(text + len, sizeof text - len, "%s", l);
        assert_true(len < sizeof text);
    }
    fclose(f);
    assert_true(lines >= 6);
    err_clear(&e);
    assert_int_equal(keymap_load(km, text, len, "teclas.conf.example", &e), RC_OK);
    assert_string_equal(keymap_key_for(km, KEYMAP_HOME, ACTION_QUIT), "Ctrl-q");
}

/* A supervision-only binding exists for supervisors and admins, not for promoters. */
static void
test_role_shaped_bindings(void **st)
{
    static const struct keymap_entry ents[] = {
        { KEYMAP_EMBUDO, { KK_CHAR, 'u' }, ACTION_PICK_MEMBER, "promotor", false,
          KEYMAP_SOLO_SUPERVISION },
        { KEYMAP_EMBUDO, { KK_CHAR, 'm' }, ACTION_MOVE_STAGE, "mover de etapa", true, 0 },
    };
    const struct key u = { KK_CHAR, 'u' }, m = { KK_CHAR, 'm' };
    const enum vm_profile profiles[] = { VM_PROFILE_PROMOTOR, VM_PROFILE_SUPERVISOR,
                                         VM_PROFILE_ADMIN };
    const enum action want_u[] = { ACTION_NONE, ACTION_PICK_MEMBER, ACTION_PICK_MEMBER };

    (void)st;
    for (size_t i = 0; i < 3; i++) {
        struct keymap *km = keymap_new();

        keymap_add(km, ents, 2, profiles[i]);
        assert_int_equal(keymap_lookup(km, KEYMAP_EMBUDO, &u), want_u[i]);
        assert_int_equal(keymap_lookup(km, KEYMAP_EMBUDO, &m), ACTION_MOVE_STAGE);
        if (want_u[i] == ACTION_NONE)
            assert_null(keymap_key_for(km, KEYMAP_EMBUDO, ACTION_PICK_MEMBER));
        keymap_free(km);
    }
}

/*
 * The auditor (read-only) has no binding that writes: not through its perfiles, not through a
 * table that forgot them (m with perfiles 0), not through teclas.conf. What it may do stays
 * (u picks whose embudo, Enter opens), and the hint bar and both help overlays follow.
 */
static void
test_auditor_has_no_write_binding(void **st)
{
    static const struct keymap_entry ents[] = {
        { KEYMAP_EMBUDO, { KK_ENTER, 0 }, ACTION_OPEN, "abrir", true, 0 },
        { KEYMAP_EMBUDO,
          { KK_CHAR, 'u' },
          ACTION_PICK_MEMBER,
          "promotor",
          false,
          KEYMAP_VEN_EQUIPO },
        { KEYMAP_EMBUDO,
          { KK_CHAR, 'c' },
          ACTION_CAPTURE,
          "captar cliente",
          true,
          KEYMAP_PERFIL(VM_PROFILE_PROMOTOR) },
        { KEYMAP_EMBUDO, { KK_CHAR, 'x' }, ACTION_EXIT_STAGE, "salida", true, KEYMAP_ESCRITURA },
        { KEYMAP_EMBUDO, { KK_CHAR, 'm' }, ACTION_MOVE_STAGE, "mover de etapa", true, 0 },
        { KEYMAP_EMBUDO, { KK_CHAR, ' ' }, ACTION_TAG, "marcar", true, KEYMAP_SOLO_SUPERVISION },
    };
    const size_t n = sizeof ents / sizeof ents[0];
    const struct key enter = { KK_ENTER, 0 }, u = ch('u'), c = ch('c'), x = ch('x'), m = ch('m'),
                     sp = ch(' '), big_m = ch('M');
    static const char conf[] = "[embudo]\nM = mover\nm = nota\nj = abrir\n";
    enum keymap_ctx ctxs[] = { KEYMAP_EMBUDO, KEYMAP_GLOBAL };
    struct keymap *km = keymap_new();
    struct help_vm h;
    struct err e;
    int scroll = 0;
    char *got;

    (void)st;
    keymap_set_read_only(km);
    keymap_add(km, ents, n, VM_PROFILE_AUDITOR);
    assert_int_equal(keymap_lookup(km, KEYMAP_EMBUDO, &enter), ACTION_OPEN);
    assert_int_equal(keymap_lookup(km, KEYMAP_EMBUDO, &u), ACTION_PICK_MEMBER);
    assert_int_equal(keymap_lookup(km, KEYMAP_EMBUDO, &c), ACTION_NONE);
    assert_int_equal(keymap_lookup(km, KEYMAP_EMBUDO, &x), ACTION_NONE);
    assert_int_equal(keymap_lookup(km, KEYMAP_EMBUDO, &m), ACTION_NONE); /* perfiles 0 */
    assert_int_equal(keymap_lookup(km, KEYMAP_EMBUDO, &sp), ACTION_NONE);
    /* teclas.conf: lines that write are good lines for others, ignored here; the rest apply. */
    err_clear(&e);
    assert_int_equal(keymap_load(km, conf, strlen(conf), "teclas.conf", &e), RC_OK);
    assert_int_equal(keymap_lookup(km, KEYMAP_EMBUDO, &big_m), ACTION_NONE);
    assert_int_equal(keymap_lookup(km, KEYMAP_EMBUDO, &m), ACTION_NONE);
    assert_int_equal(keymap_lookup(km, KEYMAP_EMBUDO, &(struct key){ KK_CHAR, 'j' }), ACTION_OPEN);
    got = hint(km, KEYMAP_EMBUDO, 80);
    assert_null(strstr(got, "mover"));
    assert_null(strstr(got, "captar"));
    assert_null(strstr(got, "marcar"));
    assert_non_null(strstr(got, "abrir"));
    free(got);
    help_vm_build(&h, km, ctxs, 2, NULL, 0, " Ayuda: Embudo ", &scroll, 50, 160);
    got = help_vm_dump(&h);
    assert_null(strstr(got, "mover"));
    assert_null(strstr(got, "nota"));
    assert_null(strstr(got, "captar"));
    assert_null(strstr(got, "salida"));
    assert_non_null(strstr(got, "promotor"));
    free(got);
    /* Why m does nothing for it: the pane's table binds m to a write for other profiles. */
    assert_true(keymap_entries_write(ents, n, KEYMAP_EMBUDO, &m));
    assert_true(keymap_entries_write(ents, n, KEYMAP_EMBUDO, &c));
    assert_false(keymap_entries_write(ents, n, KEYMAP_EMBUDO, &u));
    assert_false(keymap_entries_write(ents, n, KEYMAP_EMBUDO, &sp)); /* tagging writes nothing */
    assert_false(keymap_entries_write(ents, n, KEYMAP_DETALLE, &m));
    keymap_free(km);

    /* The same table and file for an admin: everything but the promoter's c. */
    km = keymap_new();
    keymap_add(km, ents, n, VM_PROFILE_ADMIN);
    assert_int_equal(keymap_load(km, conf, strlen(conf), "teclas.conf", &e), RC_OK);
    assert_int_equal(keymap_lookup(km, KEYMAP_EMBUDO, &big_m), ACTION_MOVE_STAGE);
    assert_int_equal(keymap_lookup(km, KEYMAP_EMBUDO, &m), ACTION_NOTE);
    assert_int_equal(keymap_lookup(km, KEYMAP_EMBUDO, &x), ACTION_EXIT_STAGE);
    assert_int_equal(keymap_lookup(km, KEYMAP_EMBUDO, &c), ACTION_NONE);
    keymap_free(km);
}

/* Every action is classified: the ones below read or move around; all the others write. An
 * action added later fails here until it is put on one side (keymap.c's action_writes). */
static void
test_every_action_reads_or_writes(void **st)
{
    static const enum action reads[] = {
        ACTION_NONE,         ACTION_QUIT,       ACTION_REFRESH,     ACTION_HELP,
        ACTION_CLOSE,        ACTION_BACK,       ACTION_CMDLINE,     ACTION_NEXT_PANE,
        ACTION_PREV_PANE,    ACTION_PANE_1,     ACTION_PANE_2,      ACTION_PANE_3,
        ACTION_PANE_4,       ACTION_PANE_5,     ACTION_PANE_6,      ACTION_PANE_7,
        ACTION_PANE_8,       ACTION_PANE_9,     ACTION_UP,          ACTION_DOWN,
        ACTION_LEFT,         ACTION_RIGHT,      ACTION_PAGE_UP,     ACTION_PAGE_DOWN,
        ACTION_TOP,          ACTION_BOTTOM,     ACTION_OPEN,        ACTION_TAG,
        ACTION_FILTER,       ACTION_SORT,       ACTION_TOGGLE_VIEW, ACTION_PICK_MEMBER,
        ACTION_CONFIRM,      ACTION_COMPLETE,   ACTION_NEXT_FIELD,  ACTION_PREV_FIELD,
        ACTION_SUBMIT,       ACTION_YES,        ACTION_NO,          ACTION_PERIOD_PREV,
        ACTION_PERIOD_NEXT,  ACTION_PERIOD_DAY, ACTION_PERIOD_WEEK, ACTION_PERIOD_MONTH,
        ACTION_USER_CHANGES,
    };

    (void)st;
    for (int a = 0; a < ACTION_COUNT; a++) {
        bool reading = false;

        for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++)
            reading = reading || reads[i] == (enum action)a;
        if (keymap_action_writes((enum action)a) == reading)
            fail_msg("la acción «%s» no está clasificada", keymap_action_name((enum action)a));
    }
    assert_true(keymap_action_writes(ACTION_MOVE_STAGE));
    assert_true(keymap_action_writes(ACTION_CAMPAIGN_PAUSE));
    assert_true(keymap_action_writes(ACTION_USER_STATE)); /* a promoter's estado (Equipo) */
    assert_true(keymap_action_writes(ACTION_EXTENSION_ASK));     /* prórrogas: ask, */
    assert_true(keymap_action_writes(ACTION_EXTENSION_APPROVE)); /* approve */
    assert_true(keymap_action_writes(ACTION_EXTENSION_REJECT));  /* and reject */
    assert_true(keymap_action_writes(ACTION_EXTENSION_CANCEL));  /* the requester withdraws */
    assert_true(keymap_action_writes(ACTION_USER_LIMITS));       /* an admin's cupo and cartera */
    assert_true(keymap_action_writes(ACTION_USER_SUPERVISOR));   /* and supervisor (Equipo) */
    assert_true(keymap_action_writes(ACTION_CORRECT_DATA));      /* a lead's data (Detalle's e) */
    assert_true(keymap_action_writes(ACTION_SALE_CORRECT));      /* a sale's data (E) */
    assert_true(keymap_action_writes(ACTION_SALE_CANCEL));       /* a sale the lender declined */
    assert_true(keymap_action_writes(ACTION_ITEM_ADD));          /* Inicio's admin lists: add, */
    assert_true(keymap_action_writes(ACTION_ITEM_EDIT));         /* change, */
    assert_true(keymap_action_writes(ACTION_ITEM_REMOVE));       /* take out, */
    assert_true(keymap_action_writes(ACTION_ITEM_MOVE));         /* move */
    assert_true(keymap_action_writes(ACTION_ITEM_RESTORE));      /* and bring back */
    assert_true(keymap_action_writes(ACTION_UNCERTAIN_DECIDE));  /* Detalle's answer in doubt */
    assert_false(keymap_action_writes(ACTION_COUNT)); /* out of range */
}

/* Alt-1…9 reach the panes from any pane context, with their own row in the help (a range,
 * not nine keys), and a pane may offer them in its hint bar as one pair. */
static void
test_alt_digits_switch_panes(void **st)
{
    static const struct keymap_entry asig[] = {
        { KEYMAP_ASIGNACION, { KK_ENTER, 0 }, ACTION_OPEN, "pedir", true, 0 },
        { KEYMAP_ASIGNACION, { KK_ALT, '1' }, ACTION_PANE_1, "paneles", true, 0 },
    };
    struct keymap *km = *st;
    enum keymap_ctx ctxs[] = { KEYMAP_GLOBAL };
    struct key alt3 = { KK_ALT, '3' }, alt9 = { KK_ALT, '9' }, three = ch('3');
    struct help_vm h;
    int scroll = 0;
    char *got;

    assert_int_equal(keymap_lookup(km, KEYMAP_EMBUDO, &alt3), ACTION_PANE_3);
    assert_int_equal(keymap_lookup(km, KEYMAP_CAMPANA, &alt9), ACTION_PANE_9);
    assert_int_equal(keymap_lookup(km, KEYMAP_EMBUDO, &three), ACTION_PANE_3);
    assert_int_equal(keymap_lookup(km, KEYMAP_CMDLINE, &alt3), ACTION_NONE);
    help_vm_build(&h, km, ctxs, 1, NULL, 0, " Ayuda ", &scroll, 50, 160);
    got = help_vm_dump(&h);
    assert_non_null(strstr(got, "hint_key|1 2 3 4 5 6 7 8 9\n"));
    assert_non_null(strstr(got, "hint_key|Alt-1…9\n"));
    assert_non_null(strstr(got, "text|ir al panel, también escribiendo\n"));
    free(got);
    keymap_add(km, asig, sizeof asig / sizeof asig[0], VM_PROFILE_PROMOTOR);
    got = hint(km, KEYMAP_ASIGNACION, 80);
    assert_string_equal(got, "0 fill=hint\n"
                             "0.1 hint_key|Enter\n"
                             "0.7 hint|pedir\n"
                             "0.14 hint_key|Alt-1…9\n"
                             "0.22 hint|paneles\n"
                             "0.31 hint_key|?\n"
                             "0.33 hint|ayuda\n"
                             "0.40 hint_key|:\n"
                             "0.42 hint|comando\n"
                             "0.51 hint_key|q\n"
                             "0.53 hint|salir\n");
    free(got);
}

/*
 * Detalle's e (corregir datos, sql/085) as the pane binds it, KEYMAP_ESCRITURA: a promoter, a
 * supervisor and an admin have it, in "?" not in the hint bar; the auditor has no e, and a
 * teclas.conf line binding the action is a no-op for it.
 */
static void
test_correct_data_writes(void **st)
{
    static const struct keymap_entry ents[] = {
        { KEYMAP_DETALLE, { KK_CHAR, 'n' }, ACTION_NOTE, "nota", true, KEYMAP_ESCRITURA },
        { KEYMAP_DETALLE,
          { KK_CHAR, 'e' },
          ACTION_CORRECT_DATA,
          "corregir datos",
          false,
          KEYMAP_ESCRITURA },
    };
    static const char conf[] = "[detalle]\nE = corregir_datos\n";
    const enum vm_profile perfiles[] = { VM_PROFILE_PROMOTOR, VM_PROFILE_SUPERVISOR,
                                         VM_PROFILE_ADMIN, VM_PROFILE_AUDITOR };
    const struct key e_key = ch('e'), big_e = ch('E');
    enum keymap_ctx ctxs[] = { KEYMAP_DETALLE, KEYMAP_GLOBAL };
    struct help_vm h;
    struct err e;
    char *got;

    (void)st;
    for (size_t i = 0; i < sizeof perfiles / sizeof perfiles[0]; i++) {
        bool auditor = perfiles[i] == VM_PROFILE_AUDITOR;
        struct keymap *km = keymap_new();
        int scroll = 0;

        if (auditor)
            keymap_set_read_only(km);
        keymap_add(km, ents, sizeof ents / sizeof ents[0], perfiles[i]);
        assert_int_equal(keymap_lookup(km, KEYMAP_DETALLE, &e_key),
                         auditor ? ACTION_NONE : ACTION_CORRECT_DATA);
        got = hint(km, KEYMAP_DETALLE, 160);
        assert_null(strstr(got, "corregir")); /* the hint bar is full at 80 columns */
        free(got);
        help_vm_build(&h, km, ctxs, 2, NULL, 0, " Ayuda: Detalle ", &scroll, 50, 160);
        got = help_vm_dump(&h);
        if (auditor)
            assert_null(strstr(got, "corregir datos"));
        else
            assert_non_null(strstr(got, "text|corregir datos\n"));
        free(got);
        err_clear(&e);
        assert_int_equal(keymap_load(km, conf, strlen(conf), "teclas.conf", &e), RC_OK);
        assert_int_equal(keymap_lookup(km, KEYMAP_DETALLE, &big_e),
                         auditor ? ACTION_NONE : ACTION_CORRECT_DATA);
        keymap_free(km);
    }
    assert_true(keymap_entries_write(ents, 2, KEYMAP_DETALLE, &e_key)); /* «Solo lectura» */
}

/*
 * E and X on a sale (sql/092) as the embudo binds them, KEYMAP_SOLO_SUPERVISION: supervisors and
 * admins have them in the hint bar (when the view offers them) and "?"; a promoter and the
 * auditor have neither, and a teclas.conf line binding them is a no-op for the auditor.
 */
static void
test_sale_keys_for_supervision_only(void **st)
{
    static const struct keymap_entry ents[] = {
        { KEYMAP_EMBUDO, { KK_ENTER, 0 }, ACTION_OPEN, "abrir", true, 0 },
        { KEYMAP_EMBUDO,
          { KK_CHAR, 'E' },
          ACTION_SALE_CORRECT,
          "corregir venta",
          true,
          KEYMAP_SOLO_SUPERVISION },
        { KEYMAP_EMBUDO,
          { KK_CHAR, 'X' },
          ACTION_SALE_CANCEL,
          "cancelar venta",
          true,
          KEYMAP_SOLO_SUPERVISION },
    };
    static const char conf[] = "[embudo]\nC = corregir_venta\n";
    const enum vm_profile perfiles[] = { VM_PROFILE_PROMOTOR, VM_PROFILE_SUPERVISOR,
                                         VM_PROFILE_ADMIN, VM_PROFILE_AUDITOR };
    const struct key big_e = ch('E'), big_x = ch('X'), big_c = ch('C');
    enum keymap_ctx ctxs[] = { KEYMAP_EMBUDO, KEYMAP_GLOBAL };
    struct help_vm h;
    struct err e;
    char *got;

    (void)st;
    for (size_t i = 0; i < sizeof perfiles / sizeof perfiles[0]; i++) {
        bool supervision = perfiles[i] == VM_PROFILE_SUPERVISOR || perfiles[i] == VM_PROFILE_ADMIN;
        struct keymap *km = keymap_new();
        int scroll = 0;

        if (perfiles[i] == VM_PROFILE_AUDITOR)
            keymap_set_read_only(km);
        keymap_add(km, ents, sizeof ents / sizeof ents[0], perfiles[i]);
        assert_int_equal(keymap_lookup(km, KEYMAP_EMBUDO, &big_e),
                         supervision ? ACTION_SALE_CORRECT : ACTION_NONE);
        assert_int_equal(keymap_lookup(km, KEYMAP_EMBUDO, &big_x),
                         supervision ? ACTION_SALE_CANCEL : ACTION_NONE);
        got = hint(km, KEYMAP_EMBUDO, 80);
        assert_true((strstr(got, "hint|corregir venta\n") != NULL) == supervision);
        assert_true((strstr(got, "hint|cancelar venta\n") != NULL) == supervision);
        free(got);
        help_vm_build(&h, km, ctxs, 2, NULL, 0, " Ayuda: Embudo ", &scroll, 50, 160);
        got = help_vm_dump(&h);
        assert_true((strstr(got, "corregir venta") != NULL) == supervision);
        assert_true((strstr(got, "cancelar venta") != NULL) == supervision);
        free(got);
        err_clear(&e);
        assert_int_equal(keymap_load(km, conf, strlen(conf), "teclas.conf", &e), RC_OK);
        assert_int_equal(keymap_lookup(km, KEYMAP_EMBUDO, &big_c),
                         perfiles[i] == VM_PROFILE_AUDITOR ? ACTION_NONE : ACTION_SALE_CORRECT);
        keymap_free(km);
    }
    assert_true(keymap_entries_write(ents, 3, KEYMAP_EMBUDO, &big_x)); /* «Solo lectura» */
}

/* In the command line Up and Down walk the history (they do not type). */
static void
test_command_line_history_keys(void **st)
{
    struct keymap *km = *st;
    struct key up = { KK_UP, 0 }, down = { KK_DOWN, 0 };

    assert_int_equal(keymap_lookup(km, KEYMAP_CMDLINE, &up), ACTION_UP);
    assert_int_equal(keymap_lookup(km, KEYMAP_CMDLINE, &down), ACTION_DOWN);
    assert_string_equal(keymap_key_for(km, KEYMAP_CMDLINE, ACTION_UP), "↑");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_role_shaped_bindings),
        cmocka_unit_test_setup_teardown(test_pane_contexts_fall_back_to_global_overlays_do_not,
                                        setup, teardown),
        cmocka_unit_test(test_key_names_parse_and_print),
        cmocka_unit_test_setup_teardown(test_alt_digits_switch_panes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_command_line_history_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overrides_rebind_replace_defaults_and_unbind, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_lines_name_file_and_line_and_good_ones_still_apply,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_click_on_the_hint_bar_is_its_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hint_bar_follows_the_registry_and_the_overrides, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_help_overlay_groups_keys_and_scrolls, setup, teardown),
        cmocka_unit_test_setup_teardown(test_help_leaves_out_what_the_pane_lacks_and_shows_its_note,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_auditor_has_no_write_binding, setup, teardown),
        cmocka_unit_test(test_every_action_reads_or_writes),
        cmocka_unit_test(test_correct_data_writes),
        cmocka_unit_test(test_sale_keys_for_supervision_only),
        cmocka_unit_test_setup_teardown(test_brackets_are_keys_too, setup, teardown),
        cmocka_unit_test_setup_teardown(test_the_reference_tells_the_mouse_before_the_commands,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_the_example_file_is_valid_when_uncommented, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
