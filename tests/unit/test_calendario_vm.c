/* test_calendario_vm — what :calendario shows in Inicio: the week beside the rest days and the
 * changes under them at 80×24 (an admin's keys in the last row, a promoter's without them),
 * 160 columns with whole sentences, the rest days under the week below 44 columns, the cursor
 * walking both columns and scrolling the rest days with their «3–9 de 9», the cursor kept on
 * its date over a re-read (or on the one after it when it was taken back), a date with hours
 * of its own (sql/097), none, ASCII, and the dates and times the admin's forms take. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ui/vm/calendario_vm.h"

static struct calendario_vm vm;

static const struct calendario_semana semana[CALENDARIO_DIAS_SEMANA] = {
    { "lunes", "09:00", "19:00" },
    { "martes", "09:00", "19:00" },
    { "miércoles", "09:00", "19:00" },
    { "jueves", "09:00", "19:00" },
    { "viernes", "09:00", "19:00" },
    { "sábado", "09:00", "14:00" },
    { "domingo", "", "" },
};

static const struct calendario_inhabil todos[] = {
    { "2026-12-12", "sábado", "Día de la Virgen de Guadalupe", "", "" },
    { "2026-12-25", "viernes", "Navidad", "", "" },
    { "2027-01-01", "viernes", "Año Nuevo", "", "" },
    { "2027-02-01", "lunes", "Día de la Constitución", "", "" },
    { "2027-03-15", "lunes", "Natalicio de Benito Juárez", "", "" },
    { "2027-03-25", "jueves", "Jueves Santo", "09:00", "14:00" },
    { "2027-03-26", "viernes", "Viernes Santo", "", "" },
    { "2027-05-01", "sábado", "Día del Trabajo", "", "" },
    { "2027-09-16", "jueves", "Día de la Independencia", "", "" },
};
#define NTODOS (sizeof todos / sizeof todos[0])

static int
setup_utf8(void **st)
{
    (void)st;
    return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

/* The rest days todos[skip…], n of them, malloc'd for calendario_model_take; one may be left
 * out (omit = its index, -1 none). */
static struct calendario_inhabil *
dias(size_t *n, int omit)
{
    struct calendario_inhabil *d = calloc(NTODOS, sizeof *d);

    assert_non_null(d);
    *n = 0;
    for (size_t i = 0; i < NTODOS; i++)
        if ((int)i != omit)
            d[(*n)++] = todos[i];
    return d;
}

static struct calendario_cambio *
cambios(size_t *n)
{
    static const struct calendario_cambio base[] = {
        { "30/11/26 10:15", "admin", "INHABIL_AGREGADO", "2026-12-12", "sábado", "",
          "Día de la Virgen de Guadalupe", 34 },
        { "29/11/26 18:02", "", "HORARIO", "", "sábado", "09:00–13:00", "09:00–14:00", 1 },
        { "28/11/26 09:00", "admin", "INHABIL_QUITADO", "2026-11-30", "lunes", "Puente", "", 0 },
    };
    struct calendario_cambio *c = calloc(3, sizeof *c);

    assert_non_null(c);
    memcpy(c, base, sizeof base);
    *n = 3;
    return c;
}

static void
open_model(struct calendario_model *m, bool admin)
{
    size_t nd, nc;
    struct calendario_inhabil *d = dias(&nd, -1);
    struct calendario_cambio *c = cambios(&nc);

    calendario_model_init(m);
    snprintf(m->zona, sizeof m->zona, "America/Mexico_City");
    snprintf(m->hasta, sizeof m->hasta, "2027-11-30");
    m->admin = admin;
    calendario_model_take(m, semana, d, nd, c, nc);
}

static char *
render(struct calendario_model *m, int w, int h)
{
    calendario_vm_build(&vm, m, w, h);
    return vm_lines_render(vm.lines, vm.nlines);
}

static void
move(struct calendario_model *m, enum action a, int times)
{
    for (int i = 0; i < times; i++)
        assert_true(calendario_model_move(m, a, vm.page));
}

