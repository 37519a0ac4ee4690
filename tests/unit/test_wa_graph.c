/* test_wa_graph — the Cloud API's JSON (src/wa/cloud/graph.c): the bodies embudo sends, read
 * back with jansson member by member; parameter cleaning; Meta's answers (a message id, the
 * phone number, errors, garbage, oversize); webhook statuses and messages, and every refusal;
 * error codes to Spanish and to what the sender does; the webhook signature against HMAC
 * vectors computed apart (RFC 4231 case 2, and openssl dgst -sha256 -hmac). */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/csv.h"
#include "util/err.h"
#include "wa/cloud/graph.h"

#define TO  "5215512345678"
#define REF "3EB0A1B2C3D4E5F6"

/* ---- helpers ---------------------------------------------------------------------------- */

static json_t *
parse(const char *s)
{
    json_t *root;

    assert_non_null(s);
    root = json_loads(s, 0, NULL);
    assert_true(json_is_object(root));
    return root;
}

/* The string at a path of object members ("template.language.code"). */
static const char *
str_at(const json_t *root, const char *path)
{
    char buf[128], *save = NULL;
    const json_t *v = root;

    assert_true(strlen(path) < sizeof buf);
    strcpy(buf, path);
    for (char *k = strtok_r(buf, ".", &save); k != NULL; k = strtok_r(NULL, ".", &save))
        v = json_object_get(v, k);
    assert_true(json_is_string(v));
    return json_string_value(v);
}

