/*
 * test_tui — the terminal client's read queries (src/db/db_tui.c, sql/011_tui.sql): business
 * windows that add up to api.horas_habiles_entre, the embudo's cards per role, one
 * opportunity in detail with its history as it was written, the assignment context, the
 * team numbers and aging grid, and whether the promoter can answer the client on WhatsApp
 * with her answer's state in the history (sql/101), in doubt when its ack was lost.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "db/db.h"
#include "db/db_crm.h"
#include "db/db_tui.h"
#include "db/db_wa.h"
#include "db/db_wa_respuesta.h"
#include "dbt.h"
#include "util/err.h"

/*
 * tu_sup: tu_p1 (cupo 30), tu_p2; tu_sup2: tu_p3. p1 gets 5 clients (ids 1–5), moves 1 to
 * Contactado, sends 2 to the bandeja, sells 3; p2 gets 2 (ids 6–7); p3 gets 1 (id 8).
 */
static void
seed(struct dbt *t, struct db *adm)
{
    struct db *p;

    dbt_role(t, "tu_sup", "embudo_supervisor");
    dbt_role(t, "tu_sup2", "embudo_supervisor");
    dbt_role(t, "tu_p1", "embudo_promotor");
    dbt_role(t, "tu_p2", "embudo_promotor");
    dbt_role(t, "tu_p3", "embudo_promotor");
    dbt_exec(adm, "INSERT INTO crm.usuarios (login, nombre, rol) VALUES"
                  " ('tu_sup', 'Sara Supervisora', 'SUPERVISOR'),"
                  " ('tu_sup2', 'Saúl Supervisor', 'SUPERVISOR');"
                  "INSERT INTO crm.usuarios (login, nombre, rol, supervisor_id, cupo_diario)"
                  " SELECT v.l, v.n, 'PROMOTOR', (SELECT id FROM crm.usuarios WHERE login = v.s),"
                  " v.c FROM (VALUES ('tu_p1', 'Peña Uno', 'tu_sup', 30),"
                  " ('tu_p2', 'Paty Dos', 'tu_sup', 50), ('tu_p3', 'Pablo Tres', 'tu_sup2', 50))"
                  " v(l, n, s, c);"
                  "INSERT INTO padron.convenios (clave, nombre, tipo) VALUES"
                  " ('IMSS', 'Instituto Mexicano del Seguro Social', 'FEDERAL'),"
                  " ('ISSSTE', 'ISSSTE', 'FEDERAL');"
                  "INSERT INTO padron.clientes (nombre, primer_apellido, segundo_apellido,"
                  " convenio_id, entidad_id, municipio, edad, curp) SELECT 'Begoña' || i, 'Núñez',"
                  " 'Díaz', 1, 9, 'Coyoacán', 30 + i, NULL FROM generate_series(1, 20) i;"
                  "INSERT INTO padron.datos_contacto (cliente_id, tipo, valor)"
                  " SELECT id, 'CELULAR', '+5255' || lpad((12345600 + id)::text, 8, '0')"
                  " FROM padron.clientes");
    p = dbt_connect(t, "tu_p1");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(5)");
    dbt_exec(p, "SELECT * FROM api.mover(1, 'Contactado', 'contestó')");
    dbt_intentos(p, 2, 2);
    dbt_exec(p, "SELECT * FROM api.mover(2, 'No localizado', 'no contesta')");
    dbt_exec(p, "SELECT * FROM api.registrar_venta(3, 12500.50, 'Crédito nómina', 'F-1')");
    dbt_exec(p, "SELECT api.nota(1, 'llamar el lunes')");
    db_close(p);
    p = dbt_connect(t, "tu_p2");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(2)");
    db_close(p);
    p = dbt_connect(t, "tu_p3");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(1)");
    db_close(p);
}