static void
test_admin_at_80x24(void **st)
{
    struct calendario_model m;
    char *r;

    (void)st;
    open_model(&m, true);
    assert_true(m.abierto);
    assert_int_equal(calendario_model_weekday(&m), 1);
    assert_null(calendario_model_inhabil(&m));
    r = render(&m, 80, 21);
    assert_string_equal(
        r, "Calendario de negocio · America/Mexico_City\n"
           "Horario semanal           Días inhábiles y especiales al 30/11/2027\n"
           "> lunes      09:00–19:00    sáb 12/12/2026  Día de la Virgen de Guadalupe\n"
           "  martes     09:00–19:00    vie 25/12/2026  Navidad\n"
           "  miércoles  09:00–19:00    vie 01/01/2027  Año Nuevo\n"
           "  jueves     09:00–19:00    lun 01/02/2027  Día de la Constitución\n"
           "  viernes    09:00–19:00    lun 15/03/2027  Natalicio de Benito Juárez\n"
           "  sábado     09:00–14:00    jue 25/03/2027  Jueves Santo 09:00–14:00\n"
           "  domingo    cerrado        vie 26/03/2027  Viernes Santo\n"
           "                            sáb 01/05/2027  Día del Trabajo\n"
           "                            jue 16/09/2027  Día de la Independencia\n"
           "\n"
           "Cambios recientes\n"
           "  30/11/26 10:15  admin  agregó el día inhábil 12/12/2026: Día de la Virgen de …\n"
           "  29/11/26 18:02  (superusuario)  cambió el horario de los sábados: 09:00–13:00…\n"
           "  28/11/26 09:00  admin  quitó el día inhábil 30/11/2026: Puente\n"
           "\n\n\n\n"
           "Lunes: de 09:00 a 19:00 · E cambia el horario · A agrega un día · Esc vuelve\n");
    free(r);
    /* The cursor's row in the cursor role; a closed weekday muted. */
    r = calendario_vm_dump(&vm);
    assert_non_null(strstr(r, "2.0 cursor|> lunes      09:00–19:00\n"));
    assert_non_null(strstr(r, "8.0 muted|  domingo    cerrado\n"));
    free(r);
    /* A click: a weekday on the left, the date beside it on the right; titles take nothing. */
    assert_true(calendario_vm_click(&vm, &m, 7, 4));
    assert_int_equal(calendario_model_weekday(&m), 6);
    assert_true(calendario_vm_click(&vm, &m, 7, 40));
    assert_string_equal(calendario_model_inhabil(&m)->nombre, "Jueves Santo");
    assert_true(calendario_vm_click(&vm, &m, 10, 30));
    assert_string_equal(calendario_model_inhabil(&m)->nombre, "Día de la Independencia");
    assert_false(calendario_vm_click(&vm, &m, 1, 4));
    assert_false(calendario_vm_click(&vm, &m, 1, 40));
    assert_false(calendario_vm_click(&vm, &m, 10, 4)); /* under the week, left of the dates */
    assert_false(calendario_vm_click(&vm, &m, 13, 4)); /* a change */
    assert_string_equal(calendario_model_inhabil(&m)->nombre, "Día de la Independencia");
    calendario_model_fini(&m);
}

/* A promoter (and a supervisor) reads it: no keys that change it; 160 columns say it all. */
static void
test_reader_and_160(void **st)
{
    struct calendario_model m;
    char *r;

    (void)st;
    open_model(&m, false);
    move(&m, ACTION_DOWN, 8); /* the second rest day */
    r = render(&m, 160, 16);
    assert_non_null(strstr(r, "  martes     09:00–19:00  > vie 25/12/2026  Navidad\n"));
    assert_non_null(strstr(r, "  30/11/26 10:15  admin  agregó el día inhábil 12/12/2026: Día de"
                              " la Virgen de Guadalupe · 34 temporizadores recalculados\n"));
    assert_non_null(strstr(r, "  29/11/26 18:02  (superusuario)  cambió el horario de los"
                              " sábados: 09:00–13:00 → 09:00–14:00 · 1 temporizador"
                              " recalculado\n"));
    assert_non_null(strstr(r, "\nViernes 25/12/2026: Navidad · Esc vuelve\n"));
    assert_null(strstr(r, "X lo quita"));
    free(r);
    m.admin = true;
    r = render(&m, 160, 16);
    assert_non_null(strstr(r, "\nViernes 25/12/2026: Navidad · X lo quita · A agrega otro ·"
                              " Esc vuelve\n"));
    free(r);
    move(&m, ACTION_DOWN, 4); /* a date with hours of its own (sql/097): E changes them */
    r = render(&m, 160, 16);
    assert_non_null(strstr(r, "  > jue 25/03/2027  Jueves Santo 09:00–14:00\n"));
    assert_non_null(strstr(r, "\nJueves 25/03/2027: Jueves Santo, de 09:00 a 14:00 · E lo"
                              " cambia · X lo quita · Esc vuelve\n"));
    free(r);
    calendario_model_fini(&m);
}

