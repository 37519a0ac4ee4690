/*
 * test_equipo_vm — the team pane: per-promoter numbers, the aging heat map levels against
 * each stage's own timer (exits against EQUIPO_SALIDA_HORAS), glyph + word legend, ASCII
 * glyphs, stages that do not fit at 80 columns, cursor and the empty state; a promoter's
 * estado (ausente, vacaciones) in its name cell and the words of the estado form; the admin's
 * forms: cupo and cartera checked as typed and only what changed sent, and the supervisors
 * offered.
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

#include "ui/vm/equipo_vm.h"

static struct equipo_vm vm;

static const struct equipo_etapa etapas[] = {
    { 1, "Nuevo", 24 },       { 2, "Contactado", 48 },   { 3, "Interesado", 72 },
    { 4, "En trámite", 120 }, { 5, "No localizado", 0 }, { 6, "No interesado", 0 },
    { 7, "No califica", 0 },
};

static int
setup_utf8(void **st)
{
    (void)st;
    return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

static void
model_new(struct equipo_model *m)
{
    static const char *const nm[] = { "José Luis Hernández García", "María Guadalupe López Núñez",
                                      "Juan Carlos Martínez Ortiz" };
    struct equipo_promotor *p = calloc(3, sizeof *p);
    struct equipo_celda *c = calloc(5, sizeof *c);

    equipo_model_init(m);
    equipo_model_set_etapas(m, etapas, 7);
    for (int i = 0; i < 3; i++) {
        p[i].id = i + 1;
        snprintf(p[i].login, sizeof p[i].login, "prom%d", i + 1);
        snprintf(p[i].nombre, sizeof p[i].nombre, "%s", nm[i]);
        p[i].cupo_limite = 60;
        p[i].cupo_usados = 12 * i;
        p[i].cartera = 12 + i;
        p[i].cartera_max = 400;
        p[i].vencidas = i == 1;
        p[i].avisadas = i;
        p[i].ventas_semana = 3 - i;
        p[i].intentos_hoy = 7 * i;
    }
    c[0] = (struct equipo_celda){ 1, 1, 10, 3.5 };
    c[1] = (struct equipo_celda){ 1, 2, 2, 30 };
    c[2] = (struct equipo_celda){ 2, 1, 5, 19 };
    c[3] = (struct equipo_celda){ 2, 5, 1, 12 };
    c[4] = (struct equipo_celda){ 3, 4, 4, 70 };
    equipo_model_take(m, p, 3, c, 5);
}

static void
test_levels_follow_each_stage_timer(void **st)
{
    (void)st;
    assert_int_equal(equipo_nivel_de(0, 100, 24), EQUIPO_VACIA);
    assert_int_equal(equipo_nivel_de(1, 11.9, 24), EQUIPO_FRESCA);
    assert_int_equal(equipo_nivel_de(1, 12, 24), EQUIPO_MEDIA);
    assert_int_equal(equipo_nivel_de(1, 18, 24), EQUIPO_AVISO);
    assert_int_equal(equipo_nivel_de(1, 24, 24), EQUIPO_VENCIDA);
    assert_int_equal(equipo_nivel_de(1, 30, 48), EQUIPO_MEDIA);
    /* Exits have no timer: EQUIPO_SALIDA_HORAS business hours in the bandeja. */
    assert_int_equal(equipo_nivel_de(1, 7, 0), EQUIPO_AVISO);
    assert_int_equal(equipo_nivel_de(1, 8, 0), EQUIPO_VENCIDA);
}

