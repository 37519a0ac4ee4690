/*
 * test_sender_hilo — rt/sender (the thread + libuv side) with a real database: a campaign
 * sent by the sender thread with events delivered on this loop's thread; a second sender for
 * the same account stops with "enviando desde otra sesión"; sender_wake from the loop thread;
 * sender_stop joins and frees, and uv_loop_close() returns 0. Run under MODE=tsan too.
 * Real time but no sleeps: the loop runs until the events arrive (bounded by a guard timer).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <uv.h>

#include "core/config.h"
#include "db/db.h"
#include "db/db_wa.h"
#include "dbt.h"
#include "rt/sender.h"
#include "util/err.h"

struct hilo {
    uv_loop_t loop;
    uv_timer_t guard;
    struct sender *a, *b;
    int sent, idle, started;
    char b_stopped[256];
    int b_code;
    bool timed_out;
    struct sender_params sp;
    struct sender_callbacks cb;
};

static void
stop_all(struct hilo *h)
{
    struct sender *a = h->a, *b = h->b;

    h->a = h->b = NULL;
    if (a != NULL)
        sender_stop(a);
    if (b != NULL)
        sender_stop(b);
    if (!uv_is_closing((uv_handle_t *)&h->guard))
        uv_close((uv_handle_t *)&h->guard, NULL);
}

static void
on_a(void *ctx, const struct sender_event *ev)
{
    struct hilo *h = ctx;

    struct err e = { 0 };

    if (ev->kind == SENDER_EV_STARTED) { /* A holds the lock: now B may try */
        h->started++;
        h->b = sender_start(&h->loop, &h->sp, &h->cb, &e);
        assert_non_null(h->b);
    }
    if (ev->kind == SENDER_EV_SENT)
        h->sent++;
    if (ev->kind == SENDER_EV_IDLE && h->sent == 3) {
        h->idle++;
        if (h->b_code != 0)
            stop_all(h);
    }
}

static void
on_b(void *ctx, const struct sender_event *ev)
{
    struct hilo *h = ctx;

    if (ev->kind != SENDER_EV_STOPPED)
        return;
    h->b_code = ev->code;
    snprintf(h->b_stopped, sizeof h->b_stopped, "%s", ev->text);
    if (h->idle > 0)
        stop_all(h);
}

static void
on_guard(uv_timer_t *t)
{
    struct hilo *h = t->data;

    h->timed_out = true;
    stop_all(h);
}

/* sh_p1 with 3 clients assigned, a linked account and a launched campaign of 3 messages. */
static struct db *
seed(struct dbt *t, struct db *adm)
{
    struct db_campana_nueva n = { .etapa = "Nuevo", .texto = "Hola {nombre}" };
    struct db_campana_creada c;
    struct err e = { 0 };
    static const unsigned char blob[] = { 7 };
    char estado[16];
    struct db *p;

    dbt_role(t, "sh_p1", "embudo_promotor");
    dbt_exec(adm, "INSERT INTO crm.usuarios (login, nombre, rol) VALUES ('sh_p1', 'Pepe',"
                  " 'PROMOTOR');"
                  "INSERT INTO padron.convenios (clave, nombre, tipo) VALUES ('IMSS', 'IMSS',"
                  " 'FEDERAL');"
                  "INSERT INTO padron.clientes (nombre, primer_apellido, convenio_id, entidad_id,"
                  " edad) SELECT 'Cliente' || i, 'Prueba', 1, 9, 30 FROM generate_series(1, 3) i;"
                  "INSERT INTO padron.datos_contacto (cliente_id, tipo, valor) SELECT i, 'CELULAR',"
                  " '+5255' || lpad(i::text, 8, '0') FROM generate_series(1, 3) i;"
                  "DELETE FROM crm.horario_operativo; DELETE FROM crm.dias_inhabiles;"
                  "INSERT INTO crm.horario_operativo SELECT d, '00:00', '24:00'"
                  " FROM generate_series(1, 7) d");
    p = dbt_connect(t, "sh_p1");
    dbt_exec(p, "SELECT * FROM api.solicitar_asignacion(3)");
    assert_int_equal(db_wa_guardar_credenciales(p, "5215500000099@s.whatsapp.net", blob, 1, &e),
                     RC_OK);
    assert_int_equal(db_campana_crear(p, &n, &c, &e), RC_OK);
    assert_int_equal(db_campana_accion(p, c.id, DB_CAMPANA_LANZAR, estado, &e), RC_OK);
    db_campana_creada_fini(&c);
    return p;
}

