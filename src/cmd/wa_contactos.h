/*
 * wa_contactos — the per-contact WhatsApp state of one account kept in the database
 * (src/db/db_wa_lid, sql/050–051) wired into a messenger (src/wa/send/msgsend): the LID ↔
 * phone map and the privacy tokens contacts issued are stored as msgsend learns them and fed
 * back before the first connection, and an identity change is recorded on the contact's
 * opportunity (WA_IDENTIDAD).
 *
 * Used by the one place that assembles a web transport (cmd/wa_web.c): wa_contactos_bind on
 * the config before the messenger exists, wa_contactos_restore once it does. Database
 * failures are logged and never stop the connection (the state stays in memory). The thread
 * that owns the struct db and the transport's loop.
 */
#ifndef CMD_WA_CONTACTOS_H
#define CMD_WA_CONTACTOS_H

#include <stdint.h>

struct db;
struct wa_msgsend;
struct wa_msgsend_config;

struct wa_contactos {
    struct db *db;  /* borrowed */
    int64_t cuenta; /* the account (usuario_id) */
};

/* Sets c and points cfg->store at it; c must outlive the messenger made from cfg. */
void wa_contactos_bind(struct wa_contactos *c, struct db *db, int64_t cuenta,
                       struct wa_msgsend_config *cfg);

/* Feeds ms the stored LID pairs and the tokens still usable at now_ms (the most recent
 * WA_DEVICES_MAX - 1 pairs and 4096 tokens). A failure is logged: the messenger then learns
 * them again from the server. */
void wa_contactos_restore(const struct wa_contactos *c, struct wa_msgsend *ms, int64_t now_ms);

#endif
