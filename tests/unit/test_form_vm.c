/*
 * test_form_vm — forms: validation as you type (Spanish messages beside the field at 160
 * columns, under it at 80), Enter validating everything, an api refusal shown without
 * losing what was typed, dirty tracking, choice cycling, accents and ñ in values, a note
 * under the title (wrapped, cut with "…" past two rows, above a refusal, kept while editing),
 * each field's storage sized by its max_len, and a form that releases what it holds.
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

#include "ui/vm/form_vm.h"

static const char *const productos[] = { "Préstamo", "Refinanciamiento", "Compra de deuda" };

static bool
folio_check(const char *value, char *msg, size_t msgsz)
{
    if (strncmp(value, "F-", 2) == 0)
        return true;
    snprintf(msg, msgsz, "El folio empieza con «F-»");
    return false;
}

static int
setup(void **st)
{
    struct form_vm *f = calloc(1, sizeof *f);
    struct form_field *fd;

    if (f == NULL || setlocale(LC_ALL, "C.UTF-8") == NULL)
        return -1;
    form_vm_init(f, "Registrar venta");
    fd = form_vm_add(f, "Monto", FORM_MONEY, true, NULL);
    fd = form_vm_add(f, "Producto", FORM_CHOICE, true, "Préstamo");
    fd->choices = productos;
    fd->nchoices = 3;
    fd = form_vm_add(f, "Folio", FORM_TEXT, true, NULL);
    fd->max_len = 12;
    fd->check = folio_check;
    fd = form_vm_add(f, "Plazo (meses)", FORM_INT, false, NULL);
    fd->min = 6;
    fd->max = 120;
    *st = f;
    return 0;
}

static int
teardown(void **st)
{
    form_vm_fini(*st);
    free(*st);
    return 0;
}

static void
type(struct form_vm *f, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;

    while (*u != '\0') {
        size_t len = *u < 0x80 ? 1 : *u >= 0xf0 ? 4 : *u >= 0xe0 ? 3 : 2;
        uint32_t cp = len == 1 ? *u : (uint32_t)(*u & (0x7f >> len));
        struct key k;

        for (size_t i = 1; i < len; i++)
            cp = (cp << 6) | (u[i] & 0x3f);
        k = (struct key){ KK_CHAR, cp };
        form_vm_input(f, &k);
        u += len;
    }
}

static char *
dump(struct form_vm *f, int lines, int cols)
{
    form_vm_build(f, lines, cols);
    return form_vm_dump(f);
}

static void
test_validates_as_you_type(void **st)
{
    struct form_vm *f = *st;
    struct key bs = { KK_BACKSPACE, 0 };

    type(f, "12500.5x");
    assert_string_equal(f->fields[0].msg, "Monto inválido: use 12500 o 12500.50");
    form_vm_input(f, &bs);
    assert_string_equal(f->fields[0].msg, "");
    type(f, "55");
    assert_string_equal(f->fields[0].msg, "Monto inválido: use 12500 o 12500.50");
    form_vm_input(f, &bs);
    assert_string_equal(f->fields[0].msg, "");
    assert_string_equal(form_vm_value(f, 0), "12500.55");
    form_vm_focus_next(f);
    form_vm_focus_next(f);
    type(f, "X-1");
    assert_string_equal(f->fields[2].msg, "El folio empieza con «F-»");
    form_vm_focus_next(f);
    type(f, "3");
    assert_string_equal(f->fields[3].msg, "Debe estar entre 6 y 120");
    type(f, "a");
    assert_string_equal(f->fields[3].msg, "Solo dígitos");
}

static void
test_enter_validates_all_and_focuses_the_first_wrong(void **st)
{
    struct form_vm *f = *st;

    assert_false(form_vm_dirty(f));
    assert_false(form_vm_validate(f));
    assert_int_equal(f->focus, 0);
    assert_string_equal(f->fields[0].msg, "Obligatorio");
    assert_string_equal(f->fields[2].msg, "Obligatorio");
    assert_string_equal(f->fields[3].msg, ""); /* optional and empty is fine */
    type(f, "0");
    assert_string_equal(f->fields[0].msg, "El monto debe ser mayor que cero");
}