static void
test_hilo_envia_y_segundo_rechazado(void **state)
{
    struct dbt *t = *state;
    struct db *adm = dbt_connect(t, NULL), *p;
    struct hilo h = { 0 };
    struct err e = { 0 };
    struct sim_config sim;
    struct sender_params sp = { 0 };
    struct sender_callbacks ca = { .ctx = &h, .event = on_a };
    char *ci;

    p = seed(t, adm);

    sim_config_default(&sim);
    sim.latency_min_ms = sim.latency_max_ms = 0;
    sim.deliver_min_ms = sim.deliver_max_ms = 0;
    sim.read_ppm = sim.reply_ppm = 0;
    ci = dbt_conninfo_fmt(t, "sh_p1");
    sp.conninfo = ci;
    sp.opt.transport = SENDER_TRANSPORT_SIM;
    sp.opt.rapido = true;
    sp.opt.seed = 3;
    sp.sim = &sim;
    h.sp = sp;
    h.cb = (struct sender_callbacks){ .ctx = &h, .event = on_b };
    assert_int_equal(uv_loop_init(&h.loop), 0);
    uv_timer_init(&h.loop, &h.guard);
    h.guard.data = &h;
    uv_timer_start(&h.guard, on_guard, 60000, 0);
    h.a = sender_start(&h.loop, &sp, &ca, &e);
    assert_non_null(h.a);
    sender_wake(h.a); /* harmless at any point: an idle loop claims again */
    uv_run(&h.loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&h.loop), 0);
    assert_false(h.timed_out);
    assert_int_equal(h.started, 1);
    assert_int_equal(h.sent, 3);
    assert_int_equal(h.b_code, RC_BUSY);
    assert_non_null(strstr(h.b_stopped, "enviando desde otra sesión"));
    assert_string_equal(dbt_scalar_tmp(t, adm, "SELECT estado FROM crm.wa_campanas"), "TERMINADA");
    assert_string_equal(dbt_scalar_tmp(t, adm, "SELECT estado FROM crm.wa_cuentas"),
                        "DESCONECTADA");
    free(ci);
    db_close(p);
    db_close(adm);
}

/* rapido with transport web is refused (but for a loopback test server); web needs the
 * factory the composition root gives. */
static void
test_opciones(void **state)
{
    static const struct sender_factory web = { NULL, NULL, NULL };
    struct config cfg;
    struct sender_options o;
    struct err e = { 0 };
    char r1[] = "EMBUDO_RITMO=rapido", r2[] = "EMBUDO_RITMO=turbo", s1[] = "EMBUDO_SIM_AUTOSCAN=1",
         s2[] = "EMBUDO_SIM_SEED=9";
    char *env_rapido[] = { r1, NULL };
    char *env_mal[] = { r2, NULL };
    char *env_scan[] = { s1, s2, NULL };

    (void)state;
    dbt_config_load(&cfg, "/tmp");
    assert_int_equal(sender_options_load(&o, &cfg, env_rapido, &e), RC_OK);
    assert_true(o.rapido);
    assert_int_equal(o.transport, SENDER_TRANSPORT_SIM);
    assert_int_equal(sender_transport_check(&o, &e), RC_OK);
    assert_int_equal(sender_options_load(&o, &cfg, env_mal, &e), RC_INVAL);
    assert_int_equal(sender_options_load(&o, &cfg, env_scan, &e), RC_OK);
    assert_true(o.autoscan);
    assert_int_equal(o.seed, 9);
    free(cfg.transport.value);
    cfg.transport.value = strdup("web");
    assert_int_equal(sender_options_load(&o, &cfg, env_rapido, &e), RC_INVAL);
    assert_non_null(strstr(e.msg, "solo se acepta con transport = sim"));
    assert_int_equal(sender_options_load(&o, &cfg, env_scan, &e), RC_OK);
    assert_int_equal(sender_transport_check(&o, &e), RC_INVAL);
    assert_non_null(strstr(e.msg, "transporte web"));
    o.web = &web; /* what the composition roots pass (src/cmd/wa_web) */
    assert_int_equal(sender_transport_check(&o, &e), RC_OK);
    /* rapido over web only against a test server on this machine. */
    free(cfg.wa_url.value);
    cfg.wa_url.value = strdup("ws://127.0.0.1:4000/ws/chat");
    assert_int_equal(sender_options_load(&o, &cfg, env_rapido, &e), RC_OK);
    assert_true(o.rapido);
    free(cfg.wa_url.value);
    cfg.wa_url.value = strdup("ws://127.0.0.1.example.com/ws");
    assert_int_equal(sender_options_load(&o, &cfg, env_rapido, &e), RC_INVAL);
    config_fini(&cfg);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_hilo_envia_y_segundo_rechazado, dbt_setup,
                                        dbt_teardown),
        cmocka_unit_test(test_opciones),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
