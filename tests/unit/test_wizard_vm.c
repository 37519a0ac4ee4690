/*
 * test_wizard_vm — the 4-step campaign wizard as a state machine and a view: audience with
 * filters (typing asks for a re-count; an Enter pressed while counting is taken once the
 * counts are those of the filters as typed), a template with a live preview and an unknown variable
 * refused at its position, an Enter pressed while step 2 loads taken once it has loaded (and
 * dropped by Esc, typing or a failed load), variations (AI kept/refused, fallback message, the
 * final text with the kept variations as one spintax group), review with the allowance's
 * reason, plan and skipped list, refusals that keep every field, Esc back from review
 * cancelling the draft, 80×24 and 160×50; templates mapped to Meta (the mapping shown, carried
 * only by a text that is exactly the template's) and an account of Meta's official API (only
 * such a text, with what to do otherwise; no AI variations).
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

#include "core/pacing.h"
#include "ui/vm/wizard_vm.h"
#include "util/xmalloc.h"

static struct wizard_vm vm;

static int
setup_utf8(void **st)
{
    (void)st;
    return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

static enum wizard_efecto
press(struct wizard_model *m, enum key_kind kind, uint32_t ch)
{
    struct key k = { kind, ch };

    return wizard_model_key(m, ACTION_NONE, &k);
}

static void
type(struct wizard_model *m, const char *s)
{
    /* ASCII and two-byte UTF-8 are enough for these tests */
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        uint32_t c = *p;

        if (c >= 0xC0) {
            c = ((c & 0x1Fu) << 6) | (p[1] & 0x3Fu);
            p++;
        }
        press(m, KK_CHAR, c);
    }
}

static char *
render(struct wizard_model *m, int w, int h)
{
    wizard_vm_build(&vm, m, w, h);
    assert_int_equal(vm.nlines, h);
    return vm_lines_render(vm.lines, vm.nlines);
}

static void
at_step1(struct wizard_model *m)
{
    static const struct wizard_etapa et[] = { { "INICIAL", 12, 11 }, { "NORMAL", 3, 0 } };

    wizard_model_init(m, true);
    assert_int_equal(wizard_model_set_etapas(m, et, 2, true), WIZARD_NADA);
}

/* The stage's two saved templates, as the controller hands them over (taken). */
static struct wizard_plantilla *
saved_templates(void)
{
    struct wizard_plantilla *p = xcalloc(2, sizeof *p);

    p[0].id = 1;
    snprintf(p[0].nombre, sizeof p[0].nombre, "Saludo");
    p[0].texto = xstrdup("Hola {nombre}, con {convenio} le prestamos hasta $50,000.");
    p[1].id = 2;
    snprintf(p[1].nombre, sizeof p[1].nombre, "Seguimiento");
    p[1].texto = xstrdup("{nombre}, ¿pudo revisar la propuesta?");
    return p;
}

static void
at_step2(struct wizard_model *m)
{
    struct plantilla_valores v = { { "Ana", "Ruiz", "Ana Ruiz", "SEP", "Juan", "INICIAL",
                                     "León", "Guanajuato" } };

    at_step1(m);
    assert_int_equal(press(m, KK_ENTER, 0), WIZARD_PLANTILLAS);
    wizard_model_set_plantillas(m, saved_templates(), 2);
    wizard_model_set_muestra(m, &v, 1);
}

