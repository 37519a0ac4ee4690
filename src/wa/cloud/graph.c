#include "wa/cloud/graph.h"

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "crypto/digest.h"
#include "crypto/secure.h"
#include "util/err.h"
#include "util/hex.h"
#include "util/xmalloc.h"

#define TEMPLATE_NAME_MAX 512
#define DIGITS_MIN        8
#define DIGITS_MAX        20
#define SIG_PREFIX        "sha256="
#define SIG_PREFIX_LEN    7

/* What Meta's error codes mean (Spanish, for a promoter or the admin) and what the sender does
 * about them (docs/wa-cloud.md, "Graph JSON: decisions"). KIND_BY_HTTP marks the generic codes:
 * for them, as for 0 and codes not listed, the HTTP status decides. */
#define KIND_BY_HTTP (-1)

static const struct graph_code {
    int code;
    int kind; /* enum graph_error_kind or KIND_BY_HTTP */
    const char *text;
} codes[] = {
    { 1, KIND_BY_HTTP,
      "error desconocido en la API de WhatsApp (posible falla de Meta); intente más tarde" },
    { 2, GRAPH_ERR_THROTTLED,
      "el servicio de WhatsApp de Meta no está disponible por ahora (caído o saturado); intente más tarde" },
    { 3, GRAPH_ERR_TOKEN,
      "la aplicación de Meta no tiene permiso para esta operación: el administrador debe revisar sus permisos" },
    { 4, GRAPH_ERR_THROTTLED,
      "la aplicación de Meta hizo demasiadas llamadas a la API; espere unos minutos" },
    { 10, GRAPH_ERR_TOKEN,
      "Meta negó el permiso (no se otorgó o se retiró): el administrador debe revisar los permisos del token" },
    { 100, GRAPH_ERR_MESSAGE, "la solicitud a la API de WhatsApp tiene un parámetro no válido" },
    { 102, GRAPH_ERR_TOKEN,
      "la sesión de Meta venció o no es válida: el administrador debe renovar el token de acceso" },
    { 190, GRAPH_ERR_TOKEN,
      "el token de acceso de Meta es inválido o venció: el administrador debe renovarlo" },
    /* graph_code_find maps the whole range 200…299 to this entry. */
    { 200, GRAPH_ERR_TOKEN,
      "el token de acceso de Meta no tiene el permiso necesario: el administrador debe otorgarlo en la cuenta de negocio" },
    { 368, GRAPH_ERR_RESTRICTED,
      "Meta bloqueó temporalmente la cuenta por infringir sus políticas" },
    { 80007, GRAPH_ERR_THROTTLED,
      "la cuenta de WhatsApp Business alcanzó su límite de llamadas a la API; espere unos minutos" },
    { 130429, GRAPH_ERR_THROTTLED,
      "se alcanzó el límite de mensajes por segundo del número en Meta; espere y vuelva a intentar" },
    { 130472, GRAPH_ERR_MESSAGE,
      "Meta no entregó el mensaje: el número del cliente forma parte de un experimento de Meta" },
    { 130497, GRAPH_ERR_MESSAGE,
      "la cuenta de WhatsApp Business no puede enviar mensajes a clientes de ese país" },
    { 131000, KIND_BY_HTTP, "algo falló en Meta al procesar el mensaje; intente de nuevo" },
    { 131005, GRAPH_ERR_TOKEN,
      "acceso denegado: el token de Meta no tiene permiso (o se lo retiraron); el administrador debe revisarlo" },
    { 131008, GRAPH_ERR_MESSAGE,
      "falta un parámetro obligatorio en la solicitud a la API de WhatsApp" },
    { 131009, GRAPH_ERR_MESSAGE,
      "un valor de la solicitud no es válido para la API de WhatsApp (revise el número y los parámetros)" },
    { 131016, GRAPH_ERR_THROTTLED,
      "un servicio de Meta no está disponible por ahora; intente más tarde" },
    { 131021, GRAPH_ERR_MESSAGE, "el destinatario es el mismo número que envía" },
    { 131026, GRAPH_ERR_MESSAGE,
      "el número no pudo recibir el mensaje (no tiene WhatsApp, o su versión no lo admite)" },
    { 131030, GRAPH_ERR_MESSAGE,
      "el número no está en la lista de destinatarios permitidos de la cuenta de prueba de Meta" },
    { 131031, GRAPH_ERR_RESTRICTED,
      "Meta bloqueó la cuenta de WhatsApp Business (políticas o datos de la cuenta): el administrador debe revisarla" },
    { 131037, GRAPH_ERR_RESTRICTED,
      "Meta aún no aprueba el nombre visible del número: no puede enviar hasta que lo apruebe" },
    { 131042, GRAPH_ERR_RESTRICTED,
      "la cuenta de WhatsApp Business tiene un problema de pago con Meta: el administrador debe revisar el método de pago" },
    { 131045, GRAPH_ERR_RESTRICTED,
      "el número no está bien registrado en Meta (error de certificado): el administrador debe registrarlo de nuevo" },
    { 131047, GRAPH_ERR_MESSAGE,
      "fuera de la ventana de 24 horas: el cliente no ha escrito en las últimas 24 horas; use una campaña con plantilla aprobada" },
    { 131048, GRAPH_ERR_RESTRICTED,
      "Meta limitó los envíos del número porque muchos mensajes se marcaron como spam o se bloquearon" },
    { 131049, GRAPH_ERR_MESSAGE,
      "Meta no entregó el mensaje para cuidar la experiencia del cliente (límite de mensajes de marketing); intente más adelante" },
    { 131050, GRAPH_ERR_MESSAGE,
      "el cliente pidió dejar de recibir mensajes de marketing de esta empresa" },
    { 131051, GRAPH_ERR_MESSAGE, "WhatsApp no admite este tipo de mensaje" },
    { 131052, GRAPH_ERR_MESSAGE, "no se pudo descargar el archivo que envió el cliente" },
    { 131053, GRAPH_ERR_MESSAGE, "no se pudo subir a WhatsApp el archivo del mensaje" },
    { 131056, GRAPH_ERR_MESSAGE,
      "demasiados mensajes seguidos al mismo cliente; espere un momento y vuelva a enviarlo" },
    { 131057, GRAPH_ERR_THROTTLED,
      "la cuenta de WhatsApp Business está en mantenimiento; intente más tarde" },
    { 132000, GRAPH_ERR_MESSAGE,
      "la cantidad de valores no coincide con los parámetros de la plantilla aprobada en Meta" },
    { 132001, GRAPH_ERR_MESSAGE,
      "la plantilla no existe en Meta en ese idioma, o aún no está aprobada" },
    { 132005, GRAPH_ERR_MESSAGE, "el texto de la plantilla con sus valores es demasiado largo" },
    { 132007, GRAPH_ERR_MESSAGE,
      "el contenido de la plantilla infringe las reglas de formato de Meta" },
    { 132012, GRAPH_ERR_MESSAGE,
      "el formato de un valor no coincide con el parámetro de la plantilla aprobada" },
    { 132015, GRAPH_ERR_MESSAGE, "Meta pausó la plantilla por baja calidad: edítela o use otra" },
    { 132016, GRAPH_ERR_MESSAGE, "Meta desactivó la plantilla por baja calidad: cree otra" },
    { 132018, GRAPH_ERR_MESSAGE,
      "un valor de la plantilla tiene saltos de línea, tabuladores o más de cuatro espacios seguidos" },
    { 132068, GRAPH_ERR_MESSAGE, "el flujo (Flow) del mensaje está bloqueado en Meta" },
    { 132069, GRAPH_ERR_MESSAGE, "Meta limitó el flujo (Flow) del mensaje; intente más tarde" },
    { 133010, GRAPH_ERR_RESTRICTED,
      "el número no está registrado en la API de WhatsApp de Meta: el administrador debe registrarlo" },
    { 135000, GRAPH_ERR_MESSAGE,
      "Meta rechazó el mensaje por un error genérico (revise el número y los parámetros)" },
};