static void
test_messages_beside_at_160_below_at_80(void **st)
{
    struct form_vm *f = *st;
    char *got;

    type(f, "abc");
    form_vm_focus_next(f);
    got = dump(f, 50, 160);
    assert_string_equal(got, "box 21,30 8x100 Registrar venta \n"
                             "cursor 23,56\n"
                             "1.2 label|Monto*\n"
                             "1.17 muted|[\n"
                             "1.18 error|abc\n"
                             "1.46 muted|]\n"
                             "1.48 error|✗\n"
                             "1.50 error|Monto inválido: use 12500 o 12500.50\n"
                             "2.2 heading|Producto*\n"
                             "2.17 muted|[\n"
                             "2.18 value|Préstamo\n"
                             "2.46 muted|]\n"
                             "3.2 label|Folio*\n"
                             "3.17 muted|[\n"
                             "3.46 muted|]\n"
                             "4.2 label|Plazo (meses)\n"
                             "4.17 muted|[\n"
                             "4.46 muted|]\n"
                             "6.2 muted|* obligatorio\n");
    free(got);
    got = dump(f, 24, 80); /* no room beside: the message goes under the field */
    assert_string_equal(got, "box 7,1 9x78 Registrar venta \n"
                             "cursor 10,27\n"
                             "1.2 label|Monto*\n"
                             "1.17 muted|[\n"
                             "1.18 error|abc\n"
                             "1.46 muted|]\n"
                             "2.18 error|✗\n"
                             "2.20 error|Monto inválido: use 12500 o 12500.50\n"
                             "3.2 heading|Producto*\n"
                             "3.17 muted|[\n"
                             "3.18 value|Préstamo\n"
                             "3.46 muted|]\n"
                             "4.2 label|Folio*\n"
                             "4.17 muted|[\n"
                             "4.46 muted|]\n"
                             "5.2 label|Plazo (meses)\n"
                             "5.17 muted|[\n"
                             "5.46 muted|]\n"
                             "7.2 muted|* obligatorio\n");
    free(got);
}

static void
test_refusal_keeps_the_content_and_clears_on_edit(void **st)
{
    struct form_vm *f = *st;
    struct key right = { KK_RIGHT, 0 };
    char *got;

    type(f, "12500");
    form_vm_focus_next(f);
    form_vm_input(f, &right); /* choices cycle with → */
    assert_string_equal(form_vm_value(f, 1), "Refinanciamiento");
    form_vm_focus_next(f);
    type(f, "F-ÑÚ-001");
    assert_true(form_vm_validate(f));
    assert_true(form_vm_dirty(f));
    f->sending = true;
    form_vm_set_refusal(f, "Ya existe otra venta para esta oportunidad (folio F-0009)");
    assert_false(f->sending);
    assert_string_equal(form_vm_value(f, 0), "12500");
    assert_string_equal(form_vm_value(f, 2), "F-ÑÚ-001");
    got = dump(f, 24, 80);
    assert_string_equal(got, "box 7,1 10x78 Registrar venta \n"
                             "cursor 12,27\n"
                             "1.2 error|✗ \n"
                             "1.4 error|Ya existe otra venta para esta oportunidad (folio F-0009)\n"
                             "3.2 label|Monto*\n"
                             "3.17 muted|[\n"
                             "3.18 value|12500\n"
                             "3.46 muted|]\n"
                             "4.2 label|Producto*\n"
                             "4.17 muted|[\n"
                             "4.18 value|Refinanciamiento\n"
                             "4.46 muted|]\n"
                             "5.2 heading|Folio*\n"
                             "5.17 muted|[\n"
                             "5.18 value|F-ÑÚ-001\n"
                             "5.46 muted|]\n"
                             "6.2 label|Plazo (meses)\n"
                             "6.17 muted|[\n"
                             "6.46 muted|]\n"
                             "8.2 muted|* obligatorio\n");
    free(got);
    /* A refusal longer than the form goes on in the next rows, between words. */
    form_vm_set_refusal(f, "para pasar a \"No localizado\" registre al menos 2 intentos de "
                           "contacto (lleva 0)");
    got = dump(f, 24, 80);
    assert_non_null(strstr(got, "1.4 error|para pasar a \"No localizado\" registre al menos 2 "
                                "intentos de contacto\n"
                                "2.4 error|(lleva 0)\n"
                                "4.2 label|Monto*\n"));
    free(got);
    type(f, "2");
    assert_string_equal(f->refusal, ""); /* editing clears the database's message */
}