static void
test_step1_audience_80x24(void **st)
{
    static const struct wizard_etapa et[] = { { "INICIAL", 4, 3 }, { "NORMAL", 1, 0 } };
    struct wizard_model m;
    char *out;

    (void)st;
    at_step1(&m);
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, " Nueva campaña  1 Audiencia › 2 Plantilla › 3 Variaciones y "
                                "ritmo › 4 Revisión\n"));
    assert_non_null(strstr(out, " > INICIAL                           12              11\n"));
    assert_non_null(strstr(out, " Convenio []  Entidad []  Máximo []\n"));
    assert_non_null(strstr(out, "Audiencia: 11 oportunidades con teléfono en INICIAL\n"));
    assert_non_null(strstr(out, " Enter siguiente · Esc salir\n"));
    assert_null(strstr(out, "no está vinculado"));
    free(out);
    /* An account never linked is said on step 1, not after three steps. */
    m.sin_whatsapp = true;
    out = render(&m, 80, 24);
    assert_non_null(
        strstr(out, " Su WhatsApp no está vinculado: vincúlelo en el panel WhatsApp primero.\n"));
    free(out);
    m.sin_whatsapp = false;
    /* filters: typing asks for a re-count, digits only in máximo */
    assert_int_equal(press(&m, KK_TAB, 0), WIZARD_REDIBUJAR);
    type(&m, "IMSS");
    assert_string_equal(m.convenio, "IMSS");
    assert_int_equal(press(&m, KK_BACKSPACE, 0), WIZARD_CONTAR);
    press(&m, KK_TAB, 0);
    type(&m, "Michoacán");
    assert_string_equal(m.entidad, "Michoacán");
    press(&m, KK_BACKSPACE, 0);
    assert_string_equal(m.entidad, "Michoacá");
    press(&m, KK_BACKSPACE, 0); /* a whole two-byte character */
    assert_string_equal(m.entidad, "Michoac");
    press(&m, KK_TAB, 0);
    assert_int_equal(press(&m, KK_CHAR, 'x'), WIZARD_NADA);
    assert_int_equal(press(&m, KK_CHAR, '5'), WIZARD_CONTAR);
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, " Convenio [IMS]  Entidad [Michoac]  Máximo [5_]\n"));
    free(out);
    /* a stage without phones cannot go on (once the counts for these filters are in) */
    assert_int_equal(wizard_model_set_etapas(&m, et, 2, true), WIZARD_NADA);
    press(&m, KK_TAB, 0);
    press(&m, KK_DOWN, 0);
    assert_int_equal(press(&m, KK_ENTER, 0), WIZARD_REDIBUJAR);
    assert_int_equal(m.paso, WIZARD_AUDIENCIA);
    assert_non_null(strstr(m.error, "No hay oportunidades con teléfono"));
    assert_int_equal(press(&m, KK_ESC, 0), WIZARD_SALIR);
    wizard_model_fini(&m);
}

static void
test_step2_preview_and_unknown_variable(void **st)
{
    struct wizard_model m;
    char *out;

    (void)st;
    at_step2(&m);
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, "Plantillas de INICIAL: >Saludo  Seguimiento  (nueva)"));
    assert_non_null(strstr(out, "Válida · 1 variante de spintax"));
    assert_non_null(strstr(out, "  Hola Ana, con SEP le prestamos hasta $50,000.\n"));
    free(out);
    /* ↓ picks the next saved template */
    press(&m, KK_DOWN, 0);
    assert_string_equal(wizard_model_texto(&m), "{nombre}, ¿pudo revisar la propuesta?");
    /* typing an unknown variable: refused with its position, Enter stays */
    type(&m, " {nombr}");
    out = render(&m, 160, 50);
    assert_non_null(strstr(out, "línea 1, columna 39: variable desconocida {nombr}"));
    assert_non_null(strstr(out, "nombr"));
    assert_null(strstr(out, "Vista previa"));
    free(out);
    assert_int_equal(press(&m, KK_ENTER, 0), WIZARD_REDIBUJAR);
    assert_int_equal(m.paso, WIZARD_PLANTILLA);
    assert_string_equal(m.error, "Corrija la plantilla antes de seguir.");
    /* fix it with spintax: the preview follows */
    for (int i = 0; i < 8; i++)
        press(&m, KK_BACKSPACE, 0);
    type(&m, " {Saludos|Buen día}");
    assert_string_equal(m.plantilla_error, "");
    assert_int_equal(m.caminos, 2);
    assert_int_equal(press(&m, KK_ENTER, 0), WIZARD_PEDIR_IA);
    assert_int_equal(m.paso, WIZARD_VARIACIONES);
    wizard_model_fini(&m);
}

/* Clicks: step 1's stage row chooses the stage, a filter field takes the focus; step 2's
 * template is picked as ↓ would pick it. Only a stage and a template say a double click goes
 * on. */