static const char generic_text[] = "la API de WhatsApp respondió con un error";

static const struct graph_code *
graph_code_find(int code)
{
    if (code >= 200 && code <= 299)
        code = 200;
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (codes[i].code == code)
            return &codes[i];
    return NULL;
}

/* ---- small checks ----------------------------------------------------------------------- */

/* True when s is min…max ASCII digits and nothing else. */
static bool
digits_ok(const char *s, size_t min, size_t max)
{
    size_t n;

    if (s == NULL)
        return false;
    for (n = 0; s[n] != '\0'; n++)
        if (s[n] < '0' || s[n] > '9' || n >= max)
            return false;
    return n >= min;
}

/* Ids (wamids, our references, message types) are 1…max visible ASCII characters: they end up
 * in logs, in the database and back in Meta's webhooks, where nothing else is expected. */
static bool
token_ok(const char *s, size_t max)
{
    size_t n;

    if (s == NULL)
        return false;
    for (n = 0; s[n] != '\0'; n++)
        if (s[n] <= ' ' || s[n] > '~' || n >= max)
            return false;
    return n >= 1;
}

static bool
name_ok(const char *s)
{
    size_t n;

    if (s == NULL)
        return false;
    for (n = 0; s[n] != '\0'; n++)
        if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_') ||
            n >= TEMPLATE_NAME_MAX)
            return false;
    return n >= 1;
}