static char *
repeat(char c, size_t n)
{
    char *s = malloc(n + 1);

    assert_non_null(s);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

/* The template body for one parameter value, or NULL (e filled). */
static char *
one_param(const char *value, struct err *e)
{
    const char *params[] = { value };
    struct graph_template t = { "aviso_convenio", "es_MX", params, 1 };

    return graph_template_body(TO, &t, REF, e);
}

/* The cleaned value Meta would get for value. */
static void
assert_cleaned(const char *value, const char *want)
{
    struct err e = { 0 };
    char *body = one_param(value, &e);
    json_t *root = parse(body);
    json_t *p = json_array_get(
        json_object_get(
            json_array_get(json_object_get(json_object_get(root, "template"), "components"), 0),
            "parameters"),
        0);

    assert_string_equal(json_string_value(json_object_get(p, "text")), want);
    json_decref(root);
    free(body);
}

static void
assert_param_refused(const char *value)
{
    struct err e = { 0 };

    assert_null(one_param(value, &e));
    assert_int_equal(e.rc, RC_INVAL);
    assert_true(strlen(e.msg) > 0);
}

/* ---- template bodies -------------------------------------------------------------------- */

static void
test_template_body_has_exactly_metas_members(void **st)
{
    const char *params[] = { "María", "IMSS 2024" };
    struct graph_template t = { "aviso_convenio", "es_MX", params, 2 };
    struct err e = { 0 };
    char *body = graph_template_body(TO, &t, REF, &e);
    json_t *root = parse(body), *tpl, *comps, *body_comp, *ps;

    (void)st;
    assert_int_equal(json_object_size(root), 6);
    assert_string_equal(str_at(root, "messaging_product"), "whatsapp");
    assert_string_equal(str_at(root, "recipient_type"), "individual");
    assert_string_equal(str_at(root, "to"), TO);
    assert_string_equal(str_at(root, "type"), "template");
    assert_string_equal(str_at(root, "biz_opaque_callback_data"), REF);
    tpl = json_object_get(root, "template");
    assert_int_equal(json_object_size(tpl), 3);
    assert_string_equal(str_at(tpl, "name"), "aviso_convenio");
    assert_int_equal(json_object_size(json_object_get(tpl, "language")), 1);
    assert_string_equal(str_at(tpl, "language.code"), "es_MX");
    comps = json_object_get(tpl, "components");
    assert_int_equal(json_array_size(comps), 1);
    body_comp = json_array_get(comps, 0);
    assert_int_equal(json_object_size(body_comp), 2);
    assert_string_equal(str_at(body_comp, "type"), "body");
    ps = json_object_get(body_comp, "parameters");
    assert_int_equal(json_array_size(ps), 2);
    for (size_t i = 0; i < 2; i++) {
        json_t *p = json_array_get(ps, i);

        assert_int_equal(json_object_size(p), 2);
        assert_string_equal(str_at(p, "type"), "text");
        assert_string_equal(str_at(p, "text"), params[i]);
    }
    json_decref(root);
    free(body);
}

static void
test_template_without_params_has_no_components(void **st)
{
    struct graph_template t = { "bienvenida", "es", NULL, 0 };
    struct err e = { 0 };
    char *body = graph_template_body(TO, &t, REF, &e);

    (void)st;
    assert_string_equal(body, "{\"messaging_product\":\"whatsapp\",\"recipient_type\":"
                              "\"individual\",\"to\":\"5215512345678\",\"type\":\"template\","
                              "\"template\":{\"name\":\"bienvenida\",\"language\":{\"code\":"
                              "\"es\"}},\"biz_opaque_callback_data\":\"3EB0A1B2C3D4E5F6\"}");
    free(body);
}

static void
test_template_takes_twenty_params_and_refuses_more(void **st)
{
    const char *params[GRAPH_PARAMS_MAX + 1];
    struct graph_template t = { "x", "es_MX", params, GRAPH_PARAMS_MAX };
    struct err e = { 0 };
    char *body;
    json_t *root;

    (void)st;
    for (size_t i = 0; i <= GRAPH_PARAMS_MAX; i++)
        params[i] = "v";
    body = graph_template_body(TO, &t, REF, &e);
    root = parse(body);
    assert_int_equal(
        json_array_size(json_object_get(
            json_array_get(json_object_get(json_object_get(root, "template"), "components"), 0),
            "parameters")),
        GRAPH_PARAMS_MAX);
    json_decref(root);
    free(body);
    t.nparams = GRAPH_PARAMS_MAX + 1;
    assert_null(graph_template_body(TO, &t, REF, &e));
    assert_int_equal(e.rc, RC_INVAL);
    t.nparams = 1;
    t.params = NULL;
    assert_null(graph_template_body(TO, &t, REF, &e));
    assert_int_equal(e.rc, RC_INVAL);
}

static void
test_params_lose_new_lines_tabs_and_long_runs_of_spaces(void **st)
{
    (void)st;
    assert_cleaned("Juan Pérez", "Juan Pérez");
    assert_cleaned("a\nb", "a b");
    assert_cleaned("a\r\nb", "a b");
    assert_cleaned("a\tb", "a b");
    assert_cleaned("a\n\n\nb", "a b");
    assert_cleaned("a  \n  b", "a b");
    assert_cleaned("a    b", "a    b"); /* four spaces are allowed */
    assert_cleaned("a     b", "a b");   /* five are not */
    assert_cleaned("a          b  c", "a b  c");
    assert_cleaned("  x", "  x");
    assert_cleaned("x\n", "x ");
    assert_cleaned("x\x01y\x7fz", "x y z");
    assert_cleaned("ñandú\n€ 😀", "ñandú € 😀");
}

static void
test_params_refused_when_empty_blank_long_or_not_utf8(void **st)
{
    char *s;

    (void)st;
    assert_param_refused(NULL);
    assert_param_refused("");
    assert_param_refused(" ");
    assert_param_refused("     ");
    assert_param_refused("\n\t\r");
    assert_param_refused("\xC3\x28");     /* a lead byte without its continuation */
    assert_param_refused("\xC0\xAF");     /* overlong '/' */
    assert_param_refused("\xED\xA0\x80"); /* a surrogate */
    s = repeat('a', GRAPH_PARAM_MAX + 1);
    assert_param_refused(s);
    free(s);
}

static void
test_params_are_measured_after_cleaning(void **st)
{
    char *s = repeat('a', GRAPH_PARAM_MAX + 1), *want = repeat('a', GRAPH_PARAM_MAX - 9);

    (void)st;
    /* GRAPH_PARAM_MAX + 1 bytes, ending in eleven new lines that become one space */
    memset(s + GRAPH_PARAM_MAX - 10, '\n', 11);
    want[GRAPH_PARAM_MAX - 10] = ' ';
    assert_cleaned(s, want);
    free(want);
    free(s);
}

static void
test_params_at_the_limit_pass(void **st)
{
    struct err e = { 0 };
    char *s = repeat('a', GRAPH_PARAM_MAX), *body;

    (void)st;
    body = one_param(s, &e);
    assert_non_null(body);
    free(body);
    free(s);
}

static void
test_template_arguments_refused(void **st)
{
    static const char *const bad_to[] = {
        NULL,          "", "1234567", "123456789012345678901", "+5215512345678", "52155a2345678",
        "52 155 1234",
    };
    static const char *const bad_ref[] = { NULL, "", "3EB0 1", "3EB0\n", "ñ" };
    static const char *const bad_name[] = { NULL,   "", "Aviso", "aviso-convenio", "aviso convenio",
                                            "avisó" };
    static const char *const bad_lang[] = { NULL,    "",       "e",    "espa", "ES",    "es_mx",
                                            "es-MX", "es_MXX", "es_M", "es_",  "es_MX " };
    static const char *const good_lang[] = { "es", "fil", "es_MX", "pt_BR" };
    struct graph_template t = { "aviso", "es_MX", NULL, 0 };
    struct err e = { 0 };
    char *longref = repeat('A', GRAPH_ID_MAX + 1), *longname = repeat('a', 513), *body;

    (void)st;
    for (size_t i = 0; i < sizeof bad_to / sizeof bad_to[0]; i++) {
        err_clear(&e);
        assert_null(graph_template_body(bad_to[i], &t, REF, &e));
        assert_int_equal(e.rc, RC_INVAL);
    }
    for (size_t i = 0; i < sizeof bad_ref / sizeof bad_ref[0]; i++) {
        err_clear(&e);
        assert_null(graph_template_body(TO, &t, bad_ref[i], &e));
        assert_int_equal(e.rc, RC_INVAL);
    }
    assert_null(graph_template_body(TO, &t, longref, &e));
    for (size_t i = 0; i < sizeof bad_name / sizeof bad_name[0]; i++) {
        t.name = bad_name[i];
        err_clear(&e);
        assert_null(graph_template_body(TO, &t, REF, &e));
        assert_int_equal(e.rc, RC_INVAL);
    }
    t.name = longname;
    assert_null(graph_template_body(TO, &t, REF, &e));
    longname[512] = '\0';
    body = graph_template_body(TO, &t, REF, &e);
    assert_non_null(body);
    free(body);
    t.name = "aviso";
    for (size_t i = 0; i < sizeof bad_lang / sizeof bad_lang[0]; i++) {
        t.lang = bad_lang[i];
        err_clear(&e);
        assert_null(graph_template_body(TO, &t, REF, &e));
        assert_int_equal(e.rc, RC_INVAL);
    }
    for (size_t i = 0; i < sizeof good_lang / sizeof good_lang[0]; i++) {
        t.lang = good_lang[i];
        body = graph_template_body(TO, &t, REF, &e);
        assert_non_null(body);
        free(body);
    }
    assert_null(graph_template_body(TO, NULL, REF, &e));
    assert_int_equal(e.rc, RC_INVAL);
    longref[GRAPH_ID_MAX] = '\0';
    t.lang = "es_MX";
    body = graph_template_body("12345678", &t, longref, NULL); /* e may be NULL */
    assert_non_null(body);
    free(body);
    free(longref);
    free(longname);
}

/* ---- text bodies ------------------------------------------------------------------------ */

static void
test_text_body_is_metas_shape_and_sent_as_is(void **st)
{
    struct err e = { 0 };
    char *body = graph_text_body(TO, "Hola, Ana:\n\tsu préstamo \"ya\" está listo", REF, &e);
    json_t *root = parse(body);

    (void)st;
    assert_string_equal(body, "{\"messaging_product\":\"whatsapp\",\"recipient_type\":"
                              "\"individual\",\"to\":\"5215512345678\",\"type\":\"text\","
                              "\"text\":{\"preview_url\":false,\"body\":\"Hola, Ana:\\n\\tsu "
                              "préstamo \\\"ya\\\" está listo\"},"
                              "\"biz_opaque_callback_data\":\"3EB0A1B2C3D4E5F6\"}");
    assert_int_equal(json_object_size(root), 6);
    assert_true(json_is_false(json_object_get(json_object_get(root, "text"), "preview_url")));
    assert_string_equal(str_at(root, "text.body"), "Hola, Ana:\n\tsu préstamo \"ya\" está listo");
    json_decref(root);
    free(body);
}

static void
test_text_body_refusals(void **st)
{
    struct err e = { 0 };
    char *s = repeat('x', GRAPH_TEXT_MAX + 1), *body;

    (void)st;
    assert_null(graph_text_body(TO, NULL, REF, &e));
    assert_int_equal(e.rc, RC_INVAL);
    err_clear(&e);
    assert_null(graph_text_body(TO, "", REF, &e));
    assert_int_equal(e.rc, RC_INVAL);
    err_clear(&e);
    assert_null(graph_text_body(TO, s, REF, &e));
    assert_int_equal(e.rc, RC_INVAL);
    err_clear(&e);
    assert_null(graph_text_body(TO, "hola \xFF", REF, &e));
    assert_int_equal(e.rc, RC_INVAL);
    err_clear(&e);
    assert_null(graph_text_body("55 1234", "hola", REF, &e));
    assert_int_equal(e.rc, RC_INVAL);
    err_clear(&e);
    assert_null(graph_text_body(TO, "hola", "", &e));
    assert_int_equal(e.rc, RC_INVAL);
    s[GRAPH_TEXT_MAX] = '\0';
    body = graph_text_body(TO, s, REF, &e);
    assert_non_null(body);
    free(body);
    free(s);
}

/* ---- send answers ----------------------------------------------------------------------- */

static const char ok_answer[] =
    "{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"5215512345678\","
    "\"wa_id\":\"5215512345678\"}],\"messages\":[{\"id\":"
    "\"wamid.HBgLNTIxNTUxMjM0NTY3OBUCABEYEjQ2QjM3RDFBRkE0RjhGMjc3AA==\","
    "\"message_status\":\"accepted\"}]}";

static const char err_answer[] =
    "{\"error\":{\"message\":\"(#131030) Recipient phone number not in allowed list\","
    "\"type\":\"OAuthException\",\"code\":131030,\"error_data\":{\"messaging_product\":"
    "\"whatsapp\",\"details\":\"Recipient phone number not in allowed list: Add recipient phone "
    "number to recipient list and try again.\"},\"error_subcode\":2494010,"
    "\"fbtrace_id\":\"AbCdEf123\"}}";

static int
send_answer(long status, const char *body, char wamid[GRAPH_ID_MAX + 1], struct graph_error *ge,
            struct err *e)
{
    return graph_send_answer(status, body, body != NULL ? strlen(body) : 0, wamid, ge, e);
}

static void
test_send_answer_gives_the_wamid(void **st)
{
    char wamid[GRAPH_ID_MAX + 1] = "x";
    struct graph_error ge = { .code = 7 };
    struct err e = { 0 };

    (void)st;
    assert_int_equal(send_answer(200, ok_answer, wamid, &ge, &e), RC_OK);
    assert_string_equal(wamid, "wamid.HBgLNTIxNTUxMjM0NTY3OBUCABEYEjQ2QjM3RDFBRkE0RjhGMjc3AA==");
    assert_int_equal(ge.code, 0);
    assert_int_equal(send_answer(201, "{\"messages\":[{\"id\":\"wamid.1\"}]}", wamid, &ge, &e),
                     RC_OK);
    assert_string_equal(wamid, "wamid.1");
}

static void
test_send_answer_error_with_code(void **st)
{
    char wamid[GRAPH_ID_MAX + 1];
    struct graph_error ge;
    struct err e = { 0 };

    (void)st;
    assert_int_equal(send_answer(400, err_answer, wamid, &ge, &e), RC_REFUSED);
    assert_int_equal(e.rc, RC_REFUSED);
    assert_string_equal(wamid, "");
    assert_int_equal(ge.code, 131030);
    assert_int_equal(ge.subcode, 2494010);
    assert_string_equal(ge.title, "(#131030) Recipient phone number not in allowed list");
    assert_non_null(strstr(ge.details, "Add recipient phone number"));
    assert_string_equal(e.msg, graph_error_text(131030));
    /* An error body with a 2xx is not an answer to a send. */
    assert_int_equal(send_answer(200, err_answer, wamid, &ge, &e), RC_INVAL);
}

static void
test_send_answer_error_with_unknown_code_names_it(void **st)
{
    char wamid[GRAPH_ID_MAX + 1];
    struct graph_error ge;
    struct err e = { 0 };

    (void)st;
    assert_int_equal(
        send_answer(400, "{\"error\":{\"code\":999999,\"message\":\"new\"}}", wamid, &ge, &e),
        RC_REFUSED);
    assert_int_equal(ge.code, 999999);
    assert_string_equal(ge.title, "new");
    assert_non_null(strstr(e.msg, graph_error_text(0)));
    assert_non_null(strstr(e.msg, "999999"));
}

static void
test_send_answer_without_code_names_the_http_status(void **st)
{
    static const char *const bodies[] = {
        NULL,
        "",
        "<html>Bad Gateway</html>",
        "{}",
        "{\"error\":\"down\"}",
        "{\"error\":{\"code\":\"131026\",\"message\":\"x\"}}", /* code of the wrong type */
        "{\"error\":{\"code\":-5}}",
        "{\"error\":{\"code\":1.5}}",
        "{\"error\":{\"code\":131026,\"message\":7}}",
        "{\"error\":{\"code\":131026,\"error_data\":\"x\"}}",
        "[1,2]",
    };
    char wamid[GRAPH_ID_MAX + 1];
    struct graph_error ge;
    struct err e = { 0 };

    (void)st;
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        assert_int_equal(send_answer(500, bodies[i], wamid, &ge, &e), RC_REFUSED);
        assert_int_equal(ge.code, 0);
        assert_string_equal(ge.title, "");
        assert_non_null(strstr(e.msg, "HTTP 500"));
    }
    assert_int_equal(graph_error_kind(ge.code, 500), GRAPH_ERR_THROTTLED);
}

