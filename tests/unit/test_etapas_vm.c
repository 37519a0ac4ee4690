/* test_etapas_vm — what :etapas shows in Inicio: every stage at 80×24 with its kind, timer,
 * an exit's attempts and the open count (one out of the funnel muted with «fuera»), the changes
 * in words, the cursor's stage in the last row (an admin told what X and R do there), 160
 * columns keeping the table at 80, narrow terminals dropping the kind and the attempts, the
 * cursor kept by name over a re-read and after a rename, scrolling, none, ASCII, and the hours
 * the forms take. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ui/vm/etapas_vm.h"

static struct etapas_vm vm;

static const struct etapas_fila base[] = {
    { 1, "Nuevo", "INICIAL", "24", 0, true, 45 },
    { 2, "Contactado", "NORMAL", "48", 0, true, 14 },
    { 3, "Interesado", "NORMAL", "72", 0, true, 7 },
    { 4, "Documentación", "NORMAL", "72", 0, true, 8 },
    { 5, "En trámite", "NORMAL", "120", 0, true, 3 },
    { 6, "Seguimiento largo", "NORMAL", "1.5", 0, false, 0 },
    { 7, "Venta", "VENTA", "", 0, true, 0 },
    { 8, "No localizado", "SALIDA", "", 2, true, 1 },
    { 9, "No interesado", "SALIDA", "", 0, true, 3 },
    { 10, "No califica", "SALIDA", "", 0, true, 1234 },
};
#define NBASE (sizeof base / sizeof base[0])

static int
setup_utf8(void **st)
{
    (void)st;
    return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

static struct etapas_fila *
filas(void)
{
    struct etapas_fila *f = malloc(sizeof base);

    assert_non_null(f);
    memcpy(f, base, sizeof base);
    return f;
}

static struct etapas_cambio *
cambios(size_t *n)
{
    static const struct etapas_cambio c[] = {
        { "30/11/26 10:15", "admin", "Contactado", "timer_horas", "48", "36" },
        { "30/11/26 10:12", "admin", "Seguimiento largo", "activa", "activa", "desactivada" },
        { "30/11/26 10:10", "", "Seguimiento largo", "alta", "",
          "NORMAL, 1.5 h hábiles, después de \"En trámite\"" },
    };
    struct etapas_cambio *out = malloc(sizeof c);

    assert_non_null(out);
    memcpy(out, c, sizeof c);
    *n = sizeof c / sizeof c[0];
    return out;
}

static void
open_model(struct etapas_model *m, bool admin)
{
    size_t nc;
    struct etapas_cambio *c = cambios(&nc);

    etapas_model_init(m);
    m->admin = admin;
    etapas_model_take(m, filas(), NBASE, c, nc);
}

static char *
render(struct etapas_model *m, int w, int h)
{
    etapas_vm_build(&vm, m, w, h);
    return vm_lines_render(vm.lines, vm.nlines);
}

static void
move(struct etapas_model *m, enum action a, int times)
{
    for (int i = 0; i < times; i++)
        assert_true(etapas_model_move(m, a, vm.page));
}

static void
test_admin_at_80x24(void **st)
{
    struct etapas_model m;
    char *r;

    (void)st;
    open_model(&m, true);
    r = render(&m, 80, 21);
    assert_string_equal(
        r, "Etapas del embudo · 9 (1 fuera del embudo)\n"
           "#   Etapa                           Tipo     Temporizador     Intentos  Abiertas\n"
           ">1  Nuevo                           inicial  24 h hábiles                     45\n"
           " 2  Contactado                      normal   48 h hábiles                     14\n"
           " 3  Interesado                      normal   72 h hábiles                      7\n"
           " 4  Documentación                   normal   72 h hábiles                      8\n"
           " 5  En trámite                      normal   120 h hábiles                     3\n"
           " 6  Seguimiento largo               normal   1.5 h hábiles                 fuera\n"
           " 7  Venta                           venta    —                                 0\n"
           " 8  No localizado                   salida   —                2                1\n"
           " 9  No interesado                   salida   —                                 3\n"
           " 10 No califica                     salida   —                             1,234\n"
           "\n"
           "Cambios recientes\n"
           "  30/11/26 10:15  admin  Contactado  temporizador: 48 h → 36 h\n"
           "  30/11/26 10:12  admin  Seguimiento largo  sale del embudo\n"
           "  30/11/26 10:10  (superusuario)  Seguimiento largo  alta: NORMAL, 1.5 h hábile…\n"
           "\n\n\n"
           "Nuevo: inicial, 24 h hábiles · Esc vuelve\n");
    free(r);
    r = etapas_vm_dump(&vm);
    assert_non_null(strstr(r, "2.0 cursor|>1\n"));
    assert_non_null(strstr(r, "7.4 muted|Seguimiento largo\n"));
    assert_non_null(strstr(r, "7.75 muted|fuera\n"));
    free(r);
    move(&m, ACTION_DOWN, 5); /* out of the funnel: R brings it back */
    r = render(&m, 80, 21);
    assert_non_null(strstr(r, "\nSeguimiento largo: normal, 1.5 h hábiles, fuera del embudo · R la"
                              " regresa · Esc…\n"));
    free(r);
    move(&m, ACTION_DOWN, 2); /* an exit with attempts: X takes it out */
    r = render(&m, 80, 21);
    assert_non_null(strstr(r, "\nNo localizado: salida, pide 2 intentos antes · X la saca del"
                              " embudo · Esc vuelve\n"));
    free(r);
    move(&m, ACTION_UP, 1); /* Venta stays in: nothing said of X */
    r = render(&m, 80, 21);
    assert_non_null(strstr(r, "\nVenta: venta · Esc vuelve\n"));
    free(r);
    etapas_model_fini(&m);
}