static void
test_long_values_scroll_and_tiny_screens_stay_inside(void **st)
{
    struct form_vm *f = *st;

    form_vm_focus_next(f);
    form_vm_focus_next(f);
    type(f, "F-añoñoñoñoñoñoñoñoñoñoñoñoñoñoñoñoñoñoñoñoñoñoño");
    assert_string_equal(f->fields[2].msg, "Máximo 12 caracteres");
    form_vm_build(f, 24, 80);
    assert_true(f->cursor_x < f->box.x + f->box.w);
    form_vm_build(f, 5, 20);
    assert_true(f->box.h <= 5 && f->box.w <= 20 && f->box.y >= 0 && f->box.x >= 0);
}

/* A click on a field's row focuses it (the one left is checked, as with Tab); elsewhere, not. */
static void
test_a_click_focuses_the_field(void **st)
{
    struct form_vm *f = *st;
    int y = -1;

    form_vm_build(f, 24, 80);
    for (int i = 0; i < f->nlines; i++)
        if (f->lines[i].item == 3)
            y = i;
    assert_true(y > 0); /* Folio's row */
    assert_true(form_vm_click(f, f->box.y + y, f->box.x + 5));
    assert_int_equal(f->focus, 2);
    assert_true(f->fields[0].touched); /* Monto, left empty: checked now */
    form_vm_build(f, 24, 80);
    assert_string_not_equal(f->fields[0].msg, "");
    assert_false(form_vm_click(f, f->box.y, f->box.x + 5));     /* the title border */
    assert_false(form_vm_click(f, f->box.y + y, f->box.x - 1)); /* beside the box */
    assert_true(form_vm_click(f, f->box.y + y, f->box.x + 5));  /* the same field: stays */
    assert_int_equal(f->focus, 2);
    assert_false(f->fields[2].touched);
}

static void
test_note_under_the_title(void **st)
{
    struct form_vm *f = *st;
    char *got;

    form_vm_set_note(f, "Antes de capturar, informe el aviso de privacidad AP-2025-03: "
                        "https://financiera.mx/privacidad");
    got = dump(f, 24, 80);
    assert_string_equal(got, "box 6,1 11x78 Registrar venta \n"
                             "cursor 10,19\n"
                             "1.2 muted|→ \n"
                             "1.4 muted|Antes de capturar, informe el aviso de privacidad"
                             " AP-2025-03:\n"
                             "2.4 muted|https://financiera.mx/privacidad\n"
                             "4.2 heading|Monto*\n"
                             "4.17 muted|[\n"
                             "4.46 muted|]\n"
                             "5.2 label|Producto*\n"
                             "5.17 muted|[\n"
                             "5.18 value|Préstamo\n"
                             "5.46 muted|]\n"
                             "6.2 label|Folio*\n"
                             "6.17 muted|[\n"
                             "6.46 muted|]\n"
                             "7.2 label|Plazo (meses)\n"
                             "7.17 muted|[\n"
                             "7.46 muted|]\n"
                             "9.2 muted|* obligatorio\n");
    free(got);
    /* Longer than two rows: the second ends in "…". A refusal goes under it; typing clears
     * the refusal, never the note. */
    form_vm_set_note(f, "uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece "
                        "catorce quince dieciséis diecisiete dieciocho diecinueve veinte "
                        "veintiuno veintidós veintitrés veinticuatro veinticinco veintiséis");
    form_vm_set_refusal(f, "sin conexión");
    got = dump(f, 24, 80);
    assert_non_null(strstr(got, "2.4 muted|catorce quince dieciséis diecisiete dieciocho "
                                "diecinueve veinte veintiun…\n"
                                "4.2 error|✗ \n"
                                "4.4 error|sin conexión\n"
                                "6.2 heading|Monto*\n"));
    free(got);
    type(f, "1");
    assert_string_equal(f->refusal, "");
    assert_non_null(strstr(f->note, "veintiséis"));
    form_vm_set_note(f, "");
    got = dump(f, 24, 80);
    assert_non_null(strstr(got, "\n1.2 heading|Monto*\n"));
    free(got);
}

/* A long text (a WhatsApp answer): the label on its own row with the characters typed at its
 * right, the value across the box under it showing its tail while typing, 4,096 characters of
 * any width taken whole (four-byte ones too), one more refused by the check as you type. */