static void
test_send_answer_garbage_with_2xx_is_invalid(void **st)
{
    static const char *const bodies[] = {
        NULL,
        "",
        "no es json",
        "[]",
        "{}",
        "{\"messages\":{}}",
        "{\"messages\":[]}",
        "{\"messages\":[\"wamid.1\"]}",
        "{\"messages\":[{\"id\":12}]}",
        "{\"messages\":[{\"id\":\"\"}]}",
        "{\"messages\":[{\"id\":\"wamid 1\"}]}",
        "{\"messages\":[{\"id\":\"wamid.1\"}]} trailing",
        "{\"messages\":[{\"id\":\"wamid.1\"}]",
        "{\"messages\":[{\"id\":\"wamid.\\u0000\"}]}",
    };
    char wamid[GRAPH_ID_MAX + 1];
    struct graph_error ge;
    struct err e = { 0 };

    (void)st;
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        err_clear(&e);
        assert_int_equal(send_answer(200, bodies[i], wamid, &ge, &e), RC_INVAL);
        assert_string_equal(wamid, "");
        assert_non_null(strstr(e.msg, "respuesta no válida de la API de WhatsApp"));
    }
}

static void
test_send_answer_refuses_a_wamid_longer_than_its_buffer(void **st)
{
    char body[512], wamid[GRAPH_ID_MAX + 1];
    char *id = repeat('w', GRAPH_ID_MAX + 1);
    struct graph_error ge;
    struct err e = { 0 };

    (void)st;
    snprintf(body, sizeof body, "{\"messages\":[{\"id\":\"%s\"}]}", id);
    assert_int_equal(send_answer(200, body, wamid, &ge, &e), RC_INVAL);
    id[GRAPH_ID_MAX] = '\0';
    snprintf(body, sizeof body, "{\"messages\":[{\"id\":\"%s\"}]}", id);
    assert_int_equal(send_answer(200, body, wamid, &ge, &e), RC_OK);
    assert_string_equal(wamid, id);
    free(id);
}