static void
test_clicks_choose_stage_field_and_template(void **st)
{
    struct wizard_model m;
    char *out;
    int y = -1, fy = -1;

    (void)st;
    at_step1(&m);
    out = render(&m, 80, 24);
    free(out);
    for (int i = 0; i < vm.nlines; i++) {
        if (vm.lines[i].item == 2)
            y = i;
        for (int j = 0; j < vm.lines[i].nspans; j++)
            if (strcmp(vm.lines[i].spans[j].text, "Entidad") == 0)
                fy = i;
    }
    assert_true(y > 0 && fy > y);
    assert_true(wizard_vm_click(&vm, &m, y, 5));
    assert_int_equal(m.cur_etapa, 1);
    assert_false(wizard_vm_click(&vm, &m, fy, 16)); /* «Entidad []» starts at column 15 */
    assert_int_equal(m.campo, WIZARD_CAMPO_ENTIDAD);
    type(&m, "Jal");
    assert_string_equal(m.entidad, "Jal");
    assert_false(wizard_vm_click(&vm, &m, fy, 13)); /* between two fields */
    assert_int_equal(m.campo, WIZARD_CAMPO_ENTIDAD);
    assert_true(wizard_vm_click(&vm, &m, y - 1, 40)); /* the first stage: the list again */
    assert_int_equal(m.campo, WIZARD_CAMPO_ETAPA);
    assert_int_equal(m.cur_etapa, 0);
    wizard_model_fini(&m);

    at_step2(&m);
    out = render(&m, 80, 24); /* "Plantillas de INICIAL: >Saludo  Seguimiento  (nueva)" */
    free(out);
    assert_true(wizard_vm_click(&vm, &m, 2, 33)); /* Seguimiento */
    assert_string_equal(wizard_model_texto(&m), "{nombre}, ¿pudo revisar la propuesta?");
    assert_true(wizard_vm_click(&vm, &m, 2, 25));
    assert_string_equal(wizard_model_texto(&m),
                        "Hola {nombre}, con {convenio} le prestamos hasta $50,000.");
    assert_false(wizard_vm_click(&vm, &m, 2, 5));  /* the label */
    assert_false(wizard_vm_click(&vm, &m, 3, 25)); /* another row */
    wizard_model_fini(&m);
}

/*
 * Step 1: an Enter pressed before the counts are those of the filters as typed (the first
 * count, or a re-count after typing) is remembered and taken when they arrive; a count made
 * stale by later typing does not take it.
 */
static void
test_step1_enter_while_counting_is_taken_when_counted(void **st)
{
    static const struct wizard_etapa et[] = { { "INICIAL", 12, 11 }, { "NORMAL", 3, 0 } };
    static const struct wizard_etapa sin[] = { { "INICIAL", 2, 0 }, { "NORMAL", 1, 0 } };
    struct wizard_model m;
    char *out;

    (void)st;
    /* the pane just opened: nothing counted yet, which is not "no opportunities" */
    wizard_model_init(&m, true);
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, "Contando…"));
    assert_null(strstr(out, "Sin oportunidades abiertas."));
    free(out);
    assert_int_equal(press(&m, KK_ENTER, 0), WIZARD_REDIBUJAR);
    assert_int_equal(m.paso, WIZARD_AUDIENCIA);
    assert_string_equal(m.error, "");
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, " Contando… Enter recibido: avanza al terminar el conteo.\n"));
    free(out);
    assert_int_equal(wizard_model_set_etapas(&m, et, 2, true), WIZARD_PLANTILLAS);
    assert_int_equal(m.paso, WIZARD_PLANTILLA);
    wizard_model_fini(&m);

    /* a filter typed, Enter, then a count that was already running when it was typed: the
     * Enter waits for the re-count, which finds no phone in INICIAL and says so */
    at_step1(&m);
    press(&m, KK_TAB, 0);
    assert_int_equal(press(&m, KK_CHAR, 'X'), WIZARD_CONTAR);
    assert_int_equal(press(&m, KK_ENTER, 0), WIZARD_REDIBUJAR);
    assert_int_equal(wizard_model_set_etapas(&m, et, 2, false), WIZARD_NADA);
    assert_int_equal(m.paso, WIZARD_AUDIENCIA);
    assert_int_equal(wizard_model_set_etapas(&m, sin, 2, true), WIZARD_REDIBUJAR);
    assert_int_equal(m.paso, WIZARD_AUDIENCIA);
    assert_string_equal(m.error, "No hay oportunidades con teléfono en esta etapa y filtros.");
    wizard_model_fini(&m);

    /* typing after Enter: still writing the filters, the count does not go on by itself */
    at_step1(&m);
    press(&m, KK_TAB, 0);
    press(&m, KK_CHAR, 'S');
    press(&m, KK_ENTER, 0);
    press(&m, KK_CHAR, 'E');
    assert_int_equal(wizard_model_set_etapas(&m, et, 2, true), WIZARD_NADA);
    assert_int_equal(m.paso, WIZARD_AUDIENCIA);
    assert_int_equal(press(&m, KK_ENTER, 0), WIZARD_PLANTILLAS);
    wizard_model_fini(&m);

    /* Esc is never swallowed and drops the remembered Enter */
    wizard_model_init(&m, true);
    press(&m, KK_ENTER, 0);
    assert_int_equal(press(&m, KK_ESC, 0), WIZARD_SALIR);
    assert_false(m.enter_pendiente);
    wizard_model_fini(&m);
}

