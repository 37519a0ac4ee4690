/*
 * graph — the JSON of WhatsApp's Cloud API (Meta's Graph API), both ways: the bodies embudo
 * POSTs to /{phone-number-id}/messages (an approved template, a text), Meta's answers (the
 * message id, the phone number, or an error), the status and message objects its webhooks
 * carry, what each error code means (Spanish) and what the sender should do about it, and
 * the webhook's X-Hub-Signature-256 check. docs/wa-cloud.md is the design.
 *
 * Pure (jansson, crypto/digest): no I/O, no clock, safe on any thread. Used by
 * src/wa/cloud/transport_cloud (sending, events), src/cmd/cmd_wa_webhook (signatures) and the
 * tests' fake Graph server.
 */
#ifndef WA_CLOUD_GRAPH_H
#define WA_CLOUD_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct err;

#define GRAPH_PARAMS_MAX    20   /* body parameters of one template */
#define GRAPH_PARAM_MAX     1024 /* bytes of one parameter value */
#define GRAPH_TEXT_MAX      4096 /* bytes of a text message's body */
#define GRAPH_ID_MAX        128  /* bytes of a wamid or of our reference */
#define GRAPH_ANSWER_MAX    (64 * 1024) /* a longer answer from Meta is refused as garbage */

/* An approved template to send: Meta's name and language and its body's {{1}}…{{n}}. */
struct graph_template {
    const char *name;           /* [a-z0-9_], 1…512 */
    const char *lang;           /* "es_MX" */
    const char *const *params;  /* nparams values, each 1…GRAPH_PARAM_MAX bytes of UTF-8 */
    size_t nparams;             /* 0…GRAPH_PARAMS_MAX */
};

/*
 * The body of POST /{phone-number-id}/messages for an approved template to `to` (digits
 * with the country code, no '+': "5215512345678"), carrying ref (our message id,
 * 1…GRAPH_ID_MAX bytes) as biz_opaque_callback_data so every status webhook names it.
 * Parameter values are made acceptable to Meta (which refuses new lines, tabs and more
 * than four spaces in a row, error 132018): those become one space. malloc'd JSON, or NULL
 * with RC_INVAL (Spanish) for an empty or invalid argument.
 */
char *graph_template_body(const char *to, const struct graph_template *t, const char *ref,
                          struct err *e) __attribute__((warn_unused_result));

/* The same for a plain text (1…GRAPH_TEXT_MAX bytes, sent as is; Meta delivers it only
 * within 24 hours of the client's last message). */
char *graph_text_body(const char *to, const char *text, const char *ref, struct err *e)
    __attribute__((warn_unused_result));

/* An error Meta answered: {"error":{"message","type","code","error_subcode",
 * "error_data":{"details"}}}, or a status webhook's errors[0]. */
struct graph_error {
    int code;      /* Meta's code (131047, 190…); 0 when the answer had none */
    int subcode;   /* error_subcode, 0 when absent */
    char title[128];   /* Meta's message or title, truncated (English, for logs) */
    char details[256]; /* error_data.details, truncated ("" when absent) */
};

/*
 * Meta's answer to a send, with its HTTP status. 2xx with messages[0].id: RC_OK, *wamid
 * filled (NUL-terminated, ≤ GRAPH_ID_MAX bytes). Any other status: RC_REFUSED, ge filled from
 * the body's error (code 0 if the body has none) and e->msg = graph_error_text(code) (with
 * the HTTP status when there is no code). A 2xx body that is not such an answer, or a body
 * over GRAPH_ANSWER_MAX: RC_INVAL («respuesta no válida de la API de WhatsApp»).
 */
int graph_send_answer(long http_status, const char *body, size_t len,
                      char wamid[GRAPH_ID_MAX + 1], struct graph_error *ge, struct err *e)
    __attribute__((warn_unused_result));

/* The phone number, from GET /{phone-number-id}?fields=display_phone_number,verified_name,
 * quality_rating. */
struct graph_phone {
    char number[24];  /* display_phone_number reduced to its digits ("5215512345678") */
    char name[128];   /* verified_name, "" when absent */
    char quality[16]; /* quality_rating (GREEN, YELLOW, RED, UNKNOWN), "" when absent */
};