static void
test_a_long_text_shows_its_tail_and_takes_4096_characters(void **st)
{
    struct form_vm *f = *st;
    struct form_field *fd;
    struct key bs = { KK_BACKSPACE, 0 }, home = { KK_HOME, 0 };
    char *got;

    form_vm_init(f, "Responder por WhatsApp");
    fd = form_vm_add(f, "Respuesta para Julia Pérez Núñez (+52 55 1234 5678)", FORM_TEXT, true,
                     NULL);
    fd->largo = true;
    fd->min_len = 1;
    fd->max_len = 4096;
    type(f, "Buenas tardes, señora Núñez: ");
    for (int i = 0; i < 20; i++)
        type(f, "ñandú ");
    type(f, "¿le marco mañana?");
    got = dump(f, 24, 80);
    assert_string_equal(got, "box 9,1 6x78 Responder por WhatsApp \n"
                             "cursor 11,75\n"
                             "1.2 heading|Respuesta para Julia Pérez Núñez (+52 55 1234 5678)*\n"
                             "1.64 muted|166 de 4,096\n"
                             "2.2 muted|[\n"
                             "2.3 value|ñandú ñandú ñandú ñandú ñandú ñandú ñandú ñandú ñandú "
                             "¿le marco mañana?\n"
                             "2.75 muted|]\n"
                             "4.2 muted|* obligatorio\n");
    free(got);
    /* Home shows the head; the cursor goes with it. */
    form_vm_input(f, &home);
    got = dump(f, 24, 80);
    assert_non_null(strstr(got, "cursor 11,4\n"));
    assert_non_null(strstr(got, "2.3 value|Buenas tardes, señora Núñez: ñandú ñandú"));
    free(got);

    /* 4,096 characters of four bytes each fit; a 4,097th has no room and is not taken. */
    form_vm_init(f, "Responder por WhatsApp");
    fd = form_vm_add(f, "Respuesta", FORM_TEXT, true, NULL);
    fd->largo = true;
    fd->min_len = 1;
    fd->max_len = 4096;
    for (int i = 0; i < 4096; i++)
        type(f, "😀");
    assert_int_equal(strlen(fd->value), 4 * 4096);
    assert_string_equal(fd->msg, "");
    type(f, "😀");
    assert_int_equal(strlen(fd->value), 4 * 4096);
    assert_true(form_vm_validate(f));
    got = dump(f, 24, 80);
    assert_non_null(strstr(got, "muted|4,096 de 4,096\n"));
    free(got);

    /* Narrow characters: the 4,097th is typed and the field says why it cannot go. */
    form_vm_init(f, "Responder por WhatsApp");
    fd = form_vm_add(f, "Respuesta", FORM_TEXT, true, NULL);
    fd->largo = true;
    fd->min_len = 1;
    fd->max_len = 4096;
    for (int i = 0; i < 4097; i++)
        type(f, "a");
    assert_string_equal(fd->msg, "Máximo 4096 caracteres");
    assert_false(form_vm_validate(f));
    got = dump(f, 24, 80);
    assert_non_null(strstr(got, "error|4,097 de 4,096\n"));
    assert_non_null(strstr(got, "3.3 error|✗\n3.5 error|Máximo 4096 caracteres\n"));
    free(got);
    form_vm_input(f, &bs);
    assert_true(form_vm_validate(f));

    /* Erased: required, said under the value. */
    form_vm_init(f, "Responder por WhatsApp");
    fd = form_vm_add(f, "Respuesta", FORM_TEXT, true, NULL);
    fd->largo = true;
    fd->min_len = 1;
    assert_false(form_vm_validate(f));
    got = dump(f, 24, 80);
    assert_non_null(strstr(got, "1.2 heading|Respuesta*\n2.2 muted|[\n2.75 muted|]\n"
                                "3.3 error|✗\n3.5 error|Obligatorio\n"));
    free(got);
}

/* Types n copies of s into the focused field; returns how many were taken. */
static int
type_n(struct form_vm *f, const char *s, int n)
{
    int taken = 0;

    for (int i = 0; i < n; i++) {
        size_t before = strlen(form_vm_value(f, f->focus));

        type(f, s);
        taken += strlen(form_vm_value(f, f->focus)) > before;
    }
    return taken;
}

/* A long field's storage grows with what is typed: a few characters cost a few bytes, and
 * 4,096 four-byte characters take exactly the 16,385 bytes they need; the next one is refused
 * (the key changes nothing). */
