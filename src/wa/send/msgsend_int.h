/* msgsend internals shared by msgsend.c (queues, queries, dispatch, timers, presence,
 * number checks), msgsend_out.c (the send path, acks, retries) and msgsend_in.c (receipts,
 * incoming messages, notifications). Not a public header. */
#ifndef WA_MSGSEND_INT_H
#define WA_MSGSEND_INT_H

#include "wa/send/msgsend.h"
#include "wa/signal/wasig.h"
#include "wa/usync.h"

struct ms_node {
    struct ms_node *next;
    struct binnode *n;
};

struct ms_event {
    struct ms_event *next;
    struct wa_msgsend_event ev;
};

enum ms_qkind { MSQ_DEVICES, MSQ_KEYS, MSQ_CONTACT, MSQ_RETRY_KEYS, MSQ_OTHER };

struct ms_check;

/* An iq of ours waiting for its answer. */
struct ms_query {
    struct ms_query *next;
    char id[40];
    enum ms_qkind kind;
    int64_t deadline;
    struct ms_check *check;             /* CONTACT: the request answered */
    size_t first, count;                /* CONTACT: the slice of check->nums it covers */
    char msg_id[WA_MSGSEND_ID_MAX + 1]; /* RETRY_KEYS: what to re-send */
    uint32_t retry_count;
    char device[WA_JID_MAX]; /* RETRY_KEYS: to which device */
};

enum ms_ostate { MSO_NUMBER, MSO_DEVICES, MSO_KEYS, MSO_SENT };

/* One outgoing message, from send_text until its plaintext expires. */
struct ms_out {
    struct ms_out *next;
    char id[WA_MSGSEND_ID_MAX + 1];
    struct wa_jid peer;         /* PN user (once MSO_NUMBER is over) */
    char number[WA_NUMBER_MAX]; /* MSO_NUMBER: the digits whose canonical JID is awaited */
    uint8_t *msg;               /* the encoded Message (unpadded) */
    size_t msglen;
    enum ms_ostate st;
    bool asked_devices; /* a devices query answered since it was queued */
    bool asked_keys;    /* a keys query answered since */
    char wait_q[40];    /* the query it waits on ("" none) */
    bool acked;         /* the ACK event was emitted */
    int status;         /* furthest receipt status emitted */
    uint32_t retries;
    int64_t expires_ms; /* MSO_SENT: forgotten then */
};

/* on_whatsapp while a request is open: -1 not answered yet, -2 given up (emitted as -1). */
#define CHECK_PENDING (-1)
#define CHECK_GAVE_UP (-2)

struct ms_check {
    struct ms_check *next;
    uint64_t request_id;
    size_t n;
    size_t asked;   /* numbers [0, asked) were resolved or are in flight */
    size_t pending; /* in flight */
    int attempts;   /* timeouts of this request */
    bool internal;  /* asked by send_text for a bare number: no NUMBERS event */
    struct wa_msgsend_number *nums;
};

struct ms_ncache {
    char number[WA_NUMBER_MAX];
    int on_whatsapp;
    char jid[WA_JID_MAX];
    int64_t at_ms;
};

/* A privacy token a contact issued us (guide §7.8). */
struct ms_token {
    char jid[WA_JID_MAX]; /* user JID: the LID when known at the time, else the phone */
    int64_t t;            /* unix seconds */
    size_t len;
    uint8_t *data;
};

#define MS_TOKENS_MAX 4096
#define MS_NCACHE_MAX 4096
#define MS_SUBS_MAX   64
#define MS_STALE_MAX  64

struct wa_msgsend {
    struct wa_creds *creds;
    struct wasig *sig;
    struct wa_msgsend_config cfg;
    char *push_name;
    struct wa_devices *dev;
    bool online;
    bool paired;          /* me/me_lid were read from the credentials */
    struct wa_jid me;     /* our device (user + device) */
    struct wa_jid me_lid; /* our LID user (device ignored) */
    bool has_me_lid;
    char id_prefix[16];
    uint64_t id_counter;
    struct ms_node *sq_head, *sq_tail;
    struct ms_event *ev_head, *ev_tail;
    struct ms_query *queries;
    struct ms_out *outs;
    struct ms_check *checks; /* FIFO */
    bool check_inflight;
    int64_t next_check_ms;
    struct ms_ncache *ncache;
    size_t nncache;
    char subs[MS_SUBS_MAX][WA_JID_USER_MAX + 1];
    size_t nsubs;
    /* PN users whose identity changed while their LID was unknown: their LID-keyed
     * sessions are dropped as soon as a usync reply names the LID. */
    char stale[MS_STALE_MAX][WA_JID_USER_MAX + 1];
    size_t nstale;
    struct ms_token *tokens; /* MS_TOKENS_MAX slots */
    size_t ntokens;
};

