/* test_respuestas_vm — the inbox of replies on Inicio: one row per opportunity, the line the
 * bottom bar says about new ones (once, with the login for supervision), the cursor following
 * the opportunity, the ages in words, the section at 80 and 160 columns with accents, the
 * count of the others, scrolling, the empty, loading and failed states, ASCII, and the
 * section under Inicio's card. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ui/vm/home_vm.h"
#include "ui/vm/respuestas_vm.h"

static int
setup_utf8(void **st)
{
    (void)st;
    return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

/* n replies as the database lists them (newest first): ids, opportunities, ages, texts. */
struct fila {
    int64_t id, op;
    long long edad;
    const char *cliente, *etapa, *promotor, *texto;
};

static struct respuesta *
filas(const struct fila *f, size_t n)
{
    struct respuesta *r = calloc(n + 1, sizeof *r);

    assert_non_null(r);
    for (size_t i = 0; i < n; i++) {
        r[i].id = f[i].id;
        r[i].oportunidad_id = f[i].op;
        r[i].edad_s = f[i].edad;
        snprintf(r[i].cliente, sizeof r[i].cliente, "%s", f[i].cliente);
        snprintf(r[i].etapa, sizeof r[i].etapa, "%s", f[i].etapa);
        snprintf(r[i].promotor, sizeof r[i].promotor, "%s", f[i].promotor);
        snprintf(r[i].texto, sizeof r[i].texto, "%s", f[i].texto);
    }
    return r;
}

static const struct fila tres[] = {
    { 7, 30, 30, "Marco Ruiz", "Contactado", "resp2", "Hola" },
    { 6, 10, 120, "Julia Pérez Núñez", "Nuevo", "resp1", "Ya le mandé los papeles" },
    { 4, 10, 7200, "Julia Pérez Núñez", "Nuevo", "resp1", "¿Me llama?" },
    { 2, 20, 2 * 86400 + 5, "Íñigo Muñoz", "Interesado", "resp1", "Sí me interesa, ¿cuánto?" },
};

static bool
take(struct respuestas_model *m, const struct fila *f, size_t n, char *anuncio)
{
    anuncio[0] = '\0';
    return respuestas_model_take(m, filas(f, n), n, anuncio, 256);
}

static void
test_one_row_per_opportunity_and_the_count(void **st)
{
    struct respuestas_model m;
    char anuncio[256];

    (void)st;
    respuestas_model_init(&m);
    assert_false(take(&m, tres, 4, anuncio)); /* the first read is not news */
    assert_string_equal(anuncio, "");
    assert_int_equal(m.n, 3);
    assert_int_equal(m.total, 4);
    assert_int_equal(m.filas[0].oportunidad_id, 30);
    assert_int_equal(m.filas[1].oportunidad_id, 10);
    assert_string_equal(m.filas[1].texto, "Ya le mandé los papeles"); /* its newest */
    assert_int_equal(m.filas[1].mas, 1);
    assert_int_equal(m.filas[2].mas, 0);
    assert_int_equal(m.visto, 7);
    assert_int_equal(respuestas_model_selected(&m), 30);
    respuestas_model_fini(&m);
    assert_int_equal(respuestas_model_selected(&m), 0);
}

/* Said once: a re-read with nothing new says nothing; the login only for supervision. */
static void
test_new_replies_are_said_once(void **st)
{
    struct respuestas_model m;
    char anuncio[256];
    const struct fila nueva[] = {
        { 9, 20, 0, "Íñigo Muñoz", "Interesado", "resp1",
          "Perdón la tardanza:\nsí me interesa, mi sueldo es de 12 mil y quiero saber cuánto"
          " me prestan a 24 quincenas" },
        { 2, 20, 2 * 86400 + 5, "Íñigo Muñoz", "Interesado", "resp1", "Sí me interesa" },
    };

    (void)st;
    respuestas_model_init(&m);
    assert_false(take(&m, tres + 1, 3, anuncio));
    assert_true(take(&m, tres, 4, anuncio));
    assert_string_equal(anuncio, "Nueva respuesta de Marco Ruiz: «Hola»");
    assert_false(take(&m, tres, 4, anuncio));
    assert_string_equal(anuncio, "");
    /* Attended ones leave; an old one is never news again, a new one clipped to one line. */
    assert_true(take(&m, nueva, 2, anuncio));
    assert_string_equal(anuncio, "Nueva respuesta de Íñigo Muñoz: «Perdón la tardanza: sí me"
                                 " interesa, mi sueldo es de 12 mil …»");
    assert_int_equal(m.n, 1);
    assert_int_equal(m.visto, 9);
    m.ver_promotor = true;
    assert_false(take(&m, tres, 4, anuncio)); /* 7 and lower: seen already */
    respuestas_model_fini(&m);

    respuestas_model_init(&m);
    m.ver_promotor = true;
    assert_false(take(&m, tres + 3, 1, anuncio));
    assert_true(take(&m, tres, 4, anuncio));
    assert_string_equal(anuncio, "3 respuestas nuevas; la última, de Marco Ruiz (resp2): «Hola»");
    respuestas_model_fini(&m);
}

