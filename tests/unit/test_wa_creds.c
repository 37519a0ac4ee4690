/* Credentials: generation (keys, signed pre-key signature, registration id, counters),
 * pre-key generation/lookup/removal, the blob round trip, and hostile blobs refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/secure.h"
#include "crypto/sign.h"
#include "util/err.h"
#include "wa/creds.h"

static void
test_generate(void **state)
{
    struct wa_creds *a = wa_creds_generate(NULL), *b = wa_creds_generate(NULL);
    uint8_t msg[33];

    (void)state;
    assert_non_null(a);
    assert_non_null(b);
    assert_false(wa_creds_is_paired(a));
    assert_int_equal(a->signed_prekey_id, 1);
    assert_true(a->registration_id > 0 && a->registration_id <= 0x3FFF);
    assert_int_equal(a->next_prekey_id, 1);
    assert_int_equal(a->first_unuploaded_prekey_id, 1);
    assert_int_equal(a->nprekeys, 0);
    msg[0] = 0x05;
    memcpy(msg + 1, a->signed_prekey.pub, 32);
    assert_true(sign_xeddsa_verify(a->identity.pub, msg, sizeof msg, a->signed_prekey_sig));
    assert_memory_not_equal(a->identity.pub, b->identity.pub, 32);
    assert_memory_not_equal(a->noise.pub, a->identity.pub, 32);
    assert_memory_not_equal(a->adv_secret, b->adv_secret, 32);
    wa_creds_free(a);
    wa_creds_free(b);
}

static void
test_prekeys(void **state)
{
    struct wa_creds *c = wa_creds_generate(NULL);

    (void)state;
    assert_int_equal(wa_creds_prekeys_gen(c, 100, NULL), RC_OK);
    assert_int_equal(wa_creds_prekeys_gen(c, 900, NULL), RC_OK);
    assert_int_equal(c->nprekeys, 1000);
    assert_int_equal(c->next_prekey_id, 1001);
    assert_non_null(wa_creds_prekey_find(c, 1));
    assert_int_equal(wa_creds_prekey_find(c, 777)->id, 777);
    assert_null(wa_creds_prekey_find(c, 1001));
    assert_true(wa_creds_prekey_remove(c, 500));
    assert_false(wa_creds_prekey_remove(c, 500));
    assert_null(wa_creds_prekey_find(c, 500));
    assert_non_null(wa_creds_prekey_find(c, 501));
    assert_int_equal(c->nprekeys, 999);
    assert_int_equal(wa_creds_prekeys_gen(c, WA_CREDS_MAX_PREKEYS, NULL), RC_INVAL);
    assert_int_equal(c->nprekeys, 999);
    c->next_prekey_id = WA_CREDS_PREKEY_ID_MAX;
    assert_int_equal(wa_creds_prekeys_gen(c, 2, NULL), RC_INVAL);
    assert_int_equal(wa_creds_prekeys_gen(c, 1, NULL), RC_OK);
    wa_creds_free(c);
}

static struct wa_creds *
paired(void)
{
    struct wa_creds *c = wa_creds_generate(NULL);

    snprintf(c->me_jid, sizeof c->me_jid, "15550001111:3@s.whatsapp.net");
    snprintf(c->me_lid, sizeof c->me_lid, "99990001111:3@lid");
    snprintf(c->me_name, sizeof c->me_name, "Tienda Ñandú");
    snprintf(c->platform, sizeof c->platform, "android");
    memset(c->account, 0xab, 180);
    c->account_len = 180;
    assert_int_equal(wa_creds_set_routing(c, (const uint8_t *)"\x08\x02\x08\x05", 4, NULL), RC_OK);
    assert_int_equal(wa_creds_prekeys_gen(c, 812, NULL), RC_OK);
    assert_true(wa_creds_prekey_remove(c, 3));
    c->first_unuploaded_prekey_id = 813;
    return c;
}

static void
assert_same(const struct wa_creds *a, const struct wa_creds *b)
{
    assert_memory_equal(&a->noise, &b->noise, sizeof a->noise);
    assert_memory_equal(&a->identity, &b->identity, sizeof a->identity);
    assert_memory_equal(&a->signed_prekey, &b->signed_prekey, sizeof a->signed_prekey);
    assert_memory_equal(a->signed_prekey_sig, b->signed_prekey_sig, SIGN_BYTES);
    assert_int_equal(a->signed_prekey_id, b->signed_prekey_id);
    assert_int_equal(a->registration_id, b->registration_id);
    assert_memory_equal(a->adv_secret, b->adv_secret, 32);
    assert_int_equal(a->next_prekey_id, b->next_prekey_id);
    assert_int_equal(a->first_unuploaded_prekey_id, b->first_unuploaded_prekey_id);
    assert_string_equal(a->me_jid, b->me_jid);
    assert_string_equal(a->me_lid, b->me_lid);
    assert_string_equal(a->me_name, b->me_name);
    assert_string_equal(a->platform, b->platform);
    assert_int_equal(a->account_len, b->account_len);
    assert_memory_equal(a->account, b->account, a->account_len ? a->account_len : 1);
    assert_int_equal(a->routing_len, b->routing_len);
    assert_int_equal(a->nprekeys, b->nprekeys);
    for (size_t i = 0; i < a->nprekeys; i++)
        assert_memory_equal(&a->prekeys[i], &b->prekeys[i], sizeof a->prekeys[i]);
}

static void
test_round_trip(void **state)
{
    struct wa_creds *fresh = wa_creds_generate(NULL), *full = paired(), *back;
    uint8_t *blob, *blob2;
    size_t len, len2;

    (void)state;
    wa_creds_dump(fresh, &blob, &len);
    assert_int_equal(wa_creds_parse(blob, len, &back, NULL), RC_OK);
    assert_same(fresh, back);
    assert_false(wa_creds_is_paired(back));
    wa_creds_free(back);
    secure_free(blob);
    wa_creds_dump(full, &blob, &len);
    assert_memory_equal(blob, "ewc\x01", 4);
    assert_int_equal(wa_creds_parse(blob, len, &back, NULL), RC_OK);
    assert_same(full, back);
    assert_true(wa_creds_is_paired(back));
    wa_creds_dump(back, &blob2, &len2); /* deterministic */
    assert_int_equal(len, len2);
    assert_memory_equal(blob, blob2, len);
    secure_free(blob2);
    secure_free(blob);
    wa_creds_free(back);
    wa_creds_free(full);
    wa_creds_free(fresh);
}