static void
test_answers_over_the_limit_are_invalid(void **st)
{
    char *body = repeat(' ', GRAPH_ANSWER_MAX + 1), wamid[GRAPH_ID_MAX + 1];
    static const char head[] = "{\"messages\":[{\"id\":\"wamid.1\"}]}";
    struct graph_error ge;
    struct graph_phone ph;
    struct err e = { 0 };

    (void)st;
    memcpy(body, head, sizeof head - 1); /* valid JSON padded with white space */
    assert_int_equal(graph_send_answer(200, body, GRAPH_ANSWER_MAX + 1, wamid, &ge, &e), RC_INVAL);
    assert_non_null(strstr(e.msg, "respuesta no válida"));
    assert_int_equal(graph_send_answer(500, body, GRAPH_ANSWER_MAX + 1, wamid, &ge, &e), RC_INVAL);
    assert_int_equal(graph_phone_answer(200, body, GRAPH_ANSWER_MAX + 1, &ph, &ge, &e), RC_INVAL);
    assert_int_equal(graph_send_answer(200, body, GRAPH_ANSWER_MAX, wamid, &ge, &e), RC_OK);
    assert_string_equal(wamid, "wamid.1");
    free(body);
}

static void
test_error_title_and_details_are_cut_on_a_character(void **st)
{
    char body[1024], wamid[GRAPH_ID_MAX + 1];
    char *a = repeat('a', 126), *d = repeat('d', 300);
    struct graph_error ge;
    struct err e = { 0 };

    (void)st;
    /* 126 bytes, then a 2-byte ñ that would cross the 127-byte limit */
    snprintf(body, sizeof body,
             "{\"error\":{\"code\":131047,\"message\":\"%sñxyz\",\"error_data\":{\"details\":"
             "\"%s\"}}}",
             a, d);
    assert_int_equal(send_answer(400, body, wamid, &ge, &e), RC_REFUSED);
    assert_int_equal(ge.code, 131047);
    assert_string_equal(ge.title, a);
    assert_int_equal(strlen(ge.details), sizeof ge.details - 1);
    assert_true(csv_utf8_valid(ge.title, strlen(ge.title)));
    free(a);
    free(d);
}

/* ---- phone answers ---------------------------------------------------------------------- */

static int
phone_answer(long status, const char *body, struct graph_phone *ph, struct graph_error *ge,
             struct err *e)
{
    return graph_phone_answer(status, body, body != NULL ? strlen(body) : 0, ph, ge, e);
}

static void
test_phone_answer_reduces_the_number_to_digits(void **st)
{
    struct graph_phone ph;
    struct graph_error ge;
    struct err e = { 0 };

    (void)st;
    assert_int_equal(phone_answer(200,
                                  "{\"display_phone_number\":\"+52 55 1234 5678\","
                                  "\"verified_name\":\"Financiera del Bajío\","
                                  "\"quality_rating\":\"GREEN\",\"id\":\"1234\"}",
                                  &ph, &ge, &e),
                     RC_OK);
    assert_string_equal(ph.number, "525512345678");
    assert_string_equal(ph.name, "Financiera del Bajío");
    assert_string_equal(ph.quality, "GREEN");
    assert_int_equal(
        phone_answer(200, "{\"display_phone_number\":\"1 (555) 000-1111\"}", &ph, &ge, &e), RC_OK);
    assert_string_equal(ph.number, "15550001111");
    assert_string_equal(ph.name, "");
    assert_string_equal(ph.quality, "");
    /* A rating longer than the known ones is left out, not cut. */
    assert_int_equal(phone_answer(200,
                                  "{\"display_phone_number\":\"+52 55 1234 5678\","
                                  "\"quality_rating\":\"SOMETHING_MUCH_NEWER\"}",
                                  &ph, &ge, &e),
                     RC_OK);
    assert_string_equal(ph.quality, "");
}

static void
test_phone_answer_refusals(void **st)
{
    static const char *const bodies[] = {
        "{}",
        "{\"display_phone_number\":5215512345678}",
        "{\"display_phone_number\":\"+52 55 123\"}",                  /* 7 digits */
        "{\"display_phone_number\":\"+52 55 1234 5678 9012 34567\"}", /* 21 digits */
        "{\"display_phone_number\":\"+52 55 CALL NOW\"}",
        "{\"display_phone_number\":\"+52 55 1234 5678\",\"verified_name\":7}",
        "{\"display_phone_number\":\"+52 55 1234 5678\",\"quality_rating\":[]}",
        "garbage",
    };
    struct graph_phone ph;
    struct graph_error ge;
    struct err e = { 0 };

    (void)st;
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        assert_int_equal(phone_answer(200, bodies[i], &ph, &ge, &e), RC_INVAL);
        assert_string_equal(ph.number, "");
    }
    assert_int_equal(phone_answer(401,
                                  "{\"error\":{\"message\":\"Error validating access token\","
                                  "\"type\":\"OAuthException\",\"code\":190,"
                                  "\"error_subcode\":463}}",
                                  &ph, &ge, &e),
                     RC_REFUSED);
    assert_int_equal(ge.code, 190);
    assert_int_equal(ge.subcode, 463);
    assert_string_equal(e.msg, graph_error_text(190));
    assert_int_equal(graph_error_kind(ge.code, 401), GRAPH_ERR_TOKEN);
}

/* ---- webhook statuses ------------------------------------------------------------------- */

static int
event(enum graph_event_kind kind, const char *json, struct graph_event *ev, struct err *e)
{
    return graph_event_parse(kind, json, json != NULL ? strlen(json) : 0, ev, e);
}

static void
test_status_delivered_fills_every_field(void **st)
{
    struct graph_event ev;
    struct err e = { 0 };

    (void)st;
    assert_int_equal(event(GRAPH_EV_STATUS,
                           "{\"id\":\"wamid.HBgLNTIx\",\"status\":\"delivered\","
                           "\"timestamp\":\"1700000000\",\"recipient_id\":\"5215512345678\","
                           "\"biz_opaque_callback_data\":\"3EB0AA\",\"conversation\":{\"id\":"
                           "\"c1\",\"origin\":{\"type\":\"marketing\"}},\"pricing\":{\"billable\":"
                           "true,\"pricing_model\":\"CBP\",\"category\":\"marketing\"}}",
                           &ev, &e),
                     RC_OK);
    assert_int_equal(ev.kind, GRAPH_EV_STATUS);
    assert_int_equal(ev.status, GRAPH_ST_DELIVERED);
    assert_string_equal(ev.wamid, "wamid.HBgLNTIx");
    assert_string_equal(ev.ref, "3EB0AA");
    assert_string_equal(ev.recipient, "5215512345678");
    assert_int_equal(ev.at_ms, INT64_C(1700000000000));
    assert_int_equal(ev.error.code, 0);
    assert_null(ev.text);
    graph_event_fini(&ev);
}