/* ^[a-z]{2,3}(_[A-Z]{2})?$ : "es", "fil", "es_MX". */
static bool
lang_ok(const char *s)
{
    size_t n = 0;

    if (s == NULL)
        return false;
    while (s[n] >= 'a' && s[n] <= 'z' && n < 4)
        n++;
    if (n < 2 || n > 3)
        return false;
    if (s[n] == '\0')
        return true;
    return s[n] == '_' && s[n + 1] >= 'A' && s[n + 1] <= 'Z' && s[n + 2] >= 'A' &&
           s[n + 2] <= 'Z' && s[n + 3] == '\0';
}

/* Copies s into dst[cap], cut at a UTF-8 character boundary when too long; "" for NULL.
 * Only for free text kept for logs (Meta's titles and details, the verified name). */
static void
copy_cut(char *dst, size_t cap, const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;

    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    if (n > 0)
        memcpy(dst, s, n);
    dst[n] = '\0';
}

/* ---- building --------------------------------------------------------------------------- */

/* jansson reports allocation failures as NULL; embudo treats them as fatal (STYLE §B.4).
 * The values are validated before they get here, so NULL can mean nothing else. */
static void
jset(json_t *obj, const char *key, json_t *v)
{
    if (v == NULL || json_object_set_new(obj, key, v) != 0)
        fatal("sin memoria (jansson)");
}

static json_t *
jobj(void)
{
    json_t *o = json_object();

    if (o == NULL)
        fatal("sin memoria (jansson)");
    return o;
}

static int
check_to_ref(const char *to, const char *ref, struct err *e)
{
    if (!digits_ok(to, DIGITS_MIN, DIGITS_MAX))
        return err_set(e, RC_INVAL,
                       "número de destino no válido: se esperan de 8 a 20 dígitos "
                       "con el código de país, sin «+»");
    if (!token_ok(ref, GRAPH_ID_MAX))
        return err_set(e, RC_INVAL,
                       "referencia del mensaje no válida: se esperan de 1 a %d "
                       "caracteres visibles",
                       GRAPH_ID_MAX);
    return RC_OK;
}

static json_t *
message_new(const char *to, const char *type)
{
    json_t *root = jobj();

    jset(root, "messaging_product", json_string("whatsapp"));
    jset(root, "recipient_type", json_string("individual"));
    jset(root, "to", json_string(to));
    jset(root, "type", json_string(type));
    return root;
}

/* Adds our reference, serialises compactly into memory from xmalloc and releases root. */
static char *
message_dump(json_t *root, const char *ref)
{
    size_t n;
    char *out;

    jset(root, "biz_opaque_callback_data", json_string(ref));
    n = json_dumpb(root, NULL, 0, JSON_COMPACT);
    if (n == 0)
        fatal("sin memoria (jansson)");
    out = xmalloc(n + 1);
    if (json_dumpb(root, out, n, JSON_COMPACT) != n)
        fatal("sin memoria (jansson)");
    out[n] = '\0';
    json_decref(root);
    return out;
}

