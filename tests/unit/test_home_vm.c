/* test_home_vm — the home pane and the help overlay, as dumps and rendered text. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "ui/vm/help_vm.h"
#include "ui/vm/home_vm.h"

static int
setup_utf8(void **st)
{
    (void)st;
    return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

static struct home_vm vm; /* large: static, the test thread only */

static void
assert_home(const struct home_info *in, int w, int h, const char *want)
{
    char *got;

    home_vm_build(&vm, in, w, h);
    got = home_vm_dump(&vm);
    assert_string_equal(got, want);
    free(got);
}

static void
test_loaded_promoter_card_at_80x24(void **st)
{
    struct home_info in = { .profile = VM_PROFILE_PROMOTOR,
                            .loaded = true,
                            .clientes = 2000,
                            .oportunidades = { 8, 1, 2, 1, 0 },
                            .ventas_mes = 2,
                            .ventas_centavos = 11900000,
                            .cal_fecha = "2026-12-25",
                            .cal_nombre = "Navidad",
                            .updated = "10:42:13" };

    (void)st;
    assert_home(&in, 80, 22,
                "box 1,2 12x52 Resumen \n"
                "2.4 label|Clientes en el padrón\n"
                "2.47 value|2,000\n"
                "4.4 heading|Mis oportunidades\n"
                "4.50 value|12\n"
                "5.6 label|Abiertas\n"
                "5.51 value|8\n"
                "6.6 label|En bandeja\n"
                "6.51 value|1\n"
                "7.6 label|Ganadas\n"
                "7.51 value|2\n"
                "8.6 label|Devueltas\n"
                "8.51 value|1\n"
                "9.6 label|Descartadas\n"
                "9.51 value|0\n"
                "11.4 heading|Ventas del mes\n"
                "11.37 value|2 · $119,000.00\n"
                "14.2 muted|Próximo día inhábil: viernes 25/12/2026, Navidad\n"
                "15.2 muted|Actualizado a las 10:42:13\n");
    in.cal_fecha = "2027-01-01"; /* a Friday too; and a Saturday, a Monday */
    home_vm_build(&vm, &in, 80, 22);
    assert_string_equal(vm.lines[14].spans[0].text,
                        "Próximo día inhábil: viernes 01/01/2027, Navidad");
    in.cal_fecha = "2026-12-12";
    home_vm_build(&vm, &in, 80, 22);
    assert_string_equal(vm.lines[14].spans[0].text,
                        "Próximo día inhábil: sábado 12/12/2026, Navidad");
    in.cal_fecha = "2027-02-01";
    home_vm_build(&vm, &in, 80, 22);
    assert_string_equal(vm.lines[14].spans[0].text,
                        "Próximo día inhábil: lunes 01/02/2027, Navidad");
    in.cal_fecha = "2026-12-24"; /* a date with hours of its own (sql/097) */
    in.cal_nombre = "Nochebuena";
    in.cal_abre = "09:00";
    in.cal_cierra = "14:00";
    home_vm_build(&vm, &in, 80, 22);
    assert_string_equal(
        vm.lines[14].spans[0].text,
        "Próximo horario especial: jueves 24/12/2026, Nochebuena, de 09:00 a 14:00");
    in.cal_abre = in.cal_cierra = NULL;
    in.cal_fecha = ""; /* none declared: no line */
    home_vm_build(&vm, &in, 80, 22);
    assert_string_equal(vm.lines[14].spans[0].text, "Actualizado a las 10:42:13");
}

/* Campaigns that paused by themselves: one warning line under the calendar's, before the
 * freshness line; the promoter named only to whoever sees others'; ASCII glyph. */