static void
test_step2_enter_while_loading_is_taken_when_loaded(void **st)
{
    struct wizard_model m;
    char *out;

    (void)st;
    at_step1(&m);
    assert_int_equal(press(&m, KK_ENTER, 0), WIZARD_PLANTILLAS);
    assert_true(m.ocupado);
    /* Enter before the templates arrive: remembered, and the status line says so */
    assert_int_equal(press(&m, KK_ENTER, 0), WIZARD_REDIBUJAR);
    assert_int_equal(m.paso, WIZARD_PLANTILLA);
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, " Un momento… Enter recibido: avanza al cargar las plantillas.\n"));
    free(out);
    /* the load ends: the step goes on with the first saved template, as Enter would */
    assert_int_equal(wizard_model_set_plantillas(&m, saved_templates(), 2), WIZARD_PEDIR_IA);
    assert_int_equal(m.paso, WIZARD_VARIACIONES);
    assert_int_equal(m.ia, WIZARD_IA_PIDIENDO);
    assert_string_equal(wizard_model_texto(&m),
                        "Hola {nombre}, con {convenio} le prestamos hasta $50,000.");
    wizard_model_fini(&m);

    /* Esc while loading is never swallowed, and it drops the remembered Enter */
    at_step1(&m);
    press(&m, KK_ENTER, 0);
    press(&m, KK_ENTER, 0);
    assert_int_equal(press(&m, KK_ESC, 0), WIZARD_REDIBUJAR);
    assert_int_equal(m.paso, WIZARD_AUDIENCIA);
    assert_int_equal(wizard_model_set_plantillas(&m, saved_templates(), 2), WIZARD_NADA);
    assert_int_equal(m.paso, WIZARD_AUDIENCIA);
    wizard_model_fini(&m);

    /* typing after Enter: the promoter is still writing, so the step waits for another Enter */
    at_step1(&m);
    press(&m, KK_ENTER, 0);
    press(&m, KK_ENTER, 0);
    type(&m, "Hola {nombre}");
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, " Un momento…\n"));
    free(out);
    assert_int_equal(wizard_model_set_plantillas(&m, saved_templates(), 2), WIZARD_NADA);
    assert_int_equal(m.paso, WIZARD_PLANTILLA);
    assert_string_equal(wizard_model_texto(&m), "Hola {nombre}");
    assert_int_equal(press(&m, KK_ENTER, 0), WIZARD_PEDIR_IA);
    wizard_model_fini(&m);

    /* the load fails: its message shows and the remembered Enter is dropped */
    at_step1(&m);
    press(&m, KK_ENTER, 0);
    press(&m, KK_ENTER, 0);
    wizard_model_set_error(&m, "sin conexión con la base de datos");
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, " sin conexión con la base de datos\n"));
    assert_null(strstr(out, "Enter recibido"));
    free(out);
    assert_int_equal(m.paso, WIZARD_PLANTILLA);
    wizard_model_fini(&m);
}