/* Same cases as graph_send_answer; RC_OK needs a display_phone_number with 8…20 digits. */
int graph_phone_answer(long http_status, const char *body, size_t len, struct graph_phone *out,
                       struct graph_error *ge, struct err *e) __attribute__((warn_unused_result));

/* Spanish for a person («fuera de la ventana de 24 horas: el cliente no ha escrito en las
 * últimas 24 horas; use una campaña con plantilla aprobada»…); never NULL; unknown codes
 * get a generic sentence. */
const char *graph_error_text(int code);

/* What the sender does about an error. */
enum graph_error_kind {
    GRAPH_ERR_MESSAGE,     /* this message failed (recipient, template, window): go on */
    GRAPH_ERR_THROTTLED,   /* too fast or Meta unavailable: this message is uncertain, wait */
    GRAPH_ERR_TOKEN,       /* the token is invalid, expired or lacks permission: stop */
    GRAPH_ERR_RESTRICTED,  /* the account or number is blocked or restricted by Meta: stop */
};

/* The kind of code (from a body, a webhook, or 0 when none) with the HTTP status (0 for a
 * webhook): e.g. 190 → TOKEN, 131031/368 → RESTRICTED, 130429/80007/5xx → THROTTLED; 131056
 * (too many messages to one client) is MESSAGE. The table is in docs/wa-cloud.md. */
enum graph_error_kind graph_error_kind(int code, long http_status);

/* One webhook event, as api.wa_cloud_tomar hands it over: a status object or a message
 * object of value.statuses[] / value.messages[], exactly as Meta sent it. */
enum graph_event_kind {
    GRAPH_EV_STATUS,
    GRAPH_EV_MESSAGE,
};

enum graph_status {
    GRAPH_ST_SENT,
    GRAPH_ST_DELIVERED,
    GRAPH_ST_READ,
    GRAPH_ST_FAILED,
    GRAPH_ST_OTHER, /* "deleted", "warning", anything newer: ignored */
};

struct graph_event {
    enum graph_event_kind kind;
    int64_t at_ms;               /* the "timestamp" (epoch seconds, a string) × 1000; 0 absent */
    /* GRAPH_EV_STATUS */
    enum graph_status status;
    char wamid[GRAPH_ID_MAX + 1];    /* "id" */
    char ref[GRAPH_ID_MAX + 1];      /* biz_opaque_callback_data, "" when absent */
    char recipient[24];              /* recipient_id (digits) */
    struct graph_error error;        /* errors[0] of a failed status */
    /* GRAPH_EV_MESSAGE */
    char from[24];                   /* digits */
    char id[GRAPH_ID_MAX + 1];       /* the message's wamid */
    char type[24];                   /* "text", "button", "interactive", "image"… */
    char context_id[GRAPH_ID_MAX + 1]; /* context.id: the wamid it answers, "" when absent */
    char *text; /* malloc'd: text.body, button.text, interactive.button_reply.title or
                 * list_reply.title; NULL for other types (an image, a sticker…) */
};

/*
 * Parses one event object. RC_OK fills out (graph_event_fini it); RC_INVAL (Spanish) when
 * the JSON is not an object of that kind with its required members (status: id and status;
 * message: from, id and type; from and recipient must be 8…20 digits).
 */
int graph_event_parse(enum graph_event_kind kind, const char *json, size_t len,
                      struct graph_event *out, struct err *e) __attribute__((warn_unused_result));
void graph_event_fini(struct graph_event *ev);

/*
 * True when header (the X-Hub-Signature-256 value, "sha256=" and 64 hex digits, either
 * case) is HMAC-SHA256(secret, body). Compared in constant time; false for NULL or a
 * malformed header.
 */
bool graph_signature_ok(const char *header, const uint8_t *secret, size_t secretlen,
                        const uint8_t *body, size_t len);

/* The header value for body: "sha256=" + 64 lowercase hex digits + NUL (the fake server signs
 * with it; tests forge with it). */
void graph_signature(char out[7 + 64 + 1], const uint8_t *secret, size_t secretlen,
                     const uint8_t *body, size_t len);

#endif
