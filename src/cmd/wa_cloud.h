/*
 * wa_cloud — the `cloud` transport of one WhatsApp account, assembled (docs/wa-cloud.md):
 * Meta's token from the file wa.cloud_token_archivo, the Graph URL wa.cloud_url, the
 * account's phone number id, and src/wa/cloud/transport_cloud over the account's database
 * connection (db_wa_cloud: the template each message goes out as, the webhook's events, the
 * number Meta reports on connect). Also reads the two secret files, for `embudo wa webhook`
 * and `embudo wa cloud probar`.
 *
 * Callers: src/cmd/wa_sender (a sender thread's factory), cmd_wa_cloud, cmd_wa_webhook. The
 * thread that owns the loop and the struct db. Lifetime: wa_cloud_new → events … →
 * transport_free(wa_cloud_transport(w)) → the loop runs dry → wa_cloud_free(w).
 */
#ifndef CMD_WA_CLOUD_H
#define CMD_WA_CLOUD_H

#include <stddef.h>

#include <uv.h>

struct config;
struct db;
struct err;
struct transport;
struct transport_clock;
struct transport_events;
struct wa_cloud;

#define WA_CLOUD_SECRETO_MAX 4096

/*
 * Reads a secret file (what names it in messages: «el token de Meta»): a regular file no
 * other user may read or write (mode 0600 or 0640), 1…WA_CLOUD_SECRETO_MAX bytes once the
 * trailing blanks and new lines are dropped. *out is malloc'd (wipe and free it). RC_INVAL
 * (not configured: path ""), RC_IO (missing, unreadable, wrong mode, empty, too long).
 */
int wa_cloud_secreto_leer(const char *path, const char *what, char **out, size_t *len,
                          struct err *e) __attribute__((warn_unused_result));

/* The transport of CLOUD account cuenta (numero_id: its Meta phone number id) on loop, over
 * db (borrowed; outlives it). NULL + e: the token file (wa_cloud_secreto_leer), RC_INVAL. */
struct wa_cloud *wa_cloud_new(uv_loop_t *loop, const struct config *cfg, struct db *db, int cuenta,
                              const char *numero_id, const struct transport_clock *clock,
                              const struct transport_events *ev, struct err *e)
    __attribute__((warn_unused_result));

struct transport *wa_cloud_transport(const struct wa_cloud *w);

/* Releases what the source holds once the loop ran dry after transport_free. NULL-safe. */
void wa_cloud_free(struct wa_cloud *w);

#endif