static void
test_step3_ai_kept_refused_and_final_text(void **st)
{
    struct wizard_model m;
    struct pacing_config pc;
    char **cand = xcalloc(3, sizeof *cand);
    char *out, *fin;

    (void)st;
    at_step2(&m);
    assert_int_equal(press(&m, KK_ENTER, 0), WIZARD_PEDIR_IA);
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, "Variaciones con IA: pidiendo…"));
    free(out);
    /* Enter while asking: not taken (the variations need approval first), but said */
    assert_int_equal(press(&m, KK_ENTER, 0), WIZARD_REDIBUJAR);
    assert_int_equal(m.paso, WIZARD_VARIACIONES);
    out = render(&m, 80, 24);
    assert_non_null(
        strstr(out, " La IA aún responde: revise sus variaciones al llegar, o s sigue sin ellas.\n"));
    assert_non_null(strstr(out, " s seguir sin IA · Esc atrás\n"));
    free(out);
    assert_int_equal(press(&m, KK_ENTER, 0), WIZARD_NADA);
    /* back to the template and on again while the answer is on its way: no second request */
    assert_int_equal(press(&m, KK_ESC, 0), WIZARD_REDIBUJAR);
    assert_int_equal(press(&m, KK_ENTER, 0), WIZARD_REDIBUJAR);
    assert_int_equal(m.ia, WIZARD_IA_PIDIENDO);
    cand[0] = xstrdup("{nombre}: por su convenio {convenio} puede recibir hasta $50,000.");
    cand[1] = xstrdup("Hola, con {convenio} le prestamos hasta $50,000.");
    cand[2] = xstrdup("Hola {nombre}, con {convenio} le prestamos hasta $60,000.");
    wizard_model_set_ia(&m, cand, 3);
    pacing_config_preset(&pc, PACING_PRESET_NORMAL);
    wizard_ritmo_fmt(&pc, m.ritmo, sizeof m.ritmo);
    snprintf(m.eta, sizeof m.eta, "11 hoy; termina hoy hacia las 11:20");
    out = render(&m, 160, 50);
    assert_non_null(strstr(out, "Variaciones con IA: 1 de 3 aceptadas · usar: sí (v cambia)"));
    assert_non_null(strstr(out, "✓ 1 {nombre}: por su convenio"));
    assert_non_null(strstr(out, "✗ 2 falta la variable {nombre}"));
    assert_non_null(strstr(out, "✗ 3 falta el dato «$50,000»"));
    assert_non_null(
        strstr(out, "Ritmo: 25–55 s entre mensajes; descanso de 4–10 min cada 8–15 mensajes\n"));
    assert_non_null(strstr(out, "Tiempo estimado: 11 hoy; termina hoy hacia las 11:20"));
    assert_non_null(strstr(out, "1 ▸ Hola Ana, con SEP"));
    free(out);
    fin = wizard_model_texto_final(&m);
    assert_string_equal(fin, "{Hola {nombre}, con {convenio} le prestamos hasta $50,000.|"
                             "{nombre}: por su convenio {convenio} puede recibir hasta $50,000.}");
    free(fin);
    press(&m, KK_CHAR, 'v');
    fin = wizard_model_texto_final(&m);
    assert_string_equal(fin, "Hola {nombre}, con {convenio} le prestamos hasta $50,000.");
    free(fin);
    wizard_model_fini(&m);
}

static void
test_final_text_when_every_option_opens_a_brace(void **st)
{
    struct wizard_model m;
    char **cand = xcalloc(1, sizeof *cand);
    char *fin;

    (void)st;
    wizard_model_init(&m, true);
    snprintf(m.texto, sizeof m.texto, "{Hola|Buen día} {nombre}, le escribe {promotor}.");
    cand[0] = xstrdup("{nombre}, soy {promotor} y le escribo por su crédito.");
    wizard_model_set_ia(&m, cand, 1);
    assert_int_equal(m.aceptadas, 1);
    fin = wizard_model_texto_final(&m);
    assert_string_equal(fin, "{ {Hola|Buen día} {nombre}, le escribe {promotor}.|"
                             "{nombre}, soy {promotor} y le escribo por su crédito.}");
    free(fin);
    wizard_model_fini(&m);
}

static void
test_ai_fallback_message(void **st)
{
    struct wizard_model m;
    char *out;

    (void)st;
    at_step2(&m);
    press(&m, KK_ENTER, 0);
    wizard_model_set_ia_fallo(&m, "el servicio de IA no respondió en 20 s; se usa solo el spintax.");
    out = render(&m, 80, 24);
    /* too long for 80 columns: it goes on in the next row, cut between words */
    assert_non_null(strstr(out,
                           "Variaciones con IA: el servicio de IA no respondió en 20 s; se usa "
                           "solo el\n spintax.\n"));
    free(out);
    wizard_model_fini(&m);

    /* s while the AI answers: spintax only, Enter creates, and a late answer is not taken
     * (wizard_panel drops it: the model no longer says PIDIENDO) */
    at_step2(&m);
    press(&m, KK_ENTER, 0);
    press(&m, KK_ENTER, 0);
    assert_int_equal(press(&m, KK_CHAR, 's'), WIZARD_REDIBUJAR);
    assert_int_equal(m.ia, WIZARD_IA_FALLO);
    assert_false(m.enter_pendiente);
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, "Variaciones con IA: usted siguió sin esperar a la IA: se usa solo"));
    assert_non_null(strstr(out, " Enter crear y revisar · Esc atrás\n"));
    assert_null(strstr(out, "La IA aún responde"));
    free(out);
    assert_int_equal(press(&m, KK_ENTER, 0), WIZARD_CREAR);
    wizard_model_fini(&m);

    /* unset: no request at all */
    wizard_model_init(&m, false);
    snprintf(m.texto, sizeof m.texto, "Hola");
    m.paso = WIZARD_PLANTILLA;
    assert_int_equal(press(&m, KK_ENTER, 0), WIZARD_REDIBUJAR);
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, "Variaciones con IA: sin configurar; se usa solo el spintax."));
    free(out);
    wizard_model_fini(&m);
}