/* A reader: no X or R in words; a wide terminal keeps the table at 80 and the change whole. */
static void
test_reader_and_160(void **st)
{
    struct etapas_model m;
    char *r;

    (void)st;
    open_model(&m, false);
    move(&m, ACTION_DOWN, 7);
    r = render(&m, 160, 21);
    assert_non_null(strstr(r, "\n>8  No localizado                   salida   —                2"
                              "                1\n"));
    assert_non_null(strstr(r, "  30/11/26 10:10  (superusuario)  Seguimiento largo  alta: NORMAL,"
                              " 1.5 h hábiles, después de \"En trámite\"\n"));
    assert_non_null(strstr(r, "\nNo localizado: salida, pide 2 intentos antes · Esc vuelve\n"));
    free(r);
    etapas_model_fini(&m);
}

/* Below 60 columns the kind and the attempts go; a short screen scrolls the stages and leaves
 * the changes out. */
static void
test_narrow_and_scrolling(void **st)
{
    struct etapas_model m;
    char *r;

    (void)st;
    open_model(&m, false);
    move(&m, ACTION_BOTTOM, 1);
    r = render(&m, 50, 8);
    assert_string_equal(r, "Etapas del embudo · 9 (1 fuera del embudo)\n"
                           "#   Etapa               Temporizador      Abiertas\n"
                           " 6  Seguimiento largo   1.5 h hábiles        fuera\n"
                           " 7  Venta               —                        0\n"
                           " 8  No localizado       —                        1\n"
                           " 9  No interesado       —                        3\n"
                           ">10 No califica         —                    1,234\n"
                           "No califica: salida · Esc vuelve\n");
    free(r);
    assert_int_equal(vm.page, 5);
    move(&m, ACTION_PAGE_UP, 1); /* five back */
    assert_string_equal(etapas_model_selected(&m)->nombre, "En trámite");
    move(&m, ACTION_TOP, 1);
    assert_string_equal(etapas_model_selected(&m)->nombre, "Nuevo");
    assert_false(etapas_model_move(&m, ACTION_OPEN, 5));
    etapas_model_fini(&m);
}

/* A re-read keeps the cursor on its stage by name (moved to another place), on the new name
 * after a rename made here, and on the same row when its stage is gone. */
static void
test_take_keeps_the_stage(void **st)
{
    struct etapas_model m;
    struct etapas_fila *f;

    (void)st;
    open_model(&m, true);
    move(&m, ACTION_DOWN, 3); /* Documentación */
    f = filas();
    f[3] = base[4]; /* Documentación after En trámite */
    f[4] = base[3];
    etapas_model_take(&m, f, NBASE, NULL, 0);
    assert_string_equal(etapas_model_selected(&m)->nombre, "Documentación");
    assert_int_equal(m.cur, 4);
    etapas_model_follow(&m, "Papeles");
    f = filas();
    snprintf(f[3].nombre, sizeof f[3].nombre, "Papeles");
    etapas_model_take(&m, f, NBASE, NULL, 0);
    assert_string_equal(etapas_model_selected(&m)->nombre, "Papeles");
    f = filas();
    memmove(&f[3], &f[4], (NBASE - 4) * sizeof *f); /* gone: the row it was on */
    etapas_model_take(&m, f, NBASE - 1, NULL, 0);
    assert_int_equal(m.cur, 3);
    etapas_model_close(&m);
    assert_false(m.abierto);
    assert_null(etapas_model_selected(&m));
    etapas_model_take(&m, filas(), NBASE, NULL, 0); /* opened again: from the top */
    assert_int_equal(m.cur, 0);
    etapas_model_fini(&m);
}