static void
test_windows_add_up_to_horas_habiles_entre(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);

    /* 400 intervals from 1 h to ~60 days, across weekends, holidays and the 2026 DST-free
       Mexico City zone; plus Tijuana (DST) and an empty interval. */
    assert_string_equal(
        dbt_scalar_tmp(
            t, adm,
            "SELECT count(*) FROM (SELECT d, h, z,"
            "  (SELECT coalesce(sum(extract(epoch FROM cierra - abre)), 0) / 3600"
            "     FROM crm.ventanas_habiles(d, h, z)) AS w,"
            "  crm.horas_habiles_entre(d, h, z) AS x"
            " FROM (SELECT timestamptz '2026-03-10 07:13-06' + g * interval '7 h 11 m' d,"
            "   timestamptz '2026-03-10 07:13-06' + g * interval '7 h 11 m'"
            "   + (g %% 60 + 1) * interval '23 h 17 m' h,"
            "   (ARRAY['America/Mexico_City', 'America/Tijuana'])[g %% 2 + 1] z"
            "   FROM generate_series(1, 400) g) s) q"
            " WHERE abs(w - x) > 0.000001"),
        "0");
    assert_string_equal(dbt_scalar_tmp(t, adm,
                                       "SELECT count(*) FROM crm.ventanas_habiles(now(),"
                                       " now() - interval '1 h', 'America/Mexico_City')"),
                        "0");
    db_close(adm);
}

static void
test_etapas_in_funnel_order(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct tui_etapa *st = NULL;
    size_t n = 0;
    struct err e = { 0 };

    assert_int_equal(db_tui_etapas(adm, &st, &n, &e), RC_OK);
    assert_int_equal(n, 8);
    assert_string_equal(st[0].nombre, "Nuevo");
    assert_int_equal(st[0].tipo, TUI_ETAPA_INICIAL);
    assert_true(fabs(st[0].timer_horas - 24) < 1e-9);
    assert_string_equal(st[3].nombre, "En trámite");
    assert_int_equal(st[4].tipo, TUI_ETAPA_SALIDA);
    assert_int_equal(st[7].tipo, TUI_ETAPA_VENTA);
    assert_true(st[7].timer_horas == 0);
    free(st);
    db_close(adm);
}

static const struct tui_tarjeta *
find(const struct tui_tarjeta *v, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].id == id)
            return &v[i];
    return NULL;
}

/* find() for a card that must be there: a missing card fails the test (never NULL). */
static const struct tui_tarjeta *
must_find(const struct tui_tarjeta *v, size_t n, int64_t id)
{
    const struct tui_tarjeta *c = find(v, n, id);

    if (c == NULL) {
        fail_msg("no hay tarjeta %lld", (long long)id);
        abort(); /* cmocka's fail_msg is not declared noreturn */
    }
    return c;
}

static void
test_embudo_cards_by_role(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *db;
    struct tui_tarjeta *v = NULL;
    size_t n = 0;
    struct err e = { 0 };
    double want;

    seed(t, adm);
    db = dbt_connect(t, "tu_p1");
    assert_int_equal(db_tui_embudo(db, 0, &v, &n, &e), RC_OK);
    /* Own cards only: 4 and 5 (Nuevo), 1 (Contactado), 2 (bandeja), 3 (sold this week). */
    assert_int_equal(n, 5);
    assert_int_equal(v[0].id, 4);
    assert_string_equal(v[0].cliente, "Begoña4 Núñez Díaz");
    assert_string_equal(v[0].convenio, "IMSS");
    assert_string_equal(v[0].login, "tu_p1");
    assert_true(v[0].con_timer);
    assert_true(fabs(v[0].timer_horas - 24) < 1e-9);
    assert_true(fabs(v[0].aviso_pct - 75) < 1e-9);
    want = atof(dbt_scalar_tmp(t, db,
                               "SELECT api.horas_habiles_entre(now(), timer_vence)"
                               " FROM crm.oportunidades WHERE id = 4"));
    assert_true(fabs(v[0].restante - want) < 0.01);
    assert_int_equal(must_find(v, n, 2)->estado, TUI_EN_BANDEJA);
    assert_false(must_find(v, n, 2)->con_timer);
    assert_int_equal(must_find(v, n, 3)->estado, TUI_GANADA);
    free(v);
    /* Overdue: negative business hours, as api.horas_habiles_entre counts them. */
    dbt_exec(adm, "UPDATE crm.oportunidades SET etapa_desde = now() - interval '30 days',"
                  " timer_aviso = now() - interval '20 days', timer_vence = now() - interval"
                  " '10 days' WHERE id = 5");
    assert_int_equal(db_tui_embudo(db, 0, &v, &n, &e), RC_OK);
    want = atof(dbt_scalar_tmp(t, db,
                               "SELECT api.horas_habiles_entre(now(), timer_vence)"
                               " FROM crm.oportunidades WHERE id = 5"));
    assert_true(want < 0);
    assert_true(fabs(must_find(v, n, 5)->restante - want) < 0.01);
    free(v);
    db_close(db);

    db = dbt_connect(t, "tu_sup");
    assert_int_equal(db_tui_embudo(db, 0, &v, &n, &e), RC_OK);
    assert_int_equal(n, 7); /* p1's five and p2's two, never p3's */
    assert_null(find(v, n, 8));
    free(v);
    assert_int_equal(db_tui_embudo(db,
                                   (int)dbt_scalar_ll(t, adm,
                                                      "SELECT id FROM crm.usuarios"
                                                      " WHERE login = 'tu_p2'"),
                                   &v, &n, &e),
                     RC_OK);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].login, "tu_p2");
    free(v);
    db_close(db);
    db_close(adm);
}