static void
test_step4_review_refusal_and_back(void **st)
{
    struct wizard_model m;
    struct wizard_revision r;
    char *out;

    (void)st;
    at_step2(&m);
    press(&m, KK_ENTER, 0);
    wizard_model_set_ia_fallo(&m, "sin respuesta");
    assert_int_equal(press(&m, KK_ENTER, 0), WIZARD_CREAR);
    assert_int_equal(press(&m, KK_ENTER, 0), WIZARD_NADA); /* a second Enter while creating */
    /* the database refuses: nothing is lost */
    wizard_model_set_error(&m, "ya hay una campaña en curso para esta etapa");
    assert_int_equal(m.paso, WIZARD_VARIACIONES);
    assert_string_equal(wizard_model_texto(&m),
                        "Hola {nombre}, con {convenio} le prestamos hasta $50,000.");
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, " ya hay una campaña en curso para esta etapa\n"));
    free(out);
    /* created */
    memset(&r, 0, sizeof r);
    r.id = 12;
    r.destinatarios = 190;
    r.omitidos = 1;
    r.hoy = 10;
    r.tope_hoy = 180;
    snprintf(r.porque, sizeof r.porque, "hoy puede enviar 10: límite 180, ya enviados 170");
    r.plan = xcalloc(2, sizeof *r.plan);
    r.nplan = 2;
    r.plan[0] = (struct wizard_plan_dia){ "hoy", 10, "10:05" };
    r.plan[1] = (struct wizard_plan_dia){ "lun 30/11", 180, "09:00" };
    r.omitidos_v = xcalloc(1, sizeof *r.omitidos_v);
    r.nomitidos = 1;
    r.omitidos_v[0] = (struct wizard_omitido){ "Pedro Núñez", "5213312345678",
                                               "dio de baja por WhatsApp" };
    assert_int_equal(press(&m, KK_ENTER, 0), WIZARD_CREAR);
    wizard_model_set_revision(&m, &r);
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, " Campaña 12 lista: aún no se envía nada.\n"));
    assert_non_null(strstr(out, " Destinatarios 190 · omitidos 1 · hoy 10 (tope de hoy 180)\n"));
    assert_non_null(strstr(out, " Qué decide el cupo: hoy puede enviar 10: límite 180, ya "
                                "enviados 170\n"));
    assert_non_null(strstr(out, " Plan por día: hoy 10 desde 10:05 · lun 30/11 180 desde 09:00\n"));
    assert_non_null(strstr(out, "   5213312345678  Pedro Núñez · dio de baja por WhatsApp\n"));
    assert_non_null(strstr(out, " Enter lanzar · Esc atrás (cancela el borrador y libera el "));
    free(out);
    /* Esc: back to step 3, the draft is to be cancelled */
    assert_int_equal(press(&m, KK_ESC, 0), WIZARD_CANCELAR);
    assert_int_equal(m.cancelar_id, 12);
    assert_int_equal(m.paso, WIZARD_VARIACIONES);
    assert_int_equal(m.rev.id, 0);
    wizard_model_fini(&m);
}

static void
test_launch(void **st)
{
    struct wizard_model m;
    struct wizard_revision r;
    char *out;

    (void)st;
    at_step2(&m);
    press(&m, KK_ENTER, 0);
    wizard_model_set_ia_fallo(&m, "x");
    press(&m, KK_ENTER, 0);
    memset(&r, 0, sizeof r);
    r.id = 3;
    wizard_model_set_revision(&m, &r);
    assert_int_equal(press(&m, KK_ENTER, 0), WIZARD_LANZAR);
    wizard_model_set_lanzada(&m);
    out = render(&m, 160, 50);
    assert_non_null(strstr(out, "Campaña lanzada: siga su avance en el panel Progreso."));
    free(out);
    assert_int_equal(press(&m, KK_ENTER, 0), WIZARD_CONTAR);
    assert_int_equal(m.paso, WIZARD_AUDIENCIA);
    wizard_model_fini(&m);
}