/* Below 44 columns the rest days go under the week, and the changes wait for a wider one. */
static void
test_narrow_stacks(void **st)
{
    struct calendario_model m;
    char *r;

    (void)st;
    open_model(&m, false);
    r = render(&m, 40, 21);
    assert_string_equal(r, "Calendario de negocio · America/Mexico_…\n"
                           "Horario semanal\n"
                           "> lunes      09:00–19:00\n"
                           "  martes     09:00–19:00\n"
                           "  miércoles  09:00–19:00\n"
                           "  jueves     09:00–19:00\n"
                           "  viernes    09:00–19:00\n"
                           "  sábado     09:00–14:00\n"
                           "  domingo    cerrado\n"
                           "\n"
                           "Días inhábiles y especiales al 30/11/20…\n"
                           "  sáb 12/12/2026  Día de la Virgen de G…\n"
                           "  vie 25/12/2026  Navidad\n"
                           "  vie 01/01/2027  Año Nuevo\n"
                           "  lun 01/02/2027  Día de la Constitución\n"
                           "  lun 15/03/2027  Natalicio de Benito J…\n"
                           "  jue 25/03/2027  Jueves Santo 09:00–14…\n"
                           "  vie 26/03/2027  Viernes Santo\n"
                           "  sáb 01/05/2027  Día del Trabajo\n"
                           "  jue 16/09/2027  Día de la Independenc…\n"
                           "Lunes: de 09:00 a 19:00 · Esc vuelve\n");
    free(r);
    /* Stacked, each row is one list's. */
    assert_true(calendario_vm_click(&vm, &m, 12, 30));
    assert_string_equal(calendario_model_inhabil(&m)->nombre, "Navidad");
    assert_true(calendario_vm_click(&vm, &m, 3, 30));
    assert_int_equal(calendario_model_weekday(&m), 2);
    calendario_model_fini(&m);
}

/* ↑↓ walk the week then the rest days; ←→ jump between the columns at the same height;
 * RePág/AvPág page the rest days; the list scrolls to keep the cursor in sight. */
static void
test_cursor_walks_and_scrolls(void **st)
{
    struct calendario_model m;
    char *r;

    (void)st;
    open_model(&m, true);
    free(render(&m, 80, 10)); /* 7 rest-day rows: vm.page */
    assert_int_equal(vm.page, 7);
    move(&m, ACTION_DOWN, 2); /* miércoles */
    assert_int_equal(calendario_model_weekday(&m), 3);
    move(&m, ACTION_RIGHT, 1); /* the rest day beside it */
    assert_string_equal(calendario_model_inhabil(&m)->fecha, "2027-01-01");
    move(&m, ACTION_LEFT, 1);
    assert_int_equal(calendario_model_weekday(&m), 3);
    move(&m, ACTION_PAGE_DOWN, 1); /* from the week: the first rest day */
    assert_string_equal(calendario_model_inhabil(&m)->fecha, "2026-12-12");
    move(&m, ACTION_BOTTOM, 1);
    assert_string_equal(calendario_model_inhabil(&m)->fecha, "2027-09-16");
    r = render(&m, 80, 10);
    assert_string_equal(
        r, "Calendario de negocio · America/Mexico_City\n"
           "Horario semanal           Días inhábiles y especiales al 30/11/2027     3–9 de 9\n"
           "  lunes      09:00–19:00    vie 01/01/2027  Año Nuevo\n"
           "  martes     09:00–19:00    lun 01/02/2027  Día de la Constitución\n"
           "  miércoles  09:00–19:00    lun 15/03/2027  Natalicio de Benito Juárez\n"
           "  jueves     09:00–19:00    jue 25/03/2027  Jueves Santo 09:00–14:00\n"
           "  viernes    09:00–19:00    vie 26/03/2027  Viernes Santo\n"
           "  sábado     09:00–14:00    sáb 01/05/2027  Día del Trabajo\n"
           "  domingo    cerrado      > jue 16/09/2027  Día de la Independencia\n"
           "Jueves 16/09/2027: Día de la Independencia · X lo quita · A agrega otro · Esc v…\n");
    free(r);
    move(&m, ACTION_LEFT, 1); /* beside it: domingo (row 7 of the scrolled list) */
    assert_int_equal(calendario_model_weekday(&m), 7);
    move(&m, ACTION_RIGHT, 1);
    assert_string_equal(calendario_model_inhabil(&m)->fecha, "2027-09-16");
    move(&m, ACTION_PAGE_UP, 1); /* seven rest days back */
    assert_string_equal(calendario_model_inhabil(&m)->fecha, "2026-12-25");
    move(&m, ACTION_PAGE_UP, 1); /* never into the week by paging back */
    assert_string_equal(calendario_model_inhabil(&m)->fecha, "2026-12-12");
    move(&m, ACTION_UP, 1); /* but ↑ goes on to domingo */
    assert_int_equal(calendario_model_weekday(&m), 7);
    move(&m, ACTION_TOP, 1);
    assert_int_equal(calendario_model_weekday(&m), 1);
    assert_false(calendario_model_move(&m, ACTION_OPEN, 7));
    calendario_model_fini(&m);
}