static void
test_self_paused_campaigns_warn_under_the_card(void **st)
{
    struct home_info in = { .profile = VM_PROFILE_PROMOTOR,
                            .loaded = true,
                            .clientes = 2000,
                            .cal_fecha = "2026-12-25",
                            .cal_nombre = "Navidad",
                            .updated = "10:42:13",
                            .campanas_solas = 1,
                            .campana_sola = "Seguimiento Nómina",
                            .campana_sola_login = "prom3" };

    (void)st;
    home_vm_build(&vm, &in, 80, 22);
    assert_string_equal(vm.lines[14].spans[0].text,
                        "Próximo día inhábil: viernes 25/12/2026, Navidad");
    assert_string_equal(vm.lines[15].spans[0].text,
                        "⚠ La campaña «Seguimiento Nómina» se pausó sola: véala en Progreso.");
    assert_int_equal(vm.lines[15].spans[0].role, ROLE_DB_WARN);
    assert_string_equal(vm.lines[16].spans[0].text, "Actualizado a las 10:42:13");
    in.profile = VM_PROFILE_SUPERVISOR;
    in.campanas_solas = 3;
    in.ascii = true;
    home_vm_build(&vm, &in, 80, 22);
    /* wrapped at the width, then the freshness line */
    assert_string_equal(vm.lines[15].spans[0].text,
                        "! 3 campañas se pausaron solas (la más reciente, «Seguimiento Nómina» de");
    assert_string_equal(vm.lines[16].spans[0].text, "prom3): véalas en Progreso.");
    assert_string_equal(vm.lines[17].spans[0].text, "Actualizado a las 10:42:13");
    in.campanas_solas = 0; /* none: no line */
    home_vm_build(&vm, &in, 80, 22);
    assert_string_equal(vm.lines[15].spans[0].text, "Actualizado a las 10:42:13");
    in.campanas_solas = 1; /* narrow: three rows, then the freshness line */
    home_vm_build(&vm, &in, 40, 20);
    assert_string_equal(vm.lines[15].spans[0].text, "! La campaña «Seguimiento Nómina» de");
    assert_string_equal(vm.lines[16].spans[0].text, "prom3 se pausó sola: véala en");
    assert_string_equal(vm.lines[17].spans[0].text, "Progreso.");
    assert_string_equal(vm.lines[18].spans[0].text, "Actualizado a las 10:42:13");
}

/* A supervisor's late exits: «· 2 atrasadas» beside «En bandeja» in the late colour, the
 * count still right-aligned; none late, or not known (a promoter), no mark; a card too narrow
 * for the mark beside the count leaves it out rather than covering the count. */
static void
test_late_bandeja_exits_beside_the_count(void **st)
{
    struct home_info in = { .profile = VM_PROFILE_SUPERVISOR,
                            .loaded = true,
                            .clientes = 100000,
                            .oportunidades = { 38, 6, 1, 0, 0 },
                            .bandeja_atrasadas = 2 };
    char *got;

    (void)st;
    home_vm_build(&vm, &in, 80, 22);
    got = vm_lines_dump(&vm.lines[6], 1);
    assert_string_equal(got, "0.6 label|En bandeja\n"
                             "0.17 timer_late|· 2 atrasadas\n"
                             "0.51 value|6\n");
    free(got);
    in.bandeja_atrasadas = 1;
    home_vm_build(&vm, &in, 80, 22);
    assert_string_equal(vm.lines[6].spans[1].text, "· 1 atrasada");
    in.bandeja_atrasadas = 1234;
    in.oportunidades[HOME_EN_BANDEJA] = 2000;
    home_vm_build(&vm, &in, 80, 22);
    assert_string_equal(vm.lines[6].spans[1].text, "· 1,234 atrasadas");
    assert_string_equal(vm.lines[6].spans[2].text, "2,000");
    for (long long none = 0; none >= -1; none--) {
        in.bandeja_atrasadas = none;
        home_vm_build(&vm, &in, 80, 22);
        assert_int_equal(vm.lines[6].nspans, 2);
    }
    in.bandeja_atrasadas = 1234; /* 30 columns, no box: «En bandeja · 1,234 atrasadas 2,000»
                                    does not fit in 28 */
    home_vm_build(&vm, &in, 30, 22);
    assert_string_equal(vm.lines[4].spans[0].text, "En bandeja");
    assert_string_equal(vm.lines[4].spans[1].text, "2,000");
    assert_int_equal(vm.lines[4].nspans, 2);
    in.bandeja_atrasadas = 2; /* «En bandeja · 2 atrasadas 6» does, to the last column */
    in.oportunidades[HOME_EN_BANDEJA] = 6;
    home_vm_build(&vm, &in, 30, 22);
    got = vm_lines_dump(&vm.lines[4], 1);
    assert_string_equal(got, "0.3 label|En bandeja\n"
                             "0.14 timer_late|· 2 atrasadas\n"
                             "0.28 value|6\n");
    free(got);
}