/* The stage's templates, one mapped to Meta's "primer_contacto" and one (with a blank in its
 * name) not. */
static struct wizard_plantilla *
mapped_templates(void)
{
    struct wizard_plantilla *p = saved_templates();

    snprintf(p[0].meta_nombre, sizeof p[0].meta_nombre, "primer_contacto");
    snprintf(p[0].meta_idioma, sizeof p[0].meta_idioma, "es_MX");
    snprintf(p[1].nombre, sizeof p[1].nombre, "Segundo aviso");
    return p;
}

/* An account of Meta's official API: said on step 1; step 2 shows each template's twin, takes
 * only a mapped one as it is and says otherwise what to do (the admin's command with this
 * stage and template), the error wrapped above the hint; step 3 has no AI and names the
 * template; the review too. */
static void
test_cloud_takes_only_a_mapped_template_as_it_is(void **st)
{
    struct wizard_plantilla *p;
    struct wizard_revision r;
    struct wizard_model m;
    char *out, *fin;
    int nl;

    (void)st;
    at_step1(&m);
    assert_null(wizard_model_help_note(&m));
    m.cloud = true;
    assert_non_null(
        strstr(wizard_model_help_note(&m), "solo sirven las plantillas ligadas a Meta"));
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, " Su cuenta envía por la API oficial de WhatsApp (Meta): solo con "
                                "plantillas\n aprobadas por Meta, tal cual.\n"));
    free(out);
    assert_int_equal(press(&m, KK_ENTER, 0), WIZARD_PLANTILLAS);
    wizard_model_set_plantillas(&m, mapped_templates(), 2);
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, " Plantillas de INICIAL: >Saludo [Meta]  Segundo aviso  (nueva)\n"
                                " Meta: primer_contacto (es_MX)\n"));
    free(out);
    p = &m.plantillas[0];
    assert_ptr_equal(wizard_model_meta(&m), p);

    /* an unmapped template: refused with the admin's command, this stage and its name */
    press(&m, KK_DOWN, 0);
    assert_null(wizard_model_meta(&m));
    assert_int_equal(press(&m, KK_ENTER, 0), WIZARD_REDIBUJAR);
    assert_int_equal(m.paso, WIZARD_PLANTILLA);
    assert_string_equal(m.error, "La API oficial de WhatsApp solo envía plantillas aprobadas en "
                                 "Meta y esta no está ligada a una: su administrador la liga con "
                                 "«embudo wa cloud plantilla INICIAL \"Segundo aviso\" --meta "
                                 "…».");
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, " Sin plantilla aprobada en Meta: la API oficial no la envía.\n"));
    assert_non_null(strstr(out, " La API oficial de WhatsApp solo envía plantillas aprobadas en "
                                "Meta y esta no\n está ligada a una:"));
    nl = 0;
    for (const char *q = strstr(out, " La API oficial de WhatsApp solo envía"); *q != '\0'; q++)
        nl += *q == '\n';
    assert_int_equal(nl, 4); /* the error's three rows, then the hint, last */
    assert_non_null(strstr(out, "--meta …».\n Enter siguiente · Esc atrás\n"));
    free(out);

    /* a new text: refused too */
    press(&m, KK_DOWN, 0);
    type(&m, "Hola {nombre}");
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, " Texto nuevo: la API oficial solo envía plantillas aprobadas en "
                                "Meta.\n"));
    free(out);
    assert_int_equal(press(&m, KK_ENTER, 0), WIZARD_REDIBUJAR);
    assert_non_null(strstr(m.error, "elija una ligada (↑↓); su administrador liga otras con "
                                    "«embudo wa cloud plantilla ETAPA NOMBRE --meta …»."));

    /* the mapped one, edited: refused until it is exactly its text again */
    press(&m, KK_DOWN, 0);
    assert_ptr_equal(wizard_model_meta(&m), p);
    type(&m, " Ya");
    assert_null(wizard_model_meta(&m));
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, " Meta: primer_contacto (es_MX) · el texto cambió: ya no es la "
                                "plantilla aprobada\n"));
    free(out);
    assert_int_equal(press(&m, KK_ENTER, 0), WIZARD_REDIBUJAR);
    assert_string_equal(m.error, "El texto ya no es el de la plantilla aprobada en Meta "
                                 "«primer_contacto»: la API oficial de WhatsApp solo la envía tal "
                                 "cual (↑↓ la vuelve a elegir).");
    for (int i = 0; i < 3; i++)
        press(&m, KK_BACKSPACE, 0);
    assert_ptr_equal(wizard_model_meta(&m), p);

    /* on: no AI asked (Meta sends exactly the approved text), the template named */
    assert_int_equal(press(&m, KK_ENTER, 0), WIZARD_REDIBUJAR);
    assert_int_equal(m.paso, WIZARD_VARIACIONES);
    assert_int_equal(m.ia, WIZARD_IA_NO_PEDIDA);
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, " Plantilla de Meta: primer_contacto (es_MX), con sus variables "
                                "como parámetros\n"
                                " Variaciones con IA: no aplican; Meta envía el texto aprobado tal "
                                "cual.\n"));
    assert_null(strstr(out, "pidiendo"));
    free(out);
    assert_int_equal(press(&m, KK_ENTER, 0), WIZARD_CREAR);
    fin = wizard_model_texto_final(&m);
    assert_string_equal(fin, p->texto);
    free(fin);
    memset(&r, 0, sizeof r);
    r.id = 7;
    snprintf(r.meta, sizeof r.meta, "primer_contacto (es_MX)");
    wizard_model_set_revision(&m, &r);
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, " Plantilla de Meta: primer_contacto (es_MX)\n"));
    free(out);
    wizard_model_fini(&m);
}

