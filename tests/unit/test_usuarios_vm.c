/*
 * test_usuarios_vm — `:usuarios` in Equipo: every user the caller sees, one row each (rol and
 * estado in words, a promoter's team, cartera and cupo), the narrow layout that drops the team
 * and the cupo, a user in BAJA muted, the cursor kept on its user through a re-read, the keys
 * on the last row as the profile has them, and clicks on the rows.
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

#include "ui/vm/usuarios_vm.h"

static struct usuarios_vm vm;

static int
setup_utf8(void **st)
{
    (void)st;
    return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

/* admin, sup1, prom1 (sup1's), prom2 in BAJA: as api.usuarios orders them. */
static struct usuarios_fila *
filas(size_t *n)
{
    static const struct usuarios_fila base[] = {
        { "admin", "Adriana Admin", "ADMIN", "ACTIVO", "", 0, 0, 0 },
        { "sup1", "Sofía Ávila Núñez", "SUPERVISOR", "VACACIONES", "", 0, 0, 0 },
        { "prom1", "José Luis Hernández García", "PROMOTOR", "ACTIVO", "sup1", 60, 400, 12 },
        { "prom2", "María Guadalupe López Núñez", "PROMOTOR", "BAJA", "sup1", 45, 350, 0 },
    };
    struct usuarios_fila *f = calloc(4, sizeof *f);

    assert_non_null(f);
    memcpy(f, base, sizeof base);
    *n = 4;
    return f;
}

static void
open_model(struct usuarios_model *m, bool admin)
{
    size_t n;
    struct usuarios_fila *f = filas(&n);

    usuarios_model_init(m);
    m->abierto = true;
    m->admin = admin;
    usuarios_model_take(m, f, n);
}

static char *
render(struct usuarios_model *m, int w, int h)
{
    usuarios_vm_build(&vm, m, w, h);
    return vm_lines_render(vm.lines, vm.nlines);
}

static void
test_layout_at_100_and_80(void **st)
{
    struct usuarios_model m;
    char *r;

    (void)st;
    open_model(&m, true);
    r = render(&m, 100, 8);
    assert_string_equal(
        r, " Usuarios (4)\n"
           " Usuario      Nombre                    Rol            Estado      Equipo     Cartera"
           "     Cupo\n"
           " admin        Adriana Admin             Administrador  Activo\n"
           " sup1         Sofía Ávila Núñez         Supervisor     Vacaciones\n"
           " prom1        José Luis Hernández Garc… Promotor       Activo      sup1       12/400 "
           "     60\n"
           " prom2        María Guadalupe López Nú… Promotor       Baja        sup1       0/350  "
           "     45\n"
           "\n"
           "admin, Administrador: e estado · n nombre · h cambios · A alta · Esc vuelve\n");
    free(r);
    assert_int_equal(vm.lines[2].fill, ROLE_CURSOR);         /* the cursor's row */
    assert_int_equal(vm.lines[5].spans[0].role, ROLE_MUTED); /* BAJA */
    assert_int_equal(vm.lines[4].spans[0].role, ROLE_TEXT);
    /* 80 columns: no team and no cupo; 3 rows: the title says which show. */
    r = render(&m, 80, 5);
    assert_string_equal(r, " Usuarios (4)  1–2 de 4\n"
                           " Usuario      Nombre                    Rol            Estado      "
                           "Cartera\n"
                           " admin        Adriana Admin             Administrador  Activo\n"
                           " sup1         Sofía Ávila Núñez         Supervisor     Vacaciones\n"
                           "admin, Administrador: e estado · n nombre · h cambios · A alta · Esc "
                           "vuelve\n");
    free(r);
    usuarios_model_fini(&m);
}

/* A supervisor (or the auditor) reads it: the last row offers only the record. */
static void
test_reader_and_loading(void **st)
{
    struct usuarios_model m;
    char *r;

    (void)st;
    usuarios_model_init(&m);
    m.abierto = true;
    r = render(&m, 80, 4);
    assert_string_equal(r, " Usuarios (0)\n Consultando los usuarios…\n\nEsc vuelve\n");
    free(r);
    usuarios_model_fini(&m);
    open_model(&m, false);
    assert_true(usuarios_model_move(&m, ACTION_DOWN, 5));
    r = render(&m, 80, 8);
    assert_non_null(strstr(r, "sup1, Supervisor: h cambios · Esc vuelve\n"));
    free(r);
    usuarios_model_fini(&m);
}

/* A re-read keeps the cursor on its user wherever the rows moved; a click selects a row. */
static void
test_cursor_and_clicks(void **st)
{
    struct usuarios_model m;
    struct usuarios_fila *f;
    size_t n;

    (void)st;
    open_model(&m, true);
    assert_true(usuarios_model_move(&m, ACTION_BOTTOM, 5));
    assert_string_equal(usuarios_model_selected(&m)->login, "prom2");
    f = filas(&n);
    memmove(&f[1], &f[0], 3 * sizeof *f); /* a new admin first; prom2 falls off the end */
    snprintf(f[0].login, sizeof f[0].login, "admin2");
    usuarios_model_take(&m, f, n);
    assert_string_equal(usuarios_model_selected(&m)->login, "prom1"); /* its row (prom2 gone) */
    assert_true(usuarios_model_move(&m, ACTION_UP, 5));
    assert_string_equal(usuarios_model_selected(&m)->login, "sup1");
    f = filas(&n);
    usuarios_model_take(&m, f, n);
    assert_string_equal(usuarios_model_selected(&m)->login, "sup1");
    usuarios_vm_build(&vm, &m, 100, 8);
    assert_true(vm_click_row(vm.lines, vm.nlines, 4, &m.cur));
    assert_string_equal(usuarios_model_selected(&m)->login, "prom1");
    assert_false(vm_click_row(vm.lines, vm.nlines, 1, &m.cur)); /* the column names */
    assert_false(vm_click_row(vm.lines, vm.nlines, 7, &m.cur)); /* the last row */
    usuarios_model_fini(&m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_at_100_and_80),
        cmocka_unit_test(test_reader_and_loading),
        cmocka_unit_test(test_cursor_and_clicks),
    };

    return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
