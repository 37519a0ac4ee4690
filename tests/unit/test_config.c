/* Configuration: precedence (flag > env > user file > system file > default),
 * malformed files reported with file, line and reason, and the shipped example. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"
#include "util/err.h"
#include "util/xmalloc.h"

struct fixture {
    char dir[64];
    char sys_path[128];
    char user_dir[128];
    char user_path[160];
    char env_home[160];
    char env_xdg[160];
};

static void
write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int
setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);

    snprintf(f->dir, sizeof f->dir, "/tmp/embudo-cfg-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->sys_path, sizeof f->sys_path, "%s/system.conf", f->dir);
    snprintf(f->user_dir, sizeof f->user_dir, "%s/xdg/embudo", f->dir);
    snprintf(f->user_path, sizeof f->user_path, "%s/embudo.conf", f->user_dir);
    snprintf(f->env_home, sizeof f->env_home, "HOME=%s", f->dir);
    snprintf(f->env_xdg, sizeof f->env_xdg, "XDG_CONFIG_HOME=%s/xdg", f->dir);
    {
        char xdg[140];
        snprintf(xdg, sizeof xdg, "%s/xdg", f->dir);
        assert_int_equal(mkdir(xdg, 0700), 0);
        assert_int_equal(mkdir(f->user_dir, 0700), 0);
    }
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    unlink(f->sys_path);
    unlink(f->user_path);
    rmdir(f->user_dir);
    {
        char xdg[140];
        snprintf(xdg, sizeof xdg, "%s/xdg", f->dir);
        rmdir(xdg);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

static void
test_defaults_without_files(void **state)
{
    struct fixture *f = *state;
    char st[] = "XDG_STATE_HOME=/srv/estado";
    char *env[] = { f->env_home, f->env_xdg, st, NULL };
    struct config cfg;
    struct err e = { 0 };

    assert_int_equal(config_load_from(&cfg, NULL, env, f->sys_path, &e), RC_OK);
    assert_string_equal(cfg.home.value, "/srv/estado/embudo");
    assert_int_equal(cfg.home.origin, CONFIG_DEFAULT);
    assert_string_equal(cfg.zona.value, "America/Mexico_City");
    assert_string_equal(cfg.transport.value, "sim");
    assert_string_equal(cfg.wa_key_file.value, "/srv/estado/embudo/wa.key");
    assert_true(cfg.embedded);
    config_fini(&cfg);
}

static void
test_precedence_each_level(void **state)
{
    struct fixture *f = *state;
    struct config cfg;
    struct err e = { 0 };
    char *env_none[] = { f->env_home, f->env_xdg, NULL };
    char tr[] = "EMBUDO_TRANSPORT=web", hm[] = "EMBUDO_HOME=/srv/env";
    char *env_set[] = { f->env_home, f->env_xdg, tr, hm, NULL };
    struct config_flags flags = { .home = "/srv/flag" };

    write_file(f->sys_path, "home = /srv/sys\n[wa]\ntransport = sim\n[ui]\ntema = light\n");
    write_file(f->user_path, "home = /srv/user\n[ui]\ntema = mono\n");

    /* user file beats system file; system file beats default */
    assert_int_equal(config_load_from(&cfg, NULL, env_none, f->sys_path, &e), RC_OK);
    assert_string_equal(cfg.home.value, "/srv/user");
    assert_int_equal(cfg.home.origin, CONFIG_FILE_USER);
    assert_string_equal(cfg.tema.value, "mono");
    assert_string_equal(cfg.transport.value, "sim");
    assert_int_equal(cfg.transport.origin, CONFIG_FILE_SYSTEM);
    assert_int_equal(cfg.zona.origin, CONFIG_DEFAULT);
    config_fini(&cfg);

    /* environment beats files */
    assert_int_equal(config_load_from(&cfg, NULL, env_set, f->sys_path, &e), RC_OK);
    assert_string_equal(cfg.home.value, "/srv/env");
    assert_int_equal(cfg.home.origin, CONFIG_ENV);
    assert_string_equal(cfg.transport.value, "web");
    config_fini(&cfg);

    /* flags beat everything */
    assert_int_equal(config_load_from(&cfg, &flags, env_set, f->sys_path, &e), RC_OK);
    assert_string_equal(cfg.home.value, "/srv/flag");
    assert_int_equal(cfg.home.origin, CONFIG_FLAG);
    assert_string_equal(cfg.wa_key_file.value, "/srv/flag/wa.key");
    config_fini(&cfg);
}