static void
test_layout_at_80x24(void **st)
{
    struct equipo_model m;
    char *r;

    (void)st;
    model_new(&m);
    equipo_vm_build(&vm, &m, 80, 14);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_string_equal(
        r, " Promotor            Cartera  Cupo hoy  Vencidas  Avisos  Ventas sem.  Intentos\n"
           " prom1 José Luis …    12/400      0/60         0       0            3         0\n"
           " prom2 María Guad…    13/400     12/60         1       1            2         7\n"
           " prom3 Juan Carlo…    14/400     24/60         0       2            1        14\n"
           "\n"
           " Antigüedad en la etapa: la más antigua, en horas hábiles\n"
           " Promotor          Nuevo    Contact… Interes… En trám… No loca… No inte…\n"
           " prom1 José Luis … 10 ░ 3h  2 ▒ 30h  ·        ·        ·        ·\n"
           " prom2 María Guad… 5 ▓ 19h  ·        ·        ·        1 █ 12h  ·\n"
           " prom3 Juan Carlo… ·        ·        ·        4 ▒ 70h  ·        ·\n"
           "\n"
           "\n"
           "\n"
           " ░ < 50 %  ▒ ≥ 50 %  ▓ ≥ 75 %  █ vencida  del timer de la etapa · +1 etapa\n");
    free(r);
    assert_int_equal(vm.lines[1].spans[0].role, ROLE_CURSOR);
    assert_int_equal(vm.lines[2].spans[3].role, ROLE_TIMER_LATE); /* 1 vencida */
    assert_int_equal(vm.lines[8].spans[1].role, ROLE_TIMER_WARN); /* 19 of 24 h */
    assert_int_equal(vm.lines[8].spans[5].role, ROLE_TIMER_LATE); /* 12 h in the bandeja */
    equipo_model_fini(&m);
}

static void
test_wide_shows_every_stage_and_ascii_glyphs(void **st)
{
    struct equipo_model m;

    (void)st;
    model_new(&m);
    equipo_vm_build(&vm, &m, 160, 50);
    assert_int_equal(vm.lines[6].nspans, 8);
    assert_string_equal(vm.lines[6].spans[7].text, "No califica");
    assert_string_equal(vm.lines[49].spans[4].text, "del timer de la etapa");
    assert_int_equal(vm.lines[49].nspans, 5);
    m.ascii = true;
    assert_non_null(setlocale(LC_ALL, "C"));
    equipo_vm_build(&vm, &m, 160, 50);
    assert_string_equal(vm.lines[8].spans[1].text, "5 * 19h");
    assert_string_equal(vm.lines[8].spans[5].text, "1 # 12h");
    assert_string_equal(vm.lines[49].spans[0].text, ": < 50 %");
    assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
    equipo_model_fini(&m);
}

/* Below 80 columns the attempts column does not fit and is left out whole, not cut. */
static void
test_attempts_column_needs_80_columns(void **st)
{
    struct equipo_model m;

    (void)st;
    model_new(&m);
    equipo_vm_build(&vm, &m, 79, 14);
    assert_int_equal(vm.lines[0].nspans, 6);
    assert_string_equal(vm.lines[0].spans[5].text, "Ventas sem.");
    assert_int_equal(vm.lines[3].nspans, 6);
    equipo_vm_build(&vm, &m, 80, 14);
    assert_int_equal(vm.lines[0].nspans, 7);
    assert_string_equal(vm.lines[0].spans[6].text, "Intentos");
    assert_string_equal(vm.lines[3].spans[6].text, "14");
    equipo_model_fini(&m);
}

static void
test_cursor_and_empty(void **st)
{
    struct equipo_model m;

    (void)st;
    model_new(&m);
    assert_true(equipo_model_action(&m, ACTION_BOTTOM, 5));
    assert_string_equal(equipo_model_selected(&m)->login, "prom3");
    assert_false(equipo_model_action(&m, ACTION_DOWN, 5));
    equipo_model_fini(&m);
    equipo_model_init(&m);
    equipo_vm_build(&vm, &m, 80, 5);
    assert_string_equal(vm.lines[0].spans[0].text, "Consultando el equipo…");
    equipo_model_take(&m, NULL, 0, NULL, 0);
    equipo_vm_build(&vm, &m, 80, 5);
    assert_string_equal(vm.lines[0].spans[0].text, "No hay promotores en su equipo.");
    assert_null(equipo_model_selected(&m));
    equipo_model_fini(&m);
}

/* n promoters "promN" with ids, for re-reads. */
static struct equipo_promotor *
promotores(const int *ids, size_t n)
{
    struct equipo_promotor *p = calloc(n, sizeof *p);

    assert_non_null(p);
    for (size_t i = 0; i < n; i++) {
        p[i].id = ids[i];
        snprintf(p[i].login, sizeof p[i].login, "prom%d", ids[i]);
    }
    return p;
}

