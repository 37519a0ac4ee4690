/*
 * app — the terminal client's controller, on the loop thread (thread 0 = libuv loop =
 * UI thread): it owns the loop, the terminal, the panes and the view state; keys come
 * from a uv_poll_t on stdin, database work goes to an rt worker with its own connection,
 * and one uv_prepare_t per loop turn rebuilds dirty view-models and writes the frame
 * with a single doupdate().
 */
#ifndef UI_APP_H
#define UI_APP_H

struct config;
struct err;
struct sender_factory;
struct wa_link_factory;

/*
 * Runs the client until the user quits (q, or SIGINT/SIGTERM/SIGHUP) as login (NULL =
 * the default login; see db_open). web (borrowed, may be NULL) is how this session's
 * sender builds transport = web (src/cmd/wa_web: the composition root passes it), link
 * (borrowed, may be NULL) how the WhatsApp pane links over it (src/cmd/wa_link). Main
 * thread; blocks. Returns RC_OK after a clean stop
 * (terminal restored, worker joined, every handle closed, uv_loop_close() == 0), or
 * RC_INVAL (unknown theme) / RC_IO (no terminal, libuv failure) with e filled.
 */
int app_run(const struct config *cfg, const char *login, const struct sender_factory *web,
            const struct wa_link_factory *link, struct err *e) __attribute__((warn_unused_result));

#endif