/* Meta's white space rule (132018): no new line, tab, or more than four spaces in a row. Every
 * ASCII control character counts as white space here (a CR, a vertical tab or a stray \x01 from
 * an imported file breaks the text the same way). Each run of white space that holds anything
 * but spaces, or more than four spaces, becomes one space; shorter runs of spaces stay as they
 * are. Returns memory from xmalloc; *len is its length. */
static char *
param_clean(const char *s, size_t *len)
{
    size_t n = strlen(s), o = 0, i = 0;
    char *out = xmalloc(n + 1);

    while (i < n) {
        size_t j = i;
        bool spaces = true;

        while (j < n && ((unsigned char)s[j] <= ' ' || s[j] == 0x7F)) {
            spaces = spaces && s[j] == ' ';
            j++;
        }
        if (j == i) {
            out[o++] = s[i++];
        } else if (spaces && j - i <= 4) {
            memcpy(out + o, s + i, j - i);
            o += j - i;
            i = j;
        } else {
            out[o++] = ' ';
            i = j;
        }
    }
    out[o] = '\0';
    *len = o;
    return out;
}

/* {"type":"text","text":value} for parameter i (0-based), cleaned and checked. */
static json_t *
param_new(const char *value, size_t i, struct err *e)
{
    size_t n;
    char *s;
    json_t *p = NULL;

    if (value == NULL || value[0] == '\0') {
        err_set(e, RC_INVAL, "el valor %zu de la plantilla está vacío", i + 1);
        return NULL;
    }
    s = param_clean(value, &n);
    if (strspn(s, " ") == n)
        err_set(e, RC_INVAL, "el valor %zu de la plantilla queda en blanco", i + 1);
    else if (n > GRAPH_PARAM_MAX)
        err_set(e, RC_INVAL, "el valor %zu de la plantilla pasa de %d bytes", i + 1,
                GRAPH_PARAM_MAX);
    else if (!csv_utf8_valid(s, n))
        err_set(e, RC_INVAL, "el valor %zu de la plantilla no es texto UTF-8 válido", i + 1);
    else {
        p = jobj();
        jset(p, "type", json_string("text"));
        jset(p, "text", json_stringn(s, n));
    }
    free(s);
    return p;
}

/* [{"type":"body","parameters":[…]}], or NULL with e filled. */
static json_t *
components_new(const struct graph_template *t, struct err *e)
{
    json_t *params = json_array(), *body, *comps;

    if (params == NULL)
        fatal("sin memoria (jansson)");
    for (size_t i = 0; i < t->nparams; i++) {
        json_t *p = param_new(t->params[i], i, e);

        if (p == NULL) {
            json_decref(params);
            return NULL;
        }
        if (json_array_append_new(params, p) != 0)
            fatal("sin memoria (jansson)");
    }
    body = jobj();
    jset(body, "type", json_string("body"));
    jset(body, "parameters", params);
    comps = json_array();
    if (comps == NULL || json_array_append_new(comps, body) != 0)
        fatal("sin memoria (jansson)");
    return comps;
}

static int
check_template(const struct graph_template *t, struct err *e)
{
    if (t == NULL || !name_ok(t->name))
        return err_set(e, RC_INVAL,
                       "nombre de plantilla de Meta no válido: se esperan de 1 a %d "
                       "minúsculas, dígitos o «_»",
                       TEMPLATE_NAME_MAX);
    if (!lang_ok(t->lang))
        return err_set(e, RC_INVAL,
                       "idioma de plantilla de Meta no válido: se espera un código "
                       "como «es_MX» o «es»");
    if (t->nparams > GRAPH_PARAMS_MAX)
        return err_set(e, RC_INVAL, "la plantilla tiene %zu parámetros; Meta admite hasta %d",
                       t->nparams, GRAPH_PARAMS_MAX);
    if (t->nparams > 0 && t->params == NULL)
        return err_set(e, RC_INVAL, "faltan los valores de la plantilla");
    return RC_OK;
}

char *
graph_template_body(const char *to, const struct graph_template *t, const char *ref, struct err *e)
{
    json_t *root, *tpl, *lang, *comps = NULL;

    if (check_to_ref(to, ref, e) != RC_OK || check_template(t, e) != RC_OK)
        return NULL;
    /* A template without parameters goes without "components" (an empty list says nothing). */
    if (t->nparams > 0 && (comps = components_new(t, e)) == NULL)
        return NULL;
    lang = jobj();
    jset(lang, "code", json_string(t->lang));
    tpl = jobj();
    jset(tpl, "name", json_string(t->name));
    jset(tpl, "language", lang);
    if (comps != NULL)
        jset(tpl, "components", comps);
    root = message_new(to, "template");
    jset(root, "template", tpl);
    return message_dump(root, ref);
}