/* WhatsApp Web: the mapping is shown and carried while the text is exactly the template's
 * (kept AI variations make it another text); an unmapped template or a new text goes on as
 * before, with no line about Meta. */
static void
test_web_carries_the_mapping_only_for_the_exact_text(void **st)
{
    struct wizard_model m;
    char **cand = xcalloc(1, sizeof *cand);
    char *out;

    (void)st;
    at_step1(&m);
    press(&m, KK_ENTER, 0);
    wizard_model_set_plantillas(&m, mapped_templates(), 2);
    assert_ptr_equal(wizard_model_meta(&m), &m.plantillas[0]);
    assert_int_equal(press(&m, KK_ENTER, 0), WIZARD_PEDIR_IA); /* the AI applies */
    cand[0] = xstrdup("Buen día {nombre}: con {convenio} le prestamos hasta $50,000.");
    wizard_model_set_ia(&m, cand, 1);
    assert_true(m.usar_variaciones);
    assert_null(wizard_model_meta(&m)); /* the variations make it another text */
    out = render(&m, 80, 24);
    assert_null(strstr(out, "Plantilla de Meta"));
    free(out);
    press(&m, KK_CHAR, 'v');
    assert_ptr_equal(wizard_model_meta(&m), &m.plantillas[0]);
    out = render(&m, 80, 24);
    assert_non_null(strstr(out, " Plantilla de Meta: primer_contacto (es_MX)"));
    free(out);
    press(&m, KK_ESC, 0);
    press(&m, KK_DOWN, 0); /* the unmapped one */
    assert_null(wizard_model_meta(&m));
    out = render(&m, 80, 24);
    assert_null(strstr(out, "Meta:"));
    assert_null(strstr(out, "Sin plantilla aprobada"));
    free(out);
    assert_int_equal(press(&m, KK_ENTER, 0), WIZARD_PEDIR_IA);
    wizard_model_fini(&m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_step1_audience_80x24),
        cmocka_unit_test(test_step2_preview_and_unknown_variable),
        cmocka_unit_test(test_clicks_choose_stage_field_and_template),
        cmocka_unit_test(test_step1_enter_while_counting_is_taken_when_counted),
        cmocka_unit_test(test_step2_enter_while_loading_is_taken_when_loaded),
        cmocka_unit_test(test_step3_ai_kept_refused_and_final_text),
        cmocka_unit_test(test_final_text_when_every_option_opens_a_brace),
        cmocka_unit_test(test_ai_fallback_message),
        cmocka_unit_test(test_step4_review_refusal_and_back),
        cmocka_unit_test(test_launch),
        cmocka_unit_test(test_cloud_takes_only_a_mapped_template_as_it_is),
        cmocka_unit_test(test_web_carries_the_mapping_only_for_the_exact_text),
    };

    return cmocka_run_group_tests_name("wizard_vm", tests, setup_utf8, NULL);
}