static void
test_each_status_string(void **st)
{
    static const struct {
        const char *name;
        enum graph_status st;
    } cases[] = {
        { "sent", GRAPH_ST_SENT },     { "delivered", GRAPH_ST_DELIVERED },
        { "read", GRAPH_ST_READ },     { "failed", GRAPH_ST_FAILED },
        { "deleted", GRAPH_ST_OTHER }, { "warning", GRAPH_ST_OTHER },
        { "SENT", GRAPH_ST_OTHER },    { "played", GRAPH_ST_OTHER },
    };
    char json[128];
    struct graph_event ev;
    struct err e = { 0 };

    (void)st;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(json, sizeof json, "{\"id\":\"wamid.1\",\"status\":\"%s\"}", cases[i].name);
        assert_int_equal(event(GRAPH_EV_STATUS, json, &ev, &e), RC_OK);
        assert_int_equal(ev.status, cases[i].st);
        assert_string_equal(ev.ref, ""); /* absent: a message embudo did not send */
        assert_int_equal(ev.at_ms, 0);
        graph_event_fini(&ev);
    }
}

static void
test_failed_status_carries_errors0(void **st)
{
    struct graph_event ev;
    struct err e = { 0 };

    (void)st;
    assert_int_equal(event(GRAPH_EV_STATUS,
                           "{\"id\":\"wamid.2\",\"status\":\"failed\",\"timestamp\":\"1700000123\","
                           "\"recipient_id\":\"5215512345678\",\"biz_opaque_callback_data\":"
                           "\"3EB0BB\",\"errors\":[{\"code\":131026,\"title\":\"Message "
                           "undeliverable\",\"message\":\"Message undeliverable\","
                           "\"error_data\":{\"details\":\"Message Undeliverable.\"}},"
                           "{\"code\":1}]}",
                           &ev, &e),
                     RC_OK);
    assert_int_equal(ev.status, GRAPH_ST_FAILED);
    assert_int_equal(ev.error.code, 131026);
    assert_string_equal(ev.error.title, "Message undeliverable");
    assert_string_equal(ev.error.details, "Message Undeliverable.");
    assert_int_equal(ev.at_ms, INT64_C(1700000123000));
    assert_int_equal(graph_error_kind(ev.error.code, 0), GRAPH_ERR_MESSAGE);
    graph_event_fini(&ev);
    assert_int_equal(
        event(GRAPH_EV_STATUS, "{\"id\":\"wamid.2\",\"status\":\"failed\",\"errors\":[]}", &ev, &e),
        RC_OK);
    assert_int_equal(ev.error.code, 0);
}

static void
test_status_refusals(void **st)
{
    static const char *const bad[] = {
        NULL,
        "",
        "[]",
        "\"wamid.1\"",
        "{",
        "{\"status\":\"sent\"}",
        "{\"id\":7,\"status\":\"sent\"}",
        "{\"id\":\"\",\"status\":\"sent\"}",
        "{\"id\":\"wamid 1\",\"status\":\"sent\"}",
        "{\"id\":\"wamid.1\"}",
        "{\"id\":\"wamid.1\",\"status\":\"\"}",
        "{\"id\":\"wamid.1\",\"status\":3}",
        "{\"id\":\"wamid.1\",\"status\":null}",
        "{\"id\":\"wamid.1\",\"status\":\"sent\",\"timestamp\":1700000000}",
        "{\"id\":\"wamid.1\",\"status\":\"sent\",\"timestamp\":\"\"}",
        "{\"id\":\"wamid.1\",\"status\":\"sent\",\"timestamp\":\"17000a0000\"}",
        "{\"id\":\"wamid.1\",\"status\":\"sent\",\"timestamp\":\"-1700000000\"}",
        "{\"id\":\"wamid.1\",\"status\":\"sent\",\"timestamp\":\"99999999999999999999\"}",
        "{\"id\":\"wamid.1\",\"status\":\"sent\",\"recipient_id\":\"1234567\"}",
        "{\"id\":\"wamid.1\",\"status\":\"sent\",\"recipient_id\":\"123456789012345678901\"}",
        "{\"id\":\"wamid.1\",\"status\":\"sent\",\"recipient_id\":\"+5215512345678\"}",
        "{\"id\":\"wamid.1\",\"status\":\"sent\",\"recipient_id\":5215512345678}",
        "{\"id\":\"wamid.1\",\"status\":\"sent\",\"biz_opaque_callback_data\":5}",
        "{\"id\":\"wamid.1\",\"status\":\"failed\",\"errors\":{\"code\":131026}}",
        "{\"id\":\"wamid.1\",\"status\":\"failed\",\"errors\":[\"131026\"]}",
        "{\"id\":\"wamid.1\",\"status\":\"failed\",\"errors\":[{\"code\":\"131026\"}]}",
        "{\"id\":\"wamid.1\",\"status\":\"failed\",\"errors\":[{\"code\":99999999999}]}",
        "{\"id\":\"wamid.1\",\"status\":\"failed\",\"errors\":[{\"code\":1,\"title\":[]}]}",
    };
    struct graph_event ev;
    struct err e = { 0 };

    (void)st;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err_clear(&e);
        if (event(GRAPH_EV_STATUS, bad[i], &ev, &e) != RC_INVAL)
            fail_msg("aceptado: %s", bad[i] != NULL ? bad[i] : "NULL");
        assert_int_equal(e.rc, RC_INVAL);
        assert_non_null(strstr(e.msg, "evento de WhatsApp no válido"));
        assert_string_equal(ev.wamid, "");
        assert_null(ev.text);
        graph_event_fini(&ev);
    }
}

