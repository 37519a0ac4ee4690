/*
 * test_wa_vm — the WhatsApp pane: account states with glyph and word, the sender's health
 * line, the QR with its countdown replaced by each new ref, a window too small for the code,
 * every ref expired (one key to retry), the sim's scan key, ASCII, 80×24 and 160×50; an
 * account of Meta's official API: Meta's number and rating in words, no warm-up, the server
 * sending, and no linking or sending keys (left out, and why when pressed).
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

#include "ui/vm/wa_vm.h"
#include "util/err.h"

static struct wa_vm vm;

static const char ref1[] = "2@AbCdEfGhIjKlMnOpQrStUvWxYz012345,"
                           "bm9pc2Vub2lzZW5vaXNlbm9pc2Vub2lzZW5vaXNlbm8=,"
                           "aWRlbnRpdHlpZGVudGl0eWlkZW50aXR5aWRlbnRpdHk=,"
                           "YWR2YWR2YWR2YWR2YWR2YWR2YWR2YWR2YWR2YWR2YWQ=";
static const char ref2[] = "2@ZzYyXxWwVvUuTtSsRrQqPpOoNnMmLlKk,"
                           "bm9pc2Vub2lzZW5vaXNlbm9pc2Vub2lzZW5vaXNlbm8=,"
                           "aWRlbnRpdHlpZGVudGl0eWlkZW50aXR5aWRlbnRpdHk=,"
                           "YWR2YWR2YWR2YWR2YWR2YWR2YWR2YWR2YWR2YWR2YWQ=";

static int
setup_utf8(void **st)
{
    (void)st;
    return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

static char *
render(const struct wa_model *m, int w, int h)
{
    wa_vm_build(&vm, m, w, h);
    assert_true(vm.nlines <= h);
    return vm_lines_render(vm.lines, vm.nlines);
}

static void
model_connected(struct wa_model *m)
{
    wa_model_init(m);
    m->loaded = true;
    m->estado = wa_estado_parse("CONECTADA");
    snprintf(m->jid, sizeof m->jid, "5215512345678@s.whatsapp.net");
    m->en_uso_desde = 20261120;
    m->limite_diario = 180;
    m->tope_hoy = 116;
}

static void
test_connected_80x24(void **st)
{
    struct wa_model m;
    char *out, *dump;

    (void)st;
    model_connected(&m);
    m.envio = WA_ENVIO_ACTIVO;
    snprintf(m.salud, sizeof m.salud, "en descanso: reanuda a las 10:42");
    out = render(&m, 80, 24);
    assert_string_equal(out, " WhatsApp\n"
                             " Cuenta      ● conectada\n"
                             " Número      5215512345678@s.whatsapp.net\n"
                             " Límite      180 al día · tope de hoy 116 · en uso desde 2026-11-20\n"
                             " Envío       ● activo · en descanso: reanuda a las 10:42\n"
                             "\n");
    dump = wa_vm_dump(&vm);
    assert_non_null(strstr(dump, "1.13 db_ok|● conectada"));
    free(dump);
    free(out);
    wa_model_fini(&m);
}

static void
test_states_have_glyph_and_word(void **st)
{
    static const struct {
        const char *estado, *want;
    } cases[] = {
        { "SIN_VINCULAR", "○ sin vincular" },
        { "VINCULANDO", "◐ vinculando…" },
        { "DESCONECTADA", "◐ desconectada" },
        { "REQUIERE_VINCULO", "○ requiere vincular de nuevo" },
        { "BLOQUEADA", "○ bloqueada" },
        { "raro", "◐ desconocido" },
    };

    (void)st;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct wa_model m;
        char *out;

        model_connected(&m);
        m.estado = wa_estado_parse(cases[i].estado);
        out = render(&m, 80, 24);
        assert_non_null(strstr(out, cases[i].want));
        free(out);
    }
}

static void
test_other_session_and_unlinked_hint(void **st)
{
    struct wa_model m;
    char *out;

    (void)st;
    model_connected(&m);
    m.estado = WA_SIN_VINCULAR;
    m.envio = WA_ENVIO_OTRA_SESION;
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, "◐ enviando desde otra sesión"));
    assert_non_null(strstr(out, "Pulse v para vincular su WhatsApp con un código QR."));
    free(out);
}

static void
test_qr_at_160x50_with_countdown_and_rotation(void **st)
{
    struct wa_model m;
    struct err e;
    char *out, *first;
    int blocks = 0;

    (void)st;
    model_connected(&m);
    m.estado = WA_VINCULANDO;
    m.sim = true;
    m.now_ms = 1000000;
    assert_int_equal(wa_model_set_qr(&m, ref1, 1000000 + 59500, &e), RC_OK);
    first = render(&m, 160, 50);
    assert_non_null(strstr(first, "El código cambia en 60 s (código 1)."));
    assert_non_null(strstr(first, "Red simulada: pulse s para simular el escaneo."));
    for (const char *p = first; (p = strstr(p, "▀")) != NULL; p++)
        blocks++;
    assert_true(blocks > 50);
    /* the next ref replaces the code */
    m.now_ms += 20000;
    assert_int_equal(wa_model_set_qr(&m, ref2, m.now_ms + 20000, &e), RC_OK);
    out = render(&m, 160, 50);
    assert_non_null(strstr(out, "El código cambia en 20 s (código 2)."));
    assert_string_not_equal(strstr(out, "escanee:"), strstr(first, "escanee:"));
    free(out);
    /* past its expiry with no new one */
    m.now_ms += 21000;
    out = render(&m, 160, 50);
    assert_non_null(strstr(out, "El código 2 venció; esperando uno nuevo…"));
    free(out);
    free(first);
    wa_model_fini(&m);
}

