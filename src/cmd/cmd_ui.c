/*
 * cmd_ui — `embudo [ui]`: the terminal client. Also what runs with no command. The
 * composition root of what the ui may not build itself: the sender's and the WhatsApp pane's
 * native client (transport = web).
 */
#include <stdio.h>

#include "cmd/cmd.h"
#include "cmd/wa_link.h"
#include "cmd/wa_sender.h"
#include "core/config.h"
#include "rt/sender.h"
#include "ui/app.h"
#include "ui/wa_vincular.h"
#include "util/err.h"

int
cmd_ui_exec(struct cmd_ctx *ctx)
{
    struct err e = { 0 };
    struct sender_factory web;
    struct wa_link_factory link;

    if (ctx->argc != 0)
        return cmd_usage(cmd_find("ui"), "«ui» no lleva argumentos");
    if (ctx->json)
        return cmd_usage(cmd_find("ui"), "--json no aplica al cliente de terminal");
    wa_sender_factory(ctx->cfg, &web);     /* this session's sender, for transport = web */
    wa_link_factory(ctx->cfg, &link);      /* the WhatsApp pane's linking, over web too */
    if (app_run(ctx->cfg, ctx->as_login, &web, &link, &e) != RC_OK)
        return cmd_fail("%s", e.msg);
    return 0;
}