static void
test_ids_longer_than_their_buffers_are_refused_not_cut(void **st)
{
    char json[512];
    char *id = repeat('W', GRAPH_ID_MAX + 1);
    struct graph_event ev;
    struct err e = { 0 };

    (void)st;
    snprintf(json, sizeof json, "{\"id\":\"%s\",\"status\":\"sent\"}", id);
    assert_int_equal(event(GRAPH_EV_STATUS, json, &ev, &e), RC_INVAL);
    snprintf(json, sizeof json,
             "{\"id\":\"w\",\"status\":\"sent\",\"biz_opaque_callback_data\":\"%s\"}", id);
    assert_int_equal(event(GRAPH_EV_STATUS, json, &ev, &e), RC_INVAL);
    snprintf(json, sizeof json,
             "{\"from\":\"5215512345678\",\"id\":\"w\",\"type\":\"text\",\"text\":{\"body\":\"x\"},"
             "\"context\":{\"id\":\"%s\"}}",
             id);
    assert_int_equal(event(GRAPH_EV_MESSAGE, json, &ev, &e), RC_INVAL);
    assert_null(ev.text); /* the text read before the refusal is released */
    id[GRAPH_ID_MAX] = '\0';
    snprintf(json, sizeof json,
             "{\"id\":\"%s\",\"status\":\"sent\",\"biz_opaque_callback_data\":\"%s\"}", id, id);
    assert_int_equal(event(GRAPH_EV_STATUS, json, &ev, &e), RC_OK);
    assert_string_equal(ev.wamid, id);
    assert_string_equal(ev.ref, id);
    graph_event_fini(&ev);
    free(id);
}

/* ---- webhook messages ------------------------------------------------------------------- */

static void
test_text_message_with_context(void **st)
{
    struct graph_event ev;
    struct err e = { 0 };

    (void)st;
    assert_int_equal(event(GRAPH_EV_MESSAGE,
                           "{\"from\":\"5215512345678\",\"id\":\"wamid.IN1\",\"timestamp\":"
                           "\"1700000000\",\"type\":\"text\",\"text\":{\"body\":\"BAJA\"},"
                           "\"context\":{\"from\":\"5215500000000\",\"id\":\"wamid.OUT1\"}}",
                           &ev, &e),
                     RC_OK);
    assert_int_equal(ev.kind, GRAPH_EV_MESSAGE);
    assert_string_equal(ev.from, "5215512345678");
    assert_string_equal(ev.id, "wamid.IN1");
    assert_string_equal(ev.type, "text");
    assert_string_equal(ev.context_id, "wamid.OUT1");
    assert_int_equal(ev.at_ms, INT64_C(1700000000000));
    assert_string_equal(ev.text, "BAJA");
    graph_event_fini(&ev);
    assert_null(ev.text);
    graph_event_fini(&ev); /* twice is harmless */
    graph_event_fini(NULL);
}

static void
test_button_and_interactive_replies_give_their_text(void **st)
{
    static const struct {
        const char *json, *type, *text;
    } cases[] = {
        { "{\"from\":\"5215512345678\",\"id\":\"w1\",\"type\":\"button\",\"button\":{\"text\":"
          "\"No me interesa\",\"payload\":\"BAJA\"},\"context\":{\"id\":\"wamid.T\"}}",
          "button", "No me interesa" },
        { "{\"from\":\"5215512345678\",\"id\":\"w2\",\"type\":\"interactive\",\"interactive\":"
          "{\"type\":\"button_reply\",\"button_reply\":{\"id\":\"si\",\"title\":\"Sí\"}}}",
          "interactive", "Sí" },
        { "{\"from\":\"5215512345678\",\"id\":\"w3\",\"type\":\"interactive\",\"interactive\":"
          "{\"type\":\"list_reply\",\"list_reply\":{\"id\":\"m20\",\"title\":\"20 mil\","
          "\"description\":\"a 24 meses\"}}}",
          "interactive", "20 mil" },
        { "{\"from\":\"5215512345678\",\"id\":\"w4\",\"type\":\"text\",\"text\":{\"body\":\"\"}}",
          "text", "" },
    };
    struct graph_event ev;
    struct err e = { 0 };

    (void)st;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(event(GRAPH_EV_MESSAGE, cases[i].json, &ev, &e), RC_OK);
        assert_string_equal(ev.type, cases[i].type);
        assert_non_null(ev.text);
        assert_string_equal(ev.text, cases[i].text);
        graph_event_fini(&ev);
    }
}

static void
test_other_message_types_have_no_text(void **st)
{
    static const char *const cases[] = {
        "{\"from\":\"5215512345678\",\"id\":\"w5\",\"type\":\"image\",\"image\":{\"id\":\"m1\","
        "\"mime_type\":\"image/jpeg\",\"caption\":\"mi INE\"}}",
        "{\"from\":\"5215512345678\",\"id\":\"w6\",\"type\":\"sticker\"}",
        "{\"from\":\"5215512345678\",\"id\":\"w7\",\"type\":\"interactive\",\"interactive\":"
        "{\"type\":\"nfm_reply\",\"nfm_reply\":{\"body\":\"Sent\"}}}",
        "{\"from\":\"5215512345678\",\"id\":\"w8\",\"type\":\"unsupported\",\"errors\":[{\"code\":"
        "131051}]}",
    };
    struct graph_event ev;
    struct err e = { 0 };

    (void)st;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(event(GRAPH_EV_MESSAGE, cases[i], &ev, &e), RC_OK);
        assert_null(ev.text);
        assert_string_equal(ev.context_id, "");
        graph_event_fini(&ev);
    }
}

static void
test_message_refusals(void **st)
{
    static const char *const bad[] = {
        "{\"id\":\"w\",\"type\":\"text\",\"text\":{\"body\":\"x\"}}",
        "{\"from\":\"abc\",\"id\":\"w\",\"type\":\"text\",\"text\":{\"body\":\"x\"}}",
        "{\"from\":5215512345678,\"id\":\"w\",\"type\":\"text\",\"text\":{\"body\":\"x\"}}",
        "{\"from\":\"5215512345678\",\"type\":\"text\",\"text\":{\"body\":\"x\"}}",
        "{\"from\":\"5215512345678\",\"id\":\"w\",\"text\":{\"body\":\"x\"}}",
        "{\"from\":\"5215512345678\",\"id\":\"w\",\"type\":\"\"}",
        "{\"from\":\"5215512345678\",\"id\":\"w\",\"type\":\"a_type_name_far_too_long\"}",
        "{\"from\":\"5215512345678\",\"id\":\"w\",\"type\":\"text\"}",
        "{\"from\":\"5215512345678\",\"id\":\"w\",\"type\":\"text\",\"text\":\"x\"}",
        "{\"from\":\"5215512345678\",\"id\":\"w\",\"type\":\"text\",\"text\":{\"body\":1}}",
        "{\"from\":\"5215512345678\",\"id\":\"w\",\"type\":\"button\",\"button\":{}}",
        "{\"from\":\"5215512345678\",\"id\":\"w\",\"type\":\"interactive\",\"interactive\":{}}",
        "{\"from\":\"5215512345678\",\"id\":\"w\",\"type\":\"interactive\",\"interactive\":"
        "{\"type\":\"button_reply\"}}",
        "{\"from\":\"5215512345678\",\"id\":\"w\",\"type\":\"interactive\",\"interactive\":"
        "{\"type\":\"list_reply\",\"list_reply\":{\"id\":\"x\"}}}",
        "{\"from\":\"5215512345678\",\"id\":\"w\",\"type\":\"text\",\"text\":{\"body\":\"x\"},"
        "\"context\":\"wamid.1\"}",
        "{\"from\":\"5215512345678\",\"id\":\"w\",\"type\":\"text\",\"text\":{\"body\":\"x\"},"
        "\"timestamp\":\"x\"}",
        /* a status object is not a message */
        "{\"id\":\"wamid.1\",\"status\":\"sent\",\"recipient_id\":\"5215512345678\"}",
    };
    struct graph_event ev;
    struct err e = { 0 };

    (void)st;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err_clear(&e);
        if (event(GRAPH_EV_MESSAGE, bad[i], &ev, &e) != RC_INVAL)
            fail_msg("aceptado: %s", bad[i]);
        assert_non_null(strstr(e.msg, "evento de WhatsApp no válido"));
        assert_null(ev.text);
        assert_string_equal(ev.from, "");
    }
}