static void
test_qr_does_not_fit_80x24_nor_ascii(void **st)
{
    struct wa_model m;
    struct err e;
    char *out;

    (void)st;
    model_connected(&m);
    m.estado = WA_VINCULANDO;
    assert_int_equal(wa_model_set_qr(&m, ref1, 60000, &e), RC_OK);
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, "La ventana es chica para el código: necesita"));
    assert_non_null(strstr(out, "O pulse n para vincular con su número de teléfono."));
    assert_null(strstr(out, "▀"));
    free(out);
    m.ascii = true;
    out = render(&m, 160, 50);
    assert_non_null(strstr(out, "El código QR necesita una terminal UTF-8."));
    free(out);
    wa_model_fini(&m);
}

/* Linking by phone number: the code fits 80×24 and an ASCII terminal, with where to type it
   and its countdown; the QR's words do not show; a malformed code is refused. */
static void
test_phone_code_at_80x24(void **st)
{
    struct wa_model m;
    struct err e;
    char *out;

    (void)st;
    model_connected(&m);
    m.estado = WA_VINCULANDO;
    m.ascii = true;
    m.sim = true;
    m.now_ms = 1000;
    assert_int_equal(wa_model_set_codigo(&m, "ABCD1234", 181000, &e), RC_OK);
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, "\n    ABCD-1234\n"));
    assert_non_null(strstr(out, "El código vence en 180 s."));
    assert_non_null(strstr(out, "Vincular con el número de teléfono, y escriba:"));
    assert_non_null(strstr(out, "pulse s para simular que lo escribe"));
    assert_null(strstr(out, "necesita una terminal UTF-8"));
    assert_null(strstr(out, "Pidiendo el código"));
    free(out);
    m.now_ms = 182000;
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, "El código venció; esperando la respuesta de WhatsApp…"));
    free(out);
    assert_int_equal(wa_model_set_codigo(&m, "abcd1234", 1, &e), RC_INVAL);
    assert_int_equal(wa_model_set_codigo(&m, "ABCD123", 1, &e), RC_INVAL);
    assert_int_equal(wa_model_set_codigo(&m, "ABCD-1234", 1, &e), RC_INVAL);
    assert_string_equal(m.codigo, "ABCD-1234");
    wa_model_qr_end(&m, true);
    m.estado = WA_SIN_VINCULAR;
    out = render(&m, 80, 24);
    assert_null(strstr(out, "ABCD-1234"));
    assert_non_null(strstr(out, "El código de vinculación venció sin usarse."));
    assert_non_null(strstr(out, "O pulse n para vincularlo con su número de teléfono."));
    free(out);
    wa_model_fini(&m);
}