/* A re-read keeps the cursor on its date; when that day was taken back, on the next one. */
static void
test_take_keeps_the_day(void **st)
{
    struct calendario_model m;
    struct calendario_inhabil *d;
    size_t nd;

    (void)st;
    open_model(&m, true);
    move(&m, ACTION_DOWN, 8);
    assert_string_equal(calendario_model_inhabil(&m)->fecha, "2026-12-25");
    d = dias(&nd, 0); /* 12/12 gone: 25/12 moves up a row, the cursor with it */
    calendario_model_take(&m, semana, d, nd, NULL, 0);
    assert_string_equal(calendario_model_inhabil(&m)->fecha, "2026-12-25");
    d = dias(&nd, 1); /* 25/12 taken back: the next day listed */
    calendario_model_take(&m, semana, d, nd, NULL, 0);
    assert_string_equal(calendario_model_inhabil(&m)->fecha, "2027-01-01");
    move(&m, ACTION_TOP, 1);
    move(&m, ACTION_DOWN, 5); /* sábado stays sábado */
    d = dias(&nd, -1);
    calendario_model_take(&m, semana, d, nd, NULL, 0);
    assert_int_equal(calendario_model_weekday(&m), 6);
    calendario_model_close(&m);
    assert_false(m.abierto);
    assert_null(calendario_model_inhabil(&m));
    assert_int_equal(calendario_model_weekday(&m), 0);
    d = dias(&nd, -1); /* opened again: from the top */
    calendario_model_take(&m, semana, d, nd, NULL, 0);
    assert_int_equal(calendario_model_weekday(&m), 1);
    calendario_model_fini(&m);
}

static void
test_none_and_ascii(void **st)
{
    struct calendario_model m;
    char *r;

    (void)st;
    calendario_model_init(&m);
    snprintf(m.hasta, sizeof m.hasta, "2027-11-30");
    m.admin = true;
    calendario_model_take(&m, semana, NULL, 0, NULL, 0);
    move(&m, ACTION_RIGHT, 1); /* nowhere to go */
    assert_int_equal(calendario_model_weekday(&m), 1);
    r = render(&m, 80, 14);
    assert_string_equal(
        r, "Calendario de negocio\n"
           "Horario semanal           Días inhábiles y especiales al 30/11/2027\n"
           "> lunes      09:00–19:00    ninguno en los próximos doce meses\n"
           "  martes     09:00–19:00\n"
           "  miércoles  09:00–19:00\n"
           "  jueves     09:00–19:00\n"
           "  viernes    09:00–19:00\n"
           "  sábado     09:00–14:00\n"
           "  domingo    cerrado\n"
           "\n"
           "Cambios recientes\n"
           "  el calendario no ha cambiado desde la instalación\n"
           "\n"
           "Lunes: de 09:00 a 19:00 · E cambia el horario · A agrega un día · Esc vuelve\n");
    free(r);
    assert_non_null(setlocale(LC_ALL, "C"));
    m.ascii = true;
    r = render(&m, 80, 4);
    assert_string_equal(
        r, "Calendario de negocio\n"
           "Horario semanal           Dias inhabiles y especiales al 30/11/2027\n"
           "> lunes      09:00-19:00    ninguno en los proximos doce meses\n"
           "Lunes: de 09:00 a 19:00 - E cambia el horario - A agrega un dia - Esc vuelve\n");
    free(r);
    assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
    calendario_model_fini(&m);
}