/* Open opportunities past their timer's warning: «· 3 por vencer» beside «Abiertas» in the
 * warning colour, for every profile; none, no mark. */
static void
test_por_vencer_beside_abiertas(void **st)
{
    struct home_info in = { .profile = VM_PROFILE_PROMOTOR,
                            .loaded = true,
                            .clientes = 100000,
                            .oportunidades = { 12, 0, 1, 0, 0 },
                            .por_vencer = 3 };
    char *got;

    (void)st;
    home_vm_build(&vm, &in, 80, 22);
    got = vm_lines_dump(&vm.lines[5], 2);
    assert_string_equal(got, "0.6 label|Abiertas\n"
                             "0.15 timer_warn|· 3 por vencer\n"
                             "0.50 value|12\n"
                             "1.6 label|En bandeja\n"
                             "1.51 value|0\n");
    free(got);
    in.por_vencer = 1;
    home_vm_build(&vm, &in, 80, 22);
    assert_string_equal(vm.lines[5].spans[1].text, "· 1 por vencer");
    in.por_vencer = 0;
    home_vm_build(&vm, &in, 80, 22);
    assert_int_equal(vm.lines[5].nspans, 2);
}

static void
test_scope_label_follows_the_profile(void **st)
{
    struct home_info in = { .profile = VM_PROFILE_SUPERVISOR,
                            .loaded = true,
                            .clientes = 1000000,
                            .oportunidades = { 1500, 0, 0, 0, 0 } };
    char *r;

    (void)st;
    home_vm_build(&vm, &in, 80, 14);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_string_equal(r, "\n"
                           "\n"
                           "    Clientes en el padrón                  1,000,000\n"
                           "\n"
                           "    Oportunidades de mi equipo                 1,500\n"
                           "      Abiertas                                 1,500\n"
                           "      En bandeja                                   0\n"
                           "      Ganadas                                      0\n"
                           "      Devueltas                                    0\n"
                           "      Descartadas                                  0\n"
                           "\n"
                           "    Ventas del mes                         0 · $0.00\n"
                           "\n"
                           "\n");
    free(r);
    in.profile = VM_PROFILE_ADMIN;
    home_vm_build(&vm, &in, 80, 14);
    assert_string_equal(vm.lines[4].spans[0].text, "Oportunidades (todas)");
    in.profile = VM_PROFILE_AUDITOR; /* it reads what an admin reads */
    home_vm_build(&vm, &in, 80, 14);
    assert_string_equal(vm.lines[4].spans[0].text, "Oportunidades (todas)");
}

static void
test_not_loaded_with_error_shows_dashes_and_the_reason(void **st)
{
    struct home_info in = { .profile = VM_PROFILE_PROMOTOR,
                            .error = "sin conexión con la base de datos" };
    char *r;

    (void)st;
    home_vm_build(&vm, &in, 80, 22);
    r = vm_lines_render(vm.lines, 17);
    assert_string_equal(r, "\n"
                           "\n"
                           "    Clientes en el padrón                          —\n"
                           "\n"
                           "    Mis oportunidades                              —\n"
                           "      Abiertas                                     —\n"
                           "      En bandeja                                   —\n"
                           "      Ganadas                                      —\n"
                           "      Devueltas                                    —\n"
                           "      Descartadas                                  —\n"
                           "\n"
                           "    Ventas del mes                                 —\n"
                           "\n"
                           "\n"
                           "\n"
                           "  No se pudo leer el resumen: sin conexión con la base de datos\n"
                           "  Se reintentará solo; «r» reintenta ahora.\n");
    free(r);
    assert_int_equal(vm.lines[15].spans[0].role, ROLE_ERROR);
}