/* ---- error codes ------------------------------------------------------------------------ */

static void
test_error_kinds(void **st)
{
    static const struct {
        int code;
        long http;
        enum graph_error_kind kind;
    } cases[] = {
        { 190, 400, GRAPH_ERR_TOKEN },         { 190, 0, GRAPH_ERR_TOKEN },
        { 102, 400, GRAPH_ERR_TOKEN },         { 10, 403, GRAPH_ERR_TOKEN },
        { 3, 400, GRAPH_ERR_TOKEN },           { 200, 403, GRAPH_ERR_TOKEN },
        { 250, 400, GRAPH_ERR_TOKEN },         { 299, 400, GRAPH_ERR_TOKEN },
        { 131005, 403, GRAPH_ERR_TOKEN },      { 0, 401, GRAPH_ERR_TOKEN },
        { 131026, 401, GRAPH_ERR_TOKEN },      { 0, 403, GRAPH_ERR_TOKEN },
        { 368, 400, GRAPH_ERR_RESTRICTED },    { 131031, 400, GRAPH_ERR_RESTRICTED },
        { 131042, 400, GRAPH_ERR_RESTRICTED }, { 131045, 0, GRAPH_ERR_RESTRICTED },
        { 133010, 400, GRAPH_ERR_RESTRICTED }, { 131048, 0, GRAPH_ERR_RESTRICTED },
        { 131037, 400, GRAPH_ERR_RESTRICTED }, { 4, 400, GRAPH_ERR_THROTTLED },
        { 80007, 400, GRAPH_ERR_THROTTLED },   { 130429, 400, GRAPH_ERR_THROTTLED },
        { 130429, 0, GRAPH_ERR_THROTTLED },    { 2, 400, GRAPH_ERR_THROTTLED },
        { 131016, 503, GRAPH_ERR_THROTTLED },  { 131057, 400, GRAPH_ERR_THROTTLED },
        { 1, 500, GRAPH_ERR_THROTTLED },       { 1, 400, GRAPH_ERR_MESSAGE },
        { 131000, 503, GRAPH_ERR_THROTTLED },  { 131000, 400, GRAPH_ERR_MESSAGE },
        { 131000, 0, GRAPH_ERR_MESSAGE },      { 0, 500, GRAPH_ERR_THROTTLED },
        { 0, 502, GRAPH_ERR_THROTTLED },       { 0, 429, GRAPH_ERR_THROTTLED },
        { 0, 400, GRAPH_ERR_MESSAGE },         { 0, 404, GRAPH_ERR_MESSAGE },
        { 0, 0, GRAPH_ERR_MESSAGE },           { 999999, 503, GRAPH_ERR_THROTTLED },
        { 999999, 400, GRAPH_ERR_MESSAGE },    { 131056, 400, GRAPH_ERR_MESSAGE },
        { 131056, 0, GRAPH_ERR_MESSAGE },      { 131047, 400, GRAPH_ERR_MESSAGE },
        { 131026, 0, GRAPH_ERR_MESSAGE },      { 131026, 500, GRAPH_ERR_MESSAGE },
        { 132001, 404, GRAPH_ERR_MESSAGE },    { 132015, 400, GRAPH_ERR_MESSAGE },
        { 131050, 0, GRAPH_ERR_MESSAGE },      { 100, 400, GRAPH_ERR_MESSAGE },
        { 300, 400, GRAPH_ERR_MESSAGE },       { 199, 400, GRAPH_ERR_MESSAGE },
    };

    (void)st;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (graph_error_kind(cases[i].code, cases[i].http) != cases[i].kind)
            fail_msg("código %d, HTTP %ld: clase %d, se esperaba %d", cases[i].code, cases[i].http,
                     graph_error_kind(cases[i].code, cases[i].http), cases[i].kind);
}

static void
test_error_texts_are_spanish_sentences(void **st)
{
    static const int known[] = {
        1,      2,      4,      10,     100,    190,    200,    250,    299,    368,    130429,
        130472, 131000, 131005, 131008, 131009, 131016, 131021, 131026, 131031, 131042, 131045,
        131047, 131049, 131050, 131051, 131052, 131053, 131056, 132000, 132001, 132005, 132007,
        132012, 132015, 132016, 132068, 132069, 133010, 135000, 80007,
    };
    const char *generic = graph_error_text(0);

    (void)st;
    assert_non_null(generic);
    assert_string_equal(graph_error_text(-1), generic);
    assert_string_equal(graph_error_text(999999), generic);
    assert_string_equal(graph_error_text(300), generic);
    assert_string_equal(graph_error_text(250), graph_error_text(200));
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        const char *t = graph_error_text(known[i]);

        assert_non_null(t);
        if (strcmp(t, generic) == 0)
            fail_msg("código %d sin texto propio", known[i]);
        assert_true(strlen(t) > 20 && strlen(t) < 200); /* fits err.msg with room */
        assert_true(csv_utf8_valid(t, strlen(t)));
    }
    assert_non_null(strstr(graph_error_text(131047), "fuera de la ventana de 24 horas"));
    assert_non_null(strstr(graph_error_text(131047), "plantilla aprobada"));
    assert_non_null(strstr(graph_error_text(131026), "no tiene WhatsApp"));
    assert_non_null(strstr(graph_error_text(190), "token de acceso"));
    assert_non_null(strstr(graph_error_text(190), "administrador"));
    assert_non_null(strstr(graph_error_text(131042), "pago"));
    assert_non_null(strstr(graph_error_text(132001), "plantilla"));
}

/* ---- signatures ------------------------------------------------------------------------- */

/* RFC 4231, test case 2: HMAC-SHA256("Jefe", "what do ya want for nothing?"). */
#define JEFE_KEY  "Jefe"
#define JEFE_DATA "what do ya want for nothing?"
#define JEFE_HEX  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"