static void
test_detalle_with_contacts_and_history_as_written(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *db;
    struct tui_detalle d;
    struct err e = { 0 };

    seed(t, adm);
    /* A rename later must not rewrite what the history says. */
    dbt_exec(adm, "UPDATE crm.etapas SET nombre = 'Primer contacto' WHERE nombre = 'Contactado'");
    /* A step by a user the promoter may not see (another team's supervisor: RLS hides the
     * row) names them all the same (sql/082); only a step of the system names nobody. */
    dbt_exec(adm, "INSERT INTO crm.historial (oportunidad_id, evento, usuario_id, motivo)"
                  " SELECT 1, 'NOTA', id, 'revisado' FROM crm.usuarios WHERE login = 'tu_sup2';"
                  "INSERT INTO crm.historial (oportunidad_id, evento, motivo)"
                  " VALUES (1, 'NOTA', 'automática')");
    db = dbt_connect(t, "tu_p1");
    assert_int_equal(db_tui_detalle(db, 1, &d, &e), RC_OK);
    assert_string_equal(d.t.cliente, "Begoña1 Núñez Díaz");
    assert_string_equal(d.etapa, "Primer contacto");
    assert_string_equal(d.convenio_nombre, "Instituto Mexicano del Seguro Social");
    assert_string_equal(d.entidad, "Ciudad de México");
    assert_string_equal(d.municipio, "Coyoacán");
    assert_int_equal(d.edad, 31);
    assert_int_equal(d.ncontactos, 1);
    assert_string_equal(d.contactos[0].tipo, "CELULAR");
    assert_string_equal(d.contactos[0].valor, "+525512345601");
    assert_int_equal(d.neventos, 5);
    assert_string_equal(d.eventos[0].evento, "ASIGNADA");
    assert_string_equal(d.eventos[1].evento, "TRANSICION");
    assert_string_equal(d.eventos[1].etapa_anterior, "Nuevo");
    assert_string_equal(d.eventos[1].etapa_nueva, "Contactado");
    assert_string_equal(d.eventos[1].motivo, "contestó");
    assert_string_equal(d.eventos[1].login, "tu_p1");
    assert_int_equal(strlen(d.eventos[1].cuando), 14); /* "DD/MM/YY HH:MM" */
    assert_string_equal(d.eventos[2].evento, "NOTA");
    assert_string_equal(d.eventos[2].motivo, "llamar el lunes");
    assert_string_equal(d.eventos[3].login, "tu_sup2");
    assert_string_equal(d.eventos[4].login, "");
    db_tui_detalle_fini(&d);

    assert_int_equal(db_tui_detalle(db, 3, &d, &e), RC_OK);
    assert_int_equal(d.t.estado, TUI_GANADA);
    assert_string_equal(d.venta_folio, "F-1");
    assert_string_equal(d.venta_monto, "12500.50");
    assert_string_equal(d.venta_producto, "Crédito nómina");
    db_tui_detalle_fini(&d);
    assert_int_equal(db_tui_detalle(db, 2, &d, &e), RC_OK);
    assert_string_equal(d.motivo_salida, "no contesta");
    db_tui_detalle_fini(&d);

    /* Someone else's opportunity does not exist for this promoter. */
    assert_int_equal(db_tui_detalle(db, 6, &d, &e), RC_NOTFOUND);
    assert_int_equal(d.neventos, 0);
    assert_null(d.eventos);
    db_close(db);
    db_close(adm);
}

