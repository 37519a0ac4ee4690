/* test_buscar_vm — what :buscar found, shown in the Embudo: the rows at 80×24 for a promoter
 * and for supervision (phone as Detalle writes it, state in words, closed ones muted, the
 * cursor's whole row), 160 columns, the cursor kept over a re-read, scrolling with its range,
 * the limit note, none found, ASCII. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ui/vm/buscar_vm.h"

static struct buscar_vm vm;

static int
setup_utf8(void **st)
{
    (void)st;
    return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

static struct buscar_fila *
filas(size_t n)
{
    static const struct buscar_fila base[] = {
        { 31, "Rocío Íñiguez Bárcenas", "+525599900101", "Contactado", "ABIERTA", "prom1",
          "29/11/26 16:42" },
        { 12, "Rocío Núñez", "", "Nuevo", "EN_BANDEJA", "prom2", "28/11/26 09:05" },
        { 7, "Rocío Peña Castañeda de la Garza", "+522221234567", "Venta", "GANADA", "prom1",
          "02/10/26 11:30" },
    };
    struct buscar_fila *f = calloc(n, sizeof *f);

    assert_non_null(f);
    for (size_t i = 0; i < n; i++) {
        f[i] = base[i % 3];
        f[i].oportunidad_id = (int64_t)(i + 1) * 100 + base[i % 3].oportunidad_id;
    }
    if (n <= 3)
        for (size_t i = 0; i < n; i++)
            f[i].oportunidad_id = base[i].oportunidad_id;
    return f;
}

static char *
render(struct buscar_model *m, int w, int h)
{
    buscar_vm_build(&vm, m, w, h);
    return vm_lines_render(vm.lines, vm.nlines);
}

static void
test_rows_at_80_for_a_promoter(void **st)
{
    struct buscar_model m;
    char *r;

    (void)st;
    buscar_model_init(&m);
    buscar_model_take(&m, "rocio", filas(3), 3);
    assert_true(m.abierto);
    r = render(&m, 80, 7);
    assert_string_equal(
        r, "Búsqueda «rocio» · 3 oportunidades\n"
           "Cliente                Teléfono         Etapa          Estado     Cambio\n"
           "Rocío Íñiguez Bárcenas +52 55 9990 0101 Contactado     Abierta    29/11/26 16:42\n"
           "Rocío Núñez            —                Nuevo          En bandeja 28/11/26 09:05\n"
           "Rocío Peña Castañeda … +52 222 123 4567 Venta          Ganada     02/10/26 11:30\n"
           "\n"
           "Enter abre en Detalle · Esc vuelve a las tarjetas\n");
    free(r);
    assert_int_equal(vm.lines[2].fill, ROLE_CURSOR);
    assert_int_equal(vm.lines[2].spans[0].role, ROLE_CURSOR);
    assert_int_equal(vm.lines[3].spans[0].role, ROLE_TEXT);
    assert_int_equal(vm.lines[4].spans[0].role, ROLE_MUTED); /* closed */
    assert_int_equal(buscar_model_selected(&m), 31);
    assert_true(buscar_model_move(&m, ACTION_DOWN, 3));
    assert_int_equal(buscar_model_selected(&m), 12);
    assert_false(buscar_model_move(&m, ACTION_OPEN, 3));
    buscar_model_close(&m);
    assert_false(m.abierto);
    assert_int_equal(buscar_model_selected(&m), 0);
    buscar_model_fini(&m);
}

static void
test_supervision_sees_whose_at_80_and_160(void **st)
{
    struct buscar_model m;
    char *r;

    (void)st;
    buscar_model_init(&m);
    m.ver_promotor = true;
    buscar_model_take(&m, "5599900101", filas(3), 3);
    r = render(&m, 80, 4);
    assert_string_equal(
        r, "Búsqueda «5599900101» · 3 oportunidades                                 1–1 de 3\n"
           "Cliente           Teléfono         Etapa          Estado     Promotor   Cambio\n"
           "Rocío Íñiguez Bá… +52 55 9990 0101 Contactado     Abierta    prom1      29/11/26\n"
           "Enter abre en Detalle · Esc vuelve a las tarjetas\n");
    free(r);
    /* 80 columns keep the day of the last change only; 160 have room for the hour. */
    r = render(&m, 160, 4);
    assert_non_null(strstr(r, "Rocío Íñiguez Bárcenas"));
    assert_non_null(strstr(r, "prom1      29/11/26 16:42\n"));
    free(r);
    buscar_model_fini(&m);
}

static void
test_cursor_kept_scrolling_and_the_limit(void **st)
{
    struct buscar_model m;
    char *r;

    (void)st;
    buscar_model_init(&m);
    buscar_model_take(&m, "rocio", filas(BUSCAR_LIMITE), BUSCAR_LIMITE);
    assert_true(buscar_model_move(&m, ACTION_PAGE_DOWN, 5));
    assert_true(buscar_model_move(&m, ACTION_DOWN, 5));
    r = render(&m, 80, 8);
    assert_non_null(strstr(r, "Búsqueda «rocio» · 50 oportunidades"));
    assert_non_null(strstr(r, "3–7 de 50\n"));
    assert_non_null(strstr(r, "solo las primeras 50: afine la búsqueda"));
    free(r);
    /* A re-read of the same text keeps the opportunity; another text starts at the top. */
    int64_t sel = buscar_model_selected(&m);
    buscar_model_take(&m, "rocio", filas(BUSCAR_LIMITE), BUSCAR_LIMITE);
    assert_int_equal(buscar_model_selected(&m), sel);
    buscar_model_take(&m, "nunez", filas(3), 3);
    assert_int_equal(m.cur, 0);
    buscar_model_fini(&m);
}

static void
test_none_and_ascii(void **st)
{
    struct buscar_model m;
    char buf[128], *r;

    (void)st;
    assert_string_equal(buscar_no_hay(buf, sizeof buf, "Zoé"),
                        "No hay oportunidades suyas con «Zoé».");
    assert_string_equal(buscar_estado_nombre("DESCARTADA"), "Descartada");
    assert_string_equal(buscar_estado_nombre("DEVUELTA"), "Devuelta");
    assert_string_equal(buscar_estado_nombre("OTRO"), "OTRO");
    buscar_model_init(&m);
    buscar_model_take(&m, "zoe", NULL, 0); /* a re-read after the last one closed */
    r = render(&m, 80, 4);
    assert_non_null(strstr(r, "No hay oportunidades suyas con «zoe»."));
    free(r);
    assert_non_null(setlocale(LC_ALL, "C"));
    m.ascii = true;
    buscar_model_take(&m, "rocio", filas(3), 3);
    r = render(&m, 80, 5);
    assert_non_null(strstr(r, "Rocio Nunez            -                Nuevo          En bandeja"));
    free(r);
    assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
    buscar_model_fini(&m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_at_80_for_a_promoter),
        cmocka_unit_test(test_supervision_sees_whose_at_80_and_160),
        cmocka_unit_test(test_cursor_kept_scrolling_and_the_limit),
        cmocka_unit_test(test_none_and_ascii),
    };

    return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