static void
test_none_and_ascii(void **st)
{
    struct etapas_model m;
    char *r;

    (void)st;
    etapas_model_init(&m);
    m.admin = true;
    etapas_model_take(&m, NULL, 0, NULL, 0);
    assert_null(etapas_model_selected(&m));
    r = render(&m, 80, 6);
    assert_string_equal(r, "Etapas del embudo · 0\n"
                           "#   Etapa                           Tipo     Temporizador     Intentos"
                           "  Abiertas\n"
                           "\n"
                           "Cambios recientes\n"
                           "  las etapas no han cambiado desde la instalación\n"
                           "A agrega una etapa · Esc vuelve\n");
    free(r);
    etapas_model_fini(&m);
    assert_non_null(setlocale(LC_ALL, "C"));
    open_model(&m, false);
    m.ascii = true;
    move(&m, ACTION_DOWN, 6);
    r = render(&m, 80, 12);
    assert_non_null(strstr(r, "\n>7  Venta                           venta    -                  "
                              "               0\n"));
    assert_non_null(strstr(r, " 4  Documentacion "));
    free(r);
    assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
    etapas_model_fini(&m);
}

static void
test_hours_and_sentences(void **st)
{
    struct etapas_cambio c = { "", "", "Contactado", "nombre", "Contactado", "Primer contacto" };
    char buf[256], msg[128];

    (void)st;
    assert_true(etapas_horas_check("", msg, sizeof msg)); /* no timer */
    assert_true(etapas_horas_check("48", msg, sizeof msg));
    assert_true(etapas_horas_check("1.5", msg, sizeof msg));
    assert_true(etapas_horas_check("10000", msg, sizeof msg));
    assert_false(etapas_horas_check("0", msg, sizeof msg));
    assert_false(etapas_horas_check("10000.5", msg, sizeof msg));
    assert_false(etapas_horas_check("-3", msg, sizeof msg));
    assert_false(etapas_horas_check("48h", msg, sizeof msg));
    assert_false(etapas_horas_check("1e3", msg, sizeof msg));
    assert_string_equal(msg, "horas hábiles: más de 0 y hasta 10000 (vacío: sin temporizador)");

    etapas_horas_texto("36", false, buf, sizeof buf);
    assert_string_equal(buf, "36 h hábiles");
    etapas_horas_texto("", true, buf, sizeof buf);
    assert_string_equal(buf, "-");
    etapas_cambio_texto(&c, buf, sizeof buf);
    assert_string_equal(buf, "nombre: Contactado → Primer contacto");
    snprintf(c.campo, sizeof c.campo, "timer_horas");
    snprintf(c.anterior, sizeof c.anterior, "48");
    c.nuevo[0] = '\0';
    etapas_cambio_texto(&c, buf, sizeof buf);
    assert_string_equal(buf, "temporizador: 48 h → sin temporizador");
    snprintf(c.campo, sizeof c.campo, "intentos_minimos");
    snprintf(c.anterior, sizeof c.anterior, "0");
    snprintf(c.nuevo, sizeof c.nuevo, "2");
    etapas_cambio_texto(&c, buf, sizeof buf);
    assert_string_equal(buf, "intentos: 0 → 2");
    snprintf(c.campo, sizeof c.campo, "orden");
    snprintf(c.anterior, sizeof c.anterior, "después de \"Nuevo\"");
    snprintf(c.nuevo, sizeof c.nuevo, "después de \"Interesado\"");
    etapas_cambio_texto(&c, buf, sizeof buf);
    assert_string_equal(buf, "lugar: después de \"Nuevo\" → después de \"Interesado\"");
    snprintf(c.campo, sizeof c.campo, "activa");
    snprintf(c.nuevo, sizeof c.nuevo, "activa");
    etapas_cambio_texto(&c, buf, sizeof buf);
    assert_string_equal(buf, "vuelve al embudo");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_admin_at_80x24),       cmocka_unit_test(test_reader_and_160),
        cmocka_unit_test(test_narrow_and_scrolling), cmocka_unit_test(test_take_keeps_the_stage),
        cmocka_unit_test(test_none_and_ascii),       cmocka_unit_test(test_hours_and_sentences),
    };

    return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
