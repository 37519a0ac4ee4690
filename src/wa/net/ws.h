/*
 * ws — one websocket client connection on the caller's libuv loop (libwebsockets).
 *
 * DESIGN. libwebsockets runs on a foreign libuv loop (LWS_SERVER_OPTION_LIBUV +
 * foreign_loops): no thread of its own, every callback on the loop thread. A struct ws
 * owns one lws context and at most one connection at a time; after a close it may
 * connect again (the 515 restart). Bytes arrive as lws hands them over (a websocket
 * message may come in pieces, or hold several WhatsApp frames): the caller feeds them
 * to a frame decoder, so message boundaries carry no meaning here. Outgoing data is
 * copied into a queue and written as one binary message per ws_send().
 *
 * URLs: wss://HOST[:PORT]/PATH with TLS and full certificate verification (system CA
 * store, host name checked), or ws://PATH only towards loopback (127.0.0.1, ::1,
 * localhost), for tests. The Origin header is https://web.whatsapp.com (guide §1).
 *
 * Lifetime: ws_new → ws_connect → (events) → ws_stop, which closes the connection and
 * destroys the lws context from a loop callback; the loop then runs dry and ws_free()
 * releases the memory (libuv's close-before-free rule). Loop thread only.
 */
#ifndef WA_NET_WS_H
#define WA_NET_WS_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

struct err;
struct ws;

/* Why a connection ended (the close event's kind). */
enum ws_end {
    WS_END_FAILED, /* never opened: DNS, refused, TLS or certificate, bad upgrade */
    WS_END_CLOSED, /* was open; the peer or the network closed it */
    WS_END_LOCAL,  /* ws_close() or ws_stop() */
};

struct ws_events {
    void *ctx;
    /* The upgrade completed; ws_send() may be called. */
    void (*open)(void *ctx);
    /* Received bytes: any slice of the binary stream (partial or coalesced messages). */
    void (*data)(void *ctx, const uint8_t *p, size_t len);
    /* The connection is gone (exactly once per ws_connect that returned RC_OK); reason is
     * lws's text or ours, borrowed for the call. Another ws_connect() may follow. */
    void (*close)(void *ctx, enum ws_end end, const char *reason);
};

/* Creates the lws context on loop. ev is copied. Returns NULL with e (RC_NET) when lws
 * cannot start (the loop must still run before uv_loop_close: a handle is closing). */
struct ws *ws_new(uv_loop_t *loop, const struct ws_events *ev, struct err *e);

/* Parses and checks url (see above) and starts connecting. RC_OK (open or close follows),
 * RC_INVAL (bad or non-loopback ws:// URL; RC_BUSY when a connection exists) or RC_NET. */
int ws_connect(struct ws *w, const char *url, struct err *e) __attribute__((warn_unused_result));

/* Queues len bytes (copied) as one binary message. RC_OK or RC_CLOSED (not open). */
int ws_send(struct ws *w, const uint8_t *p, size_t len, struct err *e)
    __attribute__((warn_unused_result));

/* Closes the current connection (normal closure); a close event WS_END_LOCAL follows
 * from the loop. No-op when there is none. */
void ws_close(struct ws *w);

/* Closes the connection without an event and destroys the lws context from a loop
 * callback; the loop ends once every handle closed. Safe inside ws events. Idempotent. */
void ws_stop(struct ws *w);

/* Finishes lws's context destruction and frees w: only after ws_stop(), once uv_run() has
 * returned; uv_loop_close() may follow. NULL-safe. */
void ws_free(struct ws *w);

/* Checks a URL without connecting: RC_OK or RC_INVAL with the reason (for config checks
 * and tests). */
int ws_url_check(const char *url, struct err *e) __attribute__((warn_unused_result));

#endif