static void
test_server_configured_means_not_embedded(void **state)
{
    struct fixture *f = *state;
    struct config cfg;
    struct err e = { 0 };
    char url[] = "DATABASE_URL=postgresql:///crm", pgh[] = "PGHOST=/var/run/postgresql";
    char *env_url[] = { f->env_home, f->env_xdg, url, NULL };
    char *env_pg[] = { f->env_home, f->env_xdg, pgh, NULL };
    struct config_flags flags = { .database_url = "host=/tmp dbname=x" };

    assert_int_equal(config_load_from(&cfg, NULL, env_url, NULL, &e), RC_OK);
    assert_false(cfg.embedded);
    assert_string_equal(cfg.database_url.value, "postgresql:///crm");
    config_fini(&cfg);
    assert_int_equal(config_load_from(&cfg, NULL, env_pg, NULL, &e), RC_OK);
    assert_false(cfg.embedded);
    config_fini(&cfg);
    assert_int_equal(config_load_from(&cfg, &flags, env_url, NULL, &e), RC_OK);
    assert_string_equal(cfg.database_url.value, "host=/tmp dbname=x");
    assert_int_equal(cfg.database_url.origin, CONFIG_FLAG);
    config_fini(&cfg);
}

/* Each malformed file is refused with "path:line: reason". */
static void
test_malformed_files(void **state)
{
    static const struct {
        const char *text;
        int line;
        const char *reason;
    } cases[] = {
        { "# ok\nhome /srv\n", 2, "falta «=»" },
        { "[wa]\ntransport = telegram\n", 2, "valor inválido para «transport»" },
        { "[nada]\n", 1, "sección desconocida «[nada]»" },
        { "[wa\n", 1, "sección mal formada" },
        { "\n\n[ui]\ncolor = rojo\n", 4, "clave desconocida «ui.color»" },
        { "home = relativo/dir\n", 1, "se esperaba una ruta absoluta" },
        { "[negocio]\nzona = Marte/Olympus\n", 2, "zona horaria" },
        { "[negocio]\nzona = ../../etc/passwd\n", 2, "zona horaria" },
        { " = x\n", 1, "falta la clave" },
    };
    struct fixture *f = *state;
    char *env[] = { f->env_home, f->env_xdg, NULL };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct config cfg;
        struct err e = { 0 };
        char where[200];

        write_file(f->user_path, cases[i].text);
        assert_int_equal(config_load_from(&cfg, NULL, env, NULL, &e), RC_INVAL);
        snprintf(where, sizeof where, "%s:%d: ", f->user_path, cases[i].line);
        if (strstr(e.msg, where) == NULL || strstr(e.msg, cases[i].reason) == NULL)
            fail_msg("caso %zu: mensaje inesperado «%s»", i, e.msg);
    }
}

static void
test_bad_env_and_missing_config_flag(void **state)
{
    struct fixture *f = *state;
    struct config cfg;
    struct err e = { 0 };
    char tema[] = "EMBUDO_TEMA=fosforescente";
    char *env[] = { f->env_home, f->env_xdg, tema, NULL };
    char *env_ok[] = { f->env_home, f->env_xdg, NULL };
    struct config_flags flags = { .config_file = "/nonexistent/embudo.conf" };
    struct config_flags rel = { .home = "relativo" };

    assert_int_equal(config_load_from(&cfg, NULL, env, NULL, &e), RC_INVAL);
    assert_non_null(strstr(e.msg, "EMBUDO_TEMA"));
    assert_int_equal(config_load_from(&cfg, &flags, env_ok, NULL, &e), RC_NOTFOUND);
    assert_non_null(strstr(e.msg, "/nonexistent/embudo.conf"));
    assert_int_equal(config_load_from(&cfg, &rel, env_ok, NULL, &e), RC_INVAL);
    assert_non_null(strstr(e.msg, "--home"));
}

/* The commented example shipped in packaging/ must load as-is. */
static void
test_example_config_loads(void **state)
{
    struct fixture *f = *state;
    struct config cfg;
    struct err e = { 0 };
    char *env[] = { f->env_home, f->env_xdg, NULL };
    struct config_flags flags = { .config_file = EMBUDO_SOURCE_DIR "/packaging/embudo.conf.example" };

    if (config_load_from(&cfg, &flags, env, NULL, &e) != RC_OK)
        fail_msg("el ejemplo no carga: %s", e.msg);
    assert_string_equal(cfg.pg_cuenta.value, "postgres");
    assert_int_equal(cfg.pg_cuenta.origin, CONFIG_FILE_USER);
    assert_string_equal(cfg.wa_url.value, "wss://web.whatsapp.com/ws/chat");
    assert_string_equal(cfg.ia_llave_env.value, "EMBUDO_IA_LLAVE");
    assert_string_equal(cfg.ia_url.value, "");
    assert_true(cfg.embedded);
    assert_true(cfg.ui_barre);
    config_fini(&cfg);
}

/* The [ui] switches: on by default; "no" in the file or their variable turns one off (the
 * variable wins over the file); anything else is refused, naming the variable or the file's
 * line. */
