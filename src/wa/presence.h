/*
 * presence — presence and chat-state stanzas (guide §9). Builders only; the caller owns
 * the node. Incoming presence and chatstate need no ack and are ignored by a text
 * client. Pure, any thread.
 */
#ifndef WA_PRESENCE_H
#define WA_PRESENCE_H

#include <stdbool.h>

struct binnode;

/* <presence type="available"|"unavailable" name=…/>; name NULL → NULL (Baileys sends
 * nothing without a push name); a '@' in the name is removed. */
struct binnode *wa_presence_online(bool available, const char *name);

/* <chatstate from=me to=peer><composing/>|<paused/></chatstate>. */
struct binnode *wa_presence_chatstate(const char *me, const char *peer, bool composing);

/* <presence type="subscribe" to=peer id=id/>. */
struct binnode *wa_presence_subscribe(const char *peer, const char *id);

#endif