/*
 * Whether the promoter can answer the client on WhatsApp (db_wa_ventana, sql/101): why not
 * as the database says it (no account, the client never wrote, more than 24 hours, not hers
 * to answer, not ABIERTA), else until when and to which phone; and her answer in the history
 * with the message's state now, as the owner and her supervisor read it.
 */
static void
test_wa_window_and_the_answers_state(void **state)
{
    static const unsigned char blob[] = { 0x01, 0x02, 0x03 };
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *db, *sup;
    struct db_wa_ventana w;
    struct tui_detalle d;
    struct err e = { 0 };
    long long ahora;

    seed(t, adm);
    db = dbt_connect(t, "tu_p1");
    assert_int_equal(db_wa_ventana(db, 4, &w, &e), RC_OK);
    assert_string_equal(w.codigo, "EB423");
    assert_string_equal(w.motivo, "vincule su WhatsApp primero (pantalla WhatsApp, tecla v)");
    assert_int_equal(w.hasta, 0);
    assert_string_equal(w.hasta_local, "");
    assert_string_equal(w.telefono, "");
    assert_int_equal(
        db_wa_guardar_credenciales(db, "5215500000001@s.whatsapp.net", blob, sizeof blob, &e),
        RC_OK);
    assert_int_equal(db_wa_ventana(db, 4, &w, &e), RC_OK);
    assert_string_equal(w.codigo, "EB424");
    assert_non_null(strstr(w.motivo, "el cliente no le ha escrito por WhatsApp"));

    /* Client 4 writes: she can answer for 24 hours, to the phone he wrote from. */
    dbt_exec(db, "SELECT * FROM api.wa_entrante('+525512345604', 'Hola, ¿qué me ofrece?')");
    ahora = atoll(dbt_scalar_tmp(t, db, "SELECT extract(epoch FROM now())::bigint"));
    assert_int_equal(db_wa_ventana(db, 4, &w, &e), RC_OK);
    assert_string_equal(w.codigo, "");
    assert_string_equal(w.motivo, "");
    assert_true(w.hasta > ahora + 86300 && w.hasta <= ahora + 86400);
    assert_int_equal(strlen(w.hasta_local), 11); /* "DD/MM HH:MM" */
    assert_string_equal(w.telefono, "+525512345604");
    /* Not ABIERTA (in the bandeja), and not hers to answer (her supervisor). */
    assert_int_equal(db_wa_ventana(db, 2, &w, &e), RC_OK);
    assert_string_equal(w.codigo, "EB422");
    sup = dbt_connect(t, "tu_sup");
    assert_int_equal(db_wa_ventana(sup, 4, &w, &e), RC_OK);
    assert_string_equal(w.codigo, "EB421");
    assert_int_equal(w.hasta, 0);

    /* Her answer: «Le escribió» in the history with the message's state, which moves. */
    dbt_exec(db, "SELECT * FROM api.wa_responder(4, 'Hasta 80 mil, ¿le marco?', 'tui-k1')");
    assert_int_equal(db_tui_detalle(db, 4, &d, &e), RC_OK);
    assert_string_equal(d.eventos[d.neventos - 1].evento, "WA_MENSAJE");
    assert_string_equal(d.eventos[d.neventos - 1].motivo, "Hasta 80 mil, ¿le marco?");
    assert_string_equal(d.eventos[d.neventos - 1].login, "tu_p1");
    assert_string_equal(d.eventos[d.neventos - 1].resultado, "PENDIENTE");
    assert_string_equal(d.eventos[d.neventos - 2].evento, "WA_RESPUESTA");
    assert_string_equal(d.eventos[d.neventos - 2].resultado, "");
    db_tui_detalle_fini(&d);
    dbt_exec(adm, "UPDATE crm.wa_mensajes SET estado = 'ENTREGADO', enviado_at = now(),"
                  " entregado_at = now() WHERE campana_id IS NULL AND oportunidad_id = 4");
    assert_int_equal(db_tui_detalle(db, 4, &d, &e), RC_OK);
    assert_string_equal(d.eventos[d.neventos - 1].resultado, "ENTREGADO");
    db_tui_detalle_fini(&d);
    assert_int_equal(db_tui_detalle(sup, 4, &d, &e), RC_OK);
    assert_string_equal(d.eventos[d.neventos - 1].resultado, "ENTREGADO");
    db_tui_detalle_fini(&d);

    /* More than 24 hours since he wrote: the database's sentence, with when he wrote. */
    dbt_exec(adm, "UPDATE crm.wa_entrantes SET recibido_at = now() - interval '25 hours'");
    assert_int_equal(db_wa_ventana(db, 4, &w, &e), RC_OK);
    assert_string_equal(w.codigo, "EB424");
    assert_non_null(strstr(w.motivo, "pasaron más de 24 horas desde el último mensaje del "
                                     "cliente ("));
    assert_int_equal(w.hasta, 0);
    db_close(sup);
    db_close(db);
    db_close(adm);
}