/* A re-read keeps the cursor on its promoter wherever the rows moved (one created above it, one
 * gone), so e or l never acts on someone else; a login to follow (the user just created) takes
 * the cursor once the read brings it; a promoter gone leaves the cursor on its row. */
static void
test_a_reread_keeps_the_cursor_on_its_promoter(void **st)
{
    static const int antes[] = { 1, 3, 5 }, despues[] = { 1, 2, 3, 5 }, sin3[] = { 1, 2, 5 };
    struct equipo_model m;

    (void)st;
    equipo_model_init(&m);
    equipo_model_take(&m, promotores(antes, 3), 3, NULL, 0);
    assert_true(equipo_model_action(&m, ACTION_DOWN, 5));
    assert_string_equal(equipo_model_selected(&m)->login, "prom3");
    equipo_model_take(&m, promotores(despues, 4), 4, NULL, 0); /* prom2 created above it */
    assert_string_equal(equipo_model_selected(&m)->login, "prom3");
    equipo_model_take(&m, promotores(sin3, 3), 3, NULL, 0); /* prom3 gone: its row */
    assert_string_equal(equipo_model_selected(&m)->login, "prom5");
    snprintf(m.seguir, sizeof m.seguir, "prom3");
    equipo_model_take(&m, promotores(sin3, 3), 3, NULL, 0); /* not there yet: waits */
    assert_string_equal(equipo_model_selected(&m)->login, "prom5");
    assert_string_equal(m.seguir, "prom3");
    equipo_model_take(&m, promotores(despues, 4), 4, NULL, 0);
    assert_string_equal(equipo_model_selected(&m)->login, "prom3");
    assert_string_equal(m.seguir, "");
    equipo_model_fini(&m);
}

/* prom2 is absent, prom3 on holiday: each row says so in its name cell. */
static void
model_estados(struct equipo_model *m)
{
    model_new(m);
    snprintf(m->promotores[0].estado, sizeof m->promotores[0].estado, "ACTIVO");
    snprintf(m->promotores[1].estado, sizeof m->promotores[1].estado, "AUSENTE");
    snprintf(m->promotores[2].estado, sizeof m->promotores[2].estado, "VACACIONES");
}

/* The words of the form and of the database, both ways. */
static void
test_estado_words_and_codes(void **st)
{
    (void)st;
    assert_string_equal(equipo_estado_etiqueta("VACACIONES"), "Vacaciones");
    assert_string_equal(equipo_estado_etiqueta("ACTIVO"), "Activo");
    assert_string_equal(equipo_estado_etiqueta("OTRO"), "OTRO"); /* unknown: as it came */
    assert_string_equal(equipo_estado_codigo("Ausente"), "AUSENTE");
    assert_string_equal(equipo_estado_codigo("baja"), "BAJA");
    assert_null(equipo_estado_codigo("Enfermo"));
    /* A supervisor's form stops before Baja, the admin's last choice. */
    assert_string_equal(equipo_estado_etiquetas[EQUIPO_ESTADOS_SUPERVISOR - 1], "Vacaciones");
    assert_string_equal(equipo_estado_etiquetas[EQUIPO_ESTADOS - 1], "Baja");
}

/*
 * «ausente» fits beside prom2's login in place of the name; «vacaciones» does not beside
 * prom3's, which keeps its name and the glyph, and the row under the table says what ◇ is.
 * The heat map's rows carry the same marks.
 */