/* The cursor stays on its opportunity when rows come and go; clamped when it left. */
static void
test_the_cursor_follows_the_opportunity(void **st)
{
    struct respuestas_model m;
    char anuncio[256];

    (void)st;
    respuestas_model_init(&m);
    take(&m, tres + 1, 3, anuncio); /* Julia, Íñigo */
    assert_true(respuestas_model_move(&m, ACTION_DOWN, 5));
    assert_int_equal(respuestas_model_selected(&m), 20);
    take(&m, tres, 4, anuncio); /* Marco arrives on top */
    assert_int_equal(m.cur, 2);
    assert_int_equal(respuestas_model_selected(&m), 20);
    take(&m, tres, 2, anuncio); /* Íñigo's was attended */
    assert_int_equal(m.cur, 0);
    assert_true(respuestas_model_move(&m, ACTION_BOTTOM, 5));
    assert_int_equal(m.cur, 1);
    assert_true(respuestas_model_move(&m, ACTION_DOWN, 5));
    assert_int_equal(m.cur, 1);
    assert_true(respuestas_model_move(&m, ACTION_PAGE_UP, 5));
    assert_int_equal(m.cur, 0);
    assert_true(respuestas_model_move(&m, ACTION_UP, 5));
    assert_int_equal(m.cur, 0);
    assert_false(respuestas_model_move(&m, ACTION_OPEN, 5));
    respuestas_model_fini(&m);
}

static void
test_ages_in_words(void **st)
{
    char b[32];

    (void)st;
    assert_string_equal(respuestas_edad(b, sizeof b, 0), "ahora");
    assert_string_equal(respuestas_edad(b, sizeof b, 59), "ahora");
    assert_string_equal(respuestas_edad(b, sizeof b, 60), "hace 1 min");
    assert_string_equal(respuestas_edad(b, sizeof b, 3599), "hace 59 min");
    assert_string_equal(respuestas_edad(b, sizeof b, 3600), "hace 1 h");
    assert_string_equal(respuestas_edad(b, sizeof b, 86399), "hace 23 h");
    assert_string_equal(respuestas_edad(b, sizeof b, 86400), "hace 1 d");
    assert_string_equal(respuestas_edad(b, sizeof b, 40 * 86400), "hace 40 d");
}

static struct vm_line lines[60];

static char *
put(struct respuestas_model *m, int h, int width)
{
    for (int i = 0; i < 60; i++)
        vm_line_init(&lines[i], ROLE_TEXT);
    assert_int_equal(respuestas_vm_put(lines, 0, h, 2, width, m) <= h, true);
    return vm_lines_render(lines, h);
}

