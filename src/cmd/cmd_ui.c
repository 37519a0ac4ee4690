/*
 * cmd_ui — `embudo [ui]`: the terminal client. Also what runs with no command.
 */
#include <stdio.h>

#include "cmd/cmd.h"
#include "cmd/wa_web.h"
#include "core/config.h"
#include "rt/sender.h"
#include "ui/app.h"
#include "util/err.h"

int
cmd_ui_exec(struct cmd_ctx *ctx)
{
    struct err e = { 0 };
    struct sender_factory web;

    if (ctx->argc != 0)
        return cmd_usage(cmd_find("ui"), "«ui» no lleva argumentos");
    if (ctx->json)
        return cmd_usage(cmd_find("ui"), "--json no aplica al cliente de terminal");
    wa_web_sender_factory(ctx->cfg, &web); /* this session's sender, for transport = web */
    if (app_run(ctx->cfg, ctx->as_login, &web, &e) != RC_OK)
        return cmd_fail("%s", e.msg);
    return 0;
}