char *
graph_text_body(const char *to, const char *text, const char *ref, struct err *e)
{
    json_t *root, *txt;
    size_t n;

    if (check_to_ref(to, ref, e) != RC_OK)
        return NULL;
    n = text != NULL ? strlen(text) : 0;
    if (n == 0) {
        err_set(e, RC_INVAL, "el mensaje está vacío");
        return NULL;
    }
    if (n > GRAPH_TEXT_MAX) {
        err_set(e, RC_INVAL, "el mensaje pasa de %d bytes", GRAPH_TEXT_MAX);
        return NULL;
    }
    if (!csv_utf8_valid(text, n)) {
        err_set(e, RC_INVAL, "el mensaje no es texto UTF-8 válido");
        return NULL;
    }
    txt = jobj();
    jset(txt, "preview_url", json_false());
    jset(txt, "body", json_stringn(text, n));
    root = message_new(to, "text");
    jset(root, "text", txt);
    return message_dump(root, ref);
}

/* ---- reading ---------------------------------------------------------------------------- */

/* body as a JSON object, or NULL for anything else. A member given twice keeps its last value
 * in jansson, as in PostgreSQL's jsonb (api.wa_cloud_recibir), so both read the same event. */
static json_t *
load_object(const char *body, size_t len)
{
    json_t *root;

    if (body == NULL || len == 0)
        return NULL;
    root = json_loadb(body, len, 0, NULL);
    if (!json_is_object(root)) {
        json_decref(root);
        return NULL;
    }
    return root;
}

/* The string member key of obj (NULL obj: absent). *out is NULL when absent; false when the
 * member is there but is not a string. */
static bool
opt_str(const json_t *obj, const char *key, const char **out)
{
    const json_t *v = json_object_get(obj, key);

    *out = NULL;
    if (v == NULL)
        return true;
    if (!json_is_string(v))
        return false;
    *out = json_string_value(v);
    return true;
}

/* An integer member (absent: 0) that fits 0…INT_MAX; false otherwise. */
static bool
opt_int(const json_t *obj, const char *key, int *out)
{
    const json_t *v = json_object_get(obj, key);
    json_int_t x;

    *out = 0;
    if (v == NULL)
        return true;
    if (!json_is_integer(v))
        return false;
    x = json_integer_value(v);
    if (x < 0 || x > INT_MAX)
        return false;
    *out = (int)x;
    return true;
}

/* Fills ge from an error object: an answer's "error" or a status's errors[0]. The title is
 * Meta's "title" (webhooks) or else its "message" (answers). False, with ge zeroed, when obj
 * is not an object or a member has the wrong type. */
static bool
error_fill(const json_t *obj, struct graph_error *ge)
{
    const json_t *data = json_object_get(obj, "error_data");
    const char *title, *message, *details;

    memset(ge, 0, sizeof *ge);
    if (!json_is_object(obj) || !opt_int(obj, "code", &ge->code) ||
        !opt_int(obj, "error_subcode", &ge->subcode) || !opt_str(obj, "title", &title) ||
        !opt_str(obj, "message", &message) || (data != NULL && !json_is_object(data)) ||
        !opt_str(data, "details", &details)) {
        memset(ge, 0, sizeof *ge);
        return false;
    }
    copy_cut(ge->title, sizeof ge->title, title != NULL ? title : message);
    copy_cut(ge->details, sizeof ge->details, details);
    return true;
}

static int
answer_invalid(struct err *e, const char *why)
{
    return err_set(e, RC_INVAL, "respuesta no válida de la API de WhatsApp: %s", why);
}

/* A refused call: the sentence for the code, naming the code when embudo has no sentence for
 * it and the HTTP status when Meta gave no code. */