static void
test_estados_at_80x24(void **st)
{
    struct equipo_model m;
    char *r;

    (void)st;
    model_estados(&m);
    equipo_vm_build(&vm, &m, 80, 14);
    r = vm_lines_render(vm.lines, vm.nlines);
    assert_string_equal(
        r, " Promotor            Cartera  Cupo hoy  Vencidas  Avisos  Ventas sem.  Intentos\n"
           " prom1 José Luis …    12/400      0/60         0       0            3         0\n"
           " prom2 ◌ ausente      13/400     12/60         1       1            2         7\n"
           " prom3 Juan Car… ◇    14/400     24/60         0       2            1        14\n"
           " ◇ vacaciones\n"
           " Antigüedad en la etapa: la más antigua, en horas hábiles\n"
           " Promotor          Nuevo    Contact… Interes… En trám… No loca… No inte…\n"
           " prom1 José Luis … 10 ░ 3h  2 ▒ 30h  ·        ·        ·        ·\n"
           " prom2 ◌ ausente   5 ▓ 19h  ·        ·        ·        1 █ 12h  ·\n"
           " prom3 Juan Car… ◇ ·        ·        ·        4 ▒ 70h  ·        ·\n"
           "\n"
           "\n"
           "\n"
           " ░ < 50 %  ▒ ≥ 50 %  ▓ ≥ 75 %  █ vencida  del timer de la etapa · +1 etapa\n");
    free(r);
    /* One cell each: the login, then the mark in the estado's role, 18 columns in all. */
    assert_string_equal(vm.lines[2].spans[0].text, "prom2 ");
    assert_string_equal(vm.lines[2].spans[1].text, "◌ ausente   ");
    assert_int_equal(vm.lines[2].spans[1].role, ROLE_TIMER_WARN);
    assert_int_equal(vm.lines[2].spans[2].col, 18 + 10 - 6); /* "13/400" where it was */
    assert_string_equal(vm.lines[3].spans[1].text, "◇ ");
    assert_int_equal(vm.lines[3].spans[1].role, ROLE_MUTED);
    assert_int_equal(vm.lines[4].spans[0].role, ROLE_MUTED);
    assert_int_equal(vm.lines[8].spans[1].role, ROLE_TIMER_WARN);
    /* Under the cursor the mark takes the cursor's role, like the rest of the row. */
    assert_true(equipo_model_action(&m, ACTION_DOWN, vm.page));
    equipo_vm_build(&vm, &m, 80, 14);
    assert_int_equal(vm.lines[2].spans[0].role, ROLE_CURSOR);
    assert_int_equal(vm.lines[2].spans[1].role, ROLE_CURSOR);
    assert_int_equal(vm.lines[1].spans[0].role, ROLE_TEXT);
    equipo_model_fini(&m);
}

/* The name column does not grow at 160×50: the same marks; with every promoter active the
 * row under the table stays blank. ASCII terminals get "-" and "=". */
static void
test_estados_wide_and_ascii(void **st)
{
    struct equipo_model m;

    (void)st;
    model_estados(&m);
    equipo_vm_build(&vm, &m, 160, 50);
    assert_string_equal(vm.lines[2].spans[1].text, "◌ ausente   ");
    assert_string_equal(vm.lines[4].spans[0].text, "◇ vacaciones");
    assert_int_equal(vm.lines[4].nspans, 1);
    assert_string_equal(vm.lines[9].spans[1].text, "◇ ");
    m.ascii = true;
    assert_non_null(setlocale(LC_ALL, "C"));
    equipo_vm_build(&vm, &m, 80, 24);
    assert_string_equal(vm.lines[2].spans[1].text, "- ausente   ");
    assert_string_equal(vm.lines[3].spans[0].text, "prom3 Juan Car~ ");
    assert_string_equal(vm.lines[3].spans[1].text, "= ");
    assert_string_equal(vm.lines[4].spans[0].text, "= vacaciones");
    assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
    m.ascii = false;
    snprintf(m.promotores[1].estado, sizeof m.promotores[1].estado, "ACTIVO");
    snprintf(m.promotores[2].estado, sizeof m.promotores[2].estado, "ACTIVO");
    equipo_vm_build(&vm, &m, 160, 50);
    assert_int_equal(vm.lines[4].nspans, 0);
    assert_string_equal(vm.lines[2].spans[0].text, "prom2 María Guad… ");
    equipo_model_fini(&m);
}

static void
press(struct form_vm *f, enum key_kind kind, int times)
{
    struct key k = { kind, 0 };

    for (int i = 0; i < times; i++)
        form_vm_input(f, &k);
}

static void
type(struct form_vm *f, const char *s)
{
    for (; *s != '\0'; s++) {
        struct key k = { KK_CHAR, (uint32_t)(unsigned char)*s };

        form_vm_input(f, &k);
    }
}

/* l: the values in force to start with; letters, a negative sign, a number past the api's
 * bound and an empty field are each refused beside the field as typed, and the form does not
 * validate (nothing is sent) until both are whole numbers in range. */