static void
test_a_long_field_grows_to_exactly_4096_four_byte_characters(void **st)
{
    struct form_vm *f = *st;
    struct form_field *fd;
    struct key emoji = { KK_CHAR, 0x1F600 };

    form_vm_init(f, "Responder por WhatsApp");
    fd = form_vm_add(f, "Respuesta", FORM_TEXT, true, NULL);
    fd->largo = true;
    fd->max_len = 4096;
    type(f, "Hola");
    assert_string_equal(fd->value, "Hola");
    assert_true(fd->size <= 64);
    assert_int_equal(type_n(f, "😀", 4095), 4095);
    assert_string_equal(fd->msg, "Máximo 4096 caracteres"); /* "Hola" and 4,095 more */
    fd->cursor = 0;
    for (int i = 0; i < 4; i++)
        form_vm_input(f, &(struct key){ KK_DELETE, 0 });
    fd->cursor = strlen(fd->value);
    assert_true(form_vm_input(f, &emoji));
    assert_int_equal(strlen(fd->value), 4 * 4096);
    assert_int_equal(fd->size, FORM_BYTES(4096));
    assert_string_equal(fd->msg, "");
    assert_false(form_vm_input(f, &emoji));
    assert_int_equal(strlen(fd->value), 4 * 4096);
    assert_int_equal(fd->size, FORM_BYTES(4096));
    assert_false(fd->touched && fd->msg[0] != '\0');
}

/* A short field holds what its max_len allows and no more: 20 characters of four bytes, or as
 * many narrow ones as fit those 80 bytes (the check then says why they cannot go); a field
 * with no max_len takes FORM_TEXT_DEFAULT characters; a number FORM_SHORT_CHARS; a choice
 * at least its longest choice. */
static void
test_a_short_field_holds_what_its_max_len_allows(void **st)
{
    struct form_vm *f = *st;
    struct form_field *fd;
    static const char *const largas[2] = {
        "corta",
        "una opción muy larga, más de sesenta y cuatro caracteres: "
        "Refinanciamiento con compra de deuda y seguro de vida incluido",
    };

    form_vm_init(f, "Cortos");
    fd = form_vm_add(f, "Teléfono", FORM_TEXT, true, NULL);
    fd->max_len = 20;
    assert_int_equal(type_n(f, "😀", 25), 20);
    assert_int_equal(strlen(fd->value), 80);
    assert_true(fd->size <= FORM_BYTES(20));
    assert_string_equal(fd->msg, "");

    form_vm_init(f, "Cortos");
    fd = form_vm_add(f, "Teléfono", FORM_TEXT, true, NULL);
    fd->max_len = 20;
    assert_int_equal(type_n(f, "5", 100), 80);
    assert_string_equal(fd->msg, "Máximo 20 caracteres");

    form_vm_init(f, "Cortos");
    fd = form_vm_add(f, "Observación", FORM_TEXT, false, NULL);
    assert_int_equal(type_n(f, "ñ", 600), 510); /* 1,020 bytes: 255 four-byte characters */
    assert_int_equal(strlen(fd->value), 4 * FORM_TEXT_DEFAULT);
    assert_true(fd->size <= FORM_BYTES(FORM_TEXT_DEFAULT));

    form_vm_init(f, "Cortos");
    fd = form_vm_add(f, "Horas", FORM_INT, true, NULL);
    assert_int_equal(type_n(f, "9", 1000), 4 * FORM_SHORT_CHARS);
    assert_string_equal(fd->msg, "Número demasiado grande");

    /* A choice is set whole and may be typed whole, however long. */
    form_vm_init(f, "Cortos");
    fd = form_vm_add(f, "Producto", FORM_CHOICE, true, largas[0]);
    fd->choices = largas;
    fd->nchoices = 2;
    form_vm_input(f, &(struct key){ KK_RIGHT, 0 });
    assert_string_equal(fd->value, largas[1]);
    for (size_t i = 0; i < strlen(largas[1]); i++)
        form_vm_input(f, &(struct key){ KK_BACKSPACE, 0 });
    assert_string_equal(fd->value, "");
    type(f, largas[1]);
    assert_string_equal(fd->value, largas[1]);
    assert_string_equal(fd->msg, "");

    /* An initial value longer than the capacity is kept whole; typing waits for room. */
    form_vm_init(f, "Cortos");
    fd = form_vm_add(f, "Clave", FORM_TEXT, true, "abcdefghijklmnopqrstuvwxyz");
    fd->max_len = 5; /* 21 bytes */
    assert_int_equal(type_n(f, "x", 1), 0);
    assert_string_equal(fd->value, "abcdefghijklmnopqrstuvwxyz");
    assert_false(form_vm_dirty(f));
    for (int i = 0; i < 7; i++)
        form_vm_input(f, &(struct key){ KK_BACKSPACE, 0 });
    assert_int_equal(type_n(f, "x", 3), 1);
    assert_string_equal(fd->value, "abcdefghijklmnopqrsx");
    assert_string_equal(fd->initial, "abcdefghijklmnopqrstuvwxyz");
    assert_true(form_vm_dirty(f));
}