static int
answer_refused(long http_status, int code, struct err *e)
{
    const struct graph_code *c = graph_code_find(code);

    if (code == 0)
        return err_set(e, RC_REFUSED, "%s (HTTP %ld)", generic_text, http_status);
    if (c == NULL)
        return err_set(e, RC_REFUSED, "%s (código %d)", generic_text, code);
    return err_set(e, RC_REFUSED, "%s", c->text);
}

/* What both answers share: RC_OK with *root the 2xx body (the caller releases it), RC_REFUSED
 * for another status (ge filled from the body's error, if it has one), or RC_INVAL. */
static int
answer_open(long http_status, const char *body, size_t len, json_t **root, struct graph_error *ge,
            struct err *e)
{
    json_t *doc;

    *root = NULL;
    memset(ge, 0, sizeof *ge);
    if (len > GRAPH_ANSWER_MAX)
        return answer_invalid(e, "demasiado larga");
    doc = load_object(body, len);
    if (http_status >= 200 && http_status <= 299) {
        if (doc == NULL)
            return answer_invalid(e, "no es un objeto JSON");
        *root = doc;
        return RC_OK;
    }
    /* A malformed error object is as good as none: the status still says it failed. */
    (void)error_fill(json_object_get(doc, "error"), ge);
    json_decref(doc);
    return answer_refused(http_status, ge->code, e);
}

int
graph_send_answer(long http_status, const char *body, size_t len, char wamid[GRAPH_ID_MAX + 1],
                  struct graph_error *ge, struct err *e)
{
    json_t *root;
    const char *id;
    int rc;

    wamid[0] = '\0';
    rc = answer_open(http_status, body, len, &root, ge, e);
    if (rc != RC_OK)
        return rc;
    id = json_string_value(
        json_object_get(json_array_get(json_object_get(root, "messages"), 0), "id"));
    if (!token_ok(id, GRAPH_ID_MAX))
        rc = answer_invalid(e, "falta el id del mensaje (messages[0].id) o no es válido");
    else
        strcpy(wamid, id);
    json_decref(root);
    return rc;
}

/* display_phone_number ("+52 55 1234 5678") reduced to its digits; false when it holds anything
 * but digits and the usual separators, or not 8…20 digits. */
static bool
phone_digits(const char *s, char out[24])
{
    size_t n = 0;

    if (s == NULL)
        return false;
    for (; *s != '\0'; s++) {
        if (*s >= '0' && *s <= '9') {
            if (n == DIGITS_MAX)
                return false;
            out[n++] = *s;
        } else if (strchr(" +-().", *s) == NULL) {
            return false;
        }
    }
    out[n] = '\0';
    return n >= DIGITS_MIN;
}

/* The members of a 2xx phone answer into out; RC_INVAL (out partly written) otherwise. */
static int
phone_fill(const json_t *root, struct graph_phone *out, struct err *e)
{
    const char *number, *name, *quality;

    if (!opt_str(root, "display_phone_number", &number) || !phone_digits(number, out->number))
        return answer_invalid(e, "falta el número (display_phone_number) o no es válido");
    if (!opt_str(root, "verified_name", &name) || !opt_str(root, "quality_rating", &quality))
        return answer_invalid(e, "el nombre o la calidad del número no son texto");
    copy_cut(out->name, sizeof out->name, name);
    /* The rating is informational: a value newer and longer than the known ones (GREEN,
     * YELLOW, RED, UNKNOWN) is left out rather than cut into something misleading. */
    if (quality != NULL && strlen(quality) < sizeof out->quality)
        strcpy(out->quality, quality);
    return RC_OK;
}

int
graph_phone_answer(long http_status, const char *body, size_t len, struct graph_phone *out,
                   struct graph_error *ge, struct err *e)
{
    json_t *root;
    int rc;

    memset(out, 0, sizeof *out);
    rc = answer_open(http_status, body, len, &root, ge, e);
    if (rc != RC_OK)
        return rc;
    rc = phone_fill(root, out, e);
    if (rc != RC_OK)
        memset(out, 0, sizeof *out);
    json_decref(root);
    return rc;
}

/* ---- webhook events --------------------------------------------------------------------- */

/* An id member into dst (GRAPH_ID_MAX + 1 bytes): never cut, since a cut id names nothing. */
static bool
get_id(const json_t *o, const char *key, bool required, char *dst)
{
    const char *s;

    if (!opt_str(o, key, &s))
        return false;
    if (s == NULL)
        return !required;
    if (!token_ok(s, GRAPH_ID_MAX))
        return false;
    strcpy(dst, s);
    return true;
}

