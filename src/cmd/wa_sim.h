/*
 * wa_sim — linking a promoter's account on the simulated network (wa.transport = sim), for
 * `embudo wa link` and the terminal's WhatsApp pane (ui/wa_vincular.c).
 *
 * On sim there is no device key material: a link is the account's simulated JID stored the
 * way real credentials are — a marker ("sim:<jid>") sealed with the key file (crypto/seal,
 * AD "wa_cuentas:<usuario_id>") through api.wa_guardar_credenciales, which turns the account
 * CONECTADA. The sender on sim needs only that the account is linked (rt/sendcore) and never
 * opens the marker.
 *
 * Main thread for cmd_wa_link_sim; wa_sim_guardar on whichever thread owns db.
 */
#ifndef CMD_WA_SIM_H
#define CMD_WA_SIM_H

#include <stdbool.h>
#include <stddef.h>

struct cmd_ctx;
struct db;
struct err;

/* The account's JID on the simulated network: one number per promoter. */
void wa_sim_jid(int usuario_id, char *buf, size_t len);

/* Seals the marker for jid with key_file (created when missing) and stores it as the
 * account's credentials. RC_OK, or the seal/db error in e. */
int wa_sim_guardar(struct db *db, const char *key_file, int usuario_id, const char *jid,
                   struct err *e) __attribute__((warn_unused_result));

/*
 * `embudo wa link [--raw] [--telefono N]` on sim: connects unpaired, prints each QR (as the
 * web link does; --raw: one ref per line) or, with telefono (WhatsApp's number, "52…"), the
 * code to type on that phone; with EMBUDO_SIM_AUTOSCAN=1 the simulated phone scans the first
 * QR or types the code; after the 515 restart and the open it stores the link and prints
 * "vinculado: <jid>". Without autoscan nobody can scan, so it refuses at once. Exit status
 * (0, or 1 with a Spanish message on stderr).
 */
int cmd_wa_link_sim(const struct cmd_ctx *ctx, bool raw, const char *telefono);

#endif