/* Only a change to the value marks the field touched and clears the refusal: the cursor keys,
 * a full field and a choice cycling to itself change nothing. */
static void
test_only_a_changed_value_touches_the_field(void **st)
{
    struct form_vm *f = *st;
    struct form_field *fd;
    static const char *const una[1] = { "Préstamo" };
    const enum key_kind moves[4] = { KK_LEFT, KK_RIGHT, KK_HOME, KK_END };

    form_vm_init(f, "Cambios");
    fd = form_vm_add(f, "Folio", FORM_TEXT, true, "F-12");
    fd->max_len = 1; /* 5 bytes: "F-12" fills them */
    form_vm_set_refusal(f, "sin conexión");
    for (int i = 0; i < 4; i++)
        assert_true(form_vm_input(f, &(struct key){ moves[i], 0 }));
    assert_false(form_vm_input(f, &(struct key){ KK_CHAR, 'x' })); /* full */
    assert_false(fd->touched);
    assert_string_equal(f->refusal, "sin conexión");
    assert_true(form_vm_input(f, &(struct key){ KK_BACKSPACE, 0 }));
    assert_true(fd->touched);
    assert_string_equal(f->refusal, "");

    form_vm_init(f, "Cambios");
    fd = form_vm_add(f, "Producto", FORM_CHOICE, true, "Préstamo");
    fd->choices = una;
    fd->nchoices = 1;
    form_vm_set_refusal(f, "sin conexión");
    assert_true(form_vm_input(f, &(struct key){ KK_RIGHT, 0 }));
    assert_false(fd->touched);
    assert_string_equal(f->refusal, "sin conexión");
}

/* A form on the stack starts zeroed; init releases what a previous init held, fini all of it
 * and may be repeated, and init after fini works: LeakSanitizer (the ASan unit run) fails this
 * test if anything is left. The form itself stays small: its values live on the heap. */
static void
test_reinit_and_fini_release_everything(void **st)
{
    struct form_vm f = { 0 };
    struct form_field *fd;
    char *got;

    (void)st;
    print_message("sizeof(struct form_vm) = %zu bytes\n", sizeof f);
    assert_true(sizeof f < 8192);
    for (int round = 0; round < 3; round++) {
        form_vm_init(&f, "Registrar venta");
        for (int i = 0; i < FORM_MAX_FIELDS; i++)
            assert_non_null(form_vm_add(&f, "Campo", FORM_TEXT, false, "valor inicial"));
        assert_null(form_vm_add(&f, "De más", FORM_TEXT, false, NULL));
        f.fields[0].max_len = 4096;
        type_n(&f, "😀", 300);
        form_vm_build(&f, 50, 160);
        got = form_vm_dump(&f);
        assert_non_null(strstr(got, "😀"));
        free(got);
    }
    form_vm_fini(&f);
    assert_int_equal(f.nfields, 0);
    assert_null(f.lines);
    assert_null(f.fields[0].value);
    form_vm_fini(&f);
    form_vm_init(&f, "Otra vez");
    fd = form_vm_add(&f, "Nombre", FORM_TEXT, true, "Ana");
    assert_string_equal(form_vm_value(&f, 0), "Ana");
    assert_string_equal(fd->initial, "Ana");
    assert_string_equal(form_vm_value(&f, 1), "");
    form_vm_fini(&f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_validates_as_you_type, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enter_validates_all_and_focuses_the_first_wrong, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_messages_beside_at_160_below_at_80, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusal_keeps_the_content_and_clears_on_edit, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_long_values_scroll_and_tiny_screens_stay_inside, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_click_focuses_the_field, setup, teardown),
        cmocka_unit_test_setup_teardown(test_note_under_the_title, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_long_text_shows_its_tail_and_takes_4096_characters,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_a_long_field_grows_to_exactly_4096_four_byte_characters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_short_field_holds_what_its_max_len_allows, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_only_a_changed_value_touches_the_field, setup,
                                        teardown),
        cmocka_unit_test(test_reinit_and_fini_release_everything),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