/* A promoter at 80 columns: no login column; a day waiting is late (word and role). */
static void
test_a_promoter_at_80(void **st)
{
    struct respuestas_model m;
    char anuncio[256], *r;

    (void)st;
    respuestas_model_init(&m);
    take(&m, tres, 4, anuncio);
    r = put(&m, 5, 80);
    assert_string_equal(r, "  Respuestas por atender (4)\n"
                           "  Marco Ruiz            Contactado  ahora       «Hola»\n"
                           "  Julia Pérez Núñez     Nuevo       hace 2 min  «Ya le mandé los"
                           " papeles» +1\n"
                           "  Íñigo Muñoz           Interesado  hace 2 d    «Sí me interesa,"
                           " ¿cuánto?»\n"
                           "\n");
    free(r);
    assert_int_equal(lines[0].spans[0].role, ROLE_HEADING);
    assert_int_equal(lines[1].fill, ROLE_CURSOR); /* the cursor's row, whole */
    assert_int_equal(lines[1].spans[0].role, ROLE_CURSOR);
    assert_int_equal(lines[2].fill, ROLE_TEXT);
    assert_int_equal(lines[2].spans[1].role, ROLE_LABEL);
    assert_int_equal(lines[2].spans[2].role, ROLE_MUTED);
    assert_int_equal(lines[2].spans[3].role, ROLE_VALUE);
    assert_int_equal(lines[2].spans[4].role, ROLE_MUTED); /* +1 */
    assert_int_equal(lines[3].spans[2].role, ROLE_TIMER_LATE);
    /* A long text is clipped inside its quotes, and the count still shows. */
    snprintf(m.filas[1].texto, sizeof m.filas[1].texto,
             "Buenas tardes, ya le mandé los papeles que me pidió por correo");
    r = put(&m, 5, 80);
    assert_non_null(strstr(r, "  Julia Pérez Núñez     Nuevo       hace 2 min  «Buenas tardes,"
                              " ya le mand…» +1\n"));
    free(r);
    respuestas_model_fini(&m);
}

/* Supervision sees whose; 160 columns give the names and stages room. */
static void
test_supervision_with_the_login_at_80_and_160(void **st)
{
    struct respuestas_model m;
    char anuncio[256], *r;

    (void)st;
    respuestas_model_init(&m);
    m.ver_promotor = true;
    take(&m, tres, 4, anuncio);
    r = put(&m, 4, 80);
    assert_string_equal(r, "  Respuestas por atender (4)\n"
                           "  Marco Ruiz        resp2    Contactado  ahora       «Hola»\n"
                           "  Julia Pérez Núñez resp1    Nuevo       hace 2 min  «Ya le mandé"
                           " los pape…» +1\n"
                           "  Íñigo Muñoz       resp1    Interesado  hace 2 d    «Sí me"
                           " interesa, ¿cuánto?»\n");
    free(r);
    r = put(&m, 4, 160);
    assert_non_null(strstr(r, "  Julia Pérez Núñez             resp1       Nuevo           hace"
                              " 2 min  «Ya le mandé los papeles» +1\n"));
    free(r);
    respuestas_model_fini(&m);
}

/* More rows than fit: the range at the right of the heading, and the cursor kept in view. */
static void
test_scrolling_keeps_the_cursor_in_view(void **st)
{
    struct respuestas_model m;
    char anuncio[256], *r;

    (void)st;
    respuestas_model_init(&m);
    take(&m, tres, 4, anuncio);
    r = put(&m, 3, 80);
    assert_non_null(strstr(r, "  Respuestas por atender (4)                                      "
                              "     1–2 de 3\n"
                              "  Marco Ruiz "));
    assert_int_equal(lines[0].spans[1].col + lines[0].spans[1].width, 79);
    free(r);
    respuestas_model_move(&m, ACTION_BOTTOM, 2);
    r = put(&m, 3, 80);
    assert_non_null(strstr(r, "2–3 de 3\n  Julia Pérez Núñez "));
    assert_non_null(strstr(r, "\n  Íñigo Muñoz "));
    free(r);
    respuestas_model_fini(&m);
}

static void
test_empty_loading_and_failed(void **st)
{
    struct respuestas_model m;
    char anuncio[256], *r;

    (void)st;
    respuestas_model_init(&m);
    r = put(&m, 3, 80);
    assert_string_equal(r, "  Respuestas por atender\n"
                           "  Consultando las respuestas…\n"
                           "\n");
    free(r);
    take(&m, tres, 0, anuncio);
    r = put(&m, 3, 80);
    assert_string_equal(r, "  Respuestas por atender (0)\n"
                           "  Ninguna por ahora: cuando un cliente conteste una campaña, aparece"
                           " aquí.\n"
                           "\n");
    free(r);
    take(&m, tres, 1, anuncio);
    snprintf(m.error, sizeof m.error, "No se pudieron leer las respuestas: sin conexión");
    r = put(&m, 4, 80);
    assert_string_equal(r, "  Respuestas por atender (1)\n"
                           "  Marco Ruiz            Contactado  ahora       «Hola»\n"
                           "  No se pudieron leer las respuestas: sin conexión\n"
                           "\n");
    free(r);
    assert_int_equal(lines[2].spans[0].role, ROLE_ERROR);
    respuestas_model_fini(&m);
}