static void
test_stale_data_stays_while_loading_again(void **st)
{
    struct home_info in = { .profile = VM_PROFILE_PROMOTOR,
                            .loaded = true,
                            .clientes = 5,
                            .updated = "09:00:00",
                            .loading = true,
                            .error = "se perdió la conexión" };

    (void)st;
    home_vm_build(&vm, &in, 80, 22);
    assert_string_equal(vm.lines[2].spans[1].text, "5");
    assert_string_equal(vm.lines[14].spans[0].text, "Actualizado a las 09:00:00");
    assert_string_equal(vm.lines[16].spans[0].text,
                        "Se muestran los últimos datos leídos; se reintentará solo.");
}

static void
test_first_read_in_flight_says_so(void **st)
{
    struct home_info in = { .profile = VM_PROFILE_PROMOTOR, .loading = true };

    (void)st;
    home_vm_build(&vm, &in, 80, 22);
    assert_string_equal(vm.lines[2].spans[1].text, "—");
    assert_string_equal(vm.lines[14].spans[0].text, "Consultando la base de datos…");
    assert_int_equal(vm.lines[15].nspans, 0);
}

static void
test_narrow_and_short_panes_drop_the_box_and_the_rows_below(void **st)
{
    struct home_info in = {
        .profile = VM_PROFILE_PROMOTOR, .loaded = true, .clientes = 42, .ascii = true
    };

    (void)st;
    assert_home(&in, 30, 3,
                "0.1 label|Clientes en el padrón\n"
                "0.27 value|42\n"
                "2.1 heading|Mis oportunidades\n"
                "2.28 value|0\n");
    home_vm_build(&vm, &in, 80, 12); /* the card needs 13 rows: plain rows instead */
    assert_int_equal(vm.card.h, 0);
    assert_string_equal(vm.lines[0].spans[0].text, "Clientes en el padrón");
    assert_int_equal(vm.lines[0].spans[0].col, 1);
    /* the sales, then (after a blank row) the rest day and the freshness, not on top of them */
    in.updated = "10:42:13";
    in.cal_fecha = "2026-12-25";
    in.cal_nombre = "Navidad";
    home_vm_build(&vm, &in, 80, 12);
    assert_string_equal(vm.lines[9].spans[0].text, "Ventas del mes");
    assert_int_equal(vm.lines[10].nspans, 0);
    assert_string_equal(vm.lines[11].spans[0].text,
                        "Próximo día inhábil: viernes 25/12/2026, Navidad");
    home_vm_build(&vm, &in, 33, 14); /* too narrow for the card */
    assert_int_equal(vm.card.h, 0);
    assert_string_equal(vm.lines[12].spans[0].text, "Actualizado a las 10:42:13");
    home_vm_build(&vm, &in, 80, 0);
    assert_int_equal(vm.nlines, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loaded_promoter_card_at_80x24),
        cmocka_unit_test(test_self_paused_campaigns_warn_under_the_card),
        cmocka_unit_test(test_late_bandeja_exits_beside_the_count),
        cmocka_unit_test(test_por_vencer_beside_abiertas),
        cmocka_unit_test(test_scope_label_follows_the_profile),
        cmocka_unit_test(test_not_loaded_with_error_shows_dashes_and_the_reason),
        cmocka_unit_test(test_stale_data_stays_while_loading_again),
        cmocka_unit_test(test_first_read_in_flight_says_so),
        cmocka_unit_test(test_narrow_and_short_panes_drop_the_box_and_the_rows_below),
    };

    return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