/* msgsend.c */
void ms_push(struct wa_msgsend *ms, struct binnode *n);
struct wa_msgsend_event *ms_event(struct wa_msgsend *ms, enum wa_msgsend_event_kind kind);
const char *ms_next_id(struct wa_msgsend *ms, char *buf, size_t cap);
struct ms_query *ms_query_add(struct wa_msgsend *ms, enum ms_qkind kind, const char *id,
                              int64_t now);
void ms_query_free(struct ms_query *q);
void ms_addr(const struct wa_msgsend *ms, const struct wa_jid *dev, struct wasig_addr *a);
bool ms_is_me(const struct wa_msgsend *ms, const struct wa_jid *j);
void ms_check_pump(struct wa_msgsend *ms, int64_t now);
void ms_check_failed(struct wa_msgsend *ms, struct ms_query *q, int64_t now);
/* The user JID of `to` (digits or a user JID, PN or LID; a device part is dropped). */
int ms_peer_of(const char *to, struct wa_jid *peer, struct err *e);
/* For a bare number: 1 with *peer = the canonical JID a (cached) check gave, 0 when a check
 * was queued (the message waits in MSO_NUMBER), -1 when the number is not on WhatsApp. */
int ms_number_peer(struct wa_msgsend *ms, const char *digits, struct wa_jid *peer, int64_t now);
int ms_persist_creds(struct wa_msgsend *ms);
/* Stores what a usync reply said about u (wa_devices_put), then its LID (ms_map_lid). */
void ms_learn_user(struct wa_msgsend *ms, const struct wa_usync_user *u, int64_t now);
/* Maps phone user pn to LID user lid, telling store.lid_put when that is new for pn. */
void ms_map_lid(struct wa_msgsend *ms, const char *pn, const char *lid, int64_t now);
/* Keeps token for jid unless an equal or newer one is kept; true when it was kept. */
bool ms_token_keep(struct wa_msgsend *ms, const char *jid, const uint8_t *data, size_t len,
                   int64_t t);
/* The user JID a contact's token is kept under: its LID when known, else itself. */
void ms_token_jid(const struct wa_msgsend *ms, const struct wa_jid *user, char out[WA_JID_MAX]);

/* msgsend_out.c */
struct ms_out *ms_out_find(struct wa_msgsend *ms, const char *id);
void ms_out_fail(struct wa_msgsend *ms, struct ms_out *o, int code);
void ms_out_advance(struct wa_msgsend *ms, struct ms_out *o, int64_t now);
/* A number check asked for messages answered: those waiting for that number go on. */
void ms_out_number(struct wa_msgsend *ms, const struct wa_msgsend_number *num, int64_t now);
/* The messages waiting on q go on (the answer, or its absence, is known now). */
void ms_out_resume(struct wa_msgsend *ms, const struct ms_query *q, int64_t now);
/* Drops the sessions of users marked stale whose LID is now known. */
void ms_stale_sweep(struct wa_msgsend *ms);
void ms_on_devices_reply(struct wa_msgsend *ms, const struct binnode *iq, int64_t now);
void ms_on_keys_reply(struct wa_msgsend *ms, const struct ms_query *q, const struct binnode *iq,
                      int64_t now);
void ms_on_ack(struct wa_msgsend *ms, const struct binnode *n, int64_t now);
void ms_on_retry(struct wa_msgsend *ms, const struct binnode *n, int64_t now);
/* Reports a changed identity of dev's user (under its PN user when known). */
void ms_identity_event(struct wa_msgsend *ms, const struct wa_jid *dev);
void ms_retry_send(struct wa_msgsend *ms, const char *msg_id, const char *device, uint32_t count,
                   int64_t now);

/* msgsend_in.c */
void ms_on_receipt(struct wa_msgsend *ms, const struct binnode *n, int64_t now);
int ms_on_message(struct wa_msgsend *ms, const struct binnode *n, int64_t now, struct err *e);
void ms_on_notification(struct wa_msgsend *ms, const struct binnode *n, int64_t now);
void ms_on_contact_reply(struct wa_msgsend *ms, struct ms_query *q, const struct binnode *iq,
                         int64_t now);

#endif