/* No span past the pane's edge, nor over another, at any width a terminal may have. */
static void
test_no_span_past_the_edge(void **st)
{
    struct respuestas_model m;
    char anuncio[256];

    (void)st;
    for (int sup = 0; sup < 2; sup++) {
        respuestas_model_init(&m);
        m.ver_promotor = sup == 1;
        take(&m, tres, 4, anuncio);
        for (int w = 10; w <= 200; w++) {
            free(put(&m, 3, w));
            for (int y = 0; y < 3; y++) {
                int prev = 0;

                for (int i = 0; i < lines[y].nspans; i++) {
                    const struct vm_span *sp = &lines[y].spans[i];

                    if (sp->col + sp->width > w - 1 || sp->col < prev)
                        fail_msg("ancho %d, fila %d, «%s» en %d+%d", w, y, sp->text, sp->col,
                                 sp->width);
                    prev = sp->col + sp->width;
                }
            }
        }
        respuestas_model_fini(&m);
    }
}

/* A terminal that is not UTF-8: letters folded, «» and … in ASCII. */
static void
test_ascii(void **st)
{
    struct respuestas_model m;
    char anuncio[256], *r;

    (void)st;
    assert_non_null(setlocale(LC_ALL, "C"));
    respuestas_model_init(&m);
    m.ascii = true;
    take(&m, tres, 4, anuncio);
    r = put(&m, 3, 80);
    assert_non_null(strstr(r, "1-2 de 3\n"));
    assert_non_null(strstr(r, "  Julia Perez Nunez     Nuevo       hace 2 min  \"Ya le mande los"
                              " papeles\" +1\n"));
    free(r);
    respuestas_model_fini(&m);
    assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
}

/* Inicio: the section under the card's freshness line, and lower when the card's read
 * failed; none before the profile is known. */
static void
test_under_inicios_card(void **st)
{
    static struct home_vm vm;
    struct respuestas_model m;
    struct home_info in = {
        .profile = VM_PROFILE_PROMOTOR, .loaded = true, .clientes = 2000, .updated = "10:42:13"
    };
    char anuncio[256], *r;

    (void)st;
    respuestas_model_init(&m);
    take(&m, tres, 4, anuncio);
    home_vm_build(&vm, &in, 80, 21);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_null(strstr(r, "Respuestas"));
    free(r);
    in.resp = &m;
    home_vm_build(&vm, &in, 80, 21);
    assert_string_equal(vm.lines[14].spans[0].text, "Actualizado a las 10:42:13");
    assert_string_equal(vm.lines[16].spans[0].text, "Respuestas por atender (4)");
    assert_string_equal(vm.lines[17].spans[0].text, "Marco Ruiz");
    assert_string_equal(vm.lines[19].spans[0].text, "Íñigo Muñoz");
    in.error = "sin conexión con la base de datos";
    home_vm_build(&vm, &in, 80, 21);
    assert_string_equal(vm.lines[18].spans[0].text, "Respuestas por atender (4)");
    home_vm_build(&vm, &in, 160, 47);
    assert_string_equal(vm.lines[19].spans[0].text, "Marco Ruiz");
    respuestas_model_fini(&m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_row_per_opportunity_and_the_count),
        cmocka_unit_test(test_new_replies_are_said_once),
        cmocka_unit_test(test_the_cursor_follows_the_opportunity),
        cmocka_unit_test(test_ages_in_words),
        cmocka_unit_test(test_a_promoter_at_80),
        cmocka_unit_test(test_supervision_with_the_login_at_80_and_160),
        cmocka_unit_test(test_scrolling_keeps_the_cursor_in_view),
        cmocka_unit_test(test_empty_loading_and_failed),
        cmocka_unit_test(test_no_span_past_the_edge),
        cmocka_unit_test(test_ascii),
        cmocka_unit_test(test_under_inicios_card),
    };

    return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
