/*
 * test_vm_notify — folding the database's notification payloads (docs/api.md) into one
 * struct app_notify: tables, "mine", the users named, and anything odd treated as
 * "re-read everything" rather than dropped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "ui/vm/vm_notify.h"

static void
test_payloads_fold_into_tables_and_users(void **st)
{
    struct app_notify n = { 0 };

    (void)st;
    vm_notify_add(&n, "{\"tabla\":\"oportunidades\",\"usuario_id\":7}", 3);
    vm_notify_add(&n, "{\"tabla\": \"historial\", \"usuario_id\": 3}", 3);
    vm_notify_add(&n, "{\"tabla\":\"oportunidades\",\"usuario_id\":7}", 3); /* once */
    assert_int_equal(n.tablas, APP_T_OPORTUNIDADES | APP_T_HISTORIAL);
    assert_true(n.mine);
    assert_false(n.all_users);
    assert_int_equal(n.nusuarios, 2);
    assert_true(vm_notify_names(&n, 7));
    assert_false(vm_notify_names(&n, 8));
}

/* A WhatsApp account's change (sql/020's trigger: a link, a state, Meta's number and rating
 * from sql/100) names its promoter: her WhatsApp pane re-reads on "mine". */
static void
test_wa_cuentas_names_its_promoter(void **st)
{
    struct app_notify n = { 0 }, o = { 0 };

    (void)st;
    vm_notify_add(&n, "{\"tabla\" : \"wa_cuentas\", \"usuario_id\" : 3}", 3);
    assert_int_equal(n.tablas, APP_T_WA_CUENTAS);
    assert_true(n.mine);
    assert_false(n.all_users);
    vm_notify_add(&o, "{\"tabla\":\"wa_cuentas\",\"usuario_id\":4}", 3);
    assert_int_equal(o.tablas, APP_T_WA_CUENTAS);
    assert_false(o.mine);
    assert_true(vm_notify_names(&o, 4));
}

static void
test_null_user_odd_payloads_and_overflow_mean_everyone(void **st)
{
    struct app_notify n = { 0 }, m = { 0 }, o = { 0 };

    (void)st;
    vm_notify_add(&n, "{\"tabla\":\"sweep_runs\",\"usuario_id\":null}", 3);
    assert_int_equal(n.tablas, APP_T_SWEEP);
    assert_true(n.all_users);
    assert_false(n.mine);
    vm_notify_add(&n, "{\"tabla\":\"etapas\"}", 3); /* sql/095: no user, everyone's */
    assert_int_equal(n.tablas, APP_T_SWEEP | APP_T_ETAPAS);
    assert_true(n.all_users);
    vm_notify_add(&n, "{\"tabla\":\"calendario\"}", 3); /* sql/096 */
    assert_int_equal(n.tablas, APP_T_SWEEP | APP_T_ETAPAS | APP_T_CALENDARIO);
    vm_notify_add(&m, "{\"tabla\":\"usuarios\",\"usuario_id\":42}", 3);
    assert_int_equal(m.tablas, APP_T_USUARIOS);
    assert_true(vm_notify_names(&m, 42));
    vm_notify_add(&m, "no es json", 3);
    assert_int_equal(m.tablas, APP_T_USUARIOS | APP_T_OTRA);
    assert_true(vm_notify_names(&m, 42));
    vm_notify_add(&m, "{\"tabla\":\"lotes\",\"usuario_id\":\"x\"}", 3);
    assert_int_equal(m.tablas, APP_T_USUARIOS | APP_T_OTRA | APP_T_LOTES);
    for (int i = 1; i <= APP_NOTIFY_USERS + 1; i++) {
        char p[64];

        snprintf(p, sizeof p, "{\"tabla\":\"ventas\",\"usuario_id\":%d}", i + 100);
        vm_notify_add(&o, p, 0);
    }
    assert_int_equal(o.nusuarios, APP_NOTIFY_USERS);
    assert_true(o.all_users);
    assert_false(o.mine); /* me = 0: unknown, never "mine" */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_payloads_fold_into_tables_and_users),
        cmocka_unit_test(test_wa_cuentas_names_its_promoter),
        cmocka_unit_test(test_null_user_odd_payloads_and_overflow_mean_everyone),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