/* A phone number member of 8…20 digits into dst (24 bytes). */
static bool
get_digits(const json_t *o, const char *key, bool required, char *dst)
{
    const char *s;

    if (!opt_str(o, key, &s))
        return false;
    if (s == NULL)
        return !required;
    if (!digits_ok(s, DIGITS_MIN, DIGITS_MAX))
        return false;
    strcpy(dst, s);
    return true;
}

/* "timestamp": epoch seconds as a string of digits, into milliseconds (absent: 0). */
static bool
get_time(const json_t *o, int64_t *ms)
{
    const char *s;
    int64_t v = 0;

    if (!opt_str(o, "timestamp", &s))
        return false;
    if (s == NULL)
        return true;
    if (*s == '\0')
        return false;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9' || v > (INT64_MAX / 1000 - 9) / 10)
            return false;
        v = v * 10 + (*s - '0');
    }
    *ms = v * 1000;
    return true;
}

static enum graph_status
status_of(const char *s)
{
    static const struct {
        const char *name;
        enum graph_status st;
    } names[] = {
        { "sent", GRAPH_ST_SENT },
        { "delivered", GRAPH_ST_DELIVERED },
        { "read", GRAPH_ST_READ },
        { "failed", GRAPH_ST_FAILED },
    };

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i].name) == 0)
            return names[i].st;
    return GRAPH_ST_OTHER;
}

/* Fills ev from a status object; NULL, or the name of the member that is missing or wrong. */
static const char *
status_fill(const json_t *o, struct graph_event *ev)
{
    const json_t *errs = json_object_get(o, "errors");
    const char *st;

    if (!get_id(o, "id", true, ev->wamid))
        return "id";
    if (!opt_str(o, "status", &st) || st == NULL || st[0] == '\0')
        return "status";
    ev->status = status_of(st);
    if (!get_time(o, &ev->at_ms))
        return "timestamp";
    if (!get_id(o, "biz_opaque_callback_data", false, ev->ref))
        return "biz_opaque_callback_data";
    if (!get_digits(o, "recipient_id", false, ev->recipient))
        return "recipient_id";
    if (errs != NULL && !json_is_array(errs))
        return "errors";
    if (json_array_size(errs) > 0 && !error_fill(json_array_get(errs, 0), &ev->error))
        return "errors[0]";
    return NULL;
}

/* The text a person wrote or tapped: text.body, button.text, or the title of an interactive
 * button_reply / list_reply. Other types (image, sticker, location…) and other interactive
 * replies carry none (ev->text stays NULL). NULL, or the member that is missing or wrong. */
static const char *
message_text(const json_t *o, const char *type, struct graph_event *ev)
{
    const json_t *part = json_object_get(o, type);
    const char *key, *what, *s;

    if (strcmp(type, "text") == 0) {
        key = "body";
        what = "text.body";
    } else if (strcmp(type, "button") == 0) {
        key = "text";
        what = "button.text";
    } else if (strcmp(type, "interactive") == 0) {
        if (!opt_str(part, "type", &s) || s == NULL)
            return "interactive.type";
        if (strcmp(s, "button_reply") != 0 && strcmp(s, "list_reply") != 0)
            return NULL;
        part = json_object_get(part, s);
        key = "title";
        what = strcmp(s, "button_reply") == 0 ? "interactive.button_reply.title"
                                              : "interactive.list_reply.title";
    } else {
        return NULL;
    }
    if (!json_is_object(part) || !opt_str(part, key, &s) || s == NULL)
        return what;
    ev->text = xstrdup(s);
    return NULL;
}

/* Fills ev from a message object; NULL, or the name of the member that is missing or wrong. */
static const char *
message_fill(const json_t *o, struct graph_event *ev)
{
    const json_t *ctx = json_object_get(o, "context");
    const char *type;

    if (!get_digits(o, "from", true, ev->from))
        return "from";
    if (!get_id(o, "id", true, ev->id))
        return "id";
    if (!opt_str(o, "type", &type) || !token_ok(type, sizeof ev->type - 1))
        return "type";
    strcpy(ev->type, type);
    if (!get_time(o, &ev->at_ms))
        return "timestamp";
    if (ctx != NULL && !json_is_object(ctx))
        return "context";
    if (!get_id(ctx, "id", false, ev->context_id))
        return "context.id";
    return message_text(o, type, ev);
}