static void
test_expired_offers_retry(void **st)
{
    struct wa_model m;
    struct err e;
    char *out;

    (void)st;
    model_connected(&m);
    m.estado = WA_SIN_VINCULAR;
    assert_int_equal(wa_model_set_qr(&m, ref1, 60000, &e), RC_OK);
    wa_model_qr_end(&m, true);
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, "Los códigos vencieron sin escanearse. Pulse v para pedir otro."));
    assert_null(strstr(out, "El código cambia"));
    free(out);
    assert_int_equal(wa_model_set_qr(&m, "", 1, &e), RC_INVAL);
    assert_null(m.qr);
    wa_model_fini(&m);
}

static void
test_loading_error_and_tiny(void **st)
{
    struct wa_model m;
    char *out;

    (void)st;
    wa_model_init(&m);
    out = render(&m, 80, 24);
    assert_string_equal(out, " WhatsApp\n Consultando la cuenta…\n");
    free(out);
    model_connected(&m);
    snprintf(m.error, sizeof m.error, "No se pudo leer la cuenta: sin conexión");
    out = render(&m, 30, 3);
    assert_string_equal(out,
                        " WhatsApp\n No se pudo leer la cuenta: s…\n Cuenta      ● conectada\n");
    free(out);
}

static void
model_cloud(struct wa_model *m)
{
    wa_model_init(m);
    m->loaded = true;
    m->cloud = true;
    m->envio_servidor = true;
    m->estado = wa_estado_parse("CONECTADA");
    snprintf(m->jid, sizeof m->jid, "5215512345678@s.whatsapp.net");
    snprintf(m->calidad, sizeof m->calidad, "GREEN");
    m->limite_diario = 250;
    m->tope_hoy = 250;
    m->en_uso_desde = 20261120;
}

/* A Cloud API account at 80×24: through Meta, Meta's number as people read it, its rating as
 * glyph and word, its limit with no ramp, the server sending; nothing of a link or of this
 * session's sender, even with a QR left in the model. */
static void
test_cloud_connected_80x24(void **st)
{
    struct wa_model m;
    struct err e;
    char *out, *dump;

    (void)st;
    model_cloud(&m);
    m.envio = WA_ENVIO_DETENIDO;
    assert_int_equal(wa_model_set_qr(&m, ref1, 60000, &e), RC_OK);
    out = render(&m, 80, 24);
    assert_string_equal(out, " WhatsApp\n"
                             " Cuenta      ● conectada\n"
                             " Envía por   la API oficial de WhatsApp (Meta)\n"
                             " Número      +52 55 1234 5678\n"
                             " Calidad     ● verde (alta)\n"
                             " Límite      250 al día · sin calentamiento\n"
                             " Envío       en el servidor central (embudo worker)\n"
                             "\n"
                             " Sus campañas salen desde el servidor con plantillas aprobadas por "
                             "Meta: no hay\n"
                             " nada que vincular ni que iniciar en esta sesión.\n");
    dump = wa_vm_dump(&vm);
    assert_non_null(strstr(dump, "4.13 db_ok|● verde (alta)"));
    free(dump);
    free(out);
    wa_model_fini(&m);
}

/* Meta's rating in words whatever the terminal, the warning a red one deserves; the number
 * in its forms; the states a Cloud account can be in, each with what it means there. */