/* The newest WA_MENSAJE row of a Detalle's history; fails the test when there is none. */
static const struct tui_evento *
ultimo_wa_mensaje(const struct tui_detalle *d)
{
    const struct tui_evento *ev = NULL;

    for (size_t i = 0; i < d->neventos; i++)
        if (strcmp(d->eventos[i].evento, "WA_MENSAJE") == 0)
            ev = &d->eventos[i];
    if (ev == NULL) { /* for gcc -O2's -Wnull-dereference: cmocka's fail is not noreturn */
        fail_msg("ningún WA_MENSAJE en el historial");
        abort();
    }
    return ev;
}

/*
 * An answer whose ack was lost (sql/101, Detalle's d): the history row carries its message, in
 * doubt, with the end of the client's 24 hours on the account, for the owner and her
 * supervisor (who may operate it); another promoter who now owns the opportunity does not see
 * the message, so nothing of it; decided, it is no longer in doubt.
 */
static void
test_an_answer_in_doubt_in_the_history(void **state)
{
    static const unsigned char blob[] = { 0x01, 0x02, 0x03 };
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *db, *sup, *p2;
    const struct tui_evento *ev;
    struct tui_detalle d;
    struct err e = { 0 };
    long long id, recibido;
    char estado[16];

    seed(t, adm);
    db = dbt_connect(t, "tu_p1");
    assert_int_equal(
        db_wa_guardar_credenciales(db, "5215500000001@s.whatsapp.net", blob, sizeof blob, &e),
        RC_OK);
    dbt_exec(db, "SELECT * FROM api.wa_entrante('+525512345604', '¿Y los intereses?')");
    dbt_exec(db, "SELECT * FROM api.wa_responder(4, 'Son fijos, le explico', 'tui-duda')");
    id = atoll(dbt_scalar_tmp(t, db, "SELECT id FROM crm.wa_mensajes WHERE clave = 'tui-duda'"));
    recibido = atoll(dbt_scalar_tmp(t, db,
                                    "SELECT extract(epoch FROM recibido_at)::bigint"
                                    " FROM crm.wa_entrantes"));
    assert_int_equal(db_tui_detalle(db, 4, &d, &e), RC_OK);
    ev = &d.eventos[d.neventos - 1];
    assert_string_equal(ev->evento, "WA_MENSAJE");
    assert_int_equal(ev->mensaje_id, id);
    assert_false(ev->incierto);
    assert_int_equal(ev->ventana_hasta, 0); /* asked only in doubt */
    assert_int_equal(d.eventos[0].mensaje_id, 0);
    db_tui_detalle_fini(&d);

    /* Claimed, then the connection dropped: the sender's recovery marks it in doubt. */
    dbt_exec(adm,
             "UPDATE crm.wa_mensajes SET estado = 'ENVIANDO', incierto = true,"
             " reclamado_at = now() WHERE id = %lld",
             id);
    assert_int_equal(db_tui_detalle(db, 4, &d, &e), RC_OK);
    ev = &d.eventos[d.neventos - 1];
    assert_true(ev->incierto);
    assert_string_equal(ev->resultado, "ENVIANDO");
    assert_int_equal(ev->ventana_hasta, recibido + 86400);
    db_tui_detalle_fini(&d);
    sup = dbt_connect(t, "tu_sup");
    assert_int_equal(db_tui_detalle(sup, 4, &d, &e), RC_OK);
    ev = &d.eventos[d.neventos - 1];
    assert_int_equal(ev->mensaje_id, id);
    assert_true(ev->incierto);
    assert_int_equal(ev->ventana_hasta, recibido + 86400);
    db_tui_detalle_fini(&d);
    /* The client's text 25 hours old: the window a re-send must beat is over. */
    dbt_exec(adm, "UPDATE crm.wa_entrantes SET recibido_at = now() - interval '25 hours'");
    assert_int_equal(db_tui_detalle(sup, 4, &d, &e), RC_OK);
    assert_true(d.eventos[d.neventos - 1].ventana_hasta <
                atoll(dbt_scalar_tmp(t, sup, "SELECT extract(epoch FROM now())::bigint")));
    db_tui_detalle_fini(&d);

    /* Reassigned to tu_p2: her Detalle shows the row, not tu_p1's message. */
    dbt_exec(sup, "SELECT * FROM api.reasignar(ARRAY[4]::bigint[], 'tu_p2', 'vacaciones')");
    p2 = dbt_connect(t, "tu_p2");
    assert_int_equal(db_tui_detalle(p2, 4, &d, &e), RC_OK);
    ev = ultimo_wa_mensaje(&d);
    assert_int_equal(ev->mensaje_id, 0);
    assert_false(ev->incierto);
    assert_string_equal(ev->resultado, "");
    db_tui_detalle_fini(&d);

    /* Her supervisor decides: sent again, no longer in doubt. */
    assert_int_equal(db_mensaje_resolver_incierto(sup, id, DB_INCIERTO_REENVIAR, estado, &e),
                     RC_OK);
    assert_string_equal(estado, "PENDIENTE");
    assert_int_equal(db_tui_detalle(sup, 4, &d, &e), RC_OK);
    ev = ultimo_wa_mensaje(&d);
    assert_false(ev->incierto);
    assert_string_equal(ev->resultado, "PENDIENTE");
    db_tui_detalle_fini(&d);
    db_close(p2);
    db_close(sup);
    db_close(db);
    db_close(adm);
}