/* Parses a copy of blob with edit applied at off; must be refused without leaking. */
static void
refuse(const uint8_t *blob, size_t len)
{
    struct wa_creds *c = (struct wa_creds *)1;
    struct err e;

    assert_int_equal(wa_creds_parse(blob, len, &c, &e), RC_INVAL);
    assert_null(c);
    assert_true(e.msg[0] != '\0');
}

static void
test_hostile_blobs(void **state)
{
    struct wa_creds *full = paired();
    uint8_t *blob, *b;
    size_t len;

    (void)state;
    wa_creds_dump(full, &blob, &len);
    b = malloc(len + 5 + 64);
    for (size_t cut = 0; cut < len; cut += (cut < 400 ? 1 : 997))
        refuse(blob, cut); /* every truncation near the front, samples after */
    memcpy(b, blob, len);
    b[3] = 2; /* unknown version */
    refuse(b, len);
    memcpy(b, blob, len);
    b[0] = 'x';
    refuse(b, len);
    memcpy(b, blob, len);
    b[4] = 99; /* unknown tag */
    refuse(b, len);
    memcpy(b, blob, len);
    b[5 + 5] ^= 1; /* noise private key no longer matches its public half */
    refuse(b, len);
    memcpy(b, blob, len);
    b[8] = 0x7f; /* first record claims a huge length */
    refuse(b, len);
    memcpy(b, blob, len);
    memcpy(b + len, blob + 4, 5 + 64); /* a repeated record */
    refuse(b, len + 5 + 64);
    memcpy(b, blob, len);
    b[len] = 0; /* trailing garbage byte */
    refuse(b, len + 1);
    /* Pre-keys are the last record: a repeated or decreasing id is refused. */
    memcpy(b, blob, len);
    memcpy(b + len - (full->nprekeys - 1) * 68, b + len - full->nprekeys * 68, 4);
    refuse(b, len);
    memcpy(b, blob, len);
    memset(b + len - full->nprekeys * 68, 0, 4); /* id 0 */
    refuse(b, len);
    free(b);
    secure_free(blob);
    /* Inconsistent counters: the last pre-key id must be below next_prekey_id. */
    full->next_prekey_id = 100;
    wa_creds_dump(full, &blob, &len);
    refuse(blob, len);
    secure_free(blob);
    full->next_prekey_id = 813;
    full->account_len = 0; /* paired without account */
    wa_creds_dump(full, &blob, &len);
    refuse(blob, len);
    secure_free(blob);
    wa_creds_free(full);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generate),
        cmocka_unit_test(test_prekeys),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_hostile_blobs),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