static void
test_ui_switches(void **state)
{
    static const struct {
        const char *key, *var;
        size_t value, on; /* offsetof the setting and of its derived bool */
    } sw[] = {
        { "barrido", "EMBUDO_BARRIDO", offsetof(struct config, barrido),
          offsetof(struct config, ui_barre) },
        { "raton", "EMBUDO_RATON", offsetof(struct config, raton),
          offsetof(struct config, ui_raton) },
    };
    struct fixture *f = *state;

    for (size_t i = 0; i < sizeof sw / sizeof sw[0]; i++) {
        struct config cfg;
        struct err e = { 0 };
        char off[64], on[64], bad[64], text[64];
        char *env[] = { f->env_home, f->env_xdg, NULL };
        char *env_off[] = { f->env_home, f->env_xdg, off, NULL };
        char *env_on[] = { f->env_home, f->env_xdg, on, NULL };
        char *env_bad[] = { f->env_home, f->env_xdg, bad, NULL };
        const bool *enabled = (const bool *)((const char *)&cfg + sw[i].on);
        const struct config_value *v =
            (const struct config_value *)((const char *)&cfg + sw[i].value);

        snprintf(off, sizeof off, "%s=no", sw[i].var);
        snprintf(on, sizeof on, "%s=si", sw[i].var);
        snprintf(bad, sizeof bad, "%s=0", sw[i].var);
        unlink(f->user_path);
        assert_int_equal(config_load_from(&cfg, NULL, env, NULL, &e), RC_OK);
        assert_true(*enabled);
        assert_string_equal(v->value, "sí");
        assert_int_equal(v->origin, CONFIG_DEFAULT);
        config_fini(&cfg);
        assert_int_equal(config_load_from(&cfg, NULL, env_off, NULL, &e), RC_OK);
        assert_false(*enabled);
        assert_int_equal(v->origin, CONFIG_ENV);
        config_fini(&cfg);
        snprintf(text, sizeof text, "[ui]\n%s = no\n", sw[i].key);
        write_file(f->user_path, text);
        assert_int_equal(config_load_from(&cfg, NULL, env, NULL, &e), RC_OK);
        assert_false(*enabled);
        config_fini(&cfg);
        assert_int_equal(config_load_from(&cfg, NULL, env_on, NULL, &e), RC_OK);
        assert_true(*enabled); /* the environment wins over the file */
        config_fini(&cfg);
        assert_int_equal(config_load_from(&cfg, NULL, env_bad, NULL, &e), RC_INVAL);
        assert_non_null(strstr(e.msg, sw[i].var));
        assert_non_null(strstr(e.msg, "sí o no"));
        snprintf(text, sizeof text, "[ui]\n%s = tal vez\n", sw[i].key);
        write_file(f->user_path, text);
        assert_int_equal(config_load_from(&cfg, NULL, env, NULL, &e), RC_INVAL);
        assert_non_null(strstr(e.msg, "embudo.conf:2"));
    }
}

/* [ia]: url, modelo and the name of the key's variable; a bad variable name is refused. */
static void
test_ia_section(void **state)
{
    struct fixture *f = *state;
    struct config cfg;
    struct err e = { 0 };
    char *env[] = { f->env_home, f->env_xdg, NULL };

    write_file(f->user_path, "[ia]\nurl = http://127.0.0.1:8080/v1\nmodelo = m1\n"
                             "llave_env = MI_LLAVE\n");
    assert_int_equal(config_load_from(&cfg, NULL, env, NULL, &e), RC_OK);
    assert_string_equal(cfg.ia_url.value, "http://127.0.0.1:8080/v1");
    assert_string_equal(cfg.ia_modelo.value, "m1");
    assert_string_equal(cfg.ia_llave_env.value, "MI_LLAVE");
    config_fini(&cfg);
    write_file(f->user_path, "[ia]\nllave_env = sk-123abc\n");
    assert_int_equal(config_load_from(&cfg, NULL, env, NULL, &e), RC_INVAL);
    assert_non_null(strstr(e.msg, "embudo.conf:2"));
}

static void
test_quotes_comments_and_whitespace(void **state)
{
    struct fixture *f = *state;
    struct config cfg;
    struct err e = { 0 };
    char *env[] = { f->env_home, f->env_xdg, NULL };

    write_file(f->user_path, "; comentario\n  # otro\n[db]\n  url  =  \"host=/x dbname=y\"  \n");
    assert_int_equal(config_load_from(&cfg, NULL, env, NULL, &e), RC_OK);
    assert_string_equal(cfg.database_url.value, "host=/x dbname=y");
    assert_false(cfg.embedded);
    assert_non_null(strstr(cfg.database_url.where, "embudo.conf:4"));
    config_fini(&cfg);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_defaults_without_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_precedence_each_level, setup, teardown),
        cmocka_unit_test_setup_teardown(test_server_configured_means_not_embedded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_env_and_missing_config_flag, setup, teardown),
        cmocka_unit_test_setup_teardown(test_example_config_loads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ia_section, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ui_switches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quotes_comments_and_whitespace, setup, teardown),
    };

    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