static void
test_dates_hours_and_sentences(void **st)
{
    char iso[11] = "x", buf[256], msg[128];
    struct calendario_cambio c = { "",       "",       "INHABIL_RENOMBRADO", "2026-12-12",
                                   "sábado", "Virgen", "Día de la Virgen",   0 };

    (void)st;
    assert_true(calendario_fecha_iso("25/12/2026", iso));
    assert_string_equal(iso, "2026-12-25");
    assert_true(calendario_fecha_iso(" 1/2/2027 ", iso));
    assert_string_equal(iso, "2027-02-01");
    assert_true(calendario_fecha_iso("16-09-2027", iso));
    assert_string_equal(iso, "2027-09-16");
    assert_true(calendario_fecha_iso("2028-02-29", iso));
    assert_string_equal(iso, "2028-02-29");
    assert_false(calendario_fecha_iso("29/02/2027", iso)); /* not a leap year */
    assert_false(calendario_fecha_iso("31/11/2026", iso));
    assert_false(calendario_fecha_iso("25/12/26", iso)); /* the year in full */
    assert_false(calendario_fecha_iso("25/12/2026x", iso));
    assert_false(calendario_fecha_iso("", iso));
    assert_string_equal(iso, "2028-02-29"); /* untouched by the refusals */
    assert_true(calendario_fecha_check("25/12/2026", msg, sizeof msg));
    assert_false(calendario_fecha_check("mañana", msg, sizeof msg));
    assert_string_equal(msg, "escriba una fecha que exista: DD/MM/AAAA");

    assert_true(calendario_hora_check("", msg, sizeof msg)); /* a closed day leaves it empty */
    assert_true(calendario_hora_check("09:00", msg, sizeof msg));
    assert_true(calendario_hora_check("7:30", msg, sizeof msg));
    assert_true(calendario_hora_check("23:59", msg, sizeof msg));
    assert_false(calendario_hora_check("24:00", msg, sizeof msg));
    assert_false(calendario_hora_check("9:60", msg, sizeof msg));
    assert_false(calendario_hora_check("09:0", msg, sizeof msg));
    assert_false(calendario_hora_check("9", msg, sizeof msg));
    assert_false(calendario_hora_check("09:00h", msg, sizeof msg));
    assert_string_equal(msg, "una hora del día: HH:MM (de 00:00 a 23:59)");

    assert_string_equal(calendario_fecha_dmy(buf, sizeof buf, "2026-12-25"), "25/12/2026");
    assert_string_equal(calendario_fecha_dmy(buf, sizeof buf, "hoy"), "hoy");
    calendario_cambio_texto(&c, buf, sizeof buf);
    assert_string_equal(buf, "renombró el día inhábil 12/12/2026: Virgen → Día de la Virgen");
    snprintf(c.cambio, sizeof c.cambio, "HORARIO");
    snprintf(c.dia, sizeof c.dia, "lunes");
    snprintf(c.antes, sizeof c.antes, "09:00–19:00");
    snprintf(c.despues, sizeof c.despues, "cerrado");
    c.recalculadas = 2;
    calendario_cambio_texto(&c, buf, sizeof buf);
    assert_string_equal(buf, "cambió el horario de los lunes: 09:00–19:00 → cerrado · 2"
                             " temporizadores recalculados");
    snprintf(c.cambio, sizeof c.cambio, "ESPECIAL_AGREGADO"); /* sql/097 */
    snprintf(c.fecha, sizeof c.fecha, "2026-12-24");
    snprintf(c.despues, sizeof c.despues, "Nochebuena, 09:00–14:00");
    c.recalculadas = 1;
    calendario_cambio_texto(&c, buf, sizeof buf);
    assert_string_equal(buf, "dio horario especial al 24/12/2026: Nochebuena, 09:00–14:00 · 1"
                             " temporizador recalculado");
    snprintf(c.cambio, sizeof c.cambio, "ESPECIAL_CAMBIADO");
    snprintf(c.antes, sizeof c.antes, "Nochebuena, 09:00–14:00");
    snprintf(c.despues, sizeof c.despues, "Nochebuena, 09:00–13:00");
    c.recalculadas = 0;
    calendario_cambio_texto(&c, buf, sizeof buf);
    assert_string_equal(buf, "cambió el horario especial del 24/12/2026: Nochebuena, 09:00–14:00"
                             " → Nochebuena, 09:00–13:00");
    snprintf(c.cambio, sizeof c.cambio, "ESPECIAL_QUITADO");
    calendario_cambio_texto(&c, buf, sizeof buf);
    assert_string_equal(buf, "quitó el horario especial del 24/12/2026 (era Nochebuena,"
                             " 09:00–14:00)");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_admin_at_80x24),
        cmocka_unit_test(test_reader_and_160),
        cmocka_unit_test(test_narrow_stacks),
        cmocka_unit_test(test_cursor_walks_and_scrolls),
        cmocka_unit_test(test_take_keeps_the_day),
        cmocka_unit_test(test_none_and_ascii),
        cmocka_unit_test(test_dates_hours_and_sentences),
    };

    return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
