/*
 * fakewa — a fake WhatsApp Web server for tests (loopback only, never shipped).
 *
 * DESIGN. One process, one libuv loop, libwebsockets serving ws://127.0.0.1:PORT/ws/chat.
 * fakewa.c owns the sockets, the admin FIFO and the event log; fakewa_conn.c runs the
 * protocol of one connection (intro header, framing, Noise responder with a test
 * certificate chain, registration or login payload, iqs); fakewa_phone.c is the simulated
 * phones (FW_PHONES of them, each its own WhatsApp account: user, LID, identity key) that
 * scan a QR and link the device; fakewa_link.c is the same phones linking by phone number
 * (an 8-character code typed into the phone, link_code_companion_reg). Accounts live in
 * memory for the process's life, so a second client process can log in with what the first
 * one registered.
 * Everything a client sends is hostile: every check failure is logged and ends that
 * connection, never the server. Loop thread only.
 */
#ifndef TESTS_WA_FAKEWA_H
#define TESTS_WA_FAKEWA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "crypto/x25519.h"
#include "wa/frame.h"

struct binnode;
struct fw_conn;
struct fw_peer;
struct fw_peers;
struct noise_hs;
struct noise_transport;
struct strbuf;

#define FW_KEY         32
#define FW_SIG         64
#define FW_REFS        2
#define FW_REF_BYTES   24
#define FW_JID_MAX     96
#define FW_PHONE_USER  "15550001111" /* phone 1: the default one (admin "scan-qr") */
#define FW_PUSH_NAME   "Lupita"      /* the name pair-success gives our account (<biz name>) */
#define FW_LID_USER    "99990001111"
#define FW_PHONE2_USER "15550002222" /* phone 2: another promoter's account ("scan-qr-as") */
#define FW_PUSH_NAME2  "Rosario"
#define FW_LID2_USER   "99990002222"
#define FW_PHONES      2
#define FW_LC_CODE     8  /* characters of a pairing code ("link with phone number") */
#define FW_LC_WRAPPED  80 /* a wrapped ephemeral key: salt 32 ‖ iv 16 ‖ AES-CTR(pub) 32 */

/* A simulated phone: one WhatsApp account, whose identity key signs the devices it links. */
struct fw_phone {
    const char *user;          /* PN user, FW_PHONE_USER… */
    const char *lid;           /* LID user */
    const char *name;          /* the push name pair-success gives (<biz name>) */
    struct x25519_keypair key; /* the account's identity (account key) */
};

/* A device a phone linked (what login is checked against). */
struct fw_account {
    const struct fw_phone *phone; /* the phone that scanned its QR */
    char jid[FW_JID_MAX];         /* 15550001111:N@s.whatsapp.net */
    char lid[FW_JID_MAX];         /* 99990001111:N@lid */
    uint32_t device;
    uint8_t noise_pub[FW_KEY];
    uint8_t ident_pub[FW_KEY];
    uint32_t prekeys; /* one-time pre-keys uploaded so far */
    bool paired;      /* the device signature came back valid */
};

#define FW_ACCOUNTS_MAX 16

struct fw {
    FILE *events;                      /* JSON lines; flushed after each */
    struct x25519_keypair noise;       /* the server's static Noise key */
    struct strbuf *chain;              /* the encoded CertChain for ServerHello */
    struct fw_phone phones[FW_PHONES]; /* phones[0] is phone 1 */
    struct fw_account acc[FW_ACCOUNTS_MAX];
    size_t nacc;
    uint32_t next_device;
    int next_conn_id;
    uint64_t next_iq;
    size_t chunk;           /* > 0: re-slice output into websocket messages of this size */
    bool corrupt_next;      /* admin "corrupt-next": the next login gets a forged frame */
    struct fw_conn *conns;  /* live connections, for the phone to find a QR's */
    struct fw_peers *peers; /* other users and their Signal devices (fakewa_peer.c) */
};

enum fw_conn_state { FW_HELLO, FW_FINISH, FW_OPEN, FW_DEAD };

/* A registering connection's request to link by phone number (companion_hello), and what the
 * phone did with it once the code was typed (fakewa_link.c). */
struct fw_link {
    const struct fw_phone *phone;   /* the phone the companion named; NULL: no request */
    char ref[FW_REF_BYTES + 1];     /* link_code_pairing_ref, our choice */
    uint8_t wrapped[FW_LC_WRAPPED]; /* the companion's wrapped ephemeral public key */
    bool typed;                     /* a code was typed into the phone: primary_hello sent */
    uint8_t companion_eph[FW_KEY];  /* unwrapped with the typed code (garbage if it was wrong) */
    struct x25519_keypair eph;      /* the phone's ephemeral key for this request */
};

struct fw_conn {
    struct fw *srv;
    struct fw_conn *next;
    void *io; /* the lws wsi, for fakewa.c */
    int id;
    enum fw_conn_state st;
    struct frame_dec dec;
    struct noise_hs *hs;
    struct noise_transport *tr;
    uint8_t client_static[FW_KEY];
    /* Registration (pairing) connections. */
    bool registering;
    uint8_t ident[FW_KEY];
    uint32_t regid;
    char refs[FW_REFS][FW_REF_BYTES + 1];
    char pair_iq[32]; /* id of the pair-success iq, once sent */
    uint8_t adv_details[512];
    size_t adv_details_len;
    struct fw_link link; /* linking by phone number instead of a QR */
    /* Login connections. */
    struct fw_account *acc;
    /* Output: whole websocket messages waiting for fakewa.c. */
    struct fw_msg *out_head, *out_tail;
    size_t out_off; /* bytes of out_head already sent (chunked output) */
    bool close_after_flush;
    bool lingering; /* all flushed; closing once FW_LINGER_US passed (fakewa.c) */
};