static void
test_limits_form_checks_as_typed(void **st)
{
    struct form_vm f = { 0 };
    char *d;

    (void)st;
    equipo_limites_form(&f, "promlim1", 50, 500);
    assert_string_equal(f.title, " Cupo y cartera de promlim1 ");
    assert_int_equal(f.nfields, 2);
    assert_string_equal(f.fields[0].label, "Cupo diario");
    assert_string_equal(form_vm_value(&f, 0), "50");
    assert_string_equal(f.fields[1].label, "Cartera máxima");
    assert_string_equal(form_vm_value(&f, 1), "500");
    assert_true(form_vm_validate(&f));
    assert_false(form_vm_dirty(&f));
    press(&f, KK_BACKSPACE, 2);
    type(&f, "3o");
    assert_string_equal(f.fields[0].msg, "Solo dígitos");
    assert_false(form_vm_validate(&f));
    press(&f, KK_BACKSPACE, 2);
    type(&f, "-3");
    assert_string_equal(f.fields[0].msg, "Solo dígitos");
    press(&f, KK_BACKSPACE, 2);
    assert_string_equal(f.fields[0].msg, "Obligatorio");
    type(&f, "10001");
    assert_string_equal(f.fields[0].msg, "Debe estar entre 0 y 10,000");
    assert_false(form_vm_validate(&f));
    assert_int_equal(f.focus, 0); /* Enter would stay on the wrong field */
    form_vm_build(&f, 24, 80);
    d = form_vm_dump(&f);
    assert_non_null(strstr(d, "|Cupo diario*"));
    assert_non_null(strstr(d, "error|10001"));
    assert_non_null(strstr(d, "error|Debe estar entre 0 y 10,000")); /* under it at 80 */
    free(d);
    press(&f, KK_BACKSPACE, 5);
    type(&f, "10000");
    assert_string_equal(f.fields[0].msg, "");
    form_vm_focus_next(&f);
    press(&f, KK_END, 1);
    type(&f, "000");
    assert_string_equal(f.fields[1].msg, "Debe estar entre 0 y 100,000");
    press(&f, KK_BACKSPACE, 1);
    assert_true(form_vm_validate(&f)); /* 50000: within 0…100 000 */
    assert_true(form_vm_dirty(&f));
    press(&f, KK_HOME, 1);
    press(&f, KK_DELETE, 5);
    type(&f, "0");
    assert_true(form_vm_validate(&f)); /* 0 is a valid cartera: no new clients */
    form_vm_fini(&f);
}

/* What a valid limits form sends: only the value that changed (-1 keeps the other), and
 * nothing when both are as they were. */
static void
test_limits_form_sends_what_changed(void **st)
{
    struct form_vm f = { 0 };
    int cupo, cartera;

    (void)st;
    equipo_limites_form(&f, "promlim1", 50, 500);
    assert_false(equipo_limites_cambio(&f, 50, 500, &cupo, &cartera));
    assert_int_equal(cupo, -1);
    assert_int_equal(cartera, -1);
    press(&f, KK_BACKSPACE, 2);
    type(&f, "30");
    assert_true(equipo_limites_cambio(&f, 50, 500, &cupo, &cartera));
    assert_int_equal(cupo, 30);
    assert_int_equal(cartera, -1);
    form_vm_focus_next(&f);
    press(&f, KK_BACKSPACE, 3);
    type(&f, "0");
    assert_true(equipo_limites_cambio(&f, 50, 500, &cupo, &cartera));
    assert_int_equal(cupo, 30);
    assert_int_equal(cartera, 0);
    /* Back to what it was: nothing to send for that field. */
    press(&f, KK_BACKSPACE, 1);
    type(&f, "500");
    assert_true(equipo_limites_cambio(&f, 50, 500, &cupo, &cartera));
    assert_int_equal(cartera, -1);
    form_vm_fini(&f);
}

/* A: «Alta de usuario» opens on PROMOTOR with the supervisor given, the defaults of
 * api.crear_usuario; the login is checked as typed by the database's rule; a valid form gives
 * its values, the supervisor's login alone, or none for «—». */