static bool
sig_ok(const char *header, const char *secret, const char *body)
{
    return graph_signature_ok(header, (const uint8_t *)secret, strlen(secret),
                              (const uint8_t *)body, strlen(body));
}

static void
test_signature_matches_rfc4231_and_openssl(void **st)
{
    /* printf '%s' "$body" | openssl dgst -sha256 -hmac 'secreto-de-la-app' */
    static const char body[] = "{\"object\":\"whatsapp_business_account\",\"entry\":[]}";
    char out[7 + 64 + 1];

    (void)st;
    graph_signature(out, (const uint8_t *)JEFE_KEY, 4, (const uint8_t *)JEFE_DATA,
                    strlen(JEFE_DATA));
    assert_string_equal(out, "sha256=" JEFE_HEX);
    assert_true(sig_ok("sha256=" JEFE_HEX, JEFE_KEY, JEFE_DATA));
    graph_signature(out, (const uint8_t *)"secreto-de-la-app", 17, (const uint8_t *)body,
                    strlen(body));
    assert_string_equal(out, "sha256=5c8b344ed260a7dbbfcd5a160b5798fdf438b59bed784701fac5b103c5a"
                             "32521");
    assert_true(sig_ok(out, "secreto-de-la-app", body));
}

static void
test_signature_hex_in_either_case(void **st)
{
    (void)st;
    assert_true(sig_ok("sha256=5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843",
                       JEFE_KEY, JEFE_DATA));
    assert_true(sig_ok("sha256=5bDCc146bf60754e6a042426089575C75A003F089d2739839dec58b964ec3843",
                       JEFE_KEY, JEFE_DATA));
}

static void
test_signature_refusals(void **st)
{
    static const char *const bad[] = {
        "",
        "sha256=",
        "SHA256=" JEFE_HEX,
        "sha1=" JEFE_HEX,
        JEFE_HEX,
        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec384", /* 63 */
        "sha256=" JEFE_HEX "0",
        "sha256=" JEFE_HEX " ",
        " sha256=" JEFE_HEX,
        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3842", /* last bit */
        "sha256=gbdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec384 ",
    };
    char out[7 + 64 + 1];

    (void)st;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (sig_ok(bad[i], JEFE_KEY, JEFE_DATA))
            fail_msg("aceptada: «%s»", bad[i]);
    /* Each digit counts: the first byte of this MAC is 0xff, and "fg" must not pass for it.
     * printf '%s' '{"entry":[44]}' | openssl dgst -sha256 -hmac Jefe */
    assert_true(sig_ok("sha256=ff928d693c9e6de53c8902bcb9741ad227bf293f0bc71ae169d10224acca9f01",
                       JEFE_KEY, "{\"entry\":[44]}"));
    assert_false(sig_ok("sha256=fg928d693c9e6de53c8902bcb9741ad227bf293f0bc71ae169d10224acca9f01",
                        JEFE_KEY, "{\"entry\":[44]}"));
    assert_false(sig_ok("sha256=" JEFE_HEX, "jefe", JEFE_DATA));
    assert_false(sig_ok("sha256=" JEFE_HEX, JEFE_KEY, "what do ya want for nothing!"));
    assert_false(graph_signature_ok(NULL, (const uint8_t *)JEFE_KEY, 4, (const uint8_t *)JEFE_DATA,
                                    strlen(JEFE_DATA)));
    assert_false(graph_signature_ok("sha256=" JEFE_HEX, NULL, 4, (const uint8_t *)JEFE_DATA,
                                    strlen(JEFE_DATA)));
    assert_false(graph_signature_ok("sha256=" JEFE_HEX, (const uint8_t *)JEFE_KEY, 4, NULL,
                                    strlen(JEFE_DATA)));
    /* An empty secret proves nothing, even with its own correct signature. */
    graph_signature(out, (const uint8_t *)"", 0, (const uint8_t *)JEFE_DATA, strlen(JEFE_DATA));
    assert_false(graph_signature_ok(out, (const uint8_t *)"", 0, (const uint8_t *)JEFE_DATA,
                                    strlen(JEFE_DATA)));
    /* An empty body is signed like any other. */
    graph_signature(out, (const uint8_t *)JEFE_KEY, 4, NULL, 0);
    assert_true(graph_signature_ok(out, (const uint8_t *)JEFE_KEY, 4, NULL, 0));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_template_body_has_exactly_metas_members),
        cmocka_unit_test(test_template_without_params_has_no_components),
        cmocka_unit_test(test_template_takes_twenty_params_and_refuses_more),
        cmocka_unit_test(test_params_lose_new_lines_tabs_and_long_runs_of_spaces),
        cmocka_unit_test(test_params_refused_when_empty_blank_long_or_not_utf8),
        cmocka_unit_test(test_params_are_measured_after_cleaning),
        cmocka_unit_test(test_params_at_the_limit_pass),
        cmocka_unit_test(test_template_arguments_refused),
        cmocka_unit_test(test_text_body_is_metas_shape_and_sent_as_is),
        cmocka_unit_test(test_text_body_refusals),
        cmocka_unit_test(test_send_answer_gives_the_wamid),
        cmocka_unit_test(test_send_answer_error_with_code),
        cmocka_unit_test(test_send_answer_error_with_unknown_code_names_it),
        cmocka_unit_test(test_send_answer_without_code_names_the_http_status),
        cmocka_unit_test(test_send_answer_garbage_with_2xx_is_invalid),
        cmocka_unit_test(test_send_answer_refuses_a_wamid_longer_than_its_buffer),
        cmocka_unit_test(test_answers_over_the_limit_are_invalid),
        cmocka_unit_test(test_error_title_and_details_are_cut_on_a_character),
        cmocka_unit_test(test_phone_answer_reduces_the_number_to_digits),
        cmocka_unit_test(test_phone_answer_refusals),
        cmocka_unit_test(test_status_delivered_fills_every_field),
        cmocka_unit_test(test_each_status_string),
        cmocka_unit_test(test_failed_status_carries_errors0),
        cmocka_unit_test(test_status_refusals),
        cmocka_unit_test(test_ids_longer_than_their_buffers_are_refused_not_cut),
        cmocka_unit_test(test_text_message_with_context),
        cmocka_unit_test(test_button_and_interactive_replies_give_their_text),
        cmocka_unit_test(test_other_message_types_have_no_text),
        cmocka_unit_test(test_message_refusals),
        cmocka_unit_test(test_error_kinds),
        cmocka_unit_test(test_error_texts_are_spanish_sentences),
        cmocka_unit_test(test_signature_matches_rfc4231_and_openssl),
        cmocka_unit_test(test_signature_hex_in_either_case),
        cmocka_unit_test(test_signature_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