static void
test_asignacion_context(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *db;
    struct tui_asignacion_ctx c;
    struct err e = { 0 };

    seed(t, adm);
    db = dbt_connect(t, "tu_p1");
    assert_int_equal(db_tui_asignacion_ctx(db, &c, &e), RC_OK);
    assert_string_equal(c.rol, "PROMOTOR");
    assert_string_equal(c.estado, "ACTIVO");
    assert_int_equal(c.cupo_limite, 30);
    assert_int_equal(c.cupo_usados, 5);
    assert_int_equal(c.cartera, 4); /* 1, 2 (bandeja), 4, 5; 3 was sold */
    assert_int_equal(c.cartera_max, 500);
    assert_int_equal(c.nconvenios, 2);
    assert_string_equal(c.convenios[0].clave, "IMSS");
    assert_int_equal(c.nentidades, 32);
    assert_string_equal(c.entidades[8].clave, "CDMX");
    assert_string_equal(c.entidades[8].nombre, "Ciudad de México");
    db_tui_asignacion_ctx_fini(&c);
    db_close(db);
    /* A login that is no CRM user. */
    assert_int_equal(db_tui_asignacion_ctx(adm, &c, &e), RC_NOTFOUND);
    assert_null(c.convenios);
    db_close(adm);
}

static const struct tui_promotor *
promotor(const struct tui_equipo *q, const char *login)
{
    for (size_t i = 0; i < q->npromotores; i++)
        if (strcmp(q->promotores[i].login, login) == 0)
            return &q->promotores[i];
    return NULL;
}