static void
test_alta_form(void **st)
{
    static const char *const opciones[] = { EQUIPO_SIN_SUPERVISOR, "sup1 · Sofía",
                                            "sup3 · Susana" };
    struct form_vm f = { 0 };
    struct equipo_alta a;

    (void)st;
    equipo_alta_form(&f, opciones, 3, 1);
    assert_string_equal(f.title, " Alta de usuario ");
    assert_int_equal(f.nfields, 6);
    assert_string_equal(form_vm_value(&f, 2), "PROMOTOR");
    assert_string_equal(form_vm_value(&f, 3), "sup1 · Sofía");
    assert_string_equal(form_vm_value(&f, 4), "50");
    assert_string_equal(form_vm_value(&f, 5), "500");
    assert_false(form_vm_validate(&f)); /* login and name are required */
    assert_int_equal(f.focus, 0);
    type(&f, "9ana");
    assert_string_equal(f.fields[0].msg, "2 a 31 minúsculas, dígitos o «_», sin dígito al inicio");
    press(&f, KK_BACKSPACE, 4);
    type(&f, "Ana");
    assert_string_not_equal(f.fields[0].msg, ""); /* upper case: not a login */
    press(&f, KK_BACKSPACE, 3);
    type(&f, "a");
    assert_string_not_equal(f.fields[0].msg, ""); /* one character */
    type(&f, "na_2");
    assert_string_equal(f.fields[0].msg, "");
    form_vm_focus_next(&f);
    type(&f, "Ana Ruiz"); /* (type() writes ASCII) */
    assert_true(form_vm_validate(&f));
    equipo_alta_valores(&f, &a);
    assert_string_equal(a.login, "ana_2");
    assert_string_equal(a.nombre, "Ana Ruiz");
    assert_string_equal(a.rol, "PROMOTOR");
    assert_string_equal(a.supervisor, "sup1");
    assert_int_equal(a.cupo, 50);
    assert_int_equal(a.cartera, 500);
    /* An auditor, without a team. */
    form_vm_focus_next(&f);
    press(&f, KK_LEFT, 1); /* PROMOTOR ← wraps to AUDITOR */
    form_vm_focus_next(&f);
    press(&f, KK_RIGHT, 2); /* sup1 → sup3 → «—» */
    equipo_alta_valores(&f, &a);
    assert_string_equal(a.rol, "AUDITOR");
    assert_string_equal(a.supervisor, "");
    form_vm_fini(&f);
}

/* n: the name in force to start with; what is sent is the name as the database keeps it
 * (blanks collapsed), and nothing when that is the same. */
static void
test_nombre_form(void **st)
{
    struct form_vm f = { 0 };
    char buf[FORM_VALUE_BYTES];

    (void)st;
    equipo_nombre_form(&f, "prom1", "Jose Ruiz");
    assert_string_equal(f.title, " Nombre de prom1 ");
    assert_string_equal(form_vm_value(&f, 0), "Jose Ruiz");
    assert_true(form_vm_validate(&f));
    assert_false(equipo_nombre_cambio(&f, "Jose Ruiz", buf, sizeof buf));
    press(&f, KK_HOME, 1);
    type(&f, "  ");
    press(&f, KK_END, 1);
    type(&f, "  ");
    assert_false(equipo_nombre_cambio(&f, "Jose Ruiz", buf, sizeof buf)); /* blanks only */
    assert_string_equal(buf, "Jose Ruiz");
    press(&f, KK_BACKSPACE, 2);
    type(&f, "   Paz");
    assert_true(equipo_nombre_cambio(&f, "Jose Ruiz", buf, sizeof buf));
    assert_string_equal(buf, "Jose Ruiz Paz");
    press(&f, KK_HOME, 1);
    press(&f, KK_DELETE, 40);
    type(&f, "J");
    assert_false(form_vm_validate(&f)); /* one character: refused before it is sent */
    form_vm_fini(&f);
}

static const struct equipo_usuario usuarios[] = {
    { "admin", "Adriana Admin", "ADMIN", "ACTIVO", "", 0, 0 },
    { "sup1", "Sofía Ávila Núñez", "SUPERVISOR", "ACTIVO", "", 0, 0 },
    { "sup2", "Saúl Beltrán", "SUPERVISOR", "AUSENTE", "", 0, 0 },
    { "sup3", "Susana Peña", "SUPERVISOR", "ACTIVO", "", 0, 0 },
    { "supbaja", "Samuel Baja", "SUPERVISOR", "BAJA", "", 0, 0 },
    { "prom1", "José Luis Hernández", "PROMOTOR", "ACTIVO", "sup2", 50, 500 },
};