int
graph_event_parse(enum graph_event_kind kind, const char *json, size_t len, struct graph_event *out,
                  struct err *e)
{
    json_t *root = load_object(json, len);
    const char *bad;

    memset(out, 0, sizeof *out);
    out->kind = kind;
    if (root == NULL)
        return err_set(e, RC_INVAL, "evento de WhatsApp no válido: no es un objeto JSON");
    bad = kind == GRAPH_EV_STATUS ? status_fill(root, out) : message_fill(root, out);
    json_decref(root);
    if (bad != NULL) {
        graph_event_fini(out);
        memset(out, 0, sizeof *out);
        out->kind = kind;
        return err_set(e, RC_INVAL, "evento de WhatsApp no válido: «%s» falta o no es válido", bad);
    }
    return RC_OK;
}

void
graph_event_fini(struct graph_event *ev)
{
    if (ev == NULL)
        return;
    free(ev->text);
    ev->text = NULL;
}

/* ---- errors ----------------------------------------------------------------------------- */

const char *
graph_error_text(int code)
{
    const struct graph_code *c = graph_code_find(code);

    return c != NULL ? c->text : generic_text;
}

/* The table is in docs/wa-cloud.md ("Graph JSON: decisions"). A 401 is the token whatever the
 * body says; a code with its own kind decides; otherwise (no code, a code not listed, or the
 * generic 1 and 131000) the HTTP status does: 403 is a permission, 429 and 5xx leave the
 * message uncertain, anything else (a 4xx, or a webhook's 0) failed this message only. */
enum graph_error_kind
graph_error_kind(int code, long http_status)
{
    const struct graph_code *c = graph_code_find(code);

    if (http_status == 401)
        return GRAPH_ERR_TOKEN;
    if (c != NULL && c->kind != KIND_BY_HTTP)
        return (enum graph_error_kind)c->kind;
    if (http_status == 403)
        return GRAPH_ERR_TOKEN;
    if (http_status == 429 || (http_status >= 500 && http_status <= 599))
        return GRAPH_ERR_THROTTLED;
    return GRAPH_ERR_MESSAGE;
}

/* ---- signatures ------------------------------------------------------------------------- */

/* An empty secret is refused: anyone can compute HMAC with it, so it proves nothing. */
bool
graph_signature_ok(const char *header, const uint8_t *secret, size_t secretlen, const uint8_t *body,
                   size_t len)
{
    uint8_t got[DIGEST_SHA256_BYTES], want[DIGEST_SHA256_BYTES];

    if (header == NULL || secret == NULL || secretlen == 0 || (body == NULL && len > 0))
        return false;
    if (strncmp(header, SIG_PREFIX, SIG_PREFIX_LEN) != 0 ||
        strnlen(header, SIG_PREFIX_LEN + 2 * DIGEST_SHA256_BYTES + 1) !=
            SIG_PREFIX_LEN + 2 * DIGEST_SHA256_BYTES)
        return false;
    for (size_t i = 0; i < DIGEST_SHA256_BYTES; i++) {
        int hi = hex_digit(header[SIG_PREFIX_LEN + 2 * i]);
        int lo = hex_digit(header[SIG_PREFIX_LEN + 2 * i + 1]);

        if (hi < 0 || lo < 0)
            return false;
        got[i] = (uint8_t)(hi << 4 | lo);
    }
    digest_hmac_sha256(want, secret, secretlen, body, len);
    return secure_equal(got, want, sizeof want);
}

void
graph_signature(char out[7 + 64 + 1], const uint8_t *secret, size_t secretlen, const uint8_t *body,
                size_t len)
{
    uint8_t mac[DIGEST_SHA256_BYTES];

    digest_hmac_sha256(mac, secret, secretlen, body, len);
    memcpy(out, SIG_PREFIX, SIG_PREFIX_LEN);
    hex_encode(out + SIG_PREFIX_LEN, mac, sizeof mac);
}