static void
test_equipo_numbers_and_aging(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *db;
    struct tui_equipo q;
    const struct tui_promotor *p;
    struct err e = { 0 };
    int celdas_p1 = 0, n_p1 = 0;

    seed(t, adm);
    dbt_exec(adm, "UPDATE crm.oportunidades SET etapa_desde = now() - interval '30 days',"
                  " timer_aviso = now() - interval '20 days', timer_vence = now() - interval"
                  " '10 days' WHERE id = 5");
    db = dbt_connect(t, "tu_sup");
    assert_int_equal(db_tui_equipo(db, &q, &e), RC_OK);
    assert_int_equal(q.npromotores, 2);
    p = promotor(&q, "tu_p1");
    assert_non_null(p);
    if (p == NULL) /* for gcc -O2's -Wnull-dereference: cmocka's assert is not noreturn */
        return;
    assert_string_equal(p->nombre, "Peña Uno");
    assert_int_equal(p->cupo_limite, 30);
    assert_int_equal(p->cupo_usados, 5);
    assert_int_equal(p->cartera, 4);
    assert_int_equal(p->vencidas, 1);
    assert_int_equal(p->avisadas, 1);
    assert_int_equal(p->ventas_semana, 1);
    assert_int_equal(p->intentos_hoy, 2); /* the two before «No localizado» */
    assert_true(promotor(&q, "tu_p2") != NULL && promotor(&q, "tu_p2")->intentos_hoy == 0);
    assert_null(promotor(&q, "tu_p3"));
    for (size_t i = 0; i < q.nceldas; i++) {
        if (q.celdas[i].usuario_id != p->id)
            continue;
        celdas_p1++;
        n_p1 += q.celdas[i].n;
        if (q.celdas[i].n == 2) /* Nuevo: 4 and 5; 5 entered 30 days ago */
            assert_true(fabs(q.celdas[i].max_horas -
                             atof(dbt_scalar_tmp(t, db,
                                                 "SELECT api.horas_habiles_entre(etapa_desde,"
                                                 " now()) FROM crm.oportunidades WHERE id = 5"))) <
                        0.01);
    }
    assert_int_equal(celdas_p1, 3); /* Nuevo (2), Contactado (1), No localizado (1) */
    assert_int_equal(n_p1, 4);
    db_tui_equipo_fini(&q);
    {
        /* The promoters alone, as the pickers read them: the same rows. */
        struct tui_promotor *v = NULL;
        size_t n = 0;

        assert_int_equal(db_tui_promotores(db, &v, &n, &e), RC_OK);
        assert_int_equal(n, 2);
        assert_string_equal(v[0].login, "tu_p1");
        assert_int_equal(v[0].cupo_usados, 5);
        assert_string_equal(v[1].login, "tu_p2");
        free(v);
    }
    db_close(db);
    /* A promoter sees itself only. */
    db = dbt_connect(t, "tu_p2");
    assert_int_equal(db_tui_equipo(db, &q, &e), RC_OK);
    assert_int_equal(q.npromotores, 1);
    assert_string_equal(q.promotores[0].login, "tu_p2");
    db_tui_equipo_fini(&q);
    db_close(db);
    db_close(adm);
}

/* Every read maps a lost session to RC_DB 08006 (the client reconnects on it) and leaves its
   outputs empty, so a job's release never frees garbage. */
static void
test_lost_connection_is_08006_everywhere(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL);
    struct db *db = dbt_connect(t, NULL);
    struct tui_etapa *et = (void *)1;
    struct tui_tarjeta *v = (void *)1;
    struct tui_promotor *pr = (void *)1;
    struct tui_detalle d;
    struct tui_asignacion_ctx c;
    struct tui_equipo q;
    size_t n = 1;
    struct err e = { 0 };

    dbt_exec(adm, "SELECT pg_terminate_backend(%s, 5000)",
             dbt_scalar_tmp(t, db, "SELECT pg_backend_pid()"));
    assert_int_equal(db_tui_etapas(db, &et, &n, &e), RC_DB);
    assert_string_equal(e.code, "08006");
    assert_null(et);
    assert_int_equal(n, 0);
    assert_int_equal(db_tui_embudo(db, 0, &v, &n, &e), RC_DB);
    assert_null(v);
    assert_int_equal(db_tui_detalle(db, 1, &d, &e), RC_DB);
    assert_null(d.eventos);
    assert_int_equal(db_tui_asignacion_ctx(db, &c, &e), RC_DB);
    assert_null(c.convenios);
    assert_int_equal(db_tui_promotores(db, &pr, &n, &e), RC_DB);
    assert_null(pr);
    assert_int_equal(db_tui_equipo(db, &q, &e), RC_DB);
    assert_string_equal(e.code, "08006");
    assert_null(q.promotores);
    db_close(db);
    db_close(adm);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_windows_add_up_to_horas_habiles_entre, dbt_setup,
                                        dbt_teardown),
        cmocka_unit_test_setup_teardown(test_etapas_in_funnel_order, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_embudo_cards_by_role, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_detalle_with_contacts_and_history_as_written,
                                        dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_wa_window_and_the_answers_state, dbt_setup,
                                        dbt_teardown),
        cmocka_unit_test_setup_teardown(test_an_answer_in_doubt_in_the_history, dbt_setup,
                                        dbt_teardown),
        cmocka_unit_test_setup_teardown(test_asignacion_context, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_equipo_numbers_and_aging, dbt_setup, dbt_teardown),
        cmocka_unit_test_setup_teardown(test_lost_connection_is_08006_everywhere, dbt_setup,
                                        dbt_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