/* s: the active supervisors, each "login · first name", plus the promoter's own when it is
 * not active (the form opens on it); nobody else, and never one in BAJA but the own. */
static void
test_supervisors_offered(void **st)
{
    char op[8][EQUIPO_OPCION_BYTES];
    size_t cur = 9, n;

    (void)st;
    n = equipo_supervisor_opciones(op, 8, usuarios, 6, "sup2", &cur);
    assert_int_equal(n, 3);
    assert_string_equal(op[0], "sup1 · Sofía");
    assert_string_equal(op[1], "sup2 · Saúl");
    assert_string_equal(op[2], "sup3 · Susana");
    assert_int_equal(cur, 1);
    n = equipo_supervisor_opciones(op, 8, usuarios, 6, "sup3", &cur);
    assert_int_equal(n, 2); /* sup2 is away and not this promoter's */
    assert_string_equal(op[1], "sup3 · Susana");
    assert_int_equal(cur, 1);
    n = equipo_supervisor_opciones(op, 8, usuarios, 6, "supbaja", &cur);
    assert_int_equal(n, 3);
    assert_string_equal(op[2], "supbaja · Samuel");
    assert_int_equal(cur, 2);
    n = equipo_supervisor_opciones(op, 8, usuarios, 6, "", &cur); /* none: the first */
    assert_int_equal(n, 2);
    assert_int_equal(cur, 0);
    n = equipo_supervisor_opciones(op, 1, usuarios, 6, "sup3", &cur); /* counts past max */
    assert_int_equal(n, 2);
    assert_string_equal(op[0], "sup1 · Sofía");
    n = equipo_supervisor_opciones(op, 8, usuarios, 1, "", &cur);
    assert_int_equal(n, 0);
}

/* The form opens on the promoter's supervisor; ← → go through the others; the login is what
 * is sent. */
static void
test_supervisor_form(void **st)
{
    char op[8][EQUIPO_OPCION_BYTES], login[48];
    const char *ptr[8];
    struct form_vm f = { 0 };
    size_t cur, n = equipo_supervisor_opciones(op, 8, usuarios, 6, "sup2", &cur);

    (void)st;
    for (size_t i = 0; i < n; i++)
        ptr[i] = op[i];
    equipo_supervisor_form(&f, "prom1", ptr, n, cur);
    assert_string_equal(f.title, " Supervisor de prom1 ");
    assert_int_equal(f.fields[0].kind, FORM_CHOICE);
    assert_string_equal(form_vm_value(&f, 0), "sup2 · Saúl");
    assert_true(form_vm_validate(&f));
    press(&f, KK_RIGHT, 1);
    assert_string_equal(form_vm_value(&f, 0), "sup3 · Susana");
    press(&f, KK_RIGHT, 1);
    assert_string_equal(form_vm_value(&f, 0), "sup1 · Sofía"); /* wraps */
    assert_true(form_vm_dirty(&f));
    equipo_opcion_login(login, sizeof login, form_vm_value(&f, 0));
    assert_string_equal(login, "sup1");
    equipo_opcion_login(login, sizeof login, "solo");
    assert_string_equal(login, "solo");
    form_vm_fini(&f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_levels_follow_each_stage_timer),
        cmocka_unit_test(test_layout_at_80x24),
        cmocka_unit_test(test_wide_shows_every_stage_and_ascii_glyphs),
        cmocka_unit_test(test_attempts_column_needs_80_columns),
        cmocka_unit_test(test_cursor_and_empty),
        cmocka_unit_test(test_estado_words_and_codes),
        cmocka_unit_test(test_estados_at_80x24),
        cmocka_unit_test(test_estados_wide_and_ascii),
        cmocka_unit_test(test_limits_form_checks_as_typed),
        cmocka_unit_test(test_limits_form_sends_what_changed),
        cmocka_unit_test(test_alta_form),
        cmocka_unit_test(test_a_reread_keeps_the_cursor_on_its_promoter),
        cmocka_unit_test(test_nombre_form),
        cmocka_unit_test(test_supervisors_offered),
        cmocka_unit_test(test_supervisor_form),
    };

    return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
