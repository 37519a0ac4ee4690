/* presence — presence and chat-state stanzas. See presence.h. */
#include "wa/presence.h"

#include <string.h>

#include "wa/binnode.h"

struct binnode *
wa_presence_online(bool available, const char *name)
{
    struct binnode *p;
    char clean[128];
    size_t n = 0;

    if (name == NULL)
        return NULL;
    for (const char *s = name; *s != '\0' && n + 1 < sizeof clean; s++)
        if (*s != '@')
            clean[n++] = *s;
    clean[n] = '\0';
    p = binnode_new("presence");
    binnode_set_attr(p, "name", clean);
    binnode_set_attr(p, "type", available ? "available" : "unavailable");
    return p;
}

struct binnode *
wa_presence_chatstate(const char *me, const char *peer, bool composing)
{
    struct binnode *c = binnode_new("chatstate");

    binnode_set_attr(c, "from", me);
    binnode_set_attr(c, "to", peer);
    binnode_add(c, composing ? "composing" : "paused");
    return c;
}

struct binnode *
wa_presence_subscribe(const char *peer, const char *id)
{
    struct binnode *p = binnode_new("presence");

    binnode_set_attr(p, "type", "subscribe");
    binnode_set_attr(p, "to", peer);
    binnode_set_attr(p, "id", id);
    return p;
}
