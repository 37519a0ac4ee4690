/*
 * wa_sender — the campaign senders' transport factory for wa.transport = web (the real
 * networks): each sender thread asks the database which provider its account uses
 * (db_wa_cloud_remitente) and builds the native WhatsApp Web client (src/cmd/wa_web, the
 * key file wa.key_file) or the Cloud API one (src/cmd/wa_cloud, the token file).
 *
 * The composition roots — `embudo worker`, the TUI via cmd_ui — put it in
 * sender_options.web, so src/rt never sees either client.
 */
#ifndef CMD_WA_SENDER_H
#define CMD_WA_SENDER_H

struct config;
struct sender_factory;

/* Fills out with the factory over cfg (borrowed: it must outlive every sender). */
void wa_sender_factory(const struct config *cfg, struct sender_factory *out);

#endif