struct fw_msg {
    struct fw_msg *next;
    size_t len;
    uint8_t buf[]; /* LWS_PRE headroom is added by fakewa.c */
};

/* ---- fakewa_util.c ---- */
void fw_event(struct fw *srv, int conn, const char *ev, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Copies a client string for the event log, keeping only [A-Za-z0-9:._@+-]. Returns dst. */
char *fw_safe(char *dst, size_t cap, const char *s);
/* Standard base64 with padding; returns the decoded length or -1. */
long fw_b64_decode(const char *s, size_t slen, uint8_t *out, size_t cap);
void fw_pb_bytes_field(struct strbuf *sb, uint32_t num, const uint8_t *p, size_t n);

/* ---- fakewa_conn.c ---- */
void fw_conn_init(struct fw_conn *c, struct fw *srv, int id);
void fw_conn_fini(struct fw_conn *c);
/* Feeds received websocket bytes; queues replies. False when the connection must close. */
bool fw_conn_feed(struct fw_conn *c, const uint8_t *p, size_t len);
/* Encrypts, frames and queues n (not freed). False on failure. */
bool fw_conn_send_node(struct fw_conn *c, const struct binnode *n);
/* Takes the next queued message (caller frees), or NULL. */
struct fw_msg *fw_conn_pop(struct fw_conn *c);
/* The next iq id. */
void fw_conn_iq_id(struct fw_conn *c, char *buf, size_t len);
/* Sends <iq type="result" id=ID from="s.whatsapp.net">, with child (owned) when not NULL. */
void fw_conn_iq_result(struct fw_conn *c, const char *id, struct binnode *child);
/* Sends <iq type="error" id=ID from="s.whatsapp.net"><error code=CODE text=TEXT/></iq>. */
void fw_conn_iq_error(struct fw_conn *c, const char *id, const char *code, const char *text);
/* Points *out at the content of n's child tag when it is exactly want bytes; else false. */
bool fw_child_bytes(const struct binnode *n, const char *tag, size_t want, const uint8_t **out);

/* ---- fakewa_phone.c ---- */
/* A registration payload's DevicePairingRegistrationData: checks, stores, sends pair-device. */
bool fw_phone_registration(struct fw_conn *c, const uint8_t *p, size_t len);
/* The phones' table: fills users, LIDs, names and fresh identity keys. */
void fw_phones_init(struct fw *srv);
/* The phone whose PN or LID user is user, or NULL. */
const struct fw_phone *fw_phone_find(const struct fw *srv, const char *user);
/* The admin "scan-qr" command: phone scans QR (finds the connection, checks the QR, sends
 * pair-success). */
bool fw_phone_scan(struct fw *srv, const struct fw_phone *phone, const char *qr);
/* Links c's device to phone's account, whichever way the ADV secret adv reached the phone
 * (a QR or a typed code): registers the device and fills identity with the signed
 * ADVSignedDeviceIdentityHMAC for pair-success. NULL, or why not ("already-scanned",
 * "too-many-devices", "sign"). */
const char *fw_phone_link(struct fw_conn *c, const struct fw_phone *phone,
                          const uint8_t adv[FW_KEY], struct strbuf *identity);
/* Sends pair-success for c's new device with identity from fw_phone_link. */
void fw_phone_send_pair_success(struct fw_conn *c, const struct strbuf *identity);
/* The client's pair-device-sign result: verifies it, registers the device, 515. */
bool fw_phone_device_sign(struct fw_conn *c, const struct binnode *iq);

/* ---- fakewa_link.c ---- */
/* An md iq whose first child is link_code_companion_reg (companion_hello or
 * companion_finish). False when the connection must close. */
bool fw_link_iq(struct fw_conn *c, const struct binnode *iq);
/* The admin "type-code" command: the person types code into the phone of account user,
 * which answers the newest request naming that phone with primary_hello. */
bool fw_link_type(struct fw *srv, const char *user, const char *code);

/* ---- fakewa_peer.c ---- */
/* The usync iq (devices, lid, contact): answers it. */
bool fw_peer_usync(struct fw_conn *c, const struct binnode *iq);
/* The encrypt iq asking <key> bundles: answers it. */
bool fw_peer_keys(struct fw_conn *c, const struct binnode *iq);
/* A <message> from the client: decrypt as each recipient device, ack, receipts. */
bool fw_peer_message(struct fw_conn *c, const struct binnode *n);
/* The peer named by a PN or LID user, or NULL. */
struct fw_peer *fw_peer_find(struct fw *srv, const char *user);
/* Admin scenarios (see fakewa_peer.c); false when line is not one. */
bool fw_peer_admin(struct fw *srv, const char *line);
void fw_peers_free(struct fw *srv);
/* A login succeeded: delivers the notifications nobody was connected to receive. */
void fw_peer_login(struct fw_conn *c);

/* Hooks the server calls back into fakewa.c to write queued messages. */
void fw_io_kick(struct fw_conn *c);

#endif