static void
test_cloud_rating_number_and_states(void **st)
{
    static const struct {
        const char *calidad, *want;
    } calidades[] = {
        { "YELLOW", " Calidad     ◐ amarilla (media)\n" },
        { "RED", " Calidad     ○ roja (baja)\n" },
        { "", " Calidad     — aún no la informa Meta\n" },
        { "UNKNOWN", " Calidad     — Meta aún no la califica\n" },
    };
    static const struct {
        const char *jid, *want;
    } numeros[] = {
        { "525512345678@s.whatsapp.net", " Número      +52 55 1234 5678\n" },
        { "5213398765432@s.whatsapp.net", " Número      +52 33 9876 5432\n" },
        { "14155550100@s.whatsapp.net", " Número      +14155550100\n" },
        { "", " Número      — lo informa Meta cuando el servidor se conecta\n" },
    };
    struct wa_model m;
    char *out;

    (void)st;
    for (size_t i = 0; i < sizeof calidades / sizeof calidades[0]; i++) {
        model_cloud(&m);
        snprintf(m.calidad, sizeof m.calidad, "%s", calidades[i].calidad);
        out = render(&m, 80, 24);
        assert_non_null(strstr(out, calidades[i].want));
        assert_true((strstr(out, "Con calidad roja Meta puede limitar el número") != NULL) ==
                    (strcmp(calidades[i].calidad, "RED") == 0));
        free(out);
    }
    model_cloud(&m);
    m.ascii = true;
    snprintf(m.calidad, sizeof m.calidad, "RED");
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, " Calidad     o roja (baja)\n"));
    free(out);
    for (size_t i = 0; i < sizeof numeros / sizeof numeros[0]; i++) {
        model_cloud(&m);
        snprintf(m.jid, sizeof m.jid, "%s", numeros[i].jid);
        out = render(&m, 80, 24);
        assert_non_null(strstr(out, numeros[i].want));
        free(out);
    }
    model_cloud(&m);
    m.estado = wa_estado_parse("DESCONECTADA");
    snprintf(m.detalle, sizeof m.detalle, "Meta rechazó el token de acceso");
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, " Cuenta      ◐ desconectada\n"));
    assert_non_null(strstr(out, " Detalle     Meta rechazó el token de acceso\n"));
    assert_non_null(strstr(out, "El servidor aún no se conecta con Meta"));
    assert_null(strstr(out, "Se reconecta solo"));
    free(out);
    m.estado = wa_estado_parse("BLOQUEADA");
    out = render(&m, 160, 50);
    assert_non_null(strstr(out, "Meta restringió este número: su administrador debe revisarlo"));
    assert_null(strstr(out, "revise el teléfono"));
    free(out);
}

/* The keys that link or start this session's sender: offered until the account is read and
 * for WhatsApp Web; not for a Cloud account, where pressing them says why. The help's note
 * follows the kind of account. */
static void
test_cloud_has_no_linking_keys(void **st)
{
    static const enum action keys[] = { ACTION_WA_LINK, ACTION_WA_LINK_PHONE, ACTION_WA_SCAN,
                                        ACTION_WA_SEND };
    struct wa_model m;

    (void)st;
    model_cloud(&m);
    m.loaded = false; /* not read yet: nothing is known to be missing */
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        assert_true(wa_model_has(&m, keys[i]));
        assert_null(wa_model_refusal(&m, keys[i]));
    }
    assert_non_null(strstr(wa_model_help_note(&m), "WhatsApp Web: su teléfono se vincula aquí"));
    m.loaded = true;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        assert_false(wa_model_has(&m, keys[i]));
        assert_non_null(strstr(wa_model_refusal(&m, keys[i]), "API oficial de WhatsApp"));
    }
    assert_non_null(strstr(wa_model_refusal(&m, ACTION_WA_LINK), "no se vincula con QR"));
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) /* one row of the bar at 80 */
        assert_true(vm_text_width(wa_model_refusal(&m, keys[i])) <= 78);
    assert_non_null(strstr(wa_model_refusal(&m, ACTION_WA_SEND), "el servidor central envía"));
    assert_true(wa_model_has(&m, ACTION_REFRESH));
    assert_null(wa_model_refusal(&m, ACTION_REFRESH));
    assert_non_null(strstr(wa_model_help_note(&m), "Su cuenta envía por la API oficial"));
    m.cloud = false;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        assert_true(wa_model_has(&m, keys[i]));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connected_80x24),
        cmocka_unit_test(test_states_have_glyph_and_word),
        cmocka_unit_test(test_other_session_and_unlinked_hint),
        cmocka_unit_test(test_qr_at_160x50_with_countdown_and_rotation),
        cmocka_unit_test(test_qr_does_not_fit_80x24_nor_ascii),
        cmocka_unit_test(test_expired_offers_retry),
        cmocka_unit_test(test_phone_code_at_80x24),
        cmocka_unit_test(test_loading_error_and_tiny),
        cmocka_unit_test(test_cloud_connected_80x24),
        cmocka_unit_test(test_cloud_rating_number_and_states),
        cmocka_unit_test(test_cloud_has_no_linking_keys),
    };

    return cmocka_run_group_tests_name("wa_vm", tests, setup_utf8, NULL);
}
